"""Every notebook under strict nbval on the CPU, against the floor of a trivial notebook.

The floor is what any notebook costs before it computes anything: pytest and nbval start,
a kernel starts, and it imports torch, matplotlib and lossutils. Each lab is run once
under the command of ``make nbval`` (one pytest per notebook), and right after it a
trivial notebook of that one import cell under the same command, so that a change in the
machine's load touches both. A notebook that fails (or times out) is reported as such
and left out of the totals of the passing notebooks; a second total counts every
notebook (nbval runs every cell of a notebook that fails).

Run on its own::

    python benchmarks/bench_notebooks.py [notebooks/01-....ipynb ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
#: The one cell of the floor notebook.
FLOOR_SOURCE = "\n".join(
    ["import matplotlib", "import matplotlib.pyplot as plt", "import torch", "", "import lossutils"]
)
#: Seconds before one notebook's run is stopped and reported as timed out.
TIMEOUT = 600


def nbval_command(notebook: Path, root: Path = ROOT) -> list[str]:
    """The command of ``make nbval``, for one notebook, with the repository's settings
    (its pictures and exercise checks are checked in the same run: ``tests/nbval_labs.py``,
    on ``PYTHONPATH`` with the tree, see :func:`run_nbval`)."""
    return [
        sys.executable, "-m", "pytest", "-p", "nbval_labs", "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", str(root / "tests" / "nbval_sanitize.cfg"),
        "-p", "no:randomly", "-q", "-c", str(root / "pyproject.toml"),
        "--rootdir", str(root), str(notebook),
    ]  # fmt: skip


def run_nbval(notebook: Path, root: Path = ROOT) -> dict:
    """Wall time and status of one strict nbval run (on the CPU, lossutils from ``root``)."""
    env = {**os.environ, "LOSSUTILS_DEVICE": "cpu",
           "PYTHONPATH": os.pathsep.join([str(root), str(root / "tests")])}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            nbval_command(notebook, root), cwd=root, env=env, capture_output=True, text=True,
            timeout=TIMEOUT,
        )  # fmt: skip
        status = "passed" if done.returncode == 0 else "failed"
        tail = (done.stdout + done.stderr).strip().splitlines()[-1:] if status == "failed" else []
    except subprocess.TimeoutExpired:
        status, tail = "timed out", [f"stopped after {TIMEOUT} s"]
    return {
        "seconds": time.perf_counter() - start,
        "status": status,
        "detail": tail[0][:200] if tail else "",
    }


def floor_notebook(directory: Path) -> Path:
    """A notebook of one cell that imports torch, matplotlib and lossutils."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(FLOOR_SOURCE))
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }  # fmt: skip
    path = directory / "floor.ipynb"
    nbformat.write(notebook, path)
    return path


def measure(notebooks: list[Path] | None = None, root: Path = ROOT) -> dict:
    """Each notebook and its floor, in alternation; the totals and their ratio."""
    notebooks = notebooks or sorted((root / "notebooks").glob("*.ipynb"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as directory:
        floor = floor_notebook(Path(directory))
        for notebook in notebooks:
            lab = run_nbval(notebook, root)
            trivial = run_nbval(floor, root)
            rows.append(
                {
                    "notebook": notebook.name,
                    "status": lab["status"],
                    "detail": lab["detail"],
                    "seconds": lab["seconds"],
                    "floor_seconds": trivial["seconds"],
                    "floor_status": trivial["status"],
                    "ratio": lab["seconds"] / trivial["seconds"],
                }
            )
            row = rows[-1]
            print(
                f"  {row['notebook']:<45} {row['status']:<9} {row['seconds']:6.1f} s   "
                f"floor {row['floor_seconds']:5.1f} s   {row['ratio']:4.2f}x",
                flush=True,
            )
    passed = [row for row in rows if row["status"] == "passed"]
    total = sum(row["seconds"] for row in passed)
    floor_total = sum(row["floor_seconds"] for row in passed)
    every = sum(row["seconds"] for row in rows)
    every_floor = sum(row["floor_seconds"] for row in rows)
    return {
        "rows": rows,
        "passed": len(passed),
        "count": len(rows),
        "total_seconds": total,
        "floor_total_seconds": floor_total,
        "ratio": total / floor_total if floor_total else None,
        # failing notebooks included: nbval still runs every cell of a notebook that fails
        "all_total_seconds": every,
        "all_floor_total_seconds": every_floor,
        "all_ratio": every / every_floor if every_floor else None,
    }


if __name__ == "__main__":
    chosen = [Path(name).resolve() for name in sys.argv[1:]] or None
    print(json.dumps(measure(chosen), indent=2))
