"""The vanilla tanh RNN: one step, a whole sequence, and their backward passes.

The book's notation, the same as the GRU's (the state is h_t everywhere)::

    a_t = W_hx x_t + b_hx + W_hh h_{t-1} + b_hh     pre-activation
    h_t = tanh(a_t)                                 state

A single bias b_h of the equations is b_hx + b_hh here: two biases, as in
``torch.nn.RNN``, so that PyTorch weights load exactly. Only their sum changes
the output, and both always receive the same gradient. (The reference article
of Part I writes the pre-activation h(t) and the state a(t), with weights w_xh,
w_ah; the preface's notation table maps its names to these.)

Shapes: x (B, D), h (B, H), xs (T, B, D), hs (T, B, H). Weights are shaped as
in the equations, W_hx (H, D) and W_hh (H, H), so W x is ``x @ W.T`` on a batch.
In code, a gradient is named after its quantity with a ``d`` in front: ``dh``
is ∂L/∂h_t, ``da`` is ∂L/∂a_t.
"""

import numpy as np

from . import _checks, _params


def param_shapes(input_size, hidden_size):
    """The parameter names and shapes: {name: (shape, axis names)}."""
    d, h = input_size, hidden_size
    return {
        "W_hx": ((h, d), ("H", "D")),
        "W_hh": ((h, h), ("H", "H")),
        "b_hx": ((h,), ("H",)),
        "b_hh": ((h,), ("H",)),
    }


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """Random parameters, uniform in ±1/√H as in ``torch.nn.RNN``.

    rng: a ``numpy.random.Generator``. Returns {name: array} with the shapes of
    :func:`param_shapes` and the given float dtype.
    """
    sizes = {"input_size": input_size, "hidden_size": hidden_size}
    return _params.uniform_init(param_shapes, sizes, "hidden_size", rng, dtype)


def step_forward(x, h_prev, params):
    """One step: h_t = tanh(W_hx x_t + b_hx + W_hh h_{t-1} + b_hh).

    x:      (B, D) input x_t.
    h_prev: (B, H) previous state h_{t-1}.
    params: dict with W_hx (H, D), W_hh (H, H), b_hx (H,), b_hh (H,).

    Returns ``(h, cache)``: the new state h_t of shape (B, H), and a dict
    holding x, h_prev, the pre-activation a and the state h for the backward.
    """
    x, h_prev, params = _checks.model_inputs(params, param_shapes, "x", x, "h_prev", h_prev)
    a = x @ params["W_hx"].T + params["b_hx"] + h_prev @ params["W_hh"].T + params["b_hh"]
    h = np.tanh(a)
    return h, {"kind": "rnn.step_forward", "x": x, "h_prev": h_prev, "a": a, "h": h, "params": params}


def step_backward(dh, cache):
    """Backward of :func:`step_forward`.

    dh:    (B, H) upstream gradient ∂L/∂h_t of the returned state.
    cache: what :func:`step_forward` returned.

    Returns ``(dx, dh_prev, grads)``: ∂L/∂x_t (B, D), ∂L/∂h_{t-1} (B, H) and a
    dict of parameter gradients with the keys and shapes of the parameters.
    """
    cache = _checks.cache_from("cache", cache, "rnn.step_forward", ("x", "h_prev", "h"))
    h, params = cache["h"], cache["params"]
    dh = _checks.upstream_gradient("dh", dh, h.shape, ("B", "H"), h)
    da = dh * (1 - h * h)  # ∂L/∂a_t: through tanh' = 1 - h_t²
    grads = {
        "W_hx": da.T @ cache["x"],
        "W_hh": da.T @ cache["h_prev"],
        "b_hx": da.sum(axis=0),
        "b_hh": da.sum(axis=0),
    }
    return da @ params["W_hx"], da @ params["W_hh"], grads


def forward(xs, h0, params):
    """Run the RNN over a sequence.

    xs:     (T, B, D) inputs x_1 ... x_T.
    h0:     (B, H) initial state h_0.
    params: as in :func:`step_forward`.

    Returns ``(hs, cache)`` with hs (T, B, H) the states h_1 ... h_T.
    The input projections of all steps are one matrix product; each step then
    costs one (B, H) x (H, H) product.
    """
    xs, h0, params = _checks.model_inputs(params, param_shapes, "xs", xs, "h0", h0)
    steps, batch, _ = xs.shape
    projected = (xs.reshape(steps * batch, -1) @ params["W_hx"].T).reshape(steps, batch, -1)
    projected += params["b_hx"] + params["b_hh"]
    hs = np.empty_like(projected)
    h, w_hh_t = h0, params["W_hh"].T
    for t in range(steps):
        h = np.tanh(projected[t] + h @ w_hh_t, out=hs[t])
    return hs, {"kind": "rnn.forward", "xs": xs, "h0": h0, "hs": hs, "params": params}


def backward(dhs, cache):
    """Backpropagation through time for :func:`forward`.

    dhs:   (T, B, H) the gradient of the loss with respect to each returned
           state, ∂L/∂h_t from the output layer only (not through later steps).
    cache: what :func:`forward` returned.

    Returns ``(dxs, dh0, grads)``: ∂L/∂xs (T, B, D), ∂L/∂h_0 (B, H), and the
    parameter gradients summed over all time steps.
    """
    cache = _checks.cache_from("cache", cache, "rnn.forward", ("xs", "h0", "hs"))
    hs, params = cache["hs"], cache["params"]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    das = np.empty_like(hs)  # ∂L/∂a_t for every t
    from_later = np.zeros_like(cache["h0"])  # what flows back from step t+1 into h_t
    w_hh = params["W_hh"]
    for t in reversed(range(len(hs))):
        np.multiply(dhs[t] + from_later, 1 - hs[t] * hs[t], out=das[t])
        from_later = das[t] @ w_hh
    dxs, grads = _gradients_from(das, cache)
    return dxs, from_later, grads


def truncated_backward(dhs, cache, k):
    """BPTT truncated to ``k`` steps: the gradient of each step's loss flows
    back through at most ``k`` cells, then is dropped.

    dhs, cache: as in :func:`backward`. k: a positive int.

    The loss at step t then reaches back through the cells t, t-1, ..., t-k+1
    only (their pre-activations and, through them, the weights and inputs), and
    the states h_t ... h_{t-k}: h_0 receives a gradient from the losses whose
    window reaches the first cell. With k >= T the result equals
    :func:`backward`. Costs O(T k) step backwards.
    Returns ``(dxs, dh0, grads)`` as :func:`backward`.
    """
    cache = _checks.cache_from("cache", cache, "rnn.forward", ("xs", "h0", "hs"))
    hs, params = cache["hs"], cache["params"]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    k = _checks.positive_int("k", k)
    das = np.zeros_like(hs)
    dh0 = np.zeros_like(cache["h0"])
    for t in range(len(hs)):
        dh = dhs[t]
        for s in range(t, max(t - k, -1), -1):
            da = dh * (1 - hs[s] * hs[s])
            das[s] += da
            dh = da @ params["W_hh"]
        if t < k:  # the window reached back to the initial state
            dh0 += dh
    dxs, grads = _gradients_from(das, cache)
    return dxs, dh0, grads


def _gradients_from(das, cache):
    """∂L/∂xs and the parameter gradients from ∂L/∂a_t at every step (T, B, H):
    one matrix product per weight over all steps."""
    hs, params = cache["hs"], cache["params"]
    steps, batch, hidden = hs.shape
    flat = das.reshape(steps * batch, hidden)
    states_before = np.concatenate([cache["h0"][None], hs[:-1]]).reshape(steps * batch, hidden)
    bias = flat.sum(axis=0)
    grads = {
        "W_hx": flat.T @ cache["xs"].reshape(steps * batch, -1),
        "W_hh": flat.T @ states_before,
        "b_hx": bias,
        "b_hh": bias.copy(),
    }
    return das @ params["W_hx"], grads


def params_from_pytorch(weight_ih, weight_hh, bias_ih, bias_hh):
    """Parameters from a ``torch.nn.RNN`` layer (tanh), as numpy arrays.

    weight_ih (H, D), weight_hh (H, H), bias_ih (H,), bias_hh (H,): e.g.
    ``layer.weight_ih_l0.detach().numpy()``. Converts their ``.grad`` too.
    Returns {W_hx, W_hh, b_hx, b_hh}, copies of the four arrays.
    """
    arrays = _params.pytorch_layer(1, weight_ih, weight_hh, bias_ih, bias_hh)
    return dict(zip(param_shapes(1, 1), arrays, strict=True))


def params_to_pytorch(params):
    """The inverse of :func:`params_from_pytorch`: the tuple
    ``(weight_ih, weight_hh, bias_ih, bias_hh)``; converts gradients too."""
    params = _checks.model_params(params, param_shapes)
    return tuple(params[key].copy() for key in param_shapes(1, 1))
