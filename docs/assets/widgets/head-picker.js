/** Lesson widget kind "head-picker" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed } = AFP.widgets.util;

  // Lesson 14: the weight matrix of each head of the lesson's example.
  AFP.widgets.define("head-picker", (w) => {
    const d = w.data;
    const pick = w.toggles(
      "Head",
      d.heads.map((h) => h.label),
      d.start,
    );
    const table = w.heat();
    const live = w.status();
    w.draw = () => {
      const i = pick();
      const h = d.heads[i];
      w.state = {
        head: i,
        label: h.label,
        weights: h.weights,
        previous: h.previous,
        sameType: h.same_type,
      };
      table.show(d.words, d.words, h.weights, `${h.label}: queries (rows), keys (columns)`);
      live.textContent =
        h.label +
        ": on average a query puts " +
        fixed(h.previous, 2) +
        " of its weight on the previous word and " +
        fixed(h.same_type, 2) +
        " on words of its own type.";
    };
  });
})();
