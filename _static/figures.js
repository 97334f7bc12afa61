// A figure's picture is a link to the picture alone: on a phone, a tap opens it in the
// browser's own viewer, full screen, where it zooms. See _static/figures.css. The link's
// name is the picture's alt text, then what the link does.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".bd-article figure.align-default > img").forEach(function (img) {
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
