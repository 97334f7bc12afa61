r"""Chapter 7, softmax and the softmax loss: the figures and the lab's temperature demo.

The chapter turns logits :math:`z` into a distribution :math:`q = \operatorname{softmax}(z)`,
trains on the cross-entropy of :math:`q` and shows what goes wrong in practice: a
softmax applied twice, an imbalanced data set, labels that are too sure of themselves.
It ends with the temperature :math:`T` of :math:`\operatorname{softmax}(z / T)`. Each
figure function takes what the chapter or its lab computed (logits, training curves,
recalls) and draws it; the temperature demo computes its pictures with the lab's
softmax (by default the reference, :func:`lossutils.softmax`) and
:func:`lossutils.entropy`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from ..information import entropy
from ..information import softmax as reference_softmax
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "class_weight_figure",
    "double_softmax_figure",
    "label_smoothing_figure",
    "softmax_figure",
    "temperature_demo",
    "temperature_figure",
    "temperature_frame",
]

_LINE_COLOURS = (COLORS["model"], COLORS["mae"], COLORS["huber"], COLORS["truth"])
#: The temperatures of the entropy curves, 0.05 to 50 on a log scale.
_TEMPERATURE_GRID = np.geomspace(0.05, 50, 121)


def _numbers(name: str, values: object) -> np.ndarray:
    """``values`` (a tensor, array or sequence) as a 1-D float64 array, on the CPU."""
    if isinstance(values, Tensor):
        values = values.detach().to("cpu", torch.float64).numpy()
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, "
                         f"got shape {array.shape}")
    return array


def _curves(ax: Axes, steps: np.ndarray, curves: Mapping[str, object], what: str) -> None:
    """Draw each named curve against the steps, in the house colours, one per line."""
    if not curves:
        raise ValueError(f"{what} must name at least one curve")
    for k, (name, values) in enumerate(curves.items()):
        values = _numbers(f"{what}[{name!r}]", values)
        if len(values) != len(steps):
            raise ValueError(f"{what}[{name!r}] has {len(values)} values for "
                             f"{len(steps)} steps")
        ax.plot(steps, values, color=_LINE_COLOURS[k % len(_LINE_COLOURS)], label=name)


def softmax_figure(logits: Sequence[float] | Tensor,
                   probabilities: Sequence[float] | Tensor) -> Figure:
    """Left: the logits of one example. Right: their softmax, which sums to 1."""
    z, q = _numbers("logits", logits), _numbers("probabilities", probabilities)
    if len(z) != len(q):
        raise ValueError(f"{len(z)} logits but {len(q)} probabilities")
    classes = np.arange(len(z))  # counted from 0, as in PyTorch
    fig, (left, right) = subplots(1, 2, height=3.2)
    left.bar(classes, z, color=COLORS["data"])
    left.axhline(0, color="black", linewidth=0.8)
    for c, value in zip(classes, z, strict=True):
        left.annotate(f"{value:.1f}", (c, value), xytext=(0, 3), textcoords="offset points",
                      ha="center", va="bottom", fontsize=9)
    left.set_xticks(classes)
    left.set_ylim(min(0.0, z.min()) - 0.5, z.max() + 1.0)
    label_axes(left, title="Logits z: any real numbers", xlabel="class", ylabel="logit")
    right.bar(classes, q, color=COLORS["model"])
    for c, value in zip(classes, q, strict=True):
        right.annotate(f"{value:.3f}", (c, value), xytext=(0, 3), textcoords="offset points",
                       ha="center", va="bottom", fontsize=9)
    right.set_xticks(classes)
    right.set_ylim(0, 1)
    label_axes(right, title=f"softmax(z): sums to {q.sum():.0f}", xlabel="class",
               ylabel="probability")
    plt.close(fig)  # shown once, by the cell's result
    return fig


def double_softmax_figure(
    steps: Sequence[int] | Tensor,
    losses: Mapping[str, Sequence[float] | Tensor],
    accuracies: Mapping[str, Sequence[float] | Tensor],
    floor: float,
) -> Figure:
    """Training curves with and without a softmax before ``CrossEntropyLoss``.

    Parameters
    ----------
    steps : sequence of int
        The training steps at which the curves were recorded.
    losses, accuracies : mapping of str to values
        Each setup's loss and training accuracy (a fraction) at those steps.
    floor : float
        The lowest loss the doubled softmax can report, drawn as a dotted line.
    """
    steps = _numbers("steps", steps)
    fig, (left, right) = subplots(1, 2, height=3.4)
    _curves(left, steps, losses, "losses")
    left.axhline(floor, color=COLORS["data"], linestyle=":", label="its floor")
    highest = max(max(_numbers("losses", v)) for v in losses.values())
    left.set_ylim(0, 1.5 * max(highest, floor))  # room above the curves for the legend
    label_axes(left, title="Loss", xlabel="step", ylabel="cross-entropy (nats)",
               legend=False)
    left.legend(loc="upper right")
    _curves(right, steps, accuracies, "accuracies")
    right.set_ylim(0, 1.05)
    label_axes(right, title="Training accuracy", xlabel="step", ylabel="fraction right",
               legend=False)
    right.legend(loc="lower right")
    plt.close(fig)  # shown once, by the cell's result
    return fig


def class_weight_figure(
    class_names: Sequence[str],
    recalls: Mapping[str, Sequence[float] | Tensor],
) -> Figure:
    """Recall of each class (the fraction of its examples found), for each training."""
    if not recalls:
        raise ValueError("recalls must name at least one training")
    fig, ax = subplots(height=3.4)
    positions = np.arange(len(class_names))
    width = 0.8 / len(recalls)
    for k, (name, values) in enumerate(recalls.items()):
        values = _numbers(f"recalls[{name!r}]", values)
        if len(values) != len(class_names):
            raise ValueError(f"recalls[{name!r}] has {len(values)} values for "
                             f"{len(class_names)} classes")
        offset = (k - (len(recalls) - 1) / 2) * width
        bars = ax.bar(positions + offset, values, width=width, label=name,
                      color=_LINE_COLOURS[k % len(_LINE_COLOURS)])
        ax.bar_label(bars, fmt="%.2f", fontsize=9, padding=2)
    ax.set_xticks(positions, list(class_names))
    ax.set_ylim(0, 1.4)
    label_axes(ax, title="Recall of each class", xlabel="class (examples in training)",
               ylabel="recall", legend=False)
    ax.legend(loc="upper right", ncols=len(recalls))
    plt.close(fig)  # shown once, by the cell's result
    return fig


def label_smoothing_figure(
    steps: Sequence[int] | Tensor,
    losses: Mapping[str, Sequence[float] | Tensor],
    gaps: Mapping[str, Sequence[float] | Tensor],
    optimum_gap: float,
) -> Figure:
    r"""Training with hard and smoothed labels: the loss, and the margin of the logits.

    Parameters
    ----------
    steps : sequence of int
        The training steps at which the curves were recorded.
    losses, gaps : mapping of str to values
        Each training's loss, and its mean logit gap :math:`z_y - \max_{c \ne y} z_c`.
    optimum_gap : float
        The gap that minimises the smoothed loss, drawn as a dotted line.
    """
    steps = _numbers("steps", steps)
    fig, (left, right) = subplots(1, 2, height=3.4)
    _curves(left, steps, losses, "losses")
    left.set_ylim(0, None)
    label_axes(left, title="Loss", xlabel="step", ylabel="cross-entropy (nats)",
               legend=False)
    left.legend(loc="upper right")
    _curves(right, steps, gaps, "gaps")
    right.axhline(optimum_gap, color=COLORS["data"], linestyle=":",
                  label="best gap, smoothed")
    right.set_ylim(0, None)
    label_axes(right, title="Mean logit gap", xlabel="step",
               ylabel="$z_y$ minus the largest other $z_c$", legend=False)
    right.legend(loc="lower right")
    plt.close(fig)  # shown once, by the cell's result
    return fig


def _temperature_curve(z: Tensor, temperatures: np.ndarray,
                       softmax: Callable[[Tensor], Tensor] | None = None) -> np.ndarray:
    scaled = z[None, :] / torch.as_tensor(temperatures, dtype=torch.float64)[:, None]
    q = reference_softmax(scaled, dim=-1) if softmax is None else softmax(scaled)
    return _numbers("the entropy curve", entropy(q))


def _check_logits(logits: Sequence[float] | Tensor) -> Tensor:
    z = torch.as_tensor(_numbers("logits", logits), dtype=torch.float64)
    if len(z) < 2:
        raise ValueError(f"logits must hold at least two classes, got {len(z)}")
    return z


def _check_temperatures(temperatures: Sequence[float]) -> np.ndarray:
    values = _numbers("temperatures", temperatures)
    if bool((values <= 0).any()):
        raise ValueError(f"temperatures must be positive, got {values.tolist()}")
    return values


def temperature_frame(
    logits: Sequence[float] | Tensor, temperature: float, *,
    softmax: Callable[[Tensor], Tensor] | None = None, curve: np.ndarray | None = None,
) -> Figure:
    r"""Left: :math:`\operatorname{softmax}(z / T)` at one temperature. Right: its entropy.

    The right panel draws the entropy of :math:`\operatorname{softmax}(z / T)` for
    :math:`T` from 0.05 to 50 (log scale), the current :math:`T` marked, and the
    largest possible entropy :math:`\log C`, reached as :math:`T \to \infty`.
    ``softmax(z)`` (along the last dimension) is the lab's, float64 tensors on the CPU
    going in; by default the reference, :func:`lossutils.softmax`. ``curve``, the
    entropy at each temperature of the panel's grid, is computed when not given.
    """
    z = _check_logits(logits)
    (temperature,) = _check_temperatures([temperature])
    if softmax is None:
        q = reference_softmax(z / temperature, dim=-1).numpy()
    else:
        q = _numbers("softmax(z / T)", softmax(z / temperature))
    classes = np.arange(len(z))  # counted from 0, as in PyTorch
    fig, (left, right) = subplots(1, 2, height=3.4)
    left.bar(classes, q, color=COLORS["model"])
    left.axhline(1 / len(z), color=COLORS["data"], linestyle=":")
    left.set_xticks(classes)
    left.set_ylim(0, 1.0)
    label_axes(left, title=f"softmax(z / T) at T = {temperature:.3g}", xlabel="class",
               ylabel="probability")

    grid = _TEMPERATURE_GRID
    if curve is None:
        curve = _temperature_curve(z, grid, softmax)
    right.plot(grid, curve, color=COLORS["data"], label="entropy of softmax(z / T)")
    right.axhline(math.log(len(z)), color=COLORS["data"], linestyle=":",
                  label=f"log {len(z)}: uniform")
    h = float(entropy(torch.as_tensor(q)))
    right.plot([temperature], [h], "o", color=COLORS["highlight"])
    right.set_xscale("log")
    right.set_ylim(0, math.log(len(z)) * 1.45)
    label_axes(right, title=f"Entropy {h:.2f} nats", xlabel="temperature T (log scale)",
               ylabel="entropy (nats)", legend=False)
    right.legend(loc="upper left")
    plt.close(fig)  # shown once, by the cell's result
    return fig


def temperature_figure(logits: Sequence[float] | Tensor,
                       shown: Sequence[float]) -> Figure:
    r"""Left: :math:`\operatorname{softmax}(z / T)` at a few temperatures. Right: entropy.

    The static companion of :func:`temperature_demo`, for the chapter.
    """
    z = _check_logits(logits)
    shown = _check_temperatures(shown)
    classes = np.arange(len(z))  # counted from 0, as in PyTorch
    fig, (left, right) = subplots(1, 2, height=3.4)
    width = 0.8 / len(shown)
    grid = _TEMPERATURE_GRID
    right.plot(grid, _temperature_curve(z, grid), color=COLORS["data"])
    right.axhline(math.log(len(z)), color=COLORS["data"], linestyle=":")
    for k, temperature in enumerate(shown):
        q = reference_softmax(z / temperature, dim=-1)
        colour = _LINE_COLOURS[k % len(_LINE_COLOURS)]
        left.bar(classes + (k - (len(shown) - 1) / 2) * width, q.numpy(), width=width,
                 color=colour, label=f"T = {temperature:g}")
        right.plot([temperature], [float(entropy(q))], "o", color=colour,
                   label=f"T = {temperature:g}")
    left.set_xticks(classes)
    left.set_ylim(0, 1.0)
    label_axes(left, title="softmax(z / T)", xlabel="class", ylabel="probability",
               legend=True)
    right.set_xscale("log")
    right.set_ylim(0, math.log(len(z)) * 1.45)
    label_axes(right, title=f"Entropy rises to log {len(z)}",
               xlabel="temperature T (log scale)", ylabel="entropy (nats)", legend=False)
    right.legend(loc="upper left", ncols=len(shown))
    plt.close(fig)  # shown once, by the cell's result
    return fig


def temperature_demo(
    logits: Sequence[float] | Tensor,
    temperatures: Sequence[float] = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0,
                                     10.0, 20.0),
    *,
    softmax: Callable[[Tensor], Tensor] | None = None,
) -> LiveDemo:
    """The lab's demo: one slider for the temperature of a softmax over ``logits``.

    Each picture is :func:`temperature_frame`, computed with the lab's ``softmax``
    (the entropy curve once, the bars and the marked entropy for each temperature).
    The frames are at ``temperatures``; in a kernel the slider takes any temperature
    from 0.05 to 50, on a log scale.
    """
    z = _check_logits(logits)
    temperatures = tuple(float(t) for t in _check_temperatures(temperatures))
    curve = _temperature_curve(z, _TEMPERATURE_GRID, softmax)

    def draw(temperature: float) -> Figure:
        return temperature_frame(z, temperature, softmax=softmax, curve=curve)

    start = 1.0 if 1.0 in temperatures else temperatures[len(temperatures) // 2]
    return live_demo(
        draw,
        description=("Bars of softmax(z / T) over the classes, and its entropy against "
                     "the temperature T with the current T marked"),
        labels={"temperature": "temperature T"},
        ranges={"temperature": Range(float(_TEMPERATURE_GRID[0]),
                                     float(_TEMPERATURE_GRID[-1]), 0.01, log=True)},
        frames={"temperature": temperatures},
        start={"temperature": start},
        shared_layout=True,
    )
