/** Lesson widget kind "rnn-length" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { fixed, grouped, sci } = AFP.widgets.util;

  // Lesson 1: path lengths and the first token's influence on the last state, by length.
  AFP.widgets.define("rnn-length", (w) => {
    const d = w.data;
    const last = d.lengths.length - 1;
    const s = w.slider("Sequence length n", d.lengths[0], d.lengths[last], d.start);
    const group = w.bars();
    const rnn = w.bar(group, "RNN: recurrent steps from h\u2081 to h\u2099");
    const att = w.bar(group, "Attention: steps from x\u2081 to y\u2099");
    const inf = w.bar(group, "Influence of x\u2081 on h\u2099 (log scale)");
    const live = w.status();
    const logs = d.influence.map(Math.log10);
    const top = Math.max.apply(null, logs);
    const bottom = Math.min.apply(null, logs);
    w.draw = () => {
      const i = d.lengths.indexOf(s.value());
      const st = {
        n: d.lengths[i],
        rnnSteps: d.rnn_steps[i],
        attentionSteps: d.attention_steps[i],
        influence: d.influence[i],
        ratio: d.influence[0] / d.influence[i],
      };
      w.state = st;
      s.show(`n = ${st.n}`);
      rnn(st.rnnSteps / d.rnn_steps[last], String(st.rnnSteps));
      att(st.attentionSteps / d.rnn_steps[last], String(st.attentionSteps));
      inf((logs[i] - bottom) / (top - bottom), sci(st.influence));
      live.textContent =
        "With " +
        st.n +
        " tokens the RNN carries x\u2081 through " +
        st.rnnSteps +
        (st.rnnSteps === 1 ? " step" : " steps") +
        ", attention through " +
        st.attentionSteps +
        ". The influence of x\u2081 on the last state is " +
        sci(st.influence) +
        ", " +
        (st.ratio < 10 ? fixed(st.ratio, 1) : grouped(Math.round(st.ratio))) +
        " times less than on h\u2081.";
    };
  });
})();
