"""A zoo of deliberately broken backward passes and gradient checks.

Each specimen has the signature of one exercise of the book, and one realistic
mistake. They serve two purposes: the tests prove that every checker of
:mod:`gru_course.exercises` rejects every specimen that concerns it (and
accepts the correct code), and the appendix on reading gradient checks uses
them to show what each mistake looks like in a report.

:data:`SPECIMENS` maps a name to ``(function, exercise, what is wrong)``.
"""

import numpy as np

from . import gru, losses, rnn
from .gradcheck import numerical_gradient, relative_error


def gru_step_backward_missing_sigmoid_prime(dh, cache):
    """The update gate's gradient is not multiplied by σ' = z (1 - z)."""
    d = gru.step_backward_named(dh, cache)
    dz = d["z"]  # ∂L/∂z; the right ∂L/∂g3 would be dz * z * (1 - z)
    return _redo_update_gate(d, cache, dz)


def gru_step_backward_missing_direct_path(dh, cache):
    """∂L/∂h_prev forgets the direct path dh ∘ z of g11 = z ∘ h_prev."""
    dx, dh_prev, grads = gru.step_backward(dh, cache)
    return dx, dh_prev - dh * cache["z"], grads


def gru_step_backward_overwritten_h_prev(dh, cache):
    """``=`` instead of ``+=``: only the last use of h_prev (through W_zh) counts."""
    d = gru.step_backward_named(dh, cache)
    return d["x"], d["g1"] @ cache["params"]["W_zh"], {k: d[k] for k in cache["params"]}


def rnn_backward_no_sum_over_time(dhs, xs, a0, hs, params):
    """The weight gradients keep only the last step's share instead of the sum."""
    _, cache = rnn.forward(xs, a0, params)
    dxs, da0, _ = rnn.backward(dhs, cache)
    dpre_last = (dhs[-1]) * (1 - hs[-1] ** 2)  # ∂L/∂h(T): only the loss at T reaches it
    a_before = hs[-2] if len(hs) > 1 else a0
    last = {"W_xh": dpre_last.T @ xs[-1], "W_ah": dpre_last.T @ a_before, "b_h": dpre_last.sum(axis=0)}
    return dxs, da0, last


def softmax_cross_entropy_backward_wrong(logits, targets):
    """Uses only the diagonal of the softmax Jacobian: ŷ (1 - ŷ) (ŷ - y)."""
    _, dlogits = losses.softmax_cross_entropy(logits, targets)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    return probs * (1 - probs) * dlogits


def softmax_cross_entropy_backward_no_batch_mean(logits, targets):
    """Forgets that the loss is averaged over the batch: no division by B."""
    _, dlogits = losses.softmax_cross_entropy(logits, targets)
    return dlogits * len(logits)


def rnn_step_backward_transposed_weights(da, x, a_prev, a, params):
    """Multiplies by W_ah.T instead of W_ah when sending the gradient back."""
    dpre = da * (1 - a**2)
    grads = {"W_xh": dpre.T @ x, "W_ah": dpre.T @ a_prev, "b_h": dpre.sum(axis=0)}
    return dpre @ params["W_xh"], dpre @ params["W_ah"].T, grads


def rnn_step_backward_tanh_of_preactivation(da, x, a_prev, a, params):
    """Uses 1 - h² with the pre-activation h instead of 1 - a² with the state."""
    pre = np.arctanh(a)
    dpre = da * (1 - pre**2)
    grads = {"W_xh": dpre.T @ x, "W_ah": dpre.T @ a_prev, "b_h": dpre.sum(axis=0)}
    return dpre @ params["W_xh"], dpre @ params["W_ah"], grads


def gradcheck_fooled_by_clipping(f, x, analytic, eps=1e-6, tol=1e-7):
    """Clips both gradients to [-1, 1] "to avoid overflow": errors in large
    entries disappear, so wrong gradients pass."""
    numeric = numerical_gradient(lambda a: f(a["x"]), {"x": x}, eps)["x"]
    return relative_error(np.clip(analytic, -1, 1), np.clip(numeric, -1, 1)) <= tol


def gradcheck_in_float32(f, x, analytic, eps=1e-6, tol=1e-7):
    """Perturbs a float32 copy: rounding swamps the difference quotient, so
    correct gradients fail (or, with a loose tolerance, wrong ones pass)."""
    x32 = x.astype(np.float32)
    numeric = np.zeros_like(x32)
    for i in range(x32.size):
        plus, minus = x32.copy(), x32.copy()
        plus.flat[i] += np.float32(eps)
        minus.flat[i] -= np.float32(eps)
        numeric.flat[i] = (f(plus) - f(minus)) / (2 * eps)
    return relative_error(analytic, numeric) <= tol


def _redo_update_gate(d, cache, dg3):
    """Recompute what depends on ∂L/∂g3 when it is replaced by ``dg3``."""
    p, x, h_prev = cache["params"], cache["x"], cache["h_prev"]
    grads = {k: d[k] for k in p}
    grads.update(W_zx=dg3.T @ x, W_zh=dg3.T @ h_prev, b_zx=dg3.sum(axis=0), b_zh=dg3.sum(axis=0))
    dx = d["x"] - d["g2"] @ p["W_zx"] + dg3 @ p["W_zx"]
    dh_prev = d["h_prev"] - d["g1"] @ p["W_zh"] + dg3 @ p["W_zh"]
    return dx, dh_prev, grads


SPECIMENS = {
    "missing σ' factor": (
        gru_step_backward_missing_sigmoid_prime,
        "gru_step_backward",
        "update gate's σ' omitted",
    ),
    "missing direct z∘dh path": (
        gru_step_backward_missing_direct_path,
        "gru_step_backward",
        "dh ∘ z not added",
    ),
    "overwritten h_prev gradient": (
        gru_step_backward_overwritten_h_prev,
        "gru_step_backward",
        "= instead of +=",
    ),
    "no sum over time": (rnn_backward_no_sum_over_time, "rnn_backward", "only the last step's share"),
    "wrong softmax gradient": (
        softmax_cross_entropy_backward_wrong,
        "softmax_cross_entropy_backward",
        "diagonal only",
    ),
    "no batch mean": (
        softmax_cross_entropy_backward_no_batch_mean,
        "softmax_cross_entropy_backward",
        "no 1/B",
    ),
    "transposed weights": (
        rnn_step_backward_transposed_weights,
        "rnn_step_backward",
        "W_ah.T instead of W_ah",
    ),
    "tanh' at the wrong point": (
        rnn_step_backward_tanh_of_preactivation,
        "rnn_step_backward",
        "1 - h² for 1 - a²",
    ),
    "gradient check fooled by clipping": (gradcheck_fooled_by_clipping, "gradcheck", "clips both gradients"),
    "float32 gradient check": (gradcheck_in_float32, "gradcheck", "finite differences in float32"),
}
