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


def rnn_forward(xs, a0, W_xh, W_ah, b_h, mistake=None):
    """All states (T, B, H) of a tanh RNN."""
    states, a = [], a0
    for x in xs:
        if mistake == "columns for examples":
            pre = W_xh @ x + W_ah @ a + b_h  # the equations copied literally
        else:
            pre = x @ W_xh.T + a @ W_ah.T + b_h
        new = pre if mistake == "tanh left out" else np.tanh(pre)
        if mistake != "state not carried":
            a = new
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


def rnn_step_backward(da, x, a_prev, a, params, mistake=None):
    """Steps 7 to 11 of one RNN cell for a batch: (dx, da_prev, grads)."""
    if mistake == "tanh' left out":
        dh = da
    elif mistake == "tanh' at the pre-activation":
        dh = da * (1 - np.arctanh(a) ** 2)
    else:
        dh = da * (1 - a**2)
    grads = {
        "W_xh": dh.T @ x,
        "W_ah": dh.T @ (a if mistake == "W_ah share from the new state" else a_prev),
        "b_h": dh if mistake == "bias not summed over the batch" else dh.sum(axis=0),
    }
    W_ah = params["W_ah"].T if mistake == "transposed weights" else params["W_ah"]
    return dh @ params["W_xh"], dh @ W_ah, grads


def rnn_backward(dhs, xs, a0, hs, params, mistake=None):
    """BPTT for the tanh RNN given the per-step gradients dhs: (dxs, da0, grads)."""
    W_xh, W_ah = params["W_xh"], params["W_ah"]
    grads = {"W_xh": np.zeros_like(W_xh), "W_ah": np.zeros_like(W_ah), "b_h": np.zeros(len(W_ah))}
    dxs = np.zeros_like(xs)
    dh_next = np.zeros_like(a0)
    for t in reversed(range(len(xs))):
        a_prev = a0 if t == 0 else hs[t - 1]
        back = dh_next @ (W_ah.T if mistake == "transposed recurrent weights" else W_ah)
        if mistake == "no gradient from later steps":
            dh = dhs[t] * (1 - hs[t] ** 2)
        elif mistake == "later steps' gradient added after tanh'":
            dh = dhs[t] * (1 - hs[t] ** 2) + back
        else:
            dh = (dhs[t] + back) * (1 - hs[t] ** 2)
        share = {"W_xh": dh.T @ xs[t], "W_ah": dh.T @ (hs[t] if mistake == "W_ah share off by one step" else a_prev)}
        share["b_h"] = dh.sum(axis=0)
        for name in grads:
            if mistake == "no sum over time":
                grads[name] = share[name] if t == len(xs) - 1 else grads[name]
            else:
                grads[name] += share[name]
        dxs[t] = dh @ W_xh
        dh_next = dh
    return dxs, dh_next @ W_ah, grads


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
    g10 = dh * mix * (1 - h_tilde**2)  # ∂L/∂(candidate pre-activation)
    g3 = dz if mistake == "missing σ' factor" else dz * z * (1 - z)
    after = (cache["variant"] == "reset_after") != (mistake == "the other reset variant")
    if after:
        recurrent = h_prev @ p["W_hh"].T + p["b_hh"]
        into_recurrent = g10 * r  # ∂L/∂(W_hh h_prev + b_hh)
        g6 = g10 * recurrent * r * (1 - r)
        d_W_hh, d_b_hh = into_recurrent.T @ h_prev, into_recurrent.sum(axis=0)
        via_candidate = into_recurrent @ p["W_hh"]
    else:
        into_reset = g10 @ p["W_hh"]  # ∂L/∂(r ∘ h_prev)
        g6 = into_reset * h_prev * r * (1 - r)
        d_W_hh, d_b_hh = g10.T @ (r * h_prev), g10.sum(axis=0)
        via_candidate = into_reset * r
    grads = {"W_hx": g10.T @ x, "b_hx": g10.sum(axis=0), "W_hh": d_W_hh, "b_hh": d_b_hh}
    for gate, g in (("z", g3), ("r", g6)):
        grads[f"W_{gate}x"], grads[f"W_{gate}h"] = g.T @ x, g.T @ h_prev
        grads[f"b_{gate}x"], grads[f"b_{gate}h"] = g.sum(axis=0), g.sum(axis=0)
    dx = g3 @ p["W_zx"] + g6 @ p["W_rx"] + g10 @ p["W_hx"]
    uses = [dh * keep, via_candidate, g6 @ p["W_rh"], g3 @ p["W_zh"]]
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
    from_later = np.zeros_like(h0)
    last = len(xs) - 1
    for t in reversed(range(len(xs))):
        if mistake == "no gradient from later steps":
            h_bar = dhs[t]
        elif mistake == "own loss left out before the last step":
            h_bar = dhs[t] if t == last else from_later
        else:
            h_bar = dhs[t] + from_later
        dxs[t], from_later, step_grads = gru.step_backward(h_bar, caches[t])
        for name in grads:
            if mistake == "shares overwritten, not summed":
                grads[name] = step_grads[name]
            else:
                grads[name] += step_grads[name]
    return dxs, from_later, grads


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


# ----------------------------------------------------------------------------
# Part III: gradients over time.


def gru_jacobian_reset_after(x, h_prev, p, mistake=None):
    """∂h_t/∂h_{t-1} (B, H, H) of one reset-after GRU step."""
    _, c = gru.step_forward(x, h_prev, p, variant="reset_after")
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
# The specimens and their hints.

_HINTS = {
    "rnn_forward": (
        rnn_forward,
        {
            "state not carried": "every step starts from a0. Each step must use the state the previous step "
            "produced: set `a = ...` inside the loop.",
            "last state only": "you return the final state, (B, H). Return every state, stacked into (T, B, H).",
            "tanh left out": "the state is the tanh of the pre-activation: a(t) = tanh(h(t)).",
            "columns for examples": "the equations' W x(t) treats x(t) as a column; in code each row of x is an "
            "example, so W x(t) becomes `x @ W.T`.",
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
            "transposed weights": "da_prev used W_ah.T. With rows as examples, W_ahᵀ dh for every row is "
            "`dh @ W_ah` (step 11).",
            "tanh' at the pre-activation": "tanh'(h) = 1 - tanh(h)² = 1 - a², computed from the state a, "
            "not 1 - h² from the pre-activation.",
            "tanh' left out": "between ∂L/∂a(t) and ∂L/∂h(t) lies the tanh: dh = da * (1 - a**2) (step 7).",
            "bias not summed over the batch": "grads['b_h'] must have the bias's shape (H,): sum dh over the "
            "batch (axis 0).",
            "W_ah share from the new state": "W_ah multiplies the previous state: its share is dh.T @ a_prev, "
            "not dh.T @ a (step 10).",
        },
    ),
    "rnn_backward": (
        rnn_backward,
        {
            "no sum over time": "your weight gradients hold only the last step's share. A weight is used at "
            "every step, so its gradient is the sum of every step's share: accumulate with `+=` in the loop.",
            "no gradient from later steps": "a(t) also feeds step t+1, so ∂L/∂a(t) is dhs[t] plus what flows "
            "back from later steps, dh(t+1) @ W_ah. You used dhs[t] alone.",
            "W_ah share off by one step": "step t's W_ah share multiplies the state that step *read*, "
            "a(t-1) (a0 at the first step), not a(t).",
            "later steps' gradient added after tanh'": "add the gradient from later steps to dhs[t] *before* "
            "multiplying by 1 - a(t)²: both reach h(t) through the same tanh.",
            "transposed recurrent weights": "what flows back from step t+1 is W_ahᵀ dh(t+1), which is "
            "`dh_next @ W_ah` with rows as examples, not W_ah.T.",
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
            "float32 differences": "in float32, x ± 1e-6 is rounded to about 1e-7: the difference quotient is "
            "off by percents. Difference in float64.",
            "one-sided differences": "(f(x + ε) - f(x)) / ε is off by about ε f''/2, far above 1e-7 on a curved "
            "function. Use the centered difference (f(x + ε) - f(x - ε)) / 2ε.",
            "absolute error": "an absolute error passes any gradient of a function whose values are tiny. "
            "Divide by the scale: max|a - n| / max(1e-8, max(|a| + |n|)).",
            "mean relative error": "a mean hides one wrong entry among many. Take the largest error over the "
            "array: max|a - n| / max(1e-8, max(|a| + |n|)).",
        },
    ),
}

SPECIMENS = {
    (exercise, name): Mistake(name, exercise, partial(function, mistake=name), hint)
    for exercise, (function, hints) in _HINTS.items()
    for name, hint in hints.items()
}

# The correct version of every exercise, written as a learner would.
CORRECT = {exercise: function for exercise, (function, _) in _HINTS.items()}


def mistakes_of(exercise):
    """The specimens of one exercise, in a fixed order."""
    return tuple(m for m in SPECIMENS.values() if m.exercise == exercise)
