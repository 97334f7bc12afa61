"""The website in a real browser: every page of ``_build/html`` in headless Chromium.

The built site is served on localhost from a thread and each page is opened in Debian's
Chromium driven by Playwright, loaded once 1280 px wide, then narrowed to 390 px (a
phone). A page passes when:

- it logs no console error, no request fails, nothing is asked of a host other than
  localhost, and every link into the site lands on a page (and anchor) that exists;
- its maths, typeset when the book was built, is drawn with its style sheet and MathJax's
  fonts (if they did not load, the page fails at once, saying so), with no undefined
  macro;
- every demo player responds: moving each of its sliders with the keyboard shows another
  frame (the visible image's ``src`` changes), and a lab page has as many players as its
  notebook stores;
- every content image has alt text that says something (not empty, not a file path, not
  a hash);
- lab pages offer Colab and Binder (Colab at the notebook's own path), and a JupyterHub
  button exactly when ``launch_buttons.jupyterhub_url`` in ``_config.yml`` is set;
- in print, code wraps, no "Click to show"/"Show code cell source" toggle is left, hidden
  solutions are printed and a player prints only its current frame;
- at 390 px every display equation fits its box, or its box scrolls (with a visible cue)
  and its number stays level with it, inside the page, clear of the formula's ink;
- its first visit (everything the browser fetches until the network is idle, at 1280 px)
  weighs at most 1.5 MB uncompressed; it weighed up to 4.6 MB;
- axe-core (the copy bundled with axe-playwright-python, nothing fetched) finds no
  violation of the WCAG 2.0/2.1 A and AA rules, at 1280 px (light and dark) and 390 px;
- its footer gives the licence in words, the repository and "Report a problem" as text
  links, "Edit this page" when the page has a source, and the course's and lossutils'
  versions as ``_config.yml`` and ``pyproject.toml`` give them;
- code in cells is the same size at both widths; at 1280 px the reference's examples fit
  their boxes; at 390 px a wide table scrolls inside its box, with a visible cue.

Apart from the pages: a Tab walk through chapter 6 and lab 3 meets no formula, and every
stop of it shows a focus ring; the copy button of the reference's examples copies the
code without its prompts and outputs.

With ``LOSSUTILS_SCREENSHOTS=1`` (``make screenshots``, and CI) full-page screenshots at
both widths go to ``_build/screenshots/`` for a person to look at; ``page-weights.json``
(bytes and requests of every page) and ``report.json`` go there always.

Run ``make book`` first; ``make test`` does.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import axe_playwright_python
import nbformat
import pytest
import yaml
from course_files import (
    ROOT,
    SCREENSHOTS,
    SITE,
    site_pages,
    source_of,
    toc_docnames,
)
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

from lossutils.figures.style import PIXEL_DENSITY

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "_ext"))
from course_site import jupyterhub_url_problem  # noqa: E402
from notebook_header import colab_url  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
PAGES = site_pages() or ["(no site built: run `make book`)"]
REPORT = SCREENSHOTS / "report.json"
WEIGHTS = SCREENSHOTS / "page-weights.json"
PAGE_TIMEOUT_MS = 30_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The most a page's first visit may fetch: the issue's 1.5 MB. It was up to 4.58 MB, 1.49
#: MB of it an icon script and 1.16 MB MathJax's one-file bundle; with the icons as cut-down
#: fonts and the maths typeset when the book is built (no maths script), about 1.0 MB.
PAGE_LIMIT_BYTES = 1_500_000
PLAYER_HTML = 'class="lu-player"'
TOGGLE_TEXTS = ("Click to show", "Click to hide", "Show code cell", "Hide code cell",
                "点击显示", "点击隐藏", "显示代码", "隐藏代码", "显示输出", "隐藏输出")
#: axe-core 4.12.1 as axe-playwright-python 0.1.8 ships it (requirements.txt).
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
#: The WCAG 2.0 and 2.1 rules of levels A and AA; axe's "best-practice" rules are not run.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def course_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def lossutils_version() -> str:
    """lossutils' version as pyproject.toml states it."""
    match = re.search(r'^\[project\][^\[]*?^version\s*=\s*"([^"]+)"',
                      (ROOT / "pyproject.toml").read_text(), re.MULTILINE | re.DOTALL)
    assert match, "pyproject.toml names no [project] version"
    return match.group(1)


def jupyterhub_url() -> str:
    config = course_config()
    return ((config.get("launch_buttons") or {}).get("jupyterhub_url") or "").strip()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """Serve ``_build/html`` on a free localhost port for the duration of the module."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no index.html: run `make book` first (`make test` does)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def report() -> Iterator[dict[str, object]]:
    """Figures for the closing note, written to ``_build/screenshots/``."""
    figures: dict[str, object] = {
        "pages_visited": 0,
        "console_errors": [],
        "failed_requests": [],
        "external_requests": [],
        "pages_with_maths": 0,
        "display_equations_checked_at_390px": 0,
        "display_equations_that_scroll_at_390px": 0,
        "players": 0,
        "sliders_moved": 0,
        "images_checked_for_alt_text": 0,
        "links_checked": 0,
        "axe_rules": AXE_TAGS,
        "axe_scans": 0,
        "axe_violations": {},
        "tables_that_scroll_at_390px": 0,
        "tab_walks": {},
        "page_weights": {},
    }
    yield figures
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    weights = figures.pop("page_weights")
    REPORT.write_text(json.dumps(figures, indent=2) + "\n")
    WEIGHTS.write_text(json.dumps(weights, indent=2, sort_keys=True) + "\n")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def anchors_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def target_file(path: str) -> Path:
    """The file of the site that a URL path names."""
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return SITE / relative


class PageWatch:
    """Everything a page does that the test must see: console, requests, responses."""

    def __init__(self, page: Page, base: str) -> None:
        self.base = base
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        self.responses: list[Response] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        page.on("requestfailed", self.on_failed)
        page.on("response", self.on_response)
        page.route("**/*", self.route)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_failed(self, request: Request) -> None:
        if request.url not in self.external:  # those were stopped on purpose, below
            self.failed.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        self.responses.append(response)
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def route(self, route, request: Request) -> None:  # noqa: ANN001 - playwright's Route
        parts = urlsplit(request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(request.url)
            route.abort()

    def weight(self) -> dict[str, int]:
        """Bytes (uncompressed, as served) and requests of everything the page loaded."""
        total = 0
        for response in self.responses:
            try:
                total += len(response.body())
            except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
                continue
        return {"bytes": total, "requests": len(self.responses)}


def maths_on(page: Page) -> tuple[int, str | None]:
    """How many maths elements the page has, and what is wrong with how they are drawn.

    The formulas are typeset when the book is built (``_ext/course_maths.py``): a page
    with formulas must link the style sheet that draws their characters, and the MathJax
    fonts it uses must load (a formula typeset without them is drawn in the wrong
    letters, or not at all).
    """
    count = page.locator(".math").count()
    if not count:
        return 0, None
    drawn = page.evaluate("""async () => {
        await document.fonts.ready;
        const fonts = Array.from(document.fonts).filter(f => f.family.startsWith('MJX'));
        return {sheet: !!document.querySelector('link[rel=stylesheet][href*="maths.css"]'),
                loaded: fonts.filter(f => f.status === 'loaded').map(f => f.family),
                failed: fonts.filter(f => f.status === 'error').map(f => f.family)};
    }""")
    if not drawn["sheet"]:
        return count, (f"{count} maths elements but no maths.css: is course_maths in "
                       "_config.yml's local_extensions?")
    if drawn["failed"] or not drawn["loaded"]:
        return count, (f"MathJax's fonts: loaded {drawn['loaded']}, failed "
                       f"{drawn['failed']} (are they in _static/maths-fonts/?)")
    return count, None


# Pictures load when they near the screen (loading="lazy"): a check of every picture, or
# a full-page screenshot, first has them all loaded.
LOAD_EVERY_PICTURE = """async () => { const images = Array.from(document.images);
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.filter(img => img.checkVisibility())
                          .map(img => img.decode().catch(() => null))); }"""


def screenshot(page: Page, page_path: str, viewport: dict[str, int]) -> None:
    """The whole page, scrolled to the top (sticky sidebars drawn where they start), when
    asked for (``make screenshots``, and CI, which keeps them): pictures for a person to
    look at, not a check, and a third of this test's time."""
    if not os.environ.get("LOSSUTILS_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(LOAD_EVERY_PICTURE)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_path(page_path, viewport["width"])), full_page=True)


def screenshot_path(page_path: str, width: int) -> Path:
    return SCREENSHOTS / f"{page_path.removesuffix('.html').replace('/', '__')}__{width}.png"


#: The Chinese edition's folder in the site (scripts/build_book.py).
CHINESE = "zh/"


def language_of(page_path: str) -> str:
    return "zh" if page_path.startswith(CHINESE) else "en"


def english_path(page_path: str) -> str:
    """The English page of which ``page_path`` is the translation (itself if English)."""
    return page_path.removeprefix(CHINESE)


def docname_of(page_path: str) -> str:
    """The source document of a page, in either language."""
    return english_path(page_path).removesuffix(".html")


def stored_players(page_path: str) -> int | None:
    """How many demo players the notebook behind a page stores (None: not a notebook)."""
    source = source_of(docname_of(page_path))
    if source is None or source.suffix != ".ipynb":
        return None
    notebook = nbformat.read(source, as_version=4)
    return sum(
        "".join(output.get("data", {}).get("text/html", "")).count(PLAYER_HTML)
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def is_lab(page_path: str) -> bool:
    return english_path(page_path).startswith("notebooks/")


@pytest.mark.parametrize("page_path", PAGES)
def test_page(page_path: str, site_url: str, browser: Browser, report: dict) -> None:
    if not (SITE / page_path).is_file():
        pytest.fail(f"{SITE} has no pages: run `make book` first (`make test` does)")
    problems: list[str] = []
    # One load per page, at the desktop width, then the same page narrowed to a phone's:
    # the site's layout follows the width by CSS alone (loading it again took half the
    # time of the whole test).
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    watch = PageWatch(page, site_url)
    try:
        page.goto(site_url + page_path, wait_until="load")
        page.wait_for_load_state("networkidle")
        maths, missing = maths_on(page)
        if missing:
            pytest.fail(f"{page_path}: {missing}", pytrace=False)
        lang = page.evaluate("() => document.documentElement.lang")
        if lang != {"en": "en", "zh": "zh-CN"}[language_of(page_path)]:
            problems.append(f"<html lang={lang!r}>")
        report["page_weights"][page_path] = weight = watch.weight()
        if weight["bytes"] > PAGE_LIMIT_BYTES:
            problems.append(
                f"the first visit weighs {weight['bytes'] / 1e6:.2f} MB in "
                f"{weight['requests']} requests (at most {PAGE_LIMIT_BYTES / 1e6:.1f} MB)"
            )
        if maths:
            report["pages_with_maths"] += 1
            problems += check_typeset(page)
        problems += check_players(page, page_path, report)
        problems += check_alt_text(page, report)
        problems += check_links(page, site_url, report)
        problems += check_launch_buttons(page, page_path)
        problems += check_no_top_bar(page)
        problems += check_footer(page, page_path)
        problems += check_examples_fit(page)
        code_size = cell_code_size(page)
        problems += check_axe(page, page_path, DESKTOP, report)
        # The dark theme, as the theme's switch sets it, then back to light.
        page.evaluate("() => document.documentElement.dataset.theme = 'dark'")
        # The theme's colour transitions end (a fixed wait was too short on a busy machine).
        page.wait_for_timeout(100)
        page.wait_for_function(
            "() => document.getAnimations().filter(a => a.effect.getTiming().iterations"
            " !== Infinity).every(a => a.playState !== 'running')")
        problems += check_axe(page, page_path, DESKTOP, report, theme="dark")
        page.evaluate("() => document.documentElement.dataset.theme = 'light'")
        screenshot(page, page_path, DESKTOP)
        problems += check_print(page)

        page.set_viewport_size(PHONE)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => "
                      "requestAnimationFrame(done)))")  # laid out again at the new width
        # The theme (and course.js) make a box that scrolls a Tab stop 300 ms after a resize.
        page.wait_for_timeout(500)
        page.evaluate(LOAD_EVERY_PICTURE)
        problems += check_no_sideways_scroll(page)
        problems += check_display_maths_fit(page, report)
        problems += check_tables_scroll(page, report)
        problems += check_figures_at_phone_width(page, report)
        if cell_code_size(page) != code_size:
            problems.append(f"code in cells is {code_size} at 1280 px but "
                            f"{cell_code_size(page)} at 390 px")
        # At the top, where the theme's "back to top" button is hidden, not fading.
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(400)
        problems += check_axe(page, page_path, PHONE, report)
        screenshot(page, page_path, PHONE)
    finally:
        context.close()
    report["pages_visited"] += 1
    report["console_errors"] += [f"{page_path}: {e}" for e in watch.console_errors]
    report["failed_requests"] += [f"{page_path}: {e}" for e in watch.failed]
    report["external_requests"] += [f"{page_path}: {e}" for e in watch.external]
    problems += [f"console error: {e}" for e in watch.console_errors]
    problems += [f"failed request: {e}" for e in watch.failed]
    problems += [f"request to another host: {e}" for e in watch.external]
    problems = list(dict.fromkeys(problems))
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def check_axe(page: Page, page_path: str, viewport: dict[str, int], report: dict,
              theme: str = "light") -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA rules: no violation, whatever its impact."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_JS))
    # preload: false: axe's own fetch of the style sheets resolves the theme's
    # ``@import "../basic.css"`` against the page, not the sheet, and asks for a file
    # that is not there (the one rule that needs it, css-orientation-lock, is then not run).
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
        AXE_TAGS,
    )
    report["axe_scans"] += 1
    problems = []
    for violation in result["violations"]:
        counts = report["axe_violations"].setdefault(
            violation["id"], {"impact": violation["impact"], "pages": [], "nodes": 0}
        )
        if page_path not in counts["pages"]:
            counts["pages"].append(page_path)
        counts["nodes"] += len(violation["nodes"])
        first = violation["nodes"][0]["html"][:160] if violation["nodes"] else ""
        problems.append(
            f"axe at {viewport['width']} px, {theme}: {violation['id']} ({violation['impact']}, "
            f"{len(violation['nodes'])} elements): {violation['help']}; first: {first}"
        )
    return problems


FOOTER = """() => {
  const footer = document.querySelector('footer.bd-footer-content .lu-footer');
  if (!footer) return null;
  const link = cls => { const a = footer.querySelector('a.' + cls);
                        return a ? {href: a.href, text: a.textContent.trim()} : null; };
  return {text: footer.textContent.replace(/\\s+/g, ' '), repository: link('lu-repository'),
          report: link('lu-report'), edit: link('lu-edit'), licence: link('lu-licence-file'),
          shown: footer.getBoundingClientRect().height > 0};
}"""


def check_footer(page: Page, page_path: str) -> list[str]:
    """What a teacher needs, on every page: licence, repository, report, edit, versions."""
    if re.search(r'http-equiv="refresh"', (SITE / page_path).read_text(encoding="utf-8"),
                 re.IGNORECASE):
        return []  # index.html only sends the browser on to the first page
    footer = page.evaluate(FOOTER)
    if footer is None or not footer["shown"]:
        return ["the footer has no licence, repository and versions (.lu-footer)"]
    config = course_config()
    repository = config["repository"]["url"].rstrip("/")
    branch = config["repository"].get("branch", "main")
    chinese = language_of(page_path) == "zh"
    problems = []
    release = config["lossutils_release"]
    for words in ("CC BY 4.0", "MIT 许可证" if chinese else "MIT License", "LICENSE",
                  f"课程版本 {release}" if chinese else f"Course release {release}",
                  f"lossutils {lossutils_version()}"):
        if words not in footer["text"]:
            problems.append(f"the footer does not say {words!r}: {footer['text'][:200]!r}")
    expected = {
        "licence": f"{repository}/blob/{branch}/LICENSE",
        "repository": repository,
    }
    for name, href in expected.items():
        if not footer[name] or footer[name]["href"] != href:
            problems.append(f"the footer's {name} link is {footer[name]}, not {href}")
    if footer["repository"] and footer["repository"]["text"] not in repository:
        problems.append(f"the repository link reads {footer['repository']['text']!r}, "
                        "not the repository's address")
    if not footer["report"] or not footer["report"]["href"].startswith(
            f"{repository}/issues/new") or \
            footer["report"]["text"] != ("报告问题" if chinese else "Report a problem"):
        problems.append(f"no 'Report a problem' link to {repository}/issues/new: "
                        f"{footer['report']}")
    source = source_of(docname_of(page_path))
    if source is not None:
        # The Chinese text of a page lives in its catalog.
        edited = (f"locales/zh_CN/LC_MESSAGES/{docname_of(page_path)}.po" if chinese
                  else source.relative_to(ROOT).as_posix())
        edit = f"{repository}/edit/{branch}/{edited}"
        if not footer["edit"] or footer["edit"]["href"] != edit:
            problems.append(f"the 'Edit this page' link is {footer['edit']}, not {edit}")
    elif footer["edit"]:
        problems.append(f"an 'Edit this page' link on a page with no source: {footer['edit']}")
    return problems


CELL_CODE = "div.cell_input div.highlight pre, div.doctest div.highlight pre"


def cell_code_size(page: Page) -> list[str]:
    """The font sizes of the code in the page's cells and examples."""
    return page.evaluate(
        f"""() => Array.from(new Set(Array.from(document.querySelectorAll('{CELL_CODE}'),
                 pre => getComputedStyle(pre).fontSize))).sort()"""
    )


def check_examples_fit(page: Page) -> list[str]:
    """At 1280 px an example of the reference shows whole lines inside its box."""
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('article div.doctest pre'))
               .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
               .map(pre => pre.textContent.trim().slice(0, 50))"""
    )
    return [f"1280 px: an example runs past its box's edge: {text!r}" for text in cut]


TABLES = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('article .pst-scrollable-table-container'))
    .map(box => { const style = getComputedStyle(box); const r = box.getBoundingClientRect();
                  return {text: box.textContent.trim().slice(0, 40), left: r.left,
                          right: r.right, width, scrollWidth: box.scrollWidth,
                          clientWidth: box.clientWidth, overflowX: style.overflowX,
                          cue: style.backgroundImage}; });
}"""


def check_tables_scroll(page: Page, report: dict) -> list[str]:
    """At 390 px a table wider than the screen scrolls inside its own box, with a cue."""
    problems = []
    for table in page.evaluate(TABLES):
        if table["left"] < -0.5 or table["right"] > table["width"] + 0.5:
            problems.append(f"390 px: the table {table['text']!r} runs past the screen")
        if table["scrollWidth"] <= table["clientWidth"] + 1:
            continue
        report["tables_that_scroll_at_390px"] += 1
        if table["overflowX"] not in ("auto", "scroll"):
            problems.append(f"390 px: the table {table['text']!r} is cut (it does not scroll)")
        elif table["cue"] in ("", "none"):
            problems.append(f"390 px: the table {table['text']!r} scrolls with nothing to "
                            "show that it does")
    return problems


FIGURES_AT_PHONE_WIDTH = """() => Array.from(document.querySelectorAll(
    '.bd-article figure.align-default img, .bd-article .lu-player img.lu-frame:not([hidden]),'
    + '.bd-article div.cell_output > a > img, .bd-article div.cell_output > img'
  )).map(img => {
    const box = img.closest('figure, .lu-player, div.cell_output');
    const link = img.closest('a.lu-figure-open');
    return {alt: (img.getAttribute('alt') || '').slice(0, 60),
            shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
            scrolls: box.scrollWidth > box.clientWidth + 1, seen: img.checkVisibility(),
            hint: !!box.querySelector(':scope > .lu-scroll-hint')
                  && box.querySelector(':scope > .lu-scroll-hint').checkVisibility(),
            overflow: getComputedStyle(box).overflowX,
            link: link ? link.getAttribute('href') : null,
            src: img.getAttribute('src'), frame: img.classList.contains('lu-frame')};
  })"""


def check_figures_at_phone_width(page: Page, report: dict) -> list[str]:
    """At 390 px every figure and shown demo frame keeps its drawn width, so that its
    text keeps the figure standard's 9 px (lossutils.figures.style), and scrolls in its
    own box, with a line under the picture saying so; it has PIXEL_DENSITY pixels per
    pixel shown, so that it is sharp on a 2x screen; a figure's picture links to the
    picture alone (a tap opens it full size)."""
    problems = []
    for figure in page.evaluate(FIGURES_AT_PHONE_WIDTH):
        report["figures_checked_at_390px"] = report.get("figures_checked_at_390px", 0) + 1
        drawn = figure["natural"] / PIXEL_DENSITY
        if figure["shown"] < drawn - 1:
            problems.append(f"390 px: {figure['alt']!r} is shown {figure['shown']:.0f} px "
                            f"wide, drawn {drawn:.0f} px: its text shrinks below the "
                            "figure standard")
        elif figure["natural"] < PIXEL_DENSITY * figure["shown"] - 2:
            problems.append(f"{figure['alt']!r} has {figure['natural']} pixels across for "
                            f"{figure['shown']:.0f} px shown: soft on a 2x screen (at "
                            f"least {PIXEL_DENSITY} pixels per pixel shown)")
        if figure["scrolls"] and figure["overflow"] not in ("auto", "scroll"):
            problems.append(f"390 px: {figure['alt']!r} is cut (its box does not scroll)")
        # A folded solution's picture is laid out but not shown (until it is opened).
        if figure["scrolls"] and figure["seen"] and not figure["hint"]:
            problems.append(f"390 px: {figure['alt']!r} scrolls sideways with no line "
                            "saying so (figures.js)")
        if not figure["frame"] and figure["link"] != figure["src"]:
            problems.append(f"390 px: {figure['alt']!r} does not link to its picture")
    for control in page.evaluate(PLAYER_CONTROLS):
        if abs(control["slider"] - control["value"]) > control["height"]:
            problems.append(f"390 px: the value of the slider {control['name']!r} wraps to "
                            "a line of its own")
    return problems


# Where each demo slider and its value sit: their vertical centres, and the slider's height.
PLAYER_CONTROLS = """() => Array.from(document.querySelectorAll('.lu-player .lu-control'))
  .map(label => {
    const slider = label.querySelector('input').getBoundingClientRect();
    const value = label.querySelector('output').getBoundingClientRect();
    return {name: label.querySelector('.lu-name').textContent,
            slider: slider.top + slider.height / 2, value: value.top + value.height / 2,
            height: slider.height};
  })"""


def check_typeset(page: Page) -> list[str]:
    """Every maths element typeset, no MathJax error, no undefined TeX macro."""
    problems = []
    untypeset = page.evaluate(
        """() => Array.from(document.querySelectorAll('.math'))
               .filter(el => !el.querySelector('mjx-container'))
               .map(el => el.textContent.slice(0, 60))"""
    )
    problems += [f"maths not typeset: {text!r}" for text in untypeset]
    errors = page.locator("mjx-merror").all_text_contents()
    problems += [f"MathJax error: {text!r}" for text in errors]
    # MathJax writes an undefined macro as its own name, in red.
    undefined = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                 'mjx-assistive-mml mtext[mathcolor="red"]'), m => m.textContent)
               .filter(text => text.startsWith('\\\\'))"""
    )
    problems += [f"undefined TeX macro: {text}" for text in undefined]
    return problems


VISIBLE_FRAME = """(player) => {
    const shown = Array.from(player.querySelectorAll('img.lu-frame'))
        .filter(img => getComputedStyle(img).display !== 'none'
                       && img.getBoundingClientRect().width > 0);
    return shown.map(img => img.getAttribute('src'));
}"""


def check_players(page: Page, page_path: str, report: dict) -> list[str]:
    """Each slider of each player, moved by keyboard, shows another frame."""
    problems = []
    players = page.locator("article .lu-player")
    expected = stored_players(page_path)
    if expected is not None and players.count() != expected:
        problems.append(f"{players.count()} demo players on the page, {expected} in the notebook")
    for p in range(players.count()):
        player = players.nth(p)
        report["players"] += 1
        sliders = player.locator("input[type=range]")
        if sliders.count() == 0:
            problems.append(f"player {p + 1} has no slider")
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            name = slider.get_attribute("aria-label") or f"slider {s + 1}"
            before = player.evaluate(VISIBLE_FRAME)
            if len(before) != 1:
                problems.append(f"player {p + 1} shows {len(before)} frames before {name!r} moves")
                continue
            at_end = slider.evaluate("s => +s.value >= +s.max")
            slider.scroll_into_view_if_needed()
            slider.focus()
            slider.press("ArrowLeft" if at_end else "ArrowRight")
            after = player.evaluate(VISIBLE_FRAME)
            readout = slider.evaluate("s => s.parentNode.querySelector('output').value")
            report["sliders_moved"] += 1
            if len(after) != 1 or after == before:
                problems.append(
                    f"player {p + 1}: moving {name!r} with the keyboard did not change the "
                    f"picture ({len(after)} frame(s) shown, readout {readout!r})"
                )
            width = player.evaluate(
                """(player) => { const img = Array.from(player.querySelectorAll('img.lu-frame'))
                       .find(i => getComputedStyle(i).display !== 'none');
                     return img ? [img.getBoundingClientRect().width,
                                   player.parentElement.getBoundingClientRect().width] : null; }"""
            )
            if width and width[0] > width[1] + 0.5:
                problems.append(f"player {p + 1}: its frame ({width[0]:.0f} px) is wider "
                                f"than the column ({width[1]:.0f} px)")
    return problems


# What myst-nb writes when a figure has no alt text: the image's path, named by a hash.
PATH_LIKE = re.compile(
    r"(^|/)_images/|\.(png|jpe?g|svg|gif|webp)$|^[0-9a-f]{16,}|^\S*/\S*$", re.IGNORECASE
)


def check_alt_text(page: Page, report: dict) -> list[str]:
    """Every image in the page's content says what it shows."""
    images = page.evaluate(
        """() => Array.from(document.querySelectorAll('article.bd-article img'), img => ({
                 alt: img.getAttribute('alt'),
                 src: (img.getAttribute('src') || '').slice(0, 60)}))"""
    )
    problems = []
    for image in images:
        report["images_checked_for_alt_text"] += 1
        alt = (image["alt"] or "").strip()
        if not alt:
            problems.append(f"an image with no alt text: {image['src']}")
        elif PATH_LIKE.search(alt):
            problems.append(f"alt text {alt!r} is a file path or hash, not a description")
    return problems


def check_links(page: Page, site_url: str, report: dict) -> list[str]:
    """Every link into the site names a file of the site and, if any, an anchor in it."""
    problems = []
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    for href in set(hrefs):
        if not href.startswith(site_url):
            continue
        report["links_checked"] += 1
        parts = urlsplit(href)
        target = target_file(parts.path)
        if not target.is_file():
            problems.append(f"broken link: {href}")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in anchors_of(target):
                problems.append(f"link to a missing anchor: {href}")
    return problems


def check_launch_buttons(page: Page, page_path: str) -> list[str]:
    """Lab pages: Colab at this notebook, Binder, the download; JupyterHub only if set.

    Chapter pages (MyST Markdown) have no launch buttons: their sources are not notebooks.
    """
    source = source_of(docname_of(page_path))
    launch_links = page.evaluate(
        """() => Array.from(document.querySelectorAll('.dropdown-launch-buttons a[href]'),
                             a => a.href)"""
    )
    hub_links = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)
               .filter(h => h.includes('/hub/user-redirect/') || /jupyterhub/i.test(h))"""
    )
    hub = jupyterhub_url()
    problems = []
    if not hub and hub_links:
        problems.append(f"a JupyterHub link, but launch_buttons.jupyterhub_url is unset: "
                        f"{hub_links}")
    if source is None or source.suffix != ".ipynb":
        if launch_links:
            problems.append(f"launch buttons on a page that is not a notebook: {launch_links}")
        return problems
    chinese = language_of(page_path) == "zh"
    if chinese:  # the Chinese lab opens the Chinese notebook
        source = source.parent / "zh" / source.name
    expected = colab_url(source)
    relative = source.relative_to(ROOT).as_posix()
    colab = [link for link in launch_links if link.startswith("https://colab.research.google.com")]
    if colab != [expected]:
        problems.append(f"Colab launch button {colab} is not {expected}")
    if not any(link.startswith("https://mybinder.org/") and link.endswith(f"lab/tree/{relative}")
               for link in launch_links):
        problems.append(f"no Binder button opening {relative} in JupyterLab: {launch_links}")
    if hub and not any(link.startswith(hub.rstrip("/") + "/hub/user-redirect/git-pull")
                       and relative in link for link in launch_links):
        problems.append(f"no JupyterHub button to {hub} opening {relative}: {launch_links}")
    alt = "在 Colab 中打开" if chinese else "Open In Colab"
    badge = page.locator(f'article a[href="{expected}"] img[alt="{alt}"]')
    if badge.count() != 1:
        problems.append(f"the notebook's own Open in Colab badge for {expected} is missing")
    if page.locator(".dropdown-download-buttons a[href$='.ipynb']").count() != 1:
        problems.append("no download button for the .ipynb")
    return problems


def check_no_top_bar(page: Page) -> list[str]:
    """No bar above the page repeating the sidebar's search box."""
    height = page.evaluate(
        "() => { const h = document.querySelector('#pst-header');"
        " return h ? h.getBoundingClientRect().height : 0; }"
    )
    return [f"a {height:.0f} px top bar above the page"] if height > 0 else []


SIDEWAYS = """() => {
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 0.5 && getComputedStyle(e).position !== 'fixed'
      && !clipped(e);
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 3).map(e => `<${e.tagName.toLowerCase()}> `
                                      + e.textContent.trim().slice(0, 40))};
}"""


def check_no_sideways_scroll(page: Page) -> list[str]:
    """At 390 px the page itself is no wider than the screen."""
    state = page.evaluate(SIDEWAYS)
    if state["scroll"] <= state["width"]:
        return []
    return [f"390 px: the page is {state['scroll']} px wide (it scrolls sideways): "
            f"{state['wide']}"]


MATHS_AT_PHONE_WIDTH = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('div.math')).map((box, k) => {
    const maths = box.querySelector('mjx-container');
    const number = box.querySelector('.eqno');
    const r = box.getBoundingClientRect();
    const out = {k, id: box.id, text: box.textContent.slice(0, 50), left: r.left,
                 right: r.right, width};
    if (maths) {
      const style = getComputedStyle(maths);
      const m = maths.getBoundingClientRect();
      // The formula's own ink, as far as its box shows it (a box that scrolls clips it).
      const ink = (maths.querySelector('mjx-math') || maths).getBoundingClientRect();
      Object.assign(out, {scrollWidth: maths.scrollWidth, clientWidth: maths.clientWidth,
                          overflowX: style.overflowX, cue: style.backgroundImage,
                          mathsTop: m.top, mathsBottom: m.bottom, mathsRight: m.right,
                          inkLeft: Math.max(ink.left, m.left),
                          inkRight: Math.min(ink.right, m.right)});
    }
    if (number) {
      const n = number.getBoundingClientRect();
      Object.assign(out, {number: number.textContent.replace('#', '').trim(),
                          numberLeft: n.left, numberRight: n.right, numberTop: n.top,
                          numberBottom: n.bottom, numberShown: n.width > 0 && n.height > 0});
    }
    return out;
  });
}"""


def check_display_maths_fit(page: Page, report: dict) -> list[str]:
    """At 390 px: each display equation fits its box or the box scrolls, number kept."""
    problems = []
    for eq in page.evaluate(MATHS_AT_PHONE_WIDTH):
        name = eq["id"].removeprefix("equation-") or f"display equation {eq['k'] + 1}"
        report["display_equations_checked_at_390px"] += 1
        if eq["left"] < -0.5 or eq["right"] > eq["width"] + 0.5:
            problems.append(f"390 px: {name} ({eq['text']!r}) runs past the screen's edge")
        if "scrollWidth" not in eq:
            problems.append(f"390 px: {name} was not typeset")
            continue
        if eq["scrollWidth"] > eq["clientWidth"]:
            report["display_equations_that_scroll_at_390px"] += 1
            if eq["overflowX"] not in ("auto", "scroll"):
                problems.append(
                    f"390 px: {name} ({eq['text']!r}) is {eq['scrollWidth']} px wide in a "
                    f"{eq['clientWidth']} px box that does not scroll (overflow-x "
                    f"{eq['overflowX']}): it is cut"
                )
            elif eq["cue"] in ("", "none"):
                problems.append(f"390 px: {name} scrolls with nothing to show that it does")
        if "number" in eq:
            level = eq["numberTop"] < eq["mathsBottom"] and eq["numberBottom"] > eq["mathsTop"]
            inside = eq["numberLeft"] >= -0.5 and eq["numberRight"] <= eq["width"] + 0.5
            if not (eq["numberShown"] and level and inside):
                problems.append(
                    f"390 px: the number {eq['number']} of {name} is not shown level with "
                    "its equation inside the page"
                )
            elif (eq["numberLeft"] < eq["inkRight"] - 0.5
                  and eq["numberRight"] > eq["inkLeft"] + 0.5):
                problems.append(
                    f"390 px: the number {eq['number']} of {name} sits over the end of its "
                    f"formula ({eq['numberLeft']:.0f} px < {eq['inkRight']:.0f} px)"
                )
    return problems


PRINT_STATE = """() => {
  const shown = el => el.checkVisibility() && getComputedStyle(el).display !== 'none';
  const toggles = Array.from(document.querySelectorAll(
      'article button.toggle-button, article summary'))
    .filter(shown).map(el => (el.textContent || el.dataset.toggleHint || '').trim());
  const hidden = Array.from(document.querySelectorAll(
      'article details .cell_input, article .admonition.toggle-hidden .admonition-title ~ *'))
    .filter(el => !el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
    .map(el => el.textContent.trim().slice(0, 50));
  const unwrapped = Array.from(document.querySelectorAll('article pre'))
    .filter(el => !getComputedStyle(el).whiteSpace.startsWith('pre-wrap')
                  && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent.trim().slice(0, 50));
  const players = Array.from(document.querySelectorAll('article .lu-player')).map(p =>
    Array.from(p.querySelectorAll('img.lu-frame')).filter(shown).length);
  const sliders = Array.from(document.querySelectorAll('article .lu-player input'))
    .filter(shown).length;
  return {toggles, hidden, unwrapped, players, sliders};
}"""


def check_print(page: Page) -> list[str]:
    """In print: code wraps, no toggles, hidden solutions shown, players show one frame."""
    page.emulate_media(media="print")
    state = page.evaluate(PRINT_STATE)
    page.emulate_media(media="screen")
    problems = []
    toggles = [t for t in state["toggles"] if t.startswith(TOGGLE_TEXTS) or not t]
    if toggles:
        problems.append(f"print: toggles still shown: {toggles[:3]}")
    problems += [f"print: hidden content not printed: {text!r}" for text in state["hidden"][:3]]
    problems += [f"print: code cut at the margin: {text!r}" for text in state["unwrapped"][:3]]
    if any(count != 1 for count in state["players"]):
        problems.append(f"print: players print {state['players']} frames (one each)")
    if state["sliders"]:
        problems.append(f"print: {state['sliders']} sliders printed (their values suffice)")
    return problems


def test_every_toc_document_is_a_page() -> None:
    """The site has a page for each document of ``_toc.yml``, and no page outside it."""
    if not SITE.is_dir():
        pytest.fail(f"{SITE} is missing: run `make book` first (`make test` does)")
    toc = set(toc_docnames())
    generated = {"index", "genindex", "search"}
    for language in ("en", "zh"):
        pages = {docname_of(p) for p in site_pages() if language_of(p) == language}
        assert toc - pages == set(), \
            f"{language}: documents of _toc.yml with no page: {sorted(toc - pages)}"
        assert pages - toc - generated == set(), \
            f"{language}: pages not in _toc.yml: {sorted(pages - toc)}"


def test_the_site_has_demo_players_and_no_widget_renderer() -> None:
    """The demos are frame players on the pages; no ipywidgets renderer is shipped."""
    if not SITE.is_dir():
        pytest.fail(f"{SITE} is missing: run `make book` first (`make test` does)")
    pages = [SITE / p for p in site_pages()]
    with_players = [p for p in pages if PLAYER_HTML in p.read_text(encoding="utf-8")]
    assert with_players, "no page of the site has a demo player (lossutils.figures.player)"
    renderers = [p.relative_to(SITE).as_posix() for p in pages
                 if re.search(r"embed-amd\.js|html-manager|widgets/embed\.js",
                              p.read_text(encoding="utf-8"))]
    assert not renderers, f"pages load an ipywidgets renderer: {renderers}"


def test_the_favicon_is_served() -> None:
    """Each page names an icon that the site has (no /favicon.ico 404)."""
    if not SITE.is_dir():
        pytest.fail(f"{SITE} is missing: run `make book` first (`make test` does)")
    for page in site_pages():
        html = (SITE / page).read_text(encoding="utf-8")
        if re.search(r'http-equiv="refresh"', html, re.IGNORECASE):
            continue  # a redirect (index.html), never shown
        match = re.search(r'<link rel="(?:shortcut )?icon" href="([^"]+)"', html)
        assert match, f"{page} names no icon"
        icon = (SITE / page).parent / unquote(match.group(1).split("?")[0])
        assert icon.is_file(), f"{page}: its icon {match.group(1)} is not in the site"


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("", True),
        ("https://jupyter.physics.uni-heidelberg.de", True),
        ("https://hub.example.org", False),
        ("https://hub.example.com/", False),
        ("https://jupyter.my-course.test", False),
        ("http://jupyter.uni.edu", False),
        ("hub.uni.edu", False),
        ("https://localhost", False),
    ],
)
def test_only_a_real_jupyterhub_is_accepted(url: str, accepted: bool) -> None:
    """The build refuses a placeholder hub (the site extension's check)."""
    problem = jupyterhub_url_problem(url)
    assert (problem is None) == accepted, problem


def test_the_configured_jupyterhub_is_real() -> None:
    problem = jupyterhub_url_problem(jupyterhub_url())
    assert problem is None, problem


# ---- The keyboard: a Tab walk through a chapter and a lab ----

#: Pages walked with the Tab key: the chapter with the most formulas, and a lab with
#: solutions, copy buttons and a demo.
TAB_WALK_PAGES = ["chapters/06-entropy-and-cross-entropy.html", "notebooks/03-loss-and-cost.html"]
#: Stops whose focus ring is measured (the header, the sidebar and the page's start).
FOCUS_RING_STOPS = 80
MAX_TAB_STOPS = 1500
MIN_OUTLINE_PX = 2
MIN_RING_CONTRAST = 3.0

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  // An element with no box of its own (a sidebar <summary>) shows the ring on its child.
  const area = el => { const r = el.getBoundingClientRect(); return r.width * r.height; };
  const ringed = area(e) > 0 ? e : Array.from(e.querySelectorAll('*'))
    .reduce((best, c) => area(c) > area(best) ? c : best, e);
  const style = getComputedStyle(ringed);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, k) => sum + v * [0.2126, 0.7152, 0.0722][k], 0);
  let background = [255, 255, 255];
  for (let a = ringed.parentElement; a; a = a.parentElement) {
    const c = rgb(getComputedStyle(a).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { background = c.slice(0, 3); break; }
  }
  const ring = rgb(style.outlineColor).slice(0, 3);
  const [l1, l2] = [luminance(ring), luminance(background)];
  let opacity = 1;
  for (let a = ringed; a; a = a.parentElement) opacity *= +getComputedStyle(a).opacity;
  if (!window.__firstStop) window.__firstStop = e;
  return {
    what: `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}"> `
          + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
    // A display equation that scrolls sideways is a Tab stop on purpose (course.js).
    formula: !!e.closest('mjx-container, .MathJax')
             && !(e.matches('div.math > mjx-container') && e.scrollWidth > e.clientWidth),
    slider: e.matches('input[type=range]'),
    copy: e.matches('button.copybtn'),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05),
    opacity, size: area(ringed),
  };
}"""


def tab_walk(page: Page) -> list[dict]:
    """Every stop of the Tab key from the top of the page round to where it started."""
    stops: list[dict] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and page.evaluate(
                "() => document.activeElement === window.__firstStop")):
            break
        stops.append(stop)
    return stops


@pytest.mark.parametrize("page_path", TAB_WALK_PAGES)
def test_the_tab_key_meets_no_formula_and_always_shows_where_it_is(
    page_path: str, site_url: str, browser: Browser, report: dict
) -> None:
    """No formula is a Tab stop (they are typeset at build time), unless it is a display
    equation that scrolls sideways (the keyboard scrolls it), and every stop shows a focus
    ring: an outline of at least 2 px with 3:1 contrast, on an element that can be seen
    (a copy button is shown when it has the focus)."""
    if not (SITE / page_path).is_file():
        pytest.fail(f"{SITE / page_path} is missing: run `make book` first")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_url + page_path, wait_until="load")
        page.wait_for_load_state("networkidle")
        stops = tab_walk(page)
    finally:
        context.close()
    sliders = [k + 1 for k, stop in enumerate(stops) if stop["slider"]]
    report["tab_walks"][page_path] = {
        "stops": len(stops),
        "formulas": sum(stop["formula"] for stop in stops),
        "copy_buttons": sum(stop["copy"] for stop in stops),
        "presses_to_first_slider": sliders[0] if sliders else None,
    }
    assert stops, f"{page_path}: the Tab key focuses nothing"
    formulas = [stop["what"] for stop in stops if stop["formula"]]
    assert not formulas, f"{page_path}: {len(formulas)} formulas are Tab stops: {formulas[:3]}"
    unseen = [
        f"stop {k + 1}: {stop['what']!r} (outline {stop['outline']} {stop['outlineWidth']} px, "
        f"contrast {stop['contrast']:.2f}:1, opacity {stop['opacity']:.2f})"
        for k, stop in enumerate(stops[:FOCUS_RING_STOPS])
        if stop["outline"] in ("none", "hidden") or stop["outlineWidth"] < MIN_OUTLINE_PX
        or stop["contrast"] < MIN_RING_CONTRAST or stop["opacity"] < 0.5 or stop["size"] == 0
    ]
    unseen += [f"copy button {stop['what']!r} is invisible with the focus (opacity "
               f"{stop['opacity']:.2f})"
               for stop in stops if stop["copy"] and stop["opacity"] < 0.5]
    assert not unseen, f"{page_path}: Tab stops that do not show the focus:\n  " + "\n  ".join(
        unseen[:10])


# ---- The copy buttons ----

COPY_PAGE = "reference/regression.html"


def test_copy_buttons_copy_the_code_without_prompts_or_outputs(
    site_url: str, browser: Browser
) -> None:
    """sphinx-copybutton on the reference's examples copies the lines after ">>> " and
    "... ", without the prompts, and not the printed results."""
    if not (SITE / COPY_PAGE).is_file():
        pytest.fail(f"{SITE / COPY_PAGE} is missing: run `make book` first")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_url + COPY_PAGE, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("""() => { window.__copied = [];
            document.addEventListener('copy', e => window.__copied.push(
              e.target && e.target.value !== undefined ? e.target.value
                                                        : String(document.getSelection())),
              true); }""")
        blocks = page.locator("article div.doctest div.highlight")
        assert blocks.count() > 0, f"{COPY_PAGE} has no examples (doctest blocks)"
        for k in range(blocks.count()):
            block = blocks.nth(k)
            shown = block.locator("pre").inner_text()
            block.hover()
            block.locator("button.copybtn").click()
            copied = page.evaluate("() => window.__copied.pop()")
            lines = shown.splitlines()
            expected = "\n".join(line[4:] for line in lines if line.startswith((">>> ", "... ")))
            outputs = [line for line in lines if line.strip()
                       and not line.startswith((">>> ", "... ", ">>>", "..."))]
            assert copied is not None, f"example {k + 1}: the copy button copied nothing"
            assert copied.strip() == expected.strip(), (
                f"example {k + 1} copies {copied!r}, not its code {expected!r}")
            assert not any(line.startswith((">>>", "...")) for line in copied.splitlines())
            assert not any(output in copied.splitlines() for output in outputs), (
                f"example {k + 1}: the copy has printed outputs in it: {copied!r}")
    finally:
        context.close()


def search(page: Page, site_url: str, query: str, edition: str = "") -> list[dict[str, str]]:
    """The search of the English site (or of ``edition``, "zh/") for ``query``: each
    result's link and summary, once shown."""
    page.goto(f"{site_url}{edition}search.html?q={query}", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('#search-results p.search-summary') !== null"
        " && !/Searching|正在搜索/.test(document.querySelector('#search-results h2')"
        "?.textContent || 'Searching')", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # the summaries are fetched page by page
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '#search-results ul.search > li')).map(li => ({
            href: li.querySelector('a').getAttribute('href'),
            summary: (li.querySelector('p.context') || {textContent: ''}).textContent}))""")


def test_search_finds_a_chinese_term_from_part_of_it(site_url: str, browser: Browser) -> None:
    """熵 (entropy) is part of the glossary's 交叉熵 and 信息熵: it must find the glossary."""
    page = browser.new_page()
    try:
        found = [result["href"] for result in search(page, site_url, "熵")]
        assert any("glossary" in href for href in found), found
        whole = [result["href"] for result in search(page, site_url, "交叉熵")]
        assert any("glossary" in href for href in whole), whole
    finally:
        page.close()


def test_search_summaries_show_no_raw_latex(site_url: str, browser: Browser) -> None:
    """A result's summary shows its formulas in plain characters, not as LaTeX."""
    page = browser.new_page()
    try:
        results = search(page, site_url, "softmax")
        summaries = [result["summary"] for result in results if result["summary"]]
        assert summaries, "the search for softmax showed no summaries"
        raw = [s for s in summaries if re.search(r"\\\(|\\\)|\\[A-Za-z]+\{|\\frac", s)]
        assert not raw, f"{len(raw)} of {len(summaries)} summaries show LaTeX: {raw[0][:200]}"
    finally:
        page.close()


def test_a_chapter_solution_opens_from_its_bar(site_url: str, browser: Browser) -> None:
    """Clicking "Solution to Exercise 6.1" opens the solution where it is; the bar's
    exercise name was a link that jumped to the exercise and left the solution closed.
    The link to the exercise is at the end of the solution."""
    page = browser.new_page()
    try:
        page.goto(f"{site_url}chapters/06-entropy-and-cross-entropy.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        solution = page.locator(".solution.dropdown").first
        title = solution.locator(".admonition-title")
        assert title.locator("a").count() == 0, "the solution's bar still holds a link"
        title.scroll_into_view_if_needed()
        box = title.bounding_box()  # on the words "Exercise 6.1", left of the button
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
        page.wait_for_timeout(500)
        assert "#" not in page.url, f"the click jumped to {page.url}"
        back = solution.locator("p.lu-solution-back a")
        assert back.is_visible(), "the solution did not open (or has no link back)"
        assert back.get_attribute("href").startswith("#ex-")
    finally:
        page.close()


# ---- The two languages ----

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"')
SWITCH = re.compile(r'<a class="btn btn-sm lu-language-switch" href="([^"]+)" hreflang="([\w-]+)"')


def twin_of(page_path: str) -> str:
    return english_path(page_path) if language_of(page_path) == "zh" else CHINESE + page_path


def test_every_page_links_its_twin_in_the_other_language() -> None:
    """Each page of either language has a language switch to the same page in the other
    language, and names both in ``<link rel="alternate" hreflang>``."""
    if not SITE.is_dir():
        pytest.fail(f"{SITE} is missing: run `make book` first (`make test` does)")
    checked = 0
    for page_path in site_pages():
        html = (SITE / page_path).read_text(encoding="utf-8")
        if re.search(r'http-equiv="refresh"', html, re.IGNORECASE):
            continue  # a redirect (index.html), never shown
        here = (SITE / page_path).parent
        twin = twin_of(page_path)
        switch = SWITCH.search(html)
        assert switch, f"{page_path}: no language switch"
        target = (here / switch.group(1)).resolve().relative_to(SITE.resolve()).as_posix()
        assert target == twin, f"{page_path}: the switch leads to {target}, not {twin}"
        assert switch.group(2) == ("en" if language_of(page_path) == "zh" else "zh-CN")
        alternates = {code: (here / href).resolve().relative_to(SITE.resolve()).as_posix()
                      for code, href in ALTERNATE.findall(html)}
        english = english_path(page_path)
        assert alternates == {"en": english, "zh-CN": CHINESE + english}, (page_path, alternates)
        assert (SITE / twin).is_file(), f"{page_path}: its twin {twin} is not a page"
        checked += 1
    assert checked >= 60, f"only {checked} pages checked"


@pytest.mark.parametrize("page_path", ["chapters/intro.html", "zh/notebooks/04-zero-one-and-"
                                       "squared-loss.html"])
def test_the_language_switch_works_by_keyboard(page_path: str, site_url: str,
                                               browser: Browser) -> None:
    """Tab reaches the switch (it is in the page's header, before the text), and Enter
    opens the same page in the other language."""
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(site_url + page_path, wait_until="load")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains("
                             "'lu-language-switch')"):
                break
        else:
            pytest.fail(f"{page_path}: 40 Tab presses never reached the language switch")
        ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert ring != "none", f"{page_path}: the focused switch shows no focus ring"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == site_url + twin_of(page_path), page.url
        lang = page.evaluate("() => document.documentElement.lang")
        assert lang == ("en" if language_of(page_path) == "zh" else "zh-CN"), lang
    finally:
        page.close()


def test_the_chinese_search_finds_cross_entropy_in_chapter_6(site_url: str,
                                                           browser: Browser) -> None:
    page = browser.new_page()
    try:
        found = [result["href"] for result in search(page, site_url, "交叉熵", CHINESE)]
        assert any("06-entropy-and-cross-entropy" in href for href in found), found
    finally:
        page.close()


#: Latin words a Chinese page shows on purpose: names, the switch to English, a key.
LATIN_ON_CHINESE_PAGES = {
    "English", "Ctrl", "K", "Colab", "Binder", "LICENSE", "lossutils", "PyTorch",
    "Creative Commons Attribution 4.0 (CC BY 4.0)", ".ipynb", ".pdf", ".md",
}
INTERFACE_TEXT = re.compile(r">([^<>]*[A-Za-z]{3,}[^<>]*)<")
INTERFACE_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|data-bs-title|alt)='
                                 r'"([^"]*[A-Za-z]{3,}[^"]*)"')


def english_interface(html_text: str) -> list[str]:
    """The English words of a page outside its text (code, maths and scripts aside)."""
    outside = re.sub(r"<(script|style|pre|code|math|mjx-container)\b.*?</\1>", "",
                     html_text, flags=re.DOTALL)
    outside = re.sub(r"<article\b.*?</article>", "", outside, flags=re.DOTALL)
    found = []
    for text in INTERFACE_TEXT.findall(outside) + INTERFACE_ATTRIBUTE.findall(outside):
        text = text.strip()
        if (not text or re.search("[\u4e00-\u9fff]", text) or text in LATIN_ON_CHINESE_PAGES
                or re.fullmatch(r"(lossutils|torch)[\w.]*|github\.com/[\w./-]+|"
                                r"[\d.]+ [A-Z][a-z]+|v?[\d.]+|\\\(.*\\\)", text)):
            continue
        found.append(text)
    return found


def test_the_chinese_interface_is_in_chinese() -> None:
    """Around the translated text of every Chinese page (header, sidebars, footer, the
    buttons' tooltips), no English words but names."""
    pages = [p for p in site_pages() if language_of(p) == "zh"]
    assert pages, "no Chinese site: run `make book`"
    english = {}
    for page_path in pages:
        found = english_interface((SITE / page_path).read_text(encoding="utf-8"))
        if found:
            english[page_path] = found
    assert not english, "\n".join(f"{p}: {found[:5]}" for p, found in english.items())


def test_the_interface_check_sees_english() -> None:
    planted = '<nav aria-label="Main"><a title="Toggle primary sidebar">目录</a></nav>'
    assert sorted(english_interface(planted)) == ["Main", "Toggle primary sidebar"]


#: A display formula as typeset, without its number's link (whose title is translated).
DISPLAY_FORMULA = re.compile(
    r'<div class="math[^"]*"[^>]*>.*?(<mjx-container.*?</mjx-container>)\s*</div>', re.DOTALL)


def test_a_chinese_page_shows_the_formulas_of_its_english_twin() -> None:
    """Sphinx cannot translate a display formula: a changed one (even a word of its
    \\text{}) came out as "::" on the Chinese page. Each Chinese page's display
    formulas are its English twin's."""
    pages = [p for p in site_pages() if language_of(p) == "zh"]
    assert pages, "no Chinese site: run `make book`"
    differ = {}
    for page_path in pages:
        chinese = DISPLAY_FORMULA.findall((SITE / page_path).read_text(encoding="utf-8"))
        english = DISPLAY_FORMULA.findall(
            (SITE / english_path(page_path)).read_text(encoding="utf-8"))
        if chinese != english:
            differ[page_path] = [c for c, e in zip(chinese, english, strict=False)
                                 if c != e][:2] or [len(chinese), len(english)]
    assert not differ, differ
