"""The pictures a notebook stores, what they show, and whether its code still draws them.

A kernel started with :func:`kernel_environment` runs :func:`install` before its first
cell (an IPython startup file): from then on every figure printed to a PNG (IPython's
display of a figure, ``savefig`` of a demo frame) is recorded with the cell that drew it
(:func:`drawn.record`) and checked against the figure standard
(``lossutils.figures.style.figure_problems``), one JSON line per picture in a log.

``make execute`` runs the labs so and keeps what their stored pictures show:
``tests/stored_figures/<lab>.json.gz``, one entry per picture with the SHA-256 of the
PNG it describes. Strict nbval runs the labs so too (``tests/nbval_labs.py``), and
:func:`stale_pictures` compares the fresh log with those records: a figure cell whose
code changed without ``make execute`` shows something else now and is named, while
another processor's rounding is not (see :mod:`drawn` for the tolerances).

``make book`` runs the book build through :func:`main`, so that each chapter's kernel
logs its figures into ``_build/chapter-figures``; :func:`book_run` finds a chapter's
log and its executed cells there, for ``make figures``.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from course_files import first_code_line, read_chapter

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
RECORDS = TESTS / "stored_figures"
#: The environment variable naming the log a kernel writes; unset, nothing is recorded.
LOG_VARIABLE = "LOSSUTILS_FIGURE_LOG"
#: The same for the probes of the labs' exercise checks (``lab_checks.py``).
CHECK_LOG_VARIABLE = "LOSSUTILS_CHECK_LOG"
PNG_IN_HTML = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")

STARTUP = f"""\
# Written by tests/figure_log.py: record this kernel's figures, and probe its lab checks,
# when asked to.
import os as _lu_os
if _lu_os.environ.get({LOG_VARIABLE!r}):
    import figure_log as _lu_figure_log
    _lu_figure_log.install(_lu_os.environ[{LOG_VARIABLE!r}])
if _lu_os.environ.get({CHECK_LOG_VARIABLE!r}):
    import lab_checks as _lu_lab_checks
    _lu_lab_checks.install(_lu_os.environ[{CHECK_LOG_VARIABLE!r}])
del _lu_os
"""


# --- in the kernel --------------------------------------------------------------------

def install(log: str) -> None:
    """Record each PNG printed from now on, with its cell and its figure's problems, into
    ``log`` (``{pid}`` in it becomes the kernel's process id: one log per kernel)."""
    import drawn
    from IPython import get_ipython
    from matplotlib import rcParams
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

    from lossutils.figures.style import figure_problems

    log = log.replace("{pid}", str(os.getpid()))
    shell = get_ipython()
    running = {"run": -1, "source": ""}

    def count_cell(info) -> None:  # IPython fires this for each cell that is not blank
        running["run"] += 1
        running["source"] = info.raw_cell

    shell.events.register("pre_run_cell", count_cell)
    print_figure = FigureCanvasBase.print_figure

    def recorded_print_figure(self, filename, *args, **kwargs):
        result = print_figure(self, filename, *args, **kwargs)
        kind = kwargs.get("format")
        if kind is None and isinstance(filename, str | os.PathLike):
            kind = os.path.splitext(filename)[1][1:] or None
        if (kind or rcParams["savefig.format"]) != "png":
            return result
        entry = {"run": running["run"], "source": _digest(running["source"])}
        # The print has laid the figure out: record and check it as it was printed. Laid
        # out again, a constrained layout moves some axes by up to 1.75 px (it is not
        # idempotent), and each layout costs as much as the record itself.
        engine = self.figure.get_layout_engine()
        frozen = isinstance(engine, ConstrainedLayoutEngine | TightLayoutEngine)
        if frozen:
            self.figure.set_layout_engine("none")
        try:  # report a failure with its cell, do not break the notebook
            entry["record"] = drawn.record(self.figure)
            entry["problems"] = figure_problems(self.figure)
        except Exception as error:
            entry["record"] = None
            entry["problems"] = [f"the figure could not be checked: {error!r}"]
        finally:
            if frozen:
                self.figure.set_layout_engine(engine)
        with open(log, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")
        return result

    FigureCanvasBase.print_figure = recorded_print_figure


# --- around the kernel ----------------------------------------------------------------

def kernel_environment(log: Path, checks: Path | None = None) -> dict[str, str]:
    """Environment variables under which a kernel records its figures into ``log`` (and,
    given ``checks``, probes its lab checks into that log)."""
    path = [str(TESTS), str(ROOT)]
    path += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in path]
    return {"IPYTHONDIR": str(_ipython_dir()), "PYTHONPATH": os.pathsep.join(path),
            LOG_VARIABLE: str(log), CHECK_LOG_VARIABLE: str(checks or "")}


@functools.cache
def _ipython_dir() -> Path:
    """An IPython directory whose startup file calls :func:`install` (one per process)."""
    directory = Path(tempfile.mkdtemp(prefix="lossutils-ipython-"))
    startup = directory / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-record-figures.py").write_text(STARTUP, encoding="utf-8")
    return directory


def execute(notebook: nbformat.NotebookNode, directory: Path, log: Path,
            **environment: str) -> nbformat.NotebookNode:
    """Run ``notebook`` in place in a kernel that records its figures into ``log``, in
    ``directory``, with ``environment`` added (``LOSSUTILS_DEVICE`` is ``cpu`` unless
    given); return it with its outputs."""
    from nbclient import NotebookClient

    saved = dict(os.environ)
    os.environ.update({"LOSSUTILS_DEVICE": "cpu", **environment, **kernel_environment(log)})
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(directory)}},
                       record_timing=False).execute()  # no timestamps stored
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook


def _digest(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def pictures(cell: nbformat.NotebookNode) -> list[bytes]:
    """Every PNG a code cell's outputs hold: images, and the frames inside HTML."""
    found = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            value = data["image/png"]
            found.append(base64.b64decode("".join(value) if isinstance(value, list) else value))
        html = data.get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        found += [base64.b64decode(frame) for frame in PNG_IN_HTML.findall(html)]
    return found


@dataclass
class Drawn:
    """The pictures one code cell drew in a logged run, and what its figures break."""

    records: list[dict | None]
    problems: list[str]


def read_log(notebook: nbformat.NotebookNode, log: Path) -> dict[int, Drawn]:
    """The log of a run of ``notebook``, by code cell (its index among the code cells)."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    runs = [index for index, cell in enumerate(code) if cell.source.strip()]
    drawn: dict[int, Drawn] = {}
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    for line in lines:
        entry = json.loads(line)
        if not 0 <= entry["run"] < len(runs):
            raise ValueError(f"{log}: a picture drawn outside the notebook's cells")
        index = runs[entry["run"]]
        if entry["source"] != _digest(code[index].source):
            raise ValueError(f"{log}: run {entry['run']} is not code cell {index} of the "
                             "notebook (its source differs)")
        found = drawn.setdefault(index, Drawn([], []))
        found.records.append(entry["record"])
        found.problems += [p for p in entry["problems"] if p not in found.problems]
    return drawn


def records_path(notebook_path: Path, records: Path = RECORDS) -> Path:
    """Where the records of a notebook's stored pictures are kept: JSON, one picture a
    line, gzipped (a sixth of the size) with no time stamp, so the same run writes the
    same bytes."""
    return records / f"{notebook_path.stem}.json.gz"


def read_records(path: Path) -> list[dict]:
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


def write_records(notebook_path: Path, log: Path, records: Path = RECORDS) -> int:
    """Keep what the stored pictures of a just-executed notebook show; return how many."""
    notebook = nbformat.read(notebook_path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    drawn = read_log(notebook, log)
    entries = []
    for index, cell in enumerate(code):
        stored = pictures(cell)
        printed = drawn.get(index, Drawn([], [])).records
        if len(printed) != len(stored):
            raise ValueError(f"{notebook_path.name}, code cell {index}: it printed "
                             f"{len(printed)} figures and stores {len(stored)} pictures")
        entries += [{"cell": index, "picture": k + 1, "of": len(stored),
                     "first_line": first_code_line(cell), "sha256": _digest(png),
                     "record": record}
                    for k, (png, record) in enumerate(zip(stored, printed, strict=True))]
    records.mkdir(exist_ok=True)
    lines = ",\n".join(json.dumps(entry, separators=(",", ":")) for entry in entries)
    records_path(notebook_path, records).write_bytes(
        gzip.compress(f"[\n{lines}\n]\n".encode(), mtime=0))
    return len(entries)


def where(name: str, index: int, cell: nbformat.NotebookNode) -> str:
    """A code cell named for a message: by its line in a chapter, its index in a lab."""
    line = cell.metadata.get("line")
    place = f"line {line}" if line else f"code cell {index}"
    return f"{name}, {place} ({first_code_line(cell)!r})"


def stale_pictures(notebook_path: Path, log: Path, records: Path = RECORDS) -> list[str]:
    """Each code cell whose stored pictures are not what the logged run drew (named)."""
    import drawn as drawing

    notebook = nbformat.read(notebook_path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    fresh = read_log(notebook, log)
    path = records_path(notebook_path, records)
    stored_records: dict[int, list[dict]] = {}
    for entry in read_records(path) if path.exists() else []:
        stored_records.setdefault(entry["cell"], []).append(entry)
    problems = []
    for index, cell in enumerate(code):
        stored = pictures(cell)
        kept = stored_records.get(index, [])
        now = fresh.get(index, Drawn([], [])).records
        here = where(notebook_path.name, index, cell)
        if stored and not path.exists():
            problems.append(f"{here}: no record of what its stored pictures show "
                            f"({path.name} in {path.parent}): run `make execute`")
            continue
        if [entry["sha256"] for entry in kept] != [_digest(png) for png in stored]:
            problems.append(
                f"{here}: its stored pictures are not those {path.name} in {path.parent} "
                "describes (was the cell re-run by hand?): run `make execute`")
            continue
        if len(now) != len(kept):
            problems.append(f"{here}: {len(kept)} pictures stored, its code draws "
                            f"{len(now)} now")
            continue
        for entry, record in zip(kept, now, strict=True):
            apart = (["it could not be recorded"] if record is None
                     else drawing.differences(entry["record"], record))
            if apart:
                problems.append(f"{here}: picture {entry['picture']} of {entry['of']} is "
                                "not what its code draws now: " + "; ".join(apart))
    return problems


# --- the chapters, as the book build ran them ---------------------------------------------

BUILD = ROOT / "_build"
#: Where ``make book`` keeps the logs of the chapters' kernels (one per kernel).
BOOK_LOGS = BUILD / "chapter-figures"


def book_run(chapter: Path, build: Path = BUILD) -> tuple[nbformat.NotebookNode, Path | None]:
    """The chapter as the last book build executed it, each code cell with its line in
    the chapter, and the log of the figures it drew (None when it logged none). Raises
    ``LookupError`` saying what to run when the build is missing or older than the
    chapter."""
    source = read_chapter(chapter)
    now = [cell for cell in source.cells if cell.cell_type == "code"]
    if not now:
        return source, None  # nothing to execute, nothing drawn
    executed_path = build / "jupyter_execute" / chapter.parent.name / f"{chapter.stem}.ipynb"
    if not executed_path.exists():
        raise LookupError(f"{chapter.name}: no book build has executed it ({executed_path} "
                          "is missing): run `make book`")
    executed = nbformat.read(executed_path, as_version=4)
    run = [cell for cell in executed.cells if cell.cell_type == "code"]
    if [cell.source for cell in now] != [cell.source for cell in run]:
        raise LookupError(f"{chapter.name} changed after the book was last built: run "
                          "`make book`")
    for source, ran in zip(now, run, strict=True):
        ran.metadata["line"] = source.metadata.get("line")
    logs = sorted((build / BOOK_LOGS.name).glob("*.jsonl"), key=lambda p: p.stat().st_mtime,
                  reverse=True)
    for log in logs:
        try:
            if read_log(executed, log):
                return executed, log
        except ValueError:  # another chapter's kernel
            continue
    return executed, None


def standard_problems(name: str, notebook: nbformat.NotebookNode, log: Path) -> list[str]:
    """What the figures of a logged run of ``notebook`` break of the figure standard."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [f"{where(name, index, code[index])}: {problem}"
            for index, found in sorted(read_log(notebook, log).items())
            for problem in found.problems]


def main(argv: list[str]) -> int:
    """``python tests/figure_log.py --into DIR -- COMMAND...``: run COMMAND (``make
    book``'s jupyter-book build) with every kernel it starts logging its figures into
    ``DIR/<pid>.jsonl``."""
    import subprocess

    if len(argv) < 4 or argv[0] != "--into" or argv[2] != "--":
        print(main.__doc__, file=sys.stderr)
        return 2
    directory = Path(argv[1]).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, **kernel_environment(directory / "{pid}.jsonl")}
    return subprocess.run(argv[3:], env=environment).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
