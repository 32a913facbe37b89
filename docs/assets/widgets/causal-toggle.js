/** Lesson widget kind "causal-toggle" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, softmax } = AFP.widgets.util;

  // Lesson 12: the same scores with and without the causal mask, softmax recomputed.
  AFP.widgets.define("causal-toggle", (w) => {
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
  });
})();
