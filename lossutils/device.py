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

    The environment variable ``LOSSUTILS_DEVICE`` (for example ``cpu`` or ``cuda``)
    overrides the choice; otherwise the first available of CUDA, Apple's MPS and the
    CPU is used.

    Raises
    ------
    ValueError
        If ``LOSSUTILS_DEVICE`` names a device type torch does not know.
    RuntimeError
        If ``LOSSUTILS_DEVICE`` names a device that is not available here.

    Examples
    --------
    >>> import os
    >>> os.environ["LOSSUTILS_DEVICE"] = "cpu"
    >>> get_device()
    device(type='cpu')
    >>> del os.environ["LOSSUTILS_DEVICE"]
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
