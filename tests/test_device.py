"""get_device and seed_everything."""

import random

import numpy as np
import pytest
import torch

import lossutils as lu


def test_environment_variable_selects_cpu(monkeypatch):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "cpu")
    assert lu.get_device() == torch.device("cpu")


def test_without_override_falls_back_to_an_available_device(monkeypatch):
    monkeypatch.delenv(lu.DEVICE_ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(lu.device, "_mps_available", lambda: False)
    assert lu.get_device() == torch.device("cpu")


def test_cuda_is_preferred_when_available(monkeypatch):
    monkeypatch.delenv(lu.DEVICE_ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert lu.get_device() == torch.device("cuda")


def test_unknown_device_name_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "tpu-please")
    with pytest.raises(ValueError, match="tpu-please"):
        lu.get_device()


def test_unavailable_device_is_refused(monkeypatch):
    monkeypatch.setenv(lu.DEVICE_ENV_VAR, "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no.*available|none is available"):
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
