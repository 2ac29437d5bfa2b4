"""The exercise checkers: right answers pass, every known mistake is named with its own
hint, shortcuts through the package are refused, and bad answers are explained."""

import dataclasses
import types
from functools import partial

import numpy as np
import pytest

from gru_course import bugzoo, exercises, gru
from gru_course.checking import guarded
from gru_course.shortcuts import display_name

# Every exercise as its checker sees it; the two GRU exercises with a variant in both.
EXERCISES = {
    f"{name} ({variant})" if variant else name: exercises.exercise(name, variant)
    for name in exercises.EXERCISES
    for variant in (("reset_before", "reset_after") if name in exercises.DEFAULT_VARIANT else (None,))
}
# The zoo's mistakes are written for one variant of the Jacobian.
WITH_MISTAKES = {key: ex for key, ex in EXERCISES.items() if ex.mistakes}


def zoo_name(key):
    return key.split(" (")[0]


def reset_before_jacobian(x, h_prev, p):
    """∂h_t/∂h_{t-1} of a reset-before step, written out (the zoo's Jacobian is the reset-after one)."""
    _, c = gru.step_forward(x, h_prev, p)
    z, r, h_tilde = c["z"], c["r"], c["h_tilde"]
    eye = np.eye(h_prev.shape[1])
    through_z = ((h_prev - h_tilde) * z * (1 - z))[:, :, None] * p["W_zh"]
    inner = p["W_hh"] @ (r[:, :, None] * eye + (h_prev * r * (1 - r))[:, :, None] * p["W_rh"])
    return z[:, :, None] * eye + through_z + ((1 - z) * (1 - h_tilde**2))[:, :, None] * inner


def as_a_learner_wrote_it(function):
    """The zoo's correct code as a function of its own: what a learner who wrote the same
    lines hands in (the zoo's own function object is refused, like any package answer)."""
    return types.FunctionType(function.__code__, function.__globals__, function.__name__, function.__defaults__)


def right_answer(key):
    if key == "gru_jacobian (reset_before)":  # the zoo's Jacobian is the reset-after one
        return reset_before_jacobian
    return as_a_learner_wrote_it(bugzoo.CORRECT[zoo_name(key)])


@pytest.mark.parametrize("key", EXERCISES)
@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_a_right_answer_passes(key, hidden):
    exercise = EXERCISES[key]
    verdict = guarded(exercise, right_answer(key), hidden)
    assert verdict.passed, str(verdict)
    assert str(verdict).startswith("✓")


def test_every_exercise_has_at_least_three_known_mistakes_with_distinct_hints():
    for name in exercises.EXERCISES:
        mistakes = bugzoo.mistakes_of(name)
        assert len(mistakes) >= 3, name
        assert len({m.hint for m in mistakes}) == len(mistakes), name


SPECIMENS = [(key, mistake) for key, ex in WITH_MISTAKES.items() for mistake in ex.mistakes]


@pytest.mark.parametrize(("key", "mistake"), SPECIMENS, ids=[f"{k}: {m.name}" for k, m in SPECIMENS])
def test_every_known_mistake_is_named_with_its_own_hint(key, mistake):
    exercise = EXERCISES[key]
    message = str(guarded(exercise, mistake.function))
    assert message.startswith("✗"), message
    assert f'known mistake, "{mistake.name}"' in message and mistake.hint in message, message
    others = [m.hint for m in exercise.mistakes if m is not mistake]
    assert not any(hint in message for hint in others), message
    assert "Traceback" not in message


@pytest.mark.parametrize(("key", "mistake"), SPECIMENS[:: max(1, len(SPECIMENS) // 12)], ids=lambda v: str(v)[:30])
def test_the_grader_cases_reject_the_known_mistakes_too(key, mistake):
    assert not guarded(EXERCISES[key], mistake.function, hidden=True).passed


def test_an_unknown_mistake_gets_the_wrong_output_and_where_to_look():
    def slightly_off(dhs, xs, h0, params):
        dxs, dh0, grads = right_answer("gru_backward")(dhs, xs, h0, params)
        return dxs, dh0 * 1.01, grads

    message = str(exercises.evaluate_gru_backward(slightly_off))
    assert message.startswith("✗ gru_backward: dh0 is wrong: relative error 5.0e-03")
    assert "Where to look: ∂L/∂h_0 is what the first step hands back" in message
    assert "known mistake" not in message


def test_no_mistake_is_named_that_would_spoil_an_output_the_learner_got_right():
    # dc_prev alone is wrong here, and equal to that of a known mistake which also spoils dx, dh_prev
    # and every gate's gradient: those are right, so that mistake is not the learner's.
    spoiler = bugzoo.SPECIMENS["lstm_step_backward", "tanh(c) path left out"]
    right = right_answer("lstm_step_backward")

    def only_dc_prev_alike(dh, dc, cache):
        dx, dh_prev, _, grads = right(dh, dc, cache)
        return dx, dh_prev, dc * cache["f"], grads  # the spoiler's dc_prev: c̄ taken as dc alone

    exact = bugzoo.SPECIMENS["lstm_step_backward", "dc_prev from the next step only"]  # what it is
    zoo_without_it = [m for m in EXERCISES["lstm_step_backward"].mistakes if m is not exact]
    exercise = dataclasses.replace(EXERCISES["lstm_step_backward"], mistakes=tuple(zoo_without_it))
    message = str(guarded(exercise, only_dc_prev_alike))
    assert message.startswith("✗ lstm_step_backward: dc_prev is wrong"), message
    assert spoiler.hint not in message and "known mistake" not in message and "Where to look" in message, message
    assert exact.hint in str(exercises.evaluate_lstm_step_backward(only_dc_prev_alike))  # with the whole zoo


def test_an_answer_of_the_wrong_sign_is_called_so():
    def negated(dhs, xs, h0, params):
        dxs, dh0, grads = right_answer("gru_backward")(dhs, xs, h0, params)
        return dxs, -dh0, grads

    message = str(exercises.evaluate_gru_backward(negated))
    assert "dh0 is wrong" in message and "it is the negative of the right answer" in message, message


# ----------------------------------------------------------------------------
# Shortcuts.

SHORTCUT_CASES = [(key, ex) for key, ex in EXERCISES.items() if ex.forbidden]


@pytest.mark.parametrize(("key", "exercise"), SHORTCUT_CASES, ids=[k for k, _ in SHORTCUT_CASES])
def test_the_package_s_own_answer_is_refused(key, exercise):
    """Every reference answer calls the package function the exercise asks the learner to write."""
    message = str(guarded(exercise, exercise.reference))
    assert message.startswith("✗") and "is not available here" in message, message
    assert f"this exercise asks you to {exercise.task} yourself" in message


FORBIDDEN = [(key, function) for key, ex in SHORTCUT_CASES for function in ex.forbidden]


@pytest.mark.parametrize(("key", "function"), FORBIDDEN, ids=[f"{k}: {display_name(f)}" for k, f in FORBIDDEN])
def test_every_forbidden_function_is_refused_by_name_even_when_its_error_is_caught(key, function):
    exercise = EXERCISES[key]

    def sneaky(*args):
        try:
            function(*args)
        except Exception:  # a learner who swallows the refusal is refused all the same
            pass
        return right_answer(key)(*args)

    message = str(guarded(exercise, sneaky))
    assert f"`{display_name(function)}` is not available here" in message, message


def test_a_shortcut_imported_by_name_into_the_learner_s_namespace_is_refused():
    namespace = {}
    code = (
        "from gru_course.gru import backward, forward\n"
        "def my_gru_backward(dhs, xs, h0, params):\n"
        "    return backward(dhs, forward(xs, h0, params)[1])\n"
    )
    exec(code, namespace)
    message = str(exercises.evaluate_gru_backward(namespace["my_gru_backward"]))
    assert "`gru.backward` is not available here" in message
    assert namespace["backward"] is gru.backward  # put back afterwards


def test_a_forbidden_function_handed_in_itself_is_refused():
    from gru_course import optim

    message = str(exercises.evaluate_clip_by_global_norm(optim.clip_by_global_norm))
    assert "`optim.clip_by_global_norm` is not available here" in message


def test_the_package_works_again_after_a_check():
    exercises.evaluate_gru_backward(exercises.exercise("gru_backward").reference)
    rng = np.random.default_rng(0)
    p = gru.init_params(2, 3, rng)
    hs, cache = gru.forward(rng.normal(size=(2, 1, 2)), np.zeros((1, 3)), p)
    assert gru.backward(np.ones_like(hs), cache)[0].shape == (2, 1, 2)


def test_allowed_building_blocks_stay_available():
    # the zoo's BPTT loop calls gru.step_forward and gru.step_backward, and passes
    assert exercises.evaluate_gru_backward(right_answer("gru_backward")).passed


@pytest.mark.parametrize("name", exercises.EXERCISES)
def test_the_zoo_s_own_correct_function_is_refused_like_any_package_answer(name):
    """With mistake=None a zoo function is the exercise's answer: handed in, or called, it is refused."""
    exercise = exercises.exercise(name)
    zoo = bugzoo.CORRECT[name]
    for shortcut in (zoo, partial(zoo, mistake=None), lambda *args: zoo(*args)):
        message = str(guarded(exercise, shortcut))
        assert f"`bugzoo.{zoo.__name__}` is not available here" in message, message


# ----------------------------------------------------------------------------
# Bad answers, grading.

BAD_ANSWERS = {
    "None": (lambda *args: None, "None"),
    "an exception": (lambda *args: 1 / 0, "ZeroDivisionError"),
    "not implemented": (lambda *args: (_ for _ in ()).throw(NotImplementedError()), "not implemented yet"),
    "a string": (lambda *args: "hello", ""),
    "NaN": (lambda *args: np.full(np.shape(args[0]), np.nan), ""),
    "not a function": (42, "expected a function, got int"),
}


@pytest.mark.parametrize("bad", BAD_ANSWERS)
@pytest.mark.parametrize("key", EXERCISES)
def test_bad_answers_are_explained_without_crashing(key, bad):
    fn, phrase = BAD_ANSWERS[bad]
    message = str(guarded(EXERCISES[key], fn))
    assert message.startswith("✗") and phrase in message, message
    assert "Traceback" not in message and "could not evaluate" not in message


def test_wrong_shape_and_transposition_are_named():
    def transposed(dh, x, h_prev, h, params):
        dx, dh_prev, grads = right_answer("rnn_step_backward")(dh, x, h_prev, h, params)
        return dx, dh_prev, {**grads, "W_hx": grads["W_hx"].T}

    message = str(exercises.evaluate_rnn_step_backward(transposed))
    assert "grads['W_hx'] has shape" in message and "looks transposed" in message


def test_an_error_in_learner_code_names_its_line():
    def buggy(xs, h0, W_hx, W_hh, b_h):
        return xs @ W_hh  # shapes do not fit

    message = str(exercises.evaluate_rnn_forward(buggy))
    assert "raised ValueError" in message and "xs @ W_hh" in message and "rows are examples" in message


def test_a_check_prints_its_verdict_and_returns_nothing(capsys):
    assert exercises.check_rnn_forward(right_answer("rnn_forward")) is None
    assert capsys.readouterr().out.startswith("✓ rnn_forward")
    assert exercises.check_rnn_forward(lambda *a: None) is None
    assert "None" in capsys.readouterr().out


GRADED = {
    "a missing answer": (lambda *a: (_ for _ in ()).throw(NotImplementedError()), "not implemented yet"),
    "a wrong answer": (bugzoo.SPECIMENS[("rnn_backward", "no sum over time")].function, "no sum over time"),
    "a shortcut": (exercises.exercise("rnn_backward").reference, "`rnn.backward` is not available here"),
}


@pytest.mark.parametrize("kind", GRADED)
@pytest.mark.parametrize("hidden", [False, True])
def test_a_graded_check_fails_with_the_explanation(kind, hidden, capsys):
    fn, phrase = GRADED[kind]
    with pytest.raises(exercises.ExerciseFailed) as failure:
        exercises.check_rnn_backward(fn, must_pass=True, hidden=hidden)
    assert str(failure.value).startswith("✗ rnn_backward") and phrase in str(failure.value)
    assert capsys.readouterr().out == ""  # the message is the error's, printed once


def test_a_graded_check_passes_a_right_answer(capsys):
    exercises.check_rnn_backward(right_answer("rnn_backward"), must_pass=True, hidden=True)
    assert capsys.readouterr().out.startswith("✓ rnn_backward: all outputs match on the grader's")


def test_an_exercise_without_a_variant_refuses_one():
    with pytest.raises(TypeError, match="has no variant"):
        exercises.check_rnn_forward(right_answer("rnn_forward"), variant="reset_after")


def test_changing_an_input_in_place_is_named():
    def changes_dh(dh, x, h_prev, h, params):
        result = right_answer("rnn_step_backward")(dh, x, h_prev, h, params)
        dh *= 2  # after computing: the outputs are right, the caller's array is not
        return result

    message = str(exercises.evaluate_rnn_step_backward(changes_dh))
    assert "changed its input `dh` in place" in message


def test_a_transposed_square_gradient_is_named():
    def transposed(dh, x, h_prev, h, params):
        dx, dh_prev, grads = right_answer("rnn_step_backward")(dh, x, h_prev, h, params)
        return dx, dh_prev, {**grads, "W_hh": grads["W_hh"].T}

    assert "it is the transpose of the right answer" in str(exercises.evaluate_rnn_step_backward(transposed))


def test_a_float32_answer_and_an_extra_state_are_named():
    def in_float32(xs, h0, W_hx, W_hh, b_h):
        return right_answer("rnn_forward")(xs, h0, W_hx, W_hh, b_h).astype(np.float32)

    def with_initial_state(xs, h0, W_hx, W_hh, b_h):
        return np.concatenate([h0[None], right_answer("rnn_forward")(xs, h0, W_hx, W_hh, b_h)])

    assert "float32: compute in float64" in str(exercises.evaluate_rnn_forward(in_float32))
    assert "did you include the initial state?" in str(exercises.evaluate_rnn_forward(with_initial_state))


def test_a_backward_shape_error_gets_the_backward_hint():
    def forward_habit(dh, x, h_prev, h, params):
        da = dh * (1 - h**2)
        return da @ params["W_hx"].T, da @ params["W_hh"], {}  # .T: the forward pass's habit

    message = str(exercises.evaluate_rnn_step_backward(forward_habit))
    assert "Going back, Wᵀ v for every row is `v @ W`, with no .T" in message
    assert "`x @ W.T`" not in message


def test_a_mistake_that_spoils_every_output_is_reported_where_it_starts():
    def wrong_tanh_prime(dh, x, h_prev, h, params):
        da = dh * (1 - h_prev**2)  # the previous state's slope
        grads = {"W_hx": da.T @ x, "W_hh": da.T @ h_prev, "b_h": da.sum(axis=0)}
        return da @ params["W_hx"], da @ params["W_hh"], grads

    message = str(exercises.evaluate_rnn_step_backward(wrong_tanh_prime))
    assert message.startswith("✗ rnn_step_backward: grads['b_h'] is wrong") and "da = dh * (1 - h**2)" in message
