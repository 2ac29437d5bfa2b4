"""The LSTM: forward values, gradients, step = fast path, the cell's memory, the
one-step Jacobian, and the PyTorch bridge."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import conftest
from gru_course import analysis, lstm
from gru_course.gradcheck import gradcheck, relative_error
from test_analysis import finite_difference_jacobian
from test_models import sigmoid
from test_pytorch_bridge import layer_arrays, torch_layer

T, B, D, H = 4, 2, 3, 5


def make_inputs(rng, steps=T, batch=B, inputs=D, hidden=H, dtype=np.float64):
    """Random params, xs (T, B, D), h0 (B, H) and c0 (B, H)."""
    params, xs, h0 = conftest.make_inputs(lstm, rng, steps, batch, inputs, hidden, dtype)
    return params, xs, h0, rng.normal(size=h0.shape).astype(dtype)


def reference_step(x, h, c, p):
    """The cell's equations written out directly, independently of the package."""
    i = sigmoid(x @ p["W_ix"].T + p["b_ix"] + h @ p["W_ih"].T + p["b_ih"])
    f = sigmoid(x @ p["W_fx"].T + p["b_fx"] + h @ p["W_fh"].T + p["b_fh"])
    q = sigmoid(x @ p["W_qx"].T + p["b_qx"] + h @ p["W_qh"].T + p["b_qh"])
    c_tilde = np.tanh(x @ p["W_cx"].T + p["b_cx"] + h @ p["W_ch"].T + p["b_ch"])
    c = f * c + i * c_tilde
    return q * np.tanh(c), c


def test_forward_computes_the_equations(rng):
    params, xs, h0, c0 = make_inputs(rng)
    hs, cache = lstm.forward(xs, h0, c0, params)
    h, c = h0, c0
    for t in range(T):
        step_h, step_c, _ = lstm.step_forward(xs[t], h, c, params)
        h, c = reference_step(xs[t], h, c, params)
        assert relative_error(hs[t], h) < 1e-14 and relative_error(cache["cs"][t], c) < 1e-14
        assert relative_error(step_h, h) < 1e-14 and relative_error(step_c, c) < 1e-14


def test_step_keeps_every_intermediate_of_the_chain(rng):
    params, xs, h0, c0 = make_inputs(rng)
    _, _, cache = lstm.step_forward(xs[0], h0, c0, params)
    names = [op.split(" = ")[0] for op in lstm.STEP_OPERATIONS]
    assert names[:4] == ["g1", "g2", "g3", "i"] and names[-1] == "h"
    assert [n for n in names if n.startswith("g")] == [f"g{n}" for n in range(1, 16)]
    for name in names:
        assert cache[name].shape == (B, H), name
    # the sums and products of the chain hold exactly as stated
    for first, gate in ((1, "i"), (4, "f"), (7, "c"), (10, "q")):
        recurrent, from_input, total = (cache[f"g{first + k}"] for k in range(3))
        assert np.array_equal(recurrent, h0 @ params[f"W_{gate}h"].T + params[f"b_{gate}h"])
        assert np.array_equal(from_input, xs[0] @ params[f"W_{gate}x"].T + params[f"b_{gate}x"])
        assert np.array_equal(total, recurrent + from_input)
    assert np.array_equal(cache["g13"], cache["f"] * c0)
    assert np.array_equal(cache["g14"], cache["i"] * cache["c_tilde"])
    assert np.array_equal(cache["c"], cache["g13"] + cache["g14"])
    assert np.array_equal(cache["g15"], np.tanh(cache["c"]))
    assert np.array_equal(cache["h"], cache["q"] * cache["g15"])


def test_named_backward_accumulates_where_values_are_reused(rng):
    """c gets its gradient from tanh(c) and from outside; h_prev and x from four products each."""
    params, xs, h0, c0 = make_inputs(rng)
    _, _, cache = lstm.step_forward(xs[0], h0, c0, params)
    dh, dc = rng.normal(size=(2, B, H))
    d = lstm.step_backward_named(dh, dc, cache)
    assert relative_error(d["c"], dc + dh * cache["q"] * (1 - cache["g15"] ** 2)) < 1e-15
    assert relative_error(d["c_prev"], d["c"] * cache["f"]) < 1e-15
    for name, first in (("h_prev", 1), ("x", 2)):  # g1, g4, g7, g10 read h_prev; g2, g5, g8, g11 read x
        side = name[0]
        uses = sum(d[f"g{first + 3 * k}"] @ params[f"W_{gate}{side}"] for k, gate in enumerate("ifcq"))
        assert relative_error(d[name], uses) < 1e-15, name


def test_step_gradients_match_finite_differences(rng):
    """Every parameter, x, h_prev and c_prev, with a loss that reads both h and c."""
    params, xs, h0, c0 = make_inputs(rng)
    weights_h, weights_c = rng.normal(size=(2, B, H))

    def loss(a):
        h, c, _ = lstm.step_forward(a["x"], a["h_prev"], a["c_prev"], {k: a[k] for k in params})
        return np.sum(weights_h * h) + np.sum(weights_c * c)

    _, _, cache = lstm.step_forward(xs[0], h0, c0, params)
    dx, dh_prev, dc_prev, grads = lstm.step_backward(weights_h, weights_c, cache)
    arrays = {**params, "x": xs[0], "h_prev": h0, "c_prev": c0}
    report = gradcheck(loss, arrays, {**grads, "x": dx, "h_prev": dh_prev, "c_prev": dc_prev})
    assert report.passed, str(report)


def test_sequence_gradients_match_finite_differences(rng):
    """Every parameter, the inputs and both initial states, at 1e-7 in float64."""
    params, xs, h0, c0 = make_inputs(rng)
    weights = rng.normal(size=(T, B, H))  # L = Σ weights ∘ hs: every state gets a distinct gradient

    def loss(a):
        hs, _ = lstm.forward(a["xs"], a["h0"], a["c0"], {k: a[k] for k in params})
        return np.sum(weights * hs)

    _, cache = lstm.forward(xs, h0, c0, params)
    dxs, dh0, dc0, grads = lstm.backward(weights, cache)
    arrays = {**params, "xs": xs, "h0": h0, "c0": c0}
    report = gradcheck(loss, arrays, {**grads, "xs": dxs, "h0": dh0, "c0": dc0})
    assert report.passed, str(report)


def step_loop(xs, h0, c0, params, dhs):
    """Forward and backward by looping over the step functions (the teaching path)."""
    h, c, caches, hs = h0, c0, [], []
    for x in xs:
        h, c, cache = lstm.step_forward(x, h, c, params)
        caches.append(cache)
        hs.append(h)
    dh, dc, dxs = np.zeros_like(h0), np.zeros_like(c0), []
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    for t in reversed(range(len(xs))):
        dx, dh, dc, step_grads = lstm.step_backward(dhs[t] + dh, dc, caches[t])
        dxs.append(dx)
        for k in grads:
            grads[k] += step_grads[k]
    return np.array(hs), np.array(dxs[::-1]), dh, dc, grads


def assert_step_loop_equals_fast_path(params, xs, h0, c0, dhs, tol):
    hs, cache = lstm.forward(xs, h0, c0, params)
    fast = lstm.backward(dhs, cache)
    loop = step_loop(xs, h0, c0, params, dhs)
    for name, a, b in zip(("hs", "dxs", "dh0", "dc0"), (hs, *fast[:3]), loop[:4], strict=True):
        assert relative_error(a, b) <= tol, name
    grads, loop_grads = fast[3], loop[4]
    for k in params:
        assert grads[k].shape == params[k].shape and grads[k].dtype == params[k].dtype
        assert relative_error(grads[k], loop_grads[k]) <= tol, k


def test_step_loop_equals_fast_path(rng):
    params, xs, h0, c0 = make_inputs(rng, steps=7, batch=3, inputs=4, hidden=6)
    assert_step_loop_equals_fast_path(params, xs, h0, c0, rng.normal(size=(7, 3, 6)), 1e-12)


def test_step_loop_equals_fast_path_over_several_chunks(rng):
    """backward takes 512 // B steps per chunk: with B = 64, 8 steps each, so 20 steps make 3 chunks."""
    params, xs, h0, c0 = make_inputs(rng, steps=20, batch=64, inputs=2, hidden=3)
    assert_step_loop_equals_fast_path(params, xs, h0, c0, rng.normal(size=(20, 64, 3)), 1e-12)


@settings(deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5)),  # T, B, D, H
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_shape_and_dtype(sizes, dtype, seed):
    """Shapes (B = 1 and T = 1 included) and dtypes are kept; step loop = fast path."""
    steps, batch, inputs, hidden = sizes
    rng = np.random.default_rng(seed)
    params, xs, h0, c0 = make_inputs(rng, steps, batch, inputs, hidden, dtype)
    dhs = rng.normal(size=(steps, batch, hidden)).astype(dtype)
    hs, cache = lstm.forward(xs, h0, c0, params)
    assert hs.shape == (steps, batch, hidden) and hs.dtype == dtype
    assert cache["cs"].shape == hs.shape and cache["cs"].dtype == dtype
    dxs, dh0, dc0, grads = lstm.backward(dhs, cache)
    assert dxs.shape == xs.shape and dxs.dtype == dtype
    assert dh0.shape == dc0.shape == h0.shape and dh0.dtype == dc0.dtype == dtype
    assert set(grads) == set(params)
    tol = 1e-12 if dtype == np.float64 else 1e-4  # float32: rounding of sums over steps and batch
    assert_step_loop_equals_fast_path(params, xs, h0, c0, dhs, tol)


def test_float32_agrees_with_float64(rng):
    """The same sequence in float32: states, cells and gradients to float32's precision."""
    params, xs, h0, c0 = make_inputs(rng)
    dhs = rng.normal(size=(T, B, H))
    hs, cache = lstm.forward(xs, h0, c0, params)
    dxs, _, dc0, grads = lstm.backward(dhs, cache)
    xs32, h0_32, c0_32, dhs32 = (a.astype(np.float32) for a in (xs, h0, c0, dhs))
    hs32, cache32 = lstm.forward(xs32, h0_32, c0_32, {k: v.astype(np.float32) for k, v in params.items()})
    dxs32, _, dc0_32, grads32 = lstm.backward(dhs32, cache32)
    assert hs32.dtype == dxs32.dtype == grads32["W_qh"].dtype == np.float32
    pairs = [(hs32, hs), (cache32["cs"], cache["cs"]), (dxs32, dxs), (dc0_32, dc0), (grads32["W_fh"], grads["W_fh"])]
    for single, double in pairs:
        assert relative_error(single, double) < 1e-5


def test_init_params_is_seeded_and_bounded():
    a = lstm.init_params(3, 4, np.random.default_rng(1))
    b = lstm.init_params(3, 4, np.random.default_rng(1))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert list(a) == list(lstm.param_shapes(3, 4)) and len(a) == 16
    assert all(np.abs(v).max() <= 0.5 for v in a.values())  # bound 1/√H = 1/2
    assert lstm.init_params(3, 4, np.random.default_rng(1), dtype=np.float32)["W_ix"].dtype == np.float32


def test_the_two_biases_of_a_gate_get_the_same_gradient(rng):
    params, xs, h0, c0 = make_inputs(rng)
    _, cache = lstm.forward(xs, h0, c0, params)
    _, _, _, grads = lstm.backward(rng.normal(size=(T, B, H)), cache)
    for gate in lstm.GATES:
        assert np.array_equal(grads[f"b_{gate}x"], grads[f"b_{gate}h"])
        assert grads[f"b_{gate}x"] is not grads[f"b_{gate}h"]  # separate arrays: an optimizer may update one in place


# ---------------------------------------------------------------------------
# The cell's memory: with the forget gate open and the input gate shut, c is
# carried unchanged, and so is the gradient that flows back along it.


def test_open_forget_gate_keeps_the_cell_state_and_its_gradient(rng):
    """f → 1 (forget bias +30), i → 0 (input bias -30), over 100 steps.

    σ(30) = 1 - 9e-14, so "unchanged" holds to the rounding of float64 times
    the number of steps: about 1e-11 here.
    """
    params, xs, h0, c0 = make_inputs(rng, steps=100)
    params["b_fx"][:] = 30.0
    params["b_ix"][:] = -30.0
    hs, cache = lstm.forward(xs, h0, c0, params)
    assert relative_error(cache["cs"][-1], c0) < 1e-10
    # step by step, the same; and h_T = o_T ∘ tanh(c_0)
    caches, h, c = [], h0, c0
    for x in xs:
        h, c, step_cache = lstm.step_forward(x, h, c, params)
        caches.append(step_cache)
    assert relative_error(c, c0) < 1e-10
    assert relative_error(hs[-1], caches[-1]["q"] * np.tanh(c0)) < 1e-10
    # the gradient sent into c_T reaches c_0 unchanged
    sent = rng.normal(size=c0.shape)
    dh, dc = np.zeros_like(h0), sent
    for step_cache in reversed(caches):
        _, dh, dc, _ = lstm.step_backward(dh, dc, step_cache)
    assert relative_error(dc, sent) < 1e-10


# ---------------------------------------------------------------------------
# The one-step Jacobian of the state pair (h, c).


def pair_step(params):
    """One step as a function of the stacked state [h, c] (B, 2H) -> [h_t, c_t] (B, 2H)."""

    def step(x, state):
        h, c, _ = lstm.step_forward(x, state[:, :H], state[:, H:], params)
        return np.concatenate([h, c], axis=1)

    return step


def test_jacobian_matches_finite_differences(rng):
    params, xs, h0, c0 = make_inputs(rng, batch=3)
    exact = analysis.lstm_jacobian(xs[0], h0, c0, params)
    numeric = finite_difference_jacobian(pair_step(params), xs[0], np.concatenate([h0, c0], axis=1))
    assert exact.shape == (3, 2 * H, 2 * H)
    assert relative_error(exact, numeric) < 1e-8


def test_jacobian_blocks_with_the_gates_saturated(rng):
    """f → 1, i → 0: ∂c_t/∂c_{t-1} = I and ∂c_t/∂h_{t-1} = 0."""
    params, xs, h0, c0 = make_inputs(rng)
    params["b_fx"][:] = 40.0
    params["b_ix"][:] = -40.0
    jac = analysis.lstm_jacobian(xs[0], h0, c0, params)
    assert np.allclose(jac[:, H:, H:], np.eye(H), atol=1e-15, rtol=0)
    assert np.allclose(jac[:, H:, :H], 0, atol=1e-15)


def test_jacobian_product_gives_backward_through_time(rng):
    """(J_T ... J_1)ᵀ [∂L/∂h_T, 0] = [∂L/∂h_0, ∂L/∂c_0] when the loss reads h_T only."""
    params, xs, h0, c0 = make_inputs(rng, steps=6)
    hs, cache = lstm.forward(xs, h0, c0, params)
    h_prevs, c_prevs = np.concatenate([h0[None], hs[:-1]]), np.concatenate([c0[None], cache["cs"][:-1]])
    jacobians = np.array([analysis.lstm_jacobian(xs[t], h_prevs[t], c_prevs[t], params) for t in range(6)])
    dhs = np.zeros_like(hs)
    dhs[-1] = rng.normal(size=h0.shape)
    _, dh0, dc0, _ = lstm.backward(dhs, cache)
    sent = np.concatenate([dhs[-1], np.zeros_like(c0)], axis=1)
    reached = np.einsum("bi,bij->bj", sent, analysis.jacobian_product(jacobians))
    assert relative_error(reached, np.concatenate([dh0, dc0], axis=1)) < 1e-12


# ---------------------------------------------------------------------------
# The PyTorch bridge.


def test_round_trip_is_exact(rng):
    params = lstm.init_params(3, 4, rng)
    back = lstm.params_from_pytorch(*lstm.params_to_pytorch(params))
    assert list(back) == list(params)
    assert all(np.array_equal(back[k], params[k]) for k in params)


def test_gate_order_is_i_f_g_o():
    """PyTorch stacks rows as input, forget, cell (candidate), output: blocks 0, 1, 2, 3 (i, f, c, q here)."""
    hidden, inputs = 2, 3
    block = np.repeat(np.arange(4.0), hidden)  # 0 0 1 1 2 2 3 3
    weight_ih, weight_hh = np.outer(block, np.ones(inputs)), np.outer(block, np.ones(hidden))
    params = lstm.params_from_pytorch(weight_ih, weight_hh, block + 10, block + 20)
    for index, gate in enumerate("ifcq"):  # PyTorch's g is our candidate c, its o our q
        expected = {f"W_{gate}x": index, f"W_{gate}h": index, f"b_{gate}x": index + 10, f"b_{gate}h": index + 20}
        for name, value in expected.items():
            assert np.all(params[name] == value), name


def test_params_from_pytorch_copies(rng):
    arrays = lstm.params_to_pytorch(lstm.init_params(3, 4, rng))
    params = lstm.params_from_pytorch(*arrays)
    arrays[0][:] = 0
    assert np.abs(params["W_ix"]).max() > 0


def test_matches_torch_outputs_and_every_gradient(rng):
    torch, layer = torch_layer("LSTM", rng)
    params = lstm.params_from_pytorch(*layer_arrays(layer))
    _, xs, h0, c0 = make_inputs(rng, steps=6, batch=3, inputs=3, hidden=5)
    dhs = rng.normal(size=(6, 3, 5))
    xs_t, h0_t, c0_t = (torch.tensor(a, requires_grad=True) for a in (xs, h0[None], c0[None]))
    out, _ = layer(xs_t, (h0_t, c0_t))
    (out * torch.tensor(dhs)).sum().backward()
    hs, cache = lstm.forward(xs, h0, c0, params)
    dxs, dh0, dc0, grads = lstm.backward(dhs, cache)
    torch_grads = lstm.params_from_pytorch(*layer_arrays(layer, grad=True))
    assert relative_error(hs, out.detach().numpy()) < 1e-10
    assert relative_error(dxs, xs_t.grad.numpy()) < 1e-10
    assert relative_error(dh0, h0_t.grad.numpy()[0]) < 1e-10
    assert relative_error(dc0, c0_t.grad.numpy()[0]) < 1e-10
    for k in params:
        assert relative_error(grads[k], torch_grads[k]) < 1e-10, k
