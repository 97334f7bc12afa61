"""Chapter 4, the 0-1 loss and the squared loss: the figures and the demo.

The chapter asks the lesson's yes/no question of scikit-learn's bundled 8x8 digits:
"is this image a zero?". A one-number score (the hole score, how empty the centre of
the image is) is turned into a hard answer by a threshold and into a soft answer by a
sigmoid. The 0-1 loss of the hard answer moves in steps as the threshold moves and
gives autograd nothing to follow; the squared loss of the soft answer moves smoothly.

The lab computes all of this in its own cells (the sample and its hole score, the hard
and soft answers, the sweep over thresholds, gradient descent on the threshold); the
functions here draw what it computed. The chapter page, which has no lab cells above
its figures, computes the same things with the private helpers at the end of this
module (``_zero_digit_sample``, ``_threshold_sweep``, ``_squared_loss_curves``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from ..datasets import load_digits
from ..regression import squared_loss
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "digit_gallery_figure",
    "one_sample_figure",
    "squared_loss_figure",
    "threshold_demo",
    "threshold_demo_figure",
    "threshold_sweep_figure",
]

#: The keys of the costs a sweep over thresholds gives (the lab's ``threshold_sweep``).
SWEEP_KEYS = ("zero_one", "squared", "zero_one_grad", "squared_grad")
#: The keys of the curves of the squared loss with and without the factor 1/2.
SQUARED_KEYS = ("full", "half", "full_grad", "half_grad")
#: The temperatures of the threshold demo's frames.
DEMO_TEMPERATURES = (0.01, 0.05, 0.2)


def _numpy(values: Tensor | np.ndarray | Sequence[float], name: str) -> np.ndarray:
    """A one-dimensional float array on the CPU, whatever device the tensor is on."""
    if isinstance(values, Tensor):
        values = values.detach().to("cpu", torch.float64).numpy()
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _curves(
    grid: Tensor | np.ndarray, curves: Mapping[str, Tensor], keys: tuple[str, ...], what: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Check that ``curves`` has every key in ``keys``, each as long as ``grid``."""
    if not isinstance(curves, Mapping):
        raise TypeError(f"{what} must be a dict with keys {keys}, got {type(curves).__name__}")
    missing = [key for key in keys if key not in curves]
    if missing:
        raise ValueError(f"{what} lacks {missing}: it needs the keys {list(keys)}")
    x = _numpy(grid, "the grid")
    arrays = {key: _numpy(curves[key], f"{what}[{key!r}]") for key in keys}
    for key, array in arrays.items():
        if array.shape != x.shape:
            raise ValueError(
                f"{what}[{key!r}] has {array.size} values for {x.size} points of the grid"
            )
    return x, arrays


def _scores_and_labels(scores: Tensor, labels: Tensor) -> tuple[np.ndarray, np.ndarray]:
    h, y = _numpy(scores, "scores"), _numpy(labels, "labels")
    if h.shape != y.shape:
        raise ValueError(f"scores and labels differ in length: {h.size} and {y.size}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("labels must be 1.0 (a zero) or 0.0 (another digit)")
    return h, y


# --------------------------------------------------------------------------- figures


def digit_gallery_figure(
    images: Tensor,
    labels: Tensor,
    scores: Tensor,
    *,
    threshold: float | None = None,
    per_class: int = 5,
) -> Figure:
    """The first ``per_class`` zeros and other digits, each with its hole score h.

    Drawn as one picture (a row of zeros above a row of other digits), so that it stays
    within two panels' width. With a ``threshold``, each image also says the rule's
    answer ("yes" when its score is above the threshold) and its 0-1 loss, in red when
    the answer is wrong.
    """
    pictures = images.detach().to("cpu", torch.float32)
    if pictures.ndim != 3 or tuple(pictures.shape[1:]) != (8, 8):
        raise ValueError(f"images must have shape (N, 8, 8), got {tuple(pictures.shape)}")
    h, y = _scores_and_labels(scores, labels)
    if len(h) != len(pictures):
        raise ValueError(f"{len(pictures)} images but {len(h)} scores")
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}")
    rows = [np.flatnonzero(y == 1)[:per_class], np.flatnonzero(y == 0)[:per_class]]
    gap, size = 3, 8
    cell = size + gap
    montage = np.full((2 * cell + 2 * gap, per_class * cell), np.nan)
    fig, ax = subplots(height=3.9)
    for row, indices in enumerate(rows):
        top = row * (cell + 2 * gap)
        for col, i in enumerate(indices):
            left = col * cell
            montage[top : top + size, left : left + size] = pictures[i].numpy()
            lines, color = [f"h = {h[i]:.2f}"], COLORS["data"]
            if threshold is not None:
                says_yes = bool(h[i] > threshold)
                wrong = says_yes != bool(y[i] == 1)
                lines.append(f"says {'yes' if says_yes else 'no'}: loss {int(wrong)}")
                color = COLORS["mae"] if wrong else COLORS["truth"]
            ax.text(left + size / 2 - 0.5, top + size + 0.2, "\n".join(lines), color=color,
                    ha="center", va="top", fontsize=10)
    ax.imshow(montage, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([size / 2 - 0.5, cell + 2 * gap + size / 2 - 0.5], ["zeros", "others"])
    ax.tick_params(axis="y", length=0, labelsize=10)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    title = "Is it a zero? The hole score h of each image"
    if threshold is not None:
        title += f"\n(the rule says yes when h > {threshold:g})"
    label_axes(ax, title=title, xlabel="", ylabel="")
    plt.close(fig)
    return fig


def _shared_legend(fig: Figure, ax: Axes, ncols: int = 2) -> None:
    """One legend for both panels, below them, where it covers nothing."""
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=ncols)


def one_sample_figure(
    thresholds: Tensor, losses: Mapping[str, Tensor], *, score: float, temperature: float
) -> Figure:
    r"""The losses of one zero (y = 1) as the threshold moves past its score, and dℓ/dt.

    ``losses`` holds, at each threshold :math:`t`, the 0-1 loss of the hard answer
    (``"zero_one"``), the squared loss of the soft answer :math:`\sigma((h - t)/T)`
    (``"squared"``) and their derivatives with respect to :math:`t` by autograd
    (``"zero_one_grad"``, ``"squared_grad"``): what a sweep over thresholds gives for
    one sample. Left: the losses, the 0-1 loss jumping from 0 to 1 at :math:`t = h`.
    Right: the derivatives, the jump marked where none exists.
    """
    t, curve = _curves(thresholds, losses, SWEEP_KEYS, "losses")
    below, above = t < score, t >= score
    fig, (ax_loss, ax_grad) = subplots(1, 2, height=3.6)
    orange, blue = COLORS["zero_one"], COLORS["squared"]
    for ax, key in [(ax_loss, "zero_one"), (ax_grad, "zero_one_grad")]:
        ax.plot(t[below], curve[key][below], color=orange,
                label="0-1 loss of the hard answer")
        ax.plot(t[above], curve[key][above], color=orange)
        ax.plot(t, curve[key.replace("zero_one", "squared")], color=blue,
                label=f"squared loss of the soft answer (T = {temperature:g})")
    ax_loss.plot([score], [0.0], "o", mfc="white", color=orange)
    ax_loss.plot([score], [1.0], "o", color=orange)
    ax_loss.plot([score, score], [0.0, 1.0], color=orange, lw=1, ls=":")
    label_axes(ax_loss, title=f"Loss of one zero (score h = {score:.2f})",
               xlabel="threshold t", ylabel="loss ℓ", legend=False)
    ax_grad.plot([score], [0.0], "o", mfc="white", color=orange, ms=8)
    peak = float(curve["squared_grad"].max())
    ax_grad.annotate(
        "at t = h the\n0-1 loss jumps:\nno derivative", xy=(score, 0.0),
        xytext=(score + 0.17, 0.35 * peak), ha="left", va="bottom", fontsize=9,
        arrowprops={"arrowstyle": "->", "color": COLORS["data"]},
    )
    label_axes(ax_grad, title="Its derivative dℓ/dt by autograd", xlabel="threshold t",
               ylabel="dℓ/dt", legend=False)
    _shared_legend(fig, ax_loss)
    plt.close(fig)
    return fig


def squared_loss_figure(
    predictions: Tensor, curves: Mapping[str, Tensor], *, target: float
) -> Figure:
    r"""The squared loss with and without the 1/2 against the prediction, and their slopes.

    ``curves`` holds :math:`(y - \hat y)^2` (``"full"``), :math:`\frac12 (y - \hat y)^2`
    (``"half"``) and their derivatives by autograd (``"full_grad"``, ``"half_grad"``) at
    each prediction.
    """
    x, curve = _curves(predictions, curves, SQUARED_KEYS, "curves")
    fig, (ax_loss, ax_grad) = subplots(1, 2, height=3.5)
    for ax, suffix in [(ax_loss, ""), (ax_grad, "_grad")]:
        ax.plot(x, curve["full" + suffix], color=COLORS["squared"],
                label=r"$(y-\hat y)^2$, derivative $2(\hat y - y)$")
        ax.plot(x, curve["half" + suffix], color=COLORS["huber"], ls="--",
                label=r"$\frac{1}{2}(y-\hat y)^2$, derivative $\hat y - y$")
    ax_grad.axhline(0.0, color=COLORS["data"], lw=0.8)
    label_axes(ax_loss, title=f"Squared loss, target y = {target:g}",
               xlabel=r"prediction $\hat y$", ylabel="loss", legend=False)
    label_axes(ax_grad, title="Its derivative by autograd", xlabel=r"prediction $\hat y$",
               ylabel=r"d(loss)/d$\hat y$", legend=False)
    _shared_legend(fig, ax_loss)
    plt.close(fig)
    return fig


def _draw_costs(ax: Axes, t: np.ndarray, cost: dict[str, np.ndarray],
                threshold: float | None, *, short: bool = False) -> None:
    """The error rate (steps) and the squared cost (smooth) against the threshold."""
    ax.plot(t, cost["zero_one"], color=COLORS["zero_one"], drawstyle="steps-post",
            label="error rate" if short else "0-1 cost: the error rate")
    ax.plot(t, cost["squared"], color=COLORS["squared"],
            label="squared cost" if short else "squared cost of the soft answers")
    if threshold is not None:
        i = int(np.argmin(np.abs(t - threshold)))
        ax.axvline(t[i], color=COLORS["data"], lw=1, ls=":")
        ax.plot([t[i], t[i]], [cost["zero_one"][i], cost["squared"][i]], "o",
                color=COLORS["data"])


def threshold_sweep_figure(
    thresholds: Tensor,
    costs: Mapping[str, Tensor],
    *,
    threshold: float | None = None,
) -> Figure:
    r"""Both costs against the threshold (a staircase and a smooth valley), and dJ/dt.

    ``costs`` is what the lab's sweep gives at each threshold: the mean 0-1 loss of the
    hard answers (``"zero_one"``), the mean squared loss of the soft answers
    (``"squared"``) and their derivatives :math:`dJ/dt` by autograd (``"zero_one_grad"``,
    ``"squared_grad"``). A ``threshold`` is marked with a dotted line.
    """
    t, cost = _curves(thresholds, costs, SWEEP_KEYS, "costs")
    fig, (ax_cost, ax_grad) = subplots(1, 2, height=3.6)
    _draw_costs(ax_cost, t, cost, threshold)
    ax_grad.plot(t, cost["zero_one_grad"], color=COLORS["zero_one"])
    ax_grad.plot(t, cost["squared_grad"], color=COLORS["squared"])
    if threshold is not None:
        ax_grad.axvline(threshold, color=COLORS["data"], lw=1, ls=":")
    label_axes(ax_cost, title="Cost as the threshold moves", xlabel="threshold t",
               ylabel="cost J(t)", legend=False)
    label_axes(ax_grad, title="Its derivative dJ/dt by autograd", xlabel="threshold t",
               ylabel="dJ/dt", legend=False)
    _shared_legend(fig, ax_cost)
    plt.close(fig)
    return fig


def threshold_demo_figure(
    scores: Tensor,
    labels: Tensor,
    thresholds: Tensor,
    costs: Mapping[str, Tensor],
    *,
    threshold: float,
    temperature: float,
) -> Figure:
    r"""One frame of :func:`threshold_demo`: the answers at one threshold, and both costs.

    Left: each image's hole score (zeros in the top row, others in the bottom row, a
    fixed vertical jitter so that equal scores stay visible, wrong answers circled),
    the hard answer (a step at ``threshold``) and the soft answer
    :math:`\sigma((h - t)/T)` at ``temperature``. Right: the error rate and the
    squared cost of the soft answers (``costs``, a sweep over ``thresholds`` at this
    temperature) with ``threshold`` marked.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    h, y = _scores_and_labels(scores, labels)
    t, cost = _curves(thresholds, costs, SWEEP_KEYS, "costs")
    i = int(np.argmin(np.abs(t - threshold)))
    # A fixed layout: a demo draws this figure once per frame, and the constrained
    # layout would cost a third of each frame's time.
    fig, (ax_scores, ax_cost) = subplots(
        1, 2, height=3.5, layout="none",
        gridspec_kw={"left": 0.1, "right": 0.985, "top": 0.925, "bottom": 0.31,
                     "wspace": 0.28},
    )
    jitter = 0.06 * np.random.default_rng(0).standard_normal(len(h))
    says_yes = h > threshold
    wrong = says_yes != (y == 1.0)
    for value, name, color in [(1.0, "zeros (y = 1)", COLORS["truth"]),
                               (0.0, "others (y = 0)", COLORS["data"])]:
        mine = y == value
        ax_scores.scatter(h[mine], value + jitter[mine], s=18, color=color, alpha=0.8,
                          label=name)
    ax_scores.scatter(h[wrong], y[wrong] + jitter[wrong], s=80, facecolors="none",
                      edgecolors=COLORS["mae"], linewidths=1.3, label="wrong answer")
    grid = np.linspace(-0.05, 1.05, 441)
    ax_scores.plot(grid, (grid > threshold).astype(float), color=COLORS["zero_one"], lw=1.3,
                   label="hard answer")
    soft = 1.0 / (1.0 + np.exp(-(grid - threshold) / temperature))
    ax_scores.plot(grid, soft, color=COLORS["squared"], label="soft answer")
    ax_scores.axvline(threshold, color=COLORS["data"], lw=1, ls=":")
    ax_scores.set_ylim(-0.3, 1.3)
    label_axes(ax_scores, title=f"t = {threshold:.2f}, T = {temperature:.3g}: "
               f"{int(wrong.sum())} wrong", xlabel="hole score h", ylabel="label y, answer",
               legend=False)
    _draw_costs(ax_cost, t, cost, threshold, short=True)
    label_axes(ax_cost, title=f"error {cost['zero_one'][i]:.3f}, "
               f"squared {cost['squared'][i]:.3f}", xlabel="threshold t",
               ylabel="cost J(t)", legend=False)
    handles, names = ax_scores.get_legend_handles_labels()
    more, more_names = ax_cost.get_legend_handles_labels()
    fig.legend(handles + more, names + more_names, loc="lower center", ncols=4,
               bbox_to_anchor=(0.5, 0.0))
    plt.close(fig)
    return fig


def threshold_demo(
    scores: Tensor,
    labels: Tensor,
    thresholds: Tensor,
    *,
    sweep: Callable[..., Mapping[str, Tensor]],
    temperatures: Sequence[float] = DEMO_TEMPERATURES,
    shown: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    start: tuple[float, float] = (0.6, 0.05),
) -> LiveDemo:
    """Move the threshold and the temperature and watch the answers and both costs.

    ``sweep`` is the lab's ``threshold_sweep``: ``sweep(scores, labels, thresholds,
    temperature)`` returns both costs and their derivatives at each of ``thresholds``
    (the keys of :data:`SWEEP_KEYS`). The demo runs it once per temperature it draws.
    Each frame is :func:`threshold_demo_figure`: the threshold slider walks the values
    ``shown``, the temperature slider ``temperatures`` in increasing order; at most
    ``player.MAX_FRAMES`` frames in all. In a kernel the threshold takes any value
    from 0 to 1, and the temperature any value from 0.005 to 0.5 (a log scale), each
    new temperature running ``sweep`` again.
    """
    temperatures = tuple(sorted(float(t) for t in temperatures))
    if len(temperatures) < 2 or temperatures[0] <= 0:
        raise ValueError(f"temperatures must hold at least two positive values, got "
                         f"{temperatures}")
    runs: dict[float, Mapping[str, Tensor]] = {}

    def run(temperature: float) -> Mapping[str, Tensor]:
        """The lab's sweep at this temperature, run once."""
        if temperature not in runs:
            runs[temperature] = sweep(scores, labels, thresholds, temperature)
        return runs[temperature]

    def draw(threshold: float, temperature: float) -> Figure:
        return threshold_demo_figure(scores, labels, thresholds, run(float(temperature)),
                                     threshold=threshold, temperature=temperature)

    return live_demo(
        draw,
        description=(
            "Left: the hole scores of the zeros and the other digits with the hard and "
            "the soft answer, wrong answers circled; right: the error rate and the "
            "squared cost against the threshold"
        ),
        labels={"threshold": "threshold t", "temperature": "temperature T"},
        ranges={"threshold": Range(0.0, 1.0, 0.01),
                "temperature": Range(0.005, 0.5, 0.01, log=True)},
        frames={"threshold": tuple(float(v) for v in shown), "temperature": temperatures},
        start={"threshold": float(start[0]), "temperature": float(start[1])},
    )


# ------------------------------------------- what the chapter page computes (the lab too)


def _hole_score(images: Tensor) -> Tensor:
    """One minus the mean ink of the centre block (rows 2-5, columns 3-4) of 8x8 images."""
    if images.shape[-2:] != (8, 8):
        raise ValueError(f"images must end in shape (8, 8), got {tuple(images.shape)}")
    return 1.0 - images[..., 2:6, 3:5].mean(dim=(-2, -1))


def _zero_digit_sample(
    n_zeros: int = 20, n_others: int = 40, *, seed: int = 2
) -> tuple[Tensor, Tensor, Tensor]:
    """The chapter's sample: images, labels (1.0 for a zero) and hole scores, on the CPU.

    ``n_zeros`` zeros, then ``n_others`` other digits, drawn without replacement from
    :func:`lossutils.load_digits` with one seeded generator: the lab draws the same.
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
    chosen = torch.cat([
        zeros[torch.randperm(len(zeros), generator=generator)[:n_zeros]],
        others[torch.randperm(len(others), generator=generator)[:n_others]],
    ])
    sample = images[chosen]
    return sample, (digits[chosen] == 0).float(), _hole_score(sample)


def _threshold_sweep(
    scores: Tensor, labels: Tensor, thresholds: Tensor, *, temperature: float
) -> dict[str, Tensor]:
    """Both costs and their autograd derivatives dJ/dt at each threshold (CPU tensors).

    The hard answer is the step ``sign(h - t).clamp(min=0)``, which autograd can
    differentiate (to 0); its squared loss is its 0-1 loss. The soft answer is
    ``sigmoid((s - t) / temperature)``.
    """
    if scores.shape != labels.shape or scores.ndim != 1:
        raise ValueError(
            f"scores and labels must have the same shape (N,), got {tuple(scores.shape)} "
            f"and {tuple(labels.shape)}"
        )
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    h = scores.detach().cpu().float()[None, :]
    y = labels.detach().cpu().float().expand(len(thresholds), -1)
    t = thresholds.detach().cpu().float().clone().requires_grad_(True)
    hard = torch.sign(h - t[:, None]).clamp(min=0.0)
    soft = torch.sigmoid((h - t[:, None]) / temperature)
    zero_one = squared_loss(hard, y).mean(dim=1)
    squared = squared_loss(soft, y).mean(dim=1)
    # each threshold enters only its own row, so the gradient of the sum is every dJ/dt
    (zero_one_grad,) = torch.autograd.grad(zero_one.sum(), t)
    (squared_grad,) = torch.autograd.grad(squared.sum(), t)
    return {
        "zero_one": zero_one.detach(),
        "squared": squared.detach(),
        "zero_one_grad": zero_one_grad,
        "squared_grad": squared_grad,
    }


def _squared_loss_curves(target: float, predictions: Tensor) -> dict[str, Tensor]:
    """The squared loss with and without 1/2 at each prediction, and their autograd slopes."""
    y_hat = predictions.detach().cpu().float().clone().requires_grad_(True)
    y = torch.full_like(y_hat, float(target))
    full = squared_loss(y_hat, y)
    half = squared_loss(y_hat, y, half=True)
    (full_grad,) = torch.autograd.grad(full.sum(), y_hat)
    (half_grad,) = torch.autograd.grad(half.sum(), y_hat)
    return {"full": full.detach(), "half": half.detach(), "full_grad": full_grad,
            "half_grad": half_grad}
