r"""Chapter 2, underfitting and overfitting: polynomial fits of growing degree.

The figures and the demo of chapter "Underfitting and overfitting"
(``chapters/02-underfitting-and-overfitting.md``) and its lab. The lab fits the
polynomials, sweeps the degree and counts what a polynomial costs; these functions only
draw what it computed (the demo calls the lab's sweep). A polynomial is given by its coefficients
:math:`c_0, c_1, \dots, c_d`, lowest power first, as the lab's least-squares fit returns
them: :math:`f(x) = \sum_{k=0}^d c_k x^k`.

=========================  ==========================================================
:func:`three_fits_figure`  the lesson's three pictures: H1 (underfit), H2 (overfit),
                           the balanced fit, a new point and each fit's miss
:func:`u_curve_figure`     training and validation error against the degree, the
                           degree the validation error chooses, its test error and
                           the floor the noise sets
:func:`degree_demo`        a degree slider over the fits of the lab's sweep, measured
                           on the validation points; live, a training point to move
:func:`complexity_figure`  :math:`y_1 = 3x^2 + 2` beside
                           :math:`y_2 = 3x^7 + 7x^6 + 6x^2 + 4x + 18`
=========================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.polynomial import Polynomial
from torch import Tensor

from ..display import fmt
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = ["complexity_figure", "degree_demo", "three_fits_figure", "u_curve_figure"]

ArrayLike = Tensor | np.ndarray | Sequence[float]
TrueFunction = Callable[[Tensor], Tensor]
StationaryPoint = tuple[float, float, str]

#: Where the inputs of the chapter's data lie, and the ticks that fit a half-width panel.
X_WINDOW = (-1.0, 1.0)
X_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
#: How far the degree demo's live slider moves one training point, up or down.
DEMO_SHIFTS = Range(-1.0, 1.0, 0.01)


# --------------------------------------------------------------------------------------
# Checking and converting what the caller passes
# --------------------------------------------------------------------------------------

def _vector(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a float64 array of shape (N,), N >= 1 (a column (N, 1) is accepted)."""
    if isinstance(values, Tensor):
        array = values.detach().to("cpu", torch.float64).numpy()
    else:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name} must be numbers, got {type(values).__name__}") from error
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must have shape (N,) or (N, 1) with N >= 1, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers")
    return array


def _points(x: ArrayLike, y: ArrayLike, names: tuple[str, str] = ("x", "y")
            ) -> tuple[np.ndarray, np.ndarray]:
    x, y = _vector(names[0], x), _vector(names[1], y)
    if x.shape != y.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, "
                         f"got {x.shape} and {y.shape}")
    return x, y


def _polynomial(name: str, coefficients: ArrayLike) -> Polynomial:
    return Polynomial(_vector(name, coefficients))


def _degree(polynomial: Polynomial) -> int:
    """The degree as written: the number of coefficients less one (zeros at the top kept)."""
    return polynomial.coef.size - 1


def _same_length(what: str, values: Sequence, expected: int, of: str) -> None:
    if len(values) != expected:
        raise ValueError(f"{what} must have one value per {of} ({expected}), got {len(values)}")


def _truth_on(truth: TrueFunction, grid: np.ndarray) -> np.ndarray:
    return _vector("truth(x)", truth(torch.from_numpy(grid)))


def _limits(*arrays: np.ndarray, pad: float = 0.2) -> tuple[float, float]:
    values = np.concatenate(arrays)
    low, high = float(values.min()), float(values.max())
    margin = pad * (high - low) or 1.0
    return low - margin, high + margin


# --------------------------------------------------------------------------------------
# One panel: a polynomial fit over its points
# --------------------------------------------------------------------------------------

def _draw_fit(ax: Axes, x: np.ndarray, y: np.ndarray, polynomial: Polynomial, *,
              color: str, truth: TrueFunction | None, ylim: tuple[float, float],
              x_val: np.ndarray | None = None, y_val: np.ndarray | None = None) -> None:
    grid = np.linspace(*X_WINDOW, 400)
    if x_val is not None and y_val is not None:
        ax.scatter(x_val, y_val, s=9, color=COLORS["test"], alpha=0.3,
                   label="validation points")
    if truth is not None:
        ax.plot(grid, _truth_on(truth, grid), color=COLORS["truth"], linestyle="--",
                linewidth=1.5, label="true function $F$")
    ax.plot(grid, polynomial(grid), color=color, label="polynomial fit $f$")
    ax.scatter(x, y, s=26, color=COLORS["data"], zorder=3, label="training points")
    ax.set_xlim(X_WINDOW[0] - 0.05, X_WINDOW[1] + 0.05)
    ax.set_xticks(X_TICKS)
    ax.set_ylim(*ylim)


def _legend_below(fig: Figure, axes: Sequence[Axes], ncols: int | None = None) -> None:
    """One legend for the figure, below its panels, where it covers no data."""
    handles, labels, seen = [], [], set()
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in seen and not label.startswith("_"):
                seen.add(label)
                handles.append(handle)
                labels.append(label)
    if ncols is None:
        ncols = len(labels) if len(labels) <= 4 else 3
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols)


# --------------------------------------------------------------------------------------
# Figure: the three fits of the lesson
# --------------------------------------------------------------------------------------

def three_fits_figure(
    x: ArrayLike,
    y: ArrayLike,
    fits: Sequence[tuple[str, ArrayLike]],
    *,
    train_errors: Sequence[float],
    new_point: tuple[float, float] | None = None,
    misses: Sequence[float] | None = None,
    truth: TrueFunction | None = None,
) -> Figure:
    """The lesson's three pictures in a 2 x 2 grid, the fourth panel comparing their errors.

    Parameters
    ----------
    x, y : array of shape (N,)
        The training points the polynomials were fitted to.
    fits : sequence of (str, coefficients), at most 3
        Each fit's name (its panel title) and its coefficients, lowest power first.
    train_errors : sequence of float
        Each fit's mean squared error on the training points.
    new_point : (float, float), optional
        A point no fit has seen, drawn on every panel with the gap to each fit.
    misses : sequence of float, optional
        Each fit's squared error on ``new_point`` (given exactly when it is).
    truth : callable, optional
        The true function :math:`F`, drawn dashed.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 4)
    >>> fits = [("line", [0.0, 1.0]), ("cubic", [0.0, 0.0, 0.0, 1.0])]
    >>> fig = three_fits_figure(x, x**3, fits, train_errors=[0.05, 0.0])
    >>> [ax.get_title() for ax in fig.axes]
    ['line: degree 1', 'cubic: degree 3', 'Their errors']
    """
    x, y = _points(x, y)
    if not 1 <= len(fits) <= 3:
        raise ValueError(f"fits must hold 1 to 3 (name, coefficients) pairs, got {len(fits)}")
    polynomials = [(str(name), _polynomial(f"the coefficients of {name!r}", c))
                   for name, c in fits]
    _same_length("train_errors", train_errors, len(fits), "fit")
    if (new_point is None) != (misses is None):
        raise ValueError("give new_point and misses together, or neither")
    if misses is not None:
        _same_length("misses", misses, len(fits), "fit")

    fig, grid = subplots(2, 2, height=2.9)
    axes = list(grid.flat)
    colors = (COLORS["model"], COLORS["test"], COLORS["huber"])
    ylim = _limits(y, *(() if new_point is None else (np.array([new_point[1]]),)))
    for ax, (name, polynomial), color in zip(axes, polynomials, colors, strict=False):
        _draw_fit(ax, x, y, polynomial, color=color, truth=truth, ylim=ylim)
        if new_point is not None:
            predicted = float(polynomial(new_point[0]))
            ax.plot([new_point[0]] * 2, [new_point[1], predicted], color=COLORS["highlight"],
                    linewidth=1.5, linestyle=":", label="_the miss")
            ax.scatter([new_point[0]], [new_point[1]], marker="*", s=150, zorder=4,
                       color=COLORS["highlight"], label="a new point")
        label_axes(ax, title=f"{name}: degree {_degree(polynomial)}", xlabel="$x$",
                   ylabel="$y$", legend=False)
    for ax in axes[len(polynomials):-1]:
        ax.remove()
    _draw_errors(axes[-1], [name for name, _ in polynomials], train_errors, misses)
    _legend_below(fig, axes[:len(polynomials)])
    plt.close(fig)
    return fig


def _draw_errors(ax: Axes, names: list[str], train_errors: Sequence[float],
                 misses: Sequence[float] | None) -> None:
    """Horizontal bars: each fit's training error and, if given, its miss of the new point."""
    rows = np.arange(len(names))[::-1]
    height = 0.38 if misses is not None else 0.6
    series = [("training MSE", train_errors, COLORS["train"])]
    if misses is not None:
        series.append(("new point, squared miss", misses, COLORS["highlight"]))
    largest = max(float(v) for _, values, _ in series for v in values)
    for k, (label, values, color) in enumerate(series):
        offset = (0.5 - k) * height if misses is not None else 0.0
        ax.barh(rows + offset, values, height=height, color=color, label=label)
        for row, value in zip(rows, values, strict=True):
            ax.text(float(value) + 0.02 * largest, row + offset, fmt(float(value), 4),
                    va="center", ha="left", fontsize=9)
    ax.set_yticks(rows, [name.replace(", ", "\n") for name in names])
    ax.set_xlim(0, 1.45 * largest if largest > 0 else 1.0)
    ax.set_ylim(-0.7, len(names) - 0.3 + (0.6 if misses is not None else 0.0))
    ax.grid(axis="y", visible=False)
    label_axes(ax, title="Their errors", xlabel="mean squared error", ylabel="",
               legend=misses is not None)
    if misses is not None:
        ax.legend(loc="upper right", ncols=1)


# --------------------------------------------------------------------------------------
# Figure: the U-curve
# --------------------------------------------------------------------------------------

def u_curve_figure(
    degrees: Sequence[int],
    train_errors: ArrayLike,
    validation_errors: ArrayLike,
    *,
    test_error: float | None = None,
    noise_variance: float | None = None,
    marked_degree: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    r"""Training and validation error against the degree, on a log scale: the U-curve.

    The degree with the lowest validation error is the one chosen, marked with a dotted
    line. ``test_error``, when given, is that degree's error on the test points,
    measured once after the choice, drawn as a star at the chosen degree.
    ``noise_variance`` (:math:`\sigma^2`), when given, is drawn as a horizontal line: no
    fit's expected error on new points can go below it, since the noise of a new point
    is unpredictable. ``marked_degree`` circles one degree's two errors (the demo's
    position). A training error of (almost) zero, which a log scale cannot show, sits
    on a floor below the other values, marked "≈ 0". Drawn on its own, the figure has
    its legend below the panel; drawn into a given ``ax`` (a panel of a larger
    figure), it leaves the legend to that figure.

    Examples
    --------
    >>> fig = u_curve_figure([0, 1, 2], [1.0, 0.5, 0.1], [1.2, 0.6, 0.9],
    ...                      test_error=0.7, noise_variance=0.0625, marked_degree=1)
    >>> [line.get_label() for line in fig.axes[0].lines][:3]
    ['training error', 'validation error', 'test error of degree 1, measured once']
    """
    degrees = [_as_degree(d) for d in degrees]
    train = _vector("train_errors", train_errors)
    validation = _vector("validation_errors", validation_errors)
    _same_length("train_errors", train, len(degrees), "degree")
    _same_length("validation_errors", validation, len(degrees), "degree")
    if np.any(train < 0) or np.any(validation < 0):
        raise ValueError("errors must be non-negative")
    if test_error is not None:
        test_error = float(_vector("test_error", [test_error])[0])
        if test_error < 0:
            raise ValueError(f"test_error must be non-negative, got {test_error}")
    if noise_variance is not None and not noise_variance > 0:
        raise ValueError(f"noise_variance must be positive, got {noise_variance}")
    if marked_degree is not None and marked_degree not in degrees:
        raise ValueError(f"marked_degree {marked_degree} is not one of the degrees {degrees}")
    standalone = ax is None
    if ax is None:
        fig, ax = subplots(height=4.2)
    else:
        fig = ax.figure

    # Errors of (almost) zero cannot be shown on a log scale: they sit on a floor a
    # decade below the smallest error that can, marked "≈ 0".
    shown = np.concatenate([train, validation, [] if test_error is None else [test_error],
                            [] if noise_variance is None else [noise_variance]])
    shown = shown[shown > 1e-9 * shown.max()]
    if shown.size == 0:
        raise ValueError("the errors are all zero: a log scale cannot show them")
    floor = 10.0 ** (np.floor(np.log10(shown.min())) - 1)
    ax.plot(degrees, np.maximum(train, floor), marker="o", color=COLORS["train"],
            label="training error")
    ax.plot(degrees, np.maximum(validation, floor), marker="s", color=COLORS["test"],
            label="validation error")
    chosen = degrees[int(np.argmin(validation))]
    if test_error is not None:
        ax.plot([chosen], [max(test_error, floor)], marker="*", markersize=14,
                linestyle="none", color=COLORS["highlight"], zorder=4,
                label=f"test error of degree {chosen}, measured once")
    if noise_variance is not None:
        ax.axhline(noise_variance, color=COLORS["truth"], linestyle="--", linewidth=1.5,
                   label=rf"noise variance $\sigma^2$ = {fmt(noise_variance)}")
    for degree in np.array(degrees)[train < floor]:
        ax.annotate("≈ 0", (degree, floor), textcoords="offset points", xytext=(-7, 0),
                    ha="right", va="center", fontsize=9, color=COLORS["train"])
    ax.axvline(chosen, color=COLORS["data"], linestyle=":", linewidth=1.5,
               label=f"chosen on validation: degree {chosen}")
    if marked_degree is not None:
        k = degrees.index(marked_degree)
        ax.plot([marked_degree] * 2, [max(train[k], floor), validation[k]], "o",
                color=COLORS["highlight"], markersize=11, fillstyle="none",
                markeredgewidth=2, label="this degree")
    ax.set_yscale("log")
    ax.set_ylim(floor / 2.5, shown.max() * 2.5)
    ax.set_xticks(degrees)
    label_axes(ax, title="Training error falls; validation error falls, then rises",
               xlabel="polynomial degree $d$", ylabel="mean squared error (log scale)",
               legend=False)
    if standalone:
        _legend_below(fig, [ax], ncols=2)
    plt.close(fig)
    return fig


def _as_degree(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"degrees must be non-negative ints, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------------------
# Demo: a degree slider over the fits the lab computed
# --------------------------------------------------------------------------------------

Sweep = Callable[..., tuple]


def _shifted(y: ArrayLike, index: int, shift: float) -> ArrayLike:
    """``y`` with its entry ``index`` moved by ``shift``, of the same kind (a tensor stays
    on its device)."""
    if isinstance(y, Tensor):
        moved = y.detach().clone()
    else:
        moved = np.array(y, dtype=np.float64)
    moved[index] = moved[index] + shift
    return moved


def degree_demo(
    x: ArrayLike,
    y: ArrayLike,
    x_val: ArrayLike,
    y_val: ArrayLike,
    *,
    sweep: Sweep,
    degrees: Sequence[int],
    truth: TrueFunction | None = None,
    noise_variance: float | None = None,
    moved: int | None = None,
    shifts: Range = DEMO_SHIFTS,
) -> LiveDemo:
    """A degree slider: the fit of that degree, and where it sits on the U-curve.

    ``sweep`` is the lab's ``degree_sweep``: ``sweep(x, y, x_val, y_val, degrees)``
    fits each degree to ``(x, y)`` and returns ``(fits, train_errors,
    validation_errors)``, the coefficients of each fit (lowest power first) and its
    errors on the training points and on the validation points. The demo calls it for
    every degree from the lowest to the highest of ``degrees``, and draws one frame
    per degree of ``degrees``. The demo is where a degree is chosen, so the test points
    stay out of it. Every frame has the same axes, so the eye compares the fits, not
    the scales.

    In a kernel a second slider moves one training point (``moved``, by default the one
    nearest x = 0) up or down by up to ``shifts``, and each new position runs ``sweep``
    again: the high degrees follow the point, the low ones hardly move. The frames, for
    the website, leave the point where it is; the live picture circles it once moved.

    Examples
    --------
    >>> def sweep(x, y, x_val, y_val, degrees):  # a stand-in for the lab's sweep
    ...     fits = [np.polynomial.polynomial.polyfit(x, y, d) for d in degrees]
    ...     def error(c, u, v):
    ...         return np.mean((np.asarray(v) - np.polynomial.polynomial.polyval(u, c)) ** 2)
    ...     return (fits, [error(c, x, y) for c in fits],
    ...             [error(c, x_val, y_val) for c in fits])
    >>> x = np.linspace(-1, 1, 4)
    >>> demo = degree_demo(x, x**2, [0.5], [0.25], sweep=sweep, degrees=[0, 2])
    >>> demo.player
    <demo: 2 frames; sliders: degree (2 values, 0 to 2)>
    >>> demo.set(degree=1)
    >>> demo.figure.axes[0].get_title().splitlines()[0]
    'degree 1'
    """
    x_drawn, y_drawn = _points(x, y)
    x_val_drawn, y_val_drawn = _points(x_val, y_val, ("x_val", "y_val"))
    degrees = [_as_degree(d) for d in degrees]
    if len(degrees) < 2:
        raise ValueError(f"the demo needs at least two degrees, got {degrees}")
    swept_degrees = list(range(min(degrees), max(degrees) + 1))
    if moved is None:
        moved = int(np.argmin(np.abs(x_drawn)))
    if not 0 <= moved < len(x_drawn):
        raise ValueError(f"moved must index a training point (0 to {len(x_drawn) - 1}), "
                         f"got {moved}")
    runs: dict[float, tuple] = {}

    def run(shift: float) -> tuple:
        """The sweep with the moved point shifted by ``shift``, run once per shift."""
        if shift not in runs:
            y_here = y if shift == 0 else _shifted(y, moved, shift)
            fits, train, validation = sweep(x, y_here, x_val, y_val, swept_degrees)
            _same_length("the sweep's fits", fits, len(swept_degrees), "degree")
            polynomials = [_polynomial(f"fits[{k}]", c) for k, c in enumerate(fits)]
            for degree, polynomial in zip(swept_degrees, polynomials, strict=True):
                if _degree(polynomial) != degree:
                    raise ValueError(
                        f"the sweep's fit of degree {degree} is of degree "
                        f"{_degree(polynomial)} ({polynomial.coef.size} coefficients)")
            train = _vector("the sweep's training errors", train)
            validation = _vector("the sweep's validation errors", validation)
            _same_length("the sweep's training errors", train, len(swept_degrees), "degree")
            _same_length("the sweep's validation errors", validation, len(swept_degrees),
                         "degree")
            runs[shift] = (polynomials, train, validation, _vector("y", y_here))
        return runs[shift]

    run(0.0)
    ylim = _limits(y_drawn, y_val_drawn, pad=0.15)

    def draw(degree: int, shift: float) -> Figure:
        polynomials, train, validation, y_here = run(float(shift))
        k = swept_degrees.index(degree)
        fig, (left, right) = subplots(1, 2, height=3.9)
        _draw_fit(left, x_drawn, y_here, polynomials[k], color=COLORS["model"],
                  truth=truth, ylim=ylim, x_val=x_val_drawn, y_val=y_val_drawn)
        if shift != 0:  # the moved point, circled (no legend entry: the layout stays)
            left.scatter([x_drawn[moved]], [y_here[moved]], s=110, facecolors="none",
                         edgecolors=COLORS["highlight"], linewidths=2, zorder=4)
        label_axes(left, title=f"degree {degree}\ntrain {fmt(train[k])}, "
                   f"validation {fmt(validation[k])}", xlabel="$x$", ylabel="$y$",
                   legend=False)
        u_curve_figure(swept_degrees, train, validation, noise_variance=noise_variance,
                       marked_degree=degree, ax=right)
        right.set_title("Where it sits")
        _legend_below(fig, [left, right])
        plt.close(fig)
        return fig

    return live_demo(
        draw,
        description="The polynomial fit of the chosen degree over the training and "
        "validation points, and its training and validation errors on the U-curve",
        labels={"degree": "degree",
                "shift": f"move the training point at x = {x_drawn[moved]:.2f} by"},
        ranges={"degree": Range(min(degrees), max(degrees), 1), "shift": shifts},
        frames={"degree": degrees},
        start={"degree": 1 if 1 in degrees else degrees[0], "shift": 0.0},
    )


# --------------------------------------------------------------------------------------
# Figure: what complexity costs
# --------------------------------------------------------------------------------------

def _formula(polynomial: Polynomial) -> str:
    terms = []
    for k in range(polynomial.coef.size - 1, -1, -1):
        c = polynomial.coef[k]
        if c == 0:
            continue
        number = f"{c:g}"
        power = "" if k == 0 else "x" if k == 1 else f"x^{k}"
        terms.append(number + power)
    return " + ".join(terms).replace("+ -", "- ") or "0"


def complexity_figure(
    coefficients: Sequence[ArrayLike],
    stationary: Sequence[Sequence[StationaryPoint]],
    *,
    x_range: tuple[float, float] = (-2.4, 1.0),
) -> Figure:
    r"""Two polynomials side by side, the points where their slope is zero marked.

    ``coefficients`` holds the two polynomials (lowest power first), named
    :math:`y_1` and :math:`y_2` in the titles; ``stationary`` the points the lab found
    for each, as ``(x, y, kind)`` with ``kind`` "minimum", "maximum" or "flat". Points
    outside ``x_range`` are not drawn.

    Examples
    --------
    >>> fig = complexity_figure([[2, 0, 3], [0, 1]], [[(0.0, 2.0, "minimum")], []])
    >>> fig.axes[0].get_title()
    '$y_1 = 3x^2 + 2$'
    """
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range}")
    if len(coefficients) != 2:
        raise ValueError(f"coefficients must hold two polynomials, got {len(coefficients)}")
    _same_length("stationary", stationary, 2, "polynomial")
    grid = np.linspace(low, high, 400)
    fig, axes = subplots(1, 2, height=3.6)
    colors = (COLORS["model"], COLORS["test"])
    for k, (ax, c, points, color) in enumerate(
            zip(axes, coefficients, stationary, colors, strict=True), start=1):
        polynomial = _polynomial(f"coefficients[{k - 1}]", c)
        values = polynomial(grid)
        ax.plot(grid, values, color=color)
        shown = [(px, py, kind) for px, py, kind in points if low <= px <= high]
        for px, py, kind in shown:
            if kind not in ("minimum", "maximum", "flat"):
                raise ValueError(f"a stationary point's kind must be 'minimum', 'maximum' "
                                 f"or 'flat', got {kind!r}")
            ax.scatter([px], [py], s=50, zorder=3, color=COLORS["highlight"])
            # A maximum's label to its right, where the curve has fallen away; a
            # minimum's (or a flat point's) label above it, where the curve has not risen.
            ax.annotate(f"{kind}\n({fmt(px, 2)}, {fmt(py, 2)})", (px, py),
                        textcoords="offset points",
                        xytext=(10, 0) if kind == "maximum" else (0, 18),
                        ha="left" if kind == "maximum" else "center",
                        va="center" if kind == "maximum" else "bottom", fontsize=9,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8,
                              "pad": 1})
        span = float(values.max() - values.min()) or 1.0
        ax.set_ylim(float(values.min()) - 0.08 * span, float(values.max()) + 0.15 * span)
        label_axes(ax, title=f"$y_{k} = {_formula(polynomial)}$", xlabel="$x$",
                   ylabel=f"$y_{k}$")
    plt.close(fig)
    return fig
