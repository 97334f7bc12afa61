"""Stored pictures that cannot go stale, and every figure held to the figure standard.

The website shows the pictures stored in the labs (``make execute`` stores them), and
strict nbval compares only text: a figure cell whose code changed without being re-run
keeps its old ``<Figure size 680x380 with 2 Axes>`` line and passes. Here each lab is
re-executed on the CPU (nbclient, ``LOSSUTILS_DEVICE=cpu``, the checkout's ``lossutils``)
and every stored picture, the ``image/png`` outputs and the PNG frames inside the demo
players' HTML, must be byte for byte the picture its code draws now (matplotlib's PNGs
are deterministic for the pinned versions).

In the same run a kernel-side hook, run before the first cell, wraps matplotlib's
``FigureCanvasBase.print_figure`` (what both IPython's display of a figure and
``Figure.savefig`` go through), so every figure a lab draws, each demo frame included,
is checked with ``lossutils.figures.style.figure_problems``. The chapters (MyST Markdown,
executed when the book is built) are read with myst-nb's own reader, and their code cells
are run the same way: every figure they draw meets the standard, and every cell that
draws a figure is hidden and has a caption, a name and alt text.

Each failure names the notebook or chapter, the cell, and its first line of code.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from course_files import ROOT, chapters, first_code_line, notebooks, read_chapter
from nbclient import NotebookClient

NOTEBOOKS = notebooks()
CHAPTERS = [path for path in chapters() if path.suffix == ".md"]
CELL_TIMEOUT_S = 300
PNG_IN_HTML = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
REPORT_MARK = "LOSSUTILS-FIGURE-PROBLEMS="

# Runs first in the kernel: count the cells as they run, check each figure as it is
# printed (after printing, so the picture stored is the one the code alone draws).
HOOK = """\
from matplotlib.backend_bases import FigureCanvasBase as _LuCanvas
from lossutils.figures.style import figure_problems as _lu_figure_problems

_lu_state = {"cell": -1, "problems": []}


def _lu_count_cell(*_):
    _lu_state["cell"] += 1


get_ipython().events.register("pre_run_cell", _lu_count_cell)
_lu_print_figure = _LuCanvas.print_figure


def _lu_checked_print_figure(self, *args, **kwargs):
    result = _lu_print_figure(self, *args, **kwargs)
    try:
        found = _lu_figure_problems(self.figure)
    except Exception as error:  # report it with the cell, do not break the run
        found = [f"figure_problems could not check it: {error!r}"]
    for problem in found:
        _lu_state["problems"].append([_lu_state["cell"], problem])
    return result


_LuCanvas.print_figure = _lu_checked_print_figure
"""
REPORT = f"import json as _lu_json\nprint({REPORT_MARK!r} + _lu_json.dumps(_lu_state['problems']))"


@dataclass
class Run:
    """A notebook as stored, as executed now, and the figure problems per code cell."""

    name: str
    stored: list[nbformat.NotebookNode]  # the code cells as stored
    fresh: list[nbformat.NotebookNode]  # the same code cells, executed now
    problems: dict[int, list[str]]  # code cell index -> what its figures break
    seconds: float


def where(run: Run, index: int) -> str:
    cell = run.stored[index]
    line = cell.metadata.get("line")
    place = f"line {line}" if line else f"code cell {index}"
    return f"{run.name}, {place} ({first_code_line(cell)!r})"


def execute(name: str, notebook: nbformat.NotebookNode, directory: Path) -> Run:
    """Run the notebook's code cells after HOOK, in ``directory``, on the CPU."""
    stored = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not stored:
        return Run(name, [], [], {}, 0.0)  # nothing to run (the landing page)
    fresh_cells = [nbformat.v4.new_code_cell(HOOK)]
    fresh_cells += [nbformat.v4.new_code_cell(cell.source) for cell in stored]
    fresh_cells.append(nbformat.v4.new_code_cell(REPORT))
    fresh = nbformat.v4.new_notebook(cells=fresh_cells, metadata=notebook.metadata)
    environment = {"LOSSUTILS_DEVICE": "cpu", "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    start = time.perf_counter()
    try:
        NotebookClient(fresh, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                       record_timing=False,
                       resources={"metadata": {"path": str(directory)}}).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    seconds = time.perf_counter() - start
    report = "".join(o.get("text", "") for o in fresh.cells[-1].outputs)
    found = json.loads(report.split(REPORT_MARK, 1)[1])
    problems: dict[int, list[str]] = {}
    for cell, problem in found:
        if problem not in problems.setdefault(cell, []):
            problems[cell].append(problem)
    return Run(name, stored, fresh.cells[1:-1], problems, seconds)


@functools.cache
def lab_run(path: Path) -> Run:
    return execute(path.name, nbformat.read(path, as_version=4), path.parent)


@functools.cache
def chapter_run(path: Path) -> Run:
    return execute(path.name, read_chapter(path), path.parent)


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


def stale_pictures(run: Run) -> list[str]:
    problems = []
    for index, (stored, fresh) in enumerate(zip(run.stored, run.fresh, strict=True)):
        old, new = pictures(stored), pictures(fresh)
        if len(old) != len(new):
            problems.append(f"{where(run, index)}: {len(old)} pictures stored, its code draws "
                            f"{len(new)} now")
            continue
        changed = [k + 1 for k, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            problems.append(f"{where(run, index)}: picture(s) {changed} of {len(old)} are "
                            "not what its code draws now")
    return problems


def standard_problems(run: Run) -> list[str]:
    return [f"{where(run, index)}: {problem}"
            for index, found in sorted(run.problems.items()) for problem in found]


def errors(run: Run) -> list[str]:
    return [f"{where(run, index)}: {output.get('ename')}: {output.get('evalue')}"
            for index, cell in enumerate(run.fresh) for output in cell.outputs
            if output.output_type == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_stored_pictures_are_what_the_code_draws_now(path: Path) -> None:
    run = lab_run(path)
    problems = stale_pictures(run)
    assert not problems, (
        "stored pictures differ from a fresh CPU run (the website shows the stored ones; "
        "run `make execute`):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_lab_figures_meet_the_standard(path: Path) -> None:
    problems = standard_problems(lab_run(path))
    assert not problems, "figures that break the figure standard (lossutils.figures.style):" \
        "\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_code_runs_and_its_figures_meet_the_standard(path: Path) -> None:
    run = chapter_run(path)
    problems = errors(run) + standard_problems(run)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_figure_cells_are_hidden_captioned_named_and_described(path: Path) -> None:
    """CONTRIBUTING.md: a chapter's figure cell has remove-input, a caption, a name for
    {numref} and alt text (glued figures excepted: their glue directive places them)."""
    run = chapter_run(path)
    problems = []
    for index, (stored, fresh) in enumerate(zip(run.stored, run.fresh, strict=True)):
        drawn = [o for o in fresh.outputs if "image/png" in o.get("data", {})
                 and "scrapbook" not in o.get("metadata", {})]
        if not drawn:
            continue
        mystnb = stored.metadata.get("mystnb", {})
        figure, image = mystnb.get("figure", {}), mystnb.get("image", {})
        missing = [what for what, ok in [
            ("the remove-input tag", "remove-input" in stored.metadata.get("tags", [])),
            ("a caption", bool(str(figure.get("caption", "")).strip())),
            ("a name", bool(str(figure.get("name", "")).strip())),
            ("alt text", len(str(image.get("alt", "")).split()) >= 3),
        ] if not ok]
        if missing:
            problems.append(f"{where(run, index)} draws a figure without {', '.join(missing)}")
    assert not problems, "\n  ".join(problems)


def test_the_check_sees_a_stale_picture_and_a_bad_figure(tmp_path: Path) -> None:
    """The machinery itself: a figure cell edited after its run, and a figure with tiny
    text, are both reported with the cell."""
    cells = [
        "import matplotlib.pyplot as plt\nfrom lossutils.figures import style",
        "fig, ax = style.subplots()\nax.plot([0, 1], [0, 1])\nstyle.label_axes("
        "ax, title='a line', xlabel='x', ylabel='y')\nfig",
        "fig, ax = style.subplots()\nax.plot([0, 1])\nax.set_title('tiny', fontsize=4)\nfig",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    stored = execute("trial.ipynb", notebook, tmp_path)
    for cell, ran in zip(notebook.cells, stored.fresh, strict=True):
        cell.outputs = ran.outputs
    assert stale_pictures(execute("trial.ipynb", notebook, tmp_path)) == []
    notebook.cells[1].source = notebook.cells[1].source.replace("[0, 1])", "[1, 0])")
    run = execute("trial.ipynb", notebook, tmp_path)
    assert stale_pictures(run) == [
        "trial.ipynb, code cell 1 ('fig, ax = style.subplots()'): picture(s) [1] of 1 are "
        "not what its code draws now"
    ]
    assert standard_problems(run) == [
        "trial.ipynb, code cell 2 ('fig, ax = style.subplots()'): text 'tiny' is 5.6 px "
        "where it is shown (at least 9 px)"
    ]
