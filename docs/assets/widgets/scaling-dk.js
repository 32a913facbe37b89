/** Lesson widget kind "scaling-dk" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed } = AFP.widgets.util;

  // Lesson 9: spread of q·k and the largest softmax weight, by key size, as measured.
  AFP.widgets.define("scaling-dk", (w) => {
    const d = w.data;
    const s = w.slider("Key size d\u2096", 0, d.dims.length - 1, d.start_index);
    const spread = w.bars("Spread of q\u00b7k (standard deviation)");
    const sdNone = w.bar(spread, "no scaling");
    const sdSqrt = w.bar(spread, "divided by \u221ad\u2096");
    const top = w.bars(
      "Mean largest weight over " +
        d.n_keys +
        " keys (uniform " +
        fixed(1 / d.n_keys, 4) +
        ", one-hot 1)",
    );
    const topNone = w.bar(top, "no scaling");
    const topSqrt = w.bar(top, "divided by \u221ad\u2096");
    const widest = Math.max.apply(null, d.std_none);
    const live = w.status();
    w.draw = () => {
      const i = s.value();
      const st = {
        d: d.dims[i],
        stdNone: d.std_none[i],
        stdSqrt: d.std_sqrt[i],
        topNone: d.top_none[i],
        topSqrt: d.top_sqrt[i],
      };
      w.state = st;
      s.show(`d\u2096 = ${st.d}`);
      sdNone(st.stdNone / widest, fixed(st.stdNone, 2));
      sdSqrt(st.stdSqrt / widest, fixed(st.stdSqrt, 2));
      topNone(st.topNone, fixed(st.topNone, 3));
      topSqrt(st.topSqrt, fixed(st.topSqrt, 3));
      live.textContent =
        "d\u2096 = " +
        st.d +
        ": q\u00b7k spreads " +
        fixed(st.stdNone, 2) +
        " unscaled and " +
        fixed(st.stdSqrt, 2) +
        " scaled; the largest weight averages " +
        fixed(st.topNone, 3) +
        " unscaled and " +
        fixed(st.topSqrt, 3) +
        " scaled.";
    };
  });
})();
