"""The catalogs hold the messages of the English pages as they are now.

A paragraph changed in English and not yet through ``make translations`` would still be
translated from its old text: its catalog has the old message, which Sphinx no longer
asks for, and the Chinese page shows the English paragraph. This test extracts the
English pages' messages afresh (Sphinx's gettext builder, as ``make translations`` does,
into a folder of its own; the chapters' outputs come from the book's execution cache,
so run it after ``make book``) and compares them with the catalogs, page by page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translation_checks import CATALOGS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402


def messages_of(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    run = tmp_path_factory.mktemp("gettext")
    paths = translations.extract_templates(run)
    root = run / "_build" / "gettext"
    return {path.relative_to(root).with_suffix(".po").as_posix(): messages_of(path)
            for path in paths}


def test_every_page_has_its_catalog_and_no_catalog_is_left_over(templates) -> None:
    catalogs = {path.relative_to(CATALOGS).as_posix() for path in CATALOGS.rglob("*.po")}
    assert set(templates) - catalogs == set(), "pages without a catalog: make translations"
    assert catalogs - set(templates) == {"interface.po"}, "catalogs of no page: make translations"


def test_each_catalog_holds_the_messages_of_its_page_now(templates) -> None:
    stale = {}
    for name, wanted in sorted(templates.items()):
        held = messages_of(CATALOGS / name)
        new, gone = wanted - held, held - wanted
        if new or gone:
            stale[name] = (f"{len(new)} new or changed in English, e.g. "
                           f"{sorted(new)[:1]}; {len(gone)} no longer asked for")
    assert not stale, ("run `make translations`, then translate what it marks:\n"
                       + "\n".join(f"{name}: {why}" for name, why in stale.items()))
