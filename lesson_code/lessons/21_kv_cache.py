# %% [markdown]
# # Lesson 21: generating text, the KV cache
#
# A causal model writes one token at a time. Each new token needs the keys and values of
# every earlier token, and those never change, so we keep them: a key-value cache. This
# script checks that decoding with the cache gives exactly causal multi-head attention,
# counts the work per token with and without the cache, and sizes the cache of published
# models. The helpers are in `lesson_code.attention` (`KVCache`, `decode_step`,
# `decode_with_kv_cache`) and `lesson_code.topics.kv_cache`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    KVCache,
    causal_mask,
    decode_step,
    decode_with_kv_cache,
    init_projections,
    multi_head_attention,
)
from lesson_code.topics.kv_cache import (
    decode_without_cache,
    format_bytes,
    kv_cache_bytes,
    model_cache_bytes,
    step_multiply_adds,
    total_multiply_adds,
)
from lesson_code.topics.published_models import MODELS, model

report.style()
SEED = 21

# %% [markdown]
# ## Decode six tokens one at a time and watch the cache grow

# %%
with report.output("grow"):
    # --8<-- [start:grow]
    n, d_model, n_heads = 6, 8, 2
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(n, d_model))  # six tokens, in the order they arrive
    w_q, w_k, w_v, w_o = init_projections(d_model, seed=SEED)
    cache = KVCache(n_heads, d_model // n_heads)  # empty: (2, 0, 4) keys and values
    rows = []
    for t in range(n):
        rows.append(decode_step(x[t], cache, w_q, w_k, w_v, w_o, n_heads))  # (8,)
        print(f"token {t}: keys {cache.keys.shape}, values {cache.values.shape}")
    cached = np.stack(rows)  # (6, 8): one output row per step
    full, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=causal_mask(n))
    print(f"largest |cached - full|: {np.abs(cached - full).max():.1e}")
    # --8<-- [end:grow]
max_err = np.abs(cached - full).max()
assert max_err < 1e-12, f"cached decoding must equal causal attention, off by {max_err}"
assert np.array_equal(cached, decode_with_kv_cache(x, w_q, w_k, w_v, w_o, n_heads)), (
    "decode_with_kv_cache must be this loop"
)
assert cache.keys.shape == (n_heads, n, d_model // n_heads), "one key per token per head"
report.value("n_demo", n, "d")
report.value("d_demo", d_model, "d")
report.value("h_demo", n_heads, "d")
report.value("d_head_demo", d_model // n_heads, "d")
report.value("max_err", max_err, ".1e")

# %% [markdown]
# ## The loop without a cache: the whole prefix again at every step

# %%
with report.output("no_cache"):
    # --8<-- [start:no_cache_run]
    again = decode_without_cache(x, w_q, w_k, w_v, w_o, n_heads)  # (6, 8)
    keys_cached = n  # each token's key is computed once, when it arrives
    keys_again = sum(t for t in range(1, n + 1))  # step t computes t keys
    print(f"largest |no cache - cached|: {np.abs(again - cached).max():.1e}")
    print(f"keys computed with the cache: {keys_cached}")
    print(f"keys computed without it:     {keys_again}")
    # --8<-- [end:no_cache_run]
no_cache_err = np.abs(again - cached).max()
assert no_cache_err < 1e-12, f"both loops must give the same rows, off by {no_cache_err}"
assert keys_again == n * (n + 1) // 2, "1 + 2 + ... + n keys"
report.value("keys_cached", keys_cached, "d")
report.value("keys_again", keys_again, "d")

# %% [markdown]
# ## Work per new token, with and without the cache
# One attention layer as wide as GPT-2 small's (d_model = 768), counted in multiply-adds.

# %%
with report.output("work"):
    # --8<-- [start:work]
    d = model("GPT-2 small").d_model  # 768: one layer of GPT-2 small
    print("thousands of multiply-adds for token t")
    print("       with the cache")
    print("   t  projections  attention   no cache")
    for t in (1, 16, 256, 1024):
        proj, attn = step_multiply_adds(t, d, cached=True)
        redo = sum(step_multiply_adds(t, d, cached=False))  # the whole prefix again
        print(f"{t:4d} {proj / 1e3:12,.0f} {attn / 1e3:10,.0f} {redo / 1e3:10,.0f}")
    # --8<-- [end:work]
gpt2 = model("GPT-2 small")
step_proj, _ = step_multiply_adds(1, d)
step_ratio_long = sum(step_multiply_adds(1024, d, False)) / sum(step_multiply_adds(1024, d))
report.value("d_gpt2", d, "d")
report.value("ctx_gpt2", gpt2.context, ",d")
report.value("step_proj", step_proj, ",d")
report.value("attn_1024", step_multiply_adds(1024, d)[1], ",d")
report.value("step_ratio_1024", step_ratio_long, ".0f")
report.value("crossover", 2 * d, ",d")
report.value("t_last", 1024, "d")
report.value("attn_growth", step_multiply_adds(1024, d)[1] / step_multiply_adds(1, d)[1], ".0f")
assert step_multiply_adds(2 * d, d)[0] == step_multiply_adds(2 * d, d)[1], (
    "with the cache, attention equals the projections at t = 2 d_model"
)

# %%
with report.output("totals"):
    # --8<-- [start:totals]
    print("billions of multiply-adds for n tokens")
    print("   n  with cache   without  ratio")
    for n_gen in (256, 512, 1024, 2048):
        with_cache = total_multiply_adds(n_gen, d, cached=True)
        without = total_multiply_adds(n_gen, d, cached=False)
        ratio = without / with_cache
        print(f"{n_gen:4d} {with_cache / 1e9:11.1f} {without / 1e9:9.0f} {ratio:6.0f}")
    # --8<-- [end:totals]
big = 10**6  # far beyond d: the leading powers show
growth_cached = total_multiply_adds(2 * big, d) / total_multiply_adds(big, d)
growth_again = total_multiply_adds(2 * big, d, False) / total_multiply_adds(big, d, False)
assert abs(growth_cached - 4) < 0.05 and abs(growth_again - 8) < 0.05, "n² and n³ growth"
grow_1024_c = total_multiply_adds(2048, d) / total_multiply_adds(1024, d)
grow_1024_a = total_multiply_adds(2048, d, False) / total_multiply_adds(1024, d, False)
total_ratio = total_multiply_adds(1024, d, False) / total_multiply_adds(1024, d)
report.value("total_ratio_1024", total_ratio, ".0f")
report.value("n_a", 1024, "d")
report.value("n_b", 2048, "d")
report.value("big_n", big, ",d")
report.value("grow_cached", grow_1024_c, ".1f")
report.value("grow_again", grow_1024_a, ".1f")
report.value("grow_cached_big", growth_cached, ".2f")
report.value("grow_again_big", growth_again, ".2f")

# %%
ts = np.unique(np.geomspace(1, 4096, 28).astype(int))
with_c = np.array([step_multiply_adds(int(t), d) for t in ts])  # (len, 2): proj, attention
without_c = np.array([sum(step_multiply_adds(int(t), d, False)) for t in ts])
fig, ax = plt.subplots(figsize=(5.6, 3.6), layout="constrained")
ax.plot(ts, without_c, color=report.PALETTE[1], linewidth=2, label="no cache")
ax.plot(ts, with_c.sum(axis=1), color=report.PALETTE[0], linewidth=2, label="cache")
ax.plot(ts, with_c[:, 1], color=report.PALETTE[0], linestyle="--", label="cache: attention only")
ax.axvline(2 * d, color=report.FG_LIGHT, linewidth=1, linestyle=":")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("position t of the new token")
ax.set_ylabel("multiply-adds for token t")
ax.legend(loc="upper left")
ax.grid(True, linewidth=0.5)
report.figure(
    fig,
    "step_work",
    alt=(
        "Log-log chart of the multiply-adds one attention layer of width 768 spends on the "
        "token at position t, from 1 to 4096. Without a cache the work climbs steeply, to "
        f"{without_c[-1] / with_c[-1].sum():,.0f} times the cached cost at t = 4096. With the "
        f"cache the line stays almost flat at about {step_proj / 1e6:.1f} million until the "
        "dashed attention part, which rises in proportion to t, catches up with the "
        f"projections at t = {2 * d} (dotted line) and then lifts it."
    ),
    caption=(
        "Work for one new token in one layer of width 768. The cache removes the re-done "
        "prefix; the attention part (dashed) still grows with t."
    ),
)

# %% [markdown]
# ## Cache memory for published models
# bytes = 2 (a key and a value) x layers x key/value heads x d_head x bytes per number x
# tokens, with 16-bit numbers (2 bytes).

# %%
with report.output("memory"):
    # --8<-- [start:memory]
    print(f"{'model':11} {'1 token':>7} {'ctx':>4} {'full ctx':>8} {'unshared':>8}")
    for shape in MODELS:
        per_token = model_cache_bytes(shape, tokens=1)
        full_context = model_cache_bytes(shape)  # tokens = the model's context
        unshared = model_cache_bytes(shape, shared=False)
        note = format_bytes(unshared) if shape.n_kv_heads < shape.n_heads else "-"
        print(
            f"{shape.name:11} {format_bytes(per_token):>7} {shape.context:4d} "
            f"{format_bytes(full_context):>8} {note:>8}"
        )
    # --8<-- [end:memory]
for shape in MODELS:
    manual = 2 * shape.n_layers * shape.n_kv_heads * shape.d_head * 2 * shape.context
    assert model_cache_bytes(shape) == manual, f"{shape.name}: formula and helper disagree"
    key = shape.name.lower().replace(" ", "_").replace("-", "_")
    report.value(f"tok_{key}", format_bytes(model_cache_bytes(shape, 1)))
    report.value(f"full_{key}", format_bytes(model_cache_bytes(shape)))
    report.value(f"unshared_{key}", format_bytes(model_cache_bytes(shape, shared=False)))
    report.value(f"ctx_{key}", shape.context, ",d")
    report.value(f"kvh_{key}", shape.n_kv_heads, "d")
    report.value(f"qh_{key}", shape.n_heads, "d")
llama7 = model("Llama 2 7B")
report.value("layers_llama7", llama7.n_layers, "d")
report.value("dhead_llama7", llama7.d_head, "d")
report.value("tok_llama7_bytes", model_cache_bytes(llama7, 1), ",d")
batch = 32
report.value("batch", batch, "d")
report.value("batch_llama7", format_bytes(batch * model_cache_bytes(llama7)))
falcon = model("Falcon 7B")
report.value("falcon_factor", falcon.n_heads // falcon.n_kv_heads, "d")
assert model_cache_bytes("Llama 2 7B", 1) == kv_cache_bytes(32, 32, 128, 1, 2) == 2**19

# %%
shown = ["GPT-2 small", "Llama 2 7B", "Llama 2 70B", "Llama 3 8B", "Falcon 7B", "GPT-3 175B"]
fig, ax = plt.subplots(figsize=(5.6, 4.6), layout="constrained")
for i, name in enumerate(shown):
    shape = model(name)
    lengths = np.geomspace(16, shape.context, 12).round().astype(int)
    gib = [model_cache_bytes(shape, int(t)) / 2**30 for t in lengths]
    ax.plot(lengths, gib, color=report.PALETTE[i], linewidth=2, label=name)
    ax.plot([lengths[-1]], [gib[-1]], "o", color=report.PALETTE[i])  # end of its context
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("tokens in the sequence")
ax.set_ylabel("cache size (GiB)")
fig.legend(loc="outside lower center", ncol=2, fontsize=10)
ax.grid(True, linewidth=0.5)
report.figure(
    fig,
    "cache_size",
    alt=(
        "Log-log chart of KV cache size in GiB against sequence length, one straight line "
        "per model, each ending with a dot at the model's context length. The lines are "
        "parallel because the cache grows in proportion to the tokens. GPT-3 175B is "
        f"highest, reaching {format_bytes(model_cache_bytes('GPT-3 175B'))} at 2048 tokens; "
        "Falcon 7B, with one key/value head, is lowest, below GPT-2 small."
    ),
    caption="One sequence's cache with 16-bit numbers; a batch multiplies it.",
)

# %% [markdown]
# ## A small configuration to size by hand (for the check-yourself questions)

# %%
cy = {"n_layers": 4, "n_kv_heads": 8, "d_head": 16, "tokens": 100}
cy_bytes = kv_cache_bytes(**cy, bytes_per_number=2)
assert cy_bytes == 2 * 4 * 8 * 16 * 2 * 100, "the formula, written out"
for key, number in cy.items():
    report.value(f"cy_{key}", number, "d")
report.value("cy_bytes", cy_bytes, ",d")
report.value("cy_size", format_bytes(cy_bytes))

# %% [markdown]
# ## Widget: the cache and the work per token as the sequence grows
# The browser multiplies the per-token sizes by the length and evaluates the two work
# formulas of `step_multiply_adds` for one layer of the chosen model's width.

# %%
report.widget(
    "length",
    "kv-cache-length",
    {
        "models": [
            {
                "name": shape.name,
                "per_token": model_cache_bytes(shape, 1),
                "per_token_unshared": model_cache_bytes(shape, 1, shared=False),
                "context": shape.context,
                "d_model": shape.d_model,
            }
            for shape in MODELS
        ],
        "start_model": [shape.name for shape in MODELS].index("Llama 2 7B"),
        "exponents": list(range(4, 14)),  # 16 .. 8192 tokens
        "start_exponent": 10,
    },
    label="Try it: lengthen the sequence",
    caption=(
        "Cache of one sequence (16-bit numbers), and the multiply-adds one attention layer of "
        "the model's width spends on the newest token, with and without the cache."
    ),
)
