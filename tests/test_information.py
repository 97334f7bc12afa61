"""softmax, log_softmax, logsumexp, entropy and kl_div against torch: values and gradients."""

import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from parity import ATOL, RTOL, matches_torch

import lossutils as lu

PARITY = settings(max_examples=30, deadline=None, database=None, derandomize=True)

shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2**31 - 1)




def logits_of(shape, seed, scale=3.0):
    generator = torch.Generator().manual_seed(seed)
    return scale * torch.randn(shape, generator=generator, dtype=torch.float64)


def distribution_of(shape, seed, dim=-1, zeros=False):
    """A random distribution along ``dim``; with ``zeros``, some outcomes have p = 0."""
    generator = torch.Generator().manual_seed(seed)
    weights = torch.rand(shape, generator=generator, dtype=torch.float64)
    if zeros:
        weights = torch.where(weights < 0.3, 0.0, weights)
        weights = weights + (weights.sum(dim, keepdim=True) == 0)  # no all-zero row
    return weights / weights.sum(dim, keepdim=True)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(lu.softmax, F.softmax), (lu.log_softmax, F.log_softmax)],
    ids=["softmax", "log_softmax"],
)
@PARITY
@given(shape=shapes, seed=seeds, data=st.data())
def test_softmax_and_log_softmax_match_torch(ours, theirs, shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    matches_torch(ours, theirs, (logits_of(shape, seed),), (0,), dim=dim)


@PARITY
@given(shape=shapes, seed=seeds, keepdim=st.booleans(), data=st.data())
def test_logsumexp_matches_torch(shape, seed, keepdim, data):
    dims = st.integers(-len(shape), len(shape) - 1)
    dim = data.draw(
        dims | st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple),
        label="dim",
    )
    matches_torch(
        lu.logsumexp, torch.logsumexp, (logits_of(shape, seed),), (0,), dim=dim, keepdim=keepdim
    )


def test_softmax_dtype_casts_first():
    logits = torch.tensor([1.0, 2.0, 3.0])
    for function, expected in ((lu.softmax, F.softmax), (lu.log_softmax, F.log_softmax)):
        value = function(logits, dim=0, dtype=torch.float64)
        assert value.dtype == torch.float64
        torch.testing.assert_close(value, expected(logits, dim=0, dtype=torch.float64))


def test_logsumexp_of_infinities_is_torchs():
    rows = torch.tensor([[-math.inf, -math.inf], [math.inf, 0.0], [-math.inf, 1.0]])
    torch.testing.assert_close(lu.logsumexp(rows, dim=1), torch.logsumexp(rows, dim=1))


@pytest.mark.parametrize("reduction", ["none", "batchmean", "mean", "sum"])
@pytest.mark.parametrize("log_target", [False, True], ids=["p-target", "log-p-target"])
@PARITY
@given(shape=shapes, seed=seeds, zeros=st.booleans())
def test_kl_div_matches_torch(reduction, log_target, shape, seed, zeros):
    log_q = distribution_of(shape, seed).log()
    p = distribution_of(shape, seed + 1, zeros=zeros)
    target = p.log() if log_target else p

    def theirs(*args, **options):
        with warnings.catch_warnings():  # torch warns that 'mean' is not the KL divergence
            warnings.simplefilter("ignore", UserWarning)
            return F.kl_div(*args, **options)

    matches_torch(
        lu.kl_div, theirs, (log_q, target), (0, 1), reduction=reduction, log_target=log_target
    )


def test_kl_div_batchmean_is_the_kl_divergence():
    p = torch.tensor([[0.5, 0.5], [0.9, 0.1]], dtype=torch.float64)
    q = torch.tensor([[0.25, 0.75], [0.5, 0.5]], dtype=torch.float64)
    kl_rows = (p * (p / q).log()).sum(dim=1)
    torch.testing.assert_close(lu.kl_div(q.log(), p, reduction="batchmean"), kl_rows.mean())
    torch.testing.assert_close(lu.kl_div(q.log(), p, reduction="mean"), kl_rows.sum() / 4)


@pytest.mark.parametrize("base", [None, 2, 10])
@PARITY
@given(shape=shapes, seed=seeds, data=st.data())
def test_entropy_matches_torch(base, shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    p = distribution_of(shape, seed, dim=dim)
    log_base = 1.0 if base is None else math.log(base)

    def theirs(p):  # torch.special.entr(x) = -x log x, elementwise
        return torch.special.entr(p).sum(dim) / log_base

    matches_torch(lambda p: lu.entropy(p, dim=dim, base=base), theirs, (p,), (0,))


@PARITY
@given(shape=shapes, seed=seeds)
def test_entropy_with_zero_probabilities_matches_categorical(shape, seed):
    p = distribution_of(shape, seed, zeros=True)
    expected = torch.distributions.Categorical(probs=p).entropy()
    torch.testing.assert_close(lu.entropy(p), expected, rtol=RTOL, atol=ATOL)


def test_entropy_analytic_values():
    for classes in (1, 2, 8):
        uniform = torch.full((classes,), 1 / classes, dtype=torch.float64)
        assert lu.entropy(uniform, base=2).item() == pytest.approx(math.log2(classes))
    assert lu.entropy(torch.tensor([0.0, 1.0, 0.0])).item() == 0.0
    fair_coin = torch.tensor([0.5, 0.5], dtype=torch.float64)
    assert lu.entropy(fair_coin).item() == pytest.approx(math.log(2))


def test_cross_entropy_is_entropy_plus_kl():
    """H(p, q) = H(p) + D_KL(p || q): the lesson's cross-entropy decomposes."""
    p = distribution_of((4, 3), seed=0)
    logits = logits_of((4, 3), seed=1)
    cross = lu.cross_entropy(logits, p, reduction="sum")
    kl = lu.kl_div(lu.log_softmax(logits, dim=1), p, reduction="sum")
    torch.testing.assert_close(cross, lu.entropy(p).sum() + kl)


EMPTY = [
    pytest.param((5, 0, 0), 1, id="5x0x0-dim1"),
    pytest.param((5, 0), 1, id="5x0-dim1"),
    pytest.param((0, 3), 0, id="0x3-dim0"),
    pytest.param((0, 3), 1, id="0x3-dim1"),
    pytest.param((2, 0, 3), -2, id="2x0x3-dim-2"),
]


@pytest.mark.parametrize(("shape", "dim"), EMPTY)
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(lu.softmax, F.softmax), (lu.log_softmax, F.log_softmax), (lu.logsumexp, torch.logsumexp)],
    ids=["softmax", "log_softmax", "logsumexp"],
)
def test_an_empty_dimension_gives_torchs_result(ours, theirs, shape, dim):
    """No max exists over an empty dimension; torch returns an empty result (or, for
    logsumexp over an empty dimension of a non-empty result, log 0 = -inf)."""
    logits = torch.zeros(shape, dtype=torch.float64)
    value, expected = ours(logits, dim=dim), theirs(logits, dim=dim)
    assert value.shape == expected.shape
    assert torch.equal(value, expected)
    matches_torch(ours, theirs, (logits,), (0,), dim=dim)


def test_logsumexp_over_an_empty_dimension_is_minus_infinity():
    value = lu.logsumexp(torch.zeros(5, 0), dim=1)
    assert torch.equal(value, torch.full((5,), -math.inf))
    kept = lu.logsumexp(torch.zeros(5, 0, 0), dim=(1, 2), keepdim=True)
    assert torch.equal(kept, torch.full((5, 1, 1), -math.inf))
