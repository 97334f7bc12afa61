// The search page and the pages it leads to (Sphinx's searchtools.js and
// sphinx_highlight.js, corrected here):
// 1. A result's summary is the page's text. A formula's text is its hidden MathML (the
//    maths is typeset when the book is built, _ext/course_maths.py), whose letters
//    run together ("y^" for ŷ, "x2" for x²): each formula is written in plain characters.
// 2. A result opened the page at its top, however far down the words were found. Coming
//    from the search page, the page now scrolls to the first word it highlights.
(function () {
  "use strict";

  var SUPERSCRIPTS = {
    0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹",
    "-": "⁻", "−": "⁻", "+": "⁺", "⊤": "ᵀ", T: "ᵀ",
  };
  // Combining accents: \hat y -> ŷ, \bar y -> ȳ, \tilde y -> ỹ.
  var ACCENTS = { "^": "\u0302", "ˆ": "\u0302", "¯": "\u0304", "‾": "\u0304", "~": "\u0303",
                  "˜": "\u0303" };

  function superscript(text) {
    var letters = Array.from(text);
    return letters.every(function (c) { return SUPERSCRIPTS[c]; })
      ? letters.map(function (c) { return SUPERSCRIPTS[c]; }).join("")
      : "^(" + text + ")";
  }

  // MathML as a reader would type it: ŷ, x², (a)/(b), y_i, √(x).
  function plain(node) {
    var parts = Array.from(node.children, plain);
    switch (node.localName) {
      case "mover":
        return ACCENTS[parts[1]] ? parts[0] + ACCENTS[parts[1]] : parts.join("");
      case "msup":
        return parts[0] + superscript(parts[1]);
      case "msub":
        return parts[0] + "_" + parts[1];
      case "msubsup":
        return parts[0] + "_" + parts[1] + superscript(parts[2]);
      case "mfrac":
        return "(" + parts[0] + ")/(" + parts[1] + ")";
      case "msqrt":
        return "√(" + parts.join("") + ")";
      default:
        return node.children.length ? parts.join("") : node.textContent.trim();
    }
  }

  function readableMaths(htmlString) {
    var page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".math").forEach(function (element) {
      var mathml = element.querySelector("math");
      if (mathml) element.textContent = " " + plain(mathml) + " ";
    });
    return page.documentElement.outerHTML;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Search !== "undefined" && Search.htmlToText) {
      var original = Search.htmlToText;
      Search.htmlToText = function (htmlString, anchor) {
        return original.call(Search, readableMaths(htmlString), anchor);
      };
    }
  });

  window.addEventListener("load", function () {
    var fromSearch = /\/search\.html/.test(document.referrer);
    if (!fromSearch || window.location.hash) return;
    var found = document.querySelector(".bd-article .highlighted");
    if (found) found.scrollIntoView({ block: "center" });
  });

  window.lossCourseSearch = { plain: plain };  // for the site test
})();
