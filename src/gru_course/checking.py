"""How a checker judges a learner's function.

An :class:`Exercise` says how to make the inputs of one case, how to run a
function on them (:func:`returns` covers the usual "return a tuple of arrays
and dicts of arrays"), the package's own answer, where to look when an output
is wrong, and which package functions the learner may not call. :func:`judge`
runs the learner's function on every case and returns a :class:`Verdict`:

1. The learner's code runs with the exercise's forbidden functions replaced
   (:mod:`gru_course.shortcuts`), on copies of the inputs, with numpy's
   floating-point warnings silenced (a graded cell fails on any stderr).
2. An exception, a ``None``, a wrong structure, shape or NaN is explained in
   words, never as a traceback from inside the checker.
3. A wrong output is compared with every known mistake of the exercise (the
   :class:`Mistake` specimens of :mod:`gru_course.bugzoo`) on the same inputs.
   If the learner's outputs are those of a specimen, the verdict names the
   mistake and says how to fix it; otherwise it says which output is wrong,
   by how much, and where to look.
"""

import copy
import inspect
import traceback
import warnings
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from .gradcheck import relative_error
from .shortcuts import Forbidding, ShortcutUsed
from .tape import Value

TOLERANCE = 1e-8
# Two implementations of the same mistake agree to rounding; a different mistake does not.
SAME_MISTAKE = 1e-6
NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code"
# What a matrix product's shape error means, in a forward pass and in a backward pass.
ROWS_ARE_EXAMPLES = (
    "Hint: rows are examples, so the equations' W x is `x @ W.T` in code (shapes (B, D) @ (D, H) -> (B, H))."
)
ROWS_GO_BACK = (
    "Hint: rows are examples. Going back, Wᵀ v for every row is `v @ W`, with no .T (shapes (B, H) @ (H, D) "
    "-> (B, D)); a weight's gradient sums the outer products over the batch: `da.T @ x` (H × D)."
)


class ExerciseFailed(AssertionError):
    """Raised by a check called with ``must_pass=True`` when the answer is not right."""

    def _render_traceback_(self):
        """What Jupyter shows: the explanation alone, not the checker's frames."""
        return [f"{type(self).__name__}: {self}"]


@dataclass
class Verdict:
    """The outcome of a check: ``passed`` and the explanation ``lines``."""

    exercise: str
    passed: bool = True
    lines: list = field(default_factory=list)

    def fail(self, *lines):
        self.passed = False
        self.lines.extend(lines)
        return self

    def __str__(self):
        if self.passed:
            return f"✓ {self.exercise}: " + (self.lines[0] if self.lines else "correct")
        return f"✗ {self.exercise}: " + "\n  ".join(self.lines)


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a function with the exercise's signature that makes it, and its hint."""

    name: str
    exercise: str
    function: object
    hint: str
    variants: tuple = ("reset_before", "reset_after")  # the GRU variants in which it is a mistake


@dataclass
class Exercise:
    """One implementation exercise, as its checker sees it.

    name:      the exercise's checker name, "rnn_backward".
    task:      what the learner must write, for the shortcut message ("write the BPTT loop").
    make_args: (rng, **case) -> the tuple of arguments given to the function.
    run:       (call, fn, args) -> {output label: value}; ``call(fn, *args)`` runs
               learner code (the learner's function, or a closure it returned).
    reference: the package's answer, with the learner's signature.
    cases, hidden_cases: dicts of sizes; the hidden ones are the grader's.
    where_to_look: {label prefix: hint} for wrong outputs that match no known mistake.
    forbidden: the package functions the learner's code may not call.
    """

    name: str
    task: str
    make_args: object
    run: object
    reference: object
    cases: tuple
    hidden_cases: tuple
    where_to_look: dict
    forbidden: tuple = ()
    tolerance: float = TOLERANCE
    mistakes: tuple = ()
    passing: str = "all outputs match on {cases}"  # the verdict's words for a right answer
    shape_hint: str = ROWS_ARE_EXAMPLES  # said when the learner's matrix product has the wrong shapes
    first: tuple = ()  # labels to compare before the others: the ones a mistake upstream spoils first

    def look(self, label):
        for prefix, hint in self.where_to_look.items():
            if label.startswith(prefix):
                return hint
        return "compare this output with its equation in the chapter"


class Problem(Exception):
    """Why the learner's answer is not right, in words.

    ``signature`` identifies an exception raised by the learner's code (its type
    and message), so that a known mistake that raises the same can be named.
    """

    def __init__(self, message, signature=None, hint=None, any_case=False):
        super().__init__(message)
        self.signature = signature
        self.hint = hint  # a general hint, given when no known mistake explains the problem
        self.any_case = any_case  # true of every case alike (not implemented, a shortcut)


# ----------------------------------------------------------------------------
# Running learner code.


def direct_call(fn, *args):
    """Run trusted code (the reference, a specimen): no guard, exceptions propagate."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def learner_call(exercise):
    """A ``call`` that runs learner code under the exercise's rules."""

    # The bug zoo's function for this exercise is its answer too (with mistake=None).
    zoo = tuple({m.function.func for m in exercise.mistakes if isinstance(m.function, partial)})
    forbidden = exercise.forbidden + zoo

    def call(fn, *args):
        if not callable(fn):
            raise Problem(f"expected a function, got {type(fn).__name__}")
        handed_in = getattr(fn, "func", fn)  # a functools.partial of a forbidden function is one too
        guard = Forbidding(forbidden, exercise.task, handed_in)
        specimen = isinstance(fn, partial) and fn.keywords.get("mistake") is not None  # a known mistake
        if any(handed_in is f for f in forbidden) and not specimen:
            raise Problem(guard.message(handed_in), any_case=True)
        try:
            with guard, np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fn(*args)
        except NotImplementedError:
            raise Problem(NOT_IMPLEMENTED, any_case=True) from None
        except ShortcutUsed as error:
            raise Problem(str(error), any_case=True) from None
        except Exception as error:  # any exception in learner code is explained, not re-raised
            raise _explained(error, exercise.shape_hint) from None
        if guard.attempts:
            raise Problem(guard.message(guard.attempts[0]), any_case=True)
        return result

    return call


def _explained(error, shape_hint):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "gru_course" not in f.filename]
    where = f" (line {frames[-1].lineno}: `{frames[-1].line}`)" if frames and frames[-1].line else ""
    message = f"your function raised {type(error).__name__}: {error}{where}"
    hint = shape_hint if isinstance(error, ValueError) and "matmul" in str(error) else None
    return Problem(message, signature=(type(error).__name__, str(error)), hint=hint)


# ----------------------------------------------------------------------------
# Turning results into named outputs.


def returns(*spec):
    """A ``run`` for a function that returns values in a fixed order (see :func:`outputs_of`)."""
    return lambda call, fn, args: outputs_of(call(fn, *args), spec)


def outputs_of(result, spec):
    """{label: value} from a function's ``result``, after checking its structure.

    Each item of ``spec`` is a label (an array) or a pair ``(label, keys)`` (a
    dict of arrays with those keys). With one item, ``result`` is that value
    itself, not a tuple.
    """
    names = ", ".join(item if isinstance(item, str) else item[0] for item in spec)
    values = [result] if len(spec) == 1 else _tuple_of(result, len(spec), f"({names})")
    outputs = {}
    for item, value in zip(spec, values, strict=True):
        if isinstance(item, str):
            outputs[item] = _none_checked(item, value)
        else:
            label, keys = item
            outputs.update(dict_outputs(label, value, keys))
    return outputs


def _tuple_of(result, count, names):
    if result is None:
        raise Problem(f"your function returned None: did you forget a `return`? It should return {names}")
    if not isinstance(result, tuple | list) or len(result) != count:
        length = f" of length {len(result)}" if isinstance(result, tuple | list) else ""
        raise Problem(f"your function should return a tuple {names}; got a {type(result).__name__}{length}")
    return result


def _none_checked(label, value):
    if value is None:
        raise Problem(f"{label} is None: did you forget a `return`?")
    return value


def dict_outputs(label, value, keys):
    """{"label['key']": array} for a dict output, after checking its keys."""
    if not isinstance(value, dict):
        raise Problem(f"{label} should be a dict with keys {sorted(keys)}; got {type(value).__name__}")
    missing = sorted(set(keys) - set(value))
    if missing:
        raise Problem(f"{label} is missing the keys {missing}; it has {sorted(value, key=str)}")
    return {f"{label}[{key!r}]": _none_checked(f"{label}[{key!r}]", value[key]) for key in keys}


# ----------------------------------------------------------------------------
# Comparing outputs.


def _as_array(value):
    if isinstance(value, Value):
        value = value.data
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def difference(label, got, expected, tol):
    """Why ``got`` is not ``expected`` (a sentence), or None when it matches."""
    if isinstance(expected, bool | np.bool_):
        if isinstance(got, bool | np.bool_) and bool(got) == bool(expected):
            return None
        if not isinstance(got, bool | np.bool_):
            return f"{label} should be True or False; got {type(got).__name__}"
        return f"{label} is {bool(got)}, expected {bool(expected)}"
    expected = np.asarray(expected, dtype=np.float64)
    array = _as_array(got)
    if array is None:
        return f"{label} should be an array of shape {expected.shape}; got {type(got).__name__}"
    if array.shape != expected.shape:
        return f"{label} has shape {array.shape}, expected {expected.shape}" + _shape_note(array.shape, expected.shape)
    if not np.isfinite(array).all():
        return f"{label} contains NaN or inf"
    error = relative_error(array, expected)
    if error <= tol:
        return None
    message = f"{label} is wrong: relative error {error:.1e} (tolerance {tol:.0e})"
    if (
        array.ndim >= 2
        and array.shape[-1] == array.shape[-2]
        and relative_error(np.swapaxes(array, -1, -2), expected) <= tol
    ):
        return message + "; it is the transpose of the right answer"
    if relative_error(-array, expected) <= tol:
        return message + "; it is the negative of the right answer: look for a sign"
    if getattr(got, "dtype", None) in (np.float32, np.float16) and error < 1e-3:
        return message + f"; it is {got.dtype}: compute in float64, as the inputs are"
    return message


def _shape_note(shape, expected):
    if len(shape) == 2 and shape == expected[::-1]:
        return " (it looks transposed)"
    if len(shape) == len(expected) and shape[1:] == expected[1:] and shape[0] == expected[0] + 1:
        return " (one too many along the first axis: did you include the initial state?)"
    return ""


def _same(a, b):
    """Do two outputs agree as two implementations of the same mistake would?"""
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return isinstance(a, bool | np.bool_) and isinstance(b, bool | np.bool_) and bool(a) == bool(b)
    a, b = _as_array(a), _as_array(b)
    if a is None or b is None or a.shape != b.shape:
        return False
    finite = np.isfinite(a)
    if not np.array_equal(finite, np.isfinite(b)) or not np.array_equal(a[~finite], b[~finite], equal_nan=True):
        return False
    return not finite.any() or relative_error(a[finite], b[finite]) <= SAME_MISTAKE


# ----------------------------------------------------------------------------
# Judging.


def judge(exercise, fn, hidden=False):
    """Run ``fn`` on every case of ``exercise`` and return the :class:`Verdict`."""
    cases = exercise.hidden_cases if hidden else exercise.cases
    verdict = Verdict(exercise.name)
    for index, case in enumerate(cases):
        seed = (5000 if hidden else 1000) + index
        args = exercise.make_args(np.random.default_rng(seed), **case)
        try:
            _judge_case(exercise, fn, args)
        except Problem as problem:
            first, *rest = str(problem).split("\n")
            if not problem.any_case:
                sizes = ", ".join(f"{k} = {v}" for k, v in case.items())
                which = "the grader's case" if hidden else "case"
                first += f" [{which} {index + 1} of {len(cases)}: {sizes}]"
            return verdict.fail(first, *rest)
    batches = sorted({case["B"] for case in cases if "B" in case})
    shown = f" (B = {', '.join(map(str, batches))})" if batches else ""
    count = f"{len(cases)} cases" if len(cases) > 1 else "1 case"
    what = f"the grader's {count}" if hidden else f"{len(cases)} random {count.split()[1]}"
    verdict.lines.append(exercise.passing.format(cases=f"{what}{shown}"))
    return verdict


def _judge_case(exercise, fn, args):
    expected = exercise.run(direct_call, exercise.reference, copy.deepcopy(args))
    given = copy.deepcopy(args)
    try:
        got = exercise.run(learner_call(exercise), fn, given)
    except Problem as problem:
        mistake = _raising_alike(exercise, args, problem.signature) if problem.signature else None
        if mistake is not None or problem.hint is not None:
            hint = _known(mistake) if mistake else problem.hint
            raise Problem(f"{problem}\n  {hint}", any_case=problem.any_case) from None
        raise
    ordered = [label for label in exercise.first if label in expected] + [
        label for label in expected if label not in exercise.first
    ]
    for label in ordered:
        wrong = difference(label, got.get(label), expected[label], exercise.tolerance)
        if wrong is not None:
            mistake = _matching_mistake(exercise, args, got, expected, label)
            hint = _known(mistake) if mistake else f"Where to look: {exercise.look(label)}"
            raise Problem(f"{wrong}\n  {hint}")
    changed = _changed_input(args, given)
    if changed is not None:
        name = _parameter_name(fn, changed)
        raise Problem(
            f"your function changed its input {name} in place: the caller's array is different afterwards. "
            "Compute into new arrays (x = x * 2, not x *= 2 or x[...] = ...)"
        )


def _changed_input(before, after):
    """The position of the first argument that differs between two copies of the arguments, or None."""
    for position, (old, new) in enumerate(zip(before, after, strict=True)):
        if not _equal(old, new):
            return position
    return None


def _equal(old, new):
    if isinstance(old, dict):
        return isinstance(new, dict) and old.keys() == new.keys() and all(_equal(old[k], new[k]) for k in old)
    if isinstance(old, np.ndarray):
        return isinstance(new, np.ndarray) and np.array_equal(old, new, equal_nan=True)
    return True  # functions, numbers, Values: not the learner's to change


def _parameter_name(fn, position):
    try:
        names = list(inspect.signature(fn).parameters)
        return f"`{names[position]}`"
    except (TypeError, ValueError, IndexError):
        return f"number {position + 1}"


def _known(mistake):
    return f'This is a known mistake, "{mistake.name}": {mistake.hint}'


def _specimen_outputs(exercise, mistake, args):
    try:
        return exercise.run(direct_call, mistake.function, copy.deepcopy(args))
    except Exception:  # a specimen that raises here has no outputs to compare
        return None


def _matching_mistake(exercise, args, got, expected, label):
    """The known mistake whose outputs are the learner's: all of them, or else the wrong one."""
    candidates = []
    for mistake in exercise.mistakes:
        outputs = _specimen_outputs(exercise, mistake, args)
        harmless = outputs is not None and all(
            difference(key, outputs[key], value, exercise.tolerance) is None for key, value in expected.items()
        )
        if outputs is None or harmless:
            continue  # no outputs, or the mistake does no harm in this case: it explains nothing here
        if any(
            key in got
            and difference(key, got[key], value, exercise.tolerance) is None
            and difference(key, outputs.get(key), value, exercise.tolerance) is not None
            for key, value in expected.items()
        ):
            continue  # the mistake would spoil an output that the learner got right: not theirs
        if all(key in got and _same(got[key], outputs[key]) for key in expected):
            return mistake
        # One wrong output alike is evidence when it is an array; a True/False verdict is not enough.
        alike = label in outputs and _same(got[label], outputs[label]) and not _same(outputs[label], expected[label])
        if alike and not isinstance(expected[label], bool | np.bool_):
            candidates.append(mistake)
    return candidates[0] if candidates else None


def _raising_alike(exercise, args, signature):
    """The known mistake that raises the same exception as the learner's code."""
    for mistake in exercise.mistakes:
        try:
            exercise.run(direct_call, mistake.function, copy.deepcopy(args))
        except Exception as error:  # the specimen's own exception is what we compare
            if (type(error).__name__, str(error)) == signature:
                return mistake
    return None


def guarded(exercise, fn, hidden=False):
    """Like :func:`judge`, but a bug in the checker itself becomes a verdict too."""
    try:
        return judge(exercise, fn, hidden)
    except Problem as problem:
        return Verdict(exercise.name).fail(str(problem))
    except Exception as error:  # a bug in the checker: say so plainly, never a traceback
        return Verdict(exercise.name).fail(
            f"the checker could not evaluate your function ({type(error).__name__}: {error})"
        )
