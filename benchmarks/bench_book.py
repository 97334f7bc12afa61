"""``make book`` on a clean ``_build``, then again after one chapter is touched.

The build runs in a temporary copy of the tree (without ``.git``, ``_build`` and
``.venv``), so the repository's own ``_build`` is never touched. As ``make book`` does,
``_build/html`` is removed before each build and the executed chapters and doctrees are
kept: the first build executes every chapter (the labs come with their stored outputs),
the second only the touched one. The site of the first build is kept for the site
measurement when asked.

Run on its own::

    python benchmarks/bench_book.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds before a build is stopped.
TIMEOUT = 1800
SKIPPED = {".git", "_build", ".venv", ".pytest_cache", ".ruff_cache", "__pycache__"}


def copy_tree(destination: Path, root: Path = ROOT) -> Path:
    """A copy of the course's sources in ``destination``, without builds or caches."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        return {name for name in names if name in SKIPPED or name.endswith(".egg-info")}

    shutil.copytree(root, destination, ignore=ignore, symlinks=True)
    return destination


def book_command(tree: Path) -> list[str]:
    """The build of ``make book``: every page, warnings as errors, keep going."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    return [str(jupyter_book), "build", str(tree), "--builder", "html", "-n", "-W", "--keep-going"]


def build(tree: Path) -> dict:
    """Remove ``_build/html`` (as ``make book``), build, and time it."""
    shutil.rmtree(tree / "_build" / "html", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            book_command(tree), cwd=tree, env=env, capture_output=True, text=True,
            timeout=TIMEOUT,
        )  # fmt: skip
        output = done.stdout + done.stderr
        status = "passed" if done.returncode == 0 else "failed"
    except subprocess.TimeoutExpired:
        output, status = "", "timed out"
    seconds = time.perf_counter() - start
    warnings = len(re.findall(r"\b(?:WARNING|ERROR)\b", output))
    return {"seconds": seconds, "status": status, "warnings": warnings}


def first_chapter(tree: Path) -> Path:
    """The first chapter file of the tree, the one that is touched."""
    return sorted((tree / "chapters").glob("0*.md"))[0]


def measure(root: Path = ROOT, keep_site: Path | None = None) -> dict:
    """The clean build and the build after touching a chapter; the site copied if asked."""
    with tempfile.TemporaryDirectory(prefix="bench-book-") as directory:
        tree = copy_tree(Path(directory) / "tree", root)
        clean = build(tree)
        print(f"  clean build            {clean['seconds']:6.1f} s  {clean['status']}", flush=True)
        if keep_site is not None and (tree / "_build" / "html").is_dir():
            shutil.rmtree(keep_site, ignore_errors=True)
            shutil.copytree(tree / "_build" / "html", keep_site)
        chapter = first_chapter(tree)
        chapter.touch()
        touched = build(tree)
        print(
            f"  after touching {chapter.name}: {touched['seconds']:6.1f} s  {touched['status']}",
            flush=True,
        )
    return {"clean": clean, "touched": {**touched, "chapter": chapter.name}}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
