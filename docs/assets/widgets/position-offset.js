/** Lesson widget kind "position-offset" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, sci } = AFP.widgets.util;

  // Lesson 13: PE[p]·PE[p+k] from two starting positions, and the formula Σ cos(k ω_i).
  AFP.widgets.define("position-offset", (w) => {
    const d = w.data;
    const full = d.d_model / 2;
    const s = w.slider("Offset k", d.offsets[0], d.offsets[d.offsets.length - 1], d.start);
    const group = w.bars();
    const rows = d.starts.map((p) => w.bar(group, `PE[${p}] \u00b7 PE[${p} + k]`));
    const formula = w.bar(group, "\u03a3 cos(k \u03c9\u1d62)");
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
  });
})();
