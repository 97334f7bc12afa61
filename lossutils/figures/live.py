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
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .player import FramePlayer, _label, frame_player

__all__ = ["LiveDemo", "Range", "live_demo"]


@dataclass(frozen=True)
class Range:
    """The values a live slider takes: from ``low`` to ``high`` in steps of ``step``.

    ``log=True`` makes the slider move the exponent: values from ``low`` to ``high``
    spread evenly on a log scale, ``step`` then being a step of the base-10 exponent.
    """

    low: float
    high: float
    step: float
    log: bool = False

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
    figure : matplotlib.figure.Figure
        The figure drawn for the sliders' current values (closed: it is shown as a PNG).
    seconds : float
        How long the last redraw took.
    """

    def __init__(
        self,
        draw: Callable[..., Figure],
        player: FramePlayer,
        ranges: dict[str, Range],
        labels: dict[str, str],
        continuous_update: bool,
    ) -> None:
        import ipywidgets as widgets  # only a live demo needs it

        self.draw = draw
        self.player = player
        self.controls = {}
        starts = {name: values[position] for (name, values), position
                  in zip(player.parameters.items(), player.start, strict=True)}
        style = {"description_width": "initial"}
        layout = widgets.Layout(width="24em")
        for name, span in ranges.items():
            common = dict(description=labels[name], continuous_update=continuous_update,
                          style=style, layout=layout, readout_format=".3g")
            if span.log:
                self.controls[name] = widgets.FloatLogSlider(
                    value=float(starts[name]), base=10, min=math.log10(span.low),
                    max=math.log10(span.high), step=span.step, **common)
            else:
                self.controls[name] = widgets.FloatSlider(
                    value=float(starts[name]), min=span.low, max=span.high, step=span.step,
                    **common)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        parts = [widgets.HBox(list(self.controls.values()),
                              layout=widgets.Layout(flex_flow="row wrap"))]
        if not continuous_update:
            parts.append(widgets.HTML(
                "<small>The picture is redrawn when you let go of a slider: each drawing "
                "recomputes the lab's code, too slowly to follow a drag.</small>"))
        self.widget = widgets.VBox([*parts, self.image])
        for control in self.controls.values():
            control.observe(self._redraw, names="value")
        self.figure: Figure | None = None
        self.seconds = 0.0
        self._redraw()

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
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi)
        plt.close(figure)
        self.figure = figure
        self.image.value = buffer.getvalue()
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
    description, labels, start, shared_layout
        As for :func:`~.player.frame_player`.
    ranges : dict of str to Range
        The continuous range of each parameter's live slider.
    frames : dict of str to sequence
        The values each parameter takes in the pre-drawn frames; each must lie in its
        range, and the parameters must be those of ``ranges``, in the same order.
    continuous_update : bool, default True
        Redraw while a slider is dragged; False redraws when it is let go, and says so
        beside the sliders (for a drawing too slow to follow a drag).

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
    if list(ranges) != list(frames):
        raise ValueError(f"ranges and frames must name the same parameters in the same "
                         f"order, got {list(ranges)} and {list(frames)}")
    for name, values in frames.items():
        outside = [v for v in values if not ranges[name].contains(float(v))]
        if outside:
            raise ValueError(f"frames of {name!r} outside its range {ranges[name]}: {outside}")
    player = frame_player(draw, description=description, labels=labels, start=start,
                          shared_layout=shared_layout, **frames)
    return LiveDemo(draw, player, ranges, player.labels, continuous_update)
