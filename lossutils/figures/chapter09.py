"""Figures of chapter 9, "Is a smaller loss always better?".

The chapter answers the lesson's exercise with chapter 8's network, trained on a few
training images: its training loss falls while its held-out loss rises; trained on
shuffled labels it drives its training loss to zero and reads nothing; and a model
with the lower held-out cross-entropy can be the one with the lower accuracy. These
functions draw what the chapter and its lab computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from .style import COLORS, label_axes, subplots

__all__ = ["confidence_figure", "memorisation_figure", "overfitting_figure"]

Record = Mapping[str, Sequence[float]]


def _check_record(record: Record, needed: Sequence[str], name: str) -> None:
    missing = [key for key in ("step", *needed) if key not in record]
    if missing:
        raise ValueError(f"the record {name!r} lacks {missing}")
    lengths = {key: len(record[key]) for key in ("step", *needed)}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"the record {name!r} has entries of different lengths {lengths}")


def overfitting_figure(record: Record, *, marked: Sequence[int]) -> Figure:
    """Training and held-out loss (left) and held-out accuracy (right) against the step.

    ``record`` holds lists ``step``, ``train_loss``, ``held_out_loss`` and
    ``held_out_accuracy``; the steps in ``marked`` (for example where the held-out loss
    is smallest, and the last step) get a dot on every curve.
    """
    _check_record(record, ("train_loss", "held_out_loss", "held_out_accuracy"), "record")
    steps = list(record["step"])
    unknown = [step for step in marked if step not in steps]
    if unknown:
        raise ValueError(f"marked steps {unknown} are not in the record")
    at = [steps.index(step) for step in marked]
    fig, (losses, accuracy) = subplots(1, 2, height=3.4)
    losses.plot(steps, record["train_loss"], color=COLORS["train"], label="training")
    losses.plot(steps, record["held_out_loss"], color=COLORS["test"], label="held-out")
    losses.plot([steps[k] for k in at], [record["held_out_loss"][k] for k in at], "o",
                color=COLORS["highlight"], label="_marked")
    losses.set_yscale("log")
    label_axes(losses, title="cross-entropy", xlabel="step", ylabel="nats (log scale)",
               legend=True)
    percent = 100 * np.asarray(record["held_out_accuracy"], dtype=float)
    accuracy.plot(steps, percent, color=COLORS["test"], label="held-out")
    accuracy.plot([steps[k] for k in at], percent[at], "o", color=COLORS["highlight"],
                  label="_marked")
    # Zoomed on the marked steps: the first steps, near 10 %, are off the bottom.
    accuracy.set_ylim(percent[at].min() - 10, percent.max() + 3)
    label_axes(accuracy, title="held-out accuracy (zoomed)", xlabel="step",
               ylabel="% right")
    return fig


def memorisation_figure(records: Mapping[str, Record], *, chance: float) -> Figure:
    """Training loss (left) and held-out accuracy (right) of models with different labels.

    ``records`` maps a name ("true labels", "shuffled labels") to a record with lists
    ``step``, ``train_loss`` and ``held_out_accuracy``. ``chance`` is the accuracy of
    guessing, drawn as a grey line.
    """
    for name, record in records.items():
        _check_record(record, ("train_loss", "held_out_accuracy"), name)
    if not 0 <= chance <= 1:
        raise ValueError(f"chance must be a fraction in [0, 1], got {chance}")
    colors = [COLORS["model"], COLORS["mae"], COLORS["huber"]]
    fig, (losses, accuracy) = subplots(1, 2, height=3.4)
    for color, (name, record) in zip(colors, records.items(), strict=False):
        losses.plot(record["step"], record["train_loss"], color=color, label=name)
        accuracy.plot(record["step"], 100 * np.asarray(record["held_out_accuracy"]),
                      color=color, label=name)
    accuracy.axhline(100 * chance, color=COLORS["data"], linestyle=":", linewidth=1.5,
                     label="guessing")
    losses.set_yscale("log")
    label_axes(losses, title="training cross-entropy", xlabel="step",
               ylabel="nats (log scale)", legend=True)
    accuracy.set_ylim(0, 100)
    label_axes(accuracy, title="held-out accuracy", xlabel="step", ylabel="% right",
               legend=True)
    return fig


def confidence_figure(per_sample_losses: Mapping[str, Tensor]) -> Figure:
    """The held-out images' losses, largest first, for each model: where the cost sits.

    ``per_sample_losses`` maps a model's name to the cross-entropy of each held-out
    image, :math:`-\\log q_{y_i}` (``reduction="none"``). The x axis counts images from
    the worst; a long tail on the left is a few confident mistakes.
    """
    if not per_sample_losses:
        raise ValueError("no losses to draw")
    colors = [COLORS["highlight"], COLORS["test"], COLORS["model"]]
    fig, ax = subplots(height=3.4)
    for color, (name, losses) in zip(colors, per_sample_losses.items(), strict=False):
        values = losses.detach().to("cpu", torch.float64) if isinstance(losses, Tensor) \
            else torch.as_tensor(losses, dtype=torch.float64)
        ordered = torch.sort(values, descending=True).values.numpy()
        ax.plot(np.arange(1, len(ordered) + 1), ordered, color=color,
                label=f"{name}: mean {ordered.mean():.2f}")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-4)
    label_axes(ax, title="held-out losses, largest first", xlabel="rank of the image",
               ylabel="-log q of the right digit", legend=True)
    return fig
