"""Character-level language models of Moby-Dick: the vanilla RNN, the GRU and the LSTM.

Run with ``python benchmarks/train_charlm.py`` (about 12 minutes on 2 cores,
20 when other work keeps them busy; the first run downloads the novel,
see :mod:`gru_course.corpus`).

The three models get the **same number of parameters**, not the same hidden
size: the GRU has H = 128 units, the RNN and the LSTM as many as bring their
counts (input, recurrent and output layers together) closest to the GRU's:
for the 84 characters of the vocabulary, 231 units for the RNN (92 715
parameters against 93 012) and 108 for the LSTM (92 964).
Their recurrences then cost about the same arithmetic per character, H² for
the RNN against 3H² for the GRU and 4H² for the LSTM. Everything else is shared: the vocabulary, the
chapter split, the batches (the same streams read in the same order), Adam,
the clipping and the number of updates. Only the seed of the initial
weights changes from run to run.

The text: every tenth chapter (10, 20, ..., 130) is held out, the other 122
train. Training is truncated BPTT (:class:`gru_course.charlm.Reader` driving
:func:`gru_course.train.train`): 32 streams, chunks of 64 characters, the
state carried from chunk to chunk. Every 250 updates (100 with ``--quick``)
the script measures the held-out bits per character; the unigram baseline is the one of
:func:`gru_course.charlm.unigram_bits`.

Results go to ``src/gru_course/reference_data/charlm_long.npz`` (shipped with
the package, so that the book can plot them anywhere), the numbers as float32:

- ``held_out_bits`` (models, seeds, evaluations): held-out bits per character
  after ``updates[e]`` updates (the first evaluation is before training);
- ``training_bits`` (models, seeds, steps): the training loss of every
  chunk, in bits per character;
- ``seconds`` (models, seeds): the training time of each run, evaluations excluded;
- ``samples`` (models, seeds): text written by each trained model after
  ``prompt``, at temperature ``temperature``;
- ``unigram_bits``, ``models``, ``hidden``, ``parameters`` (per model),
  ``seeds``, ``updates``, ``vocabulary``, ``held_out_chapters`` and the
  settings (``batch``, ``chunk``, ``lr``, ``clip``, ``steps``).

``--quick`` runs the short version the book's notebook runs (one seed, a
GRU of 64 units against an RNN and an LSTM of the same parameter count,
400 updates, about 30 s) and saves it to ``benchmarks/results/charlm_quick.npz``
(not kept in the repository).

The matrix products here are small, and OpenBLAS's threads, which spin
while waiting, slowed training four to seven times on a busy 2-core machine
(the quick run, when it trained the RNN and the GRU only: 117 s instead of 18 s). So the script runs numpy on one
thread unless ``OPENBLAS_NUM_THREADS`` says otherwise; a notebook can do the
same by setting that variable before it first imports numpy.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when numpy is first imported

import argparse
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from gru_course import charlm, corpus, gru, lstm, optim, rnn, train

MODELS = {"rnn": rnn, "gru": gru, "lstm": lstm}
HELD_OUT = range(9, 135, 10)  # chapter positions: chapters 10, 20, ..., 130
BATCH = 32  # streams read side by side
CHUNK = 64  # characters per chunk: the truncation of BPTT
LR = 0.005  # Adam's learning rate
CLIP = 1.0  # the global norm the gradients are clipped to
DTYPE = np.float32
PROMPT = "Call me "
TEMPERATURE = 0.7
SAMPLE_LENGTH = 400

ROOT = Path(__file__).resolve().parents[1]
FULL = {
    "gru_hidden": 128,
    "seeds": 3,
    "steps": 3000,
    "eval_every": 250,
    "out": ROOT / "src" / "gru_course" / "reference_data" / "charlm_long.npz",
}
QUICK = {
    "gru_hidden": 64,
    "seeds": 1,
    "steps": 400,
    "eval_every": 100,
    "out": ROOT / "benchmarks" / "results" / "charlm_quick.npz",
}


def load():
    """The vocabulary, and the training and held-out texts as ids."""
    training, held_out = charlm.split_chapters(corpus.moby_dick().chapters, HELD_OUT)
    vocabulary = charlm.Vocabulary.from_text(training)
    return vocabulary, vocabulary.encode(training), vocabulary.encode(held_out)


def parameter_count(model, vocabulary, hidden):
    """The number of parameters of a model of ``hidden`` units, readout included."""
    params = charlm.init_params(model, vocabulary, hidden, np.random.default_rng(0))
    return sum(p.size for p in params.values())


def matched_hidden(model, vocabulary, gru_hidden):
    """The model's hidden size whose parameter count is closest to the GRU's."""
    target = parameter_count(gru, vocabulary, gru_hidden)
    sizes = range(1, 3 * gru_hidden)
    return min(sizes, key=lambda h: abs(parameter_count(model, vocabulary, h) - target))


def run_one(model, hidden, seed, config, vocabulary, training, held_out):
    """Train one model from scratch; the seed sets its initial weights.

    Returns ``(held-out bits per evaluation, training bits per step, seconds, sample)``.
    """
    params = charlm.init_params(model, vocabulary, hidden, np.random.default_rng(seed), dtype=DTYPE)
    reader = charlm.Reader(training, BATCH, CHUNK)  # truncated BPTT, the state carried across chunks
    optimizer = optim.Adam(LR)

    def train_for(steps):
        return train.train(model, params, reader.next_chunk, reader.loss, optimizer, steps, clip=CLIP, progress=False)

    bits = [charlm.bits_per_character(model, params, held_out)]
    nats, seconds = [], 0.0
    for _ in range(config["steps"] // config["eval_every"]):
        start = time.perf_counter()
        nats.append(train_for(config["eval_every"]))
        seconds += time.perf_counter() - start
        bits.append(charlm.bits_per_character(model, params, held_out))
    rng = np.random.default_rng(seed)
    sample = charlm.sample(model, params, vocabulary, PROMPT, SAMPLE_LENGTH, rng, temperature=TEMPERATURE)
    return np.array(bits), np.concatenate(nats) / np.log(2), seconds, sample


def run_all(config, hidden, data):
    """Every (model, seed); returns the arrays saved to the results file."""
    shape = (len(MODELS), config["seeds"])
    evaluations = config["steps"] // config["eval_every"] + 1
    results = {
        "held_out_bits": np.empty((*shape, evaluations)),
        "training_bits": np.empty((*shape, config["steps"])),
        "seconds": np.empty(shape),
        "samples": np.empty(shape, dtype=object),
    }
    runs = [(m, s) for m in range(len(MODELS)) for s in range(config["seeds"])]
    for m, s in tqdm(runs, desc="runs"):
        model = list(MODELS.values())[m]
        found = run_one(model, hidden[m], s, config, *data)
        for key, value in zip(results, found, strict=True):
            results[key][m, s] = value
    return results


def summary(results, hidden, parameters, baseline):
    """The table printed at the end: one row per model."""
    lines = [f"{'model':5} {'H':>4} {'params':>7}  {'held-out bits per char, per seed':<34} {'mean':>6} {'s/run':>6}"]
    for m, name in enumerate(MODELS):
        final = results["held_out_bits"][m, :, -1]
        per_seed = " ".join(f"{b:.3f}" for b in final)
        lines.append(
            f"{name:5} {hidden[m]:4d} {parameters[m]:7d}  {per_seed:<34} {final.mean():6.3f} "
            f"{results['seconds'][m].mean():6.1f}"
        )
    lines.append(f"unigram baseline: {baseline:.3f} bits per character")
    return "\n".join(lines)


def settings():
    """FULL or QUICK, with the numbers of seeds and updates given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the notebook's short version")
    parser.add_argument("--seeds", type=int, help="number of seeds (0, 1, ...)")
    parser.add_argument("--steps", type=int, help="updates per run (a multiple of the evaluation interval)")
    args = parser.parse_args()
    config = {**(QUICK if args.quick else FULL), **{k: v for k in ("seeds", "steps") if (v := getattr(args, k))}}
    if config["steps"] % config["eval_every"]:
        parser.error(f"--steps must be a multiple of {config['eval_every']}, the evaluation interval")
    return config


def main():
    config = settings()
    vocabulary, training, held_out = data = load()
    hidden = [matched_hidden(model, vocabulary, config["gru_hidden"]) for model in MODELS.values()]
    parameters = [parameter_count(model, vocabulary, h) for model, h in zip(MODELS.values(), hidden, strict=True)]
    baseline = charlm.unigram_bits(training, held_out, vocabulary.size)
    print(
        f"Moby-Dick, {len(training)} training and {len(held_out)} held-out characters, V = {vocabulary.size}; "
        f"H = {hidden[0]} (RNN), {hidden[1]} (GRU) and {hidden[2]} (LSTM), batch {BATCH}, chunks of {CHUNK}, "
        f"Adam(lr={LR}), clip {CLIP}, {config['steps']} updates, seeds 0-{config['seeds'] - 1}"
    )
    start = time.perf_counter()
    results = run_all(config, hidden, data)
    wall = time.perf_counter() - start
    out = config["out"]
    out.parent.mkdir(exist_ok=True)
    np.savez_compressed(
        out,
        **{key: results[key].astype(np.float32) for key in ("held_out_bits", "training_bits", "seconds")},
        samples=results["samples"].astype(str),
        unigram_bits=np.float32(baseline),
        models=np.array(list(MODELS)),
        hidden=np.array(hidden),
        parameters=np.array(parameters),
        seeds=np.arange(config["seeds"]),
        updates=np.arange(0, config["steps"] + 1, config["eval_every"]),
        vocabulary=vocabulary.chars,
        held_out_chapters=np.array(HELD_OUT) + 1,
        batch=BATCH,
        chunk=CHUNK,
        lr=LR,
        clip=CLIP,
        steps=config["steps"],
        prompt=PROMPT,
        temperature=TEMPERATURE,
    )
    print(summary(results, hidden, parameters, baseline))
    print(f"\nheld-out bits per character after the last update. Total {wall:.0f} s; saved {out}")


if __name__ == "__main__":
    main()
