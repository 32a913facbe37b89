# %% [markdown]
# # Lesson 6: three matrix multiplies, X to Q, K and V
#
# The embedded sentence X (5, 8) from lesson 5 is multiplied by three different matrices
# to give every token a query, a key and a value. The matrices live in
# `lesson_code/topics/running_example.py` so that lessons 7 to 9 reuse them.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from lesson_code import report
from lesson_code.plotting import heatmap
from lesson_code.topics.running_example import (
    D_K,
    D_MODEL,
    D_V,
    FEATURES,
    KEY_DIMS,
    QUERY_DIMS,
    TOKENS,
    VALUE_DIMS,
    W_K,
    W_Q,
    W_V,
    X,
    embed,
    qkv,
)

report.style()
np.set_printoptions(precision=2, suppress=True)

# %% [markdown]
# ## Three projections
# Q = X W_Q, K = X W_K, V = X W_V. Each is a plain matrix multiply.

# %%
with report.output("project"):
    # --8<-- [start:project]
    Q, K, V = qkv(X)
    for name, m in (("X", X), ("Q", Q), ("K", K), ("V", V)):
        print(f"{name} shape: {m.shape}")
    print()
    print(f"{'':>7}  Q (looks for)        K (offers)           V (passes on)")
    for token, q, k, v in zip(TOKENS, Q, K, V, strict=True):
        print(f"{token:>7}: {q}  {k}  {v}")
    # --8<-- [end:project]
assert X.shape == (5, D_MODEL), f"X must be (5, {D_MODEL}), got {X.shape}"
assert Q.shape == (5, D_K) and K.shape == (5, D_K), f"Q and K must be (5, {D_K})"
assert V.shape == (5, D_V), f"V must be (5, {D_V}), got {V.shape}"
assert W_Q.shape == W_K.shape == (D_MODEL, D_K) and W_V.shape == (D_MODEL, D_V)
report.value("d_model", D_MODEL, "d")
report.value("d_k", D_K, "d")
report.value("d_v", D_V, "d")
report.value("n_proj_params", W_Q.size + W_K.size + W_V.size, "d")

# %% [markdown]
# ## The shape rule
# (n, d_model) @ (d_model, d_k) = (n, d_k): the inner sizes must match and disappear.

# %%
with report.output("shapes"):
    # --8<-- [start:shapes]
    for name, w, result in (("W_Q", W_Q, Q), ("W_K", W_K, K), ("W_V", W_V, V)):
        assert X.shape[1] == w.shape[0], "inner sizes must match"
        print(f"X {X.shape} @ {name} {w.shape} = {result.shape}")
    try:
        X @ W_Q.T  # (5, 8) @ (4, 8): inner sizes 8 and 4 differ
    except ValueError:
        print(f"X {X.shape} @ W_Q.T {W_Q.T.shape} -> ValueError")
    # --8<-- [end:shapes]
try:
    X @ W_Q.T
    raise AssertionError("a (5, 8) @ (4, 8) product must fail")
except ValueError as err:
    assert "mismatch" in str(err), f"numpy should report a size mismatch, got {err}"

# %%
# Figure: the shape diagram, one line per projection, boxes drawn to scale.
UNIT = 0.16  # inches per matrix entry; the axes are drawn 1 data unit = 1 inch


def draw_matrix(ax, x0, y_mid, rows, cols, name, colour, row_labels=None):
    """Draw a rows x cols grid, left edge x0, vertical centre y_mid; return its right edge."""
    w, h = cols * UNIT, rows * UNIT
    y0 = y_mid - h / 2
    ax.add_patch(Rectangle((x0, y0), w, h, facecolor=colour, alpha=0.28, edgecolor=colour, lw=1.5))
    for c in range(1, cols):
        ax.plot([x0 + c * UNIT] * 2, [y0, y0 + h], color=colour, lw=0.4, alpha=0.7)
    for r in range(1, rows):
        ax.plot([x0, x0 + w], [y0 + r * UNIT] * 2, color=colour, lw=0.4, alpha=0.7)
    ax.text(x0 + w / 2, y0 + h + 0.06, name, ha="center", va="bottom", fontsize=12)
    ax.text(x0 + w / 2, y0 - 0.06, f"({rows}, {cols})", ha="center", va="top", fontsize=10)
    if row_labels:
        for r, label in enumerate(row_labels):
            y_row = y0 + h - (r + 0.5) * UNIT
            ax.text(x0 - 0.05, y_row, label, ha="right", va="center", fontsize=9)
    return x0 + w


ROW_GAP = 2.0  # inches from one equation to the next
WIDTH, HEIGHT = 4.3, 3 * ROW_GAP
fig = plt.figure(figsize=(WIDTH, HEIGHT))
ax = fig.add_axes([0, 0, 1, 1])
lines = [
    ("$W_Q$", W_Q, "$Q$", report.PALETTE[0]),
    ("$W_K$", W_K, "$K$", report.PALETTE[1]),
    ("$W_V$", W_V, "$V$", report.PALETTE[2]),
]
for i, (w_name, w, out_name, colour) in enumerate(lines):
    y = HEIGHT - ROW_GAP / 2 - i * ROW_GAP
    right = draw_matrix(ax, 0.62, y, *X.shape, "$X$", report.PALETTE[5], list(TOKENS))
    ax.text(right + 0.22, y, "@", ha="center", va="center", fontsize=15)
    ax.text(
        right + 0.22,
        y - 0.3,
        f"{X.shape[1]} = {w.shape[0]}",
        ha="center",
        va="top",
        fontsize=9,
        color=report.FG_LIGHT,
    )
    right = draw_matrix(ax, right + 0.44, y, *w.shape, w_name, colour)
    ax.text(right + 0.22, y, "=", ha="center", va="center", fontsize=15)
    draw_matrix(ax, right + 0.44, y, X.shape[0], w.shape[1], out_name, colour, None)
ax.set_xlim(0, WIDTH)
ax.set_ylim(0, HEIGHT)
ax.axis("off")
report.figure(
    fig,
    "shape_diagram",
    alt=(
        "Shape diagram with three lines. Each line shows X, a grid of 5 rows (the, hungry, "
        "cat, ate, fish) by 8 columns, times a projection matrix of 8 rows by 4 columns "
        "(W_Q, W_K, then W_V), equals a result of 5 rows by 4 columns (Q, K, then V). "
        "The 8 columns of X meet the 8 rows of each matrix and disappear; the 5 token rows "
        "survive."
    ),
    caption=(
        "(5, 8) @ (8, 4) = (5, 4), three times. The inner sizes must match; the token rows "
        "pass straight through."
    ),
)

# %% [markdown]
# ## One row of Q, by hand
# A token's query is a weighted sum of the rows of W_Q, weighted by that token's features.

# %%
with report.output("one_row"):
    # --8<-- [start:one_row]
    x = X[TOKENS.index("hungry")]
    print("hungry's features:", {f: float(v) for f, v in zip(FEATURES, x, strict=True) if v})
    by_hand = sum(value * W_Q[FEATURES.index(f)] for f, value in zip(FEATURES, x, strict=True))
    print("sum of W_Q rows weighted by them:", by_hand)
    print("x @ W_Q:                         ", x @ W_Q)
    # --8<-- [end:one_row]
q_hungry = Q[TOKENS.index("hungry")]
assert np.allclose(by_hand, q_hungry), "the row-by-row sum must equal the matrix product"
report.value("q_hungry_noun", q_hungry[0], ".1f")
report.value("q_hungry_animate", q_hungry[1], ".1f")
report.value("q_hungry_edible", q_hungry[2], ".1f")
report.value("x_hungry_animate", x[FEATURES.index("animate")], ".1f")

# %% [markdown]
# ## Three roles for one token
# "the" looks for a noun, offers nothing to be matched on, and passes nothing on.

# %%
with report.output("roles"):
    # --8<-- [start:roles]
    i = TOKENS.index("the")
    for role, dims, row in (
        ("query", QUERY_DIMS, Q[i]),
        ("key", KEY_DIMS, K[i]),
        ("value", VALUE_DIMS, V[i]),
    ):
        print(f"{role:>5}:", ", ".join(f"{d} {x:.1f}" for d, x in zip(dims, row, strict=True)))
    # --8<-- [end:roles]
assert Q[i, 0] > 0 and not K[i].any() and not V[i].any(), (
    "'the' must look for a noun while offering and passing on nothing"
)
report.value("q_the_noun", Q[i, 0], ".1f")

# %% [markdown]
# ## Projections do not mix tokens
# Row i of Q depends only on row i of X. Swapping "fish" for "dog" changes only the last row.

# %%
with report.output("no_mixing"):
    # --8<-- [start:no_mixing]
    X2 = embed(("the", "hungry", "cat", "ate", "dog"))
    Q2, _, _ = qkv(X2)
    changed = ~np.all(np.isclose(Q2, Q), axis=1)
    print("rows of Q that changed:", [t for t, c in zip(TOKENS, changed, strict=True) if c])
    # --8<-- [end:no_mixing]
assert changed.tolist() == [False, False, False, False, True], "only the edited token's row moves"

# %% [markdown]
# ## Why not one shared matrix?
# With the same matrix for queries and keys, S = (XW)(XW)ᵀ is symmetric: i scores j
# exactly as j scores i.

# %%
with report.output("symmetric"):
    # --8<-- [start:symmetric]
    S = Q @ K.T  # separate W_Q and W_K
    shared = X @ W_K  # one matrix used for both roles
    S_shared = shared @ shared.T
    the, hungry, cat = (TOKENS.index(t) for t in ("the", "hungry", "cat"))
    print("          hungry->cat  cat->hungry  the->cat  cat->the  symmetric")
    for label, m in (("separate", S), ("shared", S_shared)):
        print(
            f"{label:>8}: {m[hungry, cat]:>11.2f}  {m[cat, hungry]:>11.2f}"
            f"  {m[the, cat]:>8.2f}  {m[cat, the]:>8.2f}  {np.allclose(m, m.T)!s:>9}"
        )
    print("shared, row of 'the':", S_shared[the])
    # --8<-- [end:symmetric]
assert not np.allclose(S, S.T), "separate projections must give an asymmetric score matrix"
assert np.allclose(S_shared, S_shared.T), "a shared projection must give a symmetric one"
assert S[the, cat] > 0 and S[cat, the] == 0, "'the' seeks 'cat'; 'cat' ignores 'the'"
assert not S_shared[the].any(), "with the key matrix shared, 'the' can no longer look for anything"
assert S[hungry, cat] != S[cat, hungry], "separate: hungry->cat differs from cat->hungry"
for w_shared in (W_Q, W_K, W_V):
    assert np.allclose((X @ w_shared) @ (X @ w_shared).T, ((X @ w_shared) @ (X @ w_shared).T).T), (
        "any single shared matrix gives a symmetric score matrix"
    )
report.value("s_hungry_cat", S[hungry, cat], ".2f")
report.value("s_cat_hungry", S[cat, hungry], ".2f")
report.value("sh_hungry_cat", S_shared[hungry, cat], ".2f")
report.value("s_the_cat", S[the, cat], ".2f")
report.value("s_cat_the", S[cat, the], ".2f")

# %%
# How often a token's best match is itself: |x W|^2 on the diagonal vs the rest of the row.
own_best_shared = [
    t for i, t in enumerate(TOKENS) if S_shared[i].any() and S_shared[i].argmax() == i
]
own_best_separate = [t for i, t in enumerate(TOKENS) if S[i].argmax() == i]
assert len(own_best_shared) == 4 and not own_best_separate, (
    f"shared: {own_best_shared}, separate: {own_best_separate}"
)
report.value("n_self_best_shared", len(own_best_shared), "d")
report.value("self_cat_shared", S_shared[cat, cat], ".2f")
report.value("cat_hungry_separate", S[cat, TOKENS.index("hungry")], ".2f")
report.value("cat_cat_separate", S[cat, cat], ".2f")

# %%
# Figure: the two score matrices side by side.
fig, axes = plt.subplots(2, 1, figsize=(4.6, 7.4), constrained_layout=True)
vmax = max(S.max(), S_shared.max())
for ax, m, title in (
    (axes[0], S, "separate $W_Q$, $W_K$: $QK^T$"),
    (axes[1], S_shared, "one shared $W$: $(XW)(XW)^T$"),
):
    heatmap(ax, m, list(TOKENS), list(TOKENS), fmt=".2f", vmin=0, vmax=vmax, colorbar_label="score")
    ax.set_title(title, fontsize=11, pad=10)
    ax.set_ylabel("query (row)")
report.figure(
    fig,
    "shared_vs_separate",
    alt=(
        "Two 5 by 5 score heatmaps, one above the other, with rows and columns labelled "
        "the, hungry, cat, ate, fish. Top, separate query and key matrices: the pattern is "
        "lopsided, for example the row "
        "of 'the' is bright at cat and fish while the column of 'the' is dark. Bottom, one "
        "shared matrix: the pattern is a mirror image across the diagonal, the row of 'the' "
        "is all zero, and the diagonal cells are the brightest in most rows."
    ),
    caption=(
        "Separate W_Q and W_K (top) let 'the' look for its noun without the noun looking "
        "back. A shared matrix (bottom) forces a mirror-symmetric pattern."
    ),
)
