# %% [markdown]
# # Lesson 1: the RNN bottleneck
#
# A toy tanh RNN with fixed random weights (`lesson_code.rnn`). We measure how much the
# first token still influences later hidden states, how much of it can be read back
# from the last state, and compare path lengths with attention.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch

from lesson_code import report
from lesson_code.rnn import (
    decay_per_step,
    first_token_influence,
    influence_curve,
    jacobians_first_token,
    linear_influence,
    linear_readout_r2,
    make_rnn,
    path_length,
    perturbation_effect,
    run_rnn,
    spectral_radius,
)

report.style()
SEED = 0


def sci(x: float) -> str:
    """A number as "3.7 × 10<sup>-6</sup>" for the prose (HTML superscript)."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>".replace("-", "−")

# %% [markdown]
# ## A toy RNN
# 16 hidden numbers, tokens of 8 numbers, weights drawn once and never trained.

# %%
with report.output("setup"):
    # --8<-- [start:setup]
    rnn = make_rnn(d_h=16, d_x=8, radius=0.9, seed=SEED)
    rng = np.random.default_rng(SEED)
    xs = rng.normal(size=(12, 8))  # a sentence of 12 tokens, 8 numbers each
    hs = run_rnn(rnn, xs)
    print("tokens xs      :", xs.shape)
    print("states hs      :", hs.shape)
    print("final state h_n:", hs[-1].shape, "<- all the decoder gets")
    # --8<-- [end:setup]
assert xs.shape == (12, 8) and hs.shape == (12, 16), f"shapes {xs.shape}, {hs.shape}"
assert np.isclose(spectral_radius(rnn.w_hh), 0.9), "W_hh must have spectral radius 0.9"
report.value("d_h", rnn.d_h, "d")
report.value("d_x", rnn.d_x, "d")
report.value("n_tokens", xs.shape[0], "d")

# %% [markdown]
# ## Influence of x_1 on every later state, for one sentence
# The spectral norm of the Jacobian d h_t / d x_1: the most a small change in the first
# token can be stretched on its way to h_t.

# %%
with report.output("one_sentence"):
    # --8<-- [start:one_sentence]
    influence = first_token_influence(rnn, xs)  # (12,): one number per state h_t
    for t in [1, 2, 4, 8, 12]:
        print(f"|d h_{t:<2} / d x_1| = {influence[t - 1]:.2e}")
    # --8<-- [end:one_sentence]
assert np.all(np.diff(influence[1:]) < 0), "influence should shrink at every step here"
report.value("infl_t1", influence[0], ".2f")
report.value("infl_t12", sci(influence[-1]))
report.value("infl_ratio_12", influence[0] / influence[-1], ",.0f")

# %% [markdown]
# ## Check the chain rule against a real nudge
# Nudge x_1 a tiny amount and see how far h_12 moves; the Jacobian predicts it.

# %%
with report.output("nudge"):
    # --8<-- [start:nudge]
    delta = 1e-6 * rng.normal(size=8)  # a tiny change to the first token
    moved = perturbation_effect(rnn, xs, delta)  # |h_12(x_1 + delta) - h_12(x_1)|
    predicted = np.linalg.norm(jacobians_first_token(rnn, xs)[-1] @ delta)
    print(f"h_12 moved by   {moved:.4e}")
    print(f"Jacobian says   {predicted:.4e}")
    # --8<-- [end:nudge]
assert np.isclose(moved, predicted, rtol=1e-3), f"nudge {moved} vs Jacobian {predicted}"

# %% [markdown]
# ## Influence vs distance, over many random sentences and several weight scales

# %%
N_STEPS = 40
radii = [0.5, 0.9, 1.5, 3.0]
curves = {r: influence_curve(make_rnn(radius=r, seed=SEED), N_STEPS, n_samples=200) for r in radii}
steps = np.arange(1, N_STEPS + 1)

with report.output("radii"):
    print("radius  t=1      t=10     t=20     t=40     factor per step")
    for r in radii:
        med = curves[r][0]
        print(f"{r:>6}  {med[0]:.1e}  {med[9]:.1e}  {med[19]:.1e}  {med[39]:.1e}  "
              f"{decay_per_step(med):.2f}")

for r in [0.5, 0.9, 1.5]:
    assert curves[r][0][-1] < 1e-3 * curves[r][0][0], f"radius {r}: influence should vanish"
assert curves[3.0][0][-1] > curves[3.0][0][0], "radius 3: influence should grow (explode)"
med09 = curves[0.9][0]
report.value("decay_09", decay_per_step(med09), ".2f")
report.value("med09_t10", sci(med09[9]))
report.value("med09_t20", sci(med09[19]))
report.value("decay_15", decay_per_step(curves[1.5][0]), ".2f")
report.value("med3_t40", curves[3.0][0][-1], ".0f")
report.value("n_samples", 200, "d")
report.value("n_steps", N_STEPS, "d")
report.value("med05_t40", sci(curves[0.5][0][-1]))

# %% [markdown]
# ## The pencil-and-paper version
# A scalar linear RNN h_t = w h_{t-1} + x_t: d h_n / d x_1 = w^(n-1).

# %%
with report.output("scalar"):
    # --8<-- [start:scalar]
    for w in [0.5, 0.9, 1.1]:
        print(f"w = {w}: d h_20 / d x_1 = {w}^19 = {linear_influence(w, 20):.4g}")
    # --8<-- [end:scalar]
assert np.isclose(linear_influence(0.9, 20), 0.9**19), "linear influence must be w^(n-1)"
report.value("lin09_20", linear_influence(0.9, 20), ".3f")
report.value("lin05_20", sci(linear_influence(0.5, 20)))
report.value("lin11_20", linear_influence(1.1, 20), ".2f")
report.value("lin05_11", sci(linear_influence(0.5, 11)))

fig, ax = plt.subplots(figsize=(7, 4))
for r in radii:
    med, lo, hi = curves[r]
    line, = ax.semilogy(steps, med, label=f"spectral radius {r:g}")
    ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.18, linewidth=0)
ax.set_xlabel("t: position of the hidden state $h_t$ (the first token is $t-1$ steps back)")
ax.set_ylabel(r"influence $\|\partial h_t / \partial x_1\|$")
ax.set_ylim(1e-16, 1e3)
ax.set_xlim(1, N_STEPS)
ax.grid(True, which="major", axis="y")
ax.set_title("How much the first token still moves the state")
ax.legend(loc="lower left", fontsize=9, ncols=2)
report.figure(
    fig,
    "influence",
    alt=(
        "Line chart on a logarithmic scale: the influence of the first token on the hidden "
        "state h_t for t from 1 to 40, for recurrent weights of spectral radius 0.5, 0.9, "
        "1.5 and 3. The first three lines fall in straight lines, many orders of magnitude "
        "by t = 40; the radius-3 line grows instead. No line stays level."
    ),
    caption=(
        "Median over 200 random sentences (shaded: 10th to 90th percentile). "
        "The influence of x₁ vanishes exponentially, or explodes when the weights are large."
    ),
)

# %% [markdown]
# ## The bottleneck: can the last state still tell us what the first token was?
# Fit a linear read-out from h_n back to x_1 on 3000 random sentences, test it on 1000 more.

# %%
with report.output("readout"):
    # --8<-- [start:readout]
    print(" n  numbers in  numbers in h_n  R² of x_1 read back")
    r2_by_n = {}
    for n in [1, 2, 3, 4, 6, 8]:
        r2_by_n[n] = linear_readout_r2(rnn, n)
        print(f"{n:>2}  {n * rnn.d_x:>10}  {rnn.d_h:>14}  {r2_by_n[n]:>19.2f}")
    # --8<-- [end:readout]
assert r2_by_n[1] > 0.9, f"one token should be almost fully readable, R²={r2_by_n[1]}"
assert r2_by_n[8] < 0.05, f"after 8 tokens x_1 should be unreadable, R²={r2_by_n[8]}"
report.value("r2_n1", r2_by_n[1], ".2f")
report.value("r2_n2", r2_by_n[2], ".2f")
report.value("r2_n3", r2_by_n[3], ".2f")
report.value("r2_n8", f"{r2_by_n[8]:.2f}".replace("-", "−"))

# %% [markdown]
# ## Path length: n steps for an RNN, one for attention

# %%
with report.output("paths"):
    # --8<-- [start:paths]
    print("  n   RNN: x_1 -> h_n   attention: x_1 -> y_n")
    for n in [5, 50, 500]:
        rnn_steps, attn_steps = path_length("rnn", n), path_length("attention", n)
        print(f"{n:>3}   {rnn_steps:>15}   {attn_steps:>21}")
    # --8<-- [end:paths]
assert path_length("rnn", 500) == 500 and path_length("attention", 500) == 1

# %%
# The path-length diagram: the same six tokens, read by an RNN and by one attention layer.
N_DRAW = 6
grey, hot = report.FG_LIGHT, report.PALETTE[1]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 4.2))


def node(ax, x, y, text, colour):
    ax.text(x, y, text, ha="center", va="center", fontsize=13,
            bbox={"boxstyle": "round,pad=0.3", "fc": "none", "ec": colour, "lw": 1.6})


def arrow(ax, start, end, colour, width):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=13, color=colour,
                                 lw=width, shrinkA=13, shrinkB=13))


for ax in (top, bottom):
    ax.set_xlim(0.5, N_DRAW + 0.5)
    ax.set_ylim(-0.3, 1.3)
    ax.axis("off")

for t in range(1, N_DRAW + 1):
    first = t == 1
    node(top, t, 0, f"$x_{t}$", hot if first else grey)
    node(top, t, 1, f"$h_{t}$", hot)
    arrow(top, (t, 0), (t, 1), hot if first else grey, 2.4 if first else 1.0)
    if t > 1:
        arrow(top, (t - 1, 1), (t, 1), hot, 2.4)
top.set_title(f"RNN: x₁ reaches h₆ in {path_length('rnn', N_DRAW)} steps, "
              "squeezed at every one", fontsize=12)

for t in range(1, N_DRAW + 1):
    first = t == 1
    node(bottom, t, 0, f"$x_{t}$", hot if first else grey)
    arrow(bottom, (t, 0), (N_DRAW, 1), hot if first else grey, 2.4 if first else 1.0)
node(bottom, N_DRAW, 1, f"$y_{N_DRAW}$", hot)
bottom.set_title(f"Attention: x₁ reaches y₆ in {path_length('attention', N_DRAW)} step, "
                 "like every other token", fontsize=12)
fig.tight_layout(h_pad=1.5)
report.figure(
    fig,
    "paths",
    alt=(
        "Two diagrams of six tokens. Top, an RNN: the first token x1 feeds h1, and the "
        "highlighted path runs h1 to h2 to h3 up to h6, six steps. Bottom, one attention "
        "layer: every token has its own arrow straight into the output y6, and the "
        "highlighted arrow from x1 is a single step."
    ),
    caption="Path length from the first token to the last output: n for an RNN, 1 for attention.",
)

# %%
# The page's widget: a slider over the sequence length n shows the path lengths and the
# median influence of x_1 on the last state h_n (radius 0.9, the curve measured above).
lengths = list(range(1, N_STEPS + 1))
report.widget(
    "length",
    "rnn-length",
    {
        "lengths": lengths,
        "influence": med09,  # (N_STEPS,) median |d h_n / d x_1| over the random sentences
        "rnn_steps": [path_length("rnn", n) for n in lengths],
        "attention_steps": [path_length("attention", n) for n in lengths],
        "start": 12,
    },
    label="Try it: how long is the sentence?",
    caption=(
        "Median over 200 random sentences, spectral radius 0.9. The RNN's path from the "
        "first token grows with the length and its influence fades; attention's stays one step."
    ),
)
