"""Fitting a model by gradient descent on a loss: the loop every lab uses.

The loop is the one the course draws in its first chapter: predict, measure the gap
with the loss, take the gradient, step the parameters, repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

__all__ = ["TrainingHistory", "fit"]


@dataclass
class TrainingHistory:
    """What :func:`fit` recorded: the step numbers and the loss (cost) at each."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


def fit(
    model: nn.Module,
    inputs: Tensor,
    targets: Tensor,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    *,
    steps: int,
    lr: float,
    optimizer: str = "sgd",
    record_every: int = 1,
    on_record: Callable[[int, nn.Module], None] | None = None,
) -> TrainingHistory:
    """Minimise ``loss_fn(model(inputs), targets)`` over the model's parameters.

    Runs ``steps`` full-batch steps of plain gradient descent (``optimizer="sgd"``) or
    Adam (``"adam"``). Every ``record_every`` steps, and at step 0 and the last step, the
    loss is recorded and ``on_record(step, model)`` is called, for example to save the
    model's predictions. The model is trained in place.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> x = torch.linspace(0, 1, 20).unsqueeze(1)
    >>> model = nn.Linear(1, 1)
    >>> history = fit(model, x, 3 * x + 1, nn.functional.mse_loss, steps=500, lr=0.5,
    ...               record_every=100)
    >>> history.steps
    [0, 100, 200, 300, 400, 500]
    >>> history.losses[-1] < 1e-3
    True
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if lr <= 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if record_every < 1:
        raise ValueError(f"record_every must be at least 1, got {record_every}")
    optimizers = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}, got {optimizer!r}")
    step_parameters = optimizers[optimizer](model.parameters(), lr=lr)
    history = TrainingHistory()

    def record(step: int, loss: Tensor) -> None:
        history.steps.append(step)
        history.losses.append(float(loss))
        if on_record is not None:
            on_record(step, model)

    for step in range(steps + 1):
        loss = loss_fn(model(inputs), targets)
        if step % record_every == 0 or step == steps:
            record(step, loss.detach())
        if step == steps:
            break
        step_parameters.zero_grad()
        loss.backward()
        step_parameters.step()
    return history
