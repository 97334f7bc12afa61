"""Checking a lossutils loss against its PyTorch module, in a lab.

The tests compare every loss with torch in float64 over many shapes and options; this
is the small, readable version a lab runs on its own data to show the agreement.
"""

from __future__ import annotations

from collections.abc import Callable

from torch import Tensor, nn

__all__ = ["compare_with_torch"]


def compare_with_torch(
    ours: Callable[..., Tensor],
    theirs: type[nn.Module],
    input: Tensor,
    target: Tensor,
    *,
    reductions: tuple[str, ...] = ("none", "mean", "sum"),
) -> dict[str, tuple[Tensor, Tensor]]:
    """Largest absolute differences between ``ours`` and the torch module ``theirs``.

    For each reduction, returns ``(value_gap, gradient_gap)``: the largest
    ``|difference|`` of the losses and of their gradients with respect to ``input``
    (the gradient of the sum of the loss values). Introduced in chapter 5.

    Examples
    --------
    >>> import torch
    >>> from lossutils import mse_loss
    >>> gaps = compare_with_torch(mse_loss, nn.MSELoss, torch.tensor([1.0, 2.0]),
    ...                           torch.tensor([0.0, 4.0]))
    >>> {reduction: [float(gap) for gap in pair] for reduction, pair in gaps.items()}
    {'none': [0.0, 0.0], 'mean': [0.0, 0.0], 'sum': [0.0, 0.0]}
    """
    gaps = {}
    for reduction in reductions:
        ours_input = input.detach().clone().requires_grad_(True)
        torch_input = input.detach().clone().requires_grad_(True)
        value = ours(ours_input, target, reduction=reduction)
        reference = theirs(reduction=reduction)(torch_input, target)
        value.sum().backward()
        reference.sum().backward()
        gaps[reduction] = (
            (value - reference).abs().max().detach(),
            (ours_input.grad - torch_input.grad).abs().max(),
        )
    return gaps
