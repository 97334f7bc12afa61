"""Tests of lossutils.figures.chapter06: chapter 6's figures and its three-class demo.

Every figure is drawn from the data the chapter and its lab compute and held to the
figure standard (``style.figure_problems``) and to two checks of its own text: nothing
is cut at the figure's edge and no two tick labels run together. The demo must respond
to both sliders (``player.unresponsive_controls``) and its frames must draw different
data, not only another title. The lab's exercises follow the course's pattern.
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
from lossutils.figures import chapter06 as figures
from lossutils.figures import live, player, style

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "notebooks" / "06-entropy-and-cross-entropy.ipynb"
TRUTH = torch.tensor([0.6, 0.3, 0.1])


# --------------------------------------------------------------------------------------
# Checks of a figure's text, beyond the figure standard
# --------------------------------------------------------------------------------------



def _assert_meets_the_standard(fig: Figure) -> None:
    assert style.figure_problems(fig) == []


def _bits(chances: list[float]) -> float:
    return float(lu.entropy(torch.tensor(chances), base=2))


# --------------------------------------------------------------------------------------
# The figures of the chapter and the lab
# --------------------------------------------------------------------------------------

def test_entropy_figure_draws_the_coin_curve_and_the_dice():
    heads = torch.linspace(0, 1, 201)
    coin_bits = lu.entropy(torch.stack([heads, 1 - heads], dim=-1), base=2)
    dice = {"fair die": ([1 / 6] * 6, _bits([1 / 6] * 6)),
            "loaded die": ([0.05] * 5 + [0.75], _bits([0.05] * 5 + [0.75]))}
    fig = figures.entropy_figure(heads, coin_bits,
                                 {"fair": (0.5, 1.0), "loaded": (0.9, _bits([0.9, 0.1]))},
                                 dice)
    _assert_meets_the_standard(fig)
    coin, die = fig.axes
    curve = coin.lines[0]
    np.testing.assert_allclose(curve.get_ydata(), coin_bits.numpy())
    assert float(np.max(curve.get_ydata())) == pytest.approx(1.0)  # a fair coin: 1 bit
    heights = [patch.get_height() for patch in die.patches]
    np.testing.assert_allclose(heights, [1 / 6] * 6 + [0.05] * 5 + [0.75])
    legend = [text.get_text() for text in die.get_legend().get_texts()]
    assert legend == ["fair die: H = 2.58 bits", "loaded die: H = 1.39 bits"]


def test_entropy_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        figures.entropy_figure([0.0, 1.0], [0.0], {}, {"d": ([1.0], 0.0)})
    with pytest.raises(ValueError, match="at least one die"):
        figures.entropy_figure([0.0, 1.0], [0.0, 0.0], {}, {})


def test_one_hot_loss_figure_marks_minus_log_q():
    q = torch.linspace(0.01, 1, 199)
    fig = figures.one_hot_loss_figure(q, -q.log(), marked=[0.9, 0.5, 0.1])
    _assert_meets_the_standard(fig)
    (ax,) = fig.axes
    marks = [line for line in ax.lines if line.get_marker() == "o"]
    assert [float(m.get_xdata()[0]) for m in marks] == [0.9, 0.5, 0.1]
    for mark in marks:
        q_y = float(mark.get_xdata()[0])
        assert float(mark.get_ydata()[0]) == pytest.approx(-math.log(q_y), abs=2e-3)
    with pytest.raises(ValueError, match="1-D"):
        figures.one_hot_loss_figure(torch.ones(2, 2), torch.ones(2, 2))


def test_split_three_gives_a_distribution_and_checks_the_shares():
    q = figures.split_three(0.6, 0.75)
    np.testing.assert_allclose(q.numpy(), [0.6, 0.3, 0.1])
    assert float(figures.split_three(0.15, 0.25).sum()) == pytest.approx(1.0)
    for bad in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            figures.split_three(bad, 0.5)
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            figures.split_three(0.5, bad)


def _kl_segment(fig: Figure) -> tuple[float, float]:
    """The bottom and top of the vertical KL segment of a demo frame."""
    (segments,) = [c for c in fig.axes[1].collections if c.get_label() == "KL(p‖q)"]
    (path,) = segments.get_segments()
    return float(path[0][1]), float(path[1][1])


def test_cross_entropy_frame_draws_entropy_cross_entropy_and_their_gap():
    fig = figures.cross_entropy_frame(TRUTH, 0.3, 0.5)
    _assert_meets_the_standard(fig)
    bars, curves = fig.axes
    q = figures.split_three(0.3, 0.5)
    heights = [patch.get_height() for patch in bars.patches]
    np.testing.assert_allclose(heights, TRUTH.tolist() + q.tolist(), rtol=1e-6)
    h_p = float(lu.entropy(TRUTH.double()))
    h_pq = float(-(TRUTH.double() * q.log()).sum())
    bottom, top = _kl_segment(fig)
    assert bottom == pytest.approx(h_p) and top == pytest.approx(h_pq)
    (curve,) = [line for line in curves.lines if line.get_label() == "H(p, q)"]
    assert float(np.min(curve.get_ydata())) >= h_p - 1e-9, "H(p, q) never below H(p)"
    assert curves.get_title() == f"H(p,q) {h_pq:.2f} = H(p) {h_p:.2f} + KL {h_pq - h_p:.2f}"


def test_cross_entropy_frame_closes_the_gap_at_the_truth():
    fig = figures.cross_entropy_frame(TRUTH, 0.6, 0.75)
    bottom, top = _kl_segment(fig)
    assert top - bottom == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="three probabilities"):
        figures.cross_entropy_frame(torch.tensor([0.5, 0.5]), 0.3, 0.5)
    with pytest.raises(ValueError, match="positive and sum to 1"):
        figures.cross_entropy_frame(torch.tensor([0.5, 0.5, 0.5]), 0.3, 0.5)
    plt.close("all")


@pytest.fixture(scope="module")
def demo():
    return figures.cross_entropy_demo(TRUTH).player


def test_cross_entropy_demo_responds_to_both_sliders(demo):
    assert player.unresponsive_controls(demo) == []
    assert len(demo.frames) <= player.MAX_FRAMES
    assert 0.6 in demo.parameters["share_first"] and 0.75 in demo.parameters["share_second"]
    assert demo.start == (1, 1), "the demo starts at the lab's q = (0.3, 0.35, 0.35)"
    assert demo.alt[0].startswith("Bars of a true distribution p and a prediction q")
    html = demo._repr_html_()
    assert html.count("<img") == len(demo.frames) and html.count('type="range"') == 2


def test_cross_entropy_demo_frames_draw_different_data(monkeypatch):
    """Moving either slider moves the bars of q and the point on the curve."""
    drawn = {}

    def spy(draw, **kwargs):
        for first in kwargs["share_first"]:
            for second in kwargs["share_second"]:
                drawn[first, second] = draw(share_first=first, share_second=second)
        return player.frame_player(draw, **kwargs)

    monkeypatch.setattr(live, "frame_player", spy)
    figures.cross_entropy_demo(TRUTH, first_shares=(0.3, 0.6), second_shares=(0.5, 0.75))

    def data(fig: Figure) -> np.ndarray:
        q_bars = [patch.get_height() for patch in fig.axes[0].patches[3:]]
        return np.array(q_bars + list(_kl_segment(fig)))

    settings = list(drawn)
    for k, one in enumerate(settings):
        _assert_meets_the_standard(drawn[one])
        for other in settings[k + 1:]:
            assert not np.allclose(data(drawn[one]), data(drawn[other])), (one, other)
    plt.close("all")


def test_bce_saturation_figure_draws_both_losses_and_gradients():
    z = torch.linspace(-5, 40, 451)
    zeros = torch.zeros_like(z)
    naive_z = z.clone().requires_grad_(True)
    naive = F.binary_cross_entropy(torch.sigmoid(naive_z), zeros, reduction="none")
    naive.sum().backward()
    stable_z = z.clone().requires_grad_(True)
    stable = F.binary_cross_entropy_with_logits(stable_z, zeros, reduction="none")
    stable.sum().backward()
    fig = figures.bce_saturation_figure(
        z, {"through the sigmoid": naive.detach(), "with logits": stable.detach()},
        {"through the sigmoid": naive_z.grad, "with logits": stable_z.grad})
    _assert_meets_the_standard(fig)
    losses, gradients = fig.axes
    assert float(np.max(losses.lines[0].get_ydata())) == 100.0, "the clamp"
    assert float(losses.lines[1].get_ydata()[-1]) == pytest.approx(40.0, abs=1e-4)
    assert float(gradients.lines[0].get_ydata()[-1]) == 0.0, "no gradient past the clamp"
    assert float(gradients.lines[1].get_ydata()[-1]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same, non-empty, set"):
        figures.bce_saturation_figure(z, {"a": naive.detach()}, {"b": naive_z.grad})
    plt.close("all")


def test_float32_sigmoid_saturates_where_the_chapter_says():
    """The chapter's claim: sigmoid rounds to exactly 1 from about z = 16.6 in float32."""
    grid = torch.arange(1500, 2000) / 100.0
    first_one = float(grid[torch.sigmoid(grid) == 1.0].min())
    assert 16.5 < first_one < 16.8
    assert float(torch.sigmoid(torch.tensor(20.0))) == 1.0


# --------------------------------------------------------------------------------------
# The lab's exercises
# --------------------------------------------------------------------------------------


def test_the_lab_figures_have_alt_text_and_captions():
    cells = json.loads(LAB.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] != "code" or "figures." not in "".join(cell["source"]):
            continue
        if "_demo(" in "".join(cell["source"]):
            continue  # the player writes the alt text of each frame
        mystnb = cell["metadata"].get("mystnb", {})
        assert mystnb.get("image", {}).get("alt"), "".join(cell["source"])[:60]
        assert mystnb.get("figure", {}).get("name", "").startswith("fig-lab06-")
