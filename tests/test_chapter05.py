"""Chapter 5's helpers: mean vs median, exact and gradient line fits, outlier demo."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

import lossutils as lu


@pytest.fixture(scope="module")
def points():
    return lu.line_with_outliers(30, seed=0)


def test_the_best_constant_is_the_mean_under_mse_and_the_median_under_mae():
    y = torch.tensor([12.0, 14.0, 15.0, 15.0, 17.0, 18.0, 60.0])
    constants = torch.arange(0, 7001) / 100
    mse, mae = lu.constant_costs(y, constants)
    assert float(constants[mse.argmin()]) == pytest.approx(float(y.mean()), abs=0.005)
    assert float(constants[mae.argmin()]) == float(y.median()) == 15.0
    # J_2(c) = var(y) + (mean - c)^2, the bias-variance split of a constant
    c = torch.tensor([3.0])
    expected = y.var(unbiased=False) + (y.mean() - 3.0) ** 2
    assert float(lu.constant_costs(y, c)[0]) == pytest.approx(float(expected), rel=1e-5)
    with pytest.raises(ValueError, match="one-dimensional"):
        lu.constant_costs(y[None, :], c)


def test_least_squares_line_agrees_with_lstsq(points):
    x, y = points
    design = torch.stack([x, torch.ones_like(x)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double()[:, None]).solution.ravel()
    assert lu.least_squares_line(x, y) == pytest.approx(tuple(solution.tolist()), abs=1e-9)


def test_least_absolute_line_beats_every_nearby_line(points):
    x, y = points
    slope, intercept = lu.least_absolute_line(x, y)

    def mae(s, b):
        return float((y.double() - (s * x.double() + b)).abs().mean())

    best = mae(slope, intercept)
    generator = torch.Generator().manual_seed(0)
    for ds, db in (0.05 * torch.randn(200, 2, generator=generator)).tolist():
        assert mae(slope + ds, intercept + db) >= best - 1e-12
    assert best < mae(*lu.least_squares_line(x, y))


def test_least_absolute_line_ignores_a_far_point():
    x = torch.linspace(0, 1, 11)
    y = 3 * x - 1
    y[-1] = 100.0
    assert lu.least_absolute_line(x, y) == pytest.approx((3.0, -1.0), abs=1e-9)


@pytest.mark.parametrize("solver", [lu.least_squares_line, lu.least_absolute_line,
                                    lu.huber_line])
def test_line_solvers_reject_degenerate_input(solver):
    with pytest.raises(ValueError, match="all x (values )?are equal|positive"):
        solver(torch.ones(4), torch.arange(4.0))
    with pytest.raises(ValueError, match="same shape"):
        solver(torch.ones(4), torch.ones(3))
    with pytest.raises(ValueError, match="at least 2|all x values are equal"):
        solver(torch.ones(1), torch.ones(1))


def test_huber_line_zeroes_the_gradient_of_the_huber_cost(points):
    x, y = points
    for delta in (0.3, 1.0, 3.0):
        slope, intercept = lu.huber_line(x, y, delta=delta)
        parameters = torch.tensor([slope, intercept], dtype=torch.float64, requires_grad=True)
        prediction = parameters[0] * x.double() + parameters[1]
        lu.huber_loss(prediction, y.double(), delta=delta).backward()
        assert parameters.grad.abs().max() < 1e-9
    with pytest.raises(ValueError, match="delta"):
        lu.huber_line(x, y, delta=0.0)


@pytest.mark.parametrize(
    ("loss", "exact", "tolerance"),
    [
        ("mse", lu.least_squares_line, 1e-3),
        ("mae", lu.least_absolute_line, 3e-3),
        ("huber", lu.huber_line, 1e-3),
    ],
)
def test_fit_line_reaches_the_exact_optimum(points, loss, exact, tolerance):
    x, y = points
    fitted = lu.fit_line(x, y, loss)
    slope, intercept = exact(x, y)
    assert fitted.loss == loss
    assert fitted.slope == pytest.approx(slope, abs=tolerance)
    assert fitted.intercept == pytest.approx(intercept, abs=tolerance)
    assert fitted.history.steps == [0, 150, 300, 450]
    assert fitted.history.losses[-1] < fitted.history.losses[0]


def test_fit_lines_orders_the_slopes_by_how_much_each_loss_chases_outliers(points):
    x, y = points
    fits = lu.fit_lines(x, y)
    assert list(fits) == ["mse", "mae", "huber"]
    # the true slope is 2; three outliers at the right end pull every fit upward
    assert 2.0 < fits["mae"].slope < fits["huber"].slope < fits["mse"].slope
    assert fits["mse"].slope > 6.0


def test_fit_line_rejects_bad_arguments(points):
    x, y = points
    with pytest.raises(ValueError, match="loss must be one of"):
        lu.fit_line(x, y, "hinge")
    with pytest.raises(ValueError, match="steps"):
        lu.fit_line(x, y, steps=2)
    with pytest.raises(ValueError, match="delta"):
        lu.fit_line(x, y, "huber", delta=-1.0)


def test_losses_vs_residual_gives_the_textbook_derivatives():
    r = torch.linspace(-3, 3, 61)
    curves = lu.losses_vs_residual(r, delta=1.5)
    assert torch.allclose(curves["mse"][0], r**2)
    assert torch.allclose(curves["mse"][1], 2 * r)
    assert torch.allclose(curves["mae"][0], r.abs())
    assert torch.equal(curves["mae"][1], torch.sign(r))  # sign(0) = 0, PyTorch's choice
    assert torch.allclose(curves["huber"][1], r.clamp(-1.5, 1.5), atol=1e-6)
    expected = torch.nn.functional.huber_loss(torch.zeros_like(r), r, reduction="none",
                                              delta=1.5)
    assert torch.allclose(curves["huber"][0], expected)


def test_slope_sensitivity_mse_is_linear_in_the_point_mae_and_huber_are_bounded(points):
    x, y = points
    heights = torch.arange(5.0, 26.0, 5.0)
    curves = lu.slope_sensitivity(x, y, heights)
    second_difference = curves["mse"][2:] - 2 * curves["mse"][1:-1] + curves["mse"][:-2]
    assert second_difference.abs().max() < 1e-4
    assert curves["mse"][-1] - curves["mse"][0] > 3.0
    assert (curves["mae"] - curves["mae"][0]).abs().max() < 1e-9
    assert (curves["huber"] - curves["huber"][0]).abs().max() < 1e-6


def _labelled(fig: Figure) -> None:
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_figures_are_labelled(points):
    x, y = points
    fits = lu.fit_lines(x, y, steps=30)
    figures = [
        lu.constant_costs_figure(torch.tensor([1.0, 2.0, 9.0])),
        lu.line_fits_figure(x, y, fits),
        lu.losses_vs_residual_figure(delta=0.5),
        lu.outlier_panels(x, y, heights=(0.0, 20.0), steps=30),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        _labelled(fig)
        plt.close(fig)
    assert len(figures[-1].axes) == 2


def test_outlier_demo_every_control_draws(points, capsys):
    x, y = points
    demo = lu.outlier_demo(x, y, steps=30)
    output = demo.children[-1]
    settings = list(lu.control_settings(demo))
    assert [round(value, 2) for _, value in settings] == [-10.0, 7.5, 25.0, 0.1, 2.55, 5.0]
    for control, value in settings:
        capsys.readouterr()
        control.value = value
        # the redrawn figure lands in the output area, or (outside a kernel, when the
        # area is filled with "with output: display(...)") on stdout
        drawn = capsys.readouterr().out.startswith("Figure(") or len(output.outputs) == 1
        assert drawn
    assert float(y[-1]) != 25.0  # the demo moves a copy, never the caller's data


def test_outlier_figure_marks_the_fits_on_the_sensitivity_curves(points):
    x, y = points
    fig = lu.outlier_figure(x, y, 20.0)
    _labelled(fig)
    ax_slope = fig.axes[1]
    dots = [line for line in ax_slope.lines if line.get_marker() == "o"]
    curves = [line for line in ax_slope.lines if line.get_marker() != "o"][:3]
    for dot, curve in zip(dots, curves, strict=True):
        heights, slopes = curve.get_data()
        on_curve = slopes[list(heights).index(20.0)]
        assert dot.get_ydata()[0] == pytest.approx(on_curve, abs=3e-3)
    plt.close(fig)
