/** Lesson widget kind "gqa-groups" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { el, grouped, fixed } = AFP.widgets.util;

  // Lesson 22: choose how many key/value heads a layer has (a divisor of its query heads):
  // which query heads share one, the key-value cache of one sequence, and for lesson 20's
  // model the copying accuracy the lesson measured after mean-pooling.
  AFP.widgets.define("gqa-groups", (w) => {
    const d = w.data;
    const h = d.n_heads;
    const last = d.counts.length - 1;
    const s = w.slider("Key/value heads", 0, last, d.counts.indexOf(d.start));
    const grid = w.add(el("div", { class: "lw-gqa-grid", "aria-hidden": "true" }));
    Object.assign(grid.style, { display: "flex", flexWrap: "wrap", gap: "0.2rem" });
    const cells = [];
    for (let i = 0; i < h; i++) {
      const c = grid.appendChild(el("span"));
      Object.assign(c.style, {
        minWidth: "1.9rem",
        padding: "0.15rem 0",
        textAlign: "center",
        borderRadius: "0.15rem",
        border: "0.05rem solid var(--md-default-fg-color--light)",
      });
      cells.push(c);
    }
    const group = w.bars();
    const cache = w.bar(group, `Cache, one ${grouped(d.tokens)}-token sequence`);
    const quality = d.accuracy ? w.bar(group, "Copying right, no uptraining") : null;
    const live = w.status();
    const size = (b) => (b >= 1e6 ? `${fixed(b / 1e9, 2)} GB` : `${grouped(b)} bytes`);
    const pct = (x) => `${fixed(100 * x, 0)}%`;
    w.draw = () => {
      const kv = d.counts[s.value()];
      const g = h / kv;
      const owners = cells.map((_, i) => Math.floor(i / g));
      const bytes = 2 * d.n_layers * kv * d.d_head * d.bytes_per_number * d.tokens;
      const acc = d.accuracy ? d.accuracy[String(kv)] : null;
      w.state = {
        n_kv: kv,
        group: g,
        owners: owners,
        bytes: bytes,
        fraction: kv / h,
        accuracy: acc,
      };
      const name = kv === h ? "multi-head" : kv === 1 ? "multi-query" : "grouped-query";
      s.show(`${kv} of ${h} (${name})`);
      cells.forEach((c, i) => {
        const odd = owners[i] % 2 === 1;
        c.textContent = String(owners[i] + 1);
        c.style.background = odd ? "transparent" : "var(--md-primary-fg-color)";
        c.style.color = odd ? "var(--md-default-fg-color)" : "var(--md-primary-bg-color)";
      });
      cache(kv / h, `${size(bytes)} (${g === 1 ? "same as" : `1/${g} of`} multi-head)`);
      if (quality) quality(acc, pct(acc));
      const sharing =
        g === 1
          ? "every query head has its own key/value head"
          : `each group of ${g} consecutive query heads shares one (heads 1 to ${g} read key/value head 1)`;
      live.textContent =
        `${d.name}, ${kv} key/value heads for ${h} query heads: ${sharing}. ` +
        `The cache of one ${grouped(d.tokens)}-token sequence is ${size(bytes)}` +
        (quality ? `; after mean-pooling, the model copies ${pct(acc)} right.` : ".");
    };
  });
})();
