"""The Chinese edition cannot fall behind the English one silently.

Every catalog of ``locales/zh_CN/LC_MESSAGES`` is complete and faithful
(:mod:`translation_checks` says what that means: nothing untranslated, fuzzy or
obsolete; formulas, glued values, cross-reference targets, code, links and numbers kept;
the glossary's Chinese terms used; nothing taken from the source lesson). Each check is
seen to fail on a planted break. The Chinese labs (``notebooks/zh``) are what
``scripts/translate_notebooks.py`` makes of the English labs and the catalogs now.
Whether the catalogs hold every message of the English pages as they are now is
``tests/test_translation_currency.py``, which needs the book built.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po
from translation_checks import (
    CATALOGS,
    LESSON_RUNS,
    Term,
    catalog_problems,
    glossary_terms,
    lesson_runs,
    run_hash,
    runs,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import translate_notebooks  # noqa: E402
from notebook_header import BADGE_MARKER, expected_header_problems  # noqa: E402

ALL_CATALOGS = sorted(CATALOGS.rglob("*.po"))


def test_there_is_a_catalog_for_every_page_and_the_interface() -> None:
    names = {path.relative_to(CATALOGS).as_posix() for path in ALL_CATALOGS}
    pages = {f"{path.parent.name}/{path.stem}.po"
             for folder in ("chapters", "notebooks", "reference")
             for path in (ROOT / folder).glob("*.*") if path.suffix in (".md", ".ipynb")}
    assert pages - names == set(), "pages without a catalog: run `make translations`"
    assert {"interface.po", "pictures.po"} <= names


@pytest.mark.parametrize("catalog", ALL_CATALOGS,
                         ids=[p.relative_to(CATALOGS).as_posix() for p in ALL_CATALOGS])
def test_the_catalog_is_complete_and_faithful(catalog: Path) -> None:
    problems = catalog_problems(catalog)
    assert not problems, "\n".join(problems)


def test_every_glossary_term_has_its_chinese_name() -> None:
    terms = glossary_terms()
    assert len(terms) >= 50, "the glossary's terms were not found"
    assert Term("Cross-entropy", "交叉熵") in terms


def test_the_lesson_runs_are_recorded() -> None:
    recorded = lesson_runs()
    assert len(recorded) > 3000, f"{LESSON_RUNS.name} holds {len(recorded)} runs"


# ---- each check, seen failing on a planted break ----

TERMS = [Term("Cross-entropy", "交叉熵"), Term("Loss function", "损失函数")]
COPIED = "这是一段从源课程原样照抄过来的很长的中文句子"


def problems_of(tmp_path: Path, source: str, translation: str, *, fuzzy: bool = False,
                obsolete: bool = False) -> list[str]:
    catalog = Catalog(locale="zh_CN")
    if obsolete:
        catalog.obsolete[source] = Message(source, translation)
    else:
        catalog.add(source, translation, flags=["fuzzy"] if fuzzy else [])
    path = tmp_path / "planted.po"
    with path.open("wb") as file:
        write_po(file, catalog, include_previous=False)
    return catalog_problems(path, TERMS, {run_hash(run) for run in runs(COPIED)})


GOOD = ("The cross-entropy of $p$ and $q$ is {glue:text}`ch06_h:.4f` nats, 2 times "
        "{ref}`the entropy <sec-entropy>`, as `F.cross_entropy` computes.",
        "$p$ 与 $q$ 的交叉熵为 {glue:text}`ch06_h:.4f` 奈特，是 {ref}`熵 <sec-entropy>` 的 "
        "2 倍，与 `F.cross_entropy` 的计算一致。")


def test_a_faithful_translation_passes(tmp_path: Path) -> None:
    assert problems_of(tmp_path, *GOOD) == []


@pytest.mark.parametrize(
    ("planted", "named"),
    [
        (lambda t: "", "untranslated"),
        (lambda t: t.replace("$q$", "$Q$"), "drops or alters"),
        (lambda t: t.replace("ch06_h:.4f", "ch06_h:.3f"), "drops or alters"),
        (lambda t: t.replace("sec-entropy", "sec-entropie"), "drops or alters"),
        (lambda t: t.replace("`F.cross_entropy`", "`F.nll_loss`"), "drops or alters"),
        (lambda t: t.replace("2 倍", "3 倍"), "drops or alters"),
        (lambda t: t.replace("交叉熵", "互熵"), "without its glossary term 交叉熵"),
        (lambda t: t + COPIED, "shares a run of 12 Chinese characters"),
        (lambda t: t.replace("$p$ 与", "$p$**与**"), "bold, italic or links differ"),
        (lambda t: "1. " + t, "does not read as one paragraph"),
    ],
    ids=["untranslated", "formula", "glue", "ref-target", "code", "number", "glossary-term",
         "copied-from-lesson", "emphasis", "not-a-paragraph"],
)
def test_each_check_fails_on_its_planted_break(tmp_path: Path, planted, named: str) -> None:
    source, translation = GOOD
    problems = problems_of(tmp_path, source, planted(translation))
    assert any(named in problem for problem in problems), problems


def test_a_fuzzy_message_is_named(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, *GOOD, fuzzy=True)
    assert any("fuzzy" in problem for problem in problems), problems


def test_an_obsolete_message_is_named(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, *GOOD, obsolete=True)
    assert any("obsolete" in problem for problem in problems), problems


def test_a_display_formula_stays_as_it_is(tmp_path: Path) -> None:
    source = "\n\\hat y = 1 \\text{ if } h > t\n"
    assert problems_of(tmp_path, source, source) == []
    problems = problems_of(tmp_path, source, source.replace("if", "若"))
    assert any("drops or alters" in problem for problem in problems), problems


def test_a_hole_of_an_alt_text_is_kept(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "A line at slope w = {}, intercept b = {}",
                           "斜率 w = {} 的直线")
    assert any("holes" in problem for problem in problems), problems


# ---- the Chinese labs ----

ENGLISH_LABS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_chinese_labs_are_up_to_date() -> None:
    assert translate_notebooks.main(["--check"]) == 0, \
        "run `make translations` (scripts/translate_notebooks.py) and commit notebooks/zh"


@pytest.mark.parametrize("english", ENGLISH_LABS, ids=[p.stem for p in ENGLISH_LABS])
def test_a_chinese_lab_runs_the_english_code_and_opens_in_colab(english: Path) -> None:
    chinese_path = ROOT / "notebooks" / "zh" / english.name
    chinese = nbformat.read(chinese_path, as_version=4)
    source = nbformat.read(english, as_version=4)
    assert [c.cell_type for c in chinese.cells] == [c.cell_type for c in source.cells]
    for ours, theirs in zip(chinese.cells, source.cells, strict=True):
        if theirs.cell_type == "code":
            assert ours.source == theirs.source
            assert ours.outputs == [], "the Chinese labs are stored without outputs"
        else:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in ours.source), \
                f"{chinese_path.name}: an untranslated Markdown cell: {ours.source[:60]!r}"
    assert expected_header_problems(chinese_path, ROOT) == []
    assert BADGE_MARKER in chinese.cells[0].source and "notebooks/zh/" in chinese.cells[0].source


def test_a_changed_english_paragraph_stops_the_chinese_lab(tmp_path: Path) -> None:
    english = ENGLISH_LABS[2]
    messages = translate_notebooks.catalog_of(english)
    cell = next(c for c in nbformat.read(english, as_version=4).cells
                if c.cell_type == "markdown" and c.source.startswith("## "))
    assert "## " in translate_notebooks.translate_markdown(cell.source, messages)
    with pytest.raises(translate_notebooks.Untranslated):
        translate_notebooks.translate_markdown(cell.source + " (changed)", messages)


def test_a_changed_display_formula_takes_its_new_text_and_a_changed_sentence_stays_fuzzy(
    tmp_path: Path,
) -> None:
    """Sphinx cannot translate a display formula, so its translation is its text: after an
    English change the merge marks it fuzzy, and the prefill gives it the new text."""
    from babel.messages.pofile import read_po
    from translations import copy_wordless_messages

    formula = "\n\\begin{aligned}\na &= b, \\\\\nc &= d.\n\\end{aligned}\n"
    catalog = Catalog(locale="zh_CN")
    catalog.add(formula, string="a = b, \\quad c = d.", flags=["fuzzy"])
    catalog.add("The loss falls.", string="损失下降了。", flags=["fuzzy"])
    path = tmp_path / "page.po"
    with path.open("wb") as file:
        write_po(file, catalog)
    copy_wordless_messages(path)
    with path.open("rb") as file:
        merged = read_po(file)
    assert merged[formula].string == formula and not merged[formula].fuzzy
    assert merged["The loss falls."].fuzzy
