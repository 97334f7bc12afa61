"""What the delivery tests walk: the book's pages, the notebooks, the browser to use.

Every list here is derived from ``_toc.yml``, the files on disk or the built site, never
written out by hand, so chapters added later are covered without changing the tests.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
CHAPTER_DIR = ROOT / "chapters"
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
SOURCE_SUFFIXES = (".md", ".ipynb")

# Debian's Chromium, installed by the Makefile; the flags keep it off the network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _toc_entries(node: object) -> Iterator[str]:
    """Yield every ``file:`` of a ``_toc.yml`` subtree, in reading order."""
    if isinstance(node, dict):
        if "root" in node:
            yield node["root"]
        if "file" in node:
            yield node["file"]
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                yield from _toc_entries(child)
    elif isinstance(node, list):
        for child in node:
            yield from _toc_entries(child)


def toc_docnames(root: Path = ROOT) -> list[str]:
    """The documents of ``_toc.yml`` in reading order, without suffix (``chapters/intro``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [str(Path(entry).with_suffix("")) if Path(entry).suffix in SOURCE_SUFFIXES
            else entry for entry in _toc_entries(toc)]


def source_of(docname: str, root: Path = ROOT) -> Path | None:
    """The file on disk behind a toc entry, or ``None`` when there is none."""
    for suffix in SOURCE_SUFFIXES:
        path = root / f"{docname}{suffix}"
        if path.is_file():
            return path
    return None


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in file-name order."""
    return sorted((root / "notebooks").glob("*.ipynb"))


def chapters(root: Path = ROOT) -> list[Path]:
    """Every chapter file on disk (Markdown or notebook)."""
    return sorted(p for p in (root / "chapters").iterdir() if p.suffix in SOURCE_SUFFIXES)


def site_pages(site: Path = SITE) -> list[str]:
    """Every HTML page of the built site, relative to its root (``chapters/intro.html``)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not skip.intersection(path.relative_to(site).parts)
    )


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Wait until something accepts connections on ``127.0.0.1:port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} after {timeout} s")


def require_chromium() -> str:
    """Path of Debian's Chromium, or a failure that says how to install it."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
        )
    return str(CHROMIUM)


def quiet_environment(**extra: str) -> dict[str, str]:
    """This process's environment with one thread per library and ``extra`` added."""
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    env.update(extra)
    return env


def read_chapter(path: Path) -> nbformat.NotebookNode:
    """A MyST Markdown chapter as the notebook the book executes (myst-nb's own reader,
    with the book's MyST extensions), each cell's first line in the file in
    ``cell.metadata["line"]`` (counted from 1)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config = MdParserConfig(
        enable_extensions={"colon_fence", "dollarmath", "linkify", "substitution", "tasklist"}
    )
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), config,
                                           add_source_map=True, path=path)
    for cell, line in zip(notebook.cells, notebook.metadata.get("source_map", []),
                          strict=False):
        cell.metadata["line"] = line + 1
    return notebook


def first_code_line(cell: nbformat.NotebookNode) -> str:
    """The first line of a cell that is not blank, to name the cell in a message."""
    return next((line for line in cell.source.splitlines() if line.strip()), "")


#: What is not prose in a chapter's or a lab's Markdown: front matter, fenced code and
#: maths, directive options, inline maths, roles (a glued value), inline code, link
#: targets, comments, HTML tags and labels. The prose guards (no decimal or integer
#: typed where code produces it) mask these first.
PROSE_MASKS = [
    re.compile(r"\A---\n.*?\n---\n", re.DOTALL),
    re.compile(r"^(`{3,}|~{3,})[ \t]*(\{(code-cell|code-block|code|math|raw-cell|raw|"
               r"literalinclude)\}[^\n]*|[\w+-]*)\n.*?^\1[ \t]*$", re.DOTALL | re.MULTILINE),
    re.compile(r"^[ \t]*:[\w-]+:.*$", re.MULTILINE),  # directive options (:label: ...)
    re.compile(r"\$\$.*?\$\$", re.DOTALL),
    re.compile(r"(?<![\\$])\$(?!\$).+?(?<![\\$])\$"),
    re.compile(r"\{[\w:-]+\}`[^`]*`"),
    re.compile(r"(`+).+?\1"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"<[^>\n]+>"),
    re.compile(r"^\([\w-]+\)=$", re.MULTILINE),
]
