"""Chapter 8's figures: what the chapter and its lab draw of the digit readers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

import lossutils as lu
from lossutils.figures import chapter08 as figures
from lossutils.figures.style import figure_problems


def _panels(steps: list[int]) -> dict[str, dict[str, dict[str, torch.Tensor]]]:
    generator = torch.Generator().manual_seed(0)
    falling = 1.0 / (1 + torch.tensor(steps, dtype=torch.float64))[:, None]

    def curve(scale: float) -> dict[str, torch.Tensor]:
        noise = 0.01 * torch.rand(len(steps), 5, generator=generator, dtype=torch.float64)
        return {"val_accuracy": 0.97 - 0.2 * scale * falling + noise,
                "val_ce": 0.1 + scale * falling + noise}

    return {"both at lr = 0.5": {"cross-entropy, lr = 0.5": curve(1.0),
                                 "squared error, lr = 0.5": curve(3.0)},
            "each at its chosen rate": {"cross-entropy, lr = 1": curve(0.5),
                                        "squared error, lr = 2": curve(0.6)}}


def test_every_figure_meets_the_standard() -> None:
    images, digits = lu.load_digits()
    steps = list(range(0, 101, 10))
    q = torch.softmax(torch.randn(4, 10, generator=torch.Generator().manual_seed(0)), 1)
    drawn = {
        "mosaic": figures.digit_mosaic_figure(images[:20], digits[:20]),
        "curves": figures.sweep_curves_figure(steps, _panels(steps)),
        "mistakes": figures.mistakes_figure(images[:4], q, digits[:4], title="wrong"),
    }
    for name, fig in drawn.items():
        assert figure_problems(fig) == [], name
        plt.close(fig)


def test_the_curves_draw_the_mean_and_the_spread_of_the_seeds() -> None:
    steps = list(range(0, 101, 10))
    panels = _panels(steps)
    fig = figures.sweep_curves_figure(steps, panels)
    top_left, bottom_right = fig.axes[0], fig.axes[3]
    curve = panels["both at lr = 0.5"]["squared error, lr = 0.5"]
    line = top_left.get_lines()[1]
    assert line.get_label() == "squared error, lr = 0.5"
    assert list(line.get_ydata()) == pytest.approx(
        (100 * curve["val_accuracy"].mean(dim=1)).tolist())
    band = bottom_right.collections[0].get_paths()[0].vertices[:, 1]
    chosen = panels["each at its chosen rate"]["cross-entropy, lr = 1"]["val_ce"]
    assert band.min() == pytest.approx(chosen.min().item())
    assert band.max() == pytest.approx(chosen.max().item())
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
        (lambda: figures.sweep_curves_figure([0], {"a": {"cross-entropy": {}}}), "lacks"),
        (lambda: figures.sweep_curves_figure(
            [0, 10], {"a": {"cross-entropy": {"val_accuracy": torch.ones(3, 5),
                                              "val_ce": torch.ones(3, 5)}}}),
         "must be \\(steps, seeds\\) with 2 steps"),
        (lambda: figures.sweep_curves_figure([0], {}), "one or two panels"),
    ],
)
def test_bad_input_is_named(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
