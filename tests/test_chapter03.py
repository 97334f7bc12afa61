"""Tests of lossutils.landscape: the least-squares line, the cost surface, figures, the demo."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import lossutils as lu

# This module's own closed form (the flat namespace may also hold chapter 5's copy).
from lossutils.landscape import least_squares_line


def _line_data():
    return lu.noisy_samples(lambda t: 2 * t + 1, 8, noise=0.4, x_range=(0.0, 2.0), seed=0)


def test_least_squares_line_matches_lstsq():
    x, y = _line_data()
    slope, intercept = least_squares_line(x, y)
    design = torch.stack([x, torch.ones_like(x)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(1)
    assert (slope, intercept) == pytest.approx(solution.tolist(), abs=1e-12)


def test_least_squares_line_is_the_minimum_and_its_residuals_average_to_zero():
    x, y = _line_data()
    slope, intercept = least_squares_line(x, y)
    lowest = lu.line_cost(x, y, slope, intercept)
    for dw, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (1e-3, -1e-3)]:
        assert lu.line_cost(x, y, slope + dw, intercept + db) > lowest
    residual = y.double().numpy() - (slope * x.double().numpy() + intercept)
    assert abs(residual.mean()) < 1e-12  # dJ/db = 0 at the minimum
    assert abs((residual * x.double().numpy()).mean()) < 1e-12  # dJ/dw = 0


def test_least_squares_line_recovers_an_exact_line_and_rejects_equal_x():
    assert least_squares_line([0.0, 1.0, 3.0], [-1.0, 0.5, 3.5]) == pytest.approx((1.5, -1.0))
    with pytest.raises(ValueError, match="all x values are equal"):
        least_squares_line([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])


def test_line_cost_is_the_mse_of_the_line():
    x, y = _line_data()
    expected = torch.nn.functional.mse_loss(1.5 * x + 1.0, y).item()
    assert lu.line_cost(x, y, 1.5, 1.0) == pytest.approx(expected, rel=1e-6)


def test_line_cost_surface_layout_and_values():
    x, y = _line_data()
    slopes = np.array([0.0, 1.0, 2.0])
    intercepts = np.array([-1.0, 1.0])
    surface = lu.line_cost_surface(x, y, slopes, intercepts)
    assert surface.shape == (2, 3)
    for j, b in enumerate(intercepts):
        for k, w in enumerate(slopes):
            assert surface[j, k] == pytest.approx(lu.line_cost(x, y, w, b))


def test_cost_is_a_quadratic_bowl():
    # J(w, b) is quadratic: along any line through the parameter plane its second
    # difference is constant and positive.
    x, y = _line_data()
    w = np.linspace(-2, 4, 7)
    costs = lu.line_cost_surface(x, y, w, [0.5])[0]
    second = np.diff(costs, 2)
    np.testing.assert_allclose(second, second[0], rtol=1e-9)
    assert second[0] > 0


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [([0.0, 1.0], [1.0], "same shape"), ([], [], "N >= 1"),
     (np.zeros((2, 2)), np.zeros((2, 2)), "shape")],
)
def test_bad_inputs_are_named(x, y, message):
    with pytest.raises(ValueError, match=message):
        lu.line_cost(x, y, 1.0, 0.0)


def test_loss_and_cost_figure_bars_are_the_squared_losses():
    x, y = _line_data()
    fig = lu.loss_and_cost_figure(x, y, 1.5, 1.0)
    bars = [patch.get_height() for patch in fig.axes[1].patches]
    expected = lu.squared_loss(1.5 * x.double() + 1.0, y.double())
    np.testing.assert_allclose(bars, expected.numpy(), rtol=1e-12)
    cost_line = fig.axes[1].lines[0]
    assert cost_line.get_ydata()[0] == pytest.approx(float(np.mean(bars)))
    assert lu.fmt(np.mean(bars)) in cost_line.get_label()


def test_squared_vs_absolute_figure():
    fig = lu.squared_vs_absolute_figure(limit=1.5)
    slopes = fig.axes[1]
    r, derivative = slopes.lines[0].get_data()
    np.testing.assert_allclose(derivative, 2 * r)
    with pytest.raises(ValueError, match="limit"):
        lu.squared_vs_absolute_figure(limit=0.0)


def test_cost_contour_figure_marks_the_minimum_and_the_points():
    x, y = _line_data()
    slope, intercept = least_squares_line(x, y)
    fig = lu.cost_contour_figure(x, y, points=[(0.0, 2.0), (1.5, 1.0)])
    ax = fig.axes[0]
    star = ax.lines[0]
    assert star.get_marker() == "*"
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((slope, intercept))
    assert [t.get_text() for t in ax.texts if t.get_text() in "AB"] == ["A", "B"]
    assert f"{lu.fmt(slope, 2)}" in ax.get_title()
    with pytest.raises(ValueError, match="slope_range"):
        lu.cost_contour_figure(x, y, slope_range=(1.0, 1.0))


def test_line_fit_panels_titles_give_each_cost():
    x, y = _line_data()
    settings = [(0.0, 2.0), (1.5, 1.0)]
    fig = lu.line_fit_panels(x, y, settings)
    assert len(fig.axes) == 3
    for ax, letter, (w, b) in zip(fig.axes, "AB", settings, strict=False):
        assert ax.get_title().startswith(f"{letter}: ")
        assert ax.get_title().endswith(lu.fmt(lu.line_cost(x, y, w, b)))
    with pytest.raises(ValueError, match="at least one"):
        lu.line_fit_panels(x, y, [])
    with pytest.raises(ValueError, match="at most 8"):
        lu.line_fit_panels(x, y, [(0.0, 0.0)] * 9)


def test_line_fit_demo_every_control_draws():
    x, y = _line_data()
    demo = lu.line_fit_demo(x, y)
    slope, intercept = least_squares_line(x, y)
    sliders = demo.children[:2]
    assert sliders[0].min == pytest.approx(slope - 3.0)
    assert sliders[1].max == pytest.approx(intercept + 3.0)
    visited = 0
    for control, value in lu.control_settings(demo):
        control.value = value
        visited += 1
    assert visited == 6
    plt.close("all")
