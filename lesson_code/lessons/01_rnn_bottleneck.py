# %% [markdown]
# # Lesson 1: the RNN bottleneck
#
# A toy tanh RNN with fixed random weights (`lesson_code.topics.rnn`). We measure how much the
# first token still influences later hidden states, how much of it can be read back
# from the last state, and compare path lengths with attention.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch

from lesson_code import report
from lesson_code.topics.rnn import (
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
    """A number as "3.7 × 10⁻⁶" for the prose."""
    return report.scientific(x, digits=1)


# %% [markdown]
# ## The opening sentence
# How far back is "keys" when the reader reaches "are"? Count positions, the way the
# course counts path lengths: from word i to word j is |i - j| steps.

# %%
SENTENCE = "The keys that my neighbour left on the kitchen table last night are missing."
words = SENTENCE.rstrip(".").split()
keys_back = words.index("are") - words.index("keys")
assert words[words.index("keys") + keys_back] == "are", "the count must land on 'are'"
report.value("keys_back", keys_back, "d")

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
        print(f"influence of x_1 on h_{t:<2}: {influence[t - 1]:.2e}")
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

# One step of W_hh can stretch (spectral norm > 1) although the long-run product shrinks
# (spectral radius 0.9); the tanh slopes, all at most 1, shrink it further.
norm_w = np.linalg.norm(rnn.w_hh, ord=2)
norm_w40 = np.linalg.norm(np.linalg.matrix_power(rnn.w_hh, 40), ord=2)
mean_slope = np.mean(1.0 - hs**2)  # average tanh slope over the 12 states of the sentence
assert norm_w > 1 > norm_w40, f"one step stretches ({norm_w:.2f}), forty shrink ({norm_w40:.3f})"
assert 0 < mean_slope < 1, f"tanh slopes lie in (0, 1], mean {mean_slope:.2f}"
report.value("norm_w", norm_w, ".2f")
report.value("norm_w40", norm_w40, ".3f")
report.value("mean_slope", mean_slope, ".2f")

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
        print(
            f"{r:>6}  {med[0]:.1e}  {med[9]:.1e}  {med[19]:.1e}  {med[39]:.1e}  "
            f"{decay_per_step(med):.2f}"
        )

for r in [0.5, 0.9, 1.5]:
    med = curves[r][0]
    assert med[-1] < 1e-3 * med[0], f"radius {r}: influence should vanish"
    # a straight line on the log plot: the same factor per step in both halves
    first, second = decay_per_step(med[:20]), decay_per_step(med[19:])
    assert abs(first / second - 1) < 0.1, f"radius {r}: not a straight line ({first}, {second})"
assert curves[3.0][0][-1] > curves[3.0][0][0], "radius 3: influence should grow"


def mean_tanh_slope(radius):
    """Average slope 1 - h^2 of tanh over the random sentences of influence_curve."""
    xs_many = np.random.default_rng(1).normal(size=(200, N_STEPS, 8))
    return float(np.mean(1.0 - run_rnn(make_rnn(radius=radius, seed=SEED), xs_many) ** 2))


slope_09, slope_15 = mean_tanh_slope(0.9), mean_tanh_slope(1.5)
w15 = make_rnn(radius=1.5, seed=SEED).w_hh
# at radius 1.5, W_hh alone would blow up; the influence still decays, so the tanh does it
assert np.linalg.norm(np.linalg.matrix_power(w15, N_STEPS), ord=2) > 1
assert slope_15 < slope_09, f"bigger weights, flatter tanh: {slope_15:.2f} vs {slope_09:.2f}"
report.value("slope_09", slope_09, ".2f")
report.value("slope_15", slope_15, ".2f")
report.value("med3_t1", curves[3.0][0][0], ".1f")
report.value("growth_3", curves[3.0][0][-1] / curves[3.0][0][0], ".0f")
med09 = curves[0.9][0]
report.value("decay_09", decay_per_step(med09), ".2f")
report.value("med09_t10", sci(med09[9]))
report.value("med09_t20", sci(med09[19]))
report.value("decay_15", decay_per_step(curves[1.5][0]), ".2f")
report.value("med3_t40", curves[3.0][0][-1], ".0f")
report.value("n_samples", 200, "d")
report.value("n_steps", N_STEPS, "d")
report.value("med05_t40", sci(curves[0.5][0][-1]))
report.value("r_main", spectral_radius(rnn.w_hh), ".1f")  # the network of the lesson: 0.9
report.value("r_big", radii[2], "g")
report.value("r_huge", radii[3], "g")

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
    (line,) = ax.semilogy(steps, med, label=f"spectral radius {r:g}")
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
        "The influence of x₁ fades exponentially, or grows when the weights are large."
    ),
)

# %% [markdown]
# ## What the last state still knows: the first token and the newest one
# Fit a linear read-out from h_n back to one token on 3000 random sentences, test it on
# 1000 more. `lesson_code.topics.rnn.linear_readout_r2` does this for x_1; the helper below
# does it for any position, so we can compare the oldest token with the newest.


# %%
def readout_r2(rnn, n, position, n_train=3000, n_test=1000, seed=2):
    """R² of a linear read-out of the token at ``position`` (0-based) from h_n.

    The same sentences and the same least-squares fit as ``linear_readout_r2``.
    """
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n_train + n_test, n, rnn.d_x))  # (b, n, d_x)
    h_last = run_rnn(rnn, xs)[:, -1, :]  # (b, d_h)
    features = np.hstack([h_last, np.ones((len(xs), 1))])  # (b, d_h + 1)
    target = xs[:, position, :]  # (b, d_x)
    coef, *_ = np.linalg.lstsq(features[:n_train], target[:n_train], rcond=None)
    truth = target[n_train:]
    residual = np.sum((truth - features[n_train:] @ coef) ** 2)
    return float(1.0 - residual / np.sum((truth - truth.mean(axis=0)) ** 2))


# %%
with report.output("readout"):
    # --8<-- [start:readout]
    print(" n  numbers in  numbers in h_n  R² of x_1 (oldest)  R² of x_n (newest)")
    r2_by_n, r2_newest = {}, {}
    for n in [1, 2, 3, 4, 6, 8]:
        r2_by_n[n] = readout_r2(rnn, n, position=0)
        r2_newest[n] = readout_r2(rnn, n, position=n - 1)
        print(
            f"{n:>2}  {n * rnn.d_x:>10}  {rnn.d_h:>14}  {r2_by_n[n]:>18.2f}  {r2_newest[n]:>18.2f}"
        )
    # --8<-- [end:readout]
assert np.isclose(r2_by_n[3], linear_readout_r2(rnn, 3)), (
    "the helper must match lesson_code.topics.rnn"
)
assert r2_by_n[1] > 0.9, f"one token should be almost fully readable, R²={r2_by_n[1]}"
assert r2_by_n[8] < 0.05, f"after 8 tokens x_1 should be unreadable, R²={r2_by_n[8]}"
# At n = 2 the sentence holds no more numbers than the state, yet x_1 is already half gone:
assert 2 * rnn.d_x <= rnn.d_h and r2_by_n[2] < 0.6, f"n=2: R²={r2_by_n[2]:.2f}"
# ...while the newest token reads back about equally well at every length: the state is
# not full, the old token has faded.
newest = np.array([r2_newest[n] for n in r2_newest if n > 1])
assert newest.min() > 0.8 and np.ptp(newest) < 0.05, f"newest token R²: {newest}"
# How much of a token survives depends on its age, not on the sentence length:
age_2 = [readout_r2(rnn, n, position=n - 3) for n in (3, 8)]  # two steps before the last
assert abs(age_2[0] - age_2[1]) < 0.05, f"same age, same R²: {age_2}"
report.value("r2_n1", r2_by_n[1], ".2f")
report.value("r2_n2", r2_by_n[2], ".2f")
report.value("r2_n3", r2_by_n[3], ".2f")
report.value("r2_n8", f"{r2_by_n[8]:.2f}".replace("-", "−"))
report.value("r2_new_min", newest.min(), ".2f")
report.value("r2_new_max", newest.max(), ".2f")
report.value("n2_numbers", 2 * rnn.d_x, "d")

# %% [markdown]
# ## Path length: n - 1 steps for an RNN, one for attention
# The course counts the path between positions i and j: |i - j| recurrent steps
# (h_i -> h_{i+1} -> ... -> h_j) in an RNN, one step in attention.


# %%
# --8<-- [start:steps]
def steps_between(kind: str, i: int, j: int) -> int:
    """Steps from position i to position j: |i - j| in an RNN, 1 in attention."""
    if kind == "rnn":
        return abs(i - j)  # one multiplication by W_hh per step
    if kind == "attention":
        return 1  # every position looks at every other directly
    raise ValueError(f"kind must be 'rnn' or 'attention', got {kind!r}")


# --8<-- [end:steps]


# %%
with report.output("paths"):
    # --8<-- [start:paths]
    print("  n   RNN: position 1 -> n   attention: position 1 -> n")
    for n in [5, 50, 500]:
        rnn_steps, attn_steps = steps_between("rnn", 1, n), steps_between("attention", 1, n)
        print(f"{n:>3}   {rnn_steps:>21}   {attn_steps:>27}")
    # --8<-- [end:paths]
assert steps_between("rnn", 1, 500) == 499 and steps_between("attention", 1, 500) == 1
# lesson_code.topics.rnn.path_length also counts the edge x_1 -> h_1; the recurrent steps are n - 1,
# the number of factors W_hh in d h_n / d x_1 and the exponent in w^(n - 1):
for n in (5, 50, 500):
    assert steps_between("rnn", 1, n) == path_length("rnn", n) - 1 == n - 1
assert jacobians_first_token(rnn, xs).shape[0] - 1 == steps_between("rnn", 1, len(xs))
assert steps_between("rnn", 2, 13) == keys_back, "keys (word 2) to are (word 13)"

# %%
# The path-length diagram: the same six tokens, read by an RNN and by one attention layer.
N_DRAW = 6
grey, hot = report.FG_LIGHT, report.PALETTE[1]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 4.2))


def node(ax, x, y, text, colour):
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=13,
        bbox={"boxstyle": "round,pad=0.3", "fc": "none", "ec": colour, "lw": 1.6},
    )


def arrow(ax, start, end, colour, width):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=13,
            color=colour,
            lw=width,
            shrinkA=13,
            shrinkB=13,
        )
    )


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
top.set_title(
    f"RNN: from h₁ to h₆ is {steps_between('rnn', 1, N_DRAW)} recurrent steps", fontsize=12
)

for t in range(1, N_DRAW + 1):
    first = t == 1
    node(bottom, t, 0, f"$x_{t}$", hot if first else grey)
    arrow(bottom, (t, 0), (N_DRAW, 1), hot if first else grey, 2.4 if first else 1.0)
node(bottom, N_DRAW, 1, f"$y_{N_DRAW}$", hot)
bottom.set_title(
    f"Attention: x₁ reaches y₆ in {steps_between('attention', 1, N_DRAW)} step, "
    "like every other token",
    fontsize=12,
)
fig.tight_layout(h_pad=1.5)
report.figure(
    fig,
    "paths",
    alt=(
        "Two diagrams of six tokens. Top, an RNN: the first token x1 feeds h1, and the "
        f"highlighted path runs h1 to h2 to h3 up to h6, {steps_between('rnn', 1, N_DRAW)} "
        "recurrent steps. Bottom, one attention layer: every token has its own arrow "
        "straight into the output y6, and the highlighted arrow from x1 is a single step."
    ),
    caption=(
        "Path length from the first position to the last: n − 1 recurrent steps for an RNN, "
        "1 for attention."
    ),
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
        "rnn_steps": [steps_between("rnn", 1, n) for n in lengths],
        "attention_steps": [steps_between("attention", 1, n) for n in lengths],
        "start": 12,
    },
    label="Try it: how long is the sentence?",
    caption=(
        "Median over 200 random sentences, spectral radius 0.9. The RNN's path from the "
        "first token grows with the length and its influence fades; attention's stays one step."
    ),
)
