/* The book's explorers, for readers without a kernel.

   In a notebook with a kernel, an explorer is an ipywidgets figure (gru_course.explorers).
   In the HTML book, the same output also carries an HTML twin: a <div class="gc-explorer">
   holding the explorer's data (the parameters and inputs of the package's example, or the
   package's precomputed results) as JSON. This script, served by the site itself, draws it
   as SVG and redraws it whenever a control moves: with the package's models ported below
   (a GRU step and its backward pass, an RNN step, the gradient norms over time), or by
   looking the setting up in the precomputed results. Nothing is fetched from the network.

   The browser test (tests/test_browser.py) moves every control of every explorer and
   compares the numbers each one computes with gru_course's for the same setting. */
(function (root) {
  "use strict";

  // ---------------------------------------------------------------------------
  // Arrays: a matrix is {rows, cols, data: Float64Array (row-major)}; a vector a Float64Array.

  function decode(value) {
    // {"b64": ..., "shape": [...]} holds float64 bytes, little-endian, row-major.
    if (Array.isArray(value)) return value.map(decode);
    if (value === null || typeof value !== "object") return value;
    if (typeof value.b64 === "string") {
      const bytes = Uint8Array.from(atob(value.b64), (c) => c.charCodeAt(0));
      const data = new Float64Array(bytes.buffer);
      return value.shape.length === 2 ? { rows: value.shape[0], cols: value.shape[1], data } : data;
    }
    const out = {};
    for (const key of Object.keys(value)) out[key] = decode(value[key]);
    return out;
  }

  function affine(W, v, b) {
    // W v (+ b), W {rows, cols}, v of length cols.
    const out = new Float64Array(W.rows);
    for (let i = 0; i < W.rows; i++) {
      let sum = b ? b[i] : 0;
      const row = i * W.cols;
      for (let j = 0; j < W.cols; j++) sum += W.data[row + j] * v[j];
      out[i] = sum;
    }
    return out;
  }

  function transposedTimes(W, v) {
    // Wᵀ v, v of length rows.
    const out = new Float64Array(W.cols);
    for (let i = 0; i < W.rows; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const row = i * W.cols;
      for (let j = 0; j < W.cols; j++) out[j] += W.data[row + j] * vi;
    }
    return out;
  }

  function map(f, ...arrays) {
    const out = new Float64Array(arrays[0].length);
    for (let i = 0; i < out.length; i++) out[i] = f(...arrays.map((a) => a[i]));
    return out;
  }

  const add = (u, v) => map((a, b) => a + b, u, v);
  const times = (u, v) => map((a, b) => a * b, u, v);
  const sigmoid = (v) => map((a) => 1 / (1 + Math.exp(-a)), v);
  const tanh = (v) => map(Math.tanh, v);
  const norm = (v) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  const shifted = (v, by) => map((a) => a + by, v);
  const scaled = (W, by) => ({ rows: W.rows, cols: W.cols, data: W.data.map((a) => a * by) });
  const row = (M, i) => M.data.subarray(i * M.cols, (i + 1) * M.cols);

  // ---------------------------------------------------------------------------
  // The package's models, ported (gru_course.gru with variant "reset_before", gru_course.rnn).

  function gruStep(p, x, hPrev) {
    const c = { x, h_prev: hPrev };
    c.g1 = affine(p.W_zh, hPrev, p.b_zh);
    c.g2 = affine(p.W_zx, x, p.b_zx);
    c.g3 = add(c.g1, c.g2);
    c.z = sigmoid(c.g3);
    c.g4 = affine(p.W_rh, hPrev, p.b_rh);
    c.g5 = affine(p.W_rx, x, p.b_rx);
    c.g6 = add(c.g4, c.g5);
    c.r = sigmoid(c.g6);
    c.g7 = times(c.r, hPrev);
    c.g8 = affine(p.W_hh, c.g7, p.b_hh);
    c.g9 = affine(p.W_hx, x, p.b_hx);
    c.g10 = add(c.g8, c.g9);
    c.h_tilde = tanh(c.g10);
    c.g11 = times(c.z, hPrev);
    c.g12 = map((z, ht) => (1 - z) * ht, c.z, c.h_tilde);
    c.h = add(c.g11, c.g12);
    return c;
  }

  function gruStepBackward(p, c, dh) {
    // The adjoint of every value of the step, as gru.step_backward_named names them.
    const d = { h: dh, g11: dh, g12: dh };
    d.h_tilde = map((g, z) => g * (1 - z), dh, c.z);
    d.z = map((g, ht, hp) => g * (hp - ht), dh, c.h_tilde, c.h_prev);
    d.g10 = map((g, ht) => g * (1 - ht * ht), d.h_tilde, c.h_tilde);
    d.g8 = d.g10;
    d.g9 = d.g10;
    d.g7 = transposedTimes(p.W_hh, d.g8);
    d.r = times(d.g7, c.h_prev);
    d.g6 = map((g, r) => g * r * (1 - r), d.r, c.r);
    d.g4 = d.g6;
    d.g5 = d.g6;
    d.g3 = map((g, z) => g * z * (1 - z), d.z, c.z);
    d.g1 = d.g3;
    d.g2 = d.g3;
    d.x = add(add(transposedTimes(p.W_hx, d.g9), transposedTimes(p.W_rx, d.g5)), transposedTimes(p.W_zx, d.g2));
    d.h_prev = add(
      add(times(dh, c.z), times(d.g7, c.r)),
      add(transposedTimes(p.W_rh, d.g4), transposedTimes(p.W_zh, d.g1))
    );
    return d;
  }

  function rnnStep(p, x, hPrev) {
    const a = add(affine(p.W_hx, x, p.b_hx), affine(p.W_hh, hPrev, p.b_hh));
    return { h_prev: hPrev, a, h: tanh(a) };
  }

  function rnnStepBackward(p, c, dh) {
    const da = map((g, h) => g * (1 - h * h), dh, c.h);
    return { a: da, h_prev: transposedTimes(p.W_hh, da) };
  }

  function gradientNorms(model, p, xs, h0, dhLast) {
    // ‖∂L/∂h_t‖ for t = 0 ... T when the loss depends on h_T only (analysis.gradient_norms).
    const step = model === "gru" ? gruStep : rnnStep;
    const back = model === "gru" ? gruStepBackward : rnnStepBackward;
    const caches = [];
    let h = h0;
    for (const x of xs) {
      const c = step(p, x, h);
      caches.push(c);
      h = c.h;
    }
    const norms = new Array(xs.length + 1);
    let dh = dhLast;
    norms[xs.length] = norm(dh);
    for (let t = xs.length - 1; t >= 0; t--) {
      dh = back(p, caches[t], dh).h_prev;
      norms[t] = norm(dh);
    }
    return norms;
  }

  // ---------------------------------------------------------------------------
  // Drawing: a small SVG chart, on white in light and dark mode alike.

  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = {
    black: "#000000", orange: "#E69F00", sky: "#56B4E9", green: "#009E73", yellow: "#F0E442",
    blue: "#0072B2", vermillion: "#D55E00", purple: "#CC79A7", grey: "#999999",
  };

  function el(tag, attrs, parent, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function label(node, str) {
    // Plain text with TeX-like subscripts: "h_{t-1}" draws t-1 as a subscript.
    const parts = String(str).split(/(_\{[^}]*\}|_\w)/);
    for (const part of parts) {
      if (!part) continue;
      const sub = part.startsWith("_");
      const span = el("tspan", sub ? { "baseline-shift": "sub", "font-size": "75%" } : {}, node);
      span.textContent = sub ? part.replace(/^_\{?|\}$/g, "") : part;
    }
    return node;
  }

  function ticks(lo, hi, count) {
    const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= count) || step * 10;
    const out = [];
    for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9 * nice; v += nice) out.push(+v.toFixed(10));
    return out;
  }

  function chart(svg, spec) {
    // spec: {width, height, xlim, ylim, xlabel, ylabel, title, xticks?, yticks?, ylabels?,
    //        series: [{kind: "line"|"bar"|"dot", x, y, color, label, width?, dash?, opacity?}]}
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const W = spec.width || 640, H = spec.height || 330;
    const legendWidth = spec.series.some((s) => s.label) ? 140 : 0; // the legend sits right of the plot
    const m = { left: 62, right: 16 + legendWidth, top: spec.title ? 28 : 12, bottom: 44 };
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#ffffff" }, svg);
    const [x0, x1] = spec.xlim, [y0, y1] = spec.ylim;
    const px = (x) => m.left + ((x - x0) / (x1 - x0)) * (W - m.left - m.right);
    const py = (y) => H - m.bottom - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * (H - m.top - m.bottom);
    const axis = { stroke: "#000000", "stroke-width": 1 };
    const text = { "font-size": 12, fill: "#000000", "font-family": "sans-serif" };
    for (const t of spec.yticks || ticks(y0, y1, 6)) {
      el("line", { x1: m.left, x2: W - m.right, y1: py(t), y2: py(t), stroke: "#dddddd" }, svg);
      const name = spec.ylabels ? spec.ylabels(t) : String(t);
      el("text", { ...text, x: m.left - 6, y: py(t) + 4, "text-anchor": "end" }, svg, name);
    }
    for (const t of spec.xticks || ticks(x0, x1, 8)) {
      el("line", { ...axis, x1: px(t), x2: px(t), y1: H - m.bottom, y2: H - m.bottom + 4 }, svg);
      const name = spec.xlabels ? spec.xlabels(t) : String(t);
      label(el("text", { ...text, x: px(t), y: H - m.bottom + 17, "text-anchor": "middle" }, svg), name);
    }
    el("line", { ...axis, x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }, svg);
    el("line", { ...axis, x1: m.left, x2: m.left, y1: m.top, y2: H - m.bottom }, svg);
    label(el("text", { ...text, x: (m.left + W - m.right) / 2, y: H - 6, "text-anchor": "middle" }, svg), spec.xlabel);
    const ylab = label(el("text", { ...text, x: 14, y: (m.top + H - m.bottom) / 2, "text-anchor": "middle" }, svg), spec.ylabel);
    ylab.setAttribute("transform", `rotate(-90 14 ${(m.top + H - m.bottom) / 2})`);
    if (spec.title) el("text", { ...text, x: W / 2, y: 16, "text-anchor": "middle" }, svg, spec.title);
    const legend = [];
    for (const s of spec.series) {
      const style = { stroke: s.color, fill: s.color, opacity: s.opacity ?? 1 };
      const xs = Array.from(s.x), ys = Array.from(s.y);
      if (s.kind === "bar") {
        for (let i = 0; i < xs.length; i++) {
          const top = py(Math.max(ys[i], s.base ?? 0)), bottom = py(Math.min(ys[i], s.base ?? 0));
          const left = px(xs[i] - s.width / 2), right = px(xs[i] + s.width / 2);
          el("rect", { ...style, x: left, y: top, width: right - left, height: Math.max(bottom - top, 0.5) }, svg);
        }
      } else if (s.kind === "dot") {
        for (let i = 0; i < xs.length; i++) el("circle", { ...style, cx: px(xs[i]), cy: py(ys[i]), r: 4 }, svg);
      } else {
        const points = xs.map((x, i) => `${px(x).toFixed(1)},${py(ys[i]).toFixed(1)}`).join(" ");
        el("polyline", { ...style, fill: "none", points, "stroke-width": s.width || 2, "stroke-dasharray": s.dash || "" }, svg);
      }
      if (s.label) legend.push(s);
    }
    legend.forEach((s, i) => {
      const y = m.top + 10 + 16 * i, x = W - legendWidth + 4;
      el("rect", { x, y: y - 8, width: 12, height: 10, fill: s.color }, svg);
      label(el("text", { ...text, x: x + 16, y: y + 1 }, svg), s.label);
    });
  }

  const log10 = (v, floor) => Math.max(Math.log10(v), floor);
  const powerLabel = (e) => (e === 0 ? "1" : `1e${e}`);
  const fmt = (v) => (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toFixed(3));

  // ---------------------------------------------------------------------------
  // The explorers. Each: {draw(svg, data, values) -> {numbers, summary}}.

  const UNITS = (n) => Array.from({ length: n }, (_, i) => i + 1);

  const EXPLORERS = {
    "gate-step": {
      draw(svg, data, v) {
        const p = { ...data.params, b_zx: shifted(data.params.b_zx, v.bias_z), b_rx: shifted(data.params.b_rx, v.bias_r) };
        const c = gruStep(p, data.x, data.h_prev);
        const u = UNITS(c.h.length), w = 0.27;
        chart(svg, {
          xlim: [0.4, u.length + 0.6], ylim: [-1.05, 1.05], xticks: u, xlabel: "unit", ylabel: "value",
          series: [
            { kind: "bar", x: u.map((i) => i - w), y: Array.from(c.h_prev), width: w, color: COLORS.grey, label: "h_{t-1}" },
            { kind: "bar", x: u, y: Array.from(c.h_tilde), width: w, color: COLORS.green, label: "h̃_t (candidate)" },
            { kind: "bar", x: u.map((i) => i + w), y: Array.from(c.h), width: w, color: COLORS.orange, label: "h_t" },
            { kind: "dot", x: u, y: Array.from(c.z), color: COLORS.blue, label: "z_t (update)" },
            { kind: "dot", x: u, y: Array.from(c.r), color: COLORS.vermillion, label: "r_t (reset)", opacity: 0.8 },
          ],
        });
        const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
        const numbers = { z: Array.from(c.z), r: Array.from(c.r), h_tilde: Array.from(c.h_tilde), h: Array.from(c.h) };
        const summary = `mean z = ${mean(c.z).toFixed(3)}, mean r = ${mean(c.r).toFixed(3)}: h_t is ` +
          `${(100 * mean(c.z)).toFixed(0)}% the old state and ${(100 - 100 * mean(c.z)).toFixed(0)}% the candidate, on average`;
        return { numbers, summary };
      },
    },

    "gradient-flow": {
      draw(svg, data, v) {
        const T = Math.round(v.steps), floor = -30;
        const xs = Array.from({ length: T }, (_, t) => row(data.xs, t));
        const rnnP = { ...data.rnn, W_hh: scaled(data.rnn.W_hh, v.radius) };
        const gruP = { ...data.gru, W_hh: scaled(data.gru.W_hh, v.radius), b_zx: shifted(data.gru.b_zx, v.bias_z) };
        const h0 = new Float64Array(data.dh_last.length);
        const rnn = gradientNorms("rnn", rnnP, xs, h0, data.dh_last);
        const gru = gradientNorms("gru", gruP, xs, h0, data.dh_last);
        const steps = UNITS(T + 1).map((i) => i - 1);
        chart(svg, {
          xlim: [0, T], ylim: [floor, 6], yticks: [-30, -24, -18, -12, -6, 0, 6], ylabels: powerLabel,
          xlabel: "step t", ylabel: "‖∂L/∂h_t‖ (log scale)",
          title: `spectral radius ${v.radius.toFixed(1)}, update-gate bias ${v.bias_z >= 0 ? "+" : ""}${v.bias_z}, T = ${T}`,
          series: [
            { kind: "line", x: steps, y: rnn.map((n) => log10(n, floor)), color: COLORS.vermillion, label: "RNN" },
            { kind: "line", x: steps, y: gru.map((n) => log10(n, floor)), color: COLORS.blue, label: "GRU" },
          ],
        });
        const summary = `reaching h_0 from the loss at step ${T}: RNN ${rnn[0].toExponential(1)}, GRU ${gru[0].toExponential(1)}`;
        return { numbers: { rnn, gru }, summary };
      },
    },

    "backward-gates": {
      draw(svg, data, v) {
        const p = { ...data.params, b_zx: shifted(data.params.b_zx, v.bias_z), b_rx: shifted(data.params.b_rx, v.bias_r) };
        const c = gruStep(p, data.x, data.h_prev);
        const d = gruStepBackward(p, c, data.dh);
        const names = data.names, floor = -12;
        const norms = names.map((n) => norm(d[n]));
        const x = UNITS(names.length);
        const branch = (n) => data.branches[n];
        const series = ["update gate", "reset gate", "candidate", "direct", "inputs"].map((b) => ({
          kind: "bar", x: x.filter((_, i) => branch(names[i]) === b),
          y: names.filter((n) => branch(n) === b).map((n) => log10(norm(d[n]), floor)), base: floor,
          width: 0.7, color: data.colors[b], label: b,
        }));
        chart(svg, {
          xlim: [0.3, names.length + 0.7], ylim: [floor, 1], yticks: [-12, -9, -6, -3, 0], ylabels: powerLabel,
          xticks: x, xlabels: (i) => data.labels[i - 1], xlabel: "the adjoint of", ylabel: "‖adjoint‖ (log scale)",
          series,
        });
        const numbers = Object.fromEntries(names.map((n, i) => [n, norms[i]]));
        const summary = `mean z = ${(c.z.reduce((s, a) => s + a, 0) / c.z.length).toFixed(3)}, ` +
          `mean r = ${(c.r.reduce((s, a) => s + a, 0) / c.r.length).toFixed(3)}: ‖ḡ3‖ = ${fmt(numbers.g3)}, ` +
          `‖ḡ6‖ = ${fmt(numbers.g6)}, ‖ḡ10‖ = ${fmt(numbers.g10)}, ‖h̄_{t-1}‖ = ${fmt(numbers.h_prev)}`;
        return { numbers, summary };
      },
    },

    truncation: {
      draw(svg, data, v) {
        const k = Math.round(v.k), T = data.steps, key = String(v.radius);
        const errors = data.errors[key]; // errors[k - 1] for k = 1 ... T
        const ks = UNITS(T);
        chart(svg, {
          xlim: [1, T], ylim: [data.floor, 1], yticks: ticks(data.floor, 0, 6).filter(Number.isInteger), ylabels: powerLabel,
          xlabel: "window k (cells each loss reaches back through)", ylabel: "relative error of ∂L/∂W_{hh}",
          series: [
            { kind: "line", x: ks, y: Array.from(errors, (e) => log10(e, data.floor)), color: COLORS.blue,
              label: `radius ${key}` },
            { kind: "dot", x: [k], y: [log10(errors[k - 1], data.floor)], color: COLORS.vermillion, label: `k = ${k}` },
          ],
        });
        const kept = data.kept[key][k - 1];
        const summary = `k = ${k}: relative error ${errors[k - 1].toExponential(1)}; the window keeps ` +
          `${(100 * kept).toFixed(1)}% of the gradient's terms ∂L_s/∂h_t (weighted by their size)`;
        return { numbers: { error: errors[k - 1], kept }, summary };
      },
    },

    training: {
      draw(svg, data, v) {
        const i = data.lengths.indexOf(Math.round(v.length));
        const series = [];
        data.models.forEach((model, m) => {
          data.curves[m][i].forEach((curve, s) => {
            series.push({
              kind: "line", x: data.steps, y: curve, color: data.colors[m], width: 1.5, opacity: 0.8,
              label: s === 0 ? model.toUpperCase() : undefined,
            });
          });
        });
        series.push({ kind: "line", x: [0, data.steps[data.steps.length - 1]], y: [1 / 6, 1 / 6], color: COLORS.black,
          dash: "5 4", width: 1, label: "baseline 1/6" });
        chart(svg, {
          xlim: [0, data.steps[data.steps.length - 1]], ylim: [0, 0.3], xlabel: "training step",
          ylabel: "training loss (MSE)", title: `the adding problem, T = ${data.lengths[i]}`, series,
        });
        const evaluation = data.models.map((model, m) => data.evaluation[m][i]);
        const summary = data.models.map((model, m) =>
          `${model.toUpperCase()}: evaluation MSE ${evaluation[m].map((e) => e.toFixed(3)).join(", ")}`).join("; ");
        return { numbers: { evaluation }, summary };
      },
    },
  };

  // ---------------------------------------------------------------------------
  // Mounting: controls, the chart, a caption and a line of numbers.

  function mount(container) {
    if (container.gcExplorer) return container.gcExplorer;
    const spec = JSON.parse(container.querySelector("script.gc-data").textContent);
    const data = decode(spec.data);
    const explorer = EXPLORERS[spec.kind];
    const controls = document.createElement("div");
    controls.className = "gc-controls";
    const inputs = {};
    for (const control of spec.controls) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "range";
      input.name = control.name;
      if (control.options) {
        input.min = 0;
        input.max = control.options.length - 1;
        input.step = 1;
        input.value = control.options.indexOf(control.value);
      } else {
        Object.assign(input, { min: control.min, max: control.max, step: control.step, value: control.value });
      }
      const shown = document.createElement("output");
      label.append(`${control.label} `, input, " ", shown);
      controls.appendChild(label);
      inputs[control.name] = { input, shown, control };
    }
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "gc-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", spec.alt);
    const summary = document.createElement("p");
    summary.className = "gc-summary";
    summary.setAttribute("aria-live", "polite");
    const state = { values: {}, numbers: null, redraws: 0, lastRedrawMs: 0 };

    function values() {
      const out = {};
      for (const [name, { input, shown, control }] of Object.entries(inputs)) {
        const value = control.options ? control.options[+input.value] : +input.value;
        shown.textContent = String(value);
        out[name] = value;
      }
      return out;
    }

    function redraw() {
      const start = performance.now();
      state.values = values();
      const result = explorer.draw(svg, data, state.values);
      state.numbers = result.numbers;
      summary.textContent = result.summary;
      state.redraws += 1;
      state.lastRedrawMs = performance.now() - start;
    }

    for (const { input } of Object.values(inputs)) input.addEventListener("input", redraw);
    const frame = container.querySelector(".gc-frame") || container;
    frame.replaceChildren(controls, svg, summary);
    container.classList.add("gc-live");
    redraw();
    container.gcExplorer = {
      kind: spec.kind,
      state,
      controls: () => spec.controls,
      set(name, value) {
        const { input, control } = inputs[name];
        input.value = control.options ? control.options.indexOf(value) : value;
        input.dispatchEvent(new Event("input"));
        return state.numbers;
      },
    };
    return container.gcExplorer;
  }

  function mountAll() {
    document.querySelectorAll(".gc-explorer").forEach(mount);
  }

  root.gcExplorers = { mount, mountAll, gruStep, gruStepBackward, rnnStep, gradientNorms, decode };
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
    else mountAll();
  }
})(typeof window !== "undefined" ? window : globalThis);
