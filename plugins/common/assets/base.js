/* window.AFP, the one global of the course's scripts, loaded first (they add AFP.quiz,
 * .explorer, .widgets, .course). Documented in plugins/common/assets.py. */
(() => {
  "use strict";
  if (window.AFP) return;

  const PREFIX = "afp:";
  const MOVED = [["attention-quiz:v1:", `${PREFIX}quiz:`]];

  // storage: never throws; bad JSON reads as absent
  function storage() {
    try {
      return window.localStorage || null;
    } catch {
      return null;
    }
  }
  function keys(s) {
    const out = [];
    try {
      for (let i = 0; i < s.length; i++) out.push(String(s.key(i)));
    } catch {
      return [];
    }
    return out;
  }
  function parse(s, key) {
    try {
      return JSON.parse(s.getItem(key)) ?? undefined;
    } catch {
      return undefined;
    }
  }
  function attempt(action) {
    const s = storage();
    try {
      if (s) action(s);
      return Boolean(s);
    } catch {
      return false;
    }
  }

  const store = {
    get: (name, fallback = null) => {
      const s = storage();
      return (s && parse(s, PREFIX + name)) ?? fallback;
    },
    set: (name, value) => attempt((s) => s.setItem(PREFIX + name, JSON.stringify(value))),
    remove: (name) => attempt((s) => s.removeItem(PREFIX + name)),
    names: (start = "") => {
      const s = storage();
      return (s ? keys(s) : [])
        .filter((k) => k.startsWith(PREFIX + start))
        .map((k) => k.slice(PREFIX.length));
    },
    clear: (start) => store.names(start).forEach(store.remove),
  };

  /* old keys move: copied unless the new key holds a value (newer), then removed */
  attempt((s) => {
    for (const key of keys(s)) {
      for (const [from, to] of MOVED) {
        if (!key.startsWith(from)) continue;
        const target = to + key.slice(from.length);
        const old = parse(s, key);
        attempt(() => {
          if (old !== undefined && parse(s, target) === undefined) {
            s.setItem(target, JSON.stringify(old));
          }
          s.removeItem(key);
        });
      }
    }
  });

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function claim(node, name) {
    if (!node || node.hasAttribute(name)) return false;
    node.setAttribute(name, "");
    return true;
  }
  const rgb = (text) => (String(text).match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
  const mix = (lo, hi, t) => lo.map((c, i) => Math.round(c + (hi[i] - c) * t));
  /** black or white text, whichever contrasts more with [r, g, b] */
  function inkOn(background) {
    const [r, g, b] = background.map((v) => {
      const x = v / 255;
      return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
  }

  /** weight exactly 0 where allowed[i] is false */
  function softmax(xs, allowed) {
    const ok = (i) => !allowed || allowed[i];
    let max = -Infinity;
    let total = 0;
    xs.forEach((x, i) => {
      if (ok(i) && x > max) max = x;
    });
    const out = xs.map((x, i) => (ok(i) ? Math.exp(x - max) : 0));
    for (let i = 0; i < out.length; i++) total += out[i];
    for (let i = 0; i < out.length; i++) out[i] /= total;
    return out;
  }

  /* after the theme's start-up task, on every page (instant navigation too) */
  function onPage(init) {
    const doc$ = window.document$;
    if (typeof doc$?.subscribe === "function") doc$.subscribe(() => setTimeout(init, 0));
    else if (document.readyState === "loading")
      document.addEventListener("DOMContentLoaded", () => init());
    else init();
  }

  const listeners = [];
  const schemeKey = () =>
    ["scheme", "primary"].map((k) => document.body.getAttribute(`data-md-color-${k}`)).join("|");
  const watch = () =>
    new MutationObserver(() =>
      listeners.forEach((listener) => {
        try {
          listener();
        } catch {
          /* the others still run */
        }
      }),
    ).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme", "data-md-color-primary"],
    });
  if (document.body) watch();
  else document.addEventListener("DOMContentLoaded", watch);

  window.AFP = {
    store,
    el,
    claim,
    rgb,
    mix,
    inkOn,
    softmax,
    onPage,
    schemeKey,
    onScheme: (listener) => listeners.push(listener),
  };
})();
