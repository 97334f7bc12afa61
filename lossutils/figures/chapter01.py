"""Chapter 1, "Where the loss sits": the parts of a project, a spelling check, a line fit.

The figures and the demo of chapter 1 (``chapters/01-where-the-loss-sits.md``) and its
lab. :func:`project_diagram` draws the parts of a deep-learning project;
:func:`spelling_figure` draws a learner's attempts at the lesson's long word and their
loss; :func:`fit_progress_figure`, :func:`loss_curve_figure` and :func:`fit_step_figure`
draw a line fitted step by step, and :func:`fit_progress_demo` flips through its steps
(and, in a kernel, runs the lab's fit again at any learning rate).
The figures draw what the lab (or the chapter) computed: the spelling loss, the
learner, the fitting loop and the least-squares line are written out in the lab.

The settings of the chapter's two examples live here once, so that the chapter's
figures and the lab work on the same word and the same data: :data:`LONG_WORD`,
:data:`PIECE_LENGTH`, :data:`SPELLING_SEED` for the spelling; :func:`true_line`,
:data:`LINE_DATA`, :data:`STEPS`, :data:`LR` for the line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FormatStrFormatter, LogLocator, MultipleLocator, NullFormatter
from torch import Tensor

from ..display import fmt
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "DEMO_RATES",
    "DEMO_STEPS",
    "LINE_DATA",
    "LONG_WORD",
    "LR",
    "PIECE_LENGTH",
    "SHOWN_STEPS",
    "SPELLING_SEED",
    "STEPS",
    "TRUE_B",
    "TRUE_W",
    "fit_progress_demo",
    "fit_progress_figure",
    "fit_step_figure",
    "loss_curve_figure",
    "project_diagram",
    "spelling_figure",
    "true_line",
]

#: The lesson's long word: a lung disease caused by breathing in fine silica dust.
LONG_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis"
#: How many letters the learner studies after each check.
PIECE_LENGTH = 8
#: The seed of the learner's choice of where to start each piece.
SPELLING_SEED = 0

#: Slope and intercept of the true function :math:`F(x) = 1.5x + 0.5` of the line fit.
TRUE_W, TRUE_B = 1.5, 0.5
#: The keyword arguments of :func:`lossutils.noisy_samples` that draw the line's data.
LINE_DATA = {"n": 20, "noise": 0.25, "seed": 1}
#: Steps of gradient descent, and the learning rate, of the chapter's fit.
STEPS, LR = 60, 0.1
#: The steps the chapter's figure shows.
SHOWN_STEPS = (0, 5, 20, 60)
#: The steps the demo has a frame for (at most :data:`~lossutils.figures.player.MAX_FRAMES`).
DEMO_STEPS = (0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 60)
#: The learning rates of the demo's live slider: from a crawl to past the rate at which
#: the fit blows up (lab exercise 1.2), on a log scale.
DEMO_RATES = Range(0.01, 1.1, 0.01, log=True)


def true_line(x: Tensor) -> Tensor:
    """The true function of the chapter's line fit, :math:`F(x) = 1.5x + 0.5`.

    Examples
    --------
    >>> true_line(torch.tensor([0.0, 1.0]))
    tensor([0.5000, 2.0000])
    """
    return TRUE_W * x + TRUE_B


# --------------------------------------------------------------------------------------
# The parts of a deep-learning project
# --------------------------------------------------------------------------------------

_BOX_FONT = 9.5
_NOTE_FONT = 9.0


def _box(ax: Axes, centre: tuple[float, float], text: str, *, color: str,
         width: float = 2.1, height: float = 1.0, filled: bool = False) -> None:
    x, y = centre
    ax.add_patch(FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height,
        boxstyle="round,pad=0.02,rounding_size=0.15",
        facecolor=color if filled else "white", edgecolor=color, linewidth=2.0,
    ))
    ax.text(x, y, text, ha="center", va="center", fontsize=_BOX_FONT,
            color="white" if filled else "black")


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *,
           text: str = "", color: str = "#4c566a", style: str = "-|>", dashed: bool = False,
           bend: float = 0.0, text_at: tuple[float, float] | None = None) -> None:
    ax.add_patch(FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=13, color=color, linewidth=1.6,
        linestyle="--" if dashed else "-", connectionstyle=f"arc3,rad={bend}",
    ))
    if text:
        x, y = text_at if text_at is not None else (
            (start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.2)
        ax.text(x, y, text, ha="center", va="center", fontsize=_NOTE_FONT, color=color)


def project_diagram() -> Figure:
    """Draw the parts of a deep-learning project and the training loop that joins them.

    Data flow into the model, whose prediction the loss compares with the true target;
    the gradient of the cost tells the update how to move the parameters, and the loop
    repeats. Saving and loading keep the parameters between runs. The loss box is
    filled: it is the ruler the whole loop is steered by.

    Examples
    --------
    >>> fig = project_diagram()
    >>> fig.axes[0].get_title()
    'The parts of a deep-learning project'
    """
    fig, ax = subplots(height=4.3)
    ax.set_xlim(0, 10.4)
    ax.set_ylim(0.3, 5.3)
    grey, blue, orange = COLORS["data"], COLORS["model"], COLORS["highlight"]
    top, bottom = 3.9, 1.6
    ax.add_patch(FancyBboxPatch(
        (2.4, 0.45), 7.9, 4.3, boxstyle="round,pad=0.02,rounding_size=0.3",
        facecolor="#f4f7fb", edgecolor=blue, linestyle="--", linewidth=1.2,
    ))
    ax.text(6.35, 0.72, "training loop: repeat until the loss stops falling",
            ha="center", va="center", fontsize=_NOTE_FONT, color=blue, style="italic")
    _box(ax, (1.1, top), "Data\n$(x_i,\\ y_i)$", color=grey, width=1.8)
    _box(ax, (3.75, top), "Model $f_\\theta$\n(its design)", color=blue)
    _box(ax, (6.35, top), "Prediction\n$\\hat y_i = f_\\theta(x_i)$", color=blue)
    _box(ax, (9.0, top), "Loss\n$\\ell(\\hat y_i, y_i)$\nthe ruler", color=orange,
         filled=True, width=2.0, height=1.15)
    _box(ax, (9.0, bottom), "Gradient\n$\\nabla_\\theta J$\n(backward)", color=blue,
         width=2.0, height=1.15)
    _box(ax, (3.75, bottom), "Update\n$\\theta \\leftarrow \\theta - \\eta\\nabla_\\theta J$",
         color=blue, width=2.3)
    _box(ax, (1.1, bottom), "Save / load\n$\\theta$\n(checkpoint)", color=grey, width=1.8,
         height=1.15)
    # The label left of the training loop's dashed border (x = 2.4), not on it.
    _arrow(ax, (2.0, top), (2.7, top), text="$x_i$", color=grey, text_at=(2.16, top + 0.3))
    _arrow(ax, (4.8, top), (5.3, top))
    _arrow(ax, (7.4, top), (8.0, top))
    _arrow(ax, (1.1, top + 0.5), (8.75, top + 0.58), bend=-0.1, text="true target $y_i$",
           text_at=(5.6, 5.08))
    _arrow(ax, (9.0, top - 0.58), (9.0, bottom + 0.58), text="cost $J$", color=orange,
           text_at=(9.55, 2.75))
    _arrow(ax, (8.0, bottom), (4.9, bottom), text="which way\nthe cost rises",
           text_at=(6.45, bottom + 0.38))
    _arrow(ax, (3.75, bottom + 0.5), (3.75, top - 0.5), text="new $\\theta$",
           text_at=(3.2, 2.75))
    _arrow(ax, (2.0, bottom), (2.6, bottom), style="<|-|>", dashed=True, color=grey)
    ax.text(6.35, 2.75, "predict, measure,\ncorrect", ha="center", va="center",
            fontsize=10, color=blue)
    label_axes(ax, title="The parts of a deep-learning project", xlabel="", ylabel="")
    ax.set_axis_off()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------------------
# The lesson's spelling example: a loss that counts wrong letters
# --------------------------------------------------------------------------------------

def _check_word(name: str, word: object) -> str:
    if not isinstance(word, str):
        raise TypeError(f"{name} must be a str, got {type(word).__name__}")
    return word


def _spelling_loss(attempt: str, target: str = LONG_WORD) -> int:
    """The chapter's spelling loss (the lab writes it out): wrong, missing, extra letters.

    Examples
    --------
    >>> _spelling_loss("pneumonia", "pneumonoultra")
    6
    """
    attempt, target = _check_word("attempt", attempt), _check_word("target", target)
    wrong_letters = sum(a != t for a, t in zip(attempt, target, strict=False))
    return wrong_letters + abs(len(attempt) - len(target))


def _spelling_attempts(
    target: str = LONG_WORD,
    *,
    piece_length: int = PIECE_LENGTH,
    seed: int = SPELLING_SEED,
    max_attempts: int = 100,
    blank: str = "_",
) -> list[str]:
    """The attempts of figure "Learning the long word" (the lab writes the learner out).

    The first attempt is all ``blank``; after each check the learner corrects
    ``piece_length`` letters from a wrong letter chosen at random, until the spelling
    is right or after ``max_attempts`` attempts.

    Examples
    --------
    >>> attempts = _spelling_attempts("volcano", piece_length=3, seed=0)
    >>> attempts[0], attempts[-1]
    ('_______', 'volcano')
    >>> [_spelling_loss(a, "volcano") for a in attempts]
    [7, 5, 3, 1, 0]
    """
    target = _check_word("target", target)
    if not target:
        raise ValueError("target must be a non-empty word")
    if piece_length < 1:
        raise ValueError(f"piece_length must be at least 1, got {piece_length}")
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
    if len(blank) != 1 or blank in target:
        raise ValueError(f"blank must be one character that is not in the target, got {blank!r}")
    rng = np.random.default_rng(seed)
    letters = [blank] * len(target)
    attempts = ["".join(letters)]
    while _spelling_loss(attempts[-1], target) > 0 and len(attempts) < max_attempts:
        wrong = [k for k in range(len(target)) if letters[k] != target[k]]
        start = int(rng.choice(wrong))
        letters[start : start + piece_length] = target[start : start + piece_length]
        attempts.append("".join(letters))
    return attempts


def spelling_figure(
    attempts: Sequence[str], losses: Sequence[int], target: str = LONG_WORD
) -> Figure:
    """Each attempt with its wrong letters in red (top), and its loss (bottom).

    ``losses[k]`` is the spelling loss of ``attempts[k]``, as the lab computed it.

    Examples
    --------
    >>> fig = spelling_figure(["c_t", "cat"], [1, 0], "cat")
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['letter position', 'attempt']
    """
    if not attempts:
        raise ValueError("attempts must hold at least one attempt")
    if len(losses) != len(attempts):
        raise ValueError(f"one loss per attempt: {len(attempts)} attempts, "
                         f"{len(losses)} losses")
    attempts = [_check_word("attempt", a) for a in attempts]
    target = _check_word("target", target)
    width = max(len(target), *map(len, attempts))
    rows = len(attempts)
    fig, (words, curve) = subplots(
        2, 1, height=1.0, gridspec_kw={"height_ratios": [0.26 * rows + 0.9, 2.3]},
    )
    fig.set_figheight(0.26 * rows + 0.9 + 2.3)
    for row, attempt in enumerate(attempts):
        for k, letter in enumerate(attempt):
            right = k < len(target) and letter == target[k]
            words.text(k, row, letter, ha="center", va="center", family="monospace",
                       fontsize=9.5, color=COLORS["truth"] if right else COLORS["mae"])
    words.set_xlim(-0.8, width - 0.2)
    words.set_ylim(rows - 0.5, -0.5)
    words.set_yticks(range(rows), [str(k) for k in range(rows)])
    words.xaxis.set_major_locator(MultipleLocator(5))
    words.grid(False)
    label_axes(words, title="Attempts: right letters green, wrong ones red",
               xlabel="letter position", ylabel="attempt")
    curve.plot(range(rows), list(losses), marker="o", color=COLORS["highlight"])
    curve.set_xticks(range(rows))
    curve.set_ylim(bottom=0)
    label_axes(curve, title="The loss: letters still wrong", xlabel="attempt",
               ylabel="wrong letters")
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------------------
# A line fitted step by step
# --------------------------------------------------------------------------------------

def _cpu(name: str, values: object) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.detach().to("cpu", torch.float64).numpy().reshape(-1)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numbers (a tensor, an array or a list), "
                        f"got {type(values).__name__}") from error
    return array.reshape(-1)


class _History:
    """A fit as the lab recorded it, on the CPU: ``predictions[k]`` after ``k`` steps."""

    def __init__(self, x: object, y: object, grid: object, predictions: Sequence[object],
                 costs: Sequence[float], truth: object | None, best: object | None) -> None:
        self.x, self.y = _cpu("x", x), _cpu("y", y)
        if self.x.shape != self.y.shape:
            raise ValueError(f"x and y must hold as many values: {self.x.size} and "
                             f"{self.y.size}")
        self.grid = _cpu("grid", grid)
        if len(predictions) == 0 or len(predictions) != len(costs):
            raise ValueError(f"one prediction and one cost per step, from step 0: got "
                             f"{len(predictions)} predictions and {len(costs)} costs")
        self.predictions = [_cpu("predictions", p) for p in predictions]
        self.costs = _cpu("costs", costs)
        self.truth = None if truth is None else _cpu("truth", truth)
        self.best = None if best is None else _cpu("best", best)
        for name, line in [("a prediction", self.predictions[0]), ("truth", self.truth),
                           ("best", self.best)]:
            if line is not None and line.shape != self.grid.shape:
                raise ValueError(f"{name} must hold one value per grid point: "
                                 f"{line.size} values, {self.grid.size} grid points")
        lines = [self.y, *self.predictions] + [a for a in (self.truth, self.best)
                                                if a is not None]
        values = np.concatenate(lines)
        low, high = float(values.min()), float(values.max())
        pad = 0.08 * (high - low)
        self.y_limits = (low - pad, high + pad)

    def check_step(self, step: int) -> int:
        if not isinstance(step, int | np.integer) or isinstance(step, bool):
            raise TypeError(f"a step must be an int, got {type(step).__name__}")
        if not 0 <= step < len(self.costs):
            raise ValueError(f"step {step} was not recorded: the history holds steps "
                             f"0 to {len(self.costs) - 1}")
        return int(step)


def _draw_fit(ax: Axes, history: _History, step: int) -> None:
    ax.scatter(history.x, history.y, s=20, color=COLORS["data"], label="data", zorder=3)
    if history.truth is not None:
        ax.plot(history.grid, history.truth, color=COLORS["truth"], linestyle="--",
                linewidth=1.5, label="true function $F$")
    if history.best is not None:
        ax.plot(history.grid, history.best, color=COLORS["data"], linestyle=":",
                linewidth=1.8, label="least-squares line")
    ax.plot(history.grid, history.predictions[step], color=COLORS["model"],
            label="model $f$ at this step")
    ax.set_ylim(*history.y_limits)
    ax.xaxis.set_major_locator(MultipleLocator(0.5))
    label_axes(ax, title=f"step {step}: $J$ = {fmt(history.costs[step])}", xlabel="$x$",
               ylabel="$y$", legend=False)


def _figure_legend(fig: Figure, ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
               fontsize=9, handlelength=1.8, columnspacing=1.2)


def _draw_costs(ax: Axes, costs: np.ndarray, marked: Sequence[int], floor: float | None,
                log_scale: bool, title: str) -> None:
    steps = np.arange(len(costs))
    ax.plot(steps, costs, color=COLORS["highlight"], label="cost $J$")
    if marked:
        ax.plot([steps[k] for k in marked], [costs[k] for k in marked], "o",
                color=COLORS["model"], zorder=3)
    if log_scale:
        ax.set_yscale("log")
        # Plain numbers (0.1, 0.2, 0.5) rather than powers of ten.
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    if floor is not None:
        ax.axhline(floor, color=COLORS["data"], linestyle=":", linewidth=1.8)
        ax.text(steps[-1], floor * (0.93 if log_scale else 1.0), "least-squares cost",
                ha="right", va="top", fontsize=9, color=COLORS["data"])
        low = floor / 1.5 if log_scale else 0.0
        ax.set_ylim(bottom=low)
    label_axes(ax, title=title, xlabel="step", ylabel="cost $J$ (mean squared error)",
               legend=False)


def _floor(floor: float | None) -> float | None:
    if floor is None:
        return None
    value = float(_cpu("floor", floor)[0])
    if not value > 0:
        raise ValueError(f"floor must be a positive cost, got {value}")
    return value


def fit_progress_figure(
    x: Tensor,
    y: Tensor,
    grid: Tensor,
    predictions: Sequence[Tensor],
    costs: Sequence[float],
    steps_shown: Sequence[int] = SHOWN_STEPS,
    *,
    truth: Tensor | None = None,
    best: Tensor | None = None,
) -> Figure:
    """The data and the fitted line at each of ``steps_shown``: a grid, two panels wide.

    ``predictions[k]`` holds the model's output on ``grid`` after ``k`` steps and
    ``costs[k]`` its cost on the data ``(x, y)``, as the lab recorded them. ``truth``
    (the true function on ``grid``) is drawn dashed and ``best`` (the least-squares line
    on ``grid``) dotted, when given.

    Examples
    --------
    >>> grid = torch.tensor([0.0, 1.0])
    >>> fig = fit_progress_figure(torch.tensor([0.5]), torch.tensor([1.0]), grid,
    ...                           [torch.zeros(2), torch.ones(2)], [1.0, 0.5], [0, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['step 0: $J$ = 1.0000', 'step 1: $J$ = 0.5000']
    """
    history = _History(x, y, grid, predictions, costs, truth, best)
    if not steps_shown:
        raise ValueError("steps_shown must name at least one recorded step")
    shown = [history.check_step(step) for step in steps_shown]
    columns = 1 if len(shown) == 1 else 2
    rows = -(-len(shown) // columns)
    fig, axes = subplots(rows, columns, height=2.7, squeeze=False, sharex=True,
                         sharey=True)
    panels = axes.reshape(-1)
    for ax, step in zip(panels, shown, strict=False):
        _draw_fit(ax, history, step)
    for ax in panels[len(shown):]:
        ax.remove()
    for ax in panels[: len(shown)]:
        if not ax.get_subplotspec().is_last_row() and len(shown) > columns:
            ax.set_xlabel("")
        if not ax.get_subplotspec().is_first_col():
            ax.set_ylabel("")
    _figure_legend(fig, panels[0])
    plt.close(fig)
    return fig


def loss_curve_figure(
    costs: Sequence[float],
    *,
    marked_steps: Sequence[int] = (),
    floor: float | None = None,
    log_scale: bool = True,
) -> Figure:
    """The cost against the step (``costs[k]`` after ``k`` steps), dots at ``marked_steps``.

    ``floor``, when given, is the lowest cost a line can reach (the least-squares
    line's), drawn as a dotted horizontal line.

    Examples
    --------
    >>> loss_curve_figure([4.0, 2.0, 1.0], marked_steps=[1]).axes[0].get_yscale()
    'log'
    """
    values = _cpu("costs", costs)
    if values.size == 0:
        raise ValueError("costs must hold at least one cost")
    marked = []
    for step in marked_steps:
        if not 0 <= step < values.size:
            raise ValueError(f"marked step {step} was not recorded: costs hold steps 0 to "
                             f"{values.size - 1}")
        marked.append(int(step))
    fig, ax = subplots(height=3.4)
    _draw_costs(ax, values, marked, _floor(floor), log_scale,
                title="The cost shrinks as the line is corrected")
    plt.close(fig)
    return fig


def fit_step_figure(
    x: Tensor,
    y: Tensor,
    grid: Tensor,
    predictions: Sequence[Tensor],
    costs: Sequence[float],
    step: int,
    *,
    truth: Tensor | None = None,
    best: Tensor | None = None,
    floor: float | None = None,
) -> Figure:
    """One frame of :func:`fit_progress_demo`: the fit after ``step`` steps, and the cost.

    Left, the data and the line after ``step`` steps (``truth`` dashed, ``best``
    dotted); right, the cost at every step with a dot at ``step`` and the
    least-squares cost ``floor``.

    Examples
    --------
    >>> fig = fit_step_figure(torch.tensor([0.5]), torch.tensor([1.0]),
    ...                       torch.tensor([0.0, 1.0]), [torch.zeros(2), torch.ones(2)],
    ...                       [1.0, 0.5], 1)
    >>> fig.axes[0].get_title()
    'step 1: $J$ = 0.5000'
    """
    history = _History(x, y, grid, predictions, costs, truth, best)
    step = history.check_step(step)
    fig, (left, right) = subplots(1, 2, height=3.1)
    _draw_fit(left, history, step)
    _draw_costs(right, history.costs, [step], _floor(floor), log_scale=True,
                title="The cost at every step")
    _figure_legend(fig, left)
    plt.close(fig)
    return fig


def fit_progress_demo(
    x: Tensor,
    y: Tensor,
    grid: Tensor,
    *,
    fit: Callable[..., tuple],
    lr: float = LR,
    fit_steps: int = STEPS,
    steps: Sequence[int] = DEMO_STEPS,
    rates: Range = DEMO_RATES,
    truth: Tensor | None = None,
    best: Tensor | None = None,
    floor: float | None = None,
) -> LiveDemo:
    """A slider over the training steps, and in a kernel one for the learning rate.

    ``fit`` is the lab's loop: ``fit(x, y, steps=fit_steps, lr=rate, grid=grid)``
    returns ``(w, b, costs, predictions)``, the cost and the line on ``grid`` after
    each step from 0 to ``fit_steps``. Each picture (:func:`fit_step_figure`) is drawn
    from a run of ``fit``, one run per learning rate (kept while the demo lives).

    The frames, for the website, are those of ``steps`` at the learning rate ``lr``.
    In a kernel the step slider takes every step, and a second slider sets the
    learning rate over ``rates``: each new rate runs ``fit`` again. The other arguments
    are those of :func:`fit_step_figure`. The slider starts at step 0, the blank page.

    Examples
    --------
    >>> def fit(x, y, *, steps, lr, grid):  # a stand-in for the lab's loop
    ...     costs = [1.0 / (1 + lr * k) for k in range(steps + 1)]
    ...     return None, None, costs, [lr * k * grid for k in range(steps + 1)]
    >>> demo = fit_progress_demo(torch.tensor([0.5]), torch.tensor([1.0]),
    ...                          torch.tensor([0.0, 1.0]), fit=fit, fit_steps=2,
    ...                          steps=[0, 2])
    >>> demo
    <live demo: training step = 0, learning rate = 0.1; fallback <demo: 2 frames; \
sliders: training step (2 values, 0 to 2)>>
    >>> demo.set(step=1, lr=0.5)
    >>> demo.figure.axes[0].get_title()
    'step 1: $J$ = 0.6667'
    """
    if isinstance(fit_steps, bool) or not isinstance(fit_steps, int) or fit_steps < 1:
        raise ValueError(f"fit_steps must be a positive int, got {fit_steps!r}")
    runs: dict[float, tuple[list, list]] = {}

    def run(rate: float) -> tuple[list, list]:
        """The costs and lines of ``fit`` at this learning rate, run once."""
        if rate not in runs:
            _, _, costs, predictions = fit(x, y, steps=fit_steps, lr=rate, grid=grid)
            runs[rate] = (list(costs), list(predictions))
        return runs[rate]

    costs, predictions = run(float(lr))
    history = _History(x, y, grid, predictions, costs, truth, best)
    if len(costs) != fit_steps + 1:
        raise ValueError(f"fit ran {len(costs) - 1} steps; it was asked for {fit_steps}")
    frame_steps = [history.check_step(step) for step in steps]

    def draw(step: int, lr: float) -> Figure:
        costs, predictions = run(float(lr))
        return fit_step_figure(x, y, grid, predictions, costs, step, truth=truth,
                               best=best, floor=floor)

    return live_demo(
        draw,
        description="The line fitted by gradient descent and its cost",
        labels={"step": "training step", "lr": "learning rate"},
        ranges={"step": Range(0, fit_steps, 1), "lr": rates},
        frames={"step": frame_steps},
        start={"step": frame_steps[0], "lr": float(lr)},
    )
