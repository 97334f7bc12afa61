"""What the test suite costs a contributor: ``make test``, stage by stage, on a fresh clone.

The committed tree is cloned into a temporary directory and each stage of ``make test``
runs there in order, as CI runs it (``CI=true``), with this tree's environment: its
``.venv`` is linked in and its stamp taken as up to date (``make -o``), so the numbers are
those of "a fresh clone once the environment is installed". Each pytest stage runs with
``--durations`` so that the report can say where the time goes.

    python benchmarks/bench_tests.py           # prints the JSON it measured
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The stages of ``make test``, in its order (the Makefile's ``test`` prerequisites).
STAGES = ("lint", "unit", "nbval", "book", "figures", "clients")
SLOWEST = 12
DURATION = re.compile(r"^\s*([0-9.]+)s (call|setup|teardown)\s+(\S+)", re.MULTILINE)
COUNTS = re.compile(r"(\d+) (passed|failed|error|errors|skipped|xfailed)")
TIMEOUT = 3600


def stages_of_make_test(root: Path = ROOT) -> list[str]:
    """The prerequisites of ``test:`` in the Makefile, which must be :data:`STAGES`."""
    match = re.search(r"^test:(.*)$", (root / "Makefile").read_text(), re.MULTILINE)
    found = match.group(1).split() if match else []
    if tuple(found) != STAGES:
        raise RuntimeError(f"make test runs {found}, this benchmark knows {list(STAGES)}")
    return found


def run_stage(clone: Path, stage: str, done_before: list[str]) -> dict:
    """One stage, with the stages before it taken as done (``make -o``), as in one
    ``make test``, where each runs once (``figures`` and ``clients`` need the book)."""
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(clone),
           "PYTEST_ADDOPTS": f"--durations={SLOWEST} --durations-min=1"}
    settled = [flag for target in [".venv/.installed", *done_before] for flag in ("-o", target)]
    start = time.perf_counter()
    done = subprocess.run(["make", *settled, stage], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    counts: dict[str, int] = {}
    for line in output.splitlines():
        if re.search(r"\b(passed|failed)\b.* in [0-9.]+s", line):
            for number, kind in COUNTS.findall(line):
                counts[kind] = counts.get(kind, 0) + int(number)
    slowest = [{"seconds": float(s), "phase": phase, "test": test}
               for s, phase, test in DURATION.findall(output)]
    return {"stage": stage, "seconds": seconds, "status": "passed" if done.returncode == 0
            else "failed", "counts": counts, "slowest": slowest,
            "detail": "" if done.returncode == 0 else output.strip().splitlines()[-1][:200]}


def measure(root: Path = ROOT) -> dict:
    """Each stage of ``make test`` on a fresh clone of the committed tree."""
    stages = stages_of_make_test(root)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                            capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="bench-tests-") as directory:
        clone = Path(directory) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        (clone / ".venv").symlink_to(root / ".venv")
        rows = []
        for k, stage in enumerate(stages):
            print(f"  make {stage}", flush=True)
            rows.append(run_stage(clone, stage, stages[:k]))
    slowest = sorted((dict(test, stage=row["stage"]) for row in rows for test in row["slowest"]),
                     key=lambda test: -test["seconds"])[:SLOWEST]
    return {"commit": commit, "stages": rows, "total_seconds": sum(r["seconds"] for r in rows),
            "slowest": slowest}


if __name__ == "__main__":
    json.dump(measure(), sys.stdout, indent=1)
    print()
