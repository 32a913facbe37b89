# %% [markdown]
# # Lesson 11: self-attention vs cross-attention
#
# The same attention function, fed from one sequence (self-attention) or from two
# (cross-attention: target tokens ask, source tokens answer). The example is a hand-built
# English -> French pair from `lesson_code.topics.cross_attention`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    init_projections,
    multi_head_attention,
    scaled_dot_product_attention,
)
from lesson_code.plotting import annotated_heatmap, weight_table
from lesson_code.topics.cross_attention import (
    FEATURES,
    SOURCE_TOKENS,
    TARGET_TOKENS,
    source_vectors,
    target_vectors,
)

report.style()

# %% [markdown]
# ## Two sentences
# The English sentence plays the encoder's output, the French one the decoder's states.

# %%
with report.output("sentences"):
    # --8<-- [start:sentences]
    english = source_vectors()  # (n_source, d) encoder outputs
    french = target_vectors()  # (n_target, d) decoder states
    print("source:", " ".join(SOURCE_TOKENS), "->", english.shape)
    print("target:", " ".join(TARGET_TOKENS), "->", french.shape)
    print("features:", ", ".join(FEATURES))
    # --8<-- [end:sentences]
n_source, d = english.shape
n_target = french.shape[0]
assert (n_source, n_target, d) == (5, 6, 6), (
    f"expected 5 source tokens, 6 target tokens, d=6: {n_source, n_target, d}"
)
report.value("n_source", n_source, "d")
report.value("n_target", n_target, "d")
report.value("d_model", d, "d")

# %% [markdown]
# ## Self-attention: one sequence asks and answers

# %%
with report.output("self"):
    # --8<-- [start:self]
    out_self, w_self = scaled_dot_product_attention(english, english, english)
    print("weights:", w_self.shape, " output:", out_self.shape)
    # --8<-- [end:self]
assert w_self.shape == (n_source, n_source), f"self weights must be square: {w_self.shape}"
assert out_self.shape == english.shape, "self-attention returns one row per input token"

# %% [markdown]
# ## Cross-attention: the target asks, the source answers
# `multi_head_attention` takes the queries from `x` and the keys and values from
# `context`. With identity projections and one head it is plain attention between
# the two sentences.

# %%
with report.output("cross"):
    # --8<-- [start:cross]
    identity = (np.eye(d),) * 4  # w_q, w_k, w_v, w_o: no projection at all
    out, w = multi_head_attention(french, *identity, n_heads=1, context=english)
    weights = w[0]  # one head: (n_target, n_source)
    print("weights:", weights.shape, " output:", out.shape)
    print(weight_table(weights, TARGET_TOKENS, SOURCE_TOKENS, ".3f"))
    print("row sums:   ", weights.sum(axis=1).round(3))
    print("column sums:", weights.sum(axis=0).round(3))
    # --8<-- [end:cross]
assert weights.shape == (n_target, n_source), f"cross weights must be (6, 5), got {weights.shape}"
assert out.shape == (n_target, d), f"one output row per target token, got {out.shape}"
assert np.allclose(weights.sum(axis=1), 1.0), "every query's weights sum to 1"
col_sums = weights.sum(axis=0)
assert not np.allclose(col_sums, 1.0), "columns are not normalised"
same, _ = scaled_dot_product_attention(french, english, english)
assert np.allclose(same, out), "identity projections + one head = plain cross-attention"

t, s = TARGET_TOKENS.index, SOURCE_TOKENS.index
best = dict(zip(TARGET_TOKENS, [SOURCE_TOKENS[i] for i in weights.argmax(axis=1)], strict=True))
assert best == {
    "le": "the",
    "chat": "cat",
    "noir": "black",
    "boit": "drinks",
    "du": "milk",
    "lait": "milk",
}, f"unexpected alignment {best}"
assert t("chat") < t("noir") and s("black") < s("cat"), "the pair must swap adjective and noun"
report.value("w_chat_cat", weights[t("chat"), s("cat")], ".2f")
report.value("w_noir_black", weights[t("noir"), s("black")], ".2f")
report.value("w_le_the", weights[t("le"), s("the")], ".2f")
report.value("w_du_milk", weights[t("du"), s("milk")], ".2f")
report.value("w_du_the", weights[t("du"), s("the")], ".2f")
report.value("w_lait_milk", weights[t("lait"), s("milk")], ".2f")
report.value("w_chat_milk", weights[t("chat"), s("milk")], ".3f")
report.value("w_chat_black", weights[t("chat"), s("black")], ".3f")
report.value("col_milk", col_sums[s("milk")], ".2f")
report.value("col_black", col_sums[s("black")], ".2f")
report.value("n_scores", weights.size, "d")

# %% [markdown]
# ## What each French token receives
# Each output row is a blend of English vectors. Its nearest English vector is the
# word it aligned to.

# %%
with report.output("outputs"):
    # --8<-- [start:outputs]
    for token, row in zip(TARGET_TOKENS, out, strict=True):
        distances = np.linalg.norm(english - row, axis=1)  # (n_source,)
        nearest = SOURCE_TOKENS[int(np.argmin(distances))]
        print(f"{token:>4} gets {row.round(2)} nearest: {nearest}")
    # --8<-- [end:outputs]
nearest_all = [SOURCE_TOKENS[int(np.argmin(np.linalg.norm(english - r, axis=1)))] for r in out]
assert nearest_all == [best[tok] for tok in TARGET_TOKENS], "outputs sit nearest their aligned word"
report.value("noir_black_feature", out[t("noir"), FEATURES.index("colour")], ".2f")

# %%
# The alignment figure: French queries down the side, English keys along the top.
fig, ax = plt.subplots(figsize=(5.0, 4.6))
image = annotated_heatmap(ax, weights, TARGET_TOKENS, SOURCE_TOKENS, cmap="viridis", fontsize=11)
ax.xaxis.tick_top()
ax.set_xlabel("source (English): keys and values", labelpad=8)
ax.xaxis.set_label_position("top")
ax.set_ylabel("target (French): queries")
fig.colorbar(image, ax=ax, shrink=0.8, label="attention weight")
report.figure(
    fig,
    "alignment",
    alt=(
        "Heatmap of cross-attention weights with the six French tokens le, chat, noir, boit, "
        "du, lait as rows and the five English tokens the, black, cat, drinks, milk as columns. "
        "Each row has one bright cell: le on the, chat on cat, noir on black, boit on drinks, "
        "and both du and lait on milk. The bright cells for chat and noir cross over, showing "
        "the adjective-noun order swap."
    ),
    caption=(
        "Cross-attention weights: 6 target rows by 5 source columns. Rows sum to 1; the "
        "bright cells trace the word alignment, including the swap of 'black cat'."
    ),
)

# %% [markdown]
# ## Learned projections, several heads, any source length
# With real projection matrices and two heads the shapes follow the same rule:
# one weight row per target token, one column per source token, per head.

# %%
with report.output("heads"):
    # --8<-- [start:heads]
    w_q, w_k, w_v, w_o = init_projections(d, seed=11)
    params = (w_q, w_k, w_v, w_o)
    for source in (english, english[:3]):  # whole sentence, first 3 tokens
        out_h, w_h = multi_head_attention(french, *params, n_heads=2, context=source)
        print(f"source {source.shape}: weights {w_h.shape}, output {out_h.shape}")
    # --8<-- [end:heads]
out_full, w_full = multi_head_attention(french, w_q, w_k, w_v, w_o, n_heads=2, context=english)
out_short, w_short = multi_head_attention(
    french, w_q, w_k, w_v, w_o, n_heads=2, context=english[:3]
)
assert w_full.shape == (2, n_target, n_source), f"(heads, n_target, n_source): {w_full.shape}"
assert w_short.shape == (2, n_target, 3), f"a shorter source narrows the weights: {w_short.shape}"
assert out_full.shape == out_short.shape == (n_target, d), "output rows follow the target"
report.value("n_heads", 2, "d")

# %%
# The page's widget: switch between the self-attention and the cross-attention weights.
report.widget(
    "self_or_cross",
    "self-cross",
    {
        "source": list(SOURCE_TOKENS),
        "target": list(TARGET_TOKENS),
        "self": w_self,
        "cross": weights,
    },
    label="Try it: who asks?",
    caption=(
        "Self-attention: the English tokens ask and answer. Cross-attention: the French "
        "tokens ask, the English tokens answer."
    ),
)
