"""Checkers for the book's implementation exercises.

Each ``check_<name>(fn)`` runs a learner's function on fresh random inputs of
several shapes (B = 1 included, float64), compares every output with
``gru_course``'s own, and prints a verdict: a ✓, or which output is wrong, by
how much, and a hint. A function that raises, returns None, returns the wrong
shape or NaN gets an explanation, never a traceback from inside the checker.

A ``check_<name>`` prints and returns nothing, so a check cell shows only its
verdict; ``evaluate_<name>(fn)`` returns the :class:`Verdict` itself, for code
that wants to inspect it. For autograding (nbgrader or any runner that marks a
cell failed when it raises), set the environment variable
``GRU_COURSE_GRADING=1``: a failed check then raises :class:`ExerciseFailed`
after printing its explanation.
"""

import os
import traceback
from dataclasses import dataclass, field

import numpy as np

from . import analysis, gru, losses, rnn
from .gradcheck import relative_error
from .tape import Tape, Value

TOLERANCE = 1e-8
NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code"


class ExerciseFailed(AssertionError):
    """Raised by a failed check when ``GRU_COURSE_GRADING`` is set."""


@dataclass
class Verdict:
    """The outcome of a check: ``passed`` and the explanation ``lines``."""

    exercise: str
    passed: bool = True
    lines: list = field(default_factory=list)

    def fail(self, message):
        self.passed = False
        self.lines.append(message)
        return self

    def __str__(self):
        if self.passed:
            return f"✓ {self.exercise}: " + (self.lines[0] if self.lines else "correct")
        return f"✗ {self.exercise}: " + "\n  ".join(self.lines)


def report(verdict):
    """Print a verdict (and raise :class:`ExerciseFailed` if it failed while grading)."""
    print(verdict)
    if not verdict.passed and os.environ.get("GRU_COURSE_GRADING"):
        raise ExerciseFailed(str(verdict))


# ----------------------------------------------------------------------------
# Calling the learner's code and comparing its outputs.


class _Problem(Exception):
    """An explanation of why the learner's output cannot be compared."""


def _call(fn, *args):
    """Call the learner's function; turn any exception into an explanation."""
    if not callable(fn):
        raise _Problem(f"expected a function, got {type(fn).__name__}")
    try:
        return fn(*args)
    except NotImplementedError:
        raise _Problem(NOT_IMPLEMENTED) from None
    except Exception as error:  # any exception in learner code is explained, not re-raised
        frames = [f for f in traceback.extract_tb(error.__traceback__) if "gru_course" not in f.filename]
        where = f" (line {frames[-1].lineno}: `{frames[-1].line}`)" if frames and frames[-1].line else ""
        raise _Problem(f"your function raised {type(error).__name__}: {error}{where}") from None


def _as_array(label, value, expected):
    if value is None:
        raise _Problem(f"{label} is None: did you forget a `return`?")
    if isinstance(value, Value):
        value = value.data
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Problem(f"{label} should be an array of shape {expected.shape}; got {type(value).__name__}") from None
    if array.shape != expected.shape:
        transposed = array.shape == expected.shape[::-1] and array.ndim == 2
        hint = " (it looks transposed)" if transposed else ""
        raise _Problem(f"{label} has shape {array.shape}, expected {expected.shape}{hint}")
    if not np.isfinite(array).all():
        raise _Problem(f"{label} contains NaN or inf")
    return array


def _compare(label, value, expected, hint, tol=TOLERANCE):
    """Raise _Problem unless ``value`` matches ``expected`` to ``tol``."""
    array = _as_array(label, value, expected)
    error = relative_error(array, expected)
    if not error <= tol:
        raise _Problem(f"{label} is wrong: relative error {error:.1e} (tolerance {tol:.0e}). Hint: {hint}")


def _unpack(result, count, names):
    if result is None:
        raise _Problem(f"your function returned None; it should return {names}")
    if not isinstance(result, tuple | list) or len(result) != count:
        got = f"a {type(result).__name__}" + (f" of length {len(result)}" if isinstance(result, tuple | list) else "")
        raise _Problem(f"your function should return a tuple {names}; got {got}")
    return result


def _grads_dict(value, expected_keys, what="the gradients"):
    if not isinstance(value, dict):
        raise _Problem(f"{what} should be a dict with keys {sorted(expected_keys)}; got {type(value).__name__}")
    missing = sorted(set(expected_keys) - set(value))
    if missing:
        raise _Problem(f"{what} dict is missing {missing}")
    return value


def _run_cases(exercise, cases, one_case):
    """Run ``one_case(rng, **case)`` for every case; collect the first problem."""
    verdict = Verdict(exercise)
    for index, case in enumerate(cases):
        try:
            one_case(np.random.default_rng(1000 + index), **case)
        except _Problem as problem:
            sizes = ", ".join(f"{k} = {v}" for k, v in case.items())
            return verdict.fail(f"{problem} [case {index + 1}: {sizes}]")
    batches = sorted({case["B"] for case in cases if "B" in case})
    shown = f" (B = {', '.join(map(str, batches))})" if batches else ""
    verdict.lines.append(f"all outputs match on {len(cases)} random cases{shown}")
    return verdict


CASES = [dict(B=1, D=3, H=4), dict(B=3, D=2, H=5), dict(B=2, D=4, H=3)]
SEQUENCE_CASES = [dict(T=1, B=1, D=3, H=4), dict(T=5, B=3, D=2, H=5), dict(T=4, B=1, D=4, H=3)]


# ----------------------------------------------------------------------------
# Part I: the RNN.


def evaluate_rnn_forward(fn):
    """``fn(xs, a0, W_xh, W_ah, b_h) -> states (T, B, H)``."""

    def case(rng, T, B, D, H):
        p = rnn.init_params(D, H, rng)
        xs, a0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H))
        expected, _ = rnn.forward(xs, a0, p)
        got = _call(fn, xs, a0, p["W_xh"], p["W_ah"], p["b_xh"] + p["b_ah"])
        _compare("the states", got, expected, "a(t) = tanh(x(t) @ W_xh.T + a(t-1) @ W_ah.T + b_h), in order")

    return _run_cases("rnn_forward", SEQUENCE_CASES, case)


def evaluate_softmax_cross_entropy_backward(fn):
    """``fn(logits (B, C), targets (B,)) -> dlogits (B, C)`` for the loss
    averaged over the batch."""

    def case(rng, B, C):
        logits, targets = rng.normal(size=(B, C)), rng.integers(0, C, size=B)
        _, expected = losses.softmax_cross_entropy(logits, targets)
        got = _call(fn, logits, targets)
        _compare("dlogits", got, expected, "∂L/∂o = (softmax(o) - one_hot(target)) / B")

    return _run_cases("softmax_cross_entropy_backward", [dict(B=1, C=3), dict(B=4, C=5), dict(B=2, C=2)], case)


def evaluate_rnn_step_backward(fn):
    """``fn(da, x, a_prev, a, params) -> (dx, da_prev, grads)`` with grads
    {W_xh, W_ah, b_h}; ``params`` holds W_xh, W_ah (and the biases)."""

    def case(rng, B, D, H):
        p = rnn.init_params(D, H, rng)
        x, a_prev, da = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
        a, cache = rnn.step_forward(x, a_prev, p)
        dx, da_prev, g = rnn.step_backward(da, cache)
        result = _unpack(_call(fn, da, x, a_prev, a, p), 3, "(dx, da_prev, grads)")
        grads = _grads_dict(result[2], ("W_xh", "W_ah", "b_h"))
        hint_dh = "start from dh = da * (1 - a**2), the gradient at the pre-activation h(t)"
        _compare("grads['b_h']", grads["b_h"], g["b_xh"], hint_dh + "; then sum it over the batch")
        _compare("grads['W_xh']", grads["W_xh"], g["W_xh"], "∂L/∂W_xh = dh.T @ x (shape H × D)")
        _compare("grads['W_ah']", grads["W_ah"], g["W_ah"], "∂L/∂W_ah = dh.T @ a_prev (shape H × H)")
        _compare("dx", result[0], dx, "∂L/∂x = dh @ W_xh")
        _compare("da_prev", result[1], da_prev, "∂L/∂a(t-1) = dh @ W_ah (not W_ah.T: rows are examples)")

    return _run_cases("rnn_step_backward", CASES, case)


def evaluate_rnn_backward(fn):
    """``fn(dhs, xs, a0, hs, params) -> (dxs, da0, grads)`` (BPTT), grads
    {W_xh, W_ah, b_h} summed over time; dhs (T, B, H) from the output layer."""

    def case(rng, T, B, D, H):
        p = rnn.init_params(D, H, rng)
        xs, a0, dhs = rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(T, B, H))
        hs, cache = rnn.forward(xs, a0, p)
        dxs, da0, g = rnn.backward(dhs, cache)
        result = _unpack(_call(fn, dhs, xs, a0, hs, p), 3, "(dxs, da0, grads)")
        grads = _grads_dict(result[2], ("W_xh", "W_ah", "b_h"))
        over_time = "each weight's gradient is the sum over all time steps of that step's share"
        _compare("grads['W_xh']", grads["W_xh"], g["W_xh"], over_time)
        _compare("grads['W_ah']", grads["W_ah"], g["W_ah"], over_time + "; step t uses a(t-1), and a(0) at t = 1")
        _compare("grads['b_h']", grads["b_h"], g["b_xh"], over_time)
        _compare("dxs", result[0], dxs, "∂L/∂x(t) = dh(t) @ W_xh at every step")
        _compare("da0", result[1], da0, "∂L/∂a(0) = dh(1) @ W_ah, what flows out of the first step")

    return _run_cases("rnn_backward", SEQUENCE_CASES, case)


# ----------------------------------------------------------------------------
# Part II: the GRU.


def evaluate_gru_step_reset_after(fn):
    """``fn(x, h_prev, params) -> h`` for the reset-after GRU."""

    def case(rng, B, D, H):
        p = gru.init_params(D, H, rng)
        x, h_prev = rng.normal(size=(B, D)), rng.normal(size=(B, H))
        expected, _ = gru.step_forward(x, h_prev, p, variant="reset_after")
        got = _call(fn, x, h_prev, p)
        hint = "h~ = tanh(x @ W_hx.T + b_hx + r * (h_prev @ W_hh.T + b_hh)): the reset multiplies after W_hh"
        _compare("h", got, expected, hint)

    return _run_cases("gru_step_reset_after", CASES, case)


def evaluate_gru_step_backward(fn, variant="reset_before"):
    """``fn(dh, cache) -> (dx, dh_prev, grads)`` for one GRU step, where
    ``cache`` is what ``gru.step_forward(..., variant=variant)`` returned."""
    update = "∂L/∂z = dh ∘ (h_prev - h~), then through σ': multiply by z (1 - z)"
    candidate = "∂L/∂(candidate pre-activation) ḡ10 = dh ∘ (1 - z) ∘ (1 - h~²)"
    if variant == "reset_before":
        reset = "∂L/∂r = (ḡ10 @ W_hh) ∘ h_prev, then through σ': multiply by r (1 - r)"
        w_hh = candidate + "; ∂L/∂W_hh = ḡ10.T @ (r ∘ h_prev)"
    else:
        reset = "∂L/∂r = ḡ10 ∘ g7 with g7 = W_hh h_prev + b_hh, then through σ': multiply by r (1 - r)"
        w_hh = "∂L/∂g7 = ḡ10 ∘ r (the reset multiplies after W_hh); ∂L/∂W_hh = (ḡ10 ∘ r).T @ h_prev"
    hints = {"W_z": update, "b_z": update, "W_r": reset, "b_r": reset, "W_h": candidate, "b_h": candidate}
    hints_by_name = {"W_hh": w_hh, "b_hh": w_hh}

    def case(rng, B, D, H):
        p = gru.init_params(D, H, rng)
        x, h_prev, dh = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
        _, cache = gru.step_forward(x, h_prev, p, variant=variant)
        dx, dh_prev, g = gru.step_backward(dh, cache)
        result = _unpack(_call(fn, dh, dict(cache)), 3, "(dx, dh_prev, grads)")
        grads = _grads_dict(result[2], g)
        for name in g:
            _compare(f"grads[{name!r}]", grads[name], g[name], hints_by_name.get(name, hints[name[:3]]))
        _compare("dx", result[0], dx, "x feeds three products: add W_zx, W_rx and W_hx terms")
        hint = "h_prev is used four times: the direct path dh ∘ z, and through z, r and the candidate; add all four"
        _compare("dh_prev", result[1], dh_prev, hint)

    return _run_cases(f"gru_step_backward ({variant})", CASES, case)


def evaluate_tape_square(fn):
    """``fn(tape, a) -> Value`` recording a², with its backward step."""

    def case(rng, B, H):
        a_data, upstream = rng.normal(size=(B, H)), rng.normal(size=(B, H))
        tape = Tape()
        a = tape.input(a_data, "a")
        out = _call(fn, tape, a)
        if not isinstance(out, Value):
            raise _Problem(f"square should return the Value recorded on the tape; got {type(out).__name__}")
        _compare("square(a).data", out.data, a_data**2, "the forward result is a.data ** 2")
        try:
            tape.backward(tape.sum(tape.multiply(out, tape.input(upstream, "upstream"))))
        except Exception as error:  # a broken backward_step is the learner's to fix
            raise _Problem(f"tape.backward failed on your operation: {type(error).__name__}: {error}") from None
        _compare("a.grad", a.grad, 2 * a_data * upstream, "backward_step must add out.grad * 2 * a.data to a.grad")

    return _run_cases("tape_square", [dict(B=1, H=3), dict(B=3, H=2)], case)


def evaluate_gru_backward(fn):
    """``fn(dhs, xs, h0, params) -> (dxs, dh0, grads)``: BPTT for the
    reset-before GRU, dhs (T, B, H) the per-step loss gradients."""

    def case(rng, T, B, D, H):
        p = gru.init_params(D, H, rng)
        xs, h0, dhs = rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(T, B, H))
        _, cache = gru.forward(xs, h0, p)
        dxs, dh0, g = gru.backward(dhs, cache)
        result = _unpack(_call(fn, dhs, xs, h0, p), 3, "(dxs, dh0, grads)")
        grads = _grads_dict(result[2], g)
        hint = "h̄_t = dhs[t] + what step t+1 hands back; sum every step's share of each weight"
        for name in g:
            _compare(f"grads[{name!r}]", grads[name], g[name], hint)
        _compare("dxs", result[0], dxs, "each step's ∂L/∂x_t from its own step backward")
        _compare("dh0", result[1], dh0, "∂L/∂h_0 is what the first step hands back")

    return _run_cases("gru_backward", SEQUENCE_CASES, case)


def evaluate_keras_converter(fn):
    """``fn(kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)) -> params``
    with Keras's gate order z, r, h and ``reset_after=True``."""

    def case(rng, D, H):
        p = gru.init_params(D, H, rng)
        kernel = np.concatenate([p["W_zx"], p["W_rx"], p["W_hx"]]).T
        recurrent = np.concatenate([p["W_zh"], p["W_rh"], p["W_hh"]]).T
        bias = np.stack([np.concatenate([p[f"b_{g}x"] for g in "zrh"]), np.concatenate([p[f"b_{g}h"] for g in "zrh"])])
        got = _grads_dict(_call(fn, kernel, recurrent, bias), p, what="the parameters")
        hint = "Keras stores W.T, blocks in order z, r, h; bias[0] is the input bias, bias[1] the recurrent one"
        for name in p:
            _compare(f"params[{name!r}]", got[name], p[name], hint, tol=0.0)

    return _run_cases("keras_converter", [dict(D=3, H=4), dict(D=2, H=5), dict(D=1, H=1)], case)


# ----------------------------------------------------------------------------
# Part III: gradients over time.


def evaluate_gru_jacobian(fn, variant="reset_after"):
    """``fn(x, h_prev, params) -> J (B, H, H)`` with J[b, i, j] = ∂h_t[i]/∂h_{t-1}[j]."""

    def case(rng, B, D, H):
        p = gru.init_params(D, H, rng)
        x, h_prev = rng.normal(size=(B, D)), rng.normal(size=(B, H))
        expected = analysis.gru_jacobian(x, h_prev, p, variant)
        hint = "three terms: diag(z), the path through z (with W_zh), and the path through h~ (and r)"
        _compare("J", _call(fn, x, h_prev, p), expected, hint + "; rows index h_t, columns h_{t-1}")

    return _run_cases(f"gru_jacobian ({variant})", CASES, case)


def evaluate_clip_by_global_norm(fn):
    """``fn(grads, max_norm) -> (clipped, norm)``; must not modify ``grads``."""

    def case(rng, n, scale):
        grads = {"W": scale * rng.normal(size=(3, n)), "b": scale * rng.normal(size=n)}
        before = {k: v.copy() for k, v in grads.items()}
        norm = np.sqrt(sum(np.sum(v**2) for v in grads.values()))
        factor = min(1.0, 1.0 / norm)
        result = _unpack(_call(fn, grads, 1.0), 2, "(clipped, norm)")
        _compare("norm", np.asarray(result[1], dtype=float), np.asarray(norm), "the norm over all arrays together")
        clipped = _grads_dict(result[0], grads)
        for name in grads:
            hint = "scale every array by max_norm / norm, only when norm > max_norm"
            _compare(f"clipped[{name!r}]", clipped[name], factor * before[name], hint)
        if any(not np.array_equal(grads[k], before[k]) for k in grads):
            raise _Problem("your function modified the input gradients in place; return new arrays")

    cases = [dict(n=1, scale=10.0), dict(n=3, scale=0.1), dict(n=2, scale=3.0)]
    return _run_cases("clip_by_global_norm", cases, case)


def evaluate_gradcheck(fn):
    """``fn(f, x, analytic) -> bool``: a gradient check of a scalar function
    ``f(x)`` of one float64 array, True when ``analytic`` is its gradient."""

    def quadratic(x):  # gradient: 2 x + 3 x² (entries up to about 1e2)
        return float(np.sum(x**2) + np.sum(x**3))

    def curved(x):  # gradient 3 exp(3x): a one-sided difference is off by about 1e-6 here
        return float(np.sum(np.exp(3 * x)))

    def verdict_of(x, analytic, f=quadratic):
        result = _call(fn, f, x.copy(), analytic)
        if result is None or not isinstance(result, bool | np.bool_):
            raise _Problem(f"your check should return True or False; got {result!r}")
        return bool(result)

    def case(rng, n):
        x = rng.normal(size=n)
        x[0] = 6.0  # a large entry, where the gradient is large too
        right = 2 * x + 3 * x**2
        if not verdict_of(x, right.copy()):
            raise _Problem("your check rejected a correct gradient (check the precision: float64, eps ~ 1e-6)")
        slightly = right * (1 + 1e-5)  # 1e-5 relative: a real error, far above finite-difference noise
        if verdict_of(x, slightly):
            raise _Problem("your check accepted a gradient off by a factor 1 + 1e-5: its tolerance is too loose")
        big_error = right.copy()
        big_error[0] += 5.0  # wrong only in the large entry
        if verdict_of(x, big_error):
            raise _Problem("your check accepted a gradient wrong in its largest entry: is something clipped?")
        y = np.full(n, 2.0)
        if not verdict_of(y, 3 * np.exp(3 * y), f=curved):
            raise _Problem("your check rejected a correct gradient of exp(3x): is your difference centered?")

    verdict = _run_cases("gradcheck", [dict(n=3), dict(n=6)], case)
    if verdict.passed:
        verdict.lines = ["accepts correct gradients and rejects wrong ones (4 tests, 2 sizes)"]
    return verdict


# ----------------------------------------------------------------------------
# The functions a notebook calls: run the evaluation, print, return a bool.


def _checker(exercise, evaluate):
    """A notebook's check function: evaluate, then print the verdict."""

    def check(fn, **options):
        return report(_guard(exercise, lambda f: evaluate(f, **options), fn))

    check.__name__ = check.__qualname__ = f"check_{exercise}"
    check.__doc__ = f"Check a learner's function and print the verdict.\n\n{evaluate.__doc__}"
    return check


check_rnn_forward = _checker("rnn_forward", evaluate_rnn_forward)
check_softmax_cross_entropy_backward = _checker(
    "softmax_cross_entropy_backward", evaluate_softmax_cross_entropy_backward
)
check_rnn_step_backward = _checker("rnn_step_backward", evaluate_rnn_step_backward)
check_rnn_backward = _checker("rnn_backward", evaluate_rnn_backward)
check_gru_step_reset_after = _checker("gru_step_reset_after", evaluate_gru_step_reset_after)
check_gru_step_backward = _checker("gru_step_backward", evaluate_gru_step_backward)  # variant=...
check_tape_square = _checker("tape_square", evaluate_tape_square)
check_gru_backward = _checker("gru_backward", evaluate_gru_backward)
check_keras_converter = _checker("keras_converter", evaluate_keras_converter)
check_gru_jacobian = _checker("gru_jacobian", evaluate_gru_jacobian)  # variant=...
check_clip_by_global_norm = _checker("clip_by_global_norm", evaluate_clip_by_global_norm)
check_gradcheck = _checker("gradcheck", evaluate_gradcheck)


def _guard(exercise, evaluate, fn):
    """Whatever goes wrong, the learner gets a verdict, not a checker traceback."""
    try:
        return evaluate(fn)
    except _Problem as problem:
        return Verdict(exercise).fail(str(problem))
    except Exception as error:  # a bug in the checker itself: say so plainly
        message = f"the checker could not evaluate your function ({type(error).__name__}: {error})"
        return Verdict(exercise).fail(message)
