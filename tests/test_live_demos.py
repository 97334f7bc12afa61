"""The labs' demos are live: each slider, moved to a value that no frame holds, calls the
lab's own code with that value and redraws the picture from what it returned.

Each demo of labs 1-7 is built here as its lab builds it, with small data and a function
written as the lab writes it, wrapped in a :class:`Recorder` that keeps the arguments of
every call. Each slider is then moved (``demo.set``) to a value between the frames, and
the test reads back what ``demo.figure`` draws (lines, bars, scatters, titles) and what
the lab's function was called with. A callback that ignored a slider, or drew from a
stored frame, or computed with the module's own code instead of the lab's, would fail.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from numpy.polynomial import Polynomial

import lossutils as lu
from lossutils.figures import (
    chapter01,
    chapter02,
    chapter03,
    chapter04,
    chapter05,
    chapter06,
    chapter07,
)
from lossutils.figures.live import LiveDemo
from lossutils.figures.player import FramePlayer


class Recorder:
    """A lab function that keeps the arguments of each call, then calls the function."""

    def __init__(self, function):
        self.function = function
        self.calls: list[tuple[tuple, dict]] = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.function(*args, **kwargs)

    def forget(self) -> None:
        self.calls.clear()


# --------------------------------------------------------------------------------------
# Reading a figure
# --------------------------------------------------------------------------------------

def line(ax: Axes, label: str) -> np.ndarray:
    """The (N, 2) data of the one line of ``ax`` labelled ``label``."""
    (found,) = [artist for artist in ax.lines if artist.get_label() == label]
    return np.asarray(found.get_xydata(), dtype=float)


def scatter(ax: Axes, label: str | None = None) -> np.ndarray:
    """The points of the scatter of ``ax`` labelled ``label`` (None: unlabelled ones)."""
    found = [c for c in ax.collections if isinstance(c, PathCollection)
             and (c.get_label() == label if label else c.get_label().startswith("_"))]
    assert len(found) == 1, [c.get_label() for c in ax.collections]
    return np.asarray(found[0].get_offsets(), dtype=float)


def bar_heights(ax: Axes, label: str | None = None) -> np.ndarray:
    if label is None:
        return np.array([p.get_height() for p in ax.patches])
    (container,) = [c for c in ax.containers if c.get_label() == label]
    return np.array([p.get_height() for p in container.patches])


def live(demo) -> tuple[LiveDemo, Figure]:
    assert isinstance(demo, LiveDemo) and isinstance(demo.player, FramePlayer)
    assert demo.figure is None, "a live demo opens on its start frame, drawn once"
    return demo


def moved(demo: LiveDemo, **values) -> Figure:
    """Move sliders to values that no frame holds; return the figure drawn for them."""
    for name, value in values.items():
        frames = demo.player.parameters.get(name, ())
        assert not any(math.isclose(float(value), float(v)) for v in frames), (
            f"{value} is a frame of {name!r}: the test must move between the frames")
    demo.set(**values)
    assert {name: demo.values()[name] for name in values} == pytest.approx(values)
    assert demo.figure is not None and demo.seconds > 0
    return demo.figure


# --------------------------------------------------------------------------------------
# Lab 1: the fit, and the learning rate
# --------------------------------------------------------------------------------------

def test_lab1_step_and_learning_rate_rerun_the_labs_fit():
    def mse(prediction, target):
        residual = target - prediction
        return (residual**2).mean()

    def fit_line(x, y, *, steps, lr, grid):
        w = torch.zeros((), requires_grad=True)
        b = torch.zeros((), requires_grad=True)
        costs, predictions = [], []
        for step in range(steps + 1):
            cost = mse(w * x + b, y)
            costs.append(cost.item())
            predictions.append((w * grid + b).detach())
            if step == steps:
                break
            cost.backward()
            with torch.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
                w.grad.zero_()
                b.grad.zero_()
        return w.detach(), b.detach(), costs, predictions

    x, y = lu.noisy_samples(chapter01.true_line, **chapter01.LINE_DATA)
    grid = torch.arange(-25, 26) / 25
    fit = Recorder(fit_line)
    demo = live(chapter01.fit_progress_demo(x, y, grid, fit=fit, lr=0.1, fit_steps=20,
                                            steps=[0, 10, 20]))
    assert [kwargs["lr"] for _, kwargs in fit.calls] == [0.1]

    figure = moved(demo, step=7)  # between the frames, at the lab's rate
    _, _, costs, predictions = fit_line(x, y, steps=20, lr=0.1, grid=grid)
    drawn = line(figure.axes[0], "model $f$ at this step")
    np.testing.assert_allclose(drawn[:, 1], predictions[7].numpy(), rtol=1e-6)
    assert figure.axes[0].get_title() == f"step 7: $J$ = {lu.fmt(costs[7])}"
    assert [kwargs["lr"] for _, kwargs in fit.calls] == [0.1], "one run per rate"

    figure = moved(demo, lr=0.37)  # a new rate: the lab's fit runs again
    assert [kwargs["lr"] for _, kwargs in fit.calls] == [0.1, 0.37]
    _, _, costs, predictions = fit_line(x, y, steps=20, lr=0.37, grid=grid)
    drawn = line(figure.axes[0], "model $f$ at this step")
    np.testing.assert_allclose(drawn[:, 1], predictions[7].numpy(), rtol=1e-6)
    cost_curve = line(figure.axes[1], "cost $J$")
    np.testing.assert_allclose(cost_curve[:, 1], costs, rtol=1e-6)


# --------------------------------------------------------------------------------------
# Lab 2: the degree, and a training point to move
# --------------------------------------------------------------------------------------

def test_lab2_degree_and_moved_point_rerun_the_labs_sweep():
    def features(x, degree):
        x = x.detach().cpu().double()
        return torch.stack([x**k for k in range(degree + 1)], dim=1)

    def fit_polynomial(x, y, degree):
        X = features(x, degree)
        return torch.linalg.solve(X.T @ X, X.T @ y.detach().cpu().double())

    def mse(coefficients, x, y):
        residual = y.detach().cpu().double() - features(x, len(coefficients) - 1) @ coefficients
        return (residual**2).mean()

    def degree_sweep(x, y, x_val, y_val, degrees):
        fits = [fit_polynomial(x, y, d) for d in degrees]
        return (fits, torch.stack([mse(c, x, y) for c in fits]),
                torch.stack([mse(c, x_val, y_val) for c in fits]))

    def sin3(t):
        return torch.sin(3 * t)

    x, y = lu.noisy_samples(sin3, 8, noise=0.25, seed=277)
    x_val, y_val = lu.noisy_samples(sin3, 30, noise=0.25, seed=1000)
    sweep = Recorder(degree_sweep)
    demo = live(chapter02.degree_demo(x, y, x_val, y_val, sweep=sweep, degrees=[0, 1, 3, 5],
                                      truth=sin3, noise_variance=0.0625))
    (args, _), = sweep.calls
    assert list(args[4]) == [0, 1, 2, 3, 4, 5], "the sweep covers every degree of the slider"

    figure = moved(demo, degree=2)  # no frame of degree 2
    left, right = figure.axes
    grid, values = line(left, "polynomial fit $f$").T
    np.testing.assert_allclose(values, Polynomial.fit(x.double(), y.double(), 2)(grid),
                               atol=1e-9)
    assert list(line(right, "this degree")[:, 0]) == [2, 2]
    assert left.get_title().startswith("degree 2\n")

    sweep.forget()
    figure = moved(demo, shift=0.37)  # the point nearest x = 0 moves up by 0.37
    index = int(torch.argmin(x.abs()))
    (args, _), = sweep.calls
    expected = y.clone()
    expected[index] += 0.37
    torch.testing.assert_close(args[1], expected)
    left = figure.axes[0]
    np.testing.assert_allclose(scatter(left, "training points")[:, 1], expected.numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(scatter(left)[0], [x[index], expected[index]], rtol=1e-6)
    grid, values = line(left, "polynomial fit $f$").T
    np.testing.assert_allclose(values, Polynomial.fit(x.double(), expected.double(), 2)(grid),
                               atol=1e-9)


# --------------------------------------------------------------------------------------
# Lab 3: a line and its cost
# --------------------------------------------------------------------------------------

def test_lab3_slope_and_intercept_are_measured_by_the_labs_cost():
    def mse_cost(y_hat, y):
        losses = (y - y_hat) ** 2
        return losses.sum() / len(losses)

    x, y = lu.noisy_samples(lambda t: 2 * t + 1, 8, noise=0.4, x_range=(0.0, 2.0), seed=0)
    slopes, intercepts = torch.arange(0, 81) / 20, torch.arange(-20, 51) / 20
    grid = ((y - (slopes[None, :, None] * x + intercepts[:, None, None])) ** 2).mean(dim=-1)
    cost = Recorder(mse_cost)
    demo = live(chapter03.line_fit_demo(
        x, y, cost=cost, slopes=slopes, intercepts=intercepts, costs=grid, best=(2.2, 0.6),
        demo_slopes=[1.0, 2.0], demo_intercepts=[0.0, 1.0], start=(1.0, 1.0)))

    for setting, (w, b) in [({"slope": 1.37}, (1.37, 1.0)),
                            ({"intercept": 0.42}, (1.37, 0.42))]:
        cost.forget()
        figure = moved(demo, **setting)
        (args, _), = cost.calls
        torch.testing.assert_close(args[0], w * x + b)  # the lab's cost saw this line
        left, right = figure.axes
        drawn = left.lines[0].get_xydata()
        np.testing.assert_allclose(drawn[:, 1], w * drawn[:, 0] + b, rtol=1e-12)
        assert list(right.lines[-1].get_xydata()[0]) == pytest.approx([w, b])
        value = float(mse_cost(w * x + b, y))
        assert left.get_title() == f"w = {lu.fmt(w, 2)}, b = {lu.fmt(b, 2)}: J = {lu.fmt(value)}"


# --------------------------------------------------------------------------------------
# Lab 4: the threshold, and the temperature
# --------------------------------------------------------------------------------------

def test_lab4_threshold_and_temperature_rerun_the_labs_sweep():
    def threshold_sweep(scores, labels, thresholds, temperature=0.05):
        names = ["zero_one", "squared", "zero_one_grad", "squared_grad"]
        sweep = {name: [] for name in names}
        for value in thresholds.tolist():
            t = torch.tensor(value, requires_grad=True)
            hard = torch.sign(scores - t).clamp(min=0)
            soft = torch.sigmoid((scores - t) / temperature)
            for name, answers in [("zero_one", hard), ("squared", soft)]:
                cost = ((labels - answers) ** 2).mean()
                cost.backward()
                sweep[name].append(cost.item())
                sweep[name + "_grad"].append(t.grad.item())
                t.grad = None
        return {name: torch.tensor(values) for name, values in sweep.items()}

    _, labels, scores = chapter04._zero_digit_sample(6, 10, seed=2)
    thresholds = torch.arange(-10, 211) / 200
    sweep = Recorder(threshold_sweep)
    demo = live(chapter04.threshold_demo(scores, labels, thresholds, sweep=sweep,
                                         temperatures=[0.01, 0.2], shown=[0.3, 0.6],
                                         start=(0.6, 0.2)))
    assert sorted(args[3] for args, _ in sweep.calls) == [0.01, 0.2]

    figure = moved(demo, threshold=0.47)
    left, _ = figure.axes
    step = line(left, "hard answer")
    np.testing.assert_array_equal(step[:, 1], (step[:, 0] > 0.47).astype(float))
    assert left.get_title().startswith("t = 0.47, T = 0.2:")

    sweep.forget()
    figure = moved(demo, temperature=0.07)
    (args, _), = sweep.calls
    assert args[3] == pytest.approx(0.07), "the lab's sweep runs at the new temperature"
    left, right = figure.axes
    soft = line(left, "soft answer")
    np.testing.assert_allclose(soft[:, 1], 1 / (1 + np.exp(-(soft[:, 0] - 0.47) / 0.07)),
                               rtol=1e-9)
    expected = threshold_sweep(scores, labels, thresholds, 0.07)
    squared = [artist for artist in right.lines if "squared" in artist.get_label()]
    np.testing.assert_allclose(squared[0].get_ydata(), expected["squared"].numpy(), rtol=1e-6)


# --------------------------------------------------------------------------------------
# Lab 5: one point moved, and Huber's delta
# --------------------------------------------------------------------------------------

def test_lab5_height_and_delta_refit_with_the_labs_losses():
    def squared(residual):
        return residual**2

    def huber(residual, delta=1.0):
        quadratic = 0.5 * residual**2
        linear = delta * (residual.abs() - 0.5 * delta)
        return torch.where(residual.abs() <= delta, quadratic, linear)

    def least_absolute_line(x, y):
        i, j = torch.triu_indices(len(x), len(x), offset=1)
        slope = (y[j] - y[i]) / (x[j] - x[i])
        intercept = y[i] - slope * x[i]
        cost = (y - (slope[:, None] * x + intercept[:, None])).abs().mean(dim=1)
        best = cost.argmin()
        return slope[best].item(), intercept[best].item()

    x, y = lu.line_with_outliers(12, slope=2.0, intercept=1.0, noise=0.3, n_outliers=2,
                                 outlier_shift=8.0, seed=0)
    losses = {"mse": Recorder(squared), "huber": Recorder(huber)}
    mae_line = Recorder(least_absolute_line)
    demo = live(chapter05.outlier_demo(x, y, losses=losses, mae_line=mae_line,
                                       heights=(0.0, 20.0), deltas=(0.5, 5.0)))

    for recorder in (*losses.values(), mae_line):
        recorder.forget()
    figure = moved(demo, height=7.3)
    assert any(float(args[1][-1]) == pytest.approx(7.3) for args, _ in mae_line.calls)
    assert losses["mse"].calls and losses["huber"].calls
    fit_panel = figure.axes[0]
    assert scatter(fit_panel, "data")[-1, 1] == pytest.approx(7.3)
    moved_y = y.double().numpy().copy()
    moved_y[-1] = 7.3
    assert demo.values()["delta"] == 5.0  # the start: the middle of the deltas
    exact = chapter05._best_lines(x.double().numpy(), moved_y, delta=5.0)
    for name in ("mse", "mae", "huber"):
        (drawn,) = [a for a in fit_panel.lines
                    if a.get_label().startswith(chapter05.LOSS_NAMES[name])]
        ends = drawn.get_xydata()
        slope = (ends[1, 1] - ends[0, 1]) / (ends[1, 0] - ends[0, 0])
        assert slope == pytest.approx(exact[name][0], abs=1e-5), name

    losses["huber"].forget()
    figure = moved(demo, delta=1.7)
    deltas = {kwargs["delta"] for _, kwargs in losses["huber"].calls}
    assert sorted(deltas) == pytest.approx([1.7]), "the lab's huber ran at the new delta only"
    exact = chapter05._best_lines(x.double().numpy(), moved_y, delta=1.7)
    (drawn,) = [a for a in figure.axes[0].lines if a.get_label().startswith("Huber (δ = 1.7)")]
    ends = drawn.get_xydata()
    slope = (ends[1, 1] - ends[0, 1]) / (ends[1, 0] - ends[0, 0])
    assert slope == pytest.approx(exact["huber"][0], abs=1e-5)


# --------------------------------------------------------------------------------------
# Lab 6: the prediction q
# --------------------------------------------------------------------------------------

def test_lab6_shares_are_measured_by_the_labs_cross_entropy_and_entropy():
    def entropy(p, base=math.e):
        return -torch.xlogy(p, p).sum(dim=-1) / math.log(base)

    def cross_entropy(p, q):
        return -torch.xlogy(p, q).sum(dim=-1)

    p = torch.tensor([0.6, 0.3, 0.1])
    recorded = Recorder(cross_entropy)
    demo = live(chapter06.cross_entropy_demo(p, (0.3, 0.6), (0.25, 0.75),
                                             cross_entropy=recorded, entropy=Recorder(entropy)))
    truth = p.double()
    for setting, (first, second) in [({"share_first": 0.52}, (0.52, 0.75)),
                                     ({"share_second": 0.41}, (0.52, 0.41))]:
        recorded.forget()
        figure = moved(demo, **setting)
        q = chapter06.split_three(first, second)
        assert any(torch.allclose(args[1], q) for args, _ in recorded.calls), (
            "the lab's cross_entropy never saw this q")
        np.testing.assert_allclose(bar_heights(figure.axes[0], "prediction q"), q.numpy(),
                                   rtol=1e-12)
        (segments,) = [c for c in figure.axes[1].collections
                       if isinstance(c, LineCollection) and c.get_label() == "KL(p‖q)"]
        (bottom, top), = [(s[0][1], s[1][1]) for s in segments.get_segments()]
        assert bottom == pytest.approx(float(entropy(truth)), abs=1e-6)
        assert top == pytest.approx(float(cross_entropy(truth, q)), abs=1e-6)


# --------------------------------------------------------------------------------------
# Lab 7: the temperature
# --------------------------------------------------------------------------------------

def test_lab7_temperature_is_computed_by_the_labs_softmax():
    def softmax(z):
        m = z.max(dim=-1, keepdim=True).values
        exp_shifted = torch.exp(z - m)
        return exp_shifted / exp_shifted.sum(dim=-1, keepdim=True)

    z = torch.tensor([2.0, 1.0, 0.1])
    recorded = Recorder(softmax)
    demo = live(chapter07.temperature_demo(z, (0.5, 1.0, 2.0), softmax=recorded))
    recorded.forget()
    figure = moved(demo, temperature=0.37)
    (args, _), = recorded.calls  # the bars: the entropy curve was computed once, before
    torch.testing.assert_close(args[0], z.double() / 0.37)
    expected = softmax(z.double() / 0.37).numpy()
    np.testing.assert_allclose(bar_heights(figure.axes[0]), expected, rtol=1e-12)
    assert figure.axes[0].get_title() == "softmax(z / T) at T = 0.37"
    (dot,) = [a for a in figure.axes[1].lines if a.get_marker() == "o"]
    entropy = -(expected * np.log(expected)).sum()
    assert dot.get_xydata()[0] == pytest.approx([0.37, entropy])


# --------------------------------------------------------------------------------------
# The live view itself
# --------------------------------------------------------------------------------------

def test_a_slider_that_redraws_on_release_says_so_and_integer_ranges_give_ints():
    import ipywidgets as widgets
    from matplotlib import pyplot as plt

    from lossutils.figures.live import Range, live_demo
    from lossutils.figures.style import subplots

    seen = []

    def draw(degree, rate):
        seen.append((degree, rate))
        fig, ax = subplots()
        ax.plot([0, 1], [0, degree * rate])
        plt.close(fig)
        return fig

    demo = live_demo(draw, description="a line",
                     ranges={"degree": Range(0, 5, 1),
                             "rate": Range(0.01, 1.0, 0.01, log=True, continuous_update=False)},
                     frames={"degree": [1, 3]}, start={"degree": 3, "rate": 0.1},
                     labels={"rate": "learning rate"})
    assert seen == [(1, 0.1), (3, 0.1)], "the frames hold the live-only slider at its start"
    assert isinstance(demo.controls["degree"], widgets.IntSlider)
    assert demo.controls["degree"].continuous_update
    assert not demo.controls["rate"].continuous_update
    notes = [w.value for w in demo.widget.children if isinstance(w, widgets.HTML)]
    assert len(notes) == 1 and "let go of “learning rate”" in notes[0]
    assert demo.image.value == demo.player.frames[demo.player.index(demo.player.start)]
    demo.set(degree=2)
    assert seen[-1] == (2, 0.1) and isinstance(seen[-1][0], int)
    assert demo.image.value != demo.player.frames[demo.player.index(demo.player.start)]


def test_a_log_slider_starts_exactly_at_its_start_value():
    """A log slider's grid of exponents runs through the start: lab 7's temperature
    opened at 0.998, not 1, when the grid started at the range's low end."""
    demo = chapter07.temperature_demo(torch.tensor([2.0, 1.0, 0.1]),
                                      softmax=lambda z: torch.softmax(z, dim=-1))
    (slider,) = demo.controls.values()
    grid = slider.min + round((math.log10(1.0) - slider.min) / slider.step) * slider.step
    assert slider.value == 1.0 and abs(grid) < 1e-9
