"""A simulated Colab runtime: the notebooks run where nothing can import from the checkout.

Colab gives a notebook a Python with torch, numpy, matplotlib and scikit-learn already
installed; the notebook's setup cell then installs ``lossutils``
from the course repository at a release. Here:

1. a fresh virtual environment (not ``--system-site-packages``) gets only those runtime
   packages, at the versions pinned in ``requirements.txt`` (torch's CPU build);
2. a wheel of ``lossutils`` is built from the repository with ``python -m build``, and
   installed the way the setup cell installs it (its ``%pip install`` line, with the
   wheel in place of the git URL): it must install ``lossutils`` and nothing else, and
   leave torch exactly as it was;
3. each notebook is copied to a directory outside the repository and executed there with
   nbclient, in a kernel of that environment; no cell may fail or write to stderr, and
   ``lossutils`` must come from the environment's site-packages.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from course_files import ROOT, SCREENSHOTS, notebooks

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_header import SETUP_TAG  # noqa: E402

NOTEBOOKS = notebooks()
# What Colab already has, as far as the course is concerned, plus what runs notebooks.
RUNTIME_PACKAGES = [
    "torch", "numpy", "matplotlib", "scikit-learn",
    "ipykernel", "nbclient", "nbformat",
]
PIP_TIMEOUT_S = 900
CELL_TIMEOUT_S = 300

# Runs inside the simulated runtime: executes one notebook, then reports where the
# kernel's Python, lossutils and torch came from, and every stderr stream it saw.
DRIVER = '''
import json, sys
import nbformat
from nbclient import NotebookClient

source, workdir = sys.argv[1], sys.argv[2]
notebook = nbformat.read(source, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import json as _json, sys as _sys, lossutils as _lu, torch as _torch\\n"
    "print('WHERE=' + _json.dumps({'python': _sys.executable, 'prefix': _sys.prefix,"
    " 'lossutils': _lu.__file__, 'torch': _torch.__file__}))"))
client = NotebookClient(notebook, timeout=int(sys.argv[3]), kernel_name="python3",
                        resources={"metadata": {"path": workdir}})
client.execute()
stderr = [(i, o.text) for i, c in enumerate(notebook.cells) if c.cell_type == "code"
          for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
where = [o.text for o in notebook.cells[-1].outputs if o.output_type == "stream"]
print("REPORT=" + json.dumps({"stderr": stderr, "where": "".join(where)}))
'''


@dataclass
class Runtime:
    """The simulated runtime: its directory, its Python and its environment variables."""

    home: Path
    python: Path
    env: dict[str, str]
    torch_before: dict[str, str]
    torch_after: dict[str, str]
    planned_installs: list[str]
    notebooks_run: list[str] = field(default_factory=list)

    def run(self, *args: str, timeout: float = PIP_TIMEOUT_S) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.python), *args], cwd=self.home, env=self.env, capture_output=True,
            text=True, timeout=timeout,
        )


def pinned_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def clean_environment(home: Path) -> dict[str, str]:
    """No PYTHONPATH, Jupyter's user folders inside the runtime, one thread per library."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "LOSSUTILS"))}
    env.update(
        HOME=str(home / "home"), JUPYTER_CONFIG_DIR=str(home / "jupyter" / "config"),
        JUPYTER_DATA_DIR=str(home / "jupyter" / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter" / "runtime"),
        IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "mpl"),
        OMP_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env["PATH"] = f"{home / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # pip's own cache is kept: it is what makes the torch install quick.
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    (home / "home").mkdir()
    return env


def torch_fingerprint(runtime_python: Path, home: Path, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import hashlib, importlib.metadata as m, json, torch;"
        "d = m.distribution('torch');"
        "print(json.dumps({'version': torch.__version__, 'file': torch.__file__,"
        " 'record': hashlib.sha256(d.read_text('RECORD').encode()).hexdigest()}))"
    )
    result = subprocess.run([str(runtime_python), "-c", code], cwd=home, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def setup_install_arguments(notebook: Path, wheel: Path) -> list[str]:
    """The setup cell's ``%pip install`` arguments, with the wheel for the git URL."""
    setup = nbformat.read(notebook, as_version=4).cells[1]
    assert SETUP_TAG in setup.metadata.get("tags", []), f"{notebook.name}: no setup cell"
    (line,) = re.findall(r"%pip install (.*)", setup.source)
    (release,) = re.findall(r'release = "(git\+[^"]+)"', setup.source)
    arguments = shlex.split(line.replace("{release}", release))
    (requirement,) = [a for a in arguments if a.startswith("lossutils @ git+")]
    return [str(wheel) if a == requirement else a for a in arguments]


@pytest.fixture(scope="module")
def runtime() -> Iterator[Runtime]:
    if not NOTEBOOKS:
        pytest.fail("no notebooks in notebooks/")
    with tempfile.TemporaryDirectory(prefix="colab-sim-") as directory:
        home = Path(directory)
        assert not home.resolve().is_relative_to(ROOT), "the runtime must be outside the repo"
        base_python = getattr(sys, "_base_executable", None) or shutil.which("python3")
        subprocess.run([base_python, "-m", "venv", str(home / "venv")], check=True)
        python = home / "venv" / "bin" / "python"
        env = clean_environment(home)

        pins = pinned_versions()
        packages = [f"{name}=={pins[name]}" if name in pins else name
                    for name in RUNTIME_PACKAGES]
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *packages], cwd=home, env=env, capture_output=True, text=True,
            timeout=PIP_TIMEOUT_S,
        )
        assert install.returncode == 0, f"installing the runtime failed:\n{install.stderr}"
        before = torch_fingerprint(python, home, env)

        # A wheel built from a copy of the repository (the build writes into its source).
        source = home / "source"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            ".git", ".venv", "_build", "build", "dist", "*.egg-info", "__pycache__",
            ".ruff_cache", ".hypothesis", ".pytest_cache", "notebooks", "chapters"))
        build = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(home / "dist"),
             str(source)], cwd=home, capture_output=True, text=True, timeout=PIP_TIMEOUT_S,
        )
        assert build.returncode == 0, f"python -m build failed:\n{build.stdout}{build.stderr}"
        (wheel,) = (home / "dist").glob("lossutils-*.whl")

        arguments = setup_install_arguments(NOTEBOOKS[0], wheel)
        plan = subprocess.run(
            [str(python), "-m", "pip", "install", "--dry-run", "--report", "-", *arguments,
             "--quiet"], cwd=home, env=env, capture_output=True, text=True,
            timeout=PIP_TIMEOUT_S,
        )
        assert plan.returncode == 0, plan.stderr
        planned = [item["metadata"]["name"] for item in json.loads(plan.stdout)["install"]]
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", *arguments], cwd=home, env=env,
            capture_output=True, text=True, timeout=PIP_TIMEOUT_S,
        )
        assert installed.returncode == 0, installed.stderr
        after = torch_fingerprint(python, home, env)
        (home / "run").mkdir()
        runtime = Runtime(home, python, env, before, after, planned)
        yield runtime
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "colab-report.json").write_text(json.dumps({
            "notebooks_run": runtime.notebooks_run, "torch": after,
            "installed_by_setup_cell": planned}, indent=2))


def test_setup_cell_installs_lossutils_and_nothing_else(runtime: Runtime) -> None:
    assert runtime.planned_installs == ["lossutils"], runtime.planned_installs


def test_installing_lossutils_leaves_torch_alone(runtime: Runtime) -> None:
    assert runtime.torch_after == runtime.torch_before


def test_lossutils_comes_from_the_runtime_not_the_checkout(runtime: Runtime) -> None:
    result = runtime.run("-c", "import lossutils, sys; print(lossutils.__file__)")
    assert result.returncode == 0, result.stderr
    location = Path(result.stdout.strip()).resolve()
    site_packages = (runtime.home / "venv" / "lib").resolve()
    assert location.is_relative_to(site_packages), location
    assert not location.is_relative_to(ROOT), location


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_in_colab_runtime(notebook: Path, runtime: Runtime) -> None:
    workdir = runtime.home / "run" / notebook.stem
    workdir.mkdir()
    copy = workdir / notebook.name
    shutil.copy2(notebook, copy)
    driver = runtime.home / "driver.py"
    driver.write_text(DRIVER)
    result = runtime.run(str(driver), str(copy), str(workdir), str(CELL_TIMEOUT_S),
                         timeout=CELL_TIMEOUT_S * 4)
    assert result.returncode == 0, (
        f"{notebook.name} failed in the Colab runtime:\n{result.stdout[-3000:]}"
        f"\n{result.stderr[-6000:]}"
    )
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("REPORT=")]
    report = json.loads(line.removeprefix("REPORT="))
    assert not report["stderr"], f"{notebook.name} wrote to stderr: {report['stderr']}"
    where = json.loads(report["where"].strip().removeprefix("WHERE="))
    venv = (runtime.home / "venv").resolve()
    assert Path(where["prefix"]).resolve() == venv, where
    for module in ("lossutils", "torch"):
        path = Path(where[module]).resolve()
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT), (module, path)
    runtime.notebooks_run.append(notebook.name)
