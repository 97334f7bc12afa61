"""Stored pictures that cannot go stale, on any processor, and the chapters' figures.

The website shows the pictures stored in the labs, and strict nbval compares only text:
a figure cell whose code changed without being re-run keeps its old
``<Figure size 680x380 with 2 Axes>`` line and passes. So when strict nbval runs a lab
(``make nbval``, ``tests/nbval_labs.py``), its kernel records every figure it prints
(``tests/figure_log.py``), and a last item per lab compares each with what
``make execute`` recorded of the stored picture (``tests/stored_figures/``), by what the
figure draws, not by its bytes: PNG bytes differ between processors that round alike
to the reader's eye (``tests/drawn.py`` gives the tolerances and why they hold).

This file tests that machinery, runs one lab under another processor's rounding, and
checks the chapters (MyST Markdown, executed when the book is built, nothing stored) as
``make book`` ran them, their kernels logging their figures (``tests/figure_log.py``):
every figure they draw meets the figure standard, and every cell that draws a figure is
hidden and has a caption, a name and alt text. (That their code runs, the strict build
itself says: an error in a chapter fails ``make book``.)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import nbformat
import pytest
from course_files import NOTEBOOK_DIR, chapters
from figure_log import (
    book_run,
    execute,
    pictures,
    read_records,
    records_path,
    stale_pictures,
    standard_problems,
    where,
    write_records,
)

CHAPTERS = [path for path in chapters() if path.suffix == ".md"]


def chapter_as_built(path: Path) -> tuple[nbformat.NotebookNode, Path | None]:
    try:
        return book_run(path)
    except LookupError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_figures_meet_the_standard(path: Path) -> None:
    """Every figure the book build drew for the chapter, as its kernel logged it."""
    notebook, log = chapter_as_built(path)
    drew = any("image/png" in output.get("data", {}) for cell in notebook.cells
               if cell.cell_type == "code" for output in cell.get("outputs", []))
    if log is None:
        assert not drew, (
            f"{path.name} draws figures, but the book build logged none of them (a build "
            "from before the logging, or _build/chapter-figures removed): `make clean book`")
        return
    problems = standard_problems(path.name, notebook, log)
    assert not problems, "figures that break the figure standard " \
        "(lossutils.figures.style):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_figure_cells_are_hidden_captioned_named_and_described(path: Path) -> None:
    """CONTRIBUTING.md: a chapter's figure cell has remove-input, a caption, a name for
    {numref} and alt text (glued figures excepted: their glue directive places them)."""
    notebook, _ = chapter_as_built(path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    problems = []
    for index, cell in enumerate(code):
        drawn = [o for o in cell.outputs if "image/png" in o.get("data", {})
                 and "scrapbook" not in o.get("metadata", {})]
        if not drawn:
            continue
        mystnb = cell.metadata.get("mystnb", {})
        figure, image = mystnb.get("figure", {}), mystnb.get("image", {})
        missing = [what for what, ok in [
            ("the remove-input tag", "remove-input" in cell.metadata.get("tags", [])),
            ("a caption", bool(str(figure.get("caption", "")).strip())),
            ("a name", bool(str(figure.get("name", "")).strip())),
            ("alt text", len(str(image.get("alt", "")).split()) >= 3),
        ] if not ok]
        if missing:
            problems.append(f"{where(path.name, index, cell)} draws a figure without "
                            f"{', '.join(missing)}")
    assert not problems, "\n  ".join(problems)


def test_a_lab_under_another_processors_rounding_matches_its_stored_pictures(
        tmp_path: Path) -> None:
    """Lab 5 run with torch's plain (non-SIMD) kernels on one thread: its fitted lines
    and demo frames come out a few ulps away from the stored run, and its stored
    pictures must still be what its code draws. A byte-exact check fails here."""
    path = NOTEBOOK_DIR / "05-mse-and-mae.ipynb"
    log = tmp_path / "figures.jsonl"
    execute(nbformat.read(path, as_version=4), path.parent, log,
            ATEN_CPU_CAPABILITY="default", OMP_NUM_THREADS="1")
    assert stale_pictures(path, log) == []


# --- the machinery, on a trial lab ------------------------------------------------------

TRIAL = {
    "imports": "from lossutils.figures import style\n"
               "from lossutils.figures.player import frame_player\nimport numpy as np",
    "colour": "fig, ax = style.subplots()\nax.plot([0, 1], [0, 1], color='#1565c0')\n"
              "style.label_axes(ax, title='colour', xlabel='x', ylabel='y')\nfig",
    "width": "fig, ax = style.subplots()\nax.plot([0, 1], [0, 1], linewidth=2.0)\n"
             "style.label_axes(ax, title='width', xlabel='x', ylabel='y')\nfig",
    "data": "x = np.linspace(0, 1, 50)\nfig, ax = style.subplots()\nax.plot(x, x**2)\n"
            "style.label_axes(ax, title='data', xlabel='x', ylabel='y')\nfig",
    "rounding": "x = np.linspace(0, 1, 50)\nfig, ax = style.subplots()\n"
                "ax.plot(x, (x**2).astype(np.float32).astype(float))\n"
                "style.label_axes(ax, title='rounding', xlabel='x', ylabel='y')\nfig",
    "demo": "def draw(slope):\n    fig, ax = style.subplots()\n"
            "    ax.plot([0, 1], [0, slope])\n    ax.set_ylim(0, 2)\n"
            "    style.label_axes(ax, title='a line', xlabel='x', ylabel='y')\n"
            "    return fig\n\n"
            "frame_player(draw, description='a line', slope=[0.5, 1.0, 2.0])",
    "bad": "fig, ax = style.subplots()\nax.plot([0, 1])\nax.set_title('tiny', fontsize=4)\nfig",
}
CHANGED = {
    "colour": ("'#1565c0'", "'#1565c1'"),
    "width": ("linewidth=2.0", "linewidth=2.5"),
    "data": ("x**2", "x**2.02"),
    "rounding": (".astype(np.float32).astype(float)", " * (1 + 3e-7)"),
}


def test_the_check_names_each_stale_figure_and_passes_rounding(tmp_path: Path) -> None:
    """A trial lab is stored (as ``make execute`` does), then its figure cells are edited
    without re-running: another colour (one level of blue), another line width, a curve
    from other data, one demo frame missing, two frames swapped. Each is named with its
    cell; a change at float32's rounding, and an unchanged demo, are not."""
    path = tmp_path / "trial.ipynb"
    records = tmp_path / "records"
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in TRIAL.values()])
    execute(notebook, tmp_path, tmp_path / "stored.jsonl")
    nbformat.write(notebook, path)
    assert write_records(path, tmp_path / "stored.jsonl", records) == 8
    assert stale_pictures(path, tmp_path / "stored.jsonl", records) == []
    assert standard_problems("trial.ipynb", notebook, tmp_path / "stored.jsonl") == [
        "trial.ipynb, code cell 6 ('fig, ax = style.subplots()'): text 'tiny' is 5.6 px "
        "where it is shown (at least 9 px)"
    ]

    for cell, name in zip(notebook.cells, TRIAL, strict=True):
        if name in CHANGED:
            cell.source = cell.source.replace(*CHANGED[name])
    demo = notebook.cells[list(TRIAL).index("demo")]
    for values, why in [("[0.5, 1.0]", "3 pictures stored, its code draws 2 now"),
                        ("[0.5, 2.0, 1.0]", "picture 2 of 3 is not what its code draws now")]:
        demo.source = TRIAL["demo"].replace("[0.5, 1.0, 2.0]", values)
        nbformat.write(notebook, path)
        log = tmp_path / f"{values}.jsonl"
        execute(nbformat.read(path, as_version=4), tmp_path, log)
        found = stale_pictures(path, log, records)
        assert list(dict.fromkeys(line[:line.index("'): ") + 2] for line in found)) == [
            "trial.ipynb, code cell 1 ('fig, ax = style.subplots()')",
            "trial.ipynb, code cell 2 ('fig, ax = style.subplots()')",
            "trial.ipynb, code cell 3 ('x = np.linspace(0, 1, 50)')",
            "trial.ipynb, code cell 5 ('def draw(slope):')",
        ], found
        assert "stroke #1565c0ff stored, #1565c1ff now" in found[0]
        assert "width 2.0 stored, 2.5 now" in found[1]
        assert "moved by up to" in found[2]
        assert why in found[3]


def test_a_picture_re_run_by_hand_is_not_taken_for_the_recorded_one(tmp_path: Path) -> None:
    """The records name the SHA-256 of the picture they describe: a stored picture that
    ``make execute`` did not record (a cell re-run and saved in JupyterLab) is named."""
    path = tmp_path / "trial.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(TRIAL["imports"]), nbformat.v4.new_code_cell(TRIAL["data"])])
    log = tmp_path / "figures.jsonl"
    execute(notebook, tmp_path, log)
    nbformat.write(notebook, path)
    write_records(path, log, tmp_path)
    kept = records_path(path, tmp_path)
    entries = read_records(kept)
    assert len(entries) == len(pictures(notebook.cells[1])) == 1
    entries[0]["sha256"] = "0" * 64
    kept.write_bytes(gzip.compress(json.dumps(entries).encode()))
    found = stale_pictures(path, log, tmp_path)
    assert len(found) == 1 and "run `make execute`" in found[0], found
