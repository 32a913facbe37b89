/**
 * Lesson widgets: small interactive figures that show a lesson's own numbers.
 *
 * A lesson script calls lesson_code.report.widget(name, kind, data, label, caption) and
 * the page includes --8<-- "NN-slug/name.widget.md": a <figure class="lesson-widget"
 * data-widget="KIND"> holding a <figcaption>, the data as JSON text in an inert
 * <template data-widget-data> (instant navigation re-creates inline scripts without their
 * type, so no <script type="application/json">) and a no-JavaScript fallback sentence.
 *
 * This file is the framework every page loads: controls and views shared by the kinds
 * (Widget below), formatting helpers, and the wiring. Each kind lives in its own file,
 * widgets/KIND.js next to this one, fetched the first time a page shows that kind (so a
 * page pays only for the kinds it has) and registered with AFP.widgets.define(KIND, build):
 * build(w) makes the controls from w.data and sets w.draw, which computes w.state from the
 * controls and shows it. Only what must follow a control is computed in the browser
 * (softmax at the slider's T, the focused cell's dot product, a mask switched on or off);
 * the rest was computed by the lesson with numpy. Tests compare every number shown with
 * numpy to 1e-9.
 *
 * Read-only API for tests: AFP.widgets.state(el) (what the widget around el shows,
 * full precision, with kind and renders: redraws caused by controls), .count() (widgets on
 * this page), .scan() (initialise new widgets; idempotent).
 *
 * CSP-safe (no inline script, eval or inline handler; kind files are same-origin scripts);
 * text only through textContent; colours from Material's variables; initialised on
 * document$ (instant navigation) or DOMContentLoaded, each figure once (data-widget-ready:
 * "loading" while its kind's file is fetched, then "true", or "error" with
 * data-widget-error). Uses the shared base (AFP, plugins/common/assets/base.js: element
 * builder, colours, softmax, start-up), loaded first.
 */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP || AFP.widgets) return;
  const el = AFP.el;
  const softmax = AFP.softmax;
  // Where the kind files are: widgets/ next to this script (read while it runs).
  const HERE = document.currentScript ? document.currentScript.src : "";
  const KIND_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

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

  /** One bar in group (from w.bars): returns set(fraction of the track, text). */
  W.bar = (group, label) => {
    const row = group.appendChild(el("div", { class: "lw-bar" }));
    const track = el("span", { class: "lw-bar__track", "aria-hidden": "true" });
    const fill = track.appendChild(el("span", { class: "lw-bar__fill" }));
    const value = el("span", { class: "lw-bar__value" });
    row.append(el("span", { class: "lw-bar__label" }, label), track, value);
    return (fraction, text) => {
      fill.style.width = `${(100 * Math.max(0, Math.min(1, fraction))).toFixed(2)}%`;
      value.textContent = text;
    };
  };

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

  // -- wiring --------------------------------------------------------------------------
  const requested = new Set();

  function failed(fig, message) {
    fig.setAttribute("data-widget-ready", "error");
    fig.setAttribute("data-widget-error", message);
  }

  function waiting(kind) {
    return document.querySelectorAll(
      `figure.lesson-widget[data-widget="${kind}"][data-widget-ready="loading"]`,
    );
  }

  /** Fetch widgets/KIND.js once; it calls define(KIND, ...), which mounts the waiting figures. */
  function request(kind) {
    if (requested.has(kind)) return;
    requested.add(kind);
    const script = el("script", { src: new URL(`widgets/${kind}.js`, HERE).href });
    script.addEventListener("error", () => {
      requested.delete(kind); // a later page may try again (e.g. back online)
      waiting(kind).forEach((fig) => {
        failed(fig, `could not load the widget kind ${kind}`);
      });
    });
    script.addEventListener("load", () => {
      if (KINDS[kind]) return;
      waiting(kind).forEach((fig) => {
        failed(fig, `widgets/${kind}.js did not define the kind ${kind}`);
      });
    });
    document.head.append(script);
  }

  function build(fig) {
    let w = null;
    try {
      const source = fig.querySelector("template[data-widget-data]");
      w = new Widget(fig, JSON.parse(source.content.textContent));
      fig.append(w.body); // in the document first: the heat colours are read from it
      KINDS[fig.getAttribute("data-widget")](w);
      w.draw();
      const fallback = fig.querySelector(".lesson-widget__fallback");
      if (fallback) fallback.remove();
      instances.add(w);
      fig.setAttribute("data-widget-ready", "true");
    } catch (err) {
      if (w) w.body.remove();
      failed(fig, String(err?.message));
    }
  }

  function mount(fig) {
    const kind = fig.getAttribute("data-widget");
    fig.setAttribute("data-widget-ready", "loading");
    if (KINDS[kind]) build(fig);
    else if (!KIND_RE.test(kind)) failed(fig, `unknown kind ${kind}`);
    else request(kind);
  }

  /** Register a kind (called by widgets/KIND.js) and draw the figures waiting for it. */
  function define(kind, builder) {
    if (KINDS[kind]) return;
    KINDS[kind] = builder;
    waiting(kind).forEach(build);
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
    define: define,
    /** Helpers the kind files share. */
    util: Object.freeze({
      el: el,
      softmax: softmax,
      dot: dot,
      norm: (v) => Math.sqrt(dot(v, v)),
      fixed: fixed,
      short: short,
      grouped: grouped,
      sci: sci,
      mb: mb,
    }),
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
