"""Figures of chapter 8, "Practice: handwritten digits".

The chapter trains one small network twice on scikit-learn's 8x8 digits, once with
softmax cross-entropy and once with the squared error between its softmax output and
the one-hot target. These functions draw what the chapter and its lab computed: a
mosaic of digits, the training curves of both models, and the digits a model gets
wrong with the probabilities it gave them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from .style import COLORS, label_axes, subplots

__all__ = ["digit_mosaic_figure", "mistakes_figure", "training_curves_figure"]

#: The colour of each model in every figure of the chapter.
MODEL_COLORS = {"cross-entropy": COLORS["cross_entropy"], "squared error": COLORS["mse"]}


def _numpy(values: Tensor | Sequence[float]) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.detach().to("cpu", torch.float64).numpy()
    return np.asarray(values, dtype=np.float64)


def _check_images(images: Tensor) -> None:
    if not isinstance(images, Tensor) or images.dim() != 3 or images.shape[1:] != (8, 8):
        shape = tuple(images.shape) if isinstance(images, Tensor) else type(images).__name__
        raise ValueError(f"images must be a tensor of shape (N, 8, 8), got {shape}")


def digit_mosaic_figure(images: Tensor, digits: Tensor, *, columns: int = 10) -> Figure:
    """Draw ``images`` (N, 8, 8) side by side in rows of ``columns``, each under its digit.

    One panel holds the whole mosaic, so that the figure stays one panel wide.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = digit_mosaic_figure(torch.zeros(20, 8, 8), torch.arange(20) % 10)
    >>> len(fig.axes), len(fig.axes[0].texts)
    (1, 20)
    >>> plt.close(fig)
    """
    _check_images(images)
    if len(digits) != len(images):
        raise ValueError(f"{len(images)} images but {len(digits)} digits")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, got {columns}")
    count = len(images)
    rows = -(-count // columns)
    gap = 4  # pixels of white between digits, room for the label
    mosaic = np.zeros((rows * (8 + gap), columns * (8 + 1)))
    pictures = _numpy(images)
    fig, ax = subplots(height=0.75 * rows + 0.5)
    for k in range(count):
        row, column = divmod(k, columns)
        top, left = row * (8 + gap), column * (8 + 1)
        mosaic[top : top + 8, left : left + 8] = pictures[k]
        ax.text(left + 3.5, top + 8 + 1.6, str(int(digits[k])), ha="center", va="center",
                fontsize=10)
    ax.imshow(mosaic, cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"{count} of the 8 x 8 digits, each above its label")
    return fig


def training_curves_figure(
    histories: Mapping[str, Mapping[str, Sequence[float]]], steps: Sequence[int]
) -> Figure:
    """Training curves of the two models, 2 x 2.

    ``histories`` maps a model's name (``"cross-entropy"``, ``"squared error"``) to its
    record: lists ``train_loss`` and ``held_out_loss`` (each model's own loss),
    ``held_out_cross_entropy`` and ``held_out_accuracy`` (the same rulers for both), one
    value per entry of ``steps``.

    Top: each model's own loss on the training and held-out images. Bottom: the two
    rulers that compare the models, held-out accuracy and held-out cross-entropy.
    """
    needed = ("train_loss", "held_out_loss", "held_out_cross_entropy", "held_out_accuracy")
    for name, record in histories.items():
        missing = [key for key in needed if key not in record]
        if missing:
            raise ValueError(f"the record of {name!r} lacks {missing}")
        lengths = {key: len(record[key]) for key in needed}
        if set(lengths.values()) != {len(steps)}:
            raise ValueError(f"the record of {name!r} has lengths {lengths}, "
                             f"not one value per step ({len(steps)})")
    step_axis = _numpy(list(steps))
    fig, axes = subplots(2, 2, height=2.6)
    for ax, name in zip(axes[0], histories, strict=False):
        record = histories[name]
        ax.plot(step_axis, record["train_loss"], color=MODEL_COLORS.get(name),
                label="training")
        ax.plot(step_axis, record["held_out_loss"], color=MODEL_COLORS.get(name),
                linestyle="--", label="held-out")
        ax.set_yscale("log")
        label_axes(ax, title=f"trained with {name}", xlabel="step",
                   ylabel=f"{name} (log scale)", legend=True)
    accuracy, cross_entropy = axes[1]
    for name, record in histories.items():
        accuracy.plot(step_axis, 100 * _numpy(record["held_out_accuracy"]),
                      color=MODEL_COLORS.get(name), label=name)
        cross_entropy.plot(step_axis, record["held_out_cross_entropy"],
                           color=MODEL_COLORS.get(name), label=name)
    accuracy.set_ylim(80, 100)
    label_axes(accuracy, title="held-out accuracy", xlabel="step", ylabel="% right",
               legend=True)
    cross_entropy.set_yscale("log")
    label_axes(cross_entropy, title="held-out cross-entropy", xlabel="step",
               ylabel="nats (log scale)", legend=True)
    return fig


def mistakes_figure(
    images: Tensor, probabilities: Tensor, digits: Tensor, *, title: str
) -> Figure:
    """One row per image: the digit, and the probability the model gave each class.

    ``probabilities`` is (K, 10), ``digits`` the true classes (K,). The true class's
    bar is green, the predicted class's orange.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> q = torch.full((2, 10), 0.02); q[0, 3] = q[1, 5] = 0.82
    >>> fig = mistakes_figure(torch.zeros(2, 8, 8), q, torch.tensor([8, 6]), title="t")
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    _check_images(images)
    if probabilities.shape != (len(images), 10) or len(digits) != len(images):
        raise ValueError(
            f"need (K, 10) probabilities and K digits for K = {len(images)} images, got "
            f"{tuple(probabilities.shape)} and {len(digits)}"
        )
    if len(images) == 0:
        raise ValueError("no images to draw")
    q = _numpy(probabilities)
    pictures = _numpy(images)
    fig, axes = subplots(len(images), 2, height=1.5,
                         gridspec_kw={"width_ratios": [1, 3]}, squeeze=False)
    for k, (picture_ax, bars_ax) in enumerate(axes):
        truth, predicted = int(digits[k]), int(q[k].argmax())
        picture_ax.imshow(pictures[k], cmap="Greys", vmin=0, vmax=1)
        picture_ax.set_axis_off()
        picture_ax.set_title(f"a {truth}, read as {predicted}", fontsize=10)
        colors = [COLORS["data"]] * 10
        colors[truth], colors[predicted] = COLORS["truth"], COLORS["highlight"]
        bars_ax.bar(range(10), q[k], color=colors)
        bars_ax.set_xticks(range(10))
        bars_ax.set_ylim(0, 1)
        bars_ax.set_ylabel("probability")
    axes[-1][1].set_xlabel("class")
    fig.suptitle(title, fontsize=11)
    return fig
