"""The regression losses against torch, the oracle: values and gradients in float64."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from parity import matches_torch

import lossutils as lu

REDUCTIONS = ["none", "mean", "sum"]
PARITY = settings(max_examples=25, deadline=None, database=None, derandomize=True)

shapes = st.lists(st.integers(1, 5), min_size=0, max_size=3).map(tuple)
seeds = st.integers(0, 2**31 - 1)




def prediction_and_target(shape, seed, ties_at=()):
    """Random float64 predictions and targets; some residuals are exactly 0 or a kink."""
    generator = torch.Generator().manual_seed(seed)
    input = 3 * torch.randn(shape, generator=generator, dtype=torch.float64)
    target = 3 * torch.randn(shape, generator=generator, dtype=torch.float64)
    pick = torch.rand(shape, generator=generator, dtype=torch.float64)
    target = torch.where(pick < 0.15, input, target)  # residual exactly 0
    for kink in ties_at:  # residual exactly +-kink, where the piecewise losses switch
        pick = torch.rand(shape, generator=generator, dtype=torch.float64)
        target = torch.where(pick < 0.1, input + kink, target)
        target = torch.where(pick > 0.9, input - kink, target)
    return input, target


CASES = [
    pytest.param(lu.mse_loss, F.mse_loss, {}, id="mse"),
    pytest.param(lu.l1_loss, F.l1_loss, {}, id="l1"),
    pytest.param(lu.mae_loss, F.l1_loss, {}, id="mae"),
    *[
        pytest.param(lu.huber_loss, F.huber_loss, {"delta": d}, id=f"huber-delta{d}")
        for d in (0.5, 1.0, 2.0)
    ],
    *[
        pytest.param(lu.smooth_l1_loss, F.smooth_l1_loss, {"beta": b}, id=f"smooth_l1-beta{b}")
        for b in (0.0, 0.5, 1.0, 2.0)
    ],
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("ours", "theirs", "options"), CASES)
@PARITY
@given(shape=shapes, seed=seeds)
def test_regression_losses_match_torch(ours, theirs, options, reduction, shape, seed):
    kink = options.get("delta", options.get("beta", 0.0))
    input, target = prediction_and_target(shape, seed, ties_at=(kink,) if kink else ())
    matches_torch(
        ours, theirs, (input, target), differentiable=(0, 1), reduction=reduction, **options
    )


@PARITY
@given(shape=shapes, seed=seeds, half=st.booleans())
def test_squared_loss_is_mse_unreduced(shape, seed, half):
    input, target = prediction_and_target(shape, seed)
    factor = 0.5 if half else 1.0

    def expected(input, target):
        return factor * F.mse_loss(input, target, reduction="none")

    matches_torch(lambda i, t: lu.squared_loss(i, t, half=half), expected, (input, target), (0, 1))


def test_float32_stays_float32():
    input, target = torch.tensor([1.0, 2.0]), torch.tensor([1.5, 0.0])
    for loss in (lu.mse_loss, lu.l1_loss, lu.huber_loss, lu.smooth_l1_loss, lu.squared_loss):
        assert loss(input, target).dtype == torch.float32


def test_worked_values():
    input, target = torch.tensor([0.0, 0.0, 0.0]), torch.tensor([0.5, -2.0, 4.0])
    assert lu.mse_loss(input, target).item() == pytest.approx((0.25 + 4 + 16) / 3)
    assert lu.l1_loss(input, target, reduction="sum").item() == pytest.approx(6.5)
    # huber: 0.5 * 0.25, 1 * (2 - 0.5), 1 * (4 - 0.5)
    assert lu.huber_loss(input, target, reduction="sum").item() == pytest.approx(5.125)
    # smooth L1 with beta = 2: 0.5 * 0.25 / 2, 2 - 1, 4 - 1
    assert lu.smooth_l1_loss(input, target, reduction="sum", beta=2.0).item() == pytest.approx(
        4.0625
    )


def test_huber_is_delta_times_smooth_l1():
    input, target = prediction_and_target((20,), seed=3)
    for delta in (0.3, 1.0, 4.0):
        torch.testing.assert_close(
            lu.huber_loss(input, target, delta=delta),
            delta * lu.smooth_l1_loss(input, target, beta=delta),
        )


def test_smooth_l1_with_beta_zero_is_l1():
    input, target = prediction_and_target((10,), seed=4)
    assert torch.equal(lu.smooth_l1_loss(input, target, beta=0.0), lu.l1_loss(input, target))


def test_half_factor_cancels_in_the_gradient():
    input = torch.tensor([1.0, -2.0], requires_grad=True)
    target = torch.tensor([3.0, 0.0])
    lu.squared_loss(input, target, half=True).sum().backward()
    torch.testing.assert_close(input.grad, input.detach() - target)  # no factor 2 left


def test_mae_loss_is_an_alias_of_l1_loss():
    input, target = prediction_and_target((2, 3), seed=5)
    for reduction in REDUCTIONS:
        assert torch.equal(
            lu.mae_loss(input, target, reduction), lu.l1_loss(input, target, reduction)
        )
    assert "l1_loss" in lu.mae_loss.__doc__
