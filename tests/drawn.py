"""What a figure shows, as data: the primitives matplotlib hands its renderer.

The stale-picture check (``test_stored_figures.py``) cannot compare PNG bytes: torch's
CPU kernels round differently on different processors (AVX-512, AVX2, plain code, ARM,
a GPU), a fitted line moves by a few ulps, and matplotlib's pixel snapping and
anti-aliasing turn that into a few hundred pixels that differ by up to 70 grey levels
between two machines, though nothing a reader can see has changed.

So a figure is compared by what it draws. :func:`record` draws the figure once more
into a :class:`RecordingRenderer`, an Agg renderer (the same text metrics and layout as
the PNG) that records each primitive instead of rasterising it: every path with its
vertices in pixels, its stroke and fill colours, line width and dashes; every set of
markers with the marker's shape and the places it is stamped; every collection item;
every text with its string, place, size, colour and angle; every image, reduced to a
coarse grid of its colours. :func:`differences` says how two records differ, primitive
by primitive, or nothing when they match within the tolerances below.

Tolerances, and why they separate rounding from a change of the figure:

* Places are compared in pixels of the drawn figure (the website shows figures at
  100 %), after clamping each vertex to its clip box widened by a pixel, so that what
  lies outside a panel does not count. A path is the line it draws: where its vertices
  do not match one for one (a contour that gains a vertex under rounding), each vertex
  of either must lie within the tolerance of the other's line. Rounding moves a vertex
  by far less than :data:`PLACE_TOLERANCE_PX`: between ``ATEN_CPU_CAPABILITY=default``,
  ``avx2`` and ``avx512``, on 1 and 2 threads, no vertex of the labs' 139 pictures moved
  by more than 0.01 px, the records' own rounding step (lab 3's contours gained a vertex
  in 21 pictures, lying on the line). Any change a reader could see moves something by
  half a pixel or more, ten times the tolerance.
* Text angles are compared to :data:`ANGLE_TOLERANCE` (a contour label turns with its
  line). Colours, line widths, dashes, font sizes, marker shapes and strings are
  compared exactly (colours to :data:`COLOR_TOLERANCE`, a quarter of one 8-bit level): they
  come from the code, not from arithmetic that rounds. A changed colour or width is
  therefore always seen, however thin the line.
* Images are compared on a grid of at most :data:`IMAGE_GRID` x :data:`IMAGE_GRID`
  block means, to :data:`IMAGE_TOLERANCE` levels: a colormap lookup may flip by one
  entry under rounding (a few levels in one pixel, far less in a block mean), while
  another picture moves block means by tens of levels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

#: Largest distance, in pixels, between a stored and a fresh vertex that is rounding.
PLACE_TOLERANCE_PX = 0.05
#: Largest difference of a colour channel (0 to 1) that counts as the same colour.
COLOR_TOLERANCE = 0.25 / 255
#: Images are compared on at most this many blocks a side.
IMAGE_GRID = 16
#: Largest difference of a block's mean (0 to 255) that counts as the same image.
IMAGE_TOLERANCE = 4.0
#: Largest difference of a text's angle, in degrees, that is rounding: a contour label
#: is turned along its line, which moves with the data (0.01 degrees turns a 100 px
#: label's end by 0.02 px).
ANGLE_TOLERANCE = 0.01
#: Decimals kept of a place in pixels (a hundredth of a pixel: well inside the tolerance).
PLACE_DECIMALS = 2


def _color(rgba: Sequence[float] | None, alpha: float | None = None) -> list[float] | None:
    if rgba is None:
        return None
    values = [float(v) for v in rgba]
    if len(values) == 3:
        values.append(1.0)
    if alpha is not None:
        values[3] = float(alpha)
    if values[3] == 0:
        return None  # nothing is drawn: fully transparent
    return [round(v, 4) for v in values]


def _places(points: np.ndarray, clip: np.ndarray | None) -> list:
    """Vertices in pixels, clamped to the clip box widened by a pixel, NaN as None."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if clip is not None:
        points = np.clip(points, clip[0] - 1.0, clip[1] + 1.0)
    return [[None if not math.isfinite(v) else round(float(v), PLACE_DECIMALS) for v in p]
            for p in points]


def _clip(gc) -> np.ndarray | None:
    box = gc.get_clip_rectangle()
    return None if box is None else np.array([[box.x0, box.y0], [box.x1, box.y1]])


def _stroke(gc) -> dict:
    """How a graphics context strokes: colour, width (points), dashes."""
    offset, dashes = gc.get_dashes()
    return {
        "stroke": _color(gc.get_rgb(), gc.get_alpha() if gc.get_forced_alpha() else None)
        if gc.get_linewidth() > 0 else None,
        "width": round(float(gc.get_linewidth()), 4),
        "dashes": None if dashes is None else [round(float(d), 4) for d in dashes],
        "hatch": gc.get_hatch(),
    }


class RecordingRenderer(RendererAgg):
    """An Agg renderer that records the primitives it is handed instead of drawing them."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        self.primitives: list[dict] = []
        super().__init__(width, height, dpi)

    def _update_methods(self) -> None:
        # Agg binds its C drawing methods to the instance here; these take their place.
        self.draw_gouraud_triangles = self._unsupported
        self.draw_image = self._record_image
        self.draw_markers = self._record_markers
        self.draw_path_collection = self._record_collection
        self.draw_quad_mesh = super(RendererAgg, self).draw_quad_mesh  # as collections
        self.copy_from_bbox = self._renderer.copy_from_bbox

    def _unsupported(self, *args, **kwargs) -> None:
        raise NotImplementedError("the figure record does not know Gouraud triangles")

    def _fill(self, gc, rgb_face) -> list[float] | None:
        return _color(rgb_face, gc.get_alpha() if gc.get_forced_alpha() else None)

    def draw_path(self, gc, path, transform, rgbFace=None) -> None:
        self.primitives.append({
            "kind": "path",
            "places": _places(transform.transform(path.vertices), _clip(gc)),
            "fill": self._fill(gc, rgbFace),
            **_stroke(gc),
        })

    def _record_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None) -> None:
        self.primitives.append({
            "kind": "markers",
            "marker": _places(marker_trans.transform(marker_path.vertices), None),
            "places": _places(trans.transform(path.vertices), _clip(gc)),
            "fill": self._fill(gc, rgbFace),
            **_stroke(gc),
        })

    def _record_collection(self, gc, master_transform, paths, all_transforms, offsets,
                           offset_trans, facecolors, edgecolors, linewidths, linestyles,
                           antialiaseds, urls, offset_position, *, hatchcolors=None) -> None:
        shapes = [_places(transform.transform(path.vertices), None) for path, transform
                  in self._iter_collection_raw_paths(master_transform, paths, all_transforms)]
        items = []
        for x, y, shape, item_gc, fill in self._iter_collection(
                gc, list(range(len(shapes))), offsets, offset_trans, facecolors, edgecolors,
                linewidths, linestyles, antialiaseds, urls, offset_position,
                hatchcolors=[] if hatchcolors is None else hatchcolors):
            items.append({"shape": shape, "at": _places([[x, y]], _clip(item_gc))[0],
                          "fill": self._fill(item_gc, fill), **_stroke(item_gc)})
        self.primitives.append({"kind": "collection", "shapes": shapes, "items": items})

    def _record_image(self, gc, x, y, im, transform=None) -> None:
        pixels = np.asarray(im, dtype=float)
        rows, columns = pixels.shape[:2]
        grid = []
        for block_rows in np.array_split(np.arange(rows), min(IMAGE_GRID, rows)):
            grid.append([np.round(pixels[block_rows][:, block].mean(axis=(0, 1)), 1).tolist()
                         for block in np.array_split(np.arange(columns),
                                                     min(IMAGE_GRID, columns))])
        self.primitives.append({"kind": "image", "places": _places([[x, y]], None),
                                "size": [rows, columns], "grid": grid})

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None) -> None:
        self.primitives.append({
            "kind": "text",
            "text": s,
            "places": _places([[x, y]], None),
            "size": round(float(prop.get_size_in_points()), 4),
            "weight": str(prop.get_weight()),
            "color": _color(gc.get_rgb(), gc.get_alpha() if gc.get_forced_alpha() else None),
            "angle": round(float(angle), 4),
        })

    def draw_mathtext(self, gc, x, y, s, prop, angle) -> None:
        self.draw_text(gc, x, y, s, prop, angle, ismath=True)

    def draw_tex(self, gc, x, y, s, prop, angle, *, mtext=None) -> None:
        self.draw_text(gc, x, y, s, prop, angle, ismath="TeX")


def record(figure: Figure) -> dict:
    """What ``figure`` shows: its size in pixels and the primitives it draws, in order."""
    width, height = figure.bbox.size
    renderer = RecordingRenderer(width, height, figure.dpi)
    figure.draw(renderer)
    return {"size": [round(float(width), 2), round(float(height), 2)],
            "primitives": renderer.primitives}


# --- comparing two records -----------------------------------------------------------

def describe(primitive: dict) -> str:
    """A primitive in a few words, to name it in a message."""
    kind = primitive["kind"]
    if kind == "text":
        return f"text {primitive['text']!r}"
    colour = primitive.get("stroke") or primitive.get("fill")
    hue = f" {to_hex(colour, keep_alpha=False)}" if colour else ""
    if kind == "collection":
        return f"collection of {len(primitive['items'])} items"
    if kind == "image":
        return f"image of {primitive['size'][0]}x{primitive['size'][1]} px"
    count = len(primitive["places"])
    return f"{kind}{hue} ({count} points)"


def _array(places: list) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in p] for p in places],
                    dtype=float).reshape(-1, 2)


def _runs(points: np.ndarray) -> list[np.ndarray]:
    """The unbroken pieces of a polyline (NaN vertices break it)."""
    finite = np.isfinite(points).all(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    return [points[start:end] for start, end in zip(edges[::2], edges[1::2], strict=True)]


def _farthest_from(points: np.ndarray, runs: list[np.ndarray]) -> float:
    """How far the farthest of ``points`` lies from the polyline ``runs``."""
    if not len(points):
        return 0.0
    nearest = np.full(len(points), np.inf)
    for run in runs:
        starts, ends = (run[:-1], run[1:]) if len(run) > 1 else (run, run)
        along = ends - starts
        length = (along**2).sum(axis=1)
        t = ((points[:, None, :] - starts[None]) * along[None]).sum(axis=2)
        t = np.clip(np.divide(t, length, out=np.zeros_like(t), where=length > 0), 0, 1)
        closest = starts[None] + t[..., None] * along[None]
        nearest = np.minimum(nearest, np.sqrt(((points[:, None] - closest) ** 2).sum(-1)).min(1))
    return float(nearest.max())


def _places_apart(a: list, b: list, *, polyline: bool = False) -> str | None:
    """How far apart two lists of places are, or None within the tolerance. A polyline
    (a path's vertices) that fails vertex by vertex is compared as the line it draws:
    a contour may gain or lose a vertex under rounding and look the same."""
    first, second = _array(a), _array(b)
    if len(first) == len(second) and np.array_equal(np.isnan(first), np.isnan(second)):
        gap = float(np.nanmax(np.abs(first - second))) if np.isfinite(first).any() else 0.0
        if gap <= PLACE_TOLERANCE_PX:
            return None
    else:
        gap = math.inf
    if polyline and len(first) > 1 and len(second) > 1:
        runs_a, runs_b = _runs(first), _runs(second)
        drawn_a = first[np.isfinite(first).all(axis=1)]
        drawn_b = second[np.isfinite(second).all(axis=1)]
        apart = max(_farthest_from(drawn_a, runs_b), _farthest_from(drawn_b, runs_a))
        if apart <= PLACE_TOLERANCE_PX:
            return None
        gap = min(gap, apart)
    if math.isinf(gap):
        return f"{len(a)} points stored, {len(b)} now"
    return f"moved by up to {gap:.2f} px (rounding stays below {PLACE_TOLERANCE_PX} px)"


def _colors_apart(a: list | None, b: list | None) -> bool:
    if a is None or b is None:
        return a is not b
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) > COLOR_TOLERANCE


def _show(colour: list | None) -> str:
    return "none" if colour is None else to_hex(colour, keep_alpha=True)


def _style_apart(a: dict, b: dict) -> list[str]:
    found = []
    for key in ("stroke", "fill", "color"):
        if key in a and _colors_apart(a[key], b.get(key)):
            found.append(f"{key} {_show(a[key])} stored, {_show(b.get(key))} now")
    if "angle" in a and abs(a["angle"] - b.get("angle", math.inf)) > ANGLE_TOLERANCE:
        found.append(f"angle {a['angle']!r} stored, {b.get('angle')!r} now")
    for key in ("width", "dashes", "hatch", "text", "size", "weight", "marker"):
        if key in a and a[key] != b.get(key):
            if key == "marker":
                found.append("another marker shape")
            else:
                found.append(f"{key} {a[key]!r} stored, {b.get(key)!r} now")
    return found


def _primitive_apart(a: dict, b: dict) -> list[str]:
    if a["kind"] != b["kind"]:
        return [f"a {a['kind']} stored, a {b['kind']} now"]
    if a["kind"] == "collection":
        if len(a["items"]) != len(b["items"]):
            return [f"{len(a['items'])} items stored, {len(b['items'])} now"]
        if len(a["shapes"]) != len(b["shapes"]):
            return [f"{len(a['shapes'])} item shapes stored, {len(b['shapes'])} now"]
        found = []
        for shape_a, shape_b in zip(a["shapes"], b["shapes"], strict=True):
            shape = _places_apart(shape_a, shape_b, polyline=True)
            if shape:
                found.append(f"an item's shape: {shape}")
                break
        for k, (item_a, item_b) in enumerate(zip(a["items"], b["items"], strict=True)):
            apart = _style_apart(item_a, item_b)
            moved = _places_apart([item_a["at"]], [item_b["at"]])
            if apart or moved:
                found.append(f"item {k + 1}: " + "; ".join(apart + ([moved] if moved else [])))
                break
        return found
    if a["kind"] == "image":
        if a["size"] != b["size"]:
            return [f"{a['size']} px stored, {b['size']} px now"]
        gap = float(np.max(np.abs(np.array(a["grid"]) - np.array(b["grid"]))))
        moved = _places_apart(a["places"], b["places"])
        found = [moved] if moved else []
        if gap > IMAGE_TOLERANCE:
            found.append(f"its colours changed by up to {gap:.0f} levels in a block")
        return found
    found = _style_apart(a, b)
    moved = _places_apart(a["places"], b["places"], polyline=a["kind"] == "path")
    if moved:
        found.append(moved)
    if a["kind"] == "markers":
        marker = _places_apart(a["marker"], b["marker"])
        if marker:
            found.append(f"marker shape {marker}")
    return found


def differences(stored: dict, fresh: dict, limit: int = 3) -> list[str]:
    """How ``fresh`` differs from ``stored`` (both from :func:`record`), at most ``limit``
    primitives named; empty when they show the same within the tolerances."""
    if stored["size"] != fresh["size"]:
        return [f"the figure is {fresh['size'][0]:g}x{fresh['size'][1]:g} px now, "
                f"{stored['size'][0]:g}x{stored['size'][1]:g} px stored"]
    old, new = stored["primitives"], fresh["primitives"]
    found = []
    for k, (a, b) in enumerate(zip(old, new, strict=False)):
        apart = _primitive_apart(a, b)
        if apart:
            found.append(f"drawn item {k + 1} of {len(old)}, {describe(a)}: " + "; ".join(apart))
            if len(found) >= limit:
                break
    if len(old) != len(new):
        found.append(f"{len(old)} drawn items stored, {len(new)} now")
    return found
