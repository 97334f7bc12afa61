"""The appendix "What the from-scratch losses cost": the benchmark's table, drawn.

:func:`cost_figure` draws the timings that ``make bench`` writes to
``benchmarks/results.json`` (its ``losses`` rows): how many times torch's time each
lossutils loss takes, forward and forward + backward, against the limits the course
holds them to; and, when the benchmark also timed the losses as they were before their
backward was written out (``baseline`` rows), that ratio before and after.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .style import COLORS, label_axes, subplots

__all__ = ["cost_figure"]

PASSES = ("forward", "forward + backward")


def _labels(rows: list[dict]) -> list[str]:
    """The losses of ``rows`` in their order, each once (its short name)."""
    labels: list[str] = []
    for row in rows:
        if row["short"] not in labels:
            labels.append(row["short"])
    return labels


def _ratios(rows: list[dict], labels: list[str], pass_name: str) -> np.ndarray:
    by_label = {row["short"]: row["ratio"] for row in rows if row["pass"] == pass_name}
    return np.array([by_label.get(label, np.nan) for label in labels])


def cost_figure(rows: list[dict], baseline: list[dict] | None = None) -> Figure:
    """Ratios lossutils / torch per loss: forward and forward + backward, with the limits.

    ``rows`` are the benchmark's ``losses`` rows (keys ``short``, ``pass``, ``ratio``,
    ``limit``); only the rows with a ``limit`` are drawn. With ``baseline`` rows (the
    same losses before this work), a second panel compares forward + backward before
    and after, on a logarithmic axis.

    Examples
    --------
    >>> from lossutils.figures.style import figure_problems
    >>> rows = [
    ...     {"short": "mse", "pass": "forward", "ratio": 1.1, "limit": 1.5},
    ...     {"short": "mse", "pass": "forward + backward", "ratio": 1.2, "limit": 2.0},
    ... ]
    >>> before = [{"short": "mse", "pass": "forward + backward", "ratio": 4.3, "limit": 2.0}]
    >>> fig = cost_figure(rows, before)
    >>> figure_problems(fig)
    []
    >>> len(fig.axes)
    2
    """
    rows = [row for row in rows if row.get("limit")]
    labels = _labels(rows)
    panels = 2 if baseline else 1
    height = 0.32 * len(labels) + 1.3
    fig, axes = subplots(panels, 1, height=height)
    # A little more room at the edges than the layout's default: laid out for a notebook's
    # 2x picture, the longest label ("cross_entropy weighted, smoothed") came 2 px past
    # the left edge at the figure's own size.
    fig.get_layout_engine().set(w_pad=0.08)
    axes = np.atleast_1d(axes)
    positions = np.arange(len(labels))[::-1]
    bar = 0.38

    ax = axes[0]
    colors = {"forward": COLORS["model"], "forward + backward": COLORS["highlight"]}
    for offset, pass_name in zip((bar / 2, -bar / 2), PASSES, strict=True):
        ax.barh(
            positions + offset, _ratios(rows, labels, pass_name), height=bar,
            color=colors[pass_name], label=pass_name,
        )  # fmt: skip
    limits = {row["pass"]: row["limit"] for row in rows}
    for pass_name, limit in sorted(limits.items()):
        ax.axvline(limit, color=colors[pass_name], linestyle="--", linewidth=1.2)
    ax.axvline(1.0, color=COLORS["data"], linewidth=1.0)
    ax.set_yticks(positions, labels)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(2.4, float(np.nanmax([row["ratio"] for row in rows])) * 1.08))
    shown_limits = " and ".join(f"{limit:g}" for _, limit in sorted(limits.items()))
    label_axes(
        ax,
        title=f"lossutils time / torch time (dashed: the limits, {shown_limits})",
        xlabel="ratio (1 = as fast as torch)",
        ylabel="",
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below the bars

    if baseline:
        ax = axes[1]
        after = _ratios(rows, labels, "forward + backward")
        before = _ratios(baseline, labels, "forward + backward")
        ax.barh(positions + bar / 2, before, height=bar, color=COLORS["data"], label="before")
        ax.barh(positions - bar / 2, after, height=bar, color=COLORS["highlight"], label="now")
        if "forward + backward" in limits:
            ax.axvline(limits["forward + backward"], color=COLORS["highlight"],
                       linestyle="--", linewidth=1.2)
        ax.set_xscale("log")
        low, high = ax.get_xlim()
        ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100) if low <= t <= high]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_yticks(positions, labels)
        ax.grid(axis="y", visible=False)
        label_axes(
            ax,
            title="forward + backward, before the backward was written out and now",
            xlabel="lossutils time / torch time (log scale)",
            ylabel="",
        )
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below the bars
    plt.close(fig)  # shown once, as the value of the cell, not again by pyplot
    return fig
