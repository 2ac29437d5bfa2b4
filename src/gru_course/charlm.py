"""A character-level language model: a recurrent network reads a text one
character at a time and, at every character, predicts the next one.

The model, in the book's notation. The character of step t enters as a
one-hot vector x_t of size D = V, the vocabulary's size; the recurrent layer,
:mod:`gru_course.rnn`, :mod:`gru_course.gru` or :mod:`gru_course.lstm` (their
fast ``forward`` and ``backward``), turns it into the state h_t; the affine output layer of
:mod:`gru_course.output` turns h_t into C = V scores o_t = W_oh h_t + b_o for
the next character; the loss is the softmax cross-entropy of o_t against the
character of step t + 1. Its parameters are the one dict of
:func:`gru_course.train.init_params`, used here without reading any name.

Why one-hot and not an embedding: with a one-hot x_t, the product W x_t of
every input weight W (W_hx; the GRU's W_zx and W_rx; the LSTM's W_ix, W_fx,
W_cx and W_qx) is the column of W
that belongs to the character of step t, so the input weights already are a
learned embedding of each character, one vector per gate. A separate
embedding layer would add a layer, its backward and its parameters for
nothing, with V about 80. The price is a (K·B, V) by (V, H) product per gate
instead of a lookup, small next to the recurrence.

Truncated backpropagation through time, as practised. The training text is
cut into B streams, read side by side, chunk after chunk of K characters
(:func:`chunks`). Each chunk starts from the state the previous chunk ended
in, so the model sees the text as one long sequence, but the gradient stops
at the chunk's first state: ``backward``'s ∂L/∂h0 is dropped. (The LSTM's
state is the pair (h_t, c_t); both are carried, and both gradients dropped.)

Units: a loss here is the **mean** cross-entropy per character, in nats;
bits per character = nats / ln 2. Shapes: a text is a (N,) array of ids;
a chunk's inputs and targets are (K, B) ids, its one-hot inputs (K, B, V);
a state is (B, H), the LSTM's a pair of them. From the novel to a trained model::

    training, held_out = split_chapters(corpus.moby_dick().chapters, range(9, 135, 10))
    vocabulary = Vocabulary.from_text(training)
    params = init_params(gru, vocabulary, 128, np.random.default_rng(0), dtype=np.float32)
    reader = Reader(vocabulary.encode(training), batch=32, steps=64)
    train.train(gru, params, reader.next_chunk, reader.loss, optim.Adam(0.005), 3000, clip=1.0)
    bits_per_character(gru, params, vocabulary.encode(held_out))     # about 2.3
    sample(gru, params, vocabulary, "Call me", 200, np.random.default_rng(0), temperature=0.7)
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _checks, activations, gru, losses, lstm, optim, output, rnn, train

UNKNOWN = "\N{REPLACEMENT CHARACTER}"  # "�", id 0: every character the vocabulary does not hold
SEPARATOR = "\n\n"  # between two chapters of the same split


# ----------------------------------------------------------------------------
# Text and ids.


@dataclass(frozen=True)
class Vocabulary:
    """The characters a model reads and writes, each with an integer id.

    chars: a str of distinct characters; ``chars[i]`` has id i. The first is
           always :data:`UNKNOWN`, the id 0 of every character that is not in
           the vocabulary (the rule for unknown characters).

    Build one from the training text with :meth:`from_text`; ``size`` is V.
    """

    chars: str

    def __post_init__(self):
        if not isinstance(self.chars, str):
            raise TypeError(f"chars must be a str; got {type(self.chars).__name__}")
        if not self.chars.startswith(UNKNOWN):
            raise ValueError(f"chars must start with UNKNOWN ({UNKNOWN!r}), the id 0; got {self.chars[:10]!r}")
        repeated = sorted(c for c, n in Counter(self.chars).items() if n > 1)
        if repeated:
            raise ValueError(f"chars must be distinct; got {repeated[0]!r} more than once")

    @classmethod
    def from_text(cls, text, min_count=1):
        """The characters seen at least ``min_count`` times in ``text``, sorted
        by code point, after :data:`UNKNOWN`. Rarer characters, and characters
        never seen, are read as UNKNOWN."""
        text = _text("text", text)
        min_count = _checks.positive_int("min_count", min_count)
        kept = sorted(c for c, n in Counter(text).items() if n >= min_count and c != UNKNOWN)
        return cls(UNKNOWN + "".join(kept))

    @property
    def size(self):
        """V, the number of ids, UNKNOWN included."""
        return len(self.chars)

    def encode(self, text):
        """The ids of the characters of ``text``: an int64 array of shape (len(text),)."""
        codes = np.frombuffer(_text("text", text).encode("utf-32-le"), dtype=np.uint32)
        known = np.array([ord(c) for c in self.chars], dtype=np.uint32)
        order = np.argsort(known)  # ids by code point, for a binary search
        at = np.searchsorted(known[order], codes).clip(max=len(known) - 1)
        found = known[order[at]] == codes
        return np.where(found, order[at], 0).astype(np.int64)

    def decode(self, ids):
        """The text of a (N,) array of ids; the inverse of :meth:`encode` for known characters."""
        ids = _ids("ids", ids, self.size)
        return "".join(self.chars[i] for i in ids.tolist())


def split_chapters(chapters, held_out):
    """Training and held-out text, by whole chapters, not by random characters.

    chapters: a sequence of str, in order, e.g. ``corpus.moby_dick().chapters``.
    held_out: the positions (from 0) of the held-out chapters, e.g.
              ``range(9, 135, 10)`` for every tenth chapter.

    Returns ``(training, held_out_text)``: the chapters of each part, in their
    order, joined by :data:`SEPARATOR`, so that each part reads as one text.
    """
    if isinstance(chapters, str) or not isinstance(chapters, Sequence):
        raise TypeError(f"chapters must be a sequence of str, one per chapter; got {type(chapters).__name__}")
    for i, chapter in enumerate(chapters):
        _text(f"chapters[{i}]", chapter)
    held = _positions(held_out, len(chapters))
    parts = ([c for i, c in enumerate(chapters) if i not in held], [c for i, c in enumerate(chapters) if i in held])
    return tuple(SEPARATOR.join(part) for part in parts)


def unigram_bits(training, held_out, size):
    """The baseline that ignores context: bits per character of the held-out
    ids under the training ids' character frequencies, with add-one smoothing,

        p_i = (N_i + 1) / (N + V),     bits = -(1/M) Σ_t log2 p_{i_t},

    N_i the count of id i among the N training ids, i_t the id of held-out
    step t, M the number of held-out ids. Add-one keeps p_i > 0 for a
    character the training text never shows.

    training, held_out: (N,) and (M,) ids in [0, size). size: V.
    Returns a float.
    """
    size = _checks.positive_int("size", size)
    training = _ids("training", training, size)
    held_out = _ids("held_out", held_out, size)
    if held_out.size == 0:
        raise ValueError("held_out must hold at least one id; got an empty array")
    counts = np.bincount(training, minlength=size)
    log_p = np.log2(counts + 1) - np.log2(len(training) + size)
    return float(-log_p[held_out].mean())


def one_hot(ids, size, dtype=np.float64):
    """One-hot vectors: (..., V) for ids (...) in [0, V); ``size`` is V."""
    size = _checks.positive_int("size", size)
    ids = _ids("ids", ids, size, dims=None)
    return np.eye(size, dtype=_checks.float_dtype("dtype", dtype))[ids]


# ----------------------------------------------------------------------------
# Truncated BPTT: streams and chunks.


def streams(ids, batch):
    """Cut a text into B streams, to be read side by side.

    ids: (N,) ids. batch: B, a positive int.
    Returns (B, L) with L = N // B: row b is ``ids[b L : (b + 1) L]``, so
    each stream is a contiguous stretch of the text. The last N - B L ids,
    fewer than B, are left out.
    """
    ids = _ids("ids", ids)
    batch = _checks.positive_int("batch", batch)
    length = len(ids) // batch
    if length < 2:
        raise ValueError(
            f"ids must hold at least 2 ids per stream, 2 B = {2 * batch}, for a target after an input; got {len(ids)}"
        )
    return ids[: batch * length].reshape(batch, length)


def chunks(ids, batch, steps):
    """The chunks of truncated BPTT, in reading order: a generator.

    ids: (N,) ids. batch: B streams (:func:`streams`). steps: K, a positive int.

    Yields ``(inputs, targets)``, each (K, B) int64: chunk j holds positions
    jK ... jK + K - 1 of every stream, and its targets are the characters that
    follow them, so chunk j + 1 starts where chunk j stopped. With streams of
    length L, every one of the L - 1 positions that has a next character is
    read once; the last chunk is shorter when K does not divide L - 1.
    """
    table = streams(ids, batch)
    steps = _checks.positive_int("steps", steps)
    for start in range(0, table.shape[1] - 1, steps):
        stop = min(start + steps, table.shape[1] - 1)
        yield table[:, start:stop].T.copy(), table[:, start + 1 : stop + 1].T.copy()


class Reader:
    """The training text read chunk after chunk, with the state carried
    between chunks: its two methods plug into :func:`gru_course.train.train`.

    ids, batch, steps: as in :func:`chunks`.

    - :meth:`next_chunk` is ``make_batch``: the next ``(inputs, targets)``;
      after the last chunk, the first one again, from the zero state.
    - :meth:`loss` is ``loss_fn``: :func:`chunk_loss` from the carried state,
      which it then replaces by the chunk's last state, detached.

    ::

        reader = Reader(training_ids, batch=32, steps=64)
        history = train.train(gru, params, reader.next_chunk, reader.loss, optim.Adam(3e-3), 500, clip=1.0)

    ``history`` is then the loss of every chunk, in nats per character.
    ``state`` is the carried state, the pair (h, c) for the LSTM (None before
    the first chunk and after each pass through the text);
    ``epoch`` counts the passes through the whole text completed so far.
    """

    def __init__(self, ids, batch, steps):
        streams(ids, batch)  # check the arguments now rather than at the first chunk
        self.ids, self.batch, self.steps = ids, batch, _checks.positive_int("steps", steps)
        self._chunks = chunks(ids, batch, steps)
        self.state = None
        self.epoch = 0

    def next_chunk(self):
        """The next ``(inputs, targets)``, each (K, B) ids."""
        chunk = next(self._chunks, None)
        if chunk is None:  # the end of the text: start it again, from the zero state
            self._chunks = chunks(self.ids, self.batch, self.steps)
            self.state = None
            self.epoch += 1
            chunk = next(self._chunks)
        return chunk

    def loss(self, model, params, inputs, targets, variant=None):
        """The chunk's loss and gradients, as :func:`chunk_loss`; carries the state on."""
        loss, grads, self.state = chunk_loss(model, params, inputs, targets, self.state, variant=variant)
        return loss, grads


# ----------------------------------------------------------------------------
# The model.


def init_params(model, vocabulary, hidden_size, rng, dtype=np.float64):
    """Random parameters of the model: :func:`gru_course.train.init_params`
    with D = C = ``vocabulary.size``. model: :mod:`gru_course.rnn`,
    :mod:`gru_course.gru` or :mod:`gru_course.lstm`. Returns one dict of arrays."""
    size = _vocabulary(vocabulary).size
    return train.init_params(model, size, hidden_size, size, rng, dtype=dtype)


def chunk_loss(model, params, inputs, targets, h0=None, variant=None):
    """The loss of one chunk, from a given first state, and its gradients.

    inputs, targets: (K, B) ids; targets[t, b] is the character after inputs[t, b].
    h0:      (B, H), the state the previous chunk ended in; None for zeros.
             For the LSTM, the pair (h0, c0) of (B, H) arrays.
    variant: for :mod:`gru_course.gru` only.

    The loss is the mean cross-entropy per character, in nats,
    L = (1/(K B)) Σ_t Σ_b -ln ŷ_t,b[target]: :func:`gru_course.output.loss`
    divided by K. Its gradient stops at h0 (truncated BPTT).

    Returns ``(loss, grads, h_last)``: a float, {name: ∂L/∂param} for every
    key of params, and the chunk's last state (B, H), the next chunk's h0
    (for the LSTM the pair (h_K, c_K)).
    """
    layer, readout = train._split(model, params)
    hs, cache, last = _run(model, layer, inputs, h0, variant)
    loss, dhs, readout_grads = output.loss(hs, targets, readout)
    steps = len(hs)
    grads = model.backward(dhs / steps, cache)[-1]  # ∂L/∂h0 (and ∂L/∂c0) dropped: the truncation
    grads.update((key, grad / steps) for key, grad in readout_grads.items())
    return float(loss) / steps, grads, last


def train_step(model, params, optimizer, inputs, targets, h0=None, *, clip=None, variant=None):
    """One update on one chunk: :func:`chunk_loss`, clipping, then ``optimizer.step``.

    optimizer: e.g. ``optim.Adam(3e-3)``; ``params`` is updated in place.
    clip:      None, or the global norm to clip the gradients to
               (:func:`gru_course.optim.clip_by_global_norm`).
    The rest as in :func:`chunk_loss`. Returns ``(loss, h_last)``.
    """
    loss, grads, h_last = chunk_loss(model, params, inputs, targets, h0, variant=variant)
    if clip is not None:
        grads, _ = optim.clip_by_global_norm(grads, clip)
    optimizer.step(params, grads)
    return loss, h_last


def bits_per_character(model, params, ids, *, batch=16, steps=256, variant=None):
    """The model's bits per character on a text, read in order, without changing the parameters.

    ids:   (N,) ids, e.g. the held-out text encoded.
    batch: the text is read as B streams side by side (:func:`streams`),
           each carrying its state through all of its chunks; B = 1 reads it
           as one sequence. Each stream's first character has no prediction,
           and the last N mod B characters are left out.
    steps: K, the characters per chunk (memory, not the result: the state
           is carried across chunks).

    Returns -(1/M) Σ log2 ŷ[next character] over the M predictions, a float:
    the mean cross-entropy in nats divided by ln 2.
    """
    layer, readout = train._split(model, params)
    total, count, state = 0.0, 0, None
    for inputs, targets in chunks(ids, batch, steps):
        hs, _, state = _run(model, layer, inputs, state, variant)
        scores, _ = output.forward(hs, readout)
        loss, _ = losses.softmax_cross_entropy(scores, targets)  # summed over steps, mean over streams
        total += float(loss) * targets.shape[1]
        count += targets.size
    return total / count / np.log(2)


def sample(model, params, vocabulary, prompt, length, rng, *, temperature=1.0, variant=None):
    """New text: ``length`` characters drawn one at a time after ``prompt``.

    The model reads the prompt from the zero state; then each character is
    drawn from softmax(o / temperature), o the scores after the previous
    character, and read in turn. A temperature below 1 sharpens the
    distribution (towards the most likely character as it nears 0), above 1
    flattens it.

    vocabulary: the model's :class:`Vocabulary`. prompt: a non-empty str.
    length: a positive int. rng: a numpy Generator (the same seed gives the
    same text). temperature: a positive number.

    Returns the new characters, a str of ``length`` (the prompt not included).
    """
    layer, readout = train._split(model, params)
    if not _text("prompt", prompt):
        raise ValueError("prompt must hold at least one character, for the model to read first; got ''")
    ids = _vocabulary_of(model, layer, vocabulary).encode(prompt)[:, None]
    length = _checks.positive_int("length", length)
    rng = _checks.generator("rng", rng)
    temperature = optim._positive_number("temperature", temperature)
    drawn, state = np.empty(length, dtype=np.int64), None
    for i in range(length):
        hs, _, state = _run(model, layer, ids, state, variant)
        scores, _ = output.forward(hs[-1], readout)
        p = activations.softmax(scores[0].astype(np.float64) / temperature)
        drawn[i] = rng.choice(len(p), p=p)
        ids = drawn[i : i + 1, None]  # the character just drawn is read next
    return vocabulary.decode(drawn)


# ----------------------------------------------------------------------------
# What the units do.


def trace(model, params, vocabulary, text, *, variant=None):
    """Run the model over a passage, from the zero state, and keep what every unit does.

    text: a str of T characters, encoded with ``vocabulary``.
    Returns a dict of (T, H) arrays, row t for the moment after reading
    ``text[t]``: "states" h_t; for the GRU also "update_gates" z_t and
    "reset_gates" r_t; for the LSTM also "cells" c_t, "input_gates" i_t,
    "forget_gates" f_t and "output_gates" q_t.
    """
    layer, _ = train._split(model, params)
    ids = _vocabulary_of(model, layer, vocabulary).encode(text)
    if ids.size == 0:
        raise ValueError("text must hold at least one character; got ''")
    hs, cache, _ = _run(model, layer, ids[:, None], None, variant)
    found = {"states": hs[:, 0].copy()}
    if model is gru:
        found["update_gates"], found["reset_gates"] = cache["gates"][:, :, 0].copy()
    if model is lstm:
        found["cells"] = cache["cs"][:, 0].copy()
        _, found["input_gates"], found["forget_gates"], found["output_gates"] = cache["gates"][:, :, 0].copy()
    return found


def text_features(text):
    """What a unit might track, at every character of ``text`` (after reading it).

    Returns a dict of (T,) float64 arrays:

    - "column": characters since the last newline, the position in the line
      (the novel's lines end near 70);
    - "in_quotes": 1 from an opening “ up to its closing ”, which is 0, as is
      everything outside quotation marks;
    - "word_length": letters since the word began, 0 on any other character;
    - "sentence_length": characters since the last ".", "!" or "?".
    """
    text = _text("text", text)
    names = ("column", "in_quotes", "word_length", "sentence_length")
    found = {name: np.zeros(len(text)) for name in names}
    column = quoted = word = sentence = 0
    for t, char in enumerate(text):
        column = 0 if char == "\n" else column + 1
        quoted = 1 if char == "“" else 0 if char == "”" else quoted
        word = word + 1 if char.isalpha() else 0
        sentence = 0 if char in ".!?" else sentence + 1
        for name, value in zip(names, (column, quoted, word, sentence), strict=True):
            found[name][t] = value
    return found


def rank_units(values, feature):
    """Which units follow a feature most closely: a reproducible search.

    values:  (T, H), e.g. ``trace(...)["states"]``.
    feature: (T,), e.g. ``text_features(text)["column"]``.

    Returns ``(units, r)``: the H unit indices sorted by |r|, largest first
    (ties by index), and r (H,), each unit's Pearson correlation with the
    feature (0 for a unit or a feature that never changes).
    """
    values = _checks.float_array("values", values, ("T", "H"))
    feature = _checks.float_array("feature", np.asarray(feature, dtype=np.float64), ("T",))
    _checks.expect_shape("feature", feature, values.shape[:1], ("T",))
    centred = values - values.mean(axis=0)
    f = feature - feature.mean()
    scale = np.sqrt((centred**2).sum(axis=0) * (f**2).sum())
    changes = (np.ptp(values, axis=0) > 0) & (np.ptp(feature) > 0)
    r = np.divide(f @ centred, scale, out=np.zeros(values.shape[1]), where=changes)
    return np.argsort(-np.abs(r), kind="stable"), r


# ----------------------------------------------------------------------------
# Helpers.


def _run(model, layer, inputs, h0, variant):
    """The recurrent layer's forward over one-hot ``inputs`` (K, B) from the
    state h0 (zeros when None; the pair (h0, c0) for the LSTM):
    ``(hs, cache, last)``, ``last`` the state after the last step, detached
    (a copy), in the form of h0."""
    model = train._model(model)
    variant = train._variant(model, variant)
    size, hidden, dtype = _layer_sizes(model, layer)
    xs = one_hot(_ids("inputs", inputs, size, dims=("K", "B")), size, dtype)
    if h0 is None:
        zeros = np.zeros((xs.shape[1], hidden), dtype=dtype)
        h0 = (zeros, zeros) if model is lstm else zeros
    if model is lstm:
        if not (isinstance(h0, tuple) and len(h0) == 2):
            raise TypeError(f"h0 of the LSTM must be the pair (h0, c0) of (B, H) arrays; got {type(h0).__name__}")
        hs, cache = lstm.forward(xs, *h0, layer)
        return hs, cache, (hs[-1].copy(), cache["cs"][-1].copy())
    hs, cache = gru.forward(xs, h0, layer, variant=variant) if model is gru else rnn.forward(xs, h0, layer)
    return hs, cache, hs[-1].copy()


def _layer_sizes(model, layer):
    """(D, H, dtype) of a recurrent layer, read from its first parameter, the
    input weight (H, D) (see :func:`gru_course._checks.model_params`)."""
    key = next(iter(model.param_shapes(1, 1)))
    hidden, size = (_checks.size_from("params", layer, key, axis) for axis in (0, 1))
    return size, hidden, np.asarray(layer[key]).dtype


def _ids(name, ids, size=None, dims=("N",)):
    """Check an integer array of ids, of ``len(dims)`` axes (any when None),
    each in [0, size) (in [0, ∞) when size is None); return it."""
    array = np.asarray(ids)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array of character ids; got dtype {array.dtype}")
    if dims is not None and array.ndim != len(dims):
        raise ValueError(
            f"{name} must have {len(dims)} dimensions ({', '.join(dims)}); got {array.ndim} (shape {array.shape})"
        )
    low, high = (array.min(), array.max()) if array.size else (0, 0)
    if low < 0 or (size is not None and high >= size):
        upper = "∞" if size is None else f"{size}, the vocabulary's size"
        raise ValueError(f"{name} must be ids in [0, {upper}); got values from {low} to {high}")
    return array.astype(np.int64, copy=False)


def _text(name, text):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; got {type(text).__name__}")
    return text


def _vocabulary(vocabulary):
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"vocabulary must be a charlm.Vocabulary; got {type(vocabulary).__name__}")
    return vocabulary


def _vocabulary_of(model, layer, vocabulary):
    """Raise unless ``vocabulary`` has the model's input size D."""
    size = _layer_sizes(train._model(model), layer)[0]
    if _vocabulary(vocabulary).size != size:
        raise ValueError(
            f"vocabulary must be the model's, with V = D = {size} ids (params' input size); "
            f"got one with {vocabulary.size}"
        )
    return vocabulary


def _positions(held_out, count):
    """The set of held-out chapter positions, checked against ``count`` chapters."""
    if isinstance(held_out, str) or not hasattr(held_out, "__iter__"):
        raise TypeError(f"held_out must be chapter positions, ints; got {type(held_out).__name__}")
    held = list(held_out)
    for i in held:
        if isinstance(i, bool) or not isinstance(i, int | np.integer):
            raise TypeError(f"held_out must be chapter positions, ints; got {type(i).__name__} {i!r}")
    outside = [i for i in held if not 0 <= i < count]
    if outside:
        raise ValueError(f"held_out must be positions in [0, {count}) for {count} chapters; got {outside[0]}")
    if len(set(held)) != len(held):
        raise ValueError(f"held_out must not repeat a chapter; got {sorted(held)}")
    if not 0 < len(held) < count:
        raise ValueError(
            f"held_out must hold at least one chapter and leave one for training; got {len(held)} of {count}"
        )
    return set(held)
