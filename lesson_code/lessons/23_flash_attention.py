# %% [markdown]
# # Lesson 23: FlashAttention, the same answer computed in tiles
#
# Lesson 4's stable softmax, computed over scores that arrive in blocks (the online
# softmax), then attention computed one block of keys at a time with
# `lesson_code.attention.flash_attention`. We check that it gives the plain answer, count
# the scores it holds at once, and count memory traffic under a simple model of a GPU.
# Nothing here measures speed: numpy cannot show the speed-up, and the lesson says why.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    flash_attention,
    flash_attention_steps,
    padding_mask,
    scaled_dot_product_attention,
    softmax,
)
from lesson_code.topics.flash import (
    EXAMPLE_SCORES,
    EXAMPLE_VALUES,
    fast_memory_needed,
    largest_score_tile,
    one_query_trace,
    online_normalizer,
    online_softmax,
    online_softmax_trace,
    peak_bytes,
    split_blocks,
    standard_traffic,
    tiled_traffic,
)
from lesson_code.topics.published_models import model

SEED = 23
report.style()

# %% [markdown]
# ## The score matrix of a real model
# One head of Llama 3 8B reading its full context, in 16-bit numbers, against the
# on-chip memory of one streaming multiprocessor of an A100 GPU (192 KB, Dao et al. 2022).

# %%
# The A100 as Dao et al. (2022, section 2.1) describe it.
A100_SRAM_KB = 192  # on-chip SRAM of each streaming multiprocessor
A100_SMS = 108  # streaming multiprocessors
A100_HBM_TBS = (1.5, 2.0)  # HBM bandwidth, TB/s (40 or 80 GB of it)
A100_SRAM_TBS = 19  # SRAM bandwidth, TB/s, their estimate

llama = model("Llama 3 8B")
score_bytes = llama.context**2 * 2  # one head's n x n scores, 2 bytes each
sram_bytes = A100_SRAM_KB * 1024
assert score_bytes > 500 * sram_bytes, "the score matrix is hundreds of times the SRAM"
report.value("llama_context", llama.context, ",d")
report.value("llama_heads", llama.n_heads, "d")
report.value("llama_layers", llama.n_layers, "d")
report.value("llama_score_mib", score_bytes / 2**20, ".0f")
report.value("sram_kb", sram_bytes / 1024, ".0f")
report.value("sram_ratio", score_bytes / sram_bytes, ".0f")
report.value("a100_sms", A100_SMS, "d")
report.value("hbm_bw", f"{A100_HBM_TBS[0]}–{A100_HBM_TBS[1]}", "")
report.value("sram_bw", A100_SRAM_TBS, "d")

# %% [markdown]
# ## The online softmax, one block at a time
# One query's eight scores, read two at a time. The running maximum m only ever grows;
# when it does, the running sum is multiplied by exp(m_old - m_new).

# %%
with report.output("online_steps"):
    # --8<-- [start:online_steps]
    scores = np.array(EXAMPLE_SCORES)  # one query, 8 keys: 2, 1, 4, 3, 0, 1, 5, 2
    print("keys  scores   m before  m after  factor  sum after")
    for row in online_softmax_trace(scores, block_size=2):
        start, stop = row.keys
        print(
            f"{start}-{stop - 1}   {str(scores[start:stop]):8} {row.m_old:8.1f} {row.m_new:8.1f}"
            f" {row.rescale:7.4f} {row.total:10.4f}"
        )
    m, total = online_normalizer(split_blocks(scores, 2))
    print("whole row: max", scores.max(), " sum", np.exp(scores - scores.max()).sum().round(4))
    # --8<-- [end:online_steps]
trace = online_softmax_trace(scores, 2)
assert m == scores.max(), "the running max must end at the true max"
assert np.isclose(total, np.exp(scores - scores.max()).sum()), "and the sum at lesson 4's sum"
raises = [row for row in trace[1:] if row.m_new > row.m_old]
assert len(raises) == 2 and trace[2].rescale == 1.0, "blocks 2 and 4 raise the max, 3 not"
report.value("ex_total", total, ".4f")
report.value("ex_m0", trace[0].m_new, ".0f")
report.value("ex_m1", trace[1].m_new, ".0f")
report.value("ex_max", m, ".0f")
report.value("ex_factor_1", trace[1].rescale, ".4f")
report.value("ex_factor_3", trace[3].rescale, ".4f")
report.value("ex_sum_before", trace[2].total, ".4f")
report.value("ex_sum_scaled", trace[2].total * trace[3].rescale, ".4f")
report.value("ex_m_old", trace[3].m_old, ".0f")
report.value("ex_m_new", trace[3].m_new, ".0f")

# %%
with report.output("online_equal"):
    # --8<-- [start:online_equal]
    rng = np.random.default_rng(SEED)
    worst = 0.0
    for block_size in range(1, 12):
        long_scores = rng.normal(0, 10, size=11)  # spread-out scores, 11 keys
        blocks = split_blocks(long_scores, block_size)
        worst = max(worst, np.max(np.abs(online_softmax(blocks) - softmax(long_scores))))
    print("largest |online - softmax| over block sizes 1..11:", worst)
    # --8<-- [end:online_equal]
assert worst < 1e-15, f"the online softmax must equal softmax to rounding, got {worst}"
report.value("online_worst", report.scientific(worst), "")
report.value("online_n", len(long_scores), "d")
report.value("exp_limit", np.log(np.finfo(float).max), ".1f")

# %% [markdown]
# ## Attention, one block of keys at a time
# `flash_attention` does the same for every query at once, and folds each block's values
# into a running output instead of writing weights out.

# %%
with report.output("equal"):
    # --8<-- [start:equal]
    rng = np.random.default_rng(SEED)
    n, d = 37, 16  # an odd length, so most block sizes leave a short last block
    q, k, v = (rng.normal(size=(n, d)) for _ in range(3))
    plain, _ = scaled_dot_product_attention(q, k, v, causal_mask(n))
    for block_size in [1, 4, 10, 37, 64]:
        tiled = flash_attention(q, k, v, block_size, mask=causal_mask(n))
        print(f"block {block_size:>2}: max |flash - plain| = {np.max(np.abs(tiled - plain)):.1e}")
    # --8<-- [end:equal]
errors = [
    np.max(np.abs(flash_attention(q, k, v, b, causal_mask(n)) - plain)) for b in range(1, n + 3)
]
assert max(errors) < 1e-14, f"flash must equal plain attention to rounding: {max(errors)}"
report.value("eq_n", n, "d")
report.value("eq_n_plus", n + 2, "d")
report.value("eq_worst", report.scientific(max(errors)), "")

# %% [markdown]
# A padded batch: the second sequence has only 3 real tokens, the third none at all.

# %%
with report.output("padded"):
    # --8<-- [start:padded]
    rng = np.random.default_rng(SEED)
    qb, kb, vb = (rng.normal(size=(3, 6, 4)) for _ in range(3))  # batch of 3, 6 tokens
    pad = padding_mask([6, 3, 0], 6)  # (3, 1, 6): keys 3.. of item 1 and all of item 2 blocked
    plain_b, _ = scaled_dot_product_attention(qb, kb, vb, pad)
    tiled_b = flash_attention(qb, kb, vb, block_size=4, mask=pad)
    print("max |flash - plain|:", np.max(np.abs(tiled_b - plain_b)))
    print("empty sequence's output:", tiled_b[2, 0])
    # --8<-- [end:padded]
assert np.max(np.abs(tiled_b - plain_b)) < 1e-15, "padded batch: flash equals plain"
assert np.all(tiled_b[2] == 0), "a fully blocked row must give a zero output, as masked_softmax"

# %% [markdown]
# ## Large scores
# Queries 1000 times larger make scores in the thousands: e^score overflows, the running
# maximum keeps every exponent at or below 0.

# %%
with report.output("large"):
    # --8<-- [start:large]
    BIG = 1000  # queries 1000 times larger
    big_q = BIG * q  # scores now in the thousands
    scores_big = big_q @ k.T / np.sqrt(d)
    plain_big, _ = scaled_dot_product_attention(big_q, k, v, causal_mask(n))
    tiled_big = flash_attention(big_q, k, v, block_size=8, mask=causal_mask(n))
    print(f"largest score: {scores_big.max():.0f}")
    print("all outputs finite:", np.all(np.isfinite(tiled_big)))
    print(f"max |flash - plain| = {np.max(np.abs(tiled_big - plain_big)):.1e}")
    # --8<-- [end:large]
errors_big = [
    np.max(np.abs(flash_attention(big_q, k, v, b, causal_mask(n)) - plain_big))
    for b in range(1, n + 3)
]
assert scores_big.max() > np.log(np.finfo(float).max), "e^score must overflow for these"
# A score near 3000 is itself only stored to within its spacing (about 4.5e-13): the
# one-key blocks compute it with another order of additions, so that is the error scale.
score_step = np.spacing(scores_big.max())
assert max(errors_big) < score_step, f"large scores: flash must equal plain, {max(errors_big)}"
assert np.median(errors_big) < 1e-15, "for most block sizes the error is one rounding step"
report.value("big_score", scores_big.max(), ",.0f")
report.value("big_factor", BIG, "d")
report.value("big_worst", report.scientific(max(errors_big)), "")
report.value("big_worst_block", int(np.argmax(errors_big)) + 1, "d")
report.value("big_median", report.scientific(np.median(errors_big)), "")
report.value("score_step", report.scientific(score_step), "")

# %%
# Figure: the largest error for every block size from 1 to n + 2, ordinary and large scores.
sizes = np.arange(1, n + 3)
fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
ax.plot(sizes, errors, "o-", markersize=3, label="ordinary scores")
ax.plot(sizes, errors_big, "s--", markersize=3, label="scores × 1000")
ax.axhline(
    np.finfo(float).eps, color=report.FG_LIGHT, linestyle=":", linewidth=1.5, label="rounding step"
)
ax.set_yscale("log")
ax.set_ylim(1e-17, 1e-11)
ax.set_xlabel("block size (keys)")
ax.set_ylabel("max |flash − plain|")
ax.legend(loc="upper right")
report.figure(
    fig,
    "error_vs_block",
    alt=(
        f"Line chart of the largest difference between flash_attention and plain attention "
        f"for block sizes 1 to {n + 2}, on a log scale: every point, for ordinary scores and "
        f"for scores 1000 times larger, lies near the float64 rounding step of 2.2e-16, "
        f"except one: block size {int(np.argmax(errors_big)) + 1} with large scores, at "
        f"{max(errors_big):.1e}, still below the rounding step of a score near 3000."
    ),
    caption=f"Every block size gives the plain answer to rounding ({n} tokens, causal mask).",
)

# %% [markdown]
# ## What the tiles hold
# We count the scores each step of `flash_attention_steps` holds, for 1024 tokens.

# %%
with report.output("tiles"):
    # --8<-- [start:tiles]
    n_mem, d_mem = 1024, 64
    rng = np.random.default_rng(SEED)
    qm, km, vm = (rng.normal(size=(n_mem, d_mem)) for _ in range(3))
    print("block  blocks  scores held  share of n²")
    for block_size in [1, 16, 64, 256, 1024]:
        steps = 0
        largest = 0
        for step in flash_attention_steps(qm, km, vm, block_size):
            steps += 1
            largest = max(largest, step.scores.size)  # the scores alive right now
        print(f"{block_size:>5} {steps:>7} {largest:>12,} {largest / n_mem**2:>11.2%}")
    # --8<-- [end:tiles]
assert largest == n_mem**2 and steps == 1, "one block of every key is plain attention"
tile_64 = largest_score_tile(n_mem, n_mem, 64)
assert tile_64 == n_mem * 64, f"block 64 holds n x 64 scores, got {tile_64}"
report.value("mem_n", n_mem, ",d")
report.value("mem_d", d_mem, "d")
report.value("tile_64", tile_64, ",d")
report.value("tile_block", 64, "d")
report.value("plain_scores", n_mem**2, ",d")
report.value("tile_64_share", tile_64 / n_mem**2, ".2%")

# %%
# Figure: memory held against block size. Counted scores, and numpy's measured peak.
blocks_fig = 2 ** np.arange(0, 11)  # 1, 2, 4, ..., 1024
tile_bytes = [8 * largest_score_tile(n_mem, n_mem, int(b), d=d_mem) for b in blocks_fig]
flash_peak = [peak_bytes(flash_attention, qm, km, vm, int(b)) for b in blocks_fig]
plain_peak = peak_bytes(scaled_dot_product_attention, qm, km, vm)
assert all(p < plain_peak for p in flash_peak), "tiled attention never allocates more"
mb = 1 / 2**20
fig, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
ax.plot(blocks_fig, np.array(tile_bytes) * mb, "o-", markersize=4, label="largest score tile")
ax.plot(blocks_fig, np.array(flash_peak) * mb, "s-", markersize=4, label="flash: numpy's peak")
ax.axhline(plain_peak * mb, color=report.PALETTE[2], linestyle="--", label="plain: numpy's peak")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("block size (keys)")
ax.set_ylabel("memory (MiB)")
ax.legend(loc="lower right", fontsize=10)
report.figure(
    fig,
    "memory_vs_block",
    alt=(
        f"Log-log chart of memory against block size for {n_mem} tokens of size {d_mem}. "
        "The largest score tile grows in proportion to the block size, from "
        f"{tile_bytes[0] / 1024:.0f} KiB for one key to {tile_bytes[-1] * mb:.0f} MiB for all "
        "of them. The peak memory numpy allocates for flash_attention "
        "follows it from above and stays under the dashed line of plain attention's peak."
    ),
    caption=(
        "Memory held at once grows with the block, not with n². "
        "Peaks measured with tracemalloc on the build machine."
    ),
)

# %% [markdown]
# ## Memory traffic on a GPU, under a simple model
# Plain attention writes the n x n scores and weights to slow memory and reads them back;
# tiled attention keeps them on the chip and rereads keys and values once per query block.

# %%
with report.output("traffic"):
    # --8<-- [start:traffic]
    d_head, block = 64, 128  # head size; query and key block of 128 rows
    on_chip = fast_memory_needed(d_head, block)  # numbers the chip holds at once
    print(f"on chip: {on_chip:,} numbers ({2 * on_chip / 1024:.0f} KiB in 16 bits)")
    print("numbers moved, in millions")
    print("tokens n   plain   tiled  plain / tiled")
    for n_tokens in [1024, 4096, 16384]:
        plain_moved = standard_traffic(n_tokens, d_head)
        tiled_moved = tiled_traffic(n_tokens, d_head, block)
        print(
            f"{n_tokens:>8} {plain_moved / 1e6:>7.1f} {tiled_moved / 1e6:>7.1f}"
            f" {plain_moved / tiled_moved:>14.1f}"
        )
    # --8<-- [end:traffic]
assert 2 * on_chip <= sram_bytes, "the tiles fit the SRAM of the model"
ratios = [standard_traffic(t, d_head) / tiled_traffic(t, d_head, block) for t in (1024, 16384)]
assert 3 < ratios[0] < ratios[1] < 2 * block / d_head, "ratio approaches 2 B / d from below"
report.value("tr_d", d_head, "d")
report.value("tr_block", block, "d")
report.value("tr_on_chip_kib", 2 * on_chip / 1024, ".0f")
report.value("tr_ratio_long", ratios[1], ".1f")
report.value("tr_limit", 2 * block / d_head, ".0f")
report.value("tr_n_mid", 4096, "d")
report.value("tr_plain_4096", standard_traffic(4096, d_head) / 1e6, ".1f")
report.value("tr_tiled_4096", tiled_traffic(4096, d_head, block) / 1e6, ".1f")

# %% [markdown]
# ## The same query, block by block (the page's widget)
# The scores of the table above, with one number per key as its value.

# %%
values = np.array(EXAMPLE_VALUES)  # one number per key
plain_output = softmax(scores) @ values
steps_3 = one_query_trace(scores, values, 3)
assert np.isclose(steps_3[-1]["output"], plain_output), "the widget ends at plain attention"
report.widget(
    "flash_blocks",
    "flash-blocks",
    {"scores": scores, "values": values, "plain": plain_output, "start": 2},
    label="Read the keys in blocks",
    caption=(
        "One query's eight scores from the table above, each key with a one-number value. "
        "Choose the keys per block, then step through the blocks."
    ),
)
report.value("widget_output", plain_output, ".4f")
