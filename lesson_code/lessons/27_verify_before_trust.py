# %% [markdown]
# # Lesson 27: verify before you trust
#
# Re-running the claims of popular explanations of attention, then diagnosing three
# faulty attention layers: is the fault in the queries, the keys or the values?

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import init_projections, scaled_dot_product_attention, softmax
from lesson_code.plotting import text_colour_for
from lesson_code.topics.verify import (
    MYSTERY_TOKENS,
    contributions,
    diagnose,
    implied_third_weight,
    mean_top_weight,
    mystery_example,
    mystery_layer_a,
    mystery_layer_b,
    mystery_layer_c,
    reference_layer,
    score_spread,
    sink_example,
)
from lesson_code.topics.worked_examples import PUBLISHED_SCORES, published_weights

np.set_printoptions(precision=3, suppress=True)
report.style()

# %% [markdown]
# ## Claim 1: the trophy and the suitcase
# Quoted: scores 8.2 (trophy), 3.1 (suitcase), 2.4 (small) become, "after scaling and
# softmax", about 0.79 and 0.13 with small leftovers elsewhere.

# %%
with report.output("pronoun"):
    # --8<-- [start:pronoun]
    print("words            :", tuple(PUBLISHED_SCORES))  # scores 8.2, 3.1, 2.4
    print("no scaling       :", published_weights(d_k=None).round(3))
    print("divided by sqrt 8:", np.array2string(published_weights(d_k=8), precision=4))
    with_rest = published_weights(d_k=8, n_other=10)  # ten more tokens scoring 0
    print("+ ten tokens at 0:", with_rest[:3].round(3), "each other token:", with_rest[3].round(3))
    # --8<-- [end:pronoun]
raw, scaled = published_weights(d_k=None), published_weights(d_k=8)
assert np.allclose(raw, [0.991, 0.006, 0.003], atol=5e-4), f"unscaled weights {raw}"
assert np.allclose(scaled, [0.773, 0.127, 0.0995], atol=5e-4), f"scaled weights {scaled}"
assert abs(with_rest[0] - 0.54) < 0.01, f"trophy with ten zero-score tokens: {with_rest[0]}"
assert scaled[0] < 0.79, "even the three named words alone cannot give the trophy 0.79"
assert tuple(PUBLISHED_SCORES.values()) == (8.2, 3.1, 2.4)
for name, w in zip(("raw", "sc"), (raw, scaled), strict=True):
    for word, wi in zip(("trophy", "suitcase", "small"), w, strict=True):
        report.value(f"{name}_{word}", wi, ".3f" if name == "raw" or word != "small" else ".4f")
report.value("rest_trophy", with_rest[0], ".2f")
report.value("rest_suitcase", with_rest[1], ".3f")
report.value("rest_each", with_rest[3], ".3f")
report.value("rest_total", with_rest[3:].sum(), ".2f")

# %%
with report.output("implied"):
    # --8<-- [start:implied]
    w3, temperature = implied_third_weight(0.79, 0.13, *PUBLISHED_SCORES.values())
    print(f"scale implied by 0.79 / 0.13: {temperature:.3f}  (sqrt 8 = {np.sqrt(8):.3f})")
    print(f"weight 'small' must then get: {w3:.3f}")
    print(f"trophy + suitcase + small   : {0.79 + 0.13 + w3:.3f}")
    # --8<-- [end:implied]
assert abs(temperature - np.sqrt(8)) < 0.01, "the quoted ratio matches scaling by sqrt(8)"
assert 0.79 + 0.13 + w3 > 1, "the quoted weights cannot all hold: they sum past 1"
report.value("quoted_trophy", 0.79, ".2f")
report.value("quoted_suitcase", 0.13, ".2f")
report.value("implied_t", temperature, ".2f")
report.value("sqrt8", np.sqrt(8), ".2f")
report.value("implied_small", w3, ".2f")
report.value("implied_sum", 0.79 + 0.13 + w3, ".2f")

# %%
# Figure: the quoted weights against three recomputations.
scenarios = {
    "quoted": [0.79, 0.13, np.nan, np.nan],
    "no scaling": [*raw, 0.0],
    "÷ √8": [*scaled, 0.0],
    "÷ √8, ten more\ntokens at 0": [*with_rest[:3], with_rest[3:].sum()],
}
groups = ["trophy", "suitcase", "small", "ten others\n(total)"]
fig, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
width = 0.2
xpos = np.arange(len(groups))
for i, (label, ws) in enumerate(scenarios.items()):
    ws = np.array(ws, dtype=float)
    bars = ax.bar(
        xpos + (i - 1.5) * width, np.nan_to_num(ws), width, label=label.replace("\n", " ")
    )
    texts = [
        "" if np.isnan(v) or (v == 0 and j == 3) else f"{v:.2f}" if v >= 0.01 else f"{v:.3f}"
        for j, v in enumerate(ws)
    ]
    ax.bar_label(bars, labels=texts, fontsize=10, padding=2, rotation=90)
ax.set_xticks(xpos, groups)
ax.set_ylabel("weight of 'it'")
ax.set_ylim(0, 1.3)
ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
ax.legend(ncols=2, fontsize=10, loc="upper right")
ax.set_title("One quoted claim, three recomputations", fontsize=11)
report.figure(
    fig,
    "pronoun",
    alt=(
        "Grouped bar chart of the weight 'it' gives to trophy, suitcase, small and ten other "
        "tokens. Quoted: 0.79 and 0.13. Recomputed without scaling: "
        f"{raw[0]:.2f}, {raw[1]:.2f}, {raw[2]:.2f}. Divided by the square root of 8: "
        f"{scaled[0]:.2f}, {scaled[1]:.2f}, {scaled[2]:.2f}, so 'small' gets about as much as "
        f"the suitcase. With ten more tokens at score 0 the trophy falls to {with_rest[0]:.2f} "
        f"and the ten others share {with_rest[3:].sum():.2f}."
    ),
    caption="The quoted 0.79 and 0.13 match no complete recomputation: scaled by √8 the "
    "third word takes about 0.10, and the rest of the sentence takes more.",
)

# A quick sum check for the "check yourself" question.
claimed = [0.6, 0.3, 0.2, 0.05]
assert abs(sum(claimed) - 1) > 0.01, "the claimed weights must fail the sum-to-1 check"
report.value("claimed_list", ", ".join(f"{c:g}" for c in claimed[:-1]) + f" and {claimed[-1]:g}")
report.value("claimed_sum", sum(claimed), ".2f")

# %% [markdown]
# ## Claim 2: "divide the scores by d_k"

# %%
with report.output("scaling"):
    # --8<-- [start:scaling]
    print("  d_k   std(q.k)  std(/sqrt d_k)  std(/d_k)   top weight: /sqrt d_k   /d_k")
    for d_k in [4, 16, 64, 256, 1024]:
        spread = score_spread(d_k)
        top_sqrt = mean_top_weight(d_k, "sqrt")  # 10 keys: uniform would be 0.1
        top_lin = mean_top_weight(d_k, "linear")
        print(
            f"{d_k:5d} {spread['raw']:10.2f} {spread['sqrt']:15.2f} {spread['linear']:10.3f}"
            f" {top_sqrt:22.3f} {top_lin:7.3f}"
        )
    # --8<-- [end:scaling]
s_small, s_big = score_spread(4), score_spread(1024)
assert abs(s_big["raw"] / np.sqrt(1024) - 1) < 0.05, "std of q.k grows like sqrt(d_k)"
assert abs(s_big["sqrt"] - 1) < 0.05 and abs(s_small["sqrt"] - 1) < 0.05, "sqrt scaling: std 1"
assert s_big["linear"] < 0.05, "dividing by d_k shrinks the scores toward 0"
top_lin_big = mean_top_weight(1024, "linear")
assert top_lin_big < 0.11, f"/d_k: weights close to uniform (0.1), got {top_lin_big:.3f}"
report.value("std_raw_big", s_big["raw"], ".1f")
report.value("std_lin_big", s_big["linear"], ".3f")
top_sqrt_small, top_sqrt_big = mean_top_weight(4, "sqrt"), mean_top_weight(1024, "sqrt")
assert abs(top_sqrt_big - top_sqrt_small) < 0.05, "sqrt scaling: same sharpness at every size"
report.value("top_sqrt_small", top_sqrt_small, ".2f")
report.value("top_sqrt_big", top_sqrt_big, ".2f")
report.value("top_lin_big", top_lin_big, ".3f")

# %% [markdown]
# ## Claim 3: "the four steps"

# %%
with report.output("four_steps"):
    # --8<-- [start:four_steps]
    rng = np.random.default_rng(19)
    x = rng.normal(size=(5, 8))  # (n, d_model)
    w_q, w_k, w_v, _ = init_projections(8, seed=19)
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # step 1: project, (5, 8) each
    scores = q @ k.T  # step 2: score every pair, (5, 5)
    weights = softmax(scores / np.sqrt(k.shape[1]), axis=-1)  # step 3: scale, softmax by row
    output = weights @ v  # step 4: weighted sum of the values, (5, 8)
    same, _ = scaled_dot_product_attention(q, k, v)
    print("four steps == scaled_dot_product_attention:", np.allclose(output, same))
    wrong_axis = softmax(scores / np.sqrt(k.shape[1]), axis=0)  # softmax down the columns
    print("row sums with softmax over the wrong axis:", wrong_axis.sum(axis=1).round(2))
    # --8<-- [end:four_steps]
assert np.allclose(output, same), "the four steps are the whole of attention"
assert not np.allclose(wrong_axis.sum(axis=1), 1), "column softmax breaks the row sums"

# %% [markdown]
# ## Claim 5: "the weights explain what the model uses"

# %%
with report.output("sink"):
    # --8<-- [start:sink]
    tokens, q1, k1, v1 = sink_example()
    out1, w1 = scaled_dot_product_attention(q1, k1, v1)  # one query
    share = contributions(w1[0], v1)  # length of w_j * v_j
    for token, weight, c in zip(tokens, w1[0], share, strict=True):
        print(f"{token:8s} weight {weight:.3f}   adds a vector of length {c:.3f}")
    # --8<-- [end:sink]
assert w1[0].argmax() == 0 and share.argmax() == 2, "top weight is not top contribution"
report.value("sink_w", w1[0, 0], ".2f")
report.value("sink_c", share[0], ".2f")
report.value("cat_w", w1[0, 2], ".2f")
report.value("cat_c", share[2], ".2f")

# %% [markdown]
# ## Diagnosis: queries, keys or values?

# %%
with report.output("symptoms"):
    # --8<-- [start:symptoms]
    x, w_q, w_k, w_v = mystery_example()  # x (5, 4): "the cat sat on mat"
    out_ref, w_ref = reference_layer(x, w_q, w_k, w_v)
    print("correct weights:")
    print(w_ref)
    for name, layer in [("A", mystery_layer_a), ("B", mystery_layer_b), ("C", mystery_layer_c)]:
        out, w = layer(x, w_q, w_k, w_v)
        print(f"\nlayer {name} weights:")
        print(w)
        print(f"layer {name} output differs from correct by", np.abs(out - out_ref).max().round(3))
    # --8<-- [end:symptoms]
out_a, w_a = mystery_layer_a(x, w_q, w_k, w_v)
out_b, w_b = mystery_layer_b(x, w_q, w_k, w_v)
out_c, w_c = mystery_layer_c(x, w_q, w_k, w_v)
assert np.allclose(w_a, w_a[0]) and not np.allclose(w_ref, w_ref[0]), "A: identical rows"
assert w_b[:, -1].max() < 0.02 and w_ref[:, -1].min() > 0.05, "B: 'mat' loses its attention"
assert np.allclose(w_c, w_ref) and not np.allclose(out_c, out_ref), "C: weights fine, output wrong"
report.value("mat_ref_min", w_ref[:, -1].min(), ".2f")
report.value("mat_ref_max", w_ref[:, -1].max(), ".2f")
report.value("mat_bug_max", w_b[:, -1].max(), ".3f")
report.value("c_out_diff", np.abs(out_c - out_ref).max(), ".2f")

# %%
with report.output("diagnose"):
    # --8<-- [start:diagnose_run]
    for name, layer in [
        ("A", mystery_layer_a),
        ("B", mystery_layer_b),
        ("C", mystery_layer_c),
        ("reference", reference_layer),
    ]:
        found = diagnose(layer, x, w_q, w_k, w_v)
        print(f"{name:9s} -> {found.part:7s} {found.where}: {found.reason}")
    # --8<-- [end:diagnose_run]
verdicts = [
    diagnose(f, x, w_q, w_k, w_v).part
    for f in (mystery_layer_a, mystery_layer_b, mystery_layer_c, reference_layer)
]
assert verdicts == ["queries", "keys", "values", "none"], f"diagnoses: {verdicts}"

# %%
# Figure: the symptom gallery.
fig, axes = plt.subplots(2, 2, figsize=(5.8, 5.8), layout="constrained")
panels = [
    ("Correct layer", w_ref),
    ("A: identical rows", w_a),
    ("B: a dead column", w_b),
    ("C: weights look fine", w_c),
]
cmap = plt.get_cmap("viridis")
for ax, (title, w) in zip(axes.flat, panels, strict=True):
    image = ax.imshow(w, cmap=cmap, vmin=0, vmax=0.5)
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            ax.text(
                j,
                i,
                f"{w[i, j]:.2f}",
                ha="center",
                va="center",
                fontsize=9.5,
                color=text_colour_for(cmap(min(w[i, j] / 0.5, 1.0))),
            )
    ax.set_xticks(range(len(MYSTERY_TOKENS)), MYSTERY_TOKENS, fontsize=10, rotation=30, ha="right")
    ax.set_yticks(range(len(MYSTERY_TOKENS)), MYSTERY_TOKENS, fontsize=10)
    ax.set_title(title, fontsize=11)
    for spine in ax.spines.values():
        spine.set_visible(False)
fig.colorbar(image, ax=axes, shrink=0.6, label="weight (rows: queries, columns: keys)")
report.figure(
    fig,
    "symptoms",
    alt=(
        "Four 5 by 5 heatmaps of attention weights for 'the cat sat on mat', queries as rows "
        "and keys as columns. The correct layer's rows differ from each other. Layer A's "
        "five rows are identical, a query fault. Layer B's last column, the key of 'mat', is "
        f"dark in every row (at most {w_b[:, -1].max():.2f}), a key fault. Layer C's weights "
        "are identical to the correct ones, yet its output is wrong: a value fault."
    ),
    caption="Rows belong to queries, columns to keys, and a value fault never shows in the "
    "weights at all.",
)
