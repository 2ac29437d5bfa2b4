"""Activations: values, derivatives (against finite differences) and stability."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gru_course import activations as act
from gru_course.gradcheck import numerical_gradient, relative_error

FLOATS = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
    elements=st.floats(-1e4, 1e4, width=32),
)


def test_sigmoid_known_values():
    x = np.array([0.0, np.log(3.0), -np.log(3.0)])
    # σ(0) = 1/2; σ(log 3) = 3/4; σ(-log 3) = 1/4
    assert np.allclose(act.sigmoid(x), [0.5, 0.75, 0.25], rtol=1e-15)


def test_sigmoid_keeps_full_relative_precision_far_left():
    # σ(-30) = 1 / (1 + e^30), well away from 0 in relative terms
    assert act.sigmoid(np.array([-30.0]))[0] == pytest.approx(1 / (1 + np.exp(30.0)), rel=1e-14)


@given(FLOATS)
def test_activations_are_finite_in_range_and_keep_dtype(x):
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # any overflow would raise here
        s, t, y = act.sigmoid(x), act.tanh(x), act.softmax(x)
        ds, dt = act.sigmoid_prime(x), act.tanh_prime(x)
    for out in (s, t, y, ds, dt):
        assert out.dtype == x.dtype and out.shape == x.shape and np.isfinite(out).all()
    assert ((s >= 0) & (s <= 1)).all() and ((t >= -1) & (t <= 1)).all()
    assert ((ds >= 0) & (ds <= 0.25)).all() and ((dt >= 0) & (dt <= 1)).all()
    assert np.allclose(y.sum(axis=-1), 1, atol=1e-5)


def test_sigmoid_and_tanh_saturate_at_extremes():
    x = np.array([-1e4, 1e4])
    assert np.array_equal(act.sigmoid(x), [0.0, 1.0])
    assert np.array_equal(act.tanh(x), [-1.0, 1.0])
    assert np.array_equal(act.sigmoid_prime(x), [0.0, 0.0])


def test_softmax_is_shift_invariant_at_large_logits():
    logits = np.array([1e4, 1e4 - 1.0, 1e4 - 2.0])
    expected = np.exp([0.0, -1.0, -2.0]) / np.exp([0.0, -1.0, -2.0]).sum()
    assert np.allclose(act.softmax(logits), expected, rtol=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivatives_match_finite_differences(name, rng):
    x = rng.normal(scale=2.0, size=7)
    f, fprime = getattr(act, name), getattr(act, name + "_prime")
    # the derivative of Σ f(x_i) with respect to x is f'(x) elementwise
    numeric = numerical_gradient(lambda a: f(a["x"]).sum(), {"x": x})["x"]
    assert relative_error(fprime(x), numeric) < 1e-9


def test_softmax_jacobian_matches_finite_differences(rng):
    logits = rng.normal(size=(2, 4))
    jac = act.softmax_jacobian(logits)
    assert jac.shape == (2, 4, 4)
    for k in range(4):  # row k of the Jacobian is the gradient of ŷ_k
        numeric = numerical_gradient(lambda a, k=k: act.softmax(a["o"])[:, k].sum(), {"o": logits})["o"]
        assert relative_error(jac[:, k, :], numeric) < 1e-9


def test_softmax_jacobian_diagonal_and_off_diagonal_forms(rng):
    logits = rng.normal(size=5)
    y, jac = act.softmax(logits), act.softmax_jacobian(logits)
    assert np.allclose(np.diag(jac), y * (1 - y))  # ∂ŷ_i/∂o_i
    assert np.isclose(jac[1, 3], -y[1] * y[3])  # ∂ŷ_k/∂o_i, k ≠ i


FUNCTIONS = ["sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "softmax", "softmax_jacobian"]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_activations_reject_bad_input(fn):
    f = getattr(act, fn)
    with pytest.raises(TypeError, match=r"^(x|logits) must be a float32 or float64 array; got dtype int64"):
        f(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"contains NaN or inf \(first at index \(1,\)\)"):
        f(np.array([0.0, np.nan]))
