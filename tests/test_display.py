"""fmt and show: the one way numbers are printed."""

import numpy as np
import pytest
import torch

import lossutils as lu


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1 / 3, "0.3333"),
        (torch.tensor(2.0, dtype=torch.float32), "2.0000"),
        (torch.tensor(-1e-9), "0.0000"),  # no "-0.0000"
        (np.float32(0.5), "0.5000"),
        (7, "7.0000"),
    ],
)
def test_scalars_at_fixed_precision(value, expected):
    assert lu.fmt(value) == expected


def test_tensors_and_arrays_are_lists_at_fixed_precision():
    assert lu.fmt(torch.tensor([[1.0, 2.0], [3.0, -0.0]]), digits=1) == "[[1.0, 2.0],\n [3.0, 0.0]]"
    assert lu.fmt([0.25, 0.75], digits=2) == "[0.25, 0.75]"


def test_gradient_carrying_tensor_is_formatted_without_grad_fn():
    x = torch.tensor(1.5, requires_grad=True)
    assert lu.fmt(x * 2) == "3.0000"


def test_float32_noise_below_the_precision_does_not_change_the_text():
    exact = torch.tensor(0.1, dtype=torch.float64)
    noisy = exact.float() + 3e-8
    assert lu.fmt(exact) == lu.fmt(noisy)


def test_show_prints_label_and_value(capsys):
    lu.show("cost", torch.tensor([1.0, 2.0]).mean(), digits=2)
    assert capsys.readouterr().out == "cost: 1.50\n"


@pytest.mark.parametrize("bad", ["1.0", True, None])
def test_non_numbers_are_refused(bad):
    with pytest.raises(TypeError):
        lu.fmt(bad)


def test_negative_digits_are_refused():
    with pytest.raises(ValueError, match="digits"):
        lu.fmt(1.0, digits=-1)
