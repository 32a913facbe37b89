/** Lesson widget kind "flash-blocks" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { el, fixed } = AFP.widgets.util;

  // Lesson 23: one query's scores read in blocks (the online softmax). The slider sets the
  // keys per block; Previous and Next step through the blocks. After each block: the
  // running maximum m, the factor exp(m_old - m_new), the running sum l, the partial
  // output acc / l, and the weights of the keys read so far. The lesson saved the scores,
  // one number per key as its value, and numpy's plain softmax output to compare with.
  function fold(s, v, size, upto) {
    let m = -Infinity;
    let l = 0;
    let acc = 0;
    let st = null;
    for (let k = 0, start = 0; k <= upto; k++, start += size) {
      const stop = Math.min(start + size, s.length);
      const mNew = Math.max(m, ...s.slice(start, stop));
      const factor = Math.exp(m - mNew); // exp(-Infinity) = 0 for the first block
      l *= factor;
      acc *= factor;
      for (let j = start; j < stop; j++) {
        const p = Math.exp(s[j] - mNew);
        l += p;
        acc += p * v[j];
      }
      const weights = s.map((x, j) => (j < stop ? Math.exp(x - mNew) / l : 0));
      st = { start: start, stop: stop, mOld: m, mNew: mNew, factor: factor, total: l, acc: acc };
      st.output = acc / l;
      st.weights = weights;
      m = mNew;
    }
    return st;
  }

  AFP.widgets.define("flash-blocks", (w) => {
    const d = w.data;
    const n = d.scores.length;
    const size = w.slider("Keys per block", 1, n, d.start);
    let block = 0;
    let lastSize = d.start;
    const nav = w.add(el("div", { class: "lw-choice", role: "group", "aria-label": "Blocks" }));
    const move = (delta) => {
      const blocks = Math.ceil(n / size.value());
      block = Math.max(0, Math.min(blocks - 1, block + delta));
      w.update();
    };
    [
      ["Previous block", -1],
      ["Next block", 1],
    ].forEach(([name, delta]) => {
      const b = nav.appendChild(el("button", { type: "button", class: "lw-toggle" }, name));
      b.addEventListener("click", () => {
        move(delta);
      });
    });
    const group = w.bars();
    const setMax = w.bar(group, "Running max m");
    const setFactor = w.bar(group, "Factor exp(m_old \u2212 m_new)");
    const setSum = w.bar(group, "Running sum l");
    const setOut = w.bar(group, "Output so far");
    const setPlain = w.bar(group, "Plain softmax output");
    const table = w.heat();
    const live = w.status();
    const top = Math.max(...d.scores);
    const low = Math.min(...d.values);
    const span = Math.max(...d.values) - low;
    const place = (x) => (x - low) / span;
    w.draw = () => {
      const b = size.value();
      if (b !== lastSize) block = 0; // a new block size starts again from the first block
      lastSize = b;
      const blocks = Math.ceil(n / b);
      const st = fold(d.scores, d.values, b, block);
      st.blockSize = b;
      st.block = block;
      st.blocks = blocks;
      st.plain = d.plain;
      w.state = st;
      size.show(`${b} key${b > 1 ? "s" : ""}, ${blocks} block${blocks > 1 ? "s" : ""}`);
      const mText = fixed(st.mNew, 1);
      setMax(st.mNew / top, mText);
      setFactor(st.factor, fixed(st.factor, 4));
      setSum(st.total / n, fixed(st.total, 4));
      setOut(place(st.output), fixed(st.output, 4));
      setPlain(place(d.plain), fixed(d.plain, 4));
      const labels = d.scores.map((s, j) => {
        const mark = j >= st.start && j < st.stop ? "\u25b8" : "";
        return `${mark}k${j} (${fixed(s, 1)})`;
      });
      table.show(
        ["weight"],
        labels,
        [st.weights],
        `Weights of the keys read so far (\u25b8 marks block ${block + 1}); unread keys show 0`,
        (_, j) => j >= st.stop,
      );
      const keys =
        st.stop - st.start > 1 ? `keys ${st.start}\u2013${st.stop - 1}` : `key ${st.start}`;
      let what;
      if (block === 0) what = `the maximum starts at ${mText}`;
      else if (st.mNew > st.mOld) {
        what = `the maximum rises from ${fixed(st.mOld, 1)} to ${mText}, so the sum so far is multiplied by ${fixed(st.factor, 4)}`;
      } else what = `the maximum stays ${mText}, so nothing is rescaled`;
      const end =
        block === blocks - 1
          ? `. Last block: the output equals plain softmax attention, ${fixed(d.plain, 4)}.`
          : ".";
      live.textContent = `Block ${block + 1} of ${blocks} (${keys}): ${what}; running sum ${fixed(st.total, 4)}, output so far ${fixed(st.output, 4)}${end}`;
    };
  });
})();
