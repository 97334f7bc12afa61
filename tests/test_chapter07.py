"""Tests of lossutils.figures.chapter07: chapter 7's figures and its temperature demo.

Every figure is drawn from data like the chapter's and its lab's and held to the figure
standard (``style.figure_problems``) and to two checks of its own text: nothing is cut
at the figure's edge and no two tick labels run together. The temperature demo must
respond to its slider (``player.unresponsive_controls``) and its frames must draw
different data, not only another title. The lab's exercises follow the course's
pattern, and the chapter's claims about the softmax loss hold.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

import lossutils as lu
from lossutils.figures import chapter07 as figures
from lossutils.figures import live, player, style

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "notebooks" / "07-softmax-and-its-loss.ipynb"
LOGITS = torch.tensor([2.0, 1.0, 0.1])


# --------------------------------------------------------------------------------------
# Checks of a figure's text, beyond the figure standard
# --------------------------------------------------------------------------------------



def _assert_meets_the_standard(fig: Figure) -> None:
    assert style.figure_problems(fig) == []


def _curves(steps: int, **finals: float) -> dict[str, list[float]]:
    """Made-up training curves: each name decays from 2.3 to its final value."""
    t = np.linspace(0, 1, steps)
    return {name: list(final + (2.3 - final) * np.exp(-6 * t))
            for name, final in finals.items()}


# --------------------------------------------------------------------------------------
# The figures of the chapter and the lab
# --------------------------------------------------------------------------------------

def test_softmax_figure_draws_the_logits_and_their_softmax():
    q = lu.softmax(LOGITS, dim=0)
    fig = figures.softmax_figure(LOGITS, q)
    _assert_meets_the_standard(fig)
    left, right = fig.axes
    np.testing.assert_allclose([p.get_height() for p in left.patches], LOGITS.numpy())
    np.testing.assert_allclose([p.get_height() for p in right.patches], q.numpy(),
                               rtol=1e-6)
    assert right.get_title() == "softmax(z): sums to 1"
    with pytest.raises(ValueError, match="3 logits but 2 probabilities"):
        figures.softmax_figure(LOGITS, q[:2])


def test_double_softmax_figure_draws_both_runs_and_the_floor():
    steps = list(range(0, 201, 10))
    losses = _curves(len(steps), **{"logits into the loss": 0.19,
                                    "softmax, then the loss": 1.85})
    accuracies = {name: [1 - v / 2.5 for v in values] for name, values in losses.items()}
    floor = math.log(1 + 9 / math.e)
    fig = figures.double_softmax_figure(steps, losses, accuracies, floor)
    _assert_meets_the_standard(fig)
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == [*losses, "its floor"]
    assert left.lines[-1].get_ydata()[0] == pytest.approx(floor)
    np.testing.assert_allclose(right.lines[1].get_ydata(),
                               accuracies["softmax, then the loss"])
    with pytest.raises(ValueError, match="values for 21 steps"):
        figures.double_softmax_figure(steps, {"a": [1.0, 2.0]}, accuracies, floor)
    with pytest.raises(ValueError, match="at least one curve"):
        figures.double_softmax_figure(steps, {}, accuracies, floor)


def test_class_weight_figure_draws_a_bar_per_class_and_training():
    recalls = {"unweighted": [390 / 400, 65 / 80, 13 / 20],
               "weighted": [352 / 400, 67 / 80, 18 / 20]}
    fig = figures.class_weight_figure(["0 (400)", "1 (80)", "2 (20)"], recalls)
    _assert_meets_the_standard(fig)
    (ax,) = fig.axes
    bars = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(bars, recalls["unweighted"] + recalls["weighted"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 (400)", "1 (80)", "2 (20)"]
    with pytest.raises(ValueError, match="2 values for 3 classes"):
        figures.class_weight_figure(["a", "b", "c"], {"x": [0.5, 0.5]})


def test_label_smoothing_figure_draws_losses_gaps_and_the_best_gap():
    steps = list(range(0, 301, 10))
    losses = _curves(len(steps), **{"α = 0": 0.001, "α = 0.1": 0.303})
    gaps = {"α = 0": list(np.log1p(np.arange(len(steps))) * 2.4),
            "α = 0.1": [min(3.13, 0.5 * k) for k in range(len(steps))]}
    fig = figures.label_smoothing_figure(steps, losses, gaps, math.log(28))
    _assert_meets_the_standard(fig)
    _, right = fig.axes
    assert right.lines[-1].get_label() == "best gap, smoothed"
    assert right.lines[-1].get_ydata()[0] == pytest.approx(math.log(28))
    plt.close("all")


def test_temperature_frame_draws_the_softmax_at_that_temperature():
    for temperature in (0.2, 1.0, 10.0):
        fig = figures.temperature_frame(LOGITS, temperature)
        _assert_meets_the_standard(fig)
        bars, curve = fig.axes
        q = lu.softmax(LOGITS.double() / temperature, dim=0)
        np.testing.assert_allclose([p.get_height() for p in bars.patches], q.numpy())
        (point,) = [line for line in curve.lines if line.get_marker() == "o"]
        assert float(point.get_xdata()[0]) == temperature
        assert float(point.get_ydata()[0]) == pytest.approx(float(lu.entropy(q)))
    with pytest.raises(ValueError, match="temperatures must be positive"):
        figures.temperature_frame(LOGITS, 0.0)
    with pytest.raises(ValueError, match="at least two classes"):
        figures.temperature_frame([1.0], 1.0)
    plt.close("all")


def test_temperature_figure_marks_each_temperature_on_the_entropy_curve():
    fig = figures.temperature_figure(LOGITS, [0.2, 1.0, 10.0])
    _assert_meets_the_standard(fig)
    bars, curve = fig.axes
    assert len(bars.patches) == 9
    entropies = [float(line.get_ydata()[0]) for line in curve.lines
                 if line.get_marker() == "o"]
    assert entropies == sorted(entropies), "entropy rises with the temperature"
    assert curve.lines[0].get_ydata()[-1] == pytest.approx(math.log(3), abs=1e-3)
    plt.close("all")


@pytest.fixture(scope="module")
def demo():
    return figures.temperature_demo(LOGITS).player


def test_temperature_demo_responds_to_its_slider(demo):
    assert player.unresponsive_controls(demo) == []
    assert len(demo.frames) <= player.MAX_FRAMES
    assert demo.parameters["temperature"][demo.start[0]] == 1.0, "starts at T = 1"
    assert demo.alt[0].endswith("at temperature T = 0.1")
    assert demo._repr_html_().count("<img") == len(demo.frames)


def test_temperature_demo_frames_draw_different_data(monkeypatch):
    """Each frame draws the softmax of its own temperature, not only another title."""
    drawn = {}

    def spy(draw, **kwargs):
        for temperature in kwargs["temperature"]:
            drawn[temperature] = draw(temperature=temperature)
        return player.frame_player(draw, **kwargs)

    monkeypatch.setattr(live, "frame_player", spy)
    figures.temperature_demo(LOGITS, temperatures=(0.3, 1.0, 3.0))
    heights = {}
    for temperature, fig in drawn.items():
        _assert_meets_the_standard(fig)
        heights[temperature] = np.array([p.get_height() for p in fig.axes[0].patches])
        q = lu.softmax(LOGITS.double() / temperature, dim=0).numpy()
        np.testing.assert_allclose(heights[temperature], q)
    assert not np.allclose(heights[0.3], heights[1.0])
    assert not np.allclose(heights[1.0], heights[3.0])
    plt.close("all")


# --------------------------------------------------------------------------------------
# The chapter's claims
# --------------------------------------------------------------------------------------

def test_the_gradient_of_the_softmax_loss_is_q_minus_p_over_n():
    generator = torch.Generator().manual_seed(3)
    logits = torch.randn(7, 5, generator=generator, dtype=torch.float64)
    soft = torch.rand(7, 5, generator=generator, dtype=torch.float64).softmax(dim=1)
    for target, p in [(torch.tensor([0, 4, 1, 1, 2, 3, 0]), None), (soft, soft)]:
        p = F.one_hot(target, 5).double() if p is None else p
        z = logits.clone().requires_grad_(True)
        F.cross_entropy(z, target).backward()
        expected = (lu.softmax(logits, dim=1) - p) / len(logits)
        assert torch.allclose(z.grad, expected, atol=1e-12)


def test_a_softmax_before_the_loss_puts_a_floor_under_it():
    for classes in (3, 10):
        sure = torch.zeros(1, classes)
        sure[0, 0] = 1.0  # a perfect first softmax
        floor = float(F.cross_entropy(sure, torch.tensor([0])))
        assert floor == pytest.approx(math.log(1 + (classes - 1) / math.e))


def test_label_smoothing_is_smallest_at_the_best_gap():
    alpha, classes = 0.1, 10
    gap = math.log((1 - alpha + alpha / classes) / (alpha / classes))
    assert gap == pytest.approx(math.log(91))

    def loss(g: float) -> float:
        z = torch.zeros(1, classes, dtype=torch.float64)
        z[0, 0] = g
        return float(F.cross_entropy(z, torch.tensor([0]), label_smoothing=alpha))

    assert loss(gap) < loss(gap - 0.1) and loss(gap) < loss(gap + 0.1)


def test_weighted_mean_divides_by_the_weights_of_the_targets():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(5, 3, generator=generator)
    y = torch.tensor([0, 0, 1, 2, 0])
    w = torch.tensor([0.5, 2.0, 8.0])
    per = F.cross_entropy(logits, y, reduction="none")
    expected = (w[y] * per).sum() / w[y].sum()
    assert float(F.cross_entropy(logits, y, weight=w)) == pytest.approx(float(expected))


# --------------------------------------------------------------------------------------
# The lab's exercises and figures
# --------------------------------------------------------------------------------------


def test_the_lab_prints_the_gradient_check():
    outputs = "".join(
        "".join(output.get("text", ""))
        for cell in json.loads(LAB.read_text())["cells"] if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )
    assert "max |autograd - (q - p)/N|: 0.0000000" in outputs


def test_the_lab_figures_have_alt_text_and_captions():
    cells = json.loads(LAB.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] != "code" or "figures." not in "".join(cell["source"]):
            continue
        if "_demo(" in "".join(cell["source"]):
            continue  # the player writes the alt text of each frame
        mystnb = cell["metadata"].get("mystnb", {})
        assert mystnb.get("image", {}).get("alt"), "".join(cell["source"])[:60]
        assert mystnb.get("figure", {}).get("name", "").startswith("fig-lab07-")
