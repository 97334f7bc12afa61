"""Bad input raises before anything is computed, with a message that names the problem.

torch often warns and carries on (a ``(N, 1)`` input broadcast against a ``(N,)`` target)
or fails deep inside a kernel; lossutils is stricter. Each case below is one bad input.
"""

import pytest
import torch

import lossutils as lu
from lossutils._validation import reduce

REGRESSION = [lu.mse_loss, lu.l1_loss, lu.mae_loss, lu.huber_loss, lu.smooth_l1_loss]


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss, lu.zero_one_loss])
def test_shape_mismatch_names_both_shapes(loss):
    # torch: a UserWarning, then a (3, 3) loss from broadcasting
    with pytest.raises(ValueError, match=r"input of shape \(3, 1\) and target of shape \(3,\)"):
        loss(torch.zeros(3, 1), torch.zeros(3))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.zero_one_loss])
def test_unknown_reduction_lists_the_valid_ones(loss):
    with pytest.raises(ValueError, match="unknown reduction 'avg': choose one of 'none', 'mean'"):
        loss(torch.zeros(3), torch.zeros(3), reduction="avg")


def test_reduce_rejects_an_unknown_reduction():
    with pytest.raises(ValueError, match="'batchmean'"):
        reduce(torch.zeros(2), "batchmean")


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss])
def test_integer_input_is_a_type_error(loss):
    with pytest.raises(TypeError, match=r"input must be a floating-point tensor, got torch.int64"):
        loss(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss])
def test_integer_target_is_a_type_error(loss):
    with pytest.raises(TypeError, match=r"target must be a floating-point tensor, got torch.int64"):
        loss(torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss, lu.zero_one_loss])
def test_a_list_is_not_a_tensor(loss):
    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        loss([1.0, 2.0], torch.tensor([1.0, 2.0]))


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan")])
def test_huber_delta_must_be_positive(delta):
    with pytest.raises(ValueError, match="delta must be positive"):
        lu.huber_loss(torch.zeros(2), torch.zeros(2), delta=delta)


def test_smooth_l1_beta_must_not_be_negative():
    with pytest.raises(ValueError, match="beta must be non-negative, got -0.5"):
        lu.smooth_l1_loss(torch.zeros(2), torch.zeros(2), beta=-0.5)
