"""compare_with_torch: the lab's agreement check."""

import torch
from torch import nn

import lossutils as lu


def test_a_matching_loss_has_zero_gaps_for_every_reduction():
    prediction = torch.tensor([0.5, -1.0, 2.0])
    target = torch.tensor([0.0, 1.0, 2.5])
    gaps = lu.compare_with_torch(lu.huber_loss, nn.HuberLoss, prediction, target)
    assert list(gaps) == ["none", "mean", "sum"]
    assert all(float(value) == 0.0 and float(grad) == 0.0 for value, grad in gaps.values())


def test_a_wrong_loss_shows_up_in_value_and_gradient():
    def doubled_mse(input, target, reduction="mean"):
        return 2 * lu.mse_loss(input, target, reduction=reduction)

    prediction = torch.tensor([1.0, 3.0])
    target = torch.tensor([0.0, 1.0])
    (value_gap, grad_gap), = lu.compare_with_torch(
        doubled_mse, nn.MSELoss, prediction, target, reductions=("sum",)
    ).values()
    assert float(value_gap) == 5.0  # losses 1 and 4: sum 5, doubled 10
    assert float(grad_gap) == 4.0  # gradients 2 r: (2, 4), doubled (4, 8)


def test_inputs_are_left_untouched():
    prediction = torch.tensor([1.0, 2.0], requires_grad=True)
    lu.compare_with_torch(lu.l1_loss, nn.L1Loss, prediction, torch.zeros(2))
    assert prediction.grad is None
