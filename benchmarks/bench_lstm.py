"""Time gru_course's LSTM (forward + backward) against ``torch.nn.LSTM`` on the CPU.

Run with ``python benchmarks/bench_lstm.py`` (or ``make bench``). The method is
that of ``bench_gru.py``, whose helpers this script uses: both sides compute
the states of a one-layer LSTM over a sequence, then the gradients of
``loss = sum(out * dout)`` with respect to the inputs, both initial states and
every weight and bias, from the same weights; their agreement is checked
before timing; blocks of runs of each side alternate and the median ratio of
the blocks' best times is reported (see ``bench_gru.py`` for why).

Without PyTorch installed, the script says so, times gru_course alone and
exits normally.
"""

import statistics

import numpy as np

from bench_gru import (
    BLOCKS,
    RUNS_PER_BLOCK,
    SEED,
    TOLERANCE,
    best_of_block,
    compare,
    make_inputs,
    torch,
    torch_tensors,
    torch_weights,
)
from gru_course import lstm
from gru_course.gradcheck import relative_error

# (name, T, B, D, H, dtype, target for the time ratio gru_course / torch or None).
# In float32, torch.nn.LSTM runs oneDNN's fused LSTM kernel (torch.nn.GRU has
# none): those rows are for information, without a target.
CASES = (
    ("T=100 B=32 D=64 H=128", 100, 32, 64, 128, np.float64, 1.0),
    ("T=100 B=32 D=64 H=128", 100, 32, 64, 128, np.float32, None),
    ("T=200 B=1 D=32 H=64", 200, 1, 32, 64, np.float64, 1.0),
    ("T=200 B=1 D=32 H=64", 200, 1, 32, 64, np.float32, None),
)
DTYPE_NAME = {np.float64: "float64", np.float32: "float32"}


def make_c0(batch, hidden, dtype):
    """A random initial cell state c0 (B, H), seeded apart from the other inputs."""
    return np.random.default_rng(SEED + 1).standard_normal((batch, hidden)).astype(dtype)


def ours_step(xs, h0, c0, params, dout):
    """gru_course forward and backward; returns (out, dxs, dh0, dc0, grads)."""
    hs, cache = lstm.forward(xs, h0, c0, params)
    return hs, *lstm.backward(dout, cache)


def make_torch_lstm(inputs, hidden, dtype):
    """A one-layer ``torch.nn.LSTM`` of the given sizes and dtype, seeded weights."""
    torch.manual_seed(SEED)
    layer = torch.nn.LSTM(inputs, hidden, num_layers=1, batch_first=False)
    return layer.to(torch.float64 if dtype == np.float64 else torch.float32)


def torch_step(layer, x, h0, c0, dout):
    """torch forward and backward; returns (out, dx, dh0, dc0, *weight grads).

    The gradients are reset first, as ``optimizer.zero_grad()`` does.
    """
    leaves = (x, h0, c0, *torch_weights(layer))
    for leaf in leaves:
        leaf.grad = None
    out, _ = layer(x, (h0, c0))
    (out * dout).sum().backward()
    return (out, *(leaf.grad for leaf in leaves))


def check_agreement(ours, theirs, dtype):
    """Assert that every output and gradient agrees; return the worst relative error."""
    out, dxs, dh0, dc0, grads = ours
    t_out, t_dx, t_dh0, t_dc0, *t_weight_grads = (tensor.detach().numpy() for tensor in theirs)
    t_grads = lstm.params_from_pytorch(*t_weight_grads)
    pairs = {"out": (out, t_out), "dxs": (dxs, t_dx), "dh0": (dh0, t_dh0[0]), "dc0": (dc0, t_dc0[0])}
    pairs.update({f"d{key}": (grads[key], t_grads[key]) for key in grads})
    errors = {name: relative_error(a, b) for name, (a, b) in pairs.items()}
    worst = max(errors, key=errors.get)
    assert errors[worst] <= TOLERANCE[dtype], f"{worst} differs from torch: relative error {errors[worst]:.1e}"
    return errors[worst]


def bench_case(steps, batch, inputs, hidden, dtype):
    """Check agreement with torch, then time both: (ours s, torch s, ratio, error)."""
    xs, h0, dout = make_inputs(steps, batch, inputs, hidden, dtype)
    c0 = make_c0(batch, hidden, dtype)
    layer = make_torch_lstm(inputs, hidden, dtype)
    params = lstm.params_from_pytorch(*(w.detach().numpy() for w in torch_weights(layer)))
    x_t, h0_t, dout_t = torch_tensors(xs, h0, dout)
    c0_t = torch.from_numpy(c0[None].copy()).requires_grad_(True)

    def run_ours():
        return ours_step(xs, h0, c0, params, dout)

    def run_torch():
        return torch_step(layer, x_t, h0_t, c0_t, dout_t)

    error = check_agreement(run_ours(), run_torch(), dtype)
    return (*compare(run_ours, run_torch), error)


def bench_case_alone(steps, batch, inputs, hidden, dtype):
    """Time gru_course only (no torch): the median over blocks, in seconds."""
    xs, h0, dout = make_inputs(steps, batch, inputs, hidden, dtype)
    c0 = make_c0(batch, hidden, dtype)
    params = lstm.init_params(inputs, hidden, np.random.default_rng(SEED), dtype)

    def run_ours():
        return ours_step(xs, h0, c0, params, dout)

    run_ours()  # warm-up
    return statistics.median(best_of_block(run_ours) for _ in range(BLOCKS))


def main():
    """Run every case and print the table; without torch, gru_course's times alone."""
    columns = f"{'case':<24}{'dtype':<9}{'gru_course':>12}"
    if torch is None:
        print("PyTorch is not installed: skipping the comparison with torch.nn.LSTM. Timing gru_course alone.\n")
    else:
        print(
            f"gru_course (numpy {np.__version__}) vs torch.nn.LSTM (torch {torch.__version__}, "
            f"CPU, {torch.get_num_threads()} threads): forward + backward\n"
            f"median of {BLOCKS} blocks per side, each the best of {RUNS_PER_BLOCK} runs\n"
        )
        columns += f"{'torch':>12}{'ratio':>8}{'target':>9}{'max rel err':>18}"
    print(columns)
    for name, *sizes, target in CASES:
        row = f"{name:<24}{DTYPE_NAME[sizes[-1]]:<9}"
        if torch is None:
            print(row + f"{bench_case_alone(*sizes) * 1e3:>9.2f} ms")
            continue
        ours, theirs, ratio, error = bench_case(*sizes)
        bound, verdict = ("-", "") if target is None else (f"<= {target:.1f}", "ok" if ratio <= target else "MISSED")
        print(row + f"{ours * 1e3:>9.2f} ms{theirs * 1e3:>9.2f} ms{ratio:>8.2f}{bound:>9} {verdict:<7}{error:>10.1e}")


if __name__ == "__main__":
    main()
