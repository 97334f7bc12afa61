"""Numerical stability: float32 logits of +-1e4 stay finite where the naive formulas fail.

Each naive formula (exp, then sum, then log) is written out here to show it overflowing
to ``inf`` or ``nan`` on the same input that lossutils handles.
"""

import pytest
import torch
import torch.nn.functional as F

import lossutils as lu

BIG = 1e4
# float32 logits of +-1e4: exp(1e4) overflows float32 (and float64) to inf
LOGITS = torch.tensor([[BIG, 0.0, -BIG], [-BIG, -BIG, BIG], [BIG, BIG, 0.0]])
CLASSES = torch.tensor([0, 0, 2])  # right, confidently wrong, wrong


def naive_softmax(z, dim):
    return z.exp() / z.exp().sum(dim, keepdim=True)


def naive_log_softmax(z, dim):
    return naive_softmax(z, dim).log()


def naive_cross_entropy(z, y):
    return -naive_log_softmax(z, 1).gather(1, y.unsqueeze(1)).mean()


def naive_bce_with_logits(z, y):
    sigmoid = 1 / (1 + (-z).exp())
    return -(y * sigmoid.log() + (1 - y) * (1 - sigmoid).log()).mean()


def value_and_grad(function, input, *args, **options):
    input = input.detach().clone().requires_grad_(True)
    value = function(input, *args, **options)
    value.backward(torch.ones_like(value))
    return value.detach(), input.grad


def test_lossutils_stays_finite_where_the_naive_formulas_overflow():
    """Each naive formula overflows on the input; the lossutils function gives the number."""
    assert LOGITS.exp().isinf().any()
    assert naive_softmax(LOGITS, 1).isnan().any()
    torch.testing.assert_close(lu.softmax(LOGITS, dim=1), F.softmax(LOGITS.double(), 1).float())
    assert not naive_log_softmax(LOGITS, 1).isfinite().all()
    log_q = lu.log_softmax(LOGITS, dim=1)
    torch.testing.assert_close(log_q, F.log_softmax(LOGITS.double(), 1).float())
    assert LOGITS.exp().sum(1).log().isinf().any()
    torch.testing.assert_close(
        lu.logsumexp(LOGITS, dim=1), torch.tensor([BIG, BIG, BIG + 0.6931472])
    )
    assert naive_cross_entropy(LOGITS, CLASSES).isnan()
    torch.testing.assert_close(
        lu.cross_entropy(LOGITS, CLASSES), torch.tensor((0.0 + 2 * BIG + BIG + 0.6931472) / 3)
    )
    z, y = torch.tensor([-BIG, BIG]), torch.tensor([1.0, 0.0])
    assert naive_bce_with_logits(z, y).isinf()
    torch.testing.assert_close(lu.binary_cross_entropy_with_logits(z, y), torch.tensor(BIG))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(lu.softmax, F.softmax), (lu.log_softmax, F.log_softmax), (lu.logsumexp, torch.logsumexp)],
    ids=["softmax", "log_softmax", "logsumexp"],
)
def test_normalisers_stay_finite_and_correct(ours, theirs):
    value, grad = value_and_grad(ours, LOGITS, dim=1)
    assert value.isfinite().all() and grad.isfinite().all()
    # the oracle: torch in float64, where +-1e4 loses nothing
    expected_value, expected_grad = value_and_grad(theirs, LOGITS.double(), dim=1)
    torch.testing.assert_close(value.double(), expected_value, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grad.double(), expected_grad, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(value, theirs(LOGITS, dim=1))  # and torch in float32


def test_logsumexp_gradient_is_the_exact_softmax():
    """torch's float32 backward, exp(z - logsumexp(z)), inherits the rounding of a result
    near 1e4 (spacing 1e-3); the max-shifted formula gives the softmax itself."""
    _, grad = value_and_grad(lu.logsumexp, LOGITS, dim=1)
    torch.testing.assert_close(grad, lu.softmax(LOGITS, dim=1), rtol=0, atol=1e-7)
    torch.testing.assert_close(grad[2], torch.tensor([0.5, 0.5, 0.0]), rtol=0, atol=1e-7)


def test_logsumexp_exact_values():
    lse = lu.logsumexp(LOGITS, dim=1)
    torch.testing.assert_close(lse, torch.tensor([BIG, BIG, BIG + 0.6931472]))
    log_q = lu.log_softmax(LOGITS, dim=1)
    assert log_q[0, 2].item() == -2 * BIG  # not -inf: the log survives where q underflows


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_with_huge_logits(reduction, label_smoothing):
    options = {"reduction": reduction, "label_smoothing": label_smoothing}
    for target in (CLASSES, F.one_hot(CLASSES, 3).float()):
        value, grad = value_and_grad(lu.cross_entropy, LOGITS, target, **options)
        expected_value, expected_grad = value_and_grad(F.cross_entropy, LOGITS, target, **options)
        assert value.isfinite().all() and grad.isfinite().all()
        torch.testing.assert_close(value, expected_value)
        torch.testing.assert_close(grad, expected_grad)


def test_cross_entropy_with_huge_logits_exact_losses():
    losses = lu.cross_entropy(LOGITS, CLASSES, reduction="none")
    # right: ~0; wrong by 2e4 and by 1e4 (with the tie of two 1e4 logits: + log 2)
    torch.testing.assert_close(losses, torch.tensor([0.0, 2 * BIG, BIG + 0.6931472]))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_with_logits_with_huge_logits(reduction):
    z = torch.tensor([[-BIG, BIG, 0.0], [BIG, -BIG, 3.0]])
    y = torch.tensor([[1.0, 0.0, 1.0], [1.0, 0.0, 0.5]])
    pos_weight = torch.tensor([2.0, 1.0, 0.5])
    for options in ({}, {"pos_weight": pos_weight}):
        value, grad = value_and_grad(
            lu.binary_cross_entropy_with_logits, z, y, reduction=reduction, **options
        )
        expected_value, expected_grad = value_and_grad(
            F.binary_cross_entropy_with_logits, z, y, reduction=reduction, **options
        )
        assert value.isfinite().all() and grad.isfinite().all()
        torch.testing.assert_close(value, expected_value)
        torch.testing.assert_close(grad, expected_grad)


def test_bce_with_logits_confident_mistake_costs_its_margin():
    z, y = torch.tensor([-BIG, BIG]), torch.tensor([1.0, 0.0])
    losses = lu.binary_cross_entropy_with_logits(z, y, reduction="none")
    torch.testing.assert_close(losses, torch.tensor([BIG, BIG]))
    # the probability route saturates: the sigmoid is exactly 0 or 1, the log clamped
    clamped = lu.binary_cross_entropy(torch.sigmoid(z), y, reduction="none")
    torch.testing.assert_close(clamped, torch.tensor([100.0, 100.0]))


def test_kl_div_from_log_softmax_of_huge_logits():
    log_q = lu.log_softmax(LOGITS, dim=1)
    p = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.5, 0.5, 0.0]])
    value, grad = value_and_grad(lu.kl_div, log_q, p, reduction="batchmean")
    assert value.isfinite() and grad.isfinite().all()
    naive = F.kl_div(naive_log_softmax(LOGITS, 1), p, reduction="batchmean")
    assert not naive.isfinite()


def test_entropy_of_a_certain_outcome_is_zero_not_nan():
    p = lu.softmax(LOGITS, dim=1)  # rows with exact zeros
    assert (p == 0).any()
    h = lu.entropy(p)
    assert h.isfinite().all()
    torch.testing.assert_close(h, torch.tensor([0.0, 0.0, 0.6931472]))
    assert (p * p.log()).sum(1).isnan().any()  # 0 * log 0 = nan without xlogy
