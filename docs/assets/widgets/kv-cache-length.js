/** Lesson widget kind "kv-cache-length" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { grouped } = AFP.widgets.util;

  /** Bytes in binary units, as lesson_code.topics.kv_cache.format_bytes writes them. */
  function binary(bytes) {
    let size = bytes;
    const units = ["bytes", "KiB", "MiB", "GiB"];
    let i = 0;
    while (size >= 1024 && i < units.length - 1) {
      size /= 1024;
      i++;
    }
    const text = size >= 100 ? size.toFixed(0) : String(Number(size.toPrecision(3)));
    return `${text} ${units[i]}`;
  }

  // Lesson 21: a model's KV cache for t tokens, and one layer's multiply-adds for token t
  // with the cache (4d² + 2td) and without it (4td² + t(t + 1)d), as step_multiply_adds.
  AFP.widgets.define("kv-cache-length", (w) => {
    const d = w.data;
    const pick = w.toggles(
      "Model",
      d.models.map((m) => m.name),
      d.start_model,
    );
    const last = d.exponents.length - 1;
    const s = w.slider("Tokens t", 0, last, d.exponents.indexOf(d.start_exponent));
    const memory = w.bars("Cache of one sequence (logarithmic scale)");
    const cache = w.bar(memory, "Cache");
    const unshared = w.bar(memory, "Without sharing");
    const work = w.bars("Work on token t, one layer (logarithmic scale)");
    const withCache = w.bar(work, "With the cache");
    const without = w.bar(work, "Without it");
    const live = w.status();
    const tMax = 2 ** d.exponents[last];
    const biggest = (key) => Math.max(...d.models.map((m) => m[key]));
    const memTop = Math.log(biggest("per_token_unshared") * tMax);
    const dTop = biggest("d_model");
    const workTop = Math.log(4 * tMax * dTop * dTop + tMax * (tMax + 1) * dTop);
    const scale = (x, top) => Math.log(x) / top;
    w.draw = () => {
      const m = d.models[pick()];
      const t = 2 ** d.exponents[s.value()];
      const dm = m.d_model;
      const st = {
        model: m.name,
        tokens: t,
        cacheBytes: m.per_token * t,
        unsharedBytes: m.per_token_unshared * t,
        withCache: 4 * dm * dm + 2 * t * dm,
        withoutCache: 4 * t * dm * dm + t * (t + 1) * dm,
        beyondContext: t > m.context,
      };
      w.state = st;
      s.show(`t = ${grouped(t)}`);
      cache(scale(st.cacheBytes, memTop), binary(st.cacheBytes));
      unshared(scale(st.unsharedBytes, memTop), binary(st.unsharedBytes));
      withCache(scale(st.withCache, workTop), grouped(st.withCache));
      without(scale(st.withoutCache, workTop), grouped(st.withoutCache));
      live.textContent =
        `${m.name}, ${grouped(t)} tokens` +
        (st.beyondContext ? ` (beyond its context of ${grouped(m.context)})` : "") +
        `: cache ${binary(st.cacheBytes)}; token ${grouped(t)} costs one layer ` +
        `${grouped(st.withCache)} multiply-adds with the cache and ` +
        `${grouped(st.withoutCache)} without, ` +
        `${grouped(Math.round(st.withoutCache / st.withCache))} times as many.`;
    };
  });
})();
