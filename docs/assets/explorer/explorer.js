/**
 * Attention explorer: type a sentence, pick a query token, watch real attention heads
 * (heatmaps, tables, and lines from the query to every token). Two models: three heads
 * built by hand and their average, or every head of the small transformer trained in the
 * build (lesson_code.learned; plugins/explorer/trained.py exports it).
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
 *   data-model     hand | trained: the model shown first (default hand). trained.json is
 *                  fetched only when the trained model is shown (this, or the switch)
 *   data-model-switch  (no value) show the "Model" radio group switching between the two
 *   The paragraph inside is the no-JavaScript fallback; it is replaced.
 *
 * The trained model sees abstract tokens 0..31, not words: the words (the same tokens as
 * for the hand-built heads, at most its context of 64) are numbered by first appearance,
 * a repeated word gets its earlier number again, and after 32 distinct words the numbers
 * wrap (wordIds; plugins/explorer/trained.py word_ids is the same function).
 *
 * A button anywhere on the page can load a sentence into the first explorer:
 *     <button type="button" class="md-button" data-explorer-load="The wug chased the mouse."
 *             data-explorer-query="2">Try it</button>
 *   (data-explorer-model="trained" on the button switches that explorer to the model first)
 *
 * The model. Everything mirrors lesson_code/explorer.py (tokenize, fnv1a32, mulberry32,
 * unknown_sem, embed, forward): tokens -> embeddings (word class, meaning, sinusoidal
 * position) -> per head Q = X W_Q, K = X W_K, V = X W_V -> softmax(Q K^T / sqrt(d_k)) ->
 * average of the heads, all in float64. The parameters come from params.json, generated
 * next to this file at build time by plugins/explorer. Tests compare the numbers with
 * numpy to 1e-9. The trained model (trainedForward) mirrors lesson_code.learned's
 * TinyTransformer.run: x = embed[ids] + position[:n]; per layer, Q, K, V = x W split into
 * heads, causal softmax(Q K^T / sqrt(d_head)) V, heads merged, x += merged W_O; its
 * parameters come from trained.json.
 *
 * Read-only API for tests and curious learners: AFP.explorer
 *   .ready()            promise resolved when the parameters are loaded
 *   .tokenize(text)     tokens, as the model sees them
 *   .compute(sentence)  {tokens, weights[head][i][j], average[i][j], outputs[head][i][d]}
 *   .weights(n = 0)     what the n-th explorer on the page shows: model, tokens, query,
 *                       heads (trained: also ids, and per head layer, head, role)
 *   .instances()        number of explorers on the current page
 *   .wordIds(words)     the trained model's token ids of a list of words
 *   .computeTrained(sentence)  {tokens, ids, weights[layer][head][i][j]}
 *
 * CSP-safe (no inline script, no eval, no inline handlers); learner input only ever
 * reaches the page through textContent and input values. Initialised through Material's
 * document$ (instant navigation), or DOMContentLoaded without Material; idempotent. Uses
 * the shared base (AFP, plugins/common/assets/base.js), loaded first.
 */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP || AFP.explorer) return;
  const el = AFP.el;

  const SCRIPT = document.currentScript;
  const BASE_URL = SCRIPT ? SCRIPT.src : document.baseURI;
  const PARAMS_URL = new URL("params.json", BASE_URL).href;
  const TRAINED_URL = new URL("trained.json", BASE_URL).href;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const HEAD_LABELS = {
    previous: "Previous token",
    related: "Related words",
    nouns: "Pronouns and verbs to nouns",
    average: "Average",
  };
  const MODES = { hand: "Hand-built heads", trained: "Trained model" };
  const ROLES = { previous: "previous-token head", induction: "induction head" };
  const SHOWN_IDS = 12; // the mapping note lists this many words, then "..."

  // ------------------------------------------------------------------ model (pure) --
  let maxTokens = 128; // replaced by params.json's max_tokens once loaded

  /** A function returning one promise of url's JSON, prepared; retried after a failure. */
  function loader(url, prepareJson) {
    let promise = null;
    return () => {
      if (!promise) {
        promise = fetch(url)
          .then((r) => {
            if (!r.ok) throw new Error(`explorer: ${url} answered ${r.status}`);
            return r.json();
          })
          .then(prepareJson);
        promise.catch(() => {
          promise = null;
        }); // retry on next page
      }
      return promise;
    };
  }
  const loadParams = loader(PARAMS_URL, prepare);
  const loadTrained = loader(TRAINED_URL, prepareTrained);
  const LOADERS = { hand: loadParams, trained: loadTrained };

  function prepare(raw) {
    maxTokens = raw.max_tokens;
    const heads = raw.heads.map((h) => ({
      id: h.id,
      name: h.name,
      dk: h.w_q[0].length,
      wq: flat(h.w_q),
      wk: flat(h.w_k),
      wv: flat(h.w_v),
    }));
    return {
      raw: raw,
      heads: heads,
      lexicon: new Map(Object.entries(raw.lexicon)),
      sem: new Map(Object.entries(raw.sem)),
      unknownCache: new Map(),
      unknownTag: raw.tags.indexOf("unknown"),
    };
  }

  /** The trained model: flat (rows x d_model) matrices, one set of projections per layer. */
  function prepareTrained(raw) {
    const d = raw.embed[0].length;
    return {
      raw: raw,
      d: d,
      dh: d / raw.n_heads,
      embed: flat(raw.embed),
      position: flat(raw.position),
      layers: raw.layers.map((m) => ({
        wq: flat(m.w_q),
        wk: flat(m.w_k),
        wv: flat(m.w_v),
        wo: flat(m.w_o),
      })),
    };
  }

  function flat(rows) {
    const out = new Float64Array(rows.length * rows[0].length);
    rows.forEach((row, i) => {
      out.set(row, i * row.length);
    });
    return out;
  }

  /** NFC, lower-case, maximal runs of Unicode letters; at most max tokens. */
  /* Share of unknown tokens from which the explorer says the heads cannot help much, and
     known words it suggests instead (those in the built vocabulary are shown). */
  const UNKNOWN_SHARE = 0.4;
  const SUGGESTED_WORDS = ["cat", "dog", "mouse", "river", "bank", "money", "chased", "ate"];

  function tokenize(text, max) {
    const tokens =
      String(text)
        .normalize("NFC")
        .toLowerCase()
        .match(/\p{L}+/gu) || [];
    return max === undefined ? tokens : tokens.slice(0, max);
  }

  /** 32-bit FNV-1a over the UTF-8 bytes of word (unsigned). */
  function fnv1a32(word) {
    const bytes = new TextEncoder().encode(word);
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  /** mulberry32: each call returns uint32 / 2^32, a float in [0, 1). */
  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Meaning vector of a word outside the lexicon: hash-seeded, fixed length. */
  function unknownSem(word, length, nSem) {
    const next = mulberry32(fnv1a32(word));
    const u = [];
    for (let i = 0; i < nSem; i++) u.push(2 * next() - 1);
    let total = 0;
    for (let j = 0; j < nSem; j++) total += u[j] * u[j];
    const factor = length / Math.sqrt(total);
    return u.map((v) => v * factor);
  }

  /** (n, d_model) rows: tag one-hot | meaning | sinusoidal position. */
  function embed(tokens, P) {
    const raw = P.raw;
    const d = raw.d_model;
    const n = tokens.length;
    const x = new Float64Array(n * d);
    const rates = [];
    for (let r = 0; r < raw.n_pos; r += 2) rates.push(raw.pos_base ** (-r / raw.n_pos));
    for (let i = 0; i < n; i++) {
      const word = tokens[i];
      const row = i * d;
      const tag = P.lexicon.has(word) ? P.lexicon.get(word) : P.unknownTag;
      x[row + tag] = 1;
      let sem = null;
      if (tag === P.unknownTag) {
        sem = P.unknownCache.get(word);
        if (!sem) {
          sem = unknownSem(word, raw.unknown_length, raw.n_sem);
          P.unknownCache.set(word, sem);
        }
      } else if (P.sem.has(word)) {
        sem = P.sem.get(word);
      }
      if (sem) for (let s = 0; s < raw.n_sem; s++) x[row + raw.sem_start + s] = sem[s];
      for (let f = 0; f < rates.length; f++) {
        const angle = i * rates[f];
        x[row + raw.pos_start + 2 * f] = Math.sin(angle);
        x[row + raw.pos_start + 2 * f + 1] = Math.cos(angle);
      }
    }
    return x;
  }

  /** (n, d) @ (d, m) -> (n, m), all flat Float64Arrays. */
  function matmul(a, n, d, b, m) {
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        const aik = a[i * d + k];
        if (aik === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
      }
    }
    return out;
  }

  /** softmax(Q K^T / sqrt(d_k)) row by row, and the weighted average of V. */
  function attend(q, k, v, n, dk) {
    const scale = Math.sqrt(dk);
    const weights = [];
    const outputs = [];
    for (let i = 0; i < n; i++) {
      const scores = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let c = 0; c < dk; c++) dot += q[i * dk + c] * k[j * dk + c];
        scores[j] = dot / scale;
      }
      const row = AFP.softmax(scores);
      const out = new Float64Array(dk);
      for (let j = 0; j < n; j++) {
        for (let c = 0; c < dk; c++) out[c] += row[j] * v[j * dk + c];
      }
      weights.push(row);
      outputs.push(out);
    }
    return { weights: weights, outputs: outputs };
  }

  /** The whole forward pass: per-head weights (n x n), their average, head outputs. */
  function forward(tokens, P) {
    const n = tokens.length;
    const d = P.raw.d_model;
    const x = embed(tokens, P);
    const heads = P.heads.map((h) => {
      const q = matmul(x, n, d, h.wq, h.dk);
      const k = matmul(x, n, d, h.wk, h.dk);
      const v = matmul(x, n, d, h.wv, h.dk);
      return attend(q, k, v, n, h.dk);
    });
    const average = [];
    for (let i = 0; i < n; i++) {
      const row = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let h = 0; h < heads.length; h++) sum += heads[h].weights[i][j];
        row[j] = sum / heads.length;
      }
      average.push(row);
    }
    return { tokens: tokens, heads: heads, average: average };
  }

  /** Words to the trained model's ids: numbered by first appearance, wrapping after vocab
      distinct words ("the cat saw the dog" -> 0 1 2 0 3). */
  function wordIds(words, vocab) {
    const size = vocab || 32;
    const first = new Map();
    return words.map((w) => {
      if (!first.has(w)) first.set(w, first.size % size);
      return first.get(w);
    });
  }

  /** The trained model on ids: every head's causal weights, weights[layer][head][i] (n). */
  function trainedForward(ids, T) {
    const n = ids.length;
    const d = T.d;
    const dh = T.dh;
    const x = new Float64Array(n * d); // the residual stream
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) x[i * d + c] = T.embed[ids[i] * d + c] + T.position[i * d + c];
    }
    const scale = Math.sqrt(dh);
    const weights = T.layers.map((L) => {
      const q = matmul(x, n, d, L.wq, d);
      const k = matmul(x, n, d, L.wk, d);
      const v = matmul(x, n, d, L.wv, d);
      const merged = new Float64Array(n * d); // the heads' outputs side by side
      const heads = [];
      for (let h = 0; h < T.raw.n_heads; h++) {
        const o = h * dh; // this head's slice of the columns
        const rows = [];
        for (let i = 0; i < n; i++) {
          const scores = new Float64Array(i + 1); // causal: keys 0..i only
          for (let j = 0; j <= i; j++) {
            let dot = 0;
            for (let c = 0; c < dh; c++) dot += q[i * d + o + c] * k[j * d + o + c];
            scores[j] = dot / scale;
          }
          const row = new Float64Array(n); // later keys keep weight 0
          row.set(AFP.softmax(scores));
          for (let j = 0; j <= i; j++) {
            for (let c = 0; c < dh; c++) merged[i * d + o + c] += row[j] * v[j * d + o + c];
          }
          rows.push(row);
        }
        heads.push(rows);
      }
      const added = matmul(merged, n, d, L.wo, d); // what the layer adds to the stream
      for (let t = 0; t < n * d; t++) x[t] += added[t];
      return heads;
    });
    return { ids: ids, weights: weights };
  }

  // ------------------------------------------------------------------ colours --------
  /** Cell colour for weight w (0..1) on the sequential scale, and a readable text colour. */
  function heat(palette, w) {
    const rgb = AFP.mix(palette.low, palette.high, w);
    return { bg: `rgb(${rgb.join(", ")})`, fg: AFP.inkOn(rgb) };
  }

  // ------------------------------------------------------------------ DOM helpers ----

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach((k) => {
      node.setAttribute(k, attrs[k]);
    });
    return node;
  }

  function quote(word) {
    return `\u201c${word}\u201d`;
  }

  /** 33 -> "33rd" */
  function ordinal(n) {
    const tens = n % 100;
    const suffix = tens > 10 && tens < 14 ? "th" : ["th", "st", "nd", "rd"][n % 10] || "th";
    return `${n}${suffix}`;
  }

  function shorten(word, max) {
    const chars = Array.from(word);
    return chars.length > max ? `${chars.slice(0, max - 1).join("")}\u2026` : word;
  }

  // ------------------------------------------------------------------ one explorer ---
  const instances = new Set();
  let counter = 0;

  function Explorer(root, mode, model) {
    this.root = root;
    this.mode = mode;
    this.models = { hand: null, trained: null };
    this.models[mode] = model;
    this.P = mode === "hand" ? model : null; // the hand-built heads, once loaded
    this.id = `ax${++counter}`;
    this.renders = 0;
    this.tokens = [];
    this.result = null;
    this.selected = 0;
    this.preview = null;
    this.truncated = false;
    const view = root.getAttribute("data-view") || "average";
    this.views = { hand: HEAD_LABELS[view] ? view : "average", trained: null };
    this.build();
  }

  /** The first sentence: a task of its own after build(), so neither is a long task. */
  Explorer.prototype.start = function () {
    const root = this.root;
    this.setSentence(
      root.getAttribute("data-sentence") || this.model().raw.examples[0].text,
      parseInt(root.getAttribute("data-query") || "0", 10) || 0,
    );
  };

  /** The model shown: the hand-built heads' P or the trained model's T. */
  Explorer.prototype.model = function () {
    return this.models[this.mode];
  };

  Explorer.prototype.maxTokens = function () {
    const raw = this.model().raw;
    return this.mode === "trained" ? raw.context : raw.max_tokens;
  };

  /** Trained heads are "t<layer>-<head>" (0-based), hand-built ones their ids. */
  Explorer.prototype.headIds = function () {
    if (this.mode === "trained") {
      const raw = this.models.trained.raw;
      const ids = [];
      for (let l = 0; l < raw.n_layers; l++) {
        for (let h = 0; h < raw.n_heads; h++) ids.push(`t${l}-${h}`);
      }
      return ids;
    }
    return this.P.heads.map((h) => h.id).concat(["average"]);
  };

  function layerHead(id) {
    const parts = id.slice(1).split("-");
    return [parseInt(parts[0], 10), parseInt(parts[1], 10)];
  }

  /** The measured role of a trained head ("previous", "induction") or null. */
  Explorer.prototype.role = function (id) {
    const lh = layerHead(id);
    return this.models.trained.raw.heads.roles[lh[0]][lh[1]];
  };

  /** "Layer 1, head 3" (1-based), without its role. */
  function trainedName(id) {
    const lh = layerHead(id);
    return `Layer ${lh[0] + 1}, head ${lh[1] + 1}`;
  }

  Explorer.prototype.headName = function (id) {
    if (this.mode === "trained") {
      const role = this.role(id);
      return trainedName(id) + (role ? ` (${ROLES[role]})` : "");
    }
    if (id === "average") return this.P.raw.average_name;
    return this.P.heads.filter((h) => h.id === id)[0].name;
  };

  /** What the build measured of a trained head, in words, for its card. */
  Explorer.prototype.measured = function (id) {
    const lh = layerHead(id);
    const heads = this.models.trained.raw.heads;
    const prev = heads.previous[lh[0]][lh[1]];
    const ind = heads.induction[lh[0]][lh[1]];
    const role = this.role(id);
    const scores = `previous ${prev.toFixed(2)}, induction ${ind.toFixed(2)}`;
    if (role) return `${ROLES[role][0].toUpperCase()}${ROLES[role].slice(1)} (${scores})`;
    return `No clear role (${scores})`;
  };

  Explorer.prototype.matrix = function (id) {
    if (this.mode === "trained") {
      const lh = layerHead(id);
      return this.result.weights[lh[0]][lh[1]];
    }
    if (id === "average") return this.result.average;
    const index = this.headIds().indexOf(id);
    return this.result.heads[index].weights;
  };

  /** Whose lines the detective view draws in trained mode first: the strongest induction
      head, else the previous-token head, else the first head. */
  Explorer.prototype.defaultTrainedView = function () {
    const ids = this.headIds();
    const heads = this.models.trained.raw.heads;
    const score = (id, kind) => {
      const lh = layerHead(id);
      return heads[kind][lh[0]][lh[1]];
    };
    for (const kind of ["induction", "previous"]) {
      const found = ids.filter((id) => this.role(id) === kind);
      if (found.length) return found.sort((a, b) => score(b, kind) - score(a, kind))[0];
    }
    return ids[0];
  };

  Explorer.prototype.build = function () {
    const id = this.id;
    const root = this.root;
    root.replaceChildren();
    root.classList.add("ax");
    // Colour probes first: reading their colours now costs a style pass over two spans,
    // where after the build it would lay out the whole explorer.
    this.probeHigh = el("span", { class: "ax-probe ax-probe--high", "aria-hidden": "true" });
    this.probeLow = el("span", { class: "ax-probe ax-probe--low", "aria-hidden": "true" });
    root.append(this.probeHigh, this.probeLow);
    this.colours = this.palette();

    this.modeRadios = {};
    if (root.hasAttribute("data-model-switch")) {
      const modes = el("fieldset", { class: "ax-modes" });
      modes.append(el("legend", null, "Model"));
      Object.keys(MODES).forEach((mode) => {
        const radio = el("input", {
          type: "radio",
          name: `${id}-model`,
          value: mode,
          id: `${id}-model-${mode}`,
        });
        radio.checked = mode === this.mode;
        radio.addEventListener("change", () => {
          if (radio.checked) this.setMode(mode);
        });
        const label = el("label", { class: "ax-mode", for: `${id}-model-${mode}` });
        label.append(radio, el("span", null, MODES[mode]));
        modes.append(label);
        this.modeRadios[mode] = radio;
      });
      root.append(modes);
    }

    const field = el("div", { class: "ax-field" });
    const label = el("label", { for: `${id}-input` }, "Sentence");
    this.input = el("input", {
      id: `${id}-input`,
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: "2000",
      "aria-describedby": `${id}-hint`,
    });
    this.input.addEventListener("input", () => {
      this.setSentence(this.input.value, this.selected, true);
    });
    field.append(label, this.input);
    root.append(field);

    this.hasExamples = root.hasAttribute("data-examples");
    if (this.hasExamples) {
      this.examples = el("div", {
        class: "ax-examples",
        role: "group",
        "aria-labelledby": `${id}-examples`,
      });
      root.append(this.examples);
    }

    root.append(
      el(
        "p",
        { id: `${id}-hint`, class: "ax-hint" },
        "Each token below is a button: click it, or move with the arrow keys and press " +
          "Enter, to make it the query. Hovering or focusing a token previews it.",
      ),
    );
    this.tokenBar = el("div", {
      class: "ax-tokens",
      role: "toolbar",
      "aria-label": "Tokens: choose the query",
      "aria-describedby": `${id}-hint`,
    });
    this.tokenBar.addEventListener("keydown", (e) => {
      this.onKey(e);
    });
    this.tokenBar.addEventListener("mouseleave", () => {
      this.setPreview(null);
    });
    root.append(this.tokenBar);
    /* Said in words: most of the sentence outside the heads' vocabulary (hand-built), or
       how the words became the trained model's tokens (trained). */
    this.vocab = el("p", { class: "ax-vocab", "aria-live": "polite" });
    root.append(this.vocab);
    this.status = el("p", { class: "ax-status", "aria-live": "polite" });
    root.append(this.status);

    this.results = el("div", { class: "ax-results" });
    root.append(this.results);
    this.buildExamples();
    this.buildResults();
  };

  /** The example buttons of the model shown (each model has its own examples). */
  Explorer.prototype.buildExamples = function () {
    if (!this.hasExamples) return;
    this.examples.replaceChildren(
      el("span", { id: `${this.id}-examples`, class: "ax-examples__label" }, "Examples:"),
    );
    this.model().raw.examples.forEach((ex) => {
      const b = el("button", { type: "button", class: "ax-example" }, ex.text);
      b.addEventListener("click", () => {
        this.setSentence(ex.text, ex.query);
      });
      this.examples.append(b);
    });
  };

  /** One card per head of the model shown (grouped by layer for the trained model), then
      the detective view. */
  Explorer.prototype.buildResults = function () {
    const id = this.id;
    const trained = this.mode === "trained";
    if (trained && !this.views.trained) this.views.trained = this.defaultTrainedView();
    this.results.replaceChildren();
    this.results.classList.toggle("ax-results--trained", trained);
    this.heads = el("div", { class: `ax-heads${trained ? " ax-heads--trained" : ""}` });
    const layers = {};
    this.cards = {};
    this.headIds().forEach((hid) => {
      const card = el("div", { class: `ax-head ax-head--${hid}` });
      const frame = el("div", { class: "ax-matrix" });
      const canvas = el("canvas", {
        class: "ax-matrix__cells",
        width: "1",
        height: "1",
        role: "img",
      });
      const band = el("div", { class: "ax-matrix__row", "aria-hidden": "true" });
      frame.append(canvas, band);
      canvas.addEventListener("click", (e) => {
        const box = canvas.getBoundingClientRect();
        const n = this.tokens.length;
        const i = Math.min(n - 1, Math.floor(((e.clientY - box.top) / box.height) * n));
        if (i >= 0) this.select(i, false);
      });
      const table = el("table", { class: "ax-table" });
      const caption = el("caption");
      const capName = el("span", { class: "ax-caption__name" }, this.headName(hid));
      const capQuery = el("span", { class: "ax-caption__query" });
      caption.append(capName, capQuery);
      const thead = el("thead");
      const tr = el("tr");
      tr.append(el("th", { scope: "col" }, "Token"), el("th", { scope: "col" }, "Weight"));
      thead.append(tr);
      const tbody = el("tbody");
      table.append(caption, thead, tbody);
      const title = el(
        "p",
        { class: "ax-head__title", "aria-hidden": "true" },
        trained ? trainedName(hid) : this.headName(hid),
      );
      card.append(title);
      if (trained) {
        const role = this.role(hid);
        card.classList.add(role ? `has-role--${role}` : "has-role--none");
        card.append(el("p", { class: "ax-head__role" }, this.measured(hid)));
      }
      const axes = el(
        "p",
        { class: "ax-head__axes", "aria-hidden": "true" },
        "rows: queries \u00b7 columns: keys",
      );
      card.append(frame, axes, table);
      if (trained) {
        const layer = layerHead(hid)[0];
        if (!layers[layer]) {
          const group = el("div", { class: "ax-layer" });
          group.append(el("p", { class: "ax-layer__title" }, `Layer ${layer + 1}`));
          layers[layer] = el("div", { class: "ax-layer__heads" });
          group.append(layers[layer]);
          this.heads.append(group);
        }
        layers[layer].append(card);
      } else {
        this.heads.append(card);
      }
      this.cards[hid] = {
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

    const detective = el("figure", { class: "ax-detective" });
    const fieldset = el("fieldset", { class: "ax-views" });
    fieldset.append(el("legend", null, "Be the detective: draw the lines of"));
    this.headIds().forEach((hid) => {
      const radio = el("input", {
        type: "radio",
        name: `${id}-view`,
        value: hid,
        id: `${id}-view-${hid}`,
      });
      radio.checked = hid === this.views[this.mode];
      radio.addEventListener("change", () => {
        if (radio.checked) {
          this.views[this.mode] = hid;
          this.render();
        }
      });
      const text = trained ? trainedName(hid) : HEAD_LABELS[hid];
      const lab = el("label", { for: `${id}-view-${hid}` }, text);
      const wrap = el("span", { class: "ax-view" });
      wrap.append(radio, lab);
      fieldset.append(wrap);
    });
    this.lines = svg("svg", { class: "ax-lines", role: "img" });
    const cap = el(
      "figcaption",
      null,
      "Lines from the query (left) to every token (right): the thicker and more opaque " +
        "the line, the larger the weight.",
    );
    detective.append(fieldset, this.lines, cap);
    this.results.append(detective);
  };

  /** Show the other model: load it if needed (trained.json is fetched only now), rebuild
      the examples and cards for it, recompute the same sentence. Resolves when shown. */
  Explorer.prototype.setMode = function (mode) {
    if (!MODES[mode]) return Promise.resolve(false);
    this.pending = mode;
    if (mode === this.mode) return Promise.resolve(true);
    if (!this.models[mode]) {
      this.status.textContent = `Loading the ${MODES[mode].toLowerCase()}\u2026`;
    }
    return LOADERS[mode]().then(
      (M) => {
        if (this.pending !== mode || !this.root.isConnected) return false; // a later choice won
        this.models[mode] = M;
        if (mode === "hand") this.P = M;
        this.mode = mode;
        this.root.setAttribute("data-model-shown", mode);
        if (this.modeRadios[mode]) this.modeRadios[mode].checked = true;
        this.buildExamples();
        this.buildResults();
        this.setSentence(this.input.value, this.selected, true);
        return true;
      },
      (err) => {
        if (this.modeRadios[this.mode]) this.modeRadios[this.mode].checked = true;
        this.pending = this.mode;
        this.render();
        this.status.textContent += ` The ${MODES[mode].toLowerCase()} could not be loaded (${err.message}).`;
        return false;
      },
    );
  };

  /** New sentence: tokenise, recompute, rebuild the token-dependent DOM. */
  Explorer.prototype.setSentence = function (text, query, fromInput) {
    if (!fromInput) this.input.value = text;
    const max = this.maxTokens();
    const all = tokenize(text);
    this.truncated = all.length > max;
    this.tokens = all.slice(0, max);
    if (this.mode === "trained") {
      const T = this.models.trained;
      this.ids = wordIds(this.tokens, T.raw.vocab_size);
      this.result = trainedForward(this.ids, T);
    } else {
      this.ids = null;
      this.result = forward(this.tokens, this.P);
    }
    const n = this.tokens.length;
    this.selected = Math.max(0, Math.min(n - 1, query | 0));
    this.preview = null;
    this.buildTokens();
    this.explainVocabulary();
    this.buildRows();
    this.buildLines();
    this.render();
  };

  Explorer.prototype.buildTokens = function () {
    this.tokenBar.replaceChildren();
    this.buttons = this.tokens.map((word, i) => {
      const unknown = this.mode === "hand" && !this.P.lexicon.has(word);
      const b = el("button", {
        type: "button",
        class: `ax-token${unknown ? " is-unknown" : ""}`,
        "data-index": String(i),
        tabindex: "-1",
      });
      b.append(el("span", null, word));
      if (unknown) {
        b.title = "Not in the vocabulary: its meaning vector comes from a hash of the word";
        b.append(el("span", { class: "ax-token__mark", "aria-hidden": "true" }, "?"));
        b.append(el("span", { class: "ax-sr" }, " (not in the vocabulary)"));
      }
      if (this.ids) {
        // the model's token: seen, and said as "(model token 4)"
        b.append(el("span", { class: "ax-token__id", "aria-hidden": "true" }, String(this.ids[i])));
        b.append(el("span", { class: "ax-sr" }, ` (model token ${this.ids[i]})`));
      }
      b.addEventListener("click", () => {
        this.select(i, false);
      });
      b.addEventListener("mouseenter", () => {
        this.setPreview(i);
      });
      b.addEventListener("focus", () => {
        this.setPreview(i);
      });
      b.addEventListener("blur", () => {
        this.setPreview(null);
      });
      this.tokenBar.append(b);
      return b;
    });
  };

  /** The words of the current sentence outside the vocabulary, each once, in order. */
  Explorer.prototype.unknownWords = function () {
    const seen = new Set();
    return this.tokens.filter((w) => {
      if (this.P.lexicon.has(w) || seen.has(w)) return false;
      seen.add(w);
      return true;
    });
  };

  /** When at least UNKNOWN_SHARE of the tokens are outside the vocabulary, say so in plain
      words (the heads were built for known words and go flat on the others) and what to
      try; otherwise say nothing. */
  Explorer.prototype.explainVocabulary = function () {
    if (this.mode === "trained") {
      this.explainMapping();
      return;
    }
    const n = this.tokens.length;
    const unknown = this.tokens.filter((w) => !this.P.lexicon.has(w)).length;
    if (!n || unknown / n < UNKNOWN_SHARE) {
      this.vocab.textContent = "";
      return;
    }
    const words = this.unknownWords().map(quote);
    const known = SUGGESTED_WORDS.filter((w) => this.P.lexicon.has(w));
    this.vocab.textContent =
      `The heads do not know ${unknown} of the ${n} words of this sentence: ` +
      `${words.join(", ")}. They were built by hand for a small vocabulary, so here ` +
      "their weights say little. " +
      (this.hasExamples ? "Try one of the example sentences, or use" : "Try") +
      (known.length ? ` words they know, such as ${known.join(", ")}.` : " known words.");
  };

  /** Trained model: how this sentence's words became its tokens, in words. */
  Explorer.prototype.explainMapping = function () {
    const vocab = this.models.trained.raw.vocab_size;
    const pairs = [];
    const seen = new Set();
    this.tokens.forEach((w, i) => {
      if (seen.has(w)) return;
      seen.add(w);
      pairs.push(`${quote(w)} → ${this.ids[i]}`);
    });
    if (!pairs.length) {
      this.vocab.textContent = "";
      return;
    }
    const more = pairs.length > SHOWN_IDS ? `, and ${pairs.length - SHOWN_IDS} more` : "";
    const repeated = this.tokens.length - pairs.length;
    this.vocab.textContent =
      `The model reads token numbers, not words: ${pairs.slice(0, SHOWN_IDS).join(", ")}` +
      `${more}. ` +
      (repeated
        ? `${repeated} of the ${this.tokens.length} words repeat an earlier word and get its number again.`
        : "No word repeats yet: write a phrase twice to see the induction heads at work.") +
      (pairs.length > vocab
        ? ` This text has ${pairs.length} different words but the model only ${vocab} ` +
          `tokens: from the ${ordinal(vocab + 1)} new word on, the numbers start again at 0, so ` +
          "different words share a number."
        : "");
  };

  Explorer.prototype.buildRows = function () {
    Object.keys(this.cards).forEach((hid) => {
      const card = this.cards[hid];
      card.tbody.replaceChildren();
      card.rows = [];
      card.cells = this.tokens.map((word, j) => {
        const tr = el("tr");
        const th = el("th", { scope: "row" });
        th.append(el("span", { class: "ax-pos" }, String(j + 1)), ` ${word}`);
        const td = el("td", { class: "ax-weight" });
        tr.append(th, td);
        card.tbody.append(tr);
        card.rows.push(tr);
        return td;
      });
    });
  };

  Explorer.prototype.buildLines = function () {
    const n = this.tokens.length;
    const rowH = 22;
    const width = 320;
    const height = Math.max(1, n) * rowH + 8;
    this.lines.replaceChildren();
    this.lines.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.lines.style.maxHeight = `${height * 1.4}px`;
    const linesGroup = svg("g", { class: "ax-lines__edges" });
    const left = svg("g", { class: "ax-lines__left" });
    const right = svg("g", { class: "ax-lines__right" });
    this.lineEls = [];
    this.leftEls = [];
    for (let j = 0; j < n; j++) {
      const y = 4 + rowH * j + rowH / 2;
      const line = svg("line", { x1: 112, x2: 208, y1: y, y2: y });
      linesGroup.append(line);
      this.lineEls.push(line);
      const word = shorten(this.tokens[j], 13);
      const lt = svg("text", { x: 104, y: y, "text-anchor": "end", "dominant-baseline": "middle" });
      lt.textContent = word;
      left.append(lt);
      this.leftEls.push(lt);
      const rt = svg("text", { x: 216, y: y, "dominant-baseline": "middle" });
      rt.textContent = word;
      right.append(rt);
    }
    this.lines.append(linesGroup, left, right);
    this.rowH = rowH;
  };

  /** Which colour scheme the page shows (Material's attributes on <body>). */
  const schemeKey = AFP.schemeKey;

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
    const n = this.tokens.length;
    const q = this.shown();
    this.results.hidden = n === 0;
    this.buttons.forEach((b, i) => {
      b.setAttribute("aria-pressed", i === this.selected ? "true" : "false");
      b.tabIndex = i === this.selected ? 0 : -1;
      b.classList.toggle("is-preview", this.preview !== null && i === this.preview);
    });
    if (n === 0) {
      this.status.textContent =
        "Type a sentence: it has no tokens yet (tokens are runs " + "of letters).";
      return;
    }
    const word = this.tokens[q];
    const where = ` (token ${q + 1} of ${n})`;
    const said = this.ids ? ` (token ${q + 1} of ${n}, model token ${this.ids[q]})` : where;
    const cut =
      this.mode === "trained"
        ? " words are used: the model has no more positions."
        : " tokens are used.";
    this.status.textContent =
      (this.preview !== null && this.preview !== this.selected
        ? `Previewing ${quote(word)}${said}: press Enter to make it the query.`
        : `Query: ${quote(word)}${said}.`) +
      (this.truncated ? ` Only the first ${this.maxTokens()}${cut}` : "");
    if (!this.colours || this.coloursFor !== schemeKey()) this.colours = this.palette();
    const palette = this.colours;
    this.headIds().forEach((hid) => {
      const card = this.cards[hid];
      const m = this.matrix(hid);
      card.capQuery.textContent = `: weights of ${quote(word)}${where}`;
      card.cells.forEach((td, j) => {
        const w = m[q][j];
        const colour = heat(palette, w);
        td.textContent = w.toFixed(2);
        td.style.backgroundColor = colour.bg;
        td.style.color = colour.fg;
        card.rows[j].classList.toggle("is-query", j === q);
      });
      this.drawMatrix(card, m, q, hid);
    });
    this.drawLines(q);
  };

  /** The whole matrix, one canvas pixel per weight (CSS scales it up), drawn only when
      the weights or the colours change; moving the query only moves the outline. */
  Explorer.prototype.drawMatrix = function (card, m, q, hid) {
    const n = m.length;
    if (card.drawn !== m || card.drawnPalette !== this.colours) {
      const canvas = card.canvas;
      let ctx;
      canvas.width = n;
      canvas.height = n;
      ctx = canvas.getContext("2d");
      if (ctx) {
        const image = ctx.createImageData(n, n);
        const data = image.data;
        const lo = this.colours.low;
        const hi = this.colours.high;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const w = m[i][j];
            const o = 4 * (i * n + j);
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
    card.band.style.top = `${(100 * q) / n}%`;
    card.band.style.height = `${100 / n}%`;
    card.canvas.setAttribute(
      "aria-label",
      "Full attention matrix of " +
        this.theHead(hid) +
        ": " +
        n +
        " rows (queries) by " +
        n +
        " columns (keys); row " +
        (q + 1) +
        " is outlined. The table below lists that row.",
    );
  };

  /** "the Previous-token head", "Layer 1, head 3 (previous-token head)": in a sentence. */
  Explorer.prototype.theHead = function (hid) {
    return (this.mode === "trained" ? "" : "the ") + this.headName(hid);
  };

  Explorer.prototype.drawLines = function (q) {
    const view = this.views[this.mode];
    const m = this.matrix(view);
    const rowH = this.rowH;
    const y1 = 4 + rowH * q + rowH / 2;
    const best = [];
    this.lineEls.forEach((line, j) => {
      const w = m[q][j];
      line.setAttribute("y1", y1);
      line.setAttribute("stroke-width", (0.5 + 9 * w).toFixed(2));
      line.setAttribute("stroke-opacity", (0.12 + 0.88 * w).toFixed(3));
      best.push([w, j]);
    });
    this.leftEls.forEach((t, j) => {
      t.classList.toggle("is-query", j === q);
    });
    best.sort((a, b) => b[0] - a[0]);
    const top = best.slice(0, 2).map((b) => `${quote(this.tokens[b[1]])} (${b[0].toFixed(2)})`);
    this.lines.setAttribute(
      "aria-label",
      "Lines from " +
        quote(this.tokens[q]) +
        " to every token for " +
        this.theHead(view) +
        "; the strongest go to " +
        top.join(" and ") +
        ".",
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
    const i = this.buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const n = this.buttons.length;
    let next = null;
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
    const copy = (m) => m.map((row) => Array.from(row));
    const state = {
      model: this.mode,
      tokens: this.tokens.slice(),
      query: this.selected,
      shown: this.shown(),
      renders: this.renders,
    };
    if (this.mode === "trained") {
      state.ids = this.ids.slice();
      state.view = this.views.trained;
      state.heads = this.headIds().map((hid) => {
        const lh = layerHead(hid);
        return {
          id: hid,
          layer: lh[0],
          head: lh[1],
          name: this.headName(hid),
          role: this.role(hid),
          weights: copy(this.matrix(hid)),
        };
      });
      return state;
    }
    return {
      ...state,
      view: this.views.hand,
      heads: this.P.heads.map((h, k) => ({
        id: h.id,
        name: h.name,
        weights: copy(this.result.heads[k].weights),
      })),
      average: copy(this.result.average),
    };
  };

  // ------------------------------------------------------------------ wiring ---------
  /** Resolves in a later task: lets the browser paint and handle input in between. */
  function nextTask() {
    return new Promise((resolve) => {
      setTimeout(resolve, 0);
    });
  }

  function live() {
    instances.forEach((x) => {
      if (!x.root.isConnected) instances.delete(x);
    });
    return Array.from(instances);
  }

  function scan() {
    const roots = document.querySelectorAll(".attention-explorer:not([data-explorer-ready])");
    const loaders = document.querySelectorAll("[data-explorer-load]:not([data-explorer-ready])");
    if (!roots.length && !loaders.length) return Promise.resolve();
    roots.forEach((root) => {
      root.setAttribute("data-explorer-ready", "loading");
    });
    loaders.forEach((b) => {
      b.setAttribute("data-explorer-ready", "true");
      b.addEventListener("click", () => {
        const target = live()[0];
        if (!target) return;
        const model = b.getAttribute("data-explorer-model");
        const shown = model && MODES[model] ? target.setMode(model) : Promise.resolve(true);
        shown.then((ok) => {
          if (!ok) return;
          target.setSentence(
            b.getAttribute("data-explorer-load"),
            parseInt(b.getAttribute("data-explorer-query") || "0", 10) || 0,
          );
          target.root.scrollIntoView({ block: "start" });
          target.select(target.selected, true);
        });
      });
    });
    // Each explorer waits only for the model it shows first: a page of trained-mode
    // explorers never fetches params.json, a page of hand-built ones never trained.json.
    const waits = [];
    roots.forEach((root) => {
      const mode = root.getAttribute("data-model") === "trained" ? "trained" : "hand";
      waits.push(
        LOADERS[mode]().then(
          (M) => (root.isConnected ? new Explorer(root, mode, M) : null),
          (err) => {
            root.setAttribute("data-explorer-ready", "error");
            root.replaceChildren(
              el(
                "p",
                { class: "ax-error" },
                `The explorer could not load its parameters (${err.message}).`,
              ),
            );
            return null;
          },
        ),
      );
    });
    return Promise.all(waits).then((built) =>
      nextTask().then(() => {
        built.forEach((x) => {
          if (!x?.root.isConnected) return;
          x.start();
          instances.add(x);
          x.root.setAttribute("data-model-shown", x.mode);
          x.root.setAttribute("data-explorer-ready", "true");
        });
      }),
    );
  }

  // Re-colour when the learner switches light/dark (Material sets these attributes).
  AFP.onScheme(() => {
    // Material sets them again at start-up with the same values: only a real change counts.
    const now = schemeKey();
    live().forEach((x) => {
      if (x.coloursFor === now) return;
      x.colours = null;
      x.render();
    });
  });

  AFP.explorer = Object.freeze({
    version: 1,
    ready: () => loadParams().then(() => true),
    scan: scan,
    tokenize: (text) => tokenize(text, maxTokens),
    compute: (sentence) =>
      loadParams().then((P) => {
        const r = forward(tokenize(sentence, P.raw.max_tokens), P);
        const copy = (m) => m.map((row) => Array.from(row));
        return {
          tokens: r.tokens.slice(),
          weights: r.heads.map((h) => copy(h.weights)),
          outputs: r.heads.map((h) => copy(h.outputs)),
          average: copy(r.average),
        };
      }),
    /** Synchronous forward pass on loaded parameters (for benchmarks); null before. */
    computeNow: (sentence) => {
      const x = live()[0];
      return x?.P ? forward(tokenize(sentence, x.P.raw.max_tokens), x.P) && true : null;
    },
    wordIds: (words, vocab) => wordIds(Array.from(words), vocab),
    computeTrained: (sentence) =>
      loadTrained().then((T) => {
        const tokens = tokenize(sentence, T.raw.context);
        const ids = wordIds(tokens, T.raw.vocab_size);
        const r = trainedForward(ids, T);
        return {
          tokens: tokens,
          ids: ids,
          weights: r.weights.map((layer) => layer.map((m) => m.map((row) => Array.from(row)))),
        };
      }),
    /** Synchronous trained forward pass (words -> ids -> every head), for benchmarks; null
        until an explorer of the page has loaded the trained model. */
    computeTrainedNow: (sentence) => {
      const x = live().filter((e) => e.models.trained)[0];
      if (!x) return null;
      const T = x.models.trained;
      const tokens = tokenize(sentence, T.raw.context);
      return trainedForward(wordIds(tokens, T.raw.vocab_size), T) && true;
    },
    embedUnknown: (word) =>
      loadParams().then((P) => unknownSem(word, P.raw.unknown_length, P.raw.n_sem)),
    weights: (n) => {
      const x = live()[n || 0];
      return x ? x.snapshot() : null;
    },
    instances: () => live().length,
  });

  AFP.onPage(scan);
})();
