"""Shared helpers: random models and inputs, and full-model loss functions."""

import os

import numpy as np
import pytest
from hypothesis import settings

from gru_course import gru, rnn


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)


MODELS = {"rnn": rnn, "gru": gru}


def make_inputs(model, rng, steps=4, batch=2, inputs=3, hidden=5, dtype=np.float64):
    """Random params, xs (T, B, D), h0 (B, H) for ``model`` (the rnn or gru module)."""
    params = model.init_params(inputs, hidden, rng, dtype=dtype)
    xs = rng.normal(size=(steps, batch, inputs)).astype(dtype)
    h0 = rng.normal(size=(batch, hidden)).astype(dtype)
    return params, xs, h0


def run(model, xs, h0, params, variant):
    """forward() of either model; ``variant`` is None for the RNN."""
    if variant is None:
        return model.forward(xs, h0, params)
    return model.forward(xs, h0, params, variant=variant)


def run_step(model, x, h, params, variant):
    if variant is None:
        return model.step_forward(x, h, params)
    return model.step_forward(x, h, params, variant=variant)


# (model module, variant) pairs covering the RNN and both GRU conventions.
CASES = [(rnn, None), (gru, "reset_before"), (gru, "reset_after")]
CASE_IDS = ["rnn", "gru-reset_before", "gru-reset_after"]


# Property tests draw the same examples on every run, so CI never meets a new
# random case: exploration happens when a developer runs with
# HYPOTHESIS_PROFILE=explore.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
