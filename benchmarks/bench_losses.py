"""Time lossutils' losses against torch.nn.functional: forward, and forward + backward.

lossutils writes each loss from its formula with elementary tensor operations, so it
launches more kernels than torch's fused implementations; this table shows the price.
It is a look, not a test: timings vary from machine to machine and run to run.

Usage::

    python benchmarks/bench_losses.py [--batch 4096] [--classes 100] [--device cpu]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch.utils import benchmark

import lossutils as lu

Case = tuple[str, Callable, Callable, Callable[[], tuple]]


def make_cases(batch: int, classes: int, device: torch.device) -> list[Case]:
    """(name, lossutils loss, torch loss, inputs factory) for each loss compared."""
    generator = torch.Generator().manual_seed(0)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(device)

    def rand(*shape):
        return torch.rand(*shape, generator=generator).to(device)

    prediction, target = randn(batch, classes), randn(batch, classes)
    logits = randn(batch, classes)
    labels = torch.randint(0, classes, (batch,), generator=generator).to(device)
    labels_with_ignored = torch.where(rand(batch) < 0.1, -100, labels)
    probabilities = rand(batch, classes).softmax(dim=1)
    weight = 0.5 + rand(classes)
    y_hat, y = 0.01 + 0.98 * rand(batch, classes), rand(batch, classes)

    def smoothed(loss):
        return lambda z, t: loss(z, t, weight=weight, label_smoothing=0.1)

    return [
        ("mse_loss", lu.mse_loss, F.mse_loss, lambda: (prediction, target)),
        ("l1_loss", lu.l1_loss, F.l1_loss, lambda: (prediction, target)),
        ("huber_loss", lu.huber_loss, F.huber_loss, lambda: (prediction, target)),
        ("smooth_l1_loss", lu.smooth_l1_loss, F.smooth_l1_loss, lambda: (prediction, target)),
        ("log_softmax", lambda z: lu.log_softmax(z, dim=1), lambda z: F.log_softmax(z, dim=1),
         lambda: (logits,)),
        ("logsumexp", lambda z: lu.logsumexp(z, dim=1), lambda z: torch.logsumexp(z, dim=1),
         lambda: (logits,)),
        ("cross_entropy", lu.cross_entropy, F.cross_entropy, lambda: (logits, labels)),
        ("cross_entropy weighted, smoothed, ignored", smoothed(lu.cross_entropy),
         smoothed(F.cross_entropy), lambda: (logits, labels_with_ignored)),
        ("cross_entropy, probability targets", lu.cross_entropy, F.cross_entropy,
         lambda: (logits, probabilities)),
        ("binary_cross_entropy", lu.binary_cross_entropy, F.binary_cross_entropy,
         lambda: (y_hat, y)),
        ("binary_cross_entropy_with_logits", lu.binary_cross_entropy_with_logits,
         F.binary_cross_entropy_with_logits, lambda: (logits, y)),
        ("kl_div batchmean", lambda q, p: lu.kl_div(q, p, reduction="batchmean"),
         lambda q, p: F.kl_div(q, p, reduction="batchmean"),
         lambda: (logits.log_softmax(dim=1), probabilities)),
    ]  # fmt: skip


def time_us(loss: Callable, inputs: tuple, backward: bool) -> float:
    """Median microseconds of one call (and backward through the first input)."""
    first = inputs[0].detach().clone().requires_grad_(backward)
    args = (first, *inputs[1:])

    def forward():
        return loss(*args)

    def forward_backward():
        loss(*args).sum().backward()

    statement = forward_backward if backward else forward
    timer = benchmark.Timer(stmt="statement()", globals={"statement": statement})
    return timer.blocked_autorange(min_run_time=0.2).median * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--classes", type=int, default=100)
    parser.add_argument("--device", default=None, help="default: lossutils.get_device()")
    options = parser.parse_args()
    device = torch.device(options.device) if options.device else lu.get_device()

    print(
        f"batch {options.batch}, classes {options.classes}, device {device}, torch "
        f"{torch.__version__}, {torch.get_num_threads()} thread(s); median microseconds"
    )
    header = f"{'loss':<42} {'pass':<10} {'torch':>9} {'lossutils':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, ours, theirs, inputs in make_cases(options.batch, options.classes, device):
        for backward in (False, True):
            torch_us = time_us(theirs, inputs(), backward)
            ours_us = time_us(ours, inputs(), backward)
            pass_name = "fwd+bwd" if backward else "forward"
            print(
                f"{name:<42} {pass_name:<10} {torch_us:>9.1f} {ours_us:>10.1f} "
                f"{ours_us / torch_us:>6.1f}x"
            )


if __name__ == "__main__":
    main()
