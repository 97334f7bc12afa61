"""Small data sets for the labs, made on the CPU from seeded generators.

Every generator takes a ``seed`` and returns CPU tensors in float32; a notebook moves
them to its device with ``.to(device)``. The same seed gives the same numbers on every
machine, which keeps the stored outputs of the notebooks comparable.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

__all__ = ["line_with_outliers", "load_digits", "noisy_samples"]


def _generator(seed: int) -> torch.Generator:
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    return torch.Generator().manual_seed(seed)


def noisy_samples(
    true_function: Callable[[Tensor], Tensor],
    n: int,
    *,
    noise: float,
    x_range: tuple[float, float] = (-1.0, 1.0),
    seed: int = 0,
) -> tuple[Tensor, Tensor]:
    """Draw ``n`` points ``(x, F(x) + noise * eps)``, ``x`` uniform in ``x_range``, sorted.

    ``eps`` is standard normal. Returns ``x`` and ``y``, each of shape ``(n,)``.

    Examples
    --------
    >>> x, y = noisy_samples(lambda x: 3 * x**2 + 2, 5, noise=0.0, seed=1)
    >>> x.shape, bool(torch.allclose(y, 3 * x**2 + 2))
    (torch.Size([5]), True)
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range}")
    generator = _generator(seed)
    x = low + (high - low) * torch.rand(n, generator=generator)
    x, _ = torch.sort(x)
    y = true_function(x) + noise * torch.randn(n, generator=generator)
    return x, y


def line_with_outliers(
    n: int = 30,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.3,
    n_outliers: int = 3,
    outlier_shift: float = 8.0,
    seed: int = 0,
) -> tuple[Tensor, Tensor]:
    """Points near the line ``slope * x + intercept`` on ``[0, 1]``, the last few pushed up.

    The ``n_outliers`` points with the largest ``x`` are shifted by ``outlier_shift``,
    so a fit that chases them tilts visibly. Returns ``x`` and ``y`` of shape ``(n,)``.

    Examples
    --------
    >>> x, y = line_with_outliers(10, noise=0.0, n_outliers=2, outlier_shift=5.0)
    >>> residual = y - (2.0 * x + 1.0)
    >>> [round(float(r), 3) for r in residual[-3:]]
    [0.0, 5.0, 5.0]
    """
    if not 0 <= n_outliers <= n:
        raise ValueError(f"n_outliers must be between 0 and n={n}, got {n_outliers}")
    x, y = noisy_samples(
        lambda x: slope * x + intercept, n, noise=noise, x_range=(0.0, 1.0), seed=seed
    )
    if n_outliers:
        y[n - n_outliers :] += outlier_shift
    return x, y


def load_digits() -> tuple[Tensor, Tensor]:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 images, no download).

    Returns ``images`` of shape ``(1797, 8, 8)``, float32 ink in ``[0, 1]``, and
    ``digits`` of shape ``(1797,)``, int64, the digit each image shows (0 to 9). Used
    in chapter 4 (is it a zero?) and chapter 8 (which digit is it?).

    The data file that ``sklearn.datasets.load_digits`` reads is parsed directly, which
    spares the second it takes to import scikit-learn's dataset module; if the file is
    not where scikit-learn keeps it, ``load_digits`` itself is used.

    Examples
    --------
    >>> images, digits = load_digits()
    >>> tuple(images.shape), tuple(digits.shape), float(images.max()), int(digits.max())
    ((1797, 8, 8), (1797,), 1.0, 9)
    """
    images, digits = _digits_from_sklearn()
    return images.clone(), digits.clone()  # the cached copy stays as it was read


@functools.lru_cache(maxsize=1)
def _digits_from_sklearn() -> tuple[Tensor, Tensor]:
    spec = importlib.util.find_spec("sklearn")
    path = None
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if path is not None and path.is_file():
        table = np.loadtxt(path, delimiter=",")
        pixels, digits = table[:, :-1], table[:, -1]
    else:
        from sklearn.datasets import load_digits as sklearn_load_digits

        bunch = sklearn_load_digits()
        pixels, digits = bunch.data, bunch.target
    images = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 8, 8) / 16.0
    return images, torch.tensor(digits, dtype=torch.int64)
