# %% [markdown]
# # Lesson 26: capstone, predict then trace two Transformer blocks
#
# "the dog chased the ball" (word vectors plus sinusoidal positions) goes through two
# pre-LN blocks of `lesson_code.block`, each with two heads and a causal mask. The
# weights are seeded random (`lesson_code/topics/capstone.py`): they show how the stack
# computes, not what a trained model knows. Write down your predictions before running
# each cell.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from lesson_code import report
from lesson_code.attention import causal_mask
from lesson_code.block import layer_norm, stack_blocks, transformer_block
from lesson_code.plotting import text_colour_for
from lesson_code.topics.capstone import (
    D_FF,
    D_MODEL,
    N_HEADS,
    SEEDS,
    TOKENS,
    block_input,
    embed,
    replace,
    run_stack,
    stack_params,
    trace_block,
    trace_stack,
)

np.set_printoptions(precision=2, suppress=True)
report.style()
n = len(TOKENS)
assert (n, D_MODEL, N_HEADS, D_FF) == (5, 8, 2, 32), "the page describes 5 tokens, d=8, 2 heads"
report.value("n_tokens", n, "d")
report.value("d_model", D_MODEL, "d")
report.value("n_heads", N_HEADS, "d")
report.value("d_head", D_MODEL // N_HEADS, "d")
report.value("d_ff", D_FF, "d")
report.value("seed_1", SEEDS[0], "d")
report.value("seed_2", SEEDS[1], "d")

# %% [markdown]
# ## The input and the stack

# %%
with report.output("input"):
    # --8<-- [start:input]
    x = block_input(TOKENS)  # (5, 8) word features + sinusoidal positions
    blocks = stack_params()  # two dicts of random weights, seeds 26 and 27
    mask = causal_mask(n)  # (5, 5), True on and below the diagonal
    print("tokens:", TOKENS)
    print("x, shape", x.shape)
    print(x)
    # --8<-- [end:input]
position_part = x - embed(TOKENS)  # (5, 8) the sinusoidal encodings alone
pos_len = np.linalg.norm(position_part, axis=1)
assert np.allclose(pos_len, 2.0), f"every position vector has length sqrt(4 pairs) = 2: {pos_len}"
report.value("pos_len", pos_len[0], ".0f")

# %% [markdown]
# ## Prediction 1: shapes at every step

# %%
with report.output("shapes"):
    # --8<-- [start:shapes]
    t1, t2 = trace_stack(TOKENS)  # every intermediate array of block 1 and block 2
    print(f"{'x (input stream)':<26}", x.shape)
    for name in ["ln1", "q", "weights", "heads", "attn_added", "h", "hidden", "mlp_added"]:
        print(f"{'block 1 ' + name:<26}", t1[name].shape)
    print(f"{'block 1 out = block 2 in':<26}", t1["out"].shape)
    print(f"{'block 2 weights':<26}", t2["weights"].shape)
    print(f"{'block 2 out':<26}", t2["out"].shape)
    # --8<-- [end:shapes]
assert t1["q"].shape == (2, 5, 4) and t1["weights"].shape == (2, 5, 5), "per-head shapes"
assert t1["hidden"].shape == (5, D_FF), "the MLP's hidden layer is 4 * d_model wide"
assert t1["out"].shape == t2["out"].shape == x.shape, "a block keeps the stream's shape"
# The step-by-step trace is the library's block, and block 2 reads block 1's output.
assert np.allclose(t1["out"], transformer_block(x, blocks[0], N_HEADS, mask)), "trace = block"
assert np.allclose(t2["out"], transformer_block(t1["out"], blocks[1], N_HEADS, mask)), "block 2"

# %% [markdown]
# ## Prediction 2: the first row and the masked triangle

# %%
with report.output("weights"):
    # --8<-- [start:weights]
    for block, t in enumerate((t1, t2), start=1):
        for head in range(N_HEADS):
            print(f"block {block}, head {head + 1}:")
            print(t["weights"][head])
    all_weights = np.stack([t1["weights"], t2["weights"]])  # (2 blocks, 2 heads, 5, 5)
    print("largest weight above the diagonal:", all_weights[..., ~mask].max())
    print("row 0 is [1, 0, 0, 0, 0] everywhere:", np.all(all_weights[..., 0, :] == [1, 0, 0, 0, 0]))
    # --8<-- [end:weights]
assert all_weights[..., ~mask].max() == 0.0, "masked weights are exactly zero"
assert np.allclose(all_weights.sum(axis=-1), 1.0), "every row sums to 1"
n_blocked = int((~mask).sum())
assert n_blocked == n * (n - 1) // 2 == 10, "10 blocked cells per pattern"
report.value("n_blocked", n_blocked, "d")
report.value("n_blocked_all", n_blocked * all_weights.shape[0] * all_weights.shape[1], "d")
report.value("n_patterns", all_weights.shape[0] * all_weights.shape[1], "d")
# The largest weight outside row 0 (the alt text and the prose quote it).
top_random = all_weights[..., 1:, :].max()
top_row = np.unravel_index(all_weights[..., 1:, :].argmax(), all_weights[..., 1:, :].shape)[2] + 1
assert top_row == 1, f"the page says the largest weight sits in row 1 (two visible keys): {top_row}"
report.value("top_random", top_random, ".2f")

# %% [markdown]
# ## Prediction 3: what attention adds to the first token

# %%
with report.output("row0"):
    # --8<-- [start:row0]
    p1 = blocks[0]
    ln1_first = layer_norm(x[0], p1["ln1_gain"], p1["ln1_bias"])  # (8,) only token 0
    by_hand = ln1_first @ p1["w_v"] @ p1["w_o"]  # its own value, through w_o: no softmax
    print("attention adds to row 0:\n", t1["attn_added"][0])
    print("LN1(x_0) @ w_v @ w_o:\n", by_hand)
    print("equal:", np.allclose(t1["attn_added"][0], by_hand))
    # --8<-- [end:row0]
assert np.allclose(t1["attn_added"][0], by_hand), "row 0 reads only its own value"
only_first = run_stack(TOKENS[:1])  # the stack on the one-token sentence "the"
assert np.allclose(only_first[0], t2["out"][0]), "row 0 after the stack depends on x_0 only"

# %% [markdown]
# ## Prediction 4: replace the last word

# %%
with report.output("causal"):
    # --8<-- [start:causal]
    other = replace(TOKENS, 4, "cat")  # "the dog chased the cat"
    u1, u2 = trace_stack(other)

    def rows_that_moved(a, b):
        """Indices of the rows (last-but-one axis) where a and b differ at all."""
        a, b = np.moveaxis(a, -2, 0), np.moveaxis(b, -2, 0)  # rows first
        return [i for i in range(len(a)) if not np.array_equal(a[i], b[i])]

    print("rows that moved, block 1 output :", rows_that_moved(t1["out"], u1["out"]))
    print("rows that moved, block 2 weights:", rows_that_moved(t2["weights"], u2["weights"]))
    print("rows that moved, block 2 output :", rows_that_moved(t2["out"], u2["out"]))
    print("largest change in rows 0-3:", np.abs(u2["out"][:4] - t2["out"][:4]).max())
    print("largest change in row 4   :", np.abs(u2["out"][4] - t2["out"][4]).max().round(2))
    # --8<-- [end:causal]
for a, b in ((t1["out"], u1["out"]), (t2["weights"], u2["weights"]), (t2["out"], u2["out"])):
    assert rows_that_moved(a, b) == [4], "causal: only the last row may move"
report.value("change_last", np.abs(u2["out"][4] - t2["out"][4]).max(), ".2f")
# The misconception callout: any position j moves exactly the rows j, j + 1, ..., n - 1.
for j in range(n):
    word = "ball" if TOKENS[j] in ("dog", "cat") else "cat"  # a word with another vector
    moved = rows_that_moved(run_stack(TOKENS), run_stack(replace(TOKENS, j, word)))
    assert moved == list(range(j, n)), f"replacing token {j} should move rows {j}.., got {moved}"

# %% [markdown]
# ## The same change without the mask

# %%
with report.output("no_mask"):
    # --8<-- [start:no_mask]
    open_before = run_stack(TOKENS, causal=False)  # every token sees every token
    open_after = run_stack(other, causal=False)
    print("rows that moved without the mask:", rows_that_moved(open_before, open_after))
    print("change in row 0:", np.abs(open_after[0] - open_before[0]).max().round(3))
    # --8<-- [end:no_mask]
assert rows_that_moved(open_before, open_after) == list(range(n)), "no mask: every row moves"
report.value("open_change0", np.abs(open_after[0] - open_before[0]).max(), ".3f")

# %% [markdown]
# ## Prediction 5: block 1 feeds block 2

# %%
with report.output("feeds"):
    # --8<-- [start:feeds]
    twice = transformer_block(
        transformer_block(x, blocks[0], N_HEADS, mask), blocks[1], N_HEADS, mask
    )
    stacked = stack_blocks(x, blocks, N_HEADS, mask)
    swapped = stack_blocks(x, blocks[::-1], N_HEADS, mask)  # block 2 first, then block 1
    print("stack_blocks == transformer_block twice:", np.array_equal(stacked, twice))
    print("same with the blocks swapped:", np.allclose(stacked, swapped))
    print("largest difference after swapping:", np.abs(stacked - swapped).max().round(2))
    # --8<-- [end:feeds]
assert np.array_equal(stacked, twice), "a stack is one block after the other"
assert not np.allclose(stacked, swapped), "the order of the blocks matters"
report.value("swap_diff", np.abs(stacked - swapped).max(), ".2f")

# %% [markdown]
# ## Prediction 6: the length of the residual stream

# %%
with report.output("stream"):
    # --8<-- [start:stream]
    stages = {
        "input": x,
        "+ attn 1": t1["h"],
        "+ MLP 1": t1["out"],
        "+ attn 2": t2["h"],
        "+ MLP 2": t2["out"],
    }
    print(f"{'':9}" + "".join(f"{w:>7}" for w in TOKENS))
    for name, stream in stages.items():
        print(f"{name:9}" + "".join(f"{v:7.2f}" for v in np.linalg.norm(stream, axis=1)))
    parts = x + t1["attn_added"] + t1["mlp_added"] + t2["attn_added"] + t2["mlp_added"]
    print("x + four additions == output:", np.allclose(parts, t2["out"]))
    # --8<-- [end:stream]
assert np.allclose(parts, t2["out"]), "the stream is the input plus every sublayer's addition"
lengths = np.array([np.linalg.norm(s, axis=1) for s in stages.values()])  # (5 stages, n)
assert np.all(lengths[-1] > lengths[0]), "after two blocks every token's stream is longer"
steps = np.diff(lengths, axis=0)  # (4, n) change of length at each sublayer
stage, token = np.unravel_index(np.argmin(steps), steps.shape)
assert steps[stage, token] < 0, "at least one sublayer shortens a token's stream"
stage_names = list(stages)
report.value("len_in_min", lengths[0].min(), ".2f")
report.value("len_in_max", lengths[0].max(), ".2f")
report.value("len_out_min", lengths[-1].min(), ".2f")
report.value("len_out_max", lengths[-1].max(), ".2f")
report.value("shrink_word", TOKENS[token])
report.value("shrink_pos", token, "d")
report.value("shrink_stage", stage_names[stage + 1])
report.value("shrink_from", lengths[stage, token], ".2f")
report.value("shrink_to", lengths[stage + 1, token], ".2f")
# Check yourself: the attention sublayer reads LN1(x), so scaling x barely changes what it adds.
attn_big = trace_block(10 * x, blocks[0], N_HEADS, mask)["attn_added"]
assert np.allclose(attn_big, t1["attn_added"], atol=1e-4), "LN1 removes the input's scale"

# %%
# Figure 1: the four attention patterns (2 blocks x 2 heads), masked cells hatched.
fig, axes = plt.subplots(2, 2, figsize=(6.4, 6.4), layout="constrained")
labels = [f"{i} {w}" for i, w in enumerate(TOKENS)]
cmap = plt.get_cmap("viridis")
for block in range(2):
    for head in range(N_HEADS):
        ax = axes[block, head]
        weights = all_weights[block, head]
        image = ax.imshow(np.ma.masked_where(~mask, weights), cmap=cmap, vmin=0, vmax=1)
        for i in range(n):
            for j in range(n):
                if not mask[i, j]:
                    ax.add_patch(
                        Rectangle(
                            (j - 0.5, i - 0.5),
                            1,
                            1,
                            fill=False,
                            hatch="///",
                            edgecolor=report.FG_LIGHT,
                            linewidth=0,
                        )
                    )
                    continue
                ax.text(
                    j,
                    i,
                    f"{weights[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=10,
                    color=text_colour_for(cmap(weights[i, j])),
                )
        ax.set_xticks(range(n), labels, rotation=35, ha="right", fontsize=10)
        ax.set_yticks(range(n), labels, fontsize=10)
        ax.set_title(f"Block {block + 1}, head {head + 1}", fontsize=11)
        for spine in ax.spines.values():
            spine.set_visible(False)
fig.colorbar(image, ax=axes, shrink=0.6, fraction=0.04, label="weight")
report.figure(
    fig,
    "weights",
    alt=(
        "Four 5 by 5 heatmaps of attention weights for 'the dog chased the ball', one per "
        "head of each of the two blocks, queries as rows and keys as columns. In all four "
        "the cells above the diagonal are hatched because the causal mask blocks them, and "
        "the first row is a single 1 on 'the'. Below the diagonal the random weights are "
        f"spread over the visible tokens; no weight after row 0 exceeds {top_random:.2f}."
    ),
    caption="Both blocks' attention weights. The mask fixes the shape (row 0, the hatched "
    "triangle); the random weights fill in the rest.",
)

# %%
# Figure 2: each token's stream length after every sublayer.
fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
markers = ["o", "s", "^", "D", "v"]
for token_index, word in enumerate(TOKENS):
    ax.plot(
        range(len(stages)),
        lengths[:, token_index],
        marker=markers[token_index],
        label=f"{token_index} {word}",
    )
ax.set_xticks(range(len(stages)), list(stages), fontsize=10)
ax.set_ylabel("length of the stream")
ax.set_ylim(0, lengths.max() * 1.1)
ax.legend(ncols=1, fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1.0))
ax.grid(axis="y")
report.figure(
    fig,
    "stream",
    alt=(
        "Line chart of the length of each token's residual stream after every sublayer of "
        f"the two blocks. All five start between {lengths[0].min():.2f} and "
        f"{lengths[0].max():.2f} and end between {lengths[-1].min():.2f} and "
        f"{lengths[-1].max():.2f}, but not every step goes up: "
        f"'{TOKENS[token]}' at position {token} drops from {lengths[stage, token]:.2f} to "
        f"{lengths[stage + 1, token]:.2f} at '{stage_names[stage + 1]}'."
    ),
    caption="Each sublayer adds a vector to every token's stream; the length usually grows, "
    "but an addition that points against the stream shortens it.",
)
