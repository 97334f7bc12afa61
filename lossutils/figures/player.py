"""Demos that respond without a kernel: a figure pre-drawn for each setting, and sliders.

A demo is a drawing function ``draw(**values)`` that returns a matplotlib figure, and
the values each of its parameters takes. :func:`frame_player` draws the figure once for
every combination of values and returns a :class:`FramePlayer`: one slider per
parameter above the frames, written as plain HTML with a few lines of inline script.
The same output works on the static website (no kernel, no server, nothing fetched
from another host), in JupyterLab and in Colab, and it is stored in the notebook like
any other output.

:func:`unresponsive_controls` is the test every demo must pass: moving any one slider,
the others held, changes the picture.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from PIL import Image

from lossutils.figures.style import PIXEL_DENSITY

__all__ = ["FramePlayer", "frame_player", "unresponsive_controls"]

#: Frames of one demo, at most: each is a PNG of about 20-40 kB (twice the pixels of its
#: shown size), which the website fetches when the frame is first shown.
MAX_FRAMES = 48
#: Colours of a frame's PNG: a figure's few colours and their anti-aliased edges fit,
#: and the file is about a quarter of a full-colour one. The palette is an octree's,
#: which keeps each of the style's colours apart; a median cut merged the highlight's
#: orange into the MAE's red in some frames and not in others.
FRAME_COLORS = 64

# On every move: read each slider, show its value, show the frame of that combination.
_ON_INPUT = (
    "var p=this.closest('.lu-player'),i=0;"
    "p.querySelectorAll('input[type=range]').forEach(function(s){"
    "i=i*(+s.max+1)+(+s.value);"
    "var t=s.dataset.labels.split('|')[+s.value];"
    "s.parentNode.querySelector('output').value=t;s.setAttribute('aria-valuetext',t);});"
    "p.querySelectorAll('img.lu-frame').forEach(function(f,k){f.hidden=(k!==i);});"
)
# The keys that move a slider stay with it: in JupyterLab the notebook would otherwise
# take them (the arrow keys move between cells) and the slider would not move.
_ON_KEYDOWN = "if(/^(Arrow|Home|End|Page)/.test(event.key))event.stopPropagation();"


def _label(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class FramePlayer:
    """Pre-drawn frames of a demo and the HTML that flips through them with sliders.

    Attributes
    ----------
    parameters : dict of str to tuple
        Each parameter's values, in slider order.
    labels : dict of str to str
        What each slider is called on the page.
    frames : list of bytes
        One PNG per combination of values, the last parameter varying fastest.
    start : tuple of int
        The slider positions shown first.
    alt : list of str
        The alternative text of each frame.
    """

    def __init__(
        self,
        parameters: dict[str, tuple],
        labels: dict[str, str],
        frames: list[bytes],
        start: tuple[int, ...],
        alt: list[str],
    ) -> None:
        self.parameters = parameters
        self.labels = labels
        self.frames = frames
        self.start = start
        self.alt = alt

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(values) for values in self.parameters.values())

    def index(self, positions: Sequence[int]) -> int:
        """The position in :attr:`frames` of the frame at these slider positions."""
        return sum(p * math.prod(self.shape[k + 1 :]) for k, p in enumerate(positions))

    def __repr__(self) -> str:
        controls = ", ".join(
            f"{self.labels[name]} ({len(values)} values, "
            f"{_label(values[0])} to {_label(values[-1])})"
            for name, values in self.parameters.items()
        )
        return f"<demo: {len(self.frames)} frames; sliders: {controls}>"

    def _repr_html_(self) -> str:
        shown = self.index(self.start)
        controls = []
        for (name, values), position in zip(self.parameters.items(), self.start, strict=True):
            texts = [_label(v) for v in values]
            controls.append(
                '<label class="lu-control" style="display:inline-flex;align-items:center;'
                'gap:0.5em;margin:0 1.5em 0.3em 0">'
                f'<span class="lu-name">{html.escape(self.labels[name])}</span> '
                f'<input type="range" min="0" max="{len(values) - 1}" step="1" '
                f'value="{position}" data-labels="{html.escape("|".join(texts))}" '
                f'aria-valuetext="{html.escape(texts[position])}" '
                f'aria-label="{html.escape(self.labels[name])}" oninput="{_ON_INPUT}" '
                f'onkeydown="{_ON_KEYDOWN}"> '
                f"<output>{html.escape(texts[position])}</output></label>"
            )
        images = []
        for k, (png, alt) in enumerate(zip(self.frames, self.alt, strict=True)):
            data = base64.b64encode(png).decode("ascii")
            hidden = "" if k == shown else " hidden"
            width, height = _shown_size(png)
            images.append(
                f'<img class="lu-frame" src="data:image/png;base64,{data}" '
                f'width="{width}" height="{height}" style="height:auto" '
                f'alt="{html.escape(alt)}"{hidden}>'
            )
        return (
            '<div class="lu-player">'
            f'<div class="lu-controls">{"".join(controls)}</div>'
            f'{"".join(images)}</div>'
        )


def _shown_size(png: bytes) -> tuple[int, int]:
    """The size a frame is shown at: its pixels (from the PNG header) over the density."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return width // PIXEL_DENSITY, height // PIXEL_DENSITY


def _png(figure: Figure) -> bytes:
    """The figure as a PNG of :data:`PIXEL_DENSITY` pixels per pixel shown, of at most
    :data:`FRAME_COLORS` colours (a quarter the bytes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi * PIXEL_DENSITY)
    plt.close(figure)
    picture = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    fewer = picture.quantize(FRAME_COLORS, method=Image.Quantize.FASTOCTREE,
                             dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    fewer.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def frame_player(
    draw: Callable[..., Figure],
    *,
    description: str,
    labels: dict[str, str] | None = None,
    start: dict[str, object] | None = None,
    shared_layout: bool = False,
    **parameters: Sequence,
) -> FramePlayer:
    """Draw ``draw(**values)`` for every combination of ``parameters``; return the player.

    Parameters
    ----------
    draw : callable
        Takes one keyword argument per parameter and returns a matplotlib figure.
    description : str
        What the figure shows, for its alternative text; the values of the frame are
        added ("... at height = 10").
    labels : dict, optional
        The text beside each slider (default: the parameter's name).
    start : dict, optional
        The value each slider starts at (default: the middle value).
    shared_layout : bool, default False
        Lay out the first frame only and give every other frame its axes' places: the
        frames then line up exactly, and each costs only its drawing (the layout is
        about half the cost of a frame). For frames that differ in their data, not in
        their ticks or labels.
    **parameters : sequence
        The values of each parameter, in the order the slider walks them.

    Examples
    --------
    >>> from lossutils.figures.style import subplots
    >>> def draw(slope):
    ...     fig, ax = subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> demo = frame_player(draw, description="a line", slope=[0.5, 1.0, 2.0])
    >>> demo
    <demo: 3 frames; sliders: slope (3 values, 0.5 to 2)>
    >>> demo.alt[2]
    'a line, at slope = 2'
    >>> unresponsive_controls(demo)
    []
    """
    if not parameters:
        raise ValueError("frame_player needs at least one parameter with its values")
    values = {name: tuple(v) for name, v in parameters.items()}
    for name, options in values.items():
        if len(options) < 2:
            raise ValueError(f"parameter {name!r} needs at least 2 values, got {len(options)}")
    count = math.prod(len(v) for v in values.values())
    if count > MAX_FRAMES:
        raise ValueError(
            f"{count} frames is more than {MAX_FRAMES}: each frame adds page weight; "
            "give the parameters fewer values"
        )
    labels = {name: name for name in values} | (labels or {})
    unknown = set(labels) - set(values) | set(start or {}) - set(values)
    if unknown:
        raise ValueError(f"labels or start name unknown parameters: {sorted(unknown)}")
    positions = []
    for name, options in values.items():
        if start and name in start:
            if start[name] not in options:
                raise ValueError(f"start value {start[name]!r} is not one of {name}'s values")
            positions.append(options.index(start[name]))
        else:
            positions.append(len(options) // 2)
    frames, alt = [], []
    places: list = []  # the axes' places in the first frame, when they are shared
    for combination in itertools.product(*values.values()):
        setting = dict(zip(values, combination, strict=True))
        figure = draw(**setting)
        if shared_layout and places:
            figure.set_layout_engine("none")
            for ax, place in zip(figure.axes, places, strict=True):
                ax.set_position(place)
        elif shared_layout:
            figure.draw_without_rendering()
            places = [ax.get_position() for ax in figure.axes]
        frames.append(_png(figure))
        said = ", ".join(f"{labels[n]} = {_label(v)}" for n, v in setting.items())
        alt.append(f"{description}, at {said}")
    return FramePlayer(values, labels, frames, tuple(positions), alt)


def unresponsive_controls(player: FramePlayer) -> list[str]:
    """Name each slider that, moved one step with the others held, leaves the picture.

    Every step of every slider is tried from every setting of the other sliders; a
    demo passes when every step changes the frame's pixels.
    """
    problems = []
    for axis, name in enumerate(player.parameters):
        for positions in itertools.product(*(range(n) for n in player.shape)):
            if positions[axis] == 0:
                continue
            before = list(positions)
            before[axis] -= 1
            if player.frames[player.index(before)] == player.frames[player.index(positions)]:
                values = player.parameters[name]
                problems.append(
                    f"moving {player.labels[name]!r} from {_label(values[before[axis]])} "
                    f"to {_label(values[positions[axis]])} does not change the picture"
                )
    return problems
