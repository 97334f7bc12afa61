"""The website in a real browser: every page of ``_build/html`` in headless Chromium.

The built site is served on localhost from a thread and each page is opened in Debian's
Chromium driven by Playwright. A page passes when it logs no console error, no request
fails, nothing is asked of a host other than localhost, its maths is typeset by the
locally served MathJax, its saved widgets are rendered by the locally served widget
script, and every link into the site lands on a page (and anchor) that exists. Notebook
pages must also offer the launch buttons, with Colab pointing at the notebook's own path
in the repository. A full-page screenshot of every page is saved under
``_build/screenshots/`` for a person to look at.

Run ``make book`` first; ``make test`` does.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from course_files import (
    ROOT,
    SCREENSHOTS,
    SITE,
    site_pages,
    source_of,
    toc_docnames,
)
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_header import colab_url  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
PAGES = site_pages() or ["(no site built: run `make book`)"]
REPORT = SCREENSHOTS / "report.json"
PAGE_TIMEOUT_MS = 30_000


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
    """Figures for the closing note, written to ``_build/screenshots/report.json``."""
    figures: dict[str, object] = {
        "pages_visited": 0,
        "console_errors": [],
        "failed_requests": [],
        "external_requests": [],
        "pages_with_maths": 0,
        "pages_with_widgets": 0,
        "links_checked": 0,
    }
    yield figures
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2) + "\n")


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
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def route(self, route, request: Request) -> None:  # noqa: ANN001 - playwright's Route
        parts = urlsplit(request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(request.url)
            route.abort()


def wait_for_maths(page: Page) -> int:
    """Wait for MathJax to finish; return how many maths elements the page has."""
    count = page.locator(".math").count()
    if count:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=PAGE_TIMEOUT_MS,
        )
        page.evaluate("() => MathJax.startup.promise")
    return count


def wait_for_widgets(page: Page) -> int:
    """Wait for the saved widgets to render; return how many widget views the page has."""
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(
            """(views) => document.querySelectorAll('.widget-subarea > *').length >= views""",
            arg=views,
            timeout=PAGE_TIMEOUT_MS,
        )
    return views


def screenshot_path(page_path: str) -> Path:
    return SCREENSHOTS / (page_path.removesuffix(".html").replace("/", "__") + ".png")


@pytest.mark.parametrize("page_path", PAGES)
def test_page(page_path: str, site_url: str, browser: Browser, report: dict) -> None:
    if not (SITE / page_path).is_file():
        pytest.fail(f"{SITE} has no pages: run `make book` first (`make test` does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    watch = PageWatch(page, site_url)
    problems: list[str] = []
    try:
        page.goto(site_url + page_path, wait_until="load")
        maths = wait_for_maths(page)
        views = wait_for_widgets(page)
        page.wait_for_load_state("networkidle")

        if maths:
            report["pages_with_maths"] += 1
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
        if views:
            report["pages_with_widgets"] += 1
            problems += check_widgets(page)

        problems += check_links(page, site_url, report)
        problems += check_launch_buttons(page, page_path)

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot_path(page_path)), full_page=True)
    finally:
        context.close()
        report["pages_visited"] += 1
        report["console_errors"] += [f"{page_path}: {e}" for e in watch.console_errors]
        report["failed_requests"] += [f"{page_path}: {e}" for e in watch.failed]
        report["external_requests"] += [f"{page_path}: {e}" for e in watch.external]

    problems += [f"console error: {e}" for e in watch.console_errors]
    problems += [f"failed request: {e}" for e in watch.failed]
    problems += [f"request to another host: {e}" for e in watch.external]
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def check_widgets(page: Page) -> list[str]:
    """Every saved widget view rendered, none shows the renderer's error box."""
    problems = []
    rendered = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                 'script[type="application/vnd.jupyter.widget-view+json"]'))
               .map(s => { const area = s.previousElementSibling;
                           return !!(area && area.classList.contains('widget-subarea')
                                     && area.getBoundingClientRect().height > 0); })"""
    )
    if not all(rendered):
        problems.append(f"{rendered.count(False)} of {len(rendered)} widget views not rendered")
    if page.locator(".widget-subarea .jupyter-widgets-error-widget").count():
        problems.append("a widget shows the renderer's error message")
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


def docname_of(page_path: str) -> str:
    return page_path.removesuffix(".html")


def check_launch_buttons(page: Page, page_path: str) -> list[str]:
    """Notebook pages: Colab, Binder, JupyterHub and download buttons, Colab at this notebook.

    Chapter pages (MyST Markdown) have no launch buttons: their sources are not notebooks.
    """
    source = source_of(docname_of(page_path))
    launch_links = page.evaluate(
        """() => Array.from(document.querySelectorAll('.dropdown-launch-buttons a[href]'),
                             a => a.href)"""
    )
    if source is None or source.suffix != ".ipynb":
        if launch_links:
            return [f"launch buttons on a page that is not a notebook: {launch_links}"]
        return []
    problems = []
    expected = colab_url(source)
    relative = source.relative_to(ROOT).as_posix()
    colab = [link for link in launch_links if link.startswith("https://colab.research.google.com")]
    if colab != [expected]:
        problems.append(f"Colab launch button {colab} is not {expected}")
    if not any(link.startswith("https://mybinder.org/") and link.endswith(f"lab/tree/{relative}")
               for link in launch_links):
        problems.append(f"no Binder button opening {relative} in JupyterLab: {launch_links}")
    if not any("/hub/user-redirect/git-pull" in link and "lab/tree/" in link
               and relative in link for link in launch_links):
        problems.append(f"no JupyterHub button opening {relative}: {launch_links}")
    badge = page.locator(f'article a[href="{expected}"] img[alt="Open In Colab"]')
    if badge.count() != 1:
        problems.append(f"the notebook's own Open in Colab badge for {expected} is missing")
    if page.locator(".dropdown-download-buttons a[href$='.ipynb']").count() != 1:
        problems.append("no download button for the .ipynb")
    return problems


def test_every_toc_document_is_a_page() -> None:
    """The site has a page for each document of ``_toc.yml``, and no page outside it."""
    if not SITE.is_dir():
        pytest.fail(f"{SITE} is missing: run `make book` first (`make test` does)")
    pages = {docname_of(p) for p in site_pages()}
    toc = set(toc_docnames())
    generated = {"index", "genindex", "search"}
    assert toc - pages == set(), f"documents of _toc.yml with no page: {sorted(toc - pages)}"
    assert pages - toc - generated == set(), f"pages not in _toc.yml: {sorted(pages - toc)}"
