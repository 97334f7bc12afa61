"""Tests of lossutils.figures.chapter03: the figures and the demo of chapter 3, loss and cost.

The lab computes the losses, the cost, the least-squares line and the cost grid itself;
these tests hold the figures to drawing exactly what they are given, to the figure
standard, and the demo to responding to both sliders with the picture its sliders name.
"""

import inspect

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.contour import ContourSet

import lossutils as lu
from lossutils.figures import chapter03 as figures
from lossutils.figures import player
from lossutils.figures.chapter03 import _least_squares_line, _levels, _LineOnBowl
from lossutils.figures.player import MAX_FRAMES, unresponsive_controls
from lossutils.figures.style import figure_problems

DEMO_SLOPES = [1.0, 1.5, 2.0, 2.5, 3.0]
DEMO_INTERCEPTS = [0.0, 0.5, 1.0, 1.5]


def _line_data():
    return lu.noisy_samples(lambda t: 2 * t + 1, 8, noise=0.4, x_range=(0.0, 2.0), seed=0)


def _grid(x, y, slopes=None, intercepts=None):
    """The lab's cost grid: costs[j, k] = J(slopes[k], intercepts[j]), by broadcasting."""
    slopes = torch.arange(0, 81) / 20 if slopes is None else slopes
    intercepts = torch.arange(-20, 51) / 20 if intercepts is None else intercepts
    predictions = slopes[None, :, None] * x + intercepts[:, None, None]
    return slopes, intercepts, ((y - predictions) ** 2).mean(dim=-1)


@pytest.fixture(scope="module")
def lab():
    """The lab's data, its grid and its least-squares line."""
    x, y = _line_data()
    slopes, intercepts, costs = _grid(x, y)
    return {"x": x, "y": y, "slopes": slopes, "intercepts": intercepts, "costs": costs,
            "best": _least_squares_line(x, y)}


def _mse_cost(y_hat, y):
    """The lab's cost, as a test writes it."""
    losses = (y - y_hat) ** 2
    return losses.sum() / len(losses)


@pytest.fixture(scope="module")
def demo(lab):
    """The demo's frame player."""
    return figures.line_fit_demo(
        lab["x"], lab["y"], cost=_mse_cost, slopes=lab["slopes"], intercepts=lab["intercepts"],
        costs=lab["costs"], best=lab["best"], demo_slopes=DEMO_SLOPES,
        demo_intercepts=DEMO_INTERCEPTS, start=(1.5, 1.0),
    ).player


# --------------------------------------------------------------------------------------
# The module: figures only, self-contained
# --------------------------------------------------------------------------------------

def test_module_exports_figures_and_the_demo_only():
    assert figures.__all__ == ["cost_contour_figure", "line_fit_demo", "line_on_bowl_figure",
                               "loss_and_cost_figure", "squared_vs_absolute_figure"]
    for teaching in ("least_squares_line", "line_cost", "line_cost_surface"):
        assert not hasattr(figures, teaching), f"{teaching} is the lab's code now"
    assert "chapter02" not in inspect.getsource(figures), "chapter03 imports chapter02"
    assert figures.__doc__.startswith("Chapter 3")


# --------------------------------------------------------------------------------------
# The private least-squares line the figures (and chapter 5's) use
# --------------------------------------------------------------------------------------

def test_least_squares_line_matches_lstsq(lab):
    x, y = lab["x"], lab["y"]
    design = torch.stack([x, torch.ones_like(x)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(1)
    assert lab["best"] == pytest.approx(solution.tolist(), abs=1e-12)
    assert lab["best"] == pytest.approx((2.2295, 0.6423), abs=5e-5)  # the chapter's numbers


def test_least_squares_line_recovers_an_exact_line_and_rejects_equal_x():
    assert _least_squares_line([0.0, 1.0, 3.0], [-1.0, 0.5, 3.5]) == pytest.approx((1.5, -1.0))
    with pytest.raises(ValueError, match="all x values are equal"):
        _least_squares_line([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [([0.0, 1.0], [1.0], "same shape"), ([], [], "N >= 1"),
     (np.zeros((2, 2)), np.zeros((2, 2)), "shape")],
)
def test_bad_samples_are_named(x, y, message):
    with pytest.raises(ValueError, match=message):
        figures.loss_and_cost_figure(x, y, 1.0, 0.0)


# --------------------------------------------------------------------------------------
# One line: losses and cost; the square and the absolute value
# --------------------------------------------------------------------------------------

def test_loss_and_cost_figure_bars_are_the_squared_losses(lab):
    x, y = lab["x"], lab["y"]
    fig = figures.loss_and_cost_figure(x, y, 1.5, 1.0)
    assert figure_problems(fig) == []
    bars = [patch.get_height() for patch in fig.axes[1].patches]
    expected = lu.squared_loss(1.5 * x.double() + 1.0, y.double())
    np.testing.assert_allclose(bars, expected.numpy(), rtol=1e-12)
    cost_line = fig.axes[1].lines[0]
    assert cost_line.get_ydata()[0] == pytest.approx(F.mse_loss(1.5 * x + 1.0, y).item())
    assert "0.3362" in cost_line.get_label()
    assert fig.axes[0].lines[0].get_label() == "$\\hat y = 1.50x + 1.00$"
    negative = figures.loss_and_cost_figure(x, y, 1.5, -1.0)
    assert negative.axes[0].lines[0].get_label() == "$\\hat y = 1.50x - 1.00$"


def test_loss_and_cost_figure_rejects_a_line_that_is_not_a_number(lab):
    with pytest.raises(ValueError, match="finite"):
        figures.loss_and_cost_figure(lab["x"], lab["y"], float("nan"), 1.0)


def test_squared_vs_absolute_figure():
    fig = figures.squared_vs_absolute_figure(limit=1.5)
    assert figure_problems(fig) == []
    values, slopes = fig.axes
    r, square = values.lines[0].get_data()
    np.testing.assert_allclose(square, r**2)
    np.testing.assert_allclose(values.lines[1].get_ydata(), np.abs(r))
    r, derivative = slopes.lines[0].get_data()
    np.testing.assert_allclose(derivative, 2 * r)
    with pytest.raises(ValueError, match="limit"):
        figures.squared_vs_absolute_figure(limit=0.0)
    with pytest.raises(TypeError, match="limit"):
        figures.squared_vs_absolute_figure(limit="2")


# --------------------------------------------------------------------------------------
# The bowl
# --------------------------------------------------------------------------------------

def test_levels_are_round_and_inside_the_costs():
    np.testing.assert_allclose(_levels(np.array([0.0666, 12.0])),
                               [0.1, 0.2, 0.5, 1, 2, 5, 10])
    assert _levels(np.array([0.0, 3.0])).min() >= 10.0**-4  # at most five decades
    with pytest.raises(ValueError, match="flat"):
        _levels(np.array([1.0, 1.0]))


def test_cost_contour_figure_draws_the_grid_it_is_given():
    # A grid whose level-1 contour is the unit circle around (1, 2): the figure must draw
    # these costs, not costs of its own.
    slopes, intercepts = np.linspace(-1, 3, 201), np.linspace(0, 4, 201)
    costs = (slopes[None, :] - 1) ** 2 + (intercepts[:, None] - 2) ** 2
    fig = figures.cost_contour_figure(slopes, intercepts, costs, best=(1.0, 2.0))
    assert figure_problems(fig) == []
    contour = next(c for c in fig.axes[0].collections if isinstance(c, ContourSet))
    level_one = list(contour.levels).index(1.0)
    vertices = np.concatenate([path.vertices for path in contour.get_paths()[level_one:
                                                                             level_one + 1]])
    radius = np.hypot(vertices[:, 0] - 1, vertices[:, 1] - 2)
    np.testing.assert_allclose(radius, 1.0, atol=2e-3)


def test_cost_contour_figure_marks_the_best_line_and_the_named_lines(lab):
    fig = figures.cost_contour_figure(lab["slopes"], lab["intercepts"], lab["costs"],
                                      best=lab["best"], points={"A": (1.5, 1.0)})
    assert figure_problems(fig) == []
    ax = fig.axes[0]
    star = next(line for line in ax.lines if line.get_marker() == "*")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx(lab["best"])
    dot = next(line for line in ax.lines if line.get_marker() == "o")
    assert (dot.get_xdata()[0], dot.get_ydata()[0]) == (1.5, 1.0)
    assert [t.get_text() for t in ax.texts if t.get_text() == "A"] == ["A"]
    title = ax.get_title()
    # The star of w* as mathtext draws it visibly (\star draws a dot at this size).
    assert "$w^{\\bigstar}$ = 2.23" in title and "$b^{\\bigstar}$ = 0.64" in title
    assert "\\star" not in title.replace("\\bigstar", "")


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [({"costs": np.zeros((3, 3))}, ValueError, "shape"),
     ({"slopes": np.linspace(4, 0, 81)}, ValueError, "increase"),
     ({"costs": -np.ones((71, 81))}, ValueError, "non-negative"),
     ({"best": 2.0}, TypeError, "best"),
     ({"points": {"A": (1.0,)}}, TypeError, "points\\['A'\\]")],
)
def test_cost_contour_figure_names_bad_input(lab, change, error, message):
    arguments = {"slopes": lab["slopes"], "intercepts": lab["intercepts"],
                 "costs": lab["costs"], "best": lab["best"]} | change
    with pytest.raises(error, match=message):
        figures.cost_contour_figure(**arguments)


def test_line_on_bowl_figure_says_and_draws_its_line(lab):
    x, y = lab["x"], lab["y"]
    fig = figures.line_on_bowl_figure(x, y, 2.5, 0.5, slopes=lab["slopes"],
                                      intercepts=lab["intercepts"], costs=lab["costs"],
                                      best=lab["best"])
    assert figure_problems(fig) == []
    left, right = fig.axes
    cost = F.mse_loss(2.5 * x + 0.5, y).item()
    assert left.get_title() == f"w = 2.50, b = 0.50: J = {lu.fmt(cost)}"
    line = left.lines[0]
    np.testing.assert_allclose(line.get_ydata(), 2.5 * line.get_xdata() + 0.5)
    residual_ends = np.array([segment.get_ydata() for segment in left.lines[1:]])
    np.testing.assert_allclose(residual_ends[:, 0], y.double().numpy(), rtol=1e-12)
    np.testing.assert_allclose(residual_ends[:, 1], (2.5 * x.double() + 0.5).numpy())
    dot = next(line for line in right.lines if line.get_marker() == "o")
    assert (dot.get_xdata()[0], dot.get_ydata()[0]) == (2.5, 0.5)


# --------------------------------------------------------------------------------------
# The demo
# --------------------------------------------------------------------------------------

def test_demo_every_slider_changes_the_picture(demo):
    assert len(demo.frames) == len(DEMO_SLOPES) * len(DEMO_INTERCEPTS) <= MAX_FRAMES
    assert unresponsive_controls(demo) == []
    assert demo.parameters == {"slope": tuple(DEMO_SLOPES),
                               "intercept": tuple(DEMO_INTERCEPTS)}
    assert demo.start == (DEMO_SLOPES.index(1.5), DEMO_INTERCEPTS.index(1.0))  # line A


def test_demo_moves_the_drawn_data_not_only_the_title(lab):
    frame = _LineOnBowl(*(np.asarray(v, dtype=np.float64) for v in (lab["x"], lab["y"])),
                        *(np.asarray(lab[k], dtype=np.float64)
                          for k in ("slopes", "intercepts", "costs")), lab["best"])

    def drawn(slope, intercept):
        frame.show(slope, intercept)
        return (frame.line.get_ydata().copy(), frame.point.get_xydata().copy(),
                np.array([r.get_ydata() for r in frame.residuals]))

    for before, after in [((1.5, 1.0), (2.0, 1.0)), ((1.5, 1.0), (1.5, 1.5))]:
        for old, new in zip(drawn(*before), drawn(*after), strict=True):
            assert not np.allclose(old, new), f"moving {before} to {after} left data in place"


@pytest.mark.parametrize("position", [(0, 0), (1, 2), (4, 3), (3, 1)])
def test_demo_frame_is_the_line_its_sliders_name(lab, demo, position):
    # What the sliders say (their values) and what the frame shows must agree: the stored
    # frame is the figure of exactly that line, whose title gives the same w and b.
    slope, intercept = DEMO_SLOPES[position[0]], DEMO_INTERCEPTS[position[1]]
    fresh = figures.line_on_bowl_figure(lab["x"], lab["y"], slope, intercept,
                                        slopes=lab["slopes"], intercepts=lab["intercepts"],
                                        costs=lab["costs"], best=lab["best"])
    assert fresh.axes[0].get_title().startswith(
        f"w = {lu.fmt(slope, 2)}, b = {lu.fmt(intercept, 2)}:")
    assert demo.frames[demo.index(position)] == player._png(fresh)  # as the player draws
    assert demo.alt[demo.index(position)].endswith(
        f"slope w = {slope:g}, intercept b = {intercept:g}")


def test_demo_html_starts_at_line_a(demo):
    html = demo._repr_html_()
    assert html.count('<img class="lu-frame"') == len(demo.frames)
    assert html.count(" hidden>") == len(demo.frames) - 1
    assert "<output>1.5</output>" in html and "<output>1</output>" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [({"demo_slopes": [0.5, 5.0]}, "outside the cost grid"),
     ({"demo_intercepts": [1.0, 1.0]}, "twice"),
     ({"start": (0.7, 1.0)}, "not one of slope's values"),
     ({"demo_slopes": np.linspace(0, 4, 13), "demo_intercepts": [0.0, 0.5, 1.0, 1.5]},
      "more than"),
     ({"demo_slopes": [1.0]}, "at least 2 values")],
)
def test_demo_names_bad_settings(lab, change, message):
    arguments = {"slopes": lab["slopes"], "intercepts": lab["intercepts"],
                 "costs": lab["costs"], "best": lab["best"], "demo_slopes": [1.0, 2.0],
                 "demo_intercepts": [0.0, 1.0]} | change
    with pytest.raises(ValueError, match=message):
        figures.line_fit_demo(lab["x"], lab["y"], cost=_mse_cost, **arguments)
