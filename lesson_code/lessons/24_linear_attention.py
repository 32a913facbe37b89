# %% [markdown]
# # Lesson 24: linear attention and long context
#
# Replace softmax's exp(q·k) by a product of features φ(q)·φ(k) and the order of the
# matrix products can change: the cost grows with n instead of n², and causal attention
# becomes a recurrent network with a fixed-size state. This script checks both claims,
# counts the cost against length, measures what the change loses on a retrieval task
# built by hand, and looks for an attention sink in the model trained for lesson 20.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    elu_plus_one,
    linear_attention,
    scaled_dot_product_attention,
)
from lesson_code.learned import repeated_sequences, trained_model, uniform_weight
from lesson_code.topics.linear_attention import (
    first_token_weights,
    kv_cache_numbers,
    linear_attention_macs,
    linear_attention_quadratic,
    linear_attention_recurrent,
    linear_state_numbers,
    mac_ratio,
    recall_scores,
    softmax_attention_macs,
)
from lesson_code.topics.published_models import model as published_model

report.style()

# %% [markdown]
# ## Two orders of multiplication, one result

# %%
with report.output("order"):
    # --8<-- [start:order]
    rng = np.random.default_rng(24)
    n, d_k, d_v = 512, 16, 16
    q, k = rng.normal(size=(n, d_k)), rng.normal(size=(n, d_k))
    v = rng.normal(size=(n, d_v))
    phi_q, phi_k = elu_plus_one(q), elu_plus_one(k)  # (n, d_k), all > 0

    # the n² order: one similarity per query-key pair
    similarity = phi_q @ phi_k.T  # (n, n)
    slow = (similarity @ v) / similarity.sum(axis=1, keepdims=True)

    # the n order: Σ_j φ(k_j) v_jᵀ and Σ_j φ(k_j), computed once
    state = phi_k.T @ v  # (d_k, d_v)
    norm = phi_k.sum(axis=0)  # (d_k,)
    fast = (phi_q @ state) / (phi_q @ norm)[:, None]  # (n, d_v)

    api = linear_attention(q, k, v)  # the course's function: the n order
    print(f"n² order: {similarity.shape} matrix, {similarity.size:,} numbers")
    print(f"n order:  {state.shape} state, {state.size + norm.size:,} numbers")
    print(f"largest difference, n vs n² order:  {np.max(np.abs(fast - slow)):.1e}")
    print(f"largest difference, API vs n² order: {np.max(np.abs(api - slow)):.1e}")
    # --8<-- [end:order]
order_error = np.max(np.abs(slow - fast))
assert order_error < 1e-12, f"the two orders should agree to rounding, got {order_error}"
assert np.allclose(linear_attention(q, k, v), slow), "the API is the same computation"
assert np.allclose(linear_attention_quadratic(q, k, v), slow), "the topic helper too"
causal_error = np.max(
    np.abs(linear_attention(q, k, v, causal=True) - linear_attention_quadratic(q, k, v, True))
)
assert causal_error < 1e-12, f"causal running sums vs masked n² form: {causal_error}"
report.value("n_order", n, "d")
report.value("d_order", d_k, "d")
report.value("order_error", order_error, ".0e")
report.value("causal_error", causal_error, ".0e")
report.value("order_matrix", similarity.size, ",d")
report.value("order_state", state.size + norm.size, ",d")

# %% [markdown]
# ## Causal linear attention is a recurrent network

# %%
with report.output("recurrent"):
    # --8<-- [start:recurrent]
    out, S, z = linear_attention_recurrent(q, k, v)  # token by token, an RNN
    batch = linear_attention(q, k, v, causal=True)  # all at once, running sums
    print(f"{n} tokens in; state: S {S.shape} + z {z.shape} = {S.size + z.size}")
    print(f"largest difference from the batch form: {np.max(np.abs(out - batch)):.1e}")
    half, S_half, _ = linear_attention_recurrent(q[:256], k[:256], v[:256])
    print(f"state after 256 tokens: S {S_half.shape}, the same size")
    # --8<-- [end:recurrent]
rec_error = np.max(np.abs(out - batch))
assert rec_error < 1e-12, f"the recurrence should equal the running sums, got {rec_error}"
assert np.allclose(half, batch[:256]), "a prefix never depends on later tokens"
report.value("rec_error", rec_error, ".0e")
report.value("state_numbers", S.size + z.size, "d")

# %% [markdown]
# ## Cost against length, for one head of Llama 2 7B

# %%
with report.output("cost"):
    # --8<-- [start:cost]
    head = published_model("Llama 2 7B").d_head  # 128 numbers per query, key and value
    print(f"one head, d_k = d_v = {head}")
    print("      n   softmax MACs    linear MACs   ratio   KV cache   linear state")
    for n_tok in [128, 1024, 4096, 32768, 131072]:
        soft = softmax_attention_macs(n_tok, head, head)
        lin = linear_attention_macs(n_tok, head, head)
        cache = kv_cache_numbers(n_tok, head, head)
        print(
            f"{n_tok:7,d} {soft:14.3g} {lin:14.3g} {soft / lin:7.1f} {cache:10,d}"
            f" {linear_state_numbers(head, head):14,d}"
        )
    # --8<-- [end:cost]
llama = published_model("Llama 2 7B")
assert head == 128
even = 2 * head * (head + 1) / (2 * head)  # n where n²·2d = 2n·d(d + 1)
assert np.isclose(mac_ratio(even, head, head), 1.0), "softmax and linear cost the same there"
state_numbers = linear_state_numbers(head, head)
cache_even = state_numbers / (2 * head)  # KV cache n·2d = the state's d² + d
assert np.isclose(kv_cache_numbers(cache_even, head, head), state_numbers)
report.value("head", head, "d")
report.value("mac_even", even, ".0f")
report.value("cache_even", cache_even, ".1f")
report.value("ratio_4k", mac_ratio(4096, head, head), ".1f")
report.value("ratio_128k", mac_ratio(131072, head, head), ".0f")
report.value("lin_state", state_numbers, ",d")
report.value("cache_4k", kv_cache_numbers(4096, head, head), ",d")
report.value("cache_128k", kv_cache_numbers(131072, head, head), ",d")
report.value("llama_context", llama.context, ",d")
report.value("llama_layers", llama.n_layers, "d")
report.value("llama_heads", llama.n_heads, "d")
report.value("n_long", 131072, ",d")
report.value("long_scores_bn", 131072**2 / 1e9, ".0f")

# %%
ns = np.array([2**e for e in range(5, 18)], dtype=float)
fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.4), layout="constrained")
left.loglog(ns, softmax_attention_macs(ns, head, head), marker="o", label="softmax")
left.loglog(ns, linear_attention_macs(ns, head, head), marker="s", label="linear")
left.set_title("Multiply-adds", fontsize=11)
right.loglog(ns, kv_cache_numbers(ns, head, head), marker="o", label="softmax KV cache")
right.loglog(ns, np.full_like(ns, state_numbers), marker="s", label="linear state")
right.set_title("Numbers kept", fontsize=11)
for ax in (left, right):
    ax.set_xlabel("tokens n")
    ax.set_xticks([32, 1024, 32768], ["32", "1k", "32k"])
    ax.minorticks_off()
    ax.legend(fontsize=10, loc="upper left")
report.figure(
    fig,
    "cost",
    alt=(
        f"Two log-log charts for one head with d_k = d_v = {head}, against n from 32 to "
        f"131,072 tokens. Left: softmax attention's multiply-adds rise with slope 2 and "
        f"linear attention's with slope 1; they cross near n = {even:.0f}. Right: the "
        f"softmax KV cache grows in a straight line with n while linear attention's state "
        f"stays flat at {state_numbers:,} numbers."
    ),
    caption="Counted, not timed: one head of one layer, d_k = d_v = "
    f"{head} (the head size of Llama 2 7B).",
)

# %% [markdown]
# ## What it loses: associative recall, built by hand

# %%
with report.output("recall"):
    # --8<-- [start:recall]
    print("pairs   softmax: right  weight   linear: right  weight")
    pair_counts = [2, 4, 8, 16, 32, 64, 128, 256]
    recall = {p: recall_scores(p, trials=200, sharpness=4.0) for p in pair_counts}
    for p, r in recall.items():
        s, lin = r["softmax"], r["linear"]
        print(
            f"{p:5d} {s['accuracy']:15.0%} {s['weight']:7.2f}"
            f" {lin['accuracy']:15.0%} {lin['weight']:7.2f}"
        )
    # --8<-- [end:recall]
acc_s = np.array([recall[p]["softmax"]["accuracy"] for p in pair_counts])
acc_l = np.array([recall[p]["linear"]["accuracy"] for p in pair_counts])
w_s = np.array([recall[p]["softmax"]["weight"] for p in pair_counts])
w_l = np.array([recall[p]["linear"]["weight"] for p in pair_counts])
assert np.all(acc_s >= acc_l), "softmax recalls at least as well at every size"
assert acc_s[pair_counts.index(64)] > 0.9 and acc_l[pair_counts.index(8)] < 0.5
report.value("recall_dk", 16, "d")
report.value("recall_trials", 200, "d")
report.value("recall_sharp", 4, "d")
for p in (2, 8, 16, 64, 256):
    i = pair_counts.index(p)
    report.value(f"acc_s_{p}", acc_s[i], ".0%")
    report.value(f"acc_l_{p}", acc_l[i], ".0%")
    report.value(f"w_s_{p}", w_s[i], ".2f")
    report.value(f"w_l_{p}", w_l[i], ".2f")
report.value("chance_8", 1 / 8, ".1%")

# %%
with report.output("sharpness"):
    # --8<-- [start:sharpness]
    print("16 pairs; weight on the right key as the query gets longer")
    print("sharpness   softmax   linear")
    sharpness = [0.5, 1, 2, 4, 8, 16, 64]
    by_sharp = {c: recall_scores(16, trials=200, sharpness=c) for c in sharpness}
    for c, r in by_sharp.items():
        print(f"{c:9g} {r['softmax']['weight']:9.2f} {r['linear']['weight']:8.2f}")
    # --8<-- [end:sharpness]
ws_sharp = np.array([by_sharp[c]["softmax"]["weight"] for c in sharpness])
wl_sharp = np.array([by_sharp[c]["linear"]["weight"] for c in sharpness])
assert ws_sharp[-1] > 0.99 and wl_sharp[-1] < 0.25, "softmax -> 1, linear stays low"
assert wl_sharp[-1] - wl_sharp[-3] < 0.05, "linear saturates: longer queries barely help"
# For large queries φ(x) ≈ x for x > 0 and ≈ 0 below, so φ(q)·φ(k) ≈ c² q₊·k₊: the right
# key scores Σ x₊² and a wrong one Σ x₊ y₊, on average 1/2 against 1/(2π) per entry.
limit_weight = np.pi / (np.pi + 15)
report.value("limit_weight", limit_weight, ".2f")
report.value("pi_ratio", np.pi, ".2f")
report.value("w_s_sharp_max", ws_sharp[-1], ".3f")
report.value("w_l_sharp_max", wl_sharp[-1], ".2f")
report.value("sharp_max", sharpness[-1], "d")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.4), layout="constrained")
left.semilogx(pair_counts, acc_s, marker="o", label="softmax")
left.semilogx(pair_counts, acc_l, marker="s", label="linear")
left.semilogx(
    pair_counts, 1 / np.array(pair_counts), linestyle=":", color=report.FG_LIGHT, label="chance"
)
left.set_xticks([2, 16, 256], ["2", "16", "256"])
left.set_xlabel("stored pairs")
left.set_ylabel("answered right")
left.set_ylim(0, 1.05)
left.set_title("Recall, sharpness 4", fontsize=11)
right.semilogx(sharpness, ws_sharp, marker="o", label="softmax")
right.semilogx(sharpness, wl_sharp, marker="s", label="linear")
right.set_xticks([1, 8, 64], ["1", "8", "64"])
right.set_xlabel("query sharpness")
right.set_ylabel("weight on right key")
right.set_ylim(0, 1.05)
right.set_title("16 pairs", fontsize=11)
for ax in (left, right):
    ax.minorticks_off()
    ax.legend(fontsize=10, loc="center right")
report.figure(
    fig,
    "recall",
    alt=(
        "Two charts comparing softmax and linear attention on associative recall built by "
        f"hand. Left: the fraction of {200} questions answered right against the number of "
        f"stored pairs, 2 to 256; softmax stays near the top ({acc_s[0]:.0%} to "
        f"{acc_s[-1]:.0%}) while linear attention falls from {acc_l[0]:.0%} to "
        f"{acc_l[-1]:.0%}, close to the chance line. Right: with 16 pairs, the weight on the "
        f"right key as the query gets longer; softmax climbs to {ws_sharp[-1]:.2f}, linear "
        f"attention levels off at {wl_sharp[-1]:.2f}."
    ),
    caption="Same queries, keys and values for both; only the similarity differs.",
)

# %% [markdown]
# ## Why a softmax head needs somewhere to put its weight

# %%
with report.output("sink_demo"):
    # --8<-- [start:sink_demo]
    # three ordinary tokens A, B, C; every query has a 1 as its third feature and only the
    # sink's key uses that feature, so the sink scores the same for every query
    keys = np.array([[4.0, 0, 0], [0, 4, 0], [-4, 0, 0]])  # (3, 3)
    values = np.array([[1.0, 0], [0, 1], [-1, -1]])  # (3, 2)
    sink_key, sink_value = np.array([[0.0, 0, 4]]), np.zeros((1, 2))
    for name, query in [("matches A", [3.0, 0, 1]), ("matches nothing", [0.0, -3, 1])]:
        query = np.array([query])  # (1, 3)
        out, w = scaled_dot_product_attention(query, keys, values)
        out_s, w_s = scaled_dot_product_attention(
            query, np.vstack([sink_key, keys]), np.vstack([sink_value, values])
        )
        print(f"{name}:")
        print(f"  no sink:     weights {w[0].round(2)}, output {out[0].round(2)}")
        print(f"  sink first:  weights {w_s[0].round(2)}, output {out_s[0].round(2)}")
    # --8<-- [end:sink_demo]
nothing = np.array([[0.0, -3, 1]])
out_none, w_none = scaled_dot_product_attention(nothing, keys, values)
out_sink_n, w_sink_n = scaled_dot_product_attention(
    nothing, np.vstack([sink_key, keys]), np.vstack([sink_value, values])
)
_, w_sink_m = scaled_dot_product_attention(
    np.array([[3.0, 0, 1]]), np.vstack([sink_key, keys]), np.vstack([sink_value, values])
)
assert np.isclose(w_none.sum(), 1.0) and w_sink_n[0, 0] > 0.5, "the sink takes the weight"
assert w_sink_m[0, 1] > 0.95, "a real match still wins over the sink"
report.value("none_out_len", np.linalg.norm(out_none), ".2f")
report.value("nothing_sink_weight", w_sink_n[0, 0], ".2f")
report.value("nothing_output_len", np.linalg.norm(out_sink_n), ".2f")
report.value("match_sink_weight", w_sink_m[0, 0], ".2f")

# %% [markdown]
# ## Looking for a sink in lesson 20's trained model

# %%
with report.output("sink"):
    # --8<-- [start:sink]
    model = trained_model()
    rng = np.random.default_rng(2026)
    repeated = repeated_sequences(rng, 64, 16, model.vocab_size)  # as lesson 20
    random_ids = rng.integers(0, model.vocab_size, size=(64, model.context))
    datasets = {"16 tokens twice": repeated, f"{model.context} random": random_ids}
    for name, ids in datasets.items():
        weight, ratio = first_token_weights(model, ids)  # (layers, heads) each
        uniform = np.mean(1 / (np.arange(1, ids.shape[1]) + 1))
        print(f"{name}: weight on token 0 (that / uniform share)")
        for layer in range(model.n_layers):
            pairs = zip(weight[layer], ratio[layer], strict=True)
            print(f"  layer {layer + 1}: " + "  ".join(f"{w:.3f} ({r:.2f})" for w, r in pairs))
        print(f"  uniform: {uniform:.3f} on average")
    # --8<-- [end:sink]
w_rep, r_rep = first_token_weights(model, repeated)
w_rand, r_rand = first_token_weights(model, random_ids)
uniform_rep = np.mean(1 / (np.arange(1, repeated.shape[1]) + 1))
assert uniform_weight(repeated) < uniform_rep, "lesson 20 averages over the second copy only"
assert r_rep.max() < 1.5 and r_rand.max() < 1.5, "no head gives the first token a sink's share"
report.value("context", model.context, "d")
report.value("sink_w_max", w_rep.max(), ".3f")
report.value("sink_uniform_rep", uniform_rep, ".3f")
report.value("sink_r_max", max(r_rep.max(), r_rand.max()), ".2f")
report.value("sink_r_min", min(r_rep.min(), r_rand.min()), ".2f")
report.value("sink_w_rand_max", w_rand.max(), ".3f")
report.value("sink_uniform_rand", np.mean(1 / (np.arange(1, model.context) + 1)), ".3f")
report.value("window", model.settings.window, "d")

# %%
# The page's widget: a length slider; cost and memory of one head at each length, and
# the recall measured above where that many pairs were stored (2 .. 256).
report.widget(
    "length",
    "linear-length",
    {
        "exponents": list(range(1, 18)),  # n = 2 .. 131,072
        "start_exponent": 4,  # n = 16
        "d": head,
        "pairs": pair_counts,
        "recall_softmax": [float(a) for a in acc_s],
        "recall_linear": [float(a) for a in acc_l],
    },
    label="Try it: lengthen the sequence",
    caption=(
        f"One head with d_k = d_v = {head}: multiply-adds and numbers kept. Recall: the "
        f"hand-built task above with n stored pairs (measured up to {pair_counts[-1]})."
    ),
)
