"""The house style and the demo builder."""

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import lossutils as lu


def test_subplots_applies_the_house_style():
    mpl.rcParams["axes.grid"] = False
    fig, ax = lu.subplots()
    assert mpl.rcParams["axes.grid"] is True
    assert tuple(fig.get_size_inches()) == (6.4, 4.0)
    plt.close(fig)


def test_label_axes_adds_a_legend_only_for_several_labelled_lines():
    fig, (one, two) = lu.subplots(1, 2)
    one.plot([0, 1], label="only")
    lu.label_axes(one, title="t", xlabel="x", ylabel="y")
    two.plot([0, 1], label="a")
    two.plot([1, 0], label="b")
    lu.label_axes(two, title="t", xlabel="x", ylabel="y")
    assert one.get_legend() is None
    assert two.get_legend() is not None
    assert (two.get_title(), two.get_xlabel(), two.get_ylabel()) == ("t", "x", "y")
    plt.close(fig)


def test_interactive_figure_redraws_when_a_control_moves():
    calls = []

    def draw(n, scale):
        calls.append((n, scale))
        fig, ax = lu.subplots()
        plt.close(fig)
        return fig

    demo = lu.interactive_figure(
        draw,
        n=widgets.IntSlider(value=2, min=1, max=5),
        scale=widgets.FloatSlider(value=0.5, min=0.0, max=1.0),
    )
    assert calls == [(2, 0.5)]
    for control, value in lu.control_settings(demo):
        control.value = value
    assert calls[-1] == (5, 1.0)
    assert (1, 0.5) in calls and (3, 0.5) in calls


def test_control_settings_cover_dropdowns_and_checkboxes():
    demo = lu.interactive_figure(
        lambda loss, show: None,
        loss=widgets.Dropdown(options=[("MSE", "mse"), ("MAE", "mae"), ("Huber", "huber")]),
        show=widgets.Checkbox(value=True),
    )
    assert [value for _, value in lu.control_settings(demo)] == [
        "mse", "mae", "huber", False, True,
    ]


def test_interactive_figure_needs_widgets():
    with pytest.raises(ValueError, match="at least one control"):
        lu.interactive_figure(lambda: None)
    with pytest.raises(TypeError, match="'n' is a int"):
        lu.interactive_figure(lambda n: None, n=3)


def test_no_two_modules_export_the_same_name():
    """A name defined twice would let one module's version silently hide the other's."""
    import importlib
    import pkgutil

    owners = {}
    for module_info in pkgutil.iter_modules(lu.__path__):
        module = importlib.import_module(f"lossutils.{module_info.name}")
        for name in getattr(module, "__all__", []):
            owners.setdefault(name, []).append(module_info.name)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
