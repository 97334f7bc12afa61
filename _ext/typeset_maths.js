// The course's maths, typeset when the book is built (_ext/course_maths.py runs this).
//
// MathJax 3 (npm's mathjax-full, package.json) turns TeX into the HTML and CSS that the
// browser's MathJax would have made: the TeX input with the AMS and "undefined macros
// in red" packages, the CommonHTML output, and the hidden MathML from which screen
// readers read each formula. The pages then load no MathJax script at all.
//
// It talks JSON, one request per line on stdin, one answer per line on stdout:
//   {"tex": "...", "display": true}  ->  {"html": "<mjx-container ...>", "problem": null}
//   {"stylesheet": true}             ->  {"css": "..."}  (the CSS of every formula so far)
// "problem" names a TeX error or an undefined macro, which MathJax draws in red.

"use strict";

const readline = require("readline");
const {mathjax} = require("mathjax-full/js/mathjax.js");
const {TeX} = require("mathjax-full/js/input/tex.js");
const {CHTML} = require("mathjax-full/js/output/chtml.js");
const {liteAdaptor} = require("mathjax-full/js/adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = require("mathjax-full/js/handlers/html.js");
const {AssistiveMmlHandler} = require("mathjax-full/js/a11y/assistive-mml.js");
require("mathjax-full/js/input/tex/base/BaseConfiguration.js");
require("mathjax-full/js/input/tex/ams/AmsConfiguration.js");
require("mathjax-full/js/input/tex/noundefined/NoUndefinedConfiguration.js");

// The stylesheet is written to _static/maths.css, the fonts to _static/maths-fonts/.
const FONT_URL = process.argv[2] || "maths-fonts";
// The size of the text around a formula: 16 px, with an x-height of 9 px (the
// browser's MathJax measures it; here it is given). MathJax scales its own letters so
// that their x-height matches the text's.
const EM = 16;
const EX = 9;
const WIDTH = 80 * EM;

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const tex = new TeX({packages: ["base", "ams", "noundefined"]});
const chtml = new CHTML({fontURL: FONT_URL, adaptiveCSS: true});
const html = mathjax.document("", {InputJax: tex, OutputJax: chtml});
// What the browser's MathJax computes from the text's measured x-height.
const SCALE = EX / (chtml.font.params.x_height * EM);

function problemOf(node) {
  const error = adaptor.tags(node, "mjx-merror");
  if (error.length) {
    return "TeX error: " + adaptor.getAttribute(error[0], "data-mjx-error");
  }
  // MathJax writes an undefined macro as its own name, in red.
  const red = adaptor.tags(node, "mtext").filter(
    (m) => adaptor.getAttribute(m, "mathcolor") === "red");
  if (red.length) {
    return "undefined TeX macro: " + red.map((m) => adaptor.textContent(m)).join(", ");
  }
  const guessed = adaptor.tags(node, "mjx-utext");
  if (guessed.length) {
    // A character that MathJax's fonts lack is measured by the browser; here its width
    // could only be guessed.
    return "characters outside MathJax's fonts: " +
      guessed.map((u) => adaptor.textContent(u)).join(" ");
  }
  return null;
}

function answer(request) {
  if (request.stylesheet) {
    return {css: adaptor.textContent(chtml.styleSheet(html))};
  }
  const node = html.convert(request.tex, {
    display: !!request.display, em: EM, ex: EX, containerWidth: WIDTH, scale: SCALE,
  });
  return {html: adaptor.outerHTML(node), problem: problemOf(node)};
}

const lines = readline.createInterface({input: process.stdin, terminal: false});
lines.on("line", (line) => {
  let reply;
  try {
    reply = answer(JSON.parse(line));
  } catch (error) {
    reply = {html: "", problem: "MathJax failed: " + error.message};
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
