"""The LSTM rejects bad input as the RNN and the GRU do: with a message naming
the argument, what was expected and what was given. The cell states c_prev and
c0 follow the rules of h_prev and h0."""

import numpy as np
import pytest

import test_bad_input
from gru_course import analysis, lstm
from test_bad_input import raises
from test_lstm import make_inputs

B, D, H, T = 2, 3, 5, 4


@pytest.fixture
def case(rng):
    return make_inputs(rng, steps=T, batch=B, inputs=D, hidden=H)


def test_wrong_number_of_dimensions(case):
    params, xs, h0, c0 = case
    with raises(ValueError, "x must have 2 dimensions (B, D); got 3 (shape (4, 2, 3))"):
        lstm.step_forward(xs, h0, c0, params)
    with raises(ValueError, "xs must have 3 dimensions (T, B, D); got 2 (shape (2, 3))"):
        lstm.forward(xs[0], h0, c0, params)
    with raises(ValueError, "h0 must have 2 dimensions (B, H); got 1 (shape (5,))"):
        lstm.forward(xs, h0[0], c0, params)
    with raises(ValueError, "c0 must have 2 dimensions (B, H); got 1 (shape (5,))"):
        lstm.forward(xs, h0, c0[0], params)
    with raises(ValueError, "c_prev must have 2 dimensions (B, H); got 3 (shape (1, 2, 5))"):
        lstm.step_forward(xs[0], h0, c0[None], params)


def test_input_size_disagrees_with_params(case):
    params, _, h0, c0 = case
    with raises(ValueError, "xs must have shape (T, B, D) with D = 3", "got (4, 2, 4)"):
        lstm.forward(np.zeros((T, B, 4)), h0, c0, params)


def test_state_disagrees_with_input_batch_or_hidden_size(case):
    params, xs, h0, c0 = case
    with raises(ValueError, "h0 must have shape (B, H) = (2, 5)", "B from xs", "got (3, 5)"):
        lstm.forward(xs, np.zeros((3, H)), c0, params)
    with raises(ValueError, "c0 must have shape (B, H) = (2, 5)", "B from xs", "got (3, 5)"):
        lstm.forward(xs, h0, np.zeros((3, H)), params)
    with raises(ValueError, "c_prev must have shape (B, H) = (2, 5)", "H from params['W_ih']", "got (2, 6)"):
        lstm.step_forward(xs[0], h0, np.zeros((B, 6)), params)


def test_empty_sequence(case):
    params, _, h0, c0 = case
    with raises(ValueError, "xs must not be empty; got shape (0, 2, 3)"):
        lstm.forward(np.zeros((0, B, D)), h0, c0, params)


def test_missing_misshapen_or_unexpected_parameter(case):
    params, xs, h0, c0 = case
    missing = {k: v for k, v in params.items() if k != "b_fh"}
    with raises(ValueError, "params is missing 'b_fh' (expected shape (H) = (5,))"):
        lstm.forward(xs, h0, c0, missing)
    with raises(ValueError, "params['W_qx'] must have shape (H, D) = (5, 3); got (5, 4)"):
        lstm.forward(xs, h0, c0, {**params, "W_qx": np.zeros((H, 4))})
    with raises(ValueError, "params has unexpected keys ['W_hx']"):  # a GRU name in an LSTM
        lstm.forward(xs, h0, c0, {**params, "W_hx": np.zeros((H, D))})
    with raises(TypeError, "params must be a dict of named arrays; got list"):
        lstm.forward(xs, h0, c0, list(params.values()))


def test_recurrent_weight_must_be_square(case):
    params, xs, h0, c0 = case
    with raises(ValueError, "params['W_ih'] must have shape (H, H) = (5, 5); got (5, 6)"):
        lstm.forward(xs, h0, c0, {**params, "W_ih": np.zeros((H, H + 1))})


@pytest.mark.parametrize(("dtype", "shown"), [(np.int64, "int64"), (np.bool_, "bool"), (np.complex128, "complex128")])
def test_integer_boolean_or_complex_arrays(case, dtype, shown):
    params, xs, h0, c0 = case
    with raises(TypeError, f"xs must be a float32 or float64 array; got dtype {shown}"):
        lstm.forward(xs.astype(dtype), h0, c0, params)
    with raises(TypeError, f"c0 must be a float32 or float64 array; got dtype {shown}"):
        lstm.forward(xs, h0, c0.astype(dtype), params)
    with raises(TypeError, f"params['b_cx'] must be a float32 or float64 array; got dtype {shown}"):
        lstm.forward(xs, h0, c0, {**params, "b_cx": params["b_cx"].astype(dtype)})


def test_nan_or_inf(case):
    params, xs, h0, c0 = case
    bad = c0.copy()
    bad[1, 3] = np.nan
    with raises(ValueError, "c0 contains NaN or inf (first at index (1, 3))"):
        lstm.forward(xs, h0, bad, params)
    bad[1, 3] = -np.inf
    with raises(ValueError, "c_prev contains NaN or inf (first at index (1, 3))"):
        lstm.step_forward(xs[0], h0, bad, params)


def test_mixed_dtypes(case):
    params, xs, h0, c0 = case
    with raises(TypeError, "c0 has dtype float32 but params['W_ih'] has dtype float64"):
        lstm.forward(xs, h0, c0.astype(np.float32), params)
    as32 = {k: v.astype(np.float32) for k, v in params.items()}
    with raises(TypeError, "xs has dtype float64 but params['W_ih'] has dtype float32"):
        lstm.forward(xs, h0, c0, as32)


def test_backward_checks_its_gradients_and_cache(case):
    params, xs, h0, c0 = case
    _, cache = lstm.forward(xs, h0, c0, params)
    with raises(ValueError, "dhs must have shape (T, B, H) = (4, 2, 5); got (4, 2, 4)"):
        lstm.backward(np.zeros((T, B, 4)), cache)
    with raises(TypeError, "dhs has dtype float32 but the forward output has dtype float64"):
        lstm.backward(np.zeros((T, B, H), np.float32), cache)
    with raises(TypeError, "cache must be the cache returned by lstm.forward"):
        lstm.backward(np.zeros((T, B, H)), {"hs": 1})
    _, _, step_cache = lstm.step_forward(xs[0], h0, c0, params)
    with raises(TypeError, "cache must be the cache returned by lstm.step_forward"):
        lstm.step_backward(np.zeros((B, H)), np.zeros((B, H)), cache)  # a sequence cache given to a step
    with raises(ValueError, "dh must have shape (B, H) = (2, 5); got (2, 4)"):
        lstm.step_backward(np.zeros((B, 4)), np.zeros((B, H)), step_cache)
    with raises(ValueError, "dc must have shape (B, H) = (2, 5); got (1, 5)"):
        lstm.step_backward(np.zeros((B, H)), np.zeros((1, H)), step_cache)


def test_init_params_arguments(rng):
    """The rules and messages of the RNN's and the GRU's init_params."""
    test_bad_input.test_init_params_arguments(lstm, rng)


def test_bridge_rejects_misshapen_layers(rng):
    with raises(ValueError, "weight_ih must have shape (4H, D) = (16, 3); got (12, 3)"):
        lstm.params_from_pytorch(np.zeros((12, 3)), np.zeros((16, 4)), np.zeros(16), np.zeros(16))
    with raises(ValueError, "bias_hh must have shape (4H) = (16,); got (12,)"):
        lstm.params_from_pytorch(np.zeros((16, 3)), np.zeros((16, 4)), np.zeros(16), np.zeros(12))
    with raises(ValueError, "params is missing 'W_ih'"):
        lstm.params_to_pytorch({})


def test_jacobian_checks_its_inputs(case):
    params, xs, h0, c0 = case
    with raises(ValueError, "c_prev must have shape (B, H) = (2, 5)", "got (2, 4)"):
        analysis.lstm_jacobian(xs[0], h0, c0[:, :4], params)
