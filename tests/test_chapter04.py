"""Chapter 4: the sample and sweep its page computes, its figures and its demo.

The lab writes the teaching code (hole score, hard and soft answers, descent, sweep) in
its own cells and checks it there; these tests hold the module's private copies that the
chapter page draws from against ``lossutils`` and torch, the numbers the chapter states,
every figure against the figure standard, and the demo's two sliders.
"""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import lossutils as lu
from lossutils.figures import chapter04 as figures
from lossutils.figures.player import MAX_FRAMES, unresponsive_controls
from lossutils.figures.style import figure_problems

THRESHOLDS = torch.linspace(-0.05, 1.05, 221)
SHOWN = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TEMPERATURES = (0.01, 0.05, 0.2)


@pytest.fixture(scope="module")
def sample():
    return figures._zero_digit_sample(20, 40, seed=2)


@pytest.fixture(scope="module")
def sweep(sample):
    _, labels, scores = sample
    return figures._threshold_sweep(scores, labels, THRESHOLDS, temperature=0.05)


@pytest.fixture(scope="module")
def sweeps(sample):
    _, labels, scores = sample
    return {tau: figures._threshold_sweep(scores, labels, THRESHOLDS, temperature=tau)
            for tau in TEMPERATURES}


# --------------------------------------------------------------- the sample and the sweep


def test_hole_score_of_a_ring_and_of_a_full_square():
    ring = torch.ones(2, 8, 8)
    ring[:, 2:6, 3:5] = 0.0
    assert figures._hole_score(ring).tolist() == [1.0, 1.0]
    half = torch.zeros(8, 8)
    half[2:6, 3] = 1.0  # one of the two centre columns inked
    assert float(figures._hole_score(half)) == 0.5
    with pytest.raises(ValueError, match=r"\(8, 8\)"):
        figures._hole_score(torch.ones(3, 4, 4))


def test_the_sample_is_seeded_labelled_and_taken_from_load_digits(sample):
    images, labels, scores = sample
    assert images.shape == (60, 8, 8)
    assert labels[:20].eq(1).all() and labels[20:].eq(0).all()
    # each image is one of lu.load_digits(), and its label says whether that is a zero
    all_images, digits = lu.load_digits()
    same = (images.reshape(60, 1, 64) == all_images.reshape(1, -1, 64)).all(dim=2)
    assert same.any(dim=1).all()
    found = same.float().argmax(dim=1)
    assert torch.equal(labels, (digits[found] == 0).float())
    assert len(set(found.tolist())) == 60, "an image was drawn twice"
    assert torch.equal(scores, figures._hole_score(images))
    again = figures._zero_digit_sample(20, 40, seed=2)
    assert all(torch.equal(a, b) for a, b in zip(again, sample, strict=True))
    assert not torch.equal(figures._zero_digit_sample(20, 40, seed=3)[0], images)


@pytest.mark.parametrize(
    ("n_zeros", "n_others", "message"),
    [(-1, 5, "n_zeros"), (500, 5, "n_zeros"), (5, 5000, "n_others"), (0, 0, "at least one")],
)
def test_the_sample_rejects_impossible_counts(n_zeros, n_others, message):
    with pytest.raises(ValueError, match=message):
        figures._zero_digit_sample(n_zeros, n_others)


def test_zero_one_loss_cuts_the_graph_and_the_sweep_step_gives_a_zero_gradient():
    """lu.zero_one_loss carries no gradient; the step the sweep uses does, and it is 0.

    For one zero with score 0.5, the loss against the threshold is the step the
    chapter's figure draws: 0 below the score, 1 from it on, derivative 0 everywhere,
    the jump included."""
    answers = torch.tensor([0.2, 0.9], requires_grad=True)
    assert not lu.zero_one_loss(answers, torch.tensor([0.0, 1.0])).requires_grad
    thresholds = torch.tensor([0.3, 0.4999, 0.5, 0.5001, 0.7])
    one = figures._threshold_sweep(torch.tensor([0.5]), torch.tensor([1.0]), thresholds,
                                   temperature=0.05)
    assert one["zero_one"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert one["zero_one_grad"].tolist() == [0.0] * 5


def test_sweep_error_rate_is_lossutils_zero_one_loss_in_multiples_of_one_sixtieth(sample,
                                                                                  sweep):
    _, labels, scores = sample
    for i, t in enumerate(THRESHOLDS.tolist()):
        reference = lu.zero_one_loss((scores > t).float(), labels)
        assert float(sweep["zero_one"][i]) == pytest.approx(float(reference), abs=1e-7)
    wrong = sweep["zero_one"] * 60
    assert torch.allclose(wrong, wrong.round(), atol=1e-4)
    assert torch.count_nonzero(sweep["zero_one_grad"]) == 0
    # at the ends everything is called "yes" (40 wrong) or "no" (20 wrong)
    assert wrong[0].round() == 40 and wrong[-1].round() == 20


def test_the_staircase_has_steps_of_several_sixtieths(sample, sweep):
    """Chapter 4 says "a multiple of 1/60": tied scores flip together."""
    _, labels, scores = sample
    assert len(torch.unique(scores)) == 46
    jumps = (sweep["zero_one"] * 60).round().int().diff().abs()
    assert sorted(set(jumps[jumps > 0].tolist())) == [1, 2, 3]
    # the grid is finer than the spacing of possible scores (1/128), so it misses none
    assert float(THRESHOLDS[1] - THRESHOLDS[0]) < 1 / 128
    assert torch.allclose(scores * 128, (scores * 128).round())


def test_sweep_squared_cost_is_lossutils_mse_of_the_sigmoid_and_its_gradient(sample, sweep):
    _, labels, scores = sample
    for t in (0.3, 0.6, 0.7, 0.85):
        i = int(torch.argmin((THRESHOLDS - t).abs()))
        value = float(THRESHOLDS[i])
        soft = torch.sigmoid((scores - value) / 0.05)
        assert float(sweep["squared"][i]) == pytest.approx(
            float(lu.mse_loss(soft, labels)), rel=1e-6)
        assert float(lu.mse_loss(soft, labels)) == pytest.approx(
            float(torch.nn.functional.mse_loss(soft, labels)), rel=1e-6)

        def cost(t):
            return lu.mse_loss(torch.sigmoid((scores.double() - t) / 0.05), labels.double())

        h = 1e-5
        central = float(cost(value + h) - cost(value - h)) / (2 * h)
        assert float(sweep["squared_grad"][i]) == pytest.approx(central, abs=1e-4)
        # and the formula of the chapter's exercise
        q = soft.double()
        formula = float(2 / (60 * 0.05) * ((labels - q) * q * (1 - q)).sum())
        assert float(sweep["squared_grad"][i]) == pytest.approx(formula, abs=1e-5)


def test_the_chapter_numbers(sample, sweep):
    """What the chapter glues: 8 wrong at t = 0.6, the valley of the squared cost at
    0.695 with 4 wrong, the best error rate 3 of 60 on both sides of it."""
    _, labels, scores = sample
    wrong = (sweep["zero_one"] * 60).round().int()
    assert int(lu.zero_one_loss((scores > 0.6).float(), labels, reduction="sum")) == 8
    best = int(sweep["squared"].argmin())
    assert round(float(THRESHOLDS[best]), 3) == 0.695 and int(wrong[best]) == 4
    assert int(wrong.min()) == 3
    fewest = THRESHOLDS[wrong == 3]
    assert fewest.min() < THRESHOLDS[best] < fewest.max()


def test_sign_of_the_derivatives_matches_the_text(sample, sweep):
    """dℓ/dt is positive for a zero and negative for another digit; dJ/dt is negative
    left of the valley and positive right of it (what chapter 4 and figure 4.2 say)."""
    _, labels, scores = sample
    near = torch.linspace(0.1, 1.1, 201)
    one = figures._threshold_sweep(scores[16:17], labels[16:17], near, temperature=0.05)
    assert (one["squared_grad"] >= 0).all() and one["squared_grad"].max() > 1
    other = figures._threshold_sweep(scores[20:21], labels[20:21], near, temperature=0.05)
    assert labels[20] == 0 and (other["squared_grad"] <= 0).all()
    best = float(THRESHOLDS[int(sweep["squared"].argmin())])
    assert (sweep["squared_grad"][(THRESHOLDS > 0.0) & (THRESHOLDS < best - 0.02)] < 0).all()
    assert (sweep["squared_grad"][(THRESHOLDS > best + 0.02) & (THRESHOLDS < 1.0)] > 0).all()


def test_total_ink_is_a_useless_feature(sample):
    """Lab exercise 4.1: mean ink 0.305 for zeros and 0.306 for the others; the best
    rule "yes when ink > t" gets 19 of 60 wrong, always answering "no" gets 20."""
    images, labels, _ = sample
    ink = images.mean(dim=(1, 2))
    assert round(float(ink[labels == 1].mean()), 3) == 0.305
    assert round(float(ink[labels == 0].mean()), 3) == 0.306
    cuts = torch.cat([ink.min()[None] - 1, torch.unique(ink)]).tolist()
    wrong = [int(lu.zero_one_loss((ink > c).float(), labels, reduction="sum")) for c in cuts]
    assert min(wrong) == 19 and wrong[-1] == 20


def test_sweep_checks_its_input():
    with pytest.raises(ValueError, match="same shape"):
        figures._threshold_sweep(torch.rand(5), torch.rand(4), THRESHOLDS, temperature=0.1)
    with pytest.raises(ValueError, match="temperature"):
        figures._threshold_sweep(torch.rand(5), torch.rand(5), THRESHOLDS, temperature=0.0)


# ---------------------------------------------------------------------------- figures



def _all_figures(sample, sweep):
    images, labels, scores = sample
    near = torch.linspace(0.1, 1.1, 201)
    one = figures._threshold_sweep(scores[16:17], labels[16:17], near, temperature=0.05)
    predictions = torch.linspace(-1, 3, 201)
    return {
        "gallery": figures.digit_gallery_figure(images, labels, scores, threshold=0.6),
        "gallery without a threshold": figures.digit_gallery_figure(images, labels, scores),
        "one sample": figures.one_sample_figure(near, one, score=float(scores[16]),
                                                temperature=0.05),
        "squared loss": figures.squared_loss_figure(
            predictions, figures._squared_loss_curves(1.0, predictions), target=1.0),
        "sweep": figures.threshold_sweep_figure(THRESHOLDS, sweep, threshold=0.6),
        "demo frame": figures.threshold_demo_figure(scores, labels, THRESHOLDS, sweep,
                                                    threshold=0.6, temperature=0.05),
    }


def test_every_figure_meets_the_figure_standard(sample, sweep):
    for name, fig in _all_figures(sample, sweep).items():
        assert isinstance(fig, Figure)
        assert figure_problems(fig) == [], name
        for ax in fig.axes:
            assert ax.get_title(), f"{name}: a panel without a title"
            if not ax.images:
                assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: unlabelled axes"
        plt.close(fig)


def test_the_gallery_says_which_answers_are_wrong(sample):
    images, labels, scores = sample
    fig = figures.digit_gallery_figure(images, labels, scores, threshold=0.6)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 10
    assert sum("loss 1" in t for t in texts) == 2  # a 3 and a 5 among the first five others
    assert len(fig.axes) == 1  # one picture, not a strip of ten panels


def test_one_sample_figure_draws_the_derivative_with_respect_to_t(sample):
    """Figure 4.2 and the text both reason about t: the x axis is t, the right panel dℓ/dt."""
    _, labels, scores = sample
    near = torch.linspace(0.1, 1.1, 201)
    one = figures._threshold_sweep(scores[16:17], labels[16:17], near, temperature=0.05)
    fig = figures.one_sample_figure(near, one, score=float(scores[16]), temperature=0.05)
    ax_loss, ax_grad = fig.axes
    assert ax_loss.get_xlabel() == ax_grad.get_xlabel() == "threshold t"
    assert ax_grad.get_ylabel() == "dℓ/dt"
    drawn = [line.get_ydata() for line in ax_grad.lines if len(line.get_ydata()) == 201]
    assert any(np.allclose(y, one["squared_grad"].numpy()) for y in drawn)
    plt.close(fig)


@pytest.mark.parametrize("bad", ["missing", "short", "not a dict"])
def test_figures_reject_bad_curves(sweep, bad):
    if bad == "missing":
        costs, error, match = {"zero_one": sweep["zero_one"]}, ValueError, "squared"
    elif bad == "short":
        costs, error, match = {k: v[:-1] for k, v in sweep.items()}, ValueError, "values"
    else:
        costs, error, match = [sweep["zero_one"]], TypeError, "dict"
    with pytest.raises(error, match=match):
        figures.threshold_sweep_figure(THRESHOLDS, costs)


def test_gallery_rejects_mismatched_input(sample):
    images, labels, scores = sample
    with pytest.raises(ValueError, match="scores"):
        figures.digit_gallery_figure(images, labels, scores[:-1])
    with pytest.raises(ValueError, match="labels"):
        figures.digit_gallery_figure(images, labels * 2, scores)
    with pytest.raises(ValueError, match=r"\(N, 8, 8\)"):
        figures.digit_gallery_figure(images.reshape(60, 64), labels, scores)


# ------------------------------------------------------------------------------- demo


def _threshold_sweep(scores, labels, thresholds, temperature):
    """The lab's threshold_sweep, as a test writes it (the chapter's private one)."""
    return figures._threshold_sweep(scores, labels, thresholds, temperature=temperature)


@pytest.fixture(scope="module")
def demo_and_drawn(sample):
    """The demo, built once, and the data each of its frames plotted (by slider values)."""
    _, labels, scores = sample
    drawn = {}
    draw_frame = figures.threshold_demo_figure

    def recording(*args, threshold, temperature, **kwargs):
        fig = draw_frame(*args, threshold=threshold, temperature=temperature, **kwargs)
        data = [np.asarray(line.get_xydata()) for ax in fig.axes for line in ax.lines]
        data += [np.asarray(c.get_offsets()) for ax in fig.axes for c in ax.collections]
        drawn[(threshold, temperature)] = data
        return fig

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "threshold_demo_figure", recording)
        demo = figures.threshold_demo(scores, labels, THRESHOLDS, sweep=_threshold_sweep,
                                      temperatures=TEMPERATURES, shown=SHOWN).player
    return demo, drawn


def test_threshold_demo_responds_to_both_sliders(demo_and_drawn):
    demo, _ = demo_and_drawn
    assert len(demo.frames) == len(SHOWN) * len(TEMPERATURES) <= MAX_FRAMES
    assert demo.parameters == {"threshold": SHOWN, "temperature": TEMPERATURES}
    assert unresponsive_controls(demo) == []
    start = {name: demo.parameters[name][p] for name, p in zip(demo.parameters, demo.start,
                                                                 strict=True)}
    assert start == {"threshold": 0.6, "temperature": 0.05}


def test_threshold_demo_draws_other_data_for_each_slider_step(demo_and_drawn):
    """Each frame's plotted data, not only its title, changes with each slider."""
    _, drawn = demo_and_drawn
    assert len(drawn) == len(SHOWN) * len(TEMPERATURES)

    def same(a, b):
        return len(a) == len(b) and all(
            x.shape == y.shape and np.allclose(x, y) for x, y in zip(a, b, strict=True))

    for t, tau in itertools.product(SHOWN, TEMPERATURES):
        for other in SHOWN:
            if other != t:
                assert not same(drawn[(t, tau)], drawn[(other, tau)]), (t, other, tau)
        for other in TEMPERATURES:
            if other != tau:
                assert not same(drawn[(t, tau)], drawn[(t, other)]), (
                    f"moving the temperature from {tau} to {other} at t = {t} draws the "
                    "same data"
                )


def test_threshold_demo_checks_its_input(sample, sweeps):
    _, labels, scores = sample
    with pytest.raises(ValueError, match="two positive values"):
        figures.threshold_demo(scores, labels, THRESHOLDS, sweep=_threshold_sweep,
                               temperatures=[0.05])
    with pytest.raises(ValueError, match="frames"):
        figures.threshold_demo(scores, labels, THRESHOLDS, sweep=_threshold_sweep,
                               temperatures=TEMPERATURES,
                               shown=tuple(np.linspace(0.1, 0.9, 17).round(2)))
    with pytest.raises(ValueError, match="temperature"):
        figures.threshold_demo_figure(scores, labels, THRESHOLDS, sweeps[0.05],
                                      threshold=0.5, temperature=0.0)
