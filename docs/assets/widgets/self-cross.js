/** Lesson widget kind "self-cross" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;

  // Lesson 11: the same attention fed from one sentence or from two.
  AFP.widgets.define("self-cross", (w) => {
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
  });
})();
