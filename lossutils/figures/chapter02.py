r"""Underfitting and overfitting: polynomial fits of growing degree, and what complexity costs.

Introduced in chapter "Underfitting and overfitting"
(``chapters/02-underfitting-and-overfitting.md``) and its lab. A polynomial of degree
:math:`d` is fitted by least squares (:func:`fit_polynomial`); sweeping :math:`d`
(:func:`degree_sweep`) shows the training error falling to zero while the error on
held-out points falls and then rises again: the U-curve.

Numerics: the fits are done in float64 on the CPU in the Legendre basis on the fixed
window :math:`[-1, 1]`, which stays well conditioned up to the degrees used here, where
the monomials :math:`1, x, \dots, x^d` would not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.polynomial import Legendre, Polynomial
from torch import Tensor

from ..display import fmt
from .style import COLORS, label_axes, subplots
from .player import frame_player

__all__ = [
    "DegreeSweep",
    "PolynomialCost",
    "complexity_figure",
    "degree_demo",
    "degree_panels",
    "degree_sweep",
    "fit_polynomial",
    "polynomial_cost",
    "polynomial_mse",
    "stationary_points",
    "three_fits_figure",
    "u_curve_figure",
]

ArrayLike = Tensor | np.ndarray | Sequence[float]
TrueFunction = Callable[[Tensor], Tensor]


def _float64(name: str, values: ArrayLike) -> np.ndarray:
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


def _truth_values(truth: TrueFunction, x: np.ndarray) -> np.ndarray:
    return _float64("truth(x)", truth(torch.from_numpy(x)))


def fit_polynomial(
    x: ArrayLike, y: ArrayLike, degree: int, *, window: tuple[float, float] = (-1.0, 1.0)
) -> Legendre:
    r"""Fit a polynomial of ``degree`` to the points by least squares.

    Minimises :math:`\sum_{i=1}^N (y_i - f(x_i))^2` over polynomials :math:`f` of degree
    at most ``degree``. With ``degree = N - 1`` and distinct :math:`x_i` the polynomial
    passes through every point. The fit is done in float64, in the Legendre basis on
    ``window`` (the inputs' range), and returned as a callable
    :class:`numpy.polynomial.Legendre`; ``.convert(kind=Polynomial)`` gives its
    ordinary coefficients.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> x = np.array([-1.0, 0.0, 1.0])
    >>> line = fit_polynomial(x, [0.0, 1.0, 4.0], 1)
    >>> fmt(line(x))
    '[-0.3333, 1.6667, 3.6667]'
    >>> through_all = fit_polynomial(x, [0.0, 1.0, 4.0], 2)
    >>> fmt(through_all.convert(kind=Polynomial).coef)
    '[1.0000, 2.0000, 1.0000]'
    """
    x, y = _pair(x, y)
    if not isinstance(degree, int | np.integer) or isinstance(degree, bool) or degree < 0:
        raise ValueError(f"degree must be a non-negative int, got {degree!r}")
    distinct = np.unique(x).size
    if degree >= distinct:
        raise ValueError(f"degree {degree} needs at least {degree + 1} distinct x values, "
                         f"got {distinct}")
    low, high = window
    if not (low < high and x.min() >= low and x.max() <= high):
        raise ValueError(f"window must be (low, high) with low < high containing every x, "
                         f"got {window} for x in [{x.min():.4g}, {x.max():.4g}]")
    return Legendre.fit(x, y, int(degree), domain=[low, high], window=[-1.0, 1.0])


def polynomial_mse(polynomial: Callable[[np.ndarray], np.ndarray], x: ArrayLike,
                   y: ArrayLike) -> float:
    r"""The mean squared error :math:`\frac{1}{N}\sum_{i=1}^N (y_i - f(x_i))^2` of a polynomial.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> polynomial_mse(Polynomial([0.0, 1.0]), [0.0, 1.0], [1.0, 1.0])
    0.5
    """
    x, y = _pair(x, y)
    residual = y - polynomial(x)
    return float(np.mean(residual**2))


@dataclass(frozen=True)
class DegreeSweep:
    """Training and held-out mean squared errors of polynomial fits, degree by degree."""

    degrees: tuple[int, ...]
    train_errors: tuple[float, ...]
    test_errors: tuple[float, ...]

    @property
    def best_degree(self) -> int:
        """The degree with the smallest held-out error."""
        return self.degrees[int(np.argmin(self.test_errors))]

    def at(self, degree: int) -> tuple[float, float]:
        """``(train error, held-out error)`` of ``degree``."""
        if degree not in self.degrees:
            raise ValueError(f"degree {degree} is not in the sweep {list(self.degrees)}")
        k = self.degrees.index(degree)
        return self.train_errors[k], self.test_errors[k]


def degree_sweep(
    x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, y_test: ArrayLike,
    degrees: Sequence[int], *, window: tuple[float, float] = (-1.0, 1.0),
) -> DegreeSweep:
    """Fit a polynomial of every degree in ``degrees`` to the training points.

    Returns each fit's mean squared error on the training points and on held-out
    points (``x_test``, ``y_test``) drawn separately from the same source.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> x = np.linspace(-1, 1, 5)
    >>> sweep = degree_sweep(x, x**2, [0.5], [0.25], [0, 1, 2])
    >>> fmt(sweep.train_errors), sweep.best_degree
    ('[0.1750, 0.1750, 0.0000]', 2)
    """
    if not degrees:
        raise ValueError("degrees must name at least one degree")
    x_train, y_train = _pair(x_train, y_train)
    x_test, y_test = _pair(x_test, y_test)
    train, test = [], []
    for degree in degrees:
        polynomial = fit_polynomial(x_train, y_train, degree, window=window)
        train.append(polynomial_mse(polynomial, x_train, y_train))
        test.append(polynomial_mse(polynomial, x_test, y_test))
    return DegreeSweep(tuple(int(d) for d in degrees), tuple(train), tuple(test))


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

def _y_limits(*arrays: np.ndarray) -> tuple[float, float]:
    values = np.concatenate(arrays)
    low, high = float(values.min()), float(values.max())
    pad = 0.25 * (high - low)
    return low - pad, high + pad


def _draw_polynomial_fit(
    ax: Axes, x: np.ndarray, y: np.ndarray, degree: int, *, truth: TrueFunction | None,
    window: tuple[float, float], title: str, color: str, x_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None, legend: bool | None = False,
) -> Legendre:
    polynomial = fit_polynomial(x, y, degree, window=window)
    grid = np.linspace(*window, 400)
    limits = _y_limits(y, *(() if y_test is None else (y_test,)))
    if x_test is not None and y_test is not None:
        ax.scatter(x_test, y_test, s=10, color=COLORS["test"], alpha=0.35,
                   label="held-out points")
    if truth is not None:
        ax.plot(grid, _truth_values(truth, grid), color=COLORS["truth"], linestyle="--",
                linewidth=1.5, label="true function $F$")
    ax.plot(grid, polynomial(grid), color=color, label="polynomial fit $f$")
    ax.scatter(x, y, s=26, color=COLORS["data"], zorder=3, label="training points")
    ax.set_ylim(*limits)
    label_axes(ax, title=title, xlabel="$x$", ylabel="$y$", legend=legend)
    return polynomial


def _figure_legend(fig: Figure, ax: Axes) -> None:
    """One legend for a row of panels, below them."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))


def three_fits_figure(
    x: ArrayLike,
    y: ArrayLike,
    *,
    truth: TrueFunction | None = None,
    simple_degree: int = 1,
    balanced_degree: int = 3,
    complex_degree: int | None = None,
    new_point: tuple[float, float] | None = None,
    window: tuple[float, float] = (-1.0, 1.0),
) -> Figure:
    """The lesson's three pictures: too simple (H1), through every point (H2), balanced.

    ``complex_degree`` defaults to ``N - 1``, the polynomial through every training
    point. ``new_point`` ``(x, y)``, a point the fits have not seen, is drawn on every
    panel with the gap between it and the fit, and each panel's title gives that
    squared gap.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> x = np.linspace(-1, 1, 6)
    >>> fig = three_fits_figure(x, np.sin(3 * x), new_point=(0.1, 0.3))
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['H1, underfit', 'H2, overfit', 'balanced']
    """
    x, y = _pair(x, y)
    complex_degree = x.size - 1 if complex_degree is None else complex_degree
    panels = [("H1, underfit", simple_degree, COLORS["model"]),
              ("H2, overfit", complex_degree, COLORS["test"]),
              ("balanced", balanced_degree, COLORS["huber"])]
    fig, axes = subplots(1, 3, width=4.0, height=3.4, sharey=True)
    for ax, (name, degree, color) in zip(axes, panels, strict=True):
        polynomial = fit_polynomial(x, y, degree, window=window)
        train_error = polynomial_mse(polynomial, x, y)
        title = f"{name}: degree {degree}\ntraining MSE {fmt(train_error)}"
        if new_point is not None:
            gap = (new_point[1] - float(polynomial(new_point[0]))) ** 2
            title += f", new point {fmt(gap)}"
        _draw_polynomial_fit(ax, x, y, degree, truth=truth, window=window, title=title,
                             color=color)
        if new_point is not None:
            predicted = float(polynomial(new_point[0]))
            ax.plot([new_point[0]] * 2, [new_point[1], predicted], color=COLORS["highlight"],
                    linewidth=1.5, linestyle=":")
            ax.scatter([new_point[0]], [new_point[1]], marker="*", s=160, zorder=4,
                       color=COLORS["highlight"], label="new point, and the fit's miss")
    _figure_legend(fig, axes[0])
    plt.close(fig)
    return fig


def u_curve_figure(sweep: DegreeSweep, *, marked_degree: int | None = None,
                   ax: Axes | None = None) -> Figure:
    """Training and held-out error against the degree, on a log scale: the U-curve.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> sweep = DegreeSweep((0, 1, 2), (1.0, 0.5, 0.1), (1.2, 0.6, 0.9))
    >>> fig = u_curve_figure(sweep, marked_degree=1)
    >>> [line.get_label() for line in fig.axes[0].lines][:2]
    ['training error', 'held-out error']
    """
    if ax is None:
        fig, ax = subplots()
    else:
        fig = ax.figure
    degrees = list(sweep.degrees)
    train, test = np.array(sweep.train_errors), np.array(sweep.test_errors)
    # A fit through every point has a training error of (almost) exactly 0, which a log
    # scale cannot show: such errors sit on a floor below the other values, marked.
    shown = np.concatenate([test, train[train > 1e-9 * test.max()]])
    floor = 10.0 ** (np.floor(np.log10(shown.min())) - 1)
    on_floor = train < floor
    ax.plot(degrees, np.maximum(train, floor), marker="o", color=COLORS["train"],
            label="training error")
    ax.plot(degrees, test, marker="s", color=COLORS["test"], label="held-out error")
    for degree in np.array(degrees)[on_floor]:
        ax.annotate("≈ 0", (degree, floor), textcoords="offset points", xytext=(-9, -4),
                    ha="right", fontsize=10, color=COLORS["train"])
    best = sweep.best_degree
    ax.axvline(best, color=COLORS["truth"], linestyle=":", linewidth=1.5,
               label=f"best held-out: degree {best}")
    if marked_degree is not None:
        train_error, test_error = sweep.at(marked_degree)
        ax.plot([marked_degree] * 2, [max(train_error, floor), test_error], "o",
                color=COLORS["highlight"],
                markersize=10, fillstyle="none", markeredgewidth=2, label="shown degree")
    ax.set_yscale("log")
    ax.set_xticks(degrees)
    label_axes(ax, title="Training error falls; held-out error falls, then rises",
               xlabel="polynomial degree $d$", ylabel="mean squared error (log scale)")
    plt.close(fig)
    return fig


def degree_panels(
    x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, y_test: ArrayLike,
    degrees: Sequence[int], *, truth: TrueFunction | None = None,
    window: tuple[float, float] = (-1.0, 1.0),
) -> Figure:
    """Small multiples: the fit of each degree in ``degrees``, with both errors in its title.

    The static companion of :func:`degree_demo`.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> x = np.linspace(-1, 1, 6)
    >>> fig = degree_panels(x, x**2, [0.5], [0.25], [1, 2])
    >>> fig.axes[1].get_title()
    'degree 2\\ntrain 0.0000, held-out 0.0000'
    """
    if not degrees:
        raise ValueError("degrees must name at least one degree")
    x_train, y_train = _pair(x_train, y_train)
    x_test, y_test = _pair(x_test, y_test)
    fig, axes = subplots(1, len(degrees), width=3.3, height=3.0, sharey=True, squeeze=False)
    for ax, degree in zip(axes[0], degrees, strict=True):
        _draw_degree(ax, x_train, y_train, x_test, y_test, degree, truth, window)
    _figure_legend(fig, axes[0][0])
    plt.close(fig)
    return fig


def _draw_degree(ax: Axes, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                 y_test: np.ndarray, degree: int, truth: TrueFunction | None,
                 window: tuple[float, float], legend: bool | None = False) -> None:
    polynomial = fit_polynomial(x_train, y_train, degree, window=window)
    title = (f"degree {degree}\ntrain {fmt(polynomial_mse(polynomial, x_train, y_train))}, "
             f"held-out {fmt(polynomial_mse(polynomial, x_test, y_test))}")
    _draw_polynomial_fit(ax, x_train, y_train, degree, truth=truth, window=window, title=title,
                         color=COLORS["model"], x_test=x_test, y_test=y_test, legend=legend)


def degree_demo(
    x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, y_test: ArrayLike, *,
    truth: TrueFunction | None = None, max_degree: int | None = None,
    window: tuple[float, float] = (-1.0, 1.0),
) -> widgets.VBox:
    """A degree slider: the fit of that degree, and where it sits on the U-curve.

    ``max_degree`` defaults to ``N - 1`` (the fit through every training point). The
    static companion is :func:`degree_panels`.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> x = np.linspace(-1, 1, 6)
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # no kernel here to show the figure
    ...     demo = degree_demo(x, x**2, [0.5], [0.25])
    >>> demo.children[0].max
    5
    """
    x_train, y_train = _pair(x_train, y_train)
    x_test, y_test = _pair(x_test, y_test)
    max_degree = x_train.size - 1 if max_degree is None else max_degree
    sweep = degree_sweep(x_train, y_train, x_test, y_test, range(max_degree + 1),
                         window=window)
    slider = widgets.IntSlider(value=1, min=0, max=max_degree, description="degree",
                               continuous_update=False)

    def draw(degree: int) -> Figure:
        fig, (left, right) = subplots(1, 2, width=4.6, height=3.5)
        _draw_degree(left, x_train, y_train, x_test, y_test, degree, truth, window)
        left.legend(loc="upper left", fontsize=7)
        u_curve_figure(sweep, marked_degree=degree, ax=right)
        plt.close(fig)
        return fig

    return interactive_figure(draw, degree=slider)


# --------------------------------------------------------------------------------------
# What complexity costs: y1 = 3x^2 + 2 against y2 = 3x^7 + 7x^6 + 6x^2 + 4x + 18
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PolynomialCost:
    """What it takes to store and evaluate a polynomial (see :func:`polynomial_cost`)."""

    degree: int
    parameters: int
    multiplications: int
    additions: int
    horner_multiplications: int


def _coefficients(coefficients: ArrayLike) -> np.ndarray:
    c = np.trim_zeros(_float64("coefficients", coefficients), trim="b")
    if c.size == 0:
        raise ValueError("coefficients must hold at least one non-zero value")
    return c


def polynomial_cost(coefficients: ArrayLike) -> PolynomialCost:
    r"""Count the parameters and the arithmetic of the polynomial :math:`\sum_k c_k x^k`.

    ``coefficients`` are :math:`c_0, c_1, \dots`, lowest power first.

    ``parameters`` counts the non-zero coefficients. Evaluated term by term, a term
    :math:`c_k x^k` (:math:`k \ge 1`) takes :math:`k` multiplications (:math:`k - 1` for
    the power, one for the coefficient) and the terms take one addition fewer than
    there are. Horner's rule, :math:`c_0 + x(c_1 + x(c_2 + \dots))`, needs one
    multiplication per degree.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> polynomial_cost([2, 0, 3])  # 3x^2 + 2
    PolynomialCost(degree=2, parameters=2, multiplications=2, additions=1, horner_multiplications=2)
    """
    c = _coefficients(coefficients)
    powers = np.flatnonzero(c)
    return PolynomialCost(
        degree=int(c.size - 1),
        parameters=int(powers.size),
        multiplications=int(powers.sum()),
        additions=int(powers.size - 1),
        horner_multiplications=int(c.size - 1),
    )


def stationary_points(coefficients: ArrayLike) -> list[tuple[float, float, str]]:
    """The real points where the derivative of the polynomial is zero, left to right.

    Returns ``(x, y, kind)`` with ``kind`` one of ``"minimum"``, ``"maximum"`` or
    ``"flat"`` (second derivative zero there).

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> [(fmt(x), fmt(y), kind) for x, y, kind in stationary_points([2, 0, 3])]
    [('0.0000', '2.0000', 'minimum')]
    """
    polynomial = Polynomial(_coefficients(coefficients))
    slope, curvature = polynomial.deriv(), polynomial.deriv(2)
    if slope.degree() < 1 and not np.any(slope.coef):
        return []
    roots = slope.roots()
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    points = []
    for x in real:
        bend = float(curvature(x))
        kind = "minimum" if bend > 1e-9 else "maximum" if bend < -1e-9 else "flat"
        points.append((float(x), float(polynomial(x)), kind))
    return points


def _polynomial_label(coefficients: np.ndarray) -> str:
    terms = []
    for k in range(coefficients.size - 1, -1, -1):
        c = coefficients[k]
        if c == 0:
            continue
        number = f"{c:g}"
        power = "" if k == 0 else "x" if k == 1 else f"x^{k}"
        terms.append(number + power)
    return "$" + " + ".join(terms) + "$"


def complexity_figure(
    simple: ArrayLike = (2, 0, 3),
    complex_: ArrayLike = (18, 4, 6, 0, 0, 0, 7, 3),
    *,
    x_range: tuple[float, float] = (-2.4, 1.0),
) -> Figure:
    """Draw two polynomials side by side, their stationary points marked and counted.

    The defaults are the lesson's :math:`y_1 = 3x^2 + 2` and
    :math:`y_2 = 3x^7 + 7x^6 + 6x^2 + 4x + 18`.

    Introduced in chapter "Underfitting and overfitting".

    Examples
    --------
    >>> fig = complexity_figure()
    >>> fig.axes[0].get_title()
    '$3x^2 + 2$\\n2 parameters, 2 multiplications'
    """
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range}")
    grid = np.linspace(low, high, 400)
    fig, axes = subplots(1, 2, width=4.6, height=3.4)
    for ax, coefficients, color in zip(axes, (simple, complex_), (COLORS["model"],
                                                                 COLORS["test"]), strict=True):
        c = _coefficients(coefficients)
        cost = polynomial_cost(c)
        ax.plot(grid, Polynomial(c)(grid), color=color, label="the polynomial")
        points = [p for p in stationary_points(c) if low <= p[0] <= high]
        for x, y, kind in points:
            ax.scatter([x], [y], s=50, zorder=3, color=COLORS["highlight"])
            ax.annotate(f"{kind} ({fmt(x, 2)}, {fmt(y, 2)})", (x, y),
                        textcoords="offset points", xytext=(8, 6 if kind == "minimum" else -12),
                        ha="left", fontsize=9)
        low_y, high_y = ax.get_ylim()
        ax.set_ylim(low_y, high_y + 0.12 * (high_y - low_y))
        label_axes(ax, title=f"{_polynomial_label(c)}\n{cost.parameters} parameters, "
                   f"{cost.multiplications} multiplications", xlabel="$x$", ylabel="$y$")
    plt.close(fig)
    return fig
