"""Time gru_course's GRU (forward + backward) against ``torch.nn.GRU`` on the CPU.

Run with ``python benchmarks/bench_gru.py`` (or ``make bench``). Both sides
compute the same thing: the states of a one-layer GRU over a sequence, then the
gradients of ``loss = sum(out * dout)`` with respect to the inputs, the initial
state and every weight and bias. Both get the same weights, and before timing
the script checks that their outputs and gradients agree, so the comparison is
like with like. gru_course runs with ``variant="reset_after"``, torch's math.

How the timing works, and why. On a machine with few cores, numpy's BLAS
threads keep spinning for a while after a matrix product returns, and they
slow down whatever runs next. Strictly alternating single runs (numpy, torch,
numpy, ...) would hand every torch run a busy machine and make numpy look
about twice as good as it is. Instead we time *blocks*: a block is several
back-to-back runs of one implementation, of which we keep the best. Blocks of
the two alternate, each pair gives a ratio, and we report the median ratio.

Without PyTorch installed, the script says so, times gru_course alone and
exits normally.
"""

import statistics
import time

import numpy as np

from gru_course import gru
from gru_course.gradcheck import relative_error

try:
    import torch
except ImportError:  # the comparison is optional
    torch = None

# (name, T, B, D, H, dtype, target for the time ratio gru_course / torch)
CASES = (
    ("T=100 B=32 D=64 H=128", 100, 32, 64, 128, np.float64, 1.0),
    ("T=100 B=32 D=64 H=128", 100, 32, 64, 128, np.float32, 0.8),
    ("T=200 B=1 D=32 H=64", 200, 1, 32, 64, np.float64, 0.5),
    ("T=200 B=1 D=32 H=64", 200, 1, 32, 64, np.float32, 0.5),
)
TOLERANCE = {np.float64: 1e-10, np.float32: 1e-4}  # on the relative error of every output
RUNS_PER_BLOCK = 7  # runs of one implementation in a row; the best one counts
BLOCKS = 11  # pairs of blocks (gru_course, torch); the median ratio is reported
SEED = 0


def timed(fn):
    """Seconds taken by one call of ``fn()``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of_block(fn, runs=RUNS_PER_BLOCK):
    """The shortest of ``runs`` back-to-back calls of ``fn``: one block."""
    return min(timed(fn) for _ in range(runs))


def make_inputs(steps, batch, inputs, hidden, dtype):
    """Random xs (T, B, D), h0 (B, H) and upstream gradient dout (T, B, H)."""
    rng = np.random.default_rng(SEED)
    xs = rng.standard_normal((steps, batch, inputs)).astype(dtype)
    h0 = rng.standard_normal((batch, hidden)).astype(dtype)
    dout = rng.standard_normal((steps, batch, hidden)).astype(dtype)
    return xs, h0, dout


def ours_step(xs, h0, params, dout):
    """gru_course forward and backward; returns (out, dxs, dh0, grads)."""
    hs, cache = gru.forward(xs, h0, params, variant="reset_after")
    dxs, dh0, grads = gru.backward(dout, cache)
    return hs, dxs, dh0, grads


def make_torch_gru(inputs, hidden, dtype):
    """A one-layer ``torch.nn.GRU`` of the given sizes and dtype, seeded weights."""
    torch.manual_seed(SEED)
    layer = torch.nn.GRU(inputs, hidden, num_layers=1, batch_first=False)
    return layer.to(torch.float64 if dtype == np.float64 else torch.float32)


def torch_weights(layer):
    """The layer's four arrays, in the order ``params_from_pytorch`` takes them."""
    return layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0


def torch_tensors(xs, h0, dout):
    """Torch copies of the inputs: x (T, B, D) and h0 (1, B, H) require grad."""
    x = torch.from_numpy(xs.copy()).requires_grad_(True)
    h = torch.from_numpy(h0[None].copy()).requires_grad_(True)
    return x, h, torch.from_numpy(dout.copy())


def torch_step(layer, x, h0, dout):
    """torch forward and backward; returns (out, dx, dh0, *weight grads) as tensors.

    The gradients are reset first, as ``optimizer.zero_grad()`` does, so that
    every run computes them afresh instead of adding to the last run's.
    """
    leaves = (x, h0, *torch_weights(layer))
    for leaf in leaves:
        leaf.grad = None
    out, _ = layer(x, h0)
    (out * dout).sum().backward()
    return (out, *(leaf.grad for leaf in leaves))


def check_agreement(ours, theirs, dtype):
    """Assert that every output and gradient agrees; return the worst relative error."""
    out, dxs, dh0, grads = ours
    t_out, t_dx, t_dh0, *t_weight_grads = (tensor.detach().numpy() for tensor in theirs)
    t_grads = gru.params_from_pytorch(*t_weight_grads)
    pairs = {"out": (out, t_out), "dxs": (dxs, t_dx), "dh0": (dh0, t_dh0[0])}
    pairs.update({f"d{key}": (grads[key], t_grads[key]) for key in grads})
    errors = {name: relative_error(a, b) for name, (a, b) in pairs.items()}
    worst = max(errors, key=errors.get)
    message = f"{worst} differs from torch: relative error {errors[worst]:.1e}"
    assert errors[worst] <= TOLERANCE[dtype], message
    return errors[worst]


def compare(ours_fn, torch_fn):
    """Alternate blocks of the two; return (median ours s, median torch s, median ratio)."""
    ours_fn(), torch_fn()  # warm-up: allocations, thread pools, caches
    ours_times, torch_times = [], []
    for _ in range(BLOCKS):
        ours_times.append(best_of_block(ours_fn))
        torch_times.append(best_of_block(torch_fn))
    ratios = [a / b for a, b in zip(ours_times, torch_times, strict=True)]
    return statistics.median(ours_times), statistics.median(torch_times), statistics.median(ratios)


def bench_case(steps, batch, inputs, hidden, dtype):
    """Check agreement with torch, then time both: (ours s, torch s, ratio, error)."""
    xs, h0, dout = make_inputs(steps, batch, inputs, hidden, dtype)
    layer = make_torch_gru(inputs, hidden, dtype)
    params = gru.params_from_pytorch(*(w.detach().numpy() for w in torch_weights(layer)))
    x_t, h0_t, dout_t = torch_tensors(xs, h0, dout)

    def run_ours():
        return ours_step(xs, h0, params, dout)

    def run_torch():
        return torch_step(layer, x_t, h0_t, dout_t)

    error = check_agreement(run_ours(), run_torch(), dtype)
    ours, theirs, ratio = compare(run_ours, run_torch)
    return ours, theirs, ratio, error


def bench_case_alone(steps, batch, inputs, hidden, dtype):
    """Time gru_course only (no torch): the median over blocks, in seconds."""
    xs, h0, dout = make_inputs(steps, batch, inputs, hidden, dtype)
    params = gru.init_params(inputs, hidden, np.random.default_rng(SEED), dtype)

    def run_ours():
        return ours_step(xs, h0, params, dout)

    run_ours()  # warm-up
    return statistics.median(best_of_block(run_ours) for _ in range(BLOCKS))


def main():
    """Run every case and print the table."""
    dtype_name = {np.float64: "float64", np.float32: "float32"}
    if torch is None:
        print("PyTorch is not installed: skipping the comparison with torch.nn.GRU.")
        print("(Install it, e.g. the CPU wheel of torch, to compare.) Timing gru_course alone.\n")
        print(f"{'case':<24}{'dtype':<9}{'gru_course':>12}")
        for name, steps, batch, inputs, hidden, dtype, _ in CASES:
            seconds = bench_case_alone(steps, batch, inputs, hidden, dtype)
            print(f"{name:<24}{dtype_name[dtype]:<9}{seconds * 1e3:>9.2f} ms")
        return
    print(
        f"gru_course (numpy {np.__version__}) vs torch.nn.GRU (torch {torch.__version__}, "
        f"CPU, {torch.get_num_threads()} threads): forward + backward"
    )
    print(f"median of {BLOCKS} blocks per side, each the best of {RUNS_PER_BLOCK} runs\n")
    header = f"{'case':<24}{'dtype':<9}{'gru_course':>12}{'torch':>12}{'ratio':>8}{'target':>9}"
    print(header + f"{'max rel err':>18}")
    for name, steps, batch, inputs, hidden, dtype, target in CASES:
        ours, theirs, ratio, error = bench_case(steps, batch, inputs, hidden, dtype)
        verdict = "ok" if ratio <= target else "MISSED"
        print(
            f"{name:<24}{dtype_name[dtype]:<9}{ours * 1e3:>9.2f} ms{theirs * 1e3:>9.2f} ms"
            f"{ratio:>8.2f}{'<= ' + format(target, '.1f'):>9} {verdict:<7}{error:>10.1e}"
        )


if __name__ == "__main__":
    main()
