"""The gradient-descent loop."""

import pytest
import torch
from torch import nn

import lossutils as lu


def line_data():
    x = torch.linspace(-1, 1, 16).unsqueeze(1)
    return x, 2.0 * x - 0.5


def test_fit_recovers_a_line_and_the_loss_falls():
    torch.manual_seed(0)
    x, y = line_data()
    model = nn.Linear(1, 1)
    history = lu.fit(model, x, y, nn.functional.mse_loss, steps=300, lr=0.3, record_every=50)
    assert history.steps == [0, 50, 100, 150, 200, 250, 300]
    assert history.losses[0] > history.losses[-1]
    assert all(a >= b for a, b in zip(history.losses, history.losses[1:], strict=False))
    assert model.weight.item() == pytest.approx(2.0, abs=1e-3)
    assert model.bias.item() == pytest.approx(-0.5, abs=1e-3)


def test_last_step_is_recorded_and_callback_sees_the_model():
    torch.manual_seed(0)
    x, y = line_data()
    seen = []
    lu.fit(nn.Linear(1, 1), x, y, nn.functional.l1_loss, steps=7, lr=0.1, optimizer="adam",
           record_every=5, on_record=lambda step, model: seen.append((step, type(model))))
    assert seen == [(0, nn.Linear), (5, nn.Linear), (7, nn.Linear)]


def test_one_step_of_sgd_is_the_textbook_update():
    x, y = line_data()
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
        model.bias.fill_(0.0)
    lu.fit(model, x, y, nn.functional.mse_loss, steps=1, lr=0.1)
    # d/dw mean((w x + b - y)^2) at w = b = 0 is -2 mean(x y)
    expected_weight = 0.1 * 2 * (x * y).mean()
    assert model.weight.item() == pytest.approx(expected_weight.item(), rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "steps"),
        ({"lr": 0.0}, "lr"),
        ({"record_every": 0}, "record_every"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    x, y = line_data()
    settings = {"steps": 5, "lr": 0.1} | kwargs
    with pytest.raises(ValueError, match=message):
        lu.fit(nn.Linear(1, 1), x, y, nn.functional.mse_loss, **settings)
