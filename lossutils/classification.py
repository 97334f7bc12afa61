r"""Classification losses: how wrong a predicted class, or distribution over classes, is.

The losses with a ``torch.nn.functional`` namesake have its name, signature, defaults and
semantics. :func:`zero_one_loss` is the course's own: it counts the mistakes of
predicted labels, and has no useful gradient.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ._validation import check_reduction, check_same_shape, check_tensor, reduce

__all__ = [
    "zero_one_loss",
]


def zero_one_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    r"""0-1 loss: 1 for each wrong predicted label, 0 for each right one.

    With predicted labels :math:`\hat y_n` (``input``) and true labels :math:`y_n`
    (``target``), the unreduced loss (``reduction='none'``) is
    :math:`L = \{l_1, \dots, l_N\}^\top` with

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
