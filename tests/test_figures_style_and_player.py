"""The plot style and figure standard (``lossutils.figures.style``) and the demo player
(``lossutils.figures.player``), the player's page script included: its HTML is loaded in
Chromium and every slider position must show exactly the frame the player drew for it.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from lossutils import line_with_outliers
from lossutils.figures import chapter05, player, style
from lossutils.figures.player import frame_player, unresponsive_controls

# ---- style ----


def test_subplots_applies_the_house_style_at_the_column_width():
    mpl.rcParams["axes.grid"] = False
    fig, ax = style.subplots()
    assert mpl.rcParams["axes.grid"] is True
    assert fig.get_figwidth() == style.FIGURE_WIDTH
    assert fig.dpi == style.DPI
    assert fig.get_figwidth() * fig.dpi <= style.CONTENT_WIDTH_PX
    assert fig.get_figheight() == pytest.approx(3.8)
    plt.close(fig)


def test_subplots_grid_height_is_per_row_and_width_is_fixed():
    fig, axes = style.subplots(2, 2, height=2.5)
    assert axes.shape == (2, 2)
    assert (fig.get_figwidth(), fig.get_figheight()) == (style.FIGURE_WIDTH, pytest.approx(5.0))
    plt.close(fig)


@pytest.mark.parametrize(("nrows", "ncols", "grid"), [(1, 4, "nrows=2, ncols=2"),
                                                      (1, 3, "nrows=2, ncols=2"),
                                                      (2, 3, "nrows=3, ncols=2")])
def test_subplots_refuses_more_than_two_panels_side_by_side(nrows, ncols, grid):
    with pytest.raises(ValueError, match=f"at most 2 panels side by side, got ncols={ncols}: "
                                         f"use a grid \\({grid}\\)"):
        style.subplots(nrows, ncols)


def test_label_axes_adds_a_legend_only_for_several_labelled_lines():
    fig, (one, two) = style.subplots(1, 2)
    one.plot([0, 1], label="only")
    style.label_axes(one, title="t", xlabel="x", ylabel="y")
    two.plot([0, 1], label="a")
    two.plot([1, 0], label="b")
    style.label_axes(two, title="t", xlabel="x", ylabel="y")
    assert one.get_legend() is None
    assert two.get_legend() is not None
    assert (two.get_title(), two.get_xlabel(), two.get_ylabel()) == ("t", "x", "y")
    plt.close(fig)


def clean_figure():
    fig, ax = style.subplots()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2, label="square")
    ax.plot(x, x, label="identity")
    style.label_axes(ax, title="two curves", xlabel="x", ylabel="y")
    return fig


def test_a_figure_in_the_house_style_meets_the_standard():
    fig = clean_figure()
    assert style.figure_problems(fig) == []
    plt.close(fig)


def test_figure_problems_names_small_text():
    fig = clean_figure()
    fig.axes[0].set_xlabel("x", fontsize=6)
    assert style.figure_problems(fig) == [
        "text 'x' is 8.3 px where it is shown (at least 9 px)"
    ]
    plt.close(fig)


def test_figure_problems_sees_the_tick_labels_of_a_figure_never_drawn():
    """Tick labels get their text when the figure is drawn: the check draws it first."""
    fig = clean_figure()
    fig.axes[0].tick_params(axis="y", labelsize=5)
    problems = style.figure_problems(fig)
    assert problems and all(p.endswith("is 6.9 px where it is shown (at least 9 px)")
                            for p in problems)
    plt.close(fig)


def test_figure_problems_names_a_figure_drawn_too_wide():
    fig = plt.figure(figsize=(13.3, 3), dpi=100)
    fig.add_subplot().plot([0, 1])
    problems = style.figure_problems(fig)
    assert problems[0] == "drawn 1330 px wide, shown at 52 % in a 688 px column (at least 70 %)"
    # shrunk to 52 %, every tick label is below 9 px
    assert any(p.startswith("text '0.0' is ") for p in problems)
    plt.close(fig)


def test_figure_problems_names_a_strip_of_panels():
    fig, axes = plt.subplots(1, 3, figsize=(6.8, 3), dpi=100)
    assert "3 panels side by side (at most 2)" in style.figure_problems(fig)
    plt.close(fig)


def test_figure_problems_names_a_legend_on_the_data():
    fig, ax = style.subplots()
    x = np.linspace(0, 1, 200)
    for k in range(8):  # the axes full of points: no place for the legend is free
        ax.scatter(x, (x * 7 + k) % 1, s=4, label=f"series {k}")
    style.label_axes(ax, title="crowded", xlabel="x", ylabel="y")
    problems = style.figure_problems(fig)
    assert len(problems) == 1
    assert problems[0].startswith("the legend of 'crowded' lies on the plotted data")
    plt.close(fig)


def test_figure_problems_names_a_legend_on_a_line_between_its_points():
    """Two straight lines crossing under a centred legend: no vertex under it, only lines."""
    fig, ax = style.subplots()
    ax.plot([0, 9], [0, 9], label="rising")
    ax.plot([0, 9], [9, 0], label="falling")
    ax.legend(loc="center")
    (problem,) = style.figure_problems(fig)
    assert problem.startswith("the legend of '' lies on the plotted data")
    plt.close(fig)


# ---- player ----


def drawing(calls=None):
    """A demo's drawing: a line whose slope and intercept are the parameters."""

    def draw(slope, intercept=0.0):
        if calls is not None:
            calls.append((slope, intercept))
        fig, ax = style.subplots(height=2.0)
        ax.plot([0, 1], [intercept, intercept + slope])
        ax.set_ylim(-3, 3)
        return fig

    return draw


def test_frame_player_draws_every_combination_last_parameter_fastest():
    calls = []
    demo = frame_player(drawing(calls), description="a line", slope=[1, 2, 3],
                        intercept=[0.0, 0.5])
    assert calls == [(1, 0.0), (1, 0.5), (2, 0.0), (2, 0.5), (3, 0.0), (3, 0.5)]
    assert demo.shape == (3, 2)
    assert len(demo.frames) == 6 and all(f.startswith(b"\x89PNG") for f in demo.frames)
    assert demo.index((2, 1)) == 5
    assert demo.start == (1, 1)  # the middle value of each parameter
    assert demo.alt[5] == "a line, at slope = 3, intercept = 0.5"
    assert plt.get_fignums() == []  # every frame's figure is closed
    assert unresponsive_controls(demo) == []


def test_frame_player_labels_and_start():
    demo = frame_player(drawing(), description="a line", labels={"slope": "slope w"},
                        start={"slope": 0.5}, slope=[0.5, 1.0, 1.5])
    assert demo.start == (0,)
    assert repr(demo) == "<demo: 3 frames; sliders: slope w (3 values, 0.5 to 1.5)>"


def test_a_frame_keeps_each_of_the_styles_colours_apart():
    """Lab 5's demo circles its moved point in the highlight's orange, and the frames'
    palette once merged that orange into the MAE line's red: every frame of that demo
    must still hold the orange, and the red, within a few levels."""
    x, y = line_with_outliers(30, seed=0)
    demo = chapter05.outlier_demo(x, y, heights=(-10.0, 11.0, 25.0), deltas=(0.5, 5.0)).player
    for png, alt in zip(demo.frames, demo.alt, strict=True):
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
        for name in ("highlight", "mae"):
            rgb = np.array([int(style.COLORS[name][i:i + 2], 16) for i in (1, 3, 5)])
            near = np.abs(pixels.astype(int) - rgb).max(axis=1) <= 12
            assert near.sum() > 50, f"{name} {style.COLORS[name]} is lost in: {alt}"


def test_frames_are_the_same_bytes_each_time_they_are_drawn():
    """Stored frames are compared with fresh ones (tests/test_stored_figures.py)."""
    first = frame_player(drawing(), description="a line", slope=[1.0, 2.0])
    again = frame_player(drawing(), description="a line", slope=[1.0, 2.0])
    assert first.frames == again.frames


def test_a_frame_has_twice_the_pixels_of_the_size_it_is_shown_at():
    """Sharp on a 2x screen: each frame is drawn at PIXEL_DENSITY pixels per pixel shown,
    and its <img> says the size to show it at (the figure's size at its dpi)."""
    demo = frame_player(drawing(), description="a line", slope=[1.0, 2.0])
    figure = drawing()(slope=1.0)
    shown = (round(figure.get_figwidth() * figure.dpi), round(figure.get_figheight() * figure.dpi))
    plt.close(figure)
    assert shown[0] == round(style.FIGURE_WIDTH * style.DPI)
    for png in demo.frames:
        assert Image.open(io.BytesIO(png)).size == tuple(style.PIXEL_DENSITY * s for s in shown)
    assert demo._repr_html_().count(f'width="{shown[0]}" height="{shown[1]}"') == 2


def test_a_figure_in_a_notebook_is_a_retina_png_shown_at_its_size():
    """In IPython, the house style shows figures as PNGs of twice the pixels, with the
    size to show them at in the output's metadata (read by JupyterLab, Colab and the
    website's build)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        figure, ax = style.subplots()
        ax.plot([0, 1], [0, 1])
        data, metadata = shell.display_formatter.format(figure)
        png = data["image/png"]
        png = png if isinstance(png, bytes) else __import__("base64").b64decode(png)
        size = Image.open(io.BytesIO(png)).size
        assert metadata["image/png"] == {"width": size[0] // 2, "height": size[1] // 2}
        # IPython crops to the figure's ink with a margin ("tight"): about its width.
        assert abs(size[0] / 2 - style.FIGURE_WIDTH * style.DPI) < 16
    finally:
        InteractiveShell.clear_instance()


def test_unresponsive_controls_names_the_slider_the_drawing_ignores():
    def draw(slope, intercept):
        return drawing()(slope)  # the intercept is dropped

    demo = frame_player(draw, description="a line", slope=[1.0, 2.0], intercept=[0.0, 1.0])
    assert unresponsive_controls(demo) == [
        "moving 'intercept' from 0 to 1 does not change the picture",
        "moving 'intercept' from 0 to 1 does not change the picture",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "at least one parameter"),
        ({"slope": [1.0]}, "parameter 'slope' needs at least 2 values, got 1"),
        ({"slope": list(range(7)), "intercept": list(range(7))},
         "49 frames is more than 48"),
        ({"slope": [1, 2], "labels": {"height": "h"}}, r"unknown parameters: \['height'\]"),
        ({"slope": [1, 2], "start": {"slope": 5}}, "start value 5 is not one of slope's values"),
    ],
)
def test_frame_player_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        frame_player(drawing(), description="a line", **kwargs)


def test_the_html_escapes_labels_and_shows_the_start_frame_only():
    demo = frame_player(drawing(), description='the "line" <a>', labels={"slope": "w < 2"},
                        start={"slope": 2}, slope=[1, 2, 3])
    page = demo._repr_html_()
    assert page.count('<img class="lu-frame"') == 3
    assert page.count(" hidden>") == 2
    assert 'aria-label="w &lt; 2"' in page and "<output>2</output>" in page
    assert 'alt="the &quot;line&quot; &lt;a&gt;, at w &lt; 2 = 1"' in page
    assert 'data-labels="1|2|3"' in page


SHOWN = """() => Array.from(document.querySelectorAll('.lu-player')).map(p =>
  ({frames: Array.from(p.querySelectorAll('img.lu-frame'))
              .filter(i => getComputedStyle(i).display !== 'none')
              .map(i => Array.from(p.querySelectorAll('img.lu-frame')).indexOf(i)),
    readouts: Array.from(p.querySelectorAll('output'), o => o.value),
    spoken: Array.from(p.querySelectorAll('input[type=range]'),
                       s => s.getAttribute('aria-valuetext'))}))"""


def test_the_page_script_shows_the_frame_of_every_slider_setting(browser):
    """In Chromium: every position of every slider (keyboard and set values) shows the
    frame the player drew for that combination, and only that one."""
    demo = frame_player(drawing(), description="a line", slope=[1, 2, 3],
                        intercept=[-1.0, 0.0, 1.0, 2.0])
    labels = [[player._label(v) for v in values] for values in demo.parameters.values()]
    page = browser.new_page()
    try:
        page.set_content(f"<html><body>{demo._repr_html_()}</body></html>")
        shown = page.evaluate(SHOWN)[0]
        assert shown == {"frames": [demo.index(demo.start)],
                         "readouts": [labels[0][1], labels[1][2]],
                         "spoken": [labels[0][1], labels[1][2]]}
        sliders = page.locator("input[type=range]")
        for a in range(3):
            for b in range(4):
                sliders.nth(0).evaluate(f"s => {{ s.value = {a}; s.dispatchEvent("
                                        "new Event('input', {bubbles: true})); }")
                sliders.nth(1).evaluate(f"s => {{ s.value = {b}; s.dispatchEvent("
                                        "new Event('input', {bubbles: true})); }")
                # a screen reader announces the value (aria-valuetext), not the position
                assert page.evaluate(SHOWN)[0] == {
                    "frames": [demo.index((a, b))], "readouts": [labels[0][a], labels[1][b]],
                    "spoken": [labels[0][a], labels[1][b]],
                }, f"slider positions {(a, b)}"
        sliders.nth(1).press("ArrowLeft")  # the keyboard, as a reader moves it
        assert page.evaluate(SHOWN)[0]["frames"] == [demo.index((2, 2))]
        sliders.nth(0).press("Home")
        assert page.evaluate(SHOWN)[0]["frames"] == [demo.index((0, 2))]
    finally:
        page.close()


def test_two_players_on_one_page_move_independently(browser):
    first = frame_player(drawing(), description="a line", slope=[1, 2])
    second = frame_player(drawing(), description="a line", slope=[-1, -2, -3])
    page = browser.new_page()
    try:
        page.set_content(f"<html><body>{first._repr_html_()}{second._repr_html_()}</body></html>")
        page.locator("input[type=range]").nth(1).press("ArrowRight")
        shown = page.evaluate(SHOWN)
        assert [s["frames"] for s in shown] == [[1], [2]]
    finally:
        page.close()


def test_arrow_keys_on_a_slider_do_not_reach_the_page(browser):
    """JupyterLab moves between cells on arrow keys; the slider keeps them."""
    demo = frame_player(drawing(), description="a line", slope=[1, 2, 3])
    page = browser.new_page()
    try:
        page.set_content(f"<html><body>{demo._repr_html_()}</body></html>")
        page.evaluate("() => { window.keys = []; document.body.addEventListener('keydown',"
                      " e => window.keys.push(e.key)); }")
        slider = page.locator("input[type=range]")
        slider.press("ArrowRight")
        slider.press("Enter")
        assert page.evaluate("() => window.keys") == ["Enter"]
    finally:
        page.close()


def test_figure_problems_names_tick_labels_that_run_together_and_cut_text():
    fig, ax = style.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xticks(np.linspace(0, 1, 41))  # forty labels in one panel's width
    fig.text(0.9, 0.5, "a note hanging off the right edge of the figure")
    problems = style.figure_problems(fig)
    assert any("run together" in p for p in problems)
    assert any("cut at the figure's edge" in p for p in problems)
    plt.close(fig)


def test_figure_problems_names_annotations_that_run_together_and_only_those():
    fig, ax = style.subplots()
    ax.plot([0, 1], [0, 1])
    ax.text(0.2, 0.8, "first note")
    ax.text(0.22, 0.8, "second note")  # on top of the first
    ax.text(0.7, 0.2, "a note apart")
    problems = style.figure_problems(fig)
    assert problems == ["'first note' and 'second note' run together in ''"], problems
    plt.close(fig)


def test_figure_problems_names_a_figure_legend_on_a_panel():
    fig, axes = style.subplots(1, 2)
    for ax in axes:
        ax.plot([0, 1], [0, 1], label="line")
    fig.legend(loc="center")  # in the middle of the figure, over the panels
    assert any(p.startswith("the figure legend lies on the panel")
               for p in style.figure_problems(fig))
    plt.close(fig)


def test_frame_player_shares_the_first_frames_layout_when_asked():
    drawn = []

    def draw(n):
        fig, ax = style.subplots()
        ax.plot([0, 1], [0, 10 ** n])  # tick labels of growing width: layouts would differ
        drawn.append(fig)
        return fig

    player.frame_player(draw, description="a line", n=[0, 3, 6], shared_layout=True)
    places = [fig.axes[0].get_position().bounds for fig in drawn]
    assert places[1] == places[0] and places[2] == places[0]
    drawn.clear()
    player.frame_player(draw, description="a line", n=[0, 3, 6])
    assert drawn[2].axes[0].get_position().bounds != drawn[0].axes[0].get_position().bounds
