"""The checkers of the book's implementation exercises.

In a notebook, after writing a function, a learner runs its check::

    from gru_course.exercises import check_rnn_backward

    check_rnn_backward(my_rnn_backward)

The check runs the function on random cases of several sizes (batch size 1
included) in float64, and on the hard cases of its exercise (large logits, a
value used twice on the tape, a gradient that needs no clipping, ...), and
prints a verdict: a ✓, or what is wrong. When the answer matches a known
mistake of the bug zoo (:mod:`gru_course.bugzoo`), the verdict names it and
says how to fix it; otherwise it says which output is wrong, by how much, and
where to look. The package functions that compute what the exercise asks are
off limits while the learner's function runs (:mod:`gru_course.shortcuts`);
the building blocks it legitimately uses stay available.

A check prints and returns nothing. For grading, a test cell calls it with
``must_pass=True``: a wrong, missing or shortcut answer then raises
:class:`ExerciseFailed` with the explanation as its message, which fails the
cell (nbgrader gives it no points), and a right answer prints its ✓.
``hidden=True`` runs the grader's own cases (other sizes and seeds), which a
graded notebook keeps out of the student's copy. ``evaluate_<name>(fn)``
returns the :class:`~gru_course.checking.Verdict` instead of printing it.
"""

import numpy as np

from . import activations, analysis, bugzoo, charlm, gradcheck, gru, losses, lstm, optim, output, rnn, train
from .checking import (  # noqa: F401 (re-exported for notebooks)
    ROWS_GO_BACK,
    Exercise,
    ExerciseFailed,
    Problem,
    Verdict,
    dict_outputs,
    guarded,
    outputs_of,
    returns,
)
from .tape import Tape, Value

STEP_CASES = (dict(B=1, D=3, H=4), dict(B=3, D=2, H=5), dict(B=2, D=4, H=3))
HIDDEN_STEP_CASES = (dict(B=4, D=5, H=6), dict(B=1, D=1, H=2))
SEQUENCE_CASES = (dict(T=1, B=1, D=3, H=4), dict(T=5, B=3, D=2, H=5), dict(T=4, B=1, D=4, H=3))
HIDDEN_SEQUENCE_CASES = (dict(T=7, B=2, D=3, H=6), dict(T=3, B=4, D=1, H=2))
RNN_GRAD_KEYS = ("W_hx", "W_hh", "b_h")
GRU_KEYS = tuple(gru.param_shapes(1, 1))
# Everything that would hand a learner a gradient without writing it: reverse-mode
# autodiff on the tape.
AUTODIFF = (Tape.backward,)


def _rnn_grads(g):
    """The package's RNN gradients under the exercises' names (one bias b_h)."""
    return {"W_hx": g["W_hx"], "W_hh": g["W_hh"], "b_h": g["b_hx"]}


def _rnn_params(rng, D, H):
    """The package's parameters, and the exercises' (one bias b_h = b_hx + b_hh)."""
    p = rnn.init_params(D, H, rng)
    return p, {"W_hx": p["W_hx"], "W_hh": p["W_hh"], "b_h": p["b_hx"] + p["b_hh"]}


def _package_rnn_params(params):
    """The package's parameters from the exercises' (b_h as b_hx, and b_hh = 0)."""
    return {"W_hx": params["W_hx"], "W_hh": params["W_hh"], "b_hx": params["b_h"], "b_hh": np.zeros_like(params["b_h"])}


# ----------------------------------------------------------------------------
# Part I: the RNN.


def _rnn_forward_args(rng, T, B, D, H):
    _, p = _rnn_params(rng, D, H)
    return rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), p["W_hx"], p["W_hh"], p["b_h"]


def _rnn_forward_reference(xs, h0, W_hx, W_hh, b_h):
    return rnn.forward(xs, h0, _package_rnn_params({"W_hx": W_hx, "W_hh": W_hh, "b_h": b_h}))[0]


RNN_FORWARD = Exercise(
    name="rnn_forward",
    mistakes=bugzoo.mistakes_of("rnn_forward"),
    task="write the loop over time",
    make_args=_rnn_forward_args,
    run=returns("hs"),
    reference=_rnn_forward_reference,
    cases=SEQUENCE_CASES,
    hidden_cases=HIDDEN_SEQUENCE_CASES,
    where_to_look={"hs": "the states h_1 ... h_T, in order: h_t = tanh(x_t @ W_hx.T + h_{t-1} @ W_hh.T + b_h)"},
    forbidden=(rnn.forward, rnn.step_forward),
)


def _softmax_args(rng, B, C, scale):
    return scale * rng.normal(size=(B, C)), rng.integers(0, C, size=B)


SOFTMAX = Exercise(
    name="softmax_cross_entropy_backward",
    mistakes=bugzoo.mistakes_of("softmax_cross_entropy_backward"),
    task="write the gradient of the softmax cross-entropy",
    make_args=_softmax_args,
    run=returns("dlogits"),
    reference=lambda logits, targets: losses.softmax_cross_entropy(logits, targets)[1],
    cases=(dict(B=1, C=3, scale=1.0), dict(B=4, C=5, scale=1.0), dict(B=3, C=4, scale=1000.0)),
    hidden_cases=(dict(B=6, C=2, scale=3.0), dict(B=2, C=7, scale=500.0)),
    where_to_look={"dlogits": "∂L/∂o = (softmax(o) - one_hot(target)) / B, row by row"},
    forbidden=(losses.softmax_cross_entropy, output.loss, output.backward, *AUTODIFF),
)


def _rnn_step_args(rng, B, D, H):
    package, p = _rnn_params(rng, D, H)
    x, h_prev, dh = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    h, _ = rnn.step_forward(x, h_prev, package)
    return dh, x, h_prev, h, p


def _rnn_step_reference(dh, x, h_prev, h, params):
    _, cache = rnn.step_forward(x, h_prev, _package_rnn_params(params))
    dx, dh_prev, g = rnn.step_backward(dh, cache)
    return dx, dh_prev, _rnn_grads(g)


RNN_STEP_BACKWARD = Exercise(
    name="rnn_step_backward",
    mistakes=bugzoo.mistakes_of("rnn_step_backward"),
    task="write the backward pass of the cell",
    make_args=_rnn_step_args,
    run=returns("dx", "dh_prev", ("grads", RNN_GRAD_KEYS)),
    reference=_rnn_step_reference,
    cases=STEP_CASES,
    hidden_cases=HIDDEN_STEP_CASES,
    where_to_look={
        "grads['b_h']": "da = dh * (1 - h**2), the gradient at the pre-activation a_t; b_h's is its batch sum",
        "grads['W_hx']": "∂L/∂W_hx = da.T @ x (shape H × D)",
        "grads['W_hh']": "∂L/∂W_hh = da.T @ h_prev (shape H × H)",
        "dx": "∂L/∂x_t = da @ W_hx",
        "dh_prev": "∂L/∂h_{t-1} = da @ W_hh: W_hhᵀ da for every row",
    },
    forbidden=(rnn.step_backward, rnn.backward, rnn.truncated_backward, analysis.rnn_jacobian, *AUTODIFF),
    shape_hint=ROWS_GO_BACK,
    first=("grads['b_h']",),  # b_h's gradient is Σ da: wrong there means da itself is wrong
)


def _rnn_backward_args(rng, T, B, D, H):
    package, p = _rnn_params(rng, D, H)
    xs, h0, dhs = rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(T, B, H))
    hs, _ = rnn.forward(xs, h0, package)
    return dhs, xs, h0, hs, p


def _rnn_backward_reference(dhs, xs, h0, hs, params):
    _, cache = rnn.forward(xs, h0, _package_rnn_params(params))
    dxs, dh0, g = rnn.backward(dhs, cache)
    return dxs, dh0, _rnn_grads(g)


RNN_BACKWARD = Exercise(
    name="rnn_backward",
    mistakes=bugzoo.mistakes_of("rnn_backward"),
    task="write the BPTT loop",
    make_args=_rnn_backward_args,
    run=returns("dxs", "dh0", ("grads", RNN_GRAD_KEYS)),
    reference=_rnn_backward_reference,
    cases=SEQUENCE_CASES,
    hidden_cases=HIDDEN_SEQUENCE_CASES,
    where_to_look={
        "grads": "walk the steps backwards, t = T-1 ... 0 in Python: da[t] = (dhs[t] + da[t+1] @ W_hh) * "
        "(1 - hs[t]**2), and add each step's share; b_h's gradient is the sum of every da[t]",
        "dxs": "∂L/∂x_t = da_t @ W_hx at every step",
        "dh0": "∂L/∂h_0 = da_1 @ W_hh, what flows out of the first step",
    },
    forbidden=(rnn.backward, rnn.truncated_backward, *AUTODIFF),
    shape_hint=ROWS_GO_BACK,
    first=("grads['b_h']",),  # b_h's gradient is Σ da_t: wrong there means the recursion is wrong
)


# ----------------------------------------------------------------------------
# Part II: the GRU.


def _gru_step_args(rng, B, D, H):
    return rng.normal(size=(B, D)), rng.normal(size=(B, H)), gru.init_params(D, H, rng)


GRU_STEP_RESET_AFTER = Exercise(
    name="gru_step_reset_after",
    mistakes=bugzoo.mistakes_of("gru_step_reset_after"),
    task="write the GRU step",
    make_args=_gru_step_args,
    run=returns("h"),
    reference=lambda x, h_prev, p: gru.step_forward(x, h_prev, p, variant="reset_after")[0],
    cases=STEP_CASES,
    hidden_cases=HIDDEN_STEP_CASES,
    where_to_look={
        "h": "z, r, then h~ = tanh(x @ W_hx.T + b_hx + r * (h_prev @ W_hh.T + b_hh)), h = z h_prev + (1 - z) h~"
    },
    forbidden=(gru.step_forward, gru.forward, gru.record_step),
)


def _gru_step_backward(variant):
    def make_args(rng, B, D, H):
        x, h_prev, p = _gru_step_args(rng, B, D, H)
        _, cache = gru.step_forward(x, h_prev, p, variant=variant)
        return rng.normal(size=(B, H)), dict(cache)

    update = "∂L/∂z = dh ∘ (h_prev - h~), then through σ': ḡ3 = z̄ ∘ z (1 - z)"
    candidate = "ḡ10 = dh ∘ (1 - z) ∘ (1 - h~²), the gradient at the candidate's pre-activation"
    if variant == "reset_before":
        reset = "r̄ = (ḡ10 @ W_hh) ∘ h_prev, then through σ': ḡ6 = r̄ ∘ r (1 - r)"
        w_hh = "∂L/∂W_hh = ḡ10.T @ (r ∘ h_prev)"
    else:
        reset = "r̄ = ḡ10 ∘ (W_hh h_prev + b_hh), then through σ': ḡ6 = r̄ ∘ r (1 - r)"
        w_hh = (
            "the reset multiplies after W_hh: ∂L/∂(W_hh h_prev + b_hh) = ḡ10 ∘ r, and ∂L/∂W_hh = (ḡ10 ∘ r).T @ h_prev"
        )
    # the keys are label prefixes: "grads['W_z" covers W_zx and W_zh
    where = {"grads['W_hh']": w_hh, "grads['b_hh']": w_hh, "grads['W_hx']": candidate, "grads['b_hx']": candidate}
    where |= {f"grads['{k}": hint for k, hint in (("W_z", update), ("b_z", update), ("W_r", reset), ("b_r", reset))}
    where |= {
        "dx": "x feeds three products: add its W_zx, W_rx and W_hx terms",
        "dh_prev": "h_prev is used four times: directly (dh ∘ z), and through z, r and the candidate; add all four",
    }
    return Exercise(
        name=f"gru_step_backward ({variant})",
        mistakes=tuple(m for m in bugzoo.mistakes_of("gru_step_backward") if variant in m.variants),
        task="write the backward pass of the step",
        make_args=make_args,
        run=returns("dx", "dh_prev", ("grads", GRU_KEYS)),
        reference=gru.step_backward,
        shape_hint=ROWS_GO_BACK,
        # each branch's bias gradient is its pre-activation's adjoint summed: where a mistake starts
        first=("grads['b_zx']", "grads['b_rx']", "grads['b_hx']", "grads['b_hh']"),
        cases=STEP_CASES,
        hidden_cases=HIDDEN_STEP_CASES,
        where_to_look=where,
        forbidden=(gru.step_backward, gru.step_backward_named, gru.backward, analysis.gru_jacobian, *AUTODIFF),
    )


def _tape_args(rng, B, H):
    return rng.normal(size=(B, H)), rng.normal(size=(B, H)), rng.normal(size=(B, H))


def _run_square(call, fn, args):
    """Record ``fn``'s square of a on a tape, use a a second time *after* it, and backpropagate
    L = Σ upstream ∘ square(a) + Σ w ∘ a, so that the square's backward step runs last."""
    a_data, upstream, w = args
    tape = Tape()
    a = tape.input(a_data, "a")
    out = call(fn, tape, a)
    if not isinstance(out, Value) or out not in tape.values:
        got = type(out).__name__
        raise Problem(f"square should return the Value it recorded with tape.record(...); got {got}")
    step = out.backward_step
    if step is not None:
        out.backward_step = lambda: call(step)
    weighted = tape.sum(tape.multiply(out, tape.input(upstream, "upstream")))
    tape.backward(tape.add(weighted, tape.sum(tape.multiply(a, tape.input(w, "w")))))
    return {"square(a).data": out.data, "a.grad": a.grad}


TAPE_SQUARE = Exercise(
    name="tape_square",
    mistakes=bugzoo.mistakes_of("tape_square"),
    task="record the square as a new operation with its own backward step",
    make_args=_tape_args,
    run=_run_square,
    reference=lambda tape, a: tape.multiply(a, a),
    cases=(dict(B=1, H=3), dict(B=3, H=2)),
    hidden_cases=(dict(B=4, H=5),),
    where_to_look={
        "square(a).data": "the forward result is a.data ** 2",
        "a.grad": "backward_step must add out.grad * 2 * a.data to a.grad (here `a` is also used after the square)",
    },
    forbidden=(Tape.multiply,),
)


def _gru_backward_args(rng, T, B, D, H):
    p = gru.init_params(D, H, rng)
    return rng.normal(size=(T, B, H)), rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), p


GRU_BACKWARD = Exercise(
    name="gru_backward",
    mistakes=bugzoo.mistakes_of("gru_backward"),
    task="write the BPTT loop",
    make_args=_gru_backward_args,
    run=returns("dxs", "dh0", ("grads", GRU_KEYS)),
    reference=lambda dhs, xs, h0, params: gru.backward(dhs, gru.forward(xs, h0, params)[1]),
    cases=SEQUENCE_CASES,
    hidden_cases=HIDDEN_SEQUENCE_CASES,
    where_to_look={
        "grads": "h̄_t = dhs[t] + what step t+1 hands back; add every step's share of each weight",
        "dxs": "each step's ∂L/∂x_t comes from its own step backward",
        "dh0": "∂L/∂h_0 is what the first step hands back",
    },
    forbidden=(gru.backward, *AUTODIFF),
    shape_hint=ROWS_GO_BACK,
)


def _keras_args(rng, D, H):
    p = gru.init_params(D, H, rng)
    kernel = np.concatenate([p["W_zx"], p["W_rx"], p["W_hx"]]).T
    recurrent = np.concatenate([p["W_zh"], p["W_rh"], p["W_hh"]]).T
    bias = np.stack([np.concatenate([p[f"b_{g}x"] for g in "zrh"]), np.concatenate([p[f"b_{g}h"] for g in "zrh"])])
    return kernel, recurrent, bias


def _keras_reference(kernel, recurrent_kernel, bias):
    """Through PyTorch's layout: blocks r, z, n, weights as W (not W.T)."""
    order = [1, 0, 2]  # PyTorch's r, z, n are Keras's blocks 1, 0, 2

    def blocks(array):
        return np.concatenate([np.split(array, 3, axis=-1)[k] for k in order], axis=-1)

    return gru.params_from_pytorch(blocks(kernel).T, blocks(recurrent_kernel).T, blocks(bias[0]), blocks(bias[1]))


KERAS_CONVERTER = Exercise(
    name="keras_converter",
    mistakes=bugzoo.mistakes_of("keras_converter"),
    task="convert the layout",
    make_args=_keras_args,
    run=lambda call, fn, args: dict_outputs("params", call(fn, *args), GRU_KEYS),
    reference=_keras_reference,
    cases=(dict(D=3, H=4), dict(D=2, H=5), dict(D=3, H=3)),
    hidden_cases=(dict(D=1, H=1), dict(D=6, H=2)),
    where_to_look={
        "params": "Keras stores W.T in column blocks z, r, h; bias[0] is the input bias, bias[1] the recurrent"
    },
    tolerance=0.0,
)


# The LSTM (book/lstm.ipynb).

LSTM_KEYS = tuple(lstm.param_shapes(1, 1))


def _lstm_step_backward_args(rng, B, D, H):
    p = lstm.init_params(D, H, rng)
    _, _, cache = lstm.step_forward(rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)), p)
    return rng.normal(size=(B, H)), rng.normal(size=(B, H)), dict(cache)  # dh, dc (from the next step), cache


_LSTM_CELL = "c̄ = dc + dh ∘ q ∘ (1 - tanh²(c)): c_t is used by the next step and by tanh(c_t)"
# A bias's gradient is its pre-activation's adjoint summed over the batch's rows.
_SUMMED = {"W": "", "b": "; a bias's gradient is that adjoint summed over the batch, ḡ.sum(axis=0)"}
LSTM_STEP_BACKWARD = Exercise(
    name="lstm_step_backward",
    mistakes=bugzoo.mistakes_of("lstm_step_backward"),
    task="write the backward pass of the step",
    make_args=_lstm_step_backward_args,
    run=returns("dx", "dh_prev", "dc_prev", ("grads", LSTM_KEYS)),
    reference=lstm.step_backward,
    shape_hint=ROWS_GO_BACK,
    # each gate's bias gradient is its pre-activation's adjoint summed: where a mistake starts
    first=("grads['b_ix']", "grads['b_fx']", "grads['b_cx']", "grads['b_qx']"),
    cases=STEP_CASES,
    hidden_cases=HIDDEN_STEP_CASES,
    where_to_look={  # label prefixes: "grads['W_i" covers W_ix and W_ih
        **{f"grads['{kind}_i": f"{_LSTM_CELL}; then ḡ3 = c̄ ∘ c~ ∘ i (1 - i){_SUMMED[kind]}" for kind in "Wb"},
        **{f"grads['{kind}_f": f"{_LSTM_CELL}; then ḡ6 = c̄ ∘ c_prev ∘ f (1 - f){_SUMMED[kind]}" for kind in "Wb"},
        **{f"grads['{kind}_c": f"{_LSTM_CELL}; then ḡ9 = c̄ ∘ i ∘ (1 - c~²){_SUMMED[kind]}" for kind in "Wb"},
        **{
            f"grads['{kind}_q": f"q̄ = dh ∘ tanh(c), then through σ': ḡ12 = q̄ ∘ q (1 - q){_SUMMED[kind]}"
            for kind in "Wb"
        },
        "dx": "x feeds four products: add its W_ix, W_fx, W_cx and W_qx terms (and return dx first)",
        "dh_prev": "h_prev feeds four products: add all four, W_ih, W_fh, W_ch and W_qh terms, with `+=` "
        "(an `=` keeps only the last); there is no direct term as in the GRU",
        "dc_prev": "c_t = f ∘ c_prev + i ∘ c~: c_prev receives c̄ ∘ f, with the whole c̄",
    },
    forbidden=(lstm.step_backward, lstm.step_backward_named, lstm.backward, analysis.lstm_jacobian, *AUTODIFF),
)


# ----------------------------------------------------------------------------
# Part III: gradients over time.


def _gru_jacobian(variant):
    return Exercise(
        name=f"gru_jacobian ({variant})",
        mistakes=bugzoo.mistakes_of("gru_jacobian") if variant == "reset_after" else (),  # the zoo's are reset-after
        task="derive and write the Jacobian",
        make_args=_gru_step_args,
        run=returns("J"),
        reference=lambda x, h_prev, p: analysis.gru_jacobian(x, h_prev, p, variant),
        cases=STEP_CASES,
        hidden_cases=HIDDEN_STEP_CASES,
        where_to_look={
            "J": f"three terms: diag(z), the path through z (with W_zh), and the path through h~ (and r); rows "
            f"index h_t, columns h_{{t-1}}; the forward values from gru.step_forward(..., variant={variant!r})"
        },
        tolerance=1e-11,  # exact formulas agree to rounding; a finite-difference estimate does not
        forbidden=(
            analysis.gru_jacobian,
            analysis.sequence_jacobians,
            gru.step_backward,
            gru.step_backward_named,
            gru.backward,
            *AUTODIFF,
        ),
    )


def _clip_args(rng, norm_over_max):
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    max_norm = 2.0
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g * (norm_over_max * max_norm / norm) for k, g in grads.items()}, max_norm


def _run_clip(call, fn, args):
    grads, max_norm = args
    before = {k: g.copy() for k, g in grads.items()}
    result = call(fn, grads, max_norm)
    outputs = outputs_of(result, (("clipped", tuple(grads)), "norm"))
    clipped = result[0]
    outputs["clipped holds new arrays"] = not any(np.shares_memory(clipped[k], grads[k]) for k in grads)
    outputs["grads left unchanged"] = all(np.array_equal(grads[k], before[k]) for k in grads)
    return outputs


CLIP = Exercise(
    name="clip_by_global_norm",
    mistakes=bugzoo.mistakes_of("clip_by_global_norm"),
    task="write the clipping",
    make_args=_clip_args,
    run=_run_clip,
    reference=optim.clip_by_global_norm,
    cases=(dict(norm_over_max=3.0), dict(norm_over_max=0.5), dict(norm_over_max=1.5)),
    hidden_cases=(dict(norm_over_max=40.0), dict(norm_over_max=0.9)),
    where_to_look={
        "clipped": "scale every array by max_norm / norm, only when norm > max_norm",
        "norm": "the norm over all arrays together, before clipping",
        "clipped holds new arrays": "return new arrays, never the caller's",
        "grads left unchanged": "do not modify the caller's arrays",
    },
    forbidden=(optim.clip_by_global_norm,),
    tolerance=1e-6,  # PyTorch's max_norm / (norm + 1e-6) is right too
)


def _probes(n, rng):
    """The gradient checks a learner's checker must judge: {description: (f, x, analytic, right?)}."""
    x = rng.normal(size=n)
    w = rng.normal(size=n)

    def curved(v):
        return float(np.sum(np.sin(3 * v)) + np.sum(v**3) / 3)

    def linear(v):
        return float(w @ v)

    def quadratic(v):  # centered differences are exact here, whatever ε; one-sided ones are not
        return float(np.sum(w * v**2))

    def tiny(v):
        return 1e-9 * curved(v)

    mixing = rng.normal(size=(n, n)) / np.sqrt(n)

    def coupled(v):  # every entry of v moves every term: a check must restore what it perturbs
        return float(np.sum(np.sin(mixing @ v)))

    right = 3 * np.cos(3 * x) + x**2
    everywhere = right * (1 + 1e-5)
    largest = right.copy()
    largest[np.argmax(np.abs(right))] += 5.0
    one_entry = right.copy()
    middle = np.argsort(np.abs(right))[n // 2]
    one_entry[middle] *= 1 + 1e-5
    return {
        "a correct gradient of a curved function": (curved, x, right, True),
        "a correct gradient of a linear function": (linear, x, w, True),
        "a correct gradient of a quadratic function": (quadratic, x, 2 * w * x, True),
        "a correct gradient of a function with tiny values": (tiny, x, 1e-9 * right, True),
        "a correct gradient of a coupled function": (coupled, x, mixing.T @ np.cos(mixing @ x), True),
        "a gradient off by a factor 1 + 1e-5 everywhere": (curved, x, everywhere, False),
        "a gradient off by 5 in its largest entry": (curved, x, largest, False),
        "a gradient off by 1e-5 (relative) in one entry only": (curved, x, one_entry, False),
        "a gradient of a function with tiny values, off by half": (tiny, x, 1.5e-9 * right, False),
    }


def _gradcheck_args(rng, n):
    return (_probes(n, rng),)


def _run_gradcheck(call, fn, args):
    outputs = {}
    for what, (f, x, analytic, _) in args[0].items():
        verdict = call(fn, f, x.copy(), analytic.copy())
        if not isinstance(verdict, bool | np.bool_):
            raise Problem(f"your check should return True or False; on {what} it returned {verdict!r}")
        outputs[f"your check's verdict on {what}"] = bool(verdict)
    return outputs


def _gradcheck_reference(f, x, analytic):
    numeric = gradcheck.numerical_gradient(lambda arrays: f(arrays["x"]), {"x": x})["x"]
    return bool(gradcheck.relative_error(analytic, numeric) <= 1e-7)


GRADCHECK = Exercise(
    name="gradcheck",
    mistakes=bugzoo.mistakes_of("gradcheck"),
    task="write the gradient check",
    make_args=_gradcheck_args,
    run=_run_gradcheck,
    reference=_gradcheck_reference,
    cases=(dict(n=4), dict(n=60)),
    hidden_cases=(dict(n=9), dict(n=100)),
    where_to_look={
        "your check's verdict on a correct": "a correct gradient must pass: centered differences (f(x + ε) - "
        "f(x - ε)) / 2ε in float64 with ε near 1e-6 (much larger is inexact, much smaller drowns in rounding), "
        "each entry put back after it is perturbed, and the relative error max|a - n| / max(1e-8, max(|a| + |n|)) "
        "<= 1e-7",
        "your check's verdict on a gradient": "a wrong gradient must fail: compare every entry, at the scale of "
        "the whole array, with the tolerance 1e-7",
    },
    forbidden=(gradcheck.numerical_gradient, gradcheck.gradcheck, gradcheck.expect_match),
    passing="the right verdict on 9 kinds of gradient, in each of {cases}",
)


# ----------------------------------------------------------------------------
# Part III: the language model (book/language_model.ipynb).


def _bits_args(rng, N, C, scale, offset=0.0, unlikely=False):
    """Scores (N, C) around ``offset`` and targets (N,); with ``unlikely`` every target is
    its row's least likely character, whose probability underflows when the scale is large."""
    scores = offset + scale * rng.normal(size=(N, C))
    targets = scores.argmin(axis=1) if unlikely else rng.integers(0, C, size=N)
    return scores, targets


BITS_PER_CHARACTER = Exercise(
    name="bits_per_character",
    mistakes=bugzoo.mistakes_of("bits_per_character"),
    task="write the cross-entropy in bits",
    make_args=_bits_args,
    run=returns("bits"),
    reference=lambda scores, targets: losses.softmax_cross_entropy(scores, targets)[0] / np.log(2),
    cases=(
        dict(N=1, C=3, scale=1.0),
        dict(N=6, C=5, scale=2.0),
        dict(N=4, C=4, scale=1.0, offset=1000.0),  # large scores
        dict(N=5, C=6, scale=1000.0, unlikely=True),  # probabilities that round to 0
    ),
    hidden_cases=(
        dict(N=9, C=84, scale=3.0),
        dict(N=3, C=7, scale=1.0, offset=-900.0),
        dict(N=2, C=5, scale=800.0, unlikely=True),
    ),
    where_to_look={
        "bits": "-(1/N) Σ_n log2 ŷ_n[target_n], with log ŷ = (o - m) - log Σ exp(o - m) per row, m the row's "
        "largest score, and log2 = log / ln 2"
    },
    forbidden=(
        losses.softmax_cross_entropy,
        output.loss,
        charlm.bits_per_character,
        charlm.chunk_loss,
        train.sequence_cross_entropy,
    ),
)


def _temperature_args(rng, N, C, temperature, scale=1.0, apart=0.0):
    """Scores (N, C), row n shifted by n · ``apart``, and the temperature."""
    return scale * rng.normal(size=(N, C)) + apart * np.arange(N)[:, None], temperature


TEMPERATURE_PROBABILITIES = Exercise(
    name="temperature_probabilities",
    mistakes=bugzoo.mistakes_of("temperature_probabilities"),
    task="write the softmax with a temperature",
    make_args=_temperature_args,
    run=returns("probabilities"),
    reference=lambda scores, temperature: activations.softmax(scores / temperature),
    cases=(
        dict(N=1, C=4, temperature=1.0),
        dict(N=3, C=5, temperature=2.0),
        dict(N=1, C=6, temperature=0.01, scale=8.0),  # a low temperature: o / τ above 1000
        dict(N=3, C=4, temperature=0.5, apart=1000.0),  # rows far apart
    ),
    hidden_cases=(
        dict(N=5, C=84, temperature=0.7),
        dict(N=2, C=3, temperature=0.02, scale=20.0),
        dict(N=4, C=5, temperature=1.0, apart=-1500.0),
    ),
    where_to_look={
        "probabilities": "row by row, exp(o / τ - m) / Σ exp(o / τ - m), with m the row's largest o / τ; "
        "every row sums to 1"
    },
    forbidden=(
        activations.softmax,
        activations._softmax,
        activations.softmax_jacobian,
        losses.softmax_cross_entropy,
        output.loss,
    ),
)


# ----------------------------------------------------------------------------
# The checkers a notebook calls.

EXERCISES = {
    "rnn_forward": RNN_FORWARD,
    "softmax_cross_entropy_backward": SOFTMAX,
    "rnn_step_backward": RNN_STEP_BACKWARD,
    "rnn_backward": RNN_BACKWARD,
    "gru_step_reset_after": GRU_STEP_RESET_AFTER,
    "gru_step_backward": _gru_step_backward,  # variant=...
    "tape_square": TAPE_SQUARE,
    "gru_backward": GRU_BACKWARD,
    "keras_converter": KERAS_CONVERTER,
    "lstm_step_backward": LSTM_STEP_BACKWARD,
    "gru_jacobian": _gru_jacobian,  # variant=...
    "clip_by_global_norm": CLIP,
    "gradcheck": GRADCHECK,
    "bits_per_character": BITS_PER_CHARACTER,
    "temperature_probabilities": TEMPERATURE_PROBABILITIES,
}
DEFAULT_VARIANT = {"gru_step_backward": "reset_before", "gru_jacobian": "reset_after"}


def exercise(name, variant=None):
    """The :class:`~gru_course.checking.Exercise` called ``name`` (with its variant, for the two that have one)."""
    entry = EXERCISES[name]
    if isinstance(entry, Exercise):
        if variant is not None:
            raise TypeError(f"the {name} exercise has no variant; got variant={variant!r}")
        return entry
    if variant is not None and variant not in gru.VARIANTS:
        raise ValueError(f"variant must be one of {gru.VARIANTS}; got {variant!r}")
    return entry(variant or DEFAULT_VARIANT[name])


def _checker(name):
    """The pair ``evaluate_<name>``, ``check_<name>`` of one exercise."""

    def evaluate(fn, variant=None, hidden=False):
        return guarded(exercise(name, variant), fn, hidden)

    def check(fn, *, must_pass=False, hidden=False, variant=None):
        verdict = evaluate(fn, variant, hidden)
        if must_pass and not verdict.passed:
            raise ExerciseFailed(str(verdict))
        print(verdict)

    evaluate.__name__ = evaluate.__qualname__ = f"evaluate_{name}"
    check.__name__ = check.__qualname__ = f"check_{name}"
    evaluate.__doc__ = f"Judge a learner's function for the {name} exercise; return the Verdict."
    check.__doc__ = (
        f"Check a learner's function for the {name} exercise and print the verdict. With must_pass=True "
        "a wrong answer raises ExerciseFailed instead (for grading); hidden=True runs the grader's cases."
    )
    return evaluate, check


evaluate_rnn_forward, check_rnn_forward = _checker("rnn_forward")
evaluate_softmax_cross_entropy_backward, check_softmax_cross_entropy_backward = _checker(
    "softmax_cross_entropy_backward"
)
evaluate_rnn_step_backward, check_rnn_step_backward = _checker("rnn_step_backward")
evaluate_rnn_backward, check_rnn_backward = _checker("rnn_backward")
evaluate_gru_step_reset_after, check_gru_step_reset_after = _checker("gru_step_reset_after")
evaluate_gru_step_backward, check_gru_step_backward = _checker("gru_step_backward")
evaluate_tape_square, check_tape_square = _checker("tape_square")
evaluate_gru_backward, check_gru_backward = _checker("gru_backward")
evaluate_keras_converter, check_keras_converter = _checker("keras_converter")
evaluate_lstm_step_backward, check_lstm_step_backward = _checker("lstm_step_backward")
evaluate_gru_jacobian, check_gru_jacobian = _checker("gru_jacobian")
evaluate_clip_by_global_norm, check_clip_by_global_norm = _checker("clip_by_global_norm")
evaluate_gradcheck, check_gradcheck = _checker("gradcheck")
evaluate_bits_per_character, check_bits_per_character = _checker("bits_per_character")
evaluate_temperature_probabilities, check_temperature_probabilities = _checker("temperature_probabilities")
