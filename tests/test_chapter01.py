"""Tests of lossutils.figures.chapter01: chapter 1's settings, figures and demo.

Every figure is held to the figure standard (``style.figure_problems``) and to two
checks of its own text: nothing is cut at the figure's edge and no two tick labels run
together. The demo must respond to its slider (``player.unresponsive_controls``) and
its frames must draw different data, not only a different title. The chapter and its
lab must take the word and the data from the module's settings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import lossutils as lu
from lossutils.figures import chapter01 as figures
from lossutils.figures import live, player, style

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "01-where-the-loss-sits.md"
LAB = ROOT / "notebooks" / "01-where-the-loss-sits.ipynb"


# --------------------------------------------------------------------------------------
# Helpers: the chapter's fit, and checks of a figure's text
# --------------------------------------------------------------------------------------

def _fit(steps: int = figures.STEPS, lr: float = figures.LR):
    """The chapter's data and fit, by plain gradient descent from w = b = 0."""
    x, y = lu.noisy_samples(figures.true_line, **figures.LINE_DATA)
    grid = torch.arange(-25, 26) / 25  # the chapter's and the lab's grid
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    costs, predictions = [], []
    for step in range(steps + 1):
        cost = ((y - (w * x + b)) ** 2).mean()
        costs.append(cost.item())
        predictions.append((w * grid + b).detach())
        if step == steps:
            break
        cost.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return x, y, grid, predictions, costs, w.detach(), b.detach()


def _least_squares(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, float]:
    slope, intercept = np.polyfit(x.double().numpy(), y.double().numpy(), 1)
    cost = float(np.mean((y.double().numpy() - slope * x.double().numpy() - intercept) ** 2))
    return float(slope), float(intercept), cost


@pytest.fixture(scope="module")
def fit():
    x, y, grid, predictions, costs, _, _ = _fit()
    slope, intercept, cost = _least_squares(x, y)
    return {
        "x": x, "y": y, "grid": grid, "predictions": predictions, "costs": costs,
        "truth": figures.true_line(grid), "best": slope * grid + intercept, "floor": cost,
    }




def _assert_meets_the_standard(fig: Figure) -> None:
    assert style.figure_problems(fig) == []


def _model_line(ax) -> np.ndarray:
    (line,) = [line for line in ax.lines if line.get_label() == "model $f$ at this step"]
    return np.asarray(line.get_ydata(), dtype=float)


# --------------------------------------------------------------------------------------
# The settings the chapter and the lab share
# --------------------------------------------------------------------------------------

def test_settings_are_the_chapters():
    assert figures.LONG_WORD == "pneumonoultramicroscopicsilicovolcanoconiosis"
    assert len(figures.LONG_WORD) == 45
    torch.testing.assert_close(figures.true_line(torch.tensor([0.0, 1.0])),
                               torch.tensor([figures.TRUE_B, figures.TRUE_W + figures.TRUE_B]))
    x, y = lu.noisy_samples(figures.true_line, **figures.LINE_DATA)
    assert x.shape == y.shape == (figures.LINE_DATA["n"],)
    assert set(figures.SHOWN_STEPS) <= set(figures.DEMO_STEPS) <= set(range(figures.STEPS + 1))
    assert len(figures.DEMO_STEPS) <= player.MAX_FRAMES


def test_the_chapter_and_the_lab_take_the_data_from_the_module():
    """One home for the settings: neither page may draw its own data or pick its steps."""
    lab = "\n".join("".join(cell["source"]) for cell in json.loads(LAB.read_text())["cells"]
                    if cell["cell_type"] == "code")
    for name, source in (("chapter", CHAPTER.read_text()), ("lab", lab)):
        calls = re.findall(r"noisy_samples\((.*?)\)", source)
        assert calls == ["figures.true_line, **figures.LINE_DATA"], (name, calls)
        assert "figures.LR" in source and "figures.STEPS" in source, name
        assert "figures.LONG_WORD" in source or "figures._spelling_attempts()" in source, name


def test_the_lab_prints_the_numbers_of_the_shared_fit():
    """The lab's stored outputs are those of the module's data: the fit after STEPS
    steps and the least-squares line beside it (the correction of issue 7)."""
    x, y, _, _, costs, w, b = _fit()
    slope, intercept, cost = _least_squares(x, y)
    outputs = "".join(
        "".join(output.get("text", ""))
        for cell in json.loads(LAB.read_text())["cells"] if cell["cell_type"] == "code"
        for output in cell["outputs"]
    )
    trained = (f"gradient descent, {figures.STEPS} steps", w, b, costs[-1])
    best = ("least-squares line", slope, intercept, cost)
    for name, w_, b_, j in (trained, best):
        line = f"{name:30} w = {lu.fmt(w_)}  b = {lu.fmt(b_)}  J = {lu.fmt(j)}"
        assert line in outputs, f"the lab does not print {line!r}"
    assert cost < costs[-1], "the fit reached the least-squares cost: say so in the lab"


# --------------------------------------------------------------------------------------
# The spelling example (the chapter's private helpers; the lab writes its own)
# --------------------------------------------------------------------------------------

def test_spelling_loss_counts_wrong_missing_and_extra_letters():
    loss = figures._spelling_loss
    assert loss(figures.LONG_WORD) == 0
    assert loss("cot", "cat") == 1
    assert loss("ca", "cat") == 1  # one letter missing
    assert loss("cats", "cat") == 1  # one letter too many
    assert loss("", "cat") == 3
    assert loss(figures.LONG_WORD[1:]) == 45  # every letter moved one place
    with pytest.raises(TypeError, match="attempt must be a str"):
        loss(["c", "a", "t"], "cat")


def test_spelling_attempts_start_blank_and_end_right():
    attempts = figures._spelling_attempts()
    word = figures.LONG_WORD
    assert attempts[0] == "_" * len(word)
    assert attempts[-1] == word
    assert len(attempts) == 11
    losses = [figures._spelling_loss(a) for a in attempts]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))
    for earlier, later in zip(attempts, attempts[1:], strict=False):
        changed = [k for k, (a, b) in enumerate(zip(earlier, later, strict=True)) if a != b]
        assert 1 <= len(changed) <= figures.PIECE_LENGTH  # one piece at a time
        assert all(later[k] == word[k] for k in changed)  # a correction is always right


def test_spelling_attempts_are_repeatable_and_bounded():
    assert figures._spelling_attempts(seed=3) == figures._spelling_attempts(seed=3)
    assert len(figures._spelling_attempts(piece_length=1, max_attempts=5)) == 5


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({"piece_length": 0}, ValueError, "piece_length"),
     ({"max_attempts": 0}, ValueError, "max_attempts"),
     ({"blank": "s"}, ValueError, "blank"),
     ({"target": ""}, ValueError, "non-empty"),
     ({"target": 7}, TypeError, "target must be a str")],
)
def test_spelling_attempts_reject_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        figures._spelling_attempts(**kwargs)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

def test_project_diagram_names_every_part_and_meets_the_standard():
    fig = figures.project_diagram()
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for part in ["Data", "Model", "Prediction", "Loss", "Gradient", "Update", "Save / load",
                 "training loop"]:
        assert part in text
    _assert_meets_the_standard(fig)


def test_project_diagram_labels_do_not_overlap():
    fig = figures.project_diagram()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts]
    for k, (name_a, box_a) in enumerate(boxes):
        for name_b, box_b in boxes[k + 1:]:
            assert not box_a.overlaps(box_b), f"{name_a!r} overlaps {name_b!r}"


def test_spelling_figure_colours_letters_and_draws_the_losses():
    fig = figures.spelling_figure(["c_t", "cat"], [1, 0], "cat")
    words, curve = fig.axes
    colours = [t.get_color() for t in words.texts]
    assert colours.count(style.COLORS["mae"]) == 1  # the one wrong letter
    assert list(curve.lines[0].get_ydata()) == [1, 0]


def test_spelling_figure_of_the_chapter_meets_the_standard():
    attempts = figures._spelling_attempts()
    fig = figures.spelling_figure(attempts, [figures._spelling_loss(a) for a in attempts])
    _assert_meets_the_standard(fig)


def test_spelling_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        figures.spelling_figure([], [])
    with pytest.raises(ValueError, match="one loss per attempt"):
        figures.spelling_figure(["c_t", "cat"], [1])
    with pytest.raises(TypeError, match="attempt must be a str"):
        figures.spelling_figure([3], [1], "cat")


def test_fit_progress_figure_is_a_two_by_two_grid_of_the_recorded_lines(fit):
    fig = figures.fit_progress_figure(
        fit["x"], fit["y"], fit["grid"], fit["predictions"], fit["costs"],
        figures.SHOWN_STEPS, truth=fit["truth"], best=fit["best"],
    )
    _assert_meets_the_standard(fig)
    assert len(fig.axes) == 4
    grid = fig.axes[0].get_subplotspec().get_gridspec()
    assert (grid.nrows, grid.ncols) == (2, 2)
    for ax, step in zip(fig.axes, figures.SHOWN_STEPS, strict=True):
        assert ax.get_title() == f"step {step}: $J$ = {lu.fmt(fit['costs'][step])}"
        np.testing.assert_allclose(_model_line(ax), fit["predictions"][step].numpy())
    assert fig.legends, "the legend sits outside the panels, below them"


def test_the_last_step_line_is_as_the_alt_text_says(fit):
    """The alt text of fig-fit-progress (chapter and lab): at the last step the line is
    flatter than the least-squares line and the true one, above both at the left end of
    the grid and below both at the right end."""
    last, best, truth = fit["predictions"][-1], fit["best"], fit["truth"]
    slope = (last[-1] - last[0]) / (fit["grid"][-1] - fit["grid"][0])
    assert slope < (best[-1] - best[0]) / 2 and slope < (truth[-1] - truth[0]) / 2
    assert last[0] > max(best[0], truth[0]), "not above both at the left end"
    assert last[-1] < min(best[-1], truth[-1]), "not below both at the right end"
    for path in (CHAPTER, LAB):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "above them at the left end, below them at the right" in text, path.name


def test_fit_progress_figure_rejects_what_was_not_recorded(fit):
    args = (fit["x"], fit["y"], fit["grid"], fit["predictions"], fit["costs"])
    with pytest.raises(ValueError, match="step 61 was not recorded"):
        figures.fit_progress_figure(*args, [0, 61])
    with pytest.raises(ValueError, match="at least one"):
        figures.fit_progress_figure(*args, [])
    with pytest.raises(ValueError, match="one prediction and one cost per step"):
        figures.fit_progress_figure(fit["x"], fit["y"], fit["grid"], fit["predictions"],
                                    fit["costs"][:-1])
    with pytest.raises(ValueError, match="one value per grid point"):
        figures.fit_progress_figure(*args, truth=fit["truth"][:10])
    with pytest.raises(TypeError, match="a step must be an int"):
        figures.fit_progress_figure(*args, [0.5])


def test_loss_curve_marks_the_steps_and_draws_the_floor(fit):
    fig = figures.loss_curve_figure(fit["costs"], marked_steps=figures.SHOWN_STEPS,
                                    floor=fit["floor"])
    _assert_meets_the_standard(fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    curve, dots, floor = ax.lines
    np.testing.assert_allclose(curve.get_ydata(), fit["costs"])
    assert list(dots.get_xdata()) == list(figures.SHOWN_STEPS)
    assert list(floor.get_ydata()) == pytest.approx([fit["floor"]] * 2)
    assert ax.get_ylim()[0] < fit["floor"], "the floor is drawn inside the axes"
    linear = figures.loss_curve_figure([4.0, 2.0, 1.0], log_scale=False)
    assert linear.axes[0].get_yscale() == "linear"


def test_loss_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="marked step 3 was not recorded"):
        figures.loss_curve_figure([4.0, 2.0, 1.0], marked_steps=[3])
    with pytest.raises(ValueError, match="floor must be a positive cost"):
        figures.loss_curve_figure([4.0, 2.0], floor=0.0)
    with pytest.raises(ValueError, match="at least one cost"):
        figures.loss_curve_figure([])
    with pytest.raises(TypeError, match="costs must be numbers"):
        figures.loss_curve_figure(["a lot"])


def test_fit_step_figure_draws_the_line_and_the_cost_of_its_step(fit):
    kwargs = {"truth": fit["truth"], "best": fit["best"], "floor": fit["floor"]}
    args = (fit["x"], fit["y"], fit["grid"], fit["predictions"], fit["costs"])
    early = figures.fit_step_figure(*args, 0, **kwargs)
    late = figures.fit_step_figure(*args, figures.STEPS, **kwargs)
    for fig in (early, late):
        _assert_meets_the_standard(fig)
    np.testing.assert_allclose(_model_line(early.axes[0]), fit["predictions"][0].numpy())
    np.testing.assert_allclose(_model_line(late.axes[0]),
                               fit["predictions"][figures.STEPS].numpy())
    (early_dot,) = [line for line in early.axes[1].lines if line.get_marker() == "o"]
    (late_dot,) = [line for line in late.axes[1].lines if line.get_marker() == "o"]
    assert list(early_dot.get_xdata()) == [0]
    assert list(late_dot.get_xdata()) == [figures.STEPS]


# --------------------------------------------------------------------------------------
# The demo
# --------------------------------------------------------------------------------------

def _fit_line(x, y, *, steps, lr, grid):
    """The lab's fit_line, as a test writes it: (w, b, costs, predictions)."""
    _, _, _, predictions, costs, w, b = _fit(steps, lr)
    return w, b, costs, predictions


def test_fit_progress_demo_responds_to_its_slider(fit):
    demo = figures.fit_progress_demo(
        fit["x"], fit["y"], fit["grid"], fit=_fit_line,
        truth=fit["truth"], best=fit["best"], floor=fit["floor"],
    ).player
    assert demo.parameters == {"step": figures.DEMO_STEPS}
    assert len(demo.frames) == len(figures.DEMO_STEPS)
    assert demo.start == (0,), "the slider starts at the blank page"
    assert player.unresponsive_controls(demo) == []
    assert demo.alt[-1].endswith(f"at training step = {figures.STEPS}")
    html = demo._repr_html_()
    assert html.count("<img") == len(figures.DEMO_STEPS)
    assert 'type="range"' in html


def test_fit_progress_demo_frames_draw_different_lines(fit, monkeypatch):
    """Each frame draws the recorded line of its own step, not only another title."""
    drawn = {}

    def spy(draw, **kwargs):
        for step in kwargs["step"]:
            drawn[step] = draw(step=step)
        return player.frame_player(draw, **kwargs)

    monkeypatch.setattr(live, "frame_player", spy)
    steps = (0, 5, 20, figures.STEPS)
    figures.fit_progress_demo(fit["x"], fit["y"], fit["grid"], fit=_fit_line, steps=steps)
    for step in steps:
        np.testing.assert_allclose(_model_line(drawn[step].axes[0]),
                                   fit["predictions"][step].numpy())
        _assert_meets_the_standard(drawn[step])
    lines = [_model_line(drawn[step].axes[0]) for step in steps]
    for k, line in enumerate(lines):
        for other in lines[k + 1:]:
            assert not np.allclose(line, other)
    plt.close("all")


def test_fit_progress_demo_rejects_unrecorded_steps(fit):
    with pytest.raises(ValueError, match="step 80 was not recorded"):
        figures.fit_progress_demo(fit["x"], fit["y"], fit["grid"], fit=_fit_line,
                                  steps=[0, 80])
