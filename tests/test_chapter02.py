"""Tests of lossutils.capacity: polynomial fits, the degree sweep, complexity counts, figures."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from numpy.polynomial import Polynomial

import lossutils as lu


def _sine_data():
    x, y = lu.noisy_samples(lambda t: torch.sin(3 * t), 8, noise=0.25, seed=277)
    x_test, y_test = lu.noisy_samples(lambda t: torch.sin(3 * t), 200, noise=0.25, seed=1000)
    return x, y, x_test, y_test


def test_fit_polynomial_recovers_an_exact_polynomial():
    x = np.linspace(-1, 1, 9)
    y = 3 * x**7 + 7 * x**6 + 6 * x**2 + 4 * x + 18  # the lesson's y2, scaled to [-1, 1]
    fitted = lu.fit_polynomial(x, y, 7).convert(kind=Polynomial)
    np.testing.assert_allclose(fitted.coef, [18, 4, 6, 0, 0, 0, 7, 3], atol=1e-9)


def test_fit_polynomial_is_least_squares():
    x, y, _, _ = _sine_data()
    for degree in range(4):
        fitted = lu.fit_polynomial(x, y, degree)
        design = np.vander(x.double().numpy(), degree + 1, increasing=True)
        coef, *_ = np.linalg.lstsq(design, y.double().numpy(), rcond=None)
        np.testing.assert_allclose(fitted.convert(kind=Polynomial).coef, coef, atol=1e-9)


def test_highest_degree_passes_through_every_point():
    x, y, _, _ = _sine_data()
    through_all = lu.fit_polynomial(x, y, len(x) - 1)
    assert lu.polynomial_mse(through_all, x, y) < 1e-20


def test_fit_polynomial_accepts_columns_and_tensors():
    x = torch.linspace(-1, 1, 5).unsqueeze(1)
    line = lu.fit_polynomial(x, 2 * x + 1, 1)
    assert line(0.5) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("x", "y", "degree", "error", "message"),
    [([0.0, 0.5], [1.0, 2.0], 2, ValueError, "distinct x values"),
     ([0.0, 0.0, 0.5], [1.0, 2.0, 3.0], 2, ValueError, "distinct x values"),
     ([0.0, 0.5], [1.0, 2.0, 3.0], 1, ValueError, "same shape"),
     ([0.0, 2.0], [1.0, 2.0], 1, ValueError, "window"),
     ([0.0, 0.5], [1.0, 2.0], -1, ValueError, "non-negative"),
     ([0.0, 0.5], [1.0, 2.0], 1.5, ValueError, "non-negative int"),
     (np.zeros((2, 2)), np.zeros((2, 2)), 1, ValueError, "shape")],
)
def test_fit_polynomial_rejects_bad_input(x, y, degree, error, message):
    with pytest.raises(error, match=message):
        lu.fit_polynomial(x, y, degree)


def test_degree_sweep_training_error_never_rises():
    x, y, x_test, y_test = _sine_data()
    sweep = lu.degree_sweep(x, y, x_test, y_test, range(8))
    assert sweep.degrees == tuple(range(8))
    assert all(b <= a + 1e-12 for a, b in zip(sweep.train_errors, sweep.train_errors[1:],
                                               strict=False))  # nested models
    assert sweep.train_errors[-1] < 1e-20
    # the U-curve of the course's data: best at degree 3, worst at the ends
    assert sweep.best_degree == 3
    assert sweep.test_errors[-1] > 5 * min(sweep.test_errors)
    assert sweep.test_errors[0] > 5 * min(sweep.test_errors)
    assert sweep.at(3) == (sweep.train_errors[3], sweep.test_errors[3])
    with pytest.raises(ValueError, match="not in the sweep"):
        sweep.at(9)
    with pytest.raises(ValueError, match="at least one degree"):
        lu.degree_sweep(x, y, x_test, y_test, [])


def test_degree_zero_predicts_the_mean():
    x, y, x_test, y_test = _sine_data()
    sweep = lu.degree_sweep(x, y, x_test, y_test, [0])
    assert sweep.train_errors[0] == pytest.approx(float(y.double().var(unbiased=False)))


def test_polynomial_cost_of_the_lessons_two_functions():
    y1 = lu.polynomial_cost([2, 0, 3])
    y2 = lu.polynomial_cost([18, 4, 6, 0, 0, 0, 7, 3])
    assert (y1.degree, y1.parameters, y1.multiplications, y1.additions) == (2, 2, 2, 1)
    assert (y2.degree, y2.parameters, y2.multiplications, y2.additions) == (7, 5, 16, 4)
    assert (y1.horner_multiplications, y2.horner_multiplications) == (2, 7)
    assert lu.polynomial_cost([5, 0, 0]).degree == 0  # trailing zeros are not terms
    with pytest.raises(ValueError, match="non-zero"):
        lu.polynomial_cost([0, 0])


def test_stationary_points_of_the_lessons_two_functions():
    assert lu.stationary_points([2, 0, 3]) == [(0.0, 2.0, "minimum")]
    points = lu.stationary_points([18, 4, 6, 0, 0, 0, 7, 3])
    assert [kind for _, _, kind in points] == ["maximum", "minimum"]
    slope = Polynomial([18, 4, 6, 0, 0, 0, 7, 3]).deriv()
    for x, _, _ in points:
        assert abs(slope(x)) < 1e-9
    assert lu.stationary_points([1.0]) == []
    assert lu.stationary_points([0, 0, 0, 1])[0][2] == "flat"  # x^3 at 0


def test_three_fits_figure_reports_the_new_points_miss():
    x, y, _, _ = _sine_data()
    new_point = (0.9, float(np.sin(2.7)))
    fig = lu.three_fits_figure(x, y, new_point=new_point)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[1].startswith("H2, overfit: degree 7\ntraining MSE 0.0000")
    misses = []
    for degree in (1, 7, 3):
        fitted = lu.fit_polynomial(x, y, degree)
        misses.append((new_point[1] - fitted(new_point[0])) ** 2)
    for title, miss in zip(titles, misses, strict=True):
        assert title.endswith(f"new point {lu.fmt(miss)}")
    assert misses[1] > 10 * max(misses[0], misses[2])  # H2 misses the new point worst


def test_u_curve_figure_marks_the_best_and_the_shown_degree():
    x, y, x_test, y_test = _sine_data()
    sweep = lu.degree_sweep(x, y, x_test, y_test, range(8))
    fig = lu.u_curve_figure(sweep, marked_degree=5)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.lines]
    assert "best held-out: degree 3" in labels and "shown degree" in labels
    assert min(ax.lines[0].get_ydata()) > 0  # the zero training error sits on a floor


def test_degree_panels_one_per_degree():
    x, y, x_test, y_test = _sine_data()
    fig = lu.degree_panels(x, y, x_test, y_test, [0, 3, 7])
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == ["degree 0", "degree 3",
                                                                   "degree 7"]
    with pytest.raises(ValueError, match="at least one degree"):
        lu.degree_panels(x, y, x_test, y_test, [])


def test_degree_demo_every_control_draws():
    x, y, x_test, y_test = _sine_data()
    demo = lu.degree_demo(x, y, x_test, y_test, truth=lambda t: torch.sin(3 * t))
    assert (demo.children[0].min, demo.children[0].max) == (0, 7)
    visited = []
    for control, value in lu.control_settings(demo):
        control.value = value
        visited.append(value)
    assert visited == [0, 4, 7]
    plt.close("all")


def test_complexity_figure_titles_count_the_arithmetic():
    fig = lu.complexity_figure()
    assert fig.axes[1].get_title().endswith("5 parameters, 16 multiplications")
    with pytest.raises(ValueError, match="x_range"):
        lu.complexity_figure(x_range=(1.0, 0.0))
