"""One-step Jacobians against finite differences, and the gradient norms they give."""

import numpy as np
import pytest

from conftest import make_inputs
from gru_course import analysis, gru, rnn
from gru_course.gradcheck import numerical_gradient, relative_error


def finite_difference_jacobian(step, x, h_prev):
    """Row i: the gradient of h_t[b, i] with respect to h_prev[b], for each b."""
    batch, hidden = h_prev.shape
    jac = np.zeros((batch, hidden, hidden))
    for i in range(hidden):
        grad = numerical_gradient(lambda a, i=i: step(x, a["h"])[:, i].sum(), {"h": h_prev})["h"]
        jac[:, i, :] = grad  # rows of different examples do not interact
    return jac


@pytest.mark.parametrize("variant", [None, "reset_before", "reset_after"])
def test_one_step_jacobian_matches_finite_differences(variant, rng):
    model = rnn if variant is None else gru
    params, xs, h0 = make_inputs(model, rng, batch=3)
    if variant is None:
        exact = analysis.rnn_jacobian(xs[0], h0, params)
        numeric = finite_difference_jacobian(lambda x, h: rnn.step_forward(x, h, params)[0], xs[0], h0)
    else:
        exact = analysis.gru_jacobian(xs[0], h0, params, variant)
        numeric = finite_difference_jacobian(lambda x, h: gru.step_forward(x, h, params, variant=variant)[0], xs[0], h0)
    assert exact.shape == (3, 5, 5)
    assert relative_error(exact, numeric) < 1e-8


@pytest.mark.parametrize(("model", "variant"), [(rnn, None), (gru, "reset_before"), (gru, "reset_after")])
def test_gradient_norms_equal_backward_through_time(model, variant, rng):
    """‖∂L/∂h_0‖ from the Jacobians equals the norm of dh0 from BPTT."""
    params, xs, h0 = make_inputs(model, rng, steps=6)
    kwargs = {} if variant is None else {"variant": variant}
    hs, jacobians = analysis.sequence_jacobians(model, xs, h0, params, variant)
    dh_last = rng.normal(size=h0.shape)
    norms = analysis.gradient_norms(jacobians, dh_last)
    dhs = np.zeros_like(hs)
    dhs[-1] = dh_last
    _, cache = model.forward(xs, h0, params, **kwargs)
    _, dh0, _ = model.backward(dhs, cache)
    assert norms.shape == (7, 2)
    assert np.allclose(norms[0], np.linalg.norm(dh0, axis=1), rtol=1e-12)
    assert np.allclose(norms[-1], np.linalg.norm(dh_last, axis=1))
    product = analysis.jacobian_product(jacobians)
    assert np.allclose(np.einsum("bi,bij->bj", dh_last, product), dh0, rtol=1e-12, atol=1e-15)


def test_update_gate_near_one_makes_the_jacobian_the_identity(rng):
    params, xs, h0 = make_inputs(gru, rng)
    params["b_zx"][:] = 40.0
    jac = analysis.gru_jacobian(xs[0], h0, params)
    assert np.allclose(jac, np.eye(5), atol=1e-12)


def test_spectral_radius_and_rescaling(rng):
    matrix = rng.normal(size=(6, 6))
    scaled = analysis.with_spectral_radius(matrix, 0.9)
    assert analysis.spectral_radius(scaled) == pytest.approx(0.9)
    diagonal = np.diag([0.5, -2.0, 1.0])
    assert analysis.spectral_radius(diagonal) == pytest.approx(2.0)
    assert np.allclose(analysis.singular_values(diagonal), [2.0, 1.0, 0.5])


def test_analysis_rejects_bad_input(rng):
    with pytest.raises(TypeError, match=r"model must be gru_course\.rnn or gru_course\.gru"):
        analysis.sequence_jacobians(np, np.zeros((2, 1, 3)), np.zeros((1, 4)), {})
    with pytest.raises(ValueError, match=r"dh_last must have shape \(B, H\) = \(1, 4\); got \(1, 3\)"):
        analysis.gradient_norms(np.zeros((2, 1, 4, 4)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"matrix must be square \(H, H\); got \(2, 3\)"):
        analysis.spectral_radius(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="variant is for the GRU only"):
        params, xs, h0 = make_inputs(rnn, rng)
        analysis.sequence_jacobians(rnn, xs, h0, params, "reset_after")
