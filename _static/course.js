/*
 * Display equations wider than their box scroll sideways (course.css). Like the theme's
 * code blocks and tables, such a box then takes the keyboard's focus (Tab, then the arrow
 * keys scroll it), and only such a box: no other formula is a Tab stop (the formulas are
 * typeset when the book is built, _ext/course_maths.py). Checked again when the width
 * changes.
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
  window.addEventListener("load", start);
})();

/*
 * A chapter's solution opens from its bar, "Solution to Exercise 6.1": the exercise's
 * name in the bar was a link, so a click on it jumped to the exercise and left the
 * solution closed. The name stays in the bar as text, and the link to the exercise moves
 * to the end of the solution ("Back to Exercise 6.1").
 */
document.addEventListener("DOMContentLoaded", () => {
  document
    .querySelectorAll(".solution.dropdown > .admonition-title > a.reference")
    .forEach((link) => {
      const solution = link.closest(".solution");
      // Plain text, not an element: sphinx-togglebutton opens the solution only for a
      // click whose target is the bar itself.
      link.replaceWith(document.createTextNode(link.textContent));
      const back = document.createElement("p");
      back.className = "lu-solution-back";
      const to = document.createElement("a");
      to.href = link.getAttribute("href");
      // The Chinese edition's pages say so in Chinese (_ext/course_languages.py).
      const chinese = document.documentElement.lang.startsWith("zh");
      to.textContent = (chinese ? "返回" : "Back to") + link.textContent;
      back.appendChild(to);
      (solution.querySelector("section") || solution).appendChild(back);
    });
});
