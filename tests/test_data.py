"""The synthetic tasks: shapes, seeding, layout, targets, baselines and bad input."""

import re

import numpy as np
import pytest

from gru_course.data import adding_problem, copy_task
from gru_course.losses import softmax_cross_entropy


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


# ----------------------------------------------------------------------------
# The adding problem


def test_adding_problem_shapes_and_dtypes(rng):
    xs, targets = adding_problem(5, 12, rng)
    assert xs.shape == (12, 5, 2) and xs.dtype == np.float64
    assert targets.shape == (5, 1) and targets.dtype == np.float64
    xs, targets = adding_problem(5, 12, rng, dtype=np.float32)
    assert xs.dtype == targets.dtype == np.float32


def test_adding_problem_is_reproducible_from_the_seed():
    first = adding_problem(4, 10, np.random.default_rng(7))
    again = adding_problem(4, 10, np.random.default_rng(7))
    other = adding_problem(4, 10, np.random.default_rng(8))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])
    rng = np.random.default_rng(7)
    adding_problem(4, 10, rng)
    assert not np.array_equal(adding_problem(4, 10, rng)[0], first[0])  # the next batch is a new one


@pytest.mark.parametrize("steps", [2, 7, 50])
def test_adding_problem_marks_one_step_in_each_half(rng, steps):
    xs, targets = adding_problem(300, steps, rng)
    values, markers = xs[..., 0], xs[..., 1]
    assert np.all((values >= 0) & (values < 1))
    assert np.all((markers == 0) | (markers == 1))
    half = steps // 2
    assert np.all(markers[:half].sum(axis=0) == 1)  # exactly one in steps 0 ... T//2 - 1
    assert np.all(markers[half:].sum(axis=0) == 1)  # and one in steps T//2 ... T-1
    # the target is the sum of the two marked values
    assert np.allclose(targets[:, 0], (values * markers).sum(axis=0), rtol=0, atol=1e-15)


def test_adding_problem_marks_every_position_of_a_half():
    # over many sequences, each step of T = 6 is marked sometimes
    xs, _ = adding_problem(2000, 6, np.random.default_rng(1))
    assert np.all(xs[..., 1].sum(axis=1) > 0)


def test_predicting_one_has_mean_squared_error_one_sixth():
    # the sum of two independent U[0, 1) values has mean 1 and variance 2/12 = 1/6
    _, targets = adding_problem(200_000, 4, np.random.default_rng(2026))
    assert targets.mean() == pytest.approx(1.0, abs=0.005)
    assert np.mean((targets - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)


# ----------------------------------------------------------------------------
# The copy task


def test_copy_task_shapes_and_dtypes(rng):
    xs, targets = copy_task(3, 11, rng, symbols=5, length=2)
    assert xs.shape == (11, 3, 7) and xs.dtype == np.float64  # D = S + 2
    assert targets.shape == (11, 3) and targets.dtype == np.int64
    assert copy_task(3, 11, rng, dtype=np.float32)[0].dtype == np.float32


def test_copy_task_layout(rng):
    symbols, length, steps = 4, 3, 12
    blank, cue = symbols, symbols + 1
    xs, targets = copy_task(50, steps, rng, symbols=symbols, length=length)
    assert np.all(xs.sum(axis=-1) == 1)  # one-hot
    inputs = xs.argmax(axis=-1)  # (T, B) channel indices
    sequence = inputs[:length]
    assert np.all(sequence < symbols)  # symbols first
    assert np.all(inputs[length : steps - length - 1] == blank)  # then blanks
    assert np.all(inputs[steps - length - 1] == cue)  # then the cue
    assert np.all(inputs[steps - length :] == blank)  # and blanks while recalling
    assert np.all(targets[: steps - length] == blank)  # nothing to predict until the cue has passed
    assert np.array_equal(targets[steps - length :], sequence)  # then the symbols, in order


def test_copy_task_shortest_sequence_has_the_cue_right_after_the_symbols(rng):
    xs, targets = copy_task(2, 5, rng, symbols=3, length=2)
    assert np.all(xs[2].argmax(axis=-1) == 4)  # cue at T - K - 1 = 2
    assert np.array_equal(targets[3:], xs[:2].argmax(axis=-1))


def test_copy_task_is_reproducible_from_the_seed():
    first = copy_task(4, 9, np.random.default_rng(3))
    again = copy_task(4, 9, np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_copy_task_baseline_is_length_times_log_symbols(rng):
    # a memoryless model that is sure of "blank" where it is due and guesses uniformly
    # among the symbols at the K recall steps pays K log S per sequence
    symbols, length, steps = 4, 3, 10
    _, targets = copy_task(8, steps, rng, symbols=symbols, length=length)
    logits = np.full((steps, 8, symbols + 1), -1e4)
    logits[: steps - length, :, symbols] = 1e4
    logits[steps - length :, :, :symbols] = 0
    loss, _ = softmax_cross_entropy(logits, targets)
    assert loss == pytest.approx(length * np.log(symbols), rel=1e-12)


# ----------------------------------------------------------------------------
# Bad input: one test per rule.


def test_batch_must_be_a_positive_int(rng):
    with raises(ValueError, "batch must be a positive int; got 0"):
        adding_problem(0, 10, rng)
    with raises(TypeError, "batch must be a positive int; got float"):
        copy_task(2.0, 10, rng)


def test_adding_problem_needs_two_steps(rng):
    with raises(ValueError, "steps must be an int >= 2 (one marker in each half of the sequence); got 1"):
        adding_problem(3, 1, rng)
    with raises(TypeError, "steps must be an int >= 2; got float"):
        adding_problem(3, 10.0, rng)


def test_copy_task_needs_room_for_symbols_cue_and_recall(rng):
    with raises(ValueError, "steps must be an int >= 7 (2 * length + 1 for length = 3); got 6"):
        copy_task(2, 6, rng, length=3)
    with raises(ValueError, "symbols must be a positive int; got 0"):
        copy_task(2, 10, rng, symbols=0)
    with raises(ValueError, "length must be a positive int; got 0"):
        copy_task(2, 10, rng, length=0)


def test_rng_must_be_a_generator():
    with raises(TypeError, "rng must be a numpy.random.Generator", "got int"):
        adding_problem(2, 10, 42)
    with raises(TypeError, "rng must be a numpy.random.Generator", "got int"):
        copy_task(2, 10, 42)


def test_dtype_must_be_a_float(rng):
    with raises(TypeError, "dtype must be float32 or float64; got int64"):
        adding_problem(2, 10, rng, dtype=np.int64)
    with raises(TypeError, "dtype must be float32 or float64; got float16"):
        copy_task(2, 10, rng, dtype=np.float16)
