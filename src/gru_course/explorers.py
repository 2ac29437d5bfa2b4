"""The book's explorers: figures with controls, in a notebook and in the HTML book alike.

An explorer is shown by the last line of a notebook cell. Its output carries two
versions of the same figure:

- for a running kernel (Jupyter, Colab, Binder), ipywidgets sliders that redraw
  a matplotlib figure computed by ``gru_course``;
- for the HTML book, which has no kernel, an HTML twin: the explorer's data (the
  example's parameters and inputs, or precomputed results) as JSON, drawn and
  redrawn in the page by the book's own script, ``book/_static/explorers.js``,
  which ports the few model functions it needs. The browser test checks that
  every control redraws it and that its numbers equal the ones computed here.

MyST-NB renders the HTML twin in the book (``nb_mime_priority_overrides`` in
``_config.yml``); Jupyter renders the widget. Each explorer also has a static
grid figure of its key settings, for the printed page.

``PAGE_NUMBERS[kind](**values)`` gives, for the control values of the page's
explorer ``kind``, the numbers the page must show.
"""

import base64
import json
from dataclasses import dataclass
from functools import cache

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from . import analysis, data, gru, output, rnn
from .diagrams import PALETTE

# ----------------------------------------------------------------------------
# An explorer's two versions.


@dataclass
class Explorer:
    """An ipywidgets explorer and its HTML twin, shown together by a notebook cell."""

    widget: widgets.Widget
    html: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        return {**bundle, "text/html": self.html}


def packed(value):
    """Arrays as float64 bytes in base64 (exact, and a third the size of decimal text)."""
    if isinstance(value, dict):
        return {key: packed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [packed(item) for item in value]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        flat = np.ascontiguousarray(value, dtype="<f8")
        return {"b64": base64.b64encode(flat.tobytes()).decode("ascii"), "shape": list(flat.shape)}
    return value


def page_html(kind, data, controls, caption, alt):
    """The HTML twin: a figure whose data the book's script draws, with its caption.

    kind: the script's explorer ("gate-step", "gradient-flow", ...).
    data: a dict of arrays and numbers. controls: a list of dicts with name, label,
    and min/max/step/value (a slider) or options/value (a slider over a list).
    caption: HTML text; alt: a description of the figure for screen readers.
    """
    spec = {"kind": kind, "data": packed(data), "controls": controls, "alt": alt}
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<figure class="gc-explorer" data-kind="{kind}">'
        '<div class="gc-frame"><p class="gc-no-script">This explorer draws itself with the book\'s '
        "script; in a notebook, run the cell to get its sliders.</p></div>"
        f'<script type="application/json" class="gc-data">{payload}</script>'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def slider(name, label, low, high, step, value):
    return {"name": name, "label": label, "min": low, "max": high, "step": step, "value": value}


def _widget(control):
    """The ipywidgets slider of a control of :func:`page_html`."""
    if "options" in control:
        return widgets.SelectionSlider(options=control["options"], value=control["value"], description=control["label"])
    whole = all(isinstance(control[key], int) for key in ("min", "max", "step", "value"))
    kind = widgets.IntSlider if whole else widgets.FloatSlider
    return kind(
        value=control["value"],
        min=control["min"],
        max=control["max"],
        step=control["step"],
        description=control["label"],
    )


def _kernel_explorer(controls, draw, figsize=(7, 3.4)):
    """Sliders for ``controls`` redrawing ``draw(ax, **values)`` on a new figure."""
    sliders = {c["name"]: _widget(c) for c in controls}
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=figsize)
            draw(ax, **{name: s.value for name, s in sliders.items()})
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(sliders.values())), out])


# ----------------------------------------------------------------------------
# The gates of one GRU step (the forward chapter).


def gate_example(seed=0, hidden=6, inputs=3):
    """A fixed small GRU step to explore: params, x (1, D) and h_prev (1, H)."""
    rng = np.random.default_rng(seed)
    params = gru.init_params(inputs, hidden, rng)
    params = {k: 1.5 * v for k, v in params.items()}  # a little stronger than the default
    x = rng.normal(size=(1, inputs))
    h_prev = rng.uniform(-0.9, 0.9, size=(1, hidden))
    return params, x, h_prev


def gate_step(bias_z, bias_r, example=None):
    """One step of the example with the gates' input biases set to ``bias_z``
    and ``bias_r`` (added to every unit). Returns the step's cache."""
    params, x, h_prev = gate_example() if example is None else example
    shifted = {**params, "b_zx": params["b_zx"] + bias_z, "b_rx": params["b_rx"] + bias_r}
    return gru.step_forward(x, h_prev, shifted)[1]


def draw_gate_step(ax, cache, title=None):
    """Bars of h_{t-1}, h~_t and h_t per unit, with the gates z and r as dots."""
    units = np.arange(cache["h"].shape[1])
    width = 0.27
    ax.bar(units - width, cache["h_prev"][0], width, color=PALETTE["grey"], label=r"$h_{t-1}$")
    ax.bar(units, cache["h_tilde"][0], width, color=PALETTE["green"], label=r"$\tilde h_t$")
    ax.bar(units + width, cache["h"][0], width, color=PALETTE["orange"], label=r"$h_t$")
    ax.plot(units, cache["z"][0], "o", color=PALETTE["blue"], label="$z_t$")
    ax.plot(units, cache["r"][0], "s", color=PALETTE["vermillion"], markersize=4, label="$r_t$")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xticks(units, [f"{u + 1}" for u in units])
    ax.set_xlabel("unit")
    ax.set_ylabel("value")
    if title:
        ax.set_title(title, fontsize=10)


def gate_grid(biases=(-8.0, 0.0, 8.0)):
    """The static companion of :func:`gate_explorer`: one panel per pair of
    gate biases, update-gate bias along the rows and reset-gate bias along
    the columns. Returns the figure."""
    fig, axes = plt.subplots(len(biases), len(biases), figsize=(10, 7.5), sharex=True, sharey=True)
    for i, bias_z in enumerate(biases):
        for j, bias_r in enumerate(biases):
            draw_gate_step(axes[i, j], gate_step(bias_z, bias_r), f"z bias {bias_z:+g}, r bias {bias_r:+g}")
            axes[i, j].tick_params(labelbottom=True, labelleft=True)  # every panel labelled
    axes[0, -1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    fig.tight_layout()
    return fig


GATE_CONTROLS = [slider("bias_z", "z bias", -10, 10, 0.5, 0.0), slider("bias_r", "r bias", -10, 10, 0.5, 0.0)]


def gate_explorer():
    """Sliders for the update- and reset-gate biases, redrawing one GRU step."""

    def draw(ax, bias_z, bias_r):
        draw_gate_step(ax, gate_step(bias_z, bias_r))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)

    params, x, h_prev = gate_example()
    page = page_html(
        "gate-step",
        {"params": params, "x": x[0], "h_prev": h_prev[0]},
        GATE_CONTROLS,
        "One step of a six-unit GRU: bars of the old state (grey), the candidate (green) and the new "
        "state (orange); the update gate as blue dots, the reset gate as red (vermillion) squares. Move "
        "the update gate's bias: near −10 the new state is the candidate; near +10 it is the old state. "
        "Move the reset gate's bias: it changes the candidate, by scaling what it sees of the old state.",
        "Bars of the old state, the candidate and the new state of six units, with the update gate as "
        "dots and the reset gate as squares, redrawn for the chosen gate biases.",
    )
    return Explorer(_kernel_explorer(GATE_CONTROLS, draw), page)


def _gate_numbers(bias_z, bias_r):
    c = gate_step(bias_z, bias_r)
    return {name: c[name][0] for name in ("z", "r", "h_tilde", "h")}


# ----------------------------------------------------------------------------
# Gradients over time, RNN against GRU (the vanishing-gradients chapter).

MAX_STEPS = 200


@cache
def gradient_flow_example(hidden=32, inputs=8, seed=0):
    """The fixed example of the gradient-flow explorer, the same for every setting.

    Returns ``(xs, dh_last, rnn_params, gru_params)``: inputs (MAX_STEPS, 1, D) of
    which a sequence of T steps uses the first T, the loss gradient ∂L/∂h_T (1, H)
    of unit norm, and the two models' parameters with their recurrent matrix W_hh
    scaled to spectral radius 1 (the explorer multiplies it by the chosen radius).
    """
    rng = np.random.default_rng(seed)
    rnn_params = rnn.init_params(inputs, hidden, rng)
    gru_params = gru.init_params(inputs, hidden, rng)
    for params in (rnn_params, gru_params):
        params["W_hh"] = analysis.with_spectral_radius(params["W_hh"], 1.0)
    dh_last = rng.normal(size=(1, hidden))
    dh_last /= np.linalg.norm(dh_last)
    xs = rng.normal(size=(MAX_STEPS, 1, inputs))
    return xs, dh_last, rnn_params, gru_params


def gradient_flow_norms(radius, bias_z, steps, hidden=32, inputs=8, seed=0):
    """‖∂L/∂h_t‖ for t = 0 ... steps, for an RNN and a GRU on the same inputs.

    radius: the spectral radius given to the recurrent weights W_hh (of the
    RNN, and of the GRU's candidate). bias_z: added to the GRU's update-gate
    bias. The loss depends on the last state only, with ∂L/∂h_T a fixed unit
    vector. steps: T, at most MAX_STEPS. Returns (rnn_norms, gru_norms), each
    of shape (steps + 1,).
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}; got {steps}")
    xs, dh_last, rnn_unit, gru_unit = gradient_flow_example(hidden, inputs, seed)
    rnn_params = {**rnn_unit, "W_hh": rnn_unit["W_hh"] * radius}
    gru_params = {**gru_unit, "W_hh": gru_unit["W_hh"] * radius, "b_zx": gru_unit["b_zx"] + bias_z}
    norms = []
    h0 = np.zeros_like(dh_last)
    for model, params in ((rnn, rnn_params), (gru, gru_params)):
        _, jacobians = analysis.sequence_jacobians(model, xs[:steps], h0, params)
        norms.append(analysis.gradient_norms(jacobians, dh_last)[:, 0])
    return norms[0], norms[1]


def draw_gradient_flow(ax, radius, bias_z, steps, title=None):
    """Plot ‖∂L/∂h_t‖ against t for the RNN and the GRU, on a log scale."""
    rnn_norms, gru_norms = gradient_flow_norms(radius, bias_z, steps)
    t = np.arange(steps + 1)
    floor = 1e-30  # norms below this are drawn at the floor
    ax.semilogy(t, np.maximum(rnn_norms, floor), color=PALETTE["vermillion"], label="RNN")
    ax.semilogy(t, np.maximum(gru_norms, floor), color=PALETTE["blue"], label="GRU")
    ax.set_ylim(floor, 1e6)
    ax.set_xlim(0, steps)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return rnn_norms, gru_norms


def gradient_flow_figure():
    """A figure of gradient norms and a function that redraws it in place.

    Returns ``(fig, update)``; ``update(radius, bias_z, steps)`` recomputes the
    norms of :func:`gradient_flow_norms` and moves the two curves, which is
    much faster than drawing a new figure (the kernel explorer's redraw budget is
    100 ms, measured by ``benchmarks/bench_explorer.py``).
    """
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=80)
    plt.close(fig)  # shown by the explorer, not by pyplot
    # log10 of the norms on a linear axis, with plain-text tick labels: log axes
    # label their ticks with mathtext, whose parsing would double the redraw time
    (rnn_line,) = ax.plot([0, 1], [0, 0], color=PALETTE["vermillion"], label="RNN")
    (gru_line,) = ax.plot([0, 1], [0, 0], color=PALETTE["blue"], label="GRU")
    floor = -30
    ax.set_ylim(floor, 6)
    ax.set_yticks(range(floor, 7, 6), [f"1e{e}" for e in range(floor, 7, 6)])
    ax.set_xlabel("step t")
    ax.set_ylabel("‖∂L/∂h_t‖ (log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()

    def update(radius, bias_z, steps):
        rnn_norms, gru_norms = gradient_flow_norms(radius, bias_z, steps)
        t = np.arange(steps + 1)
        with np.errstate(divide="ignore"):  # a norm of exactly 0 goes to the floor
            rnn_line.set_data(t, np.maximum(np.log10(rnn_norms), floor))
            gru_line.set_data(t, np.maximum(np.log10(gru_norms), floor))
        ax.set_xlim(0, steps)
        ax.set_title(f"spectral radius {radius:g}, update-gate bias {bias_z:+g}, T = {steps}", fontsize=10)
        return rnn_norms, gru_norms

    return fig, update


GRADIENT_FLOW_CONTROLS = [
    slider("radius", "radius", 0.3, 2.0, 0.1, 1.0),
    slider("bias_z", "z bias", -2.0, 6.0, 0.5, 0.0),
    slider("steps", "T", 10, MAX_STEPS, 10, 100),
]


def gradient_flow_explorer():
    """Sliders for the spectral radius, the update-gate bias and the length;
    each change redraws the gradient norms of the RNN and the GRU."""
    out = widgets.Output()
    sliders = [_widget(c) for c in GRADIENT_FLOW_CONTROLS]
    fig, update = gradient_flow_figure()

    def redraw(_=None):
        update(*(s.value for s in sliders))
        with out:
            out.clear_output(wait=True)
            display(fig)

    for s in sliders:
        s.observe(redraw, names="value")
    redraw()
    xs, dh_last, rnn_unit, gru_unit = gradient_flow_example()
    page = page_html(
        "gradient-flow",
        {"xs": xs[:, 0], "dh_last": dh_last[0], "rnn": rnn_unit, "gru": gru_unit},
        GRADIENT_FLOW_CONTROLS,
        "The norm of the gradient that a loss at the last step T sends back to the state h<sub>t</sub>, for a "
        "vanilla RNN (orange) and a GRU (blue) of 32 units, log scale. Raise the spectral radius of the "
        "recurrent matrices: the RNN's gradient stops vanishing, and only for a large radius and a long "
        "sequence does it grow (the saturating tanh holds it back). Raise the GRU's update-gate bias: its "
        "gradient survives ever longer.",
        "Two curves of gradient norm against the step t, for the RNN and the GRU, redrawn for the chosen "
        "spectral radius, update-gate bias and length.",
    )
    return Explorer(widgets.VBox([widgets.HBox(sliders), out]), page)


def _gradient_flow_numbers(radius, bias_z, steps):
    rnn_norms, gru_norms = gradient_flow_norms(radius, bias_z, int(steps))
    return {"rnn": rnn_norms, "gru": gru_norms}


def gradient_flow_grid(radii=(0.6, 1.0, 1.5), biases=(0.0, 2.0, 4.0), steps=100):
    """The static companion of :func:`gradient_flow_explorer`: spectral radius
    along the rows, update-gate bias along the columns. Returns the figure."""
    fig, axes = plt.subplots(len(radii), len(biases), figsize=(10, 8), sharex=True, sharey=True)
    for i, radius in enumerate(radii):
        for j, bias_z in enumerate(biases):
            draw_gradient_flow(axes[i, j], radius, bias_z, steps, f"radius {radius:g}, z bias {bias_z:+g}")
            axes[i, j].tick_params(labelbottom=True, labelleft=True)  # every panel labelled
            axes[i, j].xaxis.label.set_fontsize(8)
            axes[i, j].yaxis.label.set_fontsize(8)
    axes[0, -1].legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------
# The gates in the backward pass of one step (the one-step backward chapter).

ADJOINTS = ("g1", "g2", "g3", "z", "g4", "g5", "g6", "r", "g7", "g8", "g9", "g10", "h_tilde", "g11", "g12")
ADJOINTS += ("x", "h_prev")
# The branch of the step each value lies on. g7 = r ∘ h_prev is the candidate's
# recurrent input, and g12 = (1 - z) ∘ h~ carries the candidate into h: both are on
# the candidate's path. g11 = z ∘ h_prev alone is the direct path.
BRANCHES = {name: "update gate" for name in ("g1", "g2", "g3", "z")}
BRANCHES |= {name: "reset gate" for name in ("g4", "g5", "g6", "r")}
BRANCHES |= {name: "candidate" for name in ("g7", "g8", "g9", "g10", "h_tilde", "g12")}
BRANCHES |= {"g11": "direct", "x": "inputs", "h_prev": "inputs"}
BRANCH_COLORS = {
    "update gate": PALETTE["blue"],
    "reset gate": PALETTE["vermillion"],
    "candidate": PALETTE["green"],
    "direct": PALETTE["orange"],
    "inputs": PALETTE["grey"],
}
BACKWARD_CONTROLS = [slider("bias_z", "z bias", -10, 10, 0.5, 0.0), slider("bias_r", "r bias", -10, 10, 0.5, 0.0)]


def _label(name):
    return {"h_tilde": "h~", "h_prev": "h_{t-1}"}.get(name, name)


def backward_gate_norms(bias_z, bias_r):
    """‖adjoint‖ of every value of one GRU step (reset-before), for the gates' input
    biases shifted by ``bias_z`` and ``bias_r``: {name: norm}, names of :data:`ADJOINTS`."""
    params, x, h_prev = gate_example(seed=1, hidden=4, inputs=3)
    shifted = {**params, "b_zx": params["b_zx"] + bias_z, "b_rx": params["b_rx"] + bias_r}
    _, cache = gru.step_forward(x, h_prev, shifted)
    d = gru.step_backward_named(np.ones_like(h_prev), cache)
    return {name: float(np.linalg.norm(d[name])) for name in ADJOINTS}


def draw_backward_gates(ax, bias_z, bias_r):
    norms = backward_gate_norms(bias_z, bias_r)
    position = np.arange(1, len(ADJOINTS) + 1)
    floor = 1e-12
    colors = [BRANCH_COLORS[BRANCHES[name]] for name in ADJOINTS]
    ax.bar(position, [max(norms[n], floor) for n in ADJOINTS], color=colors)
    ax.set_yscale("log")
    ax.set_ylim(floor, 10)
    ax.set_xticks(position, [_label(n) for n in ADJOINTS], rotation=60, fontsize=8)
    ax.set_xlabel("the adjoint of")
    ax.set_ylabel("‖adjoint‖ (log scale)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in BRANCH_COLORS.values()]
    ax.legend(handles, list(BRANCH_COLORS), fontsize=8, loc="lower left")


def backward_gate_explorer():
    """Sliders for the gate biases, redrawing the size of every adjoint of one step."""
    params, x, h_prev = gate_example(seed=1, hidden=4, inputs=3)
    page = page_html(
        "backward-gates",
        {
            "params": params,
            "x": x[0],
            "h_prev": h_prev[0],
            "dh": np.ones(h_prev.shape[1]),
            "names": list(ADJOINTS),
            "labels": [_label(n) for n in ADJOINTS],
            "branches": BRANCHES,
            "colors": BRANCH_COLORS,
        },
        BACKWARD_CONTROLS,
        "The size of the gradient reaching every value of one GRU step (four units, h̄<sub>t</sub> = 1), "
        "coloured by branch. Push the update gate's bias up: the candidate's branch fades and only the "
        "direct path to h<sub>t-1</sub> is left. Push either gate to an extreme: σ' = z(1 − z) or r(1 − r) "
        "vanishes and so do its gate's adjoints.",
        "Bars of the norm of each adjoint of the backward pass of one GRU step, on a log scale, redrawn for "
        "the chosen gate biases.",
    )
    return Explorer(_kernel_explorer(BACKWARD_CONTROLS, draw_backward_gates, figsize=(8, 3.6)), page)


# ----------------------------------------------------------------------------
# Truncated BPTT (the BPTT chapter).

TRUNCATION_RADII = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4)


def _truncation_example(radius, T=50, B=4, D=5, H=16, C=5, seed=1):
    """A tanh RNN whose W_hh has spectral radius ``radius``, with a softmax loss at every
    step on a random batch from a random initial state: (hs, cache, dhs, params)."""
    rng = np.random.default_rng(seed)
    p = rnn.init_params(D, H, rng)
    p_out = output.init_params(H, C, rng)
    p["W_hh"] = analysis.with_spectral_radius(rng.normal(size=(H, H)), radius)
    xs, h0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H))
    hs, cache = rnn.forward(xs, h0, p)
    _, dhs, _ = output.loss(hs, rng.integers(0, C, size=(T, B)), p_out)
    return hs, cache, dhs, p


@cache
def truncation_errors(radius, T=50, B=4, D=5, H=16, C=5, seed=1):
    """Relative error ‖G_k - G‖ / ‖G‖ of the gradient of W_hh when truncated BPTT
    lets each loss reach back through at most k cells, for k = 1 ... T.

    The network: :func:`_truncation_example` (T steps, batch B, D inputs, H units,
    C classes). Returns (ks, errors), two arrays of length T.
    """
    _, cache, dhs, _ = _truncation_example(radius, T, B, D, H, C, seed)
    full = rnn.backward(dhs, cache)[2]["W_hh"]
    ks = np.arange(1, T + 1)
    errors = [np.linalg.norm(rnn.truncated_backward(dhs, cache, k)[2]["W_hh"] - full) for k in ks]
    return ks, np.array(errors) / np.linalg.norm(full)


@cache
def truncation_kept(radius, T=50, B=4, D=5, H=16, C=5, seed=1):
    """The share of Σ_{t ≤ s} ‖∂L_s/∂h_t‖ that a window of k cells keeps (the terms
    with s - t < k), for k = 1 ... T, on the network of :func:`truncation_errors`."""
    hs, _, dhs, p = _truncation_example(radius, T, B, D, H, C, seed)
    reach = np.zeros((T, T))  # reach[s, t] = ‖∂L_s/∂h_t‖ for t <= s
    for s in range(T):
        dh = dhs[s]
        for t in range(s, -1, -1):
            reach[s, t] = np.linalg.norm(dh)
            dh = (dh * (1 - hs[t] ** 2)) @ p["W_hh"]
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    return np.array([reach[(lag >= 0) & (lag < k)].sum() for k in range(1, T + 1)]) / reach.sum()


def draw_truncation(ax, radius, k):
    ks, errors = truncation_errors(radius)
    ax.semilogy(ks, np.maximum(errors, 1e-16), color=PALETTE["blue"], label=f"spectral radius {radius:g}")
    ax.semilogy([k], [max(errors[int(k) - 1], 1e-16)], "o", color=PALETTE["vermillion"], label=f"k = {k:g}")
    ax.set_xlabel("window k (cells each loss reaches back through)")
    ax.set_ylabel("relative error of ∂L/∂W_hh")
    ax.legend(fontsize=9)


TRUNCATION_CONTROLS = [
    {"name": "radius", "label": "spectral radius", "options": list(TRUNCATION_RADII), "value": 0.8},
    slider("k", "window k", 1, 50, 1, 5),
]


def truncation_explorer():
    """Sliders for the spectral radius and the window k of truncated BPTT, redrawing its error."""
    errors = {f"{r:g}": np.maximum(truncation_errors(r)[1], 1e-16) for r in TRUNCATION_RADII}
    kept = {f"{r:g}": truncation_kept(r) for r in TRUNCATION_RADII}
    floor = int(np.floor(np.log10(min(e.min() for e in errors.values()))))
    page = page_html(
        "truncation",
        {"errors": errors, "kept": kept, "steps": 50, "floor": floor},
        TRUNCATION_CONTROLS,
        "Truncated BPTT on a tanh RNN of 16 units over 50 steps, with a loss at every step. Move the window "
        "k: each loss then sends its gradient back through at most k cells. The curve is the relative error "
        "of the gradient of W<sub>hh</sub>; the line below gives the share of the gradient's terms that the "
        "window keeps. Raise the spectral radius of W<sub>hh</sub>: the far past matters more, and a window "
        "of the same length misses more.",
        "The relative error of the truncated gradient against the window k, log scale, for the chosen "
        "spectral radius, with the chosen k marked.",
    )
    return Explorer(_kernel_explorer(TRUNCATION_CONTROLS, draw_truncation), page)


def _truncation_numbers(radius, k):
    return {
        "error": max(truncation_errors(radius)[1][int(k) - 1], 1e-16),
        "kept": truncation_kept(radius)[int(k) - 1],
    }


# ----------------------------------------------------------------------------
# The training comparison, from the shipped long experiment (the training chapter).


def training_results(points=100, window=25):
    """The long adding-problem experiment, smoothed for drawing.

    Returns {"models", "lengths", "steps" (points,), "curves" (models, lengths, seeds,
    points): the training loss averaged over ``window`` steps, "evaluation" (models,
    lengths, seeds)} from ``reference_data/adding_long.npz``.
    """
    stored = data.reference("adding_long")
    losses = stored["losses"].astype(np.float64)
    kernel = np.ones(window) / window
    smooth = np.apply_along_axis(lambda curve: np.convolve(curve, kernel, mode="valid"), -1, losses)
    picks = np.linspace(0, smooth.shape[-1] - 1, points).round().astype(int)
    return {
        "models": [str(m) for m in stored["models"]],
        "lengths": [int(n) for n in stored["lengths"]],
        "steps": picks + window,
        "curves": smooth[..., picks],
        "evaluation": stored["evaluation"],
    }


# One colour per model in every training figure.
MODEL_COLORS = {"rnn": PALETTE["vermillion"], "gru": PALETTE["blue"], "lstm": PALETTE["green"]}


def draw_training(ax, length):
    results = training_results()
    i = results["lengths"].index(int(length))
    for m, model in enumerate(results["models"]):
        color = MODEL_COLORS[model]
        for s, curve in enumerate(results["curves"][m, i]):
            ax.plot(results["steps"], curve, color=color, alpha=0.8, label=model.upper() if s == 0 else None)
    ax.axhline(1 / 6, color="black", linestyle="--", linewidth=1, label="baseline 1/6")
    ax.set_ylim(0, 0.3)
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss (MSE)")
    ax.set_title(f"the adding problem, T = {length}", fontsize=10)
    ax.legend(fontsize=9)


def _significant(values, digits):
    """``values`` rounded to ``digits`` significant digits, for a page's smaller data."""
    return np.array([float(f"{v:.{digits}g}") for v in values.ravel()]).reshape(values.shape)


def training_explorer():
    """A slider over the sequence lengths of the long experiment, redrawing its training curves."""
    results = training_results()
    controls = [{"name": "length", "label": "T", "options": results["lengths"], "value": results["lengths"][1]}]
    colors = [MODEL_COLORS[m] for m in results["models"]]
    data = {
        "models": results["models"],
        "lengths": results["lengths"],
        "colors": colors,
        "steps": results["steps"].astype(float),
        "curves": _significant(results["curves"], 3).tolist(),  # drawn, never printed: 3 digits are plenty
        "evaluation": results["evaluation"].tolist(),
    }
    page = page_html(
        "training",
        data,
        controls,
        "The long experiment shipped with the book: the training loss of a vanilla RNN (orange), a GRU "
        "(blue) and an LSTM (green), 16 units each, on the adding problem, one line per seed, smoothed over "
        "25 steps. Move the length "
        "T: at the dashed baseline of 1/6 a model ignores the marked numbers, a plateau near 1/12 means it "
        "uses only the recent one, and near 0 it uses both; the line below gives each seed's error on fresh "
        "sequences after training.",
        "Training-loss curves of the RNN, the GRU and the LSTM for each seed, for the chosen sequence length.",
    )
    return Explorer(_kernel_explorer(controls, draw_training), page)


def _training_numbers(length):
    results = training_results()
    return {"evaluation": results["evaluation"][:, results["lengths"].index(int(length))]}


PAGE_NUMBERS = {
    "gate-step": _gate_numbers,
    "gradient-flow": _gradient_flow_numbers,
    "backward-gates": backward_gate_norms,
    "truncation": _truncation_numbers,
    "training": _training_numbers,
}
