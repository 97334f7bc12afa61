r"""Classification losses: how wrong a predicted class, or distribution over classes, is.

The losses with a ``torch.nn.functional`` namesake have its name, signature, defaults and
semantics: :func:`nll_loss` and :func:`cross_entropy` for :math:`C` classes (logits
:math:`z_{n,c}`, predicted probabilities :math:`q_{n,c} = S_c(z_n)`),
:func:`binary_cross_entropy` and :func:`binary_cross_entropy_with_logits` for one
yes/no question per element. :func:`zero_one_loss` is the course's own: it counts the
mistakes of predicted labels, and has no useful gradient.

:func:`cross_entropy` and :func:`binary_cross_entropy_with_logits` compute their forward
from the formula in their docstring and their backward from its derivative (a
:class:`torch.autograd.Function`): :math:`(q - p)` times the weights for the
cross-entropy, :math:`\sigma(z) - y` for the binary one. The backward is written with
differentiable operations, so that a second derivative works too. The cross-entropy with
class indices never writes the :math:`(N, C)` matrix of log-probabilities: each term
needs :math:`\log q` only at the true class, or a weighted sum over the classes.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ._validation import (
    check_broadcasts_to,
    check_class_indices,
    check_class_weight,
    check_floating,
    check_in_range,
    check_probability,
    check_reduction,
    check_same_shape,
    check_tensor,
    reduce,
    reduce_product,
    upstream_per_element,
)
from .information import _exp, _LogSoftmax, _max_shift, _Softmax

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "zero_one_loss",
]

LOG_FLOOR = -100.0  # torch clamps the logs of binary_cross_entropy here


def _class_dim(input: Tensor) -> int:
    """Where the classes are: dimension 1 of ``(N, C, d1, ..., dK)``, or 0 of ``(C,)``."""
    return 0 if input.dim() == 1 else 1


def _index_target_shape(input: Tensor) -> torch.Size:
    """The shape of a class-index target: the input's shape without the class dimension."""
    class_dim = _class_dim(input)
    return input.shape[:class_dim] + input.shape[class_dim + 1 :]


def _check_classes_input(input: Tensor, caller: str) -> None:
    check_floating(input, "input", caller)
    if input.dim() == 0:
        raise ValueError(
            f"{caller}: input must have a class dimension, (C,), (N, C) or (N, C, d1, ..., dK); "
            "got a scalar"
        )


def _check_index_target(
    input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int, caller: str
) -> None:
    """Shape, dtype and range checks for class-index targets, before anything is computed."""
    expected = _index_target_shape(input)
    num_classes = input.shape[_class_dim(input)]
    if target.is_floating_point() and target.shape == expected:
        raise TypeError(
            f"{caller}: class indices must be an integer tensor, got {target.dtype} "
            "(use .long(); class probabilities need the input's shape)"
        )
    if target.shape != expected:
        raise ValueError(
            f"{caller}: input of shape {tuple(input.shape)} needs a class-index target of shape "
            f"{tuple(expected)}, got target of shape {tuple(target.shape)}"
        )
    check_class_indices(target, num_classes, ignore_index, caller)
    check_class_weight(weight, num_classes, caller)


def _index_target_loss(
    log_q: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int
) -> tuple[Tensor, Tensor]:
    r"""Per-sample loss :math:`l_n = -w_{y_n} \log q_{n, y_n}` and weight :math:`w_{y_n}`.

    Both are 0 where the target is ``ignore_index``.
    """
    class_dim = _class_dim(log_q)
    num_classes = log_q.shape[class_dim]
    w = log_q.new_ones(num_classes) if weight is None else weight
    kept = target != ignore_index
    y = torch.where(kept, target, 0).long()  # any valid index where ignored: masked below
    log_q_y = log_q.gather(class_dim, y.unsqueeze(class_dim)).squeeze(class_dim)
    w_y = torch.where(kept, w[y], 0.0)
    return torch.where(kept, -w_y * log_q_y, 0.0), w_y


def _weighted_reduce(loss: Tensor, w_y: Tensor, reduction: str) -> Tensor:
    r"""torch's weighted mean: :math:`\sum_n l_n / \sum_n w_{y_n}` over kept samples."""
    if reduction == "mean":
        return loss.sum() / w_y.sum()
    return reduce(loss, reduction)


def _class_view(w: Tensor, class_dim: int, ndim: int) -> Tensor:
    """A ``(C,)`` vector shaped to broadcast along the class dimension of the input."""
    return w.view([-1 if d == class_dim else 1 for d in range(ndim)])


def _softmax_times(scale: Tensor, input: Tensor, exp_shifted: Tensor, sum_exp: Tensor) -> Tensor:
    r""":math:`q_{n,c} \, a_n`: the softmax of the logits times a ``scale`` :math:`a_n` per sample.

    ``scale`` has the class dimension kept (size 1). From the exponentials
    :math:`e^{z - m}` and their sum that the forward saved, in one pass; for a second
    derivative (``create_graph=True``: grad mode is on in the backward), from the logits
    again, so that the softmax's own derivative reaches them (a saved tensor is a
    constant to autograd).
    """
    if torch.is_grad_enabled():
        return _Softmax.apply(input, _class_dim(input)) * scale
    return exp_shifted * (scale / sum_exp)


class _CrossEntropyIndices(torch.autograd.Function):
    r"""Cross-entropy with class indices; the backward is its derivative.

    With :math:`v_n = (1 - \alpha) w_{y_n}` for a kept sample (0 for an ignored
    one), the gradient of :math:`l_n` with respect to the logits is

    .. math::
        \frac{\partial l_n}{\partial z_{n,c}}
        = \Big(v_n + \frac{\alpha}{C} \sum_k w_k\Big) q_{n,c}
          - v_n \mathbf{1}\{c = y_n\} - \frac{\alpha}{C} w_c ,

    from :math:`\partial (-\log q_{n,k}) / \partial z_{n,c} = q_{n,c} - \mathbf{1}\{c = k\}`.
    """

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction, label_smoothing):
        class_dim = _class_dim(input)
        num_classes = input.shape[class_dim]
        w = input.new_ones(num_classes) if weight is None else weight
        kept = target != ignore_index
        y = torch.where(kept, target, 0).long()  # any valid index where ignored: masked below
        w_y = torch.where(kept, w[y], 0.0)

        shift = _max_shift(input, class_dim)
        shifted = input - shift
        # e^{z - m}, written over z - m unless the smoothing term below still needs z - m
        exp_shifted = _exp(shifted, inplace=label_smoothing == 0)
        sum_exp = exp_shifted.sum(dim=class_dim, keepdim=True)
        # log q_{n,c} = (z_{n,c} - m_n) - log sum_k e^{z_{n,k} - m_n}, with the max m_n
        log_sum_shifted = sum_exp.log().squeeze(class_dim)
        z_y = input.gather(class_dim, y.unsqueeze(class_dim))
        log_q_y = (z_y - shift).squeeze(class_dim) - log_sum_shifted
        loss = torch.where(kept, -w_y * log_q_y, 0.0)  # -w_{y_n} log q_{n,y_n}
        if label_smoothing > 0:
            # -sum_c w_c log q_{n,c} = (sum_c w_c) log sum_k e^{z_k - m} - sum_c w_c (z_c - m):
            # a weighted sum over the classes, no (N, C) matrix of log q
            w_dot_shifted = torch.tensordot(w, shifted.movedim(class_dim, 0), dims=1)
            smooth = torch.where(kept, w.sum() * log_sum_shifted - w_dot_shifted, 0.0)
            loss = (1 - label_smoothing) * loss + label_smoothing / num_classes * smooth

        ctx.save_for_backward(input, y, kept, w, w_y, exp_shifted, sum_exp)
        ctx.reduction, ctx.label_smoothing = reduction, label_smoothing
        if reduction == "mean":  # torch's weighted mean: sum_n l_n / sum_n w_{y_n}
            return loss.sum() / w_y.sum()
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        input, y, kept, w, w_y, exp_shifted, sum_exp = ctx.saved_tensors
        class_dim, smoothing = _class_dim(input), ctx.label_smoothing
        num_classes = input.shape[class_dim]
        # the gradient that reaches each l_n (0 where the target is ignored)
        upstream = grad / w_y.sum() if ctx.reduction == "mean" else grad
        upstream = torch.where(kept, upstream, 0.0).unsqueeze(class_dim)
        v = (1 - smoothing) * w_y.unsqueeze(class_dim) * upstream
        every_class = v + smoothing / num_classes * w.sum() * upstream
        grad_input = _softmax_times(every_class, input, exp_shifted, sum_exp)
        grad_input = grad_input.scatter_add_(class_dim, y.unsqueeze(class_dim), -v)
        if smoothing > 0:
            w_c = _class_view(w, class_dim, input.dim())
            grad_input = grad_input - smoothing / num_classes * upstream * w_c
        return grad_input, None, None, None, None, None


class _CrossEntropyProbabilities(torch.autograd.Function):
    r"""Cross-entropy with class probabilities; the backward is its derivative.

    With :math:`u_{n,c} = w_c \tilde p_{n,c}` (the weighted, smoothed target),

    .. math::
        \frac{\partial l_n}{\partial z_{n,c}} = \Big(\sum_k u_{n,k}\Big) q_{n,c} - u_{n,c},
        \quad
        \frac{\partial l_n}{\partial p_{n,c}} = -(1 - \alpha) w_c \log q_{n,c},
        \quad
        \frac{\partial l_n}{\partial w_c} = -\tilde p_{n,c} \log q_{n,c}.
    """

    @staticmethod
    def forward(ctx, input, target, weight, reduction, label_smoothing):
        class_dim = _class_dim(input)
        shift = _max_shift(input, class_dim)
        shifted = input - shift  # z - m
        exp_shifted = _exp(shifted)  # e^{z - m}, into a new tensor: shifted is kept
        sum_exp = exp_shifted.sum(dim=class_dim, keepdim=True)
        u = _weighted_target(target, weight, label_smoothing, class_dim)
        ctx.save_for_backward(input, target, weight, exp_shifted, sum_exp, shift, u)
        ctx.reduction, ctx.label_smoothing = reduction, label_smoothing
        # l_n = -sum_c u_{n,c} log q_{n,c} with -log q = log sum_k e^{z_k - m} - (z - m):
        # no (N, C) matrix of log q is written
        first = (u.sum(dim=class_dim, keepdim=True) * sum_exp.log()).squeeze(class_dim)
        if reduction == "none":
            return first - shifted.mul_(u).sum(dim=class_dim)
        # summed over the samples as well, sum_{n,c} u (z - m) is one dot product
        total = first.sum() - reduce_product(u, shifted, "sum")
        return total / first.numel() if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad):
        input, target, weight, exp_shifted, sum_exp, shift, u = ctx.saved_tensors
        class_dim, smoothing = _class_dim(input), ctx.label_smoothing
        num_samples = input.numel() // input.shape[class_dim]
        upstream = upstream_per_element(grad, ctx.reduction, num_samples)
        if ctx.reduction == "none":
            upstream = upstream.unsqueeze(class_dim)
        if torch.is_grad_enabled():  # a second derivative: u from the inputs again
            u = _weighted_target(target, weight, smoothing, class_dim)
        sum_u = u.sum(dim=class_dim, keepdim=True)
        grad_input = _softmax_times(sum_u * upstream, input, exp_shifted, sum_exp)
        grad_input = grad_input.addcmul_(u, upstream, value=-1)  # - u_{n,c} times upstream
        grad_target = grad_weight = None
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            if torch.is_grad_enabled():
                log_q = _LogSoftmax.apply(input, class_dim)
            else:
                log_q = (input - shift).sub_(sum_exp.log())
            minus_log_q = -log_q * upstream
            if ctx.needs_input_grad[1]:
                w_c = 1.0 if weight is None else _class_view(weight, class_dim, input.dim())
                grad_target = (1 - smoothing) * w_c * minus_log_q
            if ctx.needs_input_grad[2]:
                p = _weighted_target(target, None, smoothing, class_dim)
                w_c_shape = _class_view(weight, class_dim, input.dim()).shape
                grad_weight = (p * minus_log_q).sum_to_size(w_c_shape).reshape(weight.shape)
        return grad_input, grad_target, grad_weight, None, None


def _weighted_target(
    target: Tensor, weight: Tensor | None, label_smoothing: float, class_dim: int
) -> Tensor:
    r"""The weighted, smoothed target :math:`u_{n,c} = w_c \tilde p_{n,c}`.

    :math:`\tilde p = (1 - \alpha) p + \alpha / C`.
    """
    p = target
    if label_smoothing > 0:
        p = (1 - label_smoothing) * target + label_smoothing / target.shape[class_dim]
    if weight is None:
        return p
    return _class_view(weight, class_dim, target.dim()) * p


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    r"""Negative log-likelihood loss: minus the log-probability given to the true class.

    With log-probabilities :math:`\log q_{n,c}` (``input``) and class indices
    :math:`y_n` (``target``), the unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = - w_{y_n} \log q_{n, y_n}, \qquad
        w_{c} = \text{weight}[c] \cdot \mathbf{1}\{c \ne \text{ignore_index}\},

    and the reduced loss

    .. math::
        \ell(\log q, y) = \begin{cases}
            \sum_{n=1}^{N} \frac{1}{\sum_{n=1}^{N} w_{y_n}} l_n,
                & \text{if reduction} = \text{'mean'} \\
            \sum_{n=1}^{N} l_n, & \text{if reduction} = \text{'sum'}
        \end{cases}

    so ``'mean'`` is a weighted mean over the samples that are not ignored.

    Parameters
    ----------
    input : Tensor
        Log-probabilities :math:`\log q`, for example from
        :func:`~lossutils.information.log_softmax`.
    target : Tensor
        Class indices :math:`y_n \in \{0, \dots, C - 1\}`, an integer tensor, or
        ``ignore_index``.
    weight : Tensor, optional
        A weight :math:`w_c` for each class, shape :math:`(C,)`; 1 by default.
    ignore_index : int, default -100
        A target value that contributes neither to the loss nor to the mean's divisor.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-sample losses are combined.

    Returns
    -------
    Tensor
        A scalar, or the per-sample losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` is not floating point or ``target`` is not an integer tensor.
    ValueError
        If the target's shape does not match the input's, ``weight`` does not have
        :math:`C` entries, or ``reduction`` is unknown.
    IndexError
        If a class index (other than ``ignore_index``) is outside
        :math:`0, \dots, C - 1`.

    Shape
    -----
    - Input: :math:`(N, C)` or :math:`(C)`, where :math:`C` is the number of classes, or
      :math:`(N, C, d_1, d_2, ..., d_K)` with :math:`K \geq 1` for a K-dimensional loss.
    - Target: :math:`(N)` or :math:`()`, where each value is
      :math:`0 \leq \text{targets}[i] \leq C-1`, or :math:`(N, d_1, d_2, ..., d_K)` with
      :math:`K \geq 1` for a K-dimensional loss.
    - Output: scalar. If ``reduction`` is ``'none'``, then the shape of the target.

    Notes
    -----
    If every target is ignored, ``'mean'`` is :math:`0 / 0`, ``nan``, as in torch. The
    loss only picks entries out of ``input``; stability comes from computing the
    log-probabilities with :func:`~lossutils.information.log_softmax`, or in one step with
    :func:`cross_entropy`.

    See Also
    --------
    torch.nn.functional.nll_loss : the torch equivalent.
    cross_entropy : :func:`~lossutils.information.log_softmax` then this loss, and more options.

    Examples
    --------
    >>> log_q = torch.tensor([[0.5, 0.5], [0.25, 0.75]]).log()
    >>> nll_loss(log_q, torch.tensor([0, 1]), reduction="none")
    tensor([0.6931, 0.2877])
    >>> nll_loss(log_q, torch.tensor([0, -100]))  # the second sample is ignored
    tensor(0.6931)
    """
    _check_classes_input(input, "nll_loss")
    check_tensor(target, "target", "nll_loss")
    _check_index_target(input, target, weight, ignore_index, "nll_loss")
    check_reduction(reduction)
    loss, w_y = _index_target_loss(input, target, weight, ignore_index)
    return _weighted_reduce(loss, w_y, reduction)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    r"""Cross-entropy between the true classes and the softmax of the logits.

    The predicted distribution is the softmax of the logits,
    :math:`\log q_{n,c} = z_{n,c} - \log \sum_{k=0}^{C-1} e^{z_{n,k}}`. With class
    indices :math:`y_n` as ``target``, the unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = - w_{y_n} \log q_{n, y_n}, \qquad
        w_{c} = \text{weight}[c] \cdot \mathbf{1}\{c \ne \text{ignore_index}\},

    and the reduced loss, a weighted mean over the samples not ignored,

    .. math::
        \ell(z, y) = \begin{cases}
            \sum_{n=1}^{N} \frac{1}{\sum_{n=1}^{N} w_{y_n}} l_n,
                & \text{if reduction} = \text{'mean'} \\
            \sum_{n=1}^{N} l_n, & \text{if reduction} = \text{'sum'}
        \end{cases}

    With label smoothing :math:`\alpha`, each :math:`l_n` (not ignored) becomes

    .. math::
        l_n = (1 - \alpha) \left( - w_{y_n} \log q_{n, y_n} \right)
            + \frac{\alpha}{C} \sum_{c=0}^{C-1} \left( - w_c \log q_{n,c} \right),

    still divided by :math:`\sum_n w_{y_n}` for ``'mean'``, exactly as torch does.

    With class probabilities :math:`p_{n,c}` as ``target`` (same shape as the input),

    .. math::
        l_n = - \sum_{c=0}^{C-1} w_c \, \tilde p_{n,c} \log q_{n,c}, \qquad
        \tilde p_{n,c} = (1 - \alpha) \, p_{n,c} + \frac{\alpha}{C},

    and ``'mean'`` is the plain mean over the :math:`N` samples (the weights do not
    divide it); ``ignore_index`` plays no part.

    Parameters
    ----------
    input : Tensor
        The logits :math:`z` (unnormalised scores), floating point.
    target : Tensor
        Class indices (an integer tensor, the input's shape without the class dimension)
        or class probabilities in :math:`[0, 1]` (floating point, the input's shape).
    weight : Tensor, optional
        A weight :math:`w_c` for each class, shape :math:`(C,)`; 1 by default.
    ignore_index : int, default -100
        With class indices, a target value that contributes neither to the loss nor to
        the mean's divisor.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-sample losses are combined.
    label_smoothing : float, default 0.0
        :math:`\alpha \in [0, 1]`: the share of the target spread evenly over the
        :math:`C` classes.

    Returns
    -------
    Tensor
        A scalar, or the per-sample losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` is not floating point, or a floating ``target`` has the shape of
        class indices.
    ValueError
        If the target's shape fits neither kind of target, ``weight`` does not have
        :math:`C` entries, ``label_smoothing`` is outside :math:`[0, 1]`, a probability
        target is outside :math:`[0, 1]`, or ``reduction`` is unknown.
    IndexError
        If a class index (other than ``ignore_index``) is outside
        :math:`0, \dots, C - 1`.

    Shape
    -----
    - Input: Shape :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, d_2, ..., d_K)` with
      :math:`K \geq 1` in the case of K-dimensional loss.
    - Target: If containing class indices, shape :math:`()`, :math:`(N)` or
      :math:`(N, d_1, d_2, ..., d_K)` with :math:`K \geq 1` in the case of K-dimensional
      loss where each value should be between :math:`[0, C)`. If containing class
      probabilities, same shape as the input and each value should be between
      :math:`[0, 1]`.
    - Output: If reduction is ``'none'``, shape :math:`()`, :math:`(N)` or
      :math:`(N, d_1, d_2, ..., d_K)` with :math:`K \geq 1` in the case of K-dimensional
      loss, depending on the shape of the input. Otherwise, scalar.

    Notes
    -----
    The log-probabilities are those of :func:`~lossutils.information.log_softmax` (max shift, then
    log-sum-exp), never ``softmax(z).log()``: float32 logits of :math:`\pm 10^4` give a
    finite loss and finite gradients :math:`(q_{n,c} - p_{n,c})` (times the weights).
    This is the lesson's "softmax loss", :math:`\ell = -\sum_c p_c \log S_c`, with its
    minus sign. The backward is that gradient written out, not autograd's pass through
    each step; with class indices the forward needs :math:`\log q` only at the true
    class (and, with label smoothing, a weighted sum over the classes), so the
    :math:`(N, C)` matrix of log-probabilities is never written.

    See Also
    --------
    torch.nn.functional.cross_entropy : the torch equivalent.
    nll_loss : the same loss on log-probabilities.

    Examples
    --------
    >>> logits = torch.tensor([[0.0, 0.0], [0.0, 1e4]])
    >>> cross_entropy(logits, torch.tensor([0, 0]), reduction="none")
    tensor([6.9315e-01, 1.0000e+04])
    >>> cross_entropy(logits, torch.tensor([[0.5, 0.5], [1.0, 0.0]]), reduction="none")
    tensor([6.9315e-01, 1.0000e+04])
    >>> cross_entropy(logits, torch.tensor([0, 0]), label_smoothing=0.2)
    tensor(4500.3467)
    """
    _check_classes_input(input, "cross_entropy")
    check_tensor(target, "target", "cross_entropy")
    check_probability(label_smoothing, "label_smoothing", "cross_entropy")
    check_reduction(reduction)
    class_dim = _class_dim(input)
    num_classes = input.shape[class_dim]
    probability_target = target.is_floating_point() and target.shape == input.shape
    if probability_target:
        check_class_weight(weight, num_classes, "cross_entropy")
        check_in_range(target, "class-probability target", "cross_entropy")
    else:
        _check_index_target(input, target, weight, ignore_index, "cross_entropy")

    if probability_target:
        return _CrossEntropyProbabilities.apply(input, target, weight, reduction, label_smoothing)
    if weight is not None and weight.requires_grad:
        raise ValueError(
            "cross_entropy: with class-index targets there is no gradient with respect to "
            "weight (torch has none either); pass weight.detach()"
        )
    return _CrossEntropyIndices.apply(
        input, target, weight, ignore_index, reduction, label_smoothing
    )


def _clamped_log(x: Tensor) -> Tensor:
    r""":math:`\max(\log x, -100)`, as torch's BCE; at :math:`x = 0`, -100 with gradient 0.

    ``torch.log(x).clamp(min=-100)`` gives the same values, but its gradient at
    :math:`x = 0` is :math:`0 / 0 = ` ``nan``: the log is taken of 1 there instead.
    """
    positive = x > 0
    log_x = torch.log(torch.where(positive, x, 1.0))
    return torch.where(positive, log_x, LOG_FLOOR).clamp(min=LOG_FLOOR)


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, reduction: str = "mean"
) -> Tensor:
    r"""Binary cross-entropy between predicted probabilities and targets in [0, 1].

    With predicted probabilities :math:`\hat y_n` (``input``) and targets :math:`y_n`,
    the unreduced loss (``reduction='none'``) is :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}`
    with

    .. math::
        l_n = - w_n \left[ y_n \log \hat y_n + (1 - y_n) \log (1 - \hat y_n) \right],

    each log clamped at :math:`-100`, and the reduced loss
    :math:`\operatorname{mean}(L)` if ``reduction='mean'``,
    :math:`\operatorname{sum}(L)` if ``reduction='sum'``.

    Parameters
    ----------
    input : Tensor
        Predicted probabilities :math:`\hat y` in :math:`[0, 1]`, floating point.
    target : Tensor
        Targets :math:`y` in :math:`[0, 1]`, same shape as ``input``.
    weight : Tensor, optional
        A weight :math:`w_n` for each element, broadcast to the input's shape; 1 by
        default.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input``, ``target`` or ``weight`` is not a floating-point tensor.
    ValueError
        If the shapes differ, ``weight`` does not broadcast to the input's shape, a
        probability or target lies outside :math:`[0, 1]`, or ``reduction`` is unknown.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    As in torch, each log is clamped at :math:`-100`, so that a confident wrong
    prediction (:math:`\hat y_n = 0`, :math:`y_n = 1`) costs 100 rather than
    :math:`\infty`. Where a log is clamped its gradient here is 0, the derivative of
    the clamped loss; torch's hand-written backward uses
    :math:`w_n (\hat y_n - y_n) / \max(\hat y_n (1 - \hat y_n), 10^{-12})` there
    instead. Away from the clamp both agree. A sigmoid followed by this loss saturates
    in float32; prefer :func:`binary_cross_entropy_with_logits`.

    See Also
    --------
    torch.nn.functional.binary_cross_entropy : the torch equivalent.
    binary_cross_entropy_with_logits : the same loss on logits, stable.

    Examples
    --------
    >>> binary_cross_entropy(torch.tensor([0.5, 0.0]), torch.tensor([1.0, 1.0]), reduction="none")
    tensor([  0.6931, 100.0000])
    """
    check_floating(input, "input", "binary_cross_entropy")
    check_floating(target, "target", "binary_cross_entropy")
    check_same_shape(input, target, "binary_cross_entropy")
    if weight is not None:
        check_floating(weight, "weight", "binary_cross_entropy")
        check_broadcasts_to(weight, input.shape, "weight", "binary_cross_entropy")
    check_reduction(reduction)
    check_in_range(input, "input (probabilities)", "binary_cross_entropy")
    check_in_range(target, "target", "binary_cross_entropy")

    y_hat, y = input, target
    loss = -(y * _clamped_log(y_hat) + (1 - y) * _clamped_log(1 - y_hat))
    if weight is not None:
        loss = weight * loss
    return reduce(loss, reduction)


def _softplus(z: Tensor, *, reuse: bool = False) -> Tensor:
    r""":math:`\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})`, which never overflows.

    :math:`\max(z, 0)` is written :math:`(z + |z|) / 2` so that autograd's derivative
    at :math:`z = 0` (in a second derivative) is :math:`1/2 = \sigma(0)`, the true one.
    With ``reuse`` (where autograd records nothing: a forward, or a first backward) each
    step writes over the temporary of the one before instead of making a new one, which
    keeps fewer tensors in the cache; ``z`` itself is never written.
    """
    if reuse:
        return _exp(-z.abs(), inplace=True).log1p_().add_(z.clamp(min=0))
    abs_z = z.abs()
    return (z + abs_z) / 2 + torch.log1p(_exp(-abs_z))


class _BCEWithLogits(torch.autograd.Function):
    r"""Binary cross-entropy on logits; the backward is its derivative.

    With the softplus :math:`\zeta(z) = \log(1 + e^z) = -\log(1 - \sigma(z))` and
    :math:`-\log \sigma(z) = \zeta(z) - z`,
    :math:`l_n = w_n [p_c y_n (\zeta(z_n) - z_n) + (1 - y_n) \zeta(z_n)]` and

    .. math::
        \frac{\partial l_n}{\partial z_n} = w_n [(p_c y_n + 1 - y_n) \sigma(z_n) - p_c y_n],
        \quad
        \frac{\partial l_n}{\partial y_n} = w_n [p_c (\zeta(z_n) - z_n) - \zeta(z_n)],

    :math:`\partial l_n / \partial w_n = l_n / w_n` and
    :math:`\partial l_n / \partial p_c = w_n y_n (\zeta(z_n) - z_n)`, summed over the elements
    that share a weight.
    """

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        z, y = input, target
        softplus_z = _softplus(z, reuse=True)
        if pos_weight is None:  # y (s(z) - z) + (1 - y) s(z)
            loss = softplus_z - y * z
        else:
            loss = pos_weight * y * (softplus_z - z) + (1 - y) * softplus_z
        if weight is not None:
            loss = weight * loss
        ctx.save_for_backward(input, target, weight, pos_weight)
        ctx.reduction = reduction
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        z, y, weight, pos_weight = ctx.saved_tensors
        upstream = upstream_per_element(grad, ctx.reduction, z.numel())
        weighted = upstream if weight is None else weight * upstream
        sigma = torch.sigmoid(z)
        if pos_weight is None:
            grad_input = (sigma - y) * weighted
        else:
            p_y = pos_weight * y
            grad_input = ((p_y + 1 - y) * sigma - p_y) * weighted
        grad_target = grad_weight = grad_pos_weight = None
        if any(ctx.needs_input_grad[1:4]):
            softplus_z = _softplus(z, reuse=not torch.is_grad_enabled())
            minus_log_sigma = softplus_z - z
            p_c = 1.0 if pos_weight is None else pos_weight
            if ctx.needs_input_grad[1]:
                grad_target = (p_c * minus_log_sigma - softplus_z) * weighted
            if ctx.needs_input_grad[2]:
                unweighted = p_c * y * minus_log_sigma + (1 - y) * softplus_z
                grad_weight = (unweighted * upstream).sum_to_size(weight.shape)
            if ctx.needs_input_grad[3]:
                grad_pos_weight = (y * minus_log_sigma * weighted).sum_to_size(pos_weight.shape)
        return grad_input, grad_target, grad_weight, grad_pos_weight, None


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    r"""Binary cross-entropy on logits: a sigmoid and :func:`binary_cross_entropy`, stable.

    With logits :math:`z_n` (``input``), :math:`\sigma(z) = 1 / (1 + e^{-z})` and
    targets :math:`y_n`, the unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = - w_n \left[ p_c \, y_n \log \sigma(z_n)
            + (1 - y_n) \log (1 - \sigma(z_n)) \right],

    where :math:`p_c` is ``pos_weight`` (1 by default) for the class :math:`c` of the
    element, and the reduced loss :math:`\operatorname{mean}(L)` if ``reduction='mean'``,
    :math:`\operatorname{sum}(L)` if ``reduction='sum'``. The logs are computed as

    .. math::
        -\log \sigma(z) &= \operatorname{softplus}(-z), \\
        -\log (1 - \sigma(z)) &= \operatorname{softplus}(z), \\
        \operatorname{softplus}(z) &= \max(z, 0) + \log\left(1 + e^{-|z|}\right).

    Parameters
    ----------
    input : Tensor
        The logits :math:`z`, floating point.
    target : Tensor
        Targets :math:`y` in :math:`[0, 1]`, same shape as ``input``.
    weight : Tensor, optional
        A weight :math:`w_n` for each element, broadcast to the input's shape.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.
    pos_weight : Tensor, optional
        A weight :math:`p_c` on the positive examples, broadcast to the input's shape
        along the last dimension: shape :math:`(C,)` for :math:`C` classes. Above 1 it
        raises recall, below 1 precision.

    Returns
    -------
    Tensor
        A scalar, or the per-element losses if ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input``, ``target``, ``weight`` or ``pos_weight`` is not a floating-point
        tensor.
    ValueError
        If the shapes differ, ``weight`` or ``pos_weight`` does not broadcast to the
        input's shape, a target lies outside :math:`[0, 1]`, or ``reduction`` is unknown.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    :math:`e^{-|z|} \le 1` never overflows and :math:`\log(1 + \cdot)` is taken with
    ``log1p``, so float32 logits of :math:`\pm 10^4` give the exact loss
    (:math:`10^4` for a confident mistake, 0 for a confident success) and the gradient
    :math:`w_n \left[ (p_c y_n + 1 - y_n) \sigma(z_n) - p_c y_n \right]`, which is what
    the backward computes. The naive ``binary_cross_entropy(torch.sigmoid(z), y)``
    saturates at the clamp, 100.

    See Also
    --------
    torch.nn.functional.binary_cross_entropy_with_logits : the torch equivalent.
    binary_cross_entropy : the same loss on probabilities.

    Examples
    --------
    >>> logits, target = torch.tensor([0.0, -1e4, 1e4]), torch.tensor([1.0, 1.0, 1.0])
    >>> binary_cross_entropy_with_logits(logits, target, reduction="none")
    tensor([6.9315e-01, 1.0000e+04, 0.0000e+00])
    """
    caller = "binary_cross_entropy_with_logits"
    check_floating(input, "input", caller)
    check_floating(target, "target", caller)
    check_same_shape(input, target, caller)
    for name, extra in (("weight", weight), ("pos_weight", pos_weight)):
        if extra is not None:
            check_floating(extra, name, caller)
            check_broadcasts_to(extra, input.shape, name, caller)
    check_reduction(reduction)
    check_in_range(target, "target", caller)

    return _BCEWithLogits.apply(input, target, weight, pos_weight, reduction)


def zero_one_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    r"""0-1 loss: 1 for each wrong predicted label, 0 for each right one.

    With predicted labels :math:`\hat y_n` (``input``) and true labels :math:`y_n`
    (``target``), the unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^{\mathsf{T}}` with

    .. math::
        l_n = \begin{cases}
            1, & \text{if } \hat y_n \ne y_n \\
            0, & \text{if } \hat y_n = y_n
        \end{cases}

    and the reduced loss :math:`\operatorname{mean}(L)`, the error rate, if
    ``reduction='mean'``; :math:`\operatorname{sum}(L)`, the number of mistakes, if
    ``reduction='sum'``.

    Parameters
    ----------
    input : Tensor
        The predicted labels :math:`\hat y`, any dtype (integer classes, booleans or
        floats such as 0.0 / 1.0).
    target : Tensor
        The true labels :math:`y`, same shape as ``input``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        How the per-element losses are combined.

    Returns
    -------
    Tensor
        A scalar in the default floating dtype, or the per-element losses if
        ``reduction='none'``.

    Raises
    ------
    TypeError
        If ``input`` or ``target`` is not a tensor.
    ValueError
        If the shapes differ or ``reduction`` is unknown.

    Shape
    -----
    - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
    - Target: :math:`(*)`, same shape as the input.
    - Output: scalar. If ``reduction`` is ``'none'``, then :math:`(*)`, same shape as the
      input.

    Notes
    -----
    The lesson this course follows swaps the two cases; a loss is 0 when the prediction
    is right. As a function of a score thresholded into a label, the 0-1 loss is a step:
    its derivative is 0 everywhere except at the threshold, where it does not exist, so
    gradient descent cannot learn from it. The result carries no gradient.

    See Also
    --------
    cross_entropy : the differentiable loss that classifiers train on instead.

    Examples
    --------
    >>> zero_one_loss(torch.tensor([1, 0, 2, 2]), torch.tensor([1, 1, 2, 0]))
    tensor(0.5000)
    >>> zero_one_loss(torch.tensor([1, 0, 2, 2]), torch.tensor([1, 1, 2, 0]), reduction="none")
    tensor([0., 1., 0., 1.])
    """
    check_tensor(input, "input", "zero_one_loss")
    check_tensor(target, "target", "zero_one_loss")
    check_same_shape(input, target, "zero_one_loss")
    check_reduction(reduction)
    mistake = (input != target).to(torch.get_default_dtype())
    return reduce(mistake, reduction)
