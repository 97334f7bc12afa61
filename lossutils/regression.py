r"""Regression losses: how far a predicted number lies from the true one.

Each loss compares a prediction :math:`\hat y_n` (``input``) with a target :math:`y_n`
(``target``) through the residual :math:`r_n = y_n - \hat y_n`, and has the name,
signature, defaults and semantics of its ``torch.nn.functional`` namesake. Two are the
course's own: :func:`squared_loss`, the lesson's per-sample :math:`(F(x) - f(x))^2`,
and :func:`mae_loss`, the lesson's name for :func:`l1_loss`.

Each loss computes its forward from the formula its docstring states, and its backward
from the derivative the docstring states too (a :class:`torch.autograd.Function`): left
to autograd, the backward of ``(target - input) ** 2`` alone runs one kernel for each of
the subtraction, the power and the mean, several passes over memory where the derivative
:math:`-2 r_n / N` needs one. The backward is written with differentiable operations on
the inputs, so a second derivative (``create_graph=True``) works as well.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ._validation import (
    check_floating,
    check_reduction,
    check_same_shape,
    reduce,
    reduce_product,
    upstream_per_element,
)

__all__ = [
    "huber_loss",
    "l1_loss",
    "mae_loss",
    "mse_loss",
    "smooth_l1_loss",
    "squared_loss",
]


def _check_regression(input: Tensor, target: Tensor, reduction: str, caller: str) -> None:
    check_floating(input, "input", caller)
    check_floating(target, "target", caller)
    check_same_shape(input, target, caller)
    check_reduction(reduction)


class _MSELoss(torch.autograd.Function):
    r""":math:`l_n = r_n^2`, :math:`r_n = y_n - \hat y_n`; backward :math:`-2 r_n` (and
    :math:`+2 r_n` for the target), times the reduction's gradient."""

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        residual = target - input
        return reduce_product(residual, residual, reduction)  # the mean (or sum) of r_n^2

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        residual = target - input
        upstream = upstream_per_element(grad, ctx.reduction, residual.numel())
        grad_input = residual * (-2 * upstream)  # d l_n / d input_n = -2 r_n
        grad_target = -grad_input if ctx.needs_input_grad[1] else None
        return grad_input, grad_target, None


class _L1Loss(torch.autograd.Function):
    r""":math:`l_n = |r_n|`; backward :math:`-\operatorname{sign}(r_n)` (0 at
    :math:`r_n = 0`, as torch), times the reduction's gradient."""

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        residual = target - input
        return reduce(residual.abs(), reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        sign = (target - input).sign()
        upstream = upstream_per_element(grad, ctx.reduction, sign.numel())
        grad_input = sign * -upstream  # d l_n / d input_n = -sign(r_n)
        grad_target = -grad_input if ctx.needs_input_grad[1] else None
        return grad_input, grad_target, None


class _HuberLoss(torch.autograd.Function):
    r""":math:`l_n = s \, c_n (r_n - c_n / 2)` with the clipped residual
    :math:`c_n = \operatorname{clamp}(r_n, -\delta, \delta)`; backward :math:`-s \, c_n`.

    :math:`s = 1` is :func:`huber_loss`, :math:`s = 1 / \beta` with
    :math:`\delta = \beta` is :func:`smooth_l1_loss`.
    """

    @staticmethod
    def forward(ctx, input, target, reduction, delta, scale):
        residual = target - input
        clipped = residual.clamp(-delta, delta)
        ctx.save_for_backward(input, target, clipped)
        ctx.reduction, ctx.delta, ctx.scale = reduction, delta, scale
        # c (r - c/2) = c r - c^2 / 2: r^2 / 2 inside [-delta, delta], delta (|r| - delta / 2)
        # beyond; summed as two dot products, which write no tensor of losses
        loss = (
            reduce_product(clipped, residual, reduction)
            - reduce_product(clipped, clipped, reduction) / 2
        )
        return loss if scale == 1 else scale * loss

    @staticmethod
    def backward(ctx, grad):
        input, target, clipped = ctx.saved_tensors
        if torch.is_grad_enabled():  # a second derivative: c must depend on the inputs
            clipped = (target - input).clamp(-ctx.delta, ctx.delta)
        upstream = upstream_per_element(grad, ctx.reduction, clipped.numel())
        grad_input = clipped * (-ctx.scale * upstream)  # d l_n / d input_n = -s c_n
        grad_target = -grad_input if ctx.needs_input_grad[1] else None
        return grad_input, grad_target, None, None, None


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    r"""Mean squared error (squared L2 norm) between each prediction and its target.

    The unreduced loss (``reduction='none'``) is

    .. math::
        \ell(\hat y, y) &= L = \{l_1, \dots, l_N\}^{\mathsf{T}}, \\
        l_n &= (y_n - \hat y_n)^2,

    and the reduced loss

    .. math::
        \ell(\hat y, y) = \begin{cases}
            \operatorname{mean}(L) = \frac{1}{N} \sum_{n=1}^{N} l_n,
                & \text{if reduction} = \text{'mean'} \\
            \operatorname{sum}(L) = \sum_{n=1}^{N} l_n, & \text{if reduction} = \text{'sum'}
        \end{cases}

    where :math:`N` counts every element, whatever the shape.

    Parameters
    ----------
    input : Tensor
        The predictions :math:`\hat y`, floating point.
    target : Tensor
        The targets :math:`y`, same shape as ``input``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ (torch would warn and broadcast) or ``reduction`` is unknown.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    Squaring punishes large residuals much more than small ones, so a few outliers can
    dominate the mean. The gradient with respect to :math:`\hat y_n` is
    :math:`-2 r_n / N` for the mean: it shrinks as the prediction nears its target. The
    backward is this formula, and the mean is taken without writing the squares (a dot
    product of the residuals with themselves).

    See Also
    --------
    torch.nn.functional.mse_loss : the torch equivalent.
    squared_loss : the per-sample loss of the lesson, with an optional 1/2 factor.

    Examples
    --------
    >>> mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    tensor(2.)
    >>> mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]), reduction="none")
    tensor([0., 4.])
    """
    _check_regression(input, target, reduction, "mse_loss")
    return _MSELoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error (L1 norm) between each prediction and its target.

    The unreduced loss (``reduction='none'``) is

    .. math::
        \ell(\hat y, y) &= L = \{l_1, \dots, l_N\}^{\mathsf{T}}, \\
        l_n &= \left| y_n - \hat y_n \right|,

    and the reduced loss :math:`\operatorname{mean}(L)` if ``reduction='mean'``,
    :math:`\operatorname{sum}(L)` if ``reduction='sum'``.

    Parameters
    ----------
    input : Tensor
        The predictions :math:`\hat y`, floating point.
    target : Tensor
        The targets :math:`y`, same shape as ``input``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ (torch would warn and broadcast) or ``reduction`` is unknown.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    The gradient with respect to :math:`\hat y_n` is :math:`-\operatorname{sign}(r_n)`
    (divided by :math:`N` for the mean): the same size for every residual, so outliers
    weigh no more than other points. At :math:`r_n = 0` the loss has a kink; the
    backward, this formula, uses :math:`\operatorname{sign}(0) = 0` there, as torch does.

    See Also
    --------
    torch.nn.functional.l1_loss : the torch equivalent.
    mae_loss : the same loss under the lesson's name.

    Examples
    --------
    >>> l1_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    tensor(1.)
    """
    _check_regression(input, target, reduction, "l1_loss")
    return _L1Loss.apply(input, target, reduction)


def mae_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error: the lesson's name for :func:`l1_loss`, an alias.

    Same signature, defaults, checks and result as :func:`l1_loss`:
    :math:`l_n = \left| y_n - \hat y_n \right|`, then the reduction.

    See Also
    --------
    l1_loss : the documented loss.
    torch.nn.functional.l1_loss : the torch equivalent.

    Examples
    --------
    >>> mae_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    tensor(1.)
    """
    _check_regression(input, target, reduction, "mae_loss")
    return l1_loss(input, target, reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0
) -> Tensor:
    r"""Huber loss: squared for residuals up to ``delta``, linear beyond.

    The unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = \begin{cases}
            \frac{1}{2} r_n^2, & \text{if } |r_n| < \delta \\
            \delta \left( |r_n| - \frac{1}{2} \delta \right), & \text{otherwise}
        \end{cases}
        \qquad r_n = y_n - \hat y_n,

    and the reduced loss :math:`\operatorname{mean}(L)` if ``reduction='mean'``,
    :math:`\operatorname{sum}(L)` if ``reduction='sum'``.

    Parameters
    ----------
    input : Tensor
        The predictions :math:`\hat y`, floating point.
    target : Tensor
        The targets :math:`y`, same shape as ``input``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.
    delta : float, default 1.0
        The residual size :math:`\delta > 0` where the loss turns from squared to linear.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ, ``reduction`` is unknown or ``delta`` is not positive.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    The code writes both pieces as one, without a branch: with the clipped residual
    :math:`c_n = \operatorname{clamp}(r_n, -\delta, \delta)`,
    :math:`l_n = c_n (r_n - c_n / 2)`, which is :math:`\frac{1}{2} r_n^2` where
    :math:`c_n = r_n` and :math:`\delta (|r_n| - \frac{1}{2} \delta)` where
    :math:`c_n = \pm \delta`. Both pieces and their slopes meet at
    :math:`|r_n| = \delta`, so the loss is smooth; its gradient with respect to
    :math:`\hat y_n` is :math:`-c_n`, that is :math:`-r_n` inside and
    :math:`-\delta \operatorname{sign}(r_n)` outside: an outlier pulls no harder than
    :math:`\delta`. The backward is this formula. It equals
    ``delta * smooth_l1_loss(..., beta=delta)``.

    See Also
    --------
    torch.nn.functional.huber_loss : the torch equivalent.
    smooth_l1_loss : the same shape, scaled by :math:`1 / \delta`.

    Examples
    --------
    >>> huber_loss(torch.tensor([0.0, 0.0]), torch.tensor([0.5, 3.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    _check_regression(input, target, reduction, "huber_loss")
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta!r}")
    return _HuberLoss.apply(input, target, reduction, float(delta), 1.0)


def smooth_l1_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    r"""Smooth L1 loss: squared (scaled by :math:`1/\beta`) near zero, absolute beyond.

    The unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = \begin{cases}
            \frac{1}{2} r_n^2 / \beta, & \text{if } |r_n| < \beta \\
            |r_n| - \frac{1}{2} \beta, & \text{otherwise}
        \end{cases}
        \qquad r_n = y_n - \hat y_n,

    and the reduced loss :math:`\operatorname{mean}(L)` if ``reduction='mean'``,
    :math:`\operatorname{sum}(L)` if ``reduction='sum'``. With :math:`\beta = 0` it is
    :func:`l1_loss`, as in torch.

    Parameters
    ----------
    input : Tensor
        The predictions :math:`\hat y`, floating point.
    target : Tensor
        The targets :math:`y`, same shape as ``input``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.
    beta : float, default 1.0
        The residual size :math:`\beta \ge 0` where the loss turns from squared to linear.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ, ``reduction`` is unknown or ``beta`` is negative.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    Unlike :func:`huber_loss`, the linear part has slope 1 whatever :math:`\beta`, and
    the squared part gets steeper as :math:`\beta` shrinks; at :math:`\beta = 0` no
    squared part is left and the loss is :func:`l1_loss` (no division by zero happens).
    The code writes both pieces as one, without a branch:
    :math:`l_n = c_n (r_n - c_n / 2) / \beta` with the clipped residual
    :math:`c_n = \operatorname{clamp}(r_n, -\beta, \beta)`, and the backward is its
    derivative with respect to :math:`\hat y_n`, :math:`-c_n / \beta`.

    See Also
    --------
    torch.nn.functional.smooth_l1_loss : the torch equivalent.
    huber_loss : the same shape, scaled by :math:`\delta`.

    Examples
    --------
    >>> smooth_l1_loss(torch.tensor([0.0, 0.0]), torch.tensor([0.5, 3.0]), reduction="none")
    tensor([0.1250, 2.5000])
    >>> smooth_l1_loss(torch.tensor([0.0]), torch.tensor([0.5]), beta=0.0)
    tensor(0.5000)
    """
    _check_regression(input, target, reduction, "smooth_l1_loss")
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta!r}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    return _HuberLoss.apply(input, target, reduction, float(beta), 1.0 / beta)


def squared_loss(input: Tensor, target: Tensor, *, half: bool = False) -> Tensor:
    r"""The lesson's squared loss of each sample, :math:`(F(x) - f(x))^2`, unreduced.

    With the prediction :math:`\hat y_i = f(x_i)` (``input``) and the true value
    :math:`y_i = F(x_i)` (``target``),

    .. math::
        \ell_i = (y_i - \hat y_i)^2
        \quad \text{or, with } \texttt{half=True}, \quad
        \ell_i = \tfrac{1}{2} (y_i - \hat y_i)^2 .

    Nothing is averaged: this is the loss of each sample. Its mean over the samples is
    the cost :math:`J = \frac{1}{N} \sum_{i=1}^{N} \ell_i`, which is :func:`mse_loss`
    (without the 1/2).

    Parameters
    ----------
    input : Tensor
        The predictions :math:`\hat y_i = f(x_i)`, floating point.
    target : Tensor
        The true values :math:`y_i = F(x_i)`, same shape as ``input``.
    half : bool, default False
        Multiply by 1/2, so that the derivative :math:`-(y_i - \hat y_i)` carries no
        factor 2. Keyword only: torch's losses never hide this factor.

    Returns
    -------
    Tensor
        The per-sample losses, same shape as ``input``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: :math:`(*)`, same shape as the input.

    Notes
    -----
    The 1/2 changes neither where the minimum lies nor the direction of the gradient,
    only its size, which the learning rate absorbs.

    See Also
    --------
    mse_loss : the mean of this loss over the samples (without the 1/2).
    torch.nn.functional.mse_loss : with ``reduction='none'``, the torch equivalent.

    Examples
    --------
    >>> squared_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    tensor([0., 4.])
    >>> squared_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]), half=True)
    tensor([0., 2.])
    """
    check_floating(input, "input", "squared_loss")
    check_floating(target, "target", "squared_loss")
    check_same_shape(input, target, "squared_loss")
    residual = target - input
    factor = 0.5 if half else 1.0
    return factor * residual**2
