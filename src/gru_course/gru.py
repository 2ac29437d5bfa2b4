"""The Gated Recurrent Unit: one step (the teaching version), a whole sequence
(the fast version), their backward passes, and a bridge to ``torch.nn.GRU``.

The equations, with σ the logistic sigmoid and ∘ the elementwise product::

    z   = σ(W_zx x + b_zx + W_zh h_prev + b_zh)          update gate
    r   = σ(W_rx x + b_rx + W_rh h_prev + b_rh)          reset gate
    h~  = tanh(W_hx x + b_hx + W_hh (r ∘ h_prev) + b_hh)   variant "reset_before"
    h~  = tanh(W_hx x + b_hx + r ∘ (W_hh h_prev + b_hh))   variant "reset_after"
    h   = z ∘ h_prev + (1 - z) ∘ h~

"reset_before" is the form of Cho et al. (2014) and of the book's reference
articles; "reset_after" is the form of cuDNN, ``torch.nn.GRU`` and Keras with
``reset_after=True``. Each gate keeps an input bias and a hidden bias, as
PyTorch does; except for b_hh in "reset_after", only their sum matters.

Shapes: x (B, D), h (B, H), xs (T, B, D), hs (T, B, H). Weights are shaped as
in the equations: W_*x (H, D), W_*h (H, H), so W x is ``x @ W.T`` on a batch.
"""

import numpy as np

from . import _checks, _params
from .activations import _sigmoid

VARIANTS = ("reset_before", "reset_after")

# The step as a chain of elementary operations (the book's g1 ... g12). Each
# matrix product carries its bias. For "reset_after", g7 and g8 swap roles:
# g7 = W_hh h_prev + b_hh and g8 = r ∘ g7.
STEP_OPERATIONS = (
    "g1 = W_zh h_prev + b_zh",
    "g2 = W_zx x + b_zx",
    "g3 = g1 + g2",
    "z = σ(g3)",
    "g4 = W_rh h_prev + b_rh",
    "g5 = W_rx x + b_rx",
    "g6 = g4 + g5",
    "r = σ(g6)",
    "g7 = r ∘ h_prev",
    "g8 = W_hh g7 + b_hh",
    "g9 = W_hx x + b_hx",
    "g10 = g8 + g9",
    "h_tilde = tanh(g10)",
    "g11 = z ∘ h_prev",
    "g12 = (1 - z) ∘ h_tilde",
    "h = g11 + g12",
)


def param_shapes(input_size, hidden_size):
    """The parameter names and shapes: {name: (shape, axis names)}."""
    d, h = input_size, hidden_size
    shapes = {}
    for gate in "zrh":
        shapes[f"W_{gate}x"] = ((h, d), ("H", "D"))
        shapes[f"W_{gate}h"] = ((h, h), ("H", "H"))
        shapes[f"b_{gate}x"] = ((h,), ("H",))
        shapes[f"b_{gate}h"] = ((h,), ("H",))
    return shapes


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """Random parameters, uniform in ±1/√H as in ``torch.nn.GRU``.

    rng: a ``numpy.random.Generator``. Returns {name: array} with the twelve
    names and shapes of :func:`param_shapes` and the given float dtype.
    """
    return _params.uniform_init(param_shapes, input_size, hidden_size, rng, dtype)


# ----------------------------------------------------------------------------
# One step, operation by operation: the version the book derives.


def step_forward(x, h_prev, params, variant="reset_before"):
    """One GRU step, keeping every intermediate of the g1 ... g12 chain.

    x:       (B, D) input x_t.
    h_prev:  (B, H) previous state h_{t-1}.
    params:  dict of the twelve arrays of :func:`param_shapes`.
    variant: "reset_before" or "reset_after".

    Returns ``(h, cache)``: the new state h_t (B, H), and a dict with x,
    h_prev, g1 ... g12, z, r, h_tilde and h, each (B, H) (x is (B, D)).
    """
    variant = _checks.choice("variant", variant, VARIANTS)
    x, h_prev, p = _checks.model_inputs(params, param_shapes, "x", x, "h_prev", h_prev)
    c = {"kind": "gru.step_forward", "variant": variant, "params": p, "x": x, "h_prev": h_prev}
    c["g1"] = h_prev @ p["W_zh"].T + p["b_zh"]
    c["g2"] = x @ p["W_zx"].T + p["b_zx"]
    c["g3"] = c["g1"] + c["g2"]
    c["z"] = _sigmoid(c["g3"])
    c["g4"] = h_prev @ p["W_rh"].T + p["b_rh"]
    c["g5"] = x @ p["W_rx"].T + p["b_rx"]
    c["g6"] = c["g4"] + c["g5"]
    c["r"] = _sigmoid(c["g6"])
    if variant == "reset_before":
        c["g7"] = c["r"] * h_prev
        c["g8"] = c["g7"] @ p["W_hh"].T + p["b_hh"]
    else:
        c["g7"] = h_prev @ p["W_hh"].T + p["b_hh"]
        c["g8"] = c["r"] * c["g7"]
    c["g9"] = x @ p["W_hx"].T + p["b_hx"]
    c["g10"] = c["g8"] + c["g9"]
    c["h_tilde"] = np.tanh(c["g10"])
    c["g11"] = c["z"] * h_prev
    c["g12"] = (1 - c["z"]) * c["h_tilde"]
    c["h"] = c["g11"] + c["g12"]
    return c["h"], c


def step_backward_named(dh, cache):
    """Walk the chain of :func:`step_forward` backwards, naming every gradient.

    dh:    (B, H) upstream gradient ∂L/∂h_t.
    cache: what :func:`step_forward` returned.

    Returns a dict ``d`` with the same names as the cache: ``d["g3"]`` is
    ∂L/∂g3, ``d["z"]`` is ∂L/∂z, ``d["W_zh"]`` is ∂L/∂W_zh, and so on, plus
    ``d["x"]`` and ``d["h_prev"]``. Where a value feeds several operations
    (z, r's product, x, h_prev), its gradient is the sum over those uses.
    """
    c = _checks.cache_from("cache", cache, "gru.step_forward", ("x", "h_prev", "z", "r", "h"))
    h_prev, z, r, h_tilde = (c[k] for k in ("h_prev", "z", "r", "h_tilde"))
    d = {"h": _checks.upstream_gradient("dh", dh, c["h"].shape, ("B", "H"), c["h"])}
    # h = g11 + g12: a sum passes its gradient to both terms
    d["g11"] = d["h"]
    d["g12"] = d["h"]
    # g12 = (1 - z) ∘ h_tilde
    d["h_tilde"] = d["g12"] * (1 - z)
    d["z"] = -d["g12"] * h_tilde
    # g11 = z ∘ h_prev: the second use of z, so its gradient is added
    d["z"] = d["z"] + d["g11"] * h_prev
    d["h_prev"] = d["g11"] * z
    # h_tilde = tanh(g10)
    d["g10"] = d["h_tilde"] * (1 - h_tilde * h_tilde)
    # g10 = g8 + g9
    d["g8"] = d["g10"]
    d["g9"] = d["g10"]
    # g9 = W_hx x + b_hx
    _product_backward(d, c, "g9", "W_hx", "b_hx", "x")
    if c["variant"] == "reset_before":
        # g8 = W_hh g7 + b_hh, then g7 = r ∘ h_prev
        _product_backward(d, c, "g8", "W_hh", "b_hh", "g7")
        d["r"] = d["g7"] * h_prev
        d["h_prev"] = d["h_prev"] + d["g7"] * r
    else:
        # g8 = r ∘ g7, then g7 = W_hh h_prev + b_hh
        d["r"] = d["g8"] * c["g7"]
        d["g7"] = d["g8"] * r
        _product_backward(d, c, "g7", "W_hh", "b_hh", "h_prev")
    # r = σ(g6), σ' = r (1 - r); g6 = g4 + g5
    d["g6"] = d["r"] * r * (1 - r)
    d["g4"] = d["g6"]
    d["g5"] = d["g6"]
    _product_backward(d, c, "g5", "W_rx", "b_rx", "x")
    _product_backward(d, c, "g4", "W_rh", "b_rh", "h_prev")
    # z = σ(g3); g3 = g1 + g2
    d["g3"] = d["z"] * z * (1 - z)
    d["g1"] = d["g3"]
    d["g2"] = d["g3"]
    _product_backward(d, c, "g2", "W_zx", "b_zx", "x")
    _product_backward(d, c, "g1", "W_zh", "b_zh", "h_prev")
    return d


def step_backward(dh, cache):
    """Backward of :func:`step_forward`.

    dh:    (B, H) upstream gradient ∂L/∂h_t.
    cache: what :func:`step_forward` returned.

    Returns ``(dx, dh_prev, grads)``: ∂L/∂x_t (B, D), ∂L/∂h_{t-1} (B, H) and
    {name: ∂L/∂param} with the keys and shapes of the parameters.
    """
    d = step_backward_named(dh, cache)
    return d["x"], d["h_prev"], {key: d[key] for key in cache["params"]}


def _product_backward(d, c, out, weight, bias, inp):
    """Backward of ``out = inp @ W.T + b``: set d[W] and d[b], add to d[inp]."""
    d[weight] = d[out].T @ c[inp]
    d[bias] = d[out].sum(axis=0)
    contribution = d[out] @ c["params"][weight]
    d[inp] = d[inp] + contribution if inp in d else contribution


# ----------------------------------------------------------------------------
# A whole sequence: the fast path.


def forward(xs, h0, params, variant="reset_before"):
    """Run the GRU over a sequence.

    xs:      (T, B, D) inputs x_1 ... x_T.
    h0:      (B, H) initial state.
    params:  dict of the twelve arrays of :func:`param_shapes`.
    variant: "reset_before" or "reset_after".

    Returns ``(hs, cache)`` with hs (T, B, H) the states h_1 ... h_T. The input
    projections of all steps are one matrix product; each step then needs one
    recurrent product for the two gates and one for the candidate (a single
    fused product for "reset_after").
    """
    variant = _checks.choice("variant", variant, VARIANTS)
    xs, h0, p = _checks.model_inputs(params, param_shapes, "xs", xs, "h0", h0)
    steps, batch, _ = xs.shape
    hidden = h0.shape[1]
    fused = _fuse(p, variant)
    gx = (xs.reshape(steps * batch, -1) @ fused["W_x"].T).reshape(steps, batch, 3 * hidden)
    gx += fused["b_x"]
    hs = np.empty((steps, batch, hidden), dtype=xs.dtype)
    gates = np.empty((steps, batch, 2 * hidden), dtype=xs.dtype)  # z and r
    h_tilde = np.empty_like(hs)
    kept = np.empty_like(hs)  # r ∘ h_prev ("reset_before") or W_hh h_prev + b_hh
    h = h0
    for t in range(steps):
        if variant == "reset_before":
            zr = np.add(gx[t, :, : 2 * hidden], h @ fused["W_zr_h"].T, out=gates[t])
            _fast_sigmoid(zr)
            np.multiply(zr[:, hidden:], h, out=kept[t])
            candidate = np.add(gx[t, :, 2 * hidden :], kept[t] @ fused["W_hh"].T, out=h_tilde[t])
        else:
            gh = h @ fused["W_h"].T
            zr = np.add(gx[t, :, : 2 * hidden], gh[:, : 2 * hidden], out=gates[t])
            _fast_sigmoid(zr)
            np.add(gh[:, 2 * hidden :], fused["b_hh"], out=kept[t])
            candidate = np.multiply(zr[:, hidden:], kept[t], out=h_tilde[t])
            candidate += gx[t, :, 2 * hidden :]
        np.tanh(candidate, out=candidate)
        # h = z h_prev + (1 - z) h~ = h~ + z (h_prev - h~)
        h = np.subtract(h, candidate, out=hs[t])
        h *= zr[:, :hidden]
        h += candidate
    cache = {"kind": "gru.forward", "variant": variant, "params": p, "fused": fused, "xs": xs}
    cache.update(h0=h0, hs=hs, gates=gates, h_tilde=h_tilde, kept=kept)
    return hs, cache


def backward(dhs, cache):
    """Backpropagation through time for :func:`forward`.

    dhs:   (T, B, H) the gradient of the loss with respect to each returned
           state, from the loss at that step only (not through later steps).
    cache: what :func:`forward` returned.

    Returns ``(dxs, dh0, grads)``: ∂L/∂xs (T, B, D), ∂L/∂h_0 (B, H), and the
    parameter gradients summed over all time steps. The weight gradients are
    one matrix product each, over all steps, after the time loop.
    """
    c = _checks.cache_from("cache", cache, "gru.forward", ("xs", "h0", "hs", "gates"))
    hs, fused, variant = c["hs"], c["fused"], c["variant"]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    steps, batch, hidden = hs.shape
    h_prevs = np.concatenate([c["h0"][None], hs[:-1]])
    dgx = np.empty((steps, batch, 3 * hidden), dtype=hs.dtype)  # ∂L/∂(z, r, candidate pre-activations)
    dkept = np.empty_like(hs)  # ∂L/∂(r ∘ h_prev) or ∂L/∂(W_hh h_prev + b_hh)
    dh_next = np.zeros_like(c["h0"])
    for t in reversed(range(steps)):
        dh = dhs[t] + dh_next
        z, r = c["gates"][t, :, :hidden], c["gates"][t, :, hidden:]
        h_tilde, h_prev = c["h_tilde"][t], h_prevs[t]
        dcand = dgx[t, :, 2 * hidden :]
        np.multiply(dh * (1 - z), 1 - h_tilde * h_tilde, out=dcand)
        if variant == "reset_before":
            np.matmul(dcand, fused["W_hh"], out=dkept[t])
            dr = dkept[t] * h_prev
            dh_prev = dkept[t] * r
        else:
            np.multiply(dcand, r, out=dkept[t])
            dr = dcand * c["kept"][t]
            dh_prev = np.zeros_like(h_prev)
        np.multiply(dh * (h_prev - h_tilde), z * (1 - z), out=dgx[t, :, :hidden])
        np.multiply(dr, r * (1 - r), out=dgx[t, :, hidden : 2 * hidden])
        dh_prev += dh * z
        if variant == "reset_before":
            dh_prev += dgx[t, :, : 2 * hidden] @ fused["W_zr_h"]
        else:
            dh_prev += np.concatenate([dgx[t, :, : 2 * hidden], dkept[t]], axis=1) @ fused["W_h"]
        dh_next = dh_prev
    grads = _weight_gradients(c, dgx, dkept, h_prevs)
    dxs = dgx @ fused["W_x"]
    return dxs, dh_next, grads


def _fuse(p, variant):
    """Stack the weights so that one product serves several gates."""
    fused = {
        "W_x": np.concatenate([p["W_zx"], p["W_rx"], p["W_hx"]]),
        "W_zr_h": np.concatenate([p["W_zh"], p["W_rh"]]),
        "W_hh": p["W_hh"],
        "b_hh": p["b_hh"],
    }
    if variant == "reset_before":  # b_hh adds to the candidate just like b_hx
        fused["b_x"] = np.concatenate([p["b_zx"] + p["b_zh"], p["b_rx"] + p["b_rh"], p["b_hx"] + p["b_hh"]])
    else:  # b_hh sits inside r ∘ (W_hh h + b_hh)
        fused["b_x"] = np.concatenate([p["b_zx"] + p["b_zh"], p["b_rx"] + p["b_rh"], p["b_hx"]])
        fused["W_h"] = np.concatenate([p["W_zh"], p["W_rh"], p["W_hh"]])
    return fused


def _weight_gradients(c, dgx, dkept, h_prevs):
    """All parameter gradients from the per-step pre-activation gradients."""
    steps, batch, hidden = dgx.shape[0], dgx.shape[1], dgx.shape[2] // 3
    flat = dgx.reshape(steps * batch, 3 * hidden)
    flat_kept = dkept.reshape(steps * batch, hidden)
    flat_prev = h_prevs.reshape(steps * batch, hidden)
    dw_x = flat.T @ c["xs"].reshape(steps * batch, -1)
    db_x = flat.sum(axis=0)
    dw_zr_h = flat[:, : 2 * hidden].T @ flat_prev
    grads = {}
    for i, gate in enumerate("zrh"):
        rows = slice(i * hidden, (i + 1) * hidden)
        grads[f"W_{gate}x"] = dw_x[rows]
        grads[f"b_{gate}x"] = db_x[rows]
        if gate != "h":
            grads[f"W_{gate}h"] = dw_zr_h[rows]
            grads[f"b_{gate}h"] = db_x[rows].copy()
    if c["variant"] == "reset_before":
        grads["W_hh"] = flat[:, 2 * hidden :].T @ c["kept"].reshape(steps * batch, hidden)
        grads["b_hh"] = db_x[2 * hidden :].copy()
    else:
        grads["W_hh"] = flat_kept.T @ flat_prev
        grads["b_hh"] = flat_kept.sum(axis=0)
    return {key: grads[key] for key in c["params"]}


def _fast_sigmoid(a):
    """In place σ(a) = (1 + tanh(a/2)) / 2: one transcendental, no overflow."""
    a *= 0.5
    np.tanh(a, out=a)
    a += 1
    a *= 0.5
    return a


# ----------------------------------------------------------------------------
# PyTorch's layout: weight_ih (3H, D), weight_hh (3H, H), biases (3H,), gate
# order r, z, n (n is the candidate, h~ here).

_PYTORCH_ORDER = "rzh"


def params_from_pytorch(weight_ih, weight_hh, bias_ih, bias_hh):
    """Parameters from a ``torch.nn.GRU`` layer, as numpy arrays.

    weight_ih (3H, D), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,): e.g.
    ``layer.weight_ih_l0.detach().numpy()``, rows in PyTorch's gate order
    r, z, n. Converts their ``.grad`` the same way. With
    ``variant="reset_after"`` the result computes exactly what the layer does.
    """
    weight_ih, weight_hh, bias_ih, bias_hh = _params.pytorch_layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    hidden = weight_hh.shape[1]
    params = {}
    for i, gate in enumerate(_PYTORCH_ORDER):
        rows = slice(i * hidden, (i + 1) * hidden)
        params[f"W_{gate}x"] = weight_ih[rows].copy()
        params[f"W_{gate}h"] = weight_hh[rows].copy()
        params[f"b_{gate}x"] = bias_ih[rows].copy()
        params[f"b_{gate}h"] = bias_hh[rows].copy()
    return {key: params[key] for key in param_shapes(1, 1)}


def params_to_pytorch(params):
    """The inverse of :func:`params_from_pytorch`: the tuple
    ``(weight_ih, weight_hh, bias_ih, bias_hh)`` in gate order r, z, n.
    Converts gradients the same way."""
    p = _params.validated(params, param_shapes)
    return tuple(
        np.concatenate([p[f"{kind}_{gate}{side}"] for gate in _PYTORCH_ORDER])
        for kind, side in (("W", "x"), ("W", "h"), ("b", "x"), ("b", "h"))
    )
