"""FlashAttention's ingredients: the online softmax, and what tiling saves.

Lesson 23 builds ``lesson_code.attention.flash_attention`` from two pieces kept here:

- the online softmax (Milakov and Gimelshein, 2018): lesson 4's stable softmax, computed
  over scores that arrive in blocks, with a running maximum and a running sum that is
  rescaled whenever the maximum grows (``online_normalizer``, ``online_softmax``,
  ``online_softmax_trace``);
- measurements of the tiled computation: the largest score array it holds
  (``largest_score_tile``), the peak memory numpy allocates (``peak_bytes``), and the
  numbers moved between slow and fast memory under a simple model of a GPU
  (``standard_traffic``, ``tiled_traffic``), after the IO analysis of Dao et al. (2022).

Shapes follow ``lesson_code.attention``: rows are tokens, ``q`` is ``(n_q, d_k)``.
"""

from __future__ import annotations

import math
import tracemalloc
from collections import namedtuple

import numpy as np

from lesson_code.attention import flash_attention_steps, softmax

# One query's scores over eight keys (lesson 23's table and widget): the maximum rises in
# the second and fourth blocks of two and stays put in the third. Each key's value is one
# number, so the widget's running output is a number too.
EXAMPLE_SCORES = (2.0, 1.0, 4.0, 3.0, 0.0, 1.0, 5.0, 2.0)
EXAMPLE_VALUES = (1.0, -1.0, 0.5, 2.0, -0.5, 0.0, 1.5, -2.0)


# --8<-- [start:online]
def online_normalizer(blocks):
    """One pass over blocks of scores: (m, total), the max and the sum of exp(s - m).

    blocks: an iterable of 1-D arrays of scores, read once, in order, and not kept.
    Lesson 4's stable softmax needs the maximum before it can exponentiate anything. Here
    the maximum is only known so far: each block is exponentiated against the running
    maximum, and when a block brings a larger one, the sum so far is multiplied by
    exp(m_old - m_new), which restates every earlier term against the new maximum.
    """
    m, total = -np.inf, 0.0  # nothing seen yet: e^(s - m) would be 0 for every s
    for block in blocks:
        block = np.asarray(block, dtype=float)
        m_new = max(m, float(np.max(block)))
        total = total * np.exp(m - m_new) + float(
            np.sum(np.exp(block - m_new))
        )  # old terms rescaled
        m = m_new
    return m, total


def online_softmax(blocks):
    """Softmax of the concatenated blocks, with the max and sum found in one pass.

    blocks: a list of 1-D arrays of scores. Returns the weights, 1-D, one per score,
    equal to ``softmax(np.concatenate(blocks))``. Writing the weights out is a second
    pass; attention avoids it by folding each block into its output at once.
    """
    blocks = [np.asarray(block, dtype=float) for block in blocks]
    m, total = online_normalizer(blocks)
    return np.concatenate([np.exp(block - m) / total for block in blocks])


# --8<-- [end:online]


def split_blocks(scores, block_size):
    """Cut a 1-D array of scores into consecutive blocks of ``block_size`` (the last may be
    shorter)."""
    scores = np.asarray(scores, dtype=float)
    return [scores[i : i + block_size] for i in range(0, len(scores), block_size)]


OnlineRow = namedtuple("OnlineRow", "keys block_max m_old m_new rescale total")


def online_softmax_trace(scores, block_size):
    """The online normalizer of ``scores`` step by step: one ``OnlineRow`` per block.

    Each row holds the keys of the block (start, stop), the block's largest score, the
    running maximum before and after it, the factor exp(m_old - m_new) that rescales the
    running sum, and the running sum after the block. The last row's (m_new, total) equal
    ``online_normalizer(split_blocks(scores, block_size))``.
    """
    rows, m, total, start = [], -np.inf, 0.0, 0
    for block in split_blocks(scores, block_size):
        m_new = max(m, float(np.max(block)))
        rescale = float(np.exp(m - m_new))
        total = total * rescale + float(np.sum(np.exp(block - m_new)))
        rows.append(
            OnlineRow((start, start + len(block)), float(np.max(block)), m, m_new, rescale, total)
        )
        m, start = m_new, start + len(block)
    return rows


def one_query_trace(scores, values, block_size):
    """One query's attention folded block by block: a dict per block, for the widget.

    scores: (n,) the query's scores; values: (n,) one number per key (a value of size 1,
    so the running output is a number). Each dict holds the block's keys ``start`` and
    ``stop``, ``m_old``, ``m_new``, the ``factor`` exp(m_old - m_new), the running ``total``
    and ``acc`` after the block, ``output`` = acc / total (attention over the keys read so
    far) and ``weights``: (n,) the weights of the keys read so far, 0 for the others.
    After the last block, ``output`` is ``softmax(scores) @ values``.
    """
    scores = np.asarray(scores, dtype=float)
    values = np.asarray(values, dtype=float)
    steps, m, total, acc = [], -np.inf, 0.0, 0.0
    for start in range(0, len(scores), block_size):
        stop = min(start + block_size, len(scores))
        m_new = max(m, float(np.max(scores[start:stop])))
        factor = float(np.exp(m - m_new))
        p = np.exp(scores[start:stop] - m_new)  # this block's terms, against the new max
        total = total * factor + float(np.sum(p))
        acc = acc * factor + float(p @ values[start:stop])
        weights = np.zeros_like(scores)
        weights[:stop] = np.exp(scores[:stop] - m_new) / total
        steps.append(
            {"start": start, "stop": stop, "m_old": m, "m_new": m_new, "factor": factor}
            | {"total": total, "acc": acc, "output": acc / total, "weights": weights}
        )
        m = m_new
    return steps


def rescale_factors(scores, block_size):
    """The factor exp(m_old - m_new) applied to the running sum at each block (1-D array).

    The first block's factor is 0 (there is nothing to rescale: m_old = -inf).
    """
    return np.array([row.rescale for row in online_softmax_trace(scores, block_size)])


def stable_softmax_check(scores, block_size):
    """max |online_softmax - softmax| for ``scores`` cut into blocks of ``block_size``."""
    blocks = split_blocks(scores, block_size)
    return float(np.max(np.abs(online_softmax(blocks) - softmax(np.asarray(scores, float)))))


# --8<-- [start:measure]
def largest_score_tile(n_q, n_k, block_size, d=8, seed=0):
    """The largest number of scores ``flash_attention`` holds at once, counted as it runs.

    Runs ``flash_attention_steps`` on random (n_q, d) queries and (n_k, d) keys and values
    and returns the largest ``scores.size`` any step had: n_q * min(block_size, n_k).
    """
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n_q, d)), rng.normal(size=(n_k, d)), rng.normal(size=(n_k, d))
    return max(step.scores.size for step in flash_attention_steps(q, k, v, block_size))


def peak_bytes(function, *args, **kwargs):
    """Peak bytes allocated while ``function(*args, **kwargs)`` runs, by ``tracemalloc``.

    numpy reports its array buffers to tracemalloc, so this counts every temporary array
    (scores, exponentials, weights). The result depends a little on Python and numpy
    versions; it measures this machine's run.
    """
    function(*args, **kwargs)  # a first call, so one-off allocations are not counted
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        function(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


# --8<-- [end:measure]


# --8<-- [start:traffic]
def standard_traffic(n, d):
    """Numbers moved between slow memory (HBM) and the chip by plain attention.

    The standard algorithm of Dao et al. (2022, Algorithm 0), one head, n tokens, head
    size d: read Q and K (2nd), write the scores S (n²), read S back for the softmax
    (n²), write the weights P (n²), read P and V (n² + nd), write the output O (nd).
    """
    return 2 * n * d + n * n + n * n + n * n + (n * n + n * d) + n * d  # 4nd + 4n²


def tiled_traffic(n, d, block_size):
    """Numbers moved between slow memory and the chip by tiled attention.

    Queries are cut into blocks of ``block_size`` rows, one block on the chip at a time
    with its running max, sum and output. Each query block reads every key and value
    once (2nd per block); Q is read once and O written once (nd each). Scores and
    weights live only on the chip and are never written out.
    """
    n_blocks = math.ceil(n / block_size)
    return n * d + n_blocks * 2 * n * d + n * d  # about 2n²d / block_size


def fast_memory_needed(d, block_size, key_block=None):
    """Numbers the chip must hold at once for ``tiled_traffic``: Q, K, V and output blocks
    (block x d each), the score tile (block x key block) and the running max and sum."""
    key_block = block_size if key_block is None else key_block
    return 2 * block_size * d + 2 * key_block * d + block_size * key_block + 2 * block_size


# --8<-- [end:traffic]
