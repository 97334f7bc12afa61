"""Figures of chapter 8, "Practice: handwritten digits".

The chapter trains batches of one small network on scikit-learn's 8x8 digits, with
softmax cross-entropy and with the squared error between its softmax output and the
one-hot target, over several seeds and learning rates. These functions draw what the
chapter and its lab computed: a mosaic of digits, the validation curves of the batches
(mean and spread over the seeds), and the digits a network gets wrong with the
probabilities it gave them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from .style import COLORS, label_axes, subplots

__all__ = ["digit_mosaic_figure", "mistakes_figure", "sweep_curves_figure"]

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


def _model_color(name: str) -> str | None:
    """The colour of the loss a curve's name starts with ("cross-entropy, lr = 1")."""
    return next((color for model, color in MODEL_COLORS.items() if name.startswith(model)),
                None)


def sweep_curves_figure(
    steps: Sequence[int], panels: Mapping[str, Mapping[str, Mapping[str, Tensor]]]
) -> Figure:
    """Validation curves of batches of networks, 2 x 2: one column per panel.

    ``panels`` maps a column's title (``"both at lr = 0.5"``) to its curves: a name that
    starts with the loss (``"cross-entropy, lr = 1"``) mapped to tensors ``val_accuracy``
    (a fraction) and ``val_ce`` (nats), each of shape (len(steps), seeds). Each curve is
    drawn as the mean over the seeds, with a band from the smallest to the largest seed.
    Top row: validation accuracy; bottom row: validation cross-entropy, log scale.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> curve = {"val_accuracy": torch.full((3, 5), 0.9), "val_ce": torch.ones(3, 5)}
    >>> fig = sweep_curves_figure([0, 10, 20], {"a": {"cross-entropy": curve},
    ...                                         "b": {"squared error": curve}})
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b', '', '']
    >>> plt.close(fig)
    """
    if not 1 <= len(panels) <= 2:
        raise ValueError(f"one or two panels, got {len(panels)}")
    step_axis = _numpy(list(steps))
    for title, curves in panels.items():
        for name, curve in curves.items():
            for key in ("val_accuracy", "val_ce"):
                if key not in curve:
                    raise ValueError(f"the curve {name!r} of {title!r} lacks {key!r}")
                if curve[key].dim() != 2 or curve[key].shape[0] != len(step_axis):
                    raise ValueError(
                        f"{key} of {name!r} in {title!r} must be (steps, seeds) with "
                        f"{len(step_axis)} steps, got {tuple(curve[key].shape)}")
    fig, axes = subplots(2, len(panels), height=2.6, squeeze=False, sharex=True,
                         sharey="row")
    for column, (title, curves) in enumerate(panels.items()):
        accuracy, cross_entropy = axes[0][column], axes[1][column]
        for name, curve in curves.items():
            color = _model_color(name)
            for ax, values in ((accuracy, 100 * _numpy(curve["val_accuracy"])),
                               (cross_entropy, _numpy(curve["val_ce"]))):
                ax.fill_between(step_axis, values.min(axis=1), values.max(axis=1),
                                color=color, alpha=0.25, linewidth=0)
                ax.plot(step_axis, values.mean(axis=1), color=color, label=name)
        accuracy.set_ylim(80, 100)
        label_axes(accuracy, title=title, xlabel="",
                   ylabel="validation accuracy, %" if column == 0 else "", legend=True)
        cross_entropy.set_yscale("log")
        label_axes(cross_entropy, title="", xlabel="step",
                   ylabel="validation cross-entropy" if column == 0 else "", legend=False)
    return fig


def mistakes_figure(
    images: Tensor, probabilities: Tensor, digits: Tensor, *, title: str
) -> Figure:
    """One row per image: the digit, and the probability the model gave each class.

    ``probabilities`` is (K, 10), ``digits`` the true classes (K,). The true class's
    bar is green, the predicted class's orange, every other class's grey.

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
