/*
 * Display equations wider than their box scroll sideways (course.css). Like the theme's
 * code blocks and tables, such a box then takes the keyboard's focus (Tab, then the arrow
 * keys scroll it), and only such a box: no other formula is a Tab stop (mathjax3_config
 * in _config.yml turns MathJax's own Tab stops off). Checked again when the width changes.
 */
(() => {
  const mark = () => {
    document.querySelectorAll("div.math > mjx-container").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  };
  let timer = null;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(mark, 300);
  };
  const start = () => {
    mark();
    window.addEventListener("resize", later);
  };
  window.addEventListener("load", () => {
    const startup = window.MathJax && window.MathJax.startup;
    (startup && startup.promise ? startup.promise : Promise.resolve()).then(start);
  });
})();
