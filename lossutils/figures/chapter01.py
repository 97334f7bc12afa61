"""Where the loss sits: the parts of a project, a spelling check, a model fitted step by step.

Introduced in chapter "Where the loss sits" (``chapters/01-where-the-loss-sits.md``) and
its lab. The chapter draws the parts of a deep-learning project with
:func:`project_diagram`, plays the lesson's long-word example with :func:`spelling_loss`
and :func:`spelling_attempts`, and the lab records a small model as it is fitted
(:func:`record_fit`) to show its predictions and its loss at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from torch import Tensor, nn

from ..display import fmt
from .style import COLORS, label_axes, subplots
from ._training import fit
from .player import frame_player

__all__ = [
    "LONG_WORD",
    "FitRecord",
    "fit_progress_demo",
    "fit_progress_panels",
    "loss_curve_figure",
    "project_diagram",
    "record_fit",
    "spelling_attempts",
    "spelling_figure",
    "spelling_loss",
]

#: The lesson's long word: a lung disease caused by breathing in fine silica dust.
LONG_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis"


# --------------------------------------------------------------------------------------
# The parts of a deep-learning project
# --------------------------------------------------------------------------------------

def _box(ax: Axes, centre: tuple[float, float], text: str, *, color: str,
         width: float = 2.0, height: float = 1.0, filled: bool = False) -> None:
    x, y = centre
    ax.add_patch(FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height,
        boxstyle="round,pad=0.02,rounding_size=0.15",
        facecolor=color if filled else "white", edgecolor=color, linewidth=2.0,
    ))
    ax.text(x, y, text, ha="center", va="center", fontsize=11,
            color="white" if filled else "black")


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *,
           text: str = "", color: str = "#4c566a", style: str = "-|>", dashed: bool = False,
           bend: float = 0.0, text_offset: tuple[float, float] = (0.0, 0.18)) -> None:
    ax.add_patch(FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=14, color=color, linewidth=1.6,
        linestyle="--" if dashed else "-", connectionstyle=f"arc3,rad={bend}",
    ))
    if text:
        middle_x = (start[0] + end[0]) / 2 + text_offset[0]
        middle_y = (start[1] + end[1]) / 2 + text_offset[1]
        ax.text(middle_x, middle_y, text, ha="center", va="center", fontsize=10, color=color)


def project_diagram() -> Figure:
    """Draw the parts of a deep-learning project and the training loop that joins them.

    Data flow into the model, whose prediction the loss compares with the true target;
    the gradient of the cost tells the optimiser how to update the parameters, and the
    loop repeats. Saving and loading keep the parameters between runs. The loss box is
    highlighted: it is the ruler the whole loop is steered by.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> fig = project_diagram()
    >>> fig.axes[0].get_title()
    'The parts of a deep-learning project'
    """
    fig, ax = subplots(width=10.0, height=4.6)
    ax.set_xlim(0, 10.2)
    ax.set_ylim(0.2, 5.2)
    grey, blue, orange = COLORS["data"], COLORS["model"], COLORS["highlight"]
    top, bottom = 3.9, 1.5
    ax.add_patch(FancyBboxPatch(
        (2.45, 0.55), 7.6, 4.25, boxstyle="round,pad=0.02,rounding_size=0.3",
        facecolor="#f4f7fb", edgecolor=blue, linestyle="--", linewidth=1.2,
    ))
    ax.text(6.25, 0.78, "training loop: repeat until the loss stops falling",
            ha="center", va="center", fontsize=10.5, color=blue, style="italic")
    _box(ax, (1.05, top), "Data\n$(x_i,\\ y_i)$", color=grey, width=1.8)
    _box(ax, (3.65, top), "Model $f_\\theta$\n(its design)", color=blue)
    _box(ax, (6.25, top), "Prediction\n$\\hat y_i = f_\\theta(x_i)$", color=blue)
    _box(ax, (8.85, top), "Loss $\\ell(\\hat y_i, y_i)$\nthe ruler", color=orange, filled=True)
    _box(ax, (8.85, bottom), "Gradient\n$\\nabla_\\theta J$ (backward)", color=blue)
    _box(ax, (3.65, bottom), "Update\n$\\theta \\leftarrow \\theta - \\eta\\nabla_\\theta J$",
         color=blue, width=2.3)
    _box(ax, (1.05, bottom), "Save / load\n$\\theta$ (checkpoint)", color=grey, width=1.8)
    _arrow(ax, (1.95, top), (2.65, top))
    ax.text(2.3, top + 0.22, "$x_i$", ha="center", fontsize=10, color=grey)
    _arrow(ax, (4.65, top), (5.25, top))
    _arrow(ax, (7.25, top), (7.85, top))
    _arrow(ax, (1.05, top + 0.5), (8.6, top + 0.5), bend=-0.12, text="true target $y_i$",
           text_offset=(0.0, 0.68))
    _arrow(ax, (8.85, top - 0.5), (8.85, bottom + 0.5), text="cost $J$", color=orange,
           text_offset=(0.45, 0.0))
    _arrow(ax, (7.85, bottom), (4.8, bottom), text="which way the cost rises")
    _arrow(ax, (3.65, bottom + 0.5), (3.65, top - 0.5), text="new $\\theta$",
           text_offset=(-0.45, 0.0))
    _arrow(ax, (1.95, bottom), (2.5, bottom), style="<|-|>", dashed=True, color=grey)
    ax.text(6.25, 2.7, "predict, measure, correct", ha="center", va="center", fontsize=12,
            color=blue)
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


def spelling_loss(attempt: str, target: str = LONG_WORD) -> int:
    r"""Count the letters of ``attempt`` that differ from ``target``: a loss for spelling.

    .. math::
        \ell = \sum_{k} [\text{attempt}_k \ne \text{target}_k] + |\,|\text{attempt}|
               - |\text{target}|\,|

    Letters are compared position by position; each missing or extra letter counts as
    one mistake. The loss is 0 exactly when the spelling is right.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> spelling_loss("pneumonia", "pneumonoultra")
    6
    >>> spelling_loss(LONG_WORD)
    0
    """
    attempt, target = _check_word("attempt", attempt), _check_word("target", target)
    wrong_letters = sum(a != t for a, t in zip(attempt, target, strict=False))
    return wrong_letters + abs(len(attempt) - len(target))


def spelling_attempts(
    target: str = LONG_WORD,
    *,
    piece_length: int = 8,
    max_attempts: int = 20,
    seed: int = 0,
    blank: str = "_",
) -> list[str]:
    """Learn to spell ``target`` piece by piece, starting from a blank page.

    The first attempt is all ``blank``. After each attempt the learner compares it with
    the right spelling and studies one piece: starting at a letter it got wrong (chosen
    at random), it corrects the next ``piece_length`` letters. It stops when the
    spelling is right or after ``max_attempts`` attempts. Returns every attempt, the
    first (blank) one included.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> attempts = spelling_attempts("volcano", piece_length=3, seed=0)
    >>> attempts[0], attempts[-1]
    ('_______', 'volcano')
    >>> [spelling_loss(a, "volcano") for a in attempts]
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
    while len(attempts) < max_attempts:
        wrong = [k for k, (a, t) in enumerate(zip(letters, target, strict=True)) if a != t]
        if not wrong:
            break
        start = int(rng.choice(wrong))
        letters[start : start + piece_length] = target[start : start + piece_length]
        attempts.append("".join(letters))
    return attempts


def spelling_figure(attempts: Sequence[str], target: str = LONG_WORD) -> Figure:
    """Show each attempt with its wrong letters in red, and the loss falling attempt by attempt.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> fig = spelling_figure(spelling_attempts("volcano", piece_length=3))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['letter position', 'attempt']
    """
    if not attempts:
        raise ValueError("attempts must hold at least one attempt")
    attempts = [_check_word("attempt", a) for a in attempts]
    losses = [spelling_loss(a, target) for a in attempts]
    width = max(len(target), *map(len, attempts))
    fig, (words, curve) = subplots(
        1, 2, width=1.0, height=0.32 * len(attempts) + 1.4,
        gridspec_kw={"width_ratios": [2.3, 1.0]},
    )
    fig.set_figwidth(11.0)
    for row, attempt in enumerate(attempts):
        for k, letter in enumerate(attempt):
            right = k < len(target) and letter == target[k]
            words.text(k, row, letter, ha="center", va="center", family="monospace",
                       fontsize=10.5, color=COLORS["truth"] if right else COLORS["mae"])
    words.set_xlim(-1, width)
    words.set_ylim(len(attempts) - 0.5, -0.5)
    words.set_yticks(range(len(attempts)), [str(k) for k in range(len(attempts))])
    words.grid(False)
    label_axes(words, title="Attempts: right letters green, wrong ones red",
               xlabel="letter position", ylabel="attempt")
    curve.plot(range(len(attempts)), losses, marker="o", color=COLORS["highlight"])
    label_axes(curve, title="The loss: letters still wrong", xlabel="attempt",
               ylabel="wrong letters")
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------------------
# A model fitted step by step
# --------------------------------------------------------------------------------------

@dataclass
class FitRecord:
    """A fit recorded step by step: the cost and the model's predictions on a grid.

    ``predictions[k]`` holds the model's output on ``grid`` after ``steps[k]`` steps,
    on the CPU; ``losses[k]`` the cost at that step.
    """

    grid: Tensor
    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    predictions: list[Tensor] = field(default_factory=list)

    def index(self, step: int) -> int:
        """Position of ``step`` in :attr:`steps` (a ``ValueError`` if it was not recorded)."""
        if step not in self.steps:
            raise ValueError(f"step {step} was not recorded; recorded steps are "
                             f"{self.steps[0]}..{self.steps[-1]} every "
                             f"{self.steps[1] - self.steps[0] if len(self.steps) > 1 else 1}")
        return self.steps.index(step)


def record_fit(
    model: nn.Module,
    inputs: Tensor,
    targets: Tensor,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    *,
    grid: Tensor,
    steps: int,
    lr: float,
    record_every: int = 1,
    optimizer: str = "sgd",
) -> FitRecord:
    """Fit ``model`` with :func:`lossutils.fit` and record its predictions on ``grid``.

    ``grid`` is a CPU tensor of inputs shaped like ``inputs`` (for example ``(G, 1)``);
    it is moved to the inputs' device to be evaluated. Every ``record_every`` steps (and
    at the first and last step) the cost and the predictions are kept, on the CPU.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> x = torch.linspace(-1, 1, 10).unsqueeze(1)
    >>> record = record_fit(nn.Linear(1, 1), x, 2 * x, nn.functional.mse_loss,
    ...                     grid=torch.tensor([[0.0], [1.0]]), steps=100, lr=0.5,
    ...                     record_every=50)
    >>> record.steps
    [0, 50, 100]
    >>> fmt(record.predictions[-1], digits=3)
    '[0.000, 2.000]'
    """
    if not isinstance(grid, Tensor):
        raise TypeError(f"grid must be a tensor, got {type(grid).__name__}")
    if grid.shape[1:] != inputs.shape[1:]:
        raise ValueError(f"grid must be shaped like the inputs past the first dimension: "
                         f"grid {tuple(grid.shape)}, inputs {tuple(inputs.shape)}")
    record = FitRecord(grid=grid.detach().cpu())
    grid_on_device = grid.to(inputs.device)

    def keep(step: int, fitted: nn.Module) -> None:
        with torch.no_grad():
            record.predictions.append(fitted(grid_on_device).reshape(-1).detach().cpu().float())

    history = fit(model, inputs, targets, loss_fn, steps=steps, lr=lr, optimizer=optimizer,
                  record_every=record_every, on_record=keep)
    record.steps, record.losses = history.steps, history.losses
    return record


def _cpu(values: Tensor | np.ndarray | Sequence[float]) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.detach().to("cpu", torch.float64).numpy().reshape(-1)
    return np.asarray(values, dtype=np.float64).reshape(-1)


def loss_curve_figure(
    record: FitRecord, *, marked_steps: Sequence[int] = (), log_scale: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Plot the cost against the training step, with dots at ``marked_steps``.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> record = FitRecord(grid=torch.zeros(1, 1), steps=[0, 1, 2], losses=[4.0, 2.0, 1.0])
    >>> loss_curve_figure(record, marked_steps=[1]).axes[0].get_yscale()
    'log'
    """
    if ax is None:
        fig, ax = subplots()
    else:
        fig = ax.figure
    ax.plot(record.steps, record.losses, color=COLORS["highlight"], label="cost $J$")
    if marked_steps:
        marked = [record.index(step) for step in marked_steps]
        ax.plot([record.steps[k] for k in marked], [record.losses[k] for k in marked], "o",
                color=COLORS["model"], label="shown step" if len(marked) == 1 else "shown steps")
    if log_scale:
        ax.set_yscale("log")
    label_axes(ax, title="The loss shrinks as the model is corrected", xlabel="step",
               ylabel="cost $J$ (mean squared error)")
    plt.close(fig)
    return fig


def _draw_fit(ax: Axes, inputs: Tensor, targets: Tensor, record: FitRecord, step: int,
              truth: Callable[[Tensor], Tensor] | None) -> None:
    k = record.index(step)
    grid = record.grid.reshape(-1)
    ax.scatter(_cpu(inputs), _cpu(targets), s=22, color=COLORS["data"], label="data",
               zorder=3)
    if truth is not None:
        ax.plot(_cpu(grid), _cpu(truth(grid)), color=COLORS["truth"], linestyle="--",
                linewidth=1.5, label="true function $F$")
    ax.plot(_cpu(grid), _cpu(record.predictions[k]), color=COLORS["model"],
            label="model $f$")
    ax.set_ylim(*_y_limits(targets, record))
    label_axes(ax, title=f"step {step}: $J$ = {fmt(record.losses[k])}", xlabel="$x$",
               ylabel="$y$")


def _y_limits(targets: Tensor, record: FitRecord) -> tuple[float, float]:
    values = np.concatenate([_cpu(targets), *(_cpu(p) for p in record.predictions)])
    low, high = float(values.min()), float(values.max())
    pad = 0.08 * (high - low)
    return low - pad, high + pad


def fit_progress_panels(
    inputs: Tensor,
    targets: Tensor,
    record: FitRecord,
    steps_shown: Sequence[int],
    *,
    truth: Callable[[Tensor], Tensor] | None = None,
    with_loss_curve: bool = False,
) -> Figure:
    """Small multiples: the data and the model's predictions at each of ``steps_shown``.

    The static companion of :func:`fit_progress_demo`. ``truth`` (the true function
    :math:`F`, optional) is drawn dashed. With ``with_loss_curve=True`` a second row
    shows the cost at every step, the shown steps marked.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> record = FitRecord(grid=torch.tensor([[0.0], [1.0]]), steps=[0, 1],
    ...                    losses=[1.0, 0.5], predictions=[torch.zeros(2), torch.ones(2)])
    >>> fig = fit_progress_panels(torch.tensor([0.5]), torch.tensor([1.0]), record, [0, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['step 0: $J$ = 1.0000', 'step 1: $J$ = 0.5000']
    """
    if not steps_shown:
        raise ValueError("steps_shown must name at least one recorded step")
    rows = 2 if with_loss_curve else 1
    fig, axes = subplots(rows, len(steps_shown), width=3.3, height=3.0, squeeze=False)
    for ax, step in zip(axes[0], steps_shown, strict=True):
        _draw_fit(ax, inputs, targets, record, step, truth)
        if ax is not axes[0][0]:
            ax.sharey(axes[0][0])
            if ax.get_legend() is not None:
                ax.get_legend().remove()
    if with_loss_curve:
        layout = axes[1][0].get_gridspec()
        for ax in axes[1]:
            ax.remove()
        loss_curve_figure(record, marked_steps=steps_shown, ax=fig.add_subplot(layout[1, :]))
    plt.close(fig)
    return fig


def fit_progress_demo(
    inputs: Tensor,
    targets: Tensor,
    record: FitRecord,
    *,
    truth: Callable[[Tensor], Tensor] | None = None,
) -> widgets.VBox:
    """A slider over the training step: the model's fit at that step and the loss curve.

    The step runs over the steps kept in ``record``; its static companion is
    :func:`fit_progress_panels`.

    Introduced in chapter "Where the loss sits".

    Examples
    --------
    >>> record = FitRecord(grid=torch.tensor([[0.0], [1.0]]), steps=[0, 1],
    ...                    losses=[1.0, 0.5], predictions=[torch.zeros(2), torch.ones(2)])
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # no kernel here to show the figure
    ...     demo = fit_progress_demo(torch.tensor([0.5]), torch.tensor([1.0]), record)
    >>> demo.children[0].max
    1
    """
    if len(record.steps) < 2:
        raise ValueError("record must hold at least two recorded steps")
    every = record.steps[1] - record.steps[0]
    slider = widgets.IntSlider(value=record.steps[0], min=record.steps[0],
                               max=record.steps[-1], step=every, description="step",
                               continuous_update=False)

    def draw(step: int) -> Figure:
        # A slider can land between recorded steps (the last one may be off the stride).
        nearest = min(record.steps, key=lambda s: abs(s - step))
        fig, (left, right) = subplots(1, 2, width=4.6, height=3.4)
        _draw_fit(left, inputs, targets, record, nearest, truth)
        loss_curve_figure(record, marked_steps=[nearest], ax=right)
        plt.close(fig)
        return fig

    return interactive_figure(draw, step=slider)
