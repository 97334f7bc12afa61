"""Input checks and the reduction step shared by every loss (private).

Every loss of :mod:`lossutils` checks its arguments before it computes anything and
raises a ``TypeError``, ``ValueError`` or ``IndexError`` whose message names the
problem: where torch warns and broadcasts a ``(N, 1)`` input against a ``(N,)`` target,
or answers an out-of-range class with an opaque device assert, lossutils stops and
says what is wrong. The helpers return nothing; they only raise.

The reduction is the last line of every loss: the per-sample losses
:math:`L = \\{l_1, \\dots, l_N\\}` become ``mean(L)``, ``sum(L)``, or stay as they are.
A loss whose backward is written from its derivative (a ``torch.autograd.Function``)
starts that backward from :func:`upstream_per_element`, the gradient that the reduction
hands to each :math:`l_n`.

The checks cost little next to the loss: each is a shape comparison, or a min and a max
of a tensor (two passes that only read it, faster on the CPU than one ``aminmax``, and
no boolean tensor written) and one transfer of the verdict to the host; the element
that breaks a rule is looked for only once it is known that one does.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

REDUCTIONS: tuple[str, ...] = ("none", "mean", "sum")


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _shape(tensor: Tensor) -> str:
    return str(tuple(tensor.shape))


def check_reduction(reduction: str, valid: Sequence[str] = REDUCTIONS) -> None:
    """Raise ``ValueError`` unless ``reduction`` is one of ``valid``.

    Examples
    --------
    >>> check_reduction("avg")
    Traceback (most recent call last):
    ...
    ValueError: unknown reduction 'avg': choose one of 'none', 'mean', 'sum'
    """
    if not isinstance(reduction, str) or reduction not in valid:
        raise ValueError(f"unknown reduction {reduction!r}: choose one of {_quoted(valid)}")


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply a reduction to the unreduced loss: ``'none'`` keeps it, ``'mean'``, ``'sum'``.

    Examples
    --------
    >>> reduce(torch.tensor([1.0, 2.0, 6.0]), "mean")
    tensor(3.)
    >>> reduce(torch.tensor([1.0, 2.0, 6.0]), "sum")
    tensor(9.)
    """
    check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def reduce_product(a: Tensor, b: Tensor, reduction: str) -> Tensor:
    """``reduce(a * b, reduction)``; summed, without writing ``a * b`` (a dot product).

    ``a`` and ``b`` have the same shape. The mean and the sum of the product are taken
    in one pass over ``a`` and ``b``, as :func:`torch.dot`, instead of one pass to write
    the products and another to add them up.

    Examples
    --------
    >>> r = torch.tensor([1.0, -2.0, 3.0])
    >>> reduce_product(r, r, "mean"), reduce_product(r, r, "none")
    (tensor(4.6667), tensor([1., 4., 9.]))
    """
    check_reduction(reduction)
    if reduction == "none":
        return a * b
    total = torch.dot(a.reshape(-1), b.reshape(-1))
    return total / a.numel() if reduction == "mean" else total


def upstream_per_element(grad: Tensor, reduction: str, count: int) -> Tensor:
    r"""The gradient the reduction hands to each unreduced loss :math:`l_n`.

    ``grad`` is the gradient of the reduced loss :math:`\ell`; with ``count`` losses,
    :math:`\partial \ell / \partial l_n` is ``grad / count`` for ``'mean'`` and ``grad``
    for ``'sum'`` (a scalar either way, broadcast by the caller); for ``'none'``,
    ``grad`` already holds one value per loss.

    Examples
    --------
    >>> upstream_per_element(torch.tensor(1.0), "mean", 4)
    tensor(0.2500)
    """
    return grad / count if reduction == "mean" else grad


def check_tensor(value: object, name: str, caller: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a ``torch.Tensor``."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{caller}: {name} must be a torch.Tensor, got {type(value).__name__}")


def check_floating(value: object, name: str, caller: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a floating-point tensor.

    Examples
    --------
    >>> check_floating(torch.tensor([1, 2]), "input", "mse_loss")
    Traceback (most recent call last):
    ...
    TypeError: mse_loss: input must be a floating-point tensor, got torch.int64 (use .float())
    """
    check_tensor(value, name, caller)
    if not value.is_floating_point():
        raise TypeError(
            f"{caller}: {name} must be a floating-point tensor, got {value.dtype} (use .float())"
        )


def check_same_shape(
    input: Tensor, target: Tensor, caller: str, names: tuple[str, str] = ("input", "target")
) -> None:
    """Raise ``ValueError`` naming both shapes unless ``input`` and ``target`` match.

    torch only warns and broadcasts, so that a ``(N, 1)`` prediction against a ``(N,)``
    target silently becomes an ``(N, N)`` loss.

    Examples
    --------
    >>> check_same_shape(torch.zeros(3, 1), torch.zeros(3), "mse_loss")
    Traceback (most recent call last):
    ...
    ValueError: mse_loss: input of shape (3, 1) and target of shape (3,) must have the same shape
    """
    if input.shape != target.shape:
        raise ValueError(
            f"{caller}: {names[0]} of shape {_shape(input)} and {names[1]} of shape "
            f"{_shape(target)} must have the same shape"
        )


def check_broadcasts_to(value: Tensor, shape: torch.Size, name: str, caller: str) -> None:
    """Raise ``ValueError`` unless ``value`` broadcasts to ``shape`` without enlarging it."""
    try:
        broadcast = torch.broadcast_shapes(value.shape, shape)
    except RuntimeError:
        broadcast = None
    if broadcast != shape:
        raise ValueError(
            f"{caller}: {name} of shape {_shape(value)} does not broadcast to the input's "
            f"shape {tuple(shape)}"
        )


def check_in_range(
    value: Tensor, name: str, caller: str, low: float = 0.0, high: float = 1.0
) -> None:
    """Raise ``ValueError`` if an element of ``value`` lies outside ``[low, high]``.

    Examples
    --------
    >>> check_in_range(torch.tensor([0.5, 1.5]), "input", "binary_cross_entropy")
    Traceback (most recent call last):
    ...
    ValueError: binary_cross_entropy: input must lie in [0, 1], found 1.5
    """
    if value.numel() == 0:
        return
    smallest, largest = value.amin(), value.amax()  # read only; the verdict is one transfer
    if bool((smallest < low) | (largest > high)):
        outside = (value < low) | (value > high)
        first = value[outside].flatten()[0].item()
        raise ValueError(f"{caller}: {name} must lie in [{low:g}, {high:g}], found {first:g}")


def check_class_indices(target: Tensor, num_classes: int, ignore_index: int, caller: str) -> None:
    """Raise ``TypeError`` for a non-integer target, ``IndexError`` for a class out of range.

    A valid class index lies in ``0 .. num_classes - 1``; ``ignore_index`` is allowed too.

    Examples
    --------
    >>> check_class_indices(torch.tensor([0, 7]), 5, -100, "nll_loss")
    Traceback (most recent call last):
    ...
    IndexError: nll_loss: class index 7 is out of range for 5 classes (valid: 0 to 4, \
or ignore_index=-100)
    """
    check_tensor(target, "target", caller)
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(
            f"{caller}: class-index targets must be an integer tensor, got {target.dtype} "
            "(use .long(); class probabilities go to cross_entropy with the input's shape)"
        )
    if target.numel() == 0:
        return
    # the smallest and largest class, ignore_index counted as class 0; one transfer
    classes = torch.where(target == ignore_index, 0, target)
    smallest, largest = classes.amin(), classes.amax()
    if not bool((smallest < 0) | (largest >= num_classes)):
        return
    valid = ((target >= 0) & (target < num_classes)) | (target == ignore_index)
    if not valid.all():  # (with no class at all, every target may still be ignored)
        first = target[~valid].flatten()[0].item()
        raise IndexError(
            f"{caller}: class index {first} is out of range for {num_classes} classes "
            f"(valid: 0 to {num_classes - 1}, or ignore_index={ignore_index})"
        )


def check_class_weight(weight: Tensor | None, num_classes: int, caller: str) -> None:
    """Raise unless ``weight`` is ``None`` or a floating 1-D tensor with one entry per class."""
    if weight is None:
        return
    check_floating(weight, "weight", caller)
    if weight.shape != (num_classes,):
        raise ValueError(
            f"{caller}: weight must have one entry per class, shape ({num_classes},), "
            f"got shape {_shape(weight)}"
        )


def check_probability(value: float, name: str, caller: str) -> None:
    """Raise ``ValueError`` unless the number ``value`` lies in ``[0, 1]``."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{caller}: {name} must be a number in [0, 1], got {value!r}")


def check_dim(dim: object, caller: str) -> None:
    """Raise ``TypeError`` unless ``dim`` is an ``int`` (torch would guess it when ``None``)."""
    if dim is None:
        raise TypeError(
            f"{caller}() needs dim, the dimension to normalise over, e.g. dim=-1 for "
            "(N, C) logits; torch guesses it when omitted (deprecated), lossutils does not"
        )
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{caller}: dim must be an int, got {type(dim).__name__}")
