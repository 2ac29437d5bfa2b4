"""How long one redraw of the gradient-flow explorer takes (budget: 100 ms).

A redraw recomputes the RNN's and the GRU's gradient norms for the sliders'
values and renders the figure to PNG, which is what the notebook shows. The
script times a sweep of slider settings and prints the median and the worst
redraw, and their ratio to the budget.

Run with ``make bench`` or ``python benchmarks/bench_explorer.py``.
"""

import io
import itertools
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from gru_course.explorers import gradient_flow_figure

BUDGET = 0.100  # seconds per redraw


def redraw_times(repeats=3):
    """Seconds per redraw, for every combination of a few slider values."""
    fig, update = gradient_flow_figure()
    settings = list(itertools.product([0.6, 1.0, 1.5], [0.0, 2.0, 4.0], [50, 100, 200]))
    update(*settings[0])  # warm up: fonts, first render
    fig.savefig(io.BytesIO(), format="png")
    times = []
    for setting in settings:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            update(*setting)
            fig.savefig(io.BytesIO(), format="png")
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return times


def main():
    times = redraw_times()
    median, worst = statistics.median(times), max(times)
    print(f"gradient-flow explorer, {len(times)} slider settings (best of 3 each)")
    print(f"median redraw {median * 1e3:6.1f} ms   ratio to the 100 ms budget {median / BUDGET:.2f}")
    print(f"worst redraw  {worst * 1e3:6.1f} ms   ratio to the 100 ms budget {worst / BUDGET:.2f}")
    print("within budget" if worst <= BUDGET else "OVER BUDGET")


if __name__ == "__main__":
    main()
