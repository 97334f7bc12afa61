"""The site's search finds Chinese words inside longer ones.

Sphinx's English search indexes a run of Chinese characters as one word, so the
glossary's 交叉熵 (cross-entropy) is found by 交叉熵 but 熵 (entropy) finds nothing.
Chinese is written without spaces, and the course's Chinese terms are short (the
glossary's longest has 6 characters): this search language indexes each run of Chinese
characters and every shorter piece of it, so that any part of a term finds the term. The
English words are indexed, stemmed and filtered exactly as by Sphinx's English search.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish

# CJK Unified Ideographs (with extension A) and the CJK compatibility ideographs.
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: Pieces of a longer run are indexed up to this length; a longer run is kept whole.
LONGEST_PIECE = 8


def chinese_pieces(text: str) -> list[str]:
    """Every run of Chinese characters in ``text`` and each of its shorter pieces."""
    pieces = []
    for run in CHINESE.findall(text):
        pieces.append(run)
        for length in range(1, min(len(run), LONGEST_PIECE + 1)):
            pieces += [run[start:start + length] for start in range(len(run) - length + 1)]
    return pieces


class SearchEnglishWithChinese(SearchEnglish):
    """Sphinx's English search, with Chinese terms indexed piece by piece."""

    def split(self, input: str) -> list[str]:  # noqa: A002 - Sphinx's name
        words = super().split(input)
        return words + [piece for piece in chinese_pieces(input) if piece not in words]

    def word_filter(self, word: str) -> bool:
        return bool(CHINESE.fullmatch(word)) or super().word_filter(word)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchEnglishWithChinese)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
