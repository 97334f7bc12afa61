"""The glossary (``chapters/glossary.md``) and the chapters' links to it.

The glossary is in alphabetical order; each entry gives the term's Chinese name with
its pinyin and cites, with ``{ref}``, the chapters that define the term. Each chapter
links a glossary term once, where it defines it, with ``{term}`` (the entry must cite
that chapter), and every term is linked from some chapter, so that no entry is an orphan
and no link points to a term the glossary lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from course_files import CHAPTER_DIR

GLOSSARY = CHAPTER_DIR / "glossary.md"
# The numbered chapters, the only pages that define terms.
CHAPTER_FILES = sorted(CHAPTER_DIR.glob("[0-9][0-9]-*.md"))

CJK = "\u4e00-\u9fff"
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A Chinese name, then its pinyin in parentheses with at least one tone mark.
CHINESE_NAME = re.compile(rf"[{CJK}][^()]*\(([^()]*[{TONE_MARKS}][^()]*)\)")
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?(sec-[\w-]+)>?`")
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
CHAPTER_LABEL = re.compile(r"^\((sec-[\w-]+)\)=\n# ", re.MULTILINE)


@dataclass
class Entry:
    term: str
    definition: str


def glossary_entries(text: str) -> list[Entry]:
    """The entries of the ``{glossary}`` directive in ``text``, in source order."""
    match = re.search(r"^```\{glossary\}\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
    assert match, "no ```{glossary} block"
    entries: list[Entry] = []
    for line in match.group(1).splitlines():
        if not line.strip() or re.match(r":[\w-]+:", line):
            continue
        if line[0].isspace():
            assert entries, f"a definition line before any term: {line!r}"
            entries[-1].definition += line.strip() + " "
        else:
            entries.append(Entry(line.strip(), ""))
    return entries


def term_target(role_text: str) -> str:
    """The glossary term a ``{term}`` role points to: ``text <Term>`` or ``Term``."""
    match = re.search(r"<([^<>]+)>\s*$", role_text)
    return (match.group(1) if match else role_text).strip()


def chapter_label(path: Path) -> str:
    match = CHAPTER_LABEL.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name}: no (sec-...)= label above its title"
    return match.group(1)


def term_links(paths: list[Path]) -> dict[str, list[str]]:
    """For each glossary term (case-folded), the labels of the chapters that link it."""
    links: dict[str, list[str]] = {}
    for path in paths:
        label = chapter_label(path)
        for role in TERM_ROLE.findall(path.read_text(encoding="utf-8")):
            links.setdefault(term_target(role).casefold(), []).append(label)
    return links


def problems_in(entries: list[Entry], links: dict[str, list[str]],
                chapter_labels: set[str]) -> list[str]:
    """Everything wrong with a glossary and the chapters' links to it (empty if nothing)."""
    problems = []
    terms = [entry.term for entry in entries]
    if terms != sorted(terms, key=str.casefold):
        first = next(a for a, b in zip(terms, sorted(terms, key=str.casefold), strict=True)
                     if a != b)
        problems.append(f"not in alphabetical order, first out of place: {first!r}")
    if len(set(map(str.casefold, terms))) != len(terms):
        problems.append("a term appears twice")
    for entry in entries:
        cited = set(REF.findall(entry.definition))
        if not CHINESE_NAME.search(entry.definition):
            problems.append(f"{entry.term}: no Chinese name with its pinyin in parentheses")
        if not cited & chapter_labels:
            problems.append(f"{entry.term}: cites no chapter with {{ref}}`sec-...`")
        linked_from = links.get(entry.term.casefold(), [])
        if not linked_from:
            problems.append(f"{entry.term}: no chapter links it with {{term}}")
        elif len(linked_from) > 1:
            problems.append(f"{entry.term}: linked {len(linked_from)} times; link it once, "
                            "where it is defined")
        for label in linked_from:
            if label not in cited:
                problems.append(f"{entry.term}: linked from {label}, which the entry does "
                                "not cite")
    known = {term.casefold() for term in terms}
    for target in links:
        if target not in known:
            problems.append(f"{{term}} link to {target!r}, which the glossary lacks")
    return problems


def test_the_glossary_and_its_links_hold() -> None:
    entries = glossary_entries(GLOSSARY.read_text(encoding="utf-8"))
    assert len(entries) > 0
    chapter_labels = {chapter_label(path) for path in CHAPTER_FILES}
    problems = problems_in(entries, term_links(CHAPTER_FILES), chapter_labels)
    assert not problems, "\n  ".join(["chapters/glossary.md:", *problems])


def test_the_issue_17_terms_are_in_the_glossary() -> None:
    terms = {entry.term.casefold() for entry in
             glossary_entries(GLOSSARY.read_text(encoding="utf-8"))}
    for term in ("surrogate loss", "log-sum-exp", "error rate", "bit", "nat", "surprise"):
        assert term in terms, term


# ---- each check fails on the fault it is there for ----

GOOD = """```{glossary}
Bit
  比特 (bǐtè). A unit. {ref}`sec-b`.

Cost function
  代价函数 (dàijià hánshù). The mean loss. {ref}`sec-a`, {ref}`sec-b`.
```
"""
LINKS = {"bit": ["sec-b"], "cost function": ["sec-a"]}
LABELS = {"sec-a", "sec-b"}


def test_a_good_glossary_passes() -> None:
    assert problems_in(glossary_entries(GOOD), LINKS, LABELS) == []


@pytest.mark.parametrize(
    ("text", "links", "message"),
    [
        (GOOD.replace("Bit\n  比特 (bǐtè). A unit. {ref}`sec-b`.\n\n", "").replace(
            "```\n", "\nBit\n  比特 (bǐtè). A unit. {ref}`sec-b`.\n```\n"), LINKS,
         "alphabetical"),
        (GOOD.replace("Bit", "Zebra"), {"zebra": ["sec-b"], "cost function": ["sec-a"]},
         "alphabetical"),
        (GOOD.replace("比特 (bǐtè)", "bit"), LINKS, "no Chinese name"),
        (GOOD.replace("比特 (bǐtè)", "比特 (bite)"), LINKS, "no Chinese name"),
        (GOOD.replace("{ref}`sec-b`.\n\nCost", "See it.\n\nCost"), LINKS, "cites no chapter"),
        (GOOD, {"cost function": ["sec-a"]}, "Bit: no chapter links it"),
        (GOOD, {**LINKS, "bit": ["sec-b", "sec-a"]}, "linked 2 times"),
        (GOOD, {**LINKS, "bit": ["sec-a"]}, "which the entry does not cite"),
        (GOOD, {**LINKS, "byte": ["sec-a"]}, "which the glossary lacks"),
    ],
)
def test_a_planted_fault_is_found(text: str, links: dict, message: str) -> None:
    try:
        problems = problems_in(glossary_entries(text), links, LABELS)
    except AssertionError as error:  # a glossary that cannot be parsed
        problems = [str(error)]
    assert any(message in problem for problem in problems), problems


def test_term_targets_and_chapter_links_are_read_right(tmp_path: Path) -> None:
    assert term_target("the loss <Loss function>") == "Loss function"
    assert term_target("Huber loss") == "Huber loss"
    page = tmp_path / "01-x.md"
    page.write_text("(sec-x)=\n# X\n\nA **{term}`loss <Loss function>`** and "
                    "{term}`Bit`.\n", encoding="utf-8")
    assert term_links([page]) == {"loss function": ["sec-x"], "bit": ["sec-x"]}
