"""A tape: reverse-mode automatic differentiation on numpy arrays.

Every operation computes its result *and* records, next to it, how to send a
gradient back to its operands (its local backward), as in micrograd. The tape
keeps the operations in the order they ran; :meth:`Tape.backward` replays them
in reverse, each one adding (``+=``) its contribution to its operands'
gradients, so a value used twice automatically receives the sum of two
gradients.

Arrays are batch-major, as in the rest of the package: a vector quantity of
the book is a (B, n) array whose rows are examples, and ``matmul(W, v)``
computes W v for every row, ``v @ W.T``.

Example::

    tape = Tape()
    x = tape.input(x_array, "x")
    W, b = tape.input(W_array, "W"), tape.input(b_array, "b")
    y = tape.tanh(tape.matmul(W, x, b), name="y")
    loss = tape.sum(y, name="L")
    tape.backward(loss)
    W.grad  # ∂L/∂W, the shape of W
"""

import numpy as np

from . import _checks, losses
from .activations import _sigmoid


class Value:
    """One array on the tape: its ``data``, its ``grad`` (∂L/∂data after
    :meth:`Tape.backward`), a ``name``, and the operation that produced it."""

    def __init__(self, data, name, op, operands):
        self.data = data
        self.grad = np.zeros_like(data)
        self.name = name
        self.op = op
        self.operands = operands
        self.backward_step = None  # set by the operation: adds to the operands' grads

    def __repr__(self):
        return f"Value({self.name}, shape {self.data.shape})"


class Tape:
    """Records operations on :class:`Value` objects and differentiates them."""

    def __init__(self):
        self.values = []
        self._recorded = set()  # ids of the values on this tape

    # -- recording ---------------------------------------------------------

    def input(self, data, name):
        """A leaf: an input or a parameter. Its ``grad`` is filled by backward."""
        data = _checks.float_array(name, data)
        return self.record(data.copy(), name, "input", ())

    def record(self, data, name, op, operands):
        """Append a new Value to the tape. An operation calls this with its result,
        then sets the Value's ``backward_step``: a function of no arguments that
        adds the Value's ``grad`` times the local derivatives to its operands' grads."""
        if name is None:
            name = f"v{len(self.values) + 1}"
        value = Value(data, name, op, operands)
        self.values.append(value)
        self._recorded.add(id(value))
        return value

    def _operands(self, *values):
        for value in values:
            if not isinstance(value, Value) or id(value) not in self._recorded:
                raise TypeError(f"operands must be Values recorded on this tape; got {value!r}")

    # -- the operations, each with its local backward ----------------------

    def matmul(self, weight, v, bias=None, name=None):
        """W v (+ b) for every row of v: ``v @ W.T (+ b)``. W (m, n), v (B, n), b (m,)."""
        self._operands(weight, v, *(() if bias is None else (bias,)))
        if v.data.shape[-1] != weight.data.shape[1]:
            raise ValueError(
                f"matmul({weight.name}, {v.name}): {weight.name} is {weight.data.shape} but "
                f"{v.name} has {v.data.shape[-1]} columns; expected {weight.data.shape[1]}"
            )
        data = v.data @ weight.data.T
        operands = (weight, v) if bias is None else (weight, v, bias)
        if bias is not None:
            data = data + bias.data
        out = self.record(data, name, "matmul", operands)

        def backward_step():
            weight.grad += out.grad.T @ v.data  # ∂L/∂W = Σ_rows ∂L/∂out vᵀ
            v.grad += out.grad @ weight.data  # ∂L/∂v = Wᵀ ∂L/∂out
            if bias is not None:
                bias.grad += out.grad.sum(axis=0)  # the bias is added to every row

        out.backward_step = backward_step
        return out

    def add(self, a, b, name=None):
        """a + b, elementwise (a bias of shape (n,) broadcasts over the rows)."""
        self._operands(a, b)
        out = self.record(a.data + b.data, name, "add", (a, b))

        def backward_step():
            a.grad += _unbroadcast(out.grad, a.data.shape)
            b.grad += _unbroadcast(out.grad, b.data.shape)

        out.backward_step = backward_step
        return out

    def subtract(self, a, b, name=None):
        """a - b, elementwise."""
        self._operands(a, b)
        out = self.record(a.data - b.data, name, "subtract", (a, b))

        def backward_step():
            a.grad += _unbroadcast(out.grad, a.data.shape)
            b.grad -= _unbroadcast(out.grad, b.data.shape)

        out.backward_step = backward_step
        return out

    def one_minus(self, a, name=None):
        """1 - a, elementwise."""
        self._operands(a)
        out = self.record(1 - a.data, name, "one_minus", (a,))

        def backward_step():
            a.grad -= out.grad

        out.backward_step = backward_step
        return out

    def multiply(self, a, b, name=None):
        """a ∘ b, the elementwise (Hadamard) product."""
        self._operands(a, b)
        out = self.record(a.data * b.data, name, "multiply", (a, b))

        def backward_step():
            a.grad += _unbroadcast(out.grad * b.data, a.data.shape)  # ∂(a∘b)/∂a = b
            b.grad += _unbroadcast(out.grad * a.data, b.data.shape)

        out.backward_step = backward_step
        return out

    def sigmoid(self, a, name=None):
        """σ(a), elementwise."""
        self._operands(a)
        out = self.record(_sigmoid(a.data), name, "sigmoid", (a,))

        def backward_step():
            a.grad += out.grad * out.data * (1 - out.data)  # σ' = σ (1 - σ)

        out.backward_step = backward_step
        return out

    def tanh(self, a, name=None):
        """tanh(a), elementwise."""
        self._operands(a)
        out = self.record(np.tanh(a.data), name, "tanh", (a,))

        def backward_step():
            a.grad += out.grad * (1 - out.data**2)  # tanh' = 1 - tanh²

        out.backward_step = backward_step
        return out

    def sum(self, a, name=None):
        """The sum of all entries of a: a scalar."""
        self._operands(a)
        out = self.record(np.sum(a.data), name, "sum", (a,))

        def backward_step():
            a.grad += out.grad  # every entry contributes with slope 1

        out.backward_step = backward_step
        return out

    def softmax_cross_entropy(self, logits, targets, name=None):
        """Scalar cross-entropy of softmax(logits) against integer targets,
        averaged over the batch (see :func:`gru_course.losses.softmax_cross_entropy`)."""
        self._operands(logits)
        loss, dlogits = losses.softmax_cross_entropy(logits.data, targets)
        out = self.record(np.asarray(loss), name, "softmax_cross_entropy", (logits,))

        def backward_step():
            logits.grad += out.grad * dlogits

        out.backward_step = backward_step
        return out

    def l2(self, predictions, targets, name=None):
        """Scalar ½‖p - y‖², averaged over the batch (see :func:`gru_course.losses.l2_loss`)."""
        self._operands(predictions)
        loss, dpredictions = losses.l2_loss(predictions.data, targets)
        out = self.record(np.asarray(loss), name, "l2", (predictions,))

        def backward_step():
            predictions.grad += out.grad * dpredictions

        out.backward_step = backward_step
        return out

    # -- differentiation ----------------------------------------------------

    def backward(self, loss):
        """Fill every value's ``grad`` with ∂loss/∂value.

        loss: a scalar Value recorded on this tape. Gradients are reset first,
        so backward may be called again after more operations are recorded.
        """
        self._operands(loss)
        if loss.data.shape != ():
            raise ValueError(f"loss must be a scalar Value; {loss.name} has shape {loss.data.shape}")
        for value in self.values:
            value.grad = np.zeros_like(value.data)
        loss.grad = np.ones_like(loss.data)
        for value in reversed(self.values[: self.values.index(loss) + 1]):
            if value.backward_step is not None:
                value.backward_step()

    def __str__(self):
        """The recorded operations, one per line, in the order they ran."""
        lines = []
        for value in self.values:
            if value.op == "input":
                continue
            args = ", ".join(operand.name for operand in value.operands)
            lines.append(f"{value.name} = {value.op}({args})  {value.data.shape}")
        return "\n".join(lines)


def _unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad
