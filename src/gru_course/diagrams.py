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


def unrolled_rnn(steps=4, inputs=None, targets=None):
    """The vanilla RNN unrolled over ``steps`` time steps.

    Bottom to top in each column: input x_t, state h_t = tanh(a_t), scores
    o_t with prediction ŷ_t, and the loss L_t, which compares ŷ_t with the
    target y_t drawn above it. Every column is labelled with the weights it
    uses, W_hx and W_oh, and horizontal arrows carry the state from one step to
    the next through W_hh. ``inputs`` and ``targets`` optionally label the
    columns (e.g. the characters of a word and of the word shifted by one).
    Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(1.9 * steps + 1.6, 4.9))
    rows = {"x": 0.0, "h": 1.3, "o": 2.6, "L": 3.7, "y": 4.8}
    box(ax, -0.6, rows["h"], "$h_0$", PALETTE["grey"], width=0.8)
    for t in range(1, steps + 1):
        cx = 1.9 * (t - 1) + 1.3
        name = f"$x_{{{t}}}$" if inputs is None else f"$x_{{{t}}}$ '{inputs[t - 1]}'"
        target = f"$y_{{{t}}}$" if targets is None else f"$y_{{{t}}}$ '{targets[t - 1]}'"
        box(ax, cx, rows["x"], name, PALETTE["sky"], width=1.3)
        box(ax, cx, rows["h"], f"$h_{{{t}}}$", PALETTE["orange"])
        box(ax, cx, rows["o"], rf"$o_{{{t}}},\ \hat y_{{{t}}}$", PALETTE["green"], width=1.3)
        box(ax, cx, rows["L"], f"$L_{{{t}}}$", PALETTE["purple"])
        box(ax, cx, rows["y"], target, "white", width=1.3)
        for below, above, label in (("x", "h", "$W_{hx}$"), ("h", "o", "$W_{oh}$"), ("o", "L", None)):
            arrow(ax, (cx, rows[below] + 0.3), (cx, rows[above] - 0.3), label, label_offset=(0.3, 0))
        arrow(ax, (cx, rows["y"] - 0.3), (cx, rows["L"] + 0.3))  # the target enters the loss
        prev_x = -0.6 + 0.4 if t == 1 else cx - 1.9 + 0.5
        arrow(ax, (prev_x, rows["h"]), (cx - 0.5, rows["h"]), "$W_{hh}$", label_offset=(0, 0.2))
    ax.text(1.9 * (steps - 1) + 2.4, rows["L"], r"$L=\sum_t L_t$", va="center", fontsize=11)
    ax.set_xlim(-1.2, 1.9 * (steps - 1) + 3.6)
    ax.set_ylim(-0.5, 5.3)
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


# Positions of the GRU step's computational graph (reset before), column by
# column from inputs to output. Each node: (x, y, label).
_GRAPH_NODES = {
    "h_prev": (0.0, 4.6, "$h_{t-1}$"),
    "x": (0.0, 1.4, "$x_t$"),
    "g1": (2.0, 6.6, "$g_1$: $W_{zh}h_{t-1}$"),
    "g2": (2.0, 5.6, "$g_2$: $W_{zx}x_t$"),
    "g4": (2.0, 4.4, "$g_4$: $W_{rh}h_{t-1}$"),
    "g5": (2.0, 3.4, "$g_5$: $W_{rx}x_t$"),
    "g9": (2.0, 0.4, "$g_9$: $W_{hx}x_t$"),
    "g3": (4.2, 6.1, "$g_3$: $g_1{+}g_2$"),
    "g6": (4.2, 3.9, "$g_6$: $g_4{+}g_5$"),
    "z": (6.0, 6.1, r"$z_t=\sigma(g_3)$"),
    "r": (6.0, 3.9, r"$r_t=\sigma(g_6)$"),
    "g7": (6.0, 2.5, r"$g_7$: $r_t\circ h_{t-1}$"),
    "g8": (7.9, 2.5, "$g_8$: $W_{hh}g_7$"),
    "g10": (7.9, 1.0, "$g_{10}$: $g_8{+}g_9$"),
    "h_tilde": (9.8, 1.0, r"$\tilde h_t=\tanh(g_{10})$"),
    "g11": (9.8, 6.1, r"$g_{11}$: $z_t\circ h_{t-1}$"),
    "g12": (11.6, 2.8, r"$g_{12}$: $(1{-}z_t)\circ\tilde h_t$"),
    "h": (12.6, 5.0, "$h_t$: $g_{11}{+}g_{12}$"),
}
_GRAPH_EDGES = [
    ("h_prev", "g1"), ("x", "g2"), ("g1", "g3"), ("g2", "g3"), ("g3", "z"),
    ("h_prev", "g4"), ("x", "g5"), ("g4", "g6"), ("g5", "g6"), ("g6", "r"),
    ("r", "g7"), ("h_prev", "g7"), ("g7", "g8"), ("x", "g9"), ("g8", "g10"), ("g9", "g10"),
    ("g10", "h_tilde"), ("z", "g11"), ("h_prev", "g11"), ("z", "g12"), ("h_tilde", "g12"),
    ("g11", "h"), ("g12", "h"),
]  # fmt: skip


def gru_graph():
    """The computational graph of one GRU step (reset before), g1 ... g12.

    Values used by more than one operation, whose gradients are therefore
    sums, are drawn in colour: h_{t-1} (four uses), x_t (three) and z_t (two).
    Biases are folded into the matrix products. Returns the figure.
    """
    reused = {"h_prev": PALETTE["vermillion"], "x": PALETTE["blue"], "z": PALETTE["green"]}
    fig, ax = plt.subplots(figsize=(13.5, 5.6))
    width = {"h_prev": 0.8, "x": 0.8, "h": 1.7}
    nodes = {name: (1.3 * x, y, label) for name, (x, y, label) in _GRAPH_NODES.items()}
    for name, (x, y, label) in nodes.items():
        color = reused.get(name, PALETTE["yellow"] if name in ("h", "h_tilde", "r") else "#f2f2f2")
        box(ax, x, y, label, color, width=width.get(name, 1.75), height=0.55)
    for start, end in _GRAPH_EDGES:
        (x0, y0, _), (x1, y1, _) = nodes[start], nodes[end]
        w0, w1 = width.get(start, 1.75) / 2, width.get(end, 1.75) / 2
        color = reused.get(start, "black")
        if abs(x1 - x0) < 0.1:  # same column: vertical edge
            sign = 1 if y1 > y0 else -1
            arrow(ax, (x0, y0 + sign * 0.3), (x1, y1 - sign * 0.3), color=color)
        else:
            arrow(ax, (x0 + w0 + 0.05, y0), (x1 - w1 - 0.05, y1), color=color)
    ax.set_xlim(-0.6, 17.6)
    ax.set_ylim(-0.1, 7.1)
    ax.axis("off")
    fig.tight_layout()
    return fig


def rnn_cell_backward():
    """The backward pass through one RNN cell, the one of step t.

    Top to bottom, as the gradient flows: the loss L_t gives ∂L/∂o_t = ŷ_t - y_t
    and the output layer's shares; W_ohᵀ carries it to the state, where it
    joins what step t+1 hands back, W_hhᵀ ∂L/∂a_{t+1}; the factor 1 - h_t² of
    tanh' gives ∂L/∂a_t, from which come the shares of W_hx, W_hh and b_h, the
    gradient of the input x_t and the part of ∂L/∂h_{t-1} that comes via cell t,
    handed to step t-1. The numbers in brackets are the steps of the one-cell
    chapter. Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(10.0, 6.0))
    col, left, right = 4.2, 0.2, 8.7
    rows = {"L": 6.2, "o": 5.0, "h": 3.5, "a": 1.7, "x": 0.2}
    grad = r"\partial L/\partial "
    box(ax, col, rows["L"], "$L_t$", PALETTE["purple"], width=0.8)
    box(ax, col, rows["o"], rf"${grad}o_t = \hat y_t - y_t$", PALETTE["green"], width=2.7)
    box(ax, col, rows["h"], f"${grad}h_t$", PALETTE["orange"], width=1.4)
    box(ax, col, rows["a"], f"${grad}a_t$", PALETTE["yellow"], width=1.4)
    box(ax, col, rows["x"], rf"${grad}x_t = W_{{hx}}^\top {grad}a_t$", PALETTE["sky"], width=3.0)
    via_cell = rf"${grad}h_{{t-1}}$ via cell $t$" + "\n" + rf"$= W_{{hh}}^\top {grad}a_t$"
    box(ax, left, rows["a"], via_cell, PALETTE["grey"], width=2.5, height=0.9)
    box(ax, right, rows["h"], rf"$W_{{hh}}^\top {grad}a_{{t+1}}$", PALETTE["grey"], width=2.4)
    output_shares = rf"${grad}b_o\,|_t = {grad}o_t$" + "\n" + rf"${grad}W_{{oh}}\,|_t = {grad}o_t\, h_t^\top$"
    box(ax, right, rows["o"], output_shares, "#f2f2f2", width=3.6, height=0.9)
    cell_shares = "\n".join(
        (
            rf"${grad}b_h\,|_t = {grad}a_t$  (8)",
            rf"${grad}W_{{hx}}\,|_t = {grad}a_t\, x_t^\top$  (9)",
            rf"${grad}W_{{hh}}\,|_t = {grad}a_t\, h_{{t-1}}^\top$  (10)",
        )
    )
    box(ax, right, rows["a"], cell_shares, "#f2f2f2", width=3.6, height=1.3)
    arrow(ax, (col, rows["L"] - 0.3), (col, rows["o"] + 0.3), "(1–3)", label_offset=(0.45, 0))
    arrow(ax, (col + 1.4, rows["o"]), (right - 1.85, rows["o"]), "(4, 5)", label_offset=(0, 0.22))
    arrow(ax, (col, rows["o"] - 0.3), (col, rows["h"] + 0.3), r"$W_{oh}^\top$  (6)", label_offset=(0.6, 0))
    arrow(ax, (right - 1.25, rows["h"]), (col + 0.75, rows["h"]), "+ from step $t+1$  (6)", label_offset=(0, 0.22))
    arrow(ax, (col, rows["h"] - 0.3), (col, rows["a"] + 0.3), r"$\circ\,(1 - h_t^2)$  (7)", label_offset=(0.8, 0))
    arrow(ax, (col + 0.75, rows["a"]), (right - 1.85, rows["a"]))
    arrow(ax, (col - 0.75, rows["a"]), (left + 1.3, rows["a"]), "to step $t-1$  (11)", label_offset=(0, 0.22))
    arrow(ax, (col, rows["a"] - 0.3), (col, rows["x"] + 0.3), "(11)", label_offset=(0.35, 0))
    ax.set(xlim=(-1.2, 10.7), ylim=(-0.3, 6.6), aspect="equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig
