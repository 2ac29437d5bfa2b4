"""The character-level language model, on the committed excerpt of the novel
(no network): vocabulary, chapter split, unigram baseline, truncated-BPTT
streams, the whole model's gradient, evaluation, sampling, the units' traces
and bad input."""

import re
from pathlib import Path

import numpy as np
import pytest

from conftest import CASE_IDS, CASES
from gru_course import charlm, corpus, gru, lstm, optim, output, rnn, train
from gru_course.gradcheck import gradcheck

FIXTURE = Path(__file__).parent / "data" / "moby_dick_120-122.txt"


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


@pytest.fixture(scope="module")
def book():
    return corpus.parse(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def text(book):
    return charlm.SEPARATOR.join(book.chapters)


@pytest.fixture(scope="module")
def vocabulary(text):
    return charlm.Vocabulary.from_text(text)


def tiny(model, variant, rng, hidden=3, chars="ab c\n."):
    """A tiny model over a tiny vocabulary, float64, and that vocabulary."""
    vocabulary = charlm.Vocabulary.from_text(chars)
    return charlm.init_params(model, vocabulary, hidden, rng), vocabulary


def extra(variant):
    return {} if variant is None else {"variant": variant}


# The language model runs on every recurrent layer of the package.
LM_CASES, LM_IDS = [*CASES, (lstm, None)], [*CASE_IDS, "lstm"]


def forward_from_zero(model, xs, layer, variant):
    """The layer's own forward from the zero state: (hs, cs), cs None but for the LSTM."""
    zeros = np.zeros((xs.shape[1], layer[next(iter(layer))].shape[0]))
    if model is lstm:
        hs, cache = lstm.forward(xs, zeros, zeros, layer)
        return hs, cache["cs"]
    return model.forward(xs, zeros, layer, **extra(variant))[0], None


def hidden_part(state):
    """h of a carried state: the state itself, or the first of the LSTM's pair."""
    return state[0] if isinstance(state, tuple) else state


# ----------------------------------------------------------------------------
# Text and ids.


def test_the_vocabulary_is_unknown_then_the_characters_in_order(text, vocabulary):
    assert vocabulary.chars[0] == charlm.UNKNOWN
    assert vocabulary.chars[1:] == "".join(sorted(set(text)))
    assert vocabulary.size == len(set(text)) + 1


def test_encode_then_decode_gives_the_text_back(text, vocabulary):
    ids = vocabulary.encode(text)
    assert ids.shape == (len(text),) and ids.dtype == np.int64
    assert ids.min() >= 1  # every character is known
    assert vocabulary.decode(ids) == text
    assert vocabulary.decode(vocabulary.encode("")) == ""


def test_unknown_characters_become_id_zero(vocabulary):
    ids = vocabulary.encode("a§b€")
    assert ids[1] == ids[3] == 0 and ids[0] > 0 and ids[2] > 0
    assert vocabulary.decode(ids) == f"a{charlm.UNKNOWN}b{charlm.UNKNOWN}"


def test_rare_characters_are_unknown_below_min_count():
    vocabulary = charlm.Vocabulary.from_text("aaabbc", min_count=2)
    assert vocabulary.chars == charlm.UNKNOWN + "ab"
    assert vocabulary.encode("abc").tolist() == [1, 2, 0]


def test_one_hot_vectors(rng):
    ids = rng.integers(0, 5, size=(4, 3))
    xs = charlm.one_hot(ids, 5, dtype=np.float32)
    assert xs.shape == (4, 3, 5) and xs.dtype == np.float32
    assert np.array_equal(xs.argmax(axis=-1), ids) and np.all(xs.sum(axis=-1) == 1)


def test_the_split_is_by_whole_chapters_in_order(book):
    training, held_out = charlm.split_chapters(book.chapters, [1])
    assert training == book.chapters[0] + charlm.SEPARATOR + book.chapters[2]
    assert held_out == book.chapters[1]
    training, held_out = charlm.split_chapters(list(book.chapters), range(0, 3, 2))
    assert training == book.chapters[1]
    assert held_out == book.chapters[0] + charlm.SEPARATOR + book.chapters[2]


def test_the_unigram_baseline_by_hand():
    # V = 4, training ids 1 1 2 (N = 3): p(1) = (2 + 1)/(3 + 4), p(2) = 2/7, p(0) = p(3) = 1/7
    bits = charlm.unigram_bits(np.array([1, 1, 2]), np.array([1, 2, 3]), 4)
    assert bits == pytest.approx(-(np.log2(3 / 7) + np.log2(2 / 7) + np.log2(1 / 7)) / 3, rel=1e-14)


def test_the_unigram_baseline_of_a_text_on_itself_is_near_its_entropy(text, vocabulary):
    ids = vocabulary.encode(text)
    p = np.bincount(ids) / len(ids)
    entropy = -np.sum(p[p > 0] * np.log2(p[p > 0]))
    assert entropy < charlm.unigram_bits(ids, ids, vocabulary.size) < entropy + 0.05


# ----------------------------------------------------------------------------
# Streams and chunks.


def test_streams_are_contiguous_stretches_side_by_side():
    table = charlm.streams(np.arange(11), 3)
    assert table.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]  # 9 and 10 left out


def test_chunks_read_every_position_once_with_its_next_character():
    ids = np.arange(3 * 12)
    table = charlm.streams(ids, 3)  # L = 12: 11 positions have a next character
    read = list(charlm.chunks(ids, 3, 4))
    assert [inputs.shape for inputs, _ in read] == [(4, 3), (4, 3), (3, 3)]  # the last one shorter
    assert np.array_equal(np.concatenate([i for i, _ in read]), table[:, :-1].T)
    assert np.array_equal(np.concatenate([t for _, t in read]), table[:, 1:].T)


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_chunk_after_chunk_with_the_carried_state_is_one_continuous_run(model, variant, rng, text, vocabulary):
    params = charlm.init_params(model, vocabulary, 4, rng)
    ids = vocabulary.encode(text)[:400]
    table = charlm.streams(ids, 3)
    layer = {k: v for k, v in params.items() if k not in train.READOUT_KEYS}
    xs = charlm.one_hot(table[:, :-1].T, vocabulary.size)
    continuous, cells = forward_from_zero(model, xs, layer, variant)
    reader = charlm.Reader(ids, 3, 10)
    for stop in range(10, len(continuous) + 10, 10):
        reader.loss(model, params, *reader.next_chunk(), variant=variant)
        last = min(stop, len(continuous)) - 1
        np.testing.assert_array_equal(hidden_part(reader.state), continuous[last])
        if model is lstm:  # the cell state is carried too
            np.testing.assert_array_equal(reader.state[1], cells[last])


def test_the_reader_starts_the_text_again_from_the_zero_state(rng):
    reader = charlm.Reader(np.arange(2 * 9) % 5, 2, 4)  # L = 9: chunks of 4 and 4
    params = train.init_params(rnn, 5, 3, 5, rng)
    first = reader.next_chunk()
    reader.loss(rnn, params, *first)
    reader.loss(rnn, params, *reader.next_chunk())
    assert reader.state is not None and reader.epoch == 0
    again = reader.next_chunk()
    assert reader.state is None and reader.epoch == 1
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


# ----------------------------------------------------------------------------
# The model.


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_the_whole_models_gradient_matches_finite_differences(model, variant, rng):
    params, vocabulary = tiny(model, variant, rng)
    ids = vocabulary.encode("ab c. ba\nc a.b")
    (inputs, targets), *_ = charlm.chunks(ids, 2, 5)
    h0 = rng.normal(size=(2, 3))  # carried in from an earlier chunk: a constant here
    if model is lstm:
        h0 = (h0, rng.normal(size=(2, 3)))
    _, grads, _ = charlm.chunk_loss(model, params, inputs, targets, h0, variant=variant)
    report = gradcheck(lambda p: charlm.chunk_loss(model, p, inputs, targets, h0, variant=variant)[0], params, grads)
    assert report.passed, str(report)
    assert set(report.errors) == set(params)  # input weights, recurrent layer and output layer


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_from_the_zero_state_the_loss_is_the_trainers_per_character(model, variant, rng):
    params, vocabulary = tiny(model, variant, rng)
    inputs, targets = next(charlm.chunks(vocabulary.encode("ab c. ba\nc a.b a"), 3, 4))
    loss, grads, last = charlm.chunk_loss(model, params, inputs, targets, variant=variant)
    xs = charlm.one_hot(inputs, vocabulary.size)
    total, total_grads = train.sequence_cross_entropy(model, params, xs, targets, variant=variant)
    assert loss == pytest.approx(total / 4, rel=1e-12)
    assert all(np.allclose(grads[k], total_grads[k] / 4, rtol=1e-12, atol=1e-15) for k in params)
    assert hidden_part(last).shape == (3, 3)
    assert model is not lstm or (isinstance(last, tuple) and last[1].shape == (3, 3))


def test_a_train_step_moves_the_parameters_and_returns_the_last_state(rng):
    params, vocabulary = tiny(gru, None, rng)
    before = {k: v.copy() for k, v in params.items()}
    inputs, targets = next(charlm.chunks(vocabulary.encode("ab c. ba\nc a.b"), 2, 5))
    loss, last = charlm.train_step(gru, params, optim.SGD(1.0), inputs, targets, clip=1e-3)
    assert loss == pytest.approx(charlm.chunk_loss(gru, before, inputs, targets)[0], rel=1e-14)
    moved = np.sqrt(sum(np.sum((params[k] - before[k]) ** 2) for k in params))
    assert moved == pytest.approx(1e-3, rel=1e-9)  # clipped to norm 1e-3, SGD at lr 1
    assert last.shape == (2, 3)


def test_trained_with_the_reader_a_gru_beats_the_unigram_baseline(text, vocabulary):
    # measured: 3.22 to 3.27 bits per character after 150 updates (seeds 0-3), the baseline 4.56
    rng = np.random.default_rng(0)
    params = charlm.init_params(gru, vocabulary, 32, rng)
    ids = vocabulary.encode(text)
    reader = charlm.Reader(ids, 8, 16)
    history = train.train(gru, params, reader.next_chunk, reader.loss, optim.Adam(0.01), 150, clip=1.0, progress=False)
    assert history[-10:].mean() < 0.8 * history[:10].mean()
    bits = charlm.bits_per_character(gru, params, ids)
    assert bits < charlm.unigram_bits(ids, ids, vocabulary.size) - 0.5


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_bits_per_character_is_the_mean_cross_entropy_over_ln_2(model, variant, rng, text, vocabulary):
    params = charlm.init_params(model, vocabulary, 5, rng)
    ids = vocabulary.encode(text)[:300]
    layer = {k: v for k, v in params.items() if k not in train.READOUT_KEYS}
    xs = charlm.one_hot(ids[:-1, None], vocabulary.size)
    hs, _ = forward_from_zero(model, xs, layer, variant)
    scores, _ = output.forward(hs[:, 0], {k: params[k] for k in train.READOUT_KEYS})
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    mean_cross_entropy = -log_p[np.arange(len(ids) - 1), ids[1:]].mean()
    bits = charlm.bits_per_character(model, params, ids, batch=1, steps=7, variant=variant)
    assert bits == pytest.approx(mean_cross_entropy / np.log(2), rel=1e-12)


def test_bits_per_character_reads_streams_side_by_side(rng, text, vocabulary):
    params = charlm.init_params(gru, vocabulary, 5, rng)
    ids = vocabulary.encode(text)[:301]
    streams = charlm.streams(ids, 3)
    one_by_one = [charlm.bits_per_character(gru, params, row, batch=1) for row in streams]
    assert charlm.bits_per_character(gru, params, ids, batch=3, steps=11) == pytest.approx(np.mean(one_by_one))


# ----------------------------------------------------------------------------
# Sampling.


def test_sampling_is_reproducible_from_the_seed(rng, vocabulary):
    params = charlm.init_params(gru, vocabulary, 8, rng)

    def draw(seed):
        return charlm.sample(gru, params, vocabulary, "Um, ", 40, np.random.default_rng(seed), temperature=1.5)

    first = draw(1)
    assert len(first) == 40 and set(first) <= set(vocabulary.chars)
    assert draw(1) == first
    assert draw(2) != first


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_near_zero_temperature_picks_the_most_likely_character(model, variant, rng, vocabulary):
    params = charlm.init_params(model, vocabulary, 8, rng)
    params[train.READOUT_KEYS[0]] *= 20  # spread the scores, so that no two are nearly tied
    drawn = charlm.sample(model, params, vocabulary, "Stubb", 12, rng, temperature=1e-6, variant=variant)
    text = "Stubb"
    for _ in range(12):  # greedy decoding, the slow way: read the whole text each time
        hs = charlm.trace(model, params, vocabulary, text, **extra(variant))["states"]
        scores, _ = output.forward(hs[-1:], {k: params[k] for k in train.READOUT_KEYS})
        text += vocabulary.chars[int(scores.argmax())]
    assert drawn == text[5:]


# ----------------------------------------------------------------------------
# What the units do.


@pytest.mark.parametrize(("model", "variant"), LM_CASES, ids=LM_IDS)
def test_trace_keeps_the_state_after_every_character(model, variant, rng, vocabulary):
    params = charlm.init_params(model, vocabulary, 6, rng)
    passage = "“Sir!—in God’s name!—sir?”"
    found = charlm.trace(model, params, vocabulary, passage, **extra(variant))
    layer = {k: v for k, v in params.items() if k not in train.READOUT_KEYS}
    xs = charlm.one_hot(vocabulary.encode(passage)[:, None], vocabulary.size)
    hs, cells = forward_from_zero(model, xs, layer, variant)
    assert np.array_equal(found["states"], hs[:, 0])
    kept = {rnn: {"states"}, gru: {"states", "update_gates", "reset_gates"}}.get(
        model, {"states", "cells", "input_gates", "forget_gates", "output_gates"}
    )
    assert set(found) == kept
    if model is lstm:  # against the step-by-step teaching version
        h = c = np.zeros((1, 6))
        for t, x in enumerate(xs):
            h, c, cache = lstm.step_forward(x, h, c, layer)
            assert np.array_equal(found["cells"][t], cells[t, 0])
            for gate, name in (("i", "input_gates"), ("f", "forget_gates"), ("q", "output_gates")):
                assert np.allclose(found[name][t], cache[gate][0], rtol=0, atol=1e-12)
    if model is gru:  # against the step-by-step teaching version
        h = np.zeros((1, 6))
        for t, x in enumerate(xs):
            h, cache = gru.step_forward(x, h, layer, variant=variant)
            assert np.allclose(found["update_gates"][t], cache["z"][0], rtol=0, atol=1e-12)
            assert np.allclose(found["reset_gates"][t], cache["r"][0], rtol=0, atol=1e-12)


def test_text_features_by_hand():
    found = charlm.text_features("Ah “no” he.\nI")
    assert found["column"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1]
    assert found["in_quotes"].tolist() == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert found["word_length"].tolist() == [1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1]
    assert found["sentence_length"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2]


def test_rank_units_finds_the_unit_that_follows_the_feature(rng):
    feature = rng.normal(size=50)
    values = np.stack([-feature + 0.5 * rng.normal(size=50), np.full(50, 0.3), 3 * feature + 1], axis=1)
    units, r = charlm.rank_units(values, feature)
    assert units.tolist() == [2, 0, 1]
    assert r[2] == pytest.approx(1.0) and -1 < r[0] < -0.8 and r[1] == 0
    assert np.allclose(r, [np.corrcoef(values[:, 0], feature)[0, 1], 0, 1])


# ----------------------------------------------------------------------------
# Bad input: one test per rule.


def test_a_vocabulary_starts_with_unknown_and_holds_each_character_once():
    with raises(ValueError, "chars must start with UNKNOWN ('�'), the id 0; got 'abc'"):
        charlm.Vocabulary("abc")
    with raises(ValueError, "chars must be distinct; got 'a' more than once"):
        charlm.Vocabulary(charlm.UNKNOWN + "aba")
    with raises(TypeError, "text must be a str; got list"):
        charlm.Vocabulary.from_text(["a", "b"])
    with raises(ValueError, "min_count must be a positive int; got 0"):
        charlm.Vocabulary.from_text("ab", min_count=0)


def test_ids_must_be_integers_within_the_vocabulary(vocabulary):
    with raises(TypeError, "ids must be an integer array of character ids; got dtype float64"):
        vocabulary.decode(np.array([1.0, 2.0]))
    with raises(ValueError, f"ids must be ids in [0, {vocabulary.size}, the vocabulary's size); got values from 1 to"):
        vocabulary.decode(np.array([1, vocabulary.size]))
    with raises(ValueError, "ids must be ids in [0, 5, the vocabulary's size); got values from -1 to 2"):
        charlm.one_hot(np.array([-1, 2]), 5)
    with raises(ValueError, "training must have 1 dimensions (N); got 2 (shape (1, 3))"):
        charlm.unigram_bits(np.array([[1, 1, 2]]), np.array([1]), 4)
    with raises(ValueError, "held_out must hold at least one id; got an empty array"):
        charlm.unigram_bits(np.array([1, 1, 2]), np.array([], dtype=int), 4)


def test_the_split_needs_chapters_and_sensible_positions(book):
    with raises(TypeError, "chapters must be a sequence of str, one per chapter; got str"):
        charlm.split_chapters("one long text", [0])
    with raises(TypeError, "chapters[1] must be a str; got int"):
        charlm.split_chapters(["a", 2], [0])
    with raises(TypeError, "held_out must be chapter positions, ints; got float 1.0"):
        charlm.split_chapters(book.chapters, [1.0])
    with raises(TypeError, "held_out must be chapter positions, ints; got int"):
        charlm.split_chapters(book.chapters, 1)
    with raises(ValueError, "held_out must be positions in [0, 3) for 3 chapters; got 3"):
        charlm.split_chapters(book.chapters, [3])
    with raises(ValueError, "held_out must not repeat a chapter; got [1, 1]"):
        charlm.split_chapters(book.chapters, [1, 1])
    with raises(ValueError, "held_out must hold at least one chapter and leave one for training; got 3 of 3"):
        charlm.split_chapters(book.chapters, range(3))
    with raises(ValueError, "held_out must hold at least one chapter and leave one for training; got 0 of 3"):
        charlm.split_chapters(book.chapters, [])


def test_streams_and_chunks_need_room_and_sizes():
    with raises(ValueError, "ids must hold at least 2 ids per stream, 2 B = 8, for a target after an input; got 7"):
        charlm.streams(np.arange(7), 4)
    with raises(ValueError, "batch must be a positive int; got 0"):
        charlm.Reader(np.arange(10), 0, 4)
    with raises(ValueError, "steps must be a positive int; got 0"):
        charlm.Reader(np.arange(10), 2, 0)
    with raises(ValueError, "steps must be a positive int; got 0"):
        next(charlm.chunks(np.arange(10), 2, 0))


def test_the_model_needs_its_kind_of_params_and_inputs(rng):
    params, vocabulary = tiny(gru, None, rng)
    inputs, targets = next(charlm.chunks(vocabulary.encode("ab c. ba\nc a.b"), 2, 5))
    with raises(TypeError, "model must be the module gru_course.rnn, gru_course.gru or gru_course.lstm; got str"):
        charlm.chunk_loss("gru", params, inputs, targets)
    with raises(ValueError, f"params is missing the readout's {train.READOUT_KEYS[0]!r}"):
        charlm.chunk_loss(gru, gru.init_params(7, 3, rng), inputs, targets)
    with raises(ValueError, "variant must be 'reset_before' or 'reset_after'; got 'after'"):
        charlm.chunk_loss(gru, params, inputs, targets, variant="after")
    with raises(ValueError, "inputs must have 2 dimensions (K, B); got 1 (shape (5,))"):
        charlm.chunk_loss(gru, params, inputs[:, 0], targets)
    with raises(ValueError, "inputs must be ids in [0, 7, the vocabulary's size); got values from", "to 9"):
        charlm.chunk_loss(gru, params, inputs + 9 - inputs.max(), targets)
    with raises(ValueError, "h0 must have shape (B, H) = (2, 3)", "got (2, 4)"):
        charlm.chunk_loss(gru, params, inputs, targets, np.zeros((2, 4)))
    with raises(ValueError, "targets must have shape (T, B) = (5, 2); got (4, 2)"):
        charlm.chunk_loss(gru, params, inputs, targets[:4])
    with raises(TypeError, "vocabulary must be a charlm.Vocabulary; got str"):
        charlm.init_params(gru, "abc", 3, rng)
    lstm_params, _ = tiny(lstm, None, rng)
    with raises(TypeError, "h0 of the LSTM must be the pair (h0, c0) of (B, H) arrays; got ndarray"):
        charlm.chunk_loss(lstm, lstm_params, inputs, targets, np.zeros((2, 3)))
    with raises(ValueError, "c0 must have shape (B, H) = (2, 3)", "got (2, 4)"):
        charlm.chunk_loss(lstm, lstm_params, inputs, targets, (np.zeros((2, 3)), np.zeros((2, 4))))


def test_sampling_and_tracing_need_the_models_vocabulary_and_sensible_settings(rng):
    params, vocabulary = tiny(gru, None, rng)
    other = charlm.Vocabulary.from_text("abcdefgh")
    with raises(ValueError, "vocabulary must be the model's, with V = D = 7 ids (params' input size); got one with 9"):
        charlm.sample(gru, params, other, "a", 5, rng)
    with raises(ValueError, "vocabulary must be the model's"):
        charlm.trace(gru, params, other, "abc")
    with raises(ValueError, "prompt must hold at least one character, for the model to read first; got ''"):
        charlm.sample(gru, params, vocabulary, "", 5, rng)
    with raises(ValueError, "temperature must be a positive number; got 0"):
        charlm.sample(gru, params, vocabulary, "a", 5, rng, temperature=0)
    with raises(TypeError, "rng must be a numpy.random.Generator", "got int"):
        charlm.sample(gru, params, vocabulary, "a", 5, 0)
    with raises(ValueError, "length must be a positive int; got 0"):
        charlm.sample(gru, params, vocabulary, "a", 0, rng)
    with raises(ValueError, "text must hold at least one character; got ''"):
        charlm.trace(gru, params, vocabulary, "")


def test_rank_units_needs_one_feature_value_per_row(rng):
    with raises(ValueError, "feature must have shape (T) = (5,); got (4,)"):
        charlm.rank_units(rng.normal(size=(5, 3)), np.zeros(4))
    with raises(ValueError, "values must have 2 dimensions (T, H); got 1 (shape (5,))"):
        charlm.rank_units(rng.normal(size=5), np.zeros(5))
