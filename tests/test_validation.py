"""Bad input raises before anything is computed, with a message that names the problem.

torch often warns and carries on (a ``(N, 1)`` input broadcast against a ``(N,)`` target)
or fails deep inside a kernel; lossutils is stricter. Each case below is one bad input.
"""

import pytest
import torch

import lossutils as lu
from lossutils._validation import reduce

REGRESSION = [lu.mse_loss, lu.l1_loss, lu.mae_loss, lu.huber_loss, lu.smooth_l1_loss]


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss, lu.zero_one_loss])
def test_shape_mismatch_names_both_shapes(loss):
    # torch: a UserWarning, then a (3, 3) loss from broadcasting
    with pytest.raises(ValueError, match=r"input of shape \(3, 1\) and target of shape \(3,\)"):
        loss(torch.zeros(3, 1), torch.zeros(3))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.zero_one_loss])
def test_unknown_reduction_lists_the_valid_ones(loss):
    with pytest.raises(ValueError, match="unknown reduction 'avg': choose one of 'none', 'mean'"):
        loss(torch.zeros(3), torch.zeros(3), reduction="avg")


def test_reduce_rejects_an_unknown_reduction():
    with pytest.raises(ValueError, match="'batchmean'"):
        reduce(torch.zeros(2), "batchmean")


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss])
def test_integer_input_is_a_type_error(loss):
    with pytest.raises(TypeError, match=r"input must be a floating-point tensor, got torch.int64"):
        loss(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss])
def test_integer_target_is_a_type_error(loss):
    with pytest.raises(TypeError, match=r"target must be a floating-point tensor, got torch.int64"):
        loss(torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))


@pytest.mark.parametrize("loss", [*REGRESSION, lu.squared_loss, lu.zero_one_loss])
def test_a_list_is_not_a_tensor(loss):
    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        loss([1.0, 2.0], torch.tensor([1.0, 2.0]))


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan")])
def test_huber_delta_must_be_positive(delta):
    with pytest.raises(ValueError, match="delta must be positive"):
        lu.huber_loss(torch.zeros(2), torch.zeros(2), delta=delta)


def test_smooth_l1_beta_must_not_be_negative():
    with pytest.raises(ValueError, match="beta must be non-negative, got -0.5"):
        lu.smooth_l1_loss(torch.zeros(2), torch.zeros(2), beta=-0.5)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(lu.mse_loss, torch.nn.functional.mse_loss), (lu.l1_loss, torch.nn.functional.l1_loss)],
    ids=["mse", "l1"],
)
def test_lossutils_raises_where_torch_only_warns(ours, theirs):
    input, target = torch.zeros(3, 1), torch.zeros(3)
    with pytest.warns(UserWarning, match="target size"):
        broadcast = theirs(input, target, reduction="none")
    assert broadcast.shape == (3, 3)  # the silent (N, N) loss lossutils refuses to compute
    with pytest.raises(ValueError, match=r"input of shape \(3, 1\) and target of shape \(3,\)"):
        ours(input, target, reduction="none")


# classification ----------------------------------------------------------------------

INDEX_LOSSES = [lu.nll_loss, lu.cross_entropy]
BINARY_LOSSES = [lu.binary_cross_entropy, lu.binary_cross_entropy_with_logits]


@pytest.mark.parametrize("loss", INDEX_LOSSES)
@pytest.mark.parametrize("bad", [7, 5, -1])
def test_class_index_out_of_range_names_index_and_classes(loss, bad):
    with pytest.raises(IndexError, match=rf"class index {bad} is out of range for 5 classes"):
        loss(torch.zeros(3, 5), torch.tensor([0, bad, 2]))


@pytest.mark.parametrize("loss", INDEX_LOSSES)
@pytest.mark.parametrize("ignore_index", [-100, 9])
def test_ignore_index_is_not_out_of_range(loss, ignore_index):
    """The ignored sample is accepted, and counts neither in the sum nor in the mean."""
    logits = torch.randn(3, 5, generator=torch.Generator().manual_seed(0)).log_softmax(dim=1)
    target = torch.tensor([0, ignore_index, 2])
    options = {} if ignore_index == -100 else {"ignore_index": ignore_index}
    kept = loss(logits[[0, 2]], torch.tensor([0, 2]))
    torch.testing.assert_close(loss(logits, target, **options), kept)
    per_sample = loss(logits, target, reduction="none", **options)
    assert per_sample[1].item() == 0.0
    torch.testing.assert_close(per_sample.sum(), loss(logits, target, reduction="sum", **options))
    torch.testing.assert_close(per_sample.sum(), 2 * kept)


@pytest.mark.parametrize("loss", INDEX_LOSSES)
def test_class_index_out_of_range_in_extra_dims(loss):
    with pytest.raises(IndexError, match="class index 3 is out of range for 3 classes"):
        loss(torch.zeros(2, 3, 4), torch.tensor([[0, 1, 2, 3], [0, 0, 0, 0]]))


@pytest.mark.parametrize("loss", INDEX_LOSSES)
def test_float_class_indices_are_a_type_error(loss):
    with pytest.raises(
        TypeError, match="class indices must be an integer tensor, got torch.float32"
    ):
        loss(torch.zeros(3, 5), torch.tensor([0.0, 1.0, 2.0]))


def test_bool_class_indices_are_a_type_error():
    with pytest.raises(TypeError, match="integer tensor, got torch.bool"):
        lu.nll_loss(torch.zeros(2, 2), torch.tensor([True, False]))


@pytest.mark.parametrize("loss", INDEX_LOSSES)
def test_class_target_of_wrong_shape_names_both_shapes(loss):
    with pytest.raises(
        ValueError,
        match=r"input of shape \(3, 5\) needs a class-index target of shape \(3,\), "
        r"got target of shape \(3, 1\)",
    ):
        loss(torch.zeros(3, 5), torch.zeros(3, 1, dtype=torch.long))


def test_float_target_fitting_neither_kind_names_both_shapes():
    with pytest.raises(ValueError, match=r"input of shape \(3, 5\).*target of shape \(3, 4\)"):
        lu.cross_entropy(torch.zeros(3, 5), torch.zeros(3, 4))


@pytest.mark.parametrize("loss", INDEX_LOSSES)
def test_scalar_input_has_no_class_dimension(loss):
    with pytest.raises(ValueError, match="input must have a class dimension"):
        loss(torch.tensor(0.5), torch.tensor(0))


@pytest.mark.parametrize("loss", [*INDEX_LOSSES, *BINARY_LOSSES])
def test_integer_input_is_a_type_error_for_classification(loss):
    with pytest.raises(TypeError, match="input must be a floating-point tensor, got torch.int64"):
        loss(torch.zeros(3, 2, dtype=torch.long), torch.zeros(3, dtype=torch.long))


@pytest.mark.parametrize("loss", INDEX_LOSSES)
@pytest.mark.parametrize("shape", [(4,), (5, 1)])
def test_weight_needs_one_entry_per_class(loss, shape):
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(5,\)"):
        loss(torch.zeros(3, 5), torch.tensor([0, 1, 2]), weight=torch.ones(shape))


def test_weight_of_probability_targets_needs_one_entry_per_class():
    with pytest.raises(ValueError, match="one entry per class"):
        lu.cross_entropy(torch.zeros(3, 5), torch.full((3, 5), 0.2), weight=torch.ones(4))


def test_integer_weight_is_a_type_error():
    with pytest.raises(TypeError, match="weight must be a floating-point tensor"):
        lu.cross_entropy(torch.zeros(3, 5), torch.tensor([0, 1, 2]), weight=torch.ones(5).long())


@pytest.mark.parametrize("smoothing", [-0.1, 1.5, float("nan")])
def test_label_smoothing_outside_zero_one(smoothing):
    with pytest.raises(ValueError, match="label_smoothing must be a number in \\[0, 1\\]"):
        lu.cross_entropy(torch.zeros(3, 5), torch.tensor([0, 1, 2]), label_smoothing=smoothing)


def test_probability_targets_outside_zero_one():
    target = torch.tensor([[1.5, -0.5], [0.5, 0.5]])
    with pytest.raises(
        ValueError, match=r"class-probability target must lie in \[0, 1\], found 1.5"
    ):
        lu.cross_entropy(torch.zeros(2, 2), target)


@pytest.mark.parametrize("loss", [*INDEX_LOSSES])
def test_unknown_reduction_for_class_losses(loss):
    with pytest.raises(ValueError, match="unknown reduction 'avg': choose one of"):
        loss(torch.zeros(3, 5), torch.tensor([0, 1, 2]), reduction="avg")


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_unknown_reduction_for_binary_losses(loss):
    with pytest.raises(ValueError, match="unknown reduction 'batchmean'"):
        loss(torch.zeros(3), torch.zeros(3), reduction="batchmean")


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_binary_shape_mismatch_names_both_shapes(loss):
    with pytest.raises(ValueError, match=r"input of shape \(4, 1\) and target of shape \(4,\)"):
        loss(torch.full((4, 1), 0.5), torch.ones(4))


@pytest.mark.parametrize("value", [1.5, -0.2])
def test_bce_probabilities_outside_zero_one(value):
    with pytest.raises(
        ValueError, match=rf"input \(probabilities\) must lie in \[0, 1\], found {value}"
    ):
        lu.binary_cross_entropy(torch.tensor([0.5, value]), torch.tensor([1.0, 0.0]))


@pytest.mark.parametrize("loss", BINARY_LOSSES)
@pytest.mark.parametrize("value", [2.0, -1.0])
def test_binary_targets_outside_zero_one(loss, value):
    with pytest.raises(ValueError, match=rf"target must lie in \[0, 1\], found {value:g}"):
        loss(torch.tensor([0.5, 0.5]), torch.tensor([1.0, value]))


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_binary_integer_target_is_a_type_error(loss):
    with pytest.raises(TypeError, match="target must be a floating-point tensor, got torch.int64"):
        loss(torch.tensor([0.5, 0.5]), torch.tensor([1, 0]))


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_binary_weight_must_broadcast_to_the_input(loss):
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) does not broadcast .* \(2, 4\)"):
        loss(torch.full((2, 4), 0.5), torch.ones(2, 4), weight=torch.ones(3))


def test_pos_weight_must_broadcast_to_the_input():
    with pytest.raises(ValueError, match=r"pos_weight of shape \(2, 1, 4\) does not broadcast"):
        lu.binary_cross_entropy_with_logits(
            torch.zeros(2, 4), torch.ones(2, 4), pos_weight=torch.ones(2, 1, 4)
        )


def test_integer_pos_weight_is_a_type_error():
    with pytest.raises(TypeError, match="pos_weight must be a floating-point tensor"):
        lu.binary_cross_entropy_with_logits(
            torch.zeros(2, 4), torch.ones(2, 4), pos_weight=torch.ones(4, dtype=torch.long)
        )


# information -------------------------------------------------------------------------


@pytest.mark.parametrize("function", [lu.softmax, lu.log_softmax])
def test_softmax_without_dim_is_a_type_error(function):
    # torch: a deprecation warning, then a guessed dim
    with pytest.raises(TypeError, match=r"needs dim, the dimension to normalise over"):
        function(torch.zeros(2, 3))


@pytest.mark.parametrize("function", [lu.softmax, lu.log_softmax])
def test_softmax_dim_must_be_an_int(function):
    with pytest.raises(TypeError, match="dim must be an int, got float"):
        function(torch.zeros(2, 3), dim=1.0)


@pytest.mark.parametrize("function", [lu.softmax, lu.log_softmax, lu.logsumexp])
def test_integer_logits_are_a_type_error(function):
    with pytest.raises(TypeError, match="input must be a floating-point tensor, got torch.int64"):
        function(torch.tensor([1, 2, 3]), dim=0)


def test_entropy_of_probabilities_outside_zero_one():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\], found 1.2"):
        lu.entropy(torch.tensor([1.2, -0.2]))


@pytest.mark.parametrize("base", [1, 0, -2])
def test_entropy_base_must_be_positive_and_not_one(base):
    with pytest.raises(ValueError, match="base must be positive and not 1"):
        lu.entropy(torch.tensor([0.5, 0.5]), base=base)


def test_entropy_of_integer_counts_is_a_type_error():
    with pytest.raises(TypeError, match="p must be a floating-point tensor"):
        lu.entropy(torch.tensor([1, 1]))


def test_kl_div_unknown_reduction_lists_batchmean():
    with pytest.raises(ValueError, match="choose one of 'none', 'batchmean', 'mean', 'sum'"):
        lu.kl_div(torch.zeros(2, 2), torch.full((2, 2), 0.5), reduction="avg")


def test_kl_div_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"input of shape \(2, 2\) and target of shape \(2,\)"):
        lu.kl_div(torch.zeros(2, 2), torch.full((2,), 0.5))


def test_kl_div_target_probabilities_outside_zero_one():
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\], found -0.5"):
        lu.kl_div(torch.zeros(2), torch.tensor([-0.5, 1.5]))


def test_kl_div_log_target_above_zero():
    with pytest.raises(ValueError, match=r"target \(log_target=True\) must lie in \[-inf, 0\]"):
        lu.kl_div(torch.zeros(2), torch.tensor([0.1, -1.0]), log_target=True)


# every function, every tensor argument ------------------------------------------------

# A valid call of each public function that takes tensors, and which of its tensor
# arguments must be floating point (the rest may be integer: class indices, or labels).
VALID_CALLS = {
    "mse_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, ["input", "target"]),
    "l1_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, ["input", "target"]),
    "mae_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, ["input", "target"]),
    "huber_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, ["input", "target"]),
    "smooth_l1_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)},
                       ["input", "target"]),
    "squared_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, ["input", "target"]),
    "zero_one_loss": ({"input": torch.zeros(3), "target": torch.zeros(3)}, []),
    "nll_loss": ({"input": torch.zeros(2, 3), "target": torch.tensor([0, 2]),
                  "weight": torch.ones(3)}, ["input", "weight"]),
    "cross_entropy": ({"input": torch.zeros(2, 3), "target": torch.tensor([0, 2]),
                       "weight": torch.ones(3)}, ["input", "weight"]),
    "binary_cross_entropy": ({"input": torch.full((3,), 0.5), "target": torch.zeros(3),
                              "weight": torch.ones(3)}, ["input", "target", "weight"]),
    "binary_cross_entropy_with_logits": (
        {"input": torch.zeros(3), "target": torch.zeros(3), "weight": torch.ones(3),
         "pos_weight": torch.ones(3)}, ["input", "target", "weight", "pos_weight"]),
    "kl_div": ({"input": torch.full((3,), -1.1), "target": torch.full((3,), 1 / 3)},
               ["input", "target"]),
    "entropy": ({"p": torch.full((3,), 1 / 3)}, ["p"]),
    "softmax": ({"input": torch.zeros(3), "dim": 0}, ["input"]),
    "log_softmax": ({"input": torch.zeros(3), "dim": 0}, ["input"]),
    "logsumexp": ({"input": torch.zeros(3), "dim": 0}, ["input"]),
}
TENSOR_ARGUMENTS = [(name, argument) for name, (call, _) in VALID_CALLS.items()
                    for argument, value in call.items() if isinstance(value, torch.Tensor)]
FLOAT_ARGUMENTS = [(name, argument) for name, (_, floats) in VALID_CALLS.items()
                   for argument in floats]


def test_every_public_function_taking_tensors_is_in_the_table():
    """A function added to lossutils is held to the argument checks below."""
    import inspect
    taking = {name for name in lu.__all__ if callable(getattr(lu, name))
              and {"input", "p"} & set(inspect.signature(getattr(lu, name)).parameters)}
    # compare_with_torch passes its tensors to the losses it compares, which check them
    taking.discard("compare_with_torch")
    assert taking == set(VALID_CALLS), taking ^ set(VALID_CALLS)
    for name, (call, _) in VALID_CALLS.items():
        getattr(lu, name)(**call)  # the valid call is valid


@pytest.mark.parametrize(("name", "argument"), TENSOR_ARGUMENTS)
def test_every_tensor_argument_that_is_not_a_tensor_is_named(name, argument):
    call = dict(VALID_CALLS[name][0])
    call[argument] = call[argument].tolist()
    with pytest.raises(TypeError, match=rf"^{name}: {argument} must be a torch.Tensor, got list"):
        getattr(lu, name)(**call)


@pytest.mark.parametrize(("name", "argument"), FLOAT_ARGUMENTS)
def test_every_floating_argument_given_integers_is_named(name, argument):
    """The error names the function called and the argument (torch names neither, or
    computes on: an integer weight of binary_cross_entropy)."""
    call = dict(VALID_CALLS[name][0])
    call[argument] = call[argument].round().long()
    with pytest.raises(TypeError, match=rf"^{name}: {argument}\b.* must be a floating-point "
                       r"tensor, got torch.int64"):
        getattr(lu, name)(**call)
