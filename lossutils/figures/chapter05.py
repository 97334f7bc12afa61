"""Chapter 5, MSE and MAE: the chapter's figures and the lab's outlier demo.

The chapter compares the two regression losses by what they optimise (the best constant
under MSE is the mean, under MAE the median), by how they treat an outlier (a squared
loss is pulled ever harder as a point moves away, an absolute loss always with the same
force) and by their derivatives against the residual :math:`r = y - \\hat y`; Huber's
loss sits between them. The lab writes the costs, the gradient-descent fit and the exact
MAE line itself; the figure functions here take what it computed and draw it.

The outlier demo and the chapter's figures need the best line under each loss many
times over (for every height of a moved point), so this module keeps exact solvers of
its own, private: least squares in closed form, the best line through two points for
the MAE, and iteratively reweighted least squares for Huber's loss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from ..regression import huber_loss, squared_loss
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "LOSS_NAMES",
    "constant_costs_figure",
    "descent_figure",
    "line_fits_figure",
    "losses_vs_residual_figure",
    "outlier_demo",
    "outlier_figure",
]

#: The chapter's three regression losses: the keys the figures accept, and their names.
LOSS_NAMES = {"mse": "MSE (L2)", "mae": "MAE (L1)", "huber": "Huber"}

#: Heights of the moved point along the slope curves of :func:`outlier_figure`.
CURVE_HEIGHTS = tuple(float(h) for h in range(-10, 26))
#: The demo's sliders: where the moved point sits, and Huber's delta.
DEMO_HEIGHTS = (-10.0, -3.0, 4.0, 11.0, 18.0, 25.0)
DEMO_DELTAS = (0.5, 1.0, 5.0)


# --------------------------------------------------------------------- input checks


def _vector(name: str, values: object) -> np.ndarray:
    """``values`` (a tensor on any device, an array or a list) as a 1-D float64 array."""
    if isinstance(values, Tensor):
        values = values.detach().to("cpu", torch.float64).numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numbers, got {type(values).__name__}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite numbers")
    return array


def _points(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    x, y = _vector("x", x), _vector("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (N,), got {x.shape} and {y.shape}")
    if len(x) < 2:
        raise ValueError(f"a line needs at least 2 points, got {len(x)}")
    if np.all(x == x[0]):
        raise ValueError("all x are equal: no line is determined")
    return x, y


def _delta(delta: float) -> float:
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        raise TypeError(f"delta must be a number, got {type(delta).__name__}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    return float(delta)


def _lines(lines: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    unknown = sorted(set(lines) - set(LOSS_NAMES))
    if unknown or not lines:
        raise ValueError(f"lines must be keyed by {sorted(LOSS_NAMES)}, got {sorted(lines)}")
    return {name: (float(lines[name][0]), float(lines[name][1]))
            for name in LOSS_NAMES if name in lines}


# ------------------------------------------------------- exact solvers (private)


def _least_squares_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The MSE line in closed form: slope cov(x, y) / var(x), through the means."""
    dx = x - x.mean()
    slope = float(dx @ (y - y.mean()) / (dx @ dx))
    return slope, float(y.mean() - slope * x.mean())


def _least_absolute_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The MAE line, exactly: the best of the lines through two of the points.

    The MAE of a line is convex and piecewise linear in (slope, intercept), so its
    minimum sits at a corner, where two residuals are zero.
    """
    i, j = np.triu_indices(len(x), k=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    slopes = (y[j] - y[i]) / (x[j] - x[i])
    intercepts = y[i] - slopes * x[i]
    costs = np.abs(y[None, :] - slopes[:, None] * x[None, :] - intercepts[:, None]).mean(1)
    best = int(np.argmin(costs))
    return float(slopes[best]), float(intercepts[best])


def _huber_line(x: np.ndarray, y: np.ndarray, delta: float) -> tuple[float, float]:
    """The Huber line by iteratively reweighted least squares.

    Each round weights sample i by min(1, delta / |r_i|) and solves the weighted least
    squares in closed form; the rounds converge to the Huber optimum (stopping when the
    line moves by less than 1e-12, or after 200 rounds).
    """
    design = np.column_stack([x, np.ones_like(x)])
    weights = np.ones_like(x)
    solution = np.zeros(2)
    for _ in range(200):
        weighted = design * weights[:, None]
        new = np.linalg.solve(weighted.T @ design, weighted.T @ y)
        converged = np.abs(new - solution).max() < 1e-12
        solution = new
        if converged:
            break
        residual = y - design @ solution
        weights = np.minimum(1.0, delta / np.maximum(np.abs(residual), 1e-12))
    return float(solution[0]), float(solution[1])


def _best_lines(x: object, y: object, delta: float = 1.0) -> dict[str, tuple[float, float]]:
    """The exact best line ``(slope, intercept)`` under each of MSE, MAE and Huber.

    Private: the chapter's hidden cells and the demo use it; the lab fits the lines by
    gradient descent and checks them with exact solvers of its own.

    Examples
    --------
    >>> lines = _best_lines([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 40.0])
    >>> {name: tuple(round(v, 3) + 0.0 for v in line) for name, line in lines.items()}
    {'mse': (8.2, -7.2), 'mae': (1.0, 0.0), 'huber': (1.5, -0.5)}
    """
    x, y = _points(x, y)
    delta = _delta(delta)
    return {
        "mse": _least_squares_line(x, y),
        "mae": _least_absolute_line(x, y),
        "huber": _huber_line(x, y, delta),
    }


def _moved(y: np.ndarray, index: int, height: float) -> np.ndarray:
    moved = y.copy()
    moved[index] = height
    return moved


def _slope_curves(x: np.ndarray, y: np.ndarray, index: int, delta: float,
                  heights: Sequence[float]) -> dict[str, np.ndarray]:
    """The best slope under each loss with point ``index`` moved to each height."""
    curves: dict[str, list[float]] = {name: [] for name in LOSS_NAMES}
    for height in heights:
        for name, (slope, _) in _best_lines(x, _moved(y, index, height), delta).items():
            curves[name].append(slope)
    return {name: np.array(slopes) for name, slopes in curves.items()}


# ------------------------------------------------------------------------ figures


def _legend_below(fig: Figure, ax: Axes, ncols: int = 3) -> None:
    """One legend for the whole figure, under the panels, where it covers no data."""
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=ncols)


def constant_costs_figure(y: object, constants: object, mse: object, mae: object) -> Figure:
    """The MSE and the MAE of predicting one constant c, the mean and the median marked.

    ``constants`` are the candidate values of c, ``mse`` and ``mae`` the costs the lab
    computed for each (all of shape ``(C,)``); the data ``y`` are drawn as ticks along
    the bottom of each panel, the mean (left) and the median (right) as dotted lines.
    Introduced in chapter 5.
    """
    y = _vector("y", y)
    constants, mse, mae = (_vector(n, v) for n, v in
                           (("constants", constants), ("mse", mse), ("mae", mae)))
    if not (constants.shape == mse.shape == mae.shape):
        raise ValueError(
            "constants, mse and mae must have the same shape (C,), got "
            f"{constants.shape}, {mse.shape} and {mae.shape}"
        )
    fig, (ax_mse, ax_mae) = subplots(1, 2, height=3.3)
    for ax, cost, best, name, color, what in [
        (ax_mse, mse, float(np.mean(y)), "MSE", COLORS["mse"], "mean"),
        (ax_mae, mae, float(np.median(y)), "MAE", COLORS["mae"], "median"),
    ]:
        ax.plot(constants, cost, color=color)
        ax.axvline(best, color=COLORS["data"], ls=":", lw=1.5)
        ax.text(best + 0.02 * np.ptp(constants), 0.96, f"{what} {best:.2f}",
                transform=ax.get_xaxis_transform(), va="top", color=COLORS["data"])
        ax.plot(y, np.full_like(y, 0.04), "|", color=COLORS["data"], ms=14, mew=2,
                transform=ax.get_xaxis_transform())
        ax.set_ylim(bottom=0)
        label_axes(ax, title=f"{name} is smallest at the {what}", xlabel="constant c",
                   ylabel=f"{name} of c", legend=False)
    plt.close(fig)
    return fig


def _draw_lines(ax: Axes, x: np.ndarray, y: np.ndarray,
                lines: dict[str, tuple[float, float]], truth: tuple[float, float] | None,
                moved: int | None = None, delta: float | None = None) -> None:
    ax.scatter(x, y, s=16, color=COLORS["data"], label="data", zorder=3)
    if moved is not None:
        ax.scatter([x[moved]], [y[moved]], s=110, facecolors="none",
                   edgecolors=COLORS["highlight"], linewidths=2, zorder=4,
                   label="moved point")
    ends = np.array([x.min(), x.max()])
    if truth is not None:
        ax.plot(ends, truth[0] * ends + truth[1], color=COLORS["truth"], ls="--", lw=1.5,
                label=f"true line, slope {truth[0]:.2f}")
    for name, (slope, intercept) in lines.items():
        label = LOSS_NAMES[name]
        if name == "huber" and delta is not None:
            label += f" (δ = {delta:.3g})"
        ax.plot(ends, slope * ends + intercept, color=COLORS[name],
                label=f"{label}, slope {slope:.2f}")


def line_fits_figure(
    x: object, y: object, lines: Mapping[str, tuple[float, float]], *,
    truth: tuple[float, float] | None = (2.0, 1.0), delta: float | None = None,
) -> Figure:
    """The data, the true line and one fitted line per loss.

    ``lines`` maps a loss name of :data:`LOSS_NAMES` to the ``(slope, intercept)``
    fitted under it; ``delta`` is named in the Huber line's label when given.
    Introduced in chapter 5.
    """
    x, y = _points(x, y)
    lines = _lines(lines)
    fig, ax = subplots(height=3.9)
    _draw_lines(ax, x, y, lines, truth, delta=delta)
    label_axes(ax, title="One line, three losses: who follows the outliers?",
               xlabel="x", ylabel="y", legend=False)
    _legend_below(fig, ax)
    plt.close(fig)
    return fig


def losses_vs_residual_figure(
    residuals: object, curves: Mapping[str, tuple[object, object]], *, delta: float = 1.0,
) -> Figure:
    r"""Left: each loss :math:`\ell(r)`. Right: its derivative :math:`d\ell/dr`.

    ``curves`` maps a loss name of :data:`LOSS_NAMES` to ``(loss, derivative)``, each
    of the shape of ``residuals`` (what the lab computed with autograd); ``delta`` is
    the Huber loss's, for its label. Introduced in chapter 5.
    """
    r = _vector("residuals", residuals)
    if set(curves) != set(LOSS_NAMES):
        raise ValueError(f"curves must be keyed by {sorted(LOSS_NAMES)}, got {sorted(curves)}")
    delta = _delta(delta)
    limit = float(np.abs(r).max())
    fig, (ax_loss, ax_grad) = subplots(1, 2, height=3.4)
    for name in LOSS_NAMES:
        value, slope = (_vector(f"curves[{name!r}]", v) for v in curves[name])
        if not (value.shape == slope.shape == r.shape):
            raise ValueError(f"curves[{name!r}] must have the shape of residuals, {r.shape}")
        label = LOSS_NAMES[name] + (f", δ = {delta:g}" if name == "huber" else "")
        ax_loss.plot(r, value, color=COLORS[name], label=label)
        ax_grad.plot(r, slope, color=COLORS[name], label=label)
    ax_grad.plot([0.0], [0.0], "o", color=COLORS["mae"], ms=5)
    ax_grad.annotate("MAE at r = 0:\nPyTorch gives 0", xy=(0.0, 0.0),
                     xytext=(0.2 * limit, -0.75 * min(2 * limit, 4.5)), fontsize=9,
                     arrowprops={"arrowstyle": "->", "color": COLORS["data"]})
    ax_loss.set_ylim(-0.2, min(limit**2, 2.5 * limit))
    ax_grad.set_ylim(-min(2 * limit, 4.5), min(2 * limit, 4.5))
    label_axes(ax_loss, title="Loss of one sample", xlabel=r"residual $r = y - \hat y$",
               ylabel=r"$\ell(r)$", legend=False)
    label_axes(ax_grad, title="Its derivative (autograd)", xlabel=r"residual $r = y - \hat y$",
               ylabel=r"$d\ell/dr$", legend=False)
    _legend_below(fig, ax_loss)
    plt.close(fig)
    return fig


def descent_figure(
    slopes: Mapping[str, object], exact: Mapping[str, float], *, last: int = 100,
) -> Figure:
    """The slope w after each gradient-descent step, and its last steps up close.

    ``slopes`` maps a label to the slope after each step of one run, ``exact`` the
    same labels to the exact best slope of that run's loss. Left: every step, the exact
    slopes dotted. Right: the last ``last`` steps, as the distance from the exact slope,
    where a fit that has settled is a flat line at 0 and one that jitters is not. A
    label that starts with the name of a loss ("MSE", "MAE", "Huber") is drawn in that
    loss's colour, a second run of the same loss dashed. Introduced in chapter 5.
    """
    if not slopes or set(slopes) != set(exact):
        raise ValueError(
            f"slopes and exact need the same labels, got {sorted(slopes)} and {sorted(exact)}"
        )
    runs = {label: _vector(f"slopes[{label!r}]", path) for label, path in slopes.items()}
    if not isinstance(last, int) or not 2 <= last <= min(len(p) for p in runs.values()):
        raise ValueError(f"last must be an int from 2 to the number of steps, got {last}")
    fig, (ax_all, ax_last) = subplots(1, 2, height=3.3)
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    seen: list[str] = []
    for k, (label, path) in enumerate(runs.items()):
        loss = next((name for name in LOSS_NAMES
                     if label.lower().startswith(name)), f"run {k}")
        color = COLORS.get(loss, palette[k % len(palette)])
        style = "--" if loss in seen else "-"
        seen.append(loss)
        steps = np.arange(1, len(path) + 1)
        ax_all.plot(steps, path, color=color, ls=style, label=label)
        ax_all.axhline(float(exact[label]), color=color, ls=":", lw=1)
        ax_last.plot(steps[-last:], path[-last:] - float(exact[label]), color=color,
                     ls=style, lw=1.5, label=label)
    ax_last.axhline(0.0, color=COLORS["data"], lw=0.8)
    label_axes(ax_all, title="Slope w at each step", xlabel="step", ylabel="w",
               legend=False)
    label_axes(ax_last, title=f"The last {last} steps", xlabel="step",
               ylabel="w minus the exact slope", legend=False)
    _legend_below(fig, ax_all, ncols=min(3, len(runs)))
    plt.close(fig)
    return fig


def _outlier_frame(x: np.ndarray, y: np.ndarray, height: float, delta: float, index: int,
                   truth: tuple[float, float] | None,
                   curves: dict[str, np.ndarray],
                   lines: dict[str, tuple[float, float]] | None = None) -> Figure:
    moved_y = _moved(y, index, height)
    if lines is None:
        lines = _best_lines(x, moved_y, delta)
    fig, (ax_fit, ax_slope) = subplots(1, 2, height=3.5)
    _draw_lines(ax_fit, x, moved_y, lines, truth, moved=index, delta=delta)
    ax_fit.set_ylim(-12.0, 27.0)
    label_axes(ax_fit, title=f"Moved point at y = {height:g}", xlabel="x", ylabel="y",
               legend=False)
    for name, slope_curve in curves.items():
        ax_slope.plot(CURVE_HEIGHTS, slope_curve, color=COLORS[name])
        ax_slope.plot([height], [lines[name][0]], "o", color=COLORS[name], ms=7)
    if truth is not None:
        ax_slope.axhline(truth[0], color=COLORS["truth"], ls="--", lw=1.5)
    ax_slope.axvline(height, color=COLORS["data"], ls=":", lw=1)
    label_axes(ax_slope, title="Best slope as the point moves",
               xlabel="y of the moved point", ylabel="best slope", legend=False)
    _legend_below(fig, ax_fit)
    plt.close(fig)
    return fig


def _moved_index(x: np.ndarray, index: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, got {type(index).__name__}")
    if not -len(x) <= index < len(x):
        raise ValueError(f"index {index} is out of range for {len(x)} points")
    return index % len(x)


def outlier_figure(
    x: object, y: object, height: float, *, delta: float = 1.0, index: int = -1,
    truth: tuple[float, float] | None = (2.0, 1.0),
) -> Figure:
    """One point moved to ``height``: the best line under each loss, and its slope.

    Left: the data (the moved point circled), the true line and the exact best line
    under MSE, MAE and Huber (``delta``). Right: the best slope under each loss as the
    point moves from y = -10 to y = 25, the current height marked. One frame of
    :func:`outlier_demo`. Introduced in chapter 5.
    """
    x, y = _points(x, y)
    index = _moved_index(x, index)
    delta = _delta(delta)
    if not np.isfinite(height):
        raise ValueError(f"height must be a finite number, got {height}")
    curves = _slope_curves(x, y, index, delta, CURVE_HEIGHTS)
    return _outlier_frame(x, y, float(height), delta, index, truth, curves)


def _squared(residual: Tensor) -> Tensor:
    """The squared loss of each residual (the reference, when a lab passes none)."""
    return squared_loss(residual, torch.zeros_like(residual))


def _huber(residual: Tensor, delta: float = 1.0) -> Tensor:
    """Huber's loss of each residual (the reference, when a lab passes none)."""
    return huber_loss(residual, torch.zeros_like(residual), reduction="none", delta=delta)


def _exact_mae_line(x: Tensor, y: Tensor) -> tuple[float, float]:
    return _least_absolute_line(_vector("x", x), _vector("y", y))


#: The losses the demo minimises when a lab passes none: the references.
REFERENCE_LOSSES = {"mse": _squared, "huber": _huber}


def _minimising_lines(x: Tensor, ys: Tensor, loss: Callable[[Tensor], Tensor]) -> np.ndarray:
    """For each row of ``ys``, the line ``(w, b)`` that minimises ``mean(loss(residual))``.

    L-BFGS in float64 from the least-squares line of each row; the rows are independent,
    so one run minimises their sum. For a smooth convex loss (the squared loss, Huber's)
    it stops where the gradient is below 1e-12: the minimum, to about as many digits.
    """
    design = torch.stack([x, torch.ones_like(x)], dim=1)
    start = torch.linalg.lstsq(design, ys.T).solution.T  # (rows, 2)
    line = start.clone().requires_grad_(True)
    optimiser = torch.optim.LBFGS([line], lr=1.0, max_iter=500, tolerance_grad=1e-12,
                                  tolerance_change=1e-15, history_size=20,
                                  line_search_fn="strong_wolfe")

    def closure() -> Tensor:
        optimiser.zero_grad()
        residual = ys - (line[:, :1] * x + line[:, 1:])
        cost = loss(residual).mean(dim=1).sum()
        cost.backward()
        return cost

    optimiser.step(closure)
    return line.detach().numpy()


def outlier_demo(
    x: object, y: object, *, losses: Mapping[str, Callable[..., Tensor]] | None = None,
    mae_line: Callable[[Tensor, Tensor], tuple[float, float]] | None = None,
    heights: Sequence[float] = DEMO_HEIGHTS, deltas: Sequence[float] = DEMO_DELTAS,
    index: int = -1, truth: tuple[float, float] | None = (2.0, 1.0),
) -> LiveDemo:
    """Move one point up and down, change Huber's delta, and watch the three lines.

    Two sliders, the height of the moved point (``heights``) and Huber's ``deltas``;
    each frame is drawn as :func:`outlier_figure` draws. It starts at the height
    nearest the point's own and at delta = 1 when that is one of ``deltas``.

    The lines are those of the lab's code. ``losses`` maps ``"mse"`` and ``"huber"`` to
    the lab's losses of the residuals (``loss(r)``, ``loss(r, delta=delta)``): the MSE
    and Huber lines are the lines that minimise their mean (L-BFGS in float64, both
    being smooth and convex). ``mae_line(x, y)`` is the lab's exact MAE line (the best
    line through two points); gradient steps cannot settle on the MAE's corner. Without
    them the demo uses the references (:func:`lossutils.squared_loss`,
    :func:`lossutils.huber_loss`, and a search over pairs of points).

    In a kernel the point moves to any height from -10 to 25 and delta takes any value
    from 0.2 to 10 (a log scale). A move of the point minimises the losses for that
    height; a new delta minimises Huber's for every height of the right panel's curve
    too (one batched L-BFGS run). Introduced in chapter 5.
    """
    x_np, y_np = _points(x, y)
    index = _moved_index(x_np, index)
    heights = tuple(float(h) for h in _vector("heights", heights))
    deltas = tuple(_delta(float(d)) for d in _vector("deltas", deltas))
    losses = dict(REFERENCE_LOSSES if losses is None else losses)
    missing = sorted({"mse", "huber"} - set(losses))
    if missing:
        raise ValueError(f"losses must hold the losses 'mse' and 'huber', lacks {missing}")
    mae_line = _exact_mae_line if mae_line is None else mae_line
    x64 = torch.as_tensor(x_np)

    def lines_at(moved_heights: Sequence[float], delta: float) -> dict[str, np.ndarray]:
        """The best line under each loss for each height of the moved point, (H, 2)."""
        ys = torch.as_tensor(y_np).repeat(len(moved_heights), 1)
        ys[:, index] = torch.as_tensor(moved_heights, dtype=torch.float64)
        lines = {"mse": _minimising_lines(x64, ys, losses["mse"]),
                 "huber": _minimising_lines(
                     x64, ys, lambda r: losses["huber"](r, delta=delta))}
        lines["mae"] = np.array([[float(v) for v in mae_line(x64, row)] for row in ys])
        return {name: lines[name] for name in LOSS_NAMES}

    curves: dict[float, dict[str, np.ndarray]] = {}

    def curves_at(delta: float) -> dict[str, np.ndarray]:
        """The right panel's slopes at every height of :data:`CURVE_HEIGHTS`."""
        if delta not in curves:
            lines = lines_at(CURVE_HEIGHTS, delta)
            curves[delta] = {name: line[:, 0] for name, line in lines.items()}
        return curves[delta]

    def draw(height: float, delta: float) -> Figure:
        lines = {name: (float(line[0, 0]), float(line[0, 1]))
                 for name, line in lines_at([height], delta).items()}
        return _outlier_frame(x_np, y_np, height, delta, index, truth, curves_at(delta),
                              lines)

    nearest = min(heights, key=lambda h: abs(h - y_np[index]))
    start = {"height": nearest} | ({"delta": 1.0} if 1.0 in deltas else {})
    return live_demo(
        draw,
        description=("Left: the data with one point moved, the true line and the best "
                     "line under MSE, MAE and Huber. Right: the best slope under each "
                     "loss as that point moves"),
        labels={"height": "y of the moved point", "delta": "Huber's δ"},
        ranges={"height": Range(CURVE_HEIGHTS[0], CURVE_HEIGHTS[-1], 0.1),
                "delta": Range(0.2, 10.0, 0.01, log=True)},
        frames={"height": heights, "delta": deltas},
        start=start,
        shared_layout=True,  # the frames share their axes: one layout for all
    )
