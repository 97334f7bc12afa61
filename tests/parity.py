"""The torch-parity check shared by the loss tests: torch is the oracle."""

import torch

RTOL, ATOL = 1e-10, 1e-12


def matches_torch(ours, theirs, tensors, differentiable, **options):
    """Call both functions on fresh leaves of ``tensors``; compare values and gradients.

    ``differentiable`` lists the positions of the tensors whose gradients are compared.
    The upstream gradient is not all ones, so a wrong reduction weight cannot hide.
    """

    def run(function):
        leaves = [
            t.detach().clone().requires_grad_(i in differentiable) for i, t in enumerate(tensors)
        ]
        value = function(*leaves, **options)
        upstream = torch.linspace(0.5, 1.5, value.numel(), dtype=value.dtype).reshape(value.shape)
        grads = torch.autograd.grad(value, [leaves[i] for i in differentiable], upstream)
        return value, grads

    value, grads = run(ours)
    expected_value, expected_grads = run(theirs)
    assert value.shape == expected_value.shape
    assert value.dtype == expected_value.dtype
    torch.testing.assert_close(value, expected_value, rtol=RTOL, atol=ATOL, equal_nan=True)
    for grad, expected in zip(grads, expected_grads, strict=True):
        torch.testing.assert_close(grad, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
