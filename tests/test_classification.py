"""The classification losses against torch, the oracle: values and gradients in float64."""

import pytest
import torch

import lossutils as lu

REDUCTIONS = ["none", "mean", "sum"]


def test_zero_one_loss_is_one_for_a_mistake():
    predicted = torch.tensor([1, 0, 2, 2, 1])
    true = torch.tensor([1, 1, 2, 0, 1])
    torch.testing.assert_close(
        lu.zero_one_loss(predicted, true, reduction="none"),
        torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0]),
    )
    assert lu.zero_one_loss(predicted, true).item() == pytest.approx(2 / 5)
    assert lu.zero_one_loss(predicted, true, reduction="sum").item() == 2.0


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_zero_one_loss_counts_mistakes(reduction):
    generator = torch.Generator().manual_seed(0)
    predicted = torch.randint(0, 3, (4, 5), generator=generator)
    true = torch.randint(0, 3, (4, 5), generator=generator)
    mistakes = (predicted != true).float()
    expected = {"none": mistakes, "mean": mistakes.mean(), "sum": mistakes.sum()}[reduction]
    torch.testing.assert_close(lu.zero_one_loss(predicted, true, reduction), expected)


def test_zero_one_loss_accepts_bool_and_float_labels():
    assert lu.zero_one_loss(torch.tensor([True, False]), torch.tensor([True, True])).item() == 0.5
    assert lu.zero_one_loss(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0])).item() == 0.0


def test_zero_one_loss_of_a_perfect_prediction_is_zero_and_carries_no_gradient():
    labels = torch.tensor([3, 1, 4])
    loss = lu.zero_one_loss(labels, labels)
    assert loss.item() == 0.0
    assert not loss.requires_grad
