"""Chapter 4: the 0-1 loss against the squared loss, on a yes/no question about digits.

The chapter asks the lesson's yes/no question of scikit-learn's bundled 8x8 digits:
"is this image a zero?". A one-number score (how empty the centre of the image is)
is turned into a hard answer by a threshold, and into a soft answer by a sigmoid.
The 0-1 loss of the hard answer moves in steps as the threshold moves and gives
autograd nothing to work with; the squared loss of the soft answer moves smoothly and
has a gradient everywhere. This module holds the data, the sweep over thresholds, the
chapter's figures and the lab's threshold demo.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from ..classification import zero_one_loss
from ..datasets import load_digits
from .style import COLORS, label_axes, subplots
from ..regression import squared_loss
from .player import frame_player

__all__ = [
    "DigitScores",
    "ThresholdSweep",
    "descend_threshold",
    "digit_gallery_figure",
    "hard_prediction",
    "hole_score",
    "soft_prediction",
    "squared_loss_figure",
    "step",
    "threshold_demo",
    "threshold_panels",
    "threshold_sweep",
    "threshold_sweep_figure",
    "zero_digit_scores",
    "zero_one_vs_squared_figure",
]

#: The centre block of an 8x8 digit that a zero leaves empty: rows 2-5, columns 3-4.
CENTRE_ROWS = slice(2, 6)
CENTRE_COLUMNS = slice(3, 5)


@dataclass
class DigitScores:
    """Digits with their hole score and their yes/no label (introduced in chapter 4).

    Attributes
    ----------
    images : Tensor
        Shape ``(N, 8, 8)``, ink in ``[0, 1]``.
    digits : Tensor
        Shape ``(N,)``, the digit each image shows (``0`` to ``9``).
    labels : Tensor
        Shape ``(N,)``, float: ``1.0`` if the image is a zero, else ``0.0``. This is
        the truth :math:`F(x)` of the yes/no question.
    scores : Tensor
        Shape ``(N,)``, the hole score of each image, see :func:`hole_score`.
    """

    images: Tensor
    digits: Tensor
    labels: Tensor
    scores: Tensor


def hole_score(images: Tensor) -> Tensor:
    r"""How empty the centre of each 8x8 image is: one minus the mean ink there.

    .. math::
        s(x) = 1 - \frac{1}{8} \sum_{(u, v) \in \text{centre}} x_{u,v}

    where the centre is the 4 x 2 block of rows 2-5 and columns 3-4 and ink lies in
    ``[0, 1]``. A zero is a ring with an empty middle, so its score is close to 1;
    most other digits put ink through the middle. Introduced in chapter 4.

    Parameters
    ----------
    images : Tensor
        Shape ``(N, 8, 8)`` (or ``(8, 8)``), ink in ``[0, 1]``.

    Returns
    -------
    Tensor
        Shape ``(N,)`` (or a scalar), scores in ``[0, 1]``.

    Examples
    --------
    >>> ring = torch.ones(8, 8)
    >>> ring[2:6, 3:5] = 0.0
    >>> float(hole_score(ring)), float(hole_score(torch.ones(8, 8)))
    (1.0, 0.0)
    """
    if images.shape[-2:] != (8, 8):
        raise ValueError(f"images must end in shape (8, 8), got {tuple(images.shape)}")
    return 1.0 - images[..., CENTRE_ROWS, CENTRE_COLUMNS].mean(dim=(-2, -1))


def zero_digit_scores(n_zeros: int = 20, n_others: int = 40, *, seed: int = 0) -> DigitScores:
    """A seeded sample of zeros and other digits from scikit-learn's bundled 8x8 digits.

    Draws ``n_zeros`` images of a zero and ``n_others`` images of the digits 1-9
    without replacement (zeros first), labels them with "is it a zero?" and scores them
    with :func:`hole_score`. Everything stays on the CPU. Introduced in chapter 4.

    Examples
    --------
    >>> data = zero_digit_scores(3, 5, seed=0)
    >>> data.images.shape, data.labels.tolist()
    (torch.Size([8, 8, 8]), [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    >>> bool((data.digits[3:] != 0).all())
    True
    """
    images, digits = load_digits()
    zeros = torch.nonzero(digits == 0).squeeze(1)
    others = torch.nonzero(digits != 0).squeeze(1)
    if not 0 <= n_zeros <= len(zeros):
        raise ValueError(f"n_zeros must be between 0 and {len(zeros)}, got {n_zeros}")
    if not 0 <= n_others <= len(others):
        raise ValueError(f"n_others must be between 0 and {len(others)}, got {n_others}")
    if n_zeros + n_others == 0:
        raise ValueError("ask for at least one image")
    generator = torch.Generator().manual_seed(seed)
    pick_zeros = zeros[torch.randperm(len(zeros), generator=generator)[:n_zeros]]
    pick_others = others[torch.randperm(len(others), generator=generator)[:n_others]]
    chosen = torch.cat([pick_zeros, pick_others])
    chosen_images = images[chosen]
    return DigitScores(
        images=chosen_images,
        digits=digits[chosen],
        labels=(digits[chosen] == 0).float(),
        scores=hole_score(chosen_images),
    )


def step(z: Tensor) -> Tensor:
    """The unit step, written with operations autograd knows: 1 where ``z > 0``, else 0.

    ``sign(z)`` is -1, 0 or 1; clamping at 0 keeps 0 and 1. Autograd differentiates
    both pieces and gets 0 everywhere, which is the true derivative of a step away from
    its jump; at the jump (``z = 0``) the step has no derivative at all, yet autograd
    still reports 0. Introduced in chapter 4.

    Examples
    --------
    >>> z = torch.tensor([-1.0, 0.0, 0.5], requires_grad=True)
    >>> step(z).tolist()
    [0.0, 0.0, 1.0]
    >>> step(z).sum().backward()
    >>> z.grad.tolist()
    [0.0, 0.0, 0.0]
    """
    return torch.sign(z).clamp(min=0.0)


def hard_prediction(scores: Tensor, threshold: float | Tensor) -> Tensor:
    r"""The yes/no answer :math:`f(x) = 1` if the score exceeds the threshold, else 0.

    Introduced in chapter 4.

    Examples
    --------
    >>> hard_prediction(torch.tensor([0.2, 0.5, 0.9]), 0.5).tolist()
    [0.0, 0.0, 1.0]
    """
    return step(scores - threshold)


def soft_prediction(
    scores: Tensor, threshold: float | Tensor, temperature: float = 0.05
) -> Tensor:
    r"""A smooth yes/no answer in ``(0, 1)``: :math:`\sigma((s - t) / \tau)`.

    As the temperature :math:`\tau` shrinks it approaches :func:`hard_prediction`.
    Introduced in chapter 4.

    Examples
    --------
    >>> soft_prediction(torch.tensor([0.5, 0.6]), 0.5, temperature=0.1).tolist()
    [0.5, 0.7310585975646973]
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    return torch.sigmoid((scores - threshold) / temperature)


@dataclass
class ThresholdSweep:
    """Costs and their autograd derivatives over a range of thresholds (chapter 4).

    All attributes are CPU tensors of shape ``(T,)``.

    Attributes
    ----------
    thresholds : Tensor
        The thresholds :math:`t`.
    zero_one : Tensor
        Mean 0-1 loss of the hard answers: the error rate.
    squared : Tensor
        Mean squared loss :math:`(y - \\hat y)^2` of the soft answers.
    zero_one_grad, squared_grad : Tensor
        :math:`dJ/dt` of each cost, as autograd computes it.
    """

    thresholds: Tensor
    zero_one: Tensor
    squared: Tensor
    zero_one_grad: Tensor
    squared_grad: Tensor

    def at(self, threshold: float) -> dict[str, float]:
        """The four numbers at the swept threshold nearest to ``threshold``."""
        i = int(torch.argmin((self.thresholds - threshold).abs()))
        return {
            "threshold": float(self.thresholds[i]),
            "zero_one": float(self.zero_one[i]),
            "squared": float(self.squared[i]),
            "zero_one_grad": float(self.zero_one_grad[i]),
            "squared_grad": float(self.squared_grad[i]),
        }


def threshold_sweep(
    scores: Tensor,
    labels: Tensor,
    thresholds: Tensor | None = None,
    *,
    temperature: float = 0.05,
) -> ThresholdSweep:
    r"""Move the threshold and record both costs and their derivatives by autograd.

    For each threshold :math:`t` the hard answers :math:`\hat y_i = \text{step}(s_i - t)`
    give the mean 0-1 loss :math:`J_{0\text{-}1}(t)`, and the soft answers
    :math:`\hat y_i = \sigma((s_i - t)/\tau)` give the mean squared loss
    :math:`J_2(t) = \frac{1}{N}\sum_i (y_i - \hat y_i)^2`. Both derivatives with respect
    to :math:`t` come from one ``backward()`` call through the costs. The 0-1 loss of
    0/1 answers equals their squared loss, which is how the 0-1 cost is written here
    so that autograd can be asked for its derivative; the result is checked against
    ``zero_one_loss``. Introduced in chapter 4.

    Parameters
    ----------
    scores, labels : Tensor
        Shape ``(N,)``; labels are 0.0 or 1.0.
    thresholds : Tensor, optional
        Shape ``(T,)``; 401 points from -0.05 to 1.05 when omitted.
    temperature : float
        :math:`\tau` of the soft answers.

    Examples
    --------
    >>> sweep = threshold_sweep(torch.tensor([0.2, 0.8]), torch.tensor([0.0, 1.0]),
    ...                         torch.tensor([0.1, 0.5, 0.9]))
    >>> sweep.zero_one.tolist(), sweep.zero_one_grad.tolist()
    ([0.5, 0.0, 0.5], [0.0, 0.0, 0.0])
    >>> bool(sweep.squared_grad[0] < 0 < sweep.squared_grad[2])
    True
    """
    if scores.shape != labels.shape or scores.ndim != 1:
        raise ValueError(
            f"scores and labels must have the same shape (N,), got {tuple(scores.shape)} "
            f"and {tuple(labels.shape)}"
        )
    if thresholds is None:
        thresholds = torch.linspace(-0.05, 1.05, 401)
    scores, labels = scores.detach().cpu().float(), labels.detach().cpu().float()
    t = thresholds.detach().cpu().float().clone().requires_grad_(True)
    hard = hard_prediction(scores[None, :], t[:, None])  # (T, N)
    soft = soft_prediction(scores[None, :], t[:, None], temperature)
    zero_one = squared_loss(hard, labels.expand_as(hard)).mean(dim=1)
    squared = squared_loss(soft, labels.expand_as(soft)).mean(dim=1)
    # Each threshold enters only its own row, so one backward gives every dJ/dt.
    zero_one_grad, squared_grad = (
        torch.autograd.grad(cost.sum(), t, retain_graph=True)[0] for cost in (zero_one, squared)
    )
    checked = torch.stack(
        [zero_one_loss(row.detach(), labels) for row in hard]
    )
    if not torch.equal(checked, zero_one.detach()):
        raise RuntimeError("the step-based 0-1 cost disagrees with zero_one_loss")
    return ThresholdSweep(
        thresholds=t.detach(),
        zero_one=zero_one.detach(),
        squared=squared.detach(),
        zero_one_grad=zero_one_grad,
        squared_grad=squared_grad,
    )


def descend_threshold(
    scores: Tensor,
    labels: Tensor,
    loss: str = "squared",
    *,
    start: float = 0.3,
    steps: int = 100,
    lr: float = 0.02,
    temperature: float = 0.05,
) -> list[float]:
    r"""Learn the threshold by plain gradient descent on one cost; return its path.

    ``loss="squared"`` descends the mean squared loss of the soft answers,
    ``loss="zero_one"`` the mean 0-1 loss of the hard answers (written as their squared
    loss so that autograd can differentiate it). The second never moves: its gradient
    is 0. Returns the threshold before each step and after the last, ``steps + 1``
    floats (float32 values). Works on the device of ``scores``. Introduced in chapter 4.

    Examples
    --------
    >>> scores, labels = torch.tensor([0.1, 0.4, 0.6, 0.9]), torch.tensor([0., 0., 1., 1.])
    >>> [round(t, 4) for t in descend_threshold(scores, labels, "zero_one", start=0.2, steps=3)]
    [0.2, 0.2, 0.2, 0.2]
    >>> round(descend_threshold(scores, labels, start=0.2, steps=200, lr=0.05)[-1], 2)
    0.5
    """
    if loss not in ("squared", "zero_one"):
        raise ValueError(f"loss must be 'squared' or 'zero_one', got {loss!r}")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    threshold = torch.tensor(float(start), device=scores.device, requires_grad=True)
    path = [threshold.item()]
    for _ in range(steps):
        if loss == "squared":
            answers = soft_prediction(scores, threshold, temperature)
        else:
            answers = hard_prediction(scores, threshold)
        cost = squared_loss(answers, labels).mean()
        (slope,) = torch.autograd.grad(cost, threshold)
        with torch.no_grad():
            threshold -= lr * slope  # t <- t - lr * dJ/dt
        path.append(threshold.item())
    return path


# --------------------------------------------------------------------------- figures


def digit_gallery_figure(
    data: DigitScores, threshold: float | None = None, *, per_class: int = 5
) -> Figure:
    """The first ``per_class`` zeros and other digits, each titled with its hole score.

    With a ``threshold``, each title also says the model's answer and whether it is
    right (0-1 loss 0) or wrong (0-1 loss 1). Introduced in chapter 4.
    """
    zeros = torch.nonzero(data.labels == 1).squeeze(1)[:per_class]
    others = torch.nonzero(data.labels == 0).squeeze(1)[:per_class]
    fig, axes = subplots(2, per_class, width=1.5, height=1.9, squeeze=False)
    for row, (indices, name) in enumerate([(zeros, "a zero"), (others, "not a zero")]):
        for col in range(per_class):
            ax = axes[row][col]
            ax.axis("off")
            if col >= len(indices):
                continue
            i = int(indices[col])
            ax.imshow(data.images[i].numpy(), cmap="gray_r", vmin=0, vmax=1)
            title = f"s = {float(data.scores[i]):.2f}"
            color = COLORS["data"]
            if threshold is not None:
                answer = float(data.scores[i]) > threshold
                wrong = answer != bool(data.labels[i])
                title += f"\nsays {'yes' if answer else 'no'}: loss {int(wrong)}"
                color = COLORS["mae"] if wrong else COLORS["truth"]
            label_axes(ax, title=title, xlabel="", ylabel="")
            ax.title.set_color(color)
        axes[row][0].text(
            -0.15, 0.5, name, transform=axes[row][0].transAxes, rotation=90,
            ha="right", va="center", fontsize=10,
        )
    heading = "Is it a zero? The hole score s of each image"
    if threshold is not None:
        heading += f" (answer yes when s > {threshold:g})"
    fig.suptitle(heading)
    plt.close(fig)
    return fig


def zero_one_vs_squared_figure(threshold: float = 0.5, temperature: float = 0.05) -> Figure:
    """One sample that is a zero (y = 1): both losses and their autograd derivatives.

    Left: the 0-1 loss of the hard answer and the squared loss of the soft answer as
    the score moves past the threshold. Right: their derivatives with respect to the
    score, from autograd; the jump of the 0-1 loss is marked where no derivative
    exists. Introduced in chapter 4.
    """
    s = torch.linspace(threshold - 0.5, threshold + 0.5, 1001, requires_grad=True)
    y = torch.ones_like(s)
    zero_one = squared_loss(hard_prediction(s, threshold), y)
    squared = squared_loss(soft_prediction(s, threshold, temperature), y)
    (zero_one_grad,) = torch.autograd.grad(zero_one.sum(), s)
    (squared_grad,) = torch.autograd.grad(squared.sum(), s)
    x = s.detach().numpy()
    left_side, right_side = x <= threshold, x > threshold

    fig, (ax_loss, ax_grad) = subplots(1, 2, width=4.6, height=3.3)
    z1 = zero_one.detach().numpy()
    ax_loss.plot(x[left_side], z1[left_side], color=COLORS["zero_one"], label="0-1 loss")
    ax_loss.plot(x[right_side], z1[right_side], color=COLORS["zero_one"])
    ax_loss.plot([threshold], [1.0], "o", color=COLORS["zero_one"])
    ax_loss.plot([threshold], [0.0], "o", mfc="white", color=COLORS["zero_one"])
    ax_loss.plot(x, squared.detach().numpy(), color=COLORS["squared"],
                 label=rf"squared loss of $\sigma((s-t)/{temperature:g})$")
    ax_loss.plot([threshold, threshold], [0.0, 1.0], color=COLORS["zero_one"], lw=1, ls=":")
    label_axes(ax_loss, title="Loss of one zero (y = 1), threshold t = " + f"{threshold:g}",
               xlabel="score s", ylabel="loss", legend=False)
    ax_loss.legend(loc="center right")

    g1 = zero_one_grad.numpy()
    ax_grad.plot(x[left_side], g1[left_side], color=COLORS["zero_one"],
                 label="0-1 loss: autograd gives 0")
    ax_grad.plot(x[right_side], g1[right_side], color=COLORS["zero_one"])
    ax_grad.plot([threshold], [0.0], "o", mfc="white", color=COLORS["zero_one"], ms=8)
    ax_grad.plot(x, squared_grad.numpy(), color=COLORS["squared"], label="squared loss")
    ax_grad.annotate(
        "at s = t the 0-1 loss jumps:\nno derivative exists there",
        xy=(threshold, 0.0), xytext=(threshold + 0.08, 0.45 * float(squared_grad.min())),
        arrowprops={"arrowstyle": "->", "color": COLORS["data"]}, fontsize=9,
    )
    label_axes(ax_grad, title="Derivatives d(loss)/ds by autograd", xlabel="score s",
               ylabel="derivative", legend=False)
    ax_grad.legend(loc="lower left")
    plt.close(fig)
    return fig


def squared_loss_figure(target: float = 1.0) -> Figure:
    r"""The squared loss with and without the 1/2, and their derivatives, for one target.

    Left: :math:`(y - \hat y)^2` and :math:`\frac12 (y - \hat y)^2` against the
    prediction. Right: their derivatives :math:`2(\hat y - y)` and :math:`\hat y - y`,
    computed by autograd. Introduced in chapter 4.
    """
    y_hat = torch.linspace(target - 2.0, target + 2.0, 201, requires_grad=True)
    y = torch.full_like(y_hat, target)
    full = squared_loss(y_hat, y)
    half = squared_loss(y_hat, y, half=True)
    (full_grad,) = torch.autograd.grad(full.sum(), y_hat)
    (half_grad,) = torch.autograd.grad(half.sum(), y_hat)
    x = y_hat.detach().numpy()
    fig, (ax_loss, ax_grad) = subplots(1, 2, width=4.2, height=3.2)
    ax_loss.plot(x, full.detach().numpy(), color=COLORS["squared"], label=r"$(y-\hat y)^2$")
    ax_loss.plot(x, half.detach().numpy(), color=COLORS["huber"], ls="--",
                 label=r"$\frac{1}{2}(y-\hat y)^2$")
    label_axes(ax_loss, title=f"Squared loss, target y = {target:g}",
               xlabel=r"prediction $\hat y$", ylabel="loss")
    ax_grad.plot(x, full_grad.numpy(), color=COLORS["squared"], label=r"$2(\hat y - y)$")
    ax_grad.plot(x, half_grad.numpy(), color=COLORS["huber"], ls="--",
                 label=r"$\hat y - y$")
    ax_grad.axhline(0.0, color=COLORS["data"], lw=0.8)
    label_axes(ax_grad, title="Derivative by autograd", xlabel=r"prediction $\hat y$",
               ylabel=r"d(loss)/d$\hat y$")
    plt.close(fig)
    return fig


def _draw_sweep(ax_cost, ax_grad, sweep: ThresholdSweep, threshold: float | None) -> None:
    t = sweep.thresholds.numpy()
    ax_cost.plot(t, sweep.zero_one.numpy(), color=COLORS["zero_one"],
                 drawstyle="steps-post", label="mean 0-1 loss (error rate)")
    ax_cost.plot(t, sweep.squared.numpy(), color=COLORS["squared"],
                 label="mean squared loss (soft answers)")
    ax_grad.plot(t, sweep.zero_one_grad.numpy(), color=COLORS["zero_one"],
                 label="0-1 cost: autograd gives 0")
    ax_grad.plot(t, sweep.squared_grad.numpy(), color=COLORS["squared"],
                 label="squared cost")
    if threshold is not None:
        here = sweep.at(threshold)
        ax_cost.axvline(threshold, color=COLORS["data"], lw=1, ls=":")
        ax_grad.axvline(threshold, color=COLORS["data"], lw=1, ls=":")
        ax_cost.plot([threshold] * 2, [here["zero_one"], here["squared"]], "o",
                     color=COLORS["data"])
        ax_grad.plot([threshold] * 2, [here["zero_one_grad"], here["squared_grad"]], "o",
                     color=COLORS["data"])
    label_axes(ax_cost, title="Cost as the threshold moves", xlabel="threshold t",
               ylabel="cost J(t)", legend=True)
    label_axes(ax_grad, title="Its derivative dJ/dt by autograd", xlabel="threshold t",
               ylabel="dJ/dt", legend=True)


def threshold_sweep_figure(sweep: ThresholdSweep, threshold: float | None = None) -> Figure:
    """The two costs against the threshold (steps against a smooth curve) and dJ/dt.

    Introduced in chapter 4.
    """
    fig, (ax_cost, ax_grad) = subplots(1, 2, width=4.8, height=3.4)
    _draw_sweep(ax_cost, ax_grad, sweep, threshold)
    plt.close(fig)
    return fig


def _draw_scores(ax, data_scores: Tensor, labels: Tensor, threshold: float,
                 temperature: float) -> tuple[float, float]:
    """Scores on a line, one row per class, the threshold and the soft answer's curve."""
    hard = hard_prediction(data_scores, threshold)
    soft = soft_prediction(data_scores, threshold, temperature)
    zero_one = float(zero_one_loss(hard, labels))
    squared = float(squared_loss(soft, labels).mean())
    rng = np.random.default_rng(0)  # a fixed vertical jitter, only so points do not overlap
    jitter = 0.06 * rng.standard_normal(len(data_scores))
    for value, name, color in [(1.0, "zeros (y = 1)", COLORS["truth"]),
                               (0.0, "others (y = 0)", COLORS["data"])]:
        mask = (labels == value).numpy()
        wrong = mask & (hard.numpy() != value)
        ax.scatter(data_scores.numpy()[mask], value + jitter[mask], s=18, color=color,
                   alpha=0.8, label=name)
        ax.scatter(data_scores.numpy()[wrong], value + jitter[wrong], s=70,
                   facecolors="none", edgecolors=COLORS["mae"], linewidths=1.2,
                   label="wrong answer" if value == 1.0 else "_nolegend_")
    grid = torch.linspace(-0.05, 1.05, 300)
    ax.plot(grid.numpy(), soft_prediction(grid, threshold, temperature).numpy(),
            color=COLORS["squared"], label="soft answer")
    ax.plot(grid.numpy(), hard_prediction(grid, threshold).numpy(), color=COLORS["zero_one"],
            lw=1.2, label="hard answer")
    ax.axvline(threshold, color=COLORS["data"], lw=1, ls=":")
    ax.set_ylim(-0.35, 1.35)
    return zero_one, squared


def threshold_panels(
    data: DigitScores,
    thresholds: tuple[float, ...] = (0.3, 0.6, 0.75, 0.9),
    *,
    temperature: float = 0.05,
) -> Figure:
    """Small multiples of :func:`threshold_demo`: the scores and both answers at a few
    thresholds, titled with the error rate and the squared cost (circled: wrong).

    Introduced in chapter 4.
    """
    if not thresholds:
        raise ValueError("give at least one threshold")
    ncols = min(len(thresholds), 2)
    nrows = -(-len(thresholds) // ncols)
    fig, axes = subplots(nrows, ncols, width=3.6, height=2.8, squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[len(thresholds):]:
        ax.axis("off")
    for ax, t in zip(flat, thresholds, strict=False):
        zero_one, squared = _draw_scores(ax, data.scores, data.labels, t, temperature)
        label_axes(ax, title=f"t = {t:g}: error rate {zero_one:.3f}, squared {squared:.3f}",
                   xlabel="hole score s", ylabel="label / answer", legend=False)
    handles, names = flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=3)
    plt.close(fig)
    return fig


def threshold_demo(data: DigitScores) -> widgets.VBox:
    """Move the threshold (and the softness of the soft answer) and watch both costs.

    Left: the scores of both classes, the hard and the soft answer, wrong answers
    circled. Middle and right: the costs and their autograd derivatives against the
    threshold, with the current threshold marked. Introduced in chapter 4.
    """

    def draw(threshold: float, temperature: float) -> Figure:
        sweep = threshold_sweep(data.scores, data.labels, temperature=temperature)
        fig, (ax_scores, ax_cost, ax_grad) = subplots(1, 3, width=4.0, height=3.3)
        zero_one, squared = _draw_scores(ax_scores, data.scores, data.labels, threshold,
                                         temperature)
        label_axes(ax_scores, title=f"0-1 cost {zero_one:.3f}, squared cost {squared:.3f}",
                   xlabel="hole score s", ylabel="label / answer", legend=True)
        ax_scores.legend(fontsize=7, loc="center left")
        _draw_sweep(ax_cost, ax_grad, sweep, threshold)
        ax_cost.legend(fontsize=7)
        ax_grad.legend(fontsize=7)
        plt.close(fig)
        return fig

    return interactive_figure(
        draw,
        threshold=widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.01,
                                      description="threshold t", continuous_update=False),
        temperature=widgets.FloatSlider(value=0.05, min=0.01, max=0.2, step=0.01,
                                        description="softness τ", continuous_update=False),
    )
