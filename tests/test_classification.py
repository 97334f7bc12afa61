"""The classification losses against torch, the oracle: values and gradients in float64."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from parity import matches_torch

import lossutils as lu

REDUCTIONS = ["none", "mean", "sum"]
PARITY = settings(max_examples=20, deadline=None, database=None, derandomize=True)

seeds = st.integers(0, 2**31 - 1)
# (batch, classes, extra dims): batch None means an unbatched (C,) input
layouts = st.tuples(
    st.none() | st.integers(1, 4),
    st.integers(1, 5),
    st.lists(st.integers(1, 3), max_size=2).map(tuple),
).map(lambda t: (t[0], t[1], t[2] if t[0] is not None else ()))




def logits_and_classes(layout, seed, ignore_index=None):
    """float64 logits ``(N, C, d1, ..., dK)`` or ``(C,)`` and integer class targets."""
    batch, classes, extra = layout
    generator = torch.Generator().manual_seed(seed)
    input_shape = (classes,) if batch is None else (batch, classes, *extra)
    target_shape = () if batch is None else (batch, *extra)
    logits = 3 * torch.randn(input_shape, generator=generator, dtype=torch.float64)
    target = torch.randint(0, classes, target_shape, generator=generator)
    if ignore_index == -100:  # ignore about a third of the samples
        ignored = torch.rand(target_shape, generator=generator) < 0.3
        target = torch.where(ignored, -100, target)
    weight = 0.1 + torch.rand(classes, generator=generator, dtype=torch.float64)
    return logits, target, weight


def class_probabilities(shape, class_dim, seed):
    """Random distributions along ``class_dim``, some with exact zeros (one-hot-like)."""
    generator = torch.Generator().manual_seed(seed)
    weights = torch.rand(shape, generator=generator, dtype=torch.float64)
    weights = torch.where(weights < 0.25, 0.0, weights)
    weights = weights + (weights.sum(class_dim, keepdim=True) == 0)
    return weights / weights.sum(class_dim, keepdim=True)


INDEX_OPTIONS = [
    pytest.param(
        weighted, ignore_index, id=f"{'weighted' if weighted else 'plain'}-ignore{ignore_index}"
    )
    for weighted in (False, True)
    for ignore_index in (None, -100, 0)
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("weighted", "ignore_index"), INDEX_OPTIONS)
@PARITY
@given(layout=layouts, seed=seeds)
def test_nll_loss_matches_torch(weighted, ignore_index, reduction, layout, seed):
    logits, target, weight = logits_and_classes(layout, seed, ignore_index)
    log_q = F.log_softmax(logits, dim=0 if logits.dim() == 1 else 1)
    options = {"reduction": reduction, "weight": weight if weighted else None}
    if ignore_index is not None:
        options["ignore_index"] = ignore_index
    matches_torch(lu.nll_loss, F.nll_loss, (log_q, target), (0,), **options)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("weighted", "ignore_index"), INDEX_OPTIONS)
@PARITY
@given(layout=layouts, seed=seeds)
def test_cross_entropy_with_class_indices_matches_torch(
    weighted, ignore_index, reduction, label_smoothing, layout, seed
):
    logits, target, weight = logits_and_classes(layout, seed, ignore_index)
    options = {
        "reduction": reduction,
        "weight": weight if weighted else None,
        "label_smoothing": label_smoothing,
    }
    if ignore_index is not None:
        options["ignore_index"] = ignore_index
    matches_torch(lu.cross_entropy, F.cross_entropy, (logits, target), (0,), **options)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@PARITY
@given(layout=layouts, seed=seeds)
def test_cross_entropy_with_class_probabilities_matches_torch(
    weighted, reduction, label_smoothing, layout, seed
):
    logits, _, weight = logits_and_classes(layout, seed)
    p = class_probabilities(logits.shape, 0 if logits.dim() == 1 else 1, seed + 1)
    options = {
        "reduction": reduction,
        "weight": weight if weighted else None,
        "label_smoothing": label_smoothing,
    }
    matches_torch(lu.cross_entropy, F.cross_entropy, (logits, p), (0, 1), **options)


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def probabilities_and_targets(shape, seed):
    """Predicted probabilities away from the clamp, targets in [0, 1] with exact 0s and 1s."""
    generator = torch.Generator().manual_seed(seed)
    y_hat = 0.001 + 0.998 * torch.rand(shape, generator=generator, dtype=torch.float64)
    y = torch.rand(shape, generator=generator, dtype=torch.float64)
    y = torch.where(y < 0.3, 0.0, torch.where(y > 0.7, 1.0, y))
    return y_hat, y


def broadcast_weight(kind, shape, seed):
    """None, a weight of the input's full shape, or one per entry of the last dimension."""
    if kind is None:
        return None
    generator = torch.Generator().manual_seed(seed)
    weight_shape = shape if kind == "full" else shape[-1:]
    return 0.1 + 2 * torch.rand(weight_shape, generator=generator, dtype=torch.float64)


WEIGHT_KINDS = [None, "full", "last-dim"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_kind", WEIGHT_KINDS, ids=lambda k: f"weight-{k}")
@PARITY
@given(shape=shapes, seed=seeds)
def test_binary_cross_entropy_matches_torch(weight_kind, reduction, shape, seed):
    y_hat, y = probabilities_and_targets(shape, seed)
    weight = broadcast_weight(weight_kind, shape, seed + 1)
    matches_torch(
        lu.binary_cross_entropy,
        F.binary_cross_entropy,
        (y_hat, y),
        (0,),
        weight=weight,
        reduction=reduction,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight_kind", WEIGHT_KINDS, ids=lambda k: f"pos_weight-{k}")
@pytest.mark.parametrize("weight_kind", WEIGHT_KINDS, ids=lambda k: f"weight-{k}")
@PARITY
@given(shape=shapes, seed=seeds)
def test_binary_cross_entropy_with_logits_matches_torch(
    weight_kind, pos_weight_kind, reduction, shape, seed
):
    _, y = probabilities_and_targets(shape, seed)
    generator = torch.Generator().manual_seed(seed + 2)
    z = 4 * torch.randn(shape, generator=generator, dtype=torch.float64)
    z = torch.where(torch.rand(shape, generator=generator) < 0.1, 0.0, z)  # the kink of |z|
    options = {
        "weight": broadcast_weight(weight_kind, shape, seed + 3),
        "pos_weight": broadcast_weight(pos_weight_kind, shape, seed + 4),
        "reduction": reduction,
    }
    matches_torch(
        lu.binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
        (z, y),
        (0, 1),
        **options,
    )


def test_every_target_ignored_gives_nan_and_zero_gradient_as_torch():
    logits, _, _ = logits_and_classes((3, 4, ()), seed=0)
    target = torch.full((3,), -100)
    matches_torch(lu.cross_entropy, F.cross_entropy, (logits, target), (0,))
    assert lu.cross_entropy(logits, target).isnan()


def test_weighted_mean_divides_by_the_weights_of_the_true_classes():
    log_q = torch.tensor([[0.5, 0.5], [0.25, 0.75]], dtype=torch.float64).log()
    target, weight = torch.tensor([0, 1]), torch.tensor([1.0, 3.0], dtype=torch.float64)
    losses = -torch.stack([1.0 * log_q[0, 0], 3.0 * log_q[1, 1]])
    expected = losses.sum() / (1.0 + 3.0)
    torch.testing.assert_close(lu.nll_loss(log_q, target, weight=weight), expected)


def test_cross_entropy_of_logits_is_nll_of_log_softmax():
    logits, target, _ = logits_and_classes((4, 3, (2,)), seed=1)
    torch.testing.assert_close(
        lu.cross_entropy(logits, target), lu.nll_loss(lu.log_softmax(logits, dim=1), target)
    )


def test_label_smoothing_one_spreads_the_target_evenly():
    logits, target, _ = logits_and_classes((5, 4, ()), seed=2)
    uniform = torch.full((5, 4), 0.25, dtype=torch.float64)
    torch.testing.assert_close(
        lu.cross_entropy(logits, target, label_smoothing=1.0), lu.cross_entropy(logits, uniform)
    )


def test_one_hot_probabilities_equal_class_indices():
    logits, target, _ = logits_and_classes((6, 3, ()), seed=3)
    one_hot = F.one_hot(target, 3).double()
    torch.testing.assert_close(lu.cross_entropy(logits, one_hot), lu.cross_entropy(logits, target))


def test_binary_cross_entropy_clamps_its_logs_at_minus_100():
    y_hat = torch.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0])
    loss = lu.binary_cross_entropy(y_hat, y, reduction="none")
    torch.testing.assert_close(loss, F.binary_cross_entropy(y_hat, y, reduction="none"))
    torch.testing.assert_close(loss.detach(), torch.tensor([100.0, 100.0, 0.0, 0.0]))
    loss.sum().backward()
    assert y_hat.grad.isfinite().all()  # log(x).clamp(min=-100) would give nan here


def test_binary_cross_entropy_with_logits_is_bce_of_the_sigmoid():
    _, y = probabilities_and_targets((10,), seed=4)
    z = torch.linspace(-5, 5, 10, dtype=torch.float64)
    torch.testing.assert_close(
        lu.binary_cross_entropy_with_logits(z, y), lu.binary_cross_entropy(torch.sigmoid(z), y)
    )


def test_bce_with_logits_gradient_at_zero_is_sigmoid_minus_target():
    z = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)
    lu.binary_cross_entropy_with_logits(z, y, reduction="sum").backward()
    torch.testing.assert_close(z.grad, 0.5 - y)


def test_zero_one_loss_is_one_for_a_mistake():
    predicted = torch.tensor([1, 0, 2, 2, 1])
    true = torch.tensor([1, 1, 2, 0, 1])
    torch.testing.assert_close(
        lu.zero_one_loss(predicted, true, reduction="none"),
        torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0]),
    )
    assert lu.zero_one_loss(predicted, true).item() == pytest.approx(2 / 5)
    assert lu.zero_one_loss(predicted, true, reduction="sum").item() == 2.0


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_zero_one_loss_counts_mistakes(reduction):
    generator = torch.Generator().manual_seed(0)
    predicted = torch.randint(0, 3, (4, 5), generator=generator)
    true = torch.randint(0, 3, (4, 5), generator=generator)
    mistakes = (predicted != true).float()
    expected = {"none": mistakes, "mean": mistakes.mean(), "sum": mistakes.sum()}[reduction]
    torch.testing.assert_close(lu.zero_one_loss(predicted, true, reduction), expected)


def test_zero_one_loss_accepts_bool_and_float_labels():
    assert lu.zero_one_loss(torch.tensor([True, False]), torch.tensor([True, True])).item() == 0.5
    assert lu.zero_one_loss(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0])).item() == 0.0


def test_zero_one_loss_of_a_perfect_prediction_is_zero_and_carries_no_gradient():
    labels = torch.tensor([3, 1, 4])
    loss = lu.zero_one_loss(labels, labels)
    assert loss.item() == 0.0
    assert not loss.requires_grad
