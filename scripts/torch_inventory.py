"""Write ``_ext/torch-objects.inv``: where PyTorch documents each ``torch`` name the course uses.

The site is built offline, so Sphinx cannot fetch PyTorch's own inventory. This script
writes one for the names the course mentions (in the docstrings of ``lossutils`` and as
inline code in the chapters), each resolved in the installed torch to say whether it is a
function, a class, a method, a module or data, and pointed at its page of PyTorch's
documentation. ``_config.yml`` gives it to intersphinx, and the build is nitpicky: a
``torch`` name in a docstring that this inventory lacks stops the build.

Run ``python scripts/torch_inventory.py`` after mentioning a new ``torch`` name;
``tests/test_torch_inventory.py`` fails until then.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "_ext" / "torch-objects.inv"
DOCS = "https://docs.pytorch.org/docs/stable/"
NAME = re.compile(r"\btorch(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
# Names whose page is not generated/<name>.html: PyTorch documents them on shared pages.
PAGES = {
    "torch.Tensor": "tensors.html#torch.Tensor",
    "torch.Size": "size.html#torch.Size",
    "torch.dtype": "tensor_attributes.html#torch.dtype",
    "torch.device": "tensor_attributes.html#torch.device",
    "torch.nn.functional": "nn.functional.html",
    "torch.distributions": "distributions.html",
    "torch.backends": "backends.html",
    "torch.linalg": "linalg.html",
    "torch.optim": "optim.html",
    "torch.autograd": "autograd.html",
    "torch.autograd.functional": "autograd.html#functional-higher-level-api",
    "torch.autograd.gradcheck": "generated/torch.autograd.gradcheck.gradcheck.html",
    # Aliases without a page of their own: the page of the function they call.
    "torch.softmax": "generated/torch.nn.functional.softmax.html",
    "torch.log_softmax": "generated/torch.nn.functional.log_softmax.html",
    "torch.distributions.Categorical.entropy":
        "distributions.html#torch.distributions.categorical.Categorical.entropy",
}


def mentioned() -> set[str]:
    """Every ``torch.*`` name in the docstrings of lossutils and the chapters' inline code."""
    names = set()
    for path in sorted((ROOT / "lossutils").rglob("*.py")):
        names |= set(NAME.findall(path.read_text()))
    for path in sorted((ROOT / "chapters").glob("*.md")):
        for code in re.findall(r"`([^`\n]+)`", path.read_text()):
            names |= set(NAME.findall(code))
    return {name for name in names if resolve(name) is not None}


def resolve(name: str) -> object | None:
    """The object ``name`` names in the installed torch, or None (an attribute of a
    tensor in code, such as ``torch.float64.itemsize``, names nothing documented)."""
    parts = name.split(".")
    found = importlib.import_module(parts[0])
    for k, part in enumerate(parts[1:], start=2):
        # An attribute first: torch.autograd.gradcheck is the function, not its module.
        attribute = getattr(found, part, None)
        if attribute is None:
            try:
                attribute = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                return None
        found = attribute
    return found


def role(name: str, found: object) -> str:
    if inspect.ismodule(found):
        return "py:module"
    if inspect.isclass(found):
        return "py:class"
    owner = name.rsplit(".", 1)[0]
    if inspect.isclass(resolve(owner)):
        return "py:method"
    if callable(found):
        return "py:function"
    return "py:data"


def entries() -> list[str]:
    lines = []
    for name in sorted(mentioned()):
        found = resolve(name)
        kind = role(name, found)
        if kind == "py:data" and name not in PAGES:  # dtypes such as torch.float64
            page = "tensor_attributes.html#torch.dtype"
        else:
            page = PAGES.get(name, f"generated/{name}.html")
        lines.append(f"{name} {kind} 1 {page} -")
    return lines


def inventory_bytes() -> bytes:
    header = (
        b"# Sphinx inventory version 2\n"
        b"# Project: PyTorch\n"
        b"# Version: stable\n"
        b"# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(line + "\n" for line in entries()).encode()
    return header + zlib.compress(body, 9)


def main() -> int:
    INVENTORY.write_bytes(inventory_bytes())
    print(f"{INVENTORY.relative_to(ROOT)}: {len(entries())} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
