"""The Gated Recurrent Unit: one step (the teaching version), a whole sequence
(the fast version), their backward passes, and a bridge to ``torch.nn.GRU``.

The equations, with σ the logistic sigmoid and ∘ the elementwise product::

    z   = σ(W_zx x + b_zx + W_zh h_prev + b_zh)          update gate
    r   = σ(W_rx x + b_rx + W_rh h_prev + b_rh)          reset gate
    h~  = tanh(W_hx x + b_hx + W_hh (r ∘ h_prev) + b_hh)   variant "reset_before"
    h~  = tanh(W_hx x + b_hx + r ∘ (W_hh h_prev + b_hh))   variant "reset_after"
    h   = z ∘ h_prev + (1 - z) ∘ h~

Which state z weights: here z weights the old state, as in Cho et al.'s
published paper (EMNLP 2014), the article "Feedforward and Backward Propagation
in Gated Recurrent Unit (GRU)" (the g1 ... g12 chain), ``torch.nn.GRU`` and
Keras. Chung et al. (2014), and after them the article "Only Numpy: Deriving
Forward feed and Back Propagation in Gated Recurrent Neural Networks (GRU)",
let their update gate weight the candidate: their z is this module's 1 - z,
and their update-gate weights and biases are the negatives of these.

Where the reset acts: "reset_before" is the form of Cho et al.'s published
paper and of the article "Feedforward and Backward Propagation in Gated
Recurrent Unit (GRU)"; "reset_after" is the form of cuDNN, ``torch.nn.GRU``
and Keras with ``reset_after=True`` (Keras's documentation traces it to the
first arXiv version of Cho et al.'s paper, 1406.1078v1). Each gate keeps an
input bias and a hidden bias, as PyTorch does; except for b_hh in
"reset_after", only their sum matters.

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
    sizes = {"input_size": input_size, "hidden_size": hidden_size}
    return _params.uniform_init(param_shapes, sizes, "hidden_size", rng, dtype)


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
    The names are those of :data:`STEP_OPERATIONS`; in "reset_after", g7 and
    g8 swap roles: g7 = W_hh h_prev + b_hh and g8 = r ∘ g7.
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


def record_step(tape, x, h_prev, params, variant="reset_before"):
    """Record one GRU step on a :class:`gru_course.tape.Tape`, operation by operation.

    x, h_prev: Values on ``tape`` of shapes (B, D) and (B, H).
    params:    {name: Value} with the twelve names of :func:`param_shapes`.

    The recorded values are named as in :data:`STEP_OPERATIONS` (g1 ... g12,
    z, r, h_tilde, h), plus "1 - z", which the tape records as an operation of
    its own. Returns the Value h.
    """
    variant = _checks.choice("variant", variant, VARIANTS)
    p = params
    g1 = tape.matmul(p["W_zh"], h_prev, p["b_zh"], name="g1")
    g2 = tape.matmul(p["W_zx"], x, p["b_zx"], name="g2")
    z = tape.sigmoid(tape.add(g1, g2, name="g3"), name="z")
    g4 = tape.matmul(p["W_rh"], h_prev, p["b_rh"], name="g4")
    g5 = tape.matmul(p["W_rx"], x, p["b_rx"], name="g5")
    r = tape.sigmoid(tape.add(g4, g5, name="g6"), name="r")
    if variant == "reset_before":
        g7 = tape.multiply(r, h_prev, name="g7")
        g8 = tape.matmul(p["W_hh"], g7, p["b_hh"], name="g8")
    else:
        g7 = tape.matmul(p["W_hh"], h_prev, p["b_hh"], name="g7")
        g8 = tape.multiply(r, g7, name="g8")
    g9 = tape.matmul(p["W_hx"], x, p["b_hx"], name="g9")
    h_tilde = tape.tanh(tape.add(g8, g9, name="g10"), name="h_tilde")
    g11 = tape.multiply(z, h_prev, name="g11")
    g12 = tape.multiply(tape.one_minus(z, name="1 - z"), h_tilde, name="g12")
    return tape.add(g11, g12, name="h")


# ----------------------------------------------------------------------------
# A whole sequence: the fast path.


def forward(xs, h0, params, variant="reset_before"):
    """Run the GRU over a sequence.

    xs:      (T, B, D) inputs x_1 ... x_T.
    h0:      (B, H) initial state.
    params:  dict of the twelve arrays of :func:`param_shapes`.
    variant: "reset_before" or "reset_after".

    Returns ``(hs, cache)`` with hs (T, B, H) the states h_1 ... h_T. The input
    projections of all steps are one (batched) matrix product; each step then
    needs one recurrent product for the gates (and the candidate, in
    "reset_after"), plus one for the candidate in "reset_before".

    Layout: everything a step computes lives in ``blocks`` (4, T, B, H), block
    first: [h~, z, r, g7], where g7 is the chain's g7 (r ∘ h_prev in
    "reset_before", W_hh h_prev + b_hh in "reset_after"). Each block of each
    step is then a contiguous (B, H) array, on which numpy is two to three
    times faster than on column slices of a (B, 3H) array. In the cache,
    ``gates`` is (2, T, B, H) = [z, r], and g7 is stored under "kept".
    """
    variant = _checks.choice("variant", variant, VARIANTS)
    xs, h0, p = _checks.model_inputs(params, param_shapes, "xs", xs, "h0", h0)
    steps, batch, _ = xs.shape
    hidden = h0.shape[1]
    fused = _fuse(p, variant)
    blocks = np.empty((4, steps, batch, hidden), dtype=xs.dtype)
    pre, g7 = blocks[:3], blocks[3]  # g7: r ∘ h_prev ("reset_before") or W_hh h_prev + b_hh
    # pre[:, t] holds the pre-activations g10, g3, g6 of step t. First their
    # input part, all steps at once, one matrix per block: W_hx x_t + b_hx (+ b_hh
    # in "reset_before"), W_zx x_t + b_zx + b_zh, W_rx x_t + b_rx + b_rh. Step t
    # completes pre[:, t] in place, so that its blocks end up holding h~_t, z_t, r_t.
    np.matmul(xs.reshape(steps * batch, -1), fused["W_x_T"], out=pre.reshape(3, steps * batch, hidden))
    pre += fused["b_x"]
    states = np.empty((steps + 1, batch, hidden), dtype=xs.dtype)  # h_0 ... h_T
    states[0] = h0
    # Work buffers for one step, reused by every step.
    recurrent = np.empty((len(fused["W_h"]), batch, hidden), dtype=xs.dtype)  # W_*h h_prev per block
    scratch = np.empty_like(h0)
    h = h0
    for t in range(steps):
        h_tilde, z, r = pre[:, t]
        zr = pre[1:, t]
        np.matmul(h, fused["W_h_T"], out=recurrent)
        # z = σ(W_zx x + b_z + W_zh h_prev) and r = σ(W_rx x + b_r + W_rh h_prev)
        zr += recurrent[:2]
        _fast_sigmoid(zr)
        if variant == "reset_before":
            # h~ = tanh(W_hx x + b_hx + b_hh + W_hh (r ∘ h_prev))
            np.multiply(r, h, out=g7[t])
            h_tilde += np.matmul(g7[t], fused["W_hh_T"], out=scratch)
        else:
            # h~ = tanh(W_hx x + b_hx + r ∘ (W_hh h_prev + b_hh))
            np.add(recurrent[2], fused["b_hh"], out=g7[t])
            h_tilde += np.multiply(r, g7[t], out=scratch)
        np.tanh(h_tilde, out=h_tilde)
        # h = z ∘ h_prev + (1 - z) ∘ h~ = h~ + z ∘ (h_prev - h~)
        h = np.subtract(h, h_tilde, out=states[t + 1])
        h *= z
        h += h_tilde
    hs = states[1:]
    cache = {"kind": "gru.forward", "variant": variant, "params": p, "fused": fused, "xs": xs, "h0": h0}
    cache.update(hs=hs, h_prevs=states[:-1], gates=pre[1:], h_tilde=pre[0], kept=g7)
    return hs, cache


def backward(dhs, cache):
    """Backpropagation through time for :func:`forward`.

    dhs:   (T, B, H) for each step, the gradient of that step's own loss term
           with respect to its state, ∂L_t/∂h_t; not the total ∂L/∂h_t, which
           also receives what flows back from later steps (backward adds that).
    cache: what :func:`forward` returned.

    Returns ``(dxs, dh0, grads)``: ∂L/∂xs (T, B, D), ∂L/∂h_0 (B, H), and the
    parameter gradients summed over all time steps.

    The steps are taken in chunks of about 512 rows (step, batch element),
    last chunk first, each in three stages: the local derivatives of all its
    steps at once, the recurrence step by step, then the chunk's share of the
    weight gradients, one matrix product per block. The chunk's buffer stays
    small and in cache, and backward's working memory does not grow with T.
    Names follow the book's chain: dg10, dg3, dg6 and dg7 are the adjoints of
    g10, g3, g6 and g7 (the pre-activations of the candidate, z and r, and g7).
    """
    keys = ("xs", "h0", "hs", "h_prevs", "gates", "h_tilde", "kept")
    c = _checks.cache_from("cache", cache, "gru.forward", keys)
    hs, fused, after = c["hs"], c["fused"], c["variant"] == "reset_after"
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    steps, batch, hidden = hs.shape
    (z, r), h_tilde, h_prevs, g7 = c["gates"], c["h_tilde"], c["h_prevs"], c["kept"]
    chunk = max(1, min(steps, 512 // batch))  # steps per chunk: enough rows for efficient products
    buffer = np.empty((4 if after else 3, chunk, batch, hidden), dtype=hs.dtype)
    dxs = np.empty(c["xs"].shape, dtype=hs.dtype)
    dh = np.empty_like(c["h0"])
    dh_later = np.zeros_like(c["h0"])  # what step t+1 hands back to h_t; zero after the last step
    scratch = np.empty_like(c["h0"])
    through = np.empty((len(fused["W_h"]), batch, hidden), dtype=hs.dtype)  # one term per W_*h
    sums = {}  # the weight gradients, summed chunk by chunk
    for stop in range(steps, 0, -chunk):
        span = slice(max(stop - chunk, 0), stop)
        work = buffer[:, : span.stop - span.start]
        # Stage 1, the chunk's steps at once (nothing here depends on later
        # steps): local derivatives (slopes), in blocks like the forward's:
        # [g10, g3, g6] (the pre-activations of h~, z, r), and g7 in
        # "reset_after". Stage 2 multiplies each block in place by its incoming
        # gradient, which turns the slopes into the adjoints [dg10, dg3, dg6 (, dg7)].
        slope_g10, slope_g3, slope_g6 = work[:3]
        np.subtract(1, z[span], out=slope_g10)
        np.subtract(h_prevs[span], h_tilde[span], out=slope_g3)
        slope_g3 *= z[span]
        slope_g3 *= slope_g10  # ∂h/∂g3 = (h_prev - h~) z (1 - z)
        np.multiply(h_tilde[span], h_tilde[span], out=slope_g6)
        np.subtract(1, slope_g6, out=slope_g6)
        slope_g10 *= slope_g6  # ∂h/∂g10 = (1 - z)(1 - h~²)
        np.subtract(1, r[span], out=slope_g6)
        slope_g6 *= r[span]  # σ'(g6) = r (1 - r)
        if after:
            slope_g6 *= g7[span]  # ∂g8/∂g6 = g7 r (1 - r), with g8 = r ∘ g7
            work[3] = r[span]  # ∂g8/∂g7 = r
        else:
            slope_g6 *= h_prevs[span]  # ∂g7/∂g6 = h_prev r (1 - r), with g7 = r ∘ h_prev
        # Stage 2, the recurrence, from the chunk's last step back to its first.
        for i in reversed(range(span.stop - span.start)):
            t, adjoints = span.start + i, work[:, i]  # the blocks of step t
            np.add(dhs[t], dh_later, out=dh)  # ∂L/∂h_t: from the loss at t and from step t+1
            adjoints[:2] *= dh  # the first two blocks now hold dg10 and dg3
            dg10 = adjoints[0]
            np.multiply(dh, z[t], out=dh_later)  # h = z ∘ h_prev + ...: the direct path to h_prev
            if after:
                adjoints[2:] *= dg10  # dg6 and dg7, both from dg10 (= dg8)
            else:
                dg7 = np.matmul(dg10, fused["W_hh"], out=scratch)  # W_hhᵀ ḡ10, g7 = r ∘ h_prev
                adjoints[2] *= dg7  # dg6
                dh_later += np.multiply(dg7, r[t], out=dg7)  # the path through g7
            # the paths through the recurrent products W_*h h_prev: dg3 W_zh, dg6 W_rh (, dg7 W_hh)
            np.matmul(adjoints[1:], fused["W_h"], out=through)
            for term in through:
                dh_later += term
        # Stage 3: the chunk's share of the parameter gradients, and its
        # ∂L/∂x = dg10 W_hx + dg3 W_zx + dg6 W_rx.
        grads = _weight_gradients(c, work, span, sums)
        rows = work.reshape(len(work), -1, hidden)  # one row per (step, batch element)
        dx = dxs[span].reshape(len(rows[0]), -1)
        np.matmul(rows[0], fused["W_x"][0], out=dx)
        dx += rows[1] @ fused["W_x"][1]
        dx += rows[2] @ fused["W_x"][2]
    return dxs, dh_later, grads


def _fuse(p, variant):
    """Stack the weights block by block, in the order [h~, z, r] of the
    pre-activations, so that one batched product serves every gate.

    W_x (3, H, D) stacks W_hx, W_zx, W_rx. W_h stacks W_zh, W_rh, and also
    W_hh for "reset_after", where W_hh multiplies h_prev; in "reset_before"
    it multiplies r ∘ h_prev, a product of its own. The ``_T`` arrays are
    contiguous transposes for the forward's ``h @ W.T``, which BLAS does
    fastest on contiguous memory. b_x holds every bias outside r ∘ (...).
    """
    fused = {"W_x": np.stack([p["W_hx"], p["W_zx"], p["W_rx"]]), "W_hh": p["W_hh"], "b_hh": p["b_hh"]}
    b_z, b_r = p["b_zx"] + p["b_zh"], p["b_rx"] + p["b_rh"]
    if variant == "reset_before":  # b_hh adds to the candidate just like b_hx
        fused["W_h"] = np.stack([p["W_zh"], p["W_rh"]])
        b_cand = p["b_hx"] + p["b_hh"]
    else:  # b_hh sits inside r ∘ (W_hh h + b_hh)
        fused["W_h"] = np.stack([p["W_zh"], p["W_rh"], p["W_hh"]])
        b_cand = p["b_hx"]
    fused["b_x"] = np.stack([b_cand, b_z, b_r])[:, None, None, :]  # broadcasts over (3, T, B, H)
    for key in ("W_x", "W_h", "W_hh"):
        fused[key + "_T"] = np.ascontiguousarray(np.swapaxes(fused[key], -1, -2))
    return fused


def _weight_gradients(c, adjoints, span, sums):
    """Add one chunk's share to the parameter gradients; return them by name.

    adjoints: (3 or 4, n, B, H), the blocks [dg10, dg3, dg6 (, dg7)] of the
              n steps ``span`` (a slice), as :func:`backward` leaves them.
    sums:     dict of running sums, updated in place; empty for the first chunk.

    Summing over steps and batch is, for a weight, one matrix product per
    block over the n·B rows (step, batch element); for a bias, a sum.
    """
    hidden = adjoints.shape[-1]
    rows = adjoints.reshape(len(adjoints), -1, hidden)  # one row per (step, batch element)
    by_column = rows.transpose(0, 2, 1)
    share = {
        "x": np.matmul(by_column[:3], c["xs"][span].reshape(len(rows[0]), -1)),  # g10, g3, g6 read x
        "h": np.matmul(by_column[1:], c["h_prevs"][span].reshape(-1, hidden)),  # g3, g6 (, g7) read h_prev
        "b": adjoints.sum(axis=1).sum(axis=1),  # over the steps, then over the batch
    }
    if c["variant"] == "reset_before":  # W_hh multiplies g7 = r ∘ h_prev (cached as "kept")
        share["hh"] = rows[0].T @ c["kept"][span].reshape(-1, hidden)
    for key, value in share.items():
        if key in sums:
            sums[key] += value
        else:
            sums[key] = value
    dw_x, dw_h, db = sums["x"], sums["h"], sums["b"]
    grads = {
        "W_hx": dw_x[0],
        "W_zx": dw_x[1],
        "W_rx": dw_x[2],
        "W_zh": dw_h[0],
        "W_rh": dw_h[1],
        "b_hx": db[0],
        "b_zx": db[1],
        "b_zh": db[1].copy(),  # the two biases of a gate add to the same sum
        "b_rx": db[2],
        "b_rh": db[2].copy(),
    }
    if c["variant"] == "reset_before":  # b_hh adds like b_hx
        grads["W_hh"] = sums["hh"]
        grads["b_hh"] = db[0].copy()
    else:  # g7 = W_hh h_prev + b_hh is the fourth block
        grads["W_hh"] = dw_h[2]
        grads["b_hh"] = db[3]
    return {key: grads[key] for key in c["params"]}


def _fast_sigmoid(u):
    """In place σ(u) = (1 + tanh(u/2)) / 2: one transcendental, no overflow."""
    u *= 0.5
    np.tanh(u, out=u)
    u += 1
    u *= 0.5
    return u


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
    p = _checks.model_params(params, param_shapes)
    return tuple(
        np.concatenate([p[f"{kind}_{gate}{side}"] for gate in _PYTORCH_ORDER])
        for kind, side in (("W", "x"), ("W", "h"), ("b", "x"), ("b", "h"))
    )
