r"""Chapter 6, entropy and cross-entropy: the figures and the lab's three-class demo.

The chapter measures a belief: the entropy :math:`H(p)` of a distribution (a coin, a
die), the loss :math:`-\log q_y` of one labelled example, the cross-entropy
:math:`H(p, q)` of a prediction :math:`q` against the truth :math:`p` and the gap
between the two, the KL divergence. It ends on binary cross-entropy, where float32
probabilities saturate and logits do not. Each figure function takes what the chapter
or its lab computed and draws it; the demo computes its pictures with the lab's
``cross_entropy`` and ``entropy`` (by default the references, :func:`lossutils.entropy`
and :func:`lossutils.cross_entropy`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from ..classification import cross_entropy
from ..information import entropy as reference_entropy
from .live import LiveDemo, Range, live_demo
from .style import COLORS, label_axes, subplots

__all__ = [
    "bce_saturation_figure",
    "cross_entropy_demo",
    "cross_entropy_frame",
    "entropy_figure",
    "one_hot_loss_figure",
    "split_three",
]


def _numbers(name: str, values: object) -> np.ndarray:
    """``values`` (a tensor, array or sequence) as a 1-D float64 array, on the CPU."""
    if isinstance(values, Tensor):
        values = values.detach().to("cpu", torch.float64).numpy()
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, "
                         f"got shape {array.shape}")
    return array


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"these must have the same length: {lengths}")


def entropy_figure(
    heads: Sequence[float] | Tensor,
    coin_bits: Sequence[float] | Tensor,
    coins: Mapping[str, tuple[float, float]],
    dice: Mapping[str, tuple[Sequence[float] | Tensor, float]],
) -> Figure:
    """Left: a coin's entropy against its chance of heads. Right: two dice and theirs.

    Parameters
    ----------
    heads, coin_bits : sequence of float or Tensor
        Chances of heads and the entropy in bits of the coin with each.
    coins : mapping of str to (float, float)
        Coins to mark on the curve: name to (chance of heads, entropy in bits).
    dice : mapping of str to (probabilities, float)
        Dice to draw as bars: name to (the chance of each face, entropy in bits).
    """
    heads, coin_bits = _numbers("heads", heads), _numbers("coin_bits", coin_bits)
    _same_length(heads=heads, coin_bits=coin_bits)
    if not dice:
        raise ValueError("dice must name at least one die")
    fig, (left, right) = subplots(1, 2, height=3.4)
    left.plot(heads, coin_bits, color=COLORS["cross_entropy"])
    for name, (chance, bits) in coins.items():
        left.plot([chance], [bits], "o", color=COLORS["highlight"])
        # The label sits below its point, inside the hump, where the curve is not: below
        # a point on a side of the hump, the curve falls away outwards, so the label
        # leans inwards.
        side = "center" if abs(chance - 0.5) < 0.05 else "right" if chance > 0.5 else "left"
        shift = {"center": 0, "right": -8, "left": 8}[side]
        left.annotate(f"{name}\n{bits:.2f} bits", (chance, bits), xytext=(shift, -30),
                      textcoords="offset points", ha=side, va="top", fontsize=9)
    left.set_ylim(0, 1.1)
    label_axes(left, title="A coin", xlabel="chance of heads", ylabel="entropy H (bits)")

    width = 0.8 / len(dice)
    for k, (name, (faces, bits)) in enumerate(dice.items()):
        faces = _numbers(f"the faces of {name!r}", faces)
        positions = np.arange(1, len(faces) + 1) + (k - (len(dice) - 1) / 2) * width
        right.bar(positions, faces, width=width, label=f"{name}: H = {bits:.2f} bits")
    right.set_ylim(0, 1.0)
    right.set_xticks(np.arange(1, len(faces) + 1))
    label_axes(right, title="A die", xlabel="face", ylabel="probability", legend=True)
    plt.close(fig)  # shown once, by the cell's result
    return fig


def one_hot_loss_figure(
    right_probability: Sequence[float] | Tensor,
    loss: Sequence[float] | Tensor,
    marked: Sequence[float] | Tensor = (),
) -> Figure:
    r"""The loss :math:`-\log q_y` of one labelled example against :math:`q_y`.

    Parameters
    ----------
    right_probability, loss : sequence of float or Tensor
        The probability :math:`q_y` the prediction gives the right class, and the
        cross-entropy (in nats) for each.
    marked : sequence of float, optional
        Values of :math:`q_y` to mark on the curve with their loss.
    """
    q_y, loss = _numbers("right_probability", right_probability), _numbers("loss", loss)
    _same_length(right_probability=q_y, loss=loss)
    fig, ax = subplots(height=3.4)
    ax.plot(q_y, loss, color=COLORS["cross_entropy"])
    for value in (marked.tolist() if isinstance(marked, Tensor) else marked):
        value = float(value)
        at = float(np.interp(value, q_y, loss))
        ax.plot([value], [at], "o", color=COLORS["highlight"])
        ax.annotate(f"$q_y$ = {value:g}: {at:.2f}", (value, at), xytext=(8, 6),
                    textcoords="offset points", fontsize=9)
    ax.set_ylim(0, max(float(loss.max()), 1.0) * 1.05)
    label_axes(ax, title="One labelled example: the loss is $-\\log q_y$",
               xlabel="probability $q_y$ given to the right class",
               ylabel="cross-entropy (nats)")
    plt.close(fig)  # shown once, by the cell's result
    return fig


def split_three(share_first: float, share_second: float) -> Tensor:
    """A distribution over three classes: ``share_first`` on class 0, the rest split.

    Class 1 gets ``share_second`` of what class 0 leaves, class 2 the remainder, so
    that every pair of shares in ``(0, 1)`` gives a distribution with no zero.

    Examples
    --------
    >>> split_three(0.6, 0.75)
    tensor([0.6000, 0.3000, 0.1000], dtype=torch.float64)
    """
    for name, share in (("share_first", share_first), ("share_second", share_second)):
        if not 0 < share < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {share!r}")
    rest = 1.0 - share_first
    return torch.tensor([share_first, rest * share_second, rest * (1.0 - share_second)],
                        dtype=torch.float64)


def _check_distribution(p: Tensor) -> Tensor:
    p = torch.as_tensor(p, dtype=torch.float64).detach().cpu()
    if p.shape != (3,):
        raise ValueError(f"p must hold three probabilities, got shape {tuple(p.shape)}")
    if bool((p <= 0).any()) or abs(float(p.sum()) - 1.0) > 1e-6:
        raise ValueError(f"p must be positive and sum to 1, got {p.tolist()}")
    return p


def _cross_entropy_of(p: Tensor, q: Tensor) -> Tensor:
    """H(p, q) in nats for each row of ``q``: the reference, fed log q as logits."""
    targets = p.expand_as(q)
    return cross_entropy(q.log(), targets, reduction="none")


def _reference_cross_entropy(p: Tensor, q: Tensor) -> Tensor:
    """H(p, q) along the last dimension of ``q``, by the reference."""
    return _cross_entropy_of(p, q.reshape(-1, q.shape[-1])).reshape(q.shape[:-1])


def cross_entropy_frame(
    p: Tensor, share_first: float, share_second: float, *,
    cross_entropy: Callable[[Tensor, Tensor], Tensor] | None = None,
    entropy: Callable[[Tensor], Tensor] | None = None,
) -> Figure:
    r"""One frame of the demo: the truth :math:`p`, a prediction :math:`q`, and the gap.

    :math:`q` = :func:`split_three` ``(share_first, share_second)``. Left: :math:`p` and
    :math:`q` as bars. Right: :math:`H(p, q)` as class 0's share moves with the split
    of the rest held, the entropy :math:`H(p)` below it, and the KL divergence as the
    gap between them at the current :math:`q`.

    ``cross_entropy(p, q)`` (along the last dimension of ``q``, in nats) and
    ``entropy(p)`` compute them: the lab passes its own, float64 tensors on the CPU
    go in; by default the references (:func:`lossutils.cross_entropy` on ``log q``,
    :func:`lossutils.entropy`).
    """
    cross_entropy = _reference_cross_entropy if cross_entropy is None else cross_entropy
    entropy = reference_entropy if entropy is None else entropy
    p = _check_distribution(p)
    q = split_three(share_first, share_second)
    h_p = float(entropy(p))
    h_pq = float(cross_entropy(p, q))
    kl = h_pq - h_p

    fig, (left, right) = subplots(1, 2, height=3.4)
    classes = np.arange(3)  # counted from 0, as in PyTorch
    left.bar(classes - 0.2, p.numpy(), width=0.4, color=COLORS["truth"], label="truth p")
    left.bar(classes + 0.2, q.numpy(), width=0.4, color=COLORS["model"],
             label="prediction q")
    left.set_xticks(classes)
    left.set_ylim(0, 1.25)
    label_axes(left, title="The truth and a prediction", xlabel="class",
               ylabel="probability", legend=True)

    shares = torch.linspace(0.02, 0.98, 97, dtype=torch.float64)
    rest = 1.0 - shares
    path = torch.stack([shares, rest * share_second, rest * (1.0 - share_second)], dim=1)
    curve = _numbers("H(p, q) along the path", cross_entropy(p, path))
    right.plot(shares.numpy(), curve, color=COLORS["cross_entropy"], label="H(p, q)")
    right.axhline(h_p, color=COLORS["truth"], linestyle="--", label="H(p)")
    right.vlines(share_first, h_p, h_pq, color=COLORS["highlight"], linewidth=3,
                 label="KL(p‖q)")
    right.plot([share_first], [h_pq], "o", color=COLORS["highlight"])
    right.set_ylim(0, 3.0)
    label_axes(right, title=f"H(p,q) {h_pq:.2f} = H(p) {h_p:.2f} + KL {kl:.2f}",
               xlabel="q of class 0 (the split of the rest held)", ylabel="nats",
               legend=True)
    plt.close(fig)  # shown once, by the cell's result
    return fig


def cross_entropy_demo(
    p: Tensor,
    first_shares: Sequence[float] = (0.15, 0.3, 0.45, 0.6, 0.75, 0.9),
    second_shares: Sequence[float] = (0.25, 0.5, 0.75),
    *,
    cross_entropy: Callable[[Tensor, Tensor], Tensor] | None = None,
    entropy: Callable[[Tensor], Tensor] | None = None,
) -> LiveDemo:
    r"""The lab's demo: move the prediction :math:`q` and watch :math:`H(p, q)` and KL.

    One slider sets :math:`q`'s probability of class 0, the other how the rest is split
    between classes 1 and 2 (see :func:`split_three`). Where :math:`q = p` the KL
    divergence is 0 and the cross-entropy equals the entropy. Each picture is
    :func:`cross_entropy_frame`, computed with the lab's ``cross_entropy`` and
    ``entropy``. The frames are at ``first_shares`` and ``second_shares``; in a kernel
    each slider takes any share from 0.02 to 0.98.
    """
    p = _check_distribution(p)

    def draw(share_first: float, share_second: float) -> Figure:
        return cross_entropy_frame(p, share_first, share_second,
                                   cross_entropy=cross_entropy, entropy=entropy)

    return live_demo(
        draw,
        description=("Bars of a true distribution p and a prediction q over three "
                     "classes, and the cross-entropy H(p, q) with the entropy H(p) "
                     "below it, the gap between them being the KL divergence"),
        labels={"share_first": "q of class 0", "share_second": "class 1's share of the rest"},
        ranges={"share_first": Range(0.02, 0.98, 0.01),
                "share_second": Range(0.02, 0.98, 0.01)},
        frames={"share_first": first_shares, "share_second": second_shares},
        start={"share_first": first_shares[1], "share_second": second_shares[1]},
        shared_layout=True,
    )


def bce_saturation_figure(
    logits: Sequence[float] | Tensor,
    losses: Mapping[str, Sequence[float] | Tensor],
    gradients: Mapping[str, Sequence[float] | Tensor],
) -> Figure:
    r"""Binary cross-entropy of a negative example (:math:`y = 0`) against its logit.

    Parameters
    ----------
    logits : sequence of float or Tensor
        The logits :math:`z` along the x axis.
    losses, gradients : mapping of str to values
        For each way of computing the loss (its label), the loss and its derivative
        :math:`d\ell/dz` at each logit. The second way is drawn dashed.
    """
    z = _numbers("logits", logits)
    if set(losses) != set(gradients) or not losses:
        raise ValueError("losses and gradients must name the same, non-empty, set of ways")
    fig, (left, right) = subplots(1, 2, height=3.4)
    styles = ["-", "--", ":"]
    colours = [COLORS["mae"], COLORS["model"], COLORS["huber"]]
    for k, name in enumerate(losses):
        loss = _numbers(f"losses[{name!r}]", losses[name])
        grad = _numbers(f"gradients[{name!r}]", gradients[name])
        _same_length(logits=z, loss=loss, gradient=grad)
        left.plot(z, loss, styles[k % 3], color=colours[k % 3], label=name)
        right.plot(z, grad, styles[k % 3], color=colours[k % 3], label=name)
    left.set_ylim(-5, 150)  # room above the clamp, 100, for the legend
    right.set_ylim(-0.1, 1.6)
    label_axes(left, title="Loss of a negative example", xlabel="logit z",
               ylabel="loss (nats)", legend=False)
    label_axes(right, title="Its gradient", xlabel="logit z", ylabel="dℓ/dz", legend=False)
    # Above the curves on the left of each panel, where no line goes.
    left.legend(loc="upper left")
    right.legend(loc="upper left")
    plt.close(fig)  # shown once, by the cell's result
    return fig
