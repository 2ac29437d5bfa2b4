"""Every public function rejects bad input with a message naming the argument,
what was expected and what was given (never a numpy error from deep inside)."""

import re

import numpy as np
import pytest

from conftest import CASE_IDS, CASES, make_inputs, run, run_step
from gru_course import gru, output, rnn

B, D, H, T = 2, 3, 5, 4


@pytest.fixture(params=CASES, ids=CASE_IDS)
def case(request, rng):
    model, variant = request.param
    params, xs, h0 = make_inputs(model, rng, steps=T, batch=B, inputs=D, hidden=H)
    return model, variant, params, xs, h0


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


def test_wrong_number_of_dimensions(case):
    model, variant, params, xs, h0 = case
    with raises(ValueError, "x must have 2 dimensions (B, D); got 3 (shape (4, 2, 3))"):
        run_step(model, xs, h0, params, variant)
    with raises(ValueError, "xs must have 3 dimensions (T, B, D); got 2 (shape (2, 3))"):
        run(model, xs[0], h0, params, variant)
    with raises(ValueError, "h0 must have 2 dimensions (B, H); got 1 (shape (5,))"):
        run(model, xs, h0[0], params, variant)


def test_input_size_disagrees_with_params(case):
    model, variant, params, _, h0 = case
    with raises(ValueError, "xs must have shape (T, B, D) with D = 3", "got (4, 2, 4)"):
        run(model, np.zeros((T, B, 4)), h0, params, variant)


def test_state_disagrees_with_input_batch_or_hidden_size(case):
    model, variant, params, xs, _ = case
    with raises(ValueError, "h0 must have shape (B, H) = (2, 5)", "B from xs", "got (3, 5)"):
        run(model, xs, np.zeros((3, H)), params, variant)
    with raises(ValueError, "h_prev must have shape (B, H) = (2, 5)", "got (2, 6)"):
        run_step(model, xs[0], np.zeros((B, 6)), params, variant)


def test_empty_sequence(case):
    model, variant, params, _, h0 = case
    with raises(ValueError, "xs must not be empty; got shape (0, 2, 3)"):
        run(model, np.zeros((0, B, D)), h0, params, variant)


def test_missing_misshapen_or_unexpected_parameter(case):
    model, variant, params, xs, h0 = case
    key = next(k for k in params if k.startswith("b_"))
    missing = {k: v for k, v in params.items() if k != key}
    with raises(ValueError, f"params is missing {key!r} (expected shape (H) = (5,))"):
        run(model, xs, h0, missing, variant)
    misshapen = {**params, key: np.zeros(H + 1)}
    with raises(ValueError, f"params[{key!r}] must have shape (H) = (5,); got (6,)"):
        run(model, xs, h0, misshapen, variant)
    with raises(ValueError, "params has unexpected keys ['W_typo']"):
        run(model, xs, h0, {**params, "W_typo": np.zeros((H, H))}, variant)
    with raises(TypeError, "params must be a dict of named arrays; got list"):
        run(model, xs, h0, list(params.values()), variant)


def test_recurrent_weight_must_be_square(case):
    model, variant, params, xs, h0 = case
    recurrent = list(model.param_shapes(1, 1))[1]
    bad = {**params, recurrent: np.zeros((H, H + 1))}
    with raises(ValueError, f"params[{recurrent!r}] must have shape (H, H) = (5, 5); got (5, 6)"):
        run(model, xs, h0, bad, variant)


@pytest.mark.parametrize(("dtype", "shown"), [(np.int64, "int64"), (np.bool_, "bool"), (np.complex128, "complex128")])
def test_integer_boolean_or_complex_arrays(case, dtype, shown):
    model, variant, params, xs, h0 = case
    with raises(TypeError, f"xs must be a float32 or float64 array; got dtype {shown}"):
        run(model, xs.astype(dtype), h0, params, variant)
    with raises(TypeError, f"h0 must be a float32 or float64 array; got dtype {shown}"):
        run(model, xs, h0.astype(dtype), params, variant)
    key = next(iter(params))
    with raises(TypeError, f"params[{key!r}] must be a float32 or float64 array; got dtype {shown}"):
        run(model, xs, h0, {**params, key: params[key].astype(dtype)}, variant)


def test_nan_or_inf(case):
    model, variant, params, xs, h0 = case
    bad = xs.copy()
    bad[1, 0, 2] = np.nan
    with raises(ValueError, "xs contains NaN or inf (first at index (1, 0, 2))"):
        run(model, bad, h0, params, variant)
    bad_h = h0.copy()
    bad_h[1, 1] = np.inf
    with raises(ValueError, "h_prev contains NaN or inf (first at index (1, 1))"):
        run_step(model, xs[0], bad_h, params, variant)


def test_mixed_dtypes(case):
    model, variant, params, xs, h0 = case
    with raises(TypeError, "xs has dtype float32 but params", "float64"):
        run(model, xs.astype(np.float32), h0, params, variant)


def test_backward_checks_its_gradient_and_cache(case):
    model, variant, params, xs, h0 = case
    _, cache = run(model, xs, h0, params, variant)
    with raises(ValueError, "dhs must have shape (T, B, H) = (4, 2, 5); got (4, 2, 4)"):
        model.backward(np.zeros((T, B, 4)), cache)
    with raises(TypeError, "cache must be the cache returned by"):
        model.backward(np.zeros((T, B, H)), {"hs": 1})
    _, step_cache = run_step(model, xs[0], h0, params, variant)
    with raises(TypeError, "cache must be the cache returned by"):
        model.step_backward(np.zeros((B, H)), cache)  # a sequence cache given to a step
    with raises(ValueError, "dh must have shape (B, H) = (2, 5); got (2, 4)"):
        model.step_backward(np.zeros((B, 4)), step_cache)


def test_unknown_variant(rng):
    params, xs, h0 = make_inputs(gru, rng)
    with raises(ValueError, "variant must be 'reset_before' or 'reset_after'; got 'reset_later'"):
        gru.forward(xs, h0, params, variant="reset_later")
    with raises(ValueError, "variant must be 'reset_before' or 'reset_after'; got None"):
        gru.step_forward(xs[0], h0, params, variant=None)


@pytest.mark.parametrize("model", [rnn, gru])
def test_init_params_arguments(model, rng):
    with raises(ValueError, "hidden_size must be a positive int; got 0"):
        model.init_params(3, 0, rng)
    with raises(TypeError, "input_size must be a positive int; got float"):
        model.init_params(3.0, 4, rng)
    with raises(TypeError, "rng must be a numpy.random.Generator"):
        model.init_params(3, 4, 42)
    with raises(TypeError, "dtype must be float32 or float64; got int32"):
        model.init_params(3, 4, rng, dtype=np.int32)


def test_output_layer_checks(rng):
    params = output.init_params(H, 3, rng)
    with raises(ValueError, "hs must have a last dimension H = 5 to match params['W_oh'] (C, H) = (3, 5)"):
        output.forward(np.zeros((T, B, 4)), params)
    with raises(ValueError, "hs must have 3 dimensions (T, B, H) or 2 (B, H); got 1"):
        output.forward(np.zeros(H), params)
    with raises(ValueError, "targets must be class indices in [0, 3)"):
        output.loss(np.zeros((T, B, H)), np.full((T, B), 7), params)
