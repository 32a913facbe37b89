# %% [markdown]
# # Lesson 14: several short heads vs one long head
#
# The same four (d_model, d_model) matrices, read as one head of size 8 or as two heads
# of size 4. Two heads can follow two relations at once; one softmax row cannot.
# The hand-built example lives in `lesson_code/topics/heads.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.topics.heads import (
    one_head_tradeoff,
    param_count,
    relation_mass,
    relation_targets,
    two_relations,
)

report.style()

# %% [markdown]
# ## Same parameters, sliced differently

# %%
with report.output("params"):
    # --8<-- [start:params]
    d_model = 8
    for n_heads in [1, 2, 4, 8]:
        d_head = d_model // n_heads
        print(f"h = {n_heads}: d_head = {d_head}, weights = {param_count(d_model, n_heads)}")
    print("4 * d_model**2 =", 4 * d_model**2)
    # --8<-- [end:params]
for n_heads in [1, 2, 4, 8]:
    assert param_count(d_model, n_heads) == 4 * d_model**2, (
        f"{n_heads} heads should use 4 * {d_model}**2 weights, got {param_count(d_model, n_heads)}"
    )
assert param_count(512, 8) == param_count(512, 1) == 4 * 512**2, "the count must not depend on h"
report.value("d_model", d_model, "d")
report.value("n_params", 4 * d_model**2, "d")
report.value("n_params_512", param_count(512, 8), ",d")
report.value("per_head_512", 3 * 512 * (512 // 8), ",d")
report.value("n_params_768", param_count(768, 12), ",d")
report.value("d_head_768", 768 // 12, "d")

# %% [markdown]
# ## h * d_head = d_model is a convention
# W_O maps the h * d_head columns of the concatenated heads back to d_model, so other head
# sizes work too. Multi-query attention shares one key head and one value head among all
# query heads; grouped-query attention shares each key/value head within a group.


# %%
def projection_weights(d_model, n_heads, d_head, kv_heads=None):
    """Weights of W_Q, W_K, W_V and W_O for any head size and number of key/value heads.

    W_Q: (d_model, n_heads * d_head); W_K, W_V: (d_model, kv_heads * d_head);
    W_O: (n_heads * d_head, d_model). kv_heads defaults to n_heads (ordinary multi-head).
    """
    kv_heads = n_heads if kv_heads is None else kv_heads
    return d_model * n_heads * d_head + 2 * d_model * kv_heads * d_head + n_heads * d_head * d_model


with report.output("variants"):
    # --8<-- [start:variants]
    d_big, h_big = 512, 8
    variants = [
        ("usual: d_head = d_model / h", h_big, d_big // h_big, h_big),
        ("wider heads: d_head = 2 d_model / h", h_big, 2 * d_big // h_big, h_big),
        ("grouped-query: 2 key/value heads", h_big, d_big // h_big, 2),
        ("multi-query: 1 key/value head", h_big, d_big // h_big, 1),
    ]
    print(f"d_model = {d_big}, h = {h_big}")
    for name, h, d_head, kv in variants:
        print(f"{name:<38} d_head = {d_head:3d}: {projection_weights(d_big, h, d_head, kv):>9,d}")
    # --8<-- [end:variants]
counts = [projection_weights(d_big, h, dh, kv) for _, h, dh, kv in variants]
assert counts[0] == param_count(d_big, h_big), (
    "the usual sizes give lesson_code.topics.heads.param_count"
)
assert counts[1] > counts[0] > counts[2] > counts[3], f"other sizes change the count: {counts}"
assert all(projection_weights(d_big, h, d_big // h) == 4 * d_big**2 for h in (1, 2, 4, 8, 16)), (
    "with d_head = d_model / h the count does not depend on h"
)
report.value("n_params_wide", counts[1], ",d")
report.value("n_params_gqa", counts[2], ",d")
report.value("n_params_mqa", counts[3], ",d")

# %% [markdown]
# ## A sentence with two relations
# Head 0 should look at the previous token, head 1 at the other words of the same type.

# %%
example = two_relations()
words, types = example.words, example.types
n = len(words)
assert n == 8 and example.x.shape == (8, 8), f"expected 8 tokens of size 8, got {example.x.shape}"
for name in ("w_q", "w_k", "w_v", "w_o"):
    shape = getattr(example, name).shape
    assert shape == (d_model, d_model), f"{name} must be ({d_model}, {d_model}), got {shape}"
previous, same_type = relation_targets(types)
assert not np.any(previous & same_type), "the two relations must point at different tokens"

# The construction, step by step (numbers for the page).
x_ex, wq_ex, wk_ex = example.x, example.w_q, example.w_k
type_dots = x_ex[:, 0:2] @ x_ex[:, 0:2].T  # (8, 8) word-type arrow against word-type arrow
same = np.array([[a == b for b in types] for a in types])
assert np.allclose(type_dots[same], 1.0) and np.allclose(type_dots[~same], -0.5), "1 / -0.5"
step = np.degrees(np.arctan2(x_ex[1, 3], x_ex[1, 2]) - np.arctan2(x_ex[0, 3], x_ex[0, 2]))
assert np.allclose(np.linalg.norm(x_ex[:, 2:4], axis=1), 1), "position arrows have length 1"
assert np.allclose(wq_ex[4:8, :], 0) and np.allclose(wk_ex[4:8, :], 0), "meaning unused by q, k"
q_ex, k_ex = x_ex @ wq_ex, x_ex @ wk_ex  # (8, 8) each
prev_sharp = np.linalg.norm(q_ex[0, 0:2])  # head 0's query: a stretched position arrow
type_sharp = np.linalg.norm(q_ex[0, 4:6])  # head 1's query, columns 4-5: stretched type arrow
self_pen = -(q_ex[0, 6:8] @ k_ex[0, 6:8])  # head 1, columns 6-7: what a token costs itself
for i in range(n):
    for j in range(n):
        turn = np.radians(step) * (j - (i - 1))  # angle from the previous position to j
        assert np.isclose(q_ex[i, 0:2] @ k_ex[j, 0:2], prev_sharp * np.cos(turn)), "head 0 rule"
        type_part = q_ex[i, 4:6] @ k_ex[j, 4:6]
        assert np.isclose(type_part, type_sharp * type_dots[i, j]), "head 1, type rule"
        pen = q_ex[i, 6:8] @ k_ex[j, 6:8]
        assert np.isclose(pen, -self_pen * np.cos(np.radians(step) * (j - i))), "penalty rule"
assert np.allclose(example.w_v, np.eye(d_model)) and np.allclose(example.w_o, np.eye(d_model))
report.value("type_angle", np.degrees(np.arccos(type_dots[~same].mean())), ".0f")
report.value("type_same", type_dots[same].mean(), "g")
report.value("type_diff", type_dots[~same].mean(), "g")
report.value("pos_step_deg", step, ".0f")
report.value("prev_sharp", prev_sharp, "g")
report.value("type_sharp", type_sharp, "g")
report.value("type_score_same", type_sharp * 1.0, "g")
report.value("type_score_diff", type_sharp * -0.5, "g")
report.value("self_pen", self_pen, "g")
report.value("sqrt_dhead", np.sqrt(d_model // 2), "g")

with report.output("two_heads"):
    # --8<-- [start:two_heads]
    out2, w2 = example.attend(n_heads=2)  # the four matrices read as 2 heads of size 4
    print("weights shape:", w2.shape)  # (heads, queries, keys)
    query = words.index("dog")
    print("query:", words[query])
    print("key:      " + " ".join(f"{w:>6}" for w in words))
    for head in range(2):
        print(f"head {head}:  " + " ".join(f"{v:6.2f}" for v in w2[head, query]))
    # --8<-- [end:two_heads]
assert w2.shape == (2, n, n), f"two heads give two (8, 8) weight matrices, got {w2.shape}"
assert np.allclose(w2.sum(axis=-1), 1.0), "every row of every head must sum to 1"
prev2 = relation_mass(w2[0], previous)[1:]  # query 0 has no previous token
same2 = relation_mass(w2[1], same_type)[1:]
assert prev2.min() > 0.9, f"head 0 should follow the previous token, min weight {prev2.min()}"
assert same2.min() > 0.9, f"head 1 should follow the same-type words, min weight {same2.min()}"
report.value("dog_prev2", w2[0, query, query - 1], ".2f")
report.value("dog_cat2", w2[1, query, words.index("cat")], ".2f")
report.value("dog_birds2", w2[1, query, words.index("birds")], ".2f")
report.value("prev2_mean", prev2.mean(), ".2f")
report.value("same2_mean", same2.mean(), ".2f")

# %% [markdown]
# ## The same matrices as one head of size 8

# %%
with report.output("one_head"):
    # --8<-- [start:one_head]
    out1, w1 = example.attend(n_heads=1)  # same four matrices, one head of size 8
    print("weights shape:", w1.shape)
    print("key:      " + " ".join(f"{w:>6}" for w in words))
    print("one head: " + " ".join(f"{v:6.2f}" for v in w1[0, query]))
    # --8<-- [end:one_head]
assert w1.shape == (1, n, n), f"one head gives one (8, 8) weight matrix, got {w1.shape}"
prev1 = relation_mass(w1[0], previous)
same1 = relation_mass(w1[0], same_type)
assert np.all(prev1 + same1 <= 1 + 1e-12), "one row cannot put more than 1 on two disjoint sets"
self_weight = w1[0, query, query]
assert self_weight == w1[0, query].max(), "the one-head row for 'dog' should peak on 'dog' itself"
report.value("dog_self1", self_weight, ".2f")
report.value("dog_prev1", w1[0, query, query - 1], ".2f")
report.value("dog_cat1", w1[0, query, words.index("cat")], ".2f")
report.value("prev1_mean", prev1[1:].mean(), ".2f")
report.value("same1_mean", same1[1:].mean(), ".2f")
self1_mean = np.diag(w1[0])[1:].mean()
report.value("self1_mean", self1_mean, ".2f")

# %% [markdown]
# Why "dog" itself: split each one-head score into the part from query/key columns 0-3
# (the previous-token head) and the part from columns 4-7 (the same-type head).

# %%
with report.output("score_parts"):
    # --8<-- [start:score_parts]
    q = example.x @ example.w_q  # (8, 8) queries
    k = example.x @ example.w_k  # (8, 8) keys
    print("key      cols 0-3   cols 4-7      sum")
    for key in ["a", "dog", "cat", "birds"]:
        j = words.index(key)
        part0 = q[query, :4] @ k[j, :4]  # what head 0 would score
        part1 = q[query, 4:] @ k[j, 4:]  # what head 1 would score
        print(f"{key:<6} {part0:10.1f} {part1:10.1f} {part0 + part1:8.1f}")
    # --8<-- [end:score_parts]
q_full = example.x @ example.w_q
k_full = example.x @ example.w_k
parts = {
    key: (
        q_full[query, :4] @ k_full[words.index(key), :4],
        q_full[query, 4:] @ k_full[words.index(key), 4:],
    )
    for key in ("a", "dog", "cat")
}
total = {key: sum(v) for key, v in parts.items()}
assert max(total, key=total.get) == "dog" and all(
    total["dog"] > (q_full[query] @ k_full[j]) for j in range(n) if j != query
), "the summed score of 'dog' is the highest in its own row"
assert parts["a"][0] > parts["dog"][0], "head 0's part must prefer the previous token 'a'"
assert parts["a"][1] < 0, "head 1's part must dislike 'a' (wrong type, close by)"
assert total["dog"] > total["cat"] > total["a"], f"one-head sums should rank dog > cat > a: {total}"
report.value("part_a0", parts["a"][0], ".1f")
report.value("part_a1", parts["a"][1], ".1f")
report.value("part_dog0", parts["dog"][0], ".1f")
report.value("part_dog1", parts["dog"][1], ".1f")
report.value("sum_a", total["a"], ".1f")
report.value("sum_dog", total["dog"], ".1f")
report.value("part_cat0", parts["cat"][0], ".1f")
report.value("part_cat1", parts["cat"][1], ".1f")
report.value("sum_cat", total["cat"], ".1f")

# %%
with report.output("masses"):
    # --8<-- [start:masses]
    print("mean weight on:     previous  same type")  # over queries 2..8
    print(f"one head of 8      {prev1[1:].mean():9.2f} {same1[1:].mean():10.2f}")
    print(f"two heads of 4     {prev2.mean():9.2f} {same2.mean():10.2f}")
    # --8<-- [end:masses]
assert prev1[1:].mean() < 0.5 and same1[1:].mean() < 0.5, "one head should follow neither well"

# %% [markdown]
# ## Per-head heatmaps

# %%
fig, axes = plt.subplots(2, 2, figsize=(5.2, 5.6), layout="constrained")
panels = [
    (axes[0, 0], w2[0], "two heads: head 0"),
    (axes[0, 1], w2[1], "two heads: head 1"),
    (axes[1, 0], w1[0], "one head of size 8"),
]
for ax, w, title in panels:
    image = ax.imshow(w, cmap="viridis", vmin=0, vmax=1)
    ax.set_title(title, fontsize=12)
    ax.set_xticks(range(n), words, rotation=90, fontsize=11)
    ax.set_yticks(range(n), words, fontsize=11)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
axes[1, 0].set_xlabel("key", fontsize=11)
axes[1, 0].set_ylabel("query", fontsize=11)
axes[0, 0].set_ylabel("query", fontsize=11)
axes[1, 1].axis("off")
bar = fig.colorbar(image, ax=axes[1, 1], location="left", fraction=0.12, shrink=0.9)
bar.set_label("weight", fontsize=11)
bar.ax.tick_params(labelsize=11)
bar.outline.set_visible(False)
report.figure(
    fig,
    "heatmaps",
    alt=(
        "Three 8-by-8 attention heatmaps over 'the cat saw a dog chase some birds', rows "
        "are queries and columns keys. Head 0 of the two-head reading is a bright "
        "diagonal just below the main diagonal: every word looks at the previous word. "
        "Head 1 is a checkerboard of "
        "bright cells linking words of the same type (cat, dog, birds; the, a, some; saw, "
        "chase) and a dark main diagonal. The one-head reading of the same matrices is "
        "bright mostly on the main diagonal, so each word looks at itself, which neither "
        "relation asks for."
    ),
    caption=(
        "The same four matrices read as two heads (top) or as one head (bottom). "
        "Two heads give two patterns; one head gives one compromise."
    ),
)

# %% [markdown]
# ## No single row can follow both relations
# Sweep the balance between the two parts of the query for a single head and record
# the mean weight on each relation.

# %%
mixes = np.linspace(0, 1, 41)
curves = {scale: one_head_tradeoff(example, mixes, overall=scale) for scale in (1.0, 3.0)}
for scale, curve in curves.items():
    assert np.all(curve.sum(axis=1) <= 1 + 1e-12), f"one head (x{scale}) broke the A + B <= 1 bound"
best_single = max(c.min(axis=1).max() for c in curves.values())
assert best_single <= 0.5, f"one head cannot reach more than 0.5 on both, got {best_single}"
report.value("best_single", best_single, ".2f")

fig, ax = plt.subplots(figsize=(4.8, 5.4), layout="constrained")
line = np.linspace(0, 1, 2)
ax.fill_between(line, 0, 1 - line, color=report.FG_LIGHTEST, alpha=0.5, linewidth=0)
ax.plot(line, 1 - line, color=report.FG_LIGHT, linestyle="--", linewidth=1.2)
ax.text(
    0.5,
    0.53,
    "A + B = 1",
    rotation=-45,
    fontsize=11,
    color=report.FG_LIGHT,
    ha="center",
    va="bottom",
    rotation_mode="anchor",
)
for (scale, curve), colour in zip(curves.items(), report.PALETTE, strict=False):
    ax.plot(
        curve[:, 0],
        curve[:, 1],
        color=colour,
        marker="o",
        markersize=3,
        label=f"one head, query scale x{scale:g}",
    )
ax.plot(
    [prev2.mean()],
    [same2.mean()],
    marker="*",
    markersize=16,
    linestyle="none",
    color=report.PALETTE[2],
    label="two heads (head 0, head 1)",
)
ax.set_xlim(0, 1.05)
ax.set_ylim(0, 1.05)
ax.set_xlabel("A: mean weight on the previous token", fontsize=11)
ax.set_ylabel("B: mean weight on same-type words", fontsize=11)
ax.tick_params(labelsize=11)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=11, ncols=1)
ax.set_aspect("equal")
report.figure(
    fig,
    "tradeoff",
    alt=(
        "Scatter plot with the weight on the previous token on the x axis and the weight "
        "on other same-type words on the y axis. Two curves for single heads with "
        "different balances between the two relations stay inside the triangle below the "
        "dashed line where the two weights add up to 1. The two-head model is a star near "
        "the top-right corner, far outside that triangle."
    ),
    caption=(
        "Every single head lives below the dashed line: weight given to one relation is "
        "taken from the other. Two heads reach the top-right corner."
    ),
)

# %%
# The page's widget: pick a head and see its whole weight matrix.
report.widget(
    "heads",
    "head-picker",
    {
        "words": list(words),
        "heads": [
            {
                "label": label,
                "weights": w,
                "previous": relation_mass(w, previous)[1:].mean(),
                "same_type": relation_mass(w, same_type)[1:].mean(),
            }
            for label, w in (
                ("Two heads: head 0", w2[0]),
                ("Two heads: head 1", w2[1]),
                ("One head of size 8", w1[0]),
            )
        ],
        "start": 0,
    },
    label="Try it: pick a head",
    caption="The same four matrices read as two heads of size 4 or as one head of size 8.",
)
