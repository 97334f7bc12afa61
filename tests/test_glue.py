"""Numbers glued into the chapters: the keys, the integers typed into prose, the counts.

CONTRIBUTING.md: a number that code produces is glued from the cell that computes it
(``glue("ch05_faster", ...)`` in a hidden cell, ``{glue:text}`ch05_faster``` in the
prose). ``tests/test_notebooks.py`` rejects decimals typed into prose; these checks
cover the rest, in three families.

1. **Keys.** Every key a chapter glues is pasted: in its prose, in a figure caption
   (myst-nb renders captions as MyST, roles included) or in another chapter, cross-page
   as the book does it, ``{glue:text}`08-handwritten-digits.md::ch08_ce_train_loss:s```
   (a path relative to the page, then ``::``; a ``{glue:text}`` role needs the format
   spec there, since myst-nb splits the last ``:`` off first). Every glue role and
   directive names a key that its page defines, with a format spec that formats the
   value (myst-nb's own ``format_plain_text``) into something other than a Python repr
   such as ``np.int64(6)``; no key is glued twice; keys start with
   their chapter (``ch05_``, ``app_`` for the appendix). A glued count retyped as a
   literal leaves its key pasted nowhere, so this family catches that too.

2. **Typed integers.** An integer written in digits in a chapter's prose or in a figure
   caption is a number that code produced, and must be glued, unless one of these rules
   says what else it is:

   - it sits where the decimal guard of ``test_notebooks.py`` looks away (the same
     masks: maths, code, roles such as ``{numref}`` or ``{cite:p}``, directive options,
     link targets, HTML, labels, front matter; inline maths may run over a line break);
   - it numbers something: a chapter, section, figure, exercise, lab, lesson, part,
     equation, table, class or the base of a logarithm ("chapter 7", "chapters 1–5",
     "class 2", "base 2"), or an item of a numbered list ("1. ", "**2. ");
   - it is the 0 or the 1 of the mathematics (a label, a probability, a loss, the name
     "0-1 loss"), never a count: a 0 or 1 followed by "of" is a count and is checked;
   - it is listed in ``TYPED_INTEGERS`` below, with its reason: a *setting* the text
     chooses and the code takes as a literal (the seven delivery times, 30 points, the
     layer sizes 64-32-10, 1,000 steps), which must then be a literal of the chapter's
     code or of its figures module; a *fact* no code of the course computes (the data
     set's 43 writers, Huber's 95 % efficiency, a hand-worked exercise); or a *name*
     (a digit called "a 3", a table row "car 2").

   Numbers written as words ("seven deliveries", "two panels") are the text's own
   counting words and are not scanned; alt text is not scanned either, since glue cannot
   reach an attribute.

3. **Glued counts have a second source.** A comparison flipped from ``<`` to ``>`` in a
   hidden cell gives a wrong count that still reads well, and nothing in the chapter
   can tell. So every count a chapter glues (an integer, or the text of one) is checked
   against a second, independent computation of it: preferably the **lab's printed
   output** (``LAB_PRINTS``): the lab writes the same computation out in its own cells,
   and strict nbval pins what it printed, so the two agree unless one of them is wrong;
   where the lab does not print the number, a **recount in this file**
   (``RECOUNTS``), written independently from the chapter's inputs; and only where no
   computation could flip, a value **read** from a record or a setting (``READ``).
   A new glued count without a second source fails, so the family stays complete.

The chapters are run as the book runs them (myst-nb's reader, top to bottom, in the
chapter's folder), but in this process and without drawing: a statement that only calls
a public function of the chapter's ``figures`` module is skipped. That takes about ten
seconds for all chapters (the whole file about fifteen, on two cores), and it is needed:
keys built in loops and helpers (``f"ch06_loss_{name}"``, ``glue_count("dent", dent)``)
and the values to compare are only known by running the code. Running the same cells
in a kernel (nbclient) glues the same keys with the same text/plain.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import json
import math
import re
import statistics
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from course_files import NOTEBOOK_DIR, PROSE_MASKS, ROOT, chapters, read_chapter
from IPython.lib.pretty import pretty

CHAPTERS = [path for path in chapters() if path.suffix == ".md"]
GLUE_ROLE = re.compile(r"\{(glue(?::[a-z]*)?)\}`([^`]+)`")
GLUE_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{(glue(?::[a-z]*)?)\}[ \t]+(\S+)",
                            re.MULTILINE)
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n.*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
REPR = re.compile(r"\b(?:np\.\w+|numpy\.\w+|tensor|array)\(")
COUNT_TEXT = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)")


def chapter_id(path: Path) -> str:
    return path.name


chapter_params = pytest.mark.parametrize("path", CHAPTERS, ids=chapter_id)


# ---------------------------------------------------------------- running a chapter


@dataclass
class Glued:
    key: str
    value: object
    plain: str  # the text/plain that myst-nb stores and pastes
    line: int  # the line of the chapter file whose statement glued it


@dataclass
class Run:
    glued: dict[str, Glued] = field(default_factory=dict)
    duplicates: list[Glued] = field(default_factory=list)
    namespace: dict = field(default_factory=dict)
    error: str | None = None


def _only_draws(statement: ast.stmt) -> bool:
    """``figures.some_figure(...)`` as a statement: it draws, and binds nothing."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "figures"
            and not call.func.attr.startswith("_"))


def code_cells(path: Path) -> list[tuple[int, str]]:
    """``(line, source)`` of each code cell as the book executes it, ``line`` being the
    line of the file where its source starts."""
    text = path.read_text(encoding="utf-8")
    cells, position = [], 0
    for cell in read_chapter(path).cells:
        if cell.cell_type != "code":
            continue
        found = text.find(cell.source, position) if cell.source else -1
        if found >= 0:
            position = found + len(cell.source)
            line = text.count("\n", 0, found) + 1
        else:
            line = cell.metadata["line"]
        cells.append((line, cell.source))
    return cells


@functools.cache
def run_chapter(path: Path) -> Run:
    """Run a chapter's code cells in order, in its folder, recording what it glues."""
    import matplotlib.pyplot as plt
    import myst_nb

    run = Run()
    run.namespace["__name__"] = "__main__"

    def record(name: str, variable: object, display: bool = True) -> None:
        here = next((frame.lineno for frame in traceback.extract_stack()
                     if frame.filename == str(path)), 0)
        glued = Glued(name, variable, pretty(variable), here)
        if name in run.glued:
            run.duplicates.append(glued)
        run.glued[name] = glued

    rng_state = torch.get_rng_state()  # chapter 7 seeds torch's global generator
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two threads on two busy cores can take ten times longer
    real_glue, myst_nb.glue = myst_nb.glue, record
    try:
        with (contextlib.chdir(path.parent), warnings.catch_warnings(),
              contextlib.redirect_stdout(io.StringIO()),
              contextlib.redirect_stderr(io.StringIO())):
            # Warnings are other tests' business; here only the glued values count.
            warnings.simplefilter("ignore")
            for line, source in code_cells(path):
                tree = ast.parse(source)
                tree.body = [statement for statement in tree.body
                             if not _only_draws(statement)]
                ast.increment_lineno(tree, line - 1)
                exec(compile(tree, str(path), "exec"), run.namespace)
                plt.close("all")
    except Exception as error:  # reported by the tests that need the values
        where = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
                 if frame.filename == str(path)]
        run.error = (f"line {where[-1] if where else '?'}: "
                     f"{type(error).__name__}: {error}")
    finally:
        myst_nb.glue = real_glue
        torch.set_num_threads(threads)
        torch.set_rng_state(rng_state)
    return run


def ran(path: Path) -> Run:
    run = run_chapter(path)
    assert run.error is None, f"{path.name} did not run to the end: {run.error}"
    return run


# ------------------------------------------------------------ where prose is, and glue


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _header_and_body(block: str) -> tuple[list[str], int]:
    """A code-cell block's lines, and how many of them (fence included) are header."""
    lines = block.split("\n")
    if len(lines) > 1 and lines[1].strip() == "---":
        end = next((k for k in range(2, len(lines)) if lines[k].strip() == "---"), 1)
        return lines, end + 1
    end = 1
    while end < len(lines) and lines[end].startswith(":"):
        end += 1
    return lines, end


def caption_lines(text: str) -> dict[int, str]:
    """Line number -> the caption text on that line, of every code cell's figure caption
    (``mystnb: figure: caption:``, in YAML or in ``:key:`` option lines)."""
    captions = {}
    for match in CODE_CELL.finditer(text):
        first = text.count("\n", 0, match.start()) + 1
        lines, header = _header_and_body(match.group(0))
        indent = None
        for offset in range(1, header):
            line = re.sub(r"^:", "", lines[offset])
            key = re.match(r"(\s*)caption:\s?(.*)$", line)
            if key:
                indent = len(key.group(1))
                captions[first + offset] = " " * key.start(2) + key.group(2)
            elif indent is not None and len(line) - len(line.lstrip()) > indent:
                captions[first + offset] = line
            else:
                indent = None
    return captions


# The decimal guard's masks, with inline maths allowed to run over a line break (MyST
# reads ``$a /\nb$`` as one formula; the guard's pattern pairs it with the next ``$``).
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:[^$\n]|\n(?![ \t]*\n))+?(?<![\\$])\$")
_DISPLAY_MATH = next(k for k, pattern in enumerate(PROSE_MASKS)
                     if pattern.pattern == r"\$\$.*?\$\$")
MASKS = [*PROSE_MASKS[: _DISPLAY_MATH + 1], _INLINE_MATH, *PROSE_MASKS[_DISPLAY_MATH + 1:]]


def _mask(text: str) -> str:
    for pattern in MASKS:
        text = pattern.sub(_blank, text)
    return text


def prose(text: str) -> list[str]:
    """The text's lines with everything but prose and figure captions blanked out."""
    lines = _mask(text).split("\n")
    for number, caption in caption_lines(text).items():
        lines[number - 1] = _mask(caption.replace('"', " "))
    return lines


def without_code(text: str) -> str:
    """The text with the bodies of its code cells blanked (headers, captions, kept)."""
    def blank_body(match: re.Match) -> str:
        lines, header = _header_and_body(match.group(0))
        return "\n".join(lines[:header] + [" " * len(line) for line in lines[header:]])
    return CODE_CELL.sub(blank_body, text)


@dataclass
class Paste:
    line: int
    role: str
    text: str
    doc: Path  # the chapter whose glue it pastes
    key: str
    fmt: str | None  # the format spec of a {glue:text} role


def pastes(path: Path) -> list[Paste]:
    """Every glue role and directive of a chapter, parsed as myst-nb parses it."""
    text = without_code(path.read_text(encoding="utf-8"))
    found = []
    for pattern in (GLUE_ROLE, GLUE_DIRECTIVE):
        for match in pattern.finditer(text):
            role, content = match.group(1), match.group(2)
            fmt = None
            if role == "glue:text":
                key, _, fmt = content.rpartition(":") if ":" in content else (content, "", "s")
            elif role == "glue:md" and pattern is GLUE_ROLE and ":" in content:
                key = content.rsplit(":", 1)[0]
            else:
                key = content
            doc, _, name = key.partition("::") if "::" in key else ("", "", key)
            found.append(Paste(text.count("\n", 0, match.start()) + 1, role, content,
                               (path.parent / doc).resolve() if doc else path, name, fmt))
    return sorted(found, key=lambda paste: paste.line)


def glue_prefix(path: Path) -> str:
    number = re.match(r"(\d+)-", path.name)
    return f"ch{number.group(1)}_" if number else f"{path.stem.split('-')[0][:3]}_"


# ------------------------------------------------------------------ family 1: keys


@chapter_params
def test_every_glued_key_is_pasted(path: Path) -> None:
    """A key glued and pasted nowhere is a number the reader never sees, or a number
    retyped by hand where the glue role used to be."""
    pasted = {(paste.doc, paste.key) for chapter in CHAPTERS for paste in pastes(chapter)}
    unused = [glued for key, glued in ran(path).glued.items() if (path, key) not in pasted]
    assert not unused, f"chapters/{path.name}: glued but pasted nowhere:\n  " + "\n  ".join(
        f"line {glued.line}: {glued.key} = {glued.plain} (paste it with "
        f"{{glue:text}}`{glued.key}`, or was it retyped as a literal?)" for glued in unused)


@chapter_params
def test_every_glue_role_names_a_key_its_page_defines(path: Path) -> None:
    from myst_nb.core.variables import format_plain_text

    problems = []
    for paste in pastes(path):
        where = f"line {paste.line}: {{{paste.role}}}`{paste.text}`"
        if paste.role == "glue:text" and "::" in paste.text and "::" not in (
                paste.text.rsplit(":", 1)[0]):
            problems.append(f"{where}: a cross-page {{glue:text}} needs a format spec "
                            "after the key (`page.md::key:s`): myst-nb splits it off first")
            continue
        if not paste.doc.is_file():
            problems.append(f"{where}: no page {paste.doc.name} next to this one")
            continue
        glued = ran(paste.doc).glued.get(paste.key)
        if glued is None:
            problems.append(f"{where}: {paste.doc.name} glues no key {paste.key!r}")
        elif paste.fmt is not None:
            try:
                shown = format_plain_text(glued.plain, paste.fmt)
            except (TypeError, ValueError) as error:
                problems.append(f"{where}: format {paste.fmt!r} cannot format "
                                f"{glued.plain} ({error})")
                continue
            if REPR.search(shown):
                problems.append(f"{where}: the page would show {shown!r}, a Python repr "
                                "(glue an int, or the text from lu.fmt)")
    assert not problems, f"chapters/{path.name}:\n  " + "\n  ".join(problems)


@chapter_params
def test_each_key_is_glued_once_and_names_its_chapter(path: Path) -> None:
    """myst-nb warns on a duplicate key (the strict build fails on the warning), and a
    key that does not start with its chapter's prefix is one another chapter may take."""
    run = ran(path)
    problems = [f"line {glued.line}: {glued.key} is glued a second time"
                for glued in run.duplicates]
    prefix = glue_prefix(path)
    problems += [f"line {glued.line}: key {glued.key} does not start with {prefix}"
                 for glued in run.glued.values() if not glued.key.startswith(prefix)]
    assert not problems, f"chapters/{path.name}:\n  " + "\n  ".join(problems)


def test_pastes_are_parsed_as_myst_nb_parses_them(tmp_path: Path) -> None:
    page = tmp_path / "05-x.md"
    page.write_text(
        "A {glue:text}`ch05_a` and {glue:text}`ch05_b:,d`, {glue}`ch05_c`,\n"
        "{glue:text}`08-y.md::ch08_d:s` and {glue:text}`08-y.md::ch08_e`.\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: \"Of "
        "{glue:text}`ch05_f`.\"\n---\nprint('{glue:text}`ch05_not_a_paste`')\n```\n"
        "```{glue:figure} ch05_g\n```\n")
    found = [(p.line, p.role, p.doc.name, p.key, p.fmt) for p in pastes(page)]
    assert found == [
        (1, "glue:text", "05-x.md", "ch05_a", "s"),
        (1, "glue:text", "05-x.md", "ch05_b", ",d"),
        (1, "glue", "05-x.md", "ch05_c", None),
        (2, "glue:text", "08-y.md", "ch08_d", "s"),
        (2, "glue:text", "05-x.md", "08-y.md:", "ch08_e"),  # what myst-nb makes of it
        (7, "glue:text", "05-x.md", "ch05_f", "s"),
        (11, "glue:figure", "05-x.md", "ch05_g", None),
    ]


# ---------------------------------------------------------- family 2: typed integers


@dataclass(frozen=True)
class Typed:
    """Integers that may stay typed on the lines of one chapter that match ``context``."""

    chapter: str
    integers: tuple[int, ...]
    context: str  # a regex that the line (as written in the file) matches
    kind: str  # "setting", "fact" or "name"
    reason: str


SETTING, FACT, NAME = "setting", "fact", "name"
TYPED_INTEGERS = (
    Typed("01-where-the-loss-sits.md", (2, 3), r"^\| car \d \|", NAME,
          "the rows of the table of cars are named car 1, car 2, car 3"),
    Typed("02-underfitting-and-overfitting.md", (2,), r"with its minimum value 2 there", FACT,
          "read off the formula of y1 by hand: that is the paragraph's point"),
    Typed("02-underfitting-and-overfitting.md", (6,), r"is of degree 6", FACT,
          "the degree of the derivative written out in maths beside it"),
    Typed("04-zero-one-and-squared-loss.md", (2,), r"cancels the 2 that differentiation",
          FACT, "the exponent of the square, brought down by differentiation"),
    Typed("04-zero-one-and-squared-loss.md", (2,), r"the factor 1/2 \(target|autograd: 2\(ŷ",
          FACT, "maths in a caption: the factor 1/2 and the derivative 2(ŷ − y) it cancels"),
    Typed("05-mse-and-mae.md", (12, 14, 15, 17, 18), r"delivery times in minutes: 12, 14",
          SETTING, "the seven delivery times the text gives (the data of the chapter)"),
    Typed("05-mse-and-mae.md", (60,), r"lost for an hour, 60\.|the 60-minute outlier",
          SETTING, "the late delivery, one of the seven delivery times"),
    Typed("05-mse-and-mae.md", (30,), r"Take 30 points|for 30 points", SETTING,
          "the size of the line data the text chooses (line_with_outliers(30, ...))"),
    Typed("05-mse-and-mae.md", (8,), r"a residual of 8 has|up by 8|point 8 units|outliers 8$"
          r"|sit 8 above", SETTING, "how far the outliers are pushed up (outlier_shift=8.0)"),
    Typed("05-mse-and-mae.md", (2,), r"not 2\. The|true slope is 2", SETTING,
          "the true slope of the line data (slope=2.0)"),
    Typed("05-mse-and-mae.md", (20, 10, 25), r"moved to y = 20|from y = −10 to y = 25",
          SETTING, "where the figure moves the last point (the figures module's heights)"),
    Typed("05-mse-and-mae.md", (2, 4, 10), r"^1 and 2, \$0\$ between 2 and 4",
          FACT, "worked by hand in the solution of ex-median-even, on y = (1, 2, 4, 10)"),
    Typed("06-entropy-and-cross-entropy.md", (10,), r"one of 10 bits", FACT,
          "log2 of 1024, worked in the sentence (an outcome of probability 1/1024)"),
    Typed("06-entropy-and-cross-entropy.md", (100,), r"costs 100$|the clamp, 100", FACT,
          "PyTorch's documented clamp of the log at -100"),
    Typed("07-softmax-and-its-loss.md", (500,), r"on 500 of scikit-learn's", SETTING,
          "the digits the classifier is trained on (images[:500])"),
    Typed("07-softmax-and-its-loss.md", (8,), r"scikit-learn's 8×8 handwritten", FACT,
          "the size of the data set's images"),
    Typed("07-softmax-and-its-loss.md", (200,), r"200$", SETTING,
          "the steps of gradient descent the text chooses (steps=200)"),
    Typed("07-softmax-and-its-loss.md", (400, 80, 20),
          r"with 400, 80 and 20 examples|on 400, 80 and 20|of the 20\b|of 400 found",
          SETTING, "the sizes of the three clouds the text chooses (clouds([400, 80, 20]))"),
    Typed("07-softmax-and-its-loss.md", (2,), r"logits \(2, 1, 0\.1\)", SETTING,
          "the logits of the running example, z = (2, 1, 0.1)"),
    Typed("07-softmax-and-its-loss.md", (3,), r"to log 3 \(a$", FACT,
          "the largest entropy of three classes, log 3, named in a caption"),
    Typed("appendix-cost.md", (30,), r"logits of standard deviation 30", SETTING,
          "the spread of the random logits the accuracy check draws (30 * torch.randn)"),
    Typed("08-handwritten-digits.md", (3,), r"knows what a 3 looks like", NAME, "a digit"),
    Typed("08-handwritten-digits.md", (13, 30), r"same 13 people; the other 30 writers"
          r"|these 13 people's", FACT,
          "the writers of the data set and of the rest of the UCI collection, from its "
          "description (cited)"),
    Typed("08-handwritten-digits.md", (3,), r"A new writer's 3", NAME, "a digit"),
    Typed("08-handwritten-digits.md", (17,), r"^17 grey levels", FACT,
          "the grey levels of the data set, from its description (cited)"),
    Typed("08-handwritten-digits.md", (64,), r"The 64 pixels of an image", FACT,
          "8 x 8, the size of the data set's images"),
    Typed("08-handwritten-digits.md", (8,), r"At 8 × 8 pixels", FACT,
          "the size of the data set's images"),
    Typed("08-handwritten-digits.md", (64, 32, 10), r"64 inputs, one hidden layer|^of 32 units",
          SETTING, "the layer sizes of the network the text chooses"),
    Typed("08-handwritten-digits.md", (2,), r"^rate of 2 is out|why a rate of 2,",
          SETTING, "the largest learning rate of the sweep (rates = (0.5, 1.0, 2.0))"),
    Typed("08-handwritten-digits.md", (4,), r"seeds 0 to 4", SETTING,
          "the seeds of the sweep (range(5))"),
    Typed("08-handwritten-digits.md", (100,), r"after 100 steps they read", SETTING,
          "the early step the text reports (index(100))"),
    Typed("08-handwritten-digits.md", (3, 8, 7), r"reads as an 8 with confidence: logit 7"
          r"|^so the 3 gets|Take an image of a 3 that", SETTING,
          "the example the text sets up: a 3 read as an 8 with logit 7"),
    Typed("08-handwritten-digits.md", (90, 10), r"90 % is a strong result|makes up 90 %",
          FACT, "an illustration of the argument, not a measurement"),
)

_NUMBERING = re.compile(
    r"(?:chapters?|sections?|figures?|fig\.|exercises?|labs?|lessons?|parts?|equations?|"
    r"eq\.|tables?|§|class(?:es)?|base)\s*(?:\(?\d+\)?\s*(?:,|and|or|to|–|-)\s*)*\(?$",
    re.IGNORECASE,
)
_INTEGER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w]|[.,]\d)")
_ZERO_ONE_NAME = re.compile(r"(?<![\w.])0[-/]1(?![\w.])")


def typed_integers(text: str) -> list[tuple[int, int, str]]:
    """``(line, integer, line as written)`` of each integer typed into the prose or a
    figure caption that no general rule excuses (``TYPED_INTEGERS`` not applied)."""
    raw = text.split("\n")
    found = []
    for number, line in enumerate(prose(text), start=1):
        line = _ZERO_ONE_NAME.sub(_blank, line)
        for match in _INTEGER.finditer(line):
            value = int(match.group(1).replace(",", ""))
            before, after = line[: match.start()], line[match.end():]
            if _NUMBERING.search(before.rstrip()):
                continue
            if re.fullmatch(r"\s*(?:\*\*)?", before) and re.match(r"\.\s", after):
                continue  # an item of a numbered list
            if value in (0, 1) and not re.match(r"\s+of\b", after):
                continue
            found.append((number, value, raw[number - 1]))
    return found


def excused(chapter: str, value: int, line: str) -> Typed | None:
    return next((entry for entry in TYPED_INTEGERS if entry.chapter == chapter
                 and value in entry.integers and re.search(entry.context, line)), None)


@pytest.mark.parametrize(
    ("text", "integers"),
    [
        ("Take 30 points and {glue:text}`ch05_n` more; $N = 30$ and `x[:30]`.", [30]),
        ("See chapter 7, chapters 1–5, exercise 3, class 2, base 2, Lesson 11.", []),
        ("1. First item\n**2. A claim.** Text.", []),
        ("The 0-1 loss is 1 when wrong and 0 when right, between 0 and 1.", []),
        ("and 1 of the seven deliveries", [1]),
        ("reads 1,000 digits of 497, degree-7", [1000, 497, 7]),
        ("Here $a /\nb = 3$, for $C = 10$ and 2 more", [2]),
        ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: \"Over 200\n"
         "      steps, $x = 3$.\"\n  image:\n    alt: \"4 panels\"\n---\nx = 5\n```", [200]),
        (":::{exercise}\n:label: ex-3\nIt is 12.\n:::", [12]),
    ],
)
def test_typed_integers_finds_counts_in_prose_and_captions(text: str,
                                                            integers: list[int]) -> None:
    assert [value for _, value, _ in typed_integers(text)] == integers


@chapter_params
def test_no_integer_typed_into_chapter_prose(path: Path) -> None:
    """Counts and measurements that code produces are glued, never retyped."""
    found = [(line, value, raw) for line, value, raw in
             typed_integers(path.read_text(encoding="utf-8"))
             if not excused(path.name, value, raw)]
    assert not found, (
        f"chapters/{path.name}: integers typed into the prose (glue them from the code "
        "that computes them, with {glue:text}`key`; a setting the text chooses or a "
        "fact no code computes goes into TYPED_INTEGERS of tests/test_glue.py, with its "
        "reason):\n  " + "\n  ".join(f"line {line}: {value} in {raw.strip()[:90]!r}"
                                      for line, value, raw in found)
    )


def code_literals(path: Path) -> set[float]:
    """The numbers written as literals in a chapter's code and in its figures module."""
    sources = [source for _, source in code_cells(path)]
    number = re.match(r"(\d+)-", path.name)
    module = ROOT / "lossutils" / "figures" / f"chapter{number.group(1) if number else ''}.py"
    if module.is_file():
        sources.append(module.read_text(encoding="utf-8"))
    values = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
                values.add(abs(node.value))
    return values


def test_typed_integer_exceptions_are_current() -> None:
    """Each exception is still needed, and each setting is still what the code uses."""
    problems = []
    for entry in TYPED_INTEGERS:
        path = ROOT / "chapters" / entry.chapter
        seen = {value for _, value, raw in typed_integers(path.read_text(encoding="utf-8"))
                if re.search(entry.context, raw)}
        if missing := sorted(set(entry.integers) - seen):
            problems.append(f"{entry.chapter}: {missing} on a line matching "
                            f"{entry.context!r} is no longer typed: drop it")
        if entry.kind == SETTING:
            literals = code_literals(path)
            if absent := [value for value in entry.integers if value not in literals]:
                problems.append(f"{entry.chapter}: the setting {absent} ({entry.reason}) is "
                                "not a literal of the chapter's code or its figures module")
    assert not problems, "TYPED_INTEGERS of tests/test_glue.py:\n  " + "\n  ".join(problems)


# ------------------------------------------------ family 3: a second source for counts


def lab_text(path: Path) -> str:
    """What the chapter's lab printed: its stored text outputs, in order."""
    notebook = nbformat.read(NOTEBOOK_DIR / path.with_suffix(".ipynb").name, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif "text/plain" in output.get("data", {}):
                texts.append(output.data["text/plain"])
    return "\n".join(texts)


def printed(pattern: str, occurrence: int = 0) -> Callable[[str], float]:
    """The number the lab printed in group 1 of ``pattern`` (its n-th match)."""
    def read(text: str) -> float:
        matches = re.findall(pattern, text, re.MULTILINE)
        if len(matches) <= occurrence:
            raise LookupError(f"the lab printed nothing matching {pattern!r}")
        return float(matches[occurrence])
    return read


def printed_list(pattern: str) -> Callable[[str], list[float]]:
    """The list of numbers the lab printed in group 1 of ``pattern``, ``[a, b, ...]``."""
    def read(text: str) -> list[float]:
        found = re.search(pattern, text, re.MULTILINE)
        if found is None:
            raise LookupError(f"the lab printed nothing matching {pattern!r}")
        return [float(v) for v in found.group(1).split(",")]
    return read


def _degree_table(text: str) -> dict[int, float]:
    """Lab 2's table of validation errors by degree."""
    rows = re.findall(r"^\s+(\d+)\s+[\d.]+\s+([\d.]+)$", text, re.MULTILINE)
    return {int(degree): float(held_out) for degree, held_out in rows}


def _first_rise(text: str) -> int:
    table = _degree_table(text)
    best = min(table, key=table.get)
    return next(d for d in range(1, best) if table[d] > table[d - 1])


# Counts a chapter glues that its lab prints: key -> what the lab printed.
LAB_PRINTS: dict[str, Callable[[str], float]] = {
    "ch01_word_letters": printed(r"letters in the word:\s+(\d+)"),
    "ch01_piece_length": printed(r"piece length: (\d+)"),
    "ch01_attempts": printed(r"attempts, the blank page included: (\d+)"),
    "ch01_first_loss": printed(r"loss of a blank page:\s+(\d+)"),
    "ch01_last_loss": printed(r"loss of the right spelling: (\d+)"),
    "ch01_points": printed(r"^points: (\d+)"),
    "ch01_steps": printed(r"gradient descent, (\d+) steps"),
    "ch02_n_train": printed(r"training points: (\d+)"),
    "ch02_n_held": printed(r"held-out points: (\d+)"),
    "ch02_n_val": printed(r"validation points: (\d+)"),
    "ch02_n_test": printed(r"test points: (\d+)"),
    "ch02_top": printed(r"for every degree from 0 to (\d+)"),
    "ch02_best": printed(r"degree chosen on validation data: (\d+)"),
    "ch02_dent": _first_rise,
    "ch02_dent_before": lambda text: _first_rise(text) - 1,
    "ch02_val_ratio": lambda text: round(max(_degree_table(text).items())[1]
                                          / min(_degree_table(text).values())),
    **{f"ch02_{name}_{what}": printed(rf"^{name} {{.*'{what}': (\d+)")
       for name in ("y1", "y2") for what in ("degree", "parameters", "multiplications",
                                             "additions")},
    "ch02_y1_horner": printed(r"^y1 \{'degree': (\d+)"),  # one multiplication per degree
    "ch02_y2_horner": printed(r"^multiplications: (\d+)"),
    "ch02_best_wins": lambda text: max(map(int, re.findall(
        r"^reshuffles that chose degree \d+: (\d+) of", text, re.MULTILINE))),
    "ch02_rival": lambda text: int(min(re.findall(
        r"^reshuffles that chose degree (\d+): (\d+) of", text, re.MULTILINE),
        key=lambda row: int(row[1]))[0]),
    "ch03_n": printed(r"samples: (\d+)"),
    "ch03_gd_steps": printed(r"after (\d+) steps: w ="),
    "ch03_gd_blown_up_after": printed(r"\|w\| > 1e6 after (\d+) steps"),
    "ch04_n": printed(r"^images: (\d+)"),
    "ch04_n_zeros": printed(r"^zeros: (\d+)"),
    "ch04_n_others": printed(r"others: (\d+)$"),
    "ch04_wrong_at_t": printed(r"wrong answers at t = [\d.]+: (\d+) of"),
    "ch04_distinct_scores": printed(r"^distinct scores: (\d+)$"),
    "ch04_wrong_at_best_squared": printed(r"^wrong answers there: (\d+)"),
    "ch04_fewest_wrong": printed(r"fewest wrong answers over the sweep: (\d+)"),
    "ch05_median": printed(r"median of the data\s*: ([\d.]+)"),
    "ch05_ordinary": printed(r"^\s*mse: .*of the (\d+) ordinary points"),
    **{f"ch05_{name}_near": printed(rf"^\s*{name}: .*within 0\.3 of it: (\d+) of the")
       for name in ("mse", "mae", "huber")},
    "ch05_mae_grad_fall": lambda text: round(
        printed(r"at a fixed rate: gradient size ([\d.]+) at step 1")(text)
        / printed(r"at a fixed rate: gradient size [\d.]+ at step 1, ([\d.]+)")(text)),
    "ch05_mae_distinct": printed(r"at a fixed rate, distinct gradients over the last 100 "
                                 r"steps: (\d+)"),
    "ch05_mae_flips": printed(r"at a fixed rate, dJ/dw changes sign (\d+) times"),
    "ch05_mae_flip_steps": printed(r"dJ/dw changes sign \d+ times in the last (\d+) steps"),
    "ch06_naive_loss": printed(r"BCE of sigmoid\(z\)\s*: \[[^,]+, [^,]+, ([\d.]+)"),
    "ch06_naive_grad": printed(r"d loss / dz\s*: \[[^,]+, [^,]+, ([\d.]+)"),
    "ch07_far_log_softmax": printed(r"log_softmax\(far_apart\)\s*: \[[^,]+, ([-\d.]+)\]"),
    "ch07_nll_logits": printed(r"nll_loss\(logits\)\s*: ([-\d.]+)"),
    "ch07_nll_doubled": printed(r"nll_loss\(2 \* logits\)\s*: ([-\d.]+)"),
    "ch07_unweighted_large": printed(r"unweighted: found \[(\d+),"),
    "ch07_unweighted_small": printed(r"unweighted: found \[\d+, \d+, (\d+)\]"),
    "ch07_weighted_large": printed(r"(?<!un)weighted: found \[(\d+),"),
    "ch07_weighted_small": printed(r"(?<!un)weighted: found \[\d+, \d+, (\d+)\]"),
    "ch07_hard_step_mid": printed(r"α = 0: .*mean gap after (\d+) and"),
    "ch07_hard_step_last": printed(r"α = 0: .*mean gap after \d+ and (\d+) steps"),
    "ch08_images": lambda text: sum(map(int, re.search(
        r"training images: (\d+)\s+validation images: (\d+)\s+test images: (\d+)",
        text).groups())),
    "ch08_train": printed(r"training images: (\d+)"),
    "ch08_validation": printed(r"validation images: (\d+)"),
    "ch08_test": printed(r"test images: (\d+)"),
    "ch08_grad_ratio": lambda text: round(
        printed(r"cross-entropy: size of the gradient: ([\d.]+)")(text)
        / printed(r"squared error: size of the gradient: ([\d.]+)")(text)),
    "ch08_start_confident": printed(r"images given a wrong class above 0.9, over the 5 "
                                    r"networks: (\d+)"),
    "ch08_ce_wrong": printed(r"cross-entropy gets (\d+) test digits wrong"),
    "ch08_se_wrong": printed(r"squared error gets (\d+) test digits wrong"),
    "ch08_both_wrong": printed(r"wrong under both: (\d+)"),
    "ch08_base_digit": printed(r"always answering (\d+) gets"),
    "ch08_ce_rate": printed(r"chosen rates: cross-entropy ([\d.]+)"),
    "ch08_se_rate": printed(r"chosen rates: .*squared error ([\d.]+)"),
    # the lab prints cross-entropy minus squared error, seed by seed
    "ch08_se_ahead": lambda text: sum(v < 0 for v in printed_list(
        r"test digits right: \[([-\d, ]+)\]")(text)),
    "ch08_ce_ahead": lambda text: sum(v > 0 for v in printed_list(
        r"test digits right: \[([-\d, ]+)\]")(text)),
    "ch08_ce_lower": lambda text: sum(v < 0 for v in printed_list(
        r"test cross-entropy: \[([-\d., ]+)\]")(text)),
    "ch08_se_at_end": lambda text: printed_list(
        r"squared error \(lr = [\d.]+, stopped at steps \[([\d, ]+)\]\)")(text).count(600),
    "ch09_few": printed(r"training images: (\d+)"),
    "ch09_fewest_per_digit": lambda text: min(map(int, re.search(
        r"training images per digit: \[([\d, ]+)\]", text).group(1).split(","))),
    "ch09_most_per_digit": lambda text: max(map(int, re.search(
        r"training images per digit: \[([\d, ]+)\]", text).group(1).split(","))),
    "ch09_validation": printed(r"validation images: (\d+)"),
    "ch09_test": printed(r"test images: (\d+)"),
    "ch09_best": printed(r"^step\s+(\d+): training loss", 0),
    "ch09_steps": printed(r"^step\s+(\d+): training loss", 1),
    "ch09_best_val_right": printed(r"^step\s+\d+: training loss.*, (\d+) of \d+ right", 0),
    "ch09_last_val_right": printed(r"^step\s+\d+: training loss.*, (\d+) of \d+ right", 1),
    "ch09_after_best": printed(r"steps after the minimum: (\d+)"),
    "ch09_falls": printed(r"the validation loss rises at \d+, falls at (\d+)"),
    "ch09_fewest_val_right": printed(r"validation digits read right from step \d+ on: "
                                     r"between (\d+) and"),
    "ch09_wrong_at_last": printed(r"^\s*(\d+) images read wrong at step"),
    "ch09_test_right_best": printed(r"^\s*step \d+: test loss [\d.]+, (\d+) of", 0),
    "ch09_test_right_last": printed(r"^\s*step \d+: test loss [\d.]+, (\d+) of", 1),
    "ch09_seeds": printed(r"smaller test loss in \d+ of (\d+) seeds"),
    "ch09_scaled_wins": printed(r"smaller test loss in (\d+) of \d+ seeds"),
    "ch09_last_more": printed(r"reads more test digits right in (\d+)"),
    "ch09_last_fewer": printed(r"reads more test digits right in \d+, fewer in (\d+)"),
    "ch09_shuffled_matches": printed(r"shuffled labels that match their image: (\d+)"),
    "ch09_wrong_matches": printed(r"wrong labels that match their image: (\d+)"),
    "ch09_only_best": printed(r"only at step \d+: (\d+)", 0),
    "ch09_only_last": printed(r"only at step \d+: (\d+)", 1),
    "ch09_confident_best": printed(r"(\d+) test images with the right digit below", 0),
    "ch09_confident_last": printed(r"(\d+) test images with the right digit below", 1),
    "ch09_confident_scaled": printed(r"(\d+) test images with the right digit below", 2),
    "ch09_mse_seconds": printed(r"MSE in seconds squared: ([\d.]+)"),
}


def _spelling_loss(attempt: str, word: str) -> int:
    """Letters that differ position by position, plus the letters missing or extra."""
    return sum(a != b for a, b in zip(attempt, word, strict=False)) + abs(len(word)
                                                                         - len(attempt))


def _benchmark_rows() -> list[dict]:
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    return [row for row in results["losses"]["rows"] if row["limit"] is not None]


def _digit_networks(ns: dict, name: str, lr: float, weights: str) -> list[torch.nn.Module]:
    """Chapter 8's networks of one loss and rate, with the stored ``weights`` of the
    sweep, rebuilt as torch.nn modules: a second computation of what they read."""
    sweep = ns["sweeps"][name]
    modules = []
    for k, (rate, _) in enumerate(sweep["runs"]):
        if rate != lr:
            continue
        w1, b1, w2, b2 = (p[k] for p in sweep[weights])
        module = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                     torch.nn.Linear(32, 10)).double()
        with torch.no_grad():
            module[0].weight.copy_(w1.T)
            module[0].bias.copy_(b1[0])
            module[2].weight.copy_(w2.T)
            module[2].bias.copy_(b2[0])
        modules.append(module)
    return modules


def _wrecked(ns: dict, name: str, lr: float) -> int:
    """Networks of one loss and rate whose last validation count is below half."""
    history = ns["sweeps"][name]["history"]
    runs = ns["sweeps"][name]["runs"]
    return sum(int(history["val_right"][-1, k]) * 2 < len(ns["y_val"])
               for k, (rate, _) in enumerate(runs) if rate == lr)


def _usable(ns: dict) -> list[tuple[str, float]]:
    """(loss, rate) pairs where no network is wrecked and no twin parts by 1e-9."""
    pairs = []
    for name in ("cross-entropy", "squared error"):
        sweep = ns["sweeps"][name]
        for lr in ns["rates"]:
            gaps = [float(sweep["twin_gap"][k])
                    for k, (rate, _) in enumerate(sweep["runs"]) if rate == lr]
            if _wrecked(ns, name, lr) == 0 and max(gaps) <= 1e-9:
                pairs.append((name, lr))
    return pairs


def _test_counts(ns: dict, name: str, lr: float) -> int:
    """The most test digits one of these networks (at its kept weights) reads."""
    with torch.no_grad():
        return max(sum(int(module(image[None]).argmax()) == int(digit)
                       for image, digit in zip(ns["x_test"], ns["y_test"], strict=True))
                   for module in _digit_networks(ns, name, lr, "best"))


# Counts no lab prints, recounted here from the chapter's inputs: key -> (what, how).
RECOUNTS: dict[str, tuple[str, Callable[[dict], float]]] = {
    "ch01_shifted_wrong": ("letters of the word without its first one that differ from "
                           "the word's", lambda ns: sum(
                               a != b for a, b in zip(ns["word"][1:], ns["word"],
                                                      strict=False))),
    "ch01_shifted_loss": ("the spelling loss of the word without its first letter",
                          lambda ns: _spelling_loss(ns["word"][1:], ns["word"])),
    "ch01_last_letter_loss": ("the spelling loss of the word with its last letter wrong",
                              lambda ns: _spelling_loss(ns["word"][:-1] + "x", ns["word"])),
    "ch01_edit_distance": ("one insertion, or one substitution, by construction",
                           lambda ns: 1),
    "ch04_wrong_in_gallery": ("wrong answers of s > t among the gallery's ten images",
                              lambda ns: sum(
                                  (float(ns["scores"][k]) > ns["threshold"])
                                  != bool(ns["labels"][k]) for k in ns["in_gallery"])),
    "ch05_faster": ("delivery times below their mean", lambda ns: sum(
        t < statistics.mean(ns["delivery_minutes"].tolist())
        for t in ns["delivery_minutes"].tolist())),
    "ch05_gauss_drop": ("8^2 / (2 sigma^2), the Gaussian log-density drop at 8",
                        lambda ns: round(8**2 / (2 * ns["sigma"] ** 2))),
    "ch05_laplace_drop": ("8 / s with s = sigma / sqrt(2), the Laplace drop at 8",
                          lambda ns: round(8 / (ns["sigma"] / math.sqrt(2)))),
    "ch08_ce_wrecked": ("cross-entropy networks at rate 2 ending below half the validation "
                        "digits, from their final validation logits", lambda ns: _wrecked(
                            ns, "cross-entropy", 2.0)),
    "ch08_usable_networks": ("networks at the rates where none is wrecked and no twin "
                             "parts", lambda ns: sum(
                                 5 for name, lr in _usable(ns))),
    "ch08_best_on_test": ("the most test digits any network of a usable rate reads, "
                          "counted image by image", lambda ns: max(
                              _test_counts(ns, name, lr) for name, lr in _usable(ns))),
    "ch08_parameters": ("parameters of torch.nn's 64-32-10 network", lambda ns: sum(
        parameter.numel() for parameter in torch.nn.Sequential(
            torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)).parameters())),
    "app_within": ("timings of benchmarks/results.json within their limit", lambda ns: sum(
        row["ratio"] <= row["limit"] for row in _benchmark_rows())),
    "app_timings": ("timings of benchmarks/results.json that have a limit",
                    lambda ns: len(_benchmark_rows())),
}

# Counts that no computation of the chapter could get wrong: read from a record, or a
# setting. key -> why.
READ = {
    "ch08_seeds": "a setting of the sweep (seeds = range(5))",
    "ch08_steps": "a setting of the sweep (steps=600)",
    "ch08_networks": "a setting of the sweep: 5 seeds at each of 3 rates",
    "app_cpus": "read from benchmarks/results.json (the machine of the reference run)",
    "app_threads": "torch's thread count in the reference run, read from "
                   "benchmarks/results.json",
    "app_elements": "the benchmark's input shape, read from benchmarks/results.json",
    "app_kernel_elements": "the benchmark's input size, read from benchmarks/results.json",
    "app_mse_torch_ops": "a profiler's count, read from benchmarks/results.json",
    "app_mse_ops": "a profiler's count, read from benchmarks/results.json",
    "app_mse_before_ops": "a profiler's count, read from benchmarks/results.json",
    "app_faults_before": "a measurement, read from benchmarks/results.json",
}


def glued_count(glued: Glued) -> int | None:
    """The integer a glued value states, or ``None`` when it is not a count."""
    value = glued.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, str) and COUNT_TEXT.fullmatch(value.strip()):
        return int(value.strip().replace(",", "").replace("−", "-"))
    return None


def _counts(path: Path) -> dict[str, tuple[Glued, int]]:
    return {key: (glued, count) for key, glued in ran(path).glued.items()
            if (count := glued_count(glued)) is not None}


@chapter_params
def test_every_glued_count_has_a_second_source(path: Path) -> None:
    sources = LAB_PRINTS.keys() | RECOUNTS.keys() | READ.keys()
    lonely = [f"line {glued.line}: {key} = {count}"
              for key, (glued, count) in _counts(path).items() if key not in sources]
    assert not lonely, (
        f"chapters/{path.name}: glued counts that nothing checks (add each to LAB_PRINTS, "
        "the line of the lab that prints it, or to RECOUNTS of tests/test_glue.py):\n  "
        + "\n  ".join(lonely))


def test_every_second_source_names_a_glued_count() -> None:
    counted = {key for path in CHAPTERS for key in _counts(path)}
    stale = sorted((LAB_PRINTS.keys() | RECOUNTS.keys() | READ.keys()) - counted)
    assert not stale, f"tests/test_glue.py checks keys no chapter glues as a count: {stale}"


@chapter_params
def test_glued_counts_agree_with_the_lab_and_a_recount(path: Path) -> None:
    """A count computed the wrong way (``>`` for ``<``) disagrees with the lab's own
    computation of it, or with a recount from the chapter's inputs."""
    counts = _counts(path)
    problems = []
    lab = None
    for key, (glued, count) in counts.items():
        if key in LAB_PRINTS:
            lab = lab if lab is not None else lab_text(path)
            try:
                expected = LAB_PRINTS[key](lab)
            except (LookupError, AttributeError, ValueError) as error:
                problems.append(f"line {glued.line}: {key}: the lab's output has lost the "
                                f"line that checks it ({error})")
                continue
            source = f"the lab notebooks/{path.stem}.ipynb prints {expected:g}"
        elif key in RECOUNTS:
            what, recount = RECOUNTS[key]
            expected = recount(ran(path).namespace)
            source = f"recounting ({what}) gives {expected:g}"
        else:
            continue
        if count != round(expected):
            problems.append(f"line {glued.line}: {key} is glued as {count}, but {source}")
    assert not problems, f"chapters/{path.name}: glued counts that are wrong:\n  " + (
        "\n  ".join(problems))
