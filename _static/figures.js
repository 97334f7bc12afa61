// A figure's picture is a link to the picture alone: on a phone, a tap opens it in the
// browser's own viewer, full screen, where it zooms. See _static/figures.css. The link's
// name is the picture's alt text, then what the link does.
document.addEventListener("DOMContentLoaded", function () {
  // A lab's picture without a caption is a cell's output image.
  document.querySelectorAll(
    ".bd-article figure.align-default > img, .bd-article div.cell_output > img"
  ).forEach(function (img) {
    var link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "lu-figure-open";
    var chinese = document.documentElement.lang.indexOf("zh") === 0;
    link.title = chinese ? "单独打开原尺寸图片" : "Open the picture on its own, full size";
    var note = document.createElement("span");
    note.className = "visually-hidden";
    note.textContent = chinese ? "（单独打开原尺寸图片）" : " (opens the picture on its own, full size)";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
    link.appendChild(note);
  });
});

// On a phone a figure or a demo keeps its drawn width and scrolls sideways in its box
// (figures.css), which showed only its left part: a three-panel figure looked empty.
// While a box scrolls, a line under its picture says so, in the page's language; it is
// checked again when the width changes or a folded output opens.
(function () {
  "use strict";
  var chinese = document.documentElement.lang.indexOf("zh") === 0;
  var TEXT = {
    figure: chinese ? "⇆ 左右滑动看整幅图，或点按图片单独打开"
                    : "⇆ Swipe sideways for the whole picture, or tap it to open it alone",
    player: chinese ? "⇆ 左右滑动看整幅图" : "⇆ Swipe sideways for the whole picture",
  };

  function mark() {
    document.querySelectorAll(".bd-article figure.align-default, .bd-article .lu-player, "
                              + ".bd-article div.cell_output:has(> a.lu-figure-open)")
      .forEach(function (box) {
        var player = box.classList.contains("lu-player");
        var hint = box.querySelector(":scope > .lu-scroll-hint");
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        if (scrolls && !hint) {
          hint = document.createElement("p");
          hint.className = "lu-scroll-hint";
          hint.textContent = player ? TEXT.player : TEXT.figure;
          var caption = box.querySelector(":scope > figcaption");
          box.insertBefore(hint, player ? null : caption);
        } else if (!scrolls && hint) {
          hint.remove();
        }
      });
  }

  // Checked again in the next frame after the width changes or a folded output opens.
  var again = function () { requestAnimationFrame(mark); };
  window.addEventListener("load", function () {
    mark();
    window.addEventListener("resize", again);
    document.addEventListener("toggle", again, true);
  });
})();
