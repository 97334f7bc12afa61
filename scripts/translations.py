"""Refresh the Chinese edition's gettext catalogs after a change to the English pages.

The English chapters and labs are the source. Sphinx's gettext builder extracts their
messages (paragraphs, headings, captions, table cells, the Markdown cells of the labs)
into one template per page; ``sphinx-intl`` merges each template into its catalog
``locales/zh_CN/LC_MESSAGES/<page>.po``: a new message arrives untranslated, a changed
one arrives fuzzy (with the old translation to start from), a removed one is kept as
obsolete (``#~``). The tests (``tests/test_translations.py``) fail on all three until a
translator has dealt with them, so the Chinese edition cannot fall behind silently.

The words the pages' pictures carry outside the text: the alt text of every figure and
demo frame, and the demo players' slider names, read from the English site
(``make book`` first). They go to one catalog, ``pictures.po``, where the numbers of an
alt text are holes, ``{}``: the 20 frames of a demo share one message, and
``_ext/course_languages.py`` writes each frame's numbers into its translation.

The ``lossutils`` reference pages (``reference/``) are generated from the package's
docstrings: their docstring messages are left out of the catalogs (those pages stay in
English, under a Chinese introduction), while the course's own lines around them are
translated like any other page.

    python scripts/translations.py        # `make translations`
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"
# The gettext build's own output folder (jupyter-book adds _build/gettext to it).
GETTEXT_RUN = ROOT / "_build" / "gettext-run"
TEMPLATES = GETTEXT_RUN / "_build" / "gettext"
BIN = Path(sys.executable).parent


#: reStructuredText roles, which only the docstrings write (the pages are MyST).
REST_ROLE = re.compile(r"(?<![\w}]):(?:math|func|class|meth|attr|obj|data|mod):`")


def from_docstring(locations: list[tuple[str, int | None]], message: str = "") -> bool:
    """Whether every place a message comes from is a docstring (autodoc's locations read
    ``lossutils/regression.py:docstring of lossutils.regression.mse_loss:3``), or the
    message is written in a docstring's reStructuredText (a ``#:`` comment on a
    constant has no docstring location)."""
    return (bool(locations) and all(DOCSTRING in path for path, _ in locations)) or \
        bool(REST_ROLE.search(message))


#: A docstring's location, made one word: babel splits locations at spaces.
DOCSTRING = ":docstring-of-"


def course_messages(template: Path) -> None:
    """Rewrite ``template`` without the docstrings' messages and without source lines
    (a line number that moves is not a change a translator needs to see)."""
    text = template.read_text(encoding="utf-8").replace(":docstring of ", DOCSTRING)
    catalog = read_po(io.BytesIO(text.encode("utf-8")))
    for message in list(catalog):
        if message.id and from_docstring(message.locations, message.id):
            catalog.delete(message.id, message.context)
    with template.open("wb") as file:
        write_po(file, catalog, width=0, no_location=True, omit_header=False)


#: What a message keeps as it is in any language: formulas, code and roles.
UNTRANSLATED_PIECES = re.compile(r"\$\$.*?\$\$|\$[^$]+\$|\{[\w:.-]+\}`[^`]*`|``?[^`]+``?",
                                 re.DOTALL)


def is_display_math(message: str) -> bool:
    """A display formula is a message of its own: between two line ends in a chapter,
    TeX from its first character in a lab. Sphinx cannot translate one."""
    return (message.startswith("\n") and message.endswith("\n")) or \
        (message.lstrip().startswith("\\") and "$" not in message)


def needs_no_words(message: str) -> bool:
    """A display formula, or a message of formulas, code and glued values alone (a
    table cell such as ``$\\hat y_i$``)."""
    return is_display_math(message) or \
        not re.search(r"[A-Za-z]{2,}", UNTRANSLATED_PIECES.sub(" ", message))


def copy_wordless_messages(catalog_path: Path) -> None:
    """Give each untranslated wordless message its own text as its translation (a
    display formula's is final: Sphinx cannot translate one, so a changed formula, made
    fuzzy by the merge, takes its new text too)."""
    with catalog_path.open("rb") as file:
        catalog = read_po(file)
    changed = False
    for message in catalog:
        if not message.id or not needs_no_words(message.id):
            continue
        if not message.string or (message.fuzzy and is_display_math(message.id)):
            message.string, changed = message.id, True
            message.flags.discard("fuzzy")
            message.previous_id = []
    if changed:
        with catalog_path.open("wb") as file:
            write_po(file, catalog, width=0, no_location=True)


ENGLISH_SITE = ROOT / "_build" / "html"
#: A number in an alt text: a hole of its message.
PICTURE_NUMBER = re.compile(r"(?<![A-Za-z_])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
ARTICLE = re.compile(r"<article\b.*?</article>", re.DOTALL)
ALT = re.compile(r'<img\b[^>]*?\balt="([^"]*)"')
SLIDER_NAME = re.compile(r'class="lu-name">([^<]*)<')


def picture_messages(site: Path = ENGLISH_SITE) -> list[str]:
    """The alt texts (numbers made holes) and slider names of the English site's
    chapters and labs, in page order."""
    pages = sorted((site / "chapters").glob("*.html")) + sorted((site / "notebooks").glob("*.html"))
    if not pages:
        raise SystemExit(f"no English site in {site}: run `make book` first")
    messages: dict[str, None] = {}
    for page in pages:
        for article in ARTICLE.findall(page.read_text(encoding="utf-8")):
            for alt in ALT.findall(article):
                messages[PICTURE_NUMBER.sub("{}", html.unescape(alt))] = None
            for name in SLIDER_NAME.findall(article):
                messages[html.unescape(name)] = None
    return [message for message in messages if message.strip()]


def write_picture_template(path: Path) -> None:
    catalog = Catalog(project="pictures", fuzzy=False)
    for message in picture_messages():
        catalog.add(message)
    with path.open("wb") as file:
        write_po(file, catalog, width=0, no_location=True)


def extract_templates(run: Path = GETTEXT_RUN) -> list[Path]:
    """Extract the English pages' messages into templates (``.pot``) under ``run``,
    without the docstrings, with the pictures' template; the templates' paths."""
    templates_dir = run / "_build" / "gettext"
    shutil.rmtree(templates_dir, ignore_errors=True)
    subprocess.run([str(BIN / "jupyter-book"), "build", str(ROOT), "--builder", "custom",
                    "--custom-builder", "gettext", "--path-output", str(run)],
                   check=True, cwd=ROOT)
    templates = sorted(templates_dir.rglob("*.pot"))
    for template in templates:
        course_messages(template)
    write_picture_template(templates_dir / "pictures.pot")
    return [*templates, templates_dir / "pictures.pot"]


def main() -> int:
    templates = extract_templates()
    subprocess.run([str(BIN / "sphinx-intl"), "update", "--pot-dir", str(TEMPLATES),
                    "--locale-dir", str(LOCALES), "--language", LANGUAGE,
                    "--line-width", "-1"], check=True, cwd=ROOT)
    for catalog in sorted(CATALOGS.rglob("*.po")):
        copy_wordless_messages(catalog)
    # A page that left the book leaves a catalog behind: it goes too. The interface
    # catalog is written by hand.
    wanted = {template.relative_to(TEMPLATES).with_suffix(".po") for template in templates}
    wanted.add(Path("interface.po"))
    for catalog in sorted(CATALOGS.rglob("*.po")):
        if catalog.relative_to(CATALOGS) not in wanted:
            print(f"removed {catalog.relative_to(ROOT)}: its page is no longer in the book")
            catalog.unlink()
    print(f"catalogs refreshed in {CATALOGS.relative_to(ROOT)}: now translate what "
          "`python tests/translation_checks.py` names (untranslated, fuzzy, obsolete)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
