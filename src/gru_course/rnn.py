"""The vanilla tanh RNN: one step, a whole sequence, and their backward passes.

Notation of Part I of the book (after the reference article):

    h(t) = W_xh x(t) + b_xh + W_ah a(t-1) + b_ah     pre-activation
    a(t) = tanh(h(t))                                 hidden state

The article's single bias b_h is b_xh + b_ah here: two biases, as in
``torch.nn.RNN``, so that PyTorch weights load exactly. Only their sum changes
the output, and both always receive the same gradient.

Shapes: x (B, D), state a (B, H), xs (T, B, D), states (T, B, H). Weights are
shaped as in the equations, W_xh (H, D) and W_ah (H, H), so W x is ``x @ W.T``
on a batch. Function arguments called ``h_prev`` / ``h0`` / ``hs`` are *states*
a(t), with the same names as in :mod:`gru_course.gru`.
"""

import numpy as np

from . import _checks, _params


def param_shapes(input_size, hidden_size):
    """The parameter names and shapes: {name: (shape, axis names)}."""
    d, h = input_size, hidden_size
    return {
        "W_xh": ((h, d), ("H", "D")),
        "W_ah": ((h, h), ("H", "H")),
        "b_xh": ((h,), ("H",)),
        "b_ah": ((h,), ("H",)),
    }


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """Random parameters, uniform in ±1/√H as in ``torch.nn.RNN``.

    rng: a ``numpy.random.Generator``. Returns {name: array} with the shapes of
    :func:`param_shapes` and the given float dtype.
    """
    sizes = {"input_size": input_size, "hidden_size": hidden_size}
    return _params.uniform_init(param_shapes, sizes, "hidden_size", rng, dtype)


def step_forward(x, h_prev, params):
    """One step: a(t) = tanh(W_xh x + b_xh + W_ah a(t-1) + b_ah).

    x:      (B, D) input x(t).
    h_prev: (B, H) previous state a(t-1).
    params: dict with W_xh (H, D), W_ah (H, H), b_xh (H,), b_ah (H,).

    Returns ``(a, cache)``: the new state a(t) of shape (B, H), and a dict
    holding x, a_prev, the pre-activation h and the state a for the backward.
    """
    x, h_prev, params = _checks.model_inputs(params, param_shapes, "x", x, "h_prev", h_prev)
    h = x @ params["W_xh"].T + params["b_xh"] + h_prev @ params["W_ah"].T + params["b_ah"]
    a = np.tanh(h)
    return a, {"kind": "rnn.step_forward", "x": x, "a_prev": h_prev, "h": h, "a": a, "params": params}


def step_backward(dh, cache):
    """Backward of :func:`step_forward`.

    dh:    (B, H) upstream gradient ∂L/∂a(t) of the returned state.
    cache: what :func:`step_forward` returned.

    Returns ``(dx, dh_prev, grads)``: ∂L/∂x (B, D), ∂L/∂a(t-1) (B, H) and a dict
    of parameter gradients with the keys and shapes of the parameters.
    """
    cache = _checks.cache_from("cache", cache, "rnn.step_forward", ("x", "a_prev", "a"))
    a, params = cache["a"], cache["params"]
    da = _checks.upstream_gradient("dh", dh, a.shape, ("B", "H"), a)
    dpre = da * (1 - a * a)  # ∂L/∂h(t): through tanh' = 1 - a²
    grads = {
        "W_xh": dpre.T @ cache["x"],
        "W_ah": dpre.T @ cache["a_prev"],
        "b_xh": dpre.sum(axis=0),
        "b_ah": dpre.sum(axis=0),
    }
    return dpre @ params["W_xh"], dpre @ params["W_ah"], grads


def forward(xs, h0, params):
    """Run the RNN over a sequence.

    xs:     (T, B, D) inputs x(1) ... x(T).
    h0:     (B, H) initial state a(0).
    params: as in :func:`step_forward`.

    Returns ``(hs, cache)`` with hs (T, B, H) the states a(1) ... a(T).
    The input projections of all steps are one matrix product; each step then
    costs one (B, H) x (H, H) product.
    """
    xs, h0, params = _checks.model_inputs(params, param_shapes, "xs", xs, "h0", h0)
    steps, batch, _ = xs.shape
    projected = (xs.reshape(steps * batch, -1) @ params["W_xh"].T).reshape(steps, batch, -1)
    projected += params["b_xh"] + params["b_ah"]
    hs = np.empty_like(projected)
    a, w_ah_t = h0, params["W_ah"].T
    for t in range(steps):
        a = np.tanh(projected[t] + a @ w_ah_t, out=hs[t])
    return hs, {"kind": "rnn.forward", "xs": xs, "h0": h0, "hs": hs, "params": params}


def backward(dhs, cache):
    """Backpropagation through time for :func:`forward`.

    dhs:   (T, B, H) the gradient of the loss with respect to each returned
           state, ∂L/∂a(t) from the output layer only (not through later steps).
    cache: what :func:`forward` returned.

    Returns ``(dxs, dh0, grads)``: ∂L/∂xs (T, B, D), ∂L/∂a(0) (B, H), and the
    parameter gradients summed over all time steps.
    """
    cache = _checks.cache_from("cache", cache, "rnn.forward", ("xs", "h0", "hs"))
    hs, params = cache["hs"], cache["params"]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    dpre = np.empty_like(hs)  # ∂L/∂h(t) for every t
    da_next = np.zeros_like(cache["h0"])  # what flows back from step t+1
    w_ah = params["W_ah"]
    for t in reversed(range(len(hs))):
        np.multiply(dhs[t] + da_next, 1 - hs[t] * hs[t], out=dpre[t])
        da_next = dpre[t] @ w_ah
    dxs, grads = _gradients_from(dpre, cache)
    return dxs, da_next, grads


def truncated_backward(dhs, cache, k):
    """BPTT truncated to ``k`` steps: the gradient of each step's loss flows
    back through at most ``k`` cells, then is dropped.

    dhs, cache: as in :func:`backward`. k: a positive int.

    The loss at step t then reaches a(t), a(t-1), ..., a(t-k+1) only. With
    k >= T the result equals :func:`backward`. Costs O(T k) step backwards.
    Returns ``(dxs, dh0, grads)`` as :func:`backward`.
    """
    cache = _checks.cache_from("cache", cache, "rnn.forward", ("xs", "h0", "hs"))
    hs, params = cache["hs"], cache["params"]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    k = _checks.positive_int("k", k)
    dpre = np.zeros_like(hs)
    dh0 = np.zeros_like(cache["h0"])
    for t in range(len(hs)):
        da = dhs[t]
        for s in range(t, max(t - k, -1), -1):
            step = da * (1 - hs[s] * hs[s])
            dpre[s] += step
            da = step @ params["W_ah"]
        if t < k:  # the window reached back to the initial state
            dh0 += da
    dxs, grads = _gradients_from(dpre, cache)
    return dxs, dh0, grads


def _gradients_from(dpre, cache):
    """∂L/∂xs and the parameter gradients from ∂L/∂h(t) at every step (T, B, H):
    one matrix product per weight over all steps."""
    hs, params = cache["hs"], cache["params"]
    steps, batch, hidden = hs.shape
    flat = dpre.reshape(steps * batch, hidden)
    states_before = np.concatenate([cache["h0"][None], hs[:-1]]).reshape(steps * batch, hidden)
    bias = flat.sum(axis=0)
    grads = {
        "W_xh": flat.T @ cache["xs"].reshape(steps * batch, -1),
        "W_ah": flat.T @ states_before,
        "b_xh": bias,
        "b_ah": bias.copy(),
    }
    return dpre @ params["W_xh"], grads


def params_from_pytorch(weight_ih, weight_hh, bias_ih, bias_hh):
    """Parameters from a ``torch.nn.RNN`` layer (tanh), as numpy arrays.

    weight_ih (H, D), weight_hh (H, H), bias_ih (H,), bias_hh (H,): e.g.
    ``layer.weight_ih_l0.detach().numpy()``. Converts their ``.grad`` too.
    Returns {W_xh, W_ah, b_xh, b_ah}, copies of the four arrays.
    """
    arrays = _params.pytorch_layer(1, weight_ih, weight_hh, bias_ih, bias_hh)
    return dict(zip(param_shapes(1, 1), arrays, strict=True))


def params_to_pytorch(params):
    """The inverse of :func:`params_from_pytorch`: the tuple
    ``(weight_ih, weight_hh, bias_ih, bias_hh)``; converts gradients too."""
    params = _checks.model_params(params, param_shapes)
    return tuple(params[key].copy() for key in param_shapes(1, 1))
