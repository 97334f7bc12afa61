"""Chapter 9's figures and the calibration it measures, and the claims its prose makes."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossutils.figures import chapter09 as figures
from lossutils.figures.style import figure_problems

STEPS = list(range(0, 201))
CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "09-is-a-smaller-loss-better.md"


def _record(shift: float) -> dict[str, list[float]]:
    return {
        "step": STEPS,
        "train_loss": [2.0 / (1 + s) for s in STEPS],
        "validation_loss": [0.8 + shift + ((s - 60) / 200) ** 2 for s in STEPS],
        "validation_accuracy": [min(0.8, 0.1 + s / 50) for s in STEPS],
        "validation_confidence": [min(0.9, 0.1 + s / 40) for s in STEPS],
    }


def _answers(seed: int, n: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
    """Answers that are right exactly as often as their confidence says, on average."""
    generator = torch.Generator().manual_seed(seed)
    confidence = 0.1 + 0.9 * torch.rand(n, generator=generator, dtype=torch.float64)
    correct = torch.rand(n, generator=generator, dtype=torch.float64) < confidence
    return confidence, correct


def test_every_figure_meets_the_standard() -> None:
    losses = torch.arange(497, 0, -1, dtype=torch.float64) / 100
    drawn = {
        "overfitting": figures.overfitting_figure(_record(0.0), marked=[60, 200]),
        "memorisation": figures.memorisation_figure(
            {"true labels": _record(0.0), "shuffled labels": _record(1.0),
             "wrong labels": _record(2.0)}, chance=0.1),
        "confidence": figures.confidence_figure({"step 60": losses, "step 200": losses**2,
                                                 "step 200, T = 1.50": losses**1.5}),
        "reliability": figures.reliability_figure({"before": _answers(0),
                                                   "after, T = 1.50": _answers(1)}),
        "one reliability diagram": figures.reliability_figure({"model": _answers(2)}),
    }
    for name, fig in drawn.items():
        assert figure_problems(fig) == [], name
        plt.close(fig)


def test_the_marked_steps_sit_on_the_validation_curve() -> None:
    record = _record(0.0)
    fig = figures.overfitting_figure(record, marked=[60, 200])
    dots = fig.axes[0].get_lines()[2]
    assert list(dots.get_xdata()) == [60, 200]
    assert list(dots.get_ydata()) == [record["validation_loss"][60],
                                      record["validation_loss"][200]]
    plt.close(fig)


def test_the_confidence_curve_is_sorted_largest_first() -> None:
    losses = torch.tensor([0.1, 3.0, 0.5])
    fig = figures.confidence_figure({"model": losses})
    assert list(fig.axes[0].get_lines()[0].get_ydata()) == pytest.approx([3.0, 0.5, 0.1])
    plt.close(fig)


# ------------------------------------------------------------------ calibration bins

def test_a_calibrated_toy_has_no_calibration_error() -> None:
    """Seven right of ten answers given with confidence 0.7, nine of ten with 0.9."""
    confidence = torch.tensor([0.7] * 10 + [0.9] * 10, dtype=torch.float64)
    correct = torch.tensor([1] * 7 + [0] * 3 + [1] * 9 + [0])
    found = figures.calibration_bins(confidence, correct)
    assert found["ece"] == pytest.approx(0.0, abs=1e-12)
    assert found["count"].tolist() == [0] * 6 + [10, 0, 10, 0]


def test_answers_right_as_often_as_they_claim_have_a_small_error() -> None:
    """Drawn so that each answer is right with its confidence: only sampling noise is
    left, of order sqrt(bins / N)."""
    assert figures.calibration_bins(*_answers(3, n=200_000))["ece"] < 0.01


def test_overconfident_answers_have_the_gap_as_their_error() -> None:
    """Every answer claims 0.95 and six in ten are right: ECE = 0.95 - 0.6."""
    confidence = torch.full((10,), 0.95, dtype=torch.float64)
    correct = torch.tensor([True] * 6 + [False] * 4)
    assert figures.calibration_bins(confidence, correct)["ece"] == pytest.approx(0.35)


def test_bins_hold_their_upper_edge_and_not_their_lower_one() -> None:
    """Bin b is (b/10, (b+1)/10]: 0.7 belongs to the seventh bin, 0.7 + 1e-9 to the
    eighth; 0 to the first."""
    confidence = torch.tensor([0.0, 0.7, 0.7 + 1e-9, 1.0], dtype=torch.float64)
    found = figures.calibration_bins(confidence, torch.ones(4))
    assert found["count"].tolist() == [1, 0, 0, 0, 0, 0, 1, 1, 0, 1]


def test_calibration_bins_match_a_loop_over_the_bins() -> None:
    """The bins and the error against a plain loop over (low, high] intervals."""
    confidence, correct = _answers(4, n=500)
    confidence = confidence ** 3  # answers in every bin, unevenly
    found = figures.calibration_bins(confidence, correct, bins=7)
    ece = 0.0
    for b in range(7):
        inside = (confidence > b / 7) & (confidence <= (b + 1) / 7)
        assert found["count"][b] == int(inside.sum())
        if inside.any():
            accuracy, mean = correct[inside].double().mean(), confidence[inside].mean()
            assert found["accuracy"][b] == pytest.approx(float(accuracy))
            assert found["confidence"][b] == pytest.approx(float(mean))
            ece += float(inside.double().mean() * (accuracy - mean).abs())
        else:
            assert np.isnan(found["accuracy"][b])
    assert found["ece"] == pytest.approx(ece)


# ------------------------------------------------------------- the chapter's claims

@pytest.fixture(scope="module")
def chapter() -> dict:
    """The chapter's namespace, run as the glue tests run it."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_glue import ran

    return ran(CHAPTER).namespace


def test_temperature_scaling_does_what_the_chapter_says(chapter: dict) -> None:
    """T is where the validation loss is smallest (its derivative in log T is 0 there,
    and it is convex in 1/T), it lowers the validation loss below the early-stopped
    model's, and it changes no answer, on the validation or the test images."""
    z_val, y_val, T = chapter["z_val"][chapter["last"]], chapter["y_val"], chapter["T"]
    u = torch.tensor(float(np.log(T)), dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(F.cross_entropy(z_val / u.exp(), y_val), u)
    assert abs(slope.item()) < 1e-8
    loss = {t: F.cross_entropy(z_val / t, y_val).item() for t in (1.0, T)}
    assert T > 1
    assert loss[T] < loss[1.0]
    assert loss[T] < F.cross_entropy(chapter["z_val"][chapter["best"]], y_val).item()
    for z in (z_val, chapter["z_test"][chapter["last"]]):
        assert torch.equal((z / T).argmax(dim=1), z.argmax(dim=1))


def test_the_test_set_agrees_with_the_prose(chapter: dict) -> None:
    """Point 1's table and point 4: scaled below early-stopped below last in test loss;
    the scaled model's ECE below the unscaled one's; the validation loss rises after
    its minimum while the validation accuracy does not fall below its value there by
    more than a digit or two."""
    y = chapter["y_test"]
    z_best, z_last = chapter["z_test"][chapter["best"]], chapter["z_test"][chapter["last"]]
    losses = [F.cross_entropy(z, y).item() for z in (chapter["z_scaled"], z_best, z_last)]
    assert losses == sorted(losses)
    ece = chapter["expected_calibration_error"]
    assert ece(chapter["z_scaled"], y) < ece(z_last, y)
    record, best = chapter["record"], chapter["best"]
    assert record["validation_loss"][-1] > record["validation_loss"][best]
    n = len(chapter["y_val"])
    assert record["validation_accuracy"][-1] >= record["validation_accuracy"][best]
    assert min(record["validation_accuracy"][best:]) * n >= record["validation_accuracy"][
        best] * n - 2
    assert chapter["scaled_wins"] == len(chapter["seeds"])


def test_the_labels_say_what_the_prose_says(chapter: dict) -> None:
    """Shuffled labels are a permutation of the true ones; wrong labels are all wrong."""
    y_few = chapter["y_few"]
    assert sorted(chapter["y_shuffled"].tolist()) == sorted(y_few.tolist())
    assert not (chapter["y_wrong"] == y_few).any()
    assert ((chapter["y_wrong"] >= 0) & (chapter["y_wrong"] <= 9)).all()


def test_chapter_8s_numbers_say_what_point_3_says() -> None:
    """Point 3 pastes chapter 8's numbers: the squared-error networks' training loss is
    the smaller, by a wide margin ("much smaller"), while their test cross-entropy is the
    larger ("not the better networks on it")."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_glue import ran

    glued = ran(CHAPTER.parent / "08-handwritten-digits.md").glued

    def value(key: str) -> float:
        return float(glued[key].value)

    assert value("ch08_se_train_loss") < value("ch08_ce_train_loss") / 2
    assert value("ch08_se_test_ce") > value("ch08_ce_test_ce")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: figures.overfitting_figure(_record(0.0), marked=[999]), "not in the record"),
        (lambda: figures.overfitting_figure({"step": [0]}, marked=[0]), "lacks"),
        (lambda: figures.memorisation_figure({"a": _record(0.0)}, chance=10), "fraction"),
        (lambda: figures.memorisation_figure({}, chance=0.1), "one to 3 records"),
        (lambda: figures.confidence_figure({}), "no losses"),
        (lambda: figures.calibration_bins(torch.tensor([1.5]), torch.tensor([1])), "in \\[0, 1\\]"),
        (lambda: figures.calibration_bins(torch.tensor([0.5]), torch.tensor([1, 0])), "one length"),
        (lambda: figures.calibration_bins(torch.tensor([0.5]), torch.tensor([1]), 0), "bins"),
        (lambda: figures.reliability_figure({}), "one or two models"),
    ],
)
def test_bad_input_is_named(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
