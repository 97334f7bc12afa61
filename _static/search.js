// The search page and the pages it leads to (Sphinx's searchtools.js and
// sphinx_highlight.js, corrected here):
// 1. A result's summary is the page's text; its formulas were raw LaTeX
//    ("\(\ell_i = (\hat y_i - y_i)^2\)"). Each formula is written in plain characters.
// 2. A result opened the page at its top, however far down the words were found. Coming
//    from the search page, the page now scrolls to the first word it highlights.
(function () {
  "use strict";

  var SYMBOLS = {
    ell: "ℓ", alpha: "α", beta: "β", gamma: "γ", delta: "δ", varepsilon: "ε",
    epsilon: "ε", eta: "η", theta: "θ", lambda: "λ", mu: "μ", pi: "π", sigma: "σ",
    tau: "τ", Sigma: "Σ", sum: "Σ", prod: "Π", infty: "∞", cdot: "·", times: "×",
    le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", to: "→",
    rightarrow: "→", leftarrow: "←", in: "∈", partial: "∂", nabla: "∇", pm: "±",
    log: "log", exp: "exp", ln: "ln", min: "min", max: "max", mid: "|",
  };

  // LaTeX as a reader would type it: \hat y -> ŷ, \frac{a}{b} -> a/b, \ell -> ℓ.
  function plain(tex) {
    return tex
      .replace(/\\hat\s*\{?([A-Za-z])\}?/g, "$1\u0302")
      .replace(/\\bar\s*\{?([A-Za-z])\}?/g, "$1\u0304")
      .replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\\(?:operatorname|mathrm|text|mathbf|mathcal|boldsymbol)\s*\{([^{}]*)\}/g, "$1")
      .replace(/\\(?:left|right|big|Big|bigl|bigr|,|;|!|quad|qquad)/g, " ")
      .replace(/\\([A-Za-z]+)/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(SYMBOLS, name) ? SYMBOLS[name] : name;
      })
      .replace(/[{}]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  function readableMaths(htmlString) {
    var page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".math").forEach(function (element) {
      var tex = element.textContent.replace(/^\s*(\\\(|\\\[|\$\$)/, "")
        .replace(/(\\\)|\\\]|\$\$)\s*$/, "");
      element.textContent = " " + plain(tex) + " ";
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
