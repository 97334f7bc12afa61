"""Shared test set-up: figures drawn off-screen, one headless Chromium per module, and
one simulated Colab runtime per session (the Colab and JupyterLab tests share it)."""

from collections.abc import Iterator

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, for the site and JupyterLab tests."""
    from course_files import CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def colab_runtime() -> Iterator[object]:
    """The simulated Colab runtime of ``tests/colab_runtime.py``, made once."""
    from colab_runtime import colab_runtime as make_runtime

    with make_runtime() as runtime:
        yield runtime
