/** Lesson widget kind "softmax-temperature" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, short, softmax } = AFP.widgets.util;

  // Lesson 4: softmax(scores / T) at the slider's temperature.
  AFP.widgets.define("softmax-temperature", (w) => {
    const d = w.data;
    const s = w.slider("Temperature T", d.t_min, d.t_max, d.t_start, d.t_step);
    const group = w.bars();
    const rows = d.labels.map((label, i) => w.bar(group, `${label} (score ${short(d.scores[i])})`));
    const live = w.status();
    w.draw = () => {
      const t = s.value();
      const scaled = d.scores.map((x) => x / t);
      const weights = softmax(scaled);
      w.state = { t: t, scaled: scaled, weights: weights };
      s.show(`T = ${fixed(t, 1)}`);
      weights.forEach((v, i) => {
        rows[i](v, fixed(v, 3));
      });
      live.textContent =
        "At T = " +
        fixed(t, 1) +
        " the weights are " +
        d.labels.map((label, i) => `${label} ${fixed(weights[i], 3)}`).join(", ") +
        ".";
    };
  });
})();
