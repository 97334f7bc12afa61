"""Chapter 9's figures: overfitting, memorisation and confident mistakes, as drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from lossutils.figures import chapter09 as figures
from lossutils.figures.style import figure_problems

STEPS = list(range(0, 201))


def _record(shift: float) -> dict[str, list[float]]:
    return {
        "step": STEPS,
        "train_loss": [2.0 / (1 + s) for s in STEPS],
        "held_out_loss": [0.8 + shift + ((s - 60) / 200) ** 2 for s in STEPS],
        "held_out_accuracy": [min(0.8, 0.1 + s / 50) for s in STEPS],
    }


def test_every_figure_meets_the_standard() -> None:
    losses = torch.linspace(5, 0.001, 497)
    drawn = {
        "overfitting": figures.overfitting_figure(_record(0.0), marked=[60, 200]),
        "memorisation": figures.memorisation_figure(
            {"true labels": _record(0.0), "shuffled labels": _record(1.0)}, chance=0.1),
        "confidence": figures.confidence_figure({"step 60": losses,
                                                 "step 200": losses ** 2}),
    }
    for name, fig in drawn.items():
        assert figure_problems(fig) == [], name
        plt.close(fig)


def test_the_marked_steps_sit_on_the_held_out_curve() -> None:
    record = _record(0.0)
    fig = figures.overfitting_figure(record, marked=[60, 200])
    dots = fig.axes[0].get_lines()[2]
    assert list(dots.get_xdata()) == [60, 200]
    assert list(dots.get_ydata()) == [record["held_out_loss"][60], record["held_out_loss"][200]]
    plt.close(fig)


def test_the_confidence_curve_is_sorted_largest_first() -> None:
    losses = torch.tensor([0.1, 3.0, 0.5])
    fig = figures.confidence_figure({"model": losses})
    assert list(fig.axes[0].get_lines()[0].get_ydata()) == pytest.approx([3.0, 0.5, 0.1])
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: figures.overfitting_figure(_record(0.0), marked=[999]), "not in the record"),
        (lambda: figures.overfitting_figure({"step": [0]}, marked=[0]), "lacks"),
        (lambda: figures.memorisation_figure({"a": _record(0.0)}, chance=10), "fraction"),
        (lambda: figures.confidence_figure({}), "no losses"),
    ],
)
def test_bad_input_is_named(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
