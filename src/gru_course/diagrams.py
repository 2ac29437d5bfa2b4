"""Diagrams of the networks, drawn with matplotlib for the book's figures.

Colours come from the Okabe–Ito palette, which stays distinguishable for
readers with the common forms of colour blindness.
"""

from itertools import pairwise

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


def _node(ax, x, y, text, color="white", radius=0.22):
    """A small circle for an elementwise operation (∘, +, 1-)."""
    ax.add_patch(plt.Circle((x, y), radius, facecolor=color, edgecolor="black", linewidth=1.0, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=4)


def _line(ax, points, color="black"):
    """A polyline through ``points``, with an arrow head at the end."""
    for start, end in pairwise(points[:-1]):
        ax.plot([start[0], end[0]], [start[1], end[1]], color=color, linewidth=1.2, zorder=1)
    arrow(ax, points[-2], points[-1], color=color)


def gru_cell(variant="reset_before"):
    """One GRU step: the two gates, the candidate and the mixing of old and new.

    The old state h_{t-1} runs along the top; the input x_t comes in at the
    bottom. ∘ is the elementwise product. With ``variant="reset_after"`` the
    reset gate multiplies W_hh h_{t-1} + b_hh instead of h_{t-1}. Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(9.0, 4.6))
    top, gates, bottom = 3.4, 1.6, 0.0
    box(ax, -0.3, top, "$h_{t-1}$", PALETTE["grey"], width=0.8)
    box(ax, 3.4, bottom, "$x_t$", PALETTE["sky"], width=0.8)
    box(ax, 10.2, top, "$h_t$", PALETTE["orange"], width=0.8)
    box(ax, 1.2, gates, r"$r_t=\sigma(\cdot)$", PALETTE["vermillion"], width=1.3)
    box(ax, 3.4, gates, r"$z_t=\sigma(\cdot)$", PALETTE["blue"], width=1.3)
    box(ax, 5.6, gates, r"$\tilde h_t=\tanh(\cdot)$", PALETTE["green"], width=1.5)
    _line(ax, [(0.1, top), (7.58, top)])
    for x in (1.2, 3.4, 5.6):  # the input feeds all three
        _line(ax, [(3.4, bottom + 0.25), (3.4, 0.75), (x, 0.75), (x, gates - 0.25)])
    for x in (1.0, 3.2):  # the old state feeds both gates
        _line(ax, [(x, top), (x, gates + 0.25)])
    # the reset gate scales what the candidate sees of the past
    _node(ax, 2.3, 2.55, r"$\circ$")
    _line(ax, [(1.6, gates + 0.25), (2.3, 2.33)])
    label = "$h_{t-1}$" if variant == "reset_before" else "$W_{hh}h_{t-1}{+}b_{hh}$"
    _line(ax, [(2.3, top), (2.3, 2.77)])
    ax.text(2.4, 3.05, label, fontsize=8, ha="left")
    _line(ax, [(2.52, 2.55), (5.4, 2.55), (5.4, gates + 0.25)])
    # mixing: z ∘ h_{t-1} + (1 - z) ∘ h~
    _node(ax, 7.8, top, r"$\circ$")
    _node(ax, 7.8, gates, "1−", radius=0.27)
    _node(ax, 8.8, gates, r"$\circ$")
    _node(ax, 8.8, top, "$+$")
    _line(ax, [(3.8, gates + 0.25), (4.3, 2.2), (7.8, 2.2), (7.8, top - 0.22)])
    _line(ax, [(7.8, 2.2), (7.8, gates + 0.27)])
    _line(ax, [(8.07, gates), (8.58, gates)])
    _line(ax, [(6.35, gates), (6.6, gates), (6.6, 0.9), (8.8, 0.9), (8.8, gates - 0.22)])
    _line(ax, [(8.8, gates + 0.22), (8.8, top - 0.22)])
    _line(ax, [(8.02, top), (8.58, top)])
    _line(ax, [(9.02, top), (9.8, top)])
    ax.text(7.9, 2.0, "$z_t$", fontsize=9, color=PALETTE["blue"])
    ax.set_xlim(-0.8, 10.8)
    ax.set_ylim(-0.4, 3.9)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
