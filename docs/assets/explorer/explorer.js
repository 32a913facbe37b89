/**
 * Attention explorer: type a sentence, pick a query token, watch three real attention
 * heads and their average (heatmaps, tables, and lines from the query to every token).
 *
 * EMBED IN ANY PAGE (Markdown): a raw HTML block, blank lines around it.
 *
 *     <div class="attention-explorer"
 *          data-sentence="The trophy would not fit into the suitcase because it was too big."
 *          data-query="9"
 *          data-view="nouns">
 *     <p>The attention explorer needs JavaScript.</p>
 *     </div>
 *
 *   data-sentence  the sentence shown first (the learner can edit it)
 *   data-query     0-based index of the query token (default 0); tokens are maximal runs of
 *                  letters, lower-cased: "Don't stop" -> don(0) t(1) stop(2)
 *   data-view      head whose lines the detective view draws first:
 *                  previous | related | nouns | average (default average)
 *   data-examples  (no value) also show the example-sentence buttons
 *   The paragraph inside is the no-JavaScript fallback; it is replaced.
 *
 * A button anywhere on the page can load a sentence into the first explorer:
 *     <button type="button" class="md-button" data-explorer-load="The wug chased the mouse."
 *             data-explorer-query="2">Try it</button>
 *
 * The model. Everything mirrors lesson_code/explorer.py (tokenize, fnv1a32, mulberry32,
 * unknown_sem, embed, forward): tokens -> embeddings (word class, meaning, sinusoidal
 * position) -> per head Q = X W_Q, K = X W_K, V = X W_V -> softmax(Q K^T / sqrt(d_k)) ->
 * average of the heads, all in float64. The parameters come from params.json, generated
 * next to this file at build time by plugins/explorer. Tests compare the numbers with
 * numpy to 1e-9.
 *
 * Read-only API for tests and curious learners: AFP.explorer
 *   .ready()            promise resolved when the parameters are loaded
 *   .tokenize(text)     tokens, as the model sees them
 *   .compute(sentence)  {tokens, weights[head][i][j], average[i][j], outputs[head][i][d]}
 *   .weights(n = 0)     what the n-th explorer on the page shows: tokens, query, heads
 *   .instances()        number of explorers on the current page
 *
 * CSP-safe (no inline script, no eval, no inline handlers); learner input only ever
 * reaches the page through textContent and input values. Initialised through Material's
 * document$ (instant navigation), or DOMContentLoaded without Material; idempotent. Uses
 * the shared base (AFP, plugins/common/assets/base.js), loaded first.
 */
(function () {
  "use strict";
  var AFP = window.AFP;
  if (!AFP || AFP.explorer) return;
  var el = AFP.el;

  var SCRIPT = document.currentScript;
  var PARAMS_URL = new URL("params.json", SCRIPT ? SCRIPT.src : document.baseURI).href;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var HEAD_LABELS = {
    previous: "Previous token",
    related: "Related words",
    nouns: "Pronouns and verbs to nouns",
    average: "Average",
  };

  // ------------------------------------------------------------------ model (pure) --
  var paramsPromise = null;
  var maxTokens = 128; // replaced by params.json's max_tokens once loaded

  function loadParams() {
    if (!paramsPromise) {
      paramsPromise = fetch(PARAMS_URL)
        .then(function (r) {
          if (!r.ok) throw new Error("explorer: " + PARAMS_URL + " answered " + r.status);
          return r.json();
        })
        .then(prepare);
      paramsPromise.catch(function () {
        paramsPromise = null;
      }); // retry on next page
    }
    return paramsPromise;
  }

  function prepare(raw) {
    maxTokens = raw.max_tokens;
    var heads = raw.heads.map(function (h) {
      return {
        id: h.id,
        name: h.name,
        dk: h.w_q[0].length,
        wq: flat(h.w_q),
        wk: flat(h.w_k),
        wv: flat(h.w_v),
      };
    });
    return {
      raw: raw,
      heads: heads,
      lexicon: new Map(Object.entries(raw.lexicon)),
      sem: new Map(Object.entries(raw.sem)),
      unknownCache: new Map(),
      unknownTag: raw.tags.indexOf("unknown"),
    };
  }

  function flat(rows) {
    var out = new Float64Array(rows.length * rows[0].length);
    rows.forEach(function (row, i) {
      out.set(row, i * row.length);
    });
    return out;
  }

  /** NFC, lower-case, maximal runs of Unicode letters; at most max tokens. */
  function tokenize(text, max) {
    var tokens =
      String(text)
        .normalize("NFC")
        .toLowerCase()
        .match(/\p{L}+/gu) || [];
    return max === undefined ? tokens : tokens.slice(0, max);
  }

  /** 32-bit FNV-1a over the UTF-8 bytes of word (unsigned). */
  function fnv1a32(word) {
    var bytes = new TextEncoder().encode(word);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  /** mulberry32: each call returns uint32 / 2^32, a float in [0, 1). */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Meaning vector of a word outside the lexicon: hash-seeded, fixed length. */
  function unknownSem(word, length, nSem) {
    var next = mulberry32(fnv1a32(word));
    var u = [];
    for (var i = 0; i < nSem; i++) u.push(2 * next() - 1);
    var total = 0;
    for (var j = 0; j < nSem; j++) total += u[j] * u[j];
    var factor = length / Math.sqrt(total);
    return u.map(function (v) {
      return v * factor;
    });
  }

  /** (n, d_model) rows: tag one-hot | meaning | sinusoidal position. */
  function embed(tokens, P) {
    var raw = P.raw,
      d = raw.d_model,
      n = tokens.length;
    var x = new Float64Array(n * d);
    var rates = [];
    for (var r = 0; r < raw.n_pos; r += 2) rates.push(Math.pow(raw.pos_base, -r / raw.n_pos));
    for (var i = 0; i < n; i++) {
      var word = tokens[i],
        row = i * d;
      var tag = P.lexicon.has(word) ? P.lexicon.get(word) : P.unknownTag;
      x[row + tag] = 1;
      var sem = null;
      if (tag === P.unknownTag) {
        sem = P.unknownCache.get(word);
        if (!sem) {
          sem = unknownSem(word, raw.unknown_length, raw.n_sem);
          P.unknownCache.set(word, sem);
        }
      } else if (P.sem.has(word)) {
        sem = P.sem.get(word);
      }
      if (sem) for (var s = 0; s < raw.n_sem; s++) x[row + raw.sem_start + s] = sem[s];
      for (var f = 0; f < rates.length; f++) {
        var angle = i * rates[f];
        x[row + raw.pos_start + 2 * f] = Math.sin(angle);
        x[row + raw.pos_start + 2 * f + 1] = Math.cos(angle);
      }
    }
    return x;
  }

  /** (n, d) @ (d, m) -> (n, m), all flat Float64Arrays. */
  function matmul(a, n, d, b, m) {
    var out = new Float64Array(n * m);
    for (var i = 0; i < n; i++) {
      for (var k = 0; k < d; k++) {
        var aik = a[i * d + k];
        if (aik === 0) continue;
        for (var j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
      }
    }
    return out;
  }

  /** softmax(Q K^T / sqrt(d_k)) row by row, and the weighted average of V. */
  function attend(q, k, v, n, dk) {
    var scale = Math.sqrt(dk);
    var weights = [],
      outputs = [];
    for (var i = 0; i < n; i++) {
      var scores = new Float64Array(n);
      for (var j = 0; j < n; j++) {
        var dot = 0;
        for (var c = 0; c < dk; c++) dot += q[i * dk + c] * k[j * dk + c];
        scores[j] = dot / scale;
      }
      var row = AFP.softmax(scores);
      var out = new Float64Array(dk);
      for (j = 0; j < n; j++) {
        for (c = 0; c < dk; c++) out[c] += row[j] * v[j * dk + c];
      }
      weights.push(row);
      outputs.push(out);
    }
    return { weights: weights, outputs: outputs };
  }

  /** The whole forward pass: per-head weights (n x n), their average, head outputs. */
  function forward(tokens, P) {
    var n = tokens.length,
      d = P.raw.d_model;
    var x = embed(tokens, P);
    var heads = P.heads.map(function (h) {
      var q = matmul(x, n, d, h.wq, h.dk);
      var k = matmul(x, n, d, h.wk, h.dk);
      var v = matmul(x, n, d, h.wv, h.dk);
      return attend(q, k, v, n, h.dk);
    });
    var average = [];
    for (var i = 0; i < n; i++) {
      var row = new Float64Array(n);
      for (var j = 0; j < n; j++) {
        var sum = 0;
        for (var h = 0; h < heads.length; h++) sum += heads[h].weights[i][j];
        row[j] = sum / heads.length;
      }
      average.push(row);
    }
    return { tokens: tokens, heads: heads, average: average };
  }

  // ------------------------------------------------------------------ colours --------
  /** Cell colour for weight w (0..1) on the sequential scale, and a readable text colour. */
  function heat(palette, w) {
    var rgb = AFP.mix(palette.low, palette.high, w);
    return { bg: "rgb(" + rgb.join(", ") + ")", fg: AFP.inkOn(rgb) };
  }

  // ------------------------------------------------------------------ DOM helpers ----

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    return node;
  }

  function quote(word) {
    return "\u201c" + word + "\u201d";
  }

  function shorten(word, max) {
    var chars = Array.from(word);
    return chars.length > max ? chars.slice(0, max - 1).join("") + "\u2026" : word;
  }

  // ------------------------------------------------------------------ one explorer ---
  var instances = new Set();
  var counter = 0;

  function Explorer(root, P) {
    this.root = root;
    this.P = P;
    this.id = "ax" + ++counter;
    this.renders = 0;
    this.tokens = [];
    this.result = null;
    this.selected = 0;
    this.preview = null;
    this.truncated = false;
    var view = root.getAttribute("data-view") || "average";
    this.view = HEAD_LABELS[view] ? view : "average";
    this.build();
  }

  /** The first sentence: a task of its own after build(), so neither is a long task. */
  Explorer.prototype.start = function () {
    var root = this.root;
    this.setSentence(
      root.getAttribute("data-sentence") || this.P.raw.examples[0].text,
      parseInt(root.getAttribute("data-query") || "0", 10) || 0
    );
  };

  Explorer.prototype.headIds = function () {
    return this.P.heads
      .map(function (h) {
        return h.id;
      })
      .concat(["average"]);
  };

  Explorer.prototype.headName = function (id) {
    if (id === "average") return this.P.raw.average_name;
    return this.P.heads.filter(function (h) {
      return h.id === id;
    })[0].name;
  };

  Explorer.prototype.matrix = function (id) {
    if (id === "average") return this.result.average;
    var index = this.headIds().indexOf(id);
    return this.result.heads[index].weights;
  };

  Explorer.prototype.build = function () {
    var self = this,
      id = this.id,
      root = this.root;
    root.replaceChildren();
    root.classList.add("ax");
    // Colour probes first: reading their colours now costs a style pass over two spans,
    // where after the build it would lay out the whole explorer.
    this.probeHigh = el("span", { class: "ax-probe ax-probe--high", "aria-hidden": "true" });
    this.probeLow = el("span", { class: "ax-probe ax-probe--low", "aria-hidden": "true" });
    root.append(this.probeHigh, this.probeLow);
    this.colours = this.palette();

    var field = el("div", { class: "ax-field" });
    var label = el("label", { for: id + "-input" }, "Sentence");
    this.input = el("input", {
      id: id + "-input",
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: "2000",
      "aria-describedby": id + "-hint",
    });
    this.input.addEventListener("input", function () {
      self.setSentence(self.input.value, self.selected, true);
    });
    field.append(label, this.input);
    root.append(field);

    if (root.hasAttribute("data-examples")) {
      var group = el("div", {
        class: "ax-examples",
        role: "group",
        "aria-labelledby": id + "-examples",
      });
      group.append(el("span", { id: id + "-examples", class: "ax-examples__label" }, "Examples:"));
      this.P.raw.examples.forEach(function (ex) {
        var b = el("button", { type: "button", class: "ax-example" }, ex.text);
        b.addEventListener("click", function () {
          self.setSentence(ex.text, ex.query);
        });
        group.append(b);
      });
      root.append(group);
    }

    root.append(
      el(
        "p",
        { id: id + "-hint", class: "ax-hint" },
        "Each token below is a button: click it, or move with the arrow keys and press " +
          "Enter, to make it the query. Hovering or focusing a token previews it."
      )
    );
    this.tokenBar = el("div", {
      class: "ax-tokens",
      role: "toolbar",
      "aria-label": "Tokens: choose the query",
      "aria-describedby": id + "-hint",
    });
    this.tokenBar.addEventListener("keydown", function (e) {
      self.onKey(e);
    });
    this.tokenBar.addEventListener("mouseleave", function () {
      self.setPreview(null);
    });
    root.append(this.tokenBar);
    this.status = el("p", { class: "ax-status", "aria-live": "polite" });
    root.append(this.status);

    this.results = el("div", { class: "ax-results" });
    this.heads = el("div", { class: "ax-heads" });
    this.cards = {};
    this.headIds().forEach(function (hid) {
      var card = el("div", { class: "ax-head ax-head--" + hid });
      var frame = el("div", { class: "ax-matrix" });
      var canvas = el("canvas", {
        class: "ax-matrix__cells",
        width: "1",
        height: "1",
        role: "img",
      });
      var band = el("div", { class: "ax-matrix__row", "aria-hidden": "true" });
      frame.append(canvas, band);
      canvas.addEventListener("click", function (e) {
        var box = canvas.getBoundingClientRect();
        var n = self.tokens.length;
        var i = Math.min(n - 1, Math.floor(((e.clientY - box.top) / box.height) * n));
        if (i >= 0) self.select(i, false);
      });
      var table = el("table", { class: "ax-table" });
      var caption = el("caption");
      var capName = el("span", { class: "ax-caption__name" }, self.headName(hid));
      var capQuery = el("span", { class: "ax-caption__query" });
      caption.append(capName, capQuery);
      var thead = el("thead");
      var tr = el("tr");
      tr.append(el("th", { scope: "col" }, "Token"), el("th", { scope: "col" }, "Weight"));
      thead.append(tr);
      var tbody = el("tbody");
      table.append(caption, thead, tbody);
      var title = el("p", { class: "ax-head__title", "aria-hidden": "true" }, self.headName(hid));
      var axes = el(
        "p",
        { class: "ax-head__axes", "aria-hidden": "true" },
        "rows: queries \u00b7 columns: keys"
      );
      card.append(title, frame, axes, table);
      self.heads.append(card);
      self.cards[hid] = {
        canvas: canvas,
        band: band,
        capQuery: capQuery,
        tbody: tbody,
        cells: [],
        rows: [],
        drawn: null,
      };
    });
    this.results.append(this.heads);

    var detective = el("figure", { class: "ax-detective" });
    var fieldset = el("fieldset", { class: "ax-views" });
    fieldset.append(el("legend", null, "Be the detective: draw the lines of"));
    this.headIds().forEach(function (hid) {
      var radio = el("input", {
        type: "radio",
        name: id + "-view",
        value: hid,
        id: id + "-view-" + hid,
      });
      radio.checked = hid === self.view;
      radio.addEventListener("change", function () {
        if (radio.checked) {
          self.view = hid;
          self.render();
        }
      });
      var lab = el("label", { for: id + "-view-" + hid }, HEAD_LABELS[hid]);
      var wrap = el("span", { class: "ax-view" });
      wrap.append(radio, lab);
      fieldset.append(wrap);
    });
    this.lines = svg("svg", { class: "ax-lines", role: "img" });
    var cap = el(
      "figcaption",
      null,
      "Lines from the query (left) to every token (right): the thicker and more opaque " +
        "the line, the larger the weight."
    );
    detective.append(fieldset, this.lines, cap);
    this.results.append(detective);
    root.append(this.results);
  };

  /** New sentence: tokenise, recompute, rebuild the token-dependent DOM. */
  Explorer.prototype.setSentence = function (text, query, fromInput) {
    if (!fromInput) this.input.value = text;
    var max = this.P.raw.max_tokens;
    var all = tokenize(text);
    this.truncated = all.length > max;
    this.tokens = all.slice(0, max);
    this.result = forward(this.tokens, this.P);
    var n = this.tokens.length;
    this.selected = Math.max(0, Math.min(n - 1, query | 0));
    this.preview = null;
    this.buildTokens();
    this.buildRows();
    this.buildLines();
    this.render();
  };

  Explorer.prototype.buildTokens = function () {
    var self = this;
    this.tokenBar.replaceChildren();
    this.buttons = this.tokens.map(function (word, i) {
      var unknown = !self.P.lexicon.has(word);
      var b = el("button", {
        type: "button",
        class: "ax-token" + (unknown ? " is-unknown" : ""),
        "data-index": String(i),
        tabindex: "-1",
      });
      b.append(el("span", null, word));
      if (unknown) {
        b.title = "Not in the vocabulary: its meaning vector comes from a hash of the word";
        b.append(el("span", { class: "ax-sr" }, " (unknown word)"));
      }
      b.addEventListener("click", function () {
        self.select(i, false);
      });
      b.addEventListener("mouseenter", function () {
        self.setPreview(i);
      });
      b.addEventListener("focus", function () {
        self.setPreview(i);
      });
      b.addEventListener("blur", function () {
        self.setPreview(null);
      });
      self.tokenBar.append(b);
      return b;
    });
  };

  Explorer.prototype.buildRows = function () {
    var self = this;
    Object.keys(this.cards).forEach(function (hid) {
      var card = self.cards[hid];
      card.tbody.replaceChildren();
      card.rows = [];
      card.cells = self.tokens.map(function (word, j) {
        var tr = el("tr");
        var th = el("th", { scope: "row" });
        th.append(el("span", { class: "ax-pos" }, String(j + 1)), " " + word);
        var td = el("td", { class: "ax-weight" });
        tr.append(th, td);
        card.tbody.append(tr);
        card.rows.push(tr);
        return td;
      });
    });
  };

  Explorer.prototype.buildLines = function () {
    var n = this.tokens.length,
      rowH = 22,
      width = 320;
    var height = Math.max(1, n) * rowH + 8;
    this.lines.replaceChildren();
    this.lines.setAttribute("viewBox", "0 0 " + width + " " + height);
    this.lines.style.maxHeight = height * 1.4 + "px";
    var linesGroup = svg("g", { class: "ax-lines__edges" });
    var left = svg("g", { class: "ax-lines__left" });
    var right = svg("g", { class: "ax-lines__right" });
    this.lineEls = [];
    this.leftEls = [];
    for (var j = 0; j < n; j++) {
      var y = 4 + rowH * j + rowH / 2;
      var line = svg("line", { x1: 112, x2: 208, y1: y, y2: y });
      linesGroup.append(line);
      this.lineEls.push(line);
      var word = shorten(this.tokens[j], 13);
      var lt = svg("text", { x: 104, y: y, "text-anchor": "end", "dominant-baseline": "middle" });
      lt.textContent = word;
      left.append(lt);
      this.leftEls.push(lt);
      var rt = svg("text", { x: 216, y: y, "dominant-baseline": "middle" });
      rt.textContent = word;
      right.append(rt);
    }
    this.lines.append(linesGroup, left, right);
    this.rowH = rowH;
  };

  /** Which colour scheme the page shows (Material's attributes on <body>). */
  var schemeKey = AFP.schemeKey;

  Explorer.prototype.palette = function () {
    this.coloursFor = schemeKey();
    return {
      high: AFP.rgb(getComputedStyle(this.probeHigh).color),
      low: AFP.rgb(getComputedStyle(this.probeLow).color),
    };
  };

  Explorer.prototype.shown = function () {
    return this.preview === null ? this.selected : this.preview;
  };

  /** Apply the state to the DOM: buttons, status, tables, matrices, lines. */
  Explorer.prototype.render = function () {
    this.renders++;
    var self = this,
      n = this.tokens.length,
      q = this.shown();
    this.results.hidden = n === 0;
    this.buttons.forEach(function (b, i) {
      b.setAttribute("aria-pressed", i === self.selected ? "true" : "false");
      b.tabIndex = i === self.selected ? 0 : -1;
      b.classList.toggle("is-preview", self.preview !== null && i === self.preview);
    });
    if (n === 0) {
      this.status.textContent =
        "Type a sentence: it has no tokens yet (tokens are runs " + "of letters).";
      return;
    }
    var word = this.tokens[q];
    var where = " (token " + (q + 1) + " of " + n + ")";
    this.status.textContent =
      (this.preview !== null && this.preview !== this.selected
        ? "Previewing " + quote(word) + where + ": press Enter to make it the query."
        : "Query: " + quote(word) + where + ".") +
      (this.truncated ? " Only the first " + this.P.raw.max_tokens + " tokens are used." : "");
    if (!this.colours || this.coloursFor !== schemeKey()) this.colours = this.palette();
    var palette = this.colours;
    this.headIds().forEach(function (hid) {
      var card = self.cards[hid],
        m = self.matrix(hid);
      card.capQuery.textContent = ": weights of " + quote(word) + where;
      card.cells.forEach(function (td, j) {
        var w = m[q][j],
          colour = heat(palette, w);
        td.textContent = w.toFixed(2);
        td.style.backgroundColor = colour.bg;
        td.style.color = colour.fg;
        card.rows[j].classList.toggle("is-query", j === q);
      });
      self.drawMatrix(card, m, q, hid);
    });
    this.drawLines(q);
  };

  /** The whole matrix, one canvas pixel per weight (CSS scales it up), drawn only when
      the weights or the colours change; moving the query only moves the outline. */
  Explorer.prototype.drawMatrix = function (card, m, q, hid) {
    var n = m.length;
    if (card.drawn !== m || card.drawnPalette !== this.colours) {
      var canvas = card.canvas,
        ctx;
      canvas.width = n;
      canvas.height = n;
      ctx = canvas.getContext("2d");
      if (ctx) {
        var image = ctx.createImageData(n, n),
          data = image.data;
        var lo = this.colours.low,
          hi = this.colours.high;
        for (var i = 0; i < n; i++) {
          for (var j = 0; j < n; j++) {
            var w = m[i][j],
              o = 4 * (i * n + j);
            data[o] = Math.round(lo[0] + (hi[0] - lo[0]) * w);
            data[o + 1] = Math.round(lo[1] + (hi[1] - lo[1]) * w);
            data[o + 2] = Math.round(lo[2] + (hi[2] - lo[2]) * w);
            data[o + 3] = 255;
          }
        }
        ctx.putImageData(image, 0, 0);
      }
      card.drawn = m;
      card.drawnPalette = this.colours;
    }
    card.band.style.top = (100 * q) / n + "%";
    card.band.style.height = 100 / n + "%";
    card.canvas.setAttribute(
      "aria-label",
      "Full attention matrix of the " +
        this.headName(hid) +
        ": " +
        n +
        " rows (queries) by " +
        n +
        " columns (keys); row " +
        (q + 1) +
        " is outlined. The table below lists that row."
    );
  };

  Explorer.prototype.drawLines = function (q) {
    var m = this.matrix(this.view),
      self = this,
      rowH = this.rowH;
    var y1 = 4 + rowH * q + rowH / 2;
    var best = [];
    this.lineEls.forEach(function (line, j) {
      var w = m[q][j];
      line.setAttribute("y1", y1);
      line.setAttribute("stroke-width", (0.5 + 9 * w).toFixed(2));
      line.setAttribute("stroke-opacity", (0.12 + 0.88 * w).toFixed(3));
      best.push([w, j]);
    });
    this.leftEls.forEach(function (t, j) {
      t.classList.toggle("is-query", j === q);
    });
    best.sort(function (a, b) {
      return b[0] - a[0];
    });
    var top = best.slice(0, 2).map(function (b) {
      return quote(self.tokens[b[1]]) + " (" + b[0].toFixed(2) + ")";
    });
    this.lines.setAttribute(
      "aria-label",
      "Lines from " +
        quote(this.tokens[q]) +
        " to every token for the " +
        this.headName(this.view) +
        "; the strongest go to " +
        top.join(" and ") +
        "."
    );
  };

  Explorer.prototype.select = function (i, focus) {
    this.selected = i;
    this.preview = null;
    this.render();
    if (focus && this.buttons[i]) this.buttons[i].focus();
  };

  Explorer.prototype.setPreview = function (i) {
    if (i === this.preview) return;
    this.preview = i;
    this.render();
  };

  Explorer.prototype.onKey = function (e) {
    var i = this.buttons.indexOf(document.activeElement);
    if (i < 0) return;
    var n = this.buttons.length,
      next = null;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = Math.min(n - 1, i + 1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = Math.max(0, i - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = n - 1;
    if (next === null) return;
    e.preventDefault();
    this.buttons[i].tabIndex = -1;
    this.buttons[next].tabIndex = 0;
    this.buttons[next].focus();
  };

  Explorer.prototype.snapshot = function () {
    var self = this;
    var copy = function (m) {
      return m.map(function (row) {
        return Array.from(row);
      });
    };
    return {
      tokens: this.tokens.slice(),
      query: this.selected,
      shown: this.shown(),
      renders: this.renders,
      heads: this.P.heads.map(function (h, k) {
        return { id: h.id, name: h.name, weights: copy(self.result.heads[k].weights) };
      }),
      average: copy(this.result.average),
    };
  };

  // ------------------------------------------------------------------ wiring ---------
  /** Resolves in a later task: lets the browser paint and handle input in between. */
  function nextTask() {
    return new Promise(function (resolve) {
      setTimeout(resolve, 0);
    });
  }

  function live() {
    instances.forEach(function (x) {
      if (!x.root.isConnected) instances.delete(x);
    });
    return Array.from(instances);
  }

  function scan() {
    var roots = document.querySelectorAll(".attention-explorer:not([data-explorer-ready])");
    var loaders = document.querySelectorAll("[data-explorer-load]:not([data-explorer-ready])");
    if (!roots.length && !loaders.length) return Promise.resolve();
    roots.forEach(function (root) {
      root.setAttribute("data-explorer-ready", "loading");
    });
    loaders.forEach(function (b) {
      b.setAttribute("data-explorer-ready", "true");
      b.addEventListener("click", function () {
        var target = live()[0];
        if (!target) return;
        target.setSentence(
          b.getAttribute("data-explorer-load"),
          parseInt(b.getAttribute("data-explorer-query") || "0", 10) || 0
        );
        target.root.scrollIntoView({ block: "start" });
        target.select(target.selected, true);
      });
    });
    return loadParams().then(
      function (P) {
        var built = [];
        roots.forEach(function (root) {
          if (root.isConnected) built.push(new Explorer(root, P));
        });
        return nextTask().then(function () {
          built.forEach(function (x) {
            if (!x.root.isConnected) return;
            x.start();
            instances.add(x);
            x.root.setAttribute("data-explorer-ready", "true");
          });
        });
      },
      function (err) {
        roots.forEach(function (root) {
          root.setAttribute("data-explorer-ready", "error");
          root.replaceChildren(
            el(
              "p",
              { class: "ax-error" },
              "The explorer could not load its parameters (" + err.message + ")."
            )
          );
        });
      }
    );
  }

  // Re-colour when the learner switches light/dark (Material sets these attributes).
  AFP.onScheme(function () {
    // Material sets them again at start-up with the same values: only a real change counts.
    var now = schemeKey();
    live().forEach(function (x) {
      if (x.coloursFor === now) return;
      x.colours = null;
      x.render();
    });
  });

  AFP.explorer = Object.freeze({
    version: 1,
    ready: function () {
      return loadParams().then(function () {
        return true;
      });
    },
    scan: scan,
    tokenize: function (text) {
      return tokenize(text, maxTokens);
    },
    compute: function (sentence) {
      return loadParams().then(function (P) {
        var r = forward(tokenize(sentence, P.raw.max_tokens), P);
        var copy = function (m) {
          return m.map(function (row) {
            return Array.from(row);
          });
        };
        return {
          tokens: r.tokens.slice(),
          weights: r.heads.map(function (h) {
            return copy(h.weights);
          }),
          outputs: r.heads.map(function (h) {
            return copy(h.outputs);
          }),
          average: copy(r.average),
        };
      });
    },
    /** Synchronous forward pass on loaded parameters (for benchmarks); null before. */
    computeNow: function (sentence) {
      var x = live()[0];
      return x ? forward(tokenize(sentence, x.P.raw.max_tokens), x.P) && true : null;
    },
    embedUnknown: function (word) {
      return loadParams().then(function (P) {
        return unknownSem(word, P.raw.unknown_length, P.raw.n_sem);
      });
    },
    weights: function (n) {
      var x = live()[n || 0];
      return x ? x.snapshot() : null;
    },
    instances: function () {
      return live().length;
    },
  });

  AFP.onPage(scan);
})();
