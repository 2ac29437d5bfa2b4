"""Synthetic sequence tasks that need a long memory, drawn from a seeded generator.

Both tasks return batch-major arrays as the models expect: inputs xs (T, B, D).
Each call draws a fresh batch from ``rng``, a ``numpy.random.Generator``, so
the same seed gives the same batches in the same order.

- :func:`adding_problem`: add the two marked numbers of a long sequence
  (Hochreiter & Schmidhuber, 1997), a regression on the last state.
- :func:`copy_task`: read a few symbols, wait, then write them back
  (the copy memory problem), a classification at every step.
"""

from importlib import resources

import numpy as np

from . import _checks


def adding_problem(batch, steps, rng, dtype=np.float64):
    """A batch of the adding problem, in the common form of Le et al. (2015)
    and Arjovsky et al. (2016).

    Every sequence has two input channels at each of its T = ``steps`` steps:

    - channel 0, a value drawn uniformly in [0, 1);
    - channel 1, a marker: 1 at exactly two steps, 0 elsewhere. One marked step
      is drawn uniformly in the first half, steps 0 ... ⌊T/2⌋ - 1, the other in
      the second half, steps ⌊T/2⌋ ... T - 1.

    The target is the sum of the two marked values, in [0, 2). The network
    must remember the first one for up to T - 1 steps, through all the noise
    in between.

    The baseline: always predicting 1 (the mean of the target) gives a mean
    squared error of Var(u1 + u2) = 2 · 1/12 = 1/6 ≈ 0.167. Beating it a little
    does not prove that a model uses the markers: one that reads only the
    values can predict the mean of the first half plus the mean of the second,
    the best it can do without the markers, with a mean squared error of
    2 · (1 - 2/T) / 12 for even T (0.133 at T = 10, 0.163 at T = 100). An error
    far below that needs the markers.

    batch: B, a positive int. steps: T, an int >= 2. rng: a numpy Generator.
    dtype: float64 (default) or float32.

    Returns ``(xs, targets)``: xs (T, B, 2) and targets (B, 1), of ``dtype``.
    """
    batch = _checks.positive_int("batch", batch)
    steps = _at_least("steps", steps, 2, "one marker in each half of the sequence")
    rng = _checks.generator("rng", rng)
    dtype = _checks.float_dtype("dtype", dtype)
    half = steps // 2
    values = rng.uniform(0, 1, size=(steps, batch))
    first = rng.integers(0, half, size=batch)  # a step in the first half, per sequence
    second = rng.integers(half, steps, size=batch)  # and one in the second half
    markers = np.zeros((steps, batch))
    columns = np.arange(batch)
    markers[first, columns] = 1
    markers[second, columns] = 1
    targets = values[first, columns] + values[second, columns]
    xs = np.stack([values, markers], axis=-1)
    return xs.astype(dtype), targets[:, None].astype(dtype)


def copy_task(batch, steps, rng, symbols=4, length=3, dtype=np.float64):
    """A batch of the copy memory task: read ``length`` symbols, wait, then
    write them back when a cue appears.

    With A = ``symbols`` (the size of the alphabet), ℓ = ``length`` (the
    number of symbols to copy) and T = ``steps``, every sequence is, by array
    index (0-based):

    ====================  ====================  ====================
    steps                 input x_t             target y_t
    ====================  ====================  ====================
    0 ... ℓ-1             symbols s_1 ... s_ℓ   blank
    ℓ ... T-ℓ-2           blank                 blank
    T-ℓ-1                 cue                   blank
    T-ℓ ... T-1           blank                 s_1 ... s_ℓ
    ====================  ====================  ====================

    The symbols s_1 ... s_ℓ are drawn uniformly (with repetition) from
    0 ... A-1. The network must keep them for T - ℓ steps, then output them in
    order.

    Inputs are one-hot over D = A + 2 channels: 0 ... A-1 the symbols, A the
    blank, A + 1 the cue. Targets are integer classes in 0 ... A: the symbols
    and, at every step where nothing is to be recalled, the class A, "blank".
    So the output layer has C = A + 1 classes, and the loss is a softmax
    cross-entropy at every step (e.g. :func:`gru_course.output.loss`).

    The baseline: a model with no memory can still learn to output blank for
    the first T - ℓ steps, but must guess the ℓ symbols, at cross-entropy
    log A each: ℓ · log A per sequence, summed over time (the convention of
    :mod:`gru_course.losses`).

    batch: B, a positive int. steps: T, an int >= 2ℓ + 1. rng: a numpy
    Generator. symbols: A, an int >= 1. length: ℓ, a positive int.
    dtype: float64 (default) or float32, for xs.

    Returns ``(xs, targets)``: xs (T, B, A + 2) of ``dtype`` and targets (T, B)
    int64.
    """
    batch = _checks.positive_int("batch", batch)
    symbols = _checks.positive_int("symbols", symbols)
    length = _checks.positive_int("length", length)
    steps = _at_least("steps", steps, 2 * length + 1, f"2 * length + 1 for length = {length}")
    rng = _checks.generator("rng", rng)
    dtype = _checks.float_dtype("dtype", dtype)
    blank, cue = symbols, symbols + 1
    sequence = rng.integers(0, symbols, size=(length, batch))
    inputs = np.full((steps, batch), blank)
    inputs[:length] = sequence
    inputs[steps - length - 1] = cue
    targets = np.full((steps, batch), blank, dtype=np.int64)
    targets[steps - length :] = sequence
    xs = np.eye(symbols + 2, dtype=dtype)[inputs]
    return xs, targets


def _at_least(name, value, minimum, reason):
    """Raise unless ``value`` is an int >= ``minimum``; ``reason`` says why."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {minimum}; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum} ({reason}); got {value}")
    return int(value)


def reference(name):
    """Arrays shipped with the package, as a dict: ``"pytorch_gru"`` (a
    ``torch.nn.GRU``'s weights, inputs, outputs and gradients, made by
    ``benchmarks/make_pytorch_reference.py``), ``"adding_long"`` (the long
    adding-problem experiment of ``benchmarks/train_adding.py``) or
    ``"charlm_long"`` (the long language-model experiment of
    ``benchmarks/train_charlm.py``)."""
    names = ("pytorch_gru", "adding_long", "charlm_long")
    if name not in names:
        raise ValueError(f"name must be one of {names}; got {name!r}")
    path = resources.files("gru_course") / "reference_data" / f"{name}.npz"
    with resources.as_file(path) as file, np.load(file) as arrays:
        return {key: arrays[key] for key in arrays.files}
