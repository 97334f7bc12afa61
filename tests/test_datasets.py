"""Seeded toy data sets."""

import pytest
import torch

import lossutils as lu


def test_same_seed_same_data_other_seed_other_data():
    a = lu.noisy_samples(torch.sin, 20, noise=0.1, seed=4)
    b = lu.noisy_samples(torch.sin, 20, noise=0.1, seed=4)
    c = lu.noisy_samples(torch.sin, 20, noise=0.1, seed=5)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert not torch.equal(a[1], c[1])


def test_samples_are_sorted_cpu_float32_inside_the_range():
    x, y = lu.noisy_samples(lambda x: x, 50, noise=0.0, x_range=(2.0, 3.0))
    assert x.device.type == "cpu" and x.dtype == torch.float32
    assert torch.all(x[1:] >= x[:-1])
    assert x.min() >= 2.0 and x.max() <= 3.0
    assert torch.equal(x, y)


def test_noise_has_the_requested_scale():
    x, y = lu.noisy_samples(torch.zeros_like, 4000, noise=0.5, seed=0)
    assert abs(y.std().item() - 0.5) < 0.03


def test_outliers_are_the_last_points_shifted():
    x, y = lu.line_with_outliers(12, noise=0.0, n_outliers=3, outlier_shift=4.0)
    residual = y - (2.0 * x + 1.0)
    assert torch.allclose(residual[:-3], torch.zeros(9), atol=1e-6)
    assert torch.allclose(residual[-3:], torch.full((3,), 4.0))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n must be at least 1"),
        ({"noise": -1.0}, "noise must be non-negative"),
        ({"x_range": (1.0, 0.0)}, "low < high"),
        ({"seed": 1.0}, "seed must be an int"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    arguments = {"n": 5, "noise": 0.1} | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        lu.noisy_samples(torch.sin, **arguments)


def test_too_many_outliers_is_refused():
    with pytest.raises(ValueError, match="n_outliers"):
        lu.line_with_outliers(5, n_outliers=6)
