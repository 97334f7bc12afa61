"""A simulated Colab runtime: a Python where nothing can import from the checkout.

Colab gives a notebook a Python with torch, numpy, matplotlib and scikit-learn already
installed; the notebook's setup cell then installs ``lossutils`` from the course
repository at a release. :func:`colab_runtime` makes the same outside the repository:

1. a fresh virtual environment (not ``--system-site-packages``) gets only those runtime
   packages, at the versions pinned in ``requirements.txt`` (torch's CPU build), and
   ipykernel to run notebooks;
2. a wheel of ``lossutils`` is built from a copy of the repository with
   ``python -m build``, and installed the way the setup cell installs it (its
   ``%pip install`` line, with the wheel in place of the git URL).

``tests/test_colab.py`` checks what that install did; ``tests/test_jupyterlab.py`` runs
every lab through JupyterLab's user interface in a kernel of this runtime, so that each
lab is run once for both.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
from course_files import ROOT, notebooks

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_header import SETUP_TAG  # noqa: E402

# What Colab already has, as far as the course is concerned, plus what runs notebooks.
RUNTIME_PACKAGES = [
    "torch", "numpy", "matplotlib", "scikit-learn", "ipywidgets",
    "ipykernel", "nbclient", "nbformat",
]
PIP_TIMEOUT_S = 900


@dataclass
class Runtime:
    """The simulated runtime: its directory, its Python and its environment variables."""

    home: Path
    python: Path
    env: dict[str, str]
    torch_before: dict[str, str]
    torch_after: dict[str, str]
    planned_installs: list[str]

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


@contextlib.contextmanager
def colab_runtime() -> Iterator[Runtime]:
    """Make the simulated runtime (a few minutes of pip, mostly torch from pip's cache),
    yield it, and remove it."""
    notebooks_found = notebooks()
    if not notebooks_found:
        raise RuntimeError("no notebooks in notebooks/")
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
            # --no-compile: Python compiles what the labs import when they import it
            # (byte-compiling all of torch up front took 60 of the 80 s of this install)
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-compile", *packages], cwd=home, env=env, capture_output=True, text=True,
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

        arguments = setup_install_arguments(notebooks_found[0], wheel)
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
