"""Training throughput of the character-level GRU: gru_course against PyTorch, on the CPU.

Run with ``python benchmarks/bench_charlm.py`` (or ``make bench``). Both
sides take the same training step of the model of :mod:`gru_course.charlm`,
on the same chunk of K characters in B streams: one-hot inputs (V = 84, the
vocabulary of Moby-Dick), one GRU layer, a linear output layer, the mean
softmax cross-entropy, backward, clipping to global norm 1, one Adam step.

- gru_course: :func:`gru_course.charlm.train_step`, ``variant="reset_after"``
  (torch's GRU), Adam and clipping of :mod:`gru_course.optim`;
- torch: ``nn.GRU`` and ``nn.Linear`` on ``F.one_hot`` inputs,
  ``F.cross_entropy``, ``clip_grad_norm_``, ``torch.optim.Adam``.

Both start from the same weights, and before timing the script checks that
their losses and gradients agree, so the comparison is like with like. The
characters are random ids: the time of a step does not depend on the text.

Throughput is characters per second, B·K / (seconds per step). The timing is
bench_gru.py's (blocks of back-to-back runs of one side, the best of each
block, the median ratio over pairs of blocks), repeated ``REPEATS`` times to
show the spread; the ratio is gru_course's time over torch's (below 1:
gru_course is faster). Without PyTorch installed, the script says so and exits.
"""

import statistics

import numpy as np

from bench_gru import compare, make_torch_gru, torch, torch_weights
from gru_course import charlm, gru, optim, train
from gru_course.gradcheck import relative_error

# (name, H, B, K, dtype): the GRUs of benchmarks/train_charlm.py, its long run and the notebook's
CASES = (
    ("H=128 B=32 K=64 (long run)", 128, 32, 64, np.float32),
    ("H=64 B=32 K=64 (quick run)", 64, 32, 64, np.float32),
)
SIZE = 84  # V, the vocabulary of the training chapters of Moby-Dick
LR, CLIP = 0.005, 1.0
TOLERANCE = {np.float64: 1e-10, np.float32: 1e-4}  # on the relative error of the loss and every gradient
REPEATS = 3  # whole comparisons per case, for the spread
SEED = 0


def make_chunk(batch, steps):
    """Random (inputs, targets), each (K, B) ids, targets one step after inputs."""
    rng = np.random.default_rng(SEED)
    ids = rng.integers(0, SIZE, size=(steps + 1, batch))
    return ids[:-1], ids[1:]


def make_torch_model(hidden, dtype):
    """The torch model: a seeded ``nn.GRU`` (bench_gru's) and an ``nn.Linear`` readout."""
    layer = make_torch_gru(SIZE, hidden, dtype)
    readout = torch.nn.Linear(hidden, SIZE).to(layer.weight_hh_l0.dtype)
    return layer, readout


def params_from_torch(layer, readout, grads=False):
    """gru_course's one dict of the torch model's weights (or of their ``.grad``)."""
    arrays = [w.grad if grads else w.detach() for w in (*torch_weights(layer), readout.weight, readout.bias)]
    arrays = [a.numpy().copy() for a in arrays]
    return {**gru.params_from_pytorch(*arrays[:4]), **dict(zip(train.READOUT_KEYS, arrays[4:], strict=True))}


def torch_loss(layer, readout, inputs, targets):
    """The torch model's mean cross-entropy on one chunk, from the zero state."""
    xs = torch.nn.functional.one_hot(inputs, SIZE).to(readout.weight.dtype)
    hs, _ = layer(xs)
    scores = readout(hs)
    return torch.nn.functional.cross_entropy(scores.reshape(-1, SIZE), targets.reshape(-1))


def torch_step(layer, readout, optimizer, inputs, targets):
    """One torch training step; returns the loss."""
    optimizer.zero_grad()
    loss = torch_loss(layer, readout, inputs, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([*layer.parameters(), *readout.parameters()], CLIP)
    optimizer.step()
    return loss


def check_agreement(layer, readout, inputs, targets, dtype):
    """Assert that the loss and gradients agree; return the worst relative error."""
    params = params_from_torch(layer, readout)
    loss, grads, _ = charlm.chunk_loss(gru, params, inputs, targets, variant="reset_after")
    t_loss = torch_loss(layer, readout, torch.from_numpy(inputs), torch.from_numpy(targets))
    t_loss.backward()
    t_grads = params_from_torch(layer, readout, grads=True)
    errors = {"loss": relative_error(loss, t_loss.item())}
    errors.update({f"d{key}": relative_error(grads[key], t_grads[key]) for key in grads})
    worst = max(errors, key=errors.get)
    assert errors[worst] <= TOLERANCE[dtype], f"{worst} differs from torch: relative error {errors[worst]:.1e}"
    return errors[worst]


def bench_case(hidden, batch, steps, dtype):
    """Check agreement, then time both sides REPEATS times: (ours s, torch s, ratios, error)."""
    inputs, targets = make_chunk(batch, steps)
    layer, readout = make_torch_model(hidden, dtype)
    error = check_agreement(layer, readout, inputs, targets, dtype)
    params, ours_optimizer = params_from_torch(layer, readout), optim.Adam(LR)
    torch_optimizer = torch.optim.Adam([*layer.parameters(), *readout.parameters()], lr=LR)
    t_inputs, t_targets = torch.from_numpy(inputs), torch.from_numpy(targets)

    def run_ours():
        return charlm.train_step(gru, params, ours_optimizer, inputs, targets, clip=CLIP, variant="reset_after")

    def run_torch():
        return torch_step(layer, readout, torch_optimizer, t_inputs, t_targets)

    results = [compare(run_ours, run_torch) for _ in range(REPEATS)]
    ours, theirs, ratios = zip(*results, strict=True)
    return statistics.median(ours), statistics.median(theirs), ratios, error


def main():
    """Run every case and print the table."""
    if torch is None:
        print("PyTorch is not installed: nothing to compare with (install the CPU wheel of torch).")
        return
    print(
        f"gru_course (numpy {np.__version__}) vs torch {torch.__version__} (CPU, {torch.get_num_threads()} threads): "
        "one training step of the character-level GRU"
    )
    print(f"characters per second = B·K / step time; ratio = gru_course time / torch time, {REPEATS} repeats\n")
    header = f"{'case':<28}{'dtype':<9}{'gru_course':>13}{'torch':>13}{'ratio':>7}  {'spread':<13}"
    print(header + f"{'max rel err':>12}")
    for name, hidden, batch, steps, dtype in CASES:
        ours, theirs, ratios, error = bench_case(hidden, batch, steps, dtype)
        chars = batch * steps
        print(
            f"{name:<28}{np.dtype(dtype).name:<9}{chars / ours:>9.0f} c/s{chars / theirs:>9.0f} c/s"
            f"{statistics.median(ratios):>7.2f}  {min(ratios):.2f} to {max(ratios):.2f}{error:>12.1e}"
        )


if __name__ == "__main__":
    main()
