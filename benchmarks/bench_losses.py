"""lossutils against torch.nn.functional: time and peak memory, forward and forward + backward.

Every loss of the table is called on the same float32 inputs by both libraries, with
its default reduction (``'batchmean'`` for ``kl_div``), and differentiated with respect
to its first argument. The timings are medians over interleaved rounds (torch, then
lossutils, then torch again, ...) after a warm-up, so that a change in the machine's
load touches both alike; the ratio is lossutils' median over torch's.

Run on its own for a quick look (``make bench`` runs it as part of the whole report)::

    python benchmarks/bench_losses.py [--device cpu] [--rounds 15] [--filter mse]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

import lossutils as lu

#: Elements of the elementwise losses' inputs, as (rows, columns).
ELEMENTWISE_SHAPE = (1000, 1000)
#: (batch, classes) of the classification losses' logits.
LOGITS_SHAPE = (4096, 1000)
#: glibc's malloc, told to keep the memory it frees (read when the process starts). By
#: default it hands large blocks back to the system and takes them again on the next
#: call, and every page of a new block costs a page fault: a loss with more temporaries
#: then pays for page faults whose number depends on the allocator's history, and the
#: same call swings between 130 µs and 1500 µs. PyTorch's CPU tuning guide recommends a
#: caching allocator for the same reason.
KEEP_FREED_MEMORY = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "4294967296"}


@dataclass
class Case:
    """One row of the table: a loss, its torch counterpart and how to make its inputs."""

    name: str
    short: str
    ours: Callable
    theirs: Callable
    inputs: Callable[[], tuple]
    size: str
    #: False for the building blocks reported beside the losses (not held to the target).
    target: bool = True


def make_cases(device: torch.device) -> list[Case]:
    """The table's rows, in the order of the report, with inputs made on ``device``."""
    generator = torch.Generator().manual_seed(0)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(device)

    def rand(*shape):
        return torch.rand(*shape, generator=generator).to(device)

    rows, columns = ELEMENTWISE_SHAPE
    batch, classes = LOGITS_SHAPE
    prediction, target = randn(rows, columns), randn(rows, columns)
    z, y = randn(rows, columns), rand(rows, columns)
    logits = randn(batch, classes)
    labels = torch.randint(0, classes, (batch,), generator=generator).to(device)
    labels_with_ignored = torch.where(rand(batch) < 0.1, -100, labels)
    probabilities = rand(batch, classes).softmax(dim=1)
    log_q = logits.log_softmax(dim=1)
    weight = 0.5 + rand(classes)
    y_hat = 0.01 + 0.98 * rand(rows, columns)
    elementwise = f"{rows * columns:.0e}".replace("e+0", "e")
    classwise = f"({batch}, {classes})"

    def smoothed(loss):
        return lambda z, t: loss(z, t, weight=weight, label_smoothing=0.1, ignore_index=-100)

    def batchmean(loss):
        return lambda q, p: loss(q, p, reduction="batchmean")

    def along_classes(function):
        return lambda z: function(z, dim=1)

    regression = [
        Case(name, name.removesuffix("_loss"), getattr(lu, name), getattr(F, name),
             lambda: (prediction, target), elementwise)
        for name in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss")
    ]
    return [
        *regression,
        Case("binary_cross_entropy_with_logits", "bce_with_logits",
             lu.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
             lambda: (z, y), elementwise),
        Case("cross_entropy, class indices", "cross_entropy", lu.cross_entropy,
             F.cross_entropy, lambda: (logits, labels), classwise),
        Case("cross_entropy, weight + smoothing + ignore_index", "ce weighted, smoothed",
             smoothed(lu.cross_entropy), smoothed(F.cross_entropy),
             lambda: (logits, labels_with_ignored), classwise),
        Case("cross_entropy, probability targets", "ce probabilities", lu.cross_entropy,
             F.cross_entropy, lambda: (logits, probabilities), classwise),
        Case("kl_div, batchmean", "kl_div", batchmean(lu.kl_div), batchmean(F.kl_div),
             lambda: (log_q, probabilities), classwise),
        Case("binary_cross_entropy", "bce", lu.binary_cross_entropy, F.binary_cross_entropy,
             lambda: (y_hat, y), elementwise, target=False),
        Case("nll_loss", "nll_loss", lu.nll_loss, F.nll_loss, lambda: (log_q, labels),
             classwise, target=False),
        Case("log_softmax", "log_softmax", along_classes(lu.log_softmax),
             along_classes(F.log_softmax), lambda: (logits,), classwise, target=False),
        Case("softmax", "softmax", along_classes(lu.softmax), along_classes(F.softmax),
             lambda: (logits,), classwise, target=False),
        Case("logsumexp", "logsumexp", along_classes(lu.logsumexp),
             along_classes(torch.logsumexp), lambda: (logits,), classwise, target=False),
    ]  # fmt: skip


def _statement(loss: Callable, inputs: tuple, backward: bool) -> Callable[[], object]:
    """A call of ``loss`` on fresh leaves; with ``backward``, its gradient for the first."""
    first = inputs[0].detach().clone().requires_grad_(backward)
    args = (first, *inputs[1:])
    if not backward:

        def forward():
            return loss(*args)

        return forward

    def forward_backward():
        value = loss(*args)
        # autograd.grad, not .backward(): no accumulation into .grad, which would add a
        # pass over memory to every call after the first.
        return torch.autograd.grad(value, first, torch.ones_like(value))

    return forward_backward


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _clock(device: torch.device) -> Callable[[], float]:
    """The CPU time of this thread when torch computes on it alone, else the wall clock.

    With one intra-op thread every kernel runs on the calling thread, so its CPU time is
    the time of the call without the slices that a shared machine gives to others.
    """
    if device.type == "cpu" and torch.get_num_threads() == 1:
        return time.thread_time
    return time.perf_counter


def _block_seconds(statement: Callable, number: int, device: torch.device) -> float:
    clock = _clock(device)
    _sync(device)
    start = clock()
    for _ in range(number):
        statement()
    _sync(device)
    return (clock() - start) / number


def time_pair(
    ours: Callable, theirs: Callable, statement_of: Callable, rounds: int, device: torch.device
) -> tuple[float, float]:
    """Median seconds per call of ``theirs`` and ``ours``, measured in alternation.

    Each is warmed up, then the number of calls per block is set so that a block takes
    about 20 ms; the rounds alternate torch and lossutils blocks.
    """
    statements = {"theirs": statement_of(theirs), "ours": statement_of(ours)}
    numbers = {}
    for key, statement in statements.items():
        for _ in range(3):
            statement()
        once = _block_seconds(statement, 1, device)
        numbers[key] = max(1, min(200, int(0.02 / max(once, 1e-7))))
    samples = {"theirs": [], "ours": []}
    for _ in range(rounds):
        for key, statement in statements.items():
            samples[key].append(_block_seconds(statement, numbers[key], device))
    return statistics.median(samples["theirs"]), statistics.median(samples["ours"])


def peak_bytes(statement: Callable, device: torch.device) -> int:
    """The most bytes allocated at once by one call of ``statement`` (after one warm-up).

    On a GPU, torch's allocator statistics; on the CPU, the allocations and frees that
    torch's profiler records, summed in time order.
    """
    statement()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        before = torch.cuda.memory_allocated(device)
        statement()
        torch.cuda.synchronize(device)
        return torch.cuda.max_memory_allocated(device) - before
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        statement()
    events = [e for e in profiler.profiler.kineto_results.events() if e.name() == "[memory]"]
    current = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        current += event.nbytes()
        peak = max(peak, current)
    return peak


#: Operators that only describe a tensor (views, shapes, scalars): not passes over memory.
_NOT_KERNELS = {
    "aten::view", "aten::reshape", "aten::_reshape_alias", "aten::as_strided", "aten::expand",
    "aten::squeeze", "aten::unsqueeze", "aten::detach", "aten::alias", "aten::t",
    "aten::transpose", "aten::permute", "aten::select", "aten::slice", "aten::empty",
    "aten::empty_like", "aten::empty_strided", "aten::resize_", "aten::result_type",
    "aten::item", "aten::_local_scalar_dense", "aten::lift_fresh", "aten::is_nonzero",
    "aten::movedim", "aten::flatten", "aten::to", "aten::numpy_T", "aten::contiguous",
    "aten::resolve_conj", "aten::resolve_neg", "aten::set_", "aten::zeros",
}  # fmt: skip


def profile(statement: Callable, calls: int = 5) -> dict:
    """Where one call's time goes: the operators that run, by their share of the time.

    ``operators`` counts the ``aten`` operators called per call of the statement (views
    and shape queries left out); ``top`` lists the five with the most time of their own
    (their self time, without the operators they call), each with its share of the
    total and its calls per call of the statement. The profiler reads the wall clock:
    on a busy machine the shares are rougher than the counts.
    """
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    statement()
    with torch_profile(activities=[ProfilerActivity.CPU]) as profiler:
        for _ in range(calls):
            statement()
    events = [
        e for e in profiler.events() if e.name.startswith("aten::") and e.name not in _NOT_KERNELS
    ]
    total = sum(e.self_cpu_time_total for e in events) or 1.0
    by_name: dict[str, list[float]] = {}
    for event in events:
        by_name.setdefault(event.name.removeprefix("aten::"), []).append(
            event.self_cpu_time_total
        )
    top = sorted(by_name.items(), key=lambda item: -sum(item[1]))[:5]
    return {
        "operators": len(events) / calls,
        "top": [
            {"op": name, "share": sum(times) / total, "calls": len(times) / calls}
            for name, times in top
        ],
    }


def measure(
    device: torch.device,
    rounds: int = 15,
    name_filter: str | None = None,
    with_profile: bool = False,
) -> list[dict]:
    """One dict per case and pass: times (µs), peak memory (MiB) and the ratios."""
    results = []
    for case in make_cases(device):
        if name_filter and name_filter not in case.name:
            continue
        inputs = case.inputs()
        for backward in (False, True):

            def statement_of(loss, backward=backward, inputs=inputs):
                return _statement(loss, inputs, backward)

            torch_s, ours_s = time_pair(case.ours, case.theirs, statement_of, rounds, device)
            torch_peak = peak_bytes(statement_of(case.theirs), device)
            ours_peak = peak_bytes(statement_of(case.ours), device)
            results.append(
                {
                    "loss": case.name,
                    "short": case.short,
                    "size": case.size,
                    "pass": "forward + backward" if backward else "forward",
                    "target": case.target,
                    "torch_us": torch_s * 1e6,
                    "lossutils_us": ours_s * 1e6,
                    "ratio": ours_s / torch_s,
                    "torch_peak_mib": torch_peak / 2**20,
                    "lossutils_peak_mib": ours_peak / 2**20,
                    "limit": (2.0 if backward else 1.5) if case.target else None,
                }
            )
            if with_profile:
                results[-1]["profile"] = {
                    "torch": profile(statement_of(case.theirs)),
                    "lossutils": profile(statement_of(case.ours)),
                }
            row = results[-1]
            print(
                f"  {row['loss']:<48} {row['pass']:<18} torch {row['torch_us']:9.0f} µs  "
                f"lossutils {row['lossutils_us']:9.0f} µs  {row['ratio']:5.2f}x  "
                f"peak {row['torch_peak_mib']:6.1f} / {row['lossutils_peak_mib']:6.1f} MiB",
                flush=True,
            )
    return results


def keep_freed_memory(default_malloc: bool) -> None:
    """Start this script again with :data:`KEEP_FREED_MEMORY` unless it is set (or not wanted)."""
    if default_malloc or all(os.environ.get(k) == v for k, v in KEEP_FREED_MEMORY.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **KEEP_FREED_MEMORY})


def kernel_notes(device: torch.device) -> dict:
    """A few of torch's own kernels on the logits: the exponentials and one plain pass."""
    logits = torch.randn(*LOGITS_SHAPE, generator=torch.Generator().manual_seed(1)).to(device)
    shifted = logits - logits.amax(dim=1, keepdim=True)
    times = {}
    for name, statement in (
        ("exp_us", lambda: shifted.exp()),
        ("exp2_us", lambda: shifted.exp2()),
        ("log_softmax_us", lambda: F.log_softmax(logits, dim=1)),
        ("sub_us", lambda: logits - shifted),
    ):
        for _ in range(3):
            statement()
        times[name] = 1e6 * statistics.median(
            _block_seconds(statement, 5, device) for _ in range(7)
        )
    return {"elements": float(logits.numel()), **times}


def page_faults(rounds: int = 7) -> dict:
    """Page faults and time per forward + backward of the Huber loss, under this malloc.

    Run in a process that leaves glibc's malloc as it is (``--faults-json``): the minor
    page faults of this thread per call, and the median time per call (thread CPU time,
    which includes the kernel's time to serve the faults).
    """
    device = torch.device("cpu")
    case = next(case for case in make_cases(device) if case.name == "huber_loss")
    result = {}
    for key, loss in (("torch", case.theirs), ("lossutils", case.ours)):
        statement = _statement(loss, case.inputs(), backward=True)
        for _ in range(3):
            statement()
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        times = [_block_seconds(statement, 5, device) for _ in range(rounds)]
        faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before
        result[f"{key}_faults"] = faults / (5 * rounds)
        result[f"{key}_us"] = 1e6 * statistics.median(times)
    return result


def settings(device: torch.device) -> dict:
    """How the timings were taken, for the report."""
    return {
        "device": str(device),
        "threads": torch.get_num_threads(),
        "clock": "thread CPU time" if _clock(device) is time.thread_time else "wall clock",
        "malloc": "keeps freed memory"
        if all(os.environ.get(k) == v for k, v in KEEP_FREED_MEMORY.items())
        else "glibc default",
        "elementwise_shape": list(ELEMENTWISE_SHAPE),
        "logits_shape": list(LOGITS_SHAPE),
        "dtype": "float32",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--filter", default=None, help="only the losses whose name has this")
    parser.add_argument("--threads", type=int, default=1, help="torch's intra-op threads")
    parser.add_argument(
        "--default-malloc", action="store_true", help="leave glibc's malloc as it is"
    )
    parser.add_argument("--profile", action="store_true", help="also profile each call")
    parser.add_argument("--json", default=None, help="write the rows to this file")
    parser.add_argument("--faults-json", default=None, help=argparse.SUPPRESS)
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    if options.faults_json:  # the child that measures glibc's default malloc
        Path(options.faults_json).write_text(json.dumps(page_faults()))
        return
    keep_freed_memory(options.default_malloc)
    device = torch.device(options.device)
    print(
        f"  torch {torch.__version__}, {torch.get_num_threads()} thread(s), device {device}, "
        f"lossutils from {Path(lu.__file__).parent}",
        flush=True,
    )
    rows = measure(device, options.rounds, options.filter, options.profile)
    if options.json:
        notes = kernel_notes(device)
        if device.type == "cpu":
            faults = Path(options.json).with_suffix(".faults.json")
            env = {k: v for k, v in os.environ.items() if k not in KEEP_FREED_MEMORY}
            subprocess.run(
                [sys.executable, __file__, "--faults-json", str(faults),
                 "--threads", str(options.threads)], check=True, env=env,
            )  # fmt: skip
            notes["page_faults"] = json.loads(faults.read_text())
        Path(options.json).write_text(
            json.dumps({"settings": settings(device), "rows": rows, "kernels": notes}, indent=1)
        )


if __name__ == "__main__":
    main()
