r"""Loss and cost: per-sample losses, their mean, and the cost surface of a line.

Introduced in chapter "Loss and cost" (``chapters/03-loss-and-cost.md``) and its lab.
For a line :math:`f(x) = wx + b` the cost

.. math::
    J(w, b) = \frac{1}{N} \sum_{i=1}^{N} \big(y_i - (w x_i + b)\big)^2

is a quadratic bowl over the plane of its two parameters, with its lowest point at the
least-squares line (:func:`least_squares_line`). The figures draw the per-sample losses
and their mean, the bowl as contours, and a demo with a slider for each parameter.
Everything here is computed in float64 on the CPU.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from .chapter02 import _float64, _pair
from ..display import fmt
from .style import COLORS, label_axes, subplots
from .player import frame_player

__all__ = [
    "cost_contour_figure",
    "least_squares_line",
    "line_cost",
    "line_cost_surface",
    "line_fit_demo",
    "line_fit_panels",
    "loss_and_cost_figure",
    "squared_vs_absolute_figure",
]

ArrayLike = Tensor | np.ndarray | Sequence[float]


def least_squares_line(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    r"""The slope and intercept of the line with the smallest mean squared error.

    Setting both partial derivatives of :math:`J(w, b)` to zero gives

    .. math::
        w^\star = \frac{\sum_{i=1}^N (x_i - \bar x)(y_i - \bar y)}
                       {\sum_{i=1}^N (x_i - \bar x)^2},
        \qquad b^\star = \bar y - w^\star \bar x .

    Introduced in chapter "Loss and cost".

    Raises
    ------
    ValueError
        If all :math:`x_i` are equal: then no single line is best.

    Examples
    --------
    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    """
    x, y = _pair(x, y)
    dx, dy = x - x.mean(), y - y.mean()
    spread = float(np.sum(dx**2))
    if spread <= 1e-12 * max(1.0, float(np.sum(x**2))):
        raise ValueError("all x values are equal: every line through their mean y is best")
    slope = float(np.sum(dx * dy) / spread)
    return slope, float(y.mean() - slope * x.mean())


def line_cost(x: ArrayLike, y: ArrayLike, slope: float, intercept: float) -> float:
    r"""The cost :math:`J(w, b) = \frac{1}{N}\sum_{i=1}^N (y_i - (w x_i + b))^2` of one line.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> line_cost([0.0, 1.0], [1.0, 1.0], slope=0.0, intercept=0.0)
    1.0
    """
    x, y = _pair(x, y)
    residual = y - (slope * x + intercept)
    return float(np.mean(residual**2))


def line_cost_surface(x: ArrayLike, y: ArrayLike, slopes: ArrayLike,
                      intercepts: ArrayLike) -> np.ndarray:
    """The cost :math:`J(w, b)` on a grid: entry ``[j, k]`` is ``J(slopes[k], intercepts[j])``.

    Rows run over intercepts and columns over slopes, the layout
    :func:`matplotlib.pyplot.contour` expects with slopes on the horizontal axis.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> line_cost_surface([0.0, 1.0], [1.0, 1.0], slopes=[0.0, 1.0], intercepts=[0.0, 1.0])
    array([[1. , 0.5],
           [0. , 0.5]])
    """
    x, y = _pair(x, y)
    slopes, intercepts = _float64("slopes", slopes), _float64("intercepts", intercepts)
    predictions = (slopes[None, :, None] * x[None, None, :]
                   + intercepts[:, None, None])  # (intercepts, slopes, samples)
    return np.mean((y - predictions) ** 2, axis=-1)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

def _draw_residuals(ax: Axes, x: np.ndarray, y: np.ndarray, prediction: np.ndarray) -> None:
    for k, (xi, yi, pi) in enumerate(zip(x, y, prediction, strict=True)):
        ax.plot([xi, xi], [yi, pi], color=COLORS["test"], linewidth=1.4,
                label="residual $r_i = y_i - \\hat y_i$" if k == 0 else None)


def loss_and_cost_figure(x: ArrayLike, y: ArrayLike, slope: float, intercept: float) -> Figure:
    r"""The losses of one line, sample by sample, and the cost, their mean.

    Left: the data, the line :math:`\hat y = wx + b` and each residual. Right: the
    per-sample losses :math:`\ell_i = (y_i - \hat y_i)^2` as bars, with the cost
    :math:`J`, their mean, as a dashed line.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> fig = loss_and_cost_figure([0.0, 1.0], [1.0, 3.0], slope=1.0, intercept=1.0)
    >>> fmt([bar.get_height() for bar in fig.axes[1].patches])
    '[0.0000, 1.0000]'
    """
    x, y = _pair(x, y)
    prediction = slope * x + intercept
    losses = (y - prediction) ** 2
    fig, (left, right) = subplots(1, 2, width=4.6, height=3.4)
    grid = np.linspace(x.min(), x.max(), 2)
    left.plot(grid, slope * grid + intercept, color=COLORS["model"],
              label=f"$\\hat y = {fmt(slope, 2)}x + {fmt(intercept, 2)}$")
    _draw_residuals(left, x, y, prediction)
    left.scatter(x, y, s=26, color=COLORS["data"], zorder=3, label="samples $(x_i, y_i)$")
    label_axes(left, title="One line, one residual per sample", xlabel="$x$", ylabel="$y$")
    index = np.arange(1, x.size + 1)
    right.bar(index, losses, color=COLORS["test"], alpha=0.75,
              label="loss $\\ell_i = r_i^2$")
    right.axhline(losses.mean(), color=COLORS["highlight"], linestyle="--",
                  label=f"cost $J$ = mean = {fmt(losses.mean())}")
    right.set_xticks(index)
    label_axes(right, title="Loss per sample, cost over the set", xlabel="sample $i$",
               ylabel="squared error")
    plt.close(fig)
    return fig


def squared_vs_absolute_figure(limit: float = 2.0) -> Figure:
    r"""The squared and the absolute residual, and their derivatives, for :math:`r` in ``±limit``.

    :math:`r^2` has the derivative :math:`2r`, which shrinks as the residual does;
    :math:`|r|` has the derivative :math:`\pm 1`, which jumps at 0, where it is not
    defined.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> fig = squared_vs_absolute_figure()
    >>> [ax.get_title() for ax in fig.axes]
    ['Two ways to ignore the sign', 'Their derivatives']
    """
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    r = np.linspace(-limit, limit, 401)
    fig, (values, slopes) = subplots(1, 2, width=4.2, height=3.2)
    values.plot(r, r**2, color=COLORS["squared"], label="$r^2$")
    values.plot(r, np.abs(r), color=COLORS["mae"], label="$|r|$")
    label_axes(values, title="Two ways to ignore the sign", xlabel="residual $r$",
               ylabel="penalty")
    slopes.plot(r, 2 * r, color=COLORS["squared"], label="$d(r^2)/dr = 2r$")
    negative, positive = r[r < 0], r[r > 0]
    slopes.plot(negative, -np.ones_like(negative), color=COLORS["mae"],
                label="$d|r|/dr = \\mathrm{sign}(r)$")
    slopes.plot(positive, np.ones_like(positive), color=COLORS["mae"])
    slopes.plot([0, 0], [-1, 1], "o", color=COLORS["mae"], fillstyle="none",
                label="not defined at $r = 0$")
    label_axes(slopes, title="Their derivatives", xlabel="residual $r$", ylabel="slope")
    plt.close(fig)
    return fig


def _ranges(x: np.ndarray, y: np.ndarray, slope_range: tuple[float, float] | None,
            intercept_range: tuple[float, float] | None
            ) -> tuple[tuple[float, float], tuple[float, float]]:
    best_slope, best_intercept = least_squares_line(x, y)
    slope_range = slope_range or (best_slope - 3.0, best_slope + 3.0)
    intercept_range = intercept_range or (best_intercept - 3.0, best_intercept + 3.0)
    for name, (low, high) in (("slope_range", slope_range),
                              ("intercept_range", intercept_range)):
        if not low < high:
            raise ValueError(f"{name} must be (low, high) with low < high, got {(low, high)}")
    return slope_range, intercept_range


def _draw_contours(ax: Axes, x: np.ndarray, y: np.ndarray, slope_range: tuple[float, float],
                   intercept_range: tuple[float, float]) -> None:
    slopes = np.linspace(*slope_range, 121)
    intercepts = np.linspace(*intercept_range, 121)
    surface = line_cost_surface(x, y, slopes, intercepts)
    best_slope, best_intercept = least_squares_line(x, y)
    lowest = line_cost(x, y, best_slope, best_intercept)
    # Levels closer together near the bottom of the bowl, where the eye looks.
    levels = lowest + (surface.max() - lowest) * np.linspace(0.0, 1.0, 14)[1:] ** 2
    contours = ax.contour(slopes, intercepts, surface, levels=levels, cmap="viridis",
                          linewidths=1.2)
    ax.clabel(contours, contours.levels[::3], fmt=lambda v: f"{v:.1f}", fontsize=7)
    ax.plot([best_slope], [best_intercept], "*", markersize=15, color=COLORS["highlight"],
            zorder=4)


def cost_contour_figure(
    x: ArrayLike, y: ArrayLike, *, slope_range: tuple[float, float] | None = None,
    intercept_range: tuple[float, float] | None = None,
    points: Sequence[tuple[float, float]] = (), ax: Axes | None = None,
) -> Figure:
    r"""Contours of the cost :math:`J(w, b)` of a line, its minimum marked with a star.

    The ranges default to 3 either side of the least-squares slope and intercept.
    ``points``, a sequence of ``(slope, intercept)``, are marked and lettered A, B, ...

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> fig = cost_contour_figure([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], points=[(0.0, 0.0)])
    >>> fig.axes[0].get_xlabel()
    'slope $w$'
    """
    x, y = _pair(x, y)
    slope_range, intercept_range = _ranges(x, y, slope_range, intercept_range)
    if ax is None:
        fig, ax = subplots(width=5.2, height=4.2)
    else:
        fig = ax.figure
    _draw_contours(ax, x, y, slope_range, intercept_range)
    for letter, (slope, intercept) in zip("ABCDEFGH", points, strict=False):
        ax.plot([slope], [intercept], "o", color=COLORS["test"], markersize=7)
        ax.annotate(letter, (slope, intercept), textcoords="offset points", xytext=(6, 5),
                    fontsize=10, color=COLORS["test"], fontweight="bold")
    best_slope, best_intercept = least_squares_line(x, y)
    label_axes(ax, title="The cost $J(w, b)$ of a line: a bowl\n"
               f"\u2605 minimum at $w^\\star$ = {fmt(best_slope, 2)}, "
               f"$b^\\star$ = {fmt(best_intercept, 2)}", xlabel="slope $w$",
               ylabel="intercept $b$", legend=False)
    plt.close(fig)
    return fig


def _draw_line_fit(ax: Axes, x: np.ndarray, y: np.ndarray, slope: float, intercept: float,
                   title_prefix: str = "") -> None:
    prediction = slope * x + intercept
    pad = 0.1 * (x.max() - x.min())
    grid = np.array([x.min() - pad, x.max() + pad])
    ax.plot(grid, slope * grid + intercept, color=COLORS["model"], label="line $wx + b$")
    _draw_residuals(ax, x, y, prediction)
    ax.scatter(x, y, s=26, color=COLORS["data"], zorder=3, label="samples")
    spread = y.max() - y.min()
    ax.set_ylim(y.min() - 0.6 * spread, y.max() + 0.6 * spread)
    cost = line_cost(x, y, slope, intercept)
    label_axes(ax, title=f"{title_prefix}$w$ = {fmt(slope, 2)}, $b$ = {fmt(intercept, 2)}: "
               f"$J$ = {fmt(cost)}", xlabel="$x$", ylabel="$y$", legend=False)


def line_fit_panels(
    x: ArrayLike, y: ArrayLike, settings: Sequence[tuple[float, float]], *,
    slope_range: tuple[float, float] | None = None,
    intercept_range: tuple[float, float] | None = None,
) -> Figure:
    """Small multiples: the line and residuals of each ``(slope, intercept)``, then the bowl.

    The static companion of :func:`line_fit_demo`: one panel per setting, lettered A,
    B, ..., and a last panel with the cost contours and the settings marked.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> fig = line_fit_panels([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [(0.0, 3.0), (2.0, 1.0)])
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['A: $w$ = 0.00, $b$ = 3.00: $J$ = 2.6667', 'B: $w$ = 2.00, $b$ = 1.00: $J$ = 0.0000']
    """
    if not settings:
        raise ValueError("settings must hold at least one (slope, intercept)")
    if len(settings) > 8:
        raise ValueError(f"at most 8 settings can be lettered, got {len(settings)}")
    x, y = _pair(x, y)
    fig, axes = subplots(1, len(settings) + 1, width=3.6, height=3.2)
    for ax, letter, (slope, intercept) in zip(axes, "ABCDEFGH", settings, strict=False):
        _draw_line_fit(ax, x, y, slope, intercept, title_prefix=f"{letter}: ")
    axes[0].legend(loc="upper left", fontsize=8)
    cost_contour_figure(x, y, slope_range=slope_range, intercept_range=intercept_range,
                        points=settings, ax=axes[-1])
    plt.close(fig)
    return fig


def line_fit_demo(
    x: ArrayLike, y: ArrayLike, *, slope_range: tuple[float, float] | None = None,
    intercept_range: tuple[float, float] | None = None,
) -> widgets.VBox:
    """Sliders for the slope and the intercept: the line, its residuals, its cost and its
    place on the bowl.

    The sliders start at a flat line through the mean of ``y``; the ranges default to
    3 either side of the least-squares values. The static companion is
    :func:`line_fit_panels`.

    Introduced in chapter "Loss and cost".

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # no kernel here to show the figure
    ...     demo = line_fit_demo([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> [control.description for control in demo.children[:2]]
    ['slope w', 'intercept b']
    """
    x, y = _pair(x, y)
    slope_range, intercept_range = _ranges(x, y, slope_range, intercept_range)
    start_intercept = float(np.clip(y.mean(), *intercept_range))
    slope_slider = widgets.FloatSlider(value=float(np.clip(0.0, *slope_range)),
                                       min=slope_range[0], max=slope_range[1], step=0.05,
                                       description="slope w", continuous_update=False,
                                       readout_format=".2f")
    intercept_slider = widgets.FloatSlider(value=start_intercept, min=intercept_range[0],
                                           max=intercept_range[1], step=0.05,
                                           description="intercept b", continuous_update=False,
                                           readout_format=".2f")

    def draw(slope: float, intercept: float) -> Figure:
        fig, (left, right) = subplots(1, 2, width=4.6, height=3.6)
        _draw_line_fit(left, x, y, slope, intercept)
        cost_contour_figure(x, y, slope_range=slope_range, intercept_range=intercept_range,
                            ax=right)
        right.plot([slope], [intercept], "o", color=COLORS["test"], markersize=9, zorder=5)
        right.annotate("your line", (slope, intercept), textcoords="offset points",
                       xytext=(7, 5), fontsize=9, color=COLORS["test"], fontweight="bold")
        plt.close(fig)
        return fig

    return interactive_figure(draw, slope=slope_slider, intercept=intercept_slider)
