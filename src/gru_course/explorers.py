"""Interactive explorers for the book, and static figures that say the same thing.

An explorer is a set of ipywidgets sliders redrawing a matplotlib figure; it
needs a running kernel. Each one comes with a grid figure of its key settings,
which the online book shows for readers without a kernel.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from . import analysis, gru, rnn
from .diagrams import PALETTE


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
            if i < len(biases) - 1:
                axes[i, j].set_xlabel("")
    axes[0, -1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    fig.tight_layout()
    return fig


def gate_explorer():
    """Sliders for the update- and reset-gate biases, redrawing one GRU step.

    Returns the widget (display it, or let the notebook show it).
    """
    out = widgets.Output()
    bias_z = widgets.FloatSlider(value=0.0, min=-10, max=10, step=0.5, description="z bias")
    bias_r = widgets.FloatSlider(value=0.0, min=-10, max=10, step=0.5, description="r bias")

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 3.4))
            draw_gate_step(ax, gate_step(bias_z.value, bias_r.value))
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    bias_z.observe(redraw, names="value")
    bias_r.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([bias_z, bias_r]), out])


def gradient_flow_norms(radius, bias_z, steps, hidden=32, inputs=8, seed=0):
    """‖∂L/∂h_k‖ for k = 0 ... steps, for an RNN and a GRU on the same inputs.

    radius: the spectral radius given to the recurrent weights (W_ah of the
    RNN, W_hh of the GRU's candidate). bias_z: added to the GRU's update-gate
    bias. The loss depends on the last state only, with ∂L/∂h_T a fixed unit
    vector. Returns (rnn_norms, gru_norms), each of shape (steps + 1,).
    """
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(steps, 1, inputs))
    h0 = np.zeros((1, hidden))
    dh_last = rng.normal(size=(1, hidden))
    dh_last /= np.linalg.norm(dh_last)
    rnn_params = rnn.init_params(inputs, hidden, rng)
    rnn_params["W_ah"] = analysis.with_spectral_radius(rnn_params["W_ah"], radius)
    gru_params = gru.init_params(inputs, hidden, rng)
    gru_params["W_hh"] = analysis.with_spectral_radius(gru_params["W_hh"], radius)
    gru_params["b_zx"] = gru_params["b_zx"] + bias_z
    norms = []
    for model, params in ((rnn, rnn_params), (gru, gru_params)):
        _, jacobians = analysis.sequence_jacobians(model, xs, h0, params)
        norms.append(analysis.gradient_norms(jacobians, dh_last)[:, 0])
    return norms[0], norms[1]


def draw_gradient_flow(ax, radius, bias_z, steps, title=None):
    """Plot ‖∂L/∂h_k‖ against k for the RNN and the GRU, on a log scale."""
    rnn_norms, gru_norms = gradient_flow_norms(radius, bias_z, steps)
    k = np.arange(steps + 1)
    floor = 1e-30  # norms below this are drawn at the floor
    ax.semilogy(k, np.maximum(rnn_norms, floor), color=PALETTE["vermillion"], label="RNN")
    ax.semilogy(k, np.maximum(gru_norms, floor), color=PALETTE["blue"], label="GRU")
    ax.set_ylim(floor, 1e6)
    ax.set_xlim(0, steps)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$\|\partial L / \partial h_k\|$")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return rnn_norms, gru_norms


def gradient_flow_figure():
    """A figure of gradient norms and a function that redraws it in place.

    Returns ``(fig, update)``; ``update(radius, bias_z, steps)`` recomputes the
    norms of :func:`gradient_flow_norms` and moves the two curves, which is
    much faster than drawing a new figure (the explorer's redraw budget is
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
    ax.set_xlabel("step k")
    ax.set_ylabel("‖∂L/∂h_k‖ (log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()

    def update(radius, bias_z, steps):
        rnn_norms, gru_norms = gradient_flow_norms(radius, bias_z, steps)
        k = np.arange(steps + 1)
        with np.errstate(divide="ignore"):  # a norm of exactly 0 goes to the floor
            rnn_line.set_data(k, np.maximum(np.log10(rnn_norms), floor))
            gru_line.set_data(k, np.maximum(np.log10(gru_norms), floor))
        ax.set_xlim(0, steps)
        ax.set_title(f"spectral radius {radius:g}, update-gate bias {bias_z:+g}, T = {steps}", fontsize=10)
        return rnn_norms, gru_norms

    return fig, update


def gradient_flow_explorer():
    """Sliders for the spectral radius, the update-gate bias and the length;
    each change redraws the gradient norms of the RNN and the GRU."""
    out = widgets.Output()
    radius = widgets.FloatSlider(value=1.0, min=0.3, max=2.0, step=0.1, description="radius")
    bias_z = widgets.FloatSlider(value=0.0, min=-2.0, max=6.0, step=0.5, description="z bias")
    steps = widgets.IntSlider(value=100, min=10, max=200, step=10, description="T")
    fig, update = gradient_flow_figure()

    def redraw(_=None):
        update(radius.value, bias_z.value, steps.value)
        with out:
            out.clear_output(wait=True)
            display(fig)

    for slider in (radius, bias_z, steps):
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([radius, bias_z, steps]), out])


def gradient_flow_grid(radii=(0.6, 1.0, 1.5), biases=(0.0, 2.0, 4.0), steps=100):
    """The static companion of :func:`gradient_flow_explorer`: spectral radius
    along the rows, update-gate bias along the columns. Returns the figure."""
    fig, axes = plt.subplots(len(radii), len(biases), figsize=(10, 7.5), sharex=True, sharey=True)
    for i, radius in enumerate(radii):
        for j, bias_z in enumerate(biases):
            draw_gradient_flow(axes[i, j], radius, bias_z, steps, f"radius {radius:g}, z bias {bias_z:+g}")
            if i < len(radii) - 1:
                axes[i, j].set_xlabel("")
            if j:
                axes[i, j].set_ylabel("")
    axes[0, -1].legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig
