"""Activation functions and their derivatives, numerically stable.

Every function works elementwise on a float32 or float64 array of any shape
and returns an array of the same shape and dtype. They stay finite, with no
overflow warning, for inputs as large as 1e4 in magnitude.

The ``*_prime`` functions take the *pre-activation* ``x``. Backward passes
usually have the activation's output at hand, and use the equivalent forms
``s * (1 - s)`` for the sigmoid and ``1 - t**2`` for tanh.
"""

import numpy as np

from . import _checks


def sigmoid(x):
    """Logistic function σ(x) = 1 / (1 + exp(-x)), in (0, 1).

    Computed from exp(-|x|), which never overflows.
    """
    return _sigmoid(_checks.float_array("x", x))


def sigmoid_prime(x):
    """Derivative dσ/dx = σ(x) (1 - σ(x)), in (0, 1/4]."""
    s = _sigmoid(_checks.float_array("x", x))
    return s * (1 - s)


def tanh(x):
    """Hyperbolic tangent, in (-1, 1)."""
    return np.tanh(_checks.float_array("x", x))


def tanh_prime(x):
    """Derivative d tanh/dx = 1 - tanh(x)², in (0, 1]."""
    t = np.tanh(_checks.float_array("x", x))
    return 1 - t * t


def softmax(logits):
    """Softmax over the last axis: exp(o_i) / Σ_j exp(o_j).

    logits: (..., C). Returns probabilities of shape (..., C) that sum to 1.
    The largest logit is subtracted first, so no exponential overflows.
    """
    logits = _checks.float_array("logits", logits)
    if logits.ndim == 0:
        raise ValueError("logits must have at least 1 dimension (..., C); got a scalar")
    return _softmax(logits)


def softmax_jacobian(logits):
    """Jacobian of the softmax, ∂ŷ_i/∂o_j = ŷ_i (δ_ij - ŷ_j).

    logits: (..., C). Returns (..., C, C) with row index i (output) and column
    index j (input): the diagonal is ŷ_i (1 - ŷ_i), the rest is -ŷ_i ŷ_j.
    """
    y = softmax(logits)
    return y[..., :, None] * (np.eye(y.shape[-1], dtype=y.dtype) - y[..., None, :])


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(logits):
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
