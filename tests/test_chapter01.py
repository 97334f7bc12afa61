"""Tests of lossutils.pipeline: the project diagram, the spelling check, the recorded fit."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

import lossutils as lu


def test_spelling_loss_counts_wrong_and_missing_letters():
    assert lu.spelling_loss(lu.LONG_WORD) == 0
    assert lu.spelling_loss("cat", "cat") == 0
    assert lu.spelling_loss("cot", "cat") == 1
    assert lu.spelling_loss("ca", "cat") == 1  # one letter missing
    assert lu.spelling_loss("cats", "cat") == 1  # one letter too many
    assert lu.spelling_loss("", "cat") == 3
    assert lu.spelling_loss("_" * len(lu.LONG_WORD)) == len(lu.LONG_WORD) == 45


def test_spelling_loss_rejects_non_strings():
    with pytest.raises(TypeError, match="attempt must be a str"):
        lu.spelling_loss(["c", "a", "t"], "cat")


def test_spelling_attempts_start_blank_and_end_right():
    attempts = lu.spelling_attempts(piece_length=8, seed=0)
    assert attempts[0] == "_" * len(lu.LONG_WORD)
    assert attempts[-1] == lu.LONG_WORD
    losses = [lu.spelling_loss(a) for a in attempts]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))
    for earlier, later in zip(attempts, attempts[1:], strict=False):
        changed = sum(a != b for a, b in zip(earlier, later, strict=True))
        assert 1 <= changed <= 8  # one piece at a time
        assert all(b == t for a, b, t in zip(earlier, later, lu.LONG_WORD, strict=True)
                   if a != b)  # a correction is always right


def test_spelling_attempts_are_repeatable_and_bounded():
    assert lu.spelling_attempts(seed=3) == lu.spelling_attempts(seed=3)
    assert len(lu.spelling_attempts(piece_length=1, max_attempts=5)) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"piece_length": 0}, "piece_length"), ({"max_attempts": 0}, "max_attempts"),
     ({"blank": "s"}, "blank"), ({"target": ""}, "non-empty")],
)
def test_spelling_attempts_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lu.spelling_attempts(**kwargs)


def test_spelling_figure_colours_right_and_wrong_letters():
    fig = lu.spelling_figure(["c_t", "cat"], "cat")
    words = fig.axes[0]
    colours = [t.get_color() for t in words.texts]
    assert colours.count(lu.COLORS["mae"]) == 1  # the one wrong letter
    assert list(fig.axes[1].lines[0].get_ydata()) == [1, 0]
    with pytest.raises(ValueError, match="at least one"):
        lu.spelling_figure([])


def test_project_diagram_names_every_part():
    fig = lu.project_diagram()
    assert isinstance(fig, Figure)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for part in ["Data", "Model", "Prediction", "Loss", "Gradient", "Update", "Save / load",
                 "training loop"]:
        assert part in text


def _line_problem():
    x = torch.linspace(-1, 1, 11).unsqueeze(1)
    return x, 1.5 * x + 0.5


def test_record_fit_keeps_predictions_and_losses():
    x, y = _line_problem()
    model = nn.Linear(1, 1)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    grid = torch.tensor([[-1.0], [0.0], [1.0]])
    record = lu.record_fit(model, x, y, nn.functional.mse_loss, grid=grid, steps=200, lr=0.2,
                           record_every=20)
    assert record.steps == list(range(0, 201, 20))
    assert len(record.losses) == len(record.predictions) == 11
    assert torch.equal(record.predictions[0], torch.zeros(3))  # a blank model says 0
    assert record.losses[0] == pytest.approx(float((y**2).mean()))
    assert record.losses == sorted(record.losses, reverse=True)
    torch.testing.assert_close(record.predictions[-1], model(grid).detach().reshape(-1))
    torch.testing.assert_close(record.predictions[-1], torch.tensor([-1.0, 0.5, 2.0]),
                               atol=1e-3, rtol=0)


def test_record_fit_checks_the_grid():
    x, y = _line_problem()
    with pytest.raises(ValueError, match="grid must be shaped like the inputs"):
        lu.record_fit(nn.Linear(1, 1), x, y, nn.functional.mse_loss, grid=torch.zeros(3),
                      steps=1, lr=0.1)
    with pytest.raises(TypeError, match="grid must be a tensor"):
        lu.record_fit(nn.Linear(1, 1), x, y, nn.functional.mse_loss, grid=[0.0], steps=1,
                      lr=0.1)


def _small_record():
    x, y = _line_problem()
    record = lu.record_fit(nn.Linear(1, 1), x, y, nn.functional.mse_loss,
                           grid=torch.linspace(-1, 1, 5).unsqueeze(1), steps=30, lr=0.3,
                           record_every=3)
    return x, y, record


def test_record_index_names_unrecorded_steps():
    _, _, record = _small_record()
    assert record.index(9) == 3
    with pytest.raises(ValueError, match="step 4 was not recorded"):
        record.index(4)


def test_fit_progress_panels_one_panel_per_step():
    x, y, record = _small_record()
    fig = lu.fit_progress_panels(x, y, record, [0, 15, 30], truth=lambda t: 1.5 * t + 0.5)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"step {s}: $J$ = {lu.fmt(record.losses[record.index(s)])}"
                      for s in (0, 15, 30)]
    with pytest.raises(ValueError, match="steps_shown"):
        lu.fit_progress_panels(x, y, record, [])


def test_loss_curve_marks_the_chosen_steps():
    _, _, record = _small_record()
    fig = lu.loss_curve_figure(record, marked_steps=[0, 30], log_scale=False)
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear"
    assert list(ax.lines[1].get_xdata()) == [0, 30]


def test_fit_progress_demo_every_control_draws(capsys):
    x, y, record = _small_record()
    demo = lu.fit_progress_demo(x, y, record)
    slider = demo.children[0]
    assert (slider.min, slider.max, slider.step) == (0, 30, 3)
    for control, value in lu.control_settings(demo):
        control.value = value
    plt.close("all")
    short = lu.FitRecord(grid=torch.zeros(1, 1), steps=[0], losses=[1.0],
                         predictions=[torch.zeros(1)])
    with pytest.raises(ValueError, match="at least two"):
        lu.fit_progress_demo(x, y, short)
