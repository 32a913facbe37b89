# %% [markdown]
# # Lesson 17: the block around attention
#
# A Transformer layer is more than attention. The block adds attention's result to a
# running sum (the residual stream), normalises what each sublayer reads (LayerNorm), and
# passes every token through a small network of its own (the MLP). The course's block is
# `lesson_code.block.transformer_block`; the examples live in
# `lesson_code.topics.residual_stream`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.block import (
    gelu,
    layer_norm,
    mlp,
    post_ln_block,
    stack_blocks,
    transformer_block,
)
from lesson_code.plotting import heatmap
from lesson_code.topics.residual_stream import (
    CHAIN_NAMES,
    chain_weights,
    nudge_effects,
    random_stack,
    run_chain,
    sentence_example,
    skip_path_gains,
    toggled_block,
    two_hop_chain,
    widget_data,
)

report.style()

# %% [markdown]
# ## What each sublayer adds to the residual stream

# %%
with report.output("stream"):
    # --8<-- [start:stream]
    ex = sentence_example()  # "the dog chased the ball": (5, 8) and a random block
    x, p, mask = ex.x, ex.params, causal_mask(len(ex.tokens))
    attn_added, mlp_added, out = toggled_block(x, p, ex.n_heads, mask)  # (5, 8) each
    print("token     |input|  +attention  +MLP  |output|")
    for i, token in enumerate(ex.tokens):
        sizes = [np.linalg.norm(v[i]) for v in (x, attn_added, mlp_added, out)]
        print(f"{token:8}" + "".join(f"{s:9.2f}" for s in sizes))
    print("output == input + attention + MLP:", np.allclose(out, x + attn_added + mlp_added))
    # --8<-- [end:stream]
assert np.allclose(out, transformer_block(x, p, ex.n_heads, mask)), "toggled_block == block"
assert np.array_equal(out, x + attn_added + mlp_added), "the stream is a plain sum"
last = len(ex.tokens) - 1
report.value("ball_in", np.linalg.norm(x[last]), ".2f")
report.value("ball_attn", np.linalg.norm(attn_added[last]), ".2f")
report.value("ball_mlp", np.linalg.norm(mlp_added[last]), ".2f")
report.value("ball_out", np.linalg.norm(out[last]), ".2f")
cos_in_out = x[last] @ out[last] / (np.linalg.norm(x[last]) * np.linalg.norm(out[last]))
assert cos_in_out > 0.5, f"the input should still point the output's way, cos {cos_in_out}"
report.value("ball_cos", cos_in_out, ".2f")

# %%
norms = np.linalg.norm(np.stack([x, attn_added, mlp_added]), axis=-1)  # (3, 5)
fig, ax = plt.subplots(figsize=(6.0, 3.2), layout="constrained")
positions = np.arange(len(ex.tokens))
for k, label in enumerate(["input x", "attention adds", "MLP adds"]):
    ax.bar(positions + (k - 1) * 0.27, norms[k], width=0.26, label=label, color=report.PALETTE[k])
ax.set_xticks(positions, ex.tokens)
ax.set_ylabel("length of the vector")
ax.legend(fontsize=10, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.2), frameon=False)
ax.set_ylim(0, norms.max() * 1.15)
report.figure(
    fig,
    "sublayer_sizes",
    alt=(
        "Grouped bar chart, one group per token of 'the dog chased the ball': the length "
        "of the token's input vector and of what the attention sublayer and the MLP "
        "sublayer add to it. All three are of similar size (between about 1 and 2.5), so "
        f"each sublayer changes the stream a lot; for 'ball' the input is {norms[0, last]:.2f}, "
        f"attention adds {norms[1, last]:.2f} and the MLP {norms[2, last]:.2f}."
    ),
    caption="What each sublayer adds to each token's residual stream, as lengths.",
)

# %% [markdown]
# ## LayerNorm on one token's vector

# %%
with report.output("layer_norm"):
    # --8<-- [start:ln_numbers]
    v = np.array([1.0, 2.0, 3.0, 6.0])  # one token, four features
    gain, bias = np.ones(4), np.zeros(4)
    print("mean", v.mean(), " variance", v.var(), " spread", round(np.sqrt(v.var()), 4))
    print("layer_norm(v)        ", layer_norm(v, gain, bias).round(4))
    print("layer_norm(10 v + 7) ", layer_norm(10 * v + 7, gain, bias).round(4))
    print("gain 2, bias 0.5     ", layer_norm(v, 2 * gain, bias + 0.5).round(4))
    # --8<-- [end:ln_numbers]
normed = layer_norm(v, gain, bias)
assert np.allclose(normed, layer_norm(10 * v + 7, gain, bias), atol=1e-5), "scale and shift"
assert abs(normed.mean()) < 1e-12 and abs(normed.var() - 1) < 1e-5, "mean 0, variance 1"
report.value("ln_mean", v.mean(), ".0f")
report.value("ln_var", v.var(), ".1f")
report.value("ln_spread", np.sqrt(v.var()), ".3f")
report.value("ln_last", normed[3], ".3f")
report.value("ln_first", normed[0], ".3f")

# %% [markdown]
# ## The MLP: every token on its own

# %%
with report.output("gelu"):
    print("gelu at -3, -1, 0, 1, 3:", gelu([-3.0, -1.0, 0.0, 1.0, 3.0]).round(4))
report.value("gelu_1", gelu(1.0), ".3f")
report.value("gelu_m1", gelu(-1.0), ".3f")

# %%
with report.output("nudge"):
    # --8<-- [start:nudge]
    def attention_part(z):  # what the attention sublayer adds, (5, 8) -> (5, 8)
        return toggled_block(z, p, ex.n_heads, mask, mlp_on=False)[0]

    def mlp_part(z):  # what the MLP sublayer adds if it read z directly
        return mlp(
            layer_norm(z, p["ln2_gain"], p["ln2_bias"]), p["w_1"], p["b_1"], p["w_2"], p["b_2"]
        )

    for name, part in (("attention", attention_part), ("MLP", mlp_part)):
        moved = nudge_effects(part, x)  # [i, j]: output i moves when input j is nudged
        print(f"{name}: rows = output token, columns = nudged token")
        print(moved.round(3))
    # --8<-- [end:nudge]
moved_attn, moved_mlp = nudge_effects(attention_part, x), nudge_effects(mlp_part, x)
off_diagonal = ~np.eye(len(x), dtype=bool)
assert np.all(moved_mlp[off_diagonal] == 0), "the MLP never moves another token's output"
assert np.all(moved_attn[np.triu(off_diagonal)] == 0), "causal: no token hears a later one"
assert np.all(moved_attn[np.tril(off_diagonal)] > 0), "attention: every earlier token is heard"
report.value("mlp_diag_min", moved_mlp.diagonal().min(), ".2f")
report.value("attn_dog_ball", moved_attn[last, ex.tokens.index("dog")], ".3f")

# %%
fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.3), layout="constrained")
for ax, title, m in ((axes[0], "attention", moved_attn), (axes[1], "MLP", moved_mlp)):
    heatmap(
        ax,
        m,
        ex.tokens,
        ex.tokens,
        fmt=".2f",
        vmin=0,
        vmax=max(moved_attn.max(), moved_mlp.max()),
        fontsize=10,
        colorbar_label=None,
    )
    ax.set_title(title, fontsize=12)
    ax.tick_params(labelsize=10)
axes[0].set_ylabel("output of", fontsize=11)
report.figure(
    fig,
    "nudge_map",
    alt=(
        "Two five-by-five grids for 'the dog chased the ball'. Each cell shows how far "
        "the output of the row's token moves when the column's token is nudged. In the "
        "attention grid every cell on and below the diagonal is non-zero (a token hears "
        "itself and every earlier token) and every cell above it is 0 (causal mask). In "
        "the MLP grid only the diagonal is non-zero: the MLP changes a token's output only "
        "when that same token changes."
    ),
    caption="Attention mixes tokens; the MLP works on each token alone.",
)

# %% [markdown]
# ## Try it: switch the sublayers on and off

# %%
data = widget_data(ex)
full = data["combos"][7]
assert np.allclose(x + full["attn"] + full["mlp_added"], out), "combination 7 is the block"
report.widget(
    "toggle_sublayers",
    "block-toggles",
    data,
    label="Toggle sublayers",
    caption=(
        "Switch attention, the MLP and the LayerNorms on and off, pick a token, and see what "
        "each part adds to its residual stream and which tokens can move its output."
    ),
)

# %% [markdown]
# ## Pre-LN against post-LN, through a stack of 24 random blocks

# %%
with report.output("depth"):
    # --8<-- [start:depth]
    blocks, x0 = random_stack(depth=24, d_model=16, n_tokens=6, seed=0)
    pre, post = x0, x0
    print("layer  |stream| pre-LN  |stream| post-LN")
    for layer, params in enumerate(blocks, start=1):
        pre = transformer_block(pre, params, n_heads=2)
        post = post_ln_block(post, params, n_heads=2)
        if layer in (1, 2, 4, 8, 16, 24):
            sizes = np.linalg.norm(pre, axis=-1).mean(), np.linalg.norm(post, axis=-1).mean()
            print(f"{layer:5} {sizes[0]:15.2f} {sizes[1]:17.2f}")
    # --8<-- [end:depth]
assert np.allclose(pre, stack_blocks(x0, blocks, 2)), "stack_blocks runs the same loop"
stream_pre, stream_post, gains_pre, gains_post = [], [], [], []
for seed in range(3):  # the figure averages three random stacks
    blocks_s, x_s = random_stack(24, 16, 6, seed=seed)
    a, b, sizes_pre, sizes_post = x_s, x_s, [], []
    for params in blocks_s:
        a, b = transformer_block(a, params, 2), post_ln_block(b, params, 2)
        sizes_pre.append(np.linalg.norm(a, axis=-1).mean())
        sizes_post.append(np.linalg.norm(b, axis=-1).mean())
    g_pre, g_post = skip_path_gains(x_s, blocks_s, 2)
    stream_pre.append(sizes_pre)
    stream_post.append(sizes_post)
    gains_pre.append(g_pre.mean(axis=1))
    gains_post.append(g_post.mean(axis=1))
    assert sizes_pre[-1] > 3 * sizes_pre[0], "pre-LN: the stream grows with depth"
    assert np.allclose(sizes_post, np.sqrt(16), rtol=1e-4), "post-LN: pinned at sqrt(d)"
    assert np.all(np.ptp(g_pre, axis=0) == 0), (
        "pre-LN: every layer's skip path meets the same final norm"
    )
    assert g_post.mean(axis=1)[0] < 1e-2 * g_post.mean(axis=1)[-1], "post-LN: fades downward"
stream_pre, stream_post = np.mean(stream_pre, axis=0), np.mean(stream_post, axis=0)
gains_pre, gains_post = np.mean(gains_pre, axis=0), np.mean(gains_post, axis=0)
report.value("pre_top", np.linalg.norm(pre, axis=-1).mean(), ".1f")
report.value(
    "pre_first", np.linalg.norm(transformer_block(x0, blocks[0], 2), axis=-1).mean(), ".1f"
)
report.value("post_size", np.sqrt(16), ".0f")
report.value("gain_pre", gains_pre[0], ".2f")
report.value("gain_post_top", gains_post[-1], ".2f")
report.value("gain_post_bottom", report.scientific(gains_post[0]), "")
report.value("gain_ratio", report.scientific(gains_post[-1] / gains_post[0]), "")

# %%
with report.output("skip_gain"):
    # --8<-- [start:skip_gain]
    gain_pre, gain_post = skip_path_gains(x0, blocks, n_heads=2)  # (24, 6) each
    for layer in (1, 12, 24):
        print(
            f"layer {layer:2}: pre-LN {gain_pre[layer - 1].mean():.3f}"
            f"   post-LN {gain_post[layer - 1].mean():.2e}"
        )
    # --8<-- [end:skip_gain]

# %%
layers = np.arange(1, 25)
fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3), layout="constrained")
left.plot(layers, stream_pre, marker="o", markersize=3, label="pre-LN", color=report.PALETTE[0])
left.plot(layers, stream_post, marker="s", markersize=3, label="post-LN", color=report.PALETTE[1])
left.set_xlabel("layer")
left.set_ylabel("stream length")
left.set_ylim(0, None)
left.legend(fontsize=10, frameon=False)
right.semilogy(layers, gains_pre, marker="o", markersize=3, color=report.PALETTE[0])
right.semilogy(layers, gains_post, marker="s", markersize=3, color=report.PALETTE[1])
right.set_xlabel("layer")
right.set_ylabel("skip-path gain")
for ax in (left, right):
    ax.grid(True, linewidth=0.5)
report.figure(
    fig,
    "pre_post",
    alt=(
        "Two line charts over 24 layers of random blocks, averaged over three stacks. First: "
        "the length of the residual stream grows steadily with depth in pre-LN (to about "
        f"{stream_pre[-1]:.0f}) and stays flat at {stream_post[-1]:.0f} in post-LN. Second, "
        "on a log scale: the gain along the skip path from a layer to the output is flat "
        "for pre-LN (about "
        f"{gains_pre[0]:.2f} at every layer) and falls from {gains_post[-1]:.2f} at the top "
        f"layer to about {gains_post[0]:.0e} at the bottom for post-LN."
    ),
    caption=(
        "Pre-LN lets the stream grow and post-LN pins it (stream length); the skip-path gain "
        "says how strongly each layer reaches the output along the skip path."
    ),
)

# %% [markdown]
# ## One hop per layer: a chain of facts

# %%
with report.output("chain"):
    # --8<-- [start:chain]
    chain = two_hop_chain()  # 4 fact tokens and a question, 2 heads, MLP off
    print("tokens:", " | ".join(chain.tokens))
    for layers in (1, 2):
        stream = run_chain(chain, layers)  # the same block, stacked `layers` times
        w = chain_weights(chain, layers)  # (2 heads, 5 tokens): the question's weights
        print(f"\n{layers} layer(s): weights of 'key ?'")
        for head, name in enumerate(("hop 1", "hop 2")):
            print(f"  head {head} ({name}):", w[head].round(3))
        hop2 = chain.slot(stream, "hop2")  # the question token's answer slot
        print(
            "  slot hop2:",
            "  ".join(f"{n} {v:.2f}" for n, v in zip(CHAIN_NAMES, hop2, strict=True)),
        )
    # --8<-- [end:chain]
one, two = run_chain(chain, 1), run_chain(chain, 2)
w1, w2 = chain_weights(chain, 1), chain_weights(chain, 2)
right_fact = chain.tokens.index("box in bag")
hop2_one, hop2_two = chain.slot(one, "hop2"), chain.slot(two, "hop2")
top_two = np.sort(hop2_two)[-2:]
assert chain.answer(two, "hop1") == "box" and chain.answer(one, "hop1") == "box", "hop 1"
assert chain.answer(two) == "bag" and top_two[1] - top_two[0] > 0.5, "two layers: bag"
assert np.ptp(np.sort(hop2_one)[-4:]) < 1e-9, "one layer: four names tie in hop2"
assert w1[1, right_fact] < 0.25 and w2[1, right_fact] > 0.95, "head 1 finds the fact in layer 2"
assert np.allclose(chain.params["w_1"], 0), "the chain needs no MLP"
report.value("w1_right", w1[1, right_fact], ".2f")
report.value("w2_right", w2[1, right_fact], ".3f")
report.value("w1_head0", w1[0, chain.tokens.index("key in box")], ".3f")
report.value("hop2_bag", hop2_two[CHAIN_NAMES.index("bag")], ".2f")
report.value("hop2_next", top_two[0], ".2f")
report.value("hop2_tie", hop2_one[CHAIN_NAMES.index("bag")], ".2f")

# A check the prose relies on: in one layer, head 1's query is computed from the input,
# before head 0 writes anything, so its weights do not depend on head 0 at all.
p_chain = chain.params
q_before = multi_head_attention(
    layer_norm(chain.x, p_chain["ln1_gain"], p_chain["ln1_bias"]),
    p_chain["w_q"],
    p_chain["w_k"],
    p_chain["w_v"],
    p_chain["w_o"],
    2,
    chain.mask,
)[1][1, -1]
assert np.allclose(q_before, w1[1]), "layer 1's head 1 sees only the input"
