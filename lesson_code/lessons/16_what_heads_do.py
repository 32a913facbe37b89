# %% [markdown]
# # Lesson 16: what heads do, and what weights do not tell you
#
# A toy layer with four heads on "the keys to the cabinet are". We read its attention
# weights, then ablate each head (zero its slice before `w_o`) and measure how much the
# output at "are" changes. The toy model is `lesson_code.topics.heads.agreement_toy`.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import PercentFormatter

from lesson_code import report
from lesson_code.attention import split_heads
from lesson_code.learned import copying_accuracy, head_scores, repeated_sequences, trained_model
from lesson_code.plotting import heatmap
from lesson_code.topics.heads import (
    AGREEMENT_QUERY,
    AGREEMENT_TOKEN,
    ablate_heads,
    ablation_effects,
    agreement_toy,
    head_contributions,
    head_outputs,
    token_contribution_norms,
    weights_on_token,
)

report.style()

# %% [markdown]
# ## The toy layer and what its heatmap shows

# %%
with report.output("weights"):
    # --8<-- [start:weights]
    toy = agreement_toy()  # 4 heads of size 2 on "the keys to the cabinet are"
    words = toy.words
    query, token = words.index("are"), words.index("keys")
    output, weights = toy.attend()  # (6, 8), (4, 6, 6)
    print("weights:", weights.shape, "  query:", words[query])
    print("         " + " ".join(f"{w:>8}" for w in words))
    for head in range(toy.n_heads):
        print(f"head {head}:  " + " ".join(f"{a:8.2f}" for a in weights[head, query]))
    # --8<-- [end:weights]
assert (query, token) == (AGREEMENT_QUERY, AGREEMENT_TOKEN), "module constants must match"
assert weights.shape == (4, 6, 6) and output.shape == (6, 8), "4 heads, 6 tokens, width 8"
w_on = weights[:, query, token]
assert np.allclose(w_on, weights_on_token()), "weights_on_token must agree with attend()"
big = [h for h in range(4) if w_on[h] > 0.5]
assert big == [0, 1, 3], f"heads 0, 1 and 3 should put most weight on 'keys', got {big}"
assert w_on[2] < 0.01, f"head 2 should barely look at 'keys', got {w_on[2]}"
assert words[int(np.argmax(weights[2, query]))] == "cabinet", "head 2 should look at 'cabinet'"
for h in range(4):
    report.value(f"w{h}", w_on[h], ".2f")
report.value("w2_cabinet", weights[2, query, words.index("cabinet")], ".2f")
report.value("w2_small", w_on[2], ".5f")

# %%
fig, ax = plt.subplots(figsize=(5.0, 3.0), layout="constrained")
image = heatmap(
    ax,
    weights[:, query, :],
    [f"head {h}" for h in range(4)],
    words,
    fmt=".2f",
    vmin=0,
    vmax=1,
    fontsize=11,
    colorbar_label="weight",
)
ax.set_ylabel('query "are"', fontsize=11)
ax.tick_params(labelsize=11)
report.figure(
    fig,
    "weights_map",
    alt=(
        "Heatmap with one row per head and one column per token of 'the keys to the "
        "cabinet are', showing the attention weights of the query 'are'. Heads 0, 1 and "
        f"3 are brightest on 'keys' ({w_on[0]:.2f}, {w_on[1]:.2f} and {w_on[3]:.2f}); head 2 "
        "is brightest on 'cabinet'."
    ),
    caption='What an attention viewer would show for the query "are": three heads look at "keys".',
)

# %% [markdown]
# ## Ablate each head and measure the effect on the output

# %%
with report.output("ablate"):
    # --8<-- [start:ablate_loop]
    full = output[query]  # (8,) the output at "are" with every head
    print("head  weight on 'keys'   change")
    for head in range(toy.n_heads):
        ablated = ablate_heads(
            toy.x, toy.w_q, toy.w_k, toy.w_v, toy.w_o, toy.n_heads, ablate=[head]
        )[query]
        change = np.linalg.norm(full - ablated) / np.linalg.norm(full)
        print(f"{head:>4} {weights[head, query, token]:17.2f} {change:8.1%}")
    # --8<-- [end:ablate_loop]
effects = ablation_effects()
assert np.allclose(
    effects,
    [
        np.linalg.norm(
            full - ablate_heads(toy.x, toy.w_q, toy.w_k, toy.w_v, toy.w_o, 4, ablate=[h])[query]
        )
        / np.linalg.norm(full)
        for h in range(4)
    ],
), "ablation_effects must match the loop shown"
assert np.allclose(ablate_heads(toy.x, toy.w_q, toy.w_k, toy.w_v, toy.w_o, 4), output), (
    "ablating no head must give multi_head_attention's output"
)
top_weight = int(np.argmax(w_on))
assert top_weight == 3 and effects[3] < 0.05, "the head with most weight on 'keys' barely matters"
assert effects[0] < 0.05, "head 0 (tiny values) barely matters despite its weight"
assert effects[1] > 10 * max(effects[0], effects[3]), "head 1 matters far more than heads 0, 3"
assert int(np.argmax(effects)) == 2, "head 2, which ignores 'keys', matters most"
for h in range(4):
    report.value(f"e{h}", effects[h], ".1%")
report.value("top_weight_head", top_weight, "d")

# %% [markdown]
# ## Why: output = sum over heads of (weights x values) @ rows of w_o

# %%
with report.output("decompose"):
    # --8<-- [start:decompose]
    heads, _ = head_outputs(toy.x, toy.w_q, toy.w_k, toy.w_v, toy.n_heads)  # (4, 6, 2)
    parts = head_contributions(heads, toy.w_o)  # (4, 6, 8): what each head adds
    sent = token_contribution_norms()  # size of what "keys" sends to "are", per head
    print("head  |part of output|  |sent by 'keys'|")
    for head in range(toy.n_heads):
        print(f"{head:>4} {np.linalg.norm(parts[head, query]):17.3f} {sent[head]:17.3f}")
    # --8<-- [end:decompose]
assert np.allclose(parts.sum(axis=0), output), "the heads' parts must add up to the output"
norms = np.linalg.norm(parts[:, query], axis=-1)
assert norms[0] < 0.05 and norms[3] < 0.05, "heads 0 and 3 add almost nothing at 'are'"
assert sent[1] > 10 * max(sent[0], sent[3]), "only head 1 passes on much of 'keys'"
for h in range(4):
    report.value(f"part{h}", norms[h], ".3f")
    report.value(f"sent{h}", sent[h], ".3f")
# Head 1: what "keys" sends against what the other tokens send, at "are".
v_h = split_heads(toy.x @ toy.w_v, toy.n_heads)  # (4, 6, 2) values per head
rows_1 = toy.w_o[2:4, :]  # the rows of w_o that read head 1
from_keys = weights[1, query, token] * v_h[1, token] @ rows_1  # (8,)
from_rest = parts[1, query] - from_keys  # (8,) everything the other tokens send
cancel_cos = from_keys @ from_rest / (np.linalg.norm(from_keys) * np.linalg.norm(from_rest))
assert np.isclose(np.linalg.norm(from_keys), sent[1]), "the same quantity as the table's column"
assert norms[1] < sent[1] and cancel_cos < -0.8, "in head 1 the rest points almost against 'keys'"
report.value("rest1", np.linalg.norm(from_rest), ".3f")
report.value("cancel_cos", cancel_cos, ".2f")
v_all = toy.x @ toy.w_v  # (6, 8): every head's values side by side
value_ratio = np.linalg.norm(v_all[token, 2:4]) / np.linalg.norm(v_all[token, 0:2])
assert np.isclose(value_ratio, 30), f"head 1's values are 30x head 0's, got {value_ratio}"
report.value("value_ratio", value_ratio, ".0f")

# %% [markdown]
# ## Same heatmap, different model

# %%
with report.output("same_map"):
    # --8<-- [start:same_map]
    other = agreement_toy(value_scale=(1.0, 1.5, 0.5, 1.0), w_o_scale=(1, 1, 1, 1))
    _, other_weights = other.attend()
    print("identical weights:", np.allclose(other_weights, weights))
    print("ablation effects, toy:  ", np.round(ablation_effects(toy), 3))
    print("ablation effects, other:", np.round(ablation_effects(other), 3))
    # --8<-- [end:same_map]
other_effects = ablation_effects(other)
assert np.allclose(other_weights, weights), "changing w_v and w_o must not change any weight"
assert other_effects[0] > 10 * effects[0] and other_effects[3] > 10 * effects[3], (
    "in the other model heads 0 and 3 must matter"
)
assert other_effects.min() > 0.3, f"in the other model every head matters: {other_effects}"
report.value("other_e0", other_effects[0], ".1%")
report.value("other_e3", other_effects[3], ".1%")

# %% [markdown]
# ## Figure: ablation effect vs attention weight

# %%
notes = {
    0: ("head 0: tiny values", (0.30, 0.30)),
    1: ("head 1: looks and matters", (0.22, 0.66)),
    2: ("head 2: looks elsewhere", (0.08, 0.93)),
    3: ("head 3: w_o ignores it", (0.30, 0.16)),
}
fig, ax = plt.subplots(figsize=(4.8, 4.2), layout="constrained")
for h in range(4):
    ax.scatter([w_on[h]], [effects[h]], s=70, color=report.PALETTE[h], zorder=3)
    text, where = notes[h]
    ax.annotate(
        text,
        (w_on[h], effects[h]),
        xytext=where,
        textcoords="data",
        fontsize=11,
        color=report.FG,
        va="center",
        arrowprops={"arrowstyle": "-", "color": report.FG_LIGHT, "linewidth": 0.8, "shrinkB": 5},
    )
ax.set_xlim(-0.05, 1.05)
ax.set_ylim(-0.05, 1.05)
ax.set_xlabel('attention weight from "are" on "keys"', fontsize=11)
ax.set_ylabel("output change when the head is ablated", fontsize=11)
ax.tick_params(labelsize=11)
ax.yaxis.set_major_formatter(PercentFormatter(1.0))
ax.grid(True, linewidth=0.6)
report.figure(
    fig,
    "effect_vs_weight",
    alt=(
        "Scatter plot of four heads: x is the attention weight from 'are' on 'keys', y is "
        "the relative change of the output at 'are' when the head is ablated. Heads 0 "
        "and 3 sit at the bottom right (large weight, almost no effect), head 1 is in "
        f"the middle (weight {w_on[1]:.2f}, effect {effects[1]:.0%}), and head 2 is at the "
        f"top left (weight {w_on[2]:.2f} on 'keys', the largest effect, {effects[2]:.0%})."
    ),
    caption=(
        "Weight on a token does not predict how much a head matters: the two heads with the "
        'most weight on "keys" change the output least.'
    ),
)

# %% [markdown]
# ## The same test on a trained model (lesson 20's)

# %%
with report.output("trained"):
    # --8<-- [start:trained]
    model = trained_model()  # lesson 20's model, trained when the site was built
    ids = repeated_sequences(np.random.default_rng(2026), 64, 16, model.vocab_size)
    previous, induction = head_scores(model, ids)  # (layers, heads) each
    whole = copying_accuracy(model, ids)  # next token right in the second copy
    print("head   best score  copying without it")
    for layer in range(model.n_layers):
        for head in range(model.n_heads):
            score = max(previous[layer, head], induction[layer, head])
            kept = copying_accuracy(model, ids, ablate=[(layer, head)])
            print(f"L{layer + 1} H{head + 1} {score:11.2f} {kept:19.0%}")
    print(f"every head kept: {whole:.0%}")
    # --8<-- [end:trained]
kept = np.array(
    [[copying_accuracy(model, ids, [(la, h)]) for h in range(model.n_heads)] for la in range(2)]
)
inductive = [h for h in range(model.n_heads) if induction[1, h] > 0.5]
prev_head = np.unravel_index(int(np.argmax(previous)), previous.shape)
assert len(inductive) >= 2 and prev_head[0] == 0, "lesson 20's model: one prev-token head"
assert min(kept[1, h] for h in inductive) > whole - 0.05, "no single induction head is missed"
assert kept[prev_head] < 0.3, "the previous-token head is missed"
report.value("t_whole", whole, ".0%")
report.value("t_ind_count", len(inductive), "d")
report.value("t_ind_low", min(induction[1, h] for h in inductive), ".2f")
report.value("t_ind_kept", min(kept[1, h] for h in inductive), ".0%")
report.value("t_prev_head", prev_head[1] + 1, "d")
report.value("t_prev_kept", kept[prev_head], ".0%")
