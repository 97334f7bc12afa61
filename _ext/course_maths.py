"""The site's maths, typeset when the book is built, as a local Sphinx extension.

Sphinx's MathJax extension writes each formula as TeX (``\\(...\\)``, ``\\[...\\]``) and
leaves it to MathJax in the reader's browser: 0.75 MB of script on the first visit to
any page with a formula, and a moment in which the reader sees raw TeX. This extension
is the site's math renderer instead. It writes the very elements the browser's MathJax
would have made (MathJax 3's CommonHTML output, with the hidden MathML that screen
readers read), made by ``_ext/typeset_maths.js`` under Node.js from npm's
``mathjax-full`` (``package.json``; ``make book`` installs it), and one style sheet,
``_static/maths.css``, holding the rules of the characters the site's formulas use; the
browser fetches only the MathJax fonts a page shows (``_static/maths-fonts/``). Pages
load no maths script.

A formula that MathJax cannot typeset, that uses an undefined macro (MathJax draws its
name in red) or a character outside MathJax's fonts, is a warning with its page and
line, so that the strict build (``-W``) stops on it.

The HTML around each formula (its ``<span>`` or ``<div>``, the equation number and its
link) is Sphinx's own: Sphinx's MathJax visitors write it, and only the TeX between the
delimiters is replaced by what MathJax made of it.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext import mathjax
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TYPESETTER = HERE / "typeset_maths.js"
MATHJAX = HERE.parent / "node_modules" / "mathjax-full"
FONTS = MATHJAX / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
#: Where the style sheet and the fonts go in the site (the fonts' URL is relative to it).
STYLESHEET = "maths.css"
FONT_FOLDER = "maths-fonts"


class Typesetter:
    """One Node.js process running ``typeset_maths.js`` for the whole build; the same
    formula is typeset once."""

    def __init__(self) -> None:
        if not (MATHJAX / "package.json").is_file():
            raise RuntimeError(
                f"MathJax is not installed in {MATHJAX.parent}: run `make book`, which "
                "runs `npm ci` (package.json)")
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js (`node`) is needed to typeset the maths")
        self.process = subprocess.Popen(
            [node, str(TYPESETTER), FONT_FOLDER], cwd=HERE.parent, text=True,
            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.made: dict[tuple[str, bool], dict[str, Any]] = {}

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{TYPESETTER.name} stopped (exit code {self.process.poll()})")
        return json.loads(line)

    def typeset(self, tex: str, display: bool) -> dict[str, Any]:
        key = (tex, display)
        if key not in self.made:
            self.made[key] = self.ask({"tex": tex, "display": display})
        return self.made[key]

    def stylesheet(self) -> str:
        return self.ask({"stylesheet": True})["css"]

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()
        self.process.wait(timeout=30)


def typesetter(app: Sphinx) -> Typesetter:
    if getattr(app, "_course_typesetter", None) is None:
        app._course_typesetter = Typesetter()  # type: ignore[attr-defined]
    return app._course_typesetter  # type: ignore[attr-defined]


def typeset(translator: Any, node: nodes.Element, tex: str, display: bool) -> str:
    made = typesetter(translator.builder.app).typeset(tex, display)
    if made["problem"]:
        logger.warning("%s, in the formula %r", made["problem"], tex[:80], location=node)
    return made["html"]


def sphinx_markup(visitor: Any, translator: Any, node: nodes.Element) -> str:
    """What Sphinx's MathJax visitor writes for ``node``."""
    body = translator.body
    translator.body = []
    try:
        visitor(translator, node)
    except nodes.SkipNode:
        pass
    written, translator.body = "".join(translator.body), body
    return written


def between(text: str, start: str, end: str) -> tuple[int, int]:
    """Where the TeX lies in Sphinx's markup: after ``start``, before the last ``end``."""
    first = text.index(start) + len(start)
    return first, text.rindex(end)


def visit_inline(translator: Any, node: nodes.math) -> None:
    written = sphinx_markup(mathjax.html_visit_math, translator, node)
    opening, closing = translator.builder.config.mathjax_inline
    first, last = between(written, opening, closing)
    formula = typeset(translator, node, node.astext(), display=False)
    translator.body.append(written[:first - len(opening)] + formula
                           + written[last + len(closing):])
    raise nodes.SkipNode


def visit_display(translator: Any, node: nodes.math_block) -> None:
    written = sphinx_markup(mathjax.html_visit_displaymath, translator, node)
    if node["nowrap"]:
        # Sphinx writes the TeX as it is (an environment of its own) before "</div>".
        tex_start = written.index(">") + 1
        first, last, opening, closing = tex_start, written.rindex("</div>"), "", ""
    else:
        opening, closing = translator.builder.config.mathjax_display
        first, last = between(written, opening, closing)
    # Sphinx wraps multi-line formulas in split/aligned environments; typeset that TeX.
    tex = html.unescape(written[first:last])
    formula = typeset(translator, node, tex, display=True)
    translator.body.append(written[:first - len(opening)] + formula
                           + written[last + len(closing):])
    raise nodes.SkipNode


def write_stylesheet_and_fonts(app: Sphinx, exception: Exception | None) -> None:
    """The rules of every character typeset, and MathJax's fonts, into ``_static``."""
    made: Typesetter | None = getattr(app, "_course_typesetter", None)
    if exception is not None or app.builder.format != "html":
        if made is not None:
            made.close()
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    if made is None:  # no page was written: the formulas of the last build stand
        return
    # A page not written in this build (unchanged since the last) keeps its formulas,
    # whose characters the style sheet must still hold: every formula of every build
    # into this folder is listed beside the doctrees and typeset again here.
    listed = Path(app.doctreedir) / "course-maths.json"
    known = json.loads(listed.read_text(encoding="utf-8")) if listed.is_file() else []
    for tex, display in known:
        made.typeset(tex, display)
    listed.write_text(json.dumps(sorted(made.made)), encoding="utf-8")
    (static / STYLESHEET).write_text(made.stylesheet(), encoding="utf-8")
    made.close()
    fonts = static / FONT_FOLDER
    shutil.rmtree(fonts, ignore_errors=True)
    shutil.copytree(FONTS, fonts)


def typesetter_version() -> str:
    """What the typeset formulas depend on: the script and MathJax's version. A page that
    Sphinx would not write again (unchanged since the last build) is written again when
    this changes, since it is part of the HTML configuration."""
    digest = hashlib.sha256(TYPESETTER.read_bytes())
    if (MATHJAX / "package.json").is_file():
        digest.update(json.loads((MATHJAX / "package.json").read_text())["version"].encode())
    return digest.hexdigest()[:16]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("course_maths_version", typesetter_version(), "html")
    app.add_html_math_renderer(
        "course_maths", (visit_inline, None), (visit_display, None))
    app.add_css_file(STYLESHEET)
    app.connect("build-finished", write_stylesheet_and_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
