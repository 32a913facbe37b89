# %% [markdown]
# # Lesson 7: every pairwise score at once, softmax by row
#
# Q Kᵀ compares every query with every key in one product. A softmax over each row turns
# the scores into attention weights. Q and K come from
# `lesson_code/topics/running_example.py` (lesson 6).

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.plotting import heatmap
from lesson_code.topics.running_example import D_K, TOKENS, X, qkv, table

report.style()
np.set_printoptions(precision=3, suppress=True)
Q, K, V = qkv(X)
n = len(TOKENS)

# %% [markdown]
# ## All scores in one product
# Entry (i, j) of Q Kᵀ is the dot product of query i with key j.

# %%
with report.output("scores"):
    # --8<-- [start:scores]
    S = Q @ K.T  # (5, d_k) @ (d_k, 5) -> (5, 5)
    print("S shape:", S.shape)
    print("rows = queries, columns = keys")
    print(table(S))
    # --8<-- [end:scores]
assert S.shape == (n, n), f"Q Kᵀ must be (n, n) = ({n}, {n}), got {S.shape}"
assert not np.allclose(S, S.T), "the score matrix is not symmetric (separate W_Q and W_K)"
h, c, a, f, t = (TOKENS.index(w) for w in ("hungry", "cat", "ate", "fish", "the"))
report.value("n_tokens", n, "d")
report.value("n_scores", S.size, "d")
report.value("d_k", D_K, "d")
report.value("s_hungry_cat", S[h, c], ".2f")
report.value("s_hungry_fish", S[h, f], ".2f")
report.value("s_cat_hungry", S[c, h], ".2f")
report.value("q_hungry_1", Q[h, 1], ".1f")
report.value("k_cat_1", K[c, 1], ".1f")

# %% [markdown]
# ## The same numbers from a double loop
# The matrix product is nothing more than every dot product q_i · k_j.

# %%
with report.output("loop"):
    # --8<-- [start:loop]
    S_loop = np.zeros((len(Q), len(K)))
    for i in range(len(Q)):  # one query per row
        for j in range(len(K)):  # one key per column
            S_loop[i, j] = Q[i] @ K[j]
    print("loop equals Q @ K.T:", np.allclose(S_loop, S))
    # --8<-- [end:loop]
assert np.allclose(S_loop, S), "the double loop must reproduce the matrix product"
terms = Q[h] * K[c]
report.value("hc_t0", terms[0], ".1f")
report.value("hc_t1", terms[1], ".1f")
report.value("hc_t2", terms[2], ".1f")
report.value("hc_t3", terms[3], ".1f")
report.value("q_hungry", "(" + ", ".join(f"{x:g}" for x in Q[h]) + ")")
report.value("k_cat", "(" + ", ".join(f"{x:g}" for x in K[c]) + ")")

# %%
# Figure: the raw score matrix.
fig, ax = plt.subplots(figsize=(5, 4.2))
heatmap(ax, S, list(TOKENS), list(TOKENS), fmt=".2f", colorbar_label="score  $q_i \\cdot k_j$")
ax.set_ylabel("query (row i)")
ax.set_xlabel("key (column j)")
ax.set_title("Scores $S = QK^T$", pad=12)
report.figure(
    fig,
    "scores_heatmap",
    alt=(
        "Annotated 5 by 5 heatmap of the raw scores Q K transpose. Rows are the queries "
        "the, hungry, cat, ate, fish; columns are the same tokens as keys. The brightest "
        f"cells are hungry-cat ({S[h, c]:.2f}), ate-cat ({S[a, c]:.2f}) and ate-fish "
        f"({S[a, f]:.2f}); the whole column of 'the' is zero because its key is empty; "
        "the matrix is not symmetric."
    ),
    caption="Row i holds query i's score against every key. Read across a row, not down a column.",
)

# %% [markdown]
# ## Scale, then softmax each row
# The full formula divides by √d_k before the softmax (lesson 9 explains why); then each
# row, one query, becomes a set of weights over the keys.

# %%
with report.output("weights"):
    # --8<-- [start:weights]
    scaled = S / np.sqrt(D_K)  # d_k = 4, so divide by 2
    A = softmax(scaled, axis=-1)  # axis=-1: along each row
    print(table(A))
    print("row sums:   ", A.sum(axis=1).round(6))
    print("column sums:", A.sum(axis=0).round(3))
    # --8<-- [end:weights]
assert np.allclose(A.sum(axis=1), 1.0), f"every row of weights must sum to 1, got {A.sum(axis=1)}"
assert not np.allclose(A.sum(axis=0), 1.0), "columns of the weight matrix need not sum to 1"
assert np.all(A > 0), "softmax weights are strictly positive"
assert A[h].argmax() == c, "hungry's largest weight should be on cat"
report.value("sqrt_dk", np.sqrt(D_K), "g")
report.value("w_hungry_cat", A[h, c], ".3f")
report.value("w_hungry_fish", A[h, f], ".3f")
report.value("w_hungry_the", A[h, t], ".3f")
report.value("w_ate_cat", A[a, c], ".3f")
report.value("w_ate_fish", A[a, f], ".3f")
report.value("w_the_row_min", A[t].min(), ".3f")
report.value("col_sum_cat", A[:, c].sum(), ".2f")
report.value("col_sum_the", A[:, t].sum(), ".2f")
report.value("col_sum_min", A.sum(axis=0).min(), ".2f")
report.value("col_sum_max", A.sum(axis=0).max(), ".2f")

# %% [markdown]
# ## The library function agrees
# `scaled_dot_product_attention` from lesson_code.attention returns the same weights.

# %%
with report.output("sdpa_check"):
    # --8<-- [start:sdpa_check]
    _, weights = scaled_dot_product_attention(Q, K, V)
    print("same weights as the library:", np.allclose(weights, A))
    # --8<-- [end:sdpa_check]
assert np.allclose(weights, A), "step-by-step weights must match scaled_dot_product_attention"

# %%
# Figure: the weight matrix.
fig, ax = plt.subplots(figsize=(5, 4.2))
heatmap(
    ax, A, list(TOKENS), list(TOKENS), fmt=".2f", vmin=0, vmax=1, colorbar_label="attention weight"
)
ax.set_ylabel("query (row i)")
ax.set_xlabel("key (column j)")
ax.set_title(f"Weights A: softmax of each row of S / {np.sqrt(D_K):g}", pad=12)
report.figure(
    fig,
    "weights_heatmap",
    alt=(
        "Annotated 5 by 5 heatmap of attention weights, rows the queries and columns the "
        "keys, colour scale from 0 to 1. Every row sums to 1. "
        f"Hungry puts {A[h, c]:.2f} of its weight on cat and {A[h, f]:.2f} on fish; ate "
        f"splits between cat ({A[a, c]:.2f}) and fish ({A[a, f]:.2f}); cat and fish split "
        "between hungry and ate; the row of 'the' favours cat and fish."
    ),
    caption="Each row is one query's budget of 1, shared among the keys.",
)

# %% [markdown]
# ## The wrong axis
# softmax(..., axis=0) normalises each column instead: the numbers look like weights, but
# every query's row no longer sums to 1.

# %%
with report.output("wrong_axis"):
    # --8<-- [start:wrong_axis]
    A_wrong = softmax(scaled, axis=0)  # down each column: wrong
    print(table(A_wrong))
    print("row sums:   ", A_wrong.sum(axis=1).round(3))
    print("column sums:", A_wrong.sum(axis=0).round(6))
    # --8<-- [end:wrong_axis]
assert np.allclose(A_wrong.sum(axis=0), 1.0), "axis=0 makes every column sum to 1"
assert not np.allclose(A_wrong.sum(axis=1), 1.0), "axis=0 breaks the row sums"
assert np.allclose(A_wrong[:, t], 1 / n), "the empty key of 'the' gets a uniform column"
assert A_wrong.shape == A.shape, "the wrong axis gives no shape error"
row_sums_wrong = A_wrong.sum(axis=1)
report.value("wrong_hungry_cat", A_wrong[h, c], ".3f")
report.value("wrong_row_min", row_sums_wrong.min(), ".2f")
report.value("wrong_row_max", row_sums_wrong.max(), ".2f")
report.value("wrong_row_min_tok", TOKENS[row_sums_wrong.argmin()])
report.value("wrong_row_max_tok", TOKENS[row_sums_wrong.argmax()])
report.value("wrong_the_col", A_wrong[0, t], ".2f")
report.value("n_tokens_inv", 1 / n, ".1f")

# %%
# Whole-matrix softmax is a third mistake: it sums to 1 over all 25 cells together.
flat = softmax(scaled.ravel()).reshape(scaled.shape)
assert np.isclose(flat.sum(), 1.0) and not np.allclose(flat.sum(axis=1), 1.0)
report.value("flat_row_max", flat.sum(axis=1).max(), ".2f")

# %%
# Figure: right and wrong axis side by side, with the row sums at the right of each row.
fig, axes = plt.subplots(2, 1, figsize=(4.6, 7.4), constrained_layout=True)
for ax, m, title in (
    (axes[0], A, "softmax(axis=-1), along rows: right"),
    (axes[1], A_wrong, "softmax(axis=0), down columns: wrong"),
):
    heatmap(
        ax,
        m,
        list(TOKENS),
        list(TOKENS),
        fmt=".2f",
        vmin=0,
        vmax=1,
        colorbar_label="weight",
        colorbar_pad=0.2,
    )
    ax.set_title(title, fontsize=11, pad=10)
    ax.set_ylabel("query (row)")
    for i, total in enumerate(m.sum(axis=1)):
        ax.text(n - 0.4, i, f"Σ {total:.2f}", ha="left", va="center", fontsize=10)
report.figure(
    fig,
    "wrong_axis",
    alt=(
        "Two 5 by 5 weight heatmaps, one above the other, each with the sum of every row "
        "written to its right. Top, softmax along rows: every row sum is 1.00. "
        "Bottom, softmax down "
        f"columns: the row sums range from {row_sums_wrong.min():.2f} to "
        f"{row_sums_wrong.max():.2f}, and the column of 'the' is a flat {1 / n:.2f} in every row."
    ),
    caption=(
        "Softmax over the wrong axis gives no error and plausible-looking numbers, but the "
        "rows, the queries, no longer sum to 1."
    ),
)

# %%
# The page's widget: the weight matrix; a focused cell shows q_i, k_j, their dot product,
# the scaled score and the softmax of the row, all recomputed from this Q and K.
report.widget(
    "cell",
    "score-cell",
    {"tokens": list(TOKENS), "q": Q, "k": K, "d_k": D_K, "start": [h, c]},
    label="Try it: where does a weight come from?",
    caption="The weights A of this page, computed from the same Q and K.",
)
