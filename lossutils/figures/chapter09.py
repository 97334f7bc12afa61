"""Figures of chapter 9, "Is a smaller loss always better?".

The chapter answers the lesson's exercise with chapter 8's network, trained on a few
training images: its validation loss rises while its validation accuracy holds, because
it grows more confident than it is right (a temperature fitted on validation data
repairs that); trained on shuffled labels it drives its training loss to zero and reads
nothing; and two models with different cross-entropies can read as many digits right.
These functions draw what the chapter and its lab computed, and
:func:`calibration_bins` sorts a model's answers into the bins of a reliability diagram.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from .style import COLORS, label_axes, subplots

__all__ = [
    "calibration_bins",
    "confidence_figure",
    "memorisation_figure",
    "overfitting_figure",
    "reliability_figure",
]

Record = Mapping[str, Sequence[float]]


def _check_record(record: Record, needed: Sequence[str], name: str) -> None:
    missing = [key for key in ("step", *needed) if key not in record]
    if missing:
        raise ValueError(f"the record {name!r} lacks {missing}")
    lengths = {key: len(record[key]) for key in ("step", *needed)}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"the record {name!r} has entries of different lengths {lengths}")


def _numpy(values: Tensor | Sequence[float]) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.detach().to("cpu", torch.float64).numpy()
    return np.asarray(values, dtype=np.float64)


def overfitting_figure(record: Record, *, marked: Sequence[int]) -> Figure:
    """Training and validation loss (left); validation accuracy and confidence (right).

    ``record`` holds lists ``step``, ``train_loss``, ``validation_loss``,
    ``validation_accuracy`` and ``validation_confidence`` (the mean over the validation
    images of the largest predicted probability). The steps in ``marked`` (for example
    where the validation loss is smallest, and the last step) get a dot on the
    validation loss and on the accuracy.
    """
    _check_record(record, ("train_loss", "validation_loss", "validation_accuracy",
                           "validation_confidence"), "record")
    steps = list(record["step"])
    unknown = [step for step in marked if step not in steps]
    if unknown:
        raise ValueError(f"marked steps {unknown} are not in the record")
    at = [steps.index(step) for step in marked]
    fig, (losses, right) = subplots(1, 2, height=3.4)
    losses.plot(steps, record["train_loss"], color=COLORS["train"], label="training")
    losses.plot(steps, record["validation_loss"], color=COLORS["test"], label="validation")
    losses.plot([steps[k] for k in at], [record["validation_loss"][k] for k in at], "o",
                color=COLORS["highlight"], label="_marked")
    losses.set_yscale("log")
    label_axes(losses, title="cross-entropy", xlabel="step", ylabel="nats (log scale)",
               legend=True)
    percent = 100 * _numpy(record["validation_accuracy"])
    confidence = 100 * _numpy(record["validation_confidence"])
    right.plot(steps, percent, color=COLORS["test"], label="accuracy")
    right.plot(steps, confidence, color=COLORS["data"], linestyle="--",
               label="mean confidence")
    right.plot([steps[k] for k in at], percent[at], "o", color=COLORS["highlight"],
               label="_marked")
    # Zoomed on the marked steps: the first steps, near 10 %, are off the bottom.
    low = min(percent[at].min(), confidence[at].min())
    right.set_ylim(low - 8, max(percent.max(), confidence.max()) + 6)
    label_axes(right, title="validation images (zoomed)", xlabel="step", ylabel="%",
               legend=True)
    return fig


def memorisation_figure(records: Mapping[str, Record], *, chance: float) -> Figure:
    """Training loss (left) and validation accuracy (right) of models with different labels.

    ``records`` maps a name ("true labels", "shuffled labels", ...) to a record with lists
    ``step``, ``train_loss`` and ``validation_accuracy``; at most three records.
    ``chance`` is the accuracy of guessing, drawn as a grey line.
    """
    colors = [COLORS["model"], COLORS["mae"], COLORS["huber"]]
    if not records or len(records) > len(colors):
        raise ValueError(f"one to {len(colors)} records to draw, got {len(records)}")
    for name, record in records.items():
        _check_record(record, ("train_loss", "validation_accuracy"), name)
    if not 0 <= chance <= 1:
        raise ValueError(f"chance must be a fraction in [0, 1], got {chance}")
    fig, (losses, accuracy) = subplots(1, 2, height=3.4)
    for color, (name, record) in zip(colors, records.items(), strict=False):
        losses.plot(record["step"], record["train_loss"], color=color, label=name)
        accuracy.plot(record["step"], 100 * _numpy(record["validation_accuracy"]),
                      color=color, label=name)
    accuracy.axhline(100 * chance, color=COLORS["data"], linestyle=":", linewidth=1.5,
                     label="guessing")
    losses.set_yscale("log")
    label_axes(losses, title="training cross-entropy", xlabel="step",
               ylabel="nats (log scale)", legend=True)
    accuracy.set_ylim(0, 100)
    label_axes(accuracy, title="validation accuracy", xlabel="step", ylabel="% right",
               legend=True)
    return fig


def confidence_figure(per_sample_losses: Mapping[str, Tensor]) -> Figure:
    """The images' losses, largest first, for each model: where the cost sits.

    ``per_sample_losses`` maps a model's name to the cross-entropy of each image,
    :math:`-\\log q_{y_n}` (``reduction="none"``). The x axis counts images from the
    worst; the left end holds the confident mistakes (the right digit given almost no
    probability), the right end the confident right answers (almost all of it).
    """
    if not per_sample_losses:
        raise ValueError("no losses to draw")
    colors = [COLORS["highlight"], COLORS["test"], COLORS["model"]]
    if len(per_sample_losses) > len(colors):
        raise ValueError(f"at most {len(colors)} models, got {len(per_sample_losses)}")
    fig, ax = subplots(height=3.4)
    smallest = np.inf
    for color, (name, losses) in zip(colors, per_sample_losses.items(), strict=False):
        ordered = np.sort(_numpy(losses))[::-1]
        ax.plot(np.arange(1, len(ordered) + 1), ordered, color=color,
                label=f"{name}: mean {ordered.mean():.3f}")
        smallest = min(smallest, ordered[ordered > 0].min(initial=np.inf))
    ax.set_yscale("log")
    if np.isfinite(smallest):  # a loss of exactly 0 has no place on a log scale
        ax.set_ylim(bottom=smallest / 2)
    label_axes(ax, title="losses of the images, largest first", xlabel="rank of the image",
               ylabel="-log q of the right digit", legend=True)
    return fig


def calibration_bins(confidence: Tensor, correct: Tensor, bins: int = 10
                     ) -> dict[str, np.ndarray]:
    """Sort answers into ``bins`` equal-width bins of confidence, as a reliability
    diagram does.

    ``confidence`` holds each answer's largest predicted probability, ``correct`` whether
    the answer was right (bools or 0/1). Bin :math:`b` holds the confidences in
    :math:`(b/B, (b+1)/B]`; a confidence of exactly 0 goes to the first bin. Returns
    the ``edges`` (``bins + 1`` of them), and per bin the ``count`` of answers, their
    mean ``confidence`` and their ``accuracy`` (NaN for an empty bin), and the expected
    calibration error ``ece``, :math:`\\sum_b \\frac{n_b}{N}\\,|\\mathrm{acc}_b -
    \\mathrm{conf}_b|` (Guo et al., 2017).

    Examples
    --------
    >>> found = calibration_bins(torch.tensor([0.7, 0.7, 0.95, 0.95]),
    ...                          torch.tensor([1, 0, 1, 1]))
    >>> found["count"].tolist()[6:], round(float(found["ece"]), 3)
    ([2, 0, 0, 2], 0.125)
    """
    confidence, correct = _numpy(confidence).ravel(), _numpy(correct).ravel()
    if confidence.shape != correct.shape or not len(confidence):
        raise ValueError(f"confidence and correct must be of one length, at least 1, got "
                         f"{confidence.shape} and {correct.shape}")
    if ((confidence < 0) | (confidence > 1)).any():
        raise ValueError("confidences must lie in [0, 1]")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    edges = np.arange(bins + 1) / bins
    # searchsorted(side="left") finds i with edges[i - 1] < c <= edges[i]: bin i - 1.
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, minlength=bins) / count
        accuracy = np.bincount(which, correct, minlength=bins) / count
    full = count > 0
    ece = float(np.sum(count[full] / count.sum()
                       * np.abs(accuracy[full] - mean_confidence[full])))
    return {"edges": edges, "count": count, "confidence": mean_confidence,
            "accuracy": accuracy, "ece": ece}


def reliability_figure(answers: Mapping[str, tuple[Tensor, Tensor]], *, bins: int = 10
                       ) -> Figure:
    """Reliability diagrams (top) and how many answers fall in each bin (bottom).

    ``answers`` maps a model's name to ``(confidence, correct)`` of each of its answers
    (see :func:`calibration_bins`); one column per model, at most two. Top: the accuracy
    of each non-empty bin as a bar, the bin's mean confidence as a dot, and the
    diagonal where they would be equal; the panel's title gives the model's expected
    calibration error. Bottom: the count of answers per bin, on a log scale.
    """
    if not answers or len(answers) > 2:
        raise ValueError(f"one or two models to draw, got {len(answers)}")
    fig, axes = subplots(2, 2 if len(answers) == 2 else 1, height=2.9, squeeze=False,
                         sharex=True)
    for column, (name, (confidence, correct)) in enumerate(answers.items()):
        found = calibration_bins(confidence, correct, bins)
        edges, full = found["edges"], found["count"] > 0
        centres, width = (edges[:-1] + edges[1:]) / 2, 1 / bins
        top, bottom = axes[0, column], axes[1, column]
        top.plot([0, 1], [0, 1], color=COLORS["data"], linestyle=":", linewidth=1.5,
                 label="confidence = accuracy")
        top.bar(centres[full], found["accuracy"][full], width=width * 0.9,
                color=COLORS["model"], alpha=0.75, label="accuracy")
        top.plot(centres[full], found["confidence"][full], "o", color=COLORS["highlight"],
                 markersize=5, label="mean confidence")
        top.set_xlim(0, 1)
        top.set_ylim(0, 1.05)
        label_axes(top, title=f"{name}: ECE {found['ece']:.3f}", xlabel="",
                   ylabel="mean in the bin", legend=False)
        bottom.bar(centres[full], found["count"][full], width=width * 0.9,
                   color=COLORS["data"], label="answers")
        bottom.set_yscale("log")
        bottom.set_ylim(0.5, 2 * found["count"].sum())  # one answer shows; the same top
        label_axes(bottom, title="answers per bin", xlabel="confidence (largest q)",
                   ylabel="count (log scale)", legend=False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return fig
