"""What a translation of the course must keep from its English message, and what it may
not take from the source lesson. Used by ``tests/test_translations.py``, and by a
translator at work:

    python tests/translation_checks.py locales/zh_CN/LC_MESSAGES/chapters/06-*.po

prints every problem of those catalogs, one per line (nothing when they are clean).
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from translations import is_display_math  # noqa: E402  (the one definition)

CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
GLOSSARY = ROOT / "chapters" / "glossary.md"
#: SHA-256 prefixes of every run of RUN Chinese characters in the source lesson
#: (``python tests/translation_checks.py --lesson PATH`` writes it): the test needs
#: no copy of the lesson's text.
LESSON_RUNS = ROOT / "tests" / "lesson_runs.txt"
RUN = 12
CJK = re.compile(r"[\u3400-\u9fff]")

# --- the pieces a translation keeps as they are -------------------------------------

#: A role with its content: {glue:text}`key:.4f`, {ref}`text <target>`, {math}`x`.
ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
#: Roles whose content is kept whole (a glued number, a formula, a code name, a citation).
KEPT_ROLES = ("glue", "math", "py:", "cite", "eq")
#: Roles whose visible text is translated but whose target is kept.
TARGET_ROLES = ("ref", "numref", "doc", "download")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$")
CODE = re.compile(r"``(?:[^`]|`(?!`))+``|`[^`]+`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _role_pieces(text: str) -> tuple[list[str], str]:
    """The kept pieces of the roles in ``text``, and the text with the roles taken out."""
    pieces = []
    for role, content in ROLE.findall(text):
        if role.startswith(KEPT_ROLES):
            pieces.append(f"{{{role}}}`{content}`")
        elif role.startswith(TARGET_ROLES):
            target = re.search(r"<([^<>]+)>$", content)
            pieces.append(f"{{{role}}}<{target.group(1) if target else content}>")
        elif role == "term":
            pieces.append("{term}")
    return pieces, ROLE.sub(" ", text)


#: Words inside an inline formula (``\\text{if }``) may be translated.
MATH_WORDS = re.compile(r"\\text\{[^{}]*\}")


def math_skeleton(formula: str) -> str:
    """A formula with the words of its ``\\text{...}`` taken out."""
    return MATH_WORDS.sub(r"\\text{}", formula)


def kept_pieces(text: str) -> Counter:
    """Everything a translation of ``text`` must hold unchanged: the maths (but the
    words of its ``\\text{}``), the glued values, cross-reference targets, code, link
    targets and the numbers of the prose."""
    if is_display_math(text):
        # Sphinx cannot translate a display formula: any change, even a \text{} word,
        # and the Chinese page shows "::" where the formula was.
        return Counter([text.strip()])
    pieces, rest = _role_pieces(text)
    for pattern in (DISPLAY_MATH, INLINE_MATH):
        pieces += [math_skeleton(formula) for formula in pattern.findall(rest)]
        rest = pattern.sub(" ", rest)
    pieces += [match.strip("`") for match in CODE.findall(rest)]
    rest = CODE.sub(" ", rest)
    pieces += [f"({target})" for target in LINK_TARGET.findall(rest)]
    rest = LINK_TARGET.sub(" ", rest)
    pieces += [f"number {number.replace(',', '')}" for number in NUMBER.findall(rest)]
    return Counter(pieces)


_MARKDOWN = MarkdownIt("commonmark")


def emphasis(text: str) -> Counter:
    """The bold, italic and link spans ``text`` renders (CommonMark's rules: next to a
    Chinese character, ``**{term}`熵`**`` stays four asterisks unless spaced)."""
    if is_display_math(text):
        return Counter()
    kinds = ("strong_open", "em_open", "link_open")
    return Counter(token.type for block in _MARKDOWN.parse(text) if block.children
                   for token in block.children if token.type in kinds)


def reads_as_paragraph(text: str) -> bool:
    """Sphinx puts in a translation only if it parses as one paragraph."""
    blocks = [token.type for token in _MARKDOWN.parse(text)
              if token.level == 0 and token.type.endswith("_open")]
    return blocks == ["paragraph_open"]


# --- the glossary's terms -----------------------------------------------------------

#: English terms a message may use without the Chinese term: words that are also
#: everyday English, where the sentence does not mean the term.
TERM_EXCEPTIONS = {
    "Bit": "'a bit' is everyday English",
    "Mean": "'mean' is also a verb ('what we mean') and the adjective of 'mean squared "
            "error', a term of its own",
    "Risk": "'risk' is also everyday English ('the risk of overfitting')",
    "Fitting": "'fitting' also means 'suitable' and is the verb of 'fit a line', which "
               "Chinese says with 拟合 or 训练 as the sentence needs",
    "Expectation": "'expectation' is also everyday English ('against expectation')",
    "Temperature": "'temperature' of physics, in the analogy that names it",
    "Surprise": "'surprise' is also everyday English ('no surprise')",
}


#: Other Chinese forms a term takes in running text.
TERM_FORMS = {
    "Least squares": ("最小二乘",),  # 最小二乘直线, 最小二乘解: the 法 is the method's
}


def prose_of(text: str) -> str:
    """``text`` without its roles, formulas and code: where a term is a word."""
    if is_display_math(text):
        return ""
    rest = _role_pieces(text)[1]
    for pattern in (DISPLAY_MATH, INLINE_MATH, CODE):
        rest = pattern.sub(" ", rest)
    return rest


@dataclass(frozen=True)
class Term:
    english: str
    chinese: str


def glossary_terms(path: Path = GLOSSARY) -> list[Term]:
    """The glossary's terms with the Chinese name each entry gives first."""
    body = path.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("```", 1)[0]
    return [Term(english, chinese) for english, chinese in
            re.findall(r"^(\S.*)\n  ([\u3400-\u9fff][^\s(]*) \(", body, re.MULTILINE)]


def term_pattern(english: str) -> re.Pattern:
    words = re.escape(english.lower()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", re.IGNORECASE)


# --- the lesson ---------------------------------------------------------------------

def chinese_characters(text: str) -> str:
    """Only the Chinese characters of ``text``: a run is counted across punctuation,
    maths and Latin words, so that a copied sentence cannot hide behind them."""
    return "".join(CJK.findall(text))


def run_hash(run: str) -> str:
    return hashlib.sha256(run.encode("utf-8")).hexdigest()[:16]


def runs(text: str, length: int = RUN) -> set[str]:
    characters = chinese_characters(text)
    return {characters[i:i + length] for i in range(len(characters) - length + 1)}


def lesson_runs() -> set[str]:
    return set(LESSON_RUNS.read_text(encoding="ascii").split())


def write_lesson_runs(lesson: Path) -> int:
    text = lesson.read_text(encoding="utf-8")
    # Its title may be quoted: the runs of the title are not recorded.
    title = re.search(r"^title:\s*(.*)$", text, re.MULTILINE)
    allowed = runs(title.group(1)) if title else set()
    hashes = sorted({run_hash(run) for run in runs(text) - allowed})
    LESSON_RUNS.write_text("\n".join(hashes) + "\n", encoding="ascii")
    return len(hashes)


# --- the checks ---------------------------------------------------------------------

def catalog_problems(path: Path, terms: list[Term] | None = None,
                     lesson: set[str] | None = None) -> list[str]:
    """Every problem of one catalog, each naming the message it is in."""
    terms = glossary_terms() if terms is None else terms
    lesson = lesson_runs() if lesson is None else lesson
    name = path.relative_to(CATALOGS) if path.is_relative_to(CATALOGS) else path
    with path.open("rb") as file:
        catalog = read_po(file)
    problems = [f"{name}: obsolete message (delete it): {message.id[:60]!r}"
                for message in catalog.obsolete.values()]
    for message in catalog:
        if not message.id:
            continue
        source, translation = message.id, message.string
        where = f"{name}: {source[:60]!r}"
        if not translation:
            problems.append(f"{where}: untranslated")
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy (the English changed: check, then drop the "
                            "fuzzy flag)")
        if source.count("{}") != translation.count("{}"):
            problems.append(f"{where}: {source.count('{}')} holes {{}} in English, "
                            f"{translation.count('{}')} translated (keep each, in order)")
        missing = kept_pieces(source) - kept_pieces(translation)
        extra = kept_pieces(translation) - kept_pieces(source)
        if missing:
            problems.append(f"{where}: the translation drops or alters "
                            f"{sorted(missing.elements())}")
        if extra:
            problems.append(f"{where}: the translation adds {sorted(extra.elements())}")
        if not reads_as_paragraph(translation):
            problems.append(f"{where}: the translation does not read as one paragraph, so "
                            "Sphinx silently keeps the English (a leading '1. ' is a list: "
                            "write '1\\. ')")
        if emphasis(source) != emphasis(translation):
            problems.append(f"{where}: bold, italic or links differ: {dict(emphasis(source))} "
                            f"in English, {dict(emphasis(translation))} translated (space "
                            "the ** or * that touch a Chinese character and punctuation)")
        plain_source = prose_of(source)
        for term in terms:
            if term.english in TERM_EXCEPTIONS:
                continue
            forms = (term.chinese, *TERM_FORMS.get(term.english, ()))
            if term_pattern(term.english).search(plain_source) and \
                    not any(form in translation for form in forms):
                problems.append(f"{where}: '{term.english}' without its glossary term "
                                f"{term.chinese}")
        shared = [run for run in runs(translation) if run_hash(run) in lesson]
        if shared:
            problems.append(f"{where}: shares a run of {RUN} Chinese characters with the "
                            f"source lesson: {shared[0]}")
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["--lesson"]:
        print(f"{write_lesson_runs(Path(argv[1]))} runs written to {LESSON_RUNS}")
        return 0
    paths = [Path(arg).resolve() for arg in argv] or sorted(CATALOGS.rglob("*.po"))
    terms, lesson = glossary_terms(), lesson_runs()
    problems = [problem for path in paths for problem in catalog_problems(path, terms, lesson)]
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
