"""The notebooks in a real JupyterLab, driven through its user interface in Chromium.

JupyterLab is started on a free localhost port, with a token, in a temporary directory
that holds copies of the notebooks, with Jupyter's user folders inside it and a kernel
spec that runs the Python of the simulated Colab runtime (``tests/colab_runtime.py``:
``lossutils`` installed from a wheel by the setup cell's own ``pip`` line, nothing
importable from the checkout), so that each lab's one run here serves both: it runs in
JupyterLab, and it runs where only what Colab has and the setup cell installs exist.
Each notebook is opened through the UI, its outputs are cleared (Edit menu), all its
cells are run (Run menu > Run All Cells), and, once the kernel is idle, saved (Ctrl+S).
The notebook passes when every code cell shows an execution count, no output is an
error or stderr, and the saved file has every code cell executed, in order.

Every demo the notebook stores (its output holds the frame player for the website and
the ipywidgets view for a kernel) must be live after Run All: JupyterLab shows the
widget, not the frames, and moving each of its sliders with the keyboard, as a reader
drags it, must move it to a value that is none of the pre-drawn frames' values and
redraw the picture (the image's ``src`` changes): the kernel ran the lab's code for a
value no frame holds. At least one notebook must have such a demo. The server is shut
down whatever happens.
"""

from __future__ import annotations

import html as html_text
import json
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from colab_runtime import Runtime
from course_files import (
    SCREENSHOTS,
    free_port,
    notebooks,
    quiet_environment,
    wait_for_port,
)
from playwright.sync_api import Browser, BrowserContext, Page

#: The nine labs, and one Chinese lab (notebooks/zh, made by
#: scripts/translate_notebooks.py): a Chinese reader runs the same code.
NOTEBOOKS = [*notebooks(), *notebooks()[2:3]]
NOTEBOOKS[-1] = NOTEBOOKS[-1].parent / "zh" / NOTEBOOKS[-1].name


def served_name(notebook: Path) -> str:
    """The name a lab has in the test's JupyterLab (the Chinese one is ``zh-<name>``)."""
    return f"zh-{notebook.name}" if notebook.parent.name == "zh" else notebook.name


def english_twin(notebook: Path) -> Path:
    return notebook.parent.parent / notebook.name if notebook.parent.name == "zh" else notebook
KERNEL_NAME = "python3"
RUN_TIMEOUT_MS = 180_000
UI_TIMEOUT_MS = 60_000
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PLAYER_HTML = 'class="lu-player"'

# JupyterLab's user settings for the test: every cell in the DOM (no windowing, so the
# test sees all of them), no news or update checks.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    notebooks_run: list[str] = field(default_factory=list)
    sliders_moved: list[str] = field(default_factory=list)

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            f"{self.url}api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - localhost
            body = response.read()
        return json.loads(body) if body else None


def write_settings(home: Path, kernel_python: Path) -> dict[str, str]:
    """Jupyter's folders inside ``home``, with the settings above and a kernel spec that
    runs ``kernel_python``."""
    folders = {name: home / name for name in ("config", "data", "runtime", "settings",
                                              "workspaces", "ipython", "kernels")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for name, value in SETTINGS.items():
        path = folders["settings"] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    kernel = folders["kernels"] / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(kernel_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (simulated Colab runtime)",
        "language": "python",
        "env": {"PYTHONPATH": ""},  # nothing from the checkout
    }))
    return quiet_environment(
        # JUPYTER_PATH comes first, before the environment's own kernel spec.
        JUPYTER_PATH=str(folders["kernels"]),
        JUPYTER_CONFIG_DIR=str(folders["config"]), JUPYTER_DATA_DIR=str(folders["data"]),
        JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(folders["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(folders["workspaces"]),
        IPYTHONDIR=str(folders["ipython"]), LOSSUTILS_DEVICE="cpu",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )


@pytest.fixture(scope="module")
def lab(colab_runtime: Runtime) -> Iterator[Lab]:
    if not NOTEBOOKS:
        pytest.fail("no notebooks in notebooks/")
    with tempfile.TemporaryDirectory(prefix="jupyterlab-test-") as directory:
        home = Path(directory)
        root = home / "course"
        root.mkdir()
        for notebook in NOTEBOOKS:
            (root / served_name(notebook)).write_bytes(notebook.read_bytes())
        env = write_settings(home / "jupyter", colab_runtime.python)
        port, token = free_port(), secrets.token_hex(16)
        log = (home / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
             "--ServerApp.terminals_enabled=False", "--allow-root"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, timeout=120, process=server)
            lab_state = Lab(f"http://127.0.0.1:{port}/", token, root)
            yield lab_state
            report = {"notebooks_run": lab_state.notebooks_run,
                      "sliders_moved": lab_state.sliders_moved}
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / "jupyterlab-report.json").write_text(json.dumps(report, indent=2))
        finally:
            stop(server)
            log.close()
            if sys.exc_info()[0] is not None:
                print((home / "server.log").read_text()[-5000:])


def stop(server: subprocess.Popen) -> None:
    """Ask the server to stop (it shuts its kernels down), then make sure it has. SIGTERM,
    not SIGINT: on SIGINT the server asks "Shutdown this Jupyter server (y/[n])?" and,
    with no answer, carries on, and the wait ran out its 30 s at every test run."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)



def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in JupyterLab's menu bar, then ``item`` in the menu it opens."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel",
                 has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def wait_for_kernel(lab: Lab, page: Page, name: str) -> None:
    """Wait until the notebook's kernel is started, connected to the page, and idle."""
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        kernels = [s["kernel"] for s in lab.api("sessions") or [] if s["path"] == name]
        if kernels and kernels[0]["execution_state"] == "idle" and kernels[0]["connections"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"{name}: JupyterLab started no kernel for it")
    page.wait_for_selector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator'
        '[data-status="idle"]', timeout=UI_TIMEOUT_MS,
    )


def wait_until_idle(page: Page, timeout_ms: int) -> None:
    page.wait_for_selector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator'
        '[data-status="idle"]', timeout=timeout_ms,
    )


def prompts(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt",
        "nodes => nodes.map(n => n.textContent.trim())",
    )


def wait_for_all_cells(page: Page, expected: int) -> list[str]:
    """Wait until every code cell shows an execution count and the kernel is idle."""
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        shown = prompts(page)
        if len(shown) == expected and all(re.fullmatch(r"\[\d+\]:", p) for p in shown):
            wait_until_idle(page, UI_TIMEOUT_MS)
            return shown
        time.sleep(0.5)
    return prompts(page)


def stored_frame_values(notebook: Path) -> list[dict[str, list[str]]]:
    """For each demo the notebook stores, its frame player's sliders: label -> values."""
    demos = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            html = "".join(output.get("data", {}).get("text/html", ""))
            for player in html.split(PLAYER_HTML)[1:]:
                sliders = re.findall(r'data-labels="([^"]*)"[^>]*aria-label="([^"]*)"', player)
                demos.append({html_text.unescape(label): values.split("|")
                              for values, label in sliders})
    return demos


# A live demo's output: the ipywidgets view (its picture is an Image widget).
LIVE = f"{PANEL} .jp-OutputArea-output:has(.widget-image)"


def move_every_live_slider(page: Page, name: str,
                           frame_values: list[dict[str, list[str]]]) -> list[str]:
    """Move each slider of each live demo with the keyboard; its value must leave the
    pre-drawn frames' values and the picture must be redrawn by the kernel. Every slider
    of the frame player must be live; the live view may have more (a learning rate the
    frames hold at the lab's value).

    Returns what moved (``"demo 1 'temperature T': 1 -> 1.02"``).
    """
    demos = page.locator(LIVE)
    shown = page.eval_on_selector_all(
        f"{PANEL} .jp-OutputArea-output", "nodes => nodes.map(n => n.dataset.mimeType)")
    players = page.locator(f"{PANEL} .jp-OutputArea-output .lu-player").count()
    assert demos.count() == len(frame_values), (
        f"{name}: {demos.count()} live demos after Run All, the stored notebook has "
        f"{len(frame_values)} demos ({players} shown as frame players); the outputs "
        f"shown are {sorted(set(map(str, shown)))}"
    )
    moved = []
    for d, sliders_frames in enumerate(frame_values):
        demo, between_frames = demos.nth(d), 0
        picture = demo.locator(".widget-image").first
        picture.wait_for(timeout=UI_TIMEOUT_MS)
        sliders = demo.locator(".widget-slider")
        labels = [sliders.nth(s).locator(".widget-label").first.inner_text().strip()
                  for s in range(sliders.count())]
        missing = sorted(set(sliders_frames) - set(labels))
        assert not missing, (
            f"{name}: live demo {d + 1} lacks the frame player's sliders {missing}; "
            f"it has {labels}"
        )
        for s, label in enumerate(labels):
            slider = sliders.nth(s)
            frames = sliders_frames.get(label, [])
            readout = slider.locator(".widget-readout").first
            handle = slider.locator(".noUi-handle").first
            handle.scroll_into_view_if_needed()
            before_value = readout.inner_text().strip()
            before = picture.get_attribute("src")
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute(
                "aria-valuemax")
            handle.focus()
            # Step on until the value is none of the frames' (a whole-number slider may
            # pass several frames first), as far as 12 steps.
            for _ in range(12):
                handle.press("ArrowLeft" if at_end else "ArrowRight")
                value = wait_for_readout(readout, before_value)
                if not _among(value, frames):
                    break
            deadline = time.monotonic() + 30
            after = before
            while time.monotonic() < deadline and after == before:
                after = picture.get_attribute("src")
                time.sleep(0.2)
            assert value != before_value, f"{name}: {label!r} of live demo {d + 1} did not move"
            changed = after != before  # compared outside the assert: pytest would print
            assert changed, (  # both images' data in full
                f"{name}: moving {label!r} of live demo {d + 1} from {before_value} to "
                f"{value} did not redraw the picture within 30 s"
            )
            between = not _among(value, frames)
            between_frames += between
            moved.append(f"demo {d + 1} {label!r}: {before_value} -> {value}"
                         + (" (between the frames)" if between else ""))
        assert between_frames, (
            f"{name}: no slider of live demo {d + 1} reached a value between its frames: "
            "nothing shows that the kernel draws more than the frames"
        )
    return moved


def wait_for_readout(readout, before: str) -> str:
    """The slider's readout once it differs from ``before`` (or after 5 s)."""
    deadline = time.monotonic() + 5
    value = readout.inner_text().strip()
    while value == before and time.monotonic() < deadline:
        time.sleep(0.1)
        value = readout.inner_text().strip()
    return value


def _among(value: str, frames: list[str]) -> bool:
    """Whether a slider's readout is one of the frames' values."""
    try:
        return any(abs(float(value) - float(frame)) <= 1e-9 * max(1.0, abs(float(frame)))
                   for frame in frames)
    except ValueError:
        return value in frames


@pytest.fixture(scope="module")
def lab_browser(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for every lab: JupyterLab's scripts are fetched once and
    cached (each lab opens in a fresh workspace all the same, ``?reset``)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context
    finally:
        context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=served_name)
def test_notebook_runs_in_jupyterlab(notebook: Path, lab: Lab,
                                     lab_browser: BrowserContext) -> None:
    code = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    # Cells whose source is stored hidden (the exercises' solutions) show JupyterLab's
    # folded placeholder, with no execution count, instead of their code.
    folded = [c for c in code if c.metadata.get("jupyter", {}).get("source_hidden")]
    expected_cells = len(code) - len(folded)
    name = served_name(notebook)
    saved = lab.root / name
    page = lab_browser.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        # `reset`: a fresh workspace, without the tabs of the notebooks opened before.
        page.goto(f"{lab.url}lab/tree/{name}?reset&token={lab.token}")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell",
                               timeout=UI_TIMEOUT_MS)
        wait_for_kernel(lab, page, name)
        placeholders = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPlaceholder")
        assert placeholders.count() == len(folded), (
            f"{name}: {placeholders.count()} code cells folded in JupyterLab, "
            f"{len(folded)} stored with hidden source"
        )
        for cell, shown_line in zip(folded, placeholders.all_inner_texts(), strict=True):
            first_line = cell.source.splitlines()[0] if cell.source else ""
            assert shown_line.strip() == first_line.strip(), (
                f"{name}: a folded cell shows {shown_line!r}, not its first line "
                f"{first_line!r}"
            )
        menu(page, "Edit", "Clear Outputs of All Cells")
        assert not any(re.fullmatch(r"\[\d+\]:", p) for p in prompts(page)), "not cleared"

        menu(page, "Run", "Run All Cells")
        shown = wait_for_all_cells(page, expected_cells)
        assert len(shown) == expected_cells and all(
            re.fullmatch(r"\[\d+\]:", p) for p in shown
        ), f"{name}: not every code cell ran in JupyterLab: prompts {shown}"
        ran = page.locator(f"{PANEL} .jp-CodeCell:has(.jp-InputPlaceholder) .jp-OutputArea-output")
        assert ran.count() >= len(folded), (
            f"{name}: a folded (solution) cell shows no output after Run All"
        )

        errors = page.locator(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'
            '[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        assert not errors, f"{name}: error or stderr output in JupyterLab: {errors}"

        moved = move_every_live_slider(page, name, stored_frame_values(english_twin(notebook)))
        lab.sliders_moved += [f"{name}: {m}" for m in moved]

        mtime = saved.stat().st_mtime_ns
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").click(
            position={"x": 5, "y": 5})
        page.keyboard.press("Control+s")
        deadline = time.monotonic() + 30
        while saved.stat().st_mtime_ns == mtime and time.monotonic() < deadline:
            time.sleep(0.2)
        assert saved.stat().st_mtime_ns != mtime, f"{name}: Ctrl+S did not save it"
        check_saved(saved)
        lab.notebooks_run.append(name)
        assert not page_errors, f"{name}: JupyterLab page errors: {page_errors}"
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"jupyterlab__{Path(name).stem}.png"))
        page.close()
        for session in lab.api("sessions") or []:
            lab.api(f"sessions/{session['id']}", method="DELETE")


def check_saved(path: Path) -> None:
    """The file JupyterLab saved: every code cell executed in order, no error output."""
    for _ in range(20):  # the file may be caught while it is being written
        try:
            notebook = nbformat.read(path, as_version=4)
            break
        except (json.JSONDecodeError, nbformat.reader.NotJSONError):
            time.sleep(0.2)
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: saved counts {counts}"
    bad = [(i, o.output_type, o.get("name")) for i, c in enumerate(cells) for o in c.outputs
           if o.output_type == "error" or o.get("name") == "stderr"]
    assert not bad, f"{path.name}: saved error or stderr outputs {bad}"


def test_the_labs_ran_in_the_colab_runtime(lab: Lab, colab_runtime: Runtime) -> None:
    """The kernel JupyterLab offered, and ran every lab in, is the runtime's Python."""
    specs = lab.api("kernelspecs")["kernelspecs"]
    argv = specs[KERNEL_NAME]["spec"]["argv"]
    assert Path(argv[0]) == colab_runtime.python, argv
    assert lab.notebooks_run == [served_name(path) for path in NOTEBOOKS], lab.notebooks_run


def test_the_labs_have_demos_that_respond(lab: Lab) -> None:
    """At least one lab has a live demo, and its sliders redrew its picture."""
    assert lab.sliders_moved, "no lab had a live demo slider to move in JupyterLab"
