"""Guards on the stored notebooks and the table of contents, without running anything.

Strict nbval (``make nbval``) re-runs every notebook and compares outputs; these checks
catch what it cannot see or what would only fail later, on another machine: a cell never
executed, outputs out of order, a ``lossutils`` name that does not exist, a badge or setup
cell that disagrees with ``_config.yml``, output that would differ on a GPU (device
strings), warnings or errors kept in the stored outputs, widgets without the saved state
the website needs, and a ``_toc.yml`` that disagrees with the files on disk.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from course_files import ROOT, chapters, notebooks, source_of, toc_docnames

import lossutils

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_header import SETUP_TAG, expected_header_problems  # noqa: E402

NOTEBOOKS = notebooks()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEXT_KEYS = ("text/plain", "text/html", "text/markdown", "text/latex")
# Text that a GPU run would print differently from the stored CPU run, or that should
# never be stored: device names, tensor reprs, timings, warnings.
FORBIDDEN_OUTPUT = {
    "a device string": re.compile(r"\bcuda\b|\bmps\b|device\(|device=", re.IGNORECASE),
    "a raw tensor repr": re.compile(r"\btensor\("),
    "a timing": re.compile(r"\bWall time\b|\bCPU times\b|\bit/s\b"),
    "a warning": re.compile(r"\bwarn(ing)?\b", re.IGNORECASE),
}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def python_source(cell: nbformat.NotebookNode) -> str:
    """The cell's source with IPython's magics and shell escapes blanked out."""
    lines = []
    for line in cell.source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def output_texts(output: nbformat.NotebookNode) -> Iterator[str]:
    if output.output_type == "stream":
        yield output.text
    elif output.output_type in ("execute_result", "display_data"):
        for key in TEXT_KEYS:
            if key in output.get("data", {}):
                value = output.data[key]
                yield value if isinstance(value, str) else "".join(value)


def notebook_id(path: Path) -> str:
    return path.name


notebook_params = pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)


@notebook_params
def test_every_code_cell_ran_once_in_order(path: Path) -> None:
    """Execution counts are 1, 2, 3, ... down the notebook: a clean top-to-bottom run."""
    cells = code_cells(read(path))
    counts = [cell.execution_count for cell in cells]
    never = [i for i, cell in enumerate(cells) if cell.execution_count is None]
    assert not never, f"{path.name}: code cells {never} were never executed (run `make execute`)"
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(cells)} in order: "
        "the notebook was not run top to bottom in a fresh kernel (run `make execute`)"
    )


@notebook_params
def test_cells_that_print_have_outputs(path: Path) -> None:
    """A cell that prints or displays at its top level has the output stored."""
    problems = []
    for index, cell in enumerate(code_cells(read(path))):
        tree = ast.parse(python_source(cell))
        prints = [
            node for node in tree.body
            if isinstance(node, ast.Expr | ast.For) and _calls_output(node)
        ]
        if prints and not cell.outputs:
            problems.append(f"code cell {index} prints or displays but has no stored output")
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _calls_output(node: ast.AST) -> bool:
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            function = call.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(
                function, "id", None
            )
            if name in ("print", "show", "display"):
                return True
    return False


@notebook_params
def test_no_error_warning_or_device_dependent_output(path: Path) -> None:
    """Stored outputs: no error, no stderr, no warning, no device strings or timings."""
    problems = []
    for index, cell in enumerate(code_cells(read(path))):
        for output in cell.outputs:
            if output.output_type == "error":
                problems.append(f"code cell {index}: error {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"code cell {index}: stderr {output.text[:120]!r}")
            for text in output_texts(output):
                for what, pattern in FORBIDDEN_OUTPUT.items():
                    match = pattern.search(text)
                    if match:
                        problems.append(
                            f"code cell {index}: {what} in the output: "
                            f"...{text[max(0, match.start() - 40):match.end() + 40]!r}..."
                        )
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@notebook_params
def test_lossutils_names_exist(path: Path) -> None:
    """Every ``lu.name`` (or ``lossutils.name``, ``from lossutils import name``) exists."""
    missing = []
    for index, cell in enumerate(code_cells(read(path))):
        tree = ast.parse(python_source(cell))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in ("lu", "lossutils"):
                    names = [node.attr]
            elif isinstance(node, ast.ImportFrom) and node.module == "lossutils":
                names = [alias.name for alias in node.names if alias.name != "*"]
            missing += [f"code cell {index}: lu.{name}" for name in names
                        if not hasattr(lossutils, name)]
    assert not missing, f"{path.name} calls names lossutils does not have: {missing}"


@notebook_params
def test_imports_lossutils_as_lu(path: Path) -> None:
    sources = [cell.source for cell in code_cells(read(path))]
    assert any(re.search(r"^import lossutils as lu$", s, re.MULTILINE) for s in sources), (
        f"{path.name}: no `import lossutils as lu`"
    )


@notebook_params
def test_badge_and_setup_cell_agree_with_config(path: Path) -> None:
    problems = expected_header_problems(path)
    assert not problems, "; ".join(problems) + " (run `python scripts/notebook_header.py`)"


@notebook_params
def test_setup_cell_installs_a_release_without_touching_torch(path: Path) -> None:
    """Colab's setup cell pins a tag or commit, not a branch, and installs nothing else."""
    setup = read(path).cells[1]
    assert SETUP_TAG in setup.metadata.get("tags", []), f"{path.name}: no setup cell"
    installs = re.findall(r"%pip install (.*)", setup.source)
    assert len(installs) == 1, f"{path.name}: the setup cell must run one %pip install"
    spec = installs[0]
    assert re.search(r"lossutils @ git\+https://\S+@(v\d+(\.\d+)*|[0-9a-f]{40})\"", spec), (
        f"{path.name}: the setup cell must install lossutils at a tag or a full commit: {spec}"
    )
    for package in ("torch", "numpy", "matplotlib", "--upgrade", "-U ", "--force"):
        assert package not in spec, f"{path.name}: the setup cell touches {package!r}: {spec}"


@notebook_params
def test_widgets_have_saved_state_and_a_static_companion(path: Path) -> None:
    """Each widget shown has its saved state (the website renders it), and the notebook
    also has static figures for readers of the website."""
    notebook = read(path)
    views = [
        output.data[WIDGET_VIEW]["model_id"]
        for cell in code_cells(notebook)
        for output in cell.outputs
        if WIDGET_VIEW in output.get("data", {})
    ]
    if not views:
        return
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing = [model for model in views if model not in state]
    assert not missing, (
        f"{path.name}: widgets {missing} have no saved state: run `make execute`, which "
        "stores it"
    )
    figures = [
        output for cell in code_cells(notebook) for output in cell.outputs
        if "image/png" in output.get("data", {}) or "image/svg+xml" in output.get("data", {})
    ]
    assert figures, f"{path.name}: an interactive demo with no static companion figure"


def test_toc_and_files_on_disk_agree() -> None:
    """Every toc entry is a file, every chapter and notebook on disk is in the toc."""
    docnames = toc_docnames()
    missing = [name for name in docnames if source_of(name) is None]
    assert not missing, f"_toc.yml lists documents with no file on disk: {missing}"
    listed = {source_of(name) for name in docnames}
    on_disk = set(chapters()) | set(NOTEBOOKS)
    unlisted = sorted(p.relative_to(ROOT).as_posix() for p in on_disk - listed)
    assert not unlisted, f"files on disk missing from _toc.yml: {unlisted}"
    assert len(docnames) == len(set(docnames)), "_toc.yml lists a document twice"


def test_each_chapter_is_followed_by_its_lab() -> None:
    """In the toc, a notebook comes right after the chapter of the same name."""
    docnames = toc_docnames()
    for index, name in enumerate(docnames):
        if name.startswith("notebooks/"):
            previous = docnames[index - 1] if index else ""
            assert previous == "chapters/" + name.removeprefix("notebooks/"), (
                f"{name} is not right after its chapter in _toc.yml (it follows {previous!r})"
            )
