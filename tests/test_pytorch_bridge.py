"""The PyTorch bridge: exact round trips, gate order, and (if torch is installed)
identical outputs and gradients."""

import numpy as np
import pytest

from conftest import make_inputs
from gru_course import gru, rnn
from gru_course.gradcheck import relative_error


def test_gru_round_trip_is_exact(rng):
    params = gru.init_params(3, 4, rng)
    back = gru.params_from_pytorch(*gru.params_to_pytorch(params))
    assert list(back) == list(params)
    assert all(np.array_equal(back[k], params[k]) for k in params)


def test_rnn_round_trip_is_exact(rng):
    params = rnn.init_params(3, 4, rng)
    back = rnn.params_from_pytorch(*rnn.params_to_pytorch(params))
    assert all(np.array_equal(back[k], params[k]) for k in params)


def test_gru_gate_order_is_r_z_n():
    """PyTorch stacks rows as reset, update, new (candidate): blocks 0, 1, 2."""
    hidden, inputs = 2, 3
    block = np.repeat(np.arange(3.0), hidden)  # 0 0 1 1 2 2
    weight_ih = np.repeat(block[:, None], inputs, axis=1)
    weight_hh = np.repeat(block[:, None], hidden, axis=1)
    params = gru.params_from_pytorch(weight_ih, weight_hh, block + 10, block + 20)
    for gate, index in (("r", 0), ("z", 1), ("h", 2)):
        assert np.all(params[f"W_{gate}x"] == index) and np.all(params[f"W_{gate}h"] == index)
        assert np.all(params[f"b_{gate}x"] == index + 10) and np.all(params[f"b_{gate}h"] == index + 20)


def test_params_from_pytorch_copies(rng):
    arrays = gru.params_to_pytorch(gru.init_params(3, 4, rng))
    params = gru.params_from_pytorch(*arrays)
    arrays[0][:] = 0
    assert np.abs(params["W_rx"]).max() > 0


def test_bridge_rejects_misshapen_layers():
    with pytest.raises(ValueError, match=r"weight_ih must have shape \(3H, D\) = \(12, 3\); got \(9, 3\)"):
        gru.params_from_pytorch(np.zeros((9, 3)), np.zeros((12, 4)), np.zeros(12), np.zeros(12))
    with pytest.raises(ValueError, match=r"bias_hh must have shape \(H\) = \(4,\); got \(5,\)"):
        rnn.params_from_pytorch(np.zeros((4, 3)), np.zeros((4, 4)), np.zeros(4), np.zeros(5))
    with pytest.raises(TypeError, match="bias_ih has dtype float32 but weight_hh has dtype float64"):
        rnn.params_from_pytorch(np.zeros((4, 3)), np.zeros((4, 4)), np.zeros(4, np.float32), np.zeros(4))


# ---------------------------------------------------------------------------
# Against torch itself, when it is installed (it is never required).


def torch_layer(kind, rng, inputs=3, hidden=5):
    torch = pytest.importorskip("torch")
    torch.manual_seed(int(rng.integers(2**31)))
    layer = getattr(torch.nn, kind)(inputs, hidden).double()
    return torch, layer


def torch_run(torch, layer, xs, h0, dhs):
    xs_t = torch.tensor(xs, requires_grad=True)
    h0_t = torch.tensor(h0[None], requires_grad=True)
    out, _ = layer(xs_t, h0_t)
    (out * torch.tensor(dhs)).sum().backward()
    return out.detach().numpy(), xs_t.grad.numpy(), h0_t.grad.numpy()[0]


def layer_arrays(layer, grad=False):
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    return [getattr(getattr(layer, n), "grad" if grad else "data").numpy() for n in names]


@pytest.mark.parametrize(("kind", "module", "variant"), [("GRU", gru, "reset_after"), ("RNN", rnn, None)])
def test_matches_torch_outputs_and_every_gradient(kind, module, variant, rng):
    torch, layer = torch_layer(kind, rng)
    params = module.params_from_pytorch(*layer_arrays(layer))
    _, xs, h0 = make_inputs(module, rng, steps=6, batch=3, inputs=3, hidden=5)
    dhs = rng.normal(size=(6, 3, 5))
    out, dxs_t, dh0_t = torch_run(torch, layer, xs, h0, dhs)
    kwargs = {} if variant is None else {"variant": variant}
    hs, cache = module.forward(xs, h0, params, **kwargs)
    dxs, dh0, grads = module.backward(dhs, cache)
    torch_grads = module.params_from_pytorch(*layer_arrays(layer, grad=True))
    assert relative_error(hs, out) < 1e-10
    assert relative_error(dxs, dxs_t) < 1e-10
    assert relative_error(dh0, dh0_t) < 1e-10
    for k in params:
        assert relative_error(grads[k], torch_grads[k]) < 1e-10, k


def test_torch_weights_with_reset_before_mean_reset_inside(rng):
    """With "reset_before", the same parameters compute W_hn (r∘h) + b_hn instead."""
    torch, layer = torch_layer("GRU", rng)
    params = gru.params_from_pytorch(*layer_arrays(layer))
    _, xs, h0 = make_inputs(gru, rng, steps=2, batch=1, inputs=3, hidden=5)
    out, _, _ = torch_run(torch, layer, xs, h0, np.zeros((2, 1, 5)))
    hs, _ = gru.forward(xs, h0, params, variant="reset_before")
    assert np.abs(hs - out).max() > 1e-4
