"""The RNN and the GRU (both variants): forward values, gradients, step = fast path."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASE_IDS, CASES, make_inputs, run, run_step
from gru_course import gru, output, rnn
from gru_course.gradcheck import gradcheck, relative_error


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def reference_step(x, h, p, variant):
    """The cell's equations written out directly, independently of the package."""
    if variant is None:
        return np.tanh(x @ p["W_hx"].T + p["b_hx"] + h @ p["W_hh"].T + p["b_hh"])
    z = sigmoid(x @ p["W_zx"].T + p["b_zx"] + h @ p["W_zh"].T + p["b_zh"])
    r = sigmoid(x @ p["W_rx"].T + p["b_rx"] + h @ p["W_rh"].T + p["b_rh"])
    if variant == "reset_before":
        h_tilde = np.tanh(x @ p["W_hx"].T + p["b_hx"] + (r * h) @ p["W_hh"].T + p["b_hh"])
    else:
        h_tilde = np.tanh(x @ p["W_hx"].T + p["b_hx"] + r * (h @ p["W_hh"].T + p["b_hh"]))
    return z * h + (1 - z) * h_tilde


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_forward_computes_the_equations(model, variant, rng):
    params, xs, h0 = make_inputs(model, rng)
    hs, _ = run(model, xs, h0, params, variant)
    h = h0
    for t in range(len(xs)):
        h = reference_step(xs[t], h, params, variant)
        assert relative_error(hs[t], h) < 1e-14


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_sequence_gradients_match_finite_differences(model, variant, rng):
    """Every parameter, the inputs and the initial state, at 1e-7 in float64."""
    params, xs, h0 = make_inputs(model, rng)
    weights = rng.normal(size=(4, 2, 5))  # L = Σ weights ∘ hs: every state gets a distinct gradient

    def loss(a):
        hs, _ = run(model, a["xs"], a["h0"], {k: a[k] for k in params}, variant)
        return np.sum(weights * hs)

    _, cache = run(model, xs, h0, params, variant)
    dxs, dh0, grads = model.backward(weights, cache)
    report = gradcheck(loss, {**params, "xs": xs, "h0": h0}, {**grads, "xs": dxs, "h0": dh0})
    assert report.passed, str(report)


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_step_gradients_match_finite_differences(model, variant, rng):
    params, xs, h0 = make_inputs(model, rng)
    weights = rng.normal(size=h0.shape)

    def loss(a):
        h, _ = run_step(model, a["x"], a["h_prev"], {k: a[k] for k in params}, variant)
        return np.sum(weights * h)

    _, cache = run_step(model, xs[0], h0, params, variant)
    dx, dh_prev, grads = model.step_backward(weights, cache)
    report = gradcheck(loss, {**params, "x": xs[0], "h_prev": h0}, {**grads, "x": dx, "h_prev": dh_prev})
    assert report.passed, str(report)


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_whole_model_with_output_layer_gradients(model, variant, rng):
    """Recurrent layer + output layer + softmax cross-entropy, all gradients at once."""
    params, xs, h0 = make_inputs(model, rng)
    out_params = output.init_params(5, 3, rng)
    targets = rng.integers(0, 3, size=(4, 2))

    def loss(a):
        hs, _ = run(model, a["xs"], a["h0"], {k: a[k] for k in params}, variant)
        return output.loss(hs, targets, {k: a[k] for k in out_params})[0]

    hs, cache = run(model, xs, h0, params, variant)
    _, dhs, out_grads = output.loss(hs, targets, out_params)
    dxs, dh0, grads = model.backward(dhs, cache)
    arrays = {**params, **out_params, "xs": xs, "h0": h0}
    report = gradcheck(loss, arrays, {**grads, **out_grads, "xs": dxs, "h0": dh0})
    assert report.passed, str(report)


def step_loop(model, xs, h0, params, variant, dhs):
    """Forward and backward by looping over the step functions (the teaching path)."""
    h, caches, hs = h0, [], []
    for x in xs:
        h, cache = run_step(model, x, h, params, variant)
        caches.append(cache)
        hs.append(h)
    dh, dxs, grads = np.zeros_like(h0), [], {k: np.zeros_like(v) for k, v in params.items()}
    for t in reversed(range(len(xs))):
        dx, dh, step_grads = model.step_backward(dhs[t] + dh, caches[t])
        dxs.append(dx)
        for k in grads:
            grads[k] += step_grads[k]
    return np.array(hs), np.array(dxs[::-1]), dh, grads


def assert_step_loop_equals_fast_path(model, variant, params, xs, h0, dhs, tol):
    hs, cache = run(model, xs, h0, params, variant)
    dxs, dh0, grads = model.backward(dhs, cache)
    loop_hs, loop_dxs, loop_dh0, loop_grads = step_loop(model, xs, h0, params, variant, dhs)
    assert relative_error(hs, loop_hs) <= tol
    assert relative_error(dxs, loop_dxs) <= tol
    assert relative_error(dh0, loop_dh0) <= tol
    for k in params:
        assert grads[k].shape == params[k].shape and grads[k].dtype == params[k].dtype
        assert relative_error(grads[k], loop_grads[k]) <= tol, k


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_step_loop_equals_fast_path(model, variant, rng):
    params, xs, h0 = make_inputs(model, rng, steps=7, batch=3, inputs=4, hidden=6)
    dhs = rng.normal(size=(7, 3, 6))
    assert_step_loop_equals_fast_path(model, variant, params, xs, h0, dhs, 1e-12)


@settings(deadline=None)
@given(
    case=st.sampled_from(range(len(CASES))),
    steps=st.integers(1, 5),
    batch=st.integers(1, 4),
    inputs=st.integers(1, 4),
    hidden=st.integers(1, 5),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_shape_and_dtype(case, steps, batch, inputs, hidden, dtype, seed):
    """Shapes (B = 1 and T = 1 included) and dtypes are kept; step loop = fast path."""
    model, variant = CASES[case]
    rng = np.random.default_rng(seed)
    params, xs, h0 = make_inputs(model, rng, steps, batch, inputs, hidden, dtype)
    dhs = rng.normal(size=(steps, batch, hidden)).astype(dtype)
    hs, cache = run(model, xs, h0, params, variant)
    assert hs.shape == (steps, batch, hidden) and hs.dtype == dtype
    dxs, dh0, grads = model.backward(dhs, cache)
    assert dxs.shape == xs.shape and dxs.dtype == dtype
    assert dh0.shape == h0.shape and dh0.dtype == dtype
    assert set(grads) == set(params)
    tol = 1e-12 if dtype == np.float64 else 1e-4  # float32: rounding of sums over steps and batch
    assert_step_loop_equals_fast_path(model, variant, params, xs, h0, dhs, tol)


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_float32_agrees_with_float64(model, variant, rng):
    params, xs, h0 = make_inputs(model, rng)
    as32 = {k: v.astype(np.float32) for k, v in params.items()}
    hs64, _ = run(model, xs, h0, params, variant)
    hs32, _ = run(model, xs.astype(np.float32), h0.astype(np.float32), as32, variant)
    assert hs32.dtype == np.float32
    assert relative_error(hs32, hs64) < 1e-5


def test_rnn_biases_get_the_same_gradient(rng):
    params, xs, h0 = make_inputs(rnn, rng)
    _, cache = rnn.forward(xs, h0, params)
    _, _, grads = rnn.backward(rng.normal(size=(4, 2, 5)), cache)
    assert np.array_equal(grads["b_hx"], grads["b_hh"])
    assert grads["b_hx"] is not grads["b_hh"]  # separate arrays: an optimizer may update one in place


def test_init_params_is_seeded_and_bounded():
    a = gru.init_params(3, 4, np.random.default_rng(1))
    b = gru.init_params(3, 4, np.random.default_rng(1))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert set(a) == set(gru.param_shapes(3, 4))
    assert all(np.abs(v).max() <= 0.5 for v in a.values())  # bound 1/√H = 1/2
    assert gru.init_params(3, 4, np.random.default_rng(1), dtype=np.float32)["W_zx"].dtype == np.float32


def test_truncated_bptt_limits_how_far_each_loss_reaches(rng):
    params, xs, h0 = make_inputs(rnn, rng, steps=6)
    dhs = rng.normal(size=(6, 2, 5))
    _, cache = rnn.forward(xs, h0, params)
    full = rnn.backward(dhs, cache)
    # k >= T: no truncation at all
    for k in (6, 10):
        dxs, dh0, grads = rnn.truncated_backward(dhs, cache, k)
        assert relative_error(dxs, full[0]) < 1e-14 and relative_error(dh0, full[1]) < 1e-14
        assert all(relative_error(grads[n], full[2][n]) < 1e-14 for n in params)
    # k = 1: each loss reaches its own cell only, so the input gradient at step t
    # is the one-step backward of dhs[t] alone
    dxs, dh0, _ = rnn.truncated_backward(dhs, cache, 1)
    for t in range(6):
        h_prev = h0 if t == 0 else cache["hs"][t - 1]
        _, step_cache = rnn.step_forward(xs[t], h_prev, params)
        dx, dh_prev, _ = rnn.step_backward(dhs[t], step_cache)
        assert relative_error(dxs[t], dx) < 1e-14
        if t == 0:
            assert relative_error(dh0, dh_prev) < 1e-14
