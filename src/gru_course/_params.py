"""Helpers shared by the models' parameter functions (not public API)."""

import numpy as np

from . import _checks


def uniform_init(shapes_for, sizes, fan_in, rng, dtype):
    """Every parameter uniform in ±1/√n, n = ``sizes[fan_in]`` (PyTorch's default
    for RNN, GRU and Linear layers).

    sizes: {argument name: size}, in the order ``shapes_for`` takes them.
    """
    sizes = {name: _checks.positive_int(name, size) for name, size in sizes.items()}
    rng = _checks.generator("rng", rng)
    dtype = _checks.float_dtype("dtype", dtype)
    bound = 1 / np.sqrt(sizes[fan_in])
    return {
        key: rng.uniform(-bound, bound, size=shape).astype(dtype)
        for key, (shape, _) in shapes_for(*sizes.values()).items()
    }


def pytorch_layer(gates, weight_ih, weight_hh, bias_ih, bias_hh):
    """Validate (and copy) a PyTorch layer's four arrays, with ``gates``
    blocks of H rows each. Returns them as float arrays of one dtype."""
    rows = "H" if gates == 1 else f"{gates}H"
    weight_hh = _checks.float_array("weight_hh", np.array(weight_hh), (rows, "H"))
    hidden = weight_hh.shape[1]
    _checks.expect_shape("weight_hh", weight_hh, (gates * hidden, hidden), (rows, "H"))
    weight_ih = _checks.float_array("weight_ih", np.array(weight_ih), (rows, "D"))
    _checks.expect_shape("weight_ih", weight_ih, (gates * hidden, weight_ih.shape[1]), (rows, "D"))
    arrays = [weight_ih, weight_hh]
    for name, bias in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
        bias = _checks.float_array(name, np.array(bias), (rows,))
        _checks.expect_shape(name, bias, (gates * hidden,), (rows,))
        arrays.append(bias)
    for name, array in zip(("weight_ih", "bias_ih", "bias_hh"), arrays[::2] + arrays[3:], strict=True):
        _checks.same_dtype(name, array, "weight_hh", weight_hh)
    return arrays
