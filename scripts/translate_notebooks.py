"""Write the Chinese labs, ``notebooks/zh/*.ipynb``, from the English labs and the catalogs.

A Chinese reader opens a lab in JupyterLab or Colab as an English reader does: the
Markdown cells are translated, paragraph by paragraph, heading by heading, list item by
list item, from the lab's catalog (``locales/zh_CN/LC_MESSAGES/notebooks/<lab>.po``, the
messages the Chinese lab page on the website is made from); code cells are the English
ones, character for character, so that the code every test runs is the code the Chinese
reader runs. The header carries the Chinese lab's own Colab badge and the same guarded
setup cell (``scripts/notebook_header.py``).

The Chinese labs are stored **without outputs**. With them, each re-execution of the
English labs (about 4 MB of pictures and demo frames) would be stored twice in the
repository's history; without them a Chinese lab weighs about a tenth of its English
twin, and a reader runs it (in Colab: Runtime → Run all) to see its pictures. The
Chinese lab pages of the website show the English labs' stored outputs.

    python scripts/translate_notebooks.py          # `make translations` runs it
    python scripts/translate_notebooks.py --check  # exit 1 naming the labs out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from babel.messages.pofile import read_po
from markdown_it import MarkdownIt
from notebook_header import BADGE_MARKER, badge_markdown

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
CHINESE = ENGLISH / "zh"
CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES" / "notebooks"
_MARKDOWN = MarkdownIt("commonmark")


def catalog_of(notebook: Path) -> dict[str, str]:
    """{English message: Chinese} of a lab's catalog (translated messages only)."""
    with (CATALOGS / f"{notebook.stem}.po").open("rb") as file:
        catalog = read_po(file)
    return {message.id: message.string for message in catalog
            if message.id and message.string and not message.fuzzy}


def message_of(text: str) -> str:
    """The catalog's form of a piece of Markdown: Sphinx joins its lines with spaces."""
    return " ".join(line.strip() for line in text.splitlines()).strip()


class Untranslated(LookupError):
    pass


def translate_markdown(source: str, messages: dict[str, str]) -> str:
    """``source`` with each paragraph, heading and list item replaced by its
    translation; a display formula stays as it is. Raises :class:`Untranslated` naming
    a piece that has no translation."""
    lines = source.split("\n")
    for token in reversed(_MARKDOWN.parse(source)):
        if token.type != "inline" or token.map is None or not token.content.strip():
            continue
        english = message_of(token.content)
        if english.startswith("<") or english.startswith("$$"):
            continue  # raw HTML (the badge) and display maths are not prose
        if english not in messages:
            raise Untranslated(english)
        start, end = token.map
        first = lines[start]
        prefix = first[: first.index(token.content.split("\n")[0].strip())]
        lines[start:end] = [prefix + messages[english]]
    return "\n".join(lines)


def chinese_lab(notebook: Path) -> nbformat.NotebookNode:
    """The Chinese lab made from the English lab at ``notebook``: Markdown translated,
    the header's badge the Chinese lab's own, outputs and execution counts cleared."""
    lab = nbformat.read(notebook, as_version=4)
    messages = catalog_of(notebook)
    target = CHINESE / notebook.name
    for cell in lab.cells:
        if cell.cell_type == "markdown":
            try:
                cell.source = translate_markdown(cell.source, messages)
            except Untranslated as missing:
                raise SystemExit(f"{notebook.name}: no translation of {str(missing)[:80]!r} "
                                 f"in {CATALOGS.name}/{notebook.stem}.po: translate it "
                                 "(`make translations` lists what is missing)") from None
            if BADGE_MARKER in cell.source:
                cell.source = cell.source.replace(badge_markdown(notebook, ROOT),
                                                  badge_markdown(target, ROOT))
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            # Widget state belongs to outputs that are not stored.
        cell.metadata.pop("execution", None)
    lab.metadata.pop("widgets", None)
    lab.metadata["language_info"] = lab.metadata.get("language_info", {})
    return lab


def text_of(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only name the Chinese labs that differ from what would be written")
    arguments = parser.parse_args(argv)
    CHINESE.mkdir(exist_ok=True)
    stale = []
    for notebook in sorted(ENGLISH.glob("*.ipynb")):
        text = text_of(chinese_lab(notebook))
        target = CHINESE / notebook.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(target.relative_to(ROOT).as_posix())
            if not arguments.check:
                target.write_text(text, encoding="utf-8")
    english = {path.name for path in ENGLISH.glob("*.ipynb")}
    extra = [path for path in CHINESE.glob("*.ipynb") if path.name not in english]
    for path in extra:
        stale.append(f"{path.relative_to(ROOT).as_posix()} (no English lab)")
        if not arguments.check:
            path.unlink()
    if arguments.check:
        print("\n".join(f"out of date: {name}" for name in stale)
              or "the Chinese labs agree with the English labs and the catalogs")
        return 1 if stale else 0
    print(f"wrote {len(stale)} Chinese labs into {CHINESE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
