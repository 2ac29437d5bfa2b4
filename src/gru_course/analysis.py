"""How gradients travel through time: one-step Jacobians and their products.

The gradient of a loss L_T paid at the last step reaches an earlier state
h_t, k = T - t steps back, through the chain rule as

    ∂L_T/∂h_t = (J_T J_{T-1} ... J_{t+1})ᵀ ∂L_T/∂h_T,   J_s = ∂h_s/∂h_{s-1},

a product of k one-step Jacobians, which decides whether it vanishes or
explodes (k is always a number of steps back, as in the book).

Shapes: a batch of Jacobians is (B, H, H) with the row index the component of
h_t and the column index the component of h_{t-1}; along a sequence they are
stacked as (T, B, H, H).
"""

import numpy as np

from . import _checks, gru, rnn


def rnn_jacobian(x, h_prev, params):
    """∂h_t/∂h_{t-1} of the tanh RNN: diag(1 - h_t²) W_hh.

    x (B, D), h_prev (B, H), params as in :func:`gru_course.rnn.step_forward`.
    Returns (B, H, H).
    """
    h, cache = rnn.step_forward(x, h_prev, params)
    return (1 - h * h)[:, :, None] * cache["params"]["W_hh"][None]


def gru_jacobian(x, h_prev, params, variant="reset_before"):
    """∂h_t/∂h_{t-1} of one GRU step, exactly.

    With reset before the recurrent product::

        J = diag(z) + diag((h_prev - h~) ∘ z(1-z)) W_zh
            + diag((1-z) ∘ (1-h~²)) W_hh [diag(r) + diag(h_prev ∘ r(1-r)) W_rh]

    and with reset after, the last factor's bracket becomes
    diag(r) W_hh + diag((W_hh h_prev + b_hh) ∘ r(1-r)) W_rh, without the W_hh
    in front. x (B, D), h_prev (B, H). Returns (B, H, H).
    """
    _, c = gru.step_forward(x, h_prev, params, variant=variant)
    p = c["params"]
    z, r, h_tilde = c["z"], c["r"], c["h_tilde"]
    eye = np.eye(h_prev.shape[1], dtype=h_prev.dtype)
    direct = z[:, :, None] * eye  # diag(z)
    through_z = ((h_prev - h_tilde) * z * (1 - z))[:, :, None] * p["W_zh"]
    dr = (r * (1 - r))[:, :, None] * p["W_rh"]  # ∂r/∂h_prev, (B, H, H)
    if variant == "reset_before":
        inner = r[:, :, None] * eye + h_prev[:, :, None] * dr  # ∂(r ∘ h_prev)/∂h_prev
        through_candidate = p["W_hh"] @ inner
    else:
        kept = c["g7"]  # W_hh h_prev + b_hh
        through_candidate = r[:, :, None] * p["W_hh"] + kept[:, :, None] * dr
    through_candidate = ((1 - z) * (1 - h_tilde * h_tilde))[:, :, None] * through_candidate
    return direct + through_z + through_candidate


def sequence_jacobians(model, xs, h0, params, variant=None):
    """The one-step Jacobians J_1 ... J_T along a sequence.

    model: the module :mod:`gru_course.rnn` or :mod:`gru_course.gru`.
    xs (T, B, D), h0 (B, H); variant: for the GRU only.
    Returns (hs, jacobians): the states (T, B, H) and J (T, B, H, H), where
    J[t] = ∂h_{t+1}/∂h_t in the book's 1-based time.
    """
    if model is rnn:
        if variant is not None:
            raise ValueError(f"variant is for the GRU only; got {variant!r} with the RNN")
        hs, _ = rnn.forward(xs, h0, params)
    elif model is gru:
        variant = "reset_before" if variant is None else variant
        hs, _ = gru.forward(xs, h0, params, variant=variant)
    else:
        raise TypeError(f"model must be gru_course.rnn or gru_course.gru; got {model!r}")
    steps, batch, hidden = hs.shape
    # Each J_t depends only on (x_t, h_{t-1}): all steps form one batch of T·B rows.
    x_rows = xs.reshape(steps * batch, -1)
    h_rows = np.concatenate([h0[None], hs[:-1]]).reshape(steps * batch, hidden)
    if model is rnn:
        jacobians = rnn_jacobian(x_rows, h_rows, params)
    else:
        jacobians = gru_jacobian(x_rows, h_rows, params, variant)
    return hs, jacobians.reshape(steps, batch, hidden, hidden)


def gradient_norms(jacobians, dh_last):
    """‖∂L/∂h_t‖ for t = 0 ... T, when the loss depends on h_T only.

    jacobians: (T, B, H, H) from :func:`sequence_jacobians`.
    dh_last:   (B, H), the gradient ∂L/∂h_T.
    Returns (T + 1, B): row t is the norm of the gradient reaching h_t
    (row T is ‖dh_last‖). Computed backwards, one vector-Jacobian product a step.
    """
    jacobians = _checks.float_array("jacobians", jacobians, ("T", "B", "H", "H"))
    steps, batch, hidden, _ = jacobians.shape
    dh = _checks.float_array("dh_last", dh_last, ("B", "H"))
    _checks.expect_shape("dh_last", dh, (batch, hidden), ("B", "H"))
    norms = np.empty((steps + 1, batch), dtype=dh.dtype)
    norms[steps] = np.linalg.norm(dh, axis=1)
    for t in reversed(range(steps)):
        dh = np.einsum("bi,bij->bj", dh, jacobians[t])  # J_tᵀ applied to each row
        norms[t] = np.linalg.norm(dh, axis=1)
    return norms


def jacobian_product(jacobians):
    """The product J_T ... J_1 = ∂h_T/∂h_0, (B, H, H), from (T, B, H, H)."""
    jacobians = _checks.float_array("jacobians", jacobians, ("T", "B", "H", "H"))
    product = np.broadcast_to(np.eye(jacobians.shape[-1]), jacobians.shape[1:]).copy()
    for jacobian in jacobians:
        product = jacobian @ product
    return product


def singular_values(matrices):
    """Singular values of a batch of matrices (..., H, H), largest first."""
    matrices = _checks.float_array("matrices", matrices)
    if matrices.ndim < 2:
        raise ValueError(f"matrices must have at least 2 dimensions (..., H, H); got shape {matrices.shape}")
    return np.linalg.svd(matrices, compute_uv=False)


def spectral_radius(matrix):
    """The largest absolute eigenvalue of a square matrix."""
    matrix = _checks.float_array("matrix", matrix, ("H", "H"))
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (H, H); got {matrix.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def with_spectral_radius(matrix, radius):
    """``matrix`` rescaled so that its spectral radius is ``radius``."""
    return matrix * (radius / spectral_radius(matrix))


def lstm_jacobian(x, h_prev, c_prev, params):
    """∂(h_t, c_t)/∂(h_{t-1}, c_{t-1}) of one LSTM step, exactly.

    With σ' = σ(1-σ) at each gate and the notation of :mod:`gru_course.lstm`::

        ∂c/∂h_prev = diag(c_prev ∘ f(1-f)) W_fh + diag(c~ ∘ i(1-i)) W_ih
                     + diag(i ∘ (1-c~²)) W_ch
        ∂c/∂c_prev = diag(f)
        ∂h/∂h_prev = diag(tanh(c) ∘ q(1-q)) W_qh + diag(q ∘ (1-tanh²(c))) ∂c/∂h_prev
        ∂h/∂c_prev = diag(q ∘ (1-tanh²(c))) ∂c/∂c_prev

    x (B, D), h_prev (B, H), c_prev (B, H). Returns (B, 2H, 2H), the blocks
    [[∂h/∂h_prev, ∂h/∂c_prev], [∂c/∂h_prev, ∂c/∂c_prev]]: rows index the new
    state (h_t, c_t), columns the previous one (h_{t-1}, c_{t-1}).
    """
    from . import lstm

    _, _, step = lstm.step_forward(x, h_prev, c_prev, params)
    p = step["params"]
    i, f, q, c_tilde, tanh_c = (step[k] for k in ("i", "f", "q", "c_tilde", "g15"))
    c_from_h = (
        (step["c_prev"] * f * (1 - f))[:, :, None] * p["W_fh"]
        + (c_tilde * i * (1 - i))[:, :, None] * p["W_ih"]
        + (i * (1 - c_tilde * c_tilde))[:, :, None] * p["W_ch"]
    )
    c_from_c = f[:, :, None] * np.eye(f.shape[1], dtype=f.dtype)  # diag(f)
    h_from_c_t = (q * (1 - tanh_c * tanh_c))[:, :, None]  # ∂h_t/∂c_t, a diagonal
    h_from_h = (tanh_c * q * (1 - q))[:, :, None] * p["W_qh"] + h_from_c_t * c_from_h
    return np.block([[h_from_h, h_from_c_t * c_from_c], [c_from_h, c_from_c]])
