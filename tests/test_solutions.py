"""The code in every exercise solution runs, after the chapter's own cells.

Each chapter's code cells are executed in one namespace (as a learner running
the notebook would), then each ```python block of its solutions in order.
"""

import json
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest

from test_chapters import notebooks

ROOT = Path(__file__).resolve().parents[1]


def solution_blocks(nb):
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    solutions = re.findall(r":::\{solution\}.*?\n:::", markdown, re.S)
    return [block for s in solutions for block in re.findall(r"```python\n(.*?)```", s, re.S)]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_solution_code_runs(path, monkeypatch):
    nb = json.loads(path.read_text())
    blocks = solution_blocks(nb)
    if not blocks:
        pytest.skip("no code in this chapter's solutions")
    matplotlib.use("Agg")
    monkeypatch.chdir(path.parent)
    namespace = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name} cell", "exec"), namespace)
    try:
        for i, block in enumerate(blocks):
            exec(compile(block, f"{path.name} solution block {i + 1}", "exec"), namespace)
    finally:
        plt.close("all")  # the chapter's figures: not left open for the tests that follow
