"""The Long Short-Term Memory: one step (the teaching version), a whole sequence
(the fast version), their backward passes, and a bridge to ``torch.nn.LSTM``.

The equations, with σ the logistic sigmoid and ∘ the elementwise product::

    i   = σ(W_ix x + b_ix + W_ih h_prev + b_ih)          input gate
    f   = σ(W_fx x + b_fx + W_fh h_prev + b_fh)          forget gate
    q   = σ(W_qx x + b_qx + W_qh h_prev + b_qh)          output gate
    c~  = tanh(W_cx x + b_cx + W_ch h_prev + b_ch)       candidate cell
    c   = f ∘ c_prev + i ∘ c~                            cell state
    h   = q ∘ tanh(c)                                    hidden state

The output gate is written q, as in Goodfellow et al. (2016), not o as in most
papers: the book keeps o for the output layer's scores, o = W_oh h + b_o.

The state is the pair (h, c). The cell state c carries memory from step to
step along a path that only the forget gate scales; h is what the next step's
gates and the output layer read. The candidate's weights are named after c, as
the GRU's candidate weights are named after h. Each gate keeps an input bias
and a hidden bias, as PyTorch does; only their sum matters.

Shapes: x (B, D), h and c (B, H), xs (T, B, D), hs (T, B, H). Weights are
shaped as in the equations: W_*x (H, D), W_*h (H, H), so W x is ``x @ W.T`` on
a batch.
"""

import numpy as np

from . import _checks, _params
from .activations import _sigmoid
from .gru import _product_backward

GATES = "ifcq"  # input, forget, candidate cell, output: the order of the parameters

# The step as a chain of elementary operations (g1 ... g15). Each matrix
# product carries its bias; each gate's pre-activation takes three operations.
STEP_OPERATIONS = (
    "g1 = W_ih h_prev + b_ih",
    "g2 = W_ix x + b_ix",
    "g3 = g1 + g2",
    "i = σ(g3)",
    "g4 = W_fh h_prev + b_fh",
    "g5 = W_fx x + b_fx",
    "g6 = g4 + g5",
    "f = σ(g6)",
    "g7 = W_ch h_prev + b_ch",
    "g8 = W_cx x + b_cx",
    "g9 = g7 + g8",
    "c_tilde = tanh(g9)",
    "g10 = W_qh h_prev + b_qh",
    "g11 = W_qx x + b_qx",
    "g12 = g10 + g11",
    "q = σ(g12)",
    "g13 = f ∘ c_prev",
    "g14 = i ∘ c_tilde",
    "c = g13 + g14",
    "g15 = tanh(c)",
    "h = q ∘ g15",
)

# The number n of each gate's first operation: its pre-activation is g_{n+2}.
_FIRST_OPERATION = {"i": 1, "f": 4, "c": 7, "q": 10}


def param_shapes(input_size, hidden_size):
    """The parameter names and shapes: {name: (shape, axis names)}, the same
    four for every gate, in the order of GATES."""
    d, h = input_size, hidden_size
    one_gate = {
        "W_{}x": ((h, d), ("H", "D")),
        "W_{}h": ((h, h), ("H", "H")),
        "b_{}x": ((h,), ("H",)),
        "b_{}h": ((h,), ("H",)),
    }
    return {name.format(gate): shape for gate in GATES for name, shape in one_gate.items()}


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """Random parameters, uniform in ±1/√H as in ``torch.nn.LSTM``.

    rng: a ``numpy.random.Generator``. Returns {name: array} with the sixteen
    names and shapes of :func:`param_shapes` and the given float dtype.
    """
    sizes = {"input_size": input_size, "hidden_size": hidden_size}
    return _params.uniform_init(param_shapes, sizes, "hidden_size", rng, dtype)


def _inputs(params, x_name, x, h_name, h, c_name, c):
    """Validate the inputs of a forward function: x and h as the GRU's are
    (:func:`gru_course._checks.model_inputs`), then c by the same rules as h.
    Returns ``(x, h, c, params)`` as arrays of one float dtype."""
    x, h, params = _checks.model_inputs(params, param_shapes, x_name, x, h_name, h)
    _, c, _ = _checks.model_inputs(params, param_shapes, x_name, x, c_name, c)
    return x, h, c, params


# ----------------------------------------------------------------------------
# One step, operation by operation: the version the book derives.


def step_forward(x, h_prev, c_prev, params):
    """One LSTM step, keeping every intermediate of the g1 ... g15 chain.

    x:      (B, D) input x_t.
    h_prev: (B, H) previous hidden state h_{t-1}.
    c_prev: (B, H) previous cell state c_{t-1}.
    params: dict of the sixteen arrays of :func:`param_shapes`.

    Returns ``(h, c, cache)``: the new states h_t (B, H) and c_t (B, H), and a
    dict with x, h_prev, c_prev, g1 ... g15, i, f, c_tilde, q, c and h, each
    (B, H) (x is (B, D)).
    """
    x, h_prev, c_prev, p = _inputs(params, "x", x, "h_prev", h_prev, "c_prev", c_prev)
    cache = {"kind": "lstm.step_forward", "params": p, "x": x, "h_prev": h_prev, "c_prev": c_prev}
    cache["i"] = _sigmoid(_pre_activation(cache, "i"))  # g1, g2, g3
    cache["f"] = _sigmoid(_pre_activation(cache, "f"))  # g4, g5, g6
    cache["c_tilde"] = np.tanh(_pre_activation(cache, "c"))  # g7, g8, g9
    cache["q"] = _sigmoid(_pre_activation(cache, "q"))  # g10, g11, g12
    cache["g13"] = cache["f"] * c_prev
    cache["g14"] = cache["i"] * cache["c_tilde"]
    cache["c"] = cache["g13"] + cache["g14"]
    cache["g15"] = np.tanh(cache["c"])
    cache["h"] = cache["q"] * cache["g15"]
    return cache["h"], cache["c"], cache


def _operation_names(gate):
    """The three operations of a gate's pre-activation: the recurrent product,
    the input product and their sum, e.g. ("g1", "g2", "g3") for the gate i."""
    n = _FIRST_OPERATION[gate]
    return f"g{n}", f"g{n + 1}", f"g{n + 2}"


def _pre_activation(cache, gate):
    """Record g_n = W_{gate}h h_prev + b_{gate}h, g_{n+1} = W_{gate}x x + b_{gate}x
    and their sum g_{n+2} in ``cache``; return the sum."""
    recurrent, from_input, total = _operation_names(gate)
    p = cache["params"]
    cache[recurrent] = cache["h_prev"] @ p[f"W_{gate}h"].T + p[f"b_{gate}h"]
    cache[from_input] = cache["x"] @ p[f"W_{gate}x"].T + p[f"b_{gate}x"]
    cache[total] = cache[recurrent] + cache[from_input]
    return cache[total]


def step_backward_named(dh, dc, cache):
    """Walk the chain of :func:`step_forward` backwards, naming every gradient.

    dh:    (B, H) upstream gradient ∂L/∂h_t.
    dc:    (B, H) upstream gradient into c_t from outside the step (from step
           t+1 of a sequence; zeros for its last step).
    cache: what :func:`step_forward` returned.

    Returns a dict ``d`` with the same names as the cache: ``d["g3"]`` is
    ∂L/∂g3, ``d["c"]`` is the whole ∂L/∂c_t, ``d["W_ih"]`` is ∂L/∂W_ih, and
    so on, plus ``d["x"]``, ``d["h_prev"]`` and ``d["c_prev"]``. Where a value
    feeds several operations (c: tanh(c) and the next step; x and h_prev: four
    products each), its gradient is the sum over those uses.
    """
    cache = _checks.cache_from("cache", cache, "lstm.step_forward", ("x", "h_prev", "c_prev", "c", "h"))
    i, f, q, c_tilde, tanh_c = (cache[k] for k in ("i", "f", "q", "c_tilde", "g15"))
    d = {"h": _checks.upstream_gradient("dh", dh, cache["h"].shape, ("B", "H"), cache["h"])}
    d["c"] = _checks.upstream_gradient("dc", dc, cache["c"].shape, ("B", "H"), cache["c"])
    # h = q ∘ g15
    d["q"] = d["h"] * tanh_c
    d["g15"] = d["h"] * q
    # g15 = tanh(c): the second use of c, so its gradient is added to dc
    d["c"] = d["c"] + d["g15"] * (1 - tanh_c * tanh_c)
    # c = g13 + g14: a sum passes its gradient to both terms
    d["g13"] = d["c"]
    d["g14"] = d["c"]
    # g14 = i ∘ c_tilde and g13 = f ∘ c_prev
    d["i"] = d["g14"] * c_tilde
    d["c_tilde"] = d["g14"] * i
    d["f"] = d["g13"] * cache["c_prev"]
    d["c_prev"] = d["g13"] * f
    # the four nonlinearities: σ' = σ(1 - σ), tanh' = 1 - tanh²
    d["g12"] = d["q"] * q * (1 - q)
    d["g9"] = d["c_tilde"] * (1 - c_tilde * c_tilde)
    d["g6"] = d["f"] * f * (1 - f)
    d["g3"] = d["i"] * i * (1 - i)
    # each pre-activation is the sum of a product of h_prev and one of x;
    # every product adds its share to d["h_prev"] and d["x"]
    for gate in reversed(GATES):
        _pre_activation_backward(d, cache, gate)
    return d


def _pre_activation_backward(d, cache, gate):
    """Backward of :func:`_pre_activation`, from the gradient of its sum."""
    recurrent, from_input, total = _operation_names(gate)
    d[recurrent] = d[total]
    d[from_input] = d[total]
    _product_backward(d, cache, from_input, f"W_{gate}x", f"b_{gate}x", "x")
    _product_backward(d, cache, recurrent, f"W_{gate}h", f"b_{gate}h", "h_prev")


def step_backward(dh, dc, cache):
    """Backward of :func:`step_forward`.

    dh:    (B, H) upstream gradient ∂L/∂h_t.
    dc:    (B, H) upstream gradient into c_t from outside the step (zeros for
           the last step of a sequence).
    cache: what :func:`step_forward` returned.

    Returns ``(dx, dh_prev, dc_prev, grads)``: ∂L/∂x_t (B, D), ∂L/∂h_{t-1}
    (B, H), ∂L/∂c_{t-1} (B, H) and {name: ∂L/∂param} with the keys and shapes
    of the parameters.
    """
    d = step_backward_named(dh, dc, cache)
    return d["x"], d["h_prev"], d["c_prev"], {key: d[key] for key in cache["params"]}


# ----------------------------------------------------------------------------
# A whole sequence: the fast path.

# The order of the four blocks in the fast path: the candidate first, as in
# gru.forward, then the three sigmoid gates.
_FUSED_ORDER = "cifq"


def forward(xs, h0, c0, params):
    """Run the LSTM over a sequence.

    xs:     (T, B, D) inputs x_1 ... x_T.
    h0:     (B, H) initial hidden state.
    c0:     (B, H) initial cell state.
    params: dict of the sixteen arrays of :func:`param_shapes`.

    Returns ``(hs, cache)`` with hs (T, B, H) the hidden states h_1 ... h_T;
    ``cache["cs"]`` (T, B, H) holds the cell states c_1 ... c_T. The input
    projections of all steps are one (batched) matrix product; each step then
    needs one recurrent product, h_prev @ W_h.T with the four W_*h stacked in
    W_h (4H, H).

    Layout: ``gates`` (4, T, B, H), block first: [c~, i, f, q], as
    gru.forward keeps its blocks, so that each block of each step is a
    contiguous (B, H) array.
    """
    xs, h0, c0, p = _inputs(params, "xs", xs, "h0", h0, "c0", c0)
    steps, batch, _ = xs.shape
    hidden = h0.shape[1]
    fused = _fuse(p)
    gates = np.empty((4, steps, batch, hidden), dtype=xs.dtype)
    # gates[:, t] holds the pre-activations g9, g3, g6, g12 of step t (those of
    # c~, i, f, q). First their input part, all steps at once, one matrix per
    # block: W_*x x_t + b_*x + b_*h (halved for i, f and q). Step t completes
    # gates[:, t] in place, so that its blocks end up holding c~_t, i_t, f_t, q_t.
    np.matmul(xs.reshape(steps * batch, -1), fused["W_x_T"], out=gates.reshape(4, steps * batch, hidden))
    gates += fused["b"]
    states = np.empty((2, steps + 1, batch, hidden), dtype=xs.dtype)  # h_0 ... h_T and c_0 ... c_T
    states[:, 0] = h0, c0
    tanh_cs = np.empty((steps, batch, hidden), dtype=xs.dtype)
    # Work buffers for one step, reused by every step.
    recurrent = np.empty((batch, 4 * hidden), dtype=xs.dtype)  # the four W_*h h_prev side by side
    recurrent_blocks = recurrent.reshape(batch, 4, hidden).swapaxes(0, 1)  # the same, block first
    scratch = np.empty_like(h0)
    h, c = h0, c0
    for t in range(steps):
        a = gates[:, t]
        np.matmul(h, fused["W_h_T"], out=recurrent)
        a += recurrent_blocks
        # c~ = tanh(g9); i, f, q = σ(g) = (1 + tanh(g/2))/2 for g = g3, g6, g12,
        # whose halving is already in their blocks' weights and biases
        np.tanh(a, out=a)
        a[1:] += 1
        a[1:] *= 0.5
        c_tilde, i, f, q = a
        # c = f ∘ c_prev + i ∘ c~, then h = q ∘ tanh(c)
        c = np.multiply(f, c, out=states[1, t + 1])
        c += np.multiply(i, c_tilde, out=scratch)
        h = np.multiply(q, np.tanh(c, out=tanh_cs[t]), out=states[0, t + 1])
    (h_prevs, c_prevs), (hs, cs) = states[:, :-1], states[:, 1:]
    cache = {"kind": "lstm.forward", "params": p, "fused": fused, "xs": xs, "h0": h0, "c0": c0}
    cache.update(hs=hs, cs=cs, h_prevs=h_prevs, c_prevs=c_prevs, gates=gates, tanh_cs=tanh_cs)
    return hs, cache


def backward(dhs, cache):
    """Backpropagation through time for :func:`forward`.

    dhs:   (T, B, H) for each step, the gradient of that step's own loss term
           with respect to its hidden state, ∂L_t/∂h_t; not the total ∂L/∂h_t,
           which also receives what flows back from later steps through h and
           c (backward adds that).
    cache: what :func:`forward` returned.

    Returns ``(dxs, dh0, dc0, grads)``: ∂L/∂xs (T, B, D), ∂L/∂h_0 (B, H),
    ∂L/∂c_0 (B, H), and the parameter gradients summed over all time steps.

    The steps are taken in chunks of about 512 rows (step, batch element),
    last chunk first, each in three stages, as in :func:`gru_course.gru.backward`:
    the local derivatives of all its steps at once, the recurrence step by
    step, then the chunk's share of the weight gradients, one matrix product
    per block. Backward's working memory does not grow with T. Names follow
    the chain of :data:`STEP_OPERATIONS`: dg9, dg3, dg6 and dg12 are the
    adjoints of g9, g3, g6 and g12 (the pre-activations of c~, i, f and q).
    """
    keys = ("xs", "h0", "c0", "hs", "h_prevs", "c_prevs", "gates", "tanh_cs")
    cache = _checks.cache_from("cache", cache, "lstm.forward", keys)
    hs, fused, forget = cache["hs"], cache["fused"], cache["gates"][2]
    dhs = _checks.upstream_gradient("dhs", dhs, hs.shape, ("T", "B", "H"), hs)
    steps, batch, hidden = hs.shape
    chunk = max(1, min(steps, 512 // batch))  # steps per chunk: enough rows for efficient products
    buffer = np.empty((4, chunk, batch, hidden), dtype=hs.dtype)
    slope_c_buffer = np.empty((chunk, batch, hidden), dtype=hs.dtype)
    dxs = np.empty(cache["xs"].shape, dtype=hs.dtype)
    dh, dc = np.empty_like(cache["h0"]), np.empty_like(cache["c0"])
    dh_later = np.zeros_like(cache["h0"])  # what step t+1 hands back to h_t; zero after the last step
    dc_later = np.zeros_like(cache["c0"])  # what step t+1 hands back to c_t; zero after the last step
    side_by_side = np.empty((batch, 4 * hidden), dtype=hs.dtype)  # a step's adjoints, for one product with W_h
    sums = {}  # the weight gradients, summed chunk by chunk
    for stop in range(steps, 0, -chunk):
        span = slice(max(stop - chunk, 0), stop)
        work = buffer[:, : span.stop - span.start]
        slope_c = slope_c_buffer[: span.stop - span.start]
        # Stage 1, the chunk's steps at once (nothing here depends on later
        # steps): local derivatives (slopes), in blocks like the forward's:
        # [g9, g3, g6, g12]. Stage 2 multiplies each block in place by its
        # incoming gradient, which turns the slopes into the adjoints
        # [dg9, dg3, dg6, dg12].
        _slopes(cache, span, work, slope_c)
        # Stage 2, the recurrence, from the chunk's last step back to its first.
        for i in reversed(range(span.stop - span.start)):
            t, adjoints = span.start + i, work[:, i]  # the blocks of step t
            np.add(dhs[t], dh_later, out=dh)  # ∂L/∂h_t: from the loss at t and from step t+1
            np.multiply(dh, slope_c[i], out=dc)
            dc += dc_later  # ∂L/∂c_t: through h_t = q ∘ tanh(c_t), and from step t+1
            adjoints[:3] *= dc  # dg9, dg3 and dg6: c~, i and f reach the loss through c_t
            adjoints[3] *= dh  # dg12: q reaches it through h_t
            np.multiply(dc, forget[t], out=dc_later)  # c_t = f ∘ c_{t-1} + ...: the path to c_{t-1}
            # the paths through the recurrent products W_*h h_{t-1}: dg9 W_ch + dg3 W_ih
            # + dg6 W_fh + dg12 W_qh, one product of the four side by side (B, 4H) with W_h (4H, H)
            np.copyto(side_by_side.reshape(batch, 4, hidden), adjoints.swapaxes(0, 1))
            np.matmul(side_by_side, fused["W_h"], out=dh_later)
        # Stage 3: the chunk's share of the parameter gradients, and its
        # ∂L/∂x = dg9 W_cx + dg3 W_ix + dg6 W_fx + dg12 W_qx.
        grads = _weight_gradients(cache, work, span, sums)
        rows = work.reshape(4, -1, hidden)  # one row per (step, batch element)
        dx = dxs[span].reshape(rows.shape[1], -1)
        np.matmul(rows[0], fused["W_x"][0], out=dx)
        for block in range(1, 4):
            dx += rows[block] @ fused["W_x"][block]
    return dxs, dh_later, dc_later, grads


def _slopes(cache, span, work, slope_c):
    """Stage 1 of :func:`backward`, for the steps ``span`` (a slice) at once.

    work (4, n, B, H) receives, block by block, the slope that turns ∂L/∂c_t
    (for g9, g3, g6) or ∂L/∂h_t (for g12) into that pre-activation's adjoint:
    [i (1 - c~²), c~ σ'(g3), c_prev σ'(g6), tanh(c) σ'(g12)], with
    σ' = σ(1 - σ). slope_c (n, B, H) receives ∂h_t/∂c_t = q (1 - tanh²(c)).
    """
    gates = cache["gates"][:, span]
    c_tilde, i, _, q = gates
    slope_g9, slope_g3, slope_g6, slope_g12 = work
    tanh_c = cache["tanh_cs"][span]
    np.subtract(1, gates[1:], out=work[1:])
    work[1:] *= gates[1:]  # σ' of g3, g6 and g12: i (1 - i), f (1 - f), q (1 - q)
    slope_g3 *= c_tilde  # ∂c/∂g3, with g14 = i ∘ c~
    slope_g6 *= cache["c_prevs"][span]  # ∂c/∂g6, with g13 = f ∘ c_prev
    slope_g12 *= tanh_c  # ∂h/∂g12, with h = q ∘ tanh(c)
    np.multiply(c_tilde, c_tilde, out=slope_g9)
    np.subtract(1, slope_g9, out=slope_g9)
    slope_g9 *= i  # ∂c/∂g9 = i (1 - c~²)
    np.multiply(tanh_c, tanh_c, out=slope_c)
    np.subtract(1, slope_c, out=slope_c)
    slope_c *= q


def _stacked(p, kind, side, order):
    """The four gates' parameters of one kind, e.g. ``kind="W", side="x"``
    gives the W_*x stacked row-wise in the gate ``order``, (4H, D)."""
    return np.concatenate([p[f"{kind}_{gate}{side}"] for gate in order])


def _fuse(p):
    """Stack the weights in the order [c~, i, f, q] of the fast path, so that
    one product serves all four gates.

    W_h (4H, H) stacks the W_*h row-wise, like PyTorch's weight_hh in this
    order; W_x (4, H, D) stacks the W_*x block by block, for batched products
    that keep each block's result contiguous. The forward uses W_x_T (4, D, H), W_h_T
    (H, 4H) and b (4, 1, 1, H), each gate's two biases summed: contiguous
    transposes for ``x @ W.T``, which BLAS does fastest on contiguous memory,
    with the blocks of i, f and q halved, so that one tanh gives all four
    activations: σ(a) = (1 + tanh(a/2)) / 2. Halving is exact in floating point.
    """
    hidden = p["W_ih"].shape[0]
    halves = np.array([1, 0.5, 0.5, 0.5], dtype=p["W_ih"].dtype)[:, None, None]  # c~, i, f, q
    w_x = _stacked(p, "W", "x", _FUSED_ORDER).reshape(4, hidden, -1)
    w_h = _stacked(p, "W", "h", _FUSED_ORDER).reshape(4, hidden, hidden)
    biases = (_stacked(p, "b", "x", _FUSED_ORDER) + _stacked(p, "b", "h", _FUSED_ORDER)).reshape(4, 1, 1, hidden)
    return {
        "W_x": w_x,
        "W_h": w_h.reshape(4 * hidden, hidden),
        "W_x_T": np.ascontiguousarray(np.swapaxes(w_x * halves, 1, 2)),
        "W_h_T": np.ascontiguousarray((w_h * halves).reshape(4 * hidden, hidden).T),
        "b": biases * halves[..., None],
    }


def _weight_gradients(cache, adjoints, span, sums):
    """Add one chunk's share to the parameter gradients; return them by name.

    adjoints: (4, n, B, H), the blocks [dg9, dg3, dg6, dg12] of the n steps
              ``span`` (a slice), as :func:`backward` leaves them.
    sums:     dict of running sums, updated in place; empty for the first chunk.

    Summing over steps and batch is, for a weight, one matrix product per
    block over the n·B rows (step, batch element); for a bias, a sum.
    """
    rows = adjoints.reshape(4, -1, adjoints.shape[-1])  # one row per (step, batch element)
    by_column = rows.transpose(0, 2, 1)
    share = {
        "x": np.matmul(by_column, cache["xs"][span].reshape(rows.shape[1], -1)),
        "h": np.matmul(by_column, cache["h_prevs"][span].reshape(rows.shape[1], -1)),
        "b": adjoints.sum(axis=1).sum(axis=1),  # over the steps, then over the batch
    }
    for key, value in share.items():
        if key in sums:
            sums[key] += value
        else:
            sums[key] = value
    grads = {}
    for block, gate in enumerate(_FUSED_ORDER):
        grads[f"W_{gate}x"] = sums["x"][block]
        grads[f"W_{gate}h"] = sums["h"][block]
        grads[f"b_{gate}x"] = sums["b"][block]
        grads[f"b_{gate}h"] = sums["b"][block].copy()  # the two biases of a gate add to the same sum
    return {key: grads[key] for key in cache["params"]}


# ----------------------------------------------------------------------------
# PyTorch's layout: weight_ih (4H, D), weight_hh (4H, H), biases (4H,), gate
# order i, f, g, o (PyTorch's g is the candidate c~ here, and its o our output gate q):
# the order of GATES.

_PYTORCH_ARRAYS = (("W", "x"), ("W", "h"), ("b", "x"), ("b", "h"))


def params_from_pytorch(weight_ih, weight_hh, bias_ih, bias_hh):
    """Parameters from a ``torch.nn.LSTM`` layer, as numpy arrays.

    weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,): e.g.
    ``layer.weight_ih_l0.detach().numpy()``, rows in PyTorch's gate order
    i, f, g, o. Converts their ``.grad`` the same way. The result computes
    exactly what the layer does.
    """
    arrays = _params.pytorch_layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    hidden = arrays[1].shape[1]
    params = {}
    for k, gate in enumerate(GATES):
        rows = slice(k * hidden, (k + 1) * hidden)
        for (kind, side), array in zip(_PYTORCH_ARRAYS, arrays, strict=True):
            params[f"{kind}_{gate}{side}"] = array[rows].copy()
    return params


def params_to_pytorch(params):
    """The inverse of :func:`params_from_pytorch`: the tuple
    ``(weight_ih, weight_hh, bias_ih, bias_hh)`` in gate order i, f, g, o.
    Converts gradients the same way."""
    p = _checks.model_params(params, param_shapes)
    return tuple(_stacked(p, kind, side, GATES) for kind, side in _PYTORCH_ARRAYS)
