r"""Information theory for losses: softmax, log-sum-exp, entropy and the KL divergence.

:func:`softmax` turns logits :math:`z_c` into a distribution :math:`q`, :func:`entropy`
measures the uncertainty of a distribution :math:`p`, and :func:`kl_div` how far
:math:`q` lies from :math:`p`. They have the names, signatures, defaults and semantics of
their ``torch`` namesakes, except that ``dim`` is required where torch would guess it;
:func:`entropy` is the course's own.

Every exponential here is taken after the max shift
:math:`z_c - \max_k z_k`, so that no term exceeds :math:`e^0 = 1`: logits of
:math:`\pm 10^4` in float32 stay finite.

:func:`softmax`, :func:`log_softmax` and :func:`logsumexp` compute their forward from
the formula in their docstring and their backward from its derivative (a
:class:`torch.autograd.Function`), written with differentiable operations so that a
second derivative works too; autograd would otherwise run the backward of every step of
the max shift, the exponential, the sum and the log.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from ._validation import (
    check_dim,
    check_floating,
    check_in_range,
    check_reduction,
    check_same_shape,
    reduce,
)

__all__ = [
    "entropy",
    "kl_div",
    "log_softmax",
    "logsumexp",
    "softmax",
]


#: :math:`\log_2 e`, so that :math:`e^x = 2^{x \log_2 e}`.
LOG2_E = 1 / math.log(2)


def _max_shift(input: Tensor, dim: int | tuple[int, ...]) -> Tensor:
    """The max over ``dim`` (kept), with infinities replaced by 0 as torch does.

    The shift is a constant for the derivative: the shifted formulas do not depend on
    it. Over an empty dimension there is no max; the shift is 0 there (the sum of no
    terms, with the kept dimension's shape), and the sum of no exponentials is 0.
    """
    if input.numel() == 0:
        return input.detach().sum(dim=dim, keepdim=True)
    shift = input.detach().amax(dim=dim, keepdim=True)
    return torch.where(shift.isinf(), 0.0, shift)


def _exp(x: Tensor, *, inplace: bool = False) -> Tensor:
    r""":math:`e^x`, computed as :math:`2^{x \log_2 e}`; in place (in a forward) if asked.

    The same number up to float rounding, and on the CPU torch's ``exp2`` kernel is
    several times faster than its ``exp`` (benchmarks/REPORT.md): the exponentials are
    most of the time of a softmax.
    """
    if inplace:
        return x.mul_(LOG2_E).exp2_()
    return (x * LOG2_E).exp2_()  # in place on the new product only: autograd allows it


def _shifted_exponentials(input: Tensor, dim: int | tuple[int, ...]) -> tuple[Tensor, ...]:
    r"""The max shift :math:`m`, :math:`e^{z_c - m}` and :math:`\sum_c e^{z_c - m}` (kept).

    Every term is at most :math:`e^0 = 1` and the sum lies in :math:`[1, C]`. For the
    forward of a :class:`torch.autograd.Function`, where nothing is recorded: the
    exponentials are taken in place (see :func:`_exp`).
    """
    shift = _max_shift(input, dim)
    # z - m first: exact near the max, where z log2 e - m log2 e would round each term
    exp_shifted = _exp(input - shift, inplace=True)
    return shift, exp_shifted, exp_shifted.sum(dim=dim, keepdim=True)


def _keep_dims(reduced: Tensor, dim: int | tuple[int, ...], ndim: int) -> Tensor:
    """``reduced`` with the dimensions ``dim`` of an ``ndim``-dimensional input put back."""
    dims = (dim,) if isinstance(dim, int) else dim
    for d in sorted(d % ndim for d in dims):
        reduced = reduced.unsqueeze(d)
    return reduced


class _Softmax(torch.autograd.Function):
    r""":math:`q_c = e^{z_c - m} / \sum_k e^{z_k - m}`; backward from
    :math:`\partial q_c / \partial z_k = q_c (\mathbf{1}\{c = k\} - q_k)`."""

    @staticmethod
    def forward(ctx, input, dim):
        _, exp_shifted, sum_exp = _shifted_exponentials(input, dim)
        q = exp_shifted.div_(sum_exp)
        ctx.dim = dim
        ctx.save_for_backward(q)
        return q

    @staticmethod
    def backward(ctx, grad):
        (q,) = ctx.saved_tensors
        # dL/dz_k = q_k dL/dq_k - q_k sum_c q_c dL/dq_c
        grad_times_q = grad * q
        total = grad_times_q.sum(dim=ctx.dim, keepdim=True)
        return torch.addcmul(grad_times_q, q, total, value=-1), None


class _LogSoftmax(torch.autograd.Function):
    r""":math:`\log q_c = (z_c - m) - \log \sum_k e^{z_k - m}`; backward from
    :math:`\partial \log q_c / \partial z_k = \mathbf{1}\{c = k\} - q_k`."""

    @staticmethod
    def forward(ctx, input, dim):
        shifted = input - _max_shift(input, dim)
        sum_exp = _exp(shifted).sum(dim=dim, keepdim=True)
        # (z_c - m) - log sum_k e^{z_k - m}: the shift first, so that nothing of z_c - m
        # is lost to the rounding of a large m + log sum
        log_q = shifted.sub_(sum_exp.log())
        ctx.dim = dim
        ctx.save_for_backward(log_q)
        return log_q

    @staticmethod
    def backward(ctx, grad):
        (log_q,) = ctx.saved_tensors
        # dL/dz_k = dL/dlog q_k - q_k sum_c dL/dlog q_c
        total = grad.sum(dim=ctx.dim, keepdim=True)
        return torch.addcmul(grad, _exp(log_q), total, value=-1), None


class _LogSumExp(torch.autograd.Function):
    r""":math:`m + \log \sum_c e^{z_c - m}`; backward from its derivative, the softmax."""

    @staticmethod
    def forward(ctx, input, dim, keepdim):
        shift, exp_shifted, sum_exp = _shifted_exponentials(input, dim)
        result = shift + sum_exp.log()
        ctx.dim, ctx.keepdim = dim, keepdim
        ctx.save_for_backward(input, exp_shifted, sum_exp)
        return result if keepdim else result.squeeze(dim)

    @staticmethod
    def backward(ctx, grad):
        input, exp_shifted, sum_exp = ctx.saved_tensors
        if not ctx.keepdim:
            grad = _keep_dims(grad, ctx.dim, input.dim())
        # d logsumexp / dz_c = q_c = e^{z_c - m} / sum_k e^{z_k - m}, the max-shifted
        # softmax (exp(z - logsumexp(z)) would inherit the rounding of a large logsumexp);
        # for a second derivative computed again from z, so that its derivative reaches z
        if torch.is_grad_enabled():
            return grad * _Softmax.apply(input, ctx.dim), None, None
        return exp_shifted * (grad / sum_exp), None, None


def logsumexp(input: Tensor, dim: int | tuple[int, ...], keepdim: bool = False) -> Tensor:
    r"""Log of the sum of exponentials over ``dim``, computed without overflow.

    .. math::
        \operatorname{logsumexp}(z) = \log \sum_{c} e^{z_c}
        = m + \log \sum_{c} e^{z_c - m}, \qquad m = \max_c z_c .

    Parameters
    ----------
    input : Tensor
        The values :math:`z`, floating point.
    dim : int or tuple of ints
        The dimension(s) to sum over.
    keepdim : bool, default False
        Keep the reduced dimension(s) with size 1.

    Returns
    -------
    Tensor
        ``input`` with ``dim`` reduced.

    Raises
    ------
    TypeError
        If ``input`` is not a floating-point tensor.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Output: :math:`(*)` without ``dim``, or with size 1 there if ``keepdim``.

    Notes
    -----
    After the shift by the max :math:`m` the largest term is :math:`e^0 = 1`, so the sum
    lies in :math:`[1, C]`: no overflow to ``inf``, no ``log(0)``. An infinite max is not
    shifted, so that a row of :math:`-\infty` gives :math:`-\infty`, as in torch. Over
    an empty dimension the sum is 0 and the result :math:`-\infty`, as in torch. The
    gradient is :func:`softmax`, max-shifted, and the backward computes exactly that.

    See Also
    --------
    torch.logsumexp : the torch equivalent.

    Examples
    --------
    >>> logsumexp(torch.tensor([1e4, 1e4]), dim=0)
    tensor(10000.6934)
    >>> torch.tensor([1e4, 1e4]).exp().sum().log()  # the naive formula overflows
    tensor(inf)
    """
    check_floating(input, "input", "logsumexp")
    return _LogSumExp.apply(input, dim, keepdim)


def softmax(input: Tensor, dim: int | None = None, *, dtype: torch.dtype | None = None) -> Tensor:
    r"""Softmax over ``dim``: positive numbers that sum to 1, a distribution :math:`q`.

    .. math::
        S_c = q_c = \frac{e^{z_c}}{\sum_{k=0}^{C-1} e^{z_k}}
        = \frac{e^{z_c - m}}{\sum_{k=0}^{C-1} e^{z_k - m}}, \qquad m = \max_k z_k .

    Parameters
    ----------
    input : Tensor
        The logits :math:`z`, floating point.
    dim : int
        The dimension that sums to 1, for example ``dim=-1`` for ``(N, C)`` logits.
        Required: torch guesses it when omitted (deprecated); lossutils raises.
    dtype : torch.dtype, optional
        Cast ``input`` to this dtype first, as torch does.

    Returns
    -------
    Tensor
        The probabilities, same shape as ``input``.

    Raises
    ------
    TypeError
        If ``dim`` is missing or ``input`` is not a floating-point tensor.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Notes
    -----
    Shifting every logit by the same :math:`m` leaves the ratio unchanged and makes the
    largest exponential :math:`e^0 = 1`: no overflow for large logits. Very negative
    logits may underflow to a probability of exactly 0; use :func:`log_softmax` when the
    log is wanted. The backward is the derivative
    :math:`\partial q_c / \partial z_k = q_c (\mathbf{1}\{c = k\} - q_k)` applied to the
    upstream gradient. Over an empty dimension the result is empty, as in torch.

    See Also
    --------
    torch.nn.functional.softmax : the torch equivalent.
    log_softmax : its logarithm, computed stably.

    Examples
    --------
    >>> softmax(torch.tensor([0.0, 0.0, 0.0, 0.0]), dim=0)
    tensor([0.2500, 0.2500, 0.2500, 0.2500])
    >>> softmax(torch.tensor([1e4, 0.0]), dim=0)
    tensor([1., 0.])
    """
    check_dim(dim, "softmax")
    if dtype is not None:
        input = input.to(dtype)
    check_floating(input, "input", "softmax")
    return _Softmax.apply(input, dim)


def log_softmax(
    input: Tensor, dim: int | None = None, *, dtype: torch.dtype | None = None
) -> Tensor:
    r"""Log of the softmax over ``dim``, computed without overflow or ``log(0)``.

    .. math::
        \log q_c = z_c - \log \sum_{k=0}^{C-1} e^{z_k}
        = (z_c - m) - \log \sum_{k=0}^{C-1} e^{z_k - m}, \qquad m = \max_k z_k .

    Parameters
    ----------
    input : Tensor
        The logits :math:`z`, floating point.
    dim : int
        The dimension of the classes, for example ``dim=-1`` for ``(N, C)`` logits.
        Required: torch guesses it when omitted (deprecated); lossutils raises.
    dtype : torch.dtype, optional
        Cast ``input`` to this dtype first, as torch does.

    Returns
    -------
    Tensor
        The log-probabilities, same shape as ``input``.

    Raises
    ------
    TypeError
        If ``dim`` is missing or ``input`` is not a floating-point tensor.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Notes
    -----
    ``softmax(z).log()`` overflows for large logits and gives :math:`-\infty` where a
    probability underflows to 0. The log-sum-exp form does neither: a logit
    :math:`10^4` below the largest has log-probability :math:`-10^4`, not
    :math:`-\infty`. The backward is the derivative
    :math:`\partial \log q_c / \partial z_k = \mathbf{1}\{c = k\} - q_k` applied to the
    upstream gradient.

    See Also
    --------
    torch.nn.functional.log_softmax : the torch equivalent.
    logsumexp : the normaliser subtracted here.

    Examples
    --------
    >>> log_softmax(torch.tensor([1e4, 0.0]), dim=0)
    tensor([     0., -10000.])
    >>> torch.tensor([1e4, 0.0]).softmax(dim=0).log()  # the naive formula
    tensor([0., -inf])
    """
    check_dim(dim, "log_softmax")
    if dtype is not None:
        input = input.to(dtype)
    check_floating(input, "input", "log_softmax")
    return _LogSoftmax.apply(input, dim)


def entropy(p: Tensor, dim: int = -1, base: float | None = None) -> Tensor:
    r"""Shannon entropy of the distribution(s) :math:`p` along ``dim``.

    .. math::
        H(p) = -\sum_{i} p(x_i) \log p(x_i), \qquad 0 \log 0 = 0,

    in nats with the natural log (default), in bits with ``base=2``.

    Parameters
    ----------
    p : Tensor
        Probabilities in :math:`[0, 1]` that sum to 1 along ``dim``, floating point.
    dim : int, default -1
        The dimension of the outcomes.
    base : float, optional
        The base of the logarithm: ``None`` for :math:`e` (nats), ``2`` for bits.

    Returns
    -------
    Tensor
        ``p`` with ``dim`` reduced.

    Raises
    ------
    TypeError
        If ``p`` is not a floating-point tensor.
    ValueError
        If a probability lies outside :math:`[0, 1]`, or ``base`` is not positive or is 1.

    Shape
    -----
    - Input: :math:`(*, C, *)`, where :math:`*` means any number of dimensions and
      :math:`C` (at ``dim``) the number of outcomes.
    - Output: :math:`(*, *)`, the input without ``dim``.

    Notes
    -----
    An outcome of probability 0 contributes nothing (:math:`p \log p \to 0`), computed
    with ``torch.xlogy`` rather than ``0 * log(0) = nan``. The gradient at
    :math:`p = 0` is :math:`+\infty` and comes out as ``nan``. The sum to 1 is not
    checked. The entropy is largest, :math:`\log C`, for the uniform distribution, and
    0 for a certain outcome.

    See Also
    --------
    torch.distributions.Categorical.entropy : the torch equivalent, in nats.
    kl_div : the extra cost of coding :math:`p` with a code made for :math:`q`.

    Examples
    --------
    >>> entropy(torch.tensor([0.5, 0.5]), base=2)
    tensor(1.)
    >>> entropy(torch.tensor([1.0, 0.0]))
    tensor(0.)
    """
    check_floating(p, "p", "entropy")
    if base is not None and not (base > 0 and base != 1):
        raise ValueError(f"entropy: base must be positive and not 1, got {base!r}")
    check_in_range(p, "p", "entropy")
    nats = -torch.xlogy(p, p).sum(dim=dim) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    return nats if base is None else nats / math.log(base)


def kl_div(
    input: Tensor, target: Tensor, reduction: str = "mean", log_target: bool = False
) -> Tensor:
    r"""Kullback-Leibler divergence of the predicted distribution from the target one.

    With ``input`` the log-probabilities :math:`\log q` and ``target`` the probabilities
    :math:`p` (or :math:`\log p` if ``log_target``), the unreduced loss
    (``reduction='none'``) is, element by element,

    .. math::
        l_n = p_n \left( \log p_n - \log q_n \right), \qquad 0 \log 0 = 0,

    and the reduced loss

    .. math::
        \ell(\log q, p) = \begin{cases}
            \operatorname{sum}(L) / N, & \text{if reduction} = \text{'batchmean'} \\
            \operatorname{mean}(L), & \text{if reduction} = \text{'mean'} \\
            \operatorname{sum}(L), & \text{if reduction} = \text{'sum'}
        \end{cases}

    where :math:`N` is the size of the first dimension (the batch). ``'batchmean'`` is
    the KL divergence :math:`D_{KL}(p \,\|\, q) = \sum_c p_c \log (p_c / q_c)` averaged
    over the batch; ``'mean'`` also divides by the number of classes, as torch does.

    Parameters
    ----------
    input : Tensor
        The log-probabilities :math:`\log q`, for example from :func:`log_softmax`.
    target : Tensor
        The probabilities :math:`p` in :math:`[0, 1]`, or the log-probabilities
        :math:`\log p \le 0` if ``log_target``; same shape as ``input``.
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.
    log_target : bool, default False
        Whether ``target`` holds log-probabilities.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a floating-point tensor.
    ValueError
        If the shapes differ, ``reduction`` is unknown, or a target probability lies
        outside :math:`[0, 1]` (a log-probability above 0).

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar by default. If ``reduction`` is ``'none'``, then :math:`(*)`, same
      shape as the input.

    Notes
    -----
    ``input`` is a log-probability so that it can come from :func:`log_softmax`
    without the overflow of ``softmax(z).log()``. With probability targets,
    :math:`p \log p` uses ``torch.xlogy`` so that :math:`p = 0` contributes 0; with
    ``log_target=True`` the loss is :math:`e^{\log p} (\log p - \log q)`, which needs no
    such care. torch warns that ``'mean'`` is not the KL divergence; lossutils keeps
    torch's value without the warning, and ``'batchmean'`` is what the maths means.

    See Also
    --------
    torch.nn.functional.kl_div : the torch equivalent.

    Examples
    --------
    >>> p = torch.tensor([[0.5, 0.5]])
    >>> kl_div(torch.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")
    tensor(0.1438)
    >>> kl_div(p.log(), p, reduction="batchmean")
    tensor(0.)
    """
    check_floating(input, "input", "kl_div")
    check_floating(target, "target", "kl_div")
    check_same_shape(input, target, "kl_div")
    check_reduction(reduction, ("none", "batchmean", "mean", "sum"))
    if log_target:
        check_in_range(target, "target (log_target=True)", "kl_div", low=-math.inf, high=0.0)
        log_p = target
        pointwise = log_p.exp() * (log_p - input)
    else:
        check_in_range(target, "target", "kl_div")
        p = target
        pointwise = torch.xlogy(p, p) - p * input
    if reduction == "batchmean":
        batch_size = input.shape[0] if input.dim() > 0 else 1
        return pointwise.sum() / batch_size
    return reduce(pointwise, reduction)
