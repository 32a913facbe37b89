# %% [markdown]
# # Lesson 12: causal masks and padding masks
#
# A mask says which keys each query may use. This script builds the causal mask of a
# GPT-style decoder and the padding mask of a batch, checks that the future cannot leak
# into the past, and shows two common bugs numerically.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    init_projections,
    masked_softmax,
    multi_head_attention,
    padding_mask,
)
from lesson_code.plotting import annotated_heatmap, weight_table
from lesson_code.topics.masks import (
    D_MODEL,
    OTHER_ENDING,
    SENTENCE,
    additive_mask,
    attend,
    mask_after_softmax,
    mask_scores,
    mask_with_zero,
    max_change_in_prefix,
    token_vectors,
)

report.style()

# %% [markdown]
# ## The causal mask
# Position i may attend to positions 0..i: a lower-triangular boolean matrix.

# %%
with report.output("mask"):
    # --8<-- [start:mask]
    n = len(SENTENCE)
    mask = causal_mask(n)  # (n, n) bool, True = may attend
    print(weight_table(mask, SENTENCE, SENTENCE))
    print("allowed pairs:", mask.sum(), "of", mask.size)
    # --8<-- [end:mask]
assert n == 6, f"the example sentence has six tokens, got {n}"
assert np.array_equal(mask, np.tril(np.ones((n, n), dtype=bool))), "causal = lower triangle"
assert np.all(np.diag(mask)), "every position may attend to itself"
report.value("n_tokens", n, "d")
report.value("n_allowed", int(mask.sum()), "d")
report.value("n_pairs", mask.size, "d")

# %% [markdown]
# ## Masked scores and masked weights
# One head with fixed random projections. Blocked scores become -inf before the softmax.

# %%
with report.output("scores"):
    # --8<-- [start:scores]
    x = token_vectors(SENTENCE)  # (6, d_model)
    w_q, w_k, w_v, w_o = init_projections(D_MODEL, seed=12)
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # each (6, d_model)
    scores = q @ k.T / np.sqrt(D_MODEL)  # (6, 6)
    print(weight_table(mask_scores(scores, mask), SENTENCE, SENTENCE, ".2f"))
    # --8<-- [end:scores]

with report.output("weights"):
    # --8<-- [start:weights]
    weights = masked_softmax(scores, mask)
    print(weight_table(weights, SENTENCE, SENTENCE, ".3f"))
    print("row sums:", weights.sum(axis=1).round(3))
    # --8<-- [end:weights]
assert np.all(weights[~mask] == 0.0), "blocked weights must be exactly 0"
assert np.allclose(weights.sum(axis=1), 1.0), "each row sums to 1 over its allowed keys"
assert weights[0, 0] == 1.0, "the first token can only attend to itself"
assert np.allclose(
    masked_softmax(scores, mask),
    masked_softmax(scores + additive_mask(mask), True),
), "adding 0/-inf to the scores is the same as masking them"
_, lib_weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1, mask=mask)
assert np.allclose(lib_weights[0], weights), "lesson_code.attention gives the same weights"
report.value("w_first", weights[0, 0], ".1f")
report.value("w_sat_cat", weights[2, 1], ".3f")
report.value("w_sat_the", weights[2, 0], ".3f")
report.value("w_sat_sat", weights[2, 2], ".3f")

# %%
# Figures: the mask itself, then the masked weights.
fig, ax = plt.subplots(figsize=(4.6, 4.3))
labels = [["yes" if m else "no" for m in row] for row in mask]
image = annotated_heatmap(
    ax, mask.astype(float), SENTENCE, SENTENCE, cmap="cividis", labels=labels, fontsize=11
)
ax.xaxis.tick_top()
ax.set_xlabel("key (attended to)", labelpad=8)
ax.xaxis.set_label_position("top")
ax.set_ylabel("query (attending)")
ax.set_yticks(range(n), [f"{i} {t}" for i, t in enumerate(SENTENCE)])
ax.set_xticks(range(n), [f"{t}\n{i}" for i, t in enumerate(SENTENCE)])
report.figure(
    fig,
    "causal_mask",
    alt=(
        "A 6 by 6 grid for the sentence 'the cat sat on the mat', queries as rows and keys as "
        "columns. Cells on and below the diagonal read 'yes' (may attend); cells above the "
        "diagonal read 'no'. Each token may look at itself and at earlier tokens only."
    ),
    caption="The causal mask: row i may use columns 0 to i. True (yes) means 'may attend'.",
)

fig, ax = plt.subplots(figsize=(5.0, 4.3))
cells = [
    [f"{w:.2f}" if m else "0" for w, m in zip(row, mrow, strict=True)]
    for row, mrow in zip(weights, mask, strict=True)
]
image = annotated_heatmap(ax, weights, SENTENCE, SENTENCE, labels=cells, fontsize=11)
ax.xaxis.tick_top()
ax.set_xlabel("key (attended to)", labelpad=8)
ax.xaxis.set_label_position("top")
ax.set_ylabel("query (attending)")
ax.set_yticks(range(n), [f"{i} {t}" for i, t in enumerate(SENTENCE)])
ax.set_xticks(range(n), [f"{t}\n{i}" for i, t in enumerate(SENTENCE)])
fig.colorbar(image, ax=ax, shrink=0.8, label="attention weight")
report.figure(
    fig,
    "causal_weights",
    alt=(
        "Heatmap of causally masked attention weights for 'the cat sat on the mat'. Everything "
        "above the diagonal is exactly 0. The first row puts weight 1 on 'the'; later rows "
        "spread their weight over the current token and the tokens before it, each row "
        "summing to 1."
    ),
    caption=(
        "Causally masked weights from one head with random projections: exact zeros above "
        "the diagonal, and every row still sums to 1."
    ),
)

# %% [markdown]
# ## The future cannot change the past
# Replace "on the mat" with "by a door". Under the causal mask the outputs of the first
# three tokens do not move; without a mask they do.

# %%
with report.output("future"):
    # --8<-- [start:future]
    changed = SENTENCE[:3] + OTHER_ENDING  # "the cat sat by a door"
    x2 = token_vectors(changed)
    params = (w_q, w_k, w_v, w_o)
    out_a, _ = multi_head_attention(x, *params, n_heads=1, mask=causal_mask(n))
    out_b, _ = multi_head_attention(x2, *params, n_heads=1, mask=causal_mask(n))
    free_a, _ = multi_head_attention(x, *params, n_heads=1)  # no mask
    free_b, _ = multi_head_attention(x2, *params, n_heads=1)
    print(" ".join(changed))
    causal_change = max_change_in_prefix(out_a, out_b, 3)
    free_change = max_change_in_prefix(free_a, free_b, 3)
    print("causal mask: max change in rows 0-2 =", causal_change)
    print("no mask:     max change in rows 0-2 =", round(free_change, 4))
    # --8<-- [end:future]
assert np.array_equal(x[:3], x2[:3]) and not np.allclose(x[3:], x2[3:]), "only the future changed"
assert causal_change == 0.0, f"under the causal mask earlier outputs must not move: {causal_change}"
assert free_change > 0.01, f"without a mask the future leaks into earlier outputs: {free_change}"
assert not np.allclose(out_a[3:], out_b[3:]), "later outputs do change (they see the new words)"
report.value("free_change", free_change, ".3f")

# %% [markdown]
# ## Two common bugs
# Mask after the softmax, or mask with 0 instead of -inf. Compare the three rows for "cat".

# %%
with report.output("bugs"):
    # --8<-- [start:bugs]
    row = 1  # the query "cat" may use "the" and itself
    rows = {
        "right": masked_softmax(scores, mask)[row],
        "softmax, then mask": mask_after_softmax(scores, mask)[row],
        "0 instead of -inf": mask_with_zero(scores, mask)[row],
    }
    print(weight_table(np.array(list(rows.values())), list(rows), SENTENCE, ".3f"))
    for name, r in rows.items():
        future = r[row + 1 :].sum()
        print(f"{name:<18} sum {r.sum():.3f}, on the future {future:.3f}")
    # --8<-- [end:bugs]
right, after, zero = rows.values()
assert np.isclose(right.sum(), 1.0) and right[2:].sum() == 0.0, "the right way: sum 1, no future"
assert after.sum() < 0.999, f"mask after softmax: the row no longer sums to 1 ({after.sum()})"
assert after[2:].sum() == 0.0, "mask after softmax does zero the future weights..."
assert not np.allclose(after[:2] / after[:2].sum(), after[:2]), "...but kept weights are too small"
assert zero[2:].sum() > 0.05, f"masking with 0 leaves weight on the future ({zero[2:].sum()})"
report.value("after_sum", after.sum(), ".3f")
report.value("zero_future", zero[2:].sum(), ".3f")
report.value("right_the", right[0], ".3f")
report.value("after_the", after[0], ".3f")

with report.output("bug_leaks"):
    # --8<-- [start:bug_leaks]
    bugs = {"softmax, then mask": mask_after_softmax, "0 instead of -inf": mask_with_zero}
    for name, fn in bugs.items():
        o_a, _ = attend(x @ w_q, x @ w_k, x @ w_v, mask, fn)
        o_b, _ = attend(x2 @ w_q, x2 @ w_k, x2 @ w_v, mask, fn)
        change = max_change_in_prefix(o_a, o_b, 3)
        print(f"{name:<18} max change in rows 0-2 = {change:.4f}")
    # --8<-- [end:bug_leaks]
leaks = {}
ways = {"after": mask_after_softmax, "zero": mask_with_zero, "right": masked_softmax}
for name, fn in ways.items():
    o_a, _ = attend(x @ w_q, x @ w_k, x @ w_v, mask, fn)
    o_b, _ = attend(x2 @ w_q, x2 @ w_k, x2 @ w_v, mask, fn)
    leaks[name] = max_change_in_prefix(o_a, o_b, 3)
assert leaks["right"] == 0.0, f"the right mask cannot leak: {leaks['right']}"
assert leaks["after"] > 1e-3 and leaks["zero"] > 1e-3, f"both bugs leak the future: {leaks}"
report.value("leak_after", leaks["after"], ".3f")
report.value("leak_zero", leaks["zero"], ".3f")

# %% [markdown]
# ## Padding masks
# Two sentences of different lengths in one batch: the short one is padded to six
# tokens, and the padding mask blocks the padding keys.

# %%
with report.output("padding"):
    # --8<-- [start:padding]
    short = ("dogs", "bark", "<pad>", "<pad>", "<pad>", "<pad>")
    lengths = [6, 2]  # real tokens in each sentence
    batch = np.stack([x, token_vectors(short)])  # (2, 6, d_model)
    pad = padding_mask(lengths, n)  # (2, 1, 6): one row of keys per sentence
    print("padding mask:", pad.shape)
    print(pad[:, 0, :])
    out, w = multi_head_attention(batch, *params, n_heads=1, mask=pad)  # same for every head
    print("weights:", w.shape)  # (batch, heads, n_q, n_k)
    print(weight_table(w[1, 0], short, short, ".3f"))
    # --8<-- [end:padding]
assert pad.shape == (2, 1, n), f"padding mask is (batch, 1, n): {pad.shape}"
assert w.shape == (2, 1, n, n), f"weights are (batch, heads, n, n): {w.shape}"
assert np.all(w[1, 0][:, 2:] == 0.0), "padding keys must get exactly zero weight"
assert np.allclose(w[1, 0].sum(axis=-1), 1.0), "rows still sum to 1 over the real tokens"
assert np.all(w[0, 0] > 0), "the full-length sentence has nothing to mask"
# Whatever sits in the padding slots cannot change the real tokens' outputs.
noisy = batch.copy()
noisy[1, 2:] = np.random.default_rng(0).normal(size=(n - 2, D_MODEL)) * 10
out_noisy, _ = multi_head_attention(noisy, *params, n_heads=1, mask=pad)
assert np.array_equal(out_noisy[1, :2], out[1, :2]), "padding content must not reach real tokens"
report.value("w_bark_dogs", w[1, 0][1, 0], ".3f")
# What the page says of a batch item of length 0: every key blocked, so every weight and
# the output are exactly zero (masked_softmax's rule for 0/0), never NaN.
empty = padding_mask([0], n)  # (1, 1, 6): no real key
out_empty, w_empty = multi_head_attention(x[None], *params, n_heads=1, mask=empty)
assert np.all(w_empty == 0.0) and np.all(out_empty == 0.0), "a fully blocked row gives zeros"

with report.output("combined"):
    # --8<-- [start:combined]
    both = causal_mask(n)[None] & pad  # (2, 6, 6): causal AND not padding
    print(both.shape)
    print(both[1].astype(int))
    # --8<-- [end:combined]
assert both.shape == (2, n, n), f"combined mask is (batch, n, n): {both.shape}"
assert np.array_equal(both[0], causal_mask(n)), "a full-length sentence only needs the causal part"

# %%
# Figure: the padded sentence's weights, padding columns exactly zero.
fig, ax = plt.subplots(figsize=(5.0, 4.3))
wp = w[1, 0]
cells = [[f"{val:.2f}" if j < 2 else "0" for j, val in enumerate(r)] for r in wp]
fig_labels = [t.strip("<>") for t in short]  # "pad": shorter tick labels
image = annotated_heatmap(ax, wp, fig_labels, fig_labels, labels=cells, fontsize=11)
ax.xaxis.tick_top()
ax.set_xlabel("key (attended to)", labelpad=8)
ax.xaxis.set_label_position("top")
ax.set_ylabel("query (attending)")
fig.colorbar(image, ax=ax, shrink=0.8, label="attention weight")
report.figure(
    fig,
    "padding_weights",
    alt=(
        "Heatmap of attention weights for the padded sentence 'dogs bark' followed by four "
        "pad tokens. The four pad columns are exactly 0 in every row; all weight in every "
        "row, including the rows of the pad queries, falls on 'dogs' and 'bark'."
    ),
    caption=(
        "A padding mask blocks the pad keys: their columns are exactly zero. The pad rows "
        "still produce (meaningless) outputs, which the model ignores."
    ),
)

# %%
# The page's widget: the scaled scores of this page, softmax by row with or without the
# causal mask (recomputed in the browser when the mask is switched).
report.widget(
    "causal",
    "causal-toggle",
    {"tokens": list(SENTENCE), "scores": scores},
    label="Try it: switch the causal mask",
    caption="The same scores as above; only the mask changes.",
)
