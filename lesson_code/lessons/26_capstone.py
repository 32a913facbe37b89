# %% [markdown]
# # Lesson 26: capstone, predict then trace a multi-head causal block
#
# A two-head attention block with a causal mask and sinusoidal positions, run on
# "the dog chased the ball". The parameters are hand-built in `lesson_code/topics/capstone.py`:
# head 1 looks at the previous token, head 2 looks for the animate subject.
# Write down your predictions before running each cell.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from lesson_code import report
from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.plotting import text_colour_for
from lesson_code.topics.capstone import (
    ANIMATE,
    D_MODEL,
    N_HEADS,
    POS_OF_SPEECH,
    PREV_SHARPNESS,
    SUBJECT_SHARPNESS,
    TOKENS,
    block_input,
    block_weights,
    embed,
    run_block,
    trace,
)

np.set_printoptions(precision=3, suppress=True)
report.style()
n = len(TOKENS)
assert n == 5 and D_MODEL == 8 and N_HEADS == 2, "the page describes 5 tokens, d=8, 2 heads"
report.value("n_tokens", n, "d")
report.value("d_model", D_MODEL, "d")
report.value("n_heads", N_HEADS, "d")
report.value("d_head", D_MODEL // N_HEADS, "d")
# h * d_head = d_model here: the usual convention (w_o maps h * d_head columns to d_model).
report.value("heads_width", N_HEADS * (D_MODEL // N_HEADS), "d")
assert N_HEADS * (D_MODEL // N_HEADS) == D_MODEL, "the page says h * d_head = d_model here"
assert (POS_OF_SPEECH, ANIMATE) == (4, 6), "the page names columns 4 and 6 as the word features"
report.value("prev_sharp", PREV_SHARPNESS, "g")
report.value("subj_sharp", SUBJECT_SHARPNESS, "g")

# %% [markdown]
# ## The input: words plus positions

# %%
with report.output("input"):
    # --8<-- [start:input]
    x = block_input(TOKENS)  # (5, 8) word features + sinusoidal positions
    print("tokens:", TOKENS)
    print("x, shape", x.shape)
    print(x)
    # --8<-- [end:input]
pos_noise = np.abs((x - embed(TOKENS))[:, [POS_OF_SPEECH, ANIMATE]]).max()
assert pos_noise < 0.05, f"position barely touches the feature columns: {pos_noise:.3f}"
report.value("pos_noise", pos_noise, ".2f")
slow_cos = (x - embed(TOKENS))[:, [5, 7]]  # the slow cosine columns
assert slow_cos.min() > 0.99, f"the slow cosines stay near 1: {slow_cos.min():.3f}"

# %% [markdown]
# ## Prediction 1: shapes

# %%
with report.output("shapes"):
    # --8<-- [start:shapes]
    w_q, w_k, w_v, w_o = block_weights()  # each (8, 8)
    mask = causal_mask(len(TOKENS))  # (5, 5), True on and below the diagonal
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, N_HEADS, mask=mask)
    print("output :", output.shape)
    print("weights:", weights.shape)
    # --8<-- [end:shapes]
assert output.shape == (5, 8), f"output keeps one d_model row per token: {output.shape}"
assert weights.shape == (2, 5, 5), f"one 5x5 pattern per head: {weights.shape}"

# %% [markdown]
# ## Prediction 2: the first row

# %%
with report.output("first_row"):
    # --8<-- [start:first_row]
    print("row 0 of head 1:", weights[0, 0])
    print("row 0 of head 2:", weights[1, 0])
    print("every row sums to 1:", np.allclose(weights.sum(axis=-1), 1.0))
    print("weight above the diagonal:", weights[:, ~mask].max())
    # --8<-- [end:first_row]
assert np.array_equal(weights[:, 0], np.tile([1.0, 0, 0, 0, 0], (2, 1))), "row 0 is [1,0,0,0,0]"
assert weights[:, ~mask].max() == 0.0, "masked entries must be exactly zero"

# %% [markdown]
# ## Prediction 3: the last query in head 1 (previous-token head)

# %%
with report.output("head1"):
    # --8<-- [start:head1]
    t = trace(TOKENS)  # every intermediate, one step at a time
    last = len(TOKENS) - 1  # the query of "ball"
    print("q of 'ball' in head 1:", t["q"][0, last])
    print("k of every token, head 1:")
    print(t["k"][0])
    print("scaled scores of 'ball':", t["scores"][0, last].round(2))
    print("weights of 'ball'      :", t["weights"][0, last])
    best1 = int(t["weights"][0, last].argmax())
    print("most attended:", best1, TOKENS[best1])
    # --8<-- [end:head1]
head1 = t["weights"][0]
assert best1 == 3, "head 1: 'ball' attends most to the token before it (the second 'the')"
assert all(head1[i].argmax() == i - 1 for i in range(1, n)), "head 1 is a previous-token head"
assert not np.allclose(head1[0], head1[3]), "the two 'the' tokens get different head-1 rows"
report.value("h1_last_top", head1[last, 3], ".3f")
report.value("h1_last_side", head1[last, 4], ".3f")
report.value("h1_score_top", t["scores"][0, last, 3], ".1f")
report.value("h1_score_side", t["scores"][0, last, 4], ".2f")
report.value("h1_the2_top", head1[3, 2], ".3f")
# Check yourself: doubling head 1's query length sharpens the row of "ball", same favourite.
w_q2 = block_weights()[0].copy()
w_q2[:, 0:4] *= 2  # head 1's query columns
_, sharper = multi_head_attention(x, w_q2, *block_weights()[1:], N_HEADS, mask=mask)
assert sharper[0, last].argmax() == 3 and sharper[0, last, 3] > head1[last, 3], (
    "doubling the query keeps the favourite and raises its weight"
)
assert sharper[0, last, 2] < head1[last, 2] and sharper[0, last, 4] < head1[last, 4], (
    "doubling the query lowers the neighbours' weights"
)

# %% [markdown]
# ## Prediction 4: the last query in head 2 (subject head)

# %%
with report.output("head2"):
    # --8<-- [start:head2]
    print("q of every token, head 2:")
    print(t["q"][1])
    print("k of every token, head 2:")
    print(t["k"][1])
    print("weights of 'ball':", t["weights"][1, last])
    best2 = int(t["weights"][1, last].argmax())
    print("most attended:", best2, TOKENS[best2])
    # --8<-- [end:head2]
head2 = t["weights"][1]
assert TOKENS[best2] == "dog", "head 2: 'ball' attends most to the animate subject"
assert all(head2[i].argmax() == 1 for i in range(1, n)), "head 2 finds 'dog' once it is visible"
report.value("h2_last_dog", head2[last, 1], ".3f")
report.value("h2_last_other", head2[last, 0], ".3f")
report.value("h2_score_dog", t["scores"][1, last, 1], ".2f")

# %% [markdown]
# ## Prediction 5: the output row of "ball"

# %%
with report.output("output"):
    # --8<-- [start:output]
    print("head outputs, concatenated (5, 8):")
    print(t["concat"])
    print("output = concat @ w_o, 'ball':", t["output"][last])
    print("same as multi_head_attention:", np.allclose(t["output"], output))
    # --8<-- [end:output]
assert np.allclose(t["output"], output), "the step-by-step trace must equal the library call"
assert abs(output[last, 4] - 1) < 0.1 and abs(output[last, 5] - 1) < 0.1, (
    "head 2 brings the noun + animate features of 'dog' to 'ball'"
)
assert np.abs(output[last, :2]).max() < 0.1, "head 1 brings 'the' (all-zero features)"
assert np.allclose(output[0], 0), "row 0: 'the' only sees itself, and its features are zero"
report.value("out_last_c4", output[last, 4], ".3f")
report.value("out_last_c5", output[last, 5], ".3f")
report.value("out_last_c0", output[last, 0], ".3f")
report.value("out_chased_c0", output[2, 0], ".3f")

# %% [markdown]
# ## Prediction 6: change the last word

# %%
with report.output("causal"):
    # --8<-- [start:causal]
    other = TOKENS[:-1] + ("cat",)  # "the dog chased the cat"
    output_cat, weights_cat = run_block(other)
    changed = ~np.all(np.isclose(output_cat, output), axis=1)
    print("rows whose output changed:", np.flatnonzero(changed))
    print("head 2, last row, with 'cat':", weights_cat[1, last])
    # --8<-- [end:causal]
assert list(np.flatnonzero(changed)) == [last], "causal: only the last row may change"
assert weights_cat[1, last, 4] > 0.4 and weights_cat[1, last, 1] > 0.4, (
    "two animate nouns split head 2's weight"
)
report.value("cat_dog", weights_cat[1, last, 1], ".3f")
report.value("cat_cat", weights_cat[1, last, 4], ".3f")

# %% [markdown]
# ## What the mask and the positions each contribute

# %%
with report.output("ablations"):
    # --8<-- [start:ablations]
    no_pos = embed(TOKENS)  # word features only, no position encodings
    _, w_no_pos = multi_head_attention(no_pos, w_q, w_k, w_v, w_o, N_HEADS, mask=mask)
    print("head 1 without positions, row of 'ball':", w_no_pos[0, last])
    _, w_no_mask = multi_head_attention(x, w_q, w_k, w_v, w_o, N_HEADS)
    print("head 2 without the mask, row of the first 'the':", w_no_mask[1, 0])
    # --8<-- [end:ablations]
assert np.allclose(w_no_pos[0, last], 1 / n), "no positions: head 1 is uniform over the prefix"
for i in range(n):  # every row is even over its i + 1 visible tokens: 1 / (i + 1)
    assert np.allclose(w_no_pos[0, i, : i + 1], 1 / (i + 1)), f"row {i} should be 1/{i + 1}"
assert w_no_mask[1, 0].argmax() == 1, "without the mask the first token peeks at 'dog'"
report.value("uniform", 1 / n, ".1f")
report.value("nomask_dog", w_no_mask[1, 0, 1], ".3f")

# %%
# Figure: the two heads' weights, masked cells hatched.
fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6), layout="constrained", sharey=True)
labels = [f"{i} {w}" for i, w in enumerate(TOKENS)]
titles = ["Head 1: previous token", "Head 2: subject"]
cmap = plt.get_cmap("viridis")
for h, ax in enumerate(axes):
    shown = np.ma.masked_where(~mask, weights[h])  # masked cells stay transparent
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1)
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
            value = weights[h, i, j]
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=10.5,
                color=text_colour_for(cmap(value)),
            )
    ax.set_xticks(range(n), labels, rotation=30, ha="right", fontsize=10)
    ax.set_yticks(range(n), labels, fontsize=10)
    ax.set_xlabel("key (attended to)")
    if h == 0:
        ax.set_ylabel("query")
    ax.set_title(titles[h], fontsize=11)
    for spine in ax.spines.values():
        spine.set_visible(False)
fig.colorbar(image, ax=axes, shrink=0.8, fraction=0.04, label="weight")
prev_weights = [head1[i, i - 1] for i in range(1, n)]
assert min(prev_weights) >= round(head1[last, 3], 2) - 0.005, "the alt text says 'about or more'"
assert all(head2[i, 1] > 0.5 for i in range(1, n)), "the alt text says 'most of its weight'"
report.figure(
    fig,
    "heads",
    alt=(
        "Two 5 by 5 heatmaps side by side of attention weights for 'the dog chased "
        "the ball', queries as rows and keys as columns, with the cells above the diagonal "
        "hatched because the causal mask blocks them. Head 1 has its bright cells just left "
        f"of the diagonal: each token after the first puts about {head1[last, 3]:.2f} or more "
        "of its weight on the token before it. "
        "Head 2 has a bright column under 'dog': from the second token on, every query puts "
        "most of its weight on the animate subject."
    ),
    caption="Per-head weights of the capstone block; hatched cells are blocked by the causal "
    "mask. Head 1 follows the diagonal one step back, head 2 fills the column of 'dog'.",
)
