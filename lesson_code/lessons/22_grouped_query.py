# %% [markdown]
# # Lesson 22: sharing keys and values (multi-query and grouped-query attention)
#
# A model that generates text keeps the keys and values of every head of every layer in a
# cache. Letting several query heads share one key head and one value head shrinks that
# cache. This script measures how much for published models, runs
# `grouped_query_attention`, counts parameters, and converts the small model trained in
# lesson 20 to shared keys and values to see what the sharing costs it.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    grouped_query_attention,
    multi_head_attention,
)
from lesson_code.learned import (
    copying_accuracy,
    head_scores,
    repeated_sequences,
    trained_model,
)
from lesson_code.plotting import text_colour_for
from lesson_code.topics.grouped_query import (
    attention_parameters,
    cosine_matrix,
    divisors,
    head_blocks,
    kv_head_of,
    mean_pool_heads,
    pooled_model,
    repeat_kv_columns,
)
from lesson_code.topics.kv_cache import format_bytes, model_cache_bytes
from lesson_code.topics.published_models import MODELS, model

report.style()
GB = 1e9  # bytes in a gigabyte (decimal, as memory is sold)

# %% [markdown]
# ## What the cache holds, for published models

# %%
with report.output("cache"):
    # --8<-- [start:cache]
    print(f"{'model':<12}{'q':>3}{'kv':>4}{'kB/tok':>7}{'GB':>8}{'MHA GB':>8}")
    for shape in MODELS:  # 16-bit numbers: 2 bytes each
        per_token = model_cache_bytes(shape, tokens=1)
        full = model_cache_bytes(shape, tokens=shape.context)
        mha = model_cache_bytes(shape, tokens=shape.context, n_kv_heads=shape.n_heads)
        print(
            f"{shape.name:<12}{shape.n_heads:>3}{shape.n_kv_heads:>4}"
            f"{per_token / 1e3:>7.0f}{full / GB:>8.2f}{mha / GB:>8.2f}"
        )
    # --8<-- [end:cache]
llama = model("Llama 2 70B")
falcon = model("Falcon 7B")
llama3 = model("Llama 3 8B")
llama_full = model_cache_bytes(llama, llama.context)
llama_mha = model_cache_bytes(llama, llama.context, n_kv_heads=llama.n_heads)
assert llama_mha == llama_full * llama.n_heads // llama.n_kv_heads
report.value("llama_heads", llama.n_heads, "d")
report.value("llama_kv", llama.n_kv_heads, "d")
report.value("llama_layers", llama.n_layers, "d")
report.value("llama_group", llama.n_heads // llama.n_kv_heads, "d")
report.value("llama_context", llama.context, ",d")
report.value("llama_dhead", llama.d_head, "d")
report.value("llama_token_kb", model_cache_bytes(llama, 1) / 1e3, ".0f")
report.value("llama_gb", llama_full / GB, ".2f")
report.value("llama_mha_gb", llama_mha / GB, ".1f")
report.value("llama_gib", format_bytes(llama_full))  # lesson 21's binary units
report.value("falcon_heads", falcon.n_heads, "d")
report.value("falcon_token_kb", model_cache_bytes(falcon, 1) / 1e3, ".0f")
report.value("falcon_mha_token_kb", model_cache_bytes(falcon, 1, n_kv_heads=71) / 1e3, ".0f")
report.value("llama3_kv", llama3.n_kv_heads, "d")
report.value("llama3_heads", llama3.n_heads, "d")
llama7 = model("Llama 2 7B")
report.value("llama7_token_kb", model_cache_bytes(llama7, 1) / 1e3, ".0f")
report.value("llama3_token_kb", model_cache_bytes(llama3, 1) / 1e3, ".0f")

# %% [markdown]
# ## Cache size against the number of key/value heads, for one model

# %%
counts = divisors(llama.n_heads)  # 1, 2, 4, ..., 64
sizes = [model_cache_bytes(llama, llama.context, n_kv_heads=c) / GB for c in counts]
fig, ax = plt.subplots(figsize=(6.0, 3.6), layout="constrained")
colours = [report.PALETTE[1] if c == llama.n_kv_heads else report.PALETTE[0] for c in counts]
bars = ax.bar([str(c) for c in counts], sizes, color=colours)
ax.bar_label(bars, labels=[f"{s:.2f}" for s in sizes], fontsize=11, padding=2)
ax.set_ylim(0, max(sizes) * 1.15)
ax.set_xlabel("key/value heads (of 64 query heads)")
ax.set_ylabel("cache (GB)")
ax.set_title(f"Llama 2 70B, {llama.context} tokens, 16-bit", fontsize=12)
report.figure(
    fig,
    "cache_vs_groups",
    alt=(
        f"Bar chart of the key-value cache of Llama 2 70B for one {llama.context}-token "
        f"sequence against the number of key/value heads, each divisor of 64. The cache "
        f"halves with each halving of the count: {sizes[-1]:.1f} GB with 64 (multi-head), "
        f"{llama_full / GB:.2f} GB with the published 8 (highlighted), {sizes[0]:.2f} GB "
        "with 1 (multi-query)."
    ),
    caption="The cache is proportional to the number of key/value heads. The published "
    "model uses 8 (orange).",
)
report.value("llama_mqa_gb", sizes[0], ".2f")

# %%
report.widget(
    "groups_llama",
    "gqa-groups",
    {
        "name": llama.name,
        "n_heads": llama.n_heads,
        "n_layers": llama.n_layers,
        "d_head": llama.d_head,
        "tokens": llama.context,
        "bytes_per_number": 2,
        "counts": divisors(llama.n_heads),
        "start": llama.n_kv_heads,
    },
    label="Try it: choose the number of key/value heads",
    caption="Each box is one of Llama 2 70B's query heads, numbered with the key/value head "
    "it reads.",
)

# %% [markdown]
# ## Which query head reads which key/value head

# %%
n_demo = 8
fig, ax = plt.subplots(figsize=(6.0, 3.0), layout="constrained")
rows = [8, 4, 2, 1]
grid = np.array([kv_head_of(n_demo, r) for r in rows])  # (4, 8) kv head of each query head
for i in range(len(rows)):
    for h in range(n_demo):
        colour = report.PALETTE[grid[i, h] % len(report.PALETTE)]
        ax.add_patch(plt.Rectangle((h + 0.06, i + 0.08), 0.88, 0.84, color=colour))
        ink = text_colour_for(to_rgb(colour))  # black or white, whichever reads better
        ax.text(h + 0.5, i + 0.5, str(grid[i, h] + 1), ha="center", va="center", color=ink)
ax.set_xlim(0, n_demo)
ax.set_ylim(len(rows), 0)
ax.set_xticks(np.arange(n_demo) + 0.5, [str(h + 1) for h in range(n_demo)])
ax.set_yticks(np.arange(len(rows)) + 0.5, [f"{r} kv" for r in rows])
ax.set_xlabel("query head")
ax.tick_params(length=0)
for side in ax.spines.values():
    side.set_visible(False)
ax.grid(False)
report.figure(
    fig,
    "groups",
    alt=(
        "A grid with one row per choice of key/value heads for 8 query heads: 8, 4, 2 and 1. "
        "Each cell is a query head, numbered and coloured by the key/value head it reads. "
        "With 8 every head has its own; with 4 heads 1-2, 3-4, 5-6, 7-8 share; with 2 the "
        "first four and the last four share; with 1 all eight read the same one."
    ),
    caption="Eight query heads. The number in each cell is the key/value head it reads: "
    "consecutive heads form a group.",
)

# %% [markdown]
# ## Grouped-query attention on a small example

# %%
with report.output("shapes"):
    # --8<-- [start:shapes]
    rng = np.random.default_rng(22)
    n, d_model, n_heads, n_kv_heads = 5, 8, 4, 2
    d_head = d_model // n_heads  # 2
    x = rng.normal(size=(n, d_model))  # 5 tokens
    w_q, w_o = (rng.normal(0, 0.5, (d_model, d_model)) for _ in range(2))
    w_k, w_v = (rng.normal(0, 0.5, (d_model, n_kv_heads * d_head)) for _ in range(2))
    out, weights = grouped_query_attention(
        x, w_q, w_k, w_v, w_o, n_heads, n_kv_heads, causal_mask(n)
    )
    print("w_q", w_q.shape, " w_k", w_k.shape, " w_v", w_v.shape)
    print("keys to cache:", (x @ w_k).shape, "instead of", (x @ w_q).shape)
    print("output", out.shape, " weights", weights.shape)
    # the same layer as multi-head attention whose key/value columns are copied per group
    wide_k = repeat_kv_columns(w_k, n_heads, n_kv_heads)  # (8, 8)
    wide_v = repeat_kv_columns(w_v, n_heads, n_kv_heads)
    same, _ = multi_head_attention(x, w_q, wide_k, wide_v, w_o, n_heads, causal_mask(n))
    print(f"vs multi-head with copied columns: max diff {np.abs(out - same).max():.1e}")
    # with one key/value head per query head it is multi-head attention itself
    full_k, full_v = (rng.normal(0, 0.5, (d_model, d_model)) for _ in range(2))
    gqa_full, _ = grouped_query_attention(
        x, w_q, full_k, full_v, w_o, n_heads, n_heads, causal_mask(n)
    )
    mha, _ = multi_head_attention(x, w_q, full_k, full_v, w_o, n_heads, causal_mask(n))
    print(f"n_kv_heads = n_heads vs multi-head: max diff {np.abs(gqa_full - mha).max():.1e}")
    # --8<-- [end:shapes]
assert np.abs(out - same).max() < 1e-12 and np.abs(gqa_full - mha).max() < 1e-12
report.value("demo_heads", n_heads, "d")
report.value("demo_kv", n_kv_heads, "d")
report.value("demo_dmodel", d_model, "d")

# %% [markdown]
# ## Multi-query attention still has one pattern per head

# %%
with report.output("mqa_patterns"):
    # --8<-- [start:mqa_patterns]
    w_k1, w_v1 = (rng.normal(0, 0.5, (d_model, d_head)) for _ in range(2))  # ONE kv head
    _, w_mqa = grouped_query_attention(x, w_q, w_k1, w_v1, w_o, n_heads, 1, causal_mask(n))
    print("weights", w_mqa.shape)
    print("last token's row in each head:")
    for h in range(n_heads):
        print(f"head {h + 1}:", np.round(w_mqa[h, -1], 2))
    # --8<-- [end:mqa_patterns]
top_keys = {int(np.argmax(w_mqa[h, -1])) for h in range(n_heads)}
assert len(top_keys) >= 2, "the lesson says the heads look at different tokens"
report.value("mqa_top_count", len(top_keys), "d")

# %% [markdown]
# ## Parameters of one attention layer

# %%
with report.output("parameters"):
    # --8<-- [start:parameters]
    d = llama.d_model  # 64 heads x 128 = 8192
    full = attention_parameters(d, llama.n_heads, llama.n_heads)
    print(f"Llama 2 70B, one layer, d_model {d}:")
    for n_kv in (64, 8, 1):
        count = attention_parameters(d, llama.n_heads, n_kv)
        print(f"{n_kv:>3} kv heads: {count / 1e6:6.1f} million ({count / full:.0%})")
    # --8<-- [end:parameters]
p8 = attention_parameters(d, llama.n_heads, 8)
p1 = attention_parameters(d, llama.n_heads, 1)
report.value("llama_dmodel", d, ",d")
report.value("params_mha_m", full / 1e6, ".0f")
report.value("params_8_m", p8 / 1e6, ".0f")
report.value("params_8_pct", p8 / full, ".0%")
report.value("params_1_pct", p1 / full, ".0%")

# %% [markdown]
# ## Converting lesson 20's trained model: mean-pool the keys and values of each group

# %%
with report.output("conversion"):
    # --8<-- [start:conversion]
    tiny = trained_model()  # lesson 20's model: 2 layers x 4 heads, kept on disk
    ids = repeated_sequences(np.random.default_rng(2026), 64, 16, tiny.vocab_size)
    print("kv     cache  copying right, pooled in")
    print("heads   kept" + "".join(f"{name:>9}" for name in ("layer 1", "layer 2", "both")))
    for n_kv in (4, 2, 1):
        row = [
            copying_accuracy(pooled_model(tiny, n_kv, layers), ids) for layers in ([0], [1], [0, 1])
        ]
        print(f"{n_kv:>5}{n_kv / tiny.n_heads:>7.0%}" + "".join(f"{a:>9.0%}" for a in row))
    # --8<-- [end:conversion]
accuracy = {
    (n_kv, which): copying_accuracy(pooled_model(tiny, n_kv, layers), ids)
    for n_kv in (4, 2, 1)
    for which, layers in (("l1", [0]), ("l2", [1]), ("both", [0, 1]))
}
whole = copying_accuracy(tiny, ids)
assert accuracy[4, "both"] == whole, "one head per group is the original model"
assert accuracy[1, "both"] < 0.2 and accuracy[2, "both"] < accuracy[4, "both"] - 0.3
assert accuracy[2, "l2"] < whole - 0.3, "the lesson says layer 2 alone already loses much"

# The pooled model runs as multi-head attention with copied columns; check it computes what
# grouped_query_attention computes with the narrow matrices, on layer 2 of one sequence.
pooled = pooled_model(tiny, 2, [1])
run = pooled.run(ids[0])
narrow = {c: mean_pool_heads(tiny.params[f"1.w_{c}"], tiny.n_heads, 2) for c in "kv"}
layer_out, _ = grouped_query_attention(
    run.streams[1],
    tiny.params["1.w_q"],
    narrow["k"],
    narrow["v"],
    tiny.params["1.w_o"],
    tiny.n_heads,
    2,
    causal_mask(len(ids[0])),
)
assert np.allclose(run.streams[2], run.streams[1] + layer_out)

for key, value in accuracy.items():
    report.value(f"acc_{key[0]}_{key[1]}", value, ".0%")
report.value("tiny_dhead", tiny.d_model // tiny.n_heads, "d")
report.value("tiny_layers", tiny.n_layers, "d")
report.value("tiny_heads", tiny.n_heads, "d")
report.value("chance", 1 / tiny.vocab_size, ".0%")

# %%
with report.output("conversion_scores"):
    # --8<-- [start:conversion_scores]
    previous, induction = head_scores(tiny, ids)
    prev_head = np.unravel_index(np.argmax(previous), previous.shape)  # in layer 1
    print("both layers pooled: the previous-token")
    print("head's score, layer 2's mean induction")
    print("kv heads  previous  induction")
    for n_kv in (4, 2, 1):
        prev, ind = head_scores(pooled_model(tiny, n_kv, [0, 1]), ids)
        print(f"{n_kv:>8}{prev[prev_head]:>10.2f}{ind[1].mean():>11.2f}")
    # --8<-- [end:conversion_scores]
scores = {n_kv: head_scores(pooled_model(tiny, n_kv, [0, 1]), ids) for n_kv in (4, 2, 1)}
scores_l2 = {n_kv: head_scores(pooled_model(tiny, n_kv, [1]), ids) for n_kv in (4, 2, 1)}
report.value("prev_layer_head", prev_head[1] + 1, "d")
for n_kv in (4, 2, 1):
    report.value(f"prev_{n_kv}", scores[n_kv][0][prev_head], ".2f")
    report.value(f"ind_{n_kv}", scores[n_kv][1][1].mean(), ".2f")
    report.value(f"ind_l2_{n_kv}", scores_l2[n_kv][1][1].mean(), ".2f")
report.value("ind_min", induction[1].min(), ".2f")
report.value("ind_max", induction[1].max(), ".2f")
assert induction[1].min() > 0.5, "the lesson says all four heads of layer 2 are induction heads"
assert scores_l2[2][1][1].mean() < 0.4

# %%
fig, ax = plt.subplots(figsize=(6.0, 3.8), layout="constrained")
kv_counts = [4, 2, 1]
for which, label, colour, marker in (
    ("both", "both layers", report.PALETTE[0], "o"),
    ("l2", "layer 2 only", report.PALETTE[1], "s"),
    ("l1", "layer 1 only", report.PALETTE[2], "^"),
):
    ax.plot(
        [c / tiny.n_heads for c in kv_counts],
        [accuracy[c, which] for c in kv_counts],
        marker=marker,
        color=colour,
        label=label,
    )
ax.axhline(1 / tiny.vocab_size, color=report.FG_LIGHT, linestyle="--", linewidth=1)
ax.text(0.62, 1 / tiny.vocab_size + 0.02, "guessing", fontsize=11, color=report.FG_LIGHT)
ax.set_xticks([0.25, 0.5, 1.0], ["1 kv\n25%", "2 kv\n50%", "4 kv\n100%"])
ax.set_xlim(0.2, 1.05)
ax.set_ylim(0, 1)
ax.set_xlabel("key/value heads (cache kept)")
ax.set_ylabel("copying right")
ax.legend(fontsize=11, loc="upper left")
report.figure(
    fig,
    "quality_vs_cache",
    alt=(
        "Line chart of the trained model's copying accuracy against the cache kept, for "
        "key/value heads pooled in layer 1 only, layer 2 only, or both. All start at "
        f"{whole:.0%} with 4 key/value heads (the original). With 2 they fall to "
        f"{accuracy[2, 'l1']:.0%}, {accuracy[2, 'l2']:.0%} and {accuracy[2, 'both']:.0%}; "
        f"with 1 to {accuracy[1, 'l1']:.0%}, {accuracy[1, 'l2']:.0%} and "
        f"{accuracy[1, 'both']:.0%}, near guessing when both layers share."
    ),
    caption="Mean-pooling without further training: every halving of the cache costs "
    "accuracy, in either layer.",
)

# %% [markdown]
# ## Why redundant heads do not survive pooling

# %%
with report.output("why"):
    # --8<-- [start:why]
    w_q, w_k = tiny.params["1.w_q"], tiny.params["1.w_k"]  # layer 2
    keys = head_blocks(w_k, tiny.n_heads)  # 4 blocks (d_model, d_head)
    circuits = [q @ k.T for q, k in zip(head_blocks(w_q, tiny.n_heads), keys, strict=True)]
    key_cos, circuit_cos = cosine_matrix(keys), cosine_matrix(circuits)  # (4, 4) each
    print("layer 2, cosine between two heads'")
    print("heads   W_K   W_Q W_Kᵀ")
    for a, b in zip(*np.triu_indices(tiny.n_heads, 1), strict=True):  # each pair once
        print(f"{a + 1} & {b + 1}{key_cos[a, b]:>7.2f}{circuit_cos[a, b]:>9.2f}")
    # --8<-- [end:why]
upper = np.triu_indices(tiny.n_heads, 1)
key_cos, circuit_cos = key_cos[upper], circuit_cos[upper]
assert np.abs(key_cos).max() < 0.4 and circuit_cos.min() > 0.6
report.value("key_cos_max", np.abs(key_cos).max(), ".2f")
report.value("circuit_cos_min", circuit_cos.min(), ".2f")
report.value("circuit_cos_max", circuit_cos.max(), ".2f")
report.value("pair_count", len(key_cos), "d")

# %%
with report.output("keys_or_values"):
    # --8<-- [start:keys_or_values]
    print("layer 2, 1 kv head  copying  induction")
    for which, name in (("k", "keys only"), ("v", "values only"), ("kv", "both")):
        converted = pooled_model(tiny, 1, [1], which=which)
        _, ind = head_scores(converted, ids)
        print(f"{name:<18}{copying_accuracy(converted, ids):>8.0%}{ind[1].mean():>11.2f}")
    # --8<-- [end:keys_or_values]
only = {w: pooled_model(tiny, 1, [1], which=w) for w in ("k", "v")}
acc_k, acc_v = (copying_accuracy(only[w], ids) for w in ("k", "v"))
ind_v = head_scores(only["v"], ids)[1][1]
assert np.allclose(ind_v, induction[1]), "values do not change the patterns"
assert acc_v < whole - 0.2, "the lesson says pooled values cost accuracy on their own"
report.value("acc_k_only", acc_k, ".0%")
report.value("acc_v_only", acc_v, ".0%")
report.value("ind_k_only", head_scores(only["k"], ids)[1][1].mean(), ".2f")
report.value("copy_whole", whole, ".0%")
report.value("ind_whole", induction[1].mean(), ".2f")

# %%
report.widget(
    "groups_tiny",
    "gqa-groups",
    {
        "name": "Lesson 20's model",
        "n_heads": tiny.n_heads,
        "n_layers": tiny.n_layers,
        "d_head": tiny.d_model // tiny.n_heads,
        "tokens": ids.shape[1],
        "bytes_per_number": 2,
        "counts": divisors(tiny.n_heads),
        "start": tiny.n_heads,
        "accuracy": {str(c): accuracy[c, "both"] for c in divisors(tiny.n_heads)},
    },
    label="Try it: pool lesson 20's model",
    caption="Both layers mean-pooled to the chosen number of key/value heads, measured on "
    "the same sequences as above.",
)
