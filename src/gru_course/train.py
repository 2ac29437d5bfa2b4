"""Training a recurrent model with a readout: losses, the loop, and evaluation.

A trainable model here is a recurrent layer (the module :mod:`gru_course.rnn`,
:mod:`gru_course.gru` or :mod:`gru_course.lstm`) followed by the affine readout of
:mod:`gru_course.output`, o = W_oh h + b_o. Its parameters are **one dict**:
the recurrent layer's names plus ``W_oh`` (C, H) and ``b_o`` (C,), so that an
optimizer of :mod:`gru_course.optim` updates them all with one call::

    rng = np.random.default_rng(0)
    params = init_params(gru, input_size=2, hidden_size=16, output_size=1, rng=rng)
    history = train(gru, params, lambda: data.adding_problem(32, 50, rng),
                    last_step_mse, optim.Adam(0.01), steps=300, clip=1.0)

A loss function has the signature
``loss_fn(model, params, xs, targets, variant=None) -> (loss, grads)``, with
``grads`` holding a gradient for every key of ``params``. Two are provided:

- :func:`last_step_mse`: a prediction from the last state only, mean squared
  error (the adding problem of :func:`gru_course.data.adding_problem`);
- :func:`sequence_cross_entropy`: a class at every step, softmax
  cross-entropy (the copy task of :func:`gru_course.data.copy_task`).

Every sequence starts from the zero state, h0 = 0 (and c0 = 0 for the LSTM).
"""

import os
from collections.abc import Mapping

import numpy as np
from tqdm.auto import tqdm

from . import _checks, gru, losses, lstm, optim, output, rnn

READOUT_KEYS = ("W_oh", "b_o")


def init_params(model, input_size, hidden_size, output_size, rng, dtype=np.float64):
    """Random parameters of a recurrent model and its readout, in one dict.

    model: the module :mod:`gru_course.rnn`, :mod:`gru_course.gru` or :mod:`gru_course.lstm`.
    input_size D, hidden_size H, output_size C: positive ints.
    rng: a numpy Generator. dtype: float64 (default) or float32.

    Returns ``{**model.init_params(D, H, rng), "W_oh": (C, H), "b_o": (C,)}``.
    """
    model = _model(model)
    layer = model.init_params(input_size, hidden_size, rng, dtype=dtype)
    return {**layer, **output.init_params(hidden_size, output_size, rng, dtype=dtype)}


def last_step_mse(model, params, xs, targets, variant=None):
    """Mean squared error of a prediction read from the last state only.

    xs:      (T, B, D) inputs. targets: (B, C), one target per sequence.
    params:  the model's arrays plus W_oh (C, H), b_o (C,) (see :func:`init_params`).
    variant: for :mod:`gru_course.gru` only, "reset_before" (default) or "reset_after".

    The prediction is ŷ = W_oh h_T + b_o, and the loss is

        L = (1/B) Σ_b ‖ŷ_b - y_b‖²,

    with no ½: for one output (C = 1) it is the plain mean squared error over
    the batch, the number to compare with the adding problem's baseline 1/6.
    It equals 2 × :func:`gru_course.losses.l2_loss` of the last step.

    Returns ``(loss, grads)``: a float and {name: ∂L/∂param} for every key of params.
    """
    layer, readout = _split(model, params)
    hs, cache = _forward(model, xs, layer, variant)
    prediction, out_cache = output.forward(hs[-1], readout)
    half_loss, dprediction = losses.l2_loss(prediction, targets)
    dlast, readout_grads = output.backward(2 * dprediction, out_cache)
    dhs = np.zeros_like(hs)
    dhs[-1] = dlast  # only the last state feeds the loss
    grads = model.backward(dhs, cache)[-1]  # the parameters' gradients come last (the LSTM adds dc0)
    return 2 * float(half_loss), {**grads, **readout_grads}


def sequence_cross_entropy(model, params, xs, targets, variant=None):
    """Softmax cross-entropy of a class at every step, through :func:`gru_course.output.loss`.

    xs:      (T, B, D) inputs. targets: (T, B) integer classes in [0, C).
    params:  the model's arrays plus W_oh (C, H), b_o (C,) (see :func:`init_params`).
    variant: for :mod:`gru_course.gru` only.

    The loss is summed over the T steps and averaged over the batch, the
    convention of :mod:`gru_course.losses`.

    Returns ``(loss, grads)``: a float and {name: ∂L/∂param} for every key of params.
    """
    layer, readout = _split(model, params)
    hs, cache = _forward(model, xs, layer, variant)
    loss, dhs, readout_grads = output.loss(hs, targets, readout)
    grads = model.backward(dhs, cache)[-1]  # the parameters' gradients come last (the LSTM adds dc0)
    return float(loss), {**grads, **readout_grads}


def train(model, params, make_batch, loss_fn, optimizer, steps, *, variant=None, clip=None, progress=True):
    """Train by gradient descent on a fresh batch at every step.

    model:      the module :mod:`gru_course.rnn`, :mod:`gru_course.gru` or :mod:`gru_course.lstm`.
    params:     {name: array}, the model's and the readout's (:func:`init_params`);
                **updated in place** by ``optimizer``.
    make_batch: a function of no arguments returning ``(xs, targets)``, e.g.
                ``lambda: data.adding_problem(32, 50, rng)``.
    loss_fn:    :func:`last_step_mse`, :func:`sequence_cross_entropy` or any
                function with their signature.
    optimizer:  an object with ``step(params, grads)``, e.g. ``optim.Adam(0.01)``.
    steps:      the number of updates, a positive int.
    variant:    for :mod:`gru_course.gru` only, "reset_before" (default) or "reset_after".
    clip:       None, or a positive number: clip the gradients to this global
                norm before each update (:func:`gru_course.optim.clip_by_global_norm`).
    progress:   show a progress bar (tqdm). It is never shown when the
                environment variable ``CI`` is set.

    Each step: draw a batch, compute the loss and its gradients, clip them,
    update the parameters. Returns the loss of every step, a float64 array of
    shape (steps,): each is the loss of that step's batch *before* its update.
    Raises ``FloatingPointError`` if the loss stops being finite.
    """
    model = _model(model)
    variant = _variant(model, variant)
    _check_callables(make_batch, loss_fn, optimizer)
    steps = _checks.positive_int("steps", steps)
    if clip is not None:
        clip = optim._positive_number("clip", clip)
    history = np.empty(steps)
    show = progress and not os.environ.get("CI")
    with tqdm(total=steps, desc="training", disable=not show) as bar:
        for step in range(steps):
            xs, targets = _pair("make_batch()", make_batch())
            loss, grads = loss_fn(model, params, xs, targets, variant=variant)
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss} at step {step}: lower the learning rate or set clip (e.g. 1.0)"
                )
            if clip is not None:
                grads, _ = optim.clip_by_global_norm(grads, clip)
            optimizer.step(params, grads)
            history[step] = loss
            bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
            bar.update()
    return history


def evaluate(model, params, batch, loss_fn, *, variant=None):
    """The loss on one batch, without changing the parameters.

    batch: ``(xs, targets)``, e.g. a fresh ``data.adding_problem(1000, 50, rng)``.
    model, params, loss_fn, variant: as in :func:`train`.

    Returns the loss, a float.
    """
    model = _model(model)
    xs, targets = _pair("batch", batch)
    loss, _ = loss_fn(model, params, xs, targets, variant=variant)
    return float(loss)


# ----------------------------------------------------------------------------
# Helpers.


MODELS = (rnn, gru, lstm)


def _model(model):
    """Raise unless ``model`` is one of the recurrent modules."""
    if model not in MODELS:
        raise TypeError(
            "model must be the module gru_course.rnn, gru_course.gru or gru_course.lstm; "
            f"got {getattr(model, '__name__', type(model).__name__)}"
        )
    return model


def _variant(model, variant):
    """The GRU's variant ("reset_before" when None); None for the RNN, which has none."""
    if model is gru:
        return "reset_before" if variant is None else _checks.choice("variant", variant, gru.VARIANTS)
    if variant is not None:
        raise ValueError(f"variant is only for gru_course.gru; got {variant!r} with {model.__name__}")
    return None


def _check_callables(make_batch, loss_fn, optimizer):
    """Raise ``TypeError`` unless train's three pluggable arguments can be called."""
    if not callable(make_batch):
        raise TypeError(f"make_batch must be a function returning (xs, targets); got {type(make_batch).__name__}")
    if not callable(loss_fn):
        raise TypeError(
            "loss_fn must be a function (model, params, xs, targets, variant) -> (loss, grads); "
            f"got {type(loss_fn).__name__}"
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have a step(params, grads) method, like optim.Adam; got {type(optimizer).__name__}"
        )


def _split(model, params):
    """Split the one dict into (recurrent layer's params, readout's params)."""
    model = _model(model)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of named arrays; got {type(params).__name__}")
    missing = [key for key in READOUT_KEYS if key not in params]
    if missing:
        raise ValueError(
            f"params is missing the readout's {missing[0]!r} (W_oh (C, H) and b_o (C,)); "
            f"it has {sorted(params)}; see train.init_params"
        )
    layer = {key: value for key, value in params.items() if key not in READOUT_KEYS}
    return layer, {key: params[key] for key in READOUT_KEYS}


def _forward(model, xs, layer, variant):
    """The model's forward from the zero state (and zero cell state for the LSTM); ``variant`` only for the GRU."""
    hidden_key = list(model.param_shapes(1, 1))[1]
    hidden = _checks.size_from("params", layer, hidden_key, 0)
    xs = _checks.float_array("xs", xs, ("T", "B", "D"))
    h0 = np.zeros((xs.shape[1], hidden), dtype=xs.dtype)
    variant = _variant(model, variant)
    if model is gru:
        return gru.forward(xs, h0, layer, variant=variant)
    if model is lstm:
        return lstm.forward(xs, h0, np.zeros_like(h0), layer)
    return rnn.forward(xs, h0, layer)


def _pair(name, batch):
    """Raise unless ``batch`` is a pair (xs, targets)."""
    if not isinstance(batch, tuple | list) or len(batch) != 2:
        raise TypeError(f"{name} must be a pair (xs, targets); got {type(batch).__name__}")
    return batch
