# %% [markdown]
# # Lesson 15: slice, attend, concatenate, project
#
# Multi-head attention step by step on the course sentence "the hungry cat ate fish",
# with every shape checked, and the vectorised code compared with a plain loop over
# heads and queries.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    init_projections,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
    split_heads,
)
from lesson_code.topics.running_example import TOKENS, W_K, W_Q, W_V, X, embed

report.style()

# %% [markdown]
# ## The layer: two heads of size 4
# Head 0 is the hand-built head of lessons 6 to 8 (columns 0-3 of each projection);
# head 1 gets random columns 4-7 from a fixed seed. `w_o` is random too.

# %%
with report.output("setup"):
    # --8<-- [start:setup]
    x = X  # (5, 8): "the hungry cat ate fish", one row per token
    n, d_model = x.shape
    n_heads = 2
    d_head = d_model // n_heads
    rand_q, rand_k, rand_v, w_o = init_projections(d_model, seed=15)
    w_q = np.hstack([W_Q, rand_q[:, :d_head]])  # (8, 8): head 0 | head 1
    w_k = np.hstack([W_K, rand_k[:, :d_head]])
    w_v = np.hstack([W_V, rand_v[:, :d_head]])
    print(f"n = {n} tokens, d_model = {d_model}, h = {n_heads}, d_head = {d_head}")
    print("x:", x.shape, " w_q, w_k, w_v, w_o:", w_q.shape, w_k.shape, w_v.shape, w_o.shape)
    # --8<-- [end:setup]
assert (n, d_model, n_heads, d_head) == (5, 8, 2, 4), "the lesson's sizes are 5, 8, 2 and 4"
for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
    assert w.shape == (d_model, d_model), f"{name} must be (8, 8), got {w.shape}"
report.value("n", n, "d")
report.value("d_model", d_model, "d")
report.value("n_heads", n_heads, "d")
report.value("d_head", d_head, "d")

# %% [markdown]
# ## Step 1: project, step 2: slice

# %%
with report.output("split"):
    # --8<-- [start:split]
    q = x @ w_q  # (n, d_model)   all heads' queries side by side
    k = x @ w_k  # (n, d_model)
    v = x @ w_v  # (n, d_model)
    q_h = split_heads(q, n_heads)  # (h, n, d_head)
    k_h = split_heads(k, n_heads)  # (h, n, d_head)
    v_h = split_heads(v, n_heads)  # (h, n, d_head)
    print("q:", q.shape, "-> q_h:", q_h.shape)
    print("head 1's queries are columns 4-7 of q:", np.array_equal(q_h[1], q[:, 4:8]))
    # --8<-- [end:split]
assert q.shape == k.shape == v.shape == (n, d_model), f"projections must be (5, 8), got {q.shape}"
assert q_h.shape == k_h.shape == v_h.shape == (n_heads, n, d_head), (
    f"split heads must be (2, 5, 4), got {q_h.shape}"
)
for head in range(n_heads):
    cols = slice(head * d_head, (head + 1) * d_head)
    assert np.array_equal(q_h[head], q[:, cols]), f"head {head} must be a column slice of q"
    assert np.allclose(q_h[head], x @ w_q[:, cols]), f"head {head} = x @ its own slice of w_q"

# %% [markdown]
# ## A reshape alone is not a split

# %%
with report.output("wrong_reshape"):
    # --8<-- [start:wrong_reshape]
    wrong = q.reshape(n_heads, n, d_head)  # same shape, wrong numbers
    print("same shape:", wrong.shape == q_h.shape)
    print("same numbers:", np.allclose(wrong, q_h))
    print("wrong[0, 1] =", wrong[0, 1].round(2), "<- 2nd half of the query of", TOKENS[0])
    print("q_h[0, 1]   =", q_h[0, 1].round(2), "<- 1st half of the query of", TOKENS[1])
    # --8<-- [end:wrong_reshape]
assert wrong.shape == q_h.shape and not np.allclose(wrong, q_h), "a plain reshape mixes tokens"
assert np.array_equal(wrong[0, 1], q[0, 4:8]), "row 1 of the wrong 'head 0' is token 0's 2nd half"

# %% [markdown]
# ## Step 3: attend, in every head at once

# %%
with report.output("attend"):
    # --8<-- [start:attend]
    scores = q_h @ np.swapaxes(k_h, -1, -2) / np.sqrt(d_head)  # (h, n, n)
    heads, weights = scaled_dot_product_attention(q_h, k_h, v_h)  # (h, n, d_head), (h, n, n)
    print("scores:", scores.shape, " weights:", weights.shape, " heads:", heads.shape)
    print("every row of every head sums to 1:", np.allclose(weights.sum(axis=-1), 1))
    # --8<-- [end:attend]
assert scores.shape == weights.shape == (n_heads, n, n), (
    f"one (5, 5) grid per head, got {weights.shape}"
)
assert heads.shape == (n_heads, n, d_head), f"heads must be (2, 5, 4), got {heads.shape}"
assert np.allclose(weights, softmax(scores, axis=-1)), "weights are the row softmax of the scores"
# head 0 is exactly the single head of lessons 6-8
single_w = softmax((X @ W_Q) @ (X @ W_K).T / np.sqrt(4), axis=-1)
assert np.allclose(weights[0], single_w), "head 0 must reproduce the single head of lesson 7"
cat = TOKENS.index("cat")
report.value("cat_top0", TOKENS[int(np.argmax(weights[0, cat]))], "")
report.value("cat_top0_w", weights[0, cat].max(), ".2f")
report.value("cat_top1", TOKENS[int(np.argmax(weights[1, cat]))], "")
report.value("cat_top1_w", weights[1, cat].max(), ".2f")

# %% [markdown]
# ## Step 4: concatenate, step 5: project

# %%
with report.output("merge"):
    # --8<-- [start:merge]
    concat = merge_heads(heads)  # (n, d_model): head 0 in columns 0-3, head 1 in 4-7
    output = concat @ w_o  # (n, d_model)
    ref_output, ref_weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads)
    print("concat:", concat.shape, " output:", output.shape)
    print("equals multi_head_attention:", np.allclose(output, ref_output))
    # --8<-- [end:merge]
assert concat.shape == output.shape == (n, d_model), f"back to (5, 8), got {output.shape}"
assert np.array_equal(concat[:, :d_head], heads[0]), "columns 0-3 of the concatenation are head 0"
assert np.array_equal(concat[:, d_head:], heads[1]), "columns 4-7 of the concatenation are head 1"
assert concat.shape[1] == n_heads * d_head, "the concatenation is h * d_head wide"
assert np.allclose(output, ref_output) and np.allclose(weights, ref_weights), (
    "the step-by-step version must equal lesson_code.attention.multi_head_attention"
)

# %% [markdown]
# ## Concatenate-then-project is a sum over heads

# %%
with report.output("sum_of_heads"):
    # --8<-- [start:sum_of_heads]
    total = np.zeros((n, d_model))
    for head in range(n_heads):
        rows = slice(head * d_head, (head + 1) * d_head)
        total += heads[head] @ w_o[rows, :]  # (n, d_head) @ (d_head, d_model)
    print("sum of per-head projections equals output:", np.allclose(total, output))
    # --8<-- [end:sum_of_heads]
assert np.allclose(total, output), "concat @ w_o must equal the sum of per-head products"
assert np.allclose(heads[1] @ w_o[4:8, :], total - heads[0] @ w_o[0:4, :]), (
    "head 1's output meets rows 4-7 of w_o"
)

# %% [markdown]
# ## The same thing with plain loops over heads and queries

# %%
with report.output("loop"):
    # --8<-- [start:loop]
    def multi_head_loop(x, w_q, w_k, w_v, w_o, n_heads):
        d_head = x.shape[1] // n_heads
        pieces = []
        for head in range(n_heads):  # one head at a time
            cols = slice(head * d_head, (head + 1) * d_head)
            q, k, v = x @ w_q[:, cols], x @ w_k[:, cols], x @ w_v[:, cols]
            rows = []
            for i in range(len(x)):  # one query at a time
                s = np.array([q[i] @ k[j] for j in range(len(x))]) / np.sqrt(d_head)
                a = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
                rows.append(sum(a[j] * v[j] for j in range(len(x))))
            pieces.append(np.array(rows))  # (n, d_head)
        return np.concatenate(pieces, axis=1) @ w_o  # (n, d_model)

    looped = multi_head_loop(x, w_q, w_k, w_v, w_o, n_heads)
    print("largest difference from the vectorised output:", np.abs(looped - output).max())
    # --8<-- [end:loop]
assert np.allclose(looped, ref_output, atol=1e-12), "the loop must equal the vectorised version"
report.value("loop_diff", np.abs(looped - output).max(), ".1e")

# %% [markdown]
# ## Masks and cross-attention keep the recipe

# %%
with report.output("mask_cross"):
    # --8<-- [start:mask_cross]
    out_c, w_c = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=causal_mask(n))
    print(
        "causal weights:", w_c.shape, " above the diagonal all 0:", np.all(np.triu(w_c, k=1) == 0)
    )
    source = embed(("a", "small", "dog", "saw", "the", "fish"))  # (6, 8) other tokens
    out_x, w_x = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, context=source)
    print("cross-attention weights:", w_x.shape, " output:", out_x.shape)
    # --8<-- [end:mask_cross]
assert w_c.shape == (n_heads, n, n) and np.all(np.triu(w_c, k=1) == 0), "causal mask in every head"
assert w_x.shape == (n_heads, n, 6), f"cross-attention weights must be (2, 5, 6), got {w_x.shape}"
assert out_x.shape == (n, d_model), f"cross-attention output must be (5, 8), got {out_x.shape}"
report.value("n_source", len(source), "d")

# %% [markdown]
# ## The check-yourself sizes: d_model = 512, h = 8, 10 tokens

# %%
big_x = np.random.default_rng(512).normal(size=(10, 512))
big_w = init_projections(512, seed=512)
big_out, big_weights = multi_head_attention(big_x, *big_w, 8)
big_q = split_heads(big_x @ big_w[0], 8)
assert big_q.shape == (8, 10, 64), f"Q after the split must be (8, 10, 64), got {big_q.shape}"
assert big_weights.shape == (8, 10, 10), f"weights must be (8, 10, 10), got {big_weights.shape}"
assert big_out.shape == (10, 512), f"the output must be (10, 512), got {big_out.shape}"
report.value("big_d_head", 512 // 8, "d")
report.value("big_q_shape", str(big_q.shape), "")
report.value("big_w_shape", str(big_weights.shape), "")
report.value("big_out_shape", str(big_out.shape), "")

# %% [markdown]
# ## Figure: the shapes, step by step

# %%
HEAD_COLOURS = report.PALETTE[:n_heads]
CELL = 0.15  # side of one drawn cell, in inches (the axes use inches as data units)


def grid(ax, x0, y_top, rows, cols, colours):
    """Draw a rows x cols grid of cells whose top-left corner is (x0, y_top)."""
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(
                Rectangle(
                    (x0 + c * CELL, y_top - (r + 1) * CELL),
                    CELL,
                    CELL,
                    facecolor=colours[c],
                    edgecolor=report.BG,
                    linewidth=0.8,
                )
            )
    return x0 + cols * CELL  # right edge


def block(ax, x0, y_top, rows, cols, per_head, label, shape):
    """One (rows, cols) matrix, or one per head side by side; label above, shape below."""
    if per_head:
        gap = 0.12
        right = x0
        for head in range(n_heads):
            right = grid(
                ax, right + (gap if head else 0), y_top, rows, cols, [HEAD_COLOURS[head]] * cols
            )
    else:
        colours = [HEAD_COLOURS[c // d_head] for c in range(cols)] if cols == d_model else None
        right = grid(ax, x0, y_top, rows, cols, colours or [report.FG_LIGHTEST] * cols)
    middle = (x0 + right) / 2
    ax.text(middle, y_top + 0.08, label, ha="center", va="bottom", fontsize=12)
    ax.text(
        middle,
        y_top - rows * CELL - 0.08,
        shape,
        ha="center",
        va="top",
        fontsize=11,
        color=report.FG_LIGHT,
    )
    return x0, right


def arrow(ax, start, end, text, text_pos, ha="center"):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=12, color=report.FG_LIGHT, linewidth=1.3
        )
    )
    ax.text(*text_pos, text, ha=ha, va="bottom", fontsize=11)


def plain(ax, x0, y_top, rows, cols, label, shape):
    """A matrix drawn in the neutral colour (input and final output)."""
    right = grid(ax, x0, y_top, rows, cols, [report.FG_LIGHTEST] * cols)
    middle = (x0 + right) / 2
    ax.text(middle, y_top + 0.08, label, ha="center", va="bottom", fontsize=12)
    ax.text(
        middle,
        y_top - rows * CELL - 0.08,
        shape,
        ha="center",
        va="top",
        fontsize=11,
        color=report.FG_LIGHT,
    )
    return x0, right


height = n * CELL
fig = plt.figure(figsize=(5.2, 5.6))
ax = fig.add_axes([0, 0, 1, 1])
# row 1 (left to right): x -> Q -> Q per head
top1 = 5.3
_, r = plain(ax, 0.1, top1, n, d_model, "x", "(5, 8)")
arrow(
    ax,
    (r + 0.08, top1 - height / 2),
    (r + 0.62, top1 - height / 2),
    "@ w_q",
    (r + 0.35, top1 - height / 2 + 0.05),
)
q_left, q_right = block(ax, r + 0.7, top1, n, d_model, False, "Q (also K, V)", "(5, 8)")
arrow(
    ax,
    (q_right + 0.08, top1 - height / 2),
    (q_right + 0.5, top1 - height / 2),
    "split",
    (q_right + 0.29, top1 - height / 2 + 0.05),
)
h_left, h_right = block(ax, q_right + 0.58, top1, n, d_head, True, "Q per head", "(2, 5, 4)")
# row 2 (right to left): weights <- ... <- heads
top2 = 3.25
w_left, w_right = block(
    ax, h_right - (2 * n * CELL + 0.12), top2, n, n, True, "weights per head", "(2, 5, 5)"
)
arrow(
    ax,
    ((h_left + h_right) / 2, top1 - height - 0.35),
    ((w_left + w_right) / 2, top2 + 0.35),
    "softmax(Q Kᵀ / √4)",
    ((h_left + h_right) / 2 - 0.12, top1 - height - 0.75),
    ha="right",
)
o_right = w_left - 0.62
o_left, o_right = block(
    ax, o_right - (2 * d_head * CELL + 0.12), top2, n, d_head, True, "heads", "(2, 5, 4)"
)
arrow(
    ax,
    (w_left - 0.08, top2 - height / 2),
    (o_right + 0.08, top2 - height / 2),
    "@ V",
    ((w_left + o_right) / 2, top2 - height / 2 + 0.05),
)
# row 3: concat -> output
top3 = 1.2
c_left, c_right = block(ax, 0.1, top3, n, d_model, False, "concat", "(5, 8)")
arrow(
    ax,
    ((o_left + o_right) / 2, top2 - height - 0.35),
    ((c_left + c_right) / 2 + 0.3, top3 + 0.35),
    "concat",
    ((o_left + o_right) / 2 - 0.1, top2 - height - 0.75),
    ha="right",
)
arrow(
    ax,
    (c_right + 0.08, top3 - height / 2),
    (c_right + 0.62, top3 - height / 2),
    "@ w_o",
    (c_right + 0.35, top3 - height / 2 + 0.05),
)
plain(ax, c_right + 0.7, top3, n, d_model, "output", "(5, 8)")
for head, colour in enumerate(HEAD_COLOURS):
    ax.add_patch(Rectangle((4.1, top3 - 0.2 - head * 0.35), 0.2, 0.2, facecolor=colour))
    ax.text(4.38, top3 - 0.1 - head * 0.35, f"head {head}", va="center", fontsize=11)
ax.set_xlim(0, 5.2)
ax.set_ylim(0.1, 5.7)
ax.set_aspect("equal")
ax.axis("off")
report.figure(
    fig,
    "shape_flow",
    alt=(
        "Diagram of the shapes in two-head attention on five tokens of width 8. Top row: "
        "the 5-by-8 input x is multiplied by w_q to give a 5-by-8 Q whose first four "
        "columns belong to head 0 and last four to head 1; split turns it into a stack "
        "of two 5-by-4 matrices. Bottom row: each head's queries and keys give a 5-by-5 "
        "weight matrix, times V gives a 5-by-4 output per head, the two are concatenated "
        "back into a 5-by-8 matrix with the heads side by side, and w_o projects it to "
        "the 5-by-8 output."
    ),
    caption="Shapes along the way: (5, 8) → (2, 5, 4) → (2, 5, 5) → (2, 5, 4) → (5, 8).",
)

# %% [markdown]
# ## Figure: what each head looks at

# %%
from lesson_code.plotting import heatmap  # noqa: E402

fig, axes = plt.subplots(2, 1, figsize=(4.6, 6.6), layout="constrained")
for head, ax in enumerate(axes):
    image = heatmap(
        ax,
        weights[head],
        TOKENS,
        TOKENS,
        fmt=".2f",
        vmin=0,
        vmax=1,
        fontsize=11,
        colorbar_label=None,
    )
    ax.set_ylabel("query", fontsize=11)
    ax.tick_params(labelsize=11)
    ax.set_xlabel(
        f"head {head}" + (" (the head of lessons 6-8)" if head == 0 else " (random)"), fontsize=11
    )
bar = fig.colorbar(image, ax=axes, shrink=0.6, pad=0.02)
bar.set_label("weight", fontsize=10)
bar.outline.set_visible(False)
report.figure(
    fig,
    "head_weights",
    alt=(
        "Two 5-by-5 heatmaps of attention weights over 'the hungry cat ate fish', one per "
        "head, with the weight written in every cell. Head 0 is the hand-built head of "
        "the earlier lessons and has a few bright cells; head 1, built from random "
        "columns, spreads its weight much more evenly."
    ),
    caption="The two heads' weights for the same five queries. Each row sums to 1.",
)
