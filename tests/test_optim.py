"""Optimizers and clipping: updates worked out by hand on tiny arrays, and bad input."""

import re

import numpy as np
import pytest

from gru_course.optim import SGD, Adam, clip_by_global_norm


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


# ----------------------------------------------------------------------------
# SGD


def test_sgd_without_momentum_is_plain_gradient_descent():
    params = {"w": np.array([1.0, -2.0]), "b": np.array([0.5])}
    grads = {"w": np.array([0.5, 1.0]), "b": np.array([-4.0])}
    SGD(lr=0.1).step(params, grads)
    assert np.allclose(params["w"], [1.0 - 0.05, -2.0 - 0.1], rtol=0, atol=1e-15)
    assert np.allclose(params["b"], [0.5 + 0.4], rtol=0, atol=1e-15)


def test_sgd_momentum_accumulates_a_constant_gradient():
    # v1 = g, v2 = 0.5 g + g = 1.5 g, v3 = 0.75 g + g = 1.75 g: the steps add to 4.25 g
    params = {"w": np.array([0.0, 1.0])}
    optimizer = SGD(lr=0.1, momentum=0.5)
    for _ in range(3):
        optimizer.step(params, {"w": np.array([2.0, -1.0])})
    assert np.allclose(params["w"], [0.0 - 0.1 * 4.25 * 2.0, 1.0 + 0.1 * 4.25], rtol=0, atol=1e-14)


def test_sgd_momentum_keeps_moving_after_the_gradient_vanishes():
    params = {"w": np.array([0.0])}
    optimizer = SGD(lr=1.0, momentum=0.9)
    optimizer.step(params, {"w": np.array([1.0])})  # v = 1, w = -1
    optimizer.step(params, {"w": np.array([0.0])})  # v = 0.9, w = -1.9
    assert params["w"][0] == pytest.approx(-1.9, abs=1e-15)


# ----------------------------------------------------------------------------
# Adam


def test_adam_first_step_moves_each_parameter_by_lr_against_the_gradient_sign():
    # at t = 1, m̂ = g and √v̂ = |g|: the step is -lr g / (|g| + eps) ≈ -lr sign(g)
    g = np.array([3.0, -0.02, 5e-3, -700.0])
    params = {"w": np.zeros(4)}
    Adam(lr=0.01).step(params, {"w": g})
    assert np.allclose(params["w"], -0.01 * np.sign(g), rtol=1e-5, atol=0)


def test_adam_second_step_worked_by_hand():
    # g1 = 1, g2 = -1 with β1 = 0.9, β2 = 0.999:
    # m2 = 0.9·0.1 - 0.1 = -0.01, m̂ = -0.01 / (1 - 0.81) = -1/19
    # v2 = 0.999·0.001 + 0.001 = 1 - 0.999², v̂ = 1
    # so after both steps w = -lr (step 1) + lr/19 (step 2)
    lr = 0.1
    params = {"w": np.array([0.0])}
    optimizer = Adam(lr=lr)
    optimizer.step(params, {"w": np.array([1.0])})
    optimizer.step(params, {"w": np.array([-1.0])})
    assert params["w"][0] == pytest.approx(-lr + lr / 19, rel=1e-6)


def test_adam_with_a_constant_gradient_moves_lr_per_step():
    # the bias corrections make m̂ = g and v̂ = g² at every step
    params = {"w": np.array([1.0, 1.0])}
    optimizer = Adam(lr=0.05)
    for _ in range(10):
        optimizer.step(params, {"w": np.array([0.3, -8.0])})
    assert np.allclose(params["w"], [1.0 - 0.5, 1.0 + 0.5], rtol=1e-6)


def test_adam_keeps_its_state_per_parameter():
    params = {"a": np.array([0.0]), "b": np.array([0.0])}
    optimizer = Adam(lr=0.1)
    optimizer.step(params, {"a": np.array([1.0]), "b": np.array([0.0])})
    optimizer.step(params, {"a": np.array([-1.0]), "b": np.array([2.0])})
    assert params["a"][0] == pytest.approx(-0.1 + 0.1 / 19, rel=1e-6)  # as worked by hand above
    # b: m = 0.2, v = 0.004 after two steps; m̂ = 0.2/0.19, v̂ = 0.004/0.001999
    expected_b = -0.1 * (0.2 / 0.19) / np.sqrt(0.004 / 0.001999)
    assert params["b"][0] == pytest.approx(expected_b, rel=1e-6)


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.1)], ids=["sgd", "adam"])
def test_updates_in_place_and_keeps_float32(make, rng):
    w = rng.normal(size=(3, 2)).astype(np.float32)
    params = {"w": w}
    before = w.copy()
    optimizer = make()
    for _ in range(2):
        optimizer.step(params, {"w": np.ones((3, 2), dtype=np.float32)})
    assert params["w"] is w and w.dtype == np.float32
    assert np.all(w < before)


# ----------------------------------------------------------------------------
# Clipping


def test_clip_scales_to_max_norm_when_above():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(5.0)
    assert np.allclose(clipped["a"], [0.6, 0.0]) and np.allclose(clipped["b"], [[0.8]])
    assert np.sqrt(sum(np.sum(g**2) for g in clipped.values())) == pytest.approx(1.0)


def test_clip_changes_nothing_below_max_norm_and_never_modifies_the_input():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped, norm = clip_by_global_norm(grads, max_norm=5.5)
    assert norm == pytest.approx(5.0)
    assert all(np.array_equal(clipped[k], grads[k]) and clipped[k] is not grads[k] for k in grads)
    clip_by_global_norm(grads, max_norm=0.1)
    assert np.array_equal(grads["a"], [3.0, 0.0]) and np.array_equal(grads["b"], [[4.0]])


def test_clip_keeps_float32():
    clipped, _ = clip_by_global_norm({"a": np.full(4, 10, dtype=np.float32)}, 1.0)
    assert clipped["a"].dtype == np.float32
    assert np.allclose(clipped["a"], 0.5)


# ----------------------------------------------------------------------------
# Bad input: one test per rule.


@pytest.mark.parametrize("make", [SGD, Adam], ids=["sgd", "adam"])
def test_learning_rate_must_be_a_positive_number(make):
    with raises(ValueError, "lr must be a positive number; got 0"):
        make(0)
    with raises(ValueError, "lr must be a positive number; got -0.1"):
        make(-0.1)
    with raises(TypeError, "lr must be a positive number; got str"):
        make("0.1")
    with raises(TypeError, "lr must be a positive number; got bool"):
        make(True)


def test_momentum_and_betas_must_be_in_zero_one():
    with raises(ValueError, "momentum must be a number in [0, 1); got 1.0"):
        SGD(0.1, momentum=1.0)
    with raises(ValueError, "momentum must be a number in [0, 1); got -0.5"):
        SGD(0.1, momentum=-0.5)
    with raises(ValueError, "beta1 must be a number in [0, 1); got 1.2"):
        Adam(0.1, beta1=1.2)
    with raises(ValueError, "beta2 must be a number in [0, 1); got 1"):
        Adam(0.1, beta2=1)
    with raises(ValueError, "eps must be a positive number; got 0"):
        Adam(0.1, eps=0)


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: Adam(0.1)], ids=["sgd", "adam"])
def test_grads_must_match_params(make):
    params = {"w": np.zeros((2, 3)), "b": np.zeros(2)}
    grads = {"w": np.zeros((2, 3)), "b": np.zeros(2)}
    with raises(ValueError, "grads is missing 'b', a key of params"):
        make().step(params, {"w": grads["w"]})
    with raises(ValueError, "grads has keys ['c'] that params does not have"):
        make().step(params, {**grads, "c": np.zeros(1)})
    with raises(ValueError, "grads['w'] must have the shape of params['w'], (2, 3); got (3, 2)"):
        make().step(params, {**grads, "w": np.zeros((3, 2))})
    with raises(TypeError, "grads['b'] has dtype float32 but params['b'] has dtype float64"):
        make().step(params, {**grads, "b": np.zeros(2, dtype=np.float32)})


def test_params_must_be_a_dict_of_numpy_arrays():
    with raises(TypeError, "params['w'] must be a numpy array (it is updated in place); got list"):
        SGD(0.1).step({"w": [1.0, 2.0]}, {"w": np.zeros(2)})
    with raises(TypeError, "params must be a dict of named arrays; got list"):
        SGD(0.1).step([np.zeros(2)], {"w": np.zeros(2)})
    with raises(TypeError, "params['w'] must be a float32 or float64 array; got dtype int64"):
        SGD(0.1).step({"w": np.zeros(2, dtype=np.int64)}, {"w": np.zeros(2)})


def test_non_finite_gradients_are_rejected():
    with raises(ValueError, "grads['w'] contains NaN or inf (first at index (1,))"):
        Adam(0.1).step({"w": np.zeros(2)}, {"w": np.array([0.0, np.nan])})


def test_an_optimizer_serves_one_set_of_parameters():
    optimizer = Adam(0.1)
    optimizer.step({"w": np.zeros(2)}, {"w": np.zeros(2)})
    with raises(ValueError, "params must have the keys of this optimizer's first step, ['w']; got ['v']"):
        optimizer.step({"v": np.zeros(2)}, {"v": np.zeros(2)})
    with raises(ValueError, "params['w'] has shape (3,) and dtype float64, but at this optimizer's first step"):
        optimizer.step({"w": np.zeros(3)}, {"w": np.zeros(3)})


def test_clip_arguments():
    with raises(ValueError, "max_norm must be a positive number; got -1"):
        clip_by_global_norm({"w": np.zeros(2)}, -1)
    with raises(TypeError, "grads must be a dict of named arrays; got ndarray"):
        clip_by_global_norm(np.zeros(2), 1.0)
    with raises(ValueError, "grads must hold at least one array; got an empty dict"):
        clip_by_global_norm({}, 1.0)
