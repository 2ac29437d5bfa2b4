"""The tape: every primitive's local backward is checked against finite differences."""

import numpy as np
import pytest

from gru_course import gru
from gru_course.gradcheck import gradcheck
from gru_course.tape import Tape

B, M, N = 3, 4, 5


def check_primitive(build, arrays, rng):
    """Gradient-check ``build(tape, values) -> Value`` through L = Σ weights ∘ out."""
    probe = {}

    def loss(a, keep=False):
        tape = Tape()
        values = {name: tape.input(array, name) for name, array in a.items()}
        out = build(tape, values)
        if out.data.shape == ():
            total = out
        else:
            if "weights" not in probe:
                probe["weights"] = rng.normal(size=out.data.shape)
            total = tape.sum(tape.multiply(out, tape.input(probe["weights"], "probe")))
        if keep:
            tape.backward(total)
            return {name: values[name].grad for name in a}
        return float(total.data)

    loss(arrays)  # fixes the probe weights
    report = gradcheck(loss, arrays, loss(arrays, keep=True))
    assert report.passed, str(report)


PRIMITIVES = {
    "matmul": (lambda t, v: t.matmul(v["W"], v["x"]), {"W": (M, N), "x": (B, N)}),
    "matmul with bias": (
        lambda t, v: t.matmul(v["W"], v["x"], v["b"]),
        {"W": (M, N), "x": (B, N), "b": (M,)},
    ),
    "add": (lambda t, v: t.add(v["a"], v["b"]), {"a": (B, M), "b": (B, M)}),
    "add a bias": (lambda t, v: t.add(v["a"], v["b"]), {"a": (B, M), "b": (M,)}),
    "subtract": (lambda t, v: t.subtract(v["a"], v["b"]), {"a": (B, M), "b": (B, M)}),
    "one_minus": (lambda t, v: t.one_minus(v["a"]), {"a": (B, M)}),
    "multiply": (lambda t, v: t.multiply(v["a"], v["b"]), {"a": (B, M), "b": (B, M)}),
    "sigmoid": (lambda t, v: t.sigmoid(v["a"]), {"a": (B, M)}),
    "tanh": (lambda t, v: t.tanh(v["a"]), {"a": (B, M)}),
    "sum": (lambda t, v: t.sum(v["a"]), {"a": (B, M)}),
    "l2": (lambda t, v: t.l2(v["a"], np.ones((B, M))), {"a": (B, M)}),
    "softmax_cross_entropy": (
        lambda t, v: t.softmax_cross_entropy(v["a"], np.arange(B) % M),
        {"a": (B, M)},
    ),
    "a value used twice": (lambda t, v: t.multiply(v["a"], t.tanh(v["a"])), {"a": (B, M)}),
}


@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_gradients(name, rng):
    build, shapes = PRIMITIVES[name]
    arrays = {key: rng.normal(size=shape) for key, shape in shapes.items()}
    check_primitive(build, arrays, rng)


def test_printing_lists_operations_in_order(rng):
    tape = Tape()
    x, w = tape.input(rng.normal(size=(2, 3)), "x"), tape.input(rng.normal(size=(4, 3)), "W")
    y = tape.tanh(tape.matmul(w, x, name="g1"), name="y")
    tape.sum(y, name="L")
    assert str(tape).splitlines() == [
        "g1 = matmul(W, x)  (2, 4)",
        "y = tanh(g1)  (2, 4)",
        "L = sum(y)  ()",
    ]


def test_backward_resets_gradients(rng):
    tape = Tape()
    a = tape.input(rng.normal(size=(2, 2)), "a")
    loss = tape.sum(tape.multiply(a, a))
    tape.backward(loss)
    tape.backward(loss)  # a second call must not double the gradient
    assert np.allclose(a.grad, 2 * a.data)


def test_tape_rejects_foreign_values_and_bad_shapes(rng):
    tape, other = Tape(), Tape()
    a = tape.input(np.ones((2, 3)), "a")
    b = other.input(np.ones((2, 3)), "b")
    with pytest.raises(TypeError, match="operands must be Values recorded on this tape"):
        tape.add(a, b)
    w = tape.input(np.ones((4, 5)), "W")
    with pytest.raises(ValueError, match=r"matmul\(W, a\): W is \(4, 5\) but a has 3 columns; expected 5"):
        tape.matmul(w, a)
    with pytest.raises(ValueError, match="loss must be a scalar Value; a has shape"):
        tape.backward(a)
    with pytest.raises(TypeError, match="x must be a float32 or float64 array"):
        tape.input(np.ones(2, dtype=int), "x")


@pytest.mark.parametrize("variant", ["reset_before", "reset_after"])
def test_gru_step_on_the_tape_equals_the_hand_derived_backward(variant, rng):
    params = gru.init_params(3, 4, rng)
    x, h_prev, dh = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    tape = Tape()
    values = {name: tape.input(array, name) for name, array in params.items()}
    xv, hv = tape.input(x, "x"), tape.input(h_prev, "h_prev")
    h = gru.record_step(tape, xv, hv, values, variant)
    tape.backward(tape.sum(tape.multiply(h, tape.input(dh, "dh")), name="L"))
    _, cache = gru.step_forward(x, h_prev, params, variant)
    named = gru.step_backward_named(dh, cache)
    assert np.allclose(h.data, cache["h"], rtol=1e-14, atol=0)
    for value in tape.values:  # every intermediate and every parameter
        if value.name in named:
            assert np.allclose(value.grad, named[value.name], rtol=1e-12, atol=1e-15), value.name
    names = [line.split(" = ")[0] for line in str(tape).splitlines()]
    assert [n for n in names if n.startswith("g")] == [f"g{i}" for i in range(1, 13)]
