"""Optimizers that update a dict of parameters in place, and gradient clipping.

Both optimizers take the same dicts the models use: ``params`` {name: array}
and ``grads`` {name: array} with the same names and shapes, as returned by a
model's ``backward``. ``step(params, grads)`` changes the arrays of
``params`` in place (a float32 array stays float32) and keeps its running
state (velocities, moments) per name::

    optimizer = Adam(lr=0.01)
    for _ in range(steps):
        ...  # forward, loss, backward -> grads
        grads, norm = clip_by_global_norm(grads, max_norm=1.0)
        optimizer.step(params, grads)

An optimizer serves one set of parameters: the names of its first step are
the only ones it accepts afterwards. For another model, make another one.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np

from . import _checks


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum.

    With velocity v (zero at first), each step does, for every parameter p
    with gradient g::

        v = momentum · v + g
        p = p - lr · v

    the convention of ``torch.optim.SGD``. ``momentum=0`` is plain gradient
    descent, p = p - lr · g.

    lr:       the learning rate, a positive number.
    momentum: in [0, 1); how much of the previous velocity is kept.
    """

    def __init__(self, lr, momentum=0.0):
        self.lr = _positive_number("lr", lr)
        self.momentum = _fraction("momentum", momentum)
        self.velocity = {}  # {name: array}, created at the first step

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same names and shapes)."""
        params, grads = _matching(params, grads, self.velocity)
        for key, p in params.items():
            v = self.velocity.setdefault(key, np.zeros_like(p))
            v *= self.momentum
            v += grads[key]
            p -= self.lr * v


class Adam:
    """Adam (Kingma & Ba, 2015): a step per parameter scaled by running
    averages of its gradient and of its squared gradient.

    At step t = 1, 2, ..., for every parameter p with gradient g, starting
    from m = v = 0::

        m = β1 · m + (1 - β1) · g          first moment (mean of g)
        v = β2 · v + (1 - β2) · g²         second moment (mean of g²)
        m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)    bias corrections
        p = p - lr · m̂ / (√v̂ + eps)

    At t = 1, m̂ = g and √v̂ = |g|, so every parameter moves by about
    -lr · sign(g): the step size is set by lr, not by the gradient's scale.

    lr: the learning rate, a positive number. beta1, beta2: in [0, 1).
    eps: a small positive number that keeps the division finite.
    """

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _positive_number("lr", lr)
        self.beta1 = _fraction("beta1", beta1)
        self.beta2 = _fraction("beta2", beta2)
        self.eps = _positive_number("eps", eps)
        self.t = 0  # the number of steps taken
        self.m = {}  # {name: first moment}
        self.v = {}  # {name: second moment}

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same names and shapes)."""
        params, grads = _matching(params, grads, self.m)
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        for key, p in params.items():
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)
            p -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


def clip_by_global_norm(grads, max_norm):
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    grads:    {name: array}, e.g. what a model's backward returned.
    max_norm: a positive number.

    The global norm is ‖g‖ = √(Σ over every array of Σ g²), the length of all
    gradients laid end to end. If ‖g‖ > max_norm, every array is multiplied
    by max_norm / ‖g‖, so the direction is kept and the new norm is max_norm;
    otherwise nothing changes.

    Returns ``(clipped, norm)``: a new dict of new arrays (the input is not
    modified) and the norm before clipping, a float.
    """
    grads = _float_arrays("grads", grads)
    max_norm = _positive_number("max_norm", max_norm)
    norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads.values())))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {key: g * g.dtype.type(scale) for key, g in grads.items()}, norm


# ----------------------------------------------------------------------------
# Validation.


def _positive_number(name, value):
    """Raise unless ``value`` is a finite real number > 0; return it as float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a positive number; got {type(value).__name__}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number; got {value}")
    return float(value)


def _fraction(name, value):
    """Raise unless ``value`` is a real number in [0, 1); return it as float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number in [0, 1); got {type(value).__name__}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1); got {value}")
    return float(value)


def _float_arrays(name, arrays):
    """Check a non-empty dict of finite float arrays; return it as a plain dict."""
    if not isinstance(arrays, Mapping):
        raise TypeError(f"{name} must be a dict of named arrays; got {type(arrays).__name__}")
    if not arrays:
        raise ValueError(f"{name} must hold at least one array; got an empty dict")
    return {key: _checks.float_array(f"{name}[{key!r}]", value) for key, value in arrays.items()}


def _matching(params, grads, state):
    """Validate an optimizer step's arguments against each other and the state.

    params must hold numpy arrays (they are updated in place); grads must have
    exactly the same names, shapes and dtypes; once ``state`` (a dict keyed by
    name) is filled, the names must be those of the first step.
    """
    if isinstance(params, Mapping):
        for key, value in params.items():
            if not isinstance(value, np.ndarray):
                raise TypeError(
                    f"params[{key!r}] must be a numpy array (it is updated in place); got {type(value).__name__}"
                )
    params = _float_arrays("params", params)
    grads = _float_arrays("grads", grads)
    missing = [key for key in params if key not in grads]
    if missing:
        raise ValueError(f"grads is missing {missing[0]!r}, a key of params; grads has {sorted(grads)}")
    extra = sorted(set(grads) - set(params))
    if extra:
        raise ValueError(f"grads has keys {extra} that params does not have; params has {sorted(params)}")
    if state and set(params) != set(state):
        raise ValueError(
            f"params must have the keys of this optimizer's first step, {sorted(state)}; "
            f"got {sorted(params)} (use a new optimizer for other parameters)"
        )
    for key, p in params.items():
        label = f"grads[{key!r}]"
        if grads[key].shape != p.shape:
            raise ValueError(f"{label} must have the shape of params[{key!r}], {p.shape}; got {grads[key].shape}")
        _checks.same_dtype(label, grads[key], f"params[{key!r}]", p)
        if key in state and (state[key].shape, state[key].dtype) != (p.shape, p.dtype):
            raise ValueError(
                f"params[{key!r}] has shape {p.shape} and dtype {p.dtype}, but at this optimizer's "
                f"first step it had {state[key].shape} and {state[key].dtype} "
                "(use a new optimizer for other parameters)"
            )
    return params, grads
