"""Chapter 8's figures: what the chapter and its lab draw of the digit readers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

import lossutils as lu
from lossutils.figures import chapter08 as figures
from lossutils.figures.style import figure_problems


def _records(steps: list[int]) -> dict[str, dict[str, list[float]]]:
    falling = [1.0 / (1 + s) for s in steps]
    return {
        name: {
            "train_loss": [scale * v for v in falling],
            "held_out_loss": [scale * (v + 0.05) for v in falling],
            "held_out_cross_entropy": [v + 0.08 for v in falling],
            "held_out_accuracy": [0.8 + 0.19 * (1 - v) for v in falling],
        }
        for name, scale in (("cross-entropy", 2.0), ("squared error", 0.5))
    }


def test_every_figure_meets_the_standard() -> None:
    images, digits = lu.load_digits()
    steps = list(range(0, 101, 10))
    q = torch.softmax(torch.randn(4, 10, generator=torch.Generator().manual_seed(0)), 1)
    drawn = {
        "mosaic": figures.digit_mosaic_figure(images[:20], digits[:20]),
        "curves": figures.training_curves_figure(_records(steps), steps),
        "mistakes": figures.mistakes_figure(images[:4], q, digits[:4], title="wrong"),
    }
    for name, fig in drawn.items():
        assert figure_problems(fig) == [], name
        plt.close(fig)


def test_the_curves_draw_the_records_they_are_given() -> None:
    steps = list(range(0, 101, 10))
    records = _records(steps)
    fig = figures.training_curves_figure(records, steps)
    top_left = fig.axes[0].get_lines()[0]
    assert list(top_left.get_ydata()) == records["cross-entropy"]["train_loss"]
    accuracy = fig.axes[2].get_lines()[1]
    expected = [100 * a for a in records["squared error"]["held_out_accuracy"]]
    assert list(accuracy.get_ydata()) == pytest.approx(expected)
    plt.close(fig)


def test_mistakes_colour_the_true_and_the_chosen_class() -> None:
    q = torch.full((1, 10), 0.02)
    q[0, 5] = 0.82
    fig = figures.mistakes_figure(torch.zeros(1, 8, 8), q, torch.tensor([3]), title="t")
    bars = fig.axes[1].patches
    assert bars[3].get_facecolor() != bars[5].get_facecolor() != bars[0].get_facecolor()
    assert fig.axes[0].get_title() == "a 3, read as 5"
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: figures.digit_mosaic_figure(torch.zeros(3, 4, 4), torch.arange(3)),
         "shape \\(N, 8, 8\\)"),
        (lambda: figures.digit_mosaic_figure(torch.zeros(3, 8, 8), torch.arange(2)),
         "3 images but 2 digits"),
        (lambda: figures.mistakes_figure(torch.zeros(2, 8, 8), torch.zeros(2, 9),
                                         torch.arange(2), title="t"),
         "\\(K, 10\\) probabilities"),
        (lambda: figures.training_curves_figure({"cross-entropy": {"train_loss": [1.0]}},
                                                [0]),
         "lacks"),
    ],
)
def test_bad_input_is_named(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
