r"""Chapter 3, loss and cost: per-sample losses, their mean, and the cost bowl of a line.

The figures and the demo of chapter "Loss and cost" (``chapters/03-loss-and-cost.md``)
and its lab. For a line :math:`\hat y = wx + b` the cost

.. math::
    J(w, b) = \frac{1}{N} \sum_{i=1}^{N} \big(y_i - (w x_i + b)\big)^2

is a quadratic bowl over the plane of its two parameters. The lab computes the
losses, the cost, the least-squares line and the cost on a grid of :math:`(w, b)`
itself; the functions here only draw what they are given:

=================================  ===================================================
:func:`loss_and_cost_figure`       one line: its residuals, the loss of each sample and
                                   the cost, their mean
:func:`squared_vs_absolute_figure` :math:`r^2` and :math:`|r|` and their derivatives
:func:`cost_contour_figure`        the cost grid as contours, its minimum and named lines
:func:`line_on_bowl_figure`        one line beside its place on the bowl
:func:`line_fit_demo`              that figure for a grid of slopes and intercepts,
                                   with a slider for each; live, the lab's cost
=================================  ===================================================

Everything is drawn in float64 on the CPU, whatever device the data are on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from ..display import fmt
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "cost_contour_figure",
    "line_fit_demo",
    "line_on_bowl_figure",
    "loss_and_cost_figure",
    "squared_vs_absolute_figure",
]

ArrayLike = Tensor | np.ndarray | Sequence[float]
#: A line as ``(slope, intercept)``.
Line = tuple[float, float]


# --------------------------------------------------------------------------------------
# Input checks (private)
# --------------------------------------------------------------------------------------

def _float64(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a 1-D float64 array on the CPU; a column ``(N, 1)`` is flattened."""
    if isinstance(values, Tensor):
        array = values.detach().to("cpu", torch.float64).numpy()
    else:
        array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:  # a column (N, 1), as nn.Linear takes
        array = array[:, 0]
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must have shape (N,) or (N, 1) with N >= 1, "
                         f"got {array.shape}")
    return array


def _pair(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x, y = _float64("x", x), _float64("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    return x, y


def _line(name: str, line: object) -> Line:
    """Check that ``line`` is a ``(slope, intercept)`` pair of finite numbers."""
    try:
        slope, intercept = (float(value) for value in line)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a (slope, intercept) pair of numbers, "
                        f"got {line!r}") from None
    if not (np.isfinite(slope) and np.isfinite(intercept)):
        raise ValueError(f"{name} must be finite, got ({slope}, {intercept})")
    return slope, intercept


def _surface(slopes: ArrayLike, intercepts: ArrayLike,
             costs: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a cost grid: ``costs[j, k]`` is the cost of ``(slopes[k], intercepts[j])``."""
    slopes = _float64("slopes", slopes)
    intercepts = _float64("intercepts", intercepts)
    if isinstance(costs, Tensor):
        costs = costs.detach().to("cpu", torch.float64).numpy()
    costs = np.asarray(costs, dtype=np.float64)
    if costs.shape != (intercepts.size, slopes.size):
        raise ValueError(
            "costs must have shape (len(intercepts), len(slopes)) = "
            f"{(intercepts.size, slopes.size)}, rows for intercepts and columns for "
            f"slopes, got {costs.shape}"
        )
    if slopes.size < 2 or intercepts.size < 2:
        raise ValueError("a cost grid needs at least 2 slopes and 2 intercepts")
    for name, values in (("slopes", slopes), ("intercepts", intercepts)):
        if not np.all(np.diff(values) > 0):
            raise ValueError(f"{name} must increase along the grid")
    if not np.all(np.isfinite(costs)) or costs.min() < 0:
        raise ValueError("costs must be finite and non-negative (they are mean squares)")
    return slopes, intercepts, costs


def _least_squares_line(x: ArrayLike, y: ArrayLike) -> Line:
    r"""The slope and intercept that minimise the mean squared error of a line.

    The closed form of chapter 3 (the lab writes it out and checks it against
    ``torch.linalg.lstsq``):
    :math:`w^\star = \sum_i (x_i - \bar x)(y_i - \bar y) / \sum_i (x_i - \bar x)^2`,
    :math:`b^\star = \bar y - w^\star \bar x`. Private: the figures of other chapters use
    it to place the best line.

    Examples
    --------
    >>> _least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    """
    x, y = _pair(x, y)
    dx, dy = x - x.mean(), y - y.mean()
    spread = float(np.sum(dx**2))
    if spread <= 1e-12 * max(1.0, float(np.sum(x**2))):
        raise ValueError("all x values are equal: every line through their mean y is best")
    slope = float(np.sum(dx * dy) / spread)
    return slope, float(y.mean() - slope * x.mean())


def _mean_squared_residual(x: np.ndarray, y: np.ndarray, slope: float,
                           intercept: float) -> float:
    """The cost of one line, for a figure's title."""
    return float(np.mean((y - (slope * x + intercept)) ** 2))


# --------------------------------------------------------------------------------------
# One line: residuals, losses, cost
# --------------------------------------------------------------------------------------

def _draw_residuals(ax: Axes, x: np.ndarray, y: np.ndarray, prediction: np.ndarray) -> None:
    for k, (xi, yi, pi) in enumerate(zip(x, y, prediction, strict=True)):
        ax.plot([xi, xi], [yi, pi], color=COLORS["test"], linewidth=1.4,
                label="residual $r_i = y_i - \\hat y_i$" if k == 0 else None)


def _signed(value: float) -> str:
    return f"- {fmt(-value, 2)}" if value < 0 else f"+ {fmt(value, 2)}"


def loss_and_cost_figure(x: ArrayLike, y: ArrayLike, slope: float, intercept: float) -> Figure:
    r"""The losses of one line, sample by sample, and the cost, their mean.

    Left: the data, the line :math:`\hat y = wx + b` and each residual. Right: the
    per-sample losses :math:`\ell_i = (y_i - \hat y_i)^2` as bars, with the cost
    :math:`J`, their mean, as a dashed line.

    Examples
    --------
    >>> fig = loss_and_cost_figure([0.0, 1.0], [1.0, 3.0], slope=1.0, intercept=1.0)
    >>> fmt([bar.get_height() for bar in fig.axes[1].patches])
    '[0.0000, 1.0000]'
    """
    x, y = _pair(x, y)
    slope, intercept = _line("(slope, intercept)", (slope, intercept))
    prediction = slope * x + intercept
    losses = (y - prediction) ** 2
    fig, (left, right) = subplots(1, 2, height=3.6)
    pad = 0.05 * (x.max() - x.min() or 1.0)
    grid = np.array([x.min() - pad, x.max() + pad])
    left.plot(grid, slope * grid + intercept, color=COLORS["model"],
              label=f"$\\hat y = {fmt(slope, 2)}x {_signed(intercept)}$")
    _draw_residuals(left, x, y, prediction)
    left.scatter(x, y, s=26, color=COLORS["data"], zorder=3, label="samples $(x_i, y_i)$")
    low, high = min(y.min(), prediction.min()), max(y.max(), prediction.max())
    left.set_ylim(low - 0.15 * (high - low), high + 0.65 * (high - low))
    left.legend(loc="upper left")
    label_axes(left, title="One residual per sample", xlabel="$x$", ylabel="$y$",
               legend=False)
    index = np.arange(1, x.size + 1)
    right.bar(index, losses, color=COLORS["test"], alpha=0.75,
              label="loss $\\ell_i = r_i^2$")
    right.axhline(losses.mean(), color=COLORS["highlight"], linestyle="--",
                  label=f"cost $J$ = mean = {fmt(losses.mean())}")
    right.set_xticks(index)
    right.set_ylim(0, 1.45 * losses.max() if losses.max() > 0 else 1.0)
    right.legend(loc="upper left")
    label_axes(right, title="Loss per sample, cost of the set", xlabel="sample $i$",
               ylabel="squared error", legend=False)
    plt.close(fig)
    return fig


def squared_vs_absolute_figure(limit: float = 2.0) -> Figure:
    r"""The squared and the absolute residual, and their derivatives, for :math:`r` in ``±limit``.

    :math:`r^2` has the derivative :math:`2r`, which shrinks as the residual does;
    :math:`|r|` has the derivative :math:`\pm 1`, which jumps at 0, where it is not
    defined.

    Examples
    --------
    >>> fig = squared_vs_absolute_figure()
    >>> [ax.get_title() for ax in fig.axes]
    ['Two ways to drop the sign', 'Their derivatives']
    """
    if not (isinstance(limit, int | float) and np.isfinite(limit)):
        raise TypeError(f"limit must be a finite number, got {limit!r}")
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    r = np.linspace(-limit, limit, 401)
    fig, (values, slopes) = subplots(1, 2, height=3.4)
    values.plot(r, r**2, color=COLORS["squared"], label="$r^2$")
    values.plot(r, np.abs(r), color=COLORS["mae"], label="$|r|$")
    values.set_ylim(-0.05 * limit**2, 1.35 * limit**2)
    values.legend(loc="upper center")
    label_axes(values, title="Two ways to drop the sign", xlabel="residual $r$",
               ylabel="penalty", legend=False)
    slopes.plot(r, 2 * r, color=COLORS["squared"], label="$d(r^2)/dr = 2r$")
    negative, positive = r[r < 0], r[r > 0]
    slopes.plot(negative, -np.ones_like(negative), color=COLORS["mae"],
                label="$d|r|/dr = \\mathrm{sign}(r)$")
    slopes.plot(positive, np.ones_like(positive), color=COLORS["mae"])
    slopes.plot([0, 0], [-1, 1], "o", color=COLORS["mae"], fillstyle="none",
                label="not defined at $r = 0$")
    slopes.set_ylim(-2.2 * limit, 3.6 * limit)
    slopes.legend(loc="upper left")
    label_axes(slopes, title="Their derivatives", xlabel="residual $r$", ylabel="slope",
               legend=False)
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------------------
# The cost bowl
# --------------------------------------------------------------------------------------

def _levels(costs: np.ndarray) -> np.ndarray:
    """Round contour levels, 1, 2, 5 times a power of ten, between the lowest and highest cost.

    Examples
    --------
    >>> _levels(np.array([0.07, 37.0]))
    array([ 0.1,  0.2,  0.5,  1. ,  2. ,  5. , 10. , 20. ])
    """
    low, high = float(costs.min()), float(costs.max())
    if high <= low:
        raise ValueError("costs must not all be equal: a flat grid has no contours")
    top = int(np.ceil(np.log10(high)))
    bottom = max(int(np.floor(np.log10(low))) if low > 0 else top - 4, top - 4)
    decades = range(bottom, top + 1)  # at most five decades, 15 levels
    levels = np.array([m * 10.0**k for k in decades for m in (1, 2, 5)])
    return levels[(levels > low) & (levels < high)]


def _draw_bowl(ax: Axes, slopes: np.ndarray, intercepts: np.ndarray, costs: np.ndarray,
               best: Line, *, antialiased: bool = True) -> None:
    levels = _levels(costs)
    # viridis without its pale yellow end, which would vanish on white.
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.8, levels.size))
    contours = ax.contour(slopes, intercepts, costs, levels=levels, colors=colors,
                          linewidths=1.2, antialiased=antialiased)
    ax.clabel(contours, fmt=lambda v: f"{v:g}", fontsize=8)
    ax.plot([best[0]], [best[1]], "*", markersize=16, color=COLORS["highlight"],
            markeredgecolor="black", markeredgewidth=0.6, zorder=4)
    ax.set_xlim(slopes[0], slopes[-1])
    ax.set_ylim(intercepts[0], intercepts[-1])


def _best_title(best: Line) -> str:
    # mathtext's \star is a dot at title size; \bigstar is the star the marker shows.
    return (f"$\\bigstar$ minimum: $w^{{\\bigstar}}$ = {fmt(best[0], 2)}, "
            f"$b^{{\\bigstar}}$ = {fmt(best[1], 2)}")


def cost_contour_figure(
    slopes: ArrayLike, intercepts: ArrayLike, costs: ArrayLike, *, best: Line,
    points: Mapping[str, Line] | None = None,
) -> Figure:
    r"""Contours of the cost :math:`J(w, b)` computed on a grid, its minimum a star.

    Parameters
    ----------
    slopes, intercepts : array-like, shape (W,) and (B,)
        The grid's slopes :math:`w` (horizontal axis) and intercepts :math:`b`, increasing.
    costs : array-like, shape (B, W)
        ``costs[j, k]`` is :math:`J(` ``slopes[k], intercepts[j]`` :math:`)`: rows run over
        intercepts, the layout :func:`matplotlib.pyplot.contour` expects.
    best : (slope, intercept)
        The least-squares line, marked with a star and given in the title.
    points : dict of str to (slope, intercept), optional
        Other lines to mark, each with its name (``{"A": (1.5, 1.0)}``).

    Examples
    --------
    >>> w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    >>> x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    >>> costs = ((y - (w[None, :, None] * x + b[:, None, None])) ** 2).mean(axis=-1)
    >>> fig = cost_contour_figure(w, b, costs, best=(2.0, 1.0), points={"A": (1.5, 1.0)})
    >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].texts][-1]
    ('slope $w$', 'A')
    """
    slopes, intercepts, costs = _surface(slopes, intercepts, costs)
    best = _line("best", best)
    fig, ax = subplots(height=4.6)
    _draw_bowl(ax, slopes, intercepts, costs, best)
    for name, point in (points or {}).items():
        slope, intercept = _line(f"points[{name!r}]", point)
        ax.plot([slope], [intercept], "o", color=COLORS["test"], markersize=7, zorder=4)
        ax.annotate(name, (slope, intercept), textcoords="offset points", xytext=(7, 5),
                    fontsize=11, color=COLORS["test"], fontweight="bold")
    label_axes(ax, title="The cost $J(w, b)$ of a line: a bowl\n" + _best_title(best),
               xlabel="slope $w$", ylabel="intercept $b$", legend=False)
    plt.close(fig)
    return fig


class _LineOnBowl:
    """The figure of :func:`line_on_bowl_figure`, drawn once and moved from line to line.

    The bowl's contours, the samples and the axes are drawn once; :meth:`show` moves the
    line, its residuals, its point on the bowl and the title to another ``(w, b)``. So a
    demo's frames cost one redraw each, not a new figure with its contours.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, slopes: np.ndarray,
                 intercepts: np.ndarray, costs: np.ndarray, best: Line) -> None:
        self.x, self.y = x, y
        self.figure, (self.left, right) = subplots(1, 2, height=3.4)
        pad = 0.1 * (x.max() - x.min() or 1.0)
        self.ends = np.array([x.min() - pad, x.max() + pad])
        (self.line,) = self.left.plot(self.ends, [0.0, 0.0], color=COLORS["model"])
        self.residuals = [
            self.left.plot([xi, xi], [yi, yi], color=COLORS["test"], linewidth=1.4)[0]
            for xi, yi in zip(x, y, strict=True)
        ]
        self.left.scatter(x, y, s=26, color=COLORS["data"], zorder=3)
        spread = (y.max() - y.min()) or 1.0
        self.left.set_xlim(*self.ends)
        self.left.set_ylim(y.min() - 0.6 * spread, y.max() + 0.9 * spread)
        label_axes(self.left, title="", xlabel="$x$", ylabel="$y$", legend=False)
        # Unsmoothed contours: a third of the bytes per frame, and the demo has many.
        _draw_bowl(right, slopes, intercepts, costs, best, antialiased=False)
        (self.point,) = right.plot([best[0]], [best[1]], "o", color=COLORS["test"],
                                   markersize=9, markeredgecolor="white", zorder=5)
        label_axes(right, title="Red dot: this line. $\\bigstar$: the best",
                   xlabel="slope $w$", ylabel="intercept $b$", legend=False)
        # Lay the figure out once, with a title of the usual length, and keep that layout:
        # the frames of a demo then line up exactly, and each costs only a redraw.
        self.show(*best)
        self.figure.draw_without_rendering()  # the figure is closed: lay it out anyway
        self.figure.set_layout_engine("none")
        plt.close(self.figure)

    def show(self, slope: float, intercept: float, cost: float | None = None) -> Figure:
        """Move the figure to the line ``(slope, intercept)``; ``cost`` is its cost for the
        title (default: the mean squared residual, computed here)."""
        prediction = slope * self.x + intercept
        self.line.set_ydata(slope * self.ends + intercept)
        for residual, yi, pi in zip(self.residuals, self.y, prediction, strict=True):
            residual.set_ydata([yi, pi])
        self.point.set_data([slope], [intercept])
        if cost is None:
            cost = _mean_squared_residual(self.x, self.y, slope, intercept)
        # Plain text, not mathtext: parsing a new formula for every frame would double
        # the time a demo takes to draw.
        self.left.set_title(f"w = {fmt(slope, 2)}, b = {fmt(intercept, 2)}: J = {fmt(cost)}")
        return self.figure


def line_on_bowl_figure(
    x: ArrayLike, y: ArrayLike, slope: float, intercept: float, *, slopes: ArrayLike,
    intercepts: ArrayLike, costs: ArrayLike, best: Line,
) -> Figure:
    r"""One line beside its place on the cost bowl: the frame of :func:`line_fit_demo`.

    Left: the samples, the line :math:`\hat y = wx + b`, its residuals, and in the title
    its :math:`w`, :math:`b` and cost :math:`J`. Right: the cost grid ``costs`` over
    ``slopes`` and ``intercepts`` (as in :func:`cost_contour_figure`), the best line
    ``best`` as a star and this line as a red dot.

    Examples
    --------
    >>> w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    >>> x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    >>> costs = ((y - (w[None, :, None] * x + b[:, None, None])) ** 2).mean(axis=-1)
    >>> fig = line_on_bowl_figure(x, y, 1.5, 1.0, slopes=w, intercepts=b, costs=costs,
    ...                           best=(2.0, 1.0))
    >>> fig.axes[0].get_title()
    'w = 1.50, b = 1.00: J = 0.4167'
    """
    x, y = _pair(x, y)
    slopes, intercepts, costs = _surface(slopes, intercepts, costs)
    slope, intercept = _line("(slope, intercept)", (slope, intercept))
    return _LineOnBowl(x, y, slopes, intercepts, costs, _line("best", best)).show(
        slope, intercept)


def line_fit_demo(
    x: ArrayLike, y: ArrayLike, *, cost: Callable[[Tensor, Tensor], object],
    slopes: ArrayLike, intercepts: ArrayLike, costs: ArrayLike, best: Line,
    demo_slopes: Sequence[float], demo_intercepts: Sequence[float], start: Line | None = None,
    step: float = 0.01,
) -> LiveDemo:
    """A slider for the slope and one for the intercept: the line and its place on the bowl.

    Draws :func:`line_on_bowl_figure` for every pair of ``demo_slopes`` and
    ``demo_intercepts`` (at most ``player.MAX_FRAMES`` pairs) on the cost grid ``costs``
    over ``slopes`` and ``intercepts``, which must contain them. ``start`` is the line
    shown first (default: the middle values); it must be one of the pairs.

    ``cost`` is the lab's cost: ``cost(y_hat, y)`` of the predictions ``y_hat = w x + b``
    of a line and the targets, as the tensors ``x`` and ``y`` were given (on their
    device). It gives the :math:`J` of each picture's title. In a kernel the sliders
    take any slope and intercept of the grid, in steps of ``step``.

    Examples
    --------
    >>> w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    >>> x, y = torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 3.0, 5.0])
    >>> costs = ((y.numpy() - (w[None, :, None] * x.numpy() + b[:, None, None])) ** 2
    ...          ).mean(axis=-1)
    >>> def mse_cost(y_hat, y):
    ...     return ((y - y_hat) ** 2).mean()
    >>> demo = line_fit_demo(x, y, cost=mse_cost, slopes=w, intercepts=b, costs=costs,
    ...                      best=(2.0, 1.0), demo_slopes=[1.0, 2.0],
    ...                      demo_intercepts=[0.0, 1.0])
    >>> demo.player
    <demo: 4 frames; sliders: slope w (2 values, 1 to 2), intercept b (2 values, 0 to 1)>
    >>> demo.set(slope=1.25)
    >>> demo.figure.axes[0].get_title()
    'w = 1.25, b = 1.00: J = 0.9375'
    """
    x_tensor, y_tensor = (torch.as_tensor(v) for v in (x, y))
    x, y = _pair(x, y)
    slopes, intercepts, costs = _surface(slopes, intercepts, costs)
    best = _line("best", best)
    values = {}
    for name, chosen, grid in (("demo_slopes", demo_slopes, slopes),
                               ("demo_intercepts", demo_intercepts, intercepts)):
        chosen = tuple(float(v) for v in _float64(name, chosen))
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"{name} has a value twice: {chosen}")
        outside = [v for v in chosen if not grid[0] <= v <= grid[-1]]
        if outside:
            raise ValueError(f"{name} {outside} lie outside the cost grid "
                             f"[{grid[0]:g}, {grid[-1]:g}]: the dot would leave the map")
        values[name] = chosen
    first = None
    if start is not None:
        first = dict(zip(("slope", "intercept"), _line("start", start), strict=True))
    frame = _LineOnBowl(x, y, slopes, intercepts, costs, best)

    def draw(slope: float, intercept: float) -> Figure:
        value = cost(slope * x_tensor + intercept, y_tensor)  # the lab's cost
        return frame.show(slope, intercept, float(value))

    return live_demo(
        draw, description="A line with its residuals and cost, and its point on the "
        "contours of the cost bowl", labels={"slope": "slope w", "intercept": "intercept b"},
        ranges={"slope": Range(float(slopes[0]), float(slopes[-1]), step),
                "intercept": Range(float(intercepts[0]), float(intercepts[-1]), step)},
        frames={"slope": values["demo_slopes"], "intercept": values["demo_intercepts"]},
        start=first,
    )
