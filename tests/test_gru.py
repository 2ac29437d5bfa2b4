"""GRU-specific behaviour: the named intermediates, the gates' limits, the two variants."""

import numpy as np
import pytest

from gru_course import gru
from gru_course.gradcheck import relative_error

H, D = 4, 3


@pytest.fixture
def params(rng):
    return gru.init_params(D, H, rng)


def test_step_keeps_every_intermediate_of_the_chain(params, rng):
    x, h_prev = rng.normal(size=(2, D)), rng.normal(size=(2, H))
    for variant in gru.VARIANTS:
        _, c = gru.step_forward(x, h_prev, params, variant=variant)
        names = [op.split(" = ")[0] for op in gru.STEP_OPERATIONS]
        assert names[:4] == ["g1", "g2", "g3", "z"] and names[-1] == "h"
        for name in names:
            assert c[name].shape == (2, H), name
        # the sums and products of the chain hold exactly as stated
        assert np.array_equal(c["g3"], c["g1"] + c["g2"])
        assert np.array_equal(c["g6"], c["g4"] + c["g5"])
        assert np.array_equal(c["g10"], c["g8"] + c["g9"])
        assert np.array_equal(c["g11"], c["z"] * h_prev)
        assert np.array_equal(c["g12"], (1 - c["z"]) * c["h_tilde"])
        assert np.array_equal(c["h"], c["g11"] + c["g12"])


def test_named_backward_accumulates_where_values_are_reused(params, rng):
    """∂L/∂z is the sum of its two uses: through g11 = z∘h_prev and g12 = (1 - z)∘h~."""
    x, h_prev = rng.normal(size=(2, D)), rng.normal(size=(2, H))
    _, c = gru.step_forward(x, h_prev, params)
    dh = rng.normal(size=(2, H))
    d = gru.step_backward_named(dh, c)
    assert np.allclose(d["z"], dh * h_prev - dh * c["h_tilde"], rtol=1e-14)
    assert np.allclose(d["g3"], d["z"] * c["z"] * (1 - c["z"]), rtol=1e-14)
    # h_prev is used four times: g1, g4, g7 and g11
    uses = d["g1"] @ params["W_zh"] + d["g4"] @ params["W_rh"] + d["g7"] * c["r"] + d["g11"] * c["z"]
    assert relative_error(d["h_prev"], uses) < 1e-15


def saturated(params, z_bias, r_bias):
    """Parameters whose gate pre-activations are dominated by huge biases."""
    p = {k: v.copy() for k, v in params.items()}
    p["b_zx"][:] = z_bias
    p["b_rx"][:] = r_bias
    return p


@pytest.mark.parametrize("variant", gru.VARIANTS)
def test_update_gate_near_one_copies_the_state(params, rng, variant):
    """z → 1: h_t = h_{t-1}, and the gradient passes through unchanged."""
    p = saturated(params, z_bias=50.0, r_bias=0.0)
    x, h_prev = rng.normal(size=(2, D)), rng.normal(size=(2, H))
    h, cache = gru.step_forward(x, h_prev, p, variant=variant)
    assert np.allclose(h, h_prev, atol=1e-15, rtol=0)
    dh = rng.normal(size=(2, H))
    _, dh_prev, _ = gru.step_backward(dh, cache)
    assert np.allclose(dh_prev, dh, atol=1e-12, rtol=0)


@pytest.mark.parametrize("variant", gru.VARIANTS)
def test_update_near_zero_and_reset_near_zero_forget_the_state(params, rng, variant):
    """z → 0, r → 0: h_t = tanh(W_hx x + b_hx + b_hh), whatever h_{t-1} was."""
    p = saturated(params, z_bias=-50.0, r_bias=-50.0)
    x = rng.normal(size=(2, D))
    expected = np.tanh(x @ p["W_hx"].T + p["b_hx"] + p["b_hh"] * (variant == "reset_before"))
    for h_prev in (rng.normal(size=(2, H)), 10 * rng.normal(size=(2, H))):
        h, _ = gru.step_forward(x, h_prev, p, variant=variant)
        assert np.allclose(h, expected, atol=1e-12, rtol=0)


def test_the_two_variants_differ_on_the_same_weights(params, rng):
    x, h_prev = rng.normal(size=(2, D)), rng.normal(size=(2, H))
    before, _ = gru.step_forward(x, h_prev, params, variant="reset_before")
    after, _ = gru.step_forward(x, h_prev, params, variant="reset_after")
    assert np.abs(before - after).max() > 1e-3


def test_the_variants_agree_when_the_reset_gate_is_open(params, rng):
    """With r → 1, W_hh (r∘h) + b_hh = r∘(W_hh h + b_hh): the variants coincide."""
    p = saturated(params, z_bias=0.0, r_bias=50.0)
    x, h_prev = rng.normal(size=(2, D)), rng.normal(size=(2, H))
    before, _ = gru.step_forward(x, h_prev, p, variant="reset_before")
    after, _ = gru.step_forward(x, h_prev, p, variant="reset_after")
    assert np.allclose(before, after, atol=1e-14, rtol=0)
