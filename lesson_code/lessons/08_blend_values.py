# %% [markdown]
# # Lesson 8: blend the values
#
# The last step of attention on the course sentence "the hungry cat ate fish": each
# token's output is a weighted average of the value rows, with the weights from lesson 7.
# The sentence, its embeddings and projections come from
# `lesson_code/topics/running_example.py`; the loop and the four named steps from
# `lesson_code/topics/blend.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.plotting import heatmap
from lesson_code.topics.blend import attention_four_steps, blend_loop, is_convex_combination
from lesson_code.topics.running_example import D_K, D_V, TOKENS, VALUE_DIMS, W_K, W_Q, W_V, X, qkv

report.style()
np.set_printoptions(precision=3, suppress=True)
N = len(TOKENS)
assert (N, D_K, D_V) == (5, 4, 4), f"the page describes 5 tokens, d_k = d_v = 4: {N, D_K, D_V}"
report.value("d_k", D_K)
report.value("d_v", D_V)
report.value("n_tokens", N)
report.value("sqrt_dk", np.sqrt(D_K), "g")

# %% [markdown]
# ## Where lesson 7 stopped: one row of weights per query

# %%
with report.output("weights"):
    # --8<-- [start:weights]
    Q, K, V = qkv()  # (5, 4) each
    # (5, 5): row i = query token i, column j = key token j
    weights = softmax(Q @ K.T / np.sqrt(D_K), axis=-1)
    print("keys:     " + "".join(f"{t:>8}" for t in TOKENS))
    for token, row in zip(TOKENS, weights, strict=True):
        print(f"{token:>8}: " + "".join(f"{w:8.3f}" for w in row))
    # --8<-- [end:weights]
assert weights.shape == (N, N), f"weights must be (5, 5), got {weights.shape}"
assert np.allclose(weights.sum(axis=1), 1.0), "every row of weights must sum to 1"
ATE = TOKENS.index("ate")
w_ate = weights[ATE]
order = np.argsort(-w_ate)
assert [TOKENS[j] for j in order[:2]] == ["cat", "fish"], "ate should look most at cat and fish"
report.value("w_ate_cat", w_ate[TOKENS.index("cat")], ".3f")
report.value("w_ate_fish", w_ate[TOKENS.index("fish")], ".3f")
report.value("w_ate_the", w_ate[TOKENS.index("the")], ".3f")

# %% [markdown]
# ## One query by hand: the output of "ate"
# Multiply each value row by the weight "ate" gives that token, and add the rows up.

# %%
with report.output("one_query"):
    # --8<-- [start:one_query]
    print("value dims:        " + "".join(f"{d:>8}" for d in VALUE_DIMS))
    out_ate = np.zeros(D_V)
    for j, token in enumerate(TOKENS):
        contribution = weights[ATE, j] * V[j]  # scale value row j by its weight
        out_ate += contribution
        cells = "".join(f"{c:8.3f}" for c in contribution)
        print(f"{weights[ATE, j]:.3f} x {token:>6}: {cells}")
    print("output of 'ate':  " + "".join(f"{o:8.3f}" for o in out_ate))
    # --8<-- [end:one_query]
animate, edible = VALUE_DIMS.index("animate"), VALUE_DIMS.index("edible")
assert VALUE_DIMS[:2] == ("animate", "edible"), f"value dims changed: {VALUE_DIMS}"
report.value("out_ate_animate", out_ate[animate], ".3f")
report.value("out_ate_edible", out_ate[edible], ".3f")
report.value("v_cat_animate", V[TOKENS.index("cat"), animate], ".1f")
report.value("v_fish_animate", V[TOKENS.index("fish"), animate], ".1f")
report.value("v_fish_edible", V[TOKENS.index("fish"), edible], ".1f")
report.value("v_cat_edible", V[TOKENS.index("cat"), edible], ".1f")
CAT, FISH = TOKENS.index("cat"), TOKENS.index("fish")
report.value("c_cat_animate", w_ate[CAT] * V[CAT, animate], ".3f")
report.value("c_fish_animate", w_ate[FISH] * V[FISH, animate], ".3f")
assert w_ate[CAT] * V[CAT, animate] > out_ate[animate] / 2, "animate comes mostly from cat"
assert w_ate[FISH] * V[FISH, edible] > out_ate[edible] / 2, "edible comes mostly from fish"
# The output is not the value of the token with the largest weight.
top = int(np.argmax(w_ate))
assert not np.allclose(out_ate, V[top]), "the blend must differ from the winner's value row"
report.value("top_token", TOKENS[top])
report.value("v_top_edible", V[top, edible], ".1f")

# %% [markdown]
# ## A weighted average, never an extrapolation
# The weights are non-negative and sum to 1, so every output is a convex combination of
# the value rows: each output number lies between the smallest and the largest entry of
# its value column.

# %%
with report.output("convex"):
    # --8<-- [start:convex]
    output = weights @ V  # (5, 5) @ (5, 4) -> (5, 4)
    low, high = V.min(axis=0), V.max(axis=0)  # (4,) per value column
    print("smallest value entry:", low)
    print("largest value entry: ", high)
    print("weights >= 0:        ", bool(np.all(weights >= 0)))
    print("rows sum to 1:       ", np.allclose(weights.sum(axis=1), 1.0))
    inside = np.all((output >= low - 1e-12) & (output <= high + 1e-12))
    print("every output inside: ", bool(inside))
    raw = (Q @ K.T / np.sqrt(D_K)) @ V  # scores, not weights: not an average
    print("scores @ V, largest: ", raw.max().round(3))
    # --8<-- [end:convex]
assert np.all(weights >= 0), "softmax weights cannot be negative"
assert inside, "a weighted average must stay within the range of each value column"
assert is_convex_combination(weights, V, output), "each output row must be a convex combination"
# The determiner's value row is all zeros, yet its output is not: it blends the others.
THE = TOKENS.index("the")
assert np.allclose(V[THE], 0) and not np.allclose(output[THE], 0), "the: zero value, nonzero output"
report.value("out_the_animate", output[THE, animate], ".3f")
nouns = [CAT, FISH]
assert weights[THE, nouns] @ V[nouns, animate] > output[THE, animate] / 2, (
    "the animate entry of 'the' comes mostly from the nouns"
)
assert raw.max() > high.max(), "without softmax the blend can leave the range of the values"
report.value("raw_max", raw.max(), ".2f")

# %% [markdown]
# ## The matrix form equals a plain loop
# `weights @ V` does the same sums for every query at once.

# %%
with report.output("loop"):
    # --8<-- [start:loop]
    looped = blend_loop(weights, V)  # one query, one key at a time
    print("weights @ V shape:", (weights @ V).shape)
    print("loop shape:       ", looped.shape)
    print("same numbers:     ", np.allclose(weights @ V, looped))
    print("largest difference:", np.abs(weights @ V - looped).max())
    # --8<-- [end:loop]
assert looped.shape == (N, D_V), f"one output row per query: {looped.shape}"
assert np.allclose(weights @ V, looped), "matrix form and loop must agree"
assert np.allclose(looped[ATE], out_ate), "row 'ate' of the loop must equal the hand blend"
report.value("max_diff", np.abs(weights @ V - looped).max(), ".1e")

# %% [markdown]
# ## The four steps and the full formula
# Project to Q, K, V; score QKᵀ; scale and softmax by row; weighted sum of V.

# %%
with report.output("four_steps"):
    # --8<-- [start:four_steps]
    output, weights4 = attention_four_steps(X, W_Q, W_K, W_V)  # (5, 4), (5, 5)
    reference, ref_weights = scaled_dot_product_attention(*qkv())
    print("output shape:", output.shape)
    print("equals scaled_dot_product_attention:", np.allclose(output, reference))
    for token, row in zip(TOKENS, output, strict=True):
        print(f"{token:>8}: {row}")
    # --8<-- [end:four_steps]
assert np.allclose(output, reference) and np.allclose(weights4, ref_weights), "four steps != sdpa"
assert np.allclose(output, weights @ V), "the four steps must reproduce this lesson's blend"
report.value("out_fish_hunger", output[TOKENS.index("fish"), VALUE_DIMS.index("hunger")], ".3f")
report.value("out_cat_hunger", output[TOKENS.index("cat"), VALUE_DIMS.index("hunger")], ".3f")
report.value("v_cat_hunger", V[TOKENS.index("cat"), VALUE_DIMS.index("hunger")], ".1f")
hunger = VALUE_DIMS.index("hunger")
HUNGRY = TOKENS.index("hungry")
c_cat_hungry = weights[CAT, HUNGRY] * V[HUNGRY, hunger]
c_cat_ate = weights[CAT, ATE] * V[ATE, hunger]
assert c_cat_hungry + c_cat_ate > 0.9 * output[CAT, hunger], "cat's hunger: from hungry and ate"
assert min(c_cat_hungry, c_cat_ate) > 0.3 * output[CAT, hunger], "both words bring a real share"
fish_from = weights[FISH, [HUNGRY, ATE]] @ V[[HUNGRY, ATE], hunger]
assert fish_from > 0.9 * output[FISH, hunger], "fish's hunger: from hungry and ate"
report.value("c_cat_hungry", c_cat_hungry, ".3f")
report.value("c_cat_ate", c_cat_ate, ".3f")

# %%
# Figure 1: the weights of "ate", the value rows they scale, and the blended output.
fig = plt.figure(figsize=(7, 4.4))
grid = fig.add_gridspec(
    2, 2, width_ratios=[1, 1.5], height_ratios=[5, 1.2], wspace=0.05, hspace=0.15
)
ax_w = fig.add_subplot(grid[0, 0])
ax_v = fig.add_subplot(grid[0, 1])
ax_o = fig.add_subplot(grid[1, 1])
y = np.arange(N)
bars = ax_w.barh(y, w_ate, height=0.7, color=report.PALETTE[0])
ax_w.bar_label(bars, labels=[f"{w:.2f}" for w in w_ate], padding=3, fontsize=10)
ax_w.set_ylim(N - 0.5, -0.5)  # first token on top, like the heatmap rows
ax_w.set_xlim(0, w_ate.max() * 1.5)
ax_w.set_yticks(y, TOKENS, fontsize=11)
ax_w.set_xticks([0, 0.2, 0.4])
ax_w.set_xlabel("weight from “ate”")
heatmap(
    ax_v, V, [""] * N, list(VALUE_DIMS), fmt=".1f", vmin=0, vmax=1, colorbar_label=None, fontsize=10
)
ax_v.set_yticks([])
ax_v.set_title("value rows V", fontsize=11, pad=44)
image = heatmap(
    ax_o,
    out_ate[None, :],
    [""],
    [""] * D_V,
    fmt=".2f",
    vmin=0,
    vmax=1,
    colorbar_label=None,
    fontsize=10,
)
ax_o.set_xticks([])
ax_o.set_yticks([])
ax_o.set_xlabel("output of “ate” = Σ weight × value row", fontsize=10)
bar = fig.colorbar(image, ax=[ax_v, ax_o], fraction=0.05, pad=0.03)
bar.set_label("value")
bar.outline.set_visible(False)
report.figure(
    fig,
    "blend",
    alt=(
        "Left, horizontal bars: the weights the query of 'ate' gives to the five tokens; "
        "cat and fish get the longest bars, the, hungry and ate itself short ones. Right, a "
        "heatmap of the five value rows over the dimensions animate, edible, hunger and "
        "action, and under it the output of 'ate': a single row that mixes cat's animate "
        "value and fish's edible value, weaker than either original."
    ),
    caption=(
        "The output of “ate” is its weights times the value rows, added up: part cat "
        "(animate), part fish (edible)."
    ),
)

# %%
# Figure 2: the matrix form, weights @ V = output, for all five queries at once.
brightest = (weights @ V).argmax(axis=1)  # the brightest value dimension of each output row


def listed(words):
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


rows_animate = listed([t for t, b in zip(TOKENS, brightest, strict=True) if b == animate])
rows_hunger = listed([t for t, b in zip(TOKENS, brightest, strict=True) if b == hunger])
assert set(brightest) <= {animate, hunger}, "the alt text names only animate and hunger"
fig, axes = plt.subplots(1, 3, figsize=(7, 3.4), width_ratios=[5, 4, 4], layout="constrained")
heatmap(
    axes[0],
    weights,
    list(TOKENS),
    list(TOKENS),
    vmin=0,
    vmax=1,
    annotate=False,
    colorbar_label=None,
)  # the numbers are in the printed table above
heatmap(
    axes[1],
    V,
    [""] * N,
    list(VALUE_DIMS),
    fmt=".1f",
    vmin=0,
    vmax=1,
    colorbar_label=None,
    fontsize=9,
)
image = heatmap(
    axes[2],
    weights @ V,
    [""] * N,
    list(VALUE_DIMS),
    fmt=".2f",
    vmin=0,
    vmax=1,
    colorbar_label=None,
    fontsize=9,
)
for ax, title in zip(axes, ["weights (5 × 5)", "V (5 × 4)", "output (5 × 4)"], strict=True):
    ax.set_xlabel(title, fontsize=10)
for ax in axes[1:]:
    ax.set_yticks([])
fig.get_layout_engine().set(wspace=0.08)
bar = fig.colorbar(image, ax=list(axes), fraction=0.025, pad=0.02)
bar.outline.set_visible(False)
for ax, sign in ((axes[0], "@"), (axes[1], "=")):  # between this matrix and the next
    ax.annotate(
        sign,
        xy=(1, 0.5),
        xycoords="axes fraction",
        xytext=(12, 0),
        textcoords="offset points",
        fontsize=16,
        ha="center",
        va="center",
    )
report.figure(
    fig,
    "matrix_form",
    alt=(
        "Three heatmaps side by side: the 5 by 5 weight matrix, the 5 by 4 value matrix and "
        "their product, the 5 by 4 output matrix. Row i of the output is row i of the "
        f"weights applied to all the value rows; the rows of {rows_animate} are brightest "
        f"in animate, the rows of {rows_hunger} in hunger."
    ),
    caption=(
        "Row i of the output uses row i of the weights and every row of V: one matrix "
        "product does all five weighted sums."
    ),
)
