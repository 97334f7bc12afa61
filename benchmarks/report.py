"""``benchmarks/REPORT.md``, its figures and the printed summary, from ``results.json``.

Every number in the report comes from the results; the prose around them says what the
measurements are and what they mean, not what they came out as.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lossutils.figures.appendix import cost_figure  # noqa: E402
from lossutils.figures.style import COLORS, figure_problems, label_axes, subplots  # noqa: E402

NOTEBOOK_FIGURE = "bench_notebooks.png"
LOSS_FIGURE = "bench.png"


def _within(row: dict) -> bool:
    return row["limit"] is None or row["ratio"] <= row["limit"]


def _over(results: dict) -> list[dict]:
    return [row for row in results.get("losses", {}).get("rows", []) if not _within(row)]


def summary(results: dict) -> str:
    """The few lines ``make bench`` prints at the end."""
    lines = []
    losses = results.get("losses")
    if losses:
        rows = [row for row in losses["rows"] if row["limit"] is not None]
        worst = {
            name: max((row for row in rows if row["pass"] == name), key=lambda r: r["ratio"])
            for name in ("forward", "forward + backward")
        }
        within = sum(_within(row) for row in rows)
        lines.append(
            f"losses: {within} of {len(rows)} timings within their limit (forward 1.5x, "
            f"forward + backward 2.0x torch)"
        )
        for name, row in worst.items():
            lines.append(f"  slowest {name}: {row['loss']}, {row['ratio']:.2f}x torch")
        for row in _over(results):
            lines.append(f"  over the limit: {row['loss']} {row['pass']} {row['ratio']:.2f}x")
    notebooks = results.get("notebooks")
    if notebooks:
        failed = [row["notebook"] for row in notebooks["rows"] if row["status"] != "passed"]
        ratio = notebooks["ratio"]
        origin = f" (the notebooks of {notebooks['tree']})" if notebooks.get("tree") else ""
        lines.append(
            f"notebooks{origin}: {notebooks['passed']} of {notebooks['count']} pass strict nbval, "
            f"{notebooks['total_seconds']:.1f} s against a floor of "
            f"{notebooks['floor_total_seconds']:.1f} s"
            + (f" ({ratio:.2f}x)" if ratio else "")
        )
        if failed:
            lines.append(f"  failed: {', '.join(failed)}")
            lines.append(
                f"  every notebook, failed ones included: {notebooks['all_total_seconds']:.1f} s "
                f"against {notebooks['all_floor_total_seconds']:.1f} s "
                f"({notebooks['all_ratio']:.2f}x)"
            )
    book = results.get("book")
    if book:
        lines.append(
            f"book: clean build {book['clean']['seconds']:.1f} s ({book['clean']['status']}), "
            f"after touching {book['touched']['chapter']} {book['touched']['seconds']:.1f} s"
        )
    tests = results.get("tests")
    if tests:
        failed = [row["stage"] for row in tests["stages"] if row["status"] != "passed"]
        lines.append(
            f"make test on a fresh clone of {tests['commit']}: {tests['total_seconds'] / 60:.1f} "
            "min (" + ", ".join(f"{row['stage']} {row['seconds']:.0f} s"
                                for row in tests["stages"]) + ")"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    site = results.get("site")
    if site:
        median = site["median_load_ms"]
        lines.append(
            f"site: {site['pages']} pages, {site['total_bytes'] / 2**20:.1f} MiB in all, "
            f"median load {median:.0f} ms" if median is not None else "site: no page loaded"
        )
    return "\n".join(lines)


def _machine_lines(machine: dict) -> list[str]:
    versions = ", ".join(f"{name} {value}" for name, value in machine["versions"].items())
    return [
        f"- CPU: {machine['cpu']}, {machine['logical_cpus']} logical CPUs, "
        f"memory {machine['memory']}",
        f"- System: {machine['system']}",
        f"- Versions: {versions}",
        f"- Commit measured: {machine['commit']}",
    ]


def _stamp_line(part: dict) -> str:
    return f"Measured {part['measured_at']} at commit {part['machine']['commit']}."


def _losses_section(results: dict) -> list[str]:
    losses = results["losses"]
    settings = losses["settings"]
    baseline = results.get("baseline")
    before = {}
    if baseline:
        before = {(row["loss"], row["pass"]): row for row in baseline["rows"]}
    lines = [
        "## Losses: lossutils against torch.nn.functional",
        "",
        _stamp_line(losses),
        f"Device {settings['device']}, {settings['threads']} thread(s), {settings['dtype']}; "
        f"elementwise losses on {settings['elementwise_shape'][0]} x "
        f"{settings['elementwise_shape'][1]} elements, classification losses on "
        f"{settings['logits_shape'][0]} x {settings['logits_shape'][1]} logits. Each time is "
        f"the median of interleaved rounds (torch, lossutils, torch, ...) after a warm-up, "
        f"read on the {settings['clock']}; malloc: {settings['malloc']} "
        "(see `KEEP_FREED_MEMORY` in bench_losses.py). Peak memory is the most bytes "
        "allocated at once during one call. Forward + backward differentiates the first "
        "argument with `torch.autograd.grad`. The limits hold for the losses of the issue; "
        "the building blocks below them are shown for reference. The machine may be "
        "shared: a ratio close to its limit can land on either side of it from one run to "
        "the next.",
        "",
    ]
    header = (
        "| loss | size | pass | torch µs | lossutils µs | ratio | limit | "
        "peak MiB torch / lossutils |"
    )
    rule = "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
    if baseline:
        header += " before: lossutils µs | before: ratio |"
        rule += " ---: | ---: |"
    lines += [header, rule]
    for row in losses["rows"]:
        limit = f"{row['limit']:.1f}x" if row["limit"] is not None else "—"
        verdict = "" if _within(row) else " **over**"
        line = (
            f"| {row['loss']} | {row['size']} | {row['pass']} | {row['torch_us']:.0f} | "
            f"{row['lossutils_us']:.0f} | {row['ratio']:.2f}x{verdict} | {limit} | "
            f"{row['torch_peak_mib']:.1f} / {row['lossutils_peak_mib']:.1f} |"
        )
        if baseline:
            old = before.get((row["loss"], row["pass"]))
            line += (
                f" {old['lossutils_us']:.0f} | {old['ratio']:.2f}x |" if old else " — | — |"
            )
        lines.append(line)
    if baseline:
        lines += [
            "",
            f"*Before*: lossutils at commit {baseline['ref']}, timed in the same run against "
            "the same torch, before the backwards were written from the derivatives.",
        ]
    lines += ["", f"![lossutils time over torch time, per loss]({LOSS_FIGURE})", ""]
    lines += _where_the_time_went(results)
    return lines


def _where_the_time_went(results: dict) -> list[str]:
    rows = [
        row for row in results["losses"]["rows"]
        if row["pass"] == "forward + backward" and "profile" in row
    ]  # fmt: skip
    if not rows:
        return []
    before = {}
    if results.get("baseline"):
        before = {
            row["loss"]: row["profile"]["lossutils"]
            for row in results["baseline"]["rows"]
            if row["pass"] == "forward + backward" and "profile" in row
        }
    lines = [
        "### Where the time went (forward + backward, torch.profiler)",
        "",
        "Operators: the `aten` operators called per forward + backward, views and shape "
        "queries left out; each elementwise operator is at least one pass over its tensors. "
        "The shares are of the operators' own time in that call (the profiler reads the "
        "wall clock, so on a busy machine they are rough).",
        "",
        "| loss | operators: torch | lossutils before | lossutils now | "
        "where lossutils' time goes now |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        profile = row["profile"]
        old = before.get(row["loss"])
        top = ", ".join(
            f"{item['op']} {100 * item['share']:.0f} %" for item in profile["lossutils"]["top"][:4]
        )
        before_operators = f"{old['operators']:.0f}" if old else "—"
        lines.append(
            f"| {row['loss']} | {profile['torch']['operators']:.0f} | {before_operators} | "
            f"{profile['lossutils']['operators']:.0f} | {top} |"
        )
    notes = results["losses"].get("kernels")
    baseline_notes = results.get("baseline", {}).get("kernels")
    lines += [""]
    lines += _explanations(notes, baseline_notes)
    return lines


def _explanations(notes: dict | None, baseline_notes: dict | None = None) -> list[str]:
    lines = [
        "What the profiles show, and what was done about each:",
        "",
        "- **Autograd's composite backward.** Left to autograd, a loss written as "
        "`(target - input) ** 2` then a mean runs the backward of each step: the mean's "
        "(a tensor of 1/N), the power's (2 r, then the product), the subtraction's (a "
        "negation), each a pass over memory and a temporary. The losses now have a "
        "`torch.autograd.Function` whose backward is the derivative in the docstring: "
        "for the MSE one pass, `-2 r` times the upstream gradient over N.",
        "- **Extra passes in the forward.** A fused torch kernel reads each input once and "
        "writes one output; a formula of elementary operations writes every intermediate "
        "(the residual, the clipped residual, the shifted logits) and reads it back. The "
        "forwards now write fewer of them: the mean of a product is a dot product (no "
        "tensor of products), the steps inside a `Function`'s forward overwrite their own "
        "temporaries, and the cross-entropy with class indices never writes the "
        "(N, C) matrix of log-probabilities. What is left is the price of not fusing: for "
        "the Huber and smooth L1 losses, torch's kernel is one pass over the inputs, while "
        "the formula needs the residual and the clipped residual written and read again, "
        "which no arrangement of elementary operations avoids. The cross-entropy with "
        "probability targets reads its (N, C) target four times (its min and its max for "
        "the range check, its row sums, its dot product with z - m) where torch reads it "
        "once and checks nothing, and writes z - m and the exponentials, which its "
        "backward needs.",
        "- **Validation that scans.** The range checks compared every element twice and "
        "combined the results (three passes and two boolean tensors); each is now a min "
        "and a max, which only read the tensor, and one transfer of the verdict to the "
        "host, and the offending element is looked for only once it is known that one "
        "exists.",
    ]
    if notes:
        lines.append(
            "- **The exponential.** torch's elementwise `exp` on this CPU takes "
            f"{notes['exp_us']:.0f} µs for {notes['elements']:,.0f} floats, `exp2` "
            f"{notes['exp2_us']:.0f} µs, and its fused `log_softmax` (which computes the "
            f"exponentials inside) {notes['log_softmax_us']:.0f} µs for the same logits; one "
            f"plain pass (a subtraction) takes {notes['sub_us']:.0f} µs. The softmax family "
            "computes e^x as 2^(x log2 e), the same number to rounding."
        )
    faults = (notes or {}).get("page_faults")
    before = (baseline_notes or {}).get("page_faults")
    if faults:
        sentence = (
            "- **The allocator.** With glibc's default settings, a large temporary is "
            "returned to the system when freed and its pages fault in again at the next "
            "call, so a chain of temporaries pays for page faults. Under those settings the "
            f"Huber loss's forward + backward costs {faults['lossutils_faults']:.1f} page "
            f"faults and {faults['lossutils_us']:.0f} µs per call now, torch's "
            f"{faults['torch_faults']:.1f} and {faults['torch_us']:.0f} µs"
        )
        if before:
            sentence += (
                f"; before, {before['lossutils_faults']:.0f} page faults and "
                f"{before['lossutils_us']:.0f} µs"
            )
        lines.append(
            sentence + ". The timings above keep freed memory (as a caching allocator "
            "does), so that they measure the losses rather than the allocator's history."
        )
    return lines + [""]


def _notebooks_section(results: dict) -> list[str]:
    notebooks = results["notebooks"]
    lines = [
        "## Notebooks under strict nbval (CPU)",
        "",
        _stamp_line(notebooks)
        + (
            f" The notebooks and lossutils are those of commit {notebooks['tree']}, not of "
            "the commit measured."
            if notebooks.get("tree")
            else ""
        ),
        "Each notebook runs under the command of `make nbval` (one pytest per notebook, "
        "`LOSSUTILS_DEVICE=cpu`), and right after it the floor: a notebook whose one cell "
        "imports matplotlib, torch and lossutils, under the same command. A failing "
        "notebook is left out of the first total and counted in the second (nbval runs "
        "every cell of a notebook that fails).",
        "",
        "| notebook | status | seconds | floor seconds | ratio |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in notebooks["rows"]:
        status = row["status"] + (f" ({row['detail']})" if row["detail"] else "")
        lines.append(
            f"| {row['notebook']} | {status} | {row['seconds']:.1f} | "
            f"{row['floor_seconds']:.1f} | {row['ratio']:.2f}x |"
        )
    ratio = f"{notebooks['ratio']:.2f}x" if notebooks["ratio"] else "—"
    lines += [
        f"| **total of the {notebooks['passed']} passing** | | "
        f"**{notebooks['total_seconds']:.1f}** | **{notebooks['floor_total_seconds']:.1f}** | "
        f"**{ratio}** |",
        f"| total of all {notebooks['count']}, failing included | | "
        f"{notebooks['all_total_seconds']:.1f} | {notebooks['all_floor_total_seconds']:.1f} | "
        f"{notebooks['all_ratio']:.2f}x |",
        "",
        f"![each notebook's time under nbval against its floor]({NOTEBOOK_FIGURE})",
        "",
    ]
    return lines


def _book_section(results: dict) -> list[str]:
    book = results["book"]
    return [
        "## Book build",
        "",
        _stamp_line(book),
        "`jupyter-book build . --builder html -n -W --keep-going` in a temporary copy of "
        "the tree, `_build/html` removed before each build as `make book` does. The labs "
        "come with their stored outputs; the chapters are executed.",
        "",
        "| build | seconds | status | warnings and errors |",
        "| --- | ---: | --- | ---: |",
        f"| clean `_build` | {book['clean']['seconds']:.1f} | {book['clean']['status']} | "
        f"{book['clean']['warnings']} |",
        f"| after touching {book['touched']['chapter']} | {book['touched']['seconds']:.1f} | "
        f"{book['touched']['status']} | {book['touched']['warnings']} |",
        "",
    ]


def _site_section(results: dict) -> list[str]:
    site = results["site"]
    lines = [
        "## The site in headless Chromium",
        "",
        _stamp_line(site),
        "Each page of the clean build, served from 127.0.0.1, opened in a fresh browser "
        "context (an empty cache) at 1280 x 900. Bytes: bodies and headers of every "
        "response; load: the navigation's `loadEventEnd`.",
        "",
        "| page | KiB | requests | load ms | status |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in site["rows"]:
        load = f"{row['load_ms']:.0f}" if row["load_ms"] is not None else "—"
        lines.append(
            f"| {row['page']} | {row['bytes'] / 1024:.0f} | {row['requests']} | {load} | "
            f"{row['status']} |"
        )
    lines += [
        f"| **{site['pages']} pages** | **{site['total_bytes'] / 1024:.0f}** | | | |",
        "",
    ]
    return lines


def _tests_section(results: dict) -> list[str]:
    tests = results["tests"]
    lines = [
        "## The test suite: `make test` on a fresh clone",
        "",
        _stamp_line(tests),
        f"Each stage of `make test` on a fresh clone of {tests['commit']}, in order, with "
        "`CI=true` and the environment already installed (the time `make venv` takes is "
        "not counted). The labs run once, under strict nbval, which checks their pictures "
        "and exercise checks in the same run.",
        "",
        "| stage | seconds | tests | status |",
        "| --- | ---: | --- | --- |",
    ]
    for row in tests["stages"]:
        counts = ", ".join(f"{n} {kind}" for kind, n in row["counts"].items()) or "—"
        lines.append(f"| `make {row['stage']}` | {row['seconds']:.0f} | {counts} | "
                     f"{row['status']} |")
    lines += [
        f"| **all** | **{tests['total_seconds']:.0f}** "
        f"({tests['total_seconds'] / 60:.1f} min) | | |",
        "",
        "The slowest tests (pytest's `--durations`):",
        "",
        "| stage | test | phase | seconds |",
        "| --- | --- | --- | ---: |",
    ]
    lines += [f"| {t['stage']} | `{t['test']}` | {t['phase']} | {t['seconds']:.1f} |"
              for t in tests["slowest"]]
    return lines + [""]


def markdown(results: dict) -> str:
    """The whole report."""
    lines = [
        "# What the course costs its users",
        "",
        "Written by `make bench` (`benchmarks/bench.py`); run it again rather than edit "
        "this file. It is a benchmark, not a test: nothing fails on a timing.",
        "",
        "## Machine",
        "",
        *_machine_lines(results["machine"]),
        "",
        "## Summary",
        "",
        "```",
        summary(results),
        "```",
        "",
    ]
    for key, section in (
        ("losses", _losses_section),
        ("notebooks", _notebooks_section),
        ("book", _book_section),
        ("site", _site_section),
        ("tests", _tests_section),
    ):
        if key in results:
            lines += section(results)
    return "\n".join(lines).rstrip() + "\n"


def notebook_figure(notebooks: dict):
    """Each notebook's seconds under nbval beside its floor's."""
    rows = notebooks["rows"]
    fig, ax = subplots(height=0.35 * len(rows) + 1.4)
    positions = np.arange(len(rows))[::-1]
    bar = 0.38
    seconds = [row["seconds"] for row in rows]
    colors = [COLORS["model"] if row["status"] == "passed" else COLORS["mae"] for row in rows]
    ax.barh(positions + bar / 2, seconds, height=bar, color=colors, label="notebook")
    ax.barh(
        positions - bar / 2, [row["floor_seconds"] for row in rows], height=bar,
        color=COLORS["data"], label="floor (start, imports)",
    )  # fmt: skip
    ax.set_yticks(positions, [row["notebook"].removesuffix(".ipynb") for row in rows])
    ax.grid(axis="y", visible=False)
    label_axes(
        ax,
        title="Strict nbval on the CPU (red: failed)",
        xlabel="seconds",
        ylabel="",
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)  # below the bars
    return fig


def write_figure(results: dict, path: Path) -> None:
    """The report's figures, next to it; a figure that breaks the standard says so."""
    figures = []
    if "losses" in results:
        baseline = results.get("baseline", {}).get("rows")
        figures.append((path, cost_figure(results["losses"]["rows"], baseline)))
    if "notebooks" in results:
        figures.append((path.with_name(NOTEBOOK_FIGURE), notebook_figure(results["notebooks"])))
    for target, fig in figures:
        for problem in figure_problems(fig):
            print(f"figure {target.name}: {problem}")
        fig.savefig(target)
        plt.close(fig)
