/*
 * Shared base of the course's scripts (quiz, explorer, widgets, course): loaded first on
 * every page (plugins/common/assets.py puts it before every other script), it defines the
 * one global, window.AFP, which the others extend with their own part (AFP.quiz,
 * AFP.explorer, AFP.widgets, AFP.course).
 *
 *   AFP.store      localStorage under the one prefix "afp:"; every access guarded:
 *                  unavailable, full or corrupt storage never throws, bad JSON reads as
 *                  absent. Progress stored by earlier versions under other prefixes is
 *                  moved here once, when this script loads (MOVED below).
 *   AFP.el         element builder (attributes, text only through textContent)
 *   AFP.rgb, .mix, .inkOn
 *                  colours read from Material's variables, blended, and the text colour
 *                  (black or white) that contrasts more with a background
 *   AFP.softmax    stable softmax, optionally over allowed entries only
 *   AFP.onPage     run init on every page load: Material's document$ (instant navigation)
 *                  in a task of its own, else DOMContentLoaded
 *   AFP.claim      idempotent set-up: marks an element with a data- attribute once
 *   AFP.onScheme   call back when the learner switches the colour palette
 *
 * CSP-safe: no inline script, eval or HTML strings.
 */
(function () {
  "use strict";
  if (window.AFP) return;

  var PREFIX = "afp:";
  /* Earlier versions' prefixes and where their keys live now (never overwriting a value
     already stored under the new key; the old key is removed once copied). */
  var MOVED = [["attention-quiz:v1:", PREFIX + "quiz:"]];

  // -- storage ---------------------------------------------------------------------------
  function storage() {
    try {
      return window.localStorage || null;
    } catch (e) {
      return null;
    }
  }

  /** Every key of the storage (raw names), or [] when it cannot be read. */
  function allKeys(s) {
    var keys = [];
    try {
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (typeof k === "string") keys.push(k);
      }
    } catch (e) {
      return [];
    }
    return keys;
  }

  /** The stored value parsed, or undefined when absent, unreadable or not JSON. */
  function parse(s, key) {
    try {
      var raw = s.getItem(key);
      return raw === null ? undefined : JSON.parse(raw);
    } catch (e) {
      return undefined;
    }
  }

  var store = {
    prefix: PREFIX,
    /** The value stored under name (JSON), or fallback (null) if absent or corrupt. */
    get: function (name, fallback) {
      var s = storage();
      var value = s ? parse(s, PREFIX + name) : undefined;
      return value === undefined || value === null
        ? fallback === undefined
          ? null
          : fallback
        : value;
    },
    /** Store value as JSON; false when storage is unavailable, full or denied. */
    set: function (name, value) {
      var s = storage();
      if (!s) return false;
      try {
        s.setItem(PREFIX + name, JSON.stringify(value));
        return true;
      } catch (e) {
        return false;
      }
    },
    remove: function (name) {
      var s = storage();
      if (!s) return;
      try {
        s.removeItem(PREFIX + name);
      } catch (e) {
        /* denied */
      }
    },
    /** Names (without the prefix) of the stored entries whose name starts with start. */
    names: function (start) {
      var s = storage();
      var head = PREFIX + (start || "");
      return (s ? allKeys(s) : [])
        .filter(function (k) {
          return k.indexOf(head) === 0;
        })
        .map(function (k) {
          return k.slice(PREFIX.length);
        });
    },
    /** Forget every entry whose name starts with start (everything stored, without it). */
    clear: function (start) {
      store.names(start).forEach(store.remove);
    },
  };

  /* Keys under an old prefix move to the new one: copied when the new key holds nothing
     readable (a value already there is newer), then removed. A corrupt old value is only
     removed; one that cannot be copied (storage full) stays for the next page. */
  function migrate() {
    var s = storage();
    if (!s) return;
    allKeys(s).forEach(function (key) {
      MOVED.forEach(function (move) {
        if (key.indexOf(move[0]) !== 0) return;
        var target = move[1] + key.slice(move[0].length);
        try {
          var old = parse(s, key);
          if (old !== undefined && old !== null && parse(s, target) === undefined) {
            s.setItem(target, JSON.stringify(old));
          }
          s.removeItem(key);
        } catch (e) {
          /* full or denied: tried again on the next page */
        }
      });
    });
  }
  migrate();

  // -- DOM ---------------------------------------------------------------------------------
  /** A new element with attributes and, when given, text (set as textContent). */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** True the first time for node: marks it with attribute name (value "" unless given). */
  function claim(node, name, value) {
    if (!node || node.hasAttribute(name)) return false;
    node.setAttribute(name, value === undefined ? "" : value);
    return true;
  }

  // -- colour ------------------------------------------------------------------------------
  /** [r, g, b] of a computed colour ("rgb(1, 2, 3)"). */
  function rgb(text) {
    var m = String(text).match(/[\d.]+/g) || [0, 0, 0];
    return [Number(m[0]), Number(m[1]), Number(m[2])];
  }

  /** The colour at t in [0, 1] from lo to hi (rounded [r, g, b]). */
  function mix(lo, hi, t) {
    return [0, 1, 2].map(function (i) {
      return Math.round(lo[i] + (hi[i] - lo[i]) * t);
    });
  }

  /** WCAG relative luminance of [r, g, b]. */
  function luminance(c) {
    var lin = c.map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }

  /** "#000" or "#fff", whichever contrasts more with background [r, g, b]. */
  function inkOn(background) {
    var lum = luminance(background);
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
  }

  // -- numerics ----------------------------------------------------------------------------
  /** Stable softmax of xs (array or typed array, same kind back); where allowed[i] is
      false the weight is exactly 0. */
  function softmax(xs, allowed) {
    var max = -Infinity;
    var total = 0;
    var i;
    for (i = 0; i < xs.length; i++) if ((!allowed || allowed[i]) && xs[i] > max) max = xs[i];
    var out = xs.map(function (x, j) {
      return !allowed || allowed[j] ? Math.exp(x - max) : 0;
    });
    for (i = 0; i < out.length; i++) total += out[i];
    for (i = 0; i < out.length; i++) out[i] /= total;
    return out;
  }

  // -- start-up and palette ----------------------------------------------------------------
  /** Run init on every page: after each of Material's page loads (document$, instant
      navigation included), in a task after the theme's start-up, which runs every
      subscriber in one long task; without Material, once the document is parsed. */
  function onPage(init) {
    var doc$ = window.document$;
    if (doc$ && typeof doc$.subscribe === "function") {
      doc$.subscribe(function () {
        setTimeout(init, 0);
      });
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        init();
      });
    } else {
      init();
    }
  }

  /* One observer for the whole page: Material sets these attributes on <body> when the
     learner switches the palette (and again, unchanged, at start-up). */
  var schemeListeners = [];
  function schemeKey() {
    var b = document.body;
    return b.getAttribute("data-md-color-scheme") + "|" + b.getAttribute("data-md-color-primary");
  }
  function onScheme(listener) {
    schemeListeners.push(listener);
  }
  if (typeof MutationObserver === "function" && document.body) {
    new MutationObserver(function () {
      schemeListeners.forEach(function (listener) {
        try {
          listener();
        } catch (e) {
          /* one failing listener never stops the others */
        }
      });
    }).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme", "data-md-color-primary"],
    });
  }

  window.AFP = {
    version: 1,
    store: store,
    el: el,
    claim: claim,
    rgb: rgb,
    mix: mix,
    luminance: luminance,
    inkOn: inkOn,
    softmax: softmax,
    onPage: onPage,
    onScheme: onScheme,
    schemeKey: schemeKey,
  };
})();
