/** Lesson widget kind "train-step" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, softmax } = AFP.widgets.util;

  // Lesson 19: training step slider. The lesson saved the scaled scores of one test
  // sequence at every snapshot step, with the training loss and test accuracy there; the
  // weights are the causal softmax of the saved scores, recomputed here.
  AFP.widgets.define("train-step", (w) => {
    const d = w.data;
    const n = d.tokens.length;
    const last = d.steps.length - 1;
    const s = w.slider("Training step", 0, last, d.start);
    const group = w.bars();
    const loss = w.bar(group, "Training loss");
    const acc = w.bar(group, "Test accuracy");
    const prev = w.bar(group, "Weight on the previous position");
    const table = w.heat();
    const live = w.status();
    const allowed = (i) => d.tokens.map((_, j) => j <= i);
    w.draw = () => {
      const k = s.value();
      const weights = d.scores[k].map((row, i) => softmax(row, allowed(i)));
      let previous = 0;
      for (let i = 1; i < n; i++) previous += weights[i][i - 1] / (n - 1);
      const st = {
        index: k,
        step: d.steps[k],
        weights: weights,
        loss: d.loss[k],
        accuracy: d.accuracy[k],
        previous: previous,
      };
      w.state = st;
      s.show(`step ${st.step} of ${d.steps[last]}`);
      loss(st.loss / d.ln_vocab, fixed(st.loss, 3));
      acc(st.accuracy, `${fixed(100 * st.accuracy, 1)}%`);
      prev(previous, fixed(previous, 2));
      table.show(
        d.tokens,
        d.tokens,
        weights,
        `Weights at step ${st.step}: rows are queries, columns are keys; a dashed 0 is masked`,
        (i, j) => j > i,
      );
      live.textContent =
        "Step " +
        st.step +
        ": training loss " +
        fixed(st.loss, 3) +
        ", test accuracy " +
        fixed(100 * st.accuracy, 1) +
        "%; on this sequence a query puts on average " +
        fixed(previous, 2) +
        " of its weight on the previous position.";
    };
  });
})();
