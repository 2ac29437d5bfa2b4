"""The training loop: loss functions against their definitions and finite
differences, learning on the two tasks, the progress bar, and bad input."""

import re

import numpy as np
import pytest

from conftest import CASE_IDS, CASES
from gru_course import data, gru, lstm, optim, output, rnn
from gru_course.gradcheck import gradcheck
from gru_course.train import evaluate, init_params, last_step_mse, sequence_cross_entropy, train


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


def adding_batches(batch, steps, rng):
    return lambda: data.adding_problem(batch, steps, rng)


def test_init_params_holds_the_model_and_the_readout(rng):
    params = init_params(gru, 2, 5, 3, rng, dtype=np.float32)
    assert set(params) == set(gru.param_shapes(2, 5)) | {"W_oh", "b_o"}
    assert params["W_oh"].shape == (3, 5) and params["b_o"].shape == (3,)
    assert all(p.dtype == np.float32 for p in params.values())


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_last_step_mse_is_the_plain_mean_squared_error(model, variant, rng):
    params = init_params(model, 2, 4, 1, rng)
    xs, targets = data.adding_problem(6, 5, rng)
    loss, _ = last_step_mse(model, params, xs, targets, variant=variant)
    layer = {k: v for k, v in params.items() if k not in ("W_oh", "b_o")}
    extra = {} if variant is None else {"variant": variant}
    hs, _ = model.forward(xs, np.zeros((6, 4)), layer, **extra)
    prediction = hs[-1] @ params["W_oh"].T + params["b_o"]
    assert loss == pytest.approx(np.mean((prediction - targets) ** 2), rel=1e-12)


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_loss_gradients_match_finite_differences(model, variant, rng):
    params = init_params(model, 2, 4, 1, rng)
    xs, targets = data.adding_problem(3, 5, rng)
    _, grads = last_step_mse(model, params, xs, targets, variant=variant)
    report = gradcheck(lambda a: last_step_mse(model, a, xs, targets, variant=variant)[0], params, grads)
    assert report.passed, str(report)
    params = init_params(model, 5, 4, 4, rng)
    xs, targets = data.copy_task(3, 6, rng, symbols=3, length=2)
    _, grads = sequence_cross_entropy(model, params, xs, targets, variant=variant)
    report = gradcheck(lambda a: sequence_cross_entropy(model, a, xs, targets, variant=variant)[0], params, grads)
    assert report.passed, str(report)


def test_the_lstm_trains_through_the_same_losses(rng):
    """The LSTM starts from h0 = c0 = 0; both losses' gradients match finite differences."""
    params = init_params(lstm, 2, 4, 1, rng)
    xs, targets = data.adding_problem(3, 5, rng)
    loss, grads = last_step_mse(lstm, params, xs, targets)
    layer = {k: v for k, v in params.items() if k not in ("W_oh", "b_o")}
    hs, _ = lstm.forward(xs, np.zeros((3, 4)), np.zeros((3, 4)), layer)
    assert loss == pytest.approx(np.mean((hs[-1] @ params["W_oh"].T + params["b_o"] - targets) ** 2), rel=1e-12)
    assert gradcheck(lambda a: last_step_mse(lstm, a, xs, targets)[0], params, grads).passed
    params = init_params(lstm, 5, 4, 4, rng)
    xs, targets = data.copy_task(3, 6, rng, symbols=3, length=2)
    _, grads = sequence_cross_entropy(lstm, params, xs, targets)
    assert gradcheck(lambda a: sequence_cross_entropy(lstm, a, xs, targets)[0], params, grads).passed
    with raises(ValueError, "variant is only for gru_course.gru; got 'reset_after' with gru_course.lstm"):
        last_step_mse(lstm, params, xs[:, :, :5], targets, variant="reset_after")


def test_sequence_cross_entropy_is_output_loss_of_the_states(rng):
    params = init_params(rnn, 6, 4, 5, rng)
    xs, targets = data.copy_task(3, 9, rng)
    loss, _ = sequence_cross_entropy(rnn, params, xs, targets)
    layer = {k: v for k, v in params.items() if k not in ("W_oh", "b_o")}
    hs, _ = rnn.forward(xs, np.zeros((3, 4)), layer)
    expected, _, _ = output.loss(hs, targets, {"W_oh": params["W_oh"], "b_o": params["b_o"]})
    assert loss == pytest.approx(expected, rel=1e-12)


def test_a_tiny_gru_learns_the_adding_problem():
    # T = 10, H = 8: measured final losses 0.002 to 0.02 over six seeds, from about 0.2 to 1.5
    rng = np.random.default_rng(3)
    params = init_params(gru, 2, 8, 1, rng)
    history = train(
        gru,
        params,
        adding_batches(32, 10, rng),
        last_step_mse,
        optim.Adam(0.02),
        150,
        clip=1.0,
        progress=False,
    )
    assert history[-10:].mean() < 0.5 * history[:10].mean()
    held_out = data.adding_problem(500, 10, np.random.default_rng(1))
    assert evaluate(gru, params, held_out, last_step_mse) < 0.05  # the baseline is 1/6


def test_a_gru_learns_the_copy_task():
    # measured: from about 8 to 0.01; a model without memory cannot beat K log S = 2.2
    rng = np.random.default_rng(0)
    params = init_params(gru, 5, 16, 4, rng)
    history = train(
        gru,
        params,
        lambda: data.copy_task(32, 8, rng, symbols=3, length=2),
        sequence_cross_entropy,
        optim.Adam(0.02),
        200,
        clip=1.0,
        progress=False,
    )
    assert history[-20:].mean() < 2 * np.log(3)


@pytest.mark.parametrize(("model", "variant"), CASES, ids=CASE_IDS)
def test_train_updates_params_in_place_and_returns_one_loss_per_step(model, variant, rng):
    params = init_params(model, 2, 4, 1, rng)
    arrays, before = dict(params), {k: v.copy() for k, v in params.items()}
    history = train(
        model,
        params,
        adding_batches(4, 6, rng),
        last_step_mse,
        optim.SGD(0.1),
        3,
        variant=variant,
        progress=False,
    )
    assert history.shape == (3,) and history.dtype == np.float64 and np.all(np.isfinite(history))
    assert all(params[k] is arrays[k] for k in params)  # the same arrays ...
    assert all(not np.array_equal(params[k], before[k]) for k in ("W_oh", "b_o"))  # ... with new values


def test_evaluate_does_not_change_params(rng):
    params = init_params(gru, 2, 4, 1, rng)
    before = {k: v.copy() for k, v in params.items()}
    loss = evaluate(gru, params, data.adding_problem(8, 6, rng), last_step_mse, variant="reset_after")
    assert isinstance(loss, float) and loss > 0
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_history_is_the_loss_before_each_update(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    copy = {k: v.copy() for k, v in params.items()}
    batch = data.adding_problem(4, 5, rng)
    first = evaluate(rnn, params, batch, last_step_mse)
    history = train(rnn, params, lambda: batch, last_step_mse, optim.SGD(0.1), 2, progress=False)
    assert history[0] == pytest.approx(first, rel=1e-14)
    train(rnn, copy, lambda: batch, last_step_mse, optim.SGD(0.1), 1, progress=False)  # one update only
    assert history[1] == pytest.approx(evaluate(rnn, copy, batch, last_step_mse), rel=1e-14)


def test_clipping_bounds_each_update(rng):
    # with SGD(lr) and clip c, no parameter can move by more than lr · c in one step
    params = init_params(rnn, 2, 3, 1, rng)
    before = {k: v.copy() for k, v in params.items()}
    xs, targets = data.adding_problem(4, 5, rng)
    train(rnn, params, lambda: (xs, 100 * targets), last_step_mse, optim.SGD(1.0), 1, clip=1e-3, progress=False)
    moved = np.sqrt(sum(np.sum((params[k] - before[k]) ** 2) for k in params))
    assert moved == pytest.approx(1e-3, rel=1e-9)


def test_progress_bar_shows_unless_turned_off_or_on_ci(rng, capsys, monkeypatch):
    params = init_params(rnn, 2, 3, 1, rng)

    def run(progress):
        train(rnn, params, adding_batches(2, 4, rng), last_step_mse, optim.SGD(0.01), 2, progress=progress)
        return capsys.readouterr().err

    monkeypatch.delenv("CI", raising=False)
    assert "training" in run(True)
    assert run(False) == ""
    monkeypatch.setenv("CI", "true")
    assert run(True) == ""


# ----------------------------------------------------------------------------
# Bad input: one test per rule.


def test_model_must_be_a_recurrent_module(rng):
    params = init_params(gru, 2, 3, 1, rng)
    with raises(TypeError, "model must be the module gru_course.rnn, gru_course.gru or gru_course.lstm; got str"):
        train("gru", params, adding_batches(2, 4, rng), last_step_mse, optim.Adam(0.1), 1)
    with raises(TypeError, "model must be the module gru_course.rnn, gru_course.gru or", "got gru_course.output"):
        init_params(output, 2, 3, 1, rng)


def test_variant_only_for_the_gru(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    with raises(ValueError, "variant is only for gru_course.gru; got 'reset_after' with gru_course.rnn"):
        train(rnn, params, adding_batches(2, 4, rng), last_step_mse, optim.Adam(0.1), 1, variant="reset_after")
    with raises(ValueError, "variant must be 'reset_before' or 'reset_after'; got 'reset'"):
        evaluate(
            gru,
            init_params(gru, 2, 3, 1, rng),
            data.adding_problem(2, 4, rng),
            last_step_mse,
            variant="reset",
        )


def test_pluggable_arguments_must_be_callable(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    batch = data.adding_problem(2, 4, rng)
    with raises(TypeError, "make_batch must be a function returning (xs, targets); got tuple"):
        train(rnn, params, batch, last_step_mse, optim.Adam(0.1), 1)
    with raises(TypeError, "loss_fn must be a function", "got str"):
        train(rnn, params, lambda: batch, "mse", optim.Adam(0.1), 1)
    with raises(TypeError, "optimizer must have a step(params, grads) method, like optim.Adam; got float"):
        train(rnn, params, lambda: batch, last_step_mse, 0.1, 1)


def test_make_batch_must_return_a_pair(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    with raises(TypeError, "make_batch() must be a pair (xs, targets); got ndarray"):
        train(rnn, params, lambda: np.zeros((4, 2, 2)), last_step_mse, optim.Adam(0.1), 1, progress=False)


def test_steps_and_clip(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    with raises(ValueError, "steps must be a positive int; got 0"):
        train(rnn, params, adding_batches(2, 4, rng), last_step_mse, optim.Adam(0.1), 0)
    with raises(ValueError, "clip must be a positive number; got -1.0"):
        train(rnn, params, adding_batches(2, 4, rng), last_step_mse, optim.Adam(0.1), 1, clip=-1.0)


def test_params_need_the_readout(rng):
    params = rnn.init_params(2, 3, rng)
    with raises(ValueError, "params is missing the readout's 'W_oh' (W_oh (C, H) and b_o (C,))"):
        evaluate(rnn, params, data.adding_problem(2, 4, rng), last_step_mse)


def test_targets_must_fit_the_readout(rng):
    params = init_params(rnn, 2, 3, 1, rng)
    xs, targets = data.adding_problem(2, 4, rng)
    with raises(ValueError, "targets must have shape (B, K) = (2, 1); got (2, 2)"):
        evaluate(rnn, params, (xs, np.hstack([targets, targets])), last_step_mse)


def test_a_diverging_loss_stops_training(rng):
    params = init_params(rnn, 2, 3, 1, rng)

    def broken_loss(model, params, xs, targets, variant=None):
        _, grads = last_step_mse(model, params, xs, targets, variant)
        return np.nan, grads

    with raises(FloatingPointError, "the loss became nan at step 0: lower the learning rate or set clip"):
        train(rnn, params, adding_batches(2, 4, rng), broken_loss, optim.Adam(0.1), 3, progress=False)
