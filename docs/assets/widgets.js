/**
 * Lesson widgets: small interactive figures that show a lesson's own numbers.
 *
 * A lesson script calls lesson_code.report.widget(name, kind, data, label, caption) and
 * the page includes --8<-- "NN-slug/name.widget.md": a <figure class="lesson-widget"
 * data-widget="KIND"> holding a <figcaption>, the data as JSON text in an inert
 * <template data-widget-data> (instant navigation re-creates inline scripts without their
 * type, so no <script type="application/json">) and a no-JavaScript fallback sentence.
 * KINDS below draw each kind. Only what must follow a control is computed here (softmax at
 * the slider's T, the focused cell's dot product, a mask switched on or off); the rest was
 * computed by the lesson with numpy. Tests compare every number shown with numpy to 1e-9.
 *
 * Read-only API for tests: AFP.widgets.state(el) (what the widget around el shows,
 * full precision, with kind and renders: redraws caused by controls), .count() (widgets on
 * this page), .scan() (initialise new widgets; idempotent).
 *
 * CSP-safe (no inline script, eval or inline handler); text only through textContent;
 * colours from Material's variables; initialised on document$ (instant navigation) or
 * DOMContentLoaded, each figure once (data-widget-ready). Uses the shared base (AFP,
 * plugins/common/assets/base.js: element builder, colours, softmax, start-up), loaded first.
 */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP || AFP.widgets) return;
  const el = AFP.el;
  const softmax = AFP.softmax;

  // -- numerics ----------------------------------------------------------------------

  function dot(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  // -- formatting ----------------------------------------------------------------------
  function fixed(x, digits) {
    const t = x.toFixed(digits);
    return /^-0\.?0*$/.test(t) ? t.slice(1) : t.replace("-", "\u2212");
  }
  /** 0.5 -> "0.5", 2 -> "2", 1/3 -> "0.333" */
  function short(x) {
    return fixed(x, 3).replace(/\.?0+$/, "");
  }
  function grouped(n) {
    return n.toLocaleString("en-US");
  }
  /** 3.1 × 10⁻⁵ */
  function sci(x) {
    const p = x.toExponential(1).replace("+", "").split("e");
    return (
      p[0] +
      " \u00d7 10" +
      p[1].replace(
        /[-0-9]/g,
        (c) =>
          "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"[
            "-0123456789".indexOf(c)
          ],
      )
    );
  }
  function mb(bytes) {
    return bytes >= 1e9 ? `${fixed(bytes / 1e9, 1)} GB` : `${fixed(bytes / 1e6, 1)} MB`;
  }

  // -- colour --------------------------------------------------------------------------
  /** Page background and heat colour (rgb triples), read from Material's variables. */
  function palette(root) {
    const probe = el("span", { class: "lw-probe", "aria-hidden": "true" });
    root.append(probe);
    const style = getComputedStyle(probe);
    const out = { hi: AFP.rgb(style.color), lo: AFP.rgb(style.backgroundColor) };
    probe.remove();
    return out;
  }

  /** Colour a cell for weight v in [0, 1], with black or white text, whichever contrasts more. */
  function paint(node, v, pal) {
    const c = AFP.mix(pal.lo, pal.hi, Math.max(0, Math.min(1, v)));
    node.style.backgroundColor = `rgb(${c.join(", ")})`;
    node.style.color = AFP.inkOn(c);
  }

  // -- one widget: controls and views shared by the kinds --------------------------------
  const KINDS = {};
  const instances = new Set();
  let counter = 0;

  function Widget(fig, data) {
    this.fig = fig;
    this.data = data;
    this.id = `lw${++counter}`;
    this.renders = 0;
    this.state = {};
    this.body = el("div", { class: "lw-body" });
  }
  const W = Widget.prototype;

  /** Recompute and redraw after a control changed. */
  W.update = function () {
    this.renders++;
    this.draw();
  };

  W.add = function (node) {
    this.body.append(node);
    return node;
  };

  /** The sentence that sums up the current state (an <output>: a polite live region). */
  W.status = function () {
    return this.add(el("output", { class: "lw-status" }));
  };

  /** A native range input with its label; the value is shown and given as aria-valuetext. */
  W.slider = function (label, min, max, value, step) {
    const id = `${this.id}-range`;
    const row = this.add(el("div", { class: "lw-slider" }));
    const input = el("input", {
      id: id,
      type: "range",
      min: min,
      max: max,
      step: step || 1,
      value: value,
    });
    const shown = el("span", { class: "lw-slider__value", "aria-hidden": "true" });
    input.addEventListener("input", () => {
      this.update();
    });
    row.append(el("label", { for: id }, label), input, shown);
    return {
      value: () => Number(input.value),
      show: (text) => {
        shown.textContent = text;
        input.setAttribute("aria-valuetext", text);
      },
    };
  };

  /** Toggle buttons (aria-pressed). One name: on/off; several: exactly one pressed. */
  W.toggles = function (label, names, start) {
    let current = start;
    const group = this.add(el("div", { class: "lw-choice", role: "group", "aria-label": label }));
    const buttons = names.map((name, i) => {
      const b = group.appendChild(el("button", { type: "button", class: "lw-toggle" }, name));
      b.addEventListener("click", () => {
        if (names.length > 1 && current === i) return;
        current = names.length > 1 ? i : 1 - current;
        this.update();
      });
      return b;
    });
    return () => {
      buttons.forEach((b, i) => {
        b.setAttribute("aria-pressed", String(names.length > 1 ? i === current : current === 1));
      });
      return current;
    };
  };

  /** A group of bars (label, track, number), with an optional title. */
  W.bars = function (title) {
    const group = this.add(el("div", { class: "lw-bars" }));
    if (title) group.append(el("p", { class: "lw-bars__title" }, title));
    return group;
  };

  /** One bar in group: returns set(fraction of the track, text). */
  function bar(group, label) {
    const row = group.appendChild(el("div", { class: "lw-bar" }));
    const track = el("span", { class: "lw-bar__track", "aria-hidden": "true" });
    const fill = track.appendChild(el("span", { class: "lw-bar__fill" }));
    const value = el("span", { class: "lw-bar__value" });
    row.append(el("span", { class: "lw-bar__label" }, label), track, value);
    return (fraction, text) => {
      fill.style.width = `${(100 * Math.max(0, Math.min(1, fraction))).toFixed(2)}%`;
      value.textContent = text;
    };
  }

  /** A table of weights coloured by size; rebuilt only when its labels change. */
  W.heat = function (buttons) {
    let key = null;
    let cells = [];
    const title = this.add(el("p", { class: "lw-heat__title", id: `${this.id}-table` }));
    const table = this.add(el("div", { class: "lw-scroll" })).appendChild(
      el("table", { class: "lw-heat", "aria-labelledby": title.id }),
    );
    return {
      table: table,
      cells: () => cells,
      /** rows x cols matrix m, shown to 2 decimals; blocked(i, j) cells show an exact 0. */
      show: (rows, cols, m, caption, blocked) => {
        const k = JSON.stringify([rows, cols]);
        if (k !== key) {
          key = k;
          const head = el("tr");
          const body = el("tbody");
          head.append(el("td"));
          cols.forEach((c) => {
            head.append(el("th", { scope: "col" }, c));
          });
          table.replaceChildren(el("thead"), body);
          table.tHead.append(head);
          cells = rows.map((r) => {
            const tr = body.appendChild(el("tr"));
            tr.append(el("th", { scope: "row" }, r));
            return cols.map(() => {
              const td = tr.appendChild(el("td"));
              if (!buttons) return td;
              return td.appendChild(el("button", { type: "button", tabindex: "-1" }));
            });
          });
        }
        title.textContent = caption;
        const pal = palette(this.body);
        m.forEach((row, i) => {
          row.forEach((v, j) => {
            const off = Boolean(blocked?.(i, j));
            const cell = cells[i][j];
            cell.textContent = off ? "0" : fixed(v, 2);
            cell.classList.toggle("is-blocked", off);
            paint(cell, v, pal);
          });
        });
      },
    };
  };

  // -- the kinds: each builds its controls from w.data and sets w.draw, which computes
  //    w.state from the controls and shows it ---------------------------------------------

  // Lesson 1: path lengths and the first token's influence on the last state, by length.
  KINDS["rnn-length"] = (w) => {
    const d = w.data;
    const last = d.lengths.length - 1;
    const s = w.slider("Sequence length n", d.lengths[0], d.lengths[last], d.start);
    const group = w.bars();
    const rnn = bar(group, "RNN: recurrent steps from h\u2081 to h\u2099");
    const att = bar(group, "Attention: steps from x\u2081 to y\u2099");
    const inf = bar(group, "Influence of x\u2081 on h\u2099 (log scale)");
    const live = w.status();
    const logs = d.influence.map(Math.log10);
    const top = Math.max.apply(null, logs);
    const bottom = Math.min.apply(null, logs);
    w.draw = () => {
      const i = d.lengths.indexOf(s.value());
      const st = {
        n: d.lengths[i],
        rnnSteps: d.rnn_steps[i],
        attentionSteps: d.attention_steps[i],
        influence: d.influence[i],
        ratio: d.influence[0] / d.influence[i],
      };
      w.state = st;
      s.show(`n = ${st.n}`);
      rnn(st.rnnSteps / d.rnn_steps[last], String(st.rnnSteps));
      att(st.attentionSteps / d.rnn_steps[last], String(st.attentionSteps));
      inf((logs[i] - bottom) / (top - bottom), sci(st.influence));
      live.textContent =
        "With " +
        st.n +
        " tokens the RNN carries x\u2081 through " +
        st.rnnSteps +
        (st.rnnSteps === 1 ? " step" : " steps") +
        ", attention through " +
        st.attentionSteps +
        ". The influence of x\u2081 on the last state is " +
        sci(st.influence) +
        ", " +
        (st.ratio < 10 ? fixed(st.ratio, 1) : grouped(Math.round(st.ratio))) +
        " times less than on h\u2081.";
    };
  };

  // Lesson 4: softmax(scores / T) at the slider's temperature.
  KINDS["softmax-temperature"] = (w) => {
    const d = w.data;
    const s = w.slider("Temperature T", d.t_min, d.t_max, d.t_start, d.t_step);
    const group = w.bars();
    const rows = d.labels.map((label, i) => bar(group, `${label} (score ${short(d.scores[i])})`));
    const live = w.status();
    w.draw = () => {
      const t = s.value();
      const scaled = d.scores.map((x) => x / t);
      const weights = softmax(scaled);
      w.state = { t: t, scaled: scaled, weights: weights };
      s.show(`T = ${fixed(t, 1)}`);
      weights.forEach((v, i) => {
        rows[i](v, fixed(v, 3));
      });
      live.textContent =
        "At T = " +
        fixed(t, 1) +
        " the weights are " +
        d.labels.map((label, i) => `${label} ${fixed(weights[i], 3)}`).join(", ") +
        ".";
    };
  };

  // Lesson 7: the weight matrix; the focused or hovered cell shows how it was computed.
  KINDS["score-cell"] = (w) => {
    const d = w.data;
    const n = d.tokens.length;
    const root = Math.sqrt(d.d_k);
    let at = d.start.slice();
    const scores = d.q.map((q) => d.k.map((k) => dot(q, k)));
    const weights = scores.map((row) => softmax(row.map((x) => x / root)));
    w.add(
      el(
        "p",
        { class: "lw-hint" },
        "Hover over a weight, or Tab to the table and move " +
          "with the arrow keys, to see how it was computed.",
      ),
    );
    const grid = w.heat(true);
    const detail = w.add(el("div", { class: "lw-detail" }));
    const live = w.status();
    const select = (i, j, focus) => {
      if (i === at[0] && j === at[1] && !focus) return;
      at = [i, j];
      w.update();
      if (focus) grid.cells()[i][j].focus();
    };
    grid.show(d.tokens, d.tokens, weights, "Weights: rows are queries, columns are keys");
    grid.cells().forEach((row, i) => {
      row.forEach((b, j) => {
        b.addEventListener("focus", () => {
          select(i, j);
        });
        b.addEventListener("mouseenter", () => {
          select(i, j);
        });
      });
    });
    grid.table.addEventListener("keydown", (e) => {
      const move = {
        ArrowUp: [-1, 0],
        ArrowDown: [1, 0],
        ArrowLeft: [0, -1],
        ArrowRight: [0, 1],
        Home: [0, -n],
        End: [0, n],
      }[e.key];
      if (!move) return;
      e.preventDefault();
      const clamp = (x) => Math.max(0, Math.min(n - 1, x));
      select(clamp(at[0] + move[0]), clamp(at[1] + move[1]), true);
    });
    const line = (label, text, bold) => {
      const p = el("p");
      p.append(el("span", { class: "lw-detail__label" }, label));
      text.forEach((t, c) => {
        if (c) p.append(" \u00b7 ");
        p.append(el(c === bold ? "strong" : "span", {}, t));
      });
      return p;
    };
    const vec = (v) => `(${v.map(short).join(", ")})`;
    w.draw = () => {
      const i = at[0];
      const j = at[1];
      const q = d.q[i];
      const k = d.k[j];
      const qt = `\u201c${d.tokens[i]}\u201d`;
      const kt = `\u201c${d.tokens[j]}\u201d`;
      const st = {
        query: i,
        key: j,
        q: q.slice(),
        k: k.slice(),
        dot: scores[i][j],
        scaled: scores[i][j] / root,
        row: weights[i].slice(),
        weight: weights[i][j],
      };
      w.state = st;
      grid.cells().forEach((row, a) => {
        row.forEach((b, c) => {
          b.tabIndex = a === i && c === j ? 0 : -1;
          b.classList.toggle("is-selected", a === i && c === j);
        });
      });
      detail.replaceChildren(
        line(`Query ${qt}: `, [`q = ${vec(q)}`]),
        line(`Key ${kt}: `, [`k = ${vec(k)}`]),
        line("Dot product: ", [
          "q \u00b7 k = " +
            q.map((x, c) => `${short(x)}\u00d7${short(k[c])}`).join(" + ") +
            " = " +
            fixed(st.dot, 2),
        ]),
        line("Scaled: ", [`${fixed(st.dot, 2)} / \u221a${d.d_k} = ${fixed(st.scaled, 2)}`]),
        line(
          `Softmax of row ${qt}: `,
          d.tokens.map((t, c) => `${t} ${fixed(st.row[c], 3)}`),
          j,
        ),
      );
      live.textContent =
        qt +
        " looking at " +
        kt +
        ": score " +
        fixed(st.dot, 2) +
        ", scaled " +
        fixed(st.scaled, 2) +
        ", weight " +
        fixed(st.weight, 3) +
        ".";
    };
  };

  // Lesson 9: spread of q·k and the largest softmax weight, by key size, as measured.
  KINDS["scaling-dk"] = (w) => {
    const d = w.data;
    const s = w.slider("Key size d\u2096", 0, d.dims.length - 1, d.start_index);
    const spread = w.bars("Spread of q\u00b7k (standard deviation)");
    const sdNone = bar(spread, "no scaling");
    const sdSqrt = bar(spread, "divided by \u221ad\u2096");
    const top = w.bars(
      "Mean largest weight over " +
        d.n_keys +
        " keys (uniform " +
        fixed(1 / d.n_keys, 4) +
        ", one-hot 1)",
    );
    const topNone = bar(top, "no scaling");
    const topSqrt = bar(top, "divided by \u221ad\u2096");
    const widest = Math.max.apply(null, d.std_none);
    const live = w.status();
    w.draw = () => {
      const i = s.value();
      const st = {
        d: d.dims[i],
        stdNone: d.std_none[i],
        stdSqrt: d.std_sqrt[i],
        topNone: d.top_none[i],
        topSqrt: d.top_sqrt[i],
      };
      w.state = st;
      s.show(`d\u2096 = ${st.d}`);
      sdNone(st.stdNone / widest, fixed(st.stdNone, 2));
      sdSqrt(st.stdSqrt / widest, fixed(st.stdSqrt, 2));
      topNone(st.topNone, fixed(st.topNone, 3));
      topSqrt(st.topSqrt, fixed(st.topSqrt, 3));
      live.textContent =
        "d\u2096 = " +
        st.d +
        ": q\u00b7k spreads " +
        fixed(st.stdNone, 2) +
        " unscaled and " +
        fixed(st.stdSqrt, 2) +
        " scaled; the largest weight averages " +
        fixed(st.topNone, 3) +
        " unscaled and " +
        fixed(st.topSqrt, 3) +
        " scaled.";
    };
  };

  // Lesson 11: the same attention fed from one sentence or from two.
  KINDS["self-cross"] = (w) => {
    const d = w.data;
    const pick = w.toggles(
      "Attention type",
      ["Self-attention: English \u2192 English", "Cross-attention: French \u2192 English"],
      1,
    );
    const table = w.heat();
    const live = w.status();
    w.draw = () => {
      const cross = pick() === 1;
      const rows = cross ? d.target : d.source;
      const m = cross ? d.cross : d.self;
      const kind = cross ? "Cross-attention: " : "Self-attention: ";
      w.state = { mode: cross ? "cross" : "self", rows: rows, cols: d.source, weights: m };
      table.show(
        rows,
        d.source,
        m,
        `${kind + (cross ? "French" : "English")} queries (rows), English keys (columns)`,
      );
      live.textContent = `${kind + rows.length} queries by ${d.source.length} keys; every row sums to 1.`;
    };
  };

  // Lesson 12: the same scores with and without the causal mask, softmax recomputed.
  KINDS["causal-toggle"] = (w) => {
    const d = w.data;
    const n = d.tokens.length;
    const mask = w.toggles("Mask", ["Causal mask"], 1);
    const table = w.heat();
    const live = w.status();
    w.draw = () => {
      const on = mask() === 1;
      let future = 0;
      const weights = d.scores.map((row, i) => softmax(row, on && row.map((_, j) => j <= i)));
      weights.forEach((row, i) => {
        for (let j = i + 1; j < n; j++) future += row[j] / n;
      });
      w.state = { causal: on, weights: weights, future: future };
      table.show(
        d.tokens,
        d.tokens,
        weights,
        "Weights: rows are queries, columns are keys; a dashed 0 is blocked",
        (i, j) => on && j > i,
      );
      live.textContent = on
        ? "Mask on: every weight above the diagonal is exactly 0, and each row still sums to 1."
        : "Mask off: on average a query puts " +
          fixed(future, 3) +
          " of its weight on tokens that come after it.";
    };
  };

  // Lesson 13: PE[p]·PE[p+k] from two starting positions, and the formula Σ cos(k ω_i).
  KINDS["position-offset"] = (w) => {
    const d = w.data;
    const full = d.d_model / 2;
    const s = w.slider("Offset k", d.offsets[0], d.offsets[d.offsets.length - 1], d.start);
    const group = w.bars();
    const rows = d.starts.map((p) => bar(group, `PE[${p}] \u00b7 PE[${p} + k]`));
    const formula = bar(group, "\u03a3 cos(k \u03c9\u1d62)");
    const live = w.status();
    w.draw = () => {
      const i = d.offsets.indexOf(s.value());
      const dots = d.dots.map((row) => row[i]);
      const gap = Math.abs(dots[0] - dots[1]);
      w.state = { k: d.offsets[i], dots: dots, formula: d.formula[i], gap: gap };
      s.show(`k = ${d.offsets[i]}`);
      rows.forEach((set, r) => {
        set(dots[r] / full, fixed(dots[r], 4));
      });
      formula(d.formula[i] / full, fixed(d.formula[i], 4));
      live.textContent =
        "Offset " +
        d.offsets[i] +
        ": both dot products are " +
        fixed(dots[0], 4) +
        " (they differ by " +
        (gap ? sci(gap) : "0") +
        "); only the offset matters, not where it starts.";
    };
  };

  // Lesson 14: the weight matrix of each head of the lesson's example.
  KINDS["head-picker"] = (w) => {
    const d = w.data;
    const pick = w.toggles(
      "Head",
      d.heads.map((h) => h.label),
      d.start,
    );
    const table = w.heat();
    const live = w.status();
    w.draw = () => {
      const i = pick();
      const h = d.heads[i];
      w.state = {
        head: i,
        label: h.label,
        weights: h.weights,
        previous: h.previous,
        sameType: h.same_type,
      };
      table.show(d.words, d.words, h.weights, `${h.label}: queries (rows), keys (columns)`);
      live.textContent =
        h.label +
        ": on average a query puts " +
        fixed(h.previous, 2) +
        " of its weight on the previous word and " +
        fixed(h.same_type, 2) +
        " on words of its own type.";
    };
  };

  // Lesson 25: n² weights and their bytes, and the longest path, for a length n.
  KINDS["cost-length"] = (w) => {
    const d = w.data;
    const last = d.exponents.length - 1;
    const s = w.slider("Sequence length n", 0, last, d.exponents.indexOf(d.start_exponent));
    const group = w.bars("All bars on one logarithmic scale");
    const entries = bar(group, "Weights n\u00b2");
    const b64 = bar(group, "Bytes, 64-bit floats");
    const b16 = bar(group, "Bytes, 16-bit floats");
    const rnn = bar(group, "Longest path, RNN");
    const att = bar(group, "Longest path, attention");
    const live = w.status();
    const most = Math.log(4 ** d.exponents[last] * d.bytes_per_weight);
    const scale = (x) => Math.log(x) / most;
    w.draw = () => {
      const n = 2 ** d.exponents[s.value()];
      const nn = n * n;
      const st = {
        n: n,
        entries: nn,
        bytes64: nn * d.bytes_per_weight,
        bytes16: nn * d.bytes_half,
        rnnPath: n - 1,
        attentionPath: 1,
      };
      w.state = st;
      s.show(`n = ${grouped(n)}`);
      entries(scale(nn), grouped(nn));
      b64(scale(st.bytes64), `${grouped(st.bytes64)} (${mb(st.bytes64)})`);
      b16(scale(st.bytes16), `${grouped(st.bytes16)} (${mb(st.bytes16)})`);
      rnn(scale(n - 1), `${grouped(n - 1)} hops`);
      att(scale(1), "1 hop");
      live.textContent =
        "n = " +
        grouped(n) +
        ": " +
        grouped(nn) +
        " weights, " +
        mb(st.bytes64) +
        " in 64-bit floats for one head of one layer; the longest " +
        "path is " +
        grouped(n - 1) +
        " hops for an RNN and 1 for attention.";
    };
  };

  // ==================================================================================
  // Lesson 17: toggle the sublayers of one Transformer block (kind "block-toggles").
  // The lesson computed, for each of the 8 on/off combinations (index: attention 4 +
  // MLP 2 + LayerNorm 1), what attention and the MLP add to every token and how far each
  // token's output moves when one token is nudged. Here: the residual sum
  // output = input + attention + MLP, component by component, and the vectors' lengths.
  // ==================================================================================
  function norm(v) {
    return Math.sqrt(dot(v, v));
  }

  KINDS["block-toggles"] = (w) => {
    const d = w.data;
    const tokens = d.tokens.map((t, i) => `${t} (${i + 1})`);
    const parts = [
      ["Attention", 4],
      ["MLP", 2],
      ["LayerNorm", 1],
    ];
    let on = 7;
    w.add(
      el("p", { class: "lw-hint" }, "Parts of the block (each button switches one on or off):"),
    );
    const row = w.add(el("div", { class: "lw-choice", role: "group", "aria-label": "Parts" }));
    const switches = parts.map(([name, bit]) => {
      const b = row.appendChild(el("button", { type: "button", class: "lw-toggle" }, name));
      b.addEventListener("click", () => {
        on ^= bit;
        w.update();
      });
      return b;
    });
    w.add(el("p", { class: "lw-hint" }, "Token whose residual stream is shown:"));
    const pick = w.toggles("Token", tokens, d.start);
    const sizes = w.bars("Lengths of its vectors");
    const setSize = ["input x", "attention adds", "MLP adds", "output"].map((label) =>
      bar(sizes, label),
    );
    const moves = w.bars("How far its output moves when a token is nudged");
    const setMove = tokens.map((t) => bar(moves, `nudge ${t}`));
    const live = w.status();
    // One scale for every combination, so bars compare across clicks.
    let widest = 0;
    let farthest = 0;
    d.combos.forEach((c) => {
      d.x.forEach((x, i) => {
        const out = x.map((v, k) => v + c.attn[i][k] + c.mlp_added[i][k]);
        widest = Math.max(widest, norm(x), norm(c.attn[i]), norm(c.mlp_added[i]), norm(out));
        farthest = Math.max(farthest, ...c.nudge[i]);
      });
    });
    w.draw = () => {
      switches.forEach((b, k) => {
        b.setAttribute("aria-pressed", String((on & parts[k][1]) !== 0));
      });
      const i = pick();
      const c = d.combos[on];
      const x = d.x[i];
      const attn = c.attn[i];
      const mlp = c.mlp_added[i];
      const output = x.map((v, k) => v + attn[k] + mlp[k]);
      const st = {
        combo: on,
        attention: c.attention,
        mlp: c.mlp,
        norm: c.norm,
        token: i,
        output: output,
        lengths: [norm(x), norm(attn), norm(mlp), norm(output)],
        nudge: c.nudge[i].slice(),
      };
      w.state = st;
      st.lengths.forEach((v, k) => {
        setSize[k](v / widest, fixed(v, 2));
      });
      st.nudge.forEach((v, j) => {
        setMove[j](v / farthest, fixed(v, 3));
      });
      const heard = tokens.filter((_, j) => st.nudge[j] > 0);
      const name = `\u201c${tokens[i]}\u201d`;
      live.textContent =
        `Attention ${c.attention ? "on" : "off"}, MLP ${c.mlp ? "on" : "off"}, ` +
        `LayerNorm ${c.norm ? "on" : "off"}. The output of ${name} has length ` +
        `${fixed(st.lengths[3], 2)} and is its input plus what each sublayer added. ` +
        (heard.length === 1
          ? `Only ${name} itself can move it.`
          : `It moves when any of these is nudged: ${heard.join(", ")}.`);
    };
  };
  // ========================= end of lesson 17 ======================================

  // ======================================================================================
  // Lesson 19: training step slider. The lesson saved the scaled scores of one test
  // sequence at every snapshot step, with the training loss and test accuracy there; the
  // weights are the causal softmax of the saved scores, recomputed here.
  // ======================================================================================
  KINDS["train-step"] = (w) => {
    const d = w.data;
    const n = d.tokens.length;
    const last = d.steps.length - 1;
    const s = w.slider("Training step", 0, last, d.start);
    const group = w.bars();
    const loss = bar(group, "Training loss");
    const acc = bar(group, "Test accuracy");
    const prev = bar(group, "Weight on the previous position");
    const table = w.heat();
    const live = w.status();
    const allowed = (i) => d.tokens.map((_, j) => j <= i);
    w.draw = () => {
      const k = s.value();
      const weights = d.scores[k].map((row, i) => softmax(row, allowed(i)));
      let previous = 0;
      for (let i = 1; i < n; i++) previous += weights[i][i - 1] / (n - 1);
      const st = {
        index: k,
        step: d.steps[k],
        weights: weights,
        loss: d.loss[k],
        accuracy: d.accuracy[k],
        previous: previous,
      };
      w.state = st;
      s.show(`step ${st.step} of ${d.steps[last]}`);
      loss(st.loss / d.ln_vocab, fixed(st.loss, 3));
      acc(st.accuracy, `${fixed(100 * st.accuracy, 1)}%`);
      prev(previous, fixed(previous, 2));
      table.show(
        d.tokens,
        d.tokens,
        weights,
        `Weights at step ${st.step}: rows are queries, columns are keys; a dashed 0 is masked`,
        (i, j) => j > i,
      );
      live.textContent =
        "Step " +
        st.step +
        ": training loss " +
        fixed(st.loss, 3) +
        ", test accuracy " +
        fixed(100 * st.accuracy, 1) +
        "%; on this sequence a query puts on average " +
        fixed(previous, 2) +
        " of its weight on the previous position.";
    };
  };
  // ======================================================================================

  // -- wiring --------------------------------------------------------------------------
  function mount(fig) {
    fig.setAttribute("data-widget-ready", "loading");
    const build = KINDS[fig.getAttribute("data-widget")];
    let w = null;
    try {
      if (!build) throw new Error(`unknown kind ${fig.getAttribute("data-widget")}`);
      const source = fig.querySelector("template[data-widget-data]");
      w = new Widget(fig, JSON.parse(source.content.textContent));
      fig.append(w.body); // in the document first: the heat colours are read from it
      build(w);
      w.draw();
      const fallback = fig.querySelector(".lesson-widget__fallback");
      if (fallback) fallback.remove();
      instances.add(w);
      fig.setAttribute("data-widget-ready", "true");
    } catch (err) {
      if (w) w.body.remove();
      fig.setAttribute("data-widget-ready", "error");
      fig.setAttribute("data-widget-error", String(err?.message));
    }
  }

  function live() {
    instances.forEach((w) => {
      if (!w.fig.isConnected) instances.delete(w);
    });
    return Array.from(instances);
  }

  function scan() {
    document
      .querySelectorAll("figure.lesson-widget[data-widget]:not([data-widget-ready])")
      .forEach(mount);
  }

  // Re-colour the heat cells when the learner switches light/dark.
  AFP.onScheme(() => {
    live().forEach((w) => {
      w.draw();
    });
  });

  AFP.widgets = Object.freeze({
    scan: scan,
    count: () => live().length,
    state: (node) => {
      const fig = node?.closest?.("figure.lesson-widget");
      const w = live().filter((x) => x.fig === fig)[0];
      if (!w) return null;
      const out = JSON.parse(JSON.stringify(w.state));
      out.kind = fig.getAttribute("data-widget");
      out.renders = w.renders;
      return out;
    },
  });

  AFP.onPage(scan);
})();
