/** Lesson widget kind "cost-length" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { grouped, mb } = AFP.widgets.util;

  // Lesson 25: n² weights and their bytes, and the longest path, for a length n.
  AFP.widgets.define("cost-length", (w) => {
    const d = w.data;
    const last = d.exponents.length - 1;
    const s = w.slider("Sequence length n", 0, last, d.exponents.indexOf(d.start_exponent));
    const group = w.bars("All bars on one logarithmic scale");
    const entries = w.bar(group, "Weights n\u00b2");
    const b64 = w.bar(group, "Bytes, 64-bit floats");
    const b16 = w.bar(group, "Bytes, 16-bit floats");
    const rnn = w.bar(group, "Longest path, RNN");
    const att = w.bar(group, "Longest path, attention");
    const live = w.status();
    const most = Math.log(4 ** d.exponents[last] * d.bytes_per_weight);
    const scale = (x) => Math.log(x) / most;
    w.draw = () => {
      const n = 2 ** d.exponents[s.value()];
      const nn = n * n;
      const st = {
        n: n,
        entries: nn,
        bytes64: nn * d.bytes_per_weight,
        bytes16: nn * d.bytes_half,
        rnnPath: n - 1,
        attentionPath: 1,
      };
      w.state = st;
      s.show(`n = ${grouped(n)}`);
      entries(scale(nn), grouped(nn));
      b64(scale(st.bytes64), `${grouped(st.bytes64)} (${mb(st.bytes64)})`);
      b16(scale(st.bytes16), `${grouped(st.bytes16)} (${mb(st.bytes16)})`);
      rnn(scale(n - 1), `${grouped(n - 1)} hops`);
      att(scale(1), "1 hop");
      live.textContent =
        "n = " +
        grouped(n) +
        ": " +
        grouped(nn) +
        " weights, " +
        mb(st.bytes64) +
        " in 64-bit floats for one head of one layer; the longest " +
        "path is " +
        grouped(n - 1) +
        " hops for an RNN and 1 for attention.";
    };
  });
})();
