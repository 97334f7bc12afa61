"""The course's one plot style and the figure standard every figure is held to.

Every figure of the book and the labs starts from :func:`subplots` and ends with
:func:`label_axes`, so that all of them share one look and one size: drawn at the
width of the website's text column, at most two panels wide, fonts no smaller than
:data:`MIN_FONT_PX` pixels where the reader sees them. :func:`figure_problems` says
what a figure breaks of that standard; the tests run it on every figure the course
draws.
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

__all__ = [
    "COLORS",
    "CONTENT_WIDTH_PX",
    "DPI",
    "FIGURE_WIDTH",
    "HOUSE_STYLE",
    "MAX_PANELS_WIDE",
    "MIN_FONT_PX",
    "MIN_SHOWN_FRACTION",
    "PIXEL_DENSITY",
    "figure_problems",
    "label_axes",
    "subplots",
    "use_house_style",
]

#: Width in CSS pixels of the website's text column on a 1280 px wide screen.
CONTENT_WIDTH_PX = 688
#: Pixels per inch of every figure (``figure.dpi`` and ``savefig.dpi``).
DPI = 100
#: Width in inches of every figure: the text column, so that it is shown at 100 %.
FIGURE_WIDTH = 6.8
#: The smallest text, in CSS pixels as the reader sees it at the column width.
MIN_FONT_PX = 9.0
#: No figure may be shrunk below this fraction of its drawn width.
MIN_SHOWN_FRACTION = 0.7
#: Panels side by side, at most: a 2 x 2 grid instead of a 1 x 4 strip.
MAX_PANELS_WIDE = 2
#: Pixels of a picture per pixel where it is shown: a figure in a notebook (IPython's
#: "retina" PNG) and a demo frame are drawn at twice their size in pixels and shown at
#: their size, so that their text is sharp on a phone's or a laptop's 2x screen, and
#: when the page is zoomed to 200 %.
PIXEL_DENSITY = 2

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
    "cross_entropy": "#6a1b9a",
    "train": "#1565c0",
    "test": "#c62828",
    "highlight": "#ef6c00",
}

HOUSE_STYLE = {
    "figure.figsize": (FIGURE_WIDTH, 3.8),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(
        color=["#1565c0", "#c62828", "#6a1b9a", "#2e7d32", "#ef6c00", "#4c566a"]
    ),
    "legend.frameon": True,
    "legend.framealpha": 0.85,
    "legend.edgecolor": "none",
    "legend.loc": "best",
    "lines.linewidth": 2.0,
    "svg.hashsalt": "lossutils",  # deterministic SVG ids
}


def use_house_style() -> None:
    """Apply the course's matplotlib style (called by :func:`subplots`); in a notebook,
    figures are then shown as PNGs of :data:`PIXEL_DENSITY` pixels per pixel shown."""
    mpl.rcParams.update(HOUSE_STYLE)
    _sharp_in_notebooks()


def _sharp_in_notebooks() -> None:
    """IPython's "retina" figures: a PNG of twice the pixels, whose output metadata gives
    the size to show it at (JupyterLab, Colab and the website read it).

    Set in the inline backend's configuration, not only in the shell's formatters: the
    backend, started by the first figure, sets the formatters from its configuration.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # not in IPython: nothing shows figures inline
        return
    if get_ipython() is None:
        return
    assert PIXEL_DENSITY == 2, "IPython's 'retina' format is twice the pixels"
    with warnings.catch_warnings():
        # matplotlib-inline's own trait observer is of a style traitlets deprecates.
        warnings.simplefilter("ignore", DeprecationWarning)
        InlineBackend.instance().figure_formats = {"retina"}
    set_matplotlib_formats("retina")


def subplots(
    nrows: int = 1, ncols: int = 1, *, height: float | None = None, **kwargs
) -> tuple[Figure, Axes | np.ndarray]:
    """``plt.subplots`` in the house style, as wide as the website's text column.

    The figure is closed in pyplot at once: a notebook shows it once, when a cell
    returns it (not a second time when the cell ends), and nothing needs closing. It
    is :data:`FIGURE_WIDTH` inches wide whatever the number of panels, so it is shown
    at full size; ``height`` is the height of one row of panels in inches
    (default 3.8 for one row, 2.9 per row for a grid). At most :data:`MAX_PANELS_WIDE`
    panels side by side.

    Examples
    --------
    >>> fig, axes = subplots(2, 2)
    >>> axes.shape, float(fig.get_figwidth()) * DPI
    ((2, 2), 680.0)
    >>> plt.close(fig)
    >>> subplots(1, 4)
    Traceback (most recent call last):
    ...
    ValueError: at most 2 panels side by side, got ncols=4: use a grid (nrows=2, ncols=2)
    """
    if ncols > MAX_PANELS_WIDE:
        rows = -(-ncols * nrows // MAX_PANELS_WIDE)
        raise ValueError(
            f"at most {MAX_PANELS_WIDE} panels side by side, got ncols={ncols}: "
            f"use a grid (nrows={rows}, ncols={MAX_PANELS_WIDE})"
        )
    use_house_style()
    if height is None:
        height = 3.8 if nrows == 1 else 2.9
    # The layout is the figure's own, not an rcParam: a figure made with layout="none"
    # (a demo's frozen frame) must not be given the constrained layout when it is saved.
    kwargs.setdefault("layout", "constrained")
    figure, axes = plt.subplots(nrows, ncols, figsize=(FIGURE_WIDTH, height * nrows), **kwargs)
    plt.close(figure)
    return figure, axes


def label_axes(
    ax: Axes, *, title: str, xlabel: str, ylabel: str, legend: bool | None = None
) -> Axes:
    """Give an axes its title and axis labels; add a legend when it has labelled artists.

    ``legend=None`` draws a legend exactly when two or more artists carry a label. The
    legend goes where it covers the fewest data points (matplotlib's ``loc="best"``);
    :func:`figure_problems` checks that it covers none.
    """
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend or (legend is None and len(labelled) >= 2):
        ax.legend()
    return ax


def _along_segments(points: np.ndarray, spacing: float = 2.0) -> np.ndarray:
    """Points every ``spacing`` pixels along a polyline, so a legend on a segment shows."""
    finite = points[np.isfinite(points).all(axis=1)]
    if len(finite) < 2:
        return finite
    pieces = [finite[:1]]
    for start, end in zip(finite[:-1], finite[1:], strict=True):
        steps = int(min(np.hypot(*(end - start)) // spacing, 2000)) + 1
        fractions = np.linspace(0.0, 1.0, steps + 1)[1:, None]
        pieces.append(start + fractions * (end - start))
    return np.concatenate(pieces)


def _data_points_px(ax: Axes) -> np.ndarray:
    """The display coordinates of every plotted data point of ``ax`` (lines, scatters)."""
    chunks = []
    for artist in ax.get_children():
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            xy = np.column_stack(artist.get_data()).astype(float)
            points = artist.get_transform().transform(xy)
            if artist.get_linestyle() not in ("None", "", " ") and len(points) > 1:
                points = _along_segments(points)
            chunks.append(points)
        elif isinstance(artist, PathCollection):
            offsets = np.asarray(artist.get_offsets(), dtype=float)
            if offsets.size:
                chunks.append(artist.get_offset_transform().transform(offsets))
    if not chunks:
        return np.empty((0, 2))
    points = np.concatenate(chunks)
    return points[np.isfinite(points).all(axis=1)]


def figure_problems(figure: Figure, shown_width_px: float = CONTENT_WIDTH_PX) -> list[str]:
    """What ``figure`` breaks of the course's figure standard (empty when it meets it).

    Checked at the width the website shows it (``shown_width_px``, the text column):

    * it is not shrunk below :data:`MIN_SHOWN_FRACTION` of its drawn width;
    * no visible text is smaller than :data:`MIN_FONT_PX` pixels as shown;
    * at most :data:`MAX_PANELS_WIDE` panels side by side;
    * no legend lies on a plotted data point or on a drawn line, and no legend of the
      figure itself lies on a panel;
    * no text is cut at the figure's edge;
    * no two tick labels of an axis, and no two annotations of a panel, overlap.

    Examples
    --------
    >>> fig, ax = subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="a")
    >>> _ = ax.text(0.5, 0.2, "tiny", fontsize=5)
    >>> figure_problems(fig)
    ["text 'tiny' is 6.9 px where it is shown (at least 9 px)"]
    >>> plt.close(fig)
    """
    problems = []
    # Lay out first: tick labels get their text, and legends and data their final places.
    figure.draw_without_rendering()
    drawn_px = figure.get_figwidth() * figure.dpi
    scale = min(1.0, shown_width_px / drawn_px)
    if scale < MIN_SHOWN_FRACTION:
        problems.append(
            f"drawn {drawn_px:.0f} px wide, shown at {100 * scale:.0f} % in a "
            f"{shown_width_px:.0f} px column (at least {100 * MIN_SHOWN_FRACTION:.0f} %)"
        )
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        shown = text.get_fontsize() * figure.dpi / 72 * scale
        if shown < MIN_FONT_PX - 1e-9:
            problems.append(
                f"text {text.get_text()!r} is {shown:.1f} px where it is shown "
                f"(at least {MIN_FONT_PX:.0f} px)"
            )
    axes = [ax for ax in figure.get_axes() if ax.get_visible() and ax.get_subplotspec()]
    for ax in axes:
        columns = ax.get_subplotspec().get_gridspec().ncols
        if columns > MAX_PANELS_WIDE:
            problems.append(f"{columns} panels side by side (at most {MAX_PANELS_WIDE})")
            break
    for ax in figure.get_axes():
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent()
        points = _data_points_px(ax)
        inside = (
            (points[:, 0] > box.x0) & (points[:, 0] < box.x1)
            & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)
        )
        if inside.any():
            problems.append(
                f"the legend of {ax.get_title()!r} lies on the plotted data "
                f"({int(inside.sum())} points of lines or markers under it)"
            )
    return problems + _layout_problems(figure)


def _drawn_tick_labels(ax: Axes) -> list[list[Text]]:
    """The x and the y tick labels matplotlib draws: with text, inside the view."""
    if not ax.axison or not ax.get_visible():
        return []
    drawn = []
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        margin = 1e-9 * (high - low)
        drawn.append([tick.label1 for tick in axis.get_major_ticks()
                      if tick.label1.get_visible() and tick.label1.get_text()
                      and low - margin <= tick.get_loc() <= high + margin])
    return drawn


def _layout_problems(figure: Figure) -> list[str]:
    """Text cut at the figure's edge, figure legends on panels, text on text."""
    renderer = figure._get_renderer()
    drawn_ticks = {ax: _drawn_tick_labels(ax) for ax in figure.get_axes()}
    shown = {id(label) for labels in drawn_ticks.values() for axis in labels for label in axis}
    every_tick = {id(label) for ax in figure.get_axes() for axis in (ax.xaxis, ax.yaxis)
                  for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                  for label in (tick.label1, tick.label2)}
    edge = figure.bbox
    problems = []
    texts = [text for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip()
             and (id(text) in shown or id(text) not in every_tick)]
    for artist in texts + list(figure.legends):
        box = artist.get_window_extent(renderer)
        if (box.x0 < edge.x0 - 1 or box.x1 > edge.x1 + 1
                or box.y0 < edge.y0 - 1 or box.y1 > edge.y1 + 1):
            name = artist.get_text() if isinstance(artist, Text) else "the figure legend"
            problems.append(f"{name!r} is cut at the figure's edge")
    for legend in figure.legends:
        box = legend.get_window_extent(renderer)
        problems += [f"the figure legend lies on the panel {ax.get_title()!r}"
                     for ax in figure.get_axes()
                     if ax.get_visible() and box.overlaps(ax.get_window_extent(renderer))]
    for ax, axes_labels in drawn_ticks.items():
        groups = [*axes_labels, [t for t in ax.texts if t.get_visible() and t.get_text()]]
        for group in groups:
            boxes = [text.get_window_extent(renderer) for text in group]
            problems += [
                f"{group[i].get_text()!r} and {group[j].get_text()!r} run together in "
                f"{ax.get_title()!r}"
                for i in range(len(group)) for j in range(i + 1, len(group))
                if boxes[i].overlaps(boxes[j])
            ]
    return problems
