"""Corrections to how the site's pages are written, as a local Sphinx extension.

1. Launch buttons (Colab, Binder) on notebook pages only. sphinx-book-theme adds them to
   every page that has code cells, the chapters written in MyST Markdown included, and
   points them at that page's source: a ``.md`` file, which Colab cannot open and
   JupyterLab opens as plain text. The runnable version of each chapter is its lab in
   ``notebooks/``, whose page keeps the buttons.
2. A JupyterHub button only for a real hub. ``launch_buttons.jupyterhub_url`` in
   ``_config.yml`` is empty unless a hub is set; a placeholder host (``example.org``,
   ``localhost``, ...) or a URL that is not ``https://host`` stops the build with a
   message, instead of putting a button to nowhere on every lab.
3. Each script once per page. Sphinx 7.4 registers an inline script (one with a body and
   no file) twice, once under the file name ``None`` and once under ``''``, so pages
   declared sphinx-thebe's ``const THEBE_JS_URL`` twice: a console error on every page.
4. What a teacher needs in every page's footer: the licence in words, the repository as a
   text link, "Report a problem" (a new issue), "Edit this page" where the page has a
   source, and the course's and lossutils' versions, all read at build time from
   ``_config.yml`` (``repository.url``, ``lossutils_release``) and ``pyproject.toml``.
5. Accessible names and roles that the themes leave wrong (axe-core's WCAG 2.1 rules, run
   by ``tests/test_site.py``), written into the HTML once the pages are written: each
   sidebar chevron (``<summary>``) is named "Sections of <chapter>"; a citation list is a
   list of list items (not of back-links, nor of the deprecated ``doc-biblioentry``); an
   empty header cell of a table gets a visually hidden word; a lab's solution cell says
   "Solution to lab exercise N.k" on its closed toggle, not "Show code cell source".
6. A light first visit. The theme's ``fontawesome.js`` (1.49 MB: every icon, drawn as
   SVG by script) is not loaded: the theme's style sheet holds the same icons as web
   fonts, which are cut down to the icons the site shows (0.27 MB to a few kB), as is
   the style sheet's list of icons. The search index (0.13 MB in English, 0.2 MB in
   Chinese), which pydata-sphinx-theme loads on every page for a search-as-you-type
   that this site does not turn on, loads on the search page only; sphinx-design's
   and sphinx-thebe's files, and the labs' stored widget state, which no page uses,
   not at all.
   No maths script either: the formulas are typeset when the book is built
   (``_ext/course_maths.py``). A demo player's frames, written into its
   notebook's output as ``data:`` URIs, become files of ``_images/frames/`` that the
   browser fetches when a frame is first shown, and every picture of a page loads when
   it nears the screen (``loading="lazy"``).
7. Punctuation stays with the formula or the code it touches: a browser may break a line
   between an inline formula or code (an inline block) and the full stop after it, which
   then starts a line (in Chinese, "，" and "。" did); each such pair is one unbreakable
   ``<span class="lu-nowrap">``.
(``_static/course.js``, which Jupyter Book adds to every page as it adds every script in
``_static/``, makes a display equation that scrolls sideways a Tab stop, as the theme does
for code blocks and tables; no other formula is one.)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from course_languages import interface_text, language_of
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

LAUNCH_GROUP = "launch-buttons"
# Hosts that are never a real JupyterHub: RFC 2606 / 6761 names and this machine.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


def jupyterhub_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the course's JupyterHub, or ``None`` when it can (or is unset).

    Checked by ``tests/test_site.py``.
    """
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or "." not in host:
        return (
            f"launch_buttons.jupyterhub_url {url!r} is not an https://host address: "
            "set it to your JupyterHub (https://jupyter.your-university.edu) or leave it "
            'empty ("") for no JupyterHub button'
        )
    if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES) or any(
        host.endswith("." + placeholder) for placeholder in PLACEHOLDER_HOSTS
    ):
        return (
            f"launch_buttons.jupyterhub_url is a placeholder ({host!r}): set it to your "
            'JupyterHub or leave it empty ("") for no JupyterHub button'
        )
    return None


def check_launch_buttons(app: Sphinx, config: Config) -> None:
    launch = (config.html_theme_options or {}).get("launch_buttons") or {}
    problem = jupyterhub_url_problem(launch.get("jupyterhub_url") or "")
    if problem:
        raise ConfigError(problem)


def drop_launch_buttons(context: dict[str, Any]) -> None:
    if context.get("page_source_suffix") == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [button for button in buttons if button.get("label") != LAUNCH_GROUP]
    context["use_thebe"] = False


def drop_repeated_scripts(context: dict[str, Any]) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (str(filename), attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


# ---- 4. The footer: licence, repository, report, edit, versions ----

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def course_versions(root: Path) -> tuple[str, str]:
    """The course's release (``lossutils_release`` in ``_config.yml``, the tag the labs'
    Colab cells install) and lossutils' version (``pyproject.toml``), as the build finds
    them."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    project = (root / "pyproject.toml").read_text(encoding="utf-8")
    # The [project] table's version (tomllib is not in Python 3.10, which lossutils allows).
    version = re.search(r'^\[project\][^\[]*?^version\s*=\s*"([^"]+)"', project, re.M | re.S)
    if version is None:
        raise ConfigError("pyproject.toml names no [project] version")
    return str(config.get("lossutils_release", "")), version.group(1)


def course_commit(root: Path) -> str:
    """The commit the site was built from, short, or "" outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def footer_html(
    repository: str, branch: str, release: str, version: str, commit: str,
    edit_url: str | None, pagename: str, translate: Callable[[str], str] = str,
) -> str:
    """The course's footer lines for one page (every link written out as text), its
    words in the build's language (``translate``: English to that language)."""
    repository = repository.rstrip("/")
    shown = re.sub(r"^https?://", "", repository)
    title = quote(f"Problem on the page {pagename}")
    links = [
        f'<a class="lu-repository" href="{html.escape(repository)}">{html.escape(shown)}</a>',
        f'<a class="lu-report" href="{html.escape(repository)}/issues/new?title={title}">'
        f"{translate('Report a problem')}</a>",
    ]
    if edit_url:
        links.append(f'<a class="lu-edit" href="{html.escape(edit_url)}">'
                     f"{translate('Edit this page')}</a>")
    built = translate(", built from commit {}").format(html.escape(commit)) if commit else ""
    cc = f'<a href="{CC_BY}">{translate("Creative Commons Attribution 4.0 (CC BY 4.0)")}</a>'
    licence = (f'<a class="lu-licence-file" href="{html.escape(repository)}/blob/'
               f'{html.escape(branch)}/LICENSE">LICENSE</a>')
    licence_line = translate("The text and figures of this course are licensed under {}; "
                             "its code is licensed under the MIT License. See the {} file.")
    versions = translate("Course release {} · lossutils {}{}")
    return (
        '<div class="lu-footer">'
        f'<p class="lu-licence">{licence_line.format(cc, licence)}</p>'
        f'<p class="lu-links">{translate("Source: {}").format(" · ".join(links))}</p>'
        '<p class="lu-versions">'
        f"{versions.format(html.escape(release), html.escape(version), built)}</p></div>"
    )


def write_footer(app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    options = app.config.html_theme_options or {}
    repository = options.get("repository_url") or ""
    if not repository:
        return
    branch = options.get("repository_branch") or "main"
    root = Path(app.srcdir)
    release, version = course_versions(root)
    edit_url = None
    suffix = context.get("page_source_suffix")
    if pagename in app.env.all_docs and suffix:
        source = (options.get("path_to_docs") or "").strip("/")
        path = f"{source}/{pagename}{suffix}" if source else f"{pagename}{suffix}"
        edit_url = f"{repository.rstrip('/')}/edit/{branch}/{path}"
    translate = functools.partial(interface_text, language_of(app.config))
    context["theme_extra_footer"] = footer_html(
        repository, branch, release, version, app.config.lu_commit, edit_url, pagename,
        translate,
    )


def correct_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    drop_launch_buttons(context)
    drop_repeated_scripts(context)
    write_footer(app, pagename, context)


# ---- 5. Accessible names and roles, written into the finished pages ----

HIDDEN = '<span class="lu-visually-hidden">{}</span>'
SIDEBAR_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">)([^\n]*?)</a>(\s*)(<details[^>]*>)'
    r"(\s*)<summary>"
)
CITATION_LIST = re.compile(r'<div role="list" class="citation-list">(.*?)</div>\s*</div>',
                           re.DOTALL)
EMPTY_HEADER = re.compile(r'<th class="head">(<p>)?\s*(</p>)?</th>')
SOLUTION_CELL = re.compile(
    r'(<div class="cell tag_solution[^"]*">)(.*?)(?=<div class="cell |</section>)', re.DOTALL
)
SOLUTION_NAME = re.compile(r"Solution to (lab exercise \d+\.\d+)")


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def name_sidebar_toggles(page: str) -> str:
    """Each chevron that opens a chapter's sections is named after the chapter."""
    def named(match: re.Match[str]) -> str:
        name = html.escape(f"Sections of {text_of(match.group(2))}", quote=False)
        return (f"{match.group(1)}{match.group(2)}</a>{match.group(3)}{match.group(4)}"
                f"{match.group(5)}<summary>{HIDDEN.format(name)}")
    return SIDEBAR_TOGGLE.sub(named, page)


def fix_citation_roles(page: str) -> str:
    """A citation list holds list items: ``doc-biblioentry`` is deprecated, and a list of
    citations marked as nothing holds, to a screen reader, only back-links."""
    return page.replace('class="citation" id=', 'class="citation" role="listitem" id=') \
        .replace(' role="doc-biblioentry"', "") if 'class="citation-list"' in page else page


def label_empty_headers(page: str) -> str:
    """An empty header cell (the row labels' column) says what its column holds."""
    return EMPTY_HEADER.sub(f'<th class="head">{HIDDEN.format("Quantity")}</th>', page)


def label_solution_toggles(page: str) -> str:
    """A lab's solution cell says "Solution to lab exercise N.k" on its closed toggles."""
    def labelled(match: re.Match[str]) -> str:
        cell = match.group(2)
        found = SOLUTION_NAME.search(text_of(cell))
        name = f"Solution to {found.group(1)}" if found else "Solution"
        cell = cell.replace('<summary aria-label="Toggle hidden content">', "<summary>")
        for part, words in (("source", "show the code"), ("output", "show its output")):
            cell = cell.replace(f">Show code cell {part}<", f">{name}: {words}<")
            cell = cell.replace(f">Hide code cell {part}<",
                                f">{name}: {words.replace('show', 'hide')}<")
        return match.group(1) + cell
    return SOLUTION_CELL.sub(labelled, page)


def accessible(page: str) -> str:
    for correct in (name_sidebar_toggles, fix_citation_roles, label_empty_headers,
                    label_solution_toggles):
        page = correct(page)
    return page


# ---- 6. Frames as files, pictures loaded when near ----

FRAME = re.compile(r'(<img class="lu-frame"[^>]*?) src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
IMAGE_WITHOUT_LOADING = re.compile(r"<img(?![^>]*\bloading=)")
FRAMES = "_images/frames"


def frames_as_files(page: str, page_path: Path, outdir: Path) -> str:
    """Each demo frame of ``page`` written once to ``_images/frames/<hash>.png`` and
    linked from there, relative to the page."""
    frames = outdir / FRAMES
    up = "../" * (len(page_path.relative_to(outdir).parts) - 1)

    def as_file(match: re.Match[str]) -> str:
        data = base64.b64decode(match.group(2))
        name = hashlib.sha256(data).hexdigest()[:20] + ".png"
        frames.mkdir(parents=True, exist_ok=True)
        if not (frames / name).exists():
            (frames / name).write_bytes(data)
        # The player gives the size it is shown at (half its pixels), so that the page
        # keeps its layout until it loads.
        return f'{match.group(1)} src="{up}{FRAMES}/{name}"'

    return FRAME.sub(as_file, page)


#: pydata-sphinx-theme's layout names its icon script itself, not through script_files.
ICON_SCRIPT = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
                         r"</script>\s*")


def without_icon_script(page: str) -> str:
    """The pages do without the theme's icon script: its style sheet has the icons as
    fonts (6.)."""
    return ICON_SCRIPT.sub("", page)


#: What a page other than the search page, and a page without sphinx-design's classes,
#: loads for nothing.
SEARCH_SCRIPTS = re.compile(r'<script src="[^"]*(?:_static/searchtools\.js|_static/language_data'
                            r'\.js|searchindex\.js)[^"]*"></script>\s*')
DESIGN_FILES = re.compile(r'<link rel="stylesheet" type="text/css" href="[^"]*sphinx-design\.min'
                          r'\.css[^"]*" />\s*|<script[^>]* src="[^"]*design-tabs\.js[^"]*">'
                          r"</script>\s*")
#: No page has a Thebe button (launch_buttons has no thebe), and no page renders
#: ipywidgets: their scripts and the widget state a lab stores are dead weight.
THEBE_AND_WIDGET_STATE = re.compile(
    r'<link rel="stylesheet" type="text/css" href="[^"]*sphinx-thebe\.css[^"]*" />\s*'
    r'|<script[^>]* src="[^"]*sphinx-thebe\.js[^"]*"></script>\s*'
    r'|<script type="text/x-thebe-config">.*?</script>\s*'
    r'|<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>\s*',
    re.DOTALL)


def without_unused_files(page: str, page_path: Path) -> str:
    if page_path.name != "search.html":
        page = SEARCH_SCRIPTS.sub("", page)
    if not re.search(r'class="(?:[^"]* )?sd-', page):
        page = DESIGN_FILES.sub("", page)
    if "thebe-launch-button" not in page:
        page = THEBE_AND_WIDGET_STATE.sub("", page)
    return page


ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
#: A rule of the theme's style sheet that draws icons: ``.fa-bars:before{content:"\f0c9"}``.
ICON_RULE = re.compile(r'((?:\.fa-[\w-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
ICON_STYLES = "_static/styles/pydata-sphinx-theme.css"
ICON_FONTS = "_static/vendor/fontawesome/webfonts"


def only_the_icons_shown(outdir: Path) -> None:
    """The theme's icon rules and web fonts cut down to the icons that the site's pages
    and scripts name (6.)."""
    from fontTools import subset

    styles = outdir / ICON_STYLES
    if not styles.is_file():
        return
    shown = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        shown |= set(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="ignore")))
    codes = set()

    def kept(match: re.Match[str]) -> str:
        names = set(re.findall(r"\.(fa-[\w-]+):before", match.group(1)))
        if names & shown:
            codes.add(int(match.group(2), 16))
            return match.group(0)
        return ""

    css = ICON_RULE.sub(kept, styles.read_text(encoding="utf-8"))
    if not codes:
        raise ConfigError(f"no icon of {ICON_STYLES} is shown: has the theme changed?")
    styles.write_text(css, encoding="utf-8")
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    for font in sorted((outdir / ICON_FONTS).glob("*.woff2")):
        cut = subset.Subsetter(options)
        loaded = subset.load_font(str(font), options)
        cut.populate(unicodes=codes)
        cut.subset(loaded)
        subset.save_font(loaded, str(font), options)


#: myst-nb writes the size an output's metadata gives a picture (IPython's "retina" PNG:
#: half its pixels) as a fixed width and height in CSS, which a narrower column would
#: squash: as width and height attributes, the picture keeps its proportions.
FIXED_SIZE = re.compile(r'(<img\b[^>]*?) style="width: (\d+)px; height: (\d+)px;"')


def sized_pictures(page: str) -> str:
    """A picture shown at a size of its own has it as attributes, not as fixed CSS."""
    return FIXED_SIZE.sub(r'\1 width="\2" height="\3"', page)


_CODE = r'<code class="[^"]*\bliteral\b[^"]*">(?:(?!</code>).)*</code>'
_FORMULA = (r'<span class="math notranslate nohighlight"><mjx-container\b'
            r'(?:(?!</mjx-container>).)*</mjx-container></span>')
#: An inline formula, code, or a link that is only code, with the brackets and
#: punctuation right before or after it (7.).
TOUCHING_PUNCTUATION = re.compile(
    rf'([(\[“‘（《]*)({_FORMULA}|<a\b[^>]*>{_CODE}</a>|{_CODE})'
    r'([.,;:!?)\]’”，。；：、！？）》]+)?', re.DOTALL)


def keep_punctuation_attached(page: str) -> str:
    """Each inline formula or code and the punctuation touching it in one unbreakable
    span (7.)."""
    def joined(match: re.Match[str]) -> str:
        before, item, after = match.group(1), match.group(2), match.group(3) or ""
        if not before and not after:
            return item
        return f'<span class="lu-nowrap">{before}{item}{after}</span>'

    return TOUCHING_PUNCTUATION.sub(joined, page)


def lazy_pictures(page: str) -> str:
    """Every picture loads when it nears the screen; a hidden frame, when first shown."""
    return IMAGE_WITHOUT_LOADING.sub('<img loading="lazy"', page)


def correct_written_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        if {"_static", "_sources", "_images"} & set(path.relative_to(app.outdir).parts):
            continue
        page = path.read_text(encoding="utf-8")
        corrected = without_unused_files(without_icon_script(
            lazy_pictures(sized_pictures(keep_punctuation_attached(
                frames_as_files(accessible(page), path, outdir))))), path)
        if corrected != page:
            path.write_text(corrected, encoding="utf-8")
    only_the_icons_shown(outdir)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("lu_commit", course_commit(Path(app.srcdir)), "html")
    app.connect("config-inited", check_launch_buttons)
    # After sphinx-book-theme's add_launch_buttons (priority 501), before the page is written.
    app.connect("html-page-context", correct_page, priority=900)
    app.connect("build-finished", correct_written_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
