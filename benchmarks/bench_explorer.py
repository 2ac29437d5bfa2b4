"""How long the explorers take to redraw, in a kernel and in the HTML book.

- **Kernel** (budget 100 ms): one redraw of the gradient-flow explorer recomputes the
  RNN's and the GRU's gradient norms for the sliders' values and renders the figure to
  PNG, which is what the notebook shows. Timed over a sweep of slider settings.
- **Page** (budget 50 ms): in the built book (`make book` first), every explorer of every
  page is redrawn by the book's own script, in headless Chromium, for a sweep of each
  control; the script records how long each redraw took. Also printed: the size that each
  explorer adds to its page, and the size of the script itself.

Run with ``make bench`` or ``python benchmarks/bench_explorer.py``. Without a built book
or a Chromium, the page part says so and is skipped.
"""

import io
import itertools
import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from gru_course.explorers import gradient_flow_figure

KERNEL_BUDGET = 0.100  # seconds per redraw
PAGE_BUDGET = 50.0  # milliseconds per redraw
HTML = Path(__file__).resolve().parents[1] / "_build" / "html"
CHROMIUM = Path("/usr/bin/chromium")


def kernel_redraw_times(repeats=3):
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


SWEEP = """(f) => {
  const times = [];
  for (const control of f.gcExplorer.controls()) {
    const values = control.options || Array.from({length: 9},
      (_, i) => control.min + Math.round(i * (control.max - control.min) / 8 / control.step) * control.step);
    for (const value of values) { f.gcExplorer.set(control.name, value); times.push(f.gcExplorer.state.lastRedrawMs); }
    f.gcExplorer.set(control.name, control.value);
  }
  return {kind: f.dataset.kind, times, bytes: f.outerHTML.length};
}"""


def page_redraws():
    """{kind: (redraw times in ms, bytes in the page)} for every explorer of the built book."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        executable = CHROMIUM if CHROMIUM.is_file() else Path(playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=str(executable), args=["--no-sandbox"])
        page = browser.new_page()
        for path in sorted((HTML / "book").glob("*.html")):
            if "gc-explorer" not in path.read_text():
                continue
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("() => document.querySelectorAll('.gc-live').length > 0")
            for figure in page.locator("figure.gc-explorer").all():
                figure.evaluate(SWEEP)  # warm up the script's compiler
                result = figure.evaluate(SWEEP)
                results[result["kind"]] = (result["times"], result["bytes"])
        browser.close()
    return results


def main():
    times = kernel_redraw_times()
    median, worst = statistics.median(times), max(times)
    print(f"kernel: gradient-flow explorer, {len(times)} slider settings (best of 3 each)")
    print(f"  median redraw {median * 1e3:6.1f} ms   ratio to the 100 ms budget {median / KERNEL_BUDGET:.2f}")
    print(f"  worst redraw  {worst * 1e3:6.1f} ms   ratio to the 100 ms budget {worst / KERNEL_BUDGET:.2f}")
    if not (HTML / "index.html").is_file():
        print("page: no built book in _build/html; run `make book` first")
        return
    try:
        results = page_redraws()
    except Exception as error:  # no Playwright or no Chromium: say so, time the kernel alone
        print(f"page: could not drive Chromium ({type(error).__name__}: {error})")
        return
    script = (HTML / "_static" / "explorers.js").stat().st_size
    print(f"page: every explorer of the book in headless Chromium (explorers.js: {script / 1024:.0f} KB)")
    for kind, (ms, size) in results.items():
        median, worst = statistics.median(ms), max(ms)
        print(
            f"  {kind:15s} median {median:5.1f} ms, worst {worst:5.1f} ms, ratio of the worst to the 50 ms "
            f"budget {worst / PAGE_BUDGET:.2f}; adds {size / 1024:.0f} KB to its page"
        )


if __name__ == "__main__":
    main()
