"""Demos that are live where a kernel runs, and a frame player where none does.

:func:`live_demo` takes the same drawing function as :func:`~.player.frame_player` and
returns a :class:`LiveDemo`: one output whose mime bundle holds two views of the demo.

* ``application/vnd.jupyter.widget-view+json``: ipywidgets sliders over continuous
  ranges and the picture, redrawn into the same image on every move (no flicker) by
  calling ``draw``, and so the lab's own code, with the sliders' values. JupyterLab and
  Colab show this view.
* ``text/html``: the frame player of :mod:`.player`, pre-drawn at a few values of each
  parameter. The website, which runs no kernel and loads no widget renderer, shows this
  one (``nb_mime_priority_overrides`` in ``_config.yml`` drops the widget view there).

One call in the lab, one stored output, two behaviours.

A live slider may have no frames (a learning rate the lab fixed, say): the frames are
then drawn at its ``start`` value, and only the live view moves it. The live view opens
on the player's start frame, so that it shows what the website shows until a slider
moves, and its redraws are quantised like the frames (:func:`~.player._png`): the same
look, a quarter of the bytes to send to the browser.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from .player import FramePlayer, _label, _png, frame_player

__all__ = ["LiveDemo", "Range", "live_demo"]


@dataclass(frozen=True)
class Range:
    """The values a live slider takes: from ``low`` to ``high`` in steps of ``step``.

    ``log=True`` makes the slider move the exponent: values from ``low`` to ``high``
    spread evenly on a log scale, ``step`` then being a step of the base-10 exponent.
    A range of whole numbers (``low``, ``high`` and ``step`` all ints) is an integer
    slider, and ``draw`` gets ints. ``continuous_update``, when given, overrides the
    demo's for this slider alone (a slider whose move recomputes a slow part of the
    lab, beside one that only redraws).
    """

    low: float
    high: float
    step: float
    log: bool = False
    continuous_update: bool | None = None

    @property
    def whole(self) -> bool:
        """True for an integer slider: low, high and step all ints, on a linear scale."""
        return not self.log and all(
            isinstance(v, int) and not isinstance(v, bool)
            for v in (self.low, self.high, self.step))

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"a range needs low < high, got {self.low} and {self.high}")
        if not 0 < self.step <= self.high - self.low and not self.log:
            raise ValueError(f"a range's step must be in (0, high - low], got {self.step}")
        if self.log and not 0 < self.low:
            raise ValueError(f"a log range must start above 0, got {self.low}")

    def contains(self, value: float) -> bool:
        return self.low - 1e-12 <= value <= self.high + 1e-12


class LiveDemo:
    """A demo drawn live by ipywidgets in a kernel, with its frame player as the fallback.

    Attributes
    ----------
    player : FramePlayer
        The pre-drawn frames, the ``text/html`` of the output.
    controls : dict of str to ipywidgets widget
        One slider per parameter, in order.
    widget : ipywidgets.VBox
        The sliders, a note when a slider redraws only on release, and the picture.
    figure : matplotlib.figure.Figure or None
        The figure drawn for the sliders' current values (closed: it is shown as a PNG);
        None until a slider first moves, the picture being the player's start frame.
    seconds : float
        How long the last redraw took.
    """

    def __init__(
        self,
        draw: Callable[..., Figure],
        player: FramePlayer,
        ranges: dict[str, Range],
        labels: dict[str, str],
        starts: dict[str, object],
        continuous_update: bool,
    ) -> None:
        import ipywidgets as widgets  # only a live demo needs it

        self.draw = draw
        self.player = player
        self.controls = {}
        style = {"description_width": "initial"}
        layout = widgets.Layout(width="24em")
        on_release = []
        for name, span in ranges.items():
            follows = continuous_update if span.continuous_update is None else (
                span.continuous_update)
            if not follows:
                on_release.append(labels[name])
            common = dict(description=labels[name], continuous_update=follows, style=style,
                          layout=layout)
            if span.whole:
                self.controls[name] = widgets.IntSlider(
                    value=int(starts[name]), min=span.low, max=span.high, step=span.step,
                    **common)
            elif span.log:
                # The slider's grid of exponents runs through the start value, so that
                # the start reads as the frames' (1, not 0.998); it may begin a part of
                # a step below the range.
                exponent = math.log10(float(starts[name]))
                below = math.ceil((exponent - math.log10(span.low)) / span.step - 1e-9)
                self.controls[name] = widgets.FloatLogSlider(
                    value=float(starts[name]), base=10, min=exponent - below * span.step,
                    max=math.log10(span.high), step=span.step, readout_format=".3g",
                    **common)
            else:
                self.controls[name] = widgets.FloatSlider(
                    value=float(starts[name]), min=span.low, max=span.high, step=span.step,
                    readout_format=".3g", **common)
        # The first picture is the player's start frame: the same values, already drawn.
        self.image = widgets.Image(value=player.frames[player.index(player.start)],
                                   format="png", layout=widgets.Layout(max_width="100%"))
        parts = [widgets.HBox(list(self.controls.values()),
                              layout=widgets.Layout(flex_flow="row wrap"))]
        if on_release:
            which = ("a slider" if len(on_release) == len(ranges)
                     else " or ".join(f"“{name}”" for name in on_release))
            parts.append(widgets.HTML(
                f"<small>The picture is redrawn when you let go of {which}: each drawing "
                "recomputes the lab's code, too slowly to follow a drag.</small>"))
        self.widget = widgets.VBox([*parts, self.image])
        for control in self.controls.values():
            control.observe(self._redraw, names="value")
        self.figure: Figure | None = None
        self.seconds = 0.0

    def values(self) -> dict[str, float]:
        """The sliders' current values, by parameter."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: float) -> None:
        """Move sliders, as a reader would; the picture is redrawn."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown sliders {unknown}; this demo has {list(self.controls)}")
        for name, value in values.items():
            self.controls[name].value = value

    def _redraw(self, change: object = None) -> None:
        start = time.perf_counter()
        figure = self.draw(**self.values())
        self.image.value = _png(figure)  # as the frames are stored; closes the figure
        self.figure = figure
        self.seconds = time.perf_counter() - start

    def __repr__(self) -> str:
        sliders = ", ".join(f"{control.description} = {_label(control.value)}"
                            for control in self.controls.values())
        return f"<live demo: {sliders}; fallback {self.player!r}>"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/html"] = self.player._repr_html_()
        bundle["text/plain"] = repr(self.player)
        return bundle


def live_demo(
    draw: Callable[..., Figure],
    *,
    description: str,
    ranges: dict[str, Range],
    frames: dict[str, Sequence],
    labels: dict[str, str] | None = None,
    start: dict[str, object] | None = None,
    shared_layout: bool = False,
    continuous_update: bool = True,
) -> LiveDemo:
    """A demo: live sliders over ``ranges`` in a kernel, pre-drawn ``frames`` elsewhere.

    Parameters
    ----------
    draw : callable
        Takes one keyword argument per parameter and returns a matplotlib figure. It is
        called for every frame, and again on every move of a live slider.
    description, labels, shared_layout
        As for :func:`~.player.frame_player`.
    ranges : dict of str to Range
        The continuous range of each parameter's live slider, in slider order.
    frames : dict of str to sequence
        The values each parameter takes in the pre-drawn frames; each must lie in its
        range, and the parameters must be among those of ``ranges``, in the same order.
        A parameter of ``ranges`` with no frames is live only: the frames are drawn at
        its ``start`` value.
    start : dict, optional
        The value each slider starts at; for a parameter with frames, one of them
        (default: the middle frame); for a live-only one, required.
    continuous_update : bool, default True
        Redraw while a slider is dragged; False redraws when it is let go, and says so
        beside the sliders (for a drawing too slow to follow a drag). A range's own
        ``continuous_update`` overrides it for that slider.

    Examples
    --------
    >>> from lossutils.figures.style import subplots
    >>> def draw(slope):
    ...     fig, ax = subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> demo = live_demo(draw, description="a line", ranges={"slope": Range(0.0, 2.0, 0.01)},
    ...                  frames={"slope": [0.5, 1.0, 2.0]})
    >>> demo.set(slope=1.37)
    >>> demo.figure.axes[0].lines[0].get_ydata()[1]
    np.float64(1.37)
    >>> sorted(demo._repr_mimebundle_())
    ['application/vnd.jupyter.widget-view+json', 'text/html', 'text/plain']
    """
    if [name for name in ranges if name in frames] != list(frames):
        raise ValueError(f"every parameter with frames needs a range, in the same order: "
                         f"got ranges for {list(ranges)} and frames of {list(frames)}")
    if not frames:
        raise ValueError("a live demo needs frames of at least one parameter")
    start = dict(start or {})
    unknown = sorted(set(start) - set(ranges))
    if unknown:
        raise ValueError(f"start names parameters with no range: {unknown}")
    for name, values in frames.items():
        outside = [v for v in values if not ranges[name].contains(float(v))]
        if outside:
            raise ValueError(f"frames of {name!r} outside its range {ranges[name]}: {outside}")
    fixed = {}
    for name in ranges:
        if name in frames:
            continue
        if name not in start:
            raise ValueError(f"{name!r} has no frames: give its start value")
        if not ranges[name].contains(float(start[name])):
            raise ValueError(f"start value {start[name]!r} of {name!r} is outside its "
                             f"range {ranges[name]}")
        fixed[name] = start[name]

    def draw_frame(**values: object) -> Figure:
        return draw(**values, **fixed)

    labels = {name: name for name in ranges} | (labels or {})
    player = frame_player(draw_frame if fixed else draw, description=description,
                          labels={name: labels[name] for name in frames},
                          start={name: start[name] for name in frames if name in start},
                          shared_layout=shared_layout, **frames)
    starts = fixed | {name: values[position] for (name, values), position
                      in zip(player.parameters.items(), player.start, strict=True)}
    return LiveDemo(draw, player, ranges, labels, starts, continuous_update)
