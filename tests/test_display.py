"""fmt and show: the one way numbers are printed."""

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

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


@pytest.mark.parametrize("value", [-3e-5, -4.9e-5, torch.tensor(-3e-5), np.float32(-3e-5)])
def test_a_negative_number_that_rounds_to_zero_prints_without_its_sign(value):
    assert lu.fmt(value) == "0.0000"
    assert lu.fmt(torch.tensor([value, 1.0]) if not isinstance(value, np.floating)
                  else [value, 1.0]) == "[0.0000, 1.0000]"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.integers(min_value=0, max_value=6))
@example(0.000149996, 4)  # rounded to 5 digits first, 0.00015, it would print 0.0002
@example(-0.0000496, 4)
def test_fmt_rounds_once_to_the_nearest(value, digits):
    """What fmt prints is the value rounded once: within half a unit of the last digit
    (rounding twice, first to one digit more, can land a whole half unit away), and
    negative only if it is below zero as printed."""
    text = lu.fmt(value, digits)
    printed = float(text)
    assert abs(printed - value) <= 0.5 * 10.0**-digits * (1 + 1e-9) + 1e-9 * abs(value), text
    assert not text.startswith("-") or printed < 0, text
    assert len(text.split(".")[1]) == digits if digits else "." not in text
