"""Two corrections to how the site's pages are written, as a local Sphinx extension.

1. Launch buttons (Colab, Binder, JupyterHub) on notebook pages only. sphinx-book-theme
   adds them to every page that has code cells, the chapters written in MyST Markdown
   included, and points them at that page's source: a ``.md`` file, which Colab cannot
   open and JupyterLab opens as plain text. The runnable version of each chapter is its
   lab in ``notebooks/``, whose page keeps the buttons.
2. The widget renderer only on pages with saved widgets. Scripts that myst-nb adds for
   one page (``nb_ipywidgets_js``) stay registered for the pages written after it, so
   every page loaded the 1.9 MB ``_static/widgets/embed.js``.
3. Each script once per page. Sphinx 7.4 registers an inline script (one with a body and
   no file) twice, once under the file name ``None`` and once under ``''``, so pages
   declared sphinx-thebe's ``const THEBE_JS_URL`` twice: a console error on every page.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

LAUNCH_GROUP = "launch-buttons"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_SCRIPTS = "_static/widgets/"


def drop_launch_buttons(context: dict[str, Any]) -> None:
    if context.get("page_source_suffix") == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [button for button in buttons if button.get("label") != LAUNCH_GROUP]
    context["use_thebe"] = False


def drop_widget_renderer_without_widgets(context: dict[str, Any]) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    if any(getattr(s, "attributes", {}).get("type") == WIDGET_STATE for s in scripts):
        return
    scripts[:] = [
        s for s in scripts if not str(getattr(s, "filename", s) or "").startswith(WIDGET_SCRIPTS)
    ]


def drop_repeated_scripts(context: dict[str, Any]) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (str(filename), attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def correct_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    drop_launch_buttons(context)
    drop_widget_renderer_without_widgets(context)
    drop_repeated_scripts(context)


def setup(app: Sphinx) -> dict[str, Any]:
    # After sphinx-book-theme's add_launch_buttons (priority 501), before the page is written.
    app.connect("html-page-context", correct_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
