"""The figure record (``drawn.py``): what counts as the same figure, and what does not.

A figure cell's code changed without ``make execute`` must show as a difference (a
colour, a line width, a curve from other data, markers, a text, an image), and a
rounding-level change of the data (a few ulps of float32, as another processor gives)
must not.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from drawn import PLACE_TOLERANCE_PX, differences, record

from lossutils.figures import style


def draw(*, curve=None, color="#1565c0", width=2.0, marker_y=None, title="a curve",
         image=None, dashed=False):
    """A figure of a curve, markers and an image, each part changeable."""
    x = np.linspace(0.0, 1.0, 101)
    fig, (left, right) = style.subplots(1, 2)
    left.plot(x, x**2 if curve is None else curve, color=color, linewidth=width,
              linestyle="--" if dashed else "-", label="curve")
    left.plot([0.2, 0.5, 0.8], [0.1, 0.3, 0.7] if marker_y is None else marker_y, "o",
              color="#c62828", label="points")
    style.label_axes(left, title=title, xlabel="x", ylabel="y")
    right.imshow(np.arange(64.0).reshape(8, 8) if image is None else image)
    style.label_axes(right, title="an image", xlabel="column", ylabel="row")
    return fig


@pytest.fixture(scope="module")
def stored():
    return record(draw())


def test_the_same_figure_drawn_again_matches(stored) -> None:
    assert differences(stored, record(draw())) == []


def test_rounding_of_the_data_does_not_count(stored) -> None:
    x = np.linspace(0.0, 1.0, 101)
    rng = np.random.default_rng(0)
    ulps = (x**2).astype(np.float32) * (1 + rng.uniform(-4, 4, x.size) * 2**-23)
    image = np.arange(64.0).reshape(8, 8) * (1 + 1e-6)
    noisy = record(draw(curve=ulps.astype(np.float64), marker_y=[0.1 + 1e-7, 0.3, 0.7],
                        image=image))
    assert differences(stored, noisy) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"color": "#c62828"}, "stroke #1565c0ff stored, #c62828ff now"),
    ({"color": "#1565c1"}, "stroke #1565c0ff stored, #1565c1ff now"),
    ({"width": 2.5}, "width 2.0 stored, 2.5 now"),
    ({"dashed": True}, "dashes None stored"),
    ({"curve": np.linspace(0.0, 1.0, 101) ** 3}, "moved by up to"),
    ({"curve": np.linspace(0.0, 1.0, 101) ** 2 + 0.01}, "moved by up to"),
    ({"marker_y": [0.1, 0.35, 0.7]}, "moved by up to"),
    ({"title": "another curve"}, "text 'a curve' stored, 'another curve' now"),
    ({"image": np.arange(64.0)[::-1].reshape(8, 8)}, "its colours changed"),
])
def test_a_change_of_the_figure_is_named(stored, change, expected) -> None:
    found = differences(stored, record(draw(**change)))
    assert found and expected in "; ".join(found), found


def test_a_change_of_a_pixel_is_seen_and_a_hundredth_is_not() -> None:
    """The tolerance sits between rounding (well under 0.01 px) and a visible move."""
    fig, ax = style.subplots()
    line, = ax.plot([0.0, 1.0], [0.0, 1.0])
    before = record(fig)
    height = ax.bbox.height
    for shift_px, seen in [(0.01, False), (2 * PLACE_TOLERANCE_PX, True), (0.5, True)]:
        line.set_ydata([0.0, 1.0 + shift_px / height * np.diff(ax.get_ylim())[0]])
        assert bool(differences(before, record(fig))) is seen, shift_px
    plt.close(fig)


def test_what_lies_outside_a_panel_does_not_count() -> None:
    fig, ax = style.subplots()
    line, = ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 50.0])
    ax.set_ylim(0, 2)
    ax.set_xlim(0, 1.5)
    before = record(fig)
    line.set_ydata([0.0, 1.0, 60.0])  # the last point was and is far above the panel
    assert differences(before, record(fig)) == []
    plt.close(fig)


def test_a_missing_or_added_item_is_counted(stored) -> None:
    fig = draw()
    fig.axes[0].axhline(0.5)
    found = differences(stored, record(fig))
    assert found and found[-1].endswith("now"), found


def test_a_path_is_the_line_it_draws_not_its_vertex_list() -> None:
    """A contour may gain a vertex under rounding (contourpy meets a grid node): the same
    line with a vertex more is the same picture, a vertex moved off it is not."""
    fig, ax = style.subplots()
    line, = ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 0.0])
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 1)
    before = record(fig)
    line.set_data([0.0, 0.5, 1.0, 2.0], [0.0, 0.5, 1.0, 0.0])
    assert differences(before, record(fig)) == []
    line.set_data([0.0, 0.5, 1.0, 2.0], [0.0, 0.6, 1.0, 0.0])
    found = differences(before, record(fig))
    assert found and "moved by up to" in found[0], found
    plt.close(fig)
