"""What attention costs and what it buys: path length, parallel steps, n² memory and time.

Lesson 25 uses these helpers to compare a recurrent network with self-attention:

- how many hops information needs from one token to another (``hop_counts``),
- how many rounds of parallel work a layer needs (``rnn_sweeps_needed``, on lesson 1's
  recurrent cell from ``lesson_code.topics.rnn``),
- how big the weight matrix gets and how long the two ways of computing it take.

Shapes follow ``lesson_code.attention``: rows are tokens, ``q`` is ``(n, d_k)``.
"""

from __future__ import annotations

import time

import numpy as np

from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics.rnn import rnn_step, run_rnn


# --8<-- [start:graphs]
def rnn_links(n):
    """(n, n) bool: ``links[i, j]`` is True when position j reads position i directly.

    In a recurrent network the state at j is computed from the state at j - 1 only.
    """
    links = np.zeros((n, n), dtype=bool)
    links[np.arange(n - 1), np.arange(1, n)] = True  # i -> i + 1
    return links


def attention_links(n, causal=False):
    """(n, n) bool: in one self-attention layer every output reads every input directly.

    With ``causal=True`` position j reads only positions i <= j.
    """
    links = np.ones((n, n), dtype=bool)
    return np.triu(links) if causal else links


def hop_counts(links):
    """(n, n) shortest number of hops from i to j along ``links`` (0 on the diagonal).

    Breadth-first search done with boolean matrix products; unreachable pairs get -1.
    """
    n = links.shape[0]
    hops = np.full((n, n), -1)
    hops[np.arange(n), np.arange(n)] = 0
    reached = np.eye(n, dtype=bool)  # reached[i, j]: j reachable from i so far
    for step in range(1, n):
        reached_next = reached | ((reached.astype(int) @ links.astype(int)) > 0)
        hops[reached_next & ~reached] = step  # newly reached in this many hops
        if np.array_equal(reached_next, reached):
            break
        reached = reached_next
    return hops


# --8<-- [end:graphs]


# --8<-- [start:sweeps]
def rnn_parallel_sweep(rnn, states, x):
    """Update every position at once from the previous sweep's states: (n, d_h) -> (n, d_h).

    rnn: lesson 1's ``ToyRNN``; x: (n, d_x). Each position uses only last sweep's
    values, so all n updates could run in parallel.
    """
    h0 = np.zeros(rnn.d_h)
    previous = [h0] + list(states[:-1])  # state t reads state t - 1 from the OLD sweep
    return np.array([rnn_step(rnn, previous[t], x[t]) for t in range(len(x))])


def rnn_sweeps_needed(rnn, x):
    """How many all-positions-at-once sweeps it takes to reproduce ``run_rnn`` exactly."""
    target = run_rnn(rnn, x)  # (n, d_h), computed one position after the other
    states = np.zeros_like(target)
    for sweep in range(1, len(x) + 1):
        states = rnn_parallel_sweep(rnn, states, x)
        if np.array_equal(states, target):
            return sweep
    raise AssertionError("the sweeps never reproduced the sequential states")


# --8<-- [end:sweeps]


# --8<-- [start:two_ways]
def attention_loop(q, k, v):
    """One query at a time: (n_q, d_k), (n_k, d_k), (n_k, d_v) -> (n_q, d_v) output."""
    d_k = q.shape[-1]
    out = np.empty((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):  # a Python-level loop over the queries
        scores = k @ q[i] / np.sqrt(d_k)  # (n_k,)
        out[i] = softmax(scores) @ v  # (d_v,)
    return out


def attention_matrix(q, k, v):
    """All queries in one matrix product: same shapes and result as ``attention_loop``."""
    output, _ = scaled_dot_product_attention(q, k, v)
    return output


# --8<-- [end:two_ways]


def median_times(fns, *args, repeats=5):
    """Median wall-clock seconds of each ``fn(*args)`` over ``repeats`` rounds.

    The functions take turns inside every round, so a burst of load on the machine
    slows all of them alike instead of only the one being timed at that moment.
    Returns a list with one median per function (time.perf_counter).
    """
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, record in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn(*args)
            record.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def weight_matrix_bytes(n, d_k=64, seed=0):
    """Bytes of the (n, n) float64 weight matrix scaled dot-product attention returns."""
    rng = np.random.default_rng(seed)
    q, k, v = (rng.normal(size=(n, d_k)) for _ in range(3))
    _, weights = scaled_dot_product_attention(q, k, v)  # (n, n)
    return weights.nbytes


def loglog_slope(ns, ys):
    """Slope of the least-squares line through (log n, log y): the power p in y ~ n^p."""
    slope, _ = np.polyfit(np.log(np.asarray(ns, float)), np.log(np.asarray(ys, float)), 1)
    return float(slope)


def mixing_macs(n, d):
    """Multiply-adds that mix positions in one layer: (attention, recurrent).

    Attention: Q Kᵀ and weights @ V, each n·n·d. Recurrent: n steps of h @ W_h, each d·d.
    """
    return 2 * n * n * d, n * d * d


# --8<-- [start:patches]
def image_to_patches(image, patch_side=16):
    """Cut an image into square patches, one token each, as a vision transformer does.

    image: (height, width, channels), both sides multiples of ``patch_side``.
    Returns (n_patches, patch_side * patch_side * channels): the patches in reading order
    (left to right, then top to bottom), each flattened into one row. A learned linear
    layer then maps every row to d_model numbers, and attention treats the rows as tokens.
    """
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"image must be (height, width, channels), got shape {image.shape}")
    height, width, channels = image.shape
    if height % patch_side or width % patch_side:
        raise ValueError(
            f"image sides {height} x {width} must be multiples of patch_side={patch_side}"
        )
    rows, cols = height // patch_side, width // patch_side
    grid = image.reshape(rows, patch_side, cols, patch_side, channels)  # split both sides
    grid = grid.transpose(0, 2, 1, 3, 4)  # (rows, cols, patch_side, patch_side, channels)
    return grid.reshape(rows * cols, patch_side * patch_side * channels)


# --8<-- [end:patches]


def patch_count(image_side, patch_side=16, channels=3):
    """How many patch tokens a square ``image_side`` x ``image_side`` image gives."""
    image = np.zeros((image_side, image_side, channels))
    return len(image_to_patches(image, patch_side))
