/** Lesson widget kind "block-toggles" (see widgets.js: AFP.widgets.define). */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP?.widgets) return;
  const { el, fixed, norm } = AFP.widgets.util;

  // Lesson 17: toggle the sublayers of one Transformer block (kind "block-toggles").
  // The lesson computed, for each of the 8 on/off combinations (index: attention 4 +
  // MLP 2 + LayerNorm 1), what attention and the MLP add to every token and how far each
  // token's output moves when one token is nudged. Here: the residual sum
  // output = input + attention + MLP, component by component, and the vectors' lengths.
  AFP.widgets.define("block-toggles", (w) => {
    const d = w.data;
    const tokens = d.tokens.map((t, i) => `${t} (${i + 1})`);
    const parts = [
      ["Attention", 4],
      ["MLP", 2],
      ["LayerNorm", 1],
    ];
    let on = 7;
    w.add(
      el("p", { class: "lw-hint" }, "Parts of the block (each button switches one on or off):"),
    );
    const row = w.add(el("div", { class: "lw-choice", role: "group", "aria-label": "Parts" }));
    const switches = parts.map(([name, bit]) => {
      const b = row.appendChild(el("button", { type: "button", class: "lw-toggle" }, name));
      b.addEventListener("click", () => {
        on ^= bit;
        w.update();
      });
      return b;
    });
    w.add(el("p", { class: "lw-hint" }, "Token whose residual stream is shown:"));
    const pick = w.toggles("Token", tokens, d.start);
    const sizes = w.bars("Lengths of its vectors");
    const setSize = ["input x", "attention adds", "MLP adds", "output"].map((label) =>
      w.bar(sizes, label),
    );
    const moves = w.bars("How far its output moves when a token is nudged");
    const setMove = tokens.map((t) => w.bar(moves, `nudge ${t}`));
    const live = w.status();
    // One scale for every combination, so bars compare across clicks.
    let widest = 0;
    let farthest = 0;
    d.combos.forEach((c) => {
      d.x.forEach((x, i) => {
        const out = x.map((v, k) => v + c.attn[i][k] + c.mlp_added[i][k]);
        widest = Math.max(widest, norm(x), norm(c.attn[i]), norm(c.mlp_added[i]), norm(out));
        farthest = Math.max(farthest, ...c.nudge[i]);
      });
    });
    w.draw = () => {
      switches.forEach((b, k) => {
        b.setAttribute("aria-pressed", String((on & parts[k][1]) !== 0));
      });
      const i = pick();
      const c = d.combos[on];
      const x = d.x[i];
      const attn = c.attn[i];
      const mlp = c.mlp_added[i];
      const output = x.map((v, k) => v + attn[k] + mlp[k]);
      const st = {
        combo: on,
        attention: c.attention,
        mlp: c.mlp,
        norm: c.norm,
        token: i,
        output: output,
        lengths: [norm(x), norm(attn), norm(mlp), norm(output)],
        nudge: c.nudge[i].slice(),
      };
      w.state = st;
      st.lengths.forEach((v, k) => {
        setSize[k](v / widest, fixed(v, 2));
      });
      st.nudge.forEach((v, j) => {
        setMove[j](v / farthest, fixed(v, 3));
      });
      const heard = tokens.filter((_, j) => st.nudge[j] > 0);
      const name = `\u201c${tokens[i]}\u201d`;
      live.textContent =
        `Attention ${c.attention ? "on" : "off"}, MLP ${c.mlp ? "on" : "off"}, ` +
        `LayerNorm ${c.norm ? "on" : "off"}. The output of ${name} has length ` +
        `${fixed(st.lengths[3], 2)} and is its input plus what each sublayer added. ` +
        (heard.length === 1
          ? `Only ${name} itself can move it.`
          : `It moves when any of these is nudged: ${heard.join(", ")}.`);
    };
  });
})();
