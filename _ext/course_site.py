"""Corrections to how the site's pages are written, as a local Sphinx extension.

1. Launch buttons (Colab, Binder) on notebook pages only. sphinx-book-theme adds them to
   every page that has code cells, the chapters written in MyST Markdown included, and
   points them at that page's source: a ``.md`` file, which Colab cannot open and
   JupyterLab opens as plain text. The runnable version of each chapter is its lab in
   ``notebooks/``, whose page keeps the buttons.
2. A JupyterHub button only for a real hub. ``launch_buttons.jupyterhub_url`` in
   ``_config.yml`` is empty unless a hub is set; a placeholder host (``example.org``,
   ``localhost``, ...) or a URL that is not ``https://host`` stops the build with a
   message, instead of putting a button to nowhere on every lab.
3. Each script once per page. Sphinx 7.4 registers an inline script (one with a body and
   no file) twice, once under the file name ``None`` and once under ``''``, so pages
   declared sphinx-thebe's ``const THEBE_JS_URL`` twice: a console error on every page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

LAUNCH_GROUP = "launch-buttons"
# Hosts that are never a real JupyterHub: RFC 2606 / 6761 names and this machine.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


def jupyterhub_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the course's JupyterHub, or ``None`` when it can (or is unset).

    Checked by ``tests/test_site.py``.
    """
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or "." not in host:
        return (
            f"launch_buttons.jupyterhub_url {url!r} is not an https://host address: "
            "set it to your JupyterHub (https://jupyter.your-university.edu) or leave it "
            'empty ("") for no JupyterHub button'
        )
    if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES) or any(
        host.endswith("." + placeholder) for placeholder in PLACEHOLDER_HOSTS
    ):
        return (
            f"launch_buttons.jupyterhub_url is a placeholder ({host!r}): set it to your "
            'JupyterHub or leave it empty ("") for no JupyterHub button'
        )
    return None


def check_launch_buttons(app: Sphinx, config: Config) -> None:
    launch = (config.html_theme_options or {}).get("launch_buttons") or {}
    problem = jupyterhub_url_problem(launch.get("jupyterhub_url") or "")
    if problem:
        raise ConfigError(problem)


def drop_launch_buttons(context: dict[str, Any]) -> None:
    if context.get("page_source_suffix") == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [button for button in buttons if button.get("label") != LAUNCH_GROUP]
    context["use_thebe"] = False


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
    drop_repeated_scripts(context)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", check_launch_buttons)
    # After sphinx-book-theme's add_launch_buttons (priority 501), before the page is written.
    app.connect("html-page-context", correct_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
