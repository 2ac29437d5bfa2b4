"""Make the stored reference of the chapter "Check yourself against PyTorch".

Runs one small ``torch.nn.GRU`` forward and backward in float64 and saves every
input, output and gradient to ``src/gru_course/reference_data/pytorch_gru.npz``,
so that the chapter can compare ``gru_course`` with PyTorch without needing
torch. Run it once, by hand, wherever torch is installed (torch is not a
requirement of the course):

    python book/data/make_pytorch_reference.py

The arrays saved (shapes with T = 5 steps, B = 2 examples, D = 3, H = 4):

    weight_ih_l0 (3H, D), weight_hh_l0 (3H, H), bias_ih_l0 (3H,), bias_hh_l0 (3H,)
        the layer's parameters, rows in PyTorch's gate order r, z, n;
    xs (T, B, D), h0 (1, B, H)   the input sequence and the initial state;
    dout (T, B, H)               a fixed upstream gradient: the loss is (out * dout).sum();
    out (T, B, H)                the layer's states h_1 ... h_T;
    grad_xs, grad_h0             the gradients of the loss with respect to xs and h0;
    grad_weight_ih_l0, ...       the gradients of the four parameter arrays;
    torch_version                the version of torch that made the file (a string).
"""

from pathlib import Path

import numpy as np
import torch

SEED = 0
STEPS, BATCH, INPUTS, HIDDEN = 5, 2, 3, 4
PARAMETERS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "gru_course" / "reference_data" / "pytorch_gru.npz"


def main():
    torch.manual_seed(SEED)
    layer = torch.nn.GRU(input_size=INPUTS, hidden_size=HIDDEN).double()  # float64 throughout
    xs = torch.randn(STEPS, BATCH, INPUTS, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64, requires_grad=True)
    dout = torch.randn(STEPS, BATCH, HIDDEN, dtype=torch.float64)

    out, _ = layer(xs, h0)
    (out * dout).sum().backward()  # so that ∂loss/∂out = dout

    arrays = {name: getattr(layer, name).detach().numpy() for name in PARAMETERS}
    arrays.update(xs=xs.detach().numpy(), h0=h0.detach().numpy(), dout=dout.numpy())
    arrays.update(out=out.detach().numpy(), grad_xs=xs.grad.numpy(), grad_h0=h0.grad.numpy())
    arrays.update({f"grad_{name}": getattr(layer, name).grad.numpy() for name in PARAMETERS})
    np.savez_compressed(OUTPUT, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
