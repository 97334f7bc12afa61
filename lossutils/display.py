"""The one way the course prints numbers.

Numbers computed on a GPU differ from the CPU's in their last bits. Printing through
:func:`fmt` (fixed precision, on the CPU, no device or dtype in the text) makes the
stored outputs of every notebook identical on both, which is what lets CI compare them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

__all__ = ["fmt", "show"]

Number = float | int | torch.Tensor | np.ndarray | Sequence[float]


def _as_array(value: Number) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64).numpy()
    if isinstance(value, bool):
        raise TypeError("fmt formats numbers, not booleans")
    array = np.asarray(value)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"fmt formats numbers, got {type(value).__name__}")
    return array.astype(np.float64)


def fmt(value: Number, digits: int = 4) -> str:
    """Format a number, tensor or array at fixed precision, whatever device it is on.

    Rounds to ``digits`` decimals and writes ``-0.0000`` as ``0.0000`` so that tiny
    differences between devices cannot change the text.

    Examples
    --------
    >>> fmt(torch.tensor(2.0) / 3)
    '0.6667'
    >>> fmt(torch.tensor([1.0, -1e-9, 2.5]), digits=2)
    '[1.00, 0.00, 2.50]'
    >>> fmt(3)
    '3.0000'
    """
    if not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int, got {digits!r}")
    array = np.round(_as_array(value), digits) + 0.0  # "+ 0.0" turns -0.0 into 0.0

    def one(x: float) -> str:
        return f"{x:.{digits}f}"

    if array.ndim == 0:
        return one(float(array))
    return np.array2string(
        array, separator=", ", formatter={"float_kind": one}, max_line_width=88, threshold=64
    )


def show(label: str, value: Number, digits: int = 4) -> None:
    """Print ``label: value`` with the value formatted by :func:`fmt`.

    Examples
    --------
    >>> show("mean squared error", torch.tensor([0.5, 1.5]).mean())
    mean squared error: 1.0000
    """
    print(f"{label}: {fmt(value, digits)}")
