/** Lesson widget kind "score-cell" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { dot, el, fixed, short, softmax } = AFP.widgets.util;

  // Lesson 7: the weight matrix; the focused or hovered cell shows how it was computed.
  AFP.widgets.define("score-cell", (w) => {
    const d = w.data;
    const n = d.tokens.length;
    const root = Math.sqrt(d.d_k);
    let at = d.start.slice();
    const scores = d.q.map((q) => d.k.map((k) => dot(q, k)));
    const weights = scores.map((row) => softmax(row.map((x) => x / root)));
    w.add(
      el(
        "p",
        { class: "lw-hint" },
        "Hover over a weight, or Tab to the table and move " +
          "with the arrow keys, to see how it was computed.",
      ),
    );
    const grid = w.heat(true);
    const detail = w.add(el("div", { class: "lw-detail" }));
    const live = w.status();
    const select = (i, j, focus) => {
      if (i === at[0] && j === at[1] && !focus) return;
      at = [i, j];
      w.update();
      if (focus) grid.cells()[i][j].focus();
    };
    grid.show(d.tokens, d.tokens, weights, "Weights: rows are queries, columns are keys");
    grid.cells().forEach((row, i) => {
      row.forEach((b, j) => {
        b.addEventListener("focus", () => {
          select(i, j);
        });
        b.addEventListener("mouseenter", () => {
          select(i, j);
        });
      });
    });
    grid.table.addEventListener("keydown", (e) => {
      const move = {
        ArrowUp: [-1, 0],
        ArrowDown: [1, 0],
        ArrowLeft: [0, -1],
        ArrowRight: [0, 1],
        Home: [0, -n],
        End: [0, n],
      }[e.key];
      if (!move) return;
      e.preventDefault();
      const clamp = (x) => Math.max(0, Math.min(n - 1, x));
      select(clamp(at[0] + move[0]), clamp(at[1] + move[1]), true);
    });
    const line = (label, text, bold) => {
      const p = el("p");
      p.append(el("span", { class: "lw-detail__label" }, label));
      text.forEach((t, c) => {
        if (c) p.append(" \u00b7 ");
        p.append(el(c === bold ? "strong" : "span", {}, t));
      });
      return p;
    };
    const vec = (v) => `(${v.map(short).join(", ")})`;
    w.draw = () => {
      const i = at[0];
      const j = at[1];
      const q = d.q[i];
      const k = d.k[j];
      const qt = `\u201c${d.tokens[i]}\u201d`;
      const kt = `\u201c${d.tokens[j]}\u201d`;
      const st = {
        query: i,
        key: j,
        q: q.slice(),
        k: k.slice(),
        dot: scores[i][j],
        scaled: scores[i][j] / root,
        row: weights[i].slice(),
        weight: weights[i][j],
      };
      w.state = st;
      grid.cells().forEach((row, a) => {
        row.forEach((b, c) => {
          b.tabIndex = a === i && c === j ? 0 : -1;
          b.classList.toggle("is-selected", a === i && c === j);
        });
      });
      detail.replaceChildren(
        line(`Query ${qt}: `, [`q = ${vec(q)}`]),
        line(`Key ${kt}: `, [`k = ${vec(k)}`]),
        line("Dot product: ", [
          "q \u00b7 k = " +
            q.map((x, c) => `${short(x)}\u00d7${short(k[c])}`).join(" + ") +
            " = " +
            fixed(st.dot, 2),
        ]),
        line("Scaled: ", [`${fixed(st.dot, 2)} / \u221a${d.d_k} = ${fixed(st.scaled, 2)}`]),
        line(
          `Softmax of row ${qt}: `,
          d.tokens.map((t, c) => `${t} ${fixed(st.row[c], 3)}`),
          j,
        ),
      );
      live.textContent =
        qt +
        " looking at " +
        kt +
        ": score " +
        fixed(st.dot, 2) +
        ", scaled " +
        fixed(st.scaled, 2) +
        ", weight " +
        fixed(st.weight, 3) +
        ".";
    };
  });
})();
