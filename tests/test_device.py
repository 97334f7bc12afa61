"""get_device and seed_everything.

The override tests fake an available accelerator: on a CPU-only machine "the override
was read" and "the override was ignored and the CPU auto-detected" give the same answer,
so only a machine that seems to have a GPU tells them apart.
"""

import random

import numpy as np
import pytest
import torch

import lossutils as lu


@pytest.fixture
def fake_cuda(monkeypatch):
    """A machine with two CUDA devices, as far as get_device can tell."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(lu.device, "_mps_available", lambda: False)


@pytest.fixture
def fake_mps(monkeypatch):
    """A Mac with Apple's MPS and no CUDA, as far as get_device can tell."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(lu.device, "_mps_available", lambda: True)


@pytest.fixture
def cpu_only(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(lu.device, "_mps_available", lambda: False)


def test_the_cpu_override_wins_over_an_available_gpu(monkeypatch, fake_cuda):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "cpu")
    assert lu.get_device() == torch.device("cpu")


def test_the_cpu_override_wins_over_an_available_mps(monkeypatch, fake_mps):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, " cpu ")
    assert lu.get_device() == torch.device("cpu")


def test_the_override_can_name_one_gpu(monkeypatch, fake_cuda):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "cuda:1")
    assert lu.get_device() == torch.device("cuda", 1)


def test_without_override_the_gpu_is_preferred(monkeypatch, fake_cuda):
    monkeypatch.delenv(lu.DEVICE_ENV_VAR, raising=False)
    assert lu.get_device() == torch.device("cuda")


def test_an_empty_override_means_no_override(monkeypatch, fake_mps):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "  ")
    assert lu.get_device() == torch.device("mps")


def test_without_override_or_accelerator_the_cpu(monkeypatch, cpu_only):
    monkeypatch.delenv(lu.DEVICE_ENV_VAR, raising=False)
    assert lu.get_device() == torch.device("cpu")


def test_unknown_device_name_is_named_in_the_error(monkeypatch, fake_cuda):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "tpu-please")
    with pytest.raises(ValueError, match=r"LOSSUTILS_DEVICE='tpu-please' is not a device"):
        lu.get_device()


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_an_unavailable_device_is_refused(monkeypatch, cpu_only, name):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, name)
    with pytest.raises(RuntimeError, match=rf"LOSSUTILS_DEVICE='{name}' .*none is available"):
        lu.get_device()


def test_a_gpu_number_beyond_the_machine_is_refused(monkeypatch, fake_cuda):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "cuda:2")
    with pytest.raises(RuntimeError, match="CUDA device 2, but this machine has 2"):
        lu.get_device()


def test_a_device_type_the_course_does_not_run_on_is_refused(monkeypatch, fake_cuda):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "meta")
    with pytest.raises(RuntimeError, match="asks for a meta device"):
        lu.get_device()


def test_seed_everything_repeats_every_generator():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()  # noqa: NPY002

    lu.seed_everything(3)
    first = draw()
    generator = lu.seed_everything(3)
    assert draw() == first
    assert isinstance(generator, torch.Generator)
    assert generator.initial_seed() == 3


def test_seed_must_be_an_int():
    with pytest.raises(TypeError, match="seed must be an int"):
        lu.seed_everything(1.5)
    with pytest.raises(TypeError, match="seed must be an int"):
        lu.seed_everything(True)
