"""Links a reader follows between labs and chapters, and what chapter 9 shows unfolded.

- Every lab's first Markdown cell links the chapter it belongs to (its parent in
  ``_toc.yml``), with the relative link the labs use, ``[title](../chapters/NN-....md)``.
- A lab that sends the reader to the chapter ("the chapter derives it", "the chapter's
  exercise") links a chapter in the same cell, and every such link names a chapter that
  exists.
- Chapter 9's answer is on the page: no figure and no section heading inside a
  solution or any other folded block (a dropdown, or a code cell whose output is
  hidden), so the page's contents list its sections and its figures show.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from course_files import CHAPTER_DIR, NOTEBOOK_DIR, ROOT

CHAPTER_LINK = re.compile(r"\]\((\.\./chapters/[^)#\s]+\.md)(#[^)\s]*)?\)")
# Phrases by which a lab sends the reader to a chapter.
SENDS_TO_CHAPTER = re.compile(
    r"\bthe chapter (derives|shows|proves|explains)\b|\bthe chapter's (last )?exercises?\b"
    r"|\bas the chapter\b", re.IGNORECASE)
CHAPTER_9 = CHAPTER_DIR / "09-is-a-smaller-loss-better.md"


def lab_chapters(root: Path = ROOT) -> dict[str, str]:
    """Each lab in ``_toc.yml`` (``notebooks/01-...``) and the chapter it is a section of."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found = {}
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            for section in chapter.get("sections", []):
                if section["file"].startswith("notebooks/"):
                    found[section["file"]] = chapter["file"]
    return found


LABS = lab_chapters()


def markdown_cells(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def test_every_lab_on_disk_is_in_the_toc() -> None:
    on_disk = {f"notebooks/{p.stem}" for p in NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")}
    assert on_disk and on_disk == set(LABS)


def intro_problems(lab: str, chapter: str, first_markdown: str) -> list[str]:
    targets = [target for target, _ in CHAPTER_LINK.findall(first_markdown)]
    wanted = f"../{chapter}.md"
    if wanted not in targets:
        return [f"{lab}: its first Markdown cell does not link its chapter ({wanted})"]
    return []


@pytest.mark.parametrize("lab", sorted(LABS))
def test_every_labs_intro_links_its_chapter(lab: str) -> None:
    first = markdown_cells(ROOT / f"{lab}.ipynb")[0]
    assert not intro_problems(lab, LABS[lab], first)


def sending_problems(name: str, cells: list[str]) -> list[str]:
    problems = []
    for index, source in enumerate(cells):
        for target, _ in CHAPTER_LINK.findall(source):
            if not (NOTEBOOK_DIR / target).resolve().is_file():
                problems.append(f"{name}, Markdown cell {index}: {target} does not exist")
        sends = SENDS_TO_CHAPTER.search(source)
        if sends and not CHAPTER_LINK.search(source):
            problems.append(f"{name}, Markdown cell {index}: {sends.group(0)!r} without a "
                            "link to the chapter")
    return problems


@pytest.mark.parametrize("lab", sorted(LABS))
def test_a_lab_that_sends_the_reader_to_a_chapter_links_it(lab: str) -> None:
    problems = sending_problems(lab, markdown_cells(ROOT / f"{lab}.ipynb"))
    assert not problems, "\n".join(problems)


CODE_BLOCKS = {"code", "code-cell", "code-block"}


def folded_problems(text: str) -> list[str]:
    """Figures and section headings inside folded blocks of a MyST Markdown page: a
    solution (between ``solution-start`` and ``solution-end``), a dropdown (``{dropdown}``,
    ``{toggle}`` or ``:class: dropdown``), or a code cell whose output is hidden."""
    problems = []
    lines = text.splitlines()
    stack: list[tuple[str, str, bool]] = []  # (closing fence, name, folded) of open blocks
    in_solution = False
    for number, line in enumerate(lines, start=1):
        if stack and line.strip() == stack[-1][0]:
            stack.pop()
            continue
        if stack and stack[-1][1] in CODE_BLOCKS:
            continue  # inside code: nothing here is a heading or a directive
        directive = re.match(r"^(`{3,}|:{3,})\{([\w:-]+)\}", line)
        plain = re.match(r"^(`{3,}|~{3,})[\w+-]*\s*$", line)
        if directive or plain:
            fence, name = (directive.group(1), directive.group(2)) if directive else (
                plain.group(1), "code")
            body = []
            for later in lines[number:]:
                if later.strip() == fence:
                    break
                body.append(later)
            head = "\n".join(body)
            in_solution = {"solution-start": True, "solution-end": False}.get(name,
                                                                               in_solution)
            folded = (
                name in {"dropdown", "toggle"}
                or (name != "solution-start"
                    and re.search(r"^:class:.*\bdropdown\b", head, re.MULTILINE) is not None)
                or (name == "code-cell" and re.search(r"\bhide-(output|cell)\b", head) is not None)
            )
            is_figure = name in {"figure", "glue:figure"} or (
                name == "code-cell" and re.search(r"^\s+figure:", head, re.MULTILINE) is not None)
            if is_figure and (in_solution or folded or any(f for *_, f in stack)):
                problems.append(f"line {number}: a figure inside a solution or dropdown")
            stack.append((fence, name, folded))
            continue
        if re.match(r"^#{1,6} ", line) and (in_solution or any(f for *_, f in stack)):
            problems.append(f"line {number}: a heading inside a solution or dropdown: {line}")
    return problems


def test_chapter_9_shows_its_figures_and_sections_unfolded() -> None:
    text = CHAPTER_9.read_text(encoding="utf-8")
    assert not folded_problems(text)
    assert len(re.findall(r"^\s+name: fig-", text, re.MULTILINE)) >= 3
    assert len(re.findall(r"^## ", text, re.MULTILINE)) >= 5


FIGURE_CELL = """```{code-cell} ipython3
---
tags: [remove-input]
mystnb:
  figure:
    name: fig-x
---
draw()
```
"""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Text.\n\n" + FIGURE_CELL, False),
        ("```{solution-start} ex-a\n:class: dropdown\n```\n\n" + FIGURE_CELL
         + "\n```{solution-end}\n```\n", True),
        ("```{solution-start} ex-a\n:class: dropdown\n```\n\nNo.\n\n```{solution-end}\n```\n\n"
         + FIGURE_CELL, False),
        ("```{solution-start} ex-a\n```\n\n## The answer\n\n```{solution-end}\n```\n", True),
        (":::{dropdown} More\n```{figure} a.png\n:name: fig-a\n```\n:::\n", True),
        (":::{admonition} More\n:class: dropdown\n\n## Inside\n:::\n", True),
        (FIGURE_CELL.replace("[remove-input]", "[hide-output]"), True),
    ],
)
def test_a_folded_figure_or_heading_is_found(text: str, found: bool) -> None:
    assert bool(folded_problems(text)) == found, folded_problems(text)


def test_an_unlinked_intro_and_an_unlinked_derivation_are_found() -> None:
    assert intro_problems("notebooks/03-x", "chapters/03-x", "# Lab\n\nYou will.")
    assert not intro_problems("notebooks/03-x", "chapters/03-x",
                              "# Lab\n\nYou will. [X](../chapters/03-x.md).")
    assert sending_problems("lab", ["A line (the chapter derives it):"])
    assert sending_problems("lab", ["(the chapter [X](../chapters/no-such-chapter.md) derives it)"])
    assert not sending_problems(
        "lab", ["(the chapter [Loss and cost](../chapters/03-loss-and-cost.md) derives it)"])
