"""What the course costs its users: ``make bench``.

Measures, each part in a process of its own, and writes ``benchmarks/REPORT.md``,
``benchmarks/results.json`` (which the book's appendix reads) and ``benchmarks/bench.png``,
then prints a summary:

``losses``     lossutils against ``torch.nn.functional``: time and peak memory, forward
               and forward + backward (``bench_losses.py``);
``notebooks``  every notebook under strict nbval on the CPU, against as many trivial
               notebooks (``bench_notebooks.py``);
``book``       ``make book`` on a clean ``_build`` and after touching one chapter, in a
               temporary copy of the tree (``bench_book.py``);
``site``       each page of the site of that clean build in headless Chromium
               (``bench_site.py``);
``tests``      ``make test`` stage by stage on a fresh clone of the committed tree, with
               the slowest tests (``bench_tests.py``).

It is a benchmark, not a test: it fails on no timing. A part left out with ``--only`` or
``--skip`` keeps the results of its last run in ``results.json`` (each part records its
own date), so that one part can be measured again quickly::

    python benchmarks/bench.py --only losses --rounds 5 --no-baseline
    python benchmarks/bench.py --skip book,site
    python benchmarks/bench.py --only notebooks --notebooks-from 8a3b4a0
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))  # lossutils from this tree, whatever the venv installed

import bench_book  # noqa: E402
import bench_notebooks  # noqa: E402
import bench_site  # noqa: E402
import bench_tests  # noqa: E402
import report  # noqa: E402

PARTS = ("losses", "notebooks", "book", "site", "tests")
#: The last revision whose losses autograd differentiated through every elementary step:
#: the "before" of the losses' table.
BASELINE = "8b0dff2"


def _run(command: list[str], **kwargs) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, **kwargs).stdout.strip()
    except OSError:
        return ""


def machine() -> dict:
    """The machine and the versions the numbers were taken with."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {"python": platform.python_version()}
    for package in ("torch", "numpy", "matplotlib", "jupyter-book", "nbval", "playwright"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # not installed: left out
            pass
    chromium = _run([bench_site.CHROMIUM, "--version"])
    if chromium:
        versions["chromium"] = chromium
    commit = _run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    dirty = bool(_run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "memory": memory,
        "system": platform.platform(),
        "versions": versions,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def _stamp(result: dict, measured_on: dict) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {**result, "measured_at": now, "machine": measured_on}


def losses_part(options: argparse.Namespace, lossutils_root: Path) -> dict:
    """bench_losses.py in a process of its own (its allocator settings start with it)."""
    with tempfile.TemporaryDirectory(prefix="bench-losses-") as directory:
        out = Path(directory) / "losses.json"
        command = [
            sys.executable, str(HERE / "bench_losses.py"), "--json", str(out),
            "--rounds", str(options.rounds), "--threads", str(options.threads), "--profile",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(lossutils_root)}
        done = subprocess.run(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        # the profiler's own start and stop lines are left out
        errors = [line for line in done.stderr.splitlines() if not line.startswith("USDT:")]
        if errors:
            print("\n".join(errors), file=sys.stderr)
        done.check_returncode()
        return json.loads(out.read_text())


def baseline_tree(ref: str, directory: Path, *paths: str) -> Path:
    """``paths`` (default ``lossutils``) as they were at the git revision ``ref``.

    Extracted into ``directory``; ``"."`` extracts the whole tree.
    """
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, *(paths or ("lossutils",))], cwd=ROOT,
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help="parts to run, e.g. losses")
    parser.add_argument("--skip", default="", help="parts to leave out, e.g. book,site")
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds per loss")
    parser.add_argument("--threads", type=int, default=1, help="torch's threads for losses")
    parser.add_argument(
        "--baseline", default=BASELINE, metavar="REF",
        help="also time the losses of this git revision; default: %(default)s, the last "
        "whose losses autograd differentiated",
    )  # fmt: skip
    parser.add_argument("--no-baseline", action="store_true", help="do not time a baseline")
    parser.add_argument(
        "--site", default=None, type=Path,
        help="the built site to measure when the book part is not run (default _build/html)",
    )  # fmt: skip
    parser.add_argument(
        "--notebooks-from", default=None, metavar="REF",
        help="time the notebooks (and lossutils) of this git revision instead of the tree's",
    )  # fmt: skip
    parser.add_argument("--output", default=HERE, type=Path, help="where to write the report")
    options = parser.parse_args(argv)
    chosen = [p for p in options.only.split(",") if p and p not in options.skip.split(",")]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}: choose from {', '.join(PARTS)}")

    results_path = options.output / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    measured_on = machine()
    results["machine"] = measured_on

    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        site = options.site or ROOT / "_build" / "html"
        if "losses" in chosen:
            print("losses: lossutils against torch.nn.functional", flush=True)
            results["losses"] = _stamp(losses_part(options, ROOT), measured_on)
            if options.baseline and not options.no_baseline:
                print(f"losses of lossutils at {options.baseline} (the baseline)", flush=True)
                try:
                    tree = baseline_tree(options.baseline, Path(directory) / "baseline")
                except subprocess.CalledProcessError:
                    print(f"  skipped: no revision {options.baseline} in this clone", flush=True)
                else:
                    results["baseline"] = _stamp(
                        {**losses_part(options, tree), "ref": options.baseline}, measured_on
                    )
        if "notebooks" in chosen:
            print("notebooks: strict nbval on the CPU, each against a trivial one", flush=True)
            tree, origin = ROOT, {}
            if options.notebooks_from:
                tree = baseline_tree(options.notebooks_from, Path(directory) / "tree", ".")
                origin = {"tree": options.notebooks_from}
            results["notebooks"] = _stamp(
                {**bench_notebooks.measure(root=tree), **origin}, measured_on
            )
        if "book" in chosen:
            print("book: make book in a temporary copy of the tree", flush=True)
            site = Path(directory) / "site"
            results["book"] = _stamp(bench_book.measure(ROOT, keep_site=site), measured_on)
        if "site" in chosen:
            if site.is_dir():
                print(f"site: every page in headless Chromium ({site})", flush=True)
                results["site"] = _stamp(bench_site.measure(site), measured_on)
            else:
                print(f"site: skipped, no built site at {site}", flush=True)
        if "tests" in chosen:
            print("tests: make test, stage by stage, on a fresh clone", flush=True)
            results["tests"] = _stamp(bench_tests.measure(ROOT), measured_on)

    options.output.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1) + "\n")
    report.write_figure(results, options.output / "bench.png")
    (options.output / "REPORT.md").write_text(report.markdown(results))
    print()
    print(report.summary(results))
    print(f"\nReport: {options.output / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    shutil.which("git") or sys.exit("make bench needs git (for the commit it reports)")
    sys.exit(main())
