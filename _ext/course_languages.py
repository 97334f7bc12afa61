"""The course in two languages: a switch on every page, and the interface in Chinese.

The English pages are the source and are built into ``_build/html/``; the Chinese
edition is the same pages translated from ``locales/zh_CN/LC_MESSAGES`` and built into
``_build/html/zh/`` (``scripts/build_book.py``). This extension gives both:

1. **A language switch on every page**, a link in the page's header to the same page in
   the other language (the landing page to the landing page, lab 4 to lab 4), and
   ``<link rel="alternate" hreflang>`` for both languages in the page's head, so that a
   search engine and a browser know each page's twin. The theme has neither
   (sphinx-book-theme #449).
2. **The interface in Chinese.** The themes, myst-nb and this course's own extension
   write English words around the translated text: the title, "Search this book...",
   tooltips, the footer's licence, "Sections of ...", solution toggles. Their Chinese
   lives in one catalog, ``locales/zh_CN/LC_MESSAGES/interface.po``, which the
   translation tests check like every other; a message ``Sections of {}`` stands for
   every text of that form. The title, author and search box are set from it when the
   build starts; the rest is translated in the written pages, outside code, maths and
   scripts.
3. **Glued numbers in translated text.** Sphinx parses each translation as a document
   of its own, which lacks the executed chapter's glue data, so myst-nb's
   ``{glue:text}`` finds no key there. The chapter's renderer is recorded while the
   chapter is parsed, and a translation's glue reads the data of the chapter it
   belongs to: the Chinese page shows the very numbers the English page shows.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from docutils import nodes
from myst_nb.ext.glue import directives as glue_directives
from myst_nb.ext.glue import roles as glue_roles
from sphinx.application import Sphinx
from sphinx.config import Config

ROOT = Path(__file__).resolve().parent.parent
#: Sphinx's language → (the page's ``lang`` and ``hreflang``, its name in itself, its
#: folder under the English site).
LANGUAGES = {"en": ("en", "English", ""), "zh_CN": ("zh-CN", "中文", "zh/")}
#: The catalogs of words outside the pages' text: the interface, and the pictures' alt
#: texts and slider names (``scripts/translations.py`` makes the second).
INTERFACE = ("interface.po", "pictures.po")


def language_of(config: Config) -> str:
    return config.language if config.language in LANGUAGES else "en"


@functools.cache
def interface_messages(language: str, root: Path = ROOT) -> dict[str, str]:
    """The interface catalog of ``language`` as {English: translation}; English maps to
    itself (no catalog)."""
    if language == "en":
        return {}
    messages = {}
    for name in INTERFACE:
        with (root / "locales" / language / "LC_MESSAGES" / name).open("rb") as file:
            messages.update({message.id: message.string for message in read_po(file)
                             if message.id and message.string})
    return messages


def interface_text(language: str, english: str) -> str:
    """``english`` in ``language``: its interface message, or a message with ``{}``
    holes that matches it (``Sections of {}``), else ``english`` unchanged."""
    messages = interface_messages(language)
    if english in messages:
        return messages[english]
    for pattern, translation in _patterns(language):
        match = pattern.fullmatch(english)
        if match:
            return translation.format(*match.groups())
    return english


@functools.cache
def _patterns(language: str) -> list[tuple[re.Pattern, str]]:
    patterns = []
    for english, translation in interface_messages(language).items():
        if "{}" in english:
            parts = [re.escape(part) for part in english.split("{}")]
            patterns.append((re.compile("(.+?)".join(parts), re.DOTALL), translation))
    return patterns


# ---- 1. The switch and the alternate links ----

def page_url(pagename: str, language: str, from_language: str) -> str:
    """The address of ``pagename`` in ``language``, relative to the page in
    ``from_language`` (the Chinese site sits in the English site's ``zh/``)."""
    depth = pagename.count("/") + (1 if LANGUAGES[from_language][2] else 0)
    return "../" * depth + LANGUAGES[language][2] + pagename + ".html"


def switch_html(pagename: str, language: str) -> str:
    other = "zh_CN" if language == "en" else "en"
    code, name, _ = LANGUAGES[other]
    short = {"en": "EN", "zh_CN": "中"}[other]  # on a phone, where the header is full
    label = interface_text(language, "Read this page in English" if other == "en"
                           else "Read this page in Chinese")
    return (f'<a class="btn btn-sm lu-language-switch" href="{page_url(pagename, other, language)}"'
            f' hreflang="{code}" lang="{code}" title="{html.escape(label)}"'
            f' aria-label="{html.escape(label)}">'
            f'<i class="fa-solid fa-language" aria-hidden="true"></i>'
            f'<span class="lu-language-name">{name}</span>'
            f'<span class="lu-language-short" aria-hidden="true">{short}</span></a>')


def add_switch(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: Any) -> None:
    language = language_of(app.config)
    context["lu_language_switch"] = switch_html(pagename, language)
    alternates = "".join(
        f'<link rel="alternate" hreflang="{code}" href="{page_url(pagename, other, language)}">'
        for other, (code, _, _) in LANGUAGES.items())
    context["metatags"] = context.get("metatags", "") + alternates


# ---- 2. The interface ----

def translate_settings(app: Sphinx, config: Config) -> None:
    """The title, author and search box in the build's language."""
    language = language_of(config)
    if language == "en":
        return
    config.html_title = interface_text(language, config.html_title)
    config.project = interface_text(language, config.project)
    config.author = interface_text(language, config.author)
    options = dict(config.html_theme_options or {})
    options["search_bar_text"] = interface_text(language, options.get("search_bar_text")
                                                or "Search this book...")
    config.html_theme_options = options
    # sphinx-togglebutton writes its hints into a page script, which the page pass leaves.
    for name in ("togglebutton_hint", "togglebutton_hint_hide"):
        if name in config:
            setattr(config, name, interface_text(language, getattr(config, name)))


#: Where the interface is not translated: code, maths, scripts and styles.
UNTOUCHED = re.compile(r"<(script|style|pre|code|math|mjx-container)\b.*?</\1>", re.DOTALL)
ATTRIBUTE = re.compile(r'\b(title|aria-label|placeholder|alt|data-bs-title|content)="([^"]*)"')
TEXT = re.compile(r">([^<>]*[A-Za-z][^<>]*)<")


def translate_page(page: str, translate: Callable[[str], str]) -> str:
    """The interface texts and attributes of a written page, translated; a text is
    translated only when its whole (trimmed) content is an interface message."""
    def text(match: re.Match[str]) -> str:
        inner = match.group(1)
        stripped = html.unescape(inner.strip())
        done = translate(stripped)
        if done == stripped:
            return match.group(0)
        return ">" + inner.replace(inner.strip(), html.escape(done, quote=False)) + "<"

    def attribute(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        done = translate(value)
        return match.group(0) if done == value else f'{match.group(1)}="{html.escape(done)}"'

    pieces, last = [], 0
    for kept in UNTOUCHED.finditer(page):
        between = page[last:kept.start()]
        pieces += [ATTRIBUTE.sub(attribute, TEXT.sub(text, between)), kept.group(0)]
        last = kept.end()
    pieces.append(ATTRIBUTE.sub(attribute, TEXT.sub(text, page[last:])))
    return "".join(pieces)


#: A lab's Colab and Binder links, and a page's edit link, as the English page has them.
COLAB_OR_BINDER = re.compile(r'((?:colab\.research\.google\.com/github/[^"]*?/blob/[^/"]+|'
                             r'urlpath=lab/tree)/notebooks/)([\w-]+\.ipynb)')
EDIT = re.compile(r'(github\.com/[^"]*?/edit/[^/"]+/)((?:chapters|notebooks|reference)/[\w-]+)'
                  r'\.(?:md|ipynb)')


def chinese_links(page: str, language: str) -> str:
    """A Chinese lab opens its Chinese notebook (``notebooks/zh/``) in Colab and Binder,
    and "Edit this page" opens the page's catalog, where its Chinese text lives."""
    page = COLAB_OR_BINDER.sub(r"\1zh/\2", page)
    return EDIT.sub(rf"\1locales/{language}/LC_MESSAGES/\2.po", page)


def translate_written_pages(app: Sphinx, exception: Exception | None) -> None:
    language = language_of(app.config)
    if exception is not None or app.builder.format != "html" or language == "en":
        return
    translate = functools.partial(interface_text, language)
    for path in Path(app.outdir).rglob("*.html"):
        if {"_static", "_sources", "_images"} & set(path.relative_to(app.outdir).parts):
            continue
        page = path.read_text(encoding="utf-8")
        translated = chinese_links(translate_page(page, translate), language)
        if translated != page:
            path.write_text(translated, encoding="utf-8")


# ---- 3. Glue in translations ----

#: The notebook renderer of the page being read, by document name: myst-nb keeps it on
#: the page's document only while the page is parsed, when its own glue is looked up.
_RENDERERS: dict[str, Any] = {}
_retrieve_glue_data = glue_roles.retrieve_glue_data


def retrieve_glue_data(document: nodes.document, key: str) -> Any:
    """myst-nb's lookup, which in a translated message's own document (parsed after the
    page, without its notebook renderer) reads the glue data of the page the message
    belongs to."""
    env = getattr(document.settings, "env", None)
    if env is not None:
        if "nb_renderer" in document:
            _RENDERERS[env.docname] = document["nb_renderer"]
        elif env.docname in _RENDERERS:
            # Lent for the lookup only: a renderer on a document cannot be pickled.
            document["nb_renderer"] = _RENDERERS[env.docname]
            try:
                return _retrieve_glue_data(document, key)
            finally:
                del document["nb_renderer"]
    return _retrieve_glue_data(document, key)


def setup(app: Sphinx) -> dict[str, Any]:
    glue_roles.retrieve_glue_data = retrieve_glue_data
    glue_directives.retrieve_glue_data = retrieve_glue_data
    # Before sphinx-togglebutton writes its hints into a page script (its own
    # config-inited handler).
    app.connect("config-inited", translate_settings, priority=100)
    app.connect("html-page-context", add_switch)
    # After course_site's corrections (which write "Sections of ..." and the solution
    # toggles' words) are in the written pages.
    app.connect("build-finished", translate_written_pages, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
