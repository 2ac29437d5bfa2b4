"""The adding problem: the vanilla RNN, the GRU and the LSTM, at several sequence lengths.

Run with ``python benchmarks/train_adding.py``: 15 to 30 minutes on 2 cores (the
shipped results record 811 s of training in all, 407 s of it for the RNN and the GRU).
The three models get the same hidden size, the same optimizer (Adam with gradient
clipping), the same number of steps and exactly the same training batches;
only the recurrent cell differs. The initial weights and the batches come from
two separate generators (:func:`generators`): the GRU and the LSTM draw more initial
weights than the RNN, and with one shared generator they would then see other
batches. For every model, length T and seed, the script trains from scratch,
records the loss of every step, then measures the mean squared error on a
fresh batch of 1000 sequences (the same for every model). The LSTM starts, as
the others do, from the zero state: h0 = c0 = 0. The baseline that
always predicts 1 has a mean squared error of 1/6 ≈ 0.167 (see
:func:`gru_course.data.adding_problem`).

Results go to ``src/gru_course/reference_data/adding_long.npz`` (shipped with the
package, so that the book can plot them anywhere):

- ``losses`` (models, lengths, seeds, steps): the training loss of every step,
  stored as float32 to keep the file small;
- ``evaluation`` (models, lengths, seeds): the MSE on the fresh batch;
- ``seconds`` (models, lengths, seeds): the training time of each run;
- ``batch_sums`` (models, lengths, seeds): the sum of every training target a
  run saw, equal for every model (the script checks it before saving);
- ``models`` (rnn, gru, lstm: indices 0, 1, 2), ``lengths``, ``seeds`` and the
  settings (``hidden``, ``batch``, ``lr``, ``clip``, ``steps``, ``eval_batch``).

``--quick`` runs the short version the book's notebook runs (3 seeds, T = 10,
50, 100, 600 steps, a few minutes) and saves it to ``benchmarks/results/adding_quick.npz``
(not kept in the repository).
"""

import argparse
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from gru_course import data, gru, lstm, optim, rnn, train

# The order is the file's: rnn and gru keep indices 0 and 1, lstm is 2.
MODELS = {"rnn": rnn, "gru": gru, "lstm": lstm}
HIDDEN = 16  # H, the same for every model
BATCH = 32  # sequences per step
LR = 0.01  # Adam's learning rate
CLIP = 1.0  # the global norm the gradients are clipped to
EVAL_BATCH = 1000  # sequences in the fresh evaluation batch
BASELINE = 1 / 6  # the MSE of always predicting 1
SOLVED = 0.05  # an MSE below this counts as solved (the baseline is 0.167)
WINDOW = 50  # steps averaged for "the loss at the end" and "solved at step"

ROOT = Path(__file__).resolve().parents[1]
FULL = {
    "lengths": (10, 50, 100, 200),
    "seeds": 8,
    "steps": 2000,
    "out": ROOT / "src" / "gru_course" / "reference_data" / "adding_long.npz",
}
QUICK = {
    "lengths": (10, 50, 100),
    "seeds": 3,
    "steps": 600,
    "out": ROOT / "benchmarks" / "results" / "adding_quick.npz",
}


def generators(seed):
    """Two independent generators made from one seed: ``(weights, batches)``.

    The first draws a model's initial weights, the second its training batches
    and nothing else, so every model trained with the same seed sees the same
    batches in the same order, whatever number of weights it draws.
    """
    weights, batches = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(weights), np.random.default_rng(batches)


def run_one(model, steps, length, seed):
    """Train one model from scratch on the adding problem with sequences of ``length``.

    The seed sets the initial weights and the training batches (through
    :func:`generators`), and, offset by 10 000, the evaluation batch. Returns
    ``(losses (steps,), evaluation MSE, seconds, sum of the training targets)``.
    """
    weights_rng, batches_rng = generators(seed)
    params = train.init_params(model, 2, HIDDEN, 1, weights_rng)
    seen = []  # the sum of each batch's targets, a fingerprint of the batches

    def make_batch():
        xs, targets = data.adding_problem(BATCH, length, batches_rng)
        seen.append(targets.sum())
        return xs, targets

    start = time.perf_counter()
    losses = train.train(
        model, params, make_batch, train.last_step_mse, optim.Adam(LR), steps, clip=CLIP, progress=False
    )
    seconds = time.perf_counter() - start
    held_out = data.adding_problem(EVAL_BATCH, length, np.random.default_rng(10_000 + seed))
    return losses, train.evaluate(model, params, held_out, train.last_step_mse), seconds, float(np.sum(seen))


def run_all(lengths, seeds, steps):
    """Every (model, length, seed); returns the arrays saved to the results file."""
    shape = (len(MODELS), len(lengths), seeds)
    losses = np.empty((*shape, steps))
    evaluation, seconds, batch_sums = np.empty(shape), np.empty(shape), np.empty(shape)
    runs = [(m, t, s) for m in range(len(MODELS)) for t in range(len(lengths)) for s in range(seeds)]
    for m, t, s in tqdm(runs, desc="runs"):
        model = list(MODELS.values())[m]
        losses[m, t, s], evaluation[m, t, s], seconds[m, t, s], batch_sums[m, t, s] = run_one(
            model, steps, lengths[t], s
        )
    if not np.all(batch_sums == batch_sums[0]):
        raise AssertionError("the models did not train on the same batches")
    return {"losses": losses, "evaluation": evaluation, "seconds": seconds, "batch_sums": batch_sums}


def solved_at(losses):
    """The first step at which the mean loss over the previous WINDOW steps is
    below SOLVED, or -1 if it never is."""
    smoothed = np.convolve(losses, np.ones(WINDOW) / WINDOW, mode="valid")
    below = np.flatnonzero(smoothed < SOLVED)
    return int(below[0]) + WINDOW if below.size else -1


def summary(results, lengths):
    """The table printed at the end: one row per model and length."""
    lines = [
        f"{'model':5} {'T':>4}  {'eval MSE per seed':<58} {'max':>6} {'end':>6} "
        f"{'solved':>7} {'at step':>8} {'s/run':>6}",
    ]
    for m, name in enumerate(MODELS):
        for t, length in enumerate(lengths):
            evaluation = results["evaluation"][m, t]
            ends = results["losses"][m, t, :, -WINDOW:].mean(axis=-1)
            steps = [solved_at(curve) for curve in results["losses"][m, t]]
            reached = [s for s in steps if s >= 0]
            per_seed = " ".join(f"{e:.4f}" for e in evaluation)
            at = f"{int(np.median(reached))}" if len(reached) == len(steps) else "-"
            lines.append(
                f"{name:5} {length:4d}  {per_seed:<58} {evaluation.max():6.4f} {ends.mean():6.4f} "
                f"{len(reached):3d}/{len(steps):<3d} {at:>8} {results['seconds'][m, t].mean():6.2f}"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the notebook's short version")
    parser.add_argument("--seeds", type=int, help="number of seeds (0, 1, ...)")
    parser.add_argument("--steps", type=int, help="training steps per run")
    args = parser.parse_args()
    config = dict(QUICK if args.quick else FULL)
    config["seeds"] = args.seeds or config["seeds"]
    config["steps"] = args.steps or config["steps"]
    lengths = config["lengths"]
    print(
        f"adding problem: H = {HIDDEN}, batch {BATCH}, Adam(lr={LR}), clip {CLIP}, {config['steps']} steps, "
        f"seeds 0-{config['seeds'] - 1}, T = {', '.join(map(str, lengths))}"
    )
    start = time.perf_counter()
    results = run_all(lengths, config["seeds"], config["steps"])
    wall = time.perf_counter() - start
    out = config["out"]
    out.parent.mkdir(exist_ok=True)
    np.savez_compressed(
        out,
        **{**results, "losses": results["losses"].astype(np.float32)},
        models=np.array(list(MODELS)),
        lengths=np.array(lengths),
        seeds=np.arange(config["seeds"]),
        hidden=HIDDEN,
        batch=BATCH,
        lr=LR,
        clip=CLIP,
        steps=config["steps"],
        eval_batch=EVAL_BATCH,
    )
    print(summary(results, lengths))
    print(
        f"\neval MSE: on {EVAL_BATCH} fresh sequences after training (baseline {BASELINE:.3f}). "
        f"end: training loss over the last {WINDOW} steps, mean over seeds.\n"
        f"solved: seeds whose {WINDOW}-step mean training loss fell below {SOLVED}; at step: "
        f"the median step when it did (all seeds).\n"
        f"Total {wall:.0f} s; saved {out}"
    )


if __name__ == "__main__":
    main()
