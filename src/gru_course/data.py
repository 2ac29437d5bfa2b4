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
    squared error of Var(u1 + u2) = 2 · 1/12 = 1/6 ≈ 0.167. A model that beats
    it clearly has learned to use the markers.

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

    With S = ``symbols``, K = ``length`` and T = ``steps``, every sequence is:

    ====================  ====================  ====================
    steps                 input x(t)            target y(t)
    ====================  ====================  ====================
    0 ... K-1             symbols s1 ... sK     blank
    K ... T-K-2           blank                 blank
    T-K-1                 cue                   blank
    T-K ... T-1           blank                 s1 ... sK
    ====================  ====================  ====================

    The symbols s1 ... sK are drawn uniformly (with repetition) from 0 ... S-1.
    The network must keep them for T - K steps, then output them in order.

    Inputs are one-hot over D = S + 2 channels: 0 ... S-1 the symbols, S the
    blank, S + 1 the cue. Targets are integer classes in 0 ... S: the symbols
    and, at every step where nothing is to be recalled, the class S, "blank".
    So the output layer has C = S + 1 classes, and the loss is a softmax
    cross-entropy at every step (e.g. :func:`gru_course.output.loss`).

    The baseline: a model with no memory can still learn to output blank for
    the first T - K steps, but must guess the K symbols, at cross-entropy
    log S each: K · log S per sequence, summed over time (the convention of
    :mod:`gru_course.losses`).

    batch: B, a positive int. steps: T, an int >= 2K + 1. rng: a numpy
    Generator. symbols: S, an int >= 1. length: K, a positive int.
    dtype: float64 (default) or float32, for xs.

    Returns ``(xs, targets)``: xs (T, B, S + 2) of ``dtype`` and targets (T, B)
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
