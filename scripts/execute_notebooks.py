"""Re-execute notebooks in place on the CPU, storing their outputs and what their
pictures show.

    python scripts/execute_notebooks.py notebooks/*.ipynb

This is what ``make execute`` runs. Stored outputs come from a CPU run so that every
machine, with or without a GPU, compares against the same text. The kernel records each
figure it prints (``tests/figure_log.py``); what each stored picture shows is kept in
``tests/stored_figures/<notebook>.json.gz``, which the stale-picture check compares with a
fresh run. Prints each notebook's run time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
from figure_log import execute as execute_recording  # noqa: E402
from figure_log import write_records  # noqa: E402
from notebook_header import write_header  # noqa: E402


def execute(path: Path) -> tuple[float, int]:
    """Run the notebook, store it and its pictures' records; return (seconds, pictures)."""
    write_header(path)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "figures.jsonl"
        start = time.perf_counter()
        execute_recording(notebook, path.parent, log)
        seconds = time.perf_counter() - start
        nbformat.write(notebook, path)
        return seconds, write_records(path, log)


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: execute_notebooks.py NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    for name in paths:
        seconds, count = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s, {count} pictures recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
