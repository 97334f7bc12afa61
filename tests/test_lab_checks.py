"""The wrong answers a lab's exercise checks are probed with, and what a probe reports.

The probing itself runs in strict nbval's run of each lab (``tests/nbval_labs.py``);
here its pieces are checked without a kernel.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from lab_checks import RIGHT, problems, wrong_answers


@pytest.mark.parametrize(("answer", "expected"), [
    (145, [144, 146]),
    (4.0, [2.0, 6.0]),
    (0.0, [-0.5, 0.5]),
    ((1.0, 2.0), [(0.5, 1.0), (1.5, 3.0)]),
    ([1, 0], [[0, -1], [2, 1], [1]]),
    ("a word", []),
])
def test_wrong_answers_are_near_the_right_one_and_not_it(answer, expected) -> None:
    assert wrong_answers(answer) == expected


def test_wrong_answers_of_a_tensor_keep_its_kind() -> None:
    halved, grown = wrong_answers(torch.tensor([2.0, 4.0]))
    assert torch.equal(halved, torch.tensor([1.0, 2.0]))
    assert torch.equal(grown, torch.tensor([3.0, 6.0]))
    assert [t.tolist() for t in wrong_answers(torch.tensor([3]))] == [[2], [4]]


def test_right_is_what_every_check_prints_for_a_right_answer() -> None:
    assert RIGHT.search("Lab exercise 5.3: right. The MSE line's largest residual is 4.89")
    assert RIGHT.search("Lab exercise 9.1: right")
    assert not RIGHT.search("Lab exercise 5.3: not yet. Which residual ...")
    assert not RIGHT.search("Lab exercise 1.1: not right yet: at step 144 ...")


def test_problems_name_a_check_that_calls_a_wrong_answer_right(tmp_path: Path) -> None:
    log = tmp_path / "checks.jsonl"
    log.write_text("\n".join(json.dumps(entry) for entry in [
        {"check": "check_5_2", "answer": "1.87", "wrong": [["0.93", False], ["2.81", False]]},
        {"check": "check_5_3", "answer": "4.89", "wrong": [["2.44", True], ["7.34", False]]},
        {"check": "check_5_4", "answer": "'a word'", "wrong": []},
    ]))
    assert problems("lab.ipynb", ["check_5_1", "check_5_2", "check_5_3", "check_5_4"], log) == [
        "lab.ipynb: check_5_1 never said right to the lab's solution, so no wrong answer "
        "was tried",
        "lab.ipynb: check_5_3 says right to the wrong answer 2.44 (the right one is 4.89)",
        "lab.ipynb: check_5_4's answer 'a word' is of a kind lab_checks.wrong_answers "
        "cannot make wrong",
    ]
