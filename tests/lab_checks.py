"""Every lab exercise's check says "not yet" to a wrong answer: probed in the lab's own run.

A check that cannot fail passes strict nbval (its solution still prints "right") and
teaches nothing: ``abs(answer - largest) < 0.01`` with its ``abs`` dropped calls every
smaller answer right. So in a kernel started with :func:`figure_log.kernel_environment`,
:func:`install` wraps each ``check_N_k`` / ``check_exercise_N_k`` function once the cell
that defines it has run. When the lab's solution calls it and it says right, the
wrapper calls it again, at that moment (the lab's state as the check sees it), with
answers made wrong from the right one (:func:`wrong_answers`), its printing captured so
the stored outputs stay as they are, and logs whether each drew a "right". The nbval
plugin (``tests/nbval_labs.py``) then fails a lab whose check said right to a wrong
answer, or whose check was never probed.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

CHECK_NAME = re.compile(r"^check_(?:exercise_)?\d+_\d+$")
RIGHT = re.compile(r"Lab exercise \d+\.\d+: right\b")


def wrong_answers(answer: object) -> list[object]:
    """Answers that are surely wrong when ``answer`` is right: half and one and a half
    times a number (one off for a count), each element so in a tuple or list, a list
    one element short; ``[]`` for a kind of answer this does not know."""
    import torch

    def scaled(value: object, factor: float) -> object:
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return value + (1 if factor > 1 else -1)
        if isinstance(value, float):
            return value * factor if value else factor - 1.0
        if isinstance(value, torch.Tensor):
            if value.is_floating_point():
                return value * factor if bool(value.any()) else value + (factor - 1.0)
            return value + (1 if factor > 1 else -1)
        if isinstance(value, tuple | list):
            return type(value)(scaled(v, factor) for v in value)
        raise TypeError(type(value).__name__)

    try:
        found = [scaled(answer, 0.5), scaled(answer, 1.5)]
    except TypeError:
        return []
    if isinstance(answer, list) and answer:
        found.append(answer[:-1])
    return found


@contextlib.contextmanager
def _random_state_kept():
    """Put back torch's (CPU and CUDA), NumPy's and Python's global random states."""
    import random

    import numpy as np
    import torch

    # the legacy global NumPy state is what a lab's np.random calls would draw from
    states = (torch.get_rng_state(), np.random.get_state(), random.getstate(),  # noqa: NPY002
              torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None)
    try:
        yield
    finally:
        torch.set_rng_state(states[0])
        np.random.set_state(states[1])  # noqa: NPY002
        random.setstate(states[2])
        if states[3] is not None:
            torch.cuda.set_rng_state_all(states[3])


def install(log: str) -> None:
    """Wrap each lab check defined from now on so that its right answers are probed."""
    from IPython import get_ipython

    shell = get_ipython()
    wrapped: set[str] = set()

    def probe(name: str, check, answer) -> None:
        entry = {"check": name, "answer": repr(answer)[:80], "wrong": []}
        with _random_state_kept():  # the probes must not move the lab's random numbers
            for wrong in wrong_answers(answer):
                said = io.StringIO()
                with contextlib.redirect_stdout(said):
                    try:
                        check(wrong)
                    except Exception as error:  # a wrong answer may break the check
                        print(f"raised {type(error).__name__}")
                entry["wrong"].append([repr(wrong)[:80], bool(RIGHT.search(said.getvalue()))])
        with open(log, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")

    def wrap(name: str, check):
        def probed_check(answer):
            said = io.StringIO()
            try:
                with contextlib.redirect_stdout(said):
                    result = check(answer)
            finally:
                print(said.getvalue(), end="")  # what the learner sees, unchanged
            if RIGHT.search(said.getvalue()):
                probe(name, check, answer)
            return result

        probed_check.__wrapped__ = check
        probed_check.__doc__ = check.__doc__
        return probed_check

    def wrap_new_checks(*_) -> None:
        for name, value in list(shell.user_ns.items()):
            if CHECK_NAME.match(name) and callable(value) and name not in wrapped:
                shell.user_ns[name] = wrap(name, value)
                wrapped.add(name)

    shell.events.register("post_run_cell", wrap_new_checks)


def problems(lab: str, checks: list[str], log: Path) -> list[str]:
    """What the probes of ``checks`` (the names a lab defines) found in ``log``."""
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] \
        if log.exists() else []
    found = []
    for name in checks:
        mine = [entry for entry in entries if entry["check"] == name]
        if not mine:
            found.append(f"{lab}: {name} never said right to the lab's solution, so no wrong "
                         "answer was tried")
        elif not any(entry["wrong"] for entry in mine):
            found.append(f"{lab}: {name}'s answer {mine[0]['answer']} is of a kind "
                         "lab_checks.wrong_answers cannot make wrong")
        for entry in mine:
            found += [f"{lab}: {name} says right to the wrong answer {wrong} (the right one "
                      f"is {entry['answer']})" for wrong, right in entry["wrong"] if right]
    return found
