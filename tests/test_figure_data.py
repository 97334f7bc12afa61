"""Every figure draws the data it stands for: the family of plotted-data checks.

A figure can draw the wrong data under the right labels (the MAE panel showing the MSE
curve, a derivative drawn with its sign flipped) and still meet the figure standard.
So each public figure function of ``lossutils.figures.chapter01`` ... ``chapter09`` and
``appendix``, and the frames its demos draw, is called here with small known inputs,
and each curve, marker set, bar set, image and data label it returns is read back from
the matplotlib figure and compared with what it stands for:

* the data the function was given, when it only draws them;
* an independent computation in the test (the formula, torch's autograd, a least-squares
  or linear-programming solver), when the figure computes something itself.

An artist is found by what the function guarantees of it: its label, its panel's
title, its colour or line style, or its place among its panel's artists. The helpers
below (:func:`plotted`, :func:`assert_plotted`, :func:`assert_formula`, :func:`bars`,
:func:`bars_by_name`, :func:`picture`, :func:`places`, :func:`frames_of`) do the
reading; each test only names what to read and what it must equal. A demo is checked
through the ``draw`` function it hands the player, called for a few slider settings
without rendering any frame.

What the chapter tests (``tests/test_chapterNN.py``) already check is named in each
section's note and not the aim here; a helper that reads a whole panel may read one of
those artists again.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import matplotlib.colors as mcolors
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy.optimize import linprog, minimize

import lossutils as lu
from lossutils.figures import (
    appendix,
    chapter01,
    chapter02,
    chapter03,
    chapter04,
    chapter05,
    chapter06,
    chapter07,
    chapter08,
    chapter09,
)
from lossutils.figures.style import COLORS

#: Data a figure only draws must come back to within float64 rounding of the conversion.
EXACT = {"rtol": 1e-12, "atol": 1e-12}


# --------------------------------------------------------------------------------------
# Reading a figure back
# --------------------------------------------------------------------------------------

def _matches(artist, select: dict) -> bool:
    for key, want in select.items():
        if key == "label":
            ok = artist.get_label() == want
        elif key == "prefix":
            ok = artist.get_label().startswith(want)
        elif key == "kind":
            ok = isinstance(artist, {"line": Line2D, "scatter": PathCollection}[want])
        elif key == "color":
            ok = isinstance(artist, Line2D) and mcolors.same_color(artist.get_color(), want)
        elif key == "marker":
            ok = isinstance(artist, Line2D) and artist.get_marker() == want
        elif key == "linestyle":
            ok = isinstance(artist, Line2D) and artist.get_linestyle() == want
        else:
            raise TypeError(f"unknown selector {key!r}")
        if not ok:
            return False
    return True


def _describe(select: dict) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in select.items())


def _xy(artist) -> np.ndarray:
    """The points an artist plots, as an (N, 2) float array (data coordinates; the x of an
    ``axhline`` in axes units, 0 to 1)."""
    if isinstance(artist, Line2D):
        x, y = artist.get_data()
        return np.column_stack([np.asarray(x, dtype=float).ravel(),
                                np.asarray(y, dtype=float).ravel()])
    if isinstance(artist, LineCollection):
        return np.concatenate([np.asarray(s, dtype=float) for s in artist.get_segments()])
    return np.asarray(artist.get_offsets(), dtype=float).reshape(-1, 2)


def artists(ax: Axes, **select) -> list:
    """The lines and scatters of ``ax`` that match ``select`` (label, prefix, kind
    "line" or "scatter", color, marker, linestyle), in the order they were drawn."""
    candidates = [*ax.lines, *(c for c in ax.collections
                               if isinstance(c, PathCollection | LineCollection))]
    return [artist for artist in candidates if _matches(artist, select)]


def plotted(ax: Axes, *, many: bool = False, **select) -> np.ndarray:
    """The xy data of the one line or scatter of ``ax`` that matches ``select``.

    With ``many=True``, the data of every match (at least one) one after the other: a
    curve drawn in pieces.
    """
    found = artists(ax, **select)
    labels = [a.get_label() for a in artists(ax)]
    assert found, (f"panel {ax.get_title()!r} draws nothing with {_describe(select)}; "
                   f"its lines and scatters are labelled {labels}")
    if not many:
        assert len(found) == 1, (f"panel {ax.get_title()!r} draws {len(found)} artists with "
                                 f"{_describe(select)}, expected one")
    return np.concatenate([_xy(artist) for artist in found])


def _check(ax: Axes, drawn: np.ndarray, expected: np.ndarray, means: str, select: dict,
           tolerance: dict, many: bool) -> None:
    where = (f"panel {ax.get_title()!r}: the {'artists' if many else 'artist'} with "
             f"{_describe(select)}")
    assert drawn.shape == expected.shape, (
        f"{where} draws {len(drawn)} points; {means} has {len(expected)}")
    np.testing.assert_allclose(drawn, expected, **tolerance,
                               err_msg=f"{where} does not draw {means}")


def assert_plotted(ax: Axes, x, y, means: str, *, many: bool = False,
                   tolerance: dict | None = None, **select) -> None:
    """The artist of ``ax`` that ``select`` names plots exactly the points ``(x, y)``."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    expected = np.column_stack([x.ravel(), y.ravel()])
    _check(ax, plotted(ax, many=many, **select), expected, means, select,
           tolerance or EXACT, many)


def assert_formula(ax: Axes, formula: Callable[[np.ndarray], np.ndarray], means: str, *,
                   spans: tuple[float, float] | None = None, many: bool = False,
                   tolerance: dict | None = None, **select) -> None:
    """The artist ``select`` names draws ``y = formula(x)`` at each of its own ``x``,
    over ``spans`` (its first and last x) when given."""
    drawn = plotted(ax, many=many, **select)
    expected = np.column_stack([drawn[:, 0], np.asarray(formula(drawn[:, 0]), dtype=float)])
    _check(ax, drawn, expected, means, select, tolerance or EXACT, many)
    if spans is not None:
        assert (drawn[:, 0].min(), drawn[:, 0].max()) == pytest.approx(spans), (
            f"panel {ax.get_title()!r}: {means} is drawn over "
            f"[{drawn[:, 0].min():g}, {drawn[:, 0].max():g}], not over {spans}")


def panel(fig: Figure, title: str, *, prefix: bool = False) -> Axes:
    """The one panel of ``fig`` with this title (or a title that starts with it)."""
    found = [ax for ax in fig.axes
             if (ax.get_title().startswith(title) if prefix else ax.get_title() == title)]
    assert len(found) == 1, (f"{len(found)} panels titled {title!r}; the titles are "
                             f"{[ax.get_title() for ax in fig.axes]}")
    return found[0]


def bars(ax: Axes, label: str | None = None) -> np.ndarray:
    """Bars as rows (x centre, y centre, width, height): those of the bar call labelled
    ``label``, or every bar of ``ax`` in the order drawn."""
    if label is None:
        patches = list(ax.patches)
    else:
        found = [c for c in ax.containers if isinstance(c, BarContainer)
                 and c.get_label() == label]
        labels = [c.get_label() for c in ax.containers]
        assert len(found) == 1, (f"panel {ax.get_title()!r} has {len(found)} bar sets "
                                 f"labelled {label!r}; its bar sets: {labels}")
        patches = list(found[0].patches)
    return np.array([[p.get_x() + p.get_width() / 2, p.get_y() + p.get_height() / 2,
                      p.get_width(), p.get_height()] for p in patches], dtype=float)


def bars_by_name(ax: Axes, label: str) -> dict[str, np.ndarray]:
    """The horizontal bars labelled ``label``, each by the tick label beside it (a
    newline in a tick label read as ", "); rows as in :func:`bars`."""
    names = {float(tick): text.get_text().replace("\n", ", ")
             for tick, text in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    found = {}
    for bar in bars(ax, label):
        row = min(names, key=lambda tick, centre=bar[1]: abs(tick - centre))
        assert abs(row - bar[1]) < 0.3, f"a {label!r} bar lies between two names"
        assert names[row] not in found, f"two {label!r} bars beside {names[row]!r}"
        found[names[row]] = bar
    return found


def assert_values(drawn, expected, means: str, tolerance: dict | None = None) -> None:
    """Drawn values (bar heights, pixels, ...) are exactly those ``means`` names."""
    drawn, expected = np.asarray(drawn, dtype=float), np.asarray(expected, dtype=float)
    assert drawn.shape == expected.shape, (
        f"{means}: {drawn.shape} drawn, {expected.shape} expected")
    np.testing.assert_allclose(drawn, expected, **(tolerance or EXACT),
                               err_msg=f"the figure does not draw {means}")


def picture(ax: Axes) -> np.ndarray:
    """The pixels of the one image of ``ax``, blank (masked) pixels as NaN."""
    assert len(ax.images) == 1, f"panel {ax.get_title()!r} has {len(ax.images)} images"
    return np.ma.filled(np.ma.asarray(ax.images[0].get_array()).astype(float), np.nan)


def places(pixels: np.ndarray, image: np.ndarray) -> list[tuple[int, int]]:
    """Where (top row, left column) ``image`` appears, pixel for pixel, in ``pixels``."""
    windows = np.lib.stride_tricks.sliding_window_view(pixels, image.shape)
    hits = np.argwhere((windows == image).all(axis=(2, 3)))
    return [(int(top), int(left)) for top, left in hits]


def words_under(ax: Axes, top: int, left: int, size: int = 8) -> list[tuple[str, str]]:
    """The text (string, colour) anchored just under the ``size`` x ``size`` image at
    ``(top, left)`` of a picture: within its columns, the nearest below its last row."""
    below = [(y, t, c) for x, y, t, c in texts(ax)
             if left - 0.5 <= x <= left + size - 0.5 and y > top + size - 0.5]
    if not below:
        return []
    nearest = min(y for y, _, _ in below)
    return [(t, c) for y, t, c in below if y == nearest]


def texts(ax: Axes) -> list[tuple[float, float, str, str]]:
    """Each text of ``ax``: its anchor (data coordinates), string and colour (hex)."""
    found = []
    for text in ax.texts:
        x, y = text.xy if hasattr(text, "xy") else text.get_position()
        found.append((float(x), float(y), text.get_text(), mcolors.to_hex(text.get_color())))
    return found


def frames_of(module, demo: Callable, *args, **kwargs) -> tuple[Callable, dict]:
    """The ``draw`` function of a demo's frames, and the values of each frame slider.

    The module's ``live_demo`` is replaced while the demo is built, so no frame is
    drawn: the test calls ``draw`` itself for the settings it reads. A live-only slider
    (one with no frames) is held at its start value, as the frames hold it.
    """
    captured = {}

    def keep(draw, **options):
        captured["draw"], captured["options"] = draw, options

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "live_demo", keep)
        demo(*args, **kwargs)
    options = captured["options"]
    sliders = dict(options["frames"])
    held = {name: options["start"][name] for name in options["ranges"] if name not in sliders}
    draw = captured["draw"]
    return (lambda **values: draw(**values, **held)), sliders


def array(values) -> np.ndarray:
    """A tensor, array or list as a float64 numpy array on the CPU."""
    if isinstance(values, torch.Tensor):
        return values.detach().to("cpu", torch.float64).numpy()
    return np.asarray(values, dtype=float)


def polynomial(coefficients) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> sum_k c_k x^k``, written out (not numpy's Polynomial, which figures use)."""
    return lambda x: sum(float(c) * np.asarray(x, dtype=float) ** k
                         for k, c in enumerate(coefficients))


def autograd(function: Callable[[torch.Tensor], torch.Tensor]) -> Callable:
    """``x -> d function / dx`` at each x, elementwise, by torch's autograd in float64."""
    def derivative(x: np.ndarray) -> np.ndarray:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(function(t).sum(), t)
        return grad.numpy()
    return derivative


# --------------------------------------------------------------------------------------
# Chapter 1: a line fitted step by step; the spelling figure
#
# test_chapter01 checks the model line of every panel and frame, the curve's y, the
# dots' x and the floor of loss_curve_figure, and the spelling curve's y. Not
# checked: project_diagram (a drawing of boxes and arrows, no data; test_chapter01
# checks that it names every part).
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ch01():
    grid = torch.linspace(-1.0, 1.0, 5)
    return {
        "x": torch.tensor([-0.8, -0.1, 0.4, 0.9]), "y": torch.tensor([-0.5, 0.2, 1.3, 1.8]),
        "grid": grid, "predictions": [0.5 * k * grid + 0.1 * k for k in range(4)],
        "costs": [4.0, 2.0, 1.0, 0.5], "truth": 1.5 * grid + 0.5,
        "best": 1.4 * grid + 0.45, "floor": 0.3,
    }


def _check_fit_panel(ax: Axes, fit: dict, step: int) -> None:
    assert_plotted(ax, array(fit["x"]), array(fit["y"]), "the data (x, y)", label="data")
    assert_plotted(ax, array(fit["grid"]), array(fit["truth"]), "the true function",
                   label="true function $F$")
    assert_plotted(ax, array(fit["grid"]), array(fit["best"]), "the least-squares line",
                   label="least-squares line")
    assert_plotted(ax, array(fit["grid"]), array(fit["predictions"][step]),
                   f"the prediction after step {step}", label="model $f$ at this step")


def _check_cost_panel(ax: Axes, costs, marked, floor) -> None:
    costs = np.asarray(costs, dtype=float)
    assert_plotted(ax, np.arange(len(costs)), costs, "the cost at every step",
                   label="cost $J$")
    assert_plotted(ax, marked, costs[list(marked)], "the costs of the marked steps",
                   marker="o")
    assert_plotted(ax, [0, 1], [floor, floor], "the least-squares cost", linestyle=":")


def test_ch01_fit_progress_figure_draws_the_data_truth_and_best_line(ch01):
    shown = [0, 2, 3]
    fig = chapter01.fit_progress_figure(ch01["x"], ch01["y"], ch01["grid"],
                                        ch01["predictions"], ch01["costs"], shown,
                                        truth=ch01["truth"], best=ch01["best"])
    for step in shown:
        _check_fit_panel(panel(fig, f"step {step}:", prefix=True), ch01, step)


def test_ch01_loss_curve_figure_draws_every_cost_and_the_marked_ones(ch01):
    fig = chapter01.loss_curve_figure(ch01["costs"], marked_steps=[1, 3], floor=0.3)
    _check_cost_panel(fig.axes[0], ch01["costs"], [1, 3], 0.3)


def test_ch01_fit_step_figure_and_the_demos_frames(ch01):
    args = (ch01["x"], ch01["y"], ch01["grid"], ch01["predictions"], ch01["costs"])
    extra = {"truth": ch01["truth"], "best": ch01["best"], "floor": ch01["floor"]}
    fig = chapter01.fit_step_figure(*args, 2, **extra)
    _check_fit_panel(panel(fig, "step 2:", prefix=True), ch01, 2)
    _check_cost_panel(panel(fig, "The cost at every step"), ch01["costs"], [2], 0.3)
    runs = []

    def fit(x, y, *, steps, lr, grid):  # a stand-in for the lab's loop: the recorded fit
        runs.append(lr)
        return None, None, ch01["costs"][: steps + 1], ch01["predictions"][: steps + 1]

    draw, sliders = frames_of(chapter01, chapter01.fit_progress_demo, *args[:3], fit=fit,
                              fit_steps=3, steps=[0, 1, 3], **extra)
    assert sliders == {"step": [0, 1, 3]}
    for step in sliders["step"]:
        frame = draw(step=step)
        _check_fit_panel(panel(frame, f"step {step}:", prefix=True), ch01, step)
        _check_cost_panel(panel(frame, "The cost at every step"), ch01["costs"], [step], 0.3)
    assert runs == [chapter01.LR], "the frames run the fit once, at the lab's rate"


def test_ch01_spelling_figure_colours_each_letter_by_the_target():
    attempts, losses, target = ["c_t", "cxts", "cat"], [1, 2, 0], "cat"
    fig = chapter01.spelling_figure(attempts, losses, target)
    words = panel(fig, "Attempts: right letters green, wrong ones red")
    expected = sorted(
        (float(k), float(row), letter,
         COLORS["truth"] if k < len(target) and letter == target[k] else COLORS["mae"])
        for row, attempt in enumerate(attempts) for k, letter in enumerate(attempt))
    assert sorted(texts(words)) == expected, "the letters, their places or colours"
    assert_plotted(panel(fig, "The loss: letters still wrong"), range(3), losses,
                   "each attempt's loss", marker="o")


# --------------------------------------------------------------------------------------
# Chapter 2: polynomial fits, the U-curve, the degree demo, complexity
#
# test_chapter02 checks each panel's polynomial fit and new point, the set of error
# bar widths (not which fit each belongs to), the validation curve's y, the chosen and
# the marked degree's x, the test error's star, the noise floor and the stationary
# points.
# --------------------------------------------------------------------------------------

def _sin3(t: torch.Tensor) -> torch.Tensor:
    return torch.sin(3 * t)


@pytest.fixture(scope="module")
def ch02():
    x = np.linspace(-1.0, 1.0, 6)
    return {"x": x, "y": np.sin(3 * x) + np.array([0.1, -0.2, 0.05, 0.0, 0.15, -0.1]),
            "fits": [("H1, underfit", [0.1, 0.9]), ("balanced", [0.0, 2.5, 0.0, -3.0])],
            "train": [0.3, 0.05], "new_point": (0.7, 0.2)}


def test_ch02_three_fits_figure_draws_the_points_truth_and_misses(ch02):
    fits = ch02["fits"]
    misses = [(ch02["new_point"][1] - polynomial(c)(ch02["new_point"][0])) ** 2
              for _, c in fits]
    fig = chapter02.three_fits_figure(ch02["x"], ch02["y"], fits, train_errors=ch02["train"],
                                      new_point=ch02["new_point"], misses=misses,
                                      truth=_sin3)
    nx, ny = ch02["new_point"]
    for name, coefficients in fits:
        ax = panel(fig, f"{name}: degree {len(coefficients) - 1}")
        assert_plotted(ax, ch02["x"], ch02["y"], "the training points",
                       label="training points")
        assert_formula(ax, lambda t: np.sin(3 * t), "the true function sin 3x",
                       spans=(-1.0, 1.0), label="true function $F$")
        assert_plotted(ax, [nx, nx], [ny, polynomial(coefficients)(nx)],
                       "the gap from the new point to this fit", label="_the miss")
    # Each bar belongs to its fit: the bar beside a fit's name is that fit's error.
    errors = panel(fig, "Their errors")
    largest = max(*ch02["train"], *misses)
    for label, values in [("training MSE", ch02["train"]),
                          ("new point, squared miss", misses)]:
        expected = dict(zip([name for name, _ in fits], values, strict=True))
        drawn = bars_by_name(errors, label)
        assert set(drawn) == set(expected), f"the {label} bars are beside {sorted(drawn)}"
        for name, (_, centre, width, _) in drawn.items():
            assert width == pytest.approx(expected[name], rel=1e-12), (
                f"the {label} bar beside {name!r} is {width}, not {expected[name]}")
            written = [(x, t) for x, y, t, _ in texts(errors) if y == pytest.approx(centre)]
            assert written == [(pytest.approx(width + 0.02 * largest), lu.fmt(width))], (
                f"the number beside the {label} bar of {name!r}")


def test_ch02_u_curve_figure_draws_both_errors_at_their_degrees():
    degrees, train, val = [0, 1, 2, 3], [1.0, 0.5, 0.2, 0.1], [1.2, 0.6, 0.4, 0.9]
    fig = chapter02.u_curve_figure(degrees, train, val, test_error=0.5, noise_variance=0.1,
                                   marked_degree=2)
    ax = fig.axes[0]
    assert_plotted(ax, degrees, train, "the training errors", label="training error")
    assert_plotted(ax, degrees, val, "the validation errors", label="validation error")
    assert_plotted(ax, [2], [0.5], "the test error at the degree validation chose",
                   label="test error of degree 2, measured once")
    assert_plotted(ax, [2, 2], [0.2, 0.4], "the marked degree's two errors",
                   label="this degree")


def test_ch02_degree_demo_frames_draw_their_degrees_data(ch02):
    x_val = np.array([-0.9, -0.3, 0.2, 0.8])
    y_val = np.sin(3 * x_val) + 0.1
    coefficients = [[0.2], [0.1, 0.9], [0.0, 1.0, -0.5]]
    train, val = [0.6, 0.3, 0.2], [0.7, 0.35, 0.5]

    def sweep(x, y, x_val, y_val, degrees):  # a stand-in for the lab's sweep
        assert list(degrees) == [0, 1, 2]
        return coefficients, train, val

    draw, sliders = frames_of(chapter02, chapter02.degree_demo, ch02["x"], ch02["y"],
                              x_val, y_val, sweep=sweep, degrees=[0, 1, 2], truth=_sin3,
                              noise_variance=0.05)
    assert sliders == {"degree": [0, 1, 2]}
    for degree in sliders["degree"]:
        fig = draw(degree=degree)
        left, right = panel(fig, f"degree {degree}\n", prefix=True), panel(fig, "Where it sits")
        assert_plotted(left, ch02["x"], ch02["y"], "the training points",
                       label="training points")
        assert_plotted(left, x_val, y_val, "the validation points", label="validation points")
        assert_formula(left, lambda t: np.sin(3 * t), "the true function sin 3x",
                       label="true function $F$")
        assert_plotted(right, [0, 1, 2], train, "the training errors", label="training error")
        assert_plotted(right, [0, 1, 2], val, "the validation errors", label="validation error")
        assert_plotted(right, [degree, degree], [train[degree], val[degree]],
                       "this degree's two errors", label="this degree")


def test_ch02_complexity_figure_draws_each_polynomial_over_the_range():
    y1, y2 = [2, 0, 3], [18, 4, 6, 0, 0, 0, 7, 3]
    far = [(0.0, 2.0, "minimum"), (5.0, 77.0, "minimum")]  # x = 5 lies outside the range
    fig = chapter02.complexity_figure([y1, y2], [far, []], x_range=(-2.4, 1.0))
    first, second = fig.axes
    assert_formula(first, polynomial(y1), "y1 = 3x^2 + 2", spans=(-2.4, 1.0), kind="line")
    assert_formula(second, polynomial(y2), "y2", spans=(-2.4, 1.0), kind="line",
                   tolerance={"rtol": 1e-12, "atol": 1e-9})
    assert_plotted(first, [0.0], [2.0], "only the stationary point inside the range",
                   many=True, kind="scatter")


# --------------------------------------------------------------------------------------
# Chapter 3: residuals, losses and cost; the square and the absolute value; the bowl
#
# test_chapter03 checks the loss bars' heights, the cost line, r^2, |r| and 2r (by
# their order), the contours and star of the bowl, and the line, residual ends and
# dot of line_on_bowl_figure. line_fit_demo is covered there in full: each checked
# frame is byte for byte the PNG of line_on_bowl_figure for the same line, whose data
# are checked here.
# --------------------------------------------------------------------------------------

def test_ch03_loss_and_cost_figure_draws_each_residual_at_its_sample():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0, 5.0])
    slope, intercept = 1.2, 0.8
    fig = chapter03.loss_and_cost_figure(x, y, slope, intercept)
    left = panel(fig, "One residual per sample")
    assert_formula(left, lambda t: slope * t + intercept, "the line y = 1.2x + 0.8",
                   label="$\\hat y = 1.20x + 0.80$")
    assert_plotted(left, x, y, "the samples", label="samples $(x_i, y_i)$")
    segments = [_xy(line) for line in artists(left, color=COLORS["test"])]
    assert len(segments) == len(x), "one residual per sample"
    for k, (drawn, xi, yi) in enumerate(zip(segments, x, y, strict=True)):
        assert_values(drawn, [[xi, yi], [xi, slope * xi + intercept]],
                      f"the residual of sample {k + 1}, from y_i to the line")
    right = panel(fig, "Loss per sample, cost of the set")
    assert_values(bars(right)[:, 0], np.arange(1, len(x) + 1),
                  "the loss of sample i at i (the bars' places)")


def test_ch03_squared_vs_absolute_figure_draws_the_derivatives_autograd_gives():
    limit = 1.5
    fig = chapter03.squared_vs_absolute_figure(limit=limit)
    values = panel(fig, "Two ways to drop the sign")
    assert_formula(values, lambda r: r**2, "r^2", spans=(-limit, limit), label="$r^2$")
    assert_formula(values, np.abs, "|r|", spans=(-limit, limit), label="$|r|$")
    slopes = panel(fig, "Their derivatives")
    assert_formula(slopes, autograd(lambda r: r**2), "d(r^2)/dr by autograd",
                   spans=(-limit, limit), label="$d(r^2)/dr = 2r$")
    # d|r|/dr is drawn in two pieces (r < 0 and r > 0) in the MAE colour; with the
    # circles at r = 0 it must be what autograd gives either side of 0.
    assert_formula(slopes, autograd(torch.abs), "d|r|/dr = sign(r) by autograd",
                   spans=(-limit, limit), many=True, color=COLORS["mae"], marker="None")
    drawn = plotted(slopes, many=True, color=COLORS["mae"], marker="None")
    assert not (drawn[:, 0] == 0).any(), "d|r|/dr is drawn at r = 0, where it is not defined"
    left, right = autograd(torch.abs)(np.array([-1e-9, 1e-9]))
    assert_plotted(slopes, [0.0, 0.0], [left, right],
                   "the limits of d|r|/dr either side of 0", label="not defined at $r = 0$")


def test_ch03_cost_contour_figure_puts_each_named_line_at_its_place():
    w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    costs = (w[None, :] - 2.0) ** 2 + (b[:, None] - 1.0) ** 2
    points = {"A": (1.5, 1.0), "B": (3.0, -0.5)}
    fig = chapter03.cost_contour_figure(w, b, costs, best=(2.0, 1.0), points=points)
    ax = fig.axes[0]
    assert_plotted(ax, [p[0] for p in points.values()], [p[1] for p in points.values()],
                   "the named lines (slope, intercept)", many=True, marker="o")
    named = {t: (x, y) for x, y, t, _ in texts(ax) if t in points}
    assert named == {name: pytest.approx(point) for name, point in points.items()}, (
        "each name sits at its own line's point")


def test_ch03_line_on_bowl_figure_draws_the_samples_and_the_best_line():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.2, 4.9])
    w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    costs = ((y - (w[None, :, None] * x + b[:, None, None])) ** 2).mean(axis=-1)
    fig = chapter03.line_on_bowl_figure(x, y, 1.5, 1.0, slopes=w, intercepts=b, costs=costs,
                                        best=(1.95, 1.05))
    left, right = fig.axes
    (scatter,) = [c for c in left.collections if isinstance(c, PathCollection)]
    assert_values(_xy(scatter), np.column_stack([x, y]), "the samples (x, y)")
    residual_x = np.array([_xy(line)[:, 0] for line in artists(left, color=COLORS["test"])])
    assert_values(residual_x, np.column_stack([x, x]), "each residual at its sample's x")
    assert_plotted(right, [1.95], [1.05], "the best line (slope, intercept)", marker="*")


# --------------------------------------------------------------------------------------
# Chapter 4: the digit gallery, one sample's losses, the sweep, the threshold demo
#
# test_chapter04 checks the gallery's count of "loss 1" texts, that the squared-loss
# derivative is among one_sample_figure's lines, and that the demo's frames differ.
# --------------------------------------------------------------------------------------

def _sweep(scores: torch.Tensor, labels: torch.Tensor, thresholds: torch.Tensor,
           tau: float) -> dict[str, torch.Tensor]:
    """The sweep written out: error rate, squared cost of the soft answers, dJ/dt."""
    s, y = scores.double()[None, :], labels.double()
    t = thresholds.double().clone().requires_grad_(True)
    squared = ((torch.sigmoid((s - t[:, None]) / tau) - y) ** 2).mean(dim=1)
    (squared_grad,) = torch.autograd.grad(squared.sum(), t)
    zero_one = ((s > t.detach()[:, None]).double() != y).double().mean(dim=1)
    return {"zero_one": zero_one, "squared": squared.detach(),
            "zero_one_grad": torch.zeros_like(zero_one), "squared_grad": squared_grad}


@pytest.fixture(scope="module")
def ch04():
    scores = torch.tensor([0.9, 0.2, 0.7, 0.55, 0.1, 0.8, 0.35, 0.6])
    labels = torch.tensor([1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    images = torch.rand(8, 8, 8, generator=torch.Generator().manual_seed(4))
    thresholds = torch.linspace(0.0, 1.0, 21)
    return {"scores": scores, "labels": labels, "images": images, "t": thresholds,
            "sweeps": {tau: _sweep(scores, labels, thresholds, tau) for tau in (0.05, 0.2)}}


def test_ch04_digit_gallery_figure_puts_each_image_with_its_score_and_answer(ch04):
    s, y = array(ch04["scores"]), array(ch04["labels"])
    fig = chapter04.digit_gallery_figure(ch04["images"], ch04["labels"], ch04["scores"],
                                         threshold=0.6, per_class=3)
    ax = fig.axes[0]
    pixels = picture(ax)
    tops = []
    for row, chosen in enumerate([np.flatnonzero(y == 1)[:3], np.flatnonzero(y == 0)[:3]]):
        found = [places(pixels, array(ch04["images"][i])) for i in chosen]
        assert all(len(at) == 1 for at in found), (
            f"row {row}: images {list(chosen)} are drawn {[len(at) for at in found]} times")
        (top,) = {at[0][0] for at in found}  # one row: zeros on top, then the others
        lefts = [at[0][1] for at in found]
        assert lefts == sorted(lefts), f"row {row}: the images are not in their order"
        tops.append(top)
        for i, ((_, left),) in zip(chosen, found, strict=True):
            says_yes = bool(s[i] > 0.6)
            wrong = says_yes != bool(y[i] == 1)
            words = f"h = {s[i]:.2f}\nsays {'yes' if says_yes else 'no'}: loss {int(wrong)}"
            colour = COLORS["mae"] if wrong else COLORS["truth"]
            assert words_under(ax, top, left) == [(words, colour)], f"the words under image {i}"
    assert tops[0] < tops[1], "the zeros' row is above the others'"
    assert np.isfinite(pixels).sum() == 6 * 64, "only the six images are drawn"


def test_ch04_one_sample_figure_draws_the_given_losses_either_side_of_the_score():
    t = torch.linspace(0.1, 1.1, 11)
    score, tau = 0.45, 0.05
    curves = _sweep(torch.tensor([score]), torch.tensor([1.0]), t, tau)
    fig = chapter04.one_sample_figure(t, curves, score=score, temperature=tau)
    t = array(t)
    for title, suffix in [(f"Loss of one zero (score h = {score:.2f})", ""),
                          ("Its derivative dℓ/dt by autograd", "_grad")]:
        ax = panel(fig, title)
        assert_plotted(ax, t, array(curves["zero_one" + suffix]),
                       f"zero_one{suffix}, in two pieces at the score", many=True,
                       color=COLORS["zero_one"], marker="None", linestyle="-")
        assert_plotted(ax, t[t < score], array(curves["zero_one" + suffix])[t < score],
                       f"zero_one{suffix} below the score",
                       label="0-1 loss of the hard answer")
        assert_plotted(ax, t, array(curves["squared" + suffix]), f"squared{suffix}",
                       label=f"squared loss of the soft answer (T = {tau:g})")
    assert_plotted(panel(fig, f"Loss of one zero (score h = {score:.2f})"),
                   [score, score], [0.0, 1.0], "the jump's two ends at t = h", many=True,
                   marker="o")


def test_ch04_squared_loss_figure_draws_both_losses_and_slopes():
    p = torch.linspace(-1.0, 3.0, 9, dtype=torch.float64)
    target = 1.0
    curves = {"full": (target - p) ** 2, "half": 0.5 * (target - p) ** 2,
              "full_grad": 2 * (p - target), "half_grad": p - target}
    fig = chapter04.squared_loss_figure(p, curves, target=target)
    full = r"$(y-\hat y)^2$, derivative $2(\hat y - y)$"
    half = r"$\frac{1}{2}(y-\hat y)^2$, derivative $\hat y - y$"
    for title, suffix in [("Squared loss, target y = 1", ""),
                          ("Its derivative by autograd", "_grad")]:
        ax = panel(fig, title)
        assert_plotted(ax, p, array(curves["full" + suffix]), "full" + suffix, label=full)
        assert_plotted(ax, p, array(curves["half" + suffix]), "half" + suffix, label=half)


def _check_costs(ax: Axes, t: np.ndarray, costs: dict, threshold: float,
                 labels: tuple[str, str], sweep: str) -> None:
    assert_plotted(ax, t, array(costs["zero_one"]), f"the error rate {sweep}",
                   label=labels[0])
    assert_plotted(ax, t, array(costs["squared"]), f"the squared cost {sweep}",
                   label=labels[1])
    i = int(np.argmin(np.abs(t - threshold)))
    assert_plotted(ax, [t[i], t[i]],
                   [array(costs["zero_one"])[i], array(costs["squared"])[i]],
                   f"both costs {sweep} at t = {threshold:g}", marker="o")


def test_ch04_threshold_sweep_figure_draws_the_costs_and_their_derivatives(ch04):
    costs = ch04["sweeps"][0.05]
    fig = chapter04.threshold_sweep_figure(ch04["t"], costs, threshold=0.5)
    t = array(ch04["t"])
    _check_costs(panel(fig, "Cost as the threshold moves"), t, costs, 0.5,
                 ("0-1 cost: the error rate", "squared cost of the soft answers"),
                 "of the sweep at T = 0.05")
    grad = panel(fig, "Its derivative dJ/dt by autograd")
    assert_plotted(grad, t, array(costs["zero_one_grad"]), "dJ/dt of the error rate",
                   color=COLORS["zero_one"])
    assert_plotted(grad, t, array(costs["squared_grad"]), "dJ/dt of the squared cost",
                   color=COLORS["squared"])


def _check_threshold_frame(fig: Figure, ch04: dict, threshold: float, tau: float,
                           costs: dict) -> None:
    s, y = array(ch04["scores"]), array(ch04["labels"])
    wrong = (s > threshold) != (y == 1)
    scores = panel(fig, f"t = {threshold:.2f}, T = {tau:g}: {int(wrong.sum())} wrong")
    places = np.zeros((len(s), 2))
    for value, label in [(1.0, "zeros (y = 1)"), (0.0, "others (y = 0)")]:
        drawn = plotted(scores, label=label)
        assert_values(drawn[:, 0], s[y == value], f"the scores of the {label}")
        assert np.abs(drawn[:, 1] - value).max() < 0.3, f"the {label} sit near y = {value}"
        places[y == value] = drawn
    assert_plotted(scores, *places[wrong].T, "circles on the wrongly answered samples",
                   label="wrong answer")
    assert_formula(scores, lambda g: (g > threshold).astype(float), "the step at t",
                   label="hard answer")
    assert_formula(scores, lambda g: torch.sigmoid((torch.tensor(g) - threshold) / tau).numpy(),
                   "sigmoid((h - t) / T)", label="soft answer",
                   tolerance={"rtol": 1e-12, "atol": 1e-15})
    _check_costs(fig.axes[1], array(ch04["t"]), costs, threshold,
                 ("error rate", "squared cost"), f"of the sweep at T = {tau:g}")


def test_ch04_threshold_demo_figure_and_the_demos_frames(ch04):
    args = (ch04["scores"], ch04["labels"], ch04["t"])
    fig = chapter04.threshold_demo_figure(*args, ch04["sweeps"][0.05], threshold=0.5,
                                          temperature=0.05)
    _check_threshold_frame(fig, ch04, 0.5, 0.05, ch04["sweeps"][0.05])

    def sweep(scores, labels, thresholds, temperature):  # the lab's sweep: given here
        return ch04["sweeps"][temperature]

    draw, sliders = frames_of(chapter04, chapter04.threshold_demo, *args, sweep=sweep,
                              temperatures=sorted(ch04["sweeps"]), shown=(0.3, 0.6),
                              start=(0.6, 0.05))
    assert sliders == {"threshold": (0.3, 0.6), "temperature": (0.05, 0.2)}
    for threshold in sliders["threshold"]:
        for tau in sliders["temperature"]:
            _check_threshold_frame(draw(threshold=threshold, temperature=tau), ch04,
                                   threshold, tau, ch04["sweeps"][tau])


# --------------------------------------------------------------------------------------
# Chapter 5: the best constant, line fits, losses against the residual, descent, the
# outlier figure and demo
#
# test_chapter05 checks the MSE panel's curve and both dotted lines (mean, median) of
# constant_costs_figure, the MSE and MAE lines of line_fits_figure without a truth,
# and that the outlier figure's dots lie on its slope curves.
# --------------------------------------------------------------------------------------

def test_ch05_constant_costs_figure_draws_each_cost_in_its_panel():
    y = torch.tensor([1.0, 2.0, 9.0, 3.0], dtype=torch.float64)
    constants = torch.linspace(0.0, 10.0, 11, dtype=torch.float64)
    mse = torch.stack([F.mse_loss(torch.full_like(y, c), y) for c in constants])
    mae = torch.stack([F.l1_loss(torch.full_like(y, c), y) for c in constants])
    fig = chapter05.constant_costs_figure(y, constants, mse, mae)
    for title, cost, name in [("MSE is smallest at the mean", mse, "the MSE of each c"),
                              ("MAE is smallest at the median", mae, "the MAE of each c")]:
        ax = panel(fig, title)
        assert_plotted(ax, array(constants), array(cost), name, linestyle="-", marker="None")
        assert_values(plotted(ax, marker="|")[:, 0], array(y), "the data as ticks")


@pytest.fixture(scope="module")
def ch05():
    x, y = lu.line_with_outliers(10, n_outliers=2, seed=3)
    return array(x), array(y)


def test_ch05_line_fits_figure_draws_the_data_truth_and_every_line(ch05):
    x, y = ch05
    lines = {"mse": (3.1, 0.2), "mae": (2.2, 0.9), "huber": (2.6, 0.5)}
    fig = chapter05.line_fits_figure(x, y, lines, truth=(2.0, 1.0), delta=1.5)
    ax = fig.axes[0]
    ends = (x.min(), x.max())
    assert_plotted(ax, x, y, "the data", label="data")
    assert_formula(ax, lambda t: 2.0 * t + 1.0, "the true line", spans=ends,
                   label="true line, slope 2.00")
    for name, (slope, intercept) in lines.items():
        label = chapter05.LOSS_NAMES[name] + (" (δ = 1.5)" if name == "huber" else "")
        assert_formula(ax, lambda t, w=slope, b=intercept: w * t + b, f"the {name} line",
                       spans=ends, label=f"{label}, slope {slope:.2f}")


def test_ch05_losses_vs_residual_figure_draws_what_autograd_gives():
    r = torch.linspace(-3.0, 3.0, 13, dtype=torch.float64)
    losses = {"mse": F.mse_loss, "mae": F.l1_loss,
              "huber": lambda a, b, **k: F.huber_loss(a, b, delta=1.0, **k)}
    curves = {}
    for name, loss in losses.items():
        value = r.clone().requires_grad_(True)
        per_sample = loss(value, torch.zeros_like(r), reduction="none")
        (slope,) = torch.autograd.grad(per_sample.sum(), value)
        curves[name] = (per_sample.detach(), slope)
    fig = chapter05.losses_vs_residual_figure(r, curves, delta=1.0)
    for title, which in [("Loss of one sample", 0), ("Its derivative (autograd)", 1)]:
        ax = panel(fig, title)
        for name, label in chapter05.LOSS_NAMES.items():
            label += ", δ = 1" if name == "huber" else ""
            assert_plotted(ax, array(r), array(curves[name][which]),
                           f"{name}'s {'derivative' if which else 'loss'}", label=label)
    assert_plotted(panel(fig, "Its derivative (autograd)"), [0.0], [0.0],
                   "MAE's derivative at r = 0", marker="o")


def test_ch05_descent_figure_draws_each_run_and_its_exact_slope():
    steps = np.arange(1, 9, dtype=float)
    slopes = {"MSE, fixed rate": 7 * (1 - 0.7**steps), "MAE, fixed rate": 2.7 + 0.1 * (-1) ** steps,
              "MAE, shrinking rate": 2.7 * (1 - 0.6**steps)}
    exact = {"MSE, fixed rate": 7.0, "MAE, fixed rate": 2.7, "MAE, shrinking rate": 2.65}
    fig = chapter05.descent_figure(slopes, exact, last=5)
    every, last = panel(fig, "Slope w at each step"), panel(fig, "The last 5 steps")
    for label, path in slopes.items():
        assert_plotted(every, steps, path, f"the slopes of {label!r}", label=label)
        assert_plotted(last, steps[-5:], path[-5:] - exact[label],
                       f"the last slopes of {label!r} less the exact slope", label=label)
        (run,) = artists(every, label=label)
        dotted = [line for line in artists(every, linestyle=":", color=run.get_color())
                  if _xy(line)[0, 1] == pytest.approx(exact[label])]
        assert dotted, f"no dotted line at the exact slope of {label!r} in its colour"


def _mae_optimum(x: np.ndarray, y: np.ndarray) -> float:
    """The smallest MAE of any line, by linear programming (scipy's HiGHS)."""
    n = len(x)
    a = np.column_stack([x, np.ones(n)])
    result = linprog(np.concatenate([[0.0, 0.0], np.ones(n) / n]),
                     A_ub=np.block([[-a, -np.eye(n)], [a, -np.eye(n)]]),
                     b_ub=np.concatenate([-y, y]),
                     bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
    assert result.success
    return float(result.fun)


def _huber_slope(x: np.ndarray, y: np.ndarray, delta: float) -> float:
    """The slope of the Huber line, by minimising torch's Huber cost with BFGS."""
    def cost(parameters):
        p = torch.tensor(parameters, dtype=torch.float64, requires_grad=True)
        value = F.huber_loss(p[0] * torch.from_numpy(x) + p[1], torch.from_numpy(y),
                             delta=delta)
        (grad,) = torch.autograd.grad(value, p)
        return float(value.detach()), grad.numpy()
    start = np.polyfit(x, y, 1)
    return float(minimize(cost, start, jac=True, method="BFGS", tol=1e-14).x[0])


def _line_of(xy: np.ndarray) -> tuple[float, float]:
    (x0, y0), (x1, y1) = xy[0], xy[-1]
    slope = (y1 - y0) / (x1 - x0)
    return slope, y0 - slope * x0


def test_ch05_outlier_figure_draws_the_best_line_under_each_loss(ch05):
    x, y = ch05
    height, delta = 12.0, 1.0
    moved = y.copy()
    moved[-1] = height
    fig = chapter05.outlier_figure(x, y, height, delta=delta, index=-1, truth=(2.0, 1.0))
    fit = panel(fig, f"Moved point at y = {height:g}")
    assert_plotted(fit, x, moved, "the data with the last point moved", label="data")
    assert_plotted(fit, [x[-1]], [height], "the moved point", label="moved point")
    assert_formula(fit, lambda t: 2.0 * t + 1.0, "the true line",
                   label="true line, slope 2.00")
    drawn = {name: _line_of(plotted(fit, prefix=label))
             for name, label in chapter05.LOSS_NAMES.items()}
    design = torch.from_numpy(np.column_stack([x, np.ones_like(x)]))
    lstsq = torch.linalg.lstsq(design, torch.from_numpy(moved)[:, None]).solution.ravel()
    assert drawn["mse"] == pytest.approx(tuple(lstsq.tolist()), abs=1e-9), "the MSE line"
    w, b = drawn["mae"]
    assert np.abs(moved - (w * x + b)).mean() == pytest.approx(_mae_optimum(x, moved),
                                                               abs=1e-9), "the MAE line"
    assert drawn["huber"][0] == pytest.approx(_huber_slope(x, moved, delta), abs=1e-6), (
        "the Huber line")
    # Right: the best slope under each loss as the point moves, the current one a dot.
    curve_panel = panel(fig, "Best slope as the point moves")
    heights = np.array(chapter05.CURVE_HEIGHTS)
    curves = {name: plotted(curve_panel, color=COLORS[name], marker="None")
              for name in chapter05.LOSS_NAMES}
    for name, curve in curves.items():
        assert_values(curve[:, 0], heights, f"the heights along the {name} curve")
        assert_plotted(curve_panel, [height], [drawn[name][0]],
                       f"the {name} line's slope at this height", color=COLORS[name],
                       marker="o")
    mse_slopes, mae_gaps, huber_slopes = [], [], []
    for h, mae_slope in zip(heights, curves["mae"][:, 1], strict=True):
        moved[-1] = h
        mse_slopes.append(np.polyfit(x, moved, 1)[0])
        residual = moved - mae_slope * x
        best_mae = np.abs(residual - np.median(residual)).mean()  # best intercept: a median
        mae_gaps.append(best_mae - _mae_optimum(x, moved))
        huber_slopes.append(_huber_slope(x, moved, delta))
    assert_values(curves["mse"][:, 1], mse_slopes, "the least-squares slope at each height",
                  {"rtol": 1e-9, "atol": 1e-9})
    assert_values(mae_gaps, np.zeros(len(heights)),
                  "the slope of a least-MAE line at each height", {"rtol": 0, "atol": 1e-9})
    assert_values(curves["huber"][:, 1], huber_slopes, "the Huber slope at each height",
                  {"rtol": 0, "atol": 1e-6})
    assert_plotted(curve_panel, [0, 1], [2.0, 2.0], "the true slope", linestyle="--")
    assert_plotted(curve_panel, [height, height], [0, 1], "the current height",
                   linestyle=":")


def test_ch05_outlier_demo_frames_draw_their_height_and_delta(ch05):
    x, y = ch05
    draw, sliders = frames_of(chapter05, chapter05.outlier_demo, x, y,
                              heights=(0.0, 12.0), deltas=(0.5, 5.0))
    assert sliders == {"height": (0.0, 12.0), "delta": (0.5, 5.0)}
    # The demo's lines minimise the losses numerically (L-BFGS, as it does with the lab's
    # losses), outlier_figure's are exact: they agree to about 2e-8 here, and to 7e-7 at
    # most on lab 5's data (deltas 0.2, 0.5, 1, 5 and 10, every height of the curve):
    # a pixel of either panel is more than 0.01.
    near = {"rtol": 1e-6, "atol": 1e-6}
    for height, delta in [(0.0, 5.0), (12.0, 0.5)]:
        frame = draw(height=height, delta=delta)
        alone = chapter05.outlier_figure(x, y, height, delta=delta)
        for ax, same in zip(frame.axes, alone.axes, strict=True):
            assert ax.get_title() == same.get_title()
            for artist, other in zip(artists(ax), artists(same), strict=True):
                assert_values(_xy(artist), _xy(other),
                              f"at height {height} and δ = {delta}, {ax.get_title()!r}'s "
                              f"{artist.get_label()!r} as outlier_figure draws it", near)


# --------------------------------------------------------------------------------------
# Chapter 6: entropy, the loss of one example, cross-entropy and KL, BCE saturation
#
# test_chapter06 checks the coin curve's y, all die bars' heights, the marks of
# one_hot_loss_figure, the p and q bars and the KL segment, and a few points of the
# BCE curves.
# --------------------------------------------------------------------------------------

def _bits(p) -> float:
    p = np.asarray(p, dtype=float)
    return float(-(p * np.log2(p)).sum())


def test_ch06_entropy_figure_draws_the_coin_curve_coins_and_each_die():
    heads = np.linspace(0.01, 0.99, 9)
    coin_bits = -(heads * np.log2(heads) + (1 - heads) * np.log2(1 - heads))
    coins = {"fair": (0.5, 1.0), "loaded": (0.9, _bits([0.9, 0.1]))}
    dice = {"fair die": ([1 / 6] * 6, _bits([1 / 6] * 6)),
            "loaded die": ([0.05] * 5 + [0.75], _bits([0.05] * 5 + [0.75]))}
    fig = chapter06.entropy_figure(heads, coin_bits, coins, dice)
    coin = panel(fig, "A coin")
    assert_formula(coin, lambda h: -(h * np.log2(h) + (1 - h) * np.log2(1 - h)),
                   "the entropy in bits of a coin", marker="None",
                   tolerance={"rtol": 1e-12, "atol": 1e-15})
    assert_plotted(coin, *np.array(list(coins.values())).T, "the coins", many=True,
                   marker="o")
    die = panel(fig, "A die")
    for name, (faces, bits) in dice.items():
        drawn = bars(die, f"{name}: H = {bits:.2f} bits")
        assert_values(drawn[:, 3], faces, f"the chances of the {name}'s faces")
        assert_values(np.round(drawn[:, 0]), range(1, 7),
                      f"the {name}'s bars at faces 1 to 6, in order")


def test_ch06_one_hot_loss_figure_draws_minus_log_q():
    q = torch.linspace(0.05, 1.0, 20, dtype=torch.float64)
    fig = chapter06.one_hot_loss_figure(q, -q.log(), marked=[0.5])
    assert_formula(fig.axes[0], lambda v: -np.log(v), "-log q_y", marker="None",
                   spans=(0.05, 1.0), tolerance={"rtol": 1e-12, "atol": 1e-15})


def _check_cross_entropy_frame(fig: Figure, p: torch.Tensor, first: float,
                               second: float) -> None:
    q = torch.tensor([first, (1 - first) * second, (1 - first) * (1 - second)],
                     dtype=torch.float64)
    left = panel(fig, "The truth and a prediction")
    assert_values(bars(left, "truth p")[:, 3], array(p), "the truth p")
    assert_values(bars(left, "prediction q")[:, 3], array(q), "the prediction q",
                  {"rtol": 1e-12, "atol": 1e-15})
    right = fig.axes[1]
    p64 = p.double()

    def cross_entropy(shares: np.ndarray) -> np.ndarray:
        a = torch.from_numpy(shares)
        path = torch.stack([a, (1 - a) * second, (1 - a) * (1 - second)], dim=1)
        return -(p64 * path.log()).sum(dim=1).numpy()

    assert_formula(right, cross_entropy, "H(p, q) with class 1's share held",
                   label="H(p, q)", tolerance={"rtol": 1e-12, "atol": 1e-12})
    entropy = float(-(p64 * p64.log()).sum())
    assert_plotted(right, [0, 1], [entropy, entropy], "the entropy H(p)", label="H(p)",
                   tolerance={"rtol": 1e-12, "atol": 1e-12})
    assert_plotted(right, [first], [float(-(p64 * q.log()).sum())], "H(p, q) at this q",
                   marker="o", tolerance={"rtol": 1e-12, "atol": 1e-12})


def test_ch06_cross_entropy_frame_and_the_demos_frames():
    p = torch.tensor([0.6, 0.3, 0.1], dtype=torch.float64)
    _check_cross_entropy_frame(chapter06.cross_entropy_frame(p, 0.3, 0.5), p, 0.3, 0.5)
    draw, sliders = frames_of(chapter06, chapter06.cross_entropy_demo, p,
                              first_shares=(0.3, 0.6), second_shares=(0.25, 0.75))
    assert sliders == {"share_first": (0.3, 0.6), "share_second": (0.25, 0.75)}
    for first in sliders["share_first"]:
        for second in sliders["share_second"]:
            _check_cross_entropy_frame(draw(share_first=first, share_second=second), p,
                                       first, second)


def test_ch06_bce_saturation_figure_draws_each_way_in_both_panels():
    z = torch.linspace(-5.0, 40.0, 10)
    ways = {"through the sigmoid": lambda v: F.binary_cross_entropy(
                torch.sigmoid(v), torch.zeros_like(v), reduction="none"),
            "with logits": lambda v: F.binary_cross_entropy_with_logits(
                v, torch.zeros_like(v), reduction="none")}
    losses, gradients = {}, {}
    for name, way in ways.items():
        v = z.clone().requires_grad_(True)
        loss = way(v)
        (gradients[name],) = torch.autograd.grad(loss.sum(), v)
        losses[name] = loss.detach()
    fig = chapter06.bce_saturation_figure(z, losses, gradients)
    for name in ways:
        assert_plotted(panel(fig, "Loss of a negative example"), array(z),
                       array(losses[name]), f"the loss {name}", label=name)
        assert_plotted(panel(fig, "Its gradient"), array(z), array(gradients[name]),
                       f"the gradient {name}", label=name)


# --------------------------------------------------------------------------------------
# Chapter 7: softmax, the doubled softmax, class weights, smoothing, temperature
#
# test_chapter07 checks the bar heights of softmax_figure, class_weight_figure and
# temperature_frame, the floor and one accuracy curve of double_softmax_figure, the
# best-gap line, the frame's dot, and temperature_demo in full: each frame's bars are
# softmax(z / T) of its own T (the rest of a frame is temperature_frame's, checked
# here).
# --------------------------------------------------------------------------------------

LOGITS = torch.tensor([2.0, 1.0, 0.1], dtype=torch.float64)


def _entropy_of_softmax(z: torch.Tensor) -> Callable[[np.ndarray], np.ndarray]:
    """``T -> H(softmax(z / T))`` in nats, written out."""
    def entropy(temperatures: np.ndarray) -> np.ndarray:
        scaled = z[None, :] / torch.from_numpy(temperatures)[:, None]
        q = torch.exp(scaled - torch.logsumexp(scaled, dim=1, keepdim=True))
        return -(q * q.log()).sum(dim=1).numpy()
    return entropy


def test_ch07_softmax_figure_writes_each_value_on_its_bar():
    q = torch.softmax(LOGITS, dim=0)
    fig = chapter07.softmax_figure(LOGITS, q)
    for ax, values, digits in [(fig.axes[0], array(LOGITS), 1), (fig.axes[1], array(q), 3)]:
        assert_values(bars(ax)[:, 0], [0, 1, 2],
                      f"the bars of {ax.get_title()!r} at classes 0, 1, 2")
        written = [(c, pytest.approx(v), f"{v:.{digits}f}")
                   for c, v in zip([0.0, 1.0, 2.0], values, strict=True)]
        assert [(x, y, t) for x, y, t, _ in texts(ax)] == written, (
            f"each value of {ax.get_title()!r} on top of its own bar")


def _decay(steps: np.ndarray, final: float) -> np.ndarray:
    return final + (2.3 - final) * np.exp(-steps / 50)


def test_ch07_double_softmax_and_label_smoothing_figures_draw_each_run():
    steps = np.arange(0, 201, 20)
    losses = {"logits into the loss": _decay(steps, 0.2), "softmax, then": _decay(steps, 1.8)}
    accuracies = {"logits into the loss": 1 - _decay(steps, 0.2) / 3,
                  "softmax, then": 1 - _decay(steps, 1.8) / 3}
    fig = chapter07.double_softmax_figure(steps, losses, accuracies, floor=1.6)
    gaps = {"α = 0": np.log1p(steps), "α = 0.1": np.minimum(3.1, steps / 20)}
    smoothed = chapter07.label_smoothing_figure(steps, losses, gaps, optimum_gap=3.1)
    for figure, left, right in [(fig, losses, accuracies), (smoothed, losses, gaps)]:
        for ax, curves in zip(figure.axes, (left, right), strict=True):
            for name, values in curves.items():
                assert_plotted(ax, steps, values, f"{name!r} against the step", label=name)


def test_ch07_class_weight_figure_groups_each_trainings_bars_by_class():
    names = ["0 (400)", "1 (80)", "2 (20)"]
    recalls = {"unweighted": [0.97, 0.81, 0.65], "weighted": [0.88, 0.84, 0.9]}
    fig = chapter07.class_weight_figure(names, recalls)
    ax = fig.axes[0]
    written = []
    for name, values in recalls.items():
        drawn = bars(ax, name)
        assert_values(drawn[:, 3], values, f"the recalls of the {name} training")
        assert_values(np.round(drawn[:, 0]), range(3), f"the {name} bars at their classes")
        written += [(x, pytest.approx(h), f"{h:.2f}") for x, h in drawn[:, [0, 3]]]
    assert [(x, y, t) for x, y, t, _ in texts(ax)] == written, (
        "each bar's recall written on top of it")


def test_ch07_temperature_frame_draws_the_entropy_curve_and_its_limits():
    fig = chapter07.temperature_frame(LOGITS, 2.0)
    left, right = fig.axes
    assert_plotted(left, [0, 1], [1 / 3, 1 / 3], "the uniform probability 1/C",
                   linestyle=":")
    assert_formula(right, _entropy_of_softmax(LOGITS), "the entropy of softmax(z / T)",
                   spans=(0.05, 50.0), label="entropy of softmax(z / T)")
    assert_plotted(right, [0, 1], [math.log(3)] * 2, "log C", label="log 3: uniform")


def test_ch07_temperature_figure_draws_each_temperature():
    shown = [0.5, 2.0]
    fig = chapter07.temperature_figure(LOGITS, shown)
    left, right = fig.axes
    entropy = _entropy_of_softmax(LOGITS)
    for temperature in shown:
        label = f"T = {temperature:g}"
        drawn = bars(left, label)
        assert_values(drawn[:, 3], array(torch.softmax(LOGITS / temperature, dim=0)),
                      f"softmax(z / {temperature:g})", {"rtol": 1e-12, "atol": 1e-15})
        assert_values(np.round(drawn[:, 0]), [0, 1, 2], f"the bars of {label} at classes")
        assert_plotted(right, [temperature], entropy(np.array([temperature])),
                       f"the entropy at {label}", label=label)
    assert_formula(right, entropy, "the entropy of softmax(z / T)", spans=(0.05, 50.0),
                   marker="None", linestyle="-")
    assert_plotted(right, [0, 1], [math.log(3)] * 2, "log C", linestyle=":")


# --------------------------------------------------------------------------------------
# Chapter 8: the digit mosaic, training curves, mistakes
#
# test_chapter08 checks two of the training curves and that the true and the chosen
# class's bars differ in colour in one row.
# --------------------------------------------------------------------------------------

def test_ch08_digit_mosaic_figure_puts_each_image_above_its_digit():
    images = torch.rand(7, 8, 8, generator=torch.Generator().manual_seed(8))
    digits = torch.tensor([3, 1, 4, 1, 5, 9, 2])
    fig = chapter08.digit_mosaic_figure(images, digits, columns=3)
    ax = fig.axes[0]
    pixels = picture(ax)
    found = [places(pixels, array(image)) for image in images]
    assert all(len(at) == 1 for at in found), (
        f"the images are drawn {[len(at) for at in found]} times")
    at = [place for (place,) in found]
    assert at == sorted(at), "the images are not in their order, row by row"
    tops = [top for top, _ in at]
    assert tops == [tops[0]] * 3 + [tops[3]] * 3 + [tops[6]], "three images to a row"
    for k, (top, left) in enumerate(at):
        assert [t for t, _ in words_under(ax, top, left)] == [str(int(digits[k]))], (
            f"the digit under image {k}")
    blank = np.ones(pixels.shape, dtype=bool)
    for top, left in at:
        blank[top:top + 8, left:left + 8] = False
    assert (pixels[blank] == 0).all(), "only the seven images are drawn"


def test_ch08_sweep_curves_figure_draws_every_curves_mean():
    steps = [0, 10, 20, 30]
    falling = torch.tensor([1.0, 0.5, 0.3, 0.2], dtype=torch.float64)[:, None]
    seeds = torch.tensor([0.0, 0.01, 0.02], dtype=torch.float64)
    panels = {title: {f"{name}, lr = {lr}": {"val_accuracy": 0.9 - scale * falling / 10 + seeds,
                                              "val_ce": scale * falling + seeds}
                      for name, scale in (("cross-entropy", 1.0), ("squared error", 2.0))}
              for title, lr in (("both at lr = 0.5", 0.5), ("each at its chosen rate", 1))}
    fig = chapter08.sweep_curves_figure(steps, panels)
    for title, curves in panels.items():
        accuracy = panel(fig, title)
        cross_entropy = fig.axes[fig.axes.index(accuracy) + 2]
        for name, curve in curves.items():
            assert_plotted(accuracy, steps, (100 * curve["val_accuracy"].mean(dim=1)).numpy(),
                           f"{name}'s mean validation accuracy in %", label=name)
            assert_plotted(cross_entropy, steps, curve["val_ce"].mean(dim=1).numpy(),
                           f"{name}'s mean validation cross-entropy", label=name)


def test_ch08_mistakes_figure_draws_each_rows_image_and_probabilities():
    images = torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(9))
    q = torch.softmax(torch.randn(3, 10, generator=torch.Generator().manual_seed(1)), dim=1)
    digits = torch.tensor([(int(row.argmax()) + 1) % 10 for row in q])
    fig = chapter08.mistakes_figure(images, q, digits, title="wrong")
    for k in range(3):
        truth, chosen = int(digits[k]), int(q[k].argmax())
        image_ax, bars_ax = fig.axes[2 * k], fig.axes[2 * k + 1]
        assert image_ax.get_title() == f"a {truth}, read as {chosen}"
        assert_values(picture(image_ax), array(images[k]), f"the image of row {k}")
        drawn = bars(bars_ax)
        assert_values(drawn[:, 0], range(10), f"row {k}'s bars at classes 0 to 9")
        assert_values(drawn[:, 3], array(q[k]), f"row {k}'s probabilities")
        colours = [mcolors.to_hex(p.get_facecolor()) for p in bars_ax.patches]
        expected = [COLORS["truth"] if c == truth else COLORS["highlight"] if c == chosen
                    else COLORS["data"] for c in range(10)]
        assert colours == expected, f"row {k}: the true class green, the chosen orange"


# --------------------------------------------------------------------------------------
# Chapter 9: overfitting and confidence, memorisation, losses per image, reliability
#
# test_chapter09 checks the marked dots of the loss panel, the order of one confidence
# curve, and calibration_bins against a loop over the bins and known errors.
# --------------------------------------------------------------------------------------

def _record(shift: float) -> dict[str, list[float]]:
    steps = list(range(0, 60, 10))
    return {"step": steps, "train_loss": [2.0 / (1 + s) for s in steps],
            "validation_loss": [0.8 + shift + ((s - 20) / 40) ** 2 for s in steps],
            "validation_accuracy": [min(0.8, 0.1 + s / 40 + shift / 10) for s in steps],
            "validation_confidence": [min(0.95, 0.1 + s / 30) for s in steps]}


def test_ch09_overfitting_figure_draws_the_record():
    record = _record(0.0)
    fig = chapter09.overfitting_figure(record, marked=[20, 50])
    steps, percent = record["step"], 100 * np.array(record["validation_accuracy"])
    losses, right = panel(fig, "cross-entropy"), panel(fig, "validation images (zoomed)")
    assert_plotted(losses, steps, record["train_loss"], "the training loss", label="training")
    assert_plotted(losses, steps, record["validation_loss"], "the validation loss",
                   label="validation")
    assert_plotted(right, steps, percent, "the validation accuracy in %", label="accuracy")
    assert_plotted(right, steps, 100 * np.array(record["validation_confidence"]),
                   "the mean confidence in %", label="mean confidence")
    assert_plotted(right, [20, 50], percent[[2, 5]], "the accuracy at the marked steps",
                   label="_marked")


def test_ch09_memorisation_figure_draws_each_record_and_chance():
    records = {"true labels": _record(0.0), "shuffled labels": _record(1.0),
               "wrong labels": _record(2.0)}
    fig = chapter09.memorisation_figure(records, chance=0.1)
    for name, record in records.items():
        assert_plotted(panel(fig, "training cross-entropy"), record["step"],
                       record["train_loss"], f"the training loss with {name}", label=name)
        assert_plotted(panel(fig, "validation accuracy"), record["step"],
                       100 * np.array(record["validation_accuracy"]),
                       f"the accuracy in % with {name}", label=name)
    assert_plotted(panel(fig, "validation accuracy"), [0, 1], [10.0, 10.0],
                   "the accuracy of guessing", label="guessing")


def test_ch09_confidence_figure_sorts_each_models_losses():
    losses = {"step 20": torch.tensor([0.1, 3.0, 0.5, 0.02]),
              "step 50": torch.tensor([0.01, 7.0, 0.2, 0.03]),
              "step 50, T = 1.50": torch.tensor([0.05, 5.0, 0.3, 0.04])}
    fig = chapter09.confidence_figure(losses)
    for name, values in losses.items():
        ordered = sorted(array(values), reverse=True)
        assert_plotted(fig.axes[0], [1, 2, 3, 4], ordered, f"{name}'s losses, largest first",
                       label=f"{name}: mean {np.mean(ordered):.3f}")


def test_ch09_reliability_figure_draws_each_bins_accuracy_confidence_and_count():
    """Each non-empty bin of (b/10, (b+1)/10], counted by hand: its accuracy as a bar, its
    mean confidence as a dot, its count as a bar below; the ECE in the title."""
    answers = {
        "before": (torch.tensor([0.35, 0.95, 0.99, 0.97, 0.6, 0.55], dtype=torch.float64),
                   torch.tensor([False, True, True, False, True, False])),
        "after": (torch.tensor([0.3, 0.8, 0.85, 0.9, 0.6], dtype=torch.float64),
                  torch.tensor([False, True, True, True, False])),
    }
    # Worked out by hand from the inputs: bin index -> its confidences, and how many of
    # them are right (0.6 lies in (0.5, 0.6], 0.3 in (0.2, 0.3], 0.9 in (0.8, 0.9]).
    by_hand = {
        "before": {3: ([0.35], 0), 5: ([0.6, 0.55], 1), 9: ([0.95, 0.99, 0.97], 2)},
        "after": {2: ([0.3], 0), 5: ([0.6], 0), 7: ([0.8], 1), 8: ([0.85, 0.9], 2)},
    }
    fig = chapter09.reliability_figure(answers)
    for column, name in enumerate(answers):
        bins = sorted(by_hand[name])
        centres = [(b + 0.5) / 10 for b in bins]
        counts = [len(by_hand[name][b][0]) for b in bins]
        accuracy = [by_hand[name][b][1] / len(by_hand[name][b][0]) for b in bins]
        confidence = [float(np.mean(by_hand[name][b][0])) for b in bins]
        ece = sum(n / sum(counts) * abs(a - c)
                  for n, a, c in zip(counts, accuracy, confidence, strict=True))
        top = panel(fig, f"{name}: ECE {ece:.3f}")
        assert_values(bars(top, "accuracy")[:, 0], centres, f"{name}'s bins, at their centres")
        assert_values(bars(top, "accuracy")[:, 3], accuracy, f"{name}'s accuracy per bin")
        assert_plotted(top, centres, confidence, f"{name}'s mean confidence per bin",
                       label="mean confidence")
        assert_plotted(top, [0, 1], [0, 1], "the diagonal", label="confidence = accuracy")
        bottom = fig.axes[2 + column]  # the second row, below its diagram
        assert bottom.get_title() == "answers per bin"
        assert_values(bars(bottom, "answers")[:, 0], centres, f"{name}'s count bars' places")
        assert_values(bars(bottom, "answers")[:, 3], counts, f"{name}'s count per bin")


# --------------------------------------------------------------------------------------
# Appendix: the benchmark's ratios (no test of its own besides its doctest)
# --------------------------------------------------------------------------------------

def _rows(limits: tuple[float, float]) -> tuple[list[dict], list[dict]]:
    ratios = {"mse": (1.2, 1.1), "huber": (2.7, 1.7), "kl_div": (1.1, 0.9)}
    rows = [{"short": short, "pass": name, "ratio": ratio, "limit": limit}
            for short, pair in ratios.items()
            for name, ratio, limit in zip(appendix.PASSES, pair, limits, strict=True)]
    rows += [{"short": "bce", "pass": name, "ratio": 0.5, "limit": None}
             for name in appendix.PASSES]  # no limit: not drawn
    baseline = [{"short": short, "pass": "forward + backward", "ratio": 3 * pair[1] + 1,
                 "limit": limits[1]} for short, pair in ratios.items()]
    return rows, baseline


def _beside_each_name(ax: Axes, label: str) -> dict[str, float]:
    """Bar length by the loss named beside the bar, for the bars labelled ``label``."""
    return {name: bar[2] for name, bar in bars_by_name(ax, label).items()}


def _check_cost_figure(limits: tuple[float, float]) -> None:
    rows, baseline = _rows(limits)
    fig = appendix.cost_figure(rows, baseline)
    top, bottom = fig.axes
    for name in appendix.PASSES:
        expected = {r["short"]: r["ratio"] for r in rows if r["pass"] == name and r["limit"]}
        assert _beside_each_name(top, name) == pytest.approx(expected), (
            f"the {name} bars are not the ratios of their losses")
    assert {(_xy(line)[0, 0]) for line in artists(top, linestyle="--")} == set(limits), (
        "the dashed lines of the top panel are not the limits")
    before = {r["short"]: r["ratio"] for r in baseline}
    now = {r["short"]: r["ratio"] for r in rows
           if r["pass"] == "forward + backward" and r["limit"]}
    assert _beside_each_name(bottom, "before") == pytest.approx(before), (
        "the 'before' bars are not the baseline ratios of their losses")
    assert _beside_each_name(bottom, "now") == pytest.approx(now), (
        "the 'now' bars are not the forward + backward ratios of their losses")
    assert [_xy(line)[0, 0] for line in artists(bottom, linestyle="--")] == [limits[1]], (
        "the dashed line of the bottom panel is not the forward + backward limit")


def test_appendix_cost_figure_draws_each_ratio_beside_its_loss():
    _check_cost_figure((1.5, 2.0))  # the course's limits


def test_appendix_cost_figure_draws_the_limit_it_is_given():
    _check_cost_figure((1.5, 3.0))
