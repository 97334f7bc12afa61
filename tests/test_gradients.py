"""The hand-written backwards: first and second derivatives, checked numerically.

Where a loss's backward is written from its derivative (a ``torch.autograd.Function``),
``torch.autograd.gradcheck`` compares it with finite differences of the forward, and
``gradgradcheck`` does the same for the backward's own derivative, in float64. The
parity tests (test_regression, test_classification, test_information) compare the
first derivatives with torch's; here the second ones are compared with torch's too, so
that a second derivative that silently comes out as zeros cannot pass.

The inputs keep away from the kinks of the piecewise losses (a residual of 0, or of
:math:`\\pm\\delta`), where finite differences straddle two pieces.
"""

import pytest
import torch
import torch.nn.functional as F
from torch.autograd import gradcheck, gradgradcheck

import lossutils as lu

REDUCTIONS = ["none", "mean", "sum"]
DOUBLE = torch.float64


def generator(seed):
    return torch.Generator().manual_seed(seed)


def away_from_kinks(shape, kinks, seed):
    """Prediction and target whose residuals keep at least 0.05 from every kink."""
    g = generator(seed)
    input = torch.randn(shape, generator=g, dtype=DOUBLE)
    residual = 3 * torch.randn(shape, generator=g, dtype=DOUBLE)
    for kink in kinks:
        for point in (-kink, kink):
            side = torch.sign(residual - point + 1e-9)
            residual = torch.where((residual - point).abs() < 0.05, point + 0.1 * side, residual)
    return input, input + residual


def leaves(*tensors):
    return tuple(t.detach().clone().requires_grad_(True) for t in tensors)


def check_both(function, inputs):
    """gradcheck and gradgradcheck, each with a message that names the failing order."""
    assert gradcheck(function, inputs, eps=1e-6, atol=1e-7, rtol=1e-5), "first derivative"
    assert gradgradcheck(function, inputs, eps=1e-6, atol=1e-7, rtol=1e-5), "second derivative"


# regression ------------------------------------------------------------------------------

REGRESSION = [
    pytest.param(lu.mse_loss, F.mse_loss, {}, (), id="mse"),
    pytest.param(lu.l1_loss, F.l1_loss, {}, (0.0,), id="l1"),
    pytest.param(lu.huber_loss, F.huber_loss, {"delta": 0.7}, (0.0, 0.7), id="huber-0.7"),
    pytest.param(lu.huber_loss, F.huber_loss, {"delta": 2.0}, (0.0, 2.0), id="huber-2"),
    pytest.param(lu.smooth_l1_loss, F.smooth_l1_loss, {"beta": 0.5}, (0.0, 0.5), id="smooth-0.5"),
    pytest.param(lu.smooth_l1_loss, F.smooth_l1_loss, {"beta": 1.5}, (0.0, 1.5), id="smooth-1.5"),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("ours", "theirs", "options", "kinks"), REGRESSION)
def test_regression_gradients(ours, theirs, options, kinks, reduction):
    input, target = away_from_kinks((3, 4), kinks, seed=0)
    check_both(lambda i, t: ours(i, t, reduction=reduction, **options), leaves(input, target))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("ours", "theirs", "options", "kinks"), REGRESSION)
def test_regression_second_derivatives_match_torch(ours, theirs, options, kinks, reduction):
    input, target = away_from_kinks((5, 3), kinks, seed=1)
    assert_second_derivatives_match(
        ours, theirs, (input, target), (0, 1), reduction=reduction, **options
    )


def assert_second_derivatives_match(ours, theirs, tensors, differentiable, **options):
    """Hessian-vector products of ``ours`` and ``theirs`` agree (and are not all zero).

    The gradient of each function is taken with ``create_graph=True``; its dot product
    with a fixed random vector is differentiated again.
    """

    def hessian_vector(function):
        inputs = [
            t.detach().clone().requires_grad_(i in differentiable) for i, t in enumerate(tensors)
        ]
        value = function(*inputs, **options)
        upstream = torch.linspace(0.5, 1.5, value.numel(), dtype=DOUBLE).reshape(value.shape)
        wrt = [inputs[i] for i in differentiable]
        grads = torch.autograd.grad(value, wrt, upstream, create_graph=True)
        g = generator(99)  # a different direction for each input: +r and -r cannot cancel
        directions = [torch.randn(grad.shape, generator=g, dtype=DOUBLE) for grad in grads]
        dot = sum((g * d).sum() for g, d in zip(grads, directions, strict=True))
        return torch.autograd.grad(dot, wrt, allow_unused=True, materialize_grads=True)

    for got, expected in zip(hessian_vector(ours), hessian_vector(theirs), strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-9, atol=1e-11)


def test_the_mse_second_derivative_is_not_zero():
    """The check above cannot pass on zeros: torch's second derivative of MSE is 2/N."""
    input, target = leaves(torch.tensor([1.0, 2.0], dtype=DOUBLE), torch.zeros(2, dtype=DOUBLE))
    (grad,) = torch.autograd.grad(lu.mse_loss(input, target), input, create_graph=True)
    (second,) = torch.autograd.grad(grad.sum(), input)
    torch.testing.assert_close(second, torch.tensor([1.0, 1.0], dtype=DOUBLE))


# binary cross-entropy on logits ------------------------------------------------------


def logits_targets(shape, seed):
    g = generator(seed)
    z = 3 * torch.randn(shape, generator=g, dtype=DOUBLE)
    y = 0.05 + 0.9 * torch.rand(shape, generator=g, dtype=DOUBLE)
    return z, y


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weight"])
@pytest.mark.parametrize("pos_weighted", [False, True], ids=["", "pos_weight"])
def test_bce_with_logits_gradients(reduction, weighted, pos_weighted):
    z, y = logits_targets((3, 4), seed=2)
    g = generator(3)
    weight = 0.5 + torch.rand(3, 1, generator=g, dtype=DOUBLE) if weighted else None
    pos_weight = 0.5 + torch.rand(4, generator=g, dtype=DOUBLE) if pos_weighted else None
    extras = [t for t in (weight, pos_weight) if t is not None]

    def loss(z, y, *extras):
        it = iter(extras)
        return lu.binary_cross_entropy_with_logits(
            z,
            y,
            weight=next(it) if weighted else None,
            pos_weight=next(it) if pos_weighted else None,
            reduction=reduction,
        )

    check_both(loss, leaves(z, y, *extras))  # input, target, weight and pos_weight


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_second_derivatives_match_torch(reduction):
    z, y = logits_targets((4, 3), seed=4)
    pos_weight = torch.tensor([0.5, 1.0, 3.0], dtype=DOUBLE)
    assert_second_derivatives_match(
        lu.binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
        (z, y),
        (0, 1),
        reduction=reduction,
        pos_weight=pos_weight,
    )


# cross-entropy --------------------------------------------------------------------------

INDEX_LAYOUTS = [
    pytest.param((4, 3), id="N-C"),
    pytest.param((3,), id="C"),
    pytest.param((2, 3, 2), id="N-C-d"),
]


def logits_and_classes(shape, seed, ignore=False):
    g = generator(seed)
    logits = 2 * torch.randn(shape, generator=g, dtype=DOUBLE)
    classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0], *shape[2:])
    target = torch.randint(0, classes, target_shape, generator=g)
    if ignore and target.dim() > 0:
        target = target.flatten()
        target[0] = -100  # one ignored sample, the others kept
        target = target.reshape(target_shape)
    weight = 0.5 + torch.rand(classes, generator=g, dtype=DOUBLE)
    return logits, target, weight


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weight"])
@pytest.mark.parametrize("shape", INDEX_LAYOUTS)
def test_cross_entropy_with_class_indices_gradients(shape, weighted, smoothing, reduction):
    logits, target, weight = logits_and_classes(shape, seed=5, ignore=True)

    def loss(z):
        return lu.cross_entropy(
            z,
            target,
            weight=weight if weighted else None,
            label_smoothing=smoothing,
            reduction=reduction,
        )

    check_both(loss, leaves(logits))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weight"])
@pytest.mark.parametrize("shape", INDEX_LAYOUTS)
def test_cross_entropy_with_class_probabilities_gradients(shape, weighted, smoothing, reduction):
    logits, _, weight = logits_and_classes(shape, seed=6)
    class_dim = 0 if len(shape) == 1 else 1
    g = generator(7)
    p = torch.rand(shape, generator=g, dtype=DOUBLE) + 0.1
    p = p / p.sum(class_dim, keepdim=True)
    tensors = (logits, p, weight) if weighted else (logits, p)

    def loss(z, p, *weight):
        return lu.cross_entropy(
            z, p, weight=weight[0] if weight else None, label_smoothing=smoothing,
            reduction=reduction,
        )

    check_both(loss, leaves(*tensors))  # input, target and weight


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target_kind", ["indices", "probabilities"])
def test_cross_entropy_second_derivatives_match_torch(target_kind, reduction):
    logits, target, weight = logits_and_classes((5, 4), seed=8, ignore=True)
    differentiable = (0,)
    if target_kind == "probabilities":
        target = F.softmax(torch.randn(5, 4, generator=generator(9), dtype=DOUBLE), dim=1)
        differentiable = (0, 1)
    assert_second_derivatives_match(
        lu.cross_entropy,
        F.cross_entropy,
        (logits, target),
        differentiable,
        weight=weight,
        label_smoothing=0.1,
        reduction=reduction,
    )


def test_cross_entropy_weight_with_class_indices_has_no_gradient():
    logits, target, weight = logits_and_classes((4, 3), seed=10)
    with pytest.raises(ValueError, match="no gradient with respect to weight"):
        lu.cross_entropy(logits, target, weight=weight.requires_grad_(True))


# softmax, log_softmax, logsumexp ------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "options"),
    [
        pytest.param(lu.softmax, {"dim": 1}, id="softmax"),
        pytest.param(lu.softmax, {"dim": 0}, id="softmax-dim0"),
        pytest.param(lu.log_softmax, {"dim": -1}, id="log_softmax"),
        pytest.param(lu.logsumexp, {"dim": 1}, id="logsumexp"),
        pytest.param(lu.logsumexp, {"dim": (0, 2), "keepdim": True}, id="logsumexp-dims-kept"),
    ],
)
def test_normaliser_gradients(function, options):
    logits = 2 * torch.randn(3, 4, 2, generator=generator(11), dtype=DOUBLE)
    check_both(lambda z: function(z, **options), leaves(logits))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(lu.softmax, F.softmax), (lu.log_softmax, F.log_softmax), (lu.logsumexp, torch.logsumexp)],
    ids=["softmax", "log_softmax", "logsumexp"],
)
def test_normaliser_second_derivatives_match_torch(ours, theirs):
    logits = 2 * torch.randn(3, 5, generator=generator(12), dtype=DOUBLE)
    assert_second_derivatives_match(ours, theirs, (logits,), (0,), dim=1)


# the backward may be run again ----------------------------------------------------------


@pytest.mark.parametrize(
    "loss",
    [
        lambda z: lu.mse_loss(z, torch.ones_like(z)),
        lambda z: lu.huber_loss(z, torch.ones_like(z)),
        lambda z: lu.binary_cross_entropy_with_logits(z, torch.full_like(z, 0.5)),
        lambda z: lu.cross_entropy(z, torch.tensor([0, 2, 1])),
        lambda z: lu.cross_entropy(z, torch.full_like(z, 0.25)),
        lambda z: lu.log_softmax(z, dim=1).sum(),
    ],
    ids=["mse", "huber", "bce_with_logits", "ce-indices", "ce-probabilities", "log_softmax"],
)
def test_retain_graph_runs_the_same_backward_twice(loss):
    """The backward reads what the forward saved and writes over none of it."""
    z = torch.randn(3, 4, generator=generator(13), dtype=DOUBLE, requires_grad=True)
    value = loss(z)
    value.backward(retain_graph=True)
    first = z.grad.clone()
    value.backward()
    torch.testing.assert_close(z.grad, 2 * first)
