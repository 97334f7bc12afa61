"""Each page of the built site in headless Chromium from a local server.

Every HTML page is opened in a fresh browser context (an empty cache, as a first visit),
from a server on 127.0.0.1. For each page: the bytes transferred (bodies and headers of
every response), the number of requests, and the load time (the navigation's
``loadEventEnd``, in ms from its start). Nothing is fetched from another host: a request
elsewhere is counted and answered with an error, as the site tests require.

Run on its own::

    python benchmarks/bench_site.py [_build/html]
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SKIPPED_DIRECTORIES = {"_static", "_sources", "_images", "_downloads"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, relative to its root, in path order."""
    return sorted(
        str(path.relative_to(site))
        for path in site.rglob("*.html")
        if not SKIPPED_DIRECTORIES.intersection(path.relative_to(site).parts)
    )


def measure_page(browser, base: str, page_path: str) -> dict:
    """Bytes, requests, failed or foreign requests, and load time of one page, cold."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    finished, failed, foreign = [], [], []

    def route(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("requestfailed", lambda request: failed.append(request))
    try:
        page.goto(base + page_path, wait_until="load", timeout=60_000)
        # a page that redirects (index.html) is measured where it lands
        page.wait_for_load_state("networkidle", timeout=30_000)
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return {load: n.loadEventEnd, dom: n.domContentLoadedEventEnd}; }"
        )
        landed = page.url.removeprefix(base)
        status = "loaded" if landed == page_path else f"redirected to {landed}"
    except Exception as error:  # a page that does not load is a row, not a crash
        timing, status = {"load": None, "dom": None}, f"failed: {type(error).__name__}"
    transferred = 0
    for request in finished:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return {
        "page": page_path,
        "status": status,
        "bytes": transferred,
        "requests": len(finished) + len(failed),
        "failed_requests": len(failed),
        "foreign_requests": len(foreign),
        "load_ms": timing["load"],
        "dom_content_loaded_ms": timing["dom"],
    }


def measure(site: Path) -> dict:
    """Every page of ``site``; the totals."""
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_path in pages(site):
                rows.append(measure_page(browser, base, page_path))
                row = rows[-1]
                load = f"{row['load_ms']:7.0f} ms" if row["load_ms"] is not None else "   --    "
                print(
                    f"  {row['page']:<55} {row['bytes'] / 1024:8.0f} KiB "
                    f"{row['requests']:4d} requests {load}  {row['status']}",
                    flush=True,
                )
        finally:
            browser.close()
    loaded = [row for row in rows if row["load_ms"] is not None]
    return {
        "rows": rows,
        "pages": len(rows),
        "total_bytes": sum(row["bytes"] for row in rows),
        "median_load_ms": sorted(row["load_ms"] for row in loaded)[len(loaded) // 2]
        if loaded
        else None,
        "largest_page": max(rows, key=lambda row: row["bytes"])["page"] if rows else None,
    }


if __name__ == "__main__":
    site_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    print(json.dumps(measure(site_dir), indent=2))
