"""pytest plugin: what strict nbval's own run of each lab checks besides its outputs.

Loaded by ``make nbval`` (``-p nbval_labs``, with ``tests/`` on ``PYTHONPATH``). Each
lab's kernel records the figures it prints (:mod:`figure_log`) and probes its exercise
checks with wrong answers (:mod:`lab_checks`); after the lab's last cell two more items
read what it logged:

* ``<lab>::figures``: the stored pictures show what the code draws now, and every figure
  meets the figure standard;
* ``<lab>::exercise checks``: each check said "right" to its solution and not to any
  wrong answer.

So every lab is executed once for all of it, on whatever device nbval runs it
(``LOSSUTILS_DEVICE``): the GPU workflow's ``make nbval`` checks the pictures on CUDA.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import lab_checks
import nbformat
import pytest
from figure_log import kernel_environment, stale_pictures, standard_problems
from nbval.plugin import IPyNbCell, IPyNbFile

DEFINED_CHECK = re.compile(r"^def (check_(?:exercise_)?\d+_\d+)\(", re.MULTILINE)


class LabProblems(Exception):
    """What a lab breaks; reported as a plain list, without a traceback."""


class LabItem(pytest.Item):
    """A check of one lab from what its kernel logged, after nbval ran all its cells."""

    def __init__(self, *, logs: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.logs = logs

    @property
    def lab(self) -> Path:
        return Path(self.parent.path)

    def problems(self) -> list[str]:
        raise NotImplementedError

    def runtest(self) -> None:
        found = self.problems()
        if found:
            raise LabProblems("\n  ".join(found))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, LabProblems):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}::{self.name}"


class LabFigures(LabItem):
    def problems(self) -> list[str]:
        log = figure_log_of(self.logs, self.lab)
        stale = stale_pictures(self.lab, log)
        notebook = nbformat.read(self.lab, as_version=4)
        standard = standard_problems(self.lab.name, notebook, log)
        message = []
        if stale:
            message += ["stored pictures that are not what the code draws now (the website "
                        "shows the stored ones; run `make execute`):", *stale]
        if standard:
            message += ["figures that break the figure standard (lossutils.figures.style):",
                        *standard]
        return message


class LabChecks(LabItem):
    def problems(self) -> list[str]:
        notebook = nbformat.read(self.lab, as_version=4)
        checks = [name for cell in notebook.cells if cell.cell_type == "code"
                  for name in DEFINED_CHECK.findall(cell.source)]
        found = lab_checks.problems(self.lab.name, checks, check_log_of(self.logs, self.lab))
        return ["exercise checks that cannot tell a wrong answer:", *found] if found else []


def figure_log_of(logs: Path, lab: Path) -> Path:
    return logs / f"{lab.stem}.figures.jsonl"


def check_log_of(logs: Path, lab: Path) -> Path:
    return logs / f"{lab.stem}.checks.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    config.lossutils_lab_logs = Path(tempfile.mkdtemp(prefix="lossutils-labs-"))


def pytest_collection_modifyitems(session, config, items: list[pytest.Item]) -> None:
    """After the last cell of each lab, the items that read what it logged."""
    last = {}
    for position, item in enumerate(items):
        if isinstance(item, IPyNbCell):
            last[item.parent] = position
    for lab, position in sorted(last.items(), key=lambda pair: -pair[1]):
        logs = config.lossutils_lab_logs
        items[position + 1:position + 1] = [
            LabFigures.from_parent(lab, name="figures", logs=logs),
            LabChecks.from_parent(lab, name="exercise checks", logs=logs),
        ]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a lab's kernel starts (with its first cell), point it at the lab's logs."""
    lab = item.parent
    if isinstance(item, IPyNbCell) and isinstance(lab, IPyNbFile) and lab.kernel is None:
        logs, path = item.config.lossutils_lab_logs, Path(lab.path)
        for log in (figure_log_of(logs, path), check_log_of(logs, path)):
            log.unlink(missing_ok=True)
        os.environ.update(kernel_environment(figure_log_of(logs, path),
                                             check_log_of(logs, path)))
