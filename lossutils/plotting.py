"""The course's one plot style, and the small helpers every figure uses.

Every figure in the chapters and notebooks is made by a function of ``lossutils``
that starts from :func:`subplots` and ends with :func:`label_axes`, so that all of
them share one look: labelled axes, a title, a legend where there are several lines.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["COLORS", "HOUSE_STYLE", "label_axes", "subplots", "use_house_style"]

#: Named colours, so that a concept keeps its colour from figure to figure.
COLORS = {
    "data": "#4c566a",
    "truth": "#2e7d32",
    "model": "#1565c0",
    "mse": "#1565c0",
    "mae": "#c62828",
    "huber": "#6a1b9a",
    "zero_one": "#ef6c00",
    "squared": "#1565c0",
    "train": "#1565c0",
    "test": "#c62828",
    "highlight": "#ef6c00",
}

HOUSE_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(
        color=["#1565c0", "#c62828", "#6a1b9a", "#2e7d32", "#ef6c00", "#4c566a"]
    ),
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "figure.constrained_layout.use": True,
    "svg.hashsalt": "lossutils",  # deterministic SVG ids
}


def use_house_style() -> None:
    """Apply the course's matplotlib style (called by :func:`subplots`)."""
    mpl.rcParams.update(HOUSE_STYLE)


def subplots(
    nrows: int = 1, ncols: int = 1, *, width: float | None = None, height: float | None = None,
    **kwargs,
) -> tuple[Figure, Axes | list]:
    """``plt.subplots`` in the house style, sized by panel.

    ``width`` and ``height`` are per panel in inches (defaults 4.2 x 3.2 for a grid,
    6.4 x 4.0 for a single panel).

    Examples
    --------
    >>> fig, axes = subplots(1, 3)
    >>> len(axes), round(float(fig.get_figwidth()), 1)
    (3, 12.6)
    >>> plt.close(fig)
    """
    use_house_style()
    single = nrows == 1 and ncols == 1
    width = width if width is not None else (6.4 if single else 4.2)
    height = height if height is not None else (4.0 if single else 3.2)
    kwargs.setdefault("squeeze", True)
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), **kwargs)


def label_axes(
    ax: Axes, *, title: str, xlabel: str, ylabel: str, legend: bool | None = None
) -> Axes:
    """Give an axes its title and axis labels; add a legend when it has labelled artists.

    ``legend=None`` draws a legend exactly when two or more artists carry a label.
    """
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend or (legend is None and len(labelled) >= 2):
        ax.legend()
    return ax
