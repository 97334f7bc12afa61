"""Interactive demos: one builder for every slider-driven figure, and its test helper.

A demo is a drawing function ``draw(**values)`` that makes a matplotlib figure, plus
the controls that feed it. :func:`interactive_figure` wires them with ipywidgets so
that moving a control redraws the figure; :func:`control_settings` lists the
minimum, middle and maximum of every control, which the tests visit one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import ipywidgets as widgets
import matplotlib.pyplot as plt

__all__ = ["control_settings", "interactive_figure"]


def interactive_figure(
    draw: Callable[..., object], **controls: widgets.ValueWidget
) -> widgets.VBox:
    """Return a box of ``controls`` above an output area that ``draw`` renders into.

    ``draw`` receives the controls' current values as keyword arguments and returns a
    matplotlib figure (``None`` leaves the output empty). The figure is redrawn whenever a
    control moves.

    Examples
    --------
    >>> slider = widgets.IntSlider(value=2, min=1, max=3, description="degree")
    >>> demo = interactive_figure(lambda degree: None, degree=slider)
    >>> [type(child).__name__ for child in demo.children]
    ['IntSlider', 'Output']
    """
    if not controls:
        raise ValueError("interactive_figure needs at least one control")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"control {name!r} is a {type(control).__name__}, not an ipywidget")
    output = widgets.Output()

    def redraw(change: object = None) -> None:
        values = {name: control.value for name, control in controls.items()}
        figure = draw(**values)
        # Set the output's contents directly rather than capturing with `with output:`,
        # which needs a front end (JupyterLab, nbclient) to route the display into the
        # widget; this way the figure lands in the widget under nbval and in tests too.
        output.outputs = ()
        if figure is not None:
            output.append_display_data(figure)
            plt.close(figure)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*controls.values(), output])


def control_settings(demo: widgets.VBox) -> Iterator[tuple[widgets.ValueWidget, object]]:
    """Yield ``(control, value)`` for the minimum, middle and maximum of each control.

    Sliders give ``min``, the midpoint (rounded for integer sliders) and ``max``;
    dropdowns and toggle buttons give their first, middle and last option; checkboxes
    give ``False`` and ``True``.

    Examples
    --------
    >>> slider = widgets.IntSlider(value=2, min=1, max=9)
    >>> demo = interactive_figure(lambda n: None, n=slider)
    >>> [value for _, value in control_settings(demo)]
    [1, 5, 9]
    """
    for control in demo.children:
        if isinstance(control, widgets.Output):
            continue
        if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
            values: list[object] = [False, True]
        elif hasattr(control, "options"):
            options = [o[1] if isinstance(o, tuple) else o for o in control.options]
            values = [options[0], options[len(options) // 2], options[-1]]
        elif hasattr(control, "min") and hasattr(control, "max"):
            middle = (control.min + control.max) / 2
            if isinstance(control.value, int):
                middle = round(middle)
            values = [control.min, middle, control.max]
        else:
            raise TypeError(f"no settings known for a {type(control).__name__}")
        for value in values:
            yield control, value
