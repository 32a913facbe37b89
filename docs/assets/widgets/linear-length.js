/** Lesson widget kind "linear-length" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, grouped, sci } = AFP.widgets.util;

  // Lesson 24: softmax against linear attention for one head as n grows: multiply-adds,
  // numbers kept, and the recall the lesson measured with n stored pairs.
  AFP.widgets.define("linear-length", (w) => {
    const d = w.data;
    const last = d.exponents.length - 1;
    const s = w.slider("Sequence length n", 0, last, d.exponents.indexOf(d.start_exponent));
    const cost = w.bars("Cost of one head (logarithmic scale)");
    const softMacs = w.bar(cost, "Softmax: multiply-adds");
    const linMacs = w.bar(cost, "Linear: multiply-adds");
    const cache = w.bar(cost, "Softmax: KV cache numbers");
    const kept = w.bar(cost, "Linear: state numbers");
    const recall = w.bars("Recall with n stored pairs");
    const softRecall = w.bar(recall, "Softmax: answered right");
    const linRecall = w.bar(recall, "Linear: answered right");
    const live = w.status();
    const dd = d.d;
    const nMax = 2 ** d.exponents[last];
    const top = Math.log(nMax * nMax * 2 * dd);
    const scale = (x) => Math.log(x) / top;
    const percent = (a) => (a === null ? "not measured" : `${fixed(100 * a, 0)}%`);
    w.draw = () => {
      const n = 2 ** d.exponents[s.value()];
      const i = d.pairs.indexOf(n);
      const st = {
        n: n,
        softmaxMacs: n * n * 2 * dd,
        linearMacs: 2 * n * dd * dd + 2 * n * dd,
        kvCache: n * 2 * dd,
        linearState: dd * dd + dd,
        recallSoftmax: i < 0 ? null : d.recall_softmax[i],
        recallLinear: i < 0 ? null : d.recall_linear[i],
      };
      st.ratio = st.softmaxMacs / st.linearMacs;
      w.state = st;
      s.show(`n = ${grouped(n)}`);
      softMacs(scale(st.softmaxMacs), sci(st.softmaxMacs));
      linMacs(scale(st.linearMacs), sci(st.linearMacs));
      cache(scale(st.kvCache), grouped(st.kvCache));
      kept(scale(st.linearState), grouped(st.linearState));
      softRecall(st.recallSoftmax || 0, percent(st.recallSoftmax));
      linRecall(st.recallLinear || 0, percent(st.recallLinear));
      live.textContent =
        `n = ${grouped(n)}: softmax attention does ${fixed(st.ratio, 1)} times the ` +
        `multiply-adds of linear attention and keeps ${grouped(st.kvCache)} numbers ` +
        `against ${grouped(st.linearState)}. ` +
        (i < 0
          ? `Recall was measured up to ${d.pairs[d.pairs.length - 1]} pairs.`
          : `Recall with ${n} pairs: softmax ${percent(st.recallSoftmax)}, ` +
            `linear ${percent(st.recallLinear)}.`);
    };
  });
})();
