# %% [markdown]
# # Lesson 25: constant path length, parallelism, and the n² cost
#
# What self-attention buys over a recurrent network (one hop between any two tokens, rows
# that can be computed at the same time) and what it costs (an n × n weight matrix).
# Timings are measured on whatever machine runs this script, so they will differ from the
# numbers on the course page; the shapes of the curves are what to compare.

# %% [markdown]
# The timing section compares a Python loop with one matrix product. We give numpy's
# linear-algebra library a single thread (this must happen before numpy is imported), so
# the comparison measures the two ways of writing attention rather than how many cores
# happened to be free on the machine.

# %%
import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # one thread for matrix products
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import matplotlib.pyplot as plt  # noqa: E402 (after the thread settings on purpose)
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from lesson_code import report  # noqa: E402
from lesson_code.attention import softmax  # noqa: E402
from lesson_code.topics.cost import (  # noqa: E402
    attention_links,
    attention_loop,
    attention_matrix,
    hop_counts,
    image_to_patches,
    loglog_slope,
    median_times,
    mixing_macs,
    rnn_links,
    rnn_parallel_sweep,
    rnn_sweeps_needed,
    weight_matrix_bytes,
)
from lesson_code.topics.rnn import ToyRNN, run_rnn  # noqa: E402

SEED = 17
report.style()

# %% [markdown]
# ## Path length: how many hops from one token to another
# A recurrent network passes information along a chain; one self-attention layer links
# every pair of positions directly.

# %%
with report.output("paths"):
    # --8<-- [start:paths]
    n = 12
    rnn_hops = hop_counts(rnn_links(n))  # (n, n): hops from token i to token j
    att_hops = hop_counts(attention_links(n))
    causal_hops = hop_counts(attention_links(n, causal=True))
    print("hops from token 0 to token j, j = 0 .. 11")
    print("RNN      :", rnn_hops[0])
    print("attention:", att_hops[0])
    later = np.triu(np.ones((n, n), dtype=bool), k=1)  # pairs i < j
    print("longest path between two tokens:")
    print("  RNN              :", rnn_hops[later].max())
    print("  attention        :", att_hops[later].max())
    print("  causal attention :", causal_hops[later].max())
    # --8<-- [end:paths]
assert rnn_hops[later].max() == n - 1, f"RNN longest path should be n-1={n - 1}"
assert att_hops[later].max() == 1 and causal_hops[later].max() == 1, "attention: one hop"
assert np.all(rnn_hops[0] == np.arange(n)), "RNN: j hops from token 0 to token j"
assert np.all(causal_hops[later.T] == -1), (
    "causal attention: no path from a later token back to an earlier one"
)
report.value("n_path", n, "d")
report.value("last_token", n - 1, "d")  # index of the last token
assert all(rnn_hops[i, j] == j - i for i in range(n) for j in range(i, n)), (
    "RNN: |i - j| recurrent steps between tokens i and j"
)
report.value("rnn_longest", rnn_hops[later].max(), "d")
report.value("att_longest", att_hops[later].max(), "d")

# %% [markdown]
# ## Sequential steps: sweeps of parallel work
# Try to compute every RNN state at once: each position updates from the previous sweep's
# states. Attention rows, by contrast, need only Q, K and V, so any order (or all at once)
# gives the same answer.

# %%
with report.output("sweeps"):
    # --8<-- [start:sweeps]
    rng = np.random.default_rng(SEED)
    d = 8
    x = rng.normal(size=(n, d))  # (n, d) one input vector per token
    w_h = rng.normal(0, 0.6 / np.sqrt(d), size=(d, d))
    w_x = rng.normal(0, 1.0 / np.sqrt(d), size=(d, d))
    cell = ToyRNN(w_hh=w_h, w_xh=w_x)  # lesson 1's cell: h_t = tanh(W_hh h_t-1 + W_xh x_t)
    target = run_rnn(cell, x)  # the sequential answer, (n, d)

    states = np.zeros_like(target)
    correct_after = []
    for _ in range(n):  # n sweeps
        states = rnn_parallel_sweep(cell, states, x)  # all positions at once
        correct = int(np.all(states == target, axis=1).sum())
        correct_after.append(correct)
    print("RNN states correct after each parallel sweep:", correct_after)
    print("sweeps needed for the RNN:", rnn_sweeps_needed(cell, x))

    q, k, v = x @ rng.normal(size=(3, d, d)) / np.sqrt(d)  # (n, d) each
    order = rng.permutation(n)
    rows = {i: softmax(k @ q[i] / np.sqrt(d)) @ v for i in order}  # any order
    by_rows = np.array([rows[i] for i in range(n)])
    print(
        "attention rows in shuffled order equal the matrix form:",
        np.allclose(by_rows, attention_matrix(q, k, v)),
    )
    # --8<-- [end:sweeps]
assert correct_after == list(range(1, n + 1)), f"one more state per sweep: {correct_after}"
assert rnn_sweeps_needed(cell, x) == n, "the RNN needs n sweeps"
assert np.allclose(by_rows, attention_matrix(q, k, v)), "attention rows are independent"
report.value("sweeps_rnn", rnn_sweeps_needed(cell, x), "d")

# %%
# Figure: hops from token 0, and correct positions after each sweep.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.2), layout="constrained")
positions = np.arange(n)
ax1.plot(positions, rnn_hops[0], marker="o", label="RNN")
ax1.plot(positions[1:], att_hops[0, 1:], marker="s", label="self-attention")
ax1.set_xlabel("distance from token 0")
ax1.set_ylabel("hops needed")
ax1.set_title("Path length", fontsize=11)
ax1.legend(fontsize=9.5)
ax1.xaxis.set_major_locator(MaxNLocator(integer=True))
ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
sweeps = np.arange(1, n + 1)
ax2.step(sweeps, correct_after, where="mid", label="RNN")
ax2.step(sweeps, np.full(n, n), where="mid", linestyle="--", label="self-attention")
ax2.set_xlabel("parallel sweeps done")
ax2.set_ylabel("positions finished")
ax2.set_ylim(0, n + 1)
ax2.set_title("Parallel work", fontsize=11)
ax2.legend(fontsize=9.5, loc="lower right")
ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
report.figure(
    fig,
    "paths",
    alt=(
        f"Two line charts for a {n}-token sequence. Left: hops needed to carry information "
        "from token 0 to token j; the RNN line rises by one per position up to "
        f"{n - 1}, self-attention stays at 1. Right: positions whose state is final after "
        "each round of parallel updates; the RNN gains one position per round and needs "
        f"{n} rounds, self-attention finishes all {n} in the first round."
    ),
    caption="A recurrent network needs one hop per position of distance and one round of "
    "work per token; one attention layer needs one hop and one round.",
)

# %% [markdown]
# ## The price: an n × n weight matrix
# Every query gets a weight for every key, so the weight matrix has n² entries.

# %%
with report.output("memory"):
    # --8<-- [start:memory]
    ns = [16, 32, 64, 128, 256, 512, 1024, 2048]
    mem = [weight_matrix_bytes(n_tok) for n_tok in ns]  # bytes of the (n, n) weights
    for n_tok, b in zip(ns, mem, strict=True):
        print(f"n = {n_tok:5d}: {b:>10,d} bytes = {b / n_tok**2:.0f} bytes x n^2")
    print("fitted log-log slope:", round(loglog_slope(ns, mem), 3))
    # --8<-- [end:memory]
assert all(b == 8 * m * m for m, b in zip(ns, mem, strict=True)), "float64 weights: 8 n^2 B"
mem_slope = loglog_slope(ns, mem)
assert abs(mem_slope - 2) < 0.05, f"memory should grow like n^2, slope {mem_slope:.3f}"
report.value("mem_slope", mem_slope, ".2f")
report.value("mem_max_mb", mem[-1] / 1e6, ".1f")
report.value("n_max", ns[-1], "d")
long_n = 100_000
report.value("long_n", long_n, ",d")
report.value("long_gb64", 8 * long_n**2 / 1e9, ".0f")
report.value("long_gb16", 2 * long_n**2 / 1e9, ".0f")

# %% [markdown]
# ## Time: a loop over queries against one matrix product
# Both functions compute the same output. The timings below are medians of five runs on
# the machine running the script.

# %%
with report.output("timing"):
    # --8<-- [start:timing]
    rng = np.random.default_rng(SEED)
    d_k = 64
    ns_time = [16, 32, 64, 128, 256, 512, 1024]
    t_loop, t_matrix = [], []
    for n_tok in ns_time:
        q, k, v = rng.normal(size=(3, n_tok, d_k))  # (n, d_k) each
        assert np.allclose(attention_loop(q, k, v), attention_matrix(q, k, v))
        loop_s, matrix_s = median_times([attention_loop, attention_matrix], q, k, v)
        t_loop.append(loop_s)
        t_matrix.append(matrix_s)
    print("    n   loop (ms)  matrix (ms)  loop / matrix")
    for n_tok, a, b in zip(ns_time, t_loop, t_matrix, strict=True):
        print(f"{n_tok:5d} {a * 1e3:10.3f} {b * 1e3:12.3f} {a / b:10.1f}")
    # --8<-- [end:timing]
assert t_matrix[-1] < t_loop[-1], (
    f"at n={ns_time[-1]} the matrix form ({t_matrix[-1]:.4f}s) should beat the loop "
    f"({t_loop[-1]:.4f}s)"
)
assert t_loop[0] / t_matrix[0] > t_loop[-1] / t_matrix[-1], (
    "the loop's fixed cost per query matters most at small n, so the ratio is larger there "
    "than at the largest n"
)
report.value("d_k", d_k, "d")
report.value("n_time_max", ns_time[-1], "d")
report.value("t_loop_max", t_loop[-1] * 1e3, ".0f")
report.value("t_mat_max", t_matrix[-1] * 1e3, ".0f")
report.value("ratio_max", t_loop[-1] / t_matrix[-1], ".1f")
report.value("ratio_min", t_loop[0] / t_matrix[0], ".0f")
report.value("n_min", ns_time[0], "d")

# Numbers for the "check yourself" answers.
ex_n = 40
ex_hops = hop_counts(rnn_links(ex_n))[0, ex_n - 1]
assert ex_hops == ex_n - 1 and hop_counts(attention_links(ex_n))[0, ex_n - 1] == 1
report.value("ex_n", ex_n, "d")
report.value("ex_last", ex_n - 1, "d")
report.value("ex_hops", ex_hops, "d")
ex_long = 8192
ex_bytes32 = np.dtype(np.float32).itemsize * ex_long**2  # 4 bytes per weight
assert ex_bytes32 == 4 * ex_long**2, "float32: 4 bytes per weight"
report.value("ex_long", ex_long, "d")
report.value("ex_long2", 2 * ex_long, "d")
report.value("ex_bytes32", ex_bytes32, ",d")
report.value("ex_mb32", ex_bytes32 / 1e6, ".0f")

# %%
# Figure: memory and time against n on log-log axes, with reference slopes.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.5), layout="constrained")
ns_arr = np.array(ns, dtype=float)
ax1.loglog(ns_arr, np.array(mem) / 1e6, marker="o", label="weight matrix")
ax1.loglog(
    ns_arr,
    8 * ns_arr**2 / 1e6 * 4,
    linestyle=":",
    color=report.FG_LIGHT,
    label="slope 2 (reference)",
)
ax1.set_xlabel("tokens n")
ax1.set_ylabel("megabytes")
ax1.set_title("Memory of the weights", fontsize=11)
ax1.legend(fontsize=9.5)
nt = np.array(ns_time, dtype=float)
ax2.loglog(nt, np.array(t_loop) * 1e3, marker="o", label="loop over queries")
ax2.loglog(nt, np.array(t_matrix) * 1e3, marker="s", label="matrix form")
anchor = t_matrix[-1] * 1e3 / nt[-1] ** 2
ax2.loglog(nt, anchor * nt**2 / 3, linestyle=":", color=report.FG_LIGHT, label="slope 2")
anchor1 = t_loop[0] * 1e3 / nt[0]
ax2.loglog(nt, anchor1 * nt * 3, linestyle="--", color=report.FG_LIGHT, label="slope 1")
ax2.set_xlabel("tokens n")
ax2.set_ylabel("median ms")
ax2.set_title("Time (build machine)", fontsize=11)
ax2.legend(fontsize=9, loc="upper left")
for ax in (ax1, ax2):
    ax.set_xticks([16, 64, 256, 1024], ["16", "64", "256", "1024"])
    ax.minorticks_off()
faster = sum(a > b for a, b in zip(t_loop, t_matrix, strict=True))
assert len(t_loop) == len(ns_time)
report.figure(
    fig,
    "cost",
    alt=(
        f"Two log-log charts against the number of tokens n. Left, n from {ns[0]} to {ns[-1]}: "
        "megabytes of the attention weight matrix, a straight line parallel to a slope-2 "
        f"reference, so memory grows like n squared. Right, n from {ns_time[0]} to "
        f"{ns_time[-1]}: measured median time of a "
        "per-query Python loop and of the matrix form, with slope-1 and slope-2 reference "
        f"lines; on the build machine the matrix form was faster at {faster} of the "
        f"{len(ns_time)} sizes, including the largest, where the loop took {t_loop[-1] * 1e3:.0f} "
        f"ms and the matrix form {t_matrix[-1] * 1e3:.0f} ms."
    ),
    caption="Doubling n quadruples the weight matrix. Times are medians of five runs on "
    "the machine that built this page.",
)

# %% [markdown]
# ## Less arithmetic? It depends on n, d and on what you count.
# First only the part that mixes positions: attention's Q Kᵀ and weights @ V against the
# recurrence h @ W_h. Then the whole layer, with the projections every layer also pays.

# %%
with report.output("macs"):
    # --8<-- [start:macs]
    d_model = 512
    for n_tok in [128, 512, 4096]:
        att, rnn = mixing_macs(n_tok, d_model)
        print(
            f"n = {n_tok:4d}, d = {d_model}: attention {att:>14,d}  recurrent {rnn:>14,d}"
            f"  ratio {att / rnn:5.1f}"
        )
    # --8<-- [end:macs]
ns_macs = [128, 512, 4096]
mix_ratio = {m: mixing_macs(m, d_model)[0] / mixing_macs(m, d_model)[1] for m in ns_macs}
assert mix_ratio[128] < 1 < mix_ratio[512] < mix_ratio[4096], (
    f"mixing: attention cheaper at n=128, dearer at 512 and 4096: {mix_ratio}"
)
assert all(np.isclose(mix_ratio[m], 2 * m / d_model) for m in ns_macs), "2 n^2 d / (n d^2) = 2n/d"
att_long, rnn_long = mixing_macs(4096, d_model)
assert att_long > rnn_long, "for n > d/2 attention does more multiply-adds than the recurrence"
report.value("d_model", d_model, "d")
report.value("macs_ratio_long", att_long / rnn_long, ".0f")
report.value("n_macs_long", 4096, "d")
report.value("n_macs_short", 128, "d")
report.value("macs_ratio_short", mix_ratio[128], ".1f")
report.value("n_mix_even", d_model // 2, "d")
assert mixing_macs(d_model // 2, d_model)[0] == mixing_macs(d_model // 2, d_model)[1], (
    "the mixing costs are equal at n = d/2"
)


# %%
def layer_macs(n_tok, d):
    """Multiply-adds of a whole layer, projections included, for n tokens of width d.

    attention: x @ W_Q, x @ W_K, x @ W_V and the output projection (4 n d^2), plus mixing.
    simple RNN (the one above): x @ W_x and h @ W_h at every step (2 n d^2).
    LSTM: four gates, each with an input and a recurrent matrix (8 n d^2).
    """
    mixing, recurrence = mixing_macs(n_tok, d)
    return {
        "attention": 4 * n_tok * d * d + mixing,
        "simple RNN": 2 * recurrence,
        "LSTM": 8 * recurrence,
    }


with report.output("macs_layer"):
    # --8<-- [start:macs_layer]
    print(f"whole layer, d = {d_model}     attention    simple RNN          LSTM")
    for n_tok in [128, 512, 1024, 4096]:
        c = layer_macs(n_tok, d_model)
        print(f"n = {n_tok:4d}: {c['attention']:>17,d} {c['simple RNN']:>13,d} {c['LSTM']:>13,d}")
    # --8<-- [end:macs_layer]
layer = {m: layer_macs(m, d_model) for m in [128, 512, 1024, 4096]}
for m, c in layer.items():
    assert c["attention"] > c["simple RNN"], f"n={m}: attention dearer than the simple RNN"
    assert np.isclose(c["attention"] / c["simple RNN"], 2 + m / d_model), "ratio is 2 + n/d"
assert layer[128]["attention"] < layer[128]["LSTM"] and layer[512]["attention"] < layer[512]["LSTM"]
assert layer[4096]["attention"] > layer[4096]["LSTM"], "attention dearer than an LSTM at long n"
assert layer_macs(2 * d_model, d_model)["attention"] == layer_macs(2 * d_model, d_model)["LSTM"], (
    "attention and LSTM layers cost the same at n = 2d"
)
report.value("proj_share_short", 4 * 128 * d_model**2 / layer[128]["attention"], ".0%")
report.value("lstm_ratio_short", layer[128]["attention"] / layer[128]["LSTM"], ".2f")
report.value("lstm_ratio_long", layer[4096]["attention"] / layer[4096]["LSTM"], ".1f")
report.value("rnn_ratio_short", layer[128]["attention"] / layer[128]["simple RNN"], ".2f")
report.value("n_lstm_even", 2 * d_model, "d")

# %%
# The page's widget: a length slider; n² weights, their bytes and the longest paths.
bytes_per_weight = mem[0] // ns[0] ** 2  # measured above: 8 (float64)
report.widget(
    "length",
    "cost-length",
    {
        "exponents": list(range(4, 18)),  # n = 16 .. 131,072
        "start_exponent": 10,
        "bytes_per_weight": bytes_per_weight,
        "bytes_half": np.dtype(np.float16).itemsize,
    },
    label="Try it: lengthen the sequence",
    caption=(
        "Bytes of the weight matrix of one head in one layer, and the longest path between "
        "two tokens."
    ),
)

# %% [markdown]
# ## Where you meet attention
#
# A vision transformer turns an image into tokens by cutting it into 16 x 16 patches
# (Dosovitskiy et al., 2021). Here a random array stands in for a photo.

# %%
with report.output("patches"):
    # --8<-- [start:patches]
    image = np.random.default_rng(SEED).random((224, 224, 3))  # height, width, RGB
    patches = image_to_patches(image, patch_side=16)  # (196, 768): one row per patch
    print("image", image.shape, "-> patches", patches.shape)
    print("tokens, with the class token in front:", len(patches) + 1)
    twice_as_wide = image_to_patches(np.zeros((448, 448, 3)), patch_side=16)
    print("448 x 448 image ->", len(twice_as_wide), "patches")
    # --8<-- [end:patches]
vit_per_side = 224 // 16
assert patches.shape == (vit_per_side**2, 16 * 16 * 3), "14 x 14 patches of 768 numbers"
assert np.array_equal(patches[1], image[:16, 16:32].reshape(-1)), "reading order: left to right"
report.value("vit_side", image.shape[0], "d")
report.value("vit_patch", 16, "d")
report.value("vit_per_side", vit_per_side, "d")
report.value("vit_patches", len(patches), "d")
report.value("vit_patch_numbers", patches.shape[1], "d")
report.value("vit_tokens", len(patches) + 1, "d")
report.value("big_side", 448, "d")
report.value("big_patches", len(twice_as_wide), "d")
report.value("big_weight_ratio", (len(twice_as_wide) / len(patches)) ** 2, ".0f")

# %%
# Retrieval-augmented generation: retrieved passages lengthen the prompt, and every head's
# weight matrix grows with the square of the prompt's length.
rag_question, rag_passages, rag_passage_len = 20, 5, 100  # tokens; an illustrative prompt
rag_prompt = rag_question + rag_passages * rag_passage_len
report.value("rag_question", rag_question, "d")
report.value("rag_passages", rag_passages, "d")
report.value("rag_passage_len", rag_passage_len, "d")
report.value("rag_prompt", rag_prompt, "d")
report.value("rag_ratio", (rag_prompt / rag_question) ** 2, ",.0f")
