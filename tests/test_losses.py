"""Losses: values from first principles, gradients, stability and bad input."""

import numpy as np
import pytest

from gru_course.gradcheck import numerical_gradient, relative_error
from gru_course.losses import l2_loss, softmax_cross_entropy


def test_cross_entropy_of_uniform_scores_is_log_c():
    # equal scores give ŷ = 1/C for every class, so each step costs log C
    logits = np.zeros((3, 2, 4))
    targets = np.zeros((3, 2), dtype=int)
    loss, _ = softmax_cross_entropy(logits, targets)
    assert loss == pytest.approx(3 * np.log(4))  # three steps, averaged over two sequences


def test_cross_entropy_matches_its_definition(rng):
    logits = rng.normal(size=(4, 3, 5))
    targets = rng.integers(0, 5, size=(4, 3))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.log(np.take_along_axis(probs, targets[..., None], -1)).sum() / 3
    loss, dlogits = softmax_cross_entropy(logits, targets)
    assert loss == pytest.approx(expected, rel=1e-13)
    assert np.allclose(dlogits, (probs - np.eye(5)[targets]) / 3, rtol=1e-12)


def test_cross_entropy_gradient_matches_finite_differences(rng):
    logits = rng.normal(size=(2, 3, 4))
    targets = rng.integers(0, 4, size=(2, 3))
    _, dlogits = softmax_cross_entropy(logits, targets)
    numeric = numerical_gradient(lambda a: softmax_cross_entropy(a["o"], targets)[0], {"o": logits})["o"]
    assert relative_error(dlogits, numeric) < 1e-8


def test_cross_entropy_is_finite_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        right, _ = softmax_cross_entropy(logits, np.array([0]))
        wrong, grad = softmax_cross_entropy(logits, np.array([1]))
    assert right == 0.0
    assert wrong == pytest.approx(2e4)  # -log ŷ_1 = 1e4 - (-1e4)
    assert np.isfinite(grad).all()


def test_cross_entropy_keeps_float32():
    loss, grad = softmax_cross_entropy(np.zeros((2, 3), np.float32), np.array([0, 2]))
    assert loss.dtype == np.float32 and grad.dtype == np.float32


def test_l2_loss_value_and_gradient(rng):
    p, y = rng.normal(size=(3, 2, 4)), rng.normal(size=(3, 2, 4))
    loss, grad = l2_loss(p, y)
    assert loss == pytest.approx(0.5 * np.sum((p - y) ** 2) / 2)
    numeric = numerical_gradient(lambda a: l2_loss(a["p"], y)[0], {"p": p})["p"]
    assert relative_error(grad, numeric) < 1e-9


def test_cross_entropy_rejects_bad_targets():
    logits = np.zeros((2, 3))
    with pytest.raises(TypeError, match=r"targets must be an integer array of class indices; got dtype float64"):
        softmax_cross_entropy(logits, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"targets must be class indices in \[0, 3\) .* got values from 0 to 3"):
        softmax_cross_entropy(logits, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"targets must have shape \(B\) = \(2,\); got \(3,\)"):
        softmax_cross_entropy(logits, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"logits must have 3 dimensions \(T, B, C\) or 2 \(B, C\); got 1"):
        softmax_cross_entropy(np.zeros(3), np.array(0))


def test_l2_loss_rejects_mismatched_targets():
    with pytest.raises(ValueError, match=r"targets must have shape \(B, K\) = \(2, 3\); got \(2, 4\)"):
        l2_loss(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(TypeError, match="targets has dtype float32 but predictions has dtype float64"):
        l2_loss(np.zeros((2, 3)), np.zeros((2, 3), np.float32))
