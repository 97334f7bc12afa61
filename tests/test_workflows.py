"""The GitHub workflows and the Binder environment, checked without running them.

``actionlint`` (pinned in requirements.txt) checks the workflow syntax, expressions and
action versions; the tests below check what each workflow must do for this course.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from course_files import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(data: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True.
    on = data.get("on", data.get(True))
    return on if isinstance(on, dict) else {name: None for name in on}


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def run_lines(job: dict) -> list[str]:
    return [step.get("run", "") for step in steps(job)]


def uses(job: dict) -> list[str]:
    return [step.get("uses", "") for step in steps(job)]


def torch_pin(text: str) -> str:
    match = re.search(r"^torch==([0-9][^\s#]*)", text, re.MULTILINE)
    assert match, "no `torch==` pin"
    return match.group(1)


def test_actionlint_passes() -> None:
    executable = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert executable, "actionlint is missing: it is pinned in requirements.txt (make venv)"
    result = subprocess.run(
        [executable, "-color=false"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


def test_every_workflow_is_checked() -> None:
    names = sorted(p.name for p in WORKFLOWS.glob("*.y*ml"))
    assert names == ["ci.yml", "gpu.yml", "pages.yml"], names


def test_ci_runs_make_test_with_a_pip_cache() -> None:
    data = workflow("ci.yml")
    on = triggers(data)
    assert "push" in on and "pull_request" in on
    (job,) = data["jobs"].values()
    assert "make test" in run_lines(job)
    cached = any(u.startswith("actions/cache@") for u in uses(job)) and any(
        "pip" in str(step.get("with", {}).get("path", "")) for step in steps(job)
    )
    setup_cache = any(
        step.get("uses", "").startswith("actions/setup-python@")
        and step.get("with", {}).get("cache") == "pip"
        for step in steps(job)
    )
    assert cached or setup_cache, "ci.yml does not cache pip's downloads"
    assert job.get("timeout-minutes"), "ci.yml has no timeout-minutes"
    assert job.get("env", {}).get("PIP_EXTRA_INDEX_URL") == CPU_INDEX, (
        "CPU CI must install torch's CPU build"
    )


def test_ci_runs_on_an_x86_64_and_an_arm64_runner() -> None:
    """The stored outputs were made on one processor; CI proves them on two kinds."""
    (job,) = workflow("ci.yml")["jobs"].values()
    matrix = job.get("strategy", {}).get("matrix", {})
    runners = {entry["runner"] for entry in matrix.get("include", [])}
    assert job["runs-on"] == "${{ matrix.runner }}", job["runs-on"]
    assert any(r.endswith("-arm") for r in runners), f"no arm64 runner in {runners}"
    assert any(r.startswith("ubuntu-") and not r.endswith("-arm") for r in runners), runners
    assert job["strategy"].get("fail-fast") is False, "one processor's failure hides the other"


def test_dot_ci_run_is_make_test() -> None:
    commands = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test", commands


def test_gpu_workflow_is_guarded_timed_and_runs_the_same_nbval() -> None:
    data = workflow("gpu.yml")
    on = triggers(data)
    assert "workflow_dispatch" in on, "gpu.yml cannot be run by hand"
    assert "schedule" in on, "gpu.yml has no schedule"
    assert "labeled" in (on.get("pull_request") or {}).get("types", []), (
        "gpu.yml does not run when a pull request is labelled"
    )
    (job,) = data["jobs"].values()
    guard = " ".join(str(job.get("if", "")).split())
    assert "vars.GPU_RUNNER_AVAILABLE == 'true'" in guard, (
        "gpu.yml must be gated by a repository variable, so it never sits queued"
    )
    assert "contains(github.event.pull_request.labels.*.name, 'gpu')" in guard
    runs_on = job["runs-on"]
    assert "gpu" in (runs_on if isinstance(runs_on, list) else [runs_on])
    assert 0 < int(job["timeout-minutes"]) <= 120
    assert job.get("env", {}).get("LOSSUTILS_DEVICE") == "cuda"
    lines = run_lines(job)
    check = next(i for i, line in enumerate(lines) if "torch.cuda.is_available()" in line)
    nbval = lines.index("make nbval")
    assert check < nbval, "the CUDA check must come before nbval"
    assert "sys.exit" in lines[check], "the CUDA check must fail the job"
    assert CPU_INDEX not in (WORKFLOWS / "gpu.yml").read_text(), "gpu.yml needs CUDA torch"


def test_make_nbval_is_strict_over_every_notebook() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^nbval:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no nbval target in the Makefile"
    command = " ".join(recipe.group(1).replace("\\\n", " ").split())
    assert "--nbval " in command and "--nbval-lax" not in command
    assert "--nbval-sanitize-with tests/nbval_sanitize.cfg" in command
    assert "notebooks/*.ipynb" in command
    # the stale-picture check and the figure standard run in nbval's own run of each lab,
    # so the GPU workflow's `make nbval` checks the pictures on CUDA too
    assert "PYTHONPATH=tests" in command and "-p nbval_labs" in command


def test_pages_builds_the_book_and_deploys_it() -> None:
    data = workflow("pages.yml")
    assert data["permissions"].get("pages") == "write"
    assert data["permissions"].get("id-token") == "write"
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    assert "make book" in run_lines(build)
    upload = next(s for s in steps(build) if s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert any(u.startswith("actions/deploy-pages@") for u in uses(deploy))
    assert deploy["needs"] == "build"


def test_binder_installs_the_cpu_build_of_the_pinned_torch() -> None:
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    course = (ROOT / "requirements.txt").read_text()
    assert re.search(rf"^--(extra-)?index-url {re.escape(CPU_INDEX)}$", binder, re.MULTILINE), (
        "binder/requirements.txt must name PyTorch's CPU wheel index"
    )
    assert torch_pin(binder) == torch_pin(course) + "+cpu", (
        f"Binder's torch {torch_pin(binder)} is not the CPU build of {torch_pin(course)}"
    )
    assert re.search(r"^-r \.\./requirements\.txt$", binder, re.MULTILINE), (
        "Binder must install the course's own pinned requirements"
    )
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild not executable"


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_cpu_workflows_use_debian_like_the_course_machines(name: str) -> None:
    """`make test` installs Debian's chromium; Ubuntu runners ship it only as a snap."""
    for job in workflow(name)["jobs"].values():
        if any(line.startswith("make ") for line in run_lines(job)):
            assert "bookworm" in str(job.get("container", "")), f"{name}: not in Debian"


def make_recipe(target: str) -> tuple[list[str], str]:
    """The prerequisites and the recipe (lines joined) of a Makefile target."""
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t.*\n)*)", makefile, re.MULTILINE)
    assert match, f"no {target} target in the Makefile"
    recipe = " ".join(match.group(2).replace("\\\n", " ").split())
    return match.group(1).split(), recipe


def make_variable(name: str) -> list[str]:
    match = re.search(rf"^{name} := (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, f"no {name} in the Makefile"
    return match.group(1).split()


def test_make_test_runs_every_suite_and_every_test_file() -> None:
    """`make test` = lint, unit, nbval, book, the chapters' figures, the catalogs'
    currency, clients; and every tests/test_*.py runs in one of them (unit takes all but
    the ones run apart)."""
    prerequisites, _ = make_recipe("test")
    assert prerequisites == ["lint", "unit", "nbval", "book", "figures", "translated",
                             "clients"], prerequisites
    clients, figures = make_variable("CLIENT_TESTS"), make_variable("FIGURE_TESTS")
    currency = make_variable("CURRENCY_TESTS")
    _, unit = make_recipe("unit")
    assert unit.startswith("$(BIN)/pytest tests lossutils"), unit
    for group in ("$(CLIENT_TESTS)", "$(FIGURE_TESTS)", "$(CURRENCY_TESTS)"):
        assert group in unit, unit
    assert make_recipe("clients")[1] == "$(BIN)/pytest $(CLIENT_TESTS)"
    assert make_recipe("figures")[1] == "LOSSUTILS_DEVICE=cpu $(BIN)/pytest $(FIGURE_TESTS)"
    assert make_recipe("translated")[1] == "$(BIN)/pytest $(CURRENCY_TESTS)"
    for path in clients + figures + currency:
        assert (ROOT / path).is_file(), f"the Makefile runs {path}, which does not exist"
    # unit needs the browser (the player's page script) and installs it like clients
    assert "$(CHROMIUM)" in make_recipe("unit")[0] and "$(CHROMIUM)" in make_recipe("clients")[0]
