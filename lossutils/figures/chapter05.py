"""Chapter 5: regression losses (MSE, MAE, Huber) and what outliers do to them.

The chapter compares the three losses by what they optimise (the best constant under
MSE is the mean, under MAE the median), by how they treat an outlier (a squared loss
is pulled ever harder as the point moves away, an absolute loss always with the same
force) and by their gradients against the residual :math:`r = y - \\hat y`. This module
holds the line fits, the exact solutions used to check them, the chapter's figures and
the lab's outlier demo. The losses themselves are those of :mod:`lossutils.regression`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from .chapter03 import least_squares_line
from .style import COLORS, label_axes, subplots
from ..regression import huber_loss, l1_loss, mse_loss
from ._training import TrainingHistory, fit
from .player import frame_player

__all__ = [
    "LOSS_NAMES",
    "LineFit",
    "constant_costs",
    "constant_costs_figure",
    "fit_line",
    "fit_lines",
    "huber_line",
    "least_absolute_line",
    "line_fits_figure",
    "losses_vs_residual",
    "losses_vs_residual_figure",
    "outlier_demo",
    "outlier_figure",
    "outlier_panels",
    "slope_sensitivity",
]

#: The three regression losses of chapter 5, by the names the functions here accept.
LOSS_NAMES = {"mse": "MSE (L2)", "mae": "MAE (L1)", "huber": "Huber"}


def _loss_function(loss: str, delta: float) -> Callable[[Tensor, Tensor], Tensor]:
    if loss == "mse":
        return mse_loss
    if loss == "mae":
        return l1_loss
    if loss == "huber":
        if delta <= 0:
            raise ValueError(f"delta must be positive, got {delta}")
        return lambda input, target: huber_loss(input, target, delta=delta)
    raise ValueError(f"loss must be one of {sorted(LOSS_NAMES)}, got {loss!r}")


def _check_points(x: Tensor, y: Tensor) -> None:
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same shape (N,), got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    if len(x) < 2:
        raise ValueError(f"a line needs at least 2 points, got {len(x)}")
    if bool((x == x[0]).all()):
        raise ValueError("all x are equal: no line is determined")


def constant_costs(y: Tensor, constants: Tensor) -> tuple[Tensor, Tensor]:
    r"""The MSE and the MAE of predicting one constant :math:`c` for every sample.

    .. math::
        J_2(c) = \frac{1}{N}\sum_{i=1}^{N} (y_i - c)^2, \qquad
        J_1(c) = \frac{1}{N}\sum_{i=1}^{N} |y_i - c|

    :math:`J_2` is smallest at the mean of the :math:`y_i`, :math:`J_1` at their median.
    Introduced in chapter 5.

    Parameters
    ----------
    y : Tensor
        Shape ``(N,)``, the targets.
    constants : Tensor
        Shape ``(C,)``, the candidate constants.

    Returns
    -------
    tuple of Tensor
        ``(J_2, J_1)``, each of shape ``(C,)``.

    Examples
    --------
    >>> mse, mae = constant_costs(torch.tensor([1.0, 2.0, 6.0]), torch.tensor([2.0, 3.0]))
    >>> [round(float(j), 4) for j in mse], [round(float(j), 4) for j in mae]
    ([5.6667, 4.6667], [1.6667, 2.0])
    """
    if y.ndim != 1 or constants.ndim != 1:
        raise ValueError("y and constants must be one-dimensional")
    predictions = constants[:, None].expand(len(constants), len(y))
    targets = y[None, :].expand_as(predictions)
    mse = mse_loss(predictions, targets, reduction="none").mean(dim=1)
    mae = l1_loss(predictions, targets, reduction="none").mean(dim=1)
    return mse, mae


def least_absolute_line(x: Tensor, y: Tensor) -> tuple[float, float]:
    """The line minimising the MAE, exactly: the best line through two of the points.

    Some line through two data points always minimises the mean absolute error, so
    trying every pair finds the optimum (O(N^3) work, fine for the few dozen points of
    a lab). Returns ``(slope, intercept)``. Introduced in chapter 5, where it checks
    the gradient fits of :func:`fit_line`.

    Examples
    --------
    >>> x = torch.tensor([0.0, 1.0, 2.0, 3.0])
    >>> least_absolute_line(x, torch.tensor([0.0, 1.0, 2.0, 30.0]))
    (1.0, 0.0)
    """
    _check_points(x, y)
    x, y = x.detach().cpu().double(), y.detach().cpu().double()
    i, j = torch.triu_indices(len(x), len(x), offset=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    slopes = (y[j] - y[i]) / (x[j] - x[i])
    intercepts = y[i] - slopes * x[i]
    costs = (y[None, :] - (slopes[:, None] * x[None, :] + intercepts[:, None])).abs().mean(1)
    best = int(torch.argmin(costs))
    return float(slopes[best]), float(intercepts[best])


def huber_line(
    x: Tensor, y: Tensor, *, delta: float = 1.0, iterations: int = 100
) -> tuple[float, float]:
    r"""The line minimising the Huber loss, by iteratively reweighted least squares.

    Each round weights sample :math:`i` by :math:`\min(1, \delta / |r_i|)` (the
    Huber loss's :math:`\psi(r) / r`) and solves the weighted least-squares problem in
    closed form; the rounds converge to the Huber optimum (they stop once the line moves
    by less than 1e-12, or after ``iterations`` rounds). Returns
    ``(slope, intercept)``. Introduced in chapter 5, where it checks :func:`fit_line`.

    Examples
    --------
    >>> x = torch.tensor([0.0, 1.0, 2.0, 3.0])
    >>> slope, intercept = huber_line(x, torch.tensor([0.0, 1.0, 2.0, 3.0]))
    >>> round(slope, 6), round(intercept, 6)
    (1.0, 0.0)
    """
    _check_points(x, y)
    if delta <= 0:
        raise ValueError(f"delta must be positive, got {delta}")
    x, y = x.detach().cpu().double(), y.detach().cpu().double()
    design = torch.stack([x, torch.ones_like(x)], dim=1)
    weights = torch.ones_like(x)
    previous = None
    for _ in range(iterations):
        weighted = design * weights[:, None]
        solution = torch.linalg.solve(weighted.T @ design, weighted.T @ y)
        if previous is not None and float((solution - previous).abs().max()) < 1e-12:
            break  # converged: the weights no longer change the line
        previous = solution
        residual = y - (solution[0] * x + solution[1])
        weights = torch.clamp(delta / residual.abs().clamp(min=1e-12), max=1.0)
    slope, intercept = solution.tolist()
    return slope, intercept


def slope_sensitivity(
    x: Tensor, y: Tensor, heights: Tensor, *, index: int = -1, delta: float = 1.0
) -> dict[str, Tensor]:
    """The optimal slope under each loss as one point is moved to each of ``heights``.

    Uses the exact solvers (:func:`least_squares_line`, :func:`least_absolute_line`,
    :func:`huber_line`), not gradient descent, so a whole curve costs a fraction of a
    second. Returns a dict keyed by loss name of tensors shaped like ``heights``.
    Introduced in chapter 5.

    Examples
    --------
    >>> x = torch.linspace(0, 1, 9)
    >>> curves = slope_sensitivity(x, 2 * x, torch.tensor([2.0, 12.0]))
    >>> [round(float(s), 2) for s in curves["mae"]], [round(float(s), 2) for s in curves["mse"]]
    ([2.0, 2.0], [2.0, 7.33])
    """
    _check_points(x, y)
    index = index % len(x)
    solvers = {
        "mse": least_squares_line,
        "mae": least_absolute_line,
        "huber": lambda x, y: huber_line(x, y, delta=delta),
    }
    curves = {}
    for loss, solve in solvers.items():
        curves[loss] = torch.tensor([solve(x, _moved(y, index, float(h)))[0] for h in heights])
    return curves


@dataclass
class LineFit:
    """A line fitted by :func:`fit_line` under one loss (chapter 5)."""

    loss: str
    slope: float
    intercept: float
    history: TrainingHistory


def fit_line(
    x: Tensor,
    y: Tensor,
    loss: str = "mse",
    *,
    delta: float = 1.0,
    steps: int = 450,
    lr: float = 0.2,
) -> LineFit:
    r"""Fit :math:`\hat y = w x + b` to the points by gradient descent on one loss.

    Full-batch Adam from :math:`w = b = 0`, through :func:`lossutils.fit`: a third of
    the ``steps`` at ``lr``, a third at ``lr / 10`` and a third at ``lr / 100``. The
    shrinking step lets the MAE fit settle: its gradient keeps the same size however
    close the line is to the optimum, so with a fixed step it would keep jittering.
    The data may live on any device; the model follows them. Introduced in chapter 5.

    Parameters
    ----------
    x, y : Tensor
        Shape ``(N,)``.
    loss : {"mse", "mae", "huber"}
    delta : float
        The Huber loss's :math:`\delta` (ignored by the others).
    steps : int
        Total number of gradient steps (at least 3).
    lr : float
        The first learning rate.

    Examples
    --------
    >>> x = torch.linspace(0, 1, 20)
    >>> fitted = fit_line(x, 3 * x - 1, "mae")
    >>> round(fitted.slope, 2), round(fitted.intercept, 2)
    (3.0, -1.0)
    """
    _check_points(x, y)
    loss_fn = _loss_function(loss, delta)
    if steps < 3:
        raise ValueError(f"steps must be at least 3, got {steps}")
    model = nn.Linear(1, 1).to(x.device)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    history = TrainingHistory()
    done = 0
    for stage in range(3):
        stage_steps = steps // 3 + (1 if stage < steps % 3 else 0)
        part = fit(model, x[:, None], y[:, None], loss_fn, steps=stage_steps,
                   lr=lr / 10**stage, optimizer="adam", record_every=stage_steps)
        if stage == 0:
            history.steps.append(0)
            history.losses.append(part.losses[0])
        done += stage_steps
        history.steps.append(done)
        history.losses.append(part.losses[-1])
    return LineFit(loss, model.weight.item(), model.bias.item(), history)


def fit_lines(
    x: Tensor, y: Tensor, *, delta: float = 1.0, steps: int = 450, lr: float = 0.2
) -> dict[str, LineFit]:
    """:func:`fit_line` under each of MSE, MAE and Huber; a dict keyed by loss name.

    Introduced in chapter 5.
    """
    return {loss: fit_line(x, y, loss, delta=delta, steps=steps, lr=lr) for loss in LOSS_NAMES}


def losses_vs_residual(
    residuals: Tensor, *, delta: float = 1.0
) -> dict[str, tuple[Tensor, Tensor]]:
    r"""Each loss :math:`\ell(r)` and its derivative :math:`d\ell/dr` at the given residuals.

    The per-sample losses come from ``mse_loss``, ``l1_loss`` and ``huber_loss`` with
    ``reduction="none"`` at prediction 0 and target :math:`r`, and the derivatives from
    autograd: :math:`2r`, :math:`\operatorname{sign}(r)` (0 at :math:`r = 0`, PyTorch's
    choice of subgradient) and :math:`\operatorname{clamp}(r, -\delta, \delta)`. The
    derivative with respect to the prediction is minus this. Introduced in chapter 5.

    Examples
    --------
    >>> curves = losses_vs_residual(torch.tensor([-2.0, 0.0, 0.5]))
    >>> [curves["mae"][1].tolist(), curves["huber"][1].tolist()]
    [[-1.0, 0.0, 1.0], [-1.0, 0.0, 0.5]]
    """
    curves = {}
    for loss in LOSS_NAMES:
        r = residuals.detach().cpu().float().clone().requires_grad_(True)
        per_sample = _unreduced(loss, delta)(torch.zeros_like(r), r)
        (grad,) = torch.autograd.grad(per_sample.sum(), r)
        curves[loss] = (per_sample.detach(), grad)
    return curves


def _unreduced(loss: str, delta: float) -> Callable[[Tensor, Tensor], Tensor]:
    if loss == "mse":
        return lambda input, target: mse_loss(input, target, reduction="none")
    if loss == "mae":
        return lambda input, target: l1_loss(input, target, reduction="none")
    return lambda input, target: huber_loss(
        input, target, reduction="none", delta=delta
    )


# --------------------------------------------------------------------------- figures


def constant_costs_figure(y: Tensor) -> Figure:
    """The MSE and the MAE of a constant prediction, with the mean and the median marked.

    The data are drawn as ticks along the bottom of each panel. Introduced in chapter 5.
    """
    y = y.detach().cpu().float()
    span = float(y.max() - y.min())
    constants = torch.linspace(float(y.min()) - 0.1 * span, float(y.max()) + 0.1 * span, 801)
    mse, mae = constant_costs(y, constants)
    mean, median = float(y.mean()), float(y.median())
    fig, (ax_mse, ax_mae) = subplots(1, 2, width=4.4, height=3.2)
    for ax, cost, best, name, color, what in [
        (ax_mse, mse, mean, "MSE", COLORS["mse"], "mean"),
        (ax_mae, mae, median, "MAE", COLORS["mae"], "median"),
    ]:
        ax.plot(constants.numpy(), cost.numpy(), color=color, label=f"{name} of constant c")
        ax.axvline(best, color=COLORS["data"], ls=":", lw=1.2, label=f"{what} = {best:.2f}")
        ax.plot(y.numpy(), [0.03] * len(y), "|", color=COLORS["data"], ms=14, mew=2,
                transform=ax.get_xaxis_transform(), label="data $y_i$")
        label_axes(ax, title=f"{name} is smallest at the {what}", xlabel="constant c",
                   ylabel=f"{name} J(c)", legend=True)
    plt.close(fig)
    return fig


def _draw_fits(ax, x: Tensor, y: Tensor, fits: dict[str, LineFit],
               truth: tuple[float, float] | None, moved: int | None = None,
               slopes_in_legend: bool = True) -> None:
    x, y = x.detach().cpu(), y.detach().cpu()
    ax.scatter(x.numpy(), y.numpy(), s=16, color=COLORS["data"], label="data", zorder=3)
    if moved is not None:
        ax.scatter([float(x[moved])], [float(y[moved])], s=110, facecolors="none",
                   edgecolors=COLORS["highlight"], linewidths=2, zorder=4,
                   label="moved point")
    ends = torch.tensor([float(x.min()), float(x.max())])
    if truth is not None:
        ax.plot(ends.numpy(), (truth[0] * ends + truth[1]).numpy(), color=COLORS["truth"],
                ls="--", lw=1.5, label="true line")
    for row, (loss, fitted) in enumerate(fits.items()):
        label = LOSS_NAMES[loss]
        if slopes_in_legend:
            label += f": slope {fitted.slope:.2f}"
        else:
            ax.text(0.03, 0.95 - 0.08 * row, f"{LOSS_NAMES[loss]}: slope {fitted.slope:.2f}",
                    color=COLORS[loss], transform=ax.transAxes, va="top", fontsize=9)
        ax.plot(ends.numpy(), (fitted.slope * ends + fitted.intercept).numpy(),
                color=COLORS[loss], label=label)


def line_fits_figure(
    x: Tensor, y: Tensor, fits: dict[str, LineFit],
    truth: tuple[float, float] | None = (2.0, 1.0),
) -> Figure:
    """The data, the true line and the lines fitted under each loss. Chapter 5."""
    fig, ax = subplots(width=6.4, height=4.0)
    _draw_fits(ax, x, y, fits, truth)
    label_axes(ax, title="One line, three losses: who follows the outliers?",
               xlabel="x", ylabel="y", legend=True)
    plt.close(fig)
    return fig


def _draw_residual_curves(ax_loss, ax_grad, delta: float, limit: float) -> None:
    r = torch.linspace(-limit, limit, 801)
    curves = losses_vs_residual(r, delta=delta)
    for loss, (value, grad) in curves.items():
        name = LOSS_NAMES[loss] + (f", δ = {delta:g}" if loss == "huber" else "")
        ax_loss.plot(r.numpy(), value.numpy(), color=COLORS[loss], label=name)
        ax_grad.plot(r.numpy(), grad.numpy(), color=COLORS[loss], label=name)
    ax_grad.plot([0.0], [0.0], "o", color=COLORS["mae"], ms=5)
    ax_grad.annotate("MAE at r = 0: PyTorch\nreturns 0 (sign(0) = 0)", xy=(0.0, 0.0),
                     xytext=(0.35 * limit, -0.55 * min(2 * limit, 4.5)), fontsize=8,
                     arrowprops={"arrowstyle": "->", "color": COLORS["data"]})
    ax_loss.set_ylim(-0.2, min(limit**2, 2.5 * limit))
    ax_grad.set_ylim(-min(2 * limit, 4.5), min(2 * limit, 4.5))


def losses_vs_residual_figure(delta: float = 1.0, limit: float = 3.0) -> Figure:
    r"""Left: :math:`\ell(r)` for MSE, MAE and Huber. Right: :math:`d\ell/dr` by autograd.

    Introduced in chapter 5.
    """
    fig, (ax_loss, ax_grad) = subplots(1, 2, width=4.4, height=3.3)
    _draw_residual_curves(ax_loss, ax_grad, delta, limit)
    label_axes(ax_loss, title="Per-sample loss", xlabel=r"residual $r = y - \hat y$",
               ylabel=r"$\ell(r)$", legend=True)
    label_axes(ax_grad, title="Its derivative (autograd)", xlabel=r"residual $r = y - \hat y$",
               ylabel=r"$d\ell/dr$", legend=True)
    plt.close(fig)
    return fig


def _moved(y: Tensor, index: int, height: float) -> Tensor:
    moved = y.clone()
    moved[index] = height
    return moved


def outlier_figure(
    x: Tensor, y: Tensor, height: float, *, index: int = -1, delta: float = 1.0,
    truth: tuple[float, float] | None = (2.0, 1.0), steps: int = 300,
) -> Figure:
    """One point moved to ``height``: the three fits, and each loss's slope as it moves.

    Left: the data (the moved point circled), the true line and the lines fitted by
    :func:`fit_lines`. Right: the optimal slope under each loss as the point moves from
    y = -10 to y = 25 (:func:`slope_sensitivity`), the current height marked. This is
    one frame of :func:`outlier_demo`. Introduced in chapter 5.
    """
    _check_points(x, y)
    index = index % len(x)
    moved_y = _moved(y, index, height)
    fits = fit_lines(x, moved_y, delta=delta, steps=steps)
    fig, (ax_fit, ax_slope) = subplots(1, 2, width=4.8, height=3.6)
    _draw_fits(ax_fit, x, moved_y, fits, truth, moved=index)
    label_axes(ax_fit, title=f"Moved point at y = {height:g}", xlabel="x", ylabel="y",
               legend=False)
    ax_fit.legend(fontsize=8, loc="upper left")
    heights = torch.arange(-10.0, 25.5, 1.0)
    curves = _sensitivity(x, y, index, delta, heights)
    for loss, fitted in fits.items():
        ax_slope.plot(heights.numpy(), curves[loss].numpy(), color=COLORS[loss],
                      label=LOSS_NAMES[loss])
        ax_slope.plot([height], [fitted.slope], "o", color=COLORS[loss], ms=7)
    if truth is not None:
        ax_slope.axhline(truth[0], color=COLORS["truth"], ls="--", lw=1.5, label="true slope")
    ax_slope.axvline(height, color=COLORS["data"], ls=":", lw=1)
    label_axes(ax_slope, title="Fitted slope as the point moves (dots: now)",
               xlabel="y of the moved point", ylabel="fitted slope", legend=True)
    ax_slope.legend(fontsize=8, loc="upper left")
    plt.close(fig)
    return fig


_SENSITIVITY_CACHE: dict[tuple, dict[str, Tensor]] = {}


def _sensitivity(x: Tensor, y: Tensor, index: int, delta: float,
                 heights: Tensor) -> dict[str, Tensor]:
    """:func:`slope_sensitivity`, remembered per data set and delta (slider redraws)."""
    key = (
        x.detach().cpu().numpy().tobytes(), y.detach().cpu().numpy().tobytes(), index,
        round(delta, 6), heights.numpy().tobytes(),
    )
    if key not in _SENSITIVITY_CACHE:
        if len(_SENSITIVITY_CACHE) > 64:
            _SENSITIVITY_CACHE.clear()
        _SENSITIVITY_CACHE[key] = slope_sensitivity(x, y, heights, index=index, delta=delta)
    return _SENSITIVITY_CACHE[key]


def outlier_demo(
    x: Tensor, y: Tensor, *, index: int = -1, truth: tuple[float, float] = (2.0, 1.0),
    steps: int = 300,
) -> widgets.VBox:
    """Move one point up and down, change Huber's delta, and watch the three fits follow.

    Each frame is :func:`outlier_figure`. Left: the data and the lines fitted under
    MSE, MAE and Huber; every redraw fits all three again with :func:`fit_lines`, 300
    steps each, which keeps a redraw well under a second. Right: the best slope under
    each loss as the point moves, the current fits marked. Introduced in chapter 5.
    """
    _check_points(x, y)
    index = index % len(x)

    def draw(height: float, delta: float) -> Figure:
        return outlier_figure(x, y, height, index=index, delta=delta, truth=truth,
                              steps=steps)

    start = round(float(y[index]) * 2) / 2
    return interactive_figure(
        draw,
        height=widgets.FloatSlider(value=start, min=-10.0, max=25.0, step=0.5,
                                   description="point's y", continuous_update=False),
        delta=widgets.FloatSlider(value=1.0, min=0.1, max=5.0, step=0.1,
                                  description="Huber δ", continuous_update=False),
    )


def outlier_panels(
    x: Tensor, y: Tensor, heights: tuple[float, ...] = (-5.0, 10.0, 20.0), *,
    index: int = -1, delta: float = 1.0, truth: tuple[float, float] = (2.0, 1.0),
    steps: int = 300,
) -> Figure:
    """Small multiples of :func:`outlier_demo`: the three fits with the point at a few
    heights. Introduced in chapter 5.
    """
    _check_points(x, y)
    index = index % len(x)
    fig, axes = subplots(1, len(heights), width=3.4, height=3.3, squeeze=False,
                         sharey=True)
    for ax, height in zip(axes[0], heights, strict=True):
        moved_y = _moved(y, index, height)
        _draw_fits(ax, x, moved_y, fit_lines(x, moved_y, delta=delta, steps=steps), truth,
                   moved=index, slopes_in_legend=False)
        label_axes(ax, title=f"moved point at y = {height:g}", xlabel="x", ylabel="y",
                   legend=False)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(names))
    plt.close(fig)
    return fig
