"""The shape of the package: ``import lossutils as lu`` gives the reference and the labs'
helpers only (a small namespace, no figures), the book's figures live in
``lossutils.figures``, and no name is defined in two places.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types

import yaml
from course_files import ROOT, quiet_environment

import lossutils
import lossutils.figures

MAX_PUBLIC_NAMES = 40


def modules_of(package: types.ModuleType) -> list[types.ModuleType]:
    """Every module of ``package`` and its subpackages, private ones included."""
    found = [package]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        found.append(importlib.import_module(info.name))
    return found


def exported(module: types.ModuleType) -> set[str]:
    """What a module offers: its ``__all__``, and the public functions and classes it
    defines (a module without ``__all__`` exports those with ``import *``)."""
    names = set(getattr(module, "__all__", []))
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if (inspect.isfunction(value) or inspect.isclass(value)) and (
            value.__module__ == module.__name__
        ):
            names.add(name)
    return names


def figure_names() -> set[str]:
    return {name for module in modules_of(lossutils.figures) for name in exported(module)}


def test_the_top_level_has_at_most_40_names() -> None:
    assert len(lossutils.__all__) <= MAX_PUBLIC_NAMES, (
        f"lossutils.__all__ has {len(lossutils.__all__)} names (at most {MAX_PUBLIC_NAMES}): "
        "figures and demos belong in lossutils.figures, teaching code in the labs"
    )
    assert len(set(lossutils.__all__)) == len(lossutils.__all__), "a name listed twice"
    missing = [name for name in lossutils.__all__ if not hasattr(lossutils, name)]
    assert not missing, f"lossutils.__all__ names what lossutils does not have: {missing}"


def test_no_figure_or_demo_at_the_top_level() -> None:
    from_figures = sorted(
        name for name in lossutils.__all__
        if getattr(getattr(lossutils, name), "__module__", "").startswith("lossutils.figures")
    )
    assert not from_figures, f"figures or demos in lossutils.__all__: {from_figures}"
    shared = sorted(set(lossutils.__all__) & figure_names())
    assert not shared, f"names both in lossutils and lossutils.figures: {shared}"


def test_the_top_level_exports_nothing_beyond_all_and_its_submodules() -> None:
    extra = sorted(
        name for name, value in vars(lossutils).items()
        if not name.startswith("_") and name not in lossutils.__all__
        and not (isinstance(value, types.ModuleType)
                 and value.__name__ == f"lossutils.{name}")
    )
    assert not extra, f"public names of lossutils outside __all__: {extra}"


def test_no_two_modules_export_the_same_name() -> None:
    """A name defined twice would let one module's version silently hide the other's."""
    owners: dict[str, list[str]] = {}
    for module in modules_of(lossutils):
        if module.__name__ in ("lossutils", "lossutils.figures"):
            continue  # the packages re-export their modules' names
        for name in exported(module):
            owners.setdefault(name, []).append(module.__name__)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}


def test_import_lossutils_draws_nothing() -> None:
    """The reference loads without matplotlib (or the figures); the figures load it."""
    code = (
        "import sys, lossutils; "
        "print(sorted({m.split('.')[0] if m.startswith('matplotlib') else m "
        "for m in sys.modules if m.split('.')[0] == 'matplotlib' "
        "or m.startswith('lossutils.figures')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=quiet_environment(PYTHONPATH=str(ROOT)),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", (
        f"import lossutils imports {result.stdout.strip()}: keep matplotlib and the figures "
        "out of the top-level modules"
    )


def test_release_in_config_matches_the_package_version() -> None:
    """The setup cells install the tag in _config.yml: ``v`` + this version, or a commit
    of this repository (a 40-hex string that names no commit would install nothing)."""
    release = str(yaml.safe_load((ROOT / "_config.yml").read_text())["lossutils_release"])
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(),
                        re.MULTILINE).group(1)
    if release == f"v{version}":
        return
    assert re.fullmatch(r"[0-9a-f]{40}", release), (
        f"lossutils_release {release!r} is neither v{version} (pyproject.toml) nor a commit"
    )
    found = subprocess.run(["git", "cat-file", "-e", f"{release}^{{commit}}"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, (
        f"lossutils_release {release} is not a commit of this repository "
        f"({found.stderr.strip() or 'git cat-file found nothing'})"
    )
