"""Where tensors live and how runs are made repeatable.

Every notebook starts with ``device = lu.get_device()`` and ``lu.seed_everything(0)``;
data are made on the CPU from seeded generators and then moved to ``device``, so a
notebook prints the same numbers on a laptop, in Colab and on a GPU runner.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["DEVICE_ENV_VAR", "get_device", "seed_everything"]

DEVICE_ENV_VAR = "LOSSUTILS_DEVICE"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def get_device() -> torch.device:
    """Return the device the course runs on.

    The environment variable ``LOSSUTILS_DEVICE`` (for example ``cpu``, ``cuda``,
    ``cuda:1`` or ``mps``) overrides the choice, even where a GPU is available; otherwise
    the first available of CUDA, Apple's MPS and the CPU is used.

    Raises
    ------
    ValueError
        If ``LOSSUTILS_DEVICE`` names a device type torch does not know.
    RuntimeError
        If ``LOSSUTILS_DEVICE`` names a device that is not available here.

    Examples
    --------
    On a machine where CUDA is available (faked here, so the example means the same
    everywhere), the override still gets the CPU:

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch("torch.cuda.is_available", return_value=True):
    ...     with mock.patch.dict(os.environ, {"LOSSUTILS_DEVICE": "cpu"}):
    ...         print(get_device())
    ...     with mock.patch.dict(os.environ, {"LOSSUTILS_DEVICE": ""}):
    ...         print(get_device())
    cpu
    cuda
    """
    requested = os.environ.get(DEVICE_ENV_VAR, "").strip()
    if requested:
        try:
            device = torch.device(requested)
        except RuntimeError as error:
            raise ValueError(
                f"{DEVICE_ENV_VAR}={requested!r} is not a device torch knows "
                "(try 'cpu', 'cuda', 'cuda:1' or 'mps')"
            ) from error
        available = {
            "cpu": True,
            "cuda": torch.cuda.is_available(),
            "mps": _mps_available(),
        }.get(device.type, False)
        if not available:
            raise RuntimeError(
                f"{DEVICE_ENV_VAR}={requested!r} asks for a {device.type} device, "
                "but none is available on this machine"
            )
        if device.type == "cuda" and device.index is not None:
            count = torch.cuda.device_count()
            if device.index >= count:
                raise RuntimeError(
                    f"{DEVICE_ENV_VAR}={requested!r} asks for CUDA device {device.index}, "
                    f"but this machine has {count} (numbered from 0)"
                )
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and torch's random number generators.

    Returns a fresh CPU ``torch.Generator`` seeded with ``seed``, for code that wants
    its own stream of random numbers.

    Examples
    --------
    >>> _ = seed_everything(0)
    >>> a = torch.rand(2)
    >>> _ = seed_everything(0)
    >>> torch.equal(a, torch.rand(2))
    True
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - seeding the legacy global generator is the point
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)
