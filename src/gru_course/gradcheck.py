"""Gradient checking with centered finite differences.

A backward pass is trusted only once it agrees with

    ∂f/∂θ_i ≈ (f(θ + ε e_i) - f(θ - ε e_i)) / (2ε),

whose error is O(ε²). In float64 with ε = 1e-6 the agreement is typically
1e-9 or better; a wrong derivative shows up as an error of order 1.
Use float64: in float32, rounding alone gives errors near 1e-3.
"""

from dataclasses import dataclass, field

import numpy as np

from . import _checks


def numerical_gradient(f, arrays, eps=1e-6):
    """Centered finite-difference gradient of a scalar function of named arrays.

    f:      callable taking a dict {name: array} and returning a scalar.
    arrays: dict {name: float array}; each entry is perturbed in turn on a copy.
    eps:    the step ε.

    Returns a dict {name: array} of the same shapes: the estimate of ∂f/∂array.
    """
    arrays = _named_float_arrays("arrays", arrays)
    if not callable(f):
        raise TypeError(f"f must be a callable taking a dict of arrays; got {type(f).__name__}")
    if not (isinstance(eps, float | int) and eps > 0):
        raise ValueError(f"eps must be a positive number; got {eps!r}")
    point = {name: array.copy() for name, array in arrays.items()}
    gradient = {}
    for name, array in point.items():
        grad = np.zeros_like(array)
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = float(f(point))
            flat[i] = original - eps
            minus = float(f(point))
            flat[i] = original
            flat_grad[i] = (plus - minus) / (2 * eps)
        gradient[name] = grad
    return gradient


def relative_error(a, b):
    """Relative error max|a - b| / max(1e-8, max(|a| + |b|)) between two arrays.

    The denominator is the scale of the whole array, not of each entry, so an
    entry that is zero in both is no trouble, and a tiny entry computed with a
    little finite-difference noise does not dominate.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


@dataclass
class GradcheckReport:
    """The outcome of :func:`gradcheck`, printable as a table.

    errors:      {name: relative error} for every checked array.
    worst:       the name with the largest error.
    worst_index: the index in that array where analytic and numeric differ most.
    tol:         the threshold; ``passed`` is True when every error is ≤ tol.
    """

    errors: dict
    worst: str
    worst_index: tuple
    tol: float
    analytic: dict = field(repr=False)
    numeric: dict = field(repr=False)

    @property
    def passed(self):
        return all(error <= self.tol for error in self.errors.values())

    def __str__(self):
        width = max(len(name) for name in self.errors)
        lines = [f"{'array':<{width}}  relative error"]
        for name, error in self.errors.items():
            flag = "ok" if error <= self.tol else "FAIL"
            lines.append(f"{name:<{width}}  {error:.1e}  {flag}")
        i = self.worst_index
        lines.append(
            f"worst: {self.worst}{list(i)}: analytic {self.analytic[self.worst][i]:.6g}, "
            f"numeric {self.numeric[self.worst][i]:.6g} "
            f"({'passed' if self.passed else 'FAILED'} at tol {self.tol:.0e})"
        )
        return "\n".join(lines)


def gradcheck(f, arrays, grads, eps=1e-6, tol=1e-7):
    """Compare analytic gradients with centered finite differences.

    f:      callable taking a dict {name: array} and returning the scalar loss.
    arrays: dict {name: float64 array}, the point at which to check.
    grads:  dict {name: array}, the analytic ∂f/∂array for every name in arrays.

    Returns a :class:`GradcheckReport`; ``report.passed`` says whether every
    relative error is at most ``tol``, and ``print(report)`` names the worst
    array and index.
    """
    arrays = _named_float_arrays("arrays", arrays)
    grads = _named_float_arrays("grads", grads)
    for name, array in arrays.items():
        if name not in grads:
            raise ValueError(f"grads is missing {name!r}; it has {sorted(grads)}")
        if grads[name].shape != array.shape:
            raise ValueError(
                f"grads[{name!r}] must have the shape of arrays[{name!r}], {array.shape}; got {grads[name].shape}"
            )
    numeric = numerical_gradient(f, arrays, eps)
    errors = {name: relative_error(grads[name], numeric[name]) for name in arrays}
    worst = max(errors, key=errors.get)
    gap = np.abs(grads[worst] - numeric[worst])
    worst_index = tuple(int(i) for i in np.unravel_index(np.argmax(gap), gap.shape)) if gap.size else ()
    analytic = {name: grads[name] for name in arrays}
    return GradcheckReport(errors, worst, worst_index, tol, analytic, numeric)


def _named_float_arrays(name, arrays):
    if not isinstance(arrays, dict) or not arrays:
        raise TypeError(f"{name} must be a non-empty dict of named arrays; got {type(arrays).__name__}")
    return {key: _checks.float_array(f"{name}[{key!r}]", value) for key, value in arrays.items()}


def expect_match(name, analytic, numeric, tol=1e-7):
    """Assert that an analytic gradient equals its finite-difference estimate.

    name:     what is compared, for the message (e.g. "∂L/∂o(t)").
    analytic, numeric: arrays of one shape.

    Returns a one-line verdict (for printing) when the relative error is at
    most ``tol``; raises ``AssertionError`` naming the error otherwise. The
    verdict shows the tolerance, not the error's digits, which vary by machine.
    """
    error = relative_error(analytic, numeric)
    if not error <= tol:
        raise AssertionError(f"{name}: relative error {error:.2e} exceeds {tol:.0e}")
    return f"{name}: matches finite differences (relative error < {tol:.0e}) ✓"
