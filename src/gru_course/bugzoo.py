"""A zoo of known mistakes, several for every implementation exercise.

Each exercise has one function here written the way a learner would write
it, with numpy and the building blocks the exercise allows, and a ``mistake``
argument: ``None`` gives the correct code, a name gives the same code with
that one mistake. :data:`SPECIMENS` maps each (exercise, mistake name) to a
:class:`~gru_course.checking.Mistake`: the exercise it belongs to, the
function that makes it, and the hint a checker gives a learner whose answer
matches it (see :mod:`gru_course.checking`). The tests prove that every
checker rejects every specimen of its exercise with that specimen's own
hint, and the appendix on reading gradient checks shows what several of them
look like in a report.

"""

from functools import partial

import numpy as np

from . import gru
from .activations import sigmoid
from .checking import Mistake
from .gradcheck import relative_error

# ----------------------------------------------------------------------------
# Part I: the RNN.


def rnn_forward(xs, h0, W_hx, W_hh, b_h, mistake=None):
    """All states (T, B, H) of a tanh RNN."""
    states, h = [], h0
    for x in xs:
        if mistake == "columns for examples":
            a = W_hx @ x + W_hh @ h + b_h  # the equations copied literally
        else:
            a = x @ W_hx.T + h @ W_hh.T + b_h
        new = a if mistake == "tanh left out" else np.tanh(a)
        if mistake != "state not carried":
            h = new
        states.append(new)
    return states[-1] if mistake == "last state only" else np.array(states)


def softmax_backward(logits, targets, mistake=None):
    """∂L/∂o (B, C) of the cross-entropy averaged over the batch."""
    shifted = logits if mistake == "no max subtracted" else logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    one_hot = np.zeros_like(probs)
    one_hot[np.arange(len(targets)), targets] = 1
    grad = probs - one_hot
    if mistake == "one-hot not subtracted":
        grad = probs
    elif mistake == "sign flipped":
        grad = one_hot - probs
    elif mistake == "diagonal of the softmax Jacobian only":
        grad = probs * (1 - probs) * grad
    return grad if mistake == "no batch mean" else grad / len(targets)


def rnn_step_backward(dh, x, h_prev, h, params, mistake=None):
    """Steps 7 to 11 of one RNN cell for a batch: (dx, dh_prev, grads)."""
    if mistake == "tanh' left out":
        da = dh
    elif mistake == "tanh' at the pre-activation":
        da = dh * (1 - np.arctanh(h) ** 2)  # 1 - a², with a = arctanh(h) the pre-activation
    else:
        da = dh * (1 - h**2)
    grads = {
        "W_hx": da.T @ x,
        "W_hh": da.T @ (h if mistake == "W_hh share from the new state" else h_prev),
        "b_h": da if mistake == "bias not summed over the batch" else da.sum(axis=0),
    }
    W_hh = params["W_hh"].T if mistake == "transposed weights" else params["W_hh"]
    return da @ params["W_hx"], da @ W_hh, grads


def rnn_backward(dhs, xs, h0, hs, params, mistake=None):
    """BPTT for the tanh RNN given the per-step gradients dhs: (dxs, dh0, grads)."""
    W_hx, W_hh = params["W_hx"], params["W_hh"]
    grads = {"W_hx": np.zeros_like(W_hx), "W_hh": np.zeros_like(W_hh), "b_h": np.zeros(len(W_hh))}
    dxs = np.zeros_like(xs)
    da_next = np.zeros_like(h0)  # ∂L/∂a_{t+1}, zero after the last step
    for t in reversed(range(len(xs))):
        h_prev = h0 if t == 0 else hs[t - 1]
        dh_later = da_next @ (W_hh.T if mistake == "transposed recurrent weights" else W_hh)
        if mistake == "no gradient from later steps":
            da = dhs[t] * (1 - hs[t] ** 2)
        elif mistake == "later steps' gradient added after tanh'":
            da = dhs[t] * (1 - hs[t] ** 2) + dh_later
        else:
            da = (dhs[t] + dh_later) * (1 - hs[t] ** 2)
        read = hs[t] if mistake == "W_hh share off by one step" else h_prev
        share = {"W_hx": da.T @ xs[t], "W_hh": da.T @ read, "b_h": da.sum(axis=0)}
        for name in grads:
            if mistake == "no sum over time":
                grads[name] = share[name] if t == len(xs) - 1 else grads[name]
            elif mistake == "shares overwritten, not summed":
                grads[name] = share[name]  # `=` in a backward loop: the first step's share is left
            else:
                grads[name] += share[name]
        dxs[t] = da @ W_hx
        da_next = da
    return dxs, da_next @ W_hh, grads


# ----------------------------------------------------------------------------
# Part II: the GRU.


def gru_step_reset_after(x, h_prev, p, mistake=None):
    """One reset-after GRU step, h (B, H)."""
    z = sigmoid(x @ p["W_zx"].T + p["b_zx"] + h_prev @ p["W_zh"].T + p["b_zh"])
    r = sigmoid(x @ p["W_rx"].T + p["b_rx"] + h_prev @ p["W_rh"].T + p["b_rh"])
    if mistake == "reset before the product":
        recurrent = (r * h_prev) @ p["W_hh"].T + p["b_hh"]
    elif mistake == "b_hh outside the reset":
        recurrent = r * (h_prev @ p["W_hh"].T) + p["b_hh"]
    elif mistake == "reset gate left out":
        recurrent = h_prev @ p["W_hh"].T + p["b_hh"]
    else:
        recurrent = r * (h_prev @ p["W_hh"].T + p["b_hh"])
    h_tilde = np.tanh(x @ p["W_hx"].T + p["b_hx"] + recurrent)
    if mistake == "z and 1 - z swapped":
        return (1 - z) * h_prev + z * h_tilde
    return z * h_prev + (1 - z) * h_tilde


def gru_step_backward(dh, cache, mistake=None):
    """The backward pass of one GRU step of either variant: (dx, dh_prev, grads)."""
    p, x, h_prev = cache["params"], cache["x"], cache["h_prev"]
    z, r, h_tilde = cache["z"], cache["r"], cache["h_tilde"]
    keep, mix = (1 - z, z) if mistake == "z and 1 - z swapped" else (z, 1 - z)
    dz = dh * (h_prev - h_tilde) * (-1 if mistake == "z and 1 - z swapped" else 1)
    dg10 = dh * mix * (1 - h_tilde**2)  # ∂L/∂(candidate pre-activation)
    dg3 = dz if mistake == "missing σ' factor" else dz * z * (1 - z)
    after = (cache["variant"] == "reset_after") != (mistake == "the other reset variant")
    if after:
        recurrent = h_prev @ p["W_hh"].T + p["b_hh"]
        d_recurrent = dg10 * r  # ∂L/∂(W_hh h_prev + b_hh)
        dg6 = dg10 * recurrent * r * (1 - r)
        dW_hh = d_recurrent.T @ h_prev
        db_hh = (dg10 if mistake == "b_hh not scaled by r" else d_recurrent).sum(axis=0)
        via_candidate = d_recurrent @ p["W_hh"]
    else:
        d_reset_product = dg10 @ p["W_hh"]  # ∂L/∂(r ∘ h_prev)
        dg6 = d_reset_product * h_prev * r * (1 - r)
        dW_hh, db_hh = dg10.T @ (r * h_prev), dg10.sum(axis=0)
        via_candidate = d_reset_product * r
    grads = {"W_hx": dg10.T @ x, "b_hx": dg10.sum(axis=0), "W_hh": dW_hh, "b_hh": db_hh}
    for gate, dg in (("z", dg3), ("r", dg6)):
        grads[f"W_{gate}x"], grads[f"W_{gate}h"] = dg.T @ x, dg.T @ h_prev
        grads[f"b_{gate}x"], grads[f"b_{gate}h"] = dg.sum(axis=0), dg.sum(axis=0)
    dx = dg3 @ p["W_zx"] + dg6 @ p["W_rx"] + dg10 @ p["W_hx"]
    uses = [dh * keep, via_candidate, dg6 @ p["W_rh"], dg3 @ p["W_zh"]]
    if mistake == "missing direct z∘dh path":
        uses = uses[1:]
    elif mistake == "overwritten h_prev gradient":  # `=` instead of `+=`: the last use wins
        uses = uses[-1:]
    return dx, sum(uses), grads


def tape_square(tape, a, mistake=None):
    """a² elementwise, recorded on the tape with its backward step."""
    out = tape.record(a.data**2, None, "square", (a,))

    def backward_step():
        if mistake == "= instead of += in the backward step":
            a.grad = out.grad * 2 * a.data
        elif mistake == "factor 2 missing":
            a.grad += out.grad * a.data
        elif mistake == "upstream gradient ignored":
            a.grad += 2 * a.data
        elif mistake == "derivative taken at the output":
            a.grad += out.grad * 2 * out.data
        else:
            a.grad += out.grad * 2 * a.data

    if mistake != "backward step never attached":
        out.backward_step = backward_step
    return out


def gru_backward(dhs, xs, h0, params, mistake=None):
    """BPTT for the reset-before GRU, step by step: (dxs, dh0, grads)."""
    h, caches = h0, []
    for x in xs:
        h, cache = gru.step_forward(x, h0 if mistake == "state not carried forward" else h, params)
        caches.append(cache)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dxs = np.zeros_like(xs)
    dh_later = np.zeros_like(h0)
    last = len(xs) - 1
    for t in reversed(range(len(xs))):
        if mistake == "no gradient from later steps":
            dh = dhs[t]
        elif mistake == "own loss left out before the last step":
            dh = dhs[t] if t == last else dh_later
        else:
            dh = dhs[t] + dh_later
        dxs[t], dh_later, step_grads = gru.step_backward(dh, caches[t])
        for name in grads:
            if mistake == "shares overwritten, not summed":
                grads[name] = step_grads[name]
            else:
                grads[name] += step_grads[name]
    return dxs, dh_later, grads


def keras_converter(kernel, recurrent_kernel, bias, mistake=None):
    """gru_course parameters from a Keras GRU's arrays (reset_after=True)."""
    hidden = recurrent_kernel.shape[0]
    order = "rzh" if mistake == "PyTorch's gate order r, z, h" else "zrh"
    input_bias, recurrent_bias = (bias[1], bias[0]) if mistake == "bias rows swapped" else (bias[0], bias[1])
    params = {}
    for k, gate in enumerate(order):
        cols = slice(k * hidden, (k + 1) * hidden)
        if mistake == "kernels not transposed":
            params[f"W_{gate}x"], params[f"W_{gate}h"] = kernel[:, cols].copy(), recurrent_kernel[:, cols].copy()
        else:
            params[f"W_{gate}x"], params[f"W_{gate}h"] = kernel[:, cols].T.copy(), recurrent_kernel[:, cols].T.copy()
        params[f"b_{gate}x"], params[f"b_{gate}h"] = input_bias[cols].copy(), recurrent_bias[cols].copy()
        if mistake == "recurrent biases merged into the input biases":
            params[f"b_{gate}x"] += params[f"b_{gate}h"]
            params[f"b_{gate}h"] = np.zeros(hidden)
    return params


def lstm_step_backward(dh, dc, cache, mistake=None):
    """The backward pass of one LSTM step: (dx, dh_prev, dc_prev, grads)."""
    p, x, h_prev, c_prev = cache["params"], cache["x"], cache["h_prev"], cache["c_prev"]
    i, f, q, c_tilde = cache["i"], cache["f"], cache["q"], cache["c_tilde"]
    tanh_c = np.tanh(cache["c"])
    dq = dh * (cache["c"] if mistake == "output gate read from c, not tanh(c)" else tanh_c)
    if mistake == "tanh(c) path left out":
        dc_total = dc  # only what comes from the next step
    elif mistake == "gradient from the next step ignored":
        dc_total = dh * q * (1 - tanh_c**2)  # only what comes through h = q ∘ tanh(c)
    else:
        dc_total = dc + dh * q * (1 - tanh_c**2)  # c_t is used twice: by the next step and by tanh(c_t)
    dg3 = dc_total * c_tilde * i * (1 - i)  # ∂L/∂(input gate's pre-activation)
    df = dc_total * c_prev
    dg6 = df if mistake == "σ' of the forget gate left out" else df * f * (1 - f)
    dg9 = dc_total * i * (1 - c_tilde**2)  # ∂L/∂(candidate cell's pre-activation)
    dg12 = dq * q * (1 - q)  # ∂L/∂(output gate's pre-activation)
    grads = {}
    for gate, dg in (("i", dg3), ("f", dg6), ("c", dg9), ("q", dg12)):
        grads[f"W_{gate}x"], grads[f"W_{gate}h"] = dg.T @ x, dg.T @ h_prev
        grads[f"b_{gate}x"], grads[f"b_{gate}h"] = dg.sum(axis=0), dg.sum(axis=0)
    dx = dg3 @ p["W_ix"] + dg6 @ p["W_fx"] + dg9 @ p["W_cx"] + dg12 @ p["W_qx"]
    uses = [dg12 @ p["W_qh"], dg9 @ p["W_ch"], dg6 @ p["W_fh"], dg3 @ p["W_ih"]]  # h_prev's four products
    if mistake == "overwritten h_prev gradient":  # `=` instead of `+=`: the last use wins
        uses = uses[-1:]
    if mistake == "the GRU's direct term in dh_prev":  # the GRU's h_t = z ∘ h_prev + ...; the LSTM has no such term
        uses.append(dh)
    dc_prev = dc_total if mistake == "forget gate left out of dc_prev" else dc_total * f
    if mistake == "dc_prev from the next step only":
        dc_prev = dc * f
    return dx, sum(uses), dc_prev, grads


# ----------------------------------------------------------------------------
# Part III: gradients over time.


def gru_jacobian_reset_after(x, h_prev, p, mistake=None):
    """∂h_t/∂h_{t-1} (B, H, H) of one reset-after GRU step."""
    if mistake == "finite differences instead of the derivative":
        return _jacobian_by_differences(x, h_prev, p)
    variant = "reset_before" if mistake == "forward pass run as reset-before" else "reset_after"
    _, c = gru.step_forward(x, h_prev, p, variant=variant)
    z, r, h_tilde, recurrent = c["z"], c["r"], c["h_tilde"], c["g7"]  # recurrent = W_hh h_prev + b_hh
    eye = np.eye(h_prev.shape[1])
    direct = z[:, :, None] * eye
    z_prime = 1 if mistake == "σ' of the update gate left out" else z * (1 - z)
    through_z = ((h_prev - h_tilde) * z_prime)[:, :, None] * p["W_zh"]
    through_r = (recurrent * r * (1 - r))[:, :, None] * p["W_rh"]
    if mistake == "reset-before candidate term":
        inner = p["W_hh"] @ (r[:, :, None] * eye + (h_prev * r * (1 - r))[:, :, None] * p["W_rh"])
    elif mistake == "gates treated as constants":
        inner, through_z = r[:, :, None] * p["W_hh"], 0
    else:
        inner = r[:, :, None] * p["W_hh"] + through_r
    through_candidate = ((1 - z) * (1 - h_tilde**2))[:, :, None] * inner
    jacobian = (0 if mistake == "direct path left out" else direct) + through_z + through_candidate
    return np.swapaxes(jacobian, 1, 2) if mistake == "transposed Jacobian" else jacobian


def _jacobian_by_differences(x, h_prev, p, eps=1e-6):
    """Centered differences of the reset-after step, one column per entry of h_prev."""
    columns = []
    for j in range(h_prev.shape[1]):
        step = np.zeros_like(h_prev)
        step[:, j] = eps
        plus, minus = (gru.step_forward(x, h_prev + s, p, variant="reset_after")[0] for s in (step, -step))
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=2)


def clip_by_global_norm(grads, max_norm, mistake=None):
    """Scale all gradients together to a global norm of at most max_norm: (clipped, norm)."""
    if mistake == "norm as the sum of the arrays' norms":
        norm = float(sum(np.sqrt(np.sum(g**2)) for g in grads.values()))
    else:
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if mistake == "each array clipped by its own norm":
        return {k: g * min(1.0, max_norm / np.sqrt(np.sum(g**2))) for k, g in grads.items()}, norm
    scale = max_norm / norm if (norm > max_norm or mistake == "always rescaled to max_norm") else 1.0
    if mistake == "returns the input arrays" and scale == 1.0:
        return grads, norm
    if mistake == "clipped in place":
        for g in grads.values():
            g *= scale
        return grads, norm
    return {k: g * scale for k, g in grads.items()}, norm


def gradcheck(f, x, analytic, eps=1e-6, tol=1e-7, mistake=None):
    """True when ``analytic`` matches the finite-difference gradient of f at x."""
    dtype = np.float32 if mistake == "float32 differences" else np.float64
    eps = 1e-2 if mistake == "step ε far too large" else eps
    x = x.astype(dtype)
    numeric = np.zeros_like(x, dtype=np.float64)
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[i] += dtype(eps)
        if mistake == "one-sided differences":
            numeric.flat[i] = (f(plus) - f(x)) / eps
        else:
            minus.flat[i] -= dtype(eps)
            numeric.flat[i] = (f(plus) - f(minus)) / (2 * eps)
    diff, size = np.abs(analytic - numeric), np.abs(analytic) + np.abs(numeric)
    if mistake == "absolute error":
        error = diff.max()
    elif mistake == "mean relative error":
        error = np.mean(diff / np.maximum(size, 1e-8))
    elif mistake == "clipped gradients":
        error = relative_error(np.clip(analytic, -1, 1), np.clip(numeric, -1, 1))
    else:
        error = diff.max() / max(1e-8, size.max())
    return bool(error <= tol)


# ----------------------------------------------------------------------------
# Part III: the language model.


def bits_per_character(scores, targets, mistake=None):
    """The mean cross-entropy of the targets (N,) under softmax(scores) (N, C), in bits."""
    rows = np.arange(len(targets))
    if mistake == "no max subtracted":
        probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        log_p = np.log(probs)
    else:
        shifted = scores - scores.max(axis=1, keepdims=True)
        if mistake == "log of the probabilities":
            log_p = np.log(np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True))
        else:
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log-sum-exp
    if mistake == "mean over every score":
        one_hot = np.zeros_like(scores)
        one_hot[rows, targets] = 1
        nats = -np.mean(one_hot * log_p)
    elif mistake == "sum, not mean":
        nats = -log_p[rows, targets].sum()
    else:
        nats = -log_p[rows, targets].mean()
    return nats if mistake == "nats, not bits" else nats / np.log(2)


def temperature_probabilities(scores, temperature, mistake=None):
    """softmax(scores / temperature) over each row of scores (N, C)."""
    scaled = scores * temperature if mistake == "scores multiplied by the temperature" else scores / temperature
    if mistake == "probabilities divided by the temperature":
        scaled = scores
    if mistake == "no max subtracted":
        shifted = scaled
    elif mistake == "one max for the whole array":
        shifted = scaled - scaled.max()
    else:
        shifted = scaled - scaled.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / e.sum(axis=0 if mistake == "normalised over the wrong axis" else 1, keepdims=True)
    return probs / temperature if mistake == "probabilities divided by the temperature" else probs


# ----------------------------------------------------------------------------
# The specimens and their hints.

_HINTS = {
    "rnn_forward": (
        rnn_forward,
        {
            "state not carried": "every step starts from h0. Each step must use the state the previous step "
            "produced: set `h = ...` inside the loop.",
            "last state only": "you return the final state, (B, H). Return every state, stacked into (T, B, H).",
            "tanh left out": "the state is the tanh of the pre-activation: h_t = tanh(a_t).",
            "columns for examples": "the equations' W x_t treats x_t as a column; in code each row of x is an "
            "example, so W x_t becomes `x @ W.T`.",
        },
    ),
    "softmax_cross_entropy_backward": (
        softmax_backward,
        {
            "no max subtracted": "exp overflows for large scores (here about 1000) and the result is NaN. "
            "Subtract each row's largest score before exponentiating: softmax is unchanged by it.",
            "diagonal of the softmax Jacobian only": "you multiplied by ŷ(1 - ŷ), the diagonal of the softmax "
            "Jacobian alone. The off-diagonal terms cancel most of it: ∂L/∂o = ŷ - y.",
            "no batch mean": "the loss is averaged over the batch, so the gradient is (ŷ - y) / B.",
            "one-hot not subtracted": "you returned ŷ / B. Subtract 1 at each row's target class: ∂L/∂o = ŷ - y.",
            "sign flipped": "this is the gradient of the log-likelihood, y - ŷ. The loss is its negative: ŷ - y.",
        },
    ),
    "rnn_step_backward": (
        rnn_step_backward,
        {
            "transposed weights": "dh_prev used W_hh.T. With rows as examples, W_hhᵀ da for every row is "
            "`da @ W_hh` (step 11).",
            "tanh' at the pre-activation": "tanh'(a) = 1 - tanh(a)² = 1 - h², computed from the state h, "
            "not 1 - a² from the pre-activation.",
            "tanh' left out": "between ∂L/∂h_t and ∂L/∂a_t lies the tanh: da = dh * (1 - h**2) (step 7).",
            "bias not summed over the batch": "grads['b_h'] must have the bias's shape (H,): sum da over the "
            "batch (axis 0).",
            "W_hh share from the new state": "W_hh multiplies the previous state: its share is da.T @ h_prev, "
            "not da.T @ h (step 10).",
        },
    ),
    "rnn_backward": (
        rnn_backward,
        {
            "no sum over time": "your weight gradients hold only the last step's share, t = T. A weight is used "
            "at every step, so its gradient is the sum of every step's share: add them all up.",
            "shares overwritten, not summed": "your weight gradients hold only the first step's share: `=` in "
            "the backward loop keeps the share of the step it visits last, t = 1. Accumulate with `+=`.",
            "no gradient from later steps": "h_t also feeds step t+1, so ∂L/∂h_t is dhs[t] plus what flows "
            "back from later steps, da_{t+1} @ W_hh. You used dhs[t] alone.",
            "W_hh share off by one step": "step t's W_hh share multiplies the state that step *read*, "
            "h_{t-1} (h0 at the first step), not h_t.",
            "later steps' gradient added after tanh'": "add the gradient from later steps to dhs[t] *before* "
            "multiplying by 1 - h_t²: both reach a_t through the same tanh.",
            "transposed recurrent weights": "what flows back from step t+1 is W_hhᵀ da_{t+1}, which is "
            "`da_next @ W_hh` with rows as examples, not W_hh.T.",
        },
    ),
    "gru_step_reset_after": (
        gru_step_reset_after,
        {
            "reset before the product": "that is the reset-before GRU. Reset-after multiplies the reset gate "
            "*after* the product: r * (h_prev @ W_hh.T + b_hh).",
            "z and 1 - z swapped": "the update gate keeps the old state: h = z * h_prev + (1 - z) * h~.",
            "b_hh outside the reset": "in the reset-after GRU the recurrent bias is inside the reset: "
            "r * (h_prev @ W_hh.T + b_hh).",
            "reset gate left out": "the candidate's recurrent term is scaled by the reset gate r.",
        },
    ),
    "gru_step_backward": (
        gru_step_backward,
        {
            "missing σ' factor": "∂L/∂z must go through the sigmoid: ḡ3 = z̄ ∘ z (1 - z).",
            "missing direct z∘dh path": "h_prev reaches h directly through g11 = z ∘ h_prev: add dh * z to dh_prev.",
            "overwritten h_prev gradient": "h_prev is used four times (directly, in z, in r, in the candidate), "
            "so dh_prev is the sum of four terms: `+=`, never `=`.",
            "z and 1 - z swapped": "h = z ∘ h_prev + (1 - z) ∘ h~: h~ receives dh ∘ (1 - z), the direct path "
            "dh ∘ z, and z̄ = dh ∘ (h_prev - h~).",
            "b_hh not scaled by r": "in the reset-after GRU, b_hh sits inside the reset, r ∘ (W_hh h_prev + "
            "b_hh): its gradient is (ḡ10 ∘ r) summed over the batch, like W_hh's, not ḡ10.",
            "the other reset variant": "the cache says which GRU ran (cache['variant']). Reset-before: "
            "r̄ = (ḡ10 @ W_hh) ∘ h_prev; reset-after: r̄ = ḡ10 ∘ (W_hh h_prev + b_hh) and W_hh's gradient "
            "is (ḡ10 ∘ r).T @ h_prev.",
        },
    ),
    "tape_square": (
        tape_square,
        {
            "= instead of += in the backward step": "`a` may be used elsewhere on the tape too: add your "
            "contribution, a.grad += ..., never a.grad = ...",
            "factor 2 missing": "the derivative of a² is 2a: a.grad += out.grad * 2 * a.data.",
            "upstream gradient ignored": "chain rule: multiply the local derivative 2a by out.grad, the "
            "gradient arriving from later operations.",
            "derivative taken at the output": "the local derivative is 2a at the input a.data, not at the "
            "output out.data.",
            "backward step never attached": "set `out.backward_step = backward_step` before returning, or "
            "backward never calls it.",
        },
    ),
    "gru_backward": (
        gru_backward,
        {
            "no gradient from later steps": "h_t also feeds step t+1: h̄_t = dhs[t] + what step t+1 hands back "
            "(its dh_prev). You passed dhs[t] alone.",
            "own loss left out before the last step": "every step's own loss gradient dhs[t] counts, not only "
            "the last one: h̄_t = dhs[t] + what step t+1 hands back.",
            "shares overwritten, not summed": "each weight's gradient is the sum of every step's share: "
            "accumulate with `+=`; `=` keeps only the first step's.",
            "state not carried forward": "the forward loop must feed each step's new state to the next step; "
            "every step read h0.",
        },
    ),
    "keras_converter": (
        keras_converter,
        {
            "kernels not transposed": "Keras computes x @ kernel, so its column block is W.T: transpose each block.",
            "PyTorch's gate order r, z, h": "Keras stacks the blocks z, r, h (PyTorch stacks r, z, n).",
            "bias rows swapped": "bias[0] is the input bias (b_*x), bias[1] the recurrent one (b_*h).",
            "recurrent biases merged into the input biases": "with reset_after=True the recurrent bias of the "
            "candidate sits inside the reset, so b_hh cannot be merged: keep bias[1] as the b_*h.",
        },
    ),
    "lstm_step_backward": (
        lstm_step_backward,
        {
            "tanh(c) path left out": "c_t is used twice, by the next step (dc) and by h_t = q ∘ tanh(c_t): "
            "c̄ = dc + dh ∘ q ∘ (1 - tanh²(c_t)). You kept only dc.",
            "gradient from the next step ignored": "c̄ starts from dc, the gradient that the next step sends back "
            "into c_t: c̄ = dc + dh ∘ q ∘ (1 - tanh²(c_t)). You kept only the path through tanh(c_t).",
            "forget gate left out of dc_prev": "c_t = f ∘ c_{t-1} + i ∘ c~: c_{t-1} receives c̄ ∘ f, not c̄ itself.",
            "σ' of the forget gate left out": "∂L/∂f = c̄ ∘ c_{t-1} must go through the sigmoid: ḡ6 = f̄ ∘ f (1 - f).",
            "overwritten h_prev gradient": "h_prev feeds four products (W_ih, W_fh, W_ch, W_qh), so dh_prev is the "
            "sum of four terms: `+=`, never `=`.",
            "output gate read from c, not tanh(c)": "h = q ∘ tanh(c): the output gate's gradient is "
            "q̄ = dh ∘ tanh(c_t), not dh ∘ c_t.",
            "the GRU's direct term in dh_prev": "the LSTM's h_t is q ∘ tanh(c_t): h_prev reaches it only through "
            "the four products W_ih, W_fh, W_ch and W_qh. There is no direct term dh ∘ z as in the GRU; the direct "
            "path runs through the cell, c̄ ∘ f into dc_prev.",
            "dc_prev from the next step only": "c_prev receives the whole c̄ ∘ f, with c̄ = dc + dh ∘ q ∘ (1 - tanh²(c)) "
            "the sum of both uses of c_t; you used dc ∘ f, the next step's part alone (your gates already use the "
            "whole c̄).",
        },
    ),
    "gru_jacobian": (
        gru_jacobian_reset_after,
        {
            "direct path left out": "h_t = z ∘ h_{t-1} + ...: the Jacobian starts with diag(z).",
            "gates treated as constants": "z and r depend on h_{t-1} too: add the path through z, "
            "diag((h_prev - h~) ∘ z(1 - z)) W_zh, and the one through r in the candidate.",
            "transposed Jacobian": "J[b, i, j] = ∂h_t[i]/∂h_{t-1}[j]: rows index h_t. Yours is transposed.",
            "reset-before candidate term": "that is the reset-before candidate. Reset-after: "
            "∂h~/∂h_prev = diag(1 - h~²) [diag(r) W_hh + diag((W_hh h_prev + b_hh) ∘ r(1 - r)) W_rh].",
            "σ' of the update gate left out": "the path through z needs σ': diag((h_prev - h~) ∘ z(1 - z)) W_zh.",
            "forward pass run as reset-before": "your forward values come from the reset-before GRU: call "
            'gru.step_forward(..., variant="reset_after"), whose cache\'s g7 is W_hh h_prev + b_hh.',
            "finite differences instead of the derivative": "this is a finite-difference estimate (right to about "
            "1e-10), not the derivative: write the three terms of the Jacobian you derived.",
        },
    ),
    "clip_by_global_norm": (
        clip_by_global_norm,
        {
            "returns the input arrays": "when no clipping is needed you returned the caller's arrays "
            "themselves; an optimizer that changes them in place would change the caller's gradients. "
            "Return copies.",
            "clipped in place": "you scaled the caller's arrays in place; return new arrays and leave grads unchanged.",
            "each array clipped by its own norm": "clip all arrays *together*: one norm over every array, one "
            "scale for all, so the direction of the whole gradient is kept.",
            "always rescaled to max_norm": "only scale when the norm exceeds max_norm; a smaller gradient "
            "stays as it is.",
            "norm as the sum of the arrays' norms": "the global norm is √(Σ over every array of Σ g²), not the "
            "sum of the arrays' norms.",
        },
    ),
    "gradcheck": (
        gradcheck,
        {
            "clipped gradients": "clipping both gradients hides errors in large entries; compare the "
            "gradients as they are.",
            "float32 differences": "your check rejects every correct gradient: rounding swamps the difference "
            "quotient. In float32, x ± 1e-6 is rounded to the nearest of numbers about 1e-7 apart (near 1), so the "
            "step is off by percents; a step ε far below 1e-6 loses its digits the same way in float64. "
            "Difference in float64, with ε near 1e-6.",
            "one-sided differences": "(f(x + ε) - f(x)) / ε is off by about ε f''/2, far above 1e-7 on a curved "
            "function. Use the centered difference (f(x + ε) - f(x - ε)) / 2ε.",
            "absolute error": "an absolute error passes any gradient of a function whose values are tiny. "
            "Divide by the scale: max|a - n| / max(1e-8, max(|a| + |n|)).",
            "mean relative error": "a mean hides one wrong entry among many. Take the largest error over the "
            "array: max|a - n| / max(1e-8, max(|a| + |n|)).",
            "step ε far too large": "with a large ε the centered difference is off by about ε² f‴/6 (it is exact "
            "only for quadratics): take ε near 1e-6.",
        },
    ),
    "bits_per_character": (
        bits_per_character,
        {
            "log of the probabilities": "the probability of an unlikely character rounds to 0, and log 0 = -inf. "
            "Never take the log of ŷ: compute log ŷ directly, (o_i - m) - log Σ_j exp(o_j - m) (log-sum-exp).",
            "no max subtracted": "for scores near 1000, exp overflows and the result is NaN. Subtract each "
            "row's largest score first: log ŷ_i = (o_i - m) - log Σ_j exp(o_j - m), with m the row's maximum.",
            "nats, not bits": "np.log is the natural logarithm: that is the cross-entropy in nats. Bits are "
            "nats / ln 2 (or use np.log2 throughout).",
            "sum, not mean": "you returned the total over the N characters. Bits *per character* is the mean: "
            "divide by N.",
            "mean over every score": "np.mean of one_hot * log ŷ divides by N·C, every entry of the array. "
            "Pick each row's target, log ŷ[n, target_n], and average over the N rows only.",
        },
    ),
    "temperature_probabilities": (
        temperature_probabilities,
        {
            "no max subtracted": "at a low temperature o / τ is huge (here above 1000) and exp overflows. "
            "Subtract each row's largest value of o / τ before exponentiating.",
            "scores multiplied by the temperature": "divide the scores by the temperature, o / τ: a temperature "
            "below 1 must sharpen the distribution, and multiplying flattens it instead.",
            "probabilities divided by the temperature": "the temperature divides the scores inside the "
            "exponential, softmax(o / τ); dividing the probabilities afterwards leaves rows that sum to 1/τ.",
            "one max for the whole array": "subtract each row's own maximum (axis=1, keepdims=True). With one "
            "maximum for the whole array, a row far below it underflows to 0 / 0.",
            "normalised over the wrong axis": "each row is one distribution over the C characters: divide by "
            "the sum over the row (axis=1), so that every row sums to 1.",
        },
    ),
}

# Mistakes that exist in one GRU variant only (elsewhere the code is right).
ONLY_IN = {"b_hh not scaled by r": ("reset_after",)}

SPECIMENS = {
    (exercise, name): Mistake(
        name, exercise, partial(function, mistake=name), hint, ONLY_IN.get(name, ("reset_before", "reset_after"))
    )
    for exercise, (function, hints) in _HINTS.items()
    for name, hint in hints.items()
}

# The correct version of every exercise, written as a learner would.
CORRECT = {exercise: function for exercise, (function, _) in _HINTS.items()}


def mistakes_of(exercise):
    """The specimens of one exercise, in a fixed order."""
    return tuple(m for m in SPECIMENS.values() if m.exercise == exercise)
