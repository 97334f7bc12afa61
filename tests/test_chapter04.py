"""Chapter 4's helpers: the digits score, the step, the threshold sweep, figures, demo."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

import lossutils as lu


@pytest.fixture(scope="module")
def digits():
    return lu.zero_digit_scores(20, 40, seed=2)


def test_hole_score_of_a_ring_and_of_a_full_square():
    ring = torch.ones(2, 8, 8)
    ring[:, 2:6, 3:5] = 0.0
    assert lu.hole_score(ring).tolist() == [1.0, 1.0]
    half = torch.zeros(8, 8)
    half[2:6, 3] = 1.0  # one of the two centre columns inked
    assert float(lu.hole_score(half)) == 0.5
    with pytest.raises(ValueError, match=r"\(8, 8\)"):
        lu.hole_score(torch.ones(3, 4, 4))


def test_zero_digit_scores_draws_labelled_seeded_samples(digits):
    assert digits.images.shape == (60, 8, 8)
    assert digits.labels[:20].eq(1).all() and digits.labels[20:].eq(0).all()
    assert torch.equal(digits.labels, (digits.digits == 0).float())
    assert torch.equal(digits.scores, lu.hole_score(digits.images))
    assert 0.0 <= float(digits.images.min()) and float(digits.images.max()) <= 1.0
    again = lu.zero_digit_scores(20, 40, seed=2)
    assert torch.equal(again.images, digits.images)
    other = lu.zero_digit_scores(20, 40, seed=3)
    assert not torch.equal(other.images, digits.images)
    # zeros have emptier centres on average: the score is informative
    assert digits.scores[:20].mean() > digits.scores[20:].mean() + 0.3


@pytest.mark.parametrize(
    ("n_zeros", "n_others", "message"),
    [(-1, 5, "n_zeros"), (500, 5, "n_zeros"), (5, 5000, "n_others"), (0, 0, "at least one")],
)
def test_zero_digit_scores_rejects_impossible_counts(n_zeros, n_others, message):
    with pytest.raises(ValueError, match=message):
        lu.zero_digit_scores(n_zeros, n_others)


def test_step_is_a_comparison_whose_autograd_derivative_is_zero():
    z = torch.tensor([-2.0, -1e-6, 0.0, 1e-6, 3.0], requires_grad=True)
    values = lu.step(z)
    assert values.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert torch.equal(values.detach(), (z > 0).float())
    values.sum().backward()
    assert z.grad.tolist() == [0.0] * 5


def test_a_comparison_cuts_the_graph():
    threshold = torch.tensor(0.5, requires_grad=True)
    hard = (torch.tensor([0.2, 0.9]) > threshold).float()
    assert not hard.requires_grad


def test_soft_prediction_tends_to_the_hard_one():
    scores = torch.tensor([0.1, 0.45, 0.55, 0.9])
    hard = lu.hard_prediction(scores, 0.5)
    for temperature, tolerance in [(0.05, 0.3), (0.01, 1e-2), (0.001, 1e-6)]:
        soft = lu.soft_prediction(scores, 0.5, temperature)
        assert (soft - hard).abs().max() < tolerance
    assert float(lu.soft_prediction(torch.tensor(0.5), 0.5)) == 0.5
    with pytest.raises(ValueError, match="temperature"):
        lu.soft_prediction(scores, 0.5, 0.0)


def test_threshold_sweep_zero_one_is_the_error_rate_with_zero_gradient(digits):
    thresholds = torch.linspace(-0.05, 1.05, 111)
    sweep = lu.threshold_sweep(digits.scores, digits.labels, thresholds)
    for t, rate in zip(thresholds.tolist(), sweep.zero_one.tolist(), strict=True):
        wrong = ((digits.scores > t).float() != digits.labels).float().mean()
        assert rate == pytest.approx(float(wrong))
    # a staircase: every value is a whole number of mistakes out of 60
    assert torch.allclose(sweep.zero_one * 60, (sweep.zero_one * 60).round(), atol=1e-4)
    assert torch.count_nonzero(sweep.zero_one_grad) == 0
    # at the extremes everything is called "yes" (error 40/60) or "no" (error 20/60)
    assert float(sweep.zero_one[0]) == pytest.approx(40 / 60)
    assert float(sweep.zero_one[-1]) == pytest.approx(20 / 60)


def test_threshold_sweep_squared_gradient_matches_finite_differences(digits):
    thresholds = torch.tensor([0.3, 0.55, 0.7, 0.85])
    sweep = lu.threshold_sweep(digits.scores, digits.labels, thresholds, temperature=0.1)
    h = 1e-3
    up = lu.threshold_sweep(digits.scores, digits.labels, thresholds + h, temperature=0.1)
    down = lu.threshold_sweep(digits.scores, digits.labels, thresholds - h, temperature=0.1)
    finite = (up.squared - down.squared) / (2 * h)
    assert torch.allclose(sweep.squared_grad, finite, atol=2e-3)
    assert (sweep.squared_grad.abs() > 1e-3).all()


def test_threshold_sweep_squared_cost_is_the_mean_squared_loss(digits):
    sweep = lu.threshold_sweep(digits.scores, digits.labels, torch.tensor([0.6]),
                               temperature=0.05)
    soft = lu.soft_prediction(digits.scores, 0.6, 0.05)
    expected = torch.nn.functional.mse_loss(soft, digits.labels)
    assert float(sweep.squared[0]) == pytest.approx(float(expected), rel=1e-6)
    here = sweep.at(0.61)
    assert here["threshold"] == pytest.approx(0.6)
    assert here["zero_one_grad"] == 0.0


def test_threshold_sweep_checks_shapes():
    with pytest.raises(ValueError, match="same shape"):
        lu.threshold_sweep(torch.rand(5), torch.rand(4))
    with pytest.raises(ValueError, match="same shape"):
        lu.threshold_sweep(torch.rand(2, 3), torch.rand(2, 3))


def _labelled(fig: Figure, skip_images: bool = False) -> None:
    for ax in fig.axes:
        if skip_images and ax.images:
            continue
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_figures_are_labelled(digits):
    sweep = lu.threshold_sweep(digits.scores, digits.labels)
    figures = [
        lu.zero_one_vs_squared_figure(),
        lu.squared_loss_figure(),
        lu.threshold_sweep_figure(sweep, threshold=0.6),
        lu.threshold_panels(digits, thresholds=(0.3, 0.7)),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        _labelled(fig)
        plt.close(fig)
    assert len(figures[-1].axes) == 2
    gallery = lu.digit_gallery_figure(digits, threshold=0.7, per_class=4)
    assert sum(1 for ax in gallery.axes if ax.images) == 8
    assert all("loss" in ax.get_title() for ax in gallery.axes if ax.images)


def test_threshold_demo_every_control_draws(digits, capsys):
    demo = lu.threshold_demo(digits)
    output = demo.children[-1]
    settings = list(lu.control_settings(demo))
    assert len(settings) == 6
    for control, value in settings:
        capsys.readouterr()
        control.value = value
        # the redrawn figure lands in the output area, or (outside a kernel, when the
        # area is filled with "with output: display(...)") on stdout
        drawn = capsys.readouterr().out.startswith("Figure(") or len(output.outputs) == 1
        assert drawn


def test_descend_threshold_moves_only_on_the_squared_cost(digits):
    frozen = lu.descend_threshold(digits.scores, digits.labels, "zero_one", start=0.3,
                                  steps=20, lr=0.5)
    assert frozen == [frozen[0]] * 21 and frozen[0] == pytest.approx(0.3)
    path = lu.descend_threshold(digits.scores, digits.labels, start=0.3, steps=100, lr=0.05)
    sweep = lu.threshold_sweep(digits.scores, digits.labels)
    best = float(sweep.thresholds[sweep.squared.argmin()])
    assert len(path) == 101
    assert path[-1] == pytest.approx(best, abs=0.003)
    with pytest.raises(ValueError, match="loss must be"):
        lu.descend_threshold(digits.scores, digits.labels, "hinge")
    with pytest.raises(ValueError, match="steps"):
        lu.descend_threshold(digits.scores, digits.labels, steps=0)
