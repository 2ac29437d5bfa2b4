"""The gradient checker itself: it must pass right gradients and catch wrong ones."""

import numpy as np
import pytest

from gru_course.gradcheck import expect_match, gradcheck, numerical_gradient, relative_error


def quadratic(arrays):
    """f(A, v) = Σ (A v)² + Σ v³, whose gradient is known in closed form."""
    a, v = arrays["A"], arrays["v"]
    return np.sum((a @ v) ** 2) + np.sum(v**3)


def quadratic_grads(a, v):
    av = a @ v
    return {"A": 2 * np.outer(av, v), "v": 2 * a.T @ av + 3 * v**2}


def test_numerical_gradient_matches_closed_form(rng):
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    numeric = numerical_gradient(quadratic, {"A": a, "v": v})
    exact = quadratic_grads(a, v)
    for name in exact:
        assert relative_error(numeric[name], exact[name]) < 1e-9


def test_numerical_gradient_leaves_inputs_untouched(rng):
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    a_before, v_before = a.copy(), v.copy()
    numerical_gradient(quadratic, {"A": a, "v": v})
    assert np.array_equal(a, a_before) and np.array_equal(v, v_before)


def test_gradcheck_passes_the_right_gradient(rng):
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    report = gradcheck(quadratic, {"A": a, "v": v}, quadratic_grads(a, v))
    assert report.passed
    assert max(report.errors.values()) < 1e-8


def test_gradcheck_names_the_wrong_array_and_index(rng):
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    grads = quadratic_grads(a, v)
    grads["A"][1, 2] += 1.0  # one wrong entry
    report = gradcheck(quadratic, {"A": a, "v": v}, grads)
    assert not report.passed
    assert report.worst == "A" and report.worst_index == (1, 2)
    assert report.errors["v"] < 1e-8
    text = str(report)
    assert "FAIL" in text and "A[1, 2]" in text


def test_gradcheck_catches_a_missing_factor(rng):
    """A gradient off by a factor of 2 everywhere is reported, not hidden by scale."""
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    grads = quadratic_grads(a, v)
    grads["v"] = grads["v"] / 2
    report = gradcheck(quadratic, {"A": a, "v": v}, grads)
    assert not report.passed and report.worst == "v"
    assert report.errors["v"] == pytest.approx(1 / 3, rel=1e-6)  # |g - g/2| / (|g| + |g/2|)


def test_relative_error_definition():
    a = np.array([1.0, -2.0, 0.0])
    b = np.array([1.0, -1.0, 0.0])
    # max|a - b| = 1, max(|a| + |b|) = 3
    assert relative_error(a, b) == pytest.approx(1 / 3)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # below the 1e-8 floor the denominator is 1e-8
    assert relative_error(np.array([1e-12]), np.array([0.0])) == pytest.approx(1e-4)


def test_relative_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"same shape.*\(3,\).*\(2,\)"):
        relative_error(np.zeros(3), np.zeros(2))


def test_gradcheck_reports_missing_and_misshapen_gradients(rng):
    a, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    with pytest.raises(ValueError, match="grads is missing 'v'"):
        gradcheck(quadratic, {"A": a, "v": v}, {"A": np.zeros((3, 4))})
    with pytest.raises(ValueError, match=r"grads\['v'\].*\(4,\).*\(5,\)"):
        gradcheck(quadratic, {"A": a, "v": v}, {"A": np.zeros((3, 4)), "v": np.zeros(5)})


def test_numerical_gradient_rejects_bad_arguments(rng):
    with pytest.raises(TypeError, match="arrays must be a non-empty dict"):
        numerical_gradient(quadratic, [1.0, 2.0])
    with pytest.raises(TypeError, match="f must be a callable"):
        numerical_gradient("not a function", {"v": np.ones(2)})
    with pytest.raises(ValueError, match="eps must be a positive number"):
        numerical_gradient(quadratic, {"v": np.ones(2)}, eps=0)
    with pytest.raises(TypeError, match=r"arrays\['v'\] must be a float32 or float64 array; got dtype int64"):
        numerical_gradient(quadratic, {"v": np.ones(2, dtype=np.int64)})


def test_expect_match_passes_and_fails():
    a = np.array([1.0, 2.0])
    assert "✓" in expect_match("dL/da", a, a + 1e-12)
    with pytest.raises(AssertionError, match=r"dL/da: relative error 3\.33e-01 exceeds 1e-07"):
        expect_match("dL/da", a, 2 * a)
