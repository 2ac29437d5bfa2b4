"""The output layer: scores o_t = W_oh h_t + b_o, then softmax cross-entropy.

With a recurrent model (:mod:`gru_course.rnn` or :mod:`gru_course.gru`), a
whole sequence's loss and every gradient take three calls::

    hs, cache = rnn.forward(xs, h0, params)
    loss, dhs, out_grads = output.loss(hs, targets, out_params)
    dxs, dh0, grads = rnn.backward(dhs, cache)

``dhs[t]`` is only the output layer's part of ∂L/∂h_t, W_ohᵀ ∂L/∂o_t = ∂L_t/∂h_t
(the gradient of step t's own loss); ``rnn.backward`` adds the part that comes
back from the later steps.

Shapes: states (T, B, H) or (B, H); W_oh (C, H); b_o (C,); scores (T, B, C)
or (B, C); targets (T, B) or (B,) integer classes.
"""

import numpy as np

from . import _checks, _params, losses


def param_shapes(hidden_size, output_size):
    """The parameter names and shapes: {name: (shape, axis names)}."""
    return {"W_oh": ((output_size, hidden_size), ("C", "H")), "b_o": ((output_size,), ("C",))}


def init_params(hidden_size, output_size, rng, dtype=np.float64):
    """Random W_oh, b_o, uniform in ±1/√H (PyTorch's ``nn.Linear`` default)."""
    sizes = {"hidden_size": hidden_size, "output_size": output_size}
    return _params.uniform_init(param_shapes, sizes, "hidden_size", rng, dtype)


def forward(hs, params):
    """Scores o = W_oh h + b_o for every state h (``hs @ W_oh.T + b_o``).

    hs: (T, B, H) or (B, H). params: {W_oh (C, H), b_o (C,)}.
    Returns ``(scores, cache)``, scores of shape (T, B, C) or (B, C).
    """
    hs = _checks.float_array("hs", hs)
    if hs.ndim not in (2, 3):
        raise ValueError(f"hs must have 3 dimensions (T, B, H) or 2 (B, H); got {hs.ndim} (shape {hs.shape})")
    classes = _checks.size_from("params", params, "W_oh", 0)
    hidden = _checks.size_from("params", params, "W_oh", 1)
    params = _checks.named_arrays("params", params, param_shapes(hidden, classes))
    if hs.shape[-1] != hidden:
        raise ValueError(
            f"hs must have a last dimension H = {hidden} to match params['W_oh'] (C, H) = "
            f"{params['W_oh'].shape}; got shape {hs.shape}"
        )
    _checks.same_dtype("hs", hs, "params['W_oh']", params["W_oh"])
    scores = hs @ params["W_oh"].T + params["b_o"]
    return scores, {"kind": "output.forward", "hs": hs, "params": params}


def backward(dscores, cache):
    """Backward of :func:`forward`.

    dscores: ∂L/∂o, the shape of the scores. cache: what :func:`forward` returned.
    Returns ``(dhs, grads)``: W_ohᵀ ∂L/∂o for every state, of the shape of hs (the
    part of ∂L/∂h that comes through this layer, ∂L_t/∂h_t at step t: not the part
    through later steps of a recurrent model), and {W_oh, b_o} gradients summed over
    time and batch.
    """
    cache = _checks.cache_from("cache", cache, "output.forward", ("hs", "params"))
    hs, w = cache["hs"], cache["params"]["W_oh"]
    dims = ("T", "B", "C")[-hs.ndim :]
    dscores = _checks.upstream_gradient("dscores", dscores, (*hs.shape[:-1], w.shape[0]), dims, hs)
    flat_d = dscores.reshape(-1, w.shape[0])
    grads = {"W_oh": flat_d.T @ hs.reshape(-1, w.shape[1]), "b_o": flat_d.sum(axis=0)}
    return dscores @ w, grads


def loss(hs, targets, params):
    """Softmax cross-entropy of the scores, summed over time, averaged over the batch.

    Returns ``(loss, dhs, grads)``: the scalar loss L = Σ_t L_t; for every state,
    the gradient of its own step's loss, ``dhs[t]`` = ∂L_t/∂h_t = W_ohᵀ ∂L/∂o_t
    (the shape of hs; only the output layer's part of ∂L/∂h_t, without what later
    steps of a recurrent model add); and the gradients of W_oh and b_o.
    """
    scores, cache = forward(hs, params)
    value, dscores = losses.softmax_cross_entropy(scores, targets)
    dhs, grads = backward(dscores, cache)
    return value, dhs, grads
