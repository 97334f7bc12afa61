"""What the Colab setup cell does in a simulated Colab runtime (``tests/colab_runtime.py``).

The setup cell must install ``lossutils`` and nothing else, leave torch exactly as it
was, and give the kernel a ``lossutils`` from the runtime's site-packages, not from the
checkout. The labs themselves run in this runtime through JupyterLab's user interface
(``tests/test_jupyterlab.py``): no cell may fail or write to stderr there.
"""

from __future__ import annotations

from pathlib import Path

from colab_runtime import Runtime
from course_files import ROOT


def test_setup_cell_installs_lossutils_and_nothing_else(colab_runtime: Runtime) -> None:
    assert colab_runtime.planned_installs == ["lossutils"], colab_runtime.planned_installs


def test_installing_lossutils_leaves_torch_alone(colab_runtime: Runtime) -> None:
    assert colab_runtime.torch_after == colab_runtime.torch_before


def test_lossutils_comes_from_the_runtime_not_the_checkout(colab_runtime: Runtime) -> None:
    result = colab_runtime.run("-c", "import lossutils, sys; print(lossutils.__file__)")
    assert result.returncode == 0, result.stderr
    location = Path(result.stdout.strip()).resolve()
    site_packages = (colab_runtime.home / "venv" / "lib").resolve()
    assert location.is_relative_to(site_packages), location
    assert not location.is_relative_to(ROOT), location
