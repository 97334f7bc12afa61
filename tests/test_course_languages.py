"""The course's language extension (``_ext/course_languages.py``) piece by piece: where a
page's twin is, how an interface text is found in the catalogs, what the Chinese page
pass translates and what it leaves. The site test checks the built pages themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
from course_languages import (  # noqa: E402
    chinese_links,
    interface_text,
    page_url,
    switch_html,
    translate_page,
)


@pytest.mark.parametrize(
    ("pagename", "language", "from_language", "url"),
    [
        ("chapters/intro", "zh_CN", "en", "../zh/chapters/intro.html"),
        ("chapters/intro", "en", "zh_CN", "../../chapters/intro.html"),
        ("search", "zh_CN", "en", "zh/search.html"),
        ("search", "en", "zh_CN", "../search.html"),
        ("notebooks/04-zero-one-and-squared-loss", "en", "en",
         "../notebooks/04-zero-one-and-squared-loss.html"),
    ],
)
def test_a_page_finds_its_twin(pagename: str, language: str, from_language: str,
                               url: str) -> None:
    assert page_url(pagename, language, from_language) == url


def test_the_switch_names_the_other_language_in_itself() -> None:
    english = switch_html("chapters/intro", "en")
    assert 'hreflang="zh-CN"' in english and ">中文<" in english
    assert "Read this page in Chinese" in english
    chinese = switch_html("chapters/intro", "zh_CN")
    assert 'hreflang="en"' in chinese and ">English<" in chinese
    assert "阅读本页的英文版" in chinese


def test_an_interface_text_is_found_whole_or_by_its_form() -> None:
    assert interface_text("zh_CN", "Edit this page") == "编辑本页"
    assert interface_text("zh_CN", "Sections of 6. 熵与交叉熵") == "6. 熵与交叉熵 的各节"
    assert interface_text("zh_CN", "Solution to lab exercise 3.1: show the code") == \
        "实验练习 3.1 的解答：显示代码"
    assert interface_text("zh_CN", "no such text") == "no such text"
    assert interface_text("en", "Edit this page") == "Edit this page"


def test_an_alt_text_keeps_its_frame_numbers() -> None:
    english = ("A line with its residuals and cost, and its point on the contours of the "
               "cost bowl, at slope w = 1.5, intercept b = 0.5")
    chinese = interface_text("zh_CN", english)
    assert chinese != english and "1.5" in chinese and "0.5" in chinese
    assert chinese.index("1.5") < chinese.index("0.5")


def test_the_page_pass_translates_the_interface_and_leaves_code() -> None:
    page = ('<button title="Toggle primary sidebar"></button><p>Edit this page</p>'
            "<pre>Edit this page</pre><script>var s = 'Edit this page';</script>")
    done = translate_page(page, lambda text: interface_text("zh_CN", text))
    assert 'title="显示或隐藏全书目录"' in done and "<p>编辑本页</p>" in done
    assert "<pre>Edit this page</pre>" in done and "'Edit this page'" in done


def test_a_chinese_lab_opens_its_chinese_notebook() -> None:
    page = ('<a href="https://colab.research.google.com/github/o/r/blob/main/notebooks/'
            '03-loss-and-cost.ipynb">'
            '<a href="https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/'
            '03-loss-and-cost.ipynb">'
            '<a href="https://github.com/o/r/edit/main/chapters/06-entropy-and-cross-entropy.md">')
    done = chinese_links(page, "zh_CN")
    assert "blob/main/notebooks/zh/03-loss-and-cost.ipynb" in done
    assert "lab/tree/notebooks/zh/03-loss-and-cost.ipynb" in done
    assert "edit/main/locales/zh_CN/LC_MESSAGES/chapters/06-entropy-and-cross-entropy.po" in done
