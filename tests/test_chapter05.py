"""Chapter 5's figures and outlier demo (lossutils.figures.chapter05).

The exact solvers behind the chapter's figures and the demo are checked against
independent oracles (torch.linalg.lstsq, a linear program for the MAE line, the
gradient of lossutils' Huber loss); every figure against the figure standard; the demo
by moving each of its sliders and comparing what is drawn, not only the pixels.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy.optimize import linprog

import lossutils as lu
from lossutils.figures import chapter05, live, player
from lossutils.figures.style import figure_problems


@pytest.fixture(scope="module")
def points():
    return lu.line_with_outliers(30, seed=0)


def _lad_by_linear_program(x, y):
    """The MAE line as a linear program: minimise sum t_i, -t_i <= y_i - w x_i - b <= t_i."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    cost = np.concatenate([[0.0, 0.0], np.ones(n)])
    a = np.column_stack([x, np.ones(n)])
    upper = np.block([[-a, -np.eye(n)], [a, -np.eye(n)]])
    bound = np.concatenate([-y, y])
    result = linprog(cost, A_ub=upper, b_ub=bound,
                     bounds=[(None, None), (None, None)] + [(0, None)] * n, method="highs")
    assert result.success
    return result.x[0], result.x[1], result.fun / n


# ------------------------------------------------------------------- exact solvers


def test_least_squares_line_agrees_with_lstsq(points):
    x, y = points
    design = torch.stack([x, torch.ones_like(x)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double()[:, None]).solution.ravel()
    assert chapter05._best_lines(x, y)["mse"] == pytest.approx(tuple(solution.tolist()),
                                                               abs=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_least_absolute_line_reaches_the_linear_programs_optimum(seed):
    x, y = lu.line_with_outliers(25, seed=seed)
    slope, intercept = chapter05._best_lines(x, y)["mae"]
    _, _, optimum = _lad_by_linear_program(x, y)
    mae = float((y.double() - (slope * x.double() + intercept)).abs().mean())
    assert mae == pytest.approx(optimum, abs=1e-9)


def test_least_absolute_line_ignores_a_far_point():
    x = torch.linspace(0, 1, 11)
    y = 3 * x - 1
    y[-1] = 100.0
    assert chapter05._best_lines(x, y)["mae"] == pytest.approx((3.0, -1.0), abs=1e-6)


@pytest.mark.parametrize("delta", [0.3, 1.0, 3.0])
def test_huber_line_zeroes_the_gradient_of_the_huber_cost(points, delta):
    x, y = points
    slope, intercept = chapter05._best_lines(x, y, delta=delta)["huber"]
    parameters = torch.tensor([slope, intercept], dtype=torch.float64, requires_grad=True)
    prediction = parameters[0] * x.double() + parameters[1]
    lu.huber_loss(prediction, y.double(), delta=delta).backward()
    assert parameters.grad.abs().max() < 1e-9


def test_huber_line_is_the_mse_line_once_delta_covers_every_residual(points):
    """Chapter exercise ex-huber-limits: from the MSE line's largest residual on."""
    x, y = points
    w, b = chapter05._best_lines(x, y)["mse"]
    largest = float((y.double() - (w * x.double() + b)).abs().max())
    assert 4.8 < largest < 5.0  # "about 5", not the 8 the outliers sit above the truth
    at = chapter05._best_lines(x, y, delta=largest)["huber"]
    assert at == pytest.approx((w, b), abs=1e-9)
    below = chapter05._best_lines(x, y, delta=0.95 * largest)["huber"]
    assert below[0] < w - 1e-3


def test_the_chapters_huber_slopes(points):
    """The numbers of exercise ex-huber-limits (issue 7), from the exact solver."""
    x, y = points
    slopes = {d: round(chapter05._best_lines(x, y, delta=d)["huber"][0], 2)
              for d in (0.5, 1.0, 2.0, 3.0, 5.0)}
    assert slopes == {0.5: 2.82, 1.0: 3.21, 2.0: 4.18, 3.0: 5.20, 5.0: 7.01}


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0, 1.0, 1.0], [0.0, 1.0, 2.0], "all x are equal"),
        ([0.0, 1.0, 2.0], [0.0, 1.0], "same shape"),
        ([0.0], [1.0], "at least 2 points"),
        ([[0.0, 1.0]], [[0.0, 1.0]], "one-dimensional"),
        ([0.0, float("nan")], [0.0, 1.0], "finite"),
    ],
)
def test_solvers_reject_bad_points(x, y, message):
    with pytest.raises(ValueError, match=message):
        chapter05._best_lines(x, y)


def test_solvers_reject_bad_delta(points):
    x, y = points
    with pytest.raises(ValueError, match="delta must be positive"):
        chapter05._best_lines(x, y, delta=0.0)
    with pytest.raises(TypeError, match="delta must be a number"):
        chapter05._best_lines(x, y, delta="1")


def test_slope_curves_mse_is_linear_in_the_point_mae_and_huber_are_bounded(points):
    x, y = (np.asarray(v, dtype=float) for v in points)
    heights = np.arange(10.0, 31.0, 5.0)
    curves = chapter05._slope_curves(x, y, len(x) - 1, 1.0, heights)
    second_difference = np.diff(curves["mse"], n=2)
    assert np.abs(second_difference).max() < 1e-9
    assert curves["mse"][-1] - curves["mse"][0] > 3.0
    assert np.ptp(curves["mae"]) < 1e-9
    assert np.ptp(curves["huber"]) < 1e-6


# ------------------------------------------------------------------------- figures


def _labelled(fig: Figure) -> None:
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()



def _drawn_data(ax) -> list[np.ndarray]:
    """What a panel plots: the data of every line and every scatter."""
    data = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D):
            data.append(np.column_stack(artist.get_data()).astype(float))
        elif isinstance(artist, PathCollection):
            data.append(np.asarray(artist.get_offsets(), dtype=float))
    return data


def _panels_with_the_same_data(a: Figure, b: Figure) -> list[str]:
    """The titles of the panels that plot exactly the same data in both figures."""
    same = []
    for ax_a, ax_b in zip(a.axes, b.axes, strict=True):
        first, second = _drawn_data(ax_a), _drawn_data(ax_b)
        if len(first) == len(second) and all(
            u.shape == v.shape and np.array_equal(u, v)
            for u, v in zip(first, second, strict=True)
        ):
            same.append(ax_b.get_title())
    return same


def _residual_curves(r: torch.Tensor, delta: float = 1.0) -> dict:
    curves = {}
    for name, loss in [("mse", lu.mse_loss), ("mae", lu.l1_loss), ("huber", lu.huber_loss)]:
        value = r.clone().requires_grad_(True)
        kwargs = {"delta": delta} if name == "huber" else {}
        per_sample = loss(torch.zeros_like(value), value, reduction="none", **kwargs)
        per_sample.sum().backward()
        curves[name] = (per_sample.detach(), value.grad)
    return curves


def _every_figure(points) -> dict[str, Figure]:
    """Every figure the chapter and the lab draw, with their data."""
    x, y = points
    minutes = torch.tensor([12.0, 14.0, 15.0, 15.0, 17.0, 18.0, 60.0])
    constants = torch.arange(0, 7001) / 100
    residual = minutes[None, :] - constants[:, None]
    r = torch.linspace(-3, 3, 601)
    steps = torch.arange(1, 1001, dtype=torch.float64)
    return {
        "constant_costs": chapter05.constant_costs_figure(
            minutes, constants, (residual**2).mean(1), residual.abs().mean(1)),
        "line_fits": chapter05.line_fits_figure(x, y, chapter05._best_lines(x, y),
                                                delta=1.0),
        "losses_vs_residual": chapter05.losses_vs_residual_figure(
            r, _residual_curves(r), delta=1.0),
        "descent": chapter05.descent_figure(
            {"MSE, fixed rate": 7 * (1 - 0.99**steps),
             "MAE, fixed rate": 2.7 + 0.02 * torch.sin(steps),
             "MAE, shrinking rate": 2.7 * (1 - 0.99**steps)},
            {"MSE, fixed rate": 7.0, "MAE, fixed rate": 2.7, "MAE, shrinking rate": 2.7}),
        "outlier": chapter05.outlier_figure(x, y, 20.0),
    }


def test_every_figure_meets_the_figure_standard(points):
    for name, fig in _every_figure(points).items():
        assert figure_problems(fig) == [], name
        assert figure_problems(fig) == [], name
        _labelled(fig)
        plt.close(fig)


def test_figures_draw_the_data_they_are_given(points):
    x, y = points
    lines = {"mse": (7.0, -0.5), "mae": (2.7, 0.8)}
    fig = chapter05.line_fits_figure(x, y, lines, truth=None)
    drawn = {line.get_label().split(",")[0]: line for line in fig.axes[0].lines}
    ends = np.array([float(x.min()), float(x.max())])
    assert np.allclose(drawn["MSE (L2)"].get_ydata(), 7.0 * ends - 0.5)
    assert np.allclose(drawn["MAE (L1)"].get_ydata(), 2.7 * ends + 0.8)
    assert "Huber" not in drawn
    minutes = torch.tensor([1.0, 2.0, 9.0])
    constants = torch.tensor([0.0, 4.0, 8.0])
    fig = chapter05.constant_costs_figure(minutes, constants, constants**2, constants)
    assert np.allclose(fig.axes[0].lines[0].get_ydata(), [0.0, 16.0, 64.0])
    assert fig.axes[0].lines[1].get_xdata()[0] == pytest.approx(4.0)  # the mean
    assert fig.axes[1].lines[1].get_xdata()[0] == pytest.approx(2.0)  # the median


def test_outlier_figure_marks_the_best_slopes_on_the_slope_curves(points):
    x, y = points
    fig = chapter05.outlier_figure(x, y, 20.0)
    ax_slope = fig.axes[1]
    dots = [line for line in ax_slope.lines if line.get_marker() == "o"]
    curves = [line for line in ax_slope.lines if line.get_marker() != "o"][:3]
    assert len(dots) == len(curves) == 3
    for dot, curve in zip(dots, curves, strict=True):
        heights, slopes = curve.get_data()
        assert dot.get_ydata()[0] == pytest.approx(slopes[list(heights).index(20.0)])
    plt.close(fig)


def test_figures_reject_bad_input(points):
    x, y = points
    with pytest.raises(ValueError, match="same shape"):
        chapter05.constant_costs_figure(y, torch.zeros(3), torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="lines must be keyed by"):
        chapter05.line_fits_figure(x, y, {"hinge": (1.0, 0.0)})
    with pytest.raises(ValueError, match="curves must be keyed by"):
        chapter05.losses_vs_residual_figure(torch.zeros(3), {"mse": (torch.zeros(3),) * 2})
    with pytest.raises(ValueError, match="same labels"):
        chapter05.descent_figure({"a": [1.0, 2.0]}, {"b": 1.0})
    with pytest.raises(ValueError, match="last must be"):
        chapter05.descent_figure({"a": [1.0, 2.0, 3.0]}, {"a": 1.0}, last=10)
    with pytest.raises(ValueError, match="out of range"):
        chapter05.outlier_figure(x, y, 1.0, index=30)
    with pytest.raises(TypeError, match="must be numbers"):
        chapter05.outlier_figure(x, ["a"] * 30, 1.0)


# ---------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def small_demo(points):
    x, y = points
    return chapter05.outlier_demo(x, y, heights=(0.0, 10.0, 20.0), deltas=(0.5, 1.0)).player


def test_outlier_demo_every_slider_changes_the_picture(small_demo):
    assert small_demo.shape == (3, 2)
    assert player.unresponsive_controls(small_demo) == []
    assert small_demo.start == (1, 1)  # the height nearest the point's own, delta 1
    assert small_demo.labels == {"height": "y of the moved point", "delta": "Huber's δ"}


def test_outlier_demo_every_slider_changes_the_drawn_data(points, monkeypatch):
    """Not only a title: the lines and points of both panels change with each slider."""
    x, y = points
    captured = {}

    def capture(draw, **kwargs):
        captured["draw"] = draw
        return player.frame_player(draw, **kwargs)

    monkeypatch.setattr(live, "frame_player", capture)
    chapter05.outlier_demo(x, y, heights=(0.0, 20.0), deltas=(0.5, 5.0))
    draw = captured["draw"]
    base = draw(height=20.0, delta=0.5)
    for moved in ({"height": 0.0, "delta": 0.5}, {"height": 20.0, "delta": 5.0}):
        frame = draw(**moved)
        same = _panels_with_the_same_data(base, frame)
        assert same == [], f"moving to {moved} leaves the data of {same} as they were"
        assert figure_problems(frame) == []  # frames after the first reuse its layout
        assert figure_problems(frame) == []


def test_outlier_demo_defaults_fit_the_frame_budget_and_leave_the_data_alone(points):
    x, y = points
    before = y.clone()
    frames = len(chapter05.DEMO_HEIGHTS) * len(chapter05.DEMO_DELTAS)
    assert frames <= player.MAX_FRAMES
    assert 1.0 in chapter05.DEMO_DELTAS
    chapter05.outlier_demo(x, y, heights=(0.0, 25.0), deltas=(1.0, 2.0))
    assert torch.equal(y, before)  # the demo moves a copy, never the caller's data


def test_outlier_demo_rejects_bad_sliders(points):
    x, y = points
    with pytest.raises(ValueError, match="delta must be positive"):
        chapter05.outlier_demo(x, y, deltas=(0.0, 1.0))
    with pytest.raises(ValueError, match="at least 2 values"):
        chapter05.outlier_demo(x, y, heights=(1.0,), deltas=(1.0, 2.0))
