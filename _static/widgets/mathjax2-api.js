/*
 * The widget renderer (embed.js) typesets LaTeX in widget labels with MathJax 2's
 * MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the site runs MathJax 3, which
 * has no Hub, so every page with a widget logged "Cannot read properties of undefined
 * (reading 'Queue')". This gives MathJax 3 that one call, made of typesetPromise.
 * It runs on DOMContentLoaded: after MathJax's deferred script, before embed.js renders
 * the widgets on "load".
 */
document.addEventListener("DOMContentLoaded", function () {
  var mathjax = window.MathJax;
  if (!mathjax || mathjax.Hub || typeof mathjax.typesetPromise !== "function" &&
      !(mathjax.startup && mathjax.startup.promise)) {
    return;
  }
  mathjax.Hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
          mathjax.startup.promise
            .then(function () { return mathjax.typesetPromise([job[2]]); })
            .catch(function (error) { console.error("MathJax in a widget:", error); });
        }
      });
    },
  };
});
