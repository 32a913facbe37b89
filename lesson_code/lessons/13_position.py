# %% [markdown]
# # Lesson 13: position
#
# Attention on its own cannot tell "dog bites man" from "man bites dog". This script
# checks that, then adds sinusoidal encodings and rotary embeddings (RoPE) and checks
# what each one changes.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    init_projections,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)
from lesson_code.plotting import annotated_heatmap
from lesson_code.topics.position import rope, rope_score, sinusoid_dot, sinusoid_shift, word_vectors

report.style()

D = 8  # model width of the small examples

# %% [markdown]
# ## Attention sees a set
# Same three words, two orders, no position information.

# %%
with report.output("set"):
    # --8<-- [start:set]
    params = init_projections(D, seed=13)  # w_q, w_k, w_v, w_o: (8, 8) each
    a = ("dog", "bites", "man")
    b = ("man", "bites", "dog")
    out_a, _ = multi_head_attention(word_vectors(a), *params, n_heads=2)
    out_b, _ = multi_head_attention(word_vectors(b), *params, n_heads=2)
    print("'dog' in", " ".join(a), out_a[a.index("dog")].round(2))
    print("'dog' in", " ".join(b), out_b[b.index("dog")].round(2))
    # --8<-- [end:set]
for word in a:
    same = np.allclose(out_a[a.index(word)], out_b[b.index(word)])
    assert same, f"'{word}' must not notice the order"

with report.output("permute"):
    # --8<-- [start:permute]
    rng = np.random.default_rng(17)
    x = rng.normal(size=(6, D))  # six tokens
    perm = rng.permutation(6)  # a shuffled order of 0..5
    out, _ = multi_head_attention(x, *params, n_heads=2)
    out_shuffled, _ = multi_head_attention(x[perm], *params, n_heads=2)
    print("order:", perm)
    same = np.allclose(out_shuffled, out[perm])
    print("attention(x[perm]) == attention(x)[perm]:", same)
    # --8<-- [end:permute]
assert np.allclose(out_shuffled, out[perm]), "attention must be permutation-equivariant"
assert np.all(perm != np.arange(6)), f"every token must move for a convincing check: {perm}"

# %% [markdown]
# ## Sinusoidal encodings
# Add a fixed vector per position to the token vectors.

# %%
with report.output("sinusoid"):
    # --8<-- [start:sinusoid]
    pe = sinusoidal_positions(4, D)  # (4 positions, 8 features)
    print(pe.round(3))
    # --8<-- [end:sinusoid]
assert pe.shape == (4, D), f"one encoding row per position: {pe.shape}"
assert np.allclose(pe[0], np.tile([0.0, 1.0], D // 2)), "position 0 is (0, 1, 0, 1, ...)"

with report.output("ordered"):
    # --8<-- [start:ordered]
    pos = sinusoidal_positions(3, D)
    out_a, _ = multi_head_attention(word_vectors(a) + pos, *params, n_heads=2)
    out_b, _ = multi_head_attention(word_vectors(b) + pos, *params, n_heads=2)
    print("'dog' in", " ".join(a), out_a[a.index("dog")].round(2))
    print("'dog' in", " ".join(b), out_b[b.index("dog")].round(2))
    # --8<-- [end:ordered]
dog_gap = np.linalg.norm(out_a[a.index("dog")] - out_b[b.index("dog")])
assert dog_gap > 0.05, f"with positions added, 'dog' must differ between the orders: {dog_gap}"
report.value("dog_gap", dog_gap, ".2f")

# %%
# Figure: the encoding matrix for 64 positions and 64 features.
N_FIG, D_FIG = 64, 64
enc = sinusoidal_positions(N_FIG, D_FIG)
fig, ax = plt.subplots(figsize=(5.2, 4.0))
image = ax.imshow(enc, cmap="viridis", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
ax.set_xlabel("feature (sin/cos pairs, slower to the right)")
ax.set_ylabel("position")
fig.colorbar(image, ax=ax, label="encoding value")
report.figure(
    fig,
    "encodings",
    alt=(
        "Heatmap of sinusoidal position encodings for 64 positions (rows) and 64 features "
        "(columns). The leftmost columns alternate quickly between high and low going down "
        "the rows; further right the stripes get wider and wider, and the last columns barely "
        "change: sine columns stay near 0 and cosine columns near 1."
    ),
    caption=(
        "Sinusoidal encodings: every position gets a unique row. Low features oscillate "
        "fast, high features slowly, like the digits of a clock."
    ),
)
report.value("n_fig", N_FIG, "d")
report.value("d_fig", D_FIG, "d")

# %% [markdown]
# ## The dot product depends on the offset
# PE[p] · PE[p + k] is the same for every p.

# %%
with report.output("offsets"):
    # --8<-- [start:offsets]
    for k in (0, 1, 4, 16):
        dots = [enc[p] @ enc[p + k] for p in (0, 10, 30)]
        print(f"offset {k:2d}: PE[p].PE[p+k] for p = 0, 10, 30 ->", np.round(dots, 4))
    # --8<-- [end:offsets]
for k in range(N_FIG // 2):
    dots = np.array([enc[p] @ enc[p + k] for p in range(N_FIG - k)])
    assert np.allclose(dots, sinusoid_dot(k, D_FIG)), f"offset {k}: the dot must not depend on p"
    assert np.allclose(enc[: N_FIG - k] @ sinusoid_shift(k, D_FIG), enc[k:]), (
        f"moving by {k} must be one linear map for every position"
    )
report.value("self_dot", sinusoid_dot(0, D_FIG), ".0f")
report.value("dot_1", sinusoid_dot(1, D_FIG), ".2f")
report.value("dot_16", sinusoid_dot(16, D_FIG), ".2f")

# %%
# Figure: dot product against offset, from two different starting positions.
fig, ax = plt.subplots(figsize=(5.2, 3.2))
offsets = np.arange(0, N_FIG // 2)
for p in (0, 20):
    ax.plot(
        offsets,
        [enc[p] @ enc[p + k] for k in offsets],
        marker="o" if p == 0 else None,
        markersize=4,
        label=f"from position {p}",
        linestyle="-" if p == 0 else "--",
    )
ax.set_xlabel("offset k")
ax.set_ylabel("PE[p] · PE[p + k]")
ax.legend(fontsize=10)
ax.grid(True)
report.figure(
    fig,
    "offset_dot",
    alt=(
        "Line chart of the dot product between the encodings of position p and position p "
        "plus k, for offsets 0 to 31, starting from position 0 and from position 20. The two "
        "curves lie exactly on top of each other: highest at offset 0 and falling with "
        "distance, with small ripples."
    ),
    caption=(
        "The dot product of two sinusoidal encodings depends only on how far apart the "
        "positions are: both curves coincide."
    ),
)

# %% [markdown]
# ## After the projections, the offset is no longer all that matters
# The score of a query and a key built from encodings alone, through random W_q and W_k.

# %%
with report.output("projected"):
    # --8<-- [start:projected]
    w_q, w_k = params[0], params[1]
    small = sinusoidal_positions(12, D)
    scores = (small @ w_q) @ (small @ w_k).T  # (12, 12), position part only
    for p in (0, 5, 10):
        print(f"positions {p} and {p + 1}: score {scores[p, p + 1]:.3f}")
    # --8<-- [end:projected]
diag = np.array([scores[p, p + 1] for p in range(11)])
assert diag.std() > 0.01, "through W_q and W_k the added encodings lose pure offset-dependence"

# %% [markdown]
# ## Rotary position embeddings (RoPE)
# Rotate every query and key by its position, after the projections.

# %%
with report.output("rope"):
    # --8<-- [start:rope_demo]
    rng = np.random.default_rng(7)
    q, k = rng.normal(size=D), rng.normal(size=D)  # one query, one key
    for m, n in [(2, 0), (5, 3), (40, 38), (3, 5)]:
        score = rope_score(q, k, m, n)
        print(f"query at {m:2d}, key at {n:2d} (m - n = {m - n:+d}): {score:.4f}")
    # --8<-- [end:rope_demo]
for offset in range(-5, 6):
    s = [rope_score(q, k, m, m - offset) for m in range(5, 30)]
    assert np.allclose(s, s[0]), f"offset {offset}: RoPE score must depend only on the offset"
assert not np.isclose(rope_score(q, k, 2, 0), rope_score(q, k, 0, 2)), "the offset's sign matters"
rows = rng.normal(size=(5, D))
lengths = np.linalg.norm(rope(rows), axis=1)
assert np.allclose(lengths, np.linalg.norm(rows, axis=1)), "rotations keep lengths"
assert np.allclose(rope(rows)[0], rows[0]), "position 0 is not rotated"
report.value("rope_plus2", rope_score(q, k, 2, 0), ".4f")
report.value("rope_minus2", rope_score(q, k, 3, 5), ".4f")
assert all(np.isclose(rope_score(q, k, m, m), q @ k) for m in range(20)), "offset 0 = plain q.k"
report.value("rope_none", q @ k, ".4f")

# %%
# Figure: RoPE scores of one query/key pair over all (query position, key position).
N_R = 8
score_grid = np.array([[rope_score(q, k, m, n) for n in range(N_R)] for m in range(N_R)])
for off in range(-N_R + 1, N_R):
    first = score_grid[max(off, 0), max(-off, 0)]
    assert np.allclose(np.diagonal(score_grid, -off), first), f"diagonal {off} must be constant"
fig, ax = plt.subplots(figsize=(5.0, 4.4))
image = annotated_heatmap(
    ax,
    score_grid,
    [str(i) for i in range(N_R)],
    [str(i) for i in range(N_R)],
    cmap="viridis",
    vmin=score_grid.min(),
    vmax=score_grid.max(),
    fmt=".2f",
    fontsize=10,
)
ax.set_xlabel("key position n")
ax.set_ylabel("query position m")
fig.colorbar(image, ax=ax, shrink=0.8, label="rotated q · k")
report.figure(
    fig,
    "rope_scores",
    alt=(
        "An 8 by 8 grid of scores between one fixed query vector and one fixed key vector "
        "after RoPE, with the query's position on the rows and the key's position on the "
        "columns. Every diagonal running from top left to bottom right holds a single "
        "repeated value, so the score depends only on the offset m minus n."
    ),
    caption=(
        "The same query and key placed at every pair of positions under RoPE: each diagonal "
        "(fixed offset m − n) holds one value."
    ),
)

with report.output("rope_order"):
    # --8<-- [start:rope_order]
    def rope_attention(x):
        """One head, RoPE on queries and keys; values are not rotated."""
        qs, ks = rope(x @ w_q), rope(x @ w_k)  # each (n, D)
        return scaled_dot_product_attention(qs, ks, x @ params[2])[0]

    ra, rb = rope_attention(word_vectors(a)), rope_attention(word_vectors(b))
    print("'dog' in", " ".join(a), ra[a.index("dog")].round(2))
    print("'dog' in", " ".join(b), rb[b.index("dog")].round(2))
    # --8<-- [end:rope_order]
assert not np.allclose(ra[a.index("dog")], rb[b.index("dog")]), "with RoPE, order matters"
ra_shift = scaled_dot_product_attention(
    rope(word_vectors(a) @ w_q, np.arange(3) + 100),
    rope(word_vectors(a) @ w_k, np.arange(3) + 100),
    word_vectors(a) @ params[2],
)[0]
assert np.allclose(ra_shift, ra), "under RoPE a common shift of all positions changes nothing"

# %%
# The page's widget: PE[p] · PE[p + k] from positions 0 and 20 for every offset k, and the
# formula sum_i cos(k w_i), all from the 64 x 64 encodings above.
widget_offsets = list(range(N_FIG // 2))
report.widget(
    "offset",
    "position-offset",
    {
        "d_model": D_FIG,
        "starts": [0, 20],
        "offsets": widget_offsets,
        "dots": [[enc[p] @ enc[p + k] for k in widget_offsets] for p in (0, 20)],
        "formula": [sinusoid_dot(k, D_FIG) for k in widget_offsets],
        "start": 4,
    },
    label="Try it: move the offset",
    caption="Sinusoidal encodings with 64 features, the ones in the heatmap above.",
)
