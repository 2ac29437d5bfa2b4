"""Losses over a batch of sequences, each returning the loss and its gradient.

Convention: the loss is **summed over time steps and averaged over the batch**,

    L = (1/B) Σ_b Σ_t L_t^(b),

so for a single sequence (B = 1) it is the plain sum over time used in the
book's derivations. Inputs are (T, B, K) for a sequence or (B, K) for one step.
"""

import numpy as np

from . import _checks
from .activations import _softmax


def softmax_cross_entropy(logits, targets):
    """Softmax followed by cross-entropy against integer class targets.

    logits:  (T, B, C) or (B, C) float, the scores o before the softmax.
    targets: (T, B) or (B,) integer class indices in [0, C).

    Returns ``(loss, dlogits)``: the scalar loss -(1/B) Σ log ŷ[target] and its
    gradient ∂L/∂o = (ŷ - y) / B, of shape (T, B, C) or (B, C), where y is the
    one-hot target. Uses log-softmax, so it is finite for logits up to 1e4.
    """
    logits = _sequence_or_step("logits", logits, "C")
    targets = _class_indices(targets, logits)
    batch = logits.shape[-2]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(shifted - log_norm, targets[..., None], axis=-1)
    loss = -picked.sum() / batch
    dlogits = _softmax(logits)
    np.put_along_axis(dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1, -1)
    return logits.dtype.type(loss), dlogits / batch


def l2_loss(predictions, targets):
    """Squared error at every time step, L = (1/B) Σ ½ ‖p_t - y_t‖².

    predictions, targets: the same shape, (T, B, K) or (B, K), float.

    Returns ``(loss, dpredictions)`` with ∂L/∂p = (p - y) / B.
    """
    predictions = _sequence_or_step("predictions", predictions, "K")
    targets = _checks.float_array("targets", targets, ("T", "B", "K")[-predictions.ndim :])
    _checks.expect_shape("targets", targets, predictions.shape, ("T", "B", "K")[-predictions.ndim :])
    _checks.same_dtype("targets", targets, "predictions", predictions)
    diff = predictions - targets
    batch = predictions.shape[-2]
    return predictions.dtype.type(0.5 * np.sum(diff * diff) / batch), diff / batch


def _sequence_or_step(name, value, last):
    array = _checks.float_array(name, value)
    if array.ndim not in (2, 3):
        raise ValueError(
            f"{name} must have 3 dimensions (T, B, {last}) or 2 (B, {last}); got {array.ndim} (shape {array.shape})"
        )
    return array


def _class_indices(targets, logits):
    targets = np.asarray(targets)
    if targets.dtype.kind not in "iu":
        raise TypeError(f"targets must be an integer array of class indices; got dtype {targets.dtype}")
    _checks.expect_shape("targets", targets, logits.shape[:-1], ("T", "B")[-(logits.ndim - 1) :])
    classes = logits.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= classes):
        raise ValueError(
            f"targets must be class indices in [0, {classes}) to match logits (C = {classes}); "
            f"got values from {targets.min()} to {targets.max()}"
        )
    return targets
