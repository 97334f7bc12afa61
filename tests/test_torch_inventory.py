"""The offline inventory of PyTorch's documentation (``_ext/torch-objects.inv``).

Intersphinx links every ``torch`` name of the reference pages to PyTorch's documentation
from this file, since the site is built offline; ``scripts/torch_inventory.py`` writes it
from the names the course mentions. It must be up to date (the build is nitpicky, and a
name it lacks would stop it) and say what each name is.
"""

from __future__ import annotations

import sys

import pytest
from course_files import ROOT
from sphinx.util.inventory import InventoryFile

sys.path.insert(0, str(ROOT / "scripts"))
import torch_inventory  # noqa: E402


def stored() -> dict[str, tuple[str, str]]:
    """name -> (role, page) as Sphinx reads the stored inventory."""
    with open(torch_inventory.INVENTORY, "rb") as stream:
        inventory = InventoryFile.load(stream, torch_inventory.DOCS, lambda base, uri: base + uri)
    return {name: (role, item[2]) for role, items in inventory.items()
            for name, item in items.items()}


def test_the_stored_inventory_is_what_the_script_writes_now():
    """A torch name mentioned since the inventory was written is missing from it."""
    assert torch_inventory.INVENTORY.read_bytes() == torch_inventory.inventory_bytes(), (
        "run `python scripts/torch_inventory.py`: the course mentions torch names that "
        "_ext/torch-objects.inv does not hold, or no longer mentions some it holds"
    )


def test_every_name_the_reference_pages_link_is_in_it():
    names = stored()
    for name in ("torch.nn.functional.cross_entropy", "torch.nn.functional.mse_loss",
                 "torch.nn.CrossEntropyLoss", "torch.Tensor", "torch.logsumexp"):
        assert name in names


@pytest.mark.parametrize(("name", "role", "page"), [
    ("torch.nn.functional.cross_entropy", "py:function",
     "generated/torch.nn.functional.cross_entropy.html"),
    ("torch.nn.CrossEntropyLoss", "py:class", "generated/torch.nn.CrossEntropyLoss.html"),
    ("torch.Tensor", "py:class", "tensors.html#torch.Tensor"),
    ("torch.float64", "py:data", "tensor_attributes.html#torch.dtype"),
    ("torch.autograd.gradcheck", "py:function",
     "generated/torch.autograd.gradcheck.gradcheck.html"),
])
def test_each_name_has_its_kind_and_page(name, role, page):
    assert stored()[name] == (role, torch_inventory.DOCS + page)


def test_a_name_torch_does_not_have_is_left_out():
    assert torch_inventory.resolve("torch.not_a_function") is None
    assert torch_inventory.resolve("torch.nn.functional.cross_entropy") is not None
