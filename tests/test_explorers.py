"""The explorers: both versions in one output, exact data in the page, and the page's
script computing what the package computes (run here in Node; the browser test does it
again in the built book)."""

import base64
import json
import re
import shutil
import subprocess

import matplotlib
import numpy as np
import pytest

from gru_course import explorers
from test_chapters import ROOT

matplotlib.use("Agg")
MAKERS = {
    "gate-step": explorers.gate_explorer,
    "gradient-flow": explorers.gradient_flow_explorer,
    "backward-gates": explorers.backward_gate_explorer,
    "truncation": explorers.truncation_explorer,
    "training": explorers.training_explorer,
}


def page_spec(html):
    payload = re.search(r'<script type="application/json" class="gc-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(payload.replace("<\\/", "</"))


@pytest.mark.parametrize("kind", MAKERS)
def test_an_explorer_carries_its_widget_and_its_page_version(kind):
    bundle = MAKERS[kind]()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert f'data-kind="{kind}"' in html and "<figcaption>" in html
    spec = page_spec(html)
    assert spec["kind"] == kind and spec["alt"] and spec["controls"]
    assert set(explorers.PAGE_NUMBERS) == set(MAKERS)


def test_arrays_travel_to_the_page_exactly():
    array = np.random.default_rng(0).normal(size=(3, 5))
    packed = explorers.packed({"W": array, "n": 3, "names": ["a"]})
    back = np.frombuffer(base64.b64decode(packed["W"]["b64"]), dtype="<f8").reshape(packed["W"]["shape"])
    assert np.array_equal(back, array) and packed["n"] == 3 and packed["names"] == ["a"]


def test_the_gradient_flow_explorer_refuses_lengths_beyond_its_example():
    assert all(norms.shape == (41,) for norms in explorers.gradient_flow_norms(1.2, 1.0, 40))
    with pytest.raises(ValueError, match="steps must be between 1 and 200"):
        explorers.gradient_flow_norms(1.0, 0.0, 201)


NODE_CHECK = r"""
require(process.argv[1]);
const g = globalThis.gcExplorers;
const specs = JSON.parse(require("fs").readFileSync(0, "utf8"));
const flow = g.decode(specs["gradient-flow"].data), out = {};
const scaled = (W, s) => ({rows: W.rows, cols: W.cols, data: W.data.map(a => a * s)});
for (const [radius, bias, T] of [[0.5, 0, 60], [1.6, 3, 150]]) {
  const xs = Array.from({length: T}, (_, t) => flow.xs.data.subarray(t * flow.xs.cols, (t + 1) * flow.xs.cols));
  const h0 = new Float64Array(flow.dh_last.length);
  const gru = {...flow.gru, W_hh: scaled(flow.gru.W_hh, radius), b_zx: flow.gru.b_zx.map(a => a + bias)};
  out[`${radius} ${bias} ${T}`] = [
    g.gradientNorms("rnn", {...flow.rnn, W_hh: scaled(flow.rnn.W_hh, radius)}, xs, h0, flow.dh_last),
    g.gradientNorms("gru", gru, xs, h0, flow.dh_last)];
}
const b = g.decode(specs["backward-gates"].data);
for (const [bz, br] of [[-6, 2], [4, -8]]) {
  const p = {...b.params, b_zx: b.params.b_zx.map(a => a + bz), b_rx: b.params.b_rx.map(a => a + br)};
  const d = g.gruStepBackward(p, g.gruStep(p, b.x, b.h_prev), b.dh);
  out[`${bz} ${br}`] = Object.fromEntries(b.names.map(n => [n, Math.hypot(...d[n])]));
}
console.log(JSON.stringify(out));
"""


def test_the_page_script_computes_what_the_package_computes():
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed (the browser test checks the page's numbers too)")
    specs = {kind: page_spec(MAKERS[kind]().html) for kind in ("gradient-flow", "backward-gates")}
    script = str(ROOT / "book" / "_static" / "explorers.js")
    result = subprocess.run(
        ["node", "-e", NODE_CHECK, script], input=json.dumps(specs), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    for radius, bias, steps in ((0.5, 0, 60), (1.6, 3, 150)):
        package = explorers.gradient_flow_norms(radius, bias, steps)
        for page, expected in zip(got[f"{radius} {bias} {steps}"], package, strict=True):
            assert np.allclose(page, expected, rtol=1e-12, atol=0)
    for bias_z, bias_r in ((-6, 2), (4, -8)):
        expected = explorers.backward_gate_norms(bias_z, bias_r)
        assert np.allclose([got[f"{bias_z} {bias_r}"][n] for n in expected], list(expected.values()), rtol=1e-12)
