"""Interactive explorers for the book, and static figures that say the same thing.

An explorer is a set of ipywidgets sliders redrawing a matplotlib figure; it
needs a running kernel. Each one comes with a grid figure of its key settings,
which the online book shows for readers without a kernel.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from . import gru
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
