"""The maths typeset when the book is built (``_ext/course_maths.py`` and its Node.js
script): what MathJax makes of a formula, and the problems that stop the strict build.
The built pages themselves are checked in Chromium by ``tests/test_site.py``."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from course_files import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import course_maths  # noqa: E402
from course_site import keep_punctuation_attached, sized_pictures  # noqa: E402


@pytest.fixture(scope="module")
def typesetter() -> Iterator[course_maths.Typesetter]:
    made = course_maths.Typesetter()
    yield made
    made.close()


def test_a_formula_becomes_mathjax_html_with_the_mathml_screen_readers_read(typesetter):
    made = typesetter.typeset(r"\hat y_i = w x_i + b", display=False)
    assert made["problem"] is None
    html = made["html"]
    assert html.startswith('<mjx-container class="MathJax" jax="CHTML"')
    # What the reader sees is hidden from screen readers, which read the MathML instead.
    assert '<mjx-math class=" MJX-TEX" aria-hidden="true">' in html
    assert "<mjx-assistive-mml" in html and "<mi>y</mi>" in html
    # Scaled as the browser's MathJax scales it to the text around it.
    assert "font-size: 127.3%" in html
    assert "tabindex" not in html  # no formula is a Tab stop


def test_a_display_formula_is_a_block(typesetter):
    html = typesetter.typeset(r"\ell = (y - \hat y)^2", display=True)["html"]
    assert 'display="true"' in html


@pytest.mark.parametrize(("tex", "problem"), [
    (r"\lossof{y}", r"undefined TeX macro: \lossof"),
    (r"\frac{1}{", "TeX error: Missing close brace"),
    # MathJax's fonts have no double-struck 1: the browser would guess its width.
    (r"\mathbb{1}\{c = k\}", "characters outside MathJax's fonts: 𝟙"),
])
def test_a_formula_mathjax_cannot_draw_is_a_problem(typesetter, tex, problem):
    assert typesetter.typeset(tex, display=False)["problem"] == problem


def test_the_stylesheet_holds_the_characters_typeset_and_finds_the_fonts(typesetter):
    typesetter.typeset(r"\sum_i x_i", display=True)
    css = typesetter.stylesheet()
    assert "mjx-c.mjx-c1D465.TEX-I::before" in css  # the italic x
    assert "mjx-c.mjx-c2211.TEX-S1::before" in css or "mjx-c2211" in css  # the sum sign
    assert 'url("maths-fonts/MathJax_Main-Regular.woff")' in css


def test_the_same_formula_is_typeset_once(typesetter):
    first = typesetter.typeset("a + b", display=False)
    assert typesetter.typeset("a + b", display=False) is first


def test_a_retina_picture_keeps_its_proportions_in_a_narrow_column():
    """myst-nb writes a picture's size as fixed CSS, which a narrower column squashes."""
    page = '<img alt="a" src="x.png" style="width: 691px; height: 351px;" />'
    assert sized_pictures(page) == '<img alt="a" src="x.png" width="691" height="351" />'


def test_a_formula_or_code_keeps_the_punctuation_that_touches_it_on_its_line():
    """A line began with the full stop after a formula or code (an inline block)."""
    formula = ('<span class="math notranslate nohighlight"><mjx-container class="MathJax">'
               "x</mjx-container></span>")
    code = '<code class="docutils literal notranslate"><span class="pre">f()</span></code>'
    link = f'<a class="reference internal" href="#f">{code}</a>'
    page = (f"so ({formula}). Then {formula} alone, and {formula}，中文; "
            f"call {code}, or {link}. Or <a href=\"#g\">{code} and more</a>.")
    assert keep_punctuation_attached(page) == (
        f'so <span class="lu-nowrap">({formula}).</span> Then {formula} alone, and '
        f'<span class="lu-nowrap">{formula}，</span>中文; '
        f'call <span class="lu-nowrap">{code},</span> or <span class="lu-nowrap">{link}.</span>'
        f' Or <a href="#g">{code} and more</a>.')
