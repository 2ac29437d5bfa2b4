"""The exercise checkers: they pass correct code, reject every broken specimen
of the bug zoo that concerns them, and explain (never crash on) bad answers."""

import numpy as np
import pytest

from gru_course import analysis, bugzoo, exercises, gru, losses, optim, rnn
from gru_course.gradcheck import numerical_gradient, relative_error

# Correct implementations, written against the library, one per exercise.


def rnn_forward(xs, a0, W_xh, W_ah, b_h):
    params = {"W_xh": W_xh, "W_ah": W_ah, "b_xh": b_h, "b_ah": np.zeros_like(b_h)}
    return rnn.forward(xs, a0, params)[0]


def softmax_backward(logits, targets):
    return losses.softmax_cross_entropy(logits, targets)[1]


def rnn_step_backward(da, x, a_prev, a, params):
    _, cache = rnn.step_forward(x, a_prev, params)
    dx, da_prev, g = rnn.step_backward(da, cache)
    return dx, da_prev, {"W_xh": g["W_xh"], "W_ah": g["W_ah"], "b_h": g["b_xh"]}


def rnn_backward(dhs, xs, a0, hs, params):
    _, cache = rnn.forward(xs, a0, params)
    dxs, da0, g = rnn.backward(dhs, cache)
    return dxs, da0, {"W_xh": g["W_xh"], "W_ah": g["W_ah"], "b_h": g["b_xh"]}


def gru_step_after(x, h_prev, params):
    return gru.step_forward(x, h_prev, params, variant="reset_after")[0]


def square(tape, a):
    out = tape.record(a.data**2, None, "square", (a,))

    def backward_step():
        a.grad += out.grad * 2 * a.data

    out.backward_step = backward_step
    return out


def gru_backward(dhs, xs, h0, params):
    return gru.backward(dhs, gru.forward(xs, h0, params)[1])


def keras_converter(kernel, recurrent_kernel, bias):
    H = recurrent_kernel.shape[0]
    params = {}
    for i, gate in enumerate("zrh"):
        rows = slice(i * H, (i + 1) * H)
        params.update({f"W_{gate}x": kernel[:, rows].T, f"W_{gate}h": recurrent_kernel[:, rows].T})
        params.update({f"b_{gate}x": bias[0, rows], f"b_{gate}h": bias[1, rows]})
    return params


def my_gradcheck(f, x, analytic, eps=1e-6, tol=1e-7):
    numeric = numerical_gradient(lambda a: f(a["x"]), {"x": x}, eps)["x"]
    return bool(relative_error(analytic, numeric) <= tol)


REFERENCES = {
    "rnn_forward": (exercises.evaluate_rnn_forward, rnn_forward),
    "softmax_cross_entropy_backward": (exercises.evaluate_softmax_cross_entropy_backward, softmax_backward),
    "rnn_step_backward": (exercises.evaluate_rnn_step_backward, rnn_step_backward),
    "rnn_backward": (exercises.evaluate_rnn_backward, rnn_backward),
    "gru_step_reset_after": (exercises.evaluate_gru_step_reset_after, gru_step_after),
    "gru_step_backward": (exercises.evaluate_gru_step_backward, lambda dh, c: gru.step_backward(dh, c)),
    "tape_square": (exercises.evaluate_tape_square, square),
    "gru_backward": (exercises.evaluate_gru_backward, gru_backward),
    "keras_converter": (exercises.evaluate_keras_converter, keras_converter),
    "gru_jacobian": (
        exercises.evaluate_gru_jacobian,
        lambda x, h, p: analysis.gru_jacobian(x, h, p, "reset_after"),
    ),
    "clip_by_global_norm": (exercises.evaluate_clip_by_global_norm, optim.clip_by_global_norm),
    "gradcheck": (exercises.evaluate_gradcheck, my_gradcheck),
}


@pytest.mark.parametrize("name", REFERENCES)
def test_checker_passes_a_correct_solution(name):
    evaluate, reference = REFERENCES[name]
    verdict = evaluate(reference)
    assert verdict.passed, str(verdict)
    assert str(verdict).startswith("✓")


@pytest.mark.parametrize("specimen", bugzoo.SPECIMENS)
def test_checker_rejects_every_broken_specimen(specimen):
    function, exercise, _ = bugzoo.SPECIMENS[specimen]
    evaluate, _ = REFERENCES[exercise]
    verdict = evaluate(function)
    assert not verdict.passed, f"{exercise} accepted the specimen {specimen!r}"
    assert str(verdict).startswith("✗") and ("Hint" in str(verdict) or "your check" in str(verdict))


def test_every_exercise_with_a_checker_has_specimens_or_is_covered():
    concerned = {exercise for _, exercise, _ in bugzoo.SPECIMENS.values()}
    assert concerned <= set(REFERENCES)
    assert len(bugzoo.SPECIMENS) >= 7


BAD_ANSWERS = {
    "None": (lambda *args: None, "None"),
    "an exception": (lambda *args: 1 / 0, "ZeroDivisionError"),
    "not implemented": (lambda *args: (_ for _ in ()).throw(NotImplementedError()), "not implemented yet"),
    "a string": (lambda *args: "hello", ""),
    "NaN": (lambda *args: np.full(np.shape(args[0]), np.nan), ""),
}


@pytest.mark.parametrize("bad", BAD_ANSWERS)
@pytest.mark.parametrize("name", REFERENCES)
def test_checker_explains_bad_answers_without_crashing(name, bad):
    evaluate, _ = REFERENCES[name]
    fn, phrase = BAD_ANSWERS[bad]
    verdict = exercises._guard(name, evaluate, fn)
    assert not verdict.passed
    message = str(verdict)
    assert message.startswith("✗") and phrase in message
    assert "Traceback" not in message


def test_not_callable_is_explained():
    verdict = exercises._guard("rnn_forward", exercises.evaluate_rnn_forward, 42)
    assert not verdict.passed and "expected a function, got int" in str(verdict)


def test_wrong_shape_and_transposition_are_named():
    def transposed_step(da, x, a_prev, a, params):
        dx, da_prev, grads = rnn_step_backward(da, x, a_prev, a, params)
        return dx, da_prev, {**grads, "W_xh": grads["W_xh"].T}

    verdict = exercises.evaluate_rnn_step_backward(transposed_step)
    assert "grads['W_xh'] has shape" in str(verdict) and "looks transposed" in str(verdict)


def test_an_error_in_learner_code_names_its_line():
    def buggy(xs, a0, W_xh, W_ah, b_h):
        return xs @ W_ah  # shapes do not fit

    verdict = exercises.evaluate_rnn_forward(buggy)
    assert "raised ValueError" in str(verdict) and "line" in str(verdict) and "xs @ W_ah" in str(verdict)


def test_check_prints_its_verdict_and_returns_nothing(capsys):
    assert exercises.check_rnn_forward(rnn_forward) is None
    assert capsys.readouterr().out.startswith("✓ rnn_forward")
    assert exercises.check_rnn_forward(lambda *a: None) is None
    assert "None" in capsys.readouterr().out


def test_grading_mode_raises_after_explaining(monkeypatch, capsys):
    monkeypatch.setenv("GRU_COURSE_GRADING", "1")
    with pytest.raises(exercises.ExerciseFailed, match="not implemented yet"):
        exercises.check_rnn_forward(lambda *a: (_ for _ in ()).throw(NotImplementedError()))
    assert "✗ rnn_forward" in capsys.readouterr().out
    exercises.check_rnn_forward(rnn_forward)  # a passing check does not raise
