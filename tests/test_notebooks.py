"""Guards on the stored notebooks, the chapters' sources and the table of contents,
without running anything.

Strict nbval (``make nbval``) re-runs every notebook and compares outputs, and
``tests/test_stored_figures.py`` compares the pictures; these checks catch what they
cannot see, or what would only fail later, on another machine or on the website:

- a cell never executed, outputs out of order, a cell that prints (anywhere in its code)
  with no output stored, a cell silenced by a trailing ``;`` (nbval ignores it);
- output that would differ on a GPU (device strings), timings, tensor reprs, errors,
  stderr and warnings of any kind kept in the stored outputs;
- a ``lu.``/``figures.`` name (in a lab or a chapter's code) that does not exist;
- a badge or setup cell that disagrees with ``_config.yml``;
- a demo whose output lacks its live widget view or its frame player (the website's
  view), a widget that is not a demo, an output that loads a script;
- a lab figure without alt text (the website would show its file path instead);
- the pattern of CONTRIBUTING.md: code lines of at most 88 characters in labs and in
  chapters' code cells, chapter code cells in backtick fences, every lab ending with
  exercises made of a learner cell, a check cell and a folded solution cell, no decimal
  number typed into chapter prose or lab Markdown (maths, code and glued values
  excepted);
- a ``_toc.yml`` that disagrees with the files on disk.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from course_files import (
    PROSE_MASKS,
    ROOT,
    chapters,
    first_code_line,
    notebooks,
    read_chapter,
    source_of,
    toc_docnames,
)

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_header import SETUP_TAG, expected_header_problems  # noqa: E402

NOTEBOOKS = notebooks()
CHAPTERS = [path for path in chapters() if path.suffix == ".md"]
MAX_LINE = 88
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEXT_KEYS = ("text/plain", "text/html", "text/markdown", "text/latex")
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")
# Text that a GPU run would print differently from the stored CPU run, or that should
# never be stored: device names, tensor reprs, timings, warnings of any kind.
FORBIDDEN_OUTPUT = {
    "a device string": re.compile(r"\bcuda\b|\bmps\b|device\(|device=", re.IGNORECASE),
    "a raw tensor repr": re.compile(r"\btensor\("),
    "a timing": re.compile(r"\bWall time\b|\bCPU times\b|\bit/s\b"),
    "a warning": re.compile(r"warning|\bwarn\b", re.IGNORECASE),
}
# The names a notebook may print or display with, and the functions that do.
OUTPUT_CALLS = {"print", "display", "show"}
# The three cells of an exercise (CONTRIBUTING.md), in order.
EXERCISE_TAGS = ("exercise", "check", "solution")


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
                text = value if isinstance(value, str) else "".join(value)
                yield DATA_URI.sub("data:PICTURE", text)


def notebook_id(path: Path) -> str:
    return path.name


notebook_params = pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
chapter_params = pytest.mark.parametrize("path", CHAPTERS, ids=notebook_id)


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


def _call_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return getattr(function, "id", None)


def prints_something(source: str) -> bool:
    """Whether running this code prints or displays: a print/display/show call anywhere
    in it (in a loop, a branch, a ``with``, a comprehension...), or in a function it
    defines and then calls."""
    tree = ast.parse(source)
    functions = {
        node.name: node for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    inside_functions = {id(node) for function in functions.values()
                        for node in ast.walk(function) if node is not function}
    called = {
        _call_name(node) for node in ast.walk(tree)
        if isinstance(node, ast.Call) and id(node) not in inside_functions
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _call_name(node) not in OUTPUT_CALLS:
            continue
        if id(node) not in inside_functions:
            return True
        if any(name in called and id(node) in {id(n) for n in ast.walk(function)}
               for name, function in functions.items()):
            return True
    return False


@notebook_params
def test_cells_that_print_have_outputs(path: Path) -> None:
    """A cell that prints or displays, wherever in its code, has its output stored."""
    problems = [
        f"code cell {index} ({first_code_line(cell)!r}) prints or displays but has no "
        "stored output"
        for index, cell in enumerate(code_cells(read(path)))
        if prints_something(python_source(cell)) and not cell.outputs
    ]
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("print(1)", True),
        ("for k in range(2):\n    print(k)", True),
        ("if answer is None:\n    print('not answered yet')", True),
        ("with open('f') as f:\n    lu.show('x', 1)", True),
        ("[display(x) for x in xs]", True),
        ("def report():\n    print(1)\n\nreport()", True),
        ("def report():\n    print(1)", False),
        ("x = 1", False),
    ],
)
def test_prints_something_sees_output_calls_anywhere(source: str, expected: bool) -> None:
    assert prints_something(source) is expected


def ends_with_semicolon(source: str) -> bool:
    """Whether the cell's last statement is an expression silenced by a trailing ``;``."""
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return False
    lines = [line.split("#")[0].rstrip() for line in source.splitlines()]
    return next((line for line in reversed(lines) if line), "").endswith(";")


@notebook_params
def test_no_lab_cell_relies_on_a_trailing_semicolon(path: Path) -> None:
    """nbval runs cells without history (store_history=False), and IPython then ignores
    a trailing ``;``: strict nbval sees an extra output (a second figure, a Line2D repr)
    that the stored run did not have. Assign the value (``_ = ...``) or close the figure."""
    problems = [
        f"code cell {index} ({first_code_line(cell)!r}) ends with ';'"
        for index, cell in enumerate(code_cells(read(path)))
        if ends_with_semicolon(python_source(cell))
    ]
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [("ax.plot(x);", True), ("figures.curve(x);  # quiet", True), ("x = 1;", False),
     ("print(1)", False), ("for k in x:\n    f(k);", False)],
)
def test_ends_with_semicolon(source: str, expected: bool) -> None:
    assert ends_with_semicolon(source) is expected


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
                            f"code cell {index} ({first_code_line(cell)!r}): {what} in the "
                            f"output: ...{text[max(0, match.start() - 40):match.end() + 40]!r}..."
                        )
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        "/x/y.py:3: UserWarning: The given NumPy array is not writable\n",
        "RuntimeWarning: overflow encountered in exp",
        "FutureWarning: something changes",
        "Warning: the loss is nan",
        "tensor(0.5000)",
        "device(type='cuda', index=0)",
        "CPU times: user 3 ms",
    ],
)
def test_forbidden_output_is_recognised(text: str) -> None:
    assert any(pattern.search(text) for pattern in FORBIDDEN_OUTPUT.values()), text


# ---- names that labs and chapters use ----


def bound_modules(tree: ast.AST) -> dict[str, str]:
    """The local names bound to lossutils modules by the imports in ``tree``."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "lossutils":
                    names[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else "lossutils"
                    )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lossutils"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                try:
                    importlib.import_module(candidate)
                except ImportError:
                    continue
                names[alias.asname or alias.name] = candidate
    return names


def missing_names(sources: list[tuple[str, str]]) -> list[str]:
    """``where: module.name`` for each attribute of a lossutils module (``lu.x``,
    ``figures.y``) or name imported from one, used in ``sources``, that does not exist."""
    trees = [(where, ast.parse(source)) for where, source in sources]
    modules: dict[str, str] = {}
    for _, tree in trees:
        modules.update(bound_modules(tree))
    missing = []
    for where, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module_name = modules.get(node.value.id)
                if module_name and not hasattr(importlib.import_module(module_name), node.attr):
                    missing.append(f"{where}: {node.value.id}.{node.attr} ({module_name})")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "lossutils"
            ):
                try:
                    module = importlib.import_module(node.module)
                except ImportError:
                    missing.append(f"{where}: no module {node.module}")
                    continue
                missing += [f"{where}: from {node.module} import {alias.name}"
                            for alias in node.names
                            if alias.name != "*" and not hasattr(module, alias.name)]
    return missing


def notebook_sources(path: Path) -> list[tuple[str, str]]:
    return [(f"code cell {index} ({first_code_line(cell)!r})", python_source(cell))
            for index, cell in enumerate(code_cells(read(path)))]


def chapter_sources(path: Path) -> list[tuple[str, str]]:
    return [(f"line {cell.metadata['line']} ({first_code_line(cell)!r})", python_source(cell))
            for cell in code_cells(read_chapter(path))]


@notebook_params
def test_lossutils_names_exist_in_labs(path: Path) -> None:
    """Every ``lu.name``, ``figures.name`` (or name imported from lossutils) exists."""
    missing = missing_names(notebook_sources(path))
    assert not missing, f"{path.name} uses names lossutils does not have:\n  " + "\n  ".join(
        missing)


@chapter_params
def test_lossutils_names_exist_in_chapters(path: Path) -> None:
    missing = missing_names(chapter_sources(path))
    assert not missing, f"{path.name} uses names lossutils does not have:\n  " + "\n  ".join(
        missing)


def test_missing_names_sees_figures_modules() -> None:
    sources = [("cell 1", "import lossutils as lu\n"
                          "from lossutils.figures import style as figures"),
               ("cell 2", "lu.mse_loss\nlu.no_such_loss\nfigures.subplots\nfigures.nothing")]
    assert missing_names(sources) == [
        "cell 2: lu.no_such_loss (lossutils)",
        "cell 2: figures.nothing (lossutils.figures.style)",
    ]


@notebook_params
def test_imports_lossutils_as_lu(path: Path) -> None:
    sources = [cell.source for cell in code_cells(read(path))]
    assert any(re.search(r"^import lossutils as lu$", s, re.MULTILINE) for s in sources), (
        f"{path.name}: no `import lossutils as lu`"
    )


# ---- header, widgets, figures ----


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
    release = re.search(r'release = "git\+https://\S+@(v\d+(\.\d+)*|[0-9a-f]{40})"',
                        setup.source)
    assert release and "{release}" in spec, (
        f"{path.name}: the setup cell must install lossutils at a tag or a full commit: "
        f"{setup.source}"
    )
    for package in ("torch", "numpy", "matplotlib", "--upgrade", "-U ", "--force"):
        assert package not in spec, f"{path.name}: the setup cell touches {package!r}: {spec}"


def _is_demo(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and "_demo(" in cell.source


@notebook_params
def test_each_demo_stores_a_live_view_and_its_frame_player(path: Path) -> None:
    """A demo's one output carries two views: the ipywidgets view (JupyterLab and Colab
    draw it from the stored widget state, or live in a kernel) and the frame player as
    text/html (the website shows it). Any other widget view is a mistake."""
    notebook = read(path)
    saved = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    problems = []
    for index, cell in enumerate(code_cells(notebook)):
        views = [output for output in cell.outputs if WIDGET_VIEW in output.get("data", {})]
        if not _is_demo(cell):
            if views:
                problems.append(f"code cell {index} shows a widget and is not a demo")
            continue
        here = f"code cell {index} ({first_code_line(cell)!r})"
        if len(cell.outputs) != 1 or len(views) != 1:
            problems.append(f"{here}: one output holding the widget view expected, got "
                            f"{[sorted(o.get('data', {})) for o in cell.outputs]}")
            continue
        data = views[0]["data"]
        html = data.get("text/html", "")
        if 'class="lu-player"' not in html or 'type="range"' not in html:
            problems.append(f"{here}: no frame player in its text/html")
        if not data.get("text/plain", "").startswith("<demo: "):
            problems.append(f"{here}: its text/plain is not the player's: "
                            f"{data.get('text/plain')!r}")
        if data[WIDGET_VIEW].get("model_id") not in saved:
            problems.append(f"{here}: its widget's model is not in the saved widget state")
    assert not problems, f"{path.name}: " + "; ".join(problems)


@notebook_params
def test_no_output_loads_a_script(path: Path) -> None:
    """Nothing a lab stores fetches a script (an ipywidgets renderer from a CDN, say): the
    website loads no widget renderer, and its demos are the frame players' inline HTML."""
    found = []
    for index, cell in enumerate(code_cells(read(path))):
        for output in cell.outputs:
            for key in TEXT_KEYS:
                text = output.get("data", {}).get(key, "")
                if re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE):
                    found.append(f"code cell {index} ({key})")
    assert not found, f"{path.name}: outputs that load a script: {found}"


@notebook_params
def test_lab_figures_have_alt_text(path: Path) -> None:
    """A figure's alt text on the website comes from its cell's ``mystnb.image.alt``;
    without it the reader of a screen reader hears the image's hashed file name."""
    problems = []
    for index, cell in enumerate(code_cells(read(path))):
        if not any("image/png" in output.get("data", {}) or "image/svg+xml" in
                   output.get("data", {}) for output in cell.outputs):
            continue
        alt = str(cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")).strip()
        if len(alt.split()) < 3:
            problems.append(f"code cell {index} ({first_code_line(cell)!r}) draws a figure "
                            f"with no alt text that says what it shows: {alt!r}")
    assert not problems, (
        f"{path.name}: add cell metadata {{\"mystnb\": {{\"image\": {{\"alt\": ...}}}}}}:\n  "
        + "\n  ".join(problems)
    )


# ---- the pattern of CONTRIBUTING.md ----


def long_lines(source: str) -> Iterator[tuple[int, int]]:
    for number, line in enumerate(source.splitlines(), start=1):
        if len(line) > MAX_LINE:
            yield number, len(line)


@notebook_params
def test_lab_code_lines_fit(path: Path) -> None:
    problems = [
        f"code cell {index} ({first_code_line(cell)!r}), line {number}: {length} characters"
        for index, cell in enumerate(code_cells(read(path)))
        for number, length in long_lines(cell.source)
    ]
    assert not problems, (
        f"{path.name}: code lines longer than {MAX_LINE} characters (they scroll on the "
        "website and are cut in print):\n  " + "\n  ".join(problems)
    )


@chapter_params
def test_chapter_code_lines_fit(path: Path) -> None:
    problems = [
        f"line {cell.metadata['line'] + number}: {length} characters"
        for cell in code_cells(read_chapter(path))
        for number, length in long_lines(cell.source)
    ]
    assert not problems, (
        f"{path.name}: code lines longer than {MAX_LINE} characters:\n  " + "\n  ".join(problems)
    )


@chapter_params
def test_chapter_code_cells_are_in_backtick_fences(path: Path) -> None:
    """myst-nb runs ```{code-cell} only: a :::{code-cell} is never executed (the book
    build warns "unexpected code-cell directive")."""
    lines = [number for number, line in enumerate(path.read_text().splitlines(), start=1)
             if re.match(r"\s*:{3,}\s*\{code-cell\}", line)]
    assert not lines, f"{path.name}: colon-fenced code cells at lines {lines}: use ```{{code-cell}}"


def exercise_problems(notebook: nbformat.NotebookNode, chapter: int) -> list[str]:
    """What breaks CONTRIBUTING.md's exercises in a lab (empty when all is right)."""
    cells = notebook.cells
    tagged = [k for k, cell in enumerate(cells)
              if set(cell.metadata.get("tags", [])) & set(EXERCISE_TAGS)]
    if not tagged:
        return ["no exercises: a lab ends with exercises (cells tagged exercise, check, "
                "solution)"]
    tail = [cell for cell in cells[tagged[0]:] if cell.cell_type == "code"]
    untagged = [first_code_line(cell) for cell in tail
                if not set(cell.metadata.get("tags", [])) & set(EXERCISE_TAGS)]
    problems = [f"code after the exercises began is not an exercise cell: {line!r}"
                for line in untagged]
    roles = [next(t for t in EXERCISE_TAGS if t in cell.metadata.get("tags", []))
             for cell in tail if set(cell.metadata.get("tags", [])) & set(EXERCISE_TAGS)]
    triples = [roles[k:k + 3] for k in range(0, len(roles), 3)]
    if any(triple != list(EXERCISE_TAGS) for triple in triples):
        problems.append(f"exercise cells come as {roles}, not as (exercise, check, solution) "
                        "three at a time")
        return problems
    exercise_cells = [cell for cell in tail if set(cell.metadata.get("tags", []))
                      & set(EXERCISE_TAGS)]
    for number, (learner, check, solution) in enumerate(
        zip(*[iter(exercise_cells)] * 3, strict=True), start=1
    ):
        name = f"Lab exercise {chapter}.{number}"
        assigned = {target.id for node in ast.walk(ast.parse(python_source(learner)))
                    if isinstance(node, ast.Assign) for target in node.targets
                    if isinstance(target, ast.Name)}
        if "answer" not in assigned:
            problems.append(f"{name}: the learner's cell does not set `answer`")
        stored = "".join(text for output in check.outputs for text in output_texts(output))
        if stored.strip() != f"{name}: not answered yet":
            problems.append(f"{name}: the check cell's stored output is {stored.strip()!r}, "
                            f"not '{name}: not answered yet'")
        tags = solution.metadata.get("tags", [])
        if "hide-input" not in tags:
            problems.append(f"{name}: the solution lacks the hide-input tag (the website "
                            "would show it)")
        if "hide-output" not in tags:
            problems.append(f"{name}: the solution lacks the hide-output tag (its stored "
                            "output would give the answer away on the website)")
        folded = solution.metadata.get("jupyter", {})
        if not (folded.get("source_hidden") and folded.get("outputs_hidden")):
            problems.append(f"{name}: the solution is not folded (metadata jupyter."
                            "source_hidden and outputs_hidden) in JupyterLab")
        expected = (f"# Solution to lab exercise {chapter}.{number}: "
                    "open this cell on purpose.")
        if (solution.source.splitlines() or [""])[0] != expected:
            problems.append(f"{name}: the solution's first line is not {expected!r}")
        said = "".join(text for output in solution.outputs for text in output_texts(output))
        if not re.search(rf"^{re.escape(name)}: right\b", said, re.MULTILINE):
            problems.append(f"{name}: the solution's stored output does not say "
                            f"'{name}: right' (its own check)")
    return problems


@notebook_params
def test_lab_ends_with_exercises(path: Path) -> None:
    chapter = int(path.name[:2])
    problems = exercise_problems(read(path), chapter)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


# Spans of a MyST source that may hold typed numbers: front matter, code and maths
# blocks, inline code and maths, roles ({glue:text}`...`, {eq}`...`), link targets, HTML.
_DECIMAL = re.compile(r"(?<![\w.])[-−]?\d+\.\d+(?!\.?\d)")
# "Exercise 5.1", "section 3.2", "figures 4.2 and 4.3", "Python 3.10": not a quantity.
_NUMBERING = re.compile(
    r"(?:exercises?|sections?|chapters?|labs?|figures?|fig\.|equations?|eq\.|tables?|§|"
    r"python|version)"
    r"\s*(?:\(?\d+(?:\.\d+)*\)?\s*(?:,|and|or|to|–|-)\s*)*\(?$",
    re.IGNORECASE,
)


def typed_decimals(text: str) -> list[tuple[int, str]]:
    """``(line, snippet)`` of each decimal number typed into prose (outside maths, code,
    roles and directive options), counted from line 1 of ``text``."""
    masked = text
    for pattern in PROSE_MASKS:
        masked = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)
    found = []
    for number, line in enumerate(masked.splitlines(), start=1):
        for match in _DECIMAL.finditer(line):
            if _NUMBERING.search(line[: match.start()].rstrip()):
                continue
            original = text.splitlines()[number - 1]
            found.append((number, original.strip()[:90]))
    return found


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("The cost is 0.3362 here.", [1]),
        ("A slope of −1.5 and\nof 2.", [1]),
        ("The cost is $J = 0.3362$ and {glue:text}`ch03_cost` here.", []),
        ("Call `lu.fmt(0.25, 4)`; see Exercise 5.1 and 5.2, section 3.2, figures 4.2.", []),
        ("It needs Python 3.10 or newer.", []),
        ("```{code-cell} ipython3\nx = 0.5\n```\nno numbers\n", []),
        ("```{note}\nWith a rate of 0.1.\n```", [2]),
        ("$$\nJ = 0.25\n$$\nv0.2.0 and [link](https://x.org/a/1.5)", []),
        (":::{exercise}\n:label: ex-1.5\nIt is 2.5.\n:::", [3]),
    ],
)
def test_typed_decimals_finds_numbers_in_prose_only(text: str, lines: list[int]) -> None:
    assert [line for line, _ in typed_decimals(text)] == lines


@chapter_params
def test_no_decimal_typed_into_chapter_prose(path: Path) -> None:
    """Numbers that code produces are glued ({glue:text}`ch0N_...`), never retyped."""
    found = typed_decimals(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.name}: decimal numbers typed into the prose (glue them from the code that "
        "computes them, or write them in maths):\n  "
        + "\n  ".join(f"line {line}: {snippet}" for line, snippet in found)
    )


@notebook_params
def test_no_decimal_typed_into_lab_markdown(path: Path) -> None:
    """In a lab the code prints the numbers; the Markdown does not retype them."""
    found = [
        f"Markdown cell {index}, line {line}: {snippet}"
        for index, cell in enumerate(read(path).cells) if cell.cell_type == "markdown"
        for line, snippet in typed_decimals(cell.source)
    ]
    assert not found, (
        f"{path.name}: decimal numbers typed into the Markdown (let the code print them):\n  "
        + "\n  ".join(found)
    )


# ---- the table of contents ----


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


# --- what strict nbval compares -------------------------------------------------------

# What nbval's sanitizer may replace before comparing: memory addresses, and the demo
# frames (their pictures are compared by the stale-picture check, tests/nbval_labs.py).
SANITIZED = re.compile(r"0x[0-9a-fA-F]+|data:image/png;base64,[A-Za-z0-9+/=]+")


def sanitize_patterns() -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of tests/nbval_sanitize.cfg, read as nbval reads it."""
    from nbval.plugin import get_sanitize_patterns

    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    return list(get_sanitize_patterns(text))


def test_nbval_sanitizes_nothing_but_addresses_and_frames() -> None:
    """A pattern that masks numbers would leave strict nbval comparing nothing numeric:
    each pattern may match only a memory address or a frame's data URI, in every stored
    output and in numbers as the labs print them."""
    samples = ["0.1234", "-3.0000", "486/497", "1.5e-08", "97.8 %", "step 68", "[0.25, 0.75]"]
    texts = samples + [text for path in NOTEBOOKS for cell in code_cells(read(path))
                       for output in cell.outputs for text in output_texts(output)]
    problems = []
    for regex, _ in sanitize_patterns():
        for text in texts:
            for match in re.finditer(regex, text):
                if not SANITIZED.fullmatch(match.group()):
                    problems.append(f"{regex!r} masks {match.group()[:40]!r}")
                    break
    assert not problems, "tests/nbval_sanitize.cfg hides what nbval must compare:\n  " + \
        "\n  ".join(sorted(set(problems))[:20])


# --- a check that cannot fail ---------------------------------------------------------

COMPARISONS = {"allclose", "isclose", "equal", "assert_close", "testing.assert_close"}


def self_comparisons(source: str) -> list[str]:
    """Each place a cell compares an expression with itself (``a - a``, ``a == a``,
    ``allclose(a, a)``): a check that says "agrees" whatever the code it checks."""
    found = []
    for node in ast.walk(ast.parse(source)):
        pairs = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.Div):
            pairs.append((node.left, node.right))
        elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
            pairs.append((node.left, node.comparators[0]))
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", "")
            if name in COMPARISONS:
                pairs.append((node.args[0], node.args[1]))
        found += [ast.unparse(node) for left, right in pairs
                  if ast.dump(left) == ast.dump(right)]
    return found


@pytest.mark.parametrize(("source", "expected"), [
    ("gap = (z.grad - z.grad).abs().max()", ["z.grad - z.grad"]),
    ("gap = (z.grad - by_hand).abs().max()", []),
    ("assert torch.allclose(loss, loss)", ["torch.allclose(loss, loss)"]),
    ("ok = answer == answer", ["answer == answer"]),
    ("ratio = x / y", []),
])
def test_self_comparisons_finds_a_check_of_a_value_against_itself(source, expected) -> None:
    assert self_comparisons(source) == expected


@notebook_params
def test_no_lab_check_compares_a_value_with_itself(path: Path) -> None:
    problems = [f"{path.name}, code cell {index} ({first_code_line(cell)!r}): {found}"
                for index, cell in enumerate(code_cells(read(path)))
                for found in self_comparisons(python_source(cell))]
    assert not problems, "checks that cannot fail:\n  " + "\n  ".join(problems)


@chapter_params
def test_no_chapter_check_compares_a_value_with_itself(path: Path) -> None:
    notebook = read_chapter(path)
    problems = [f"{path.name}, line {cell.metadata.get('line')}: {found}"
                for cell in code_cells(notebook) for found in self_comparisons(cell.source)]
    assert not problems, "checks that cannot fail:\n  " + "\n  ".join(problems)
