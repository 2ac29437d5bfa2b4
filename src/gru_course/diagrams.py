"""Diagrams of the networks, drawn with matplotlib for the book's figures.

Colours come from the Okabe–Ito palette, which stays distinguishable for
readers with the common forms of colour blindness.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}


def box(ax, x, y, text, color, width=0.9, height=0.5):
    """A rounded box centred at (x, y) holding ``text`` (mathtext allowed)."""
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0.04",
        facecolor=color,
        edgecolor="black",
        linewidth=1.0,
        alpha=0.9,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=11)
    return patch


def arrow(ax, start, end, label=None, color="black", label_offset=(0.0, 0.0)):
    """An arrow from ``start`` to ``end``, with an optional label at its middle."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color, linewidth=1.2))
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="center", fontsize=9, color=color)


def unrolled_rnn(steps=4, inputs=None):
    """The vanilla RNN unrolled over ``steps`` time steps.

    Bottom to top in each column: input x(t), state a(t) = tanh(h(t)), scores
    o(t) with prediction ŷ(t), and the loss L(t). Horizontal arrows carry the
    state from one step to the next through W_ah. ``inputs`` optionally labels
    the columns (e.g. the characters of a word). Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(1.9 * steps + 1.6, 4.0))
    rows = {"x": 0.0, "a": 1.3, "o": 2.6, "L": 3.7}
    box(ax, -0.6, rows["a"], "$a(0)$", PALETTE["grey"], width=0.8)
    for t in range(1, steps + 1):
        cx = 1.9 * (t - 1) + 1.3
        name = f"$x({t})$" if inputs is None else f"$x({t})$ '{inputs[t - 1]}'"
        box(ax, cx, rows["x"], name, PALETTE["sky"], width=1.3)
        box(ax, cx, rows["a"], f"$a({t})$", PALETTE["orange"])
        box(ax, cx, rows["o"], rf"$o({t}),\ \hat y({t})$", PALETTE["green"], width=1.3)
        box(ax, cx, rows["L"], f"$L({t})$", PALETTE["purple"])
        first = t == 1
        arrow(
            ax,
            (cx, rows["x"] + 0.3),
            (cx, rows["a"] - 0.3),
            "$W_{xh}$" if first else None,
            label_offset=(0.3, 0),
        )
        arrow(
            ax,
            (cx, rows["a"] + 0.3),
            (cx, rows["o"] - 0.3),
            "$W_{ao}$" if first else None,
            label_offset=(0.3, 0),
        )
        arrow(ax, (cx, rows["o"] + 0.3), (cx, rows["L"] - 0.3))
        prev_x = -0.6 + 0.4 if first else cx - 1.9 + 0.5
        arrow(ax, (prev_x, rows["a"]), (cx - 0.5, rows["a"]), "$W_{ah}$", label_offset=(0, 0.2))
    ax.text(1.9 * (steps - 1) + 2.4, rows["L"], r"$L=\sum_t L(t)$", va="center", fontsize=11)
    ax.set_xlim(-1.2, 1.9 * (steps - 1) + 3.6)
    ax.set_ylim(-0.5, 4.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
