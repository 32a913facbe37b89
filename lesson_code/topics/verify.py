"""Lesson 27, verify before you trust: re-run the numbers, then find the broken role.

Part 1 recomputes the claims of popular explanations of attention so they can be checked
instead of believed (the trophy/suitcase scores themselves, and their softmax with or
without scaling, are ``lesson_code.topics.worked_examples.published_weights``):

- ``implied_third_weight``: what a quoted pair of weights implies for a third token;
- ``score_spread``: how large dot products get, and what dividing by √d_k or d_k does;
- ``mean_top_weight``: how peaked the softmax is under each scaling;
- ``contributions``: how much each token really adds to an attention output;
- ``sink_example``: a start token that soaks up weight but brings almost nothing.

Part 2 is the exercise: three single-head attention functions each contain one realistic
bug. Compare each with the correct layer and decide which of the three roles is broken:

- a fault in the **queries** shows up in **rows** of the weight matrix (one row per query);
- a fault in the **keys** shows up in a **column** (one column per key), for every query;
- a fault in the **values** leaves the weights untouched and changes only the output.

All layers take ``x`` (n, d_model) and projections ``w_q``, ``w_k`` (d_model, d_k) and
``w_v`` (d_model, d_v), and return (output (n, d_v), weights (n, n)).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lesson_code.attention import scaled_dot_product_attention, softmax


# --8<-- [start:implied]
def implied_third_weight(w1, w2, s1, s2, s3):
    """The weight a third score s3 must get if s1, s2 really got weights w1, w2.

    Softmax weights satisfy w1 / w2 = exp((s1 - s2) / T) for the scale T in use, so the
    quoted pair fixes T, and T fixes the third weight: w3 = w1 · exp((s3 - s1) / T).
    Returns (w3, T).
    """
    temperature = (s1 - s2) / np.log(w1 / w2)
    return w1 * np.exp((s3 - s1) / temperature), temperature


# --8<-- [end:implied]


def score_spread(d_k, n_pairs=5000, seed=0):
    """Standard deviation of q·k, q·k/√d_k and q·k/d_k for unit-variance random vectors.

    Returns a dict with keys "raw", "sqrt", "linear".
    """
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(n_pairs, d_k))
    k = rng.normal(size=(n_pairs, d_k))
    dots = np.sum(q * k, axis=1)  # (n_pairs,) one dot product per pair
    return {
        "raw": float(dots.std()),
        "sqrt": float((dots / np.sqrt(d_k)).std()),
        "linear": float((dots / d_k).std()),
    }


def mean_top_weight(d_k, divide_by, n_keys=10, n_queries=500, seed=0):
    """Average largest softmax weight of a random query over ``n_keys`` random keys.

    divide_by: "sqrt" (√d_k, the correct scaling), "linear" (d_k) or "none".
    """
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(n_queries, 1, d_k))
    k = rng.normal(size=(n_queries, n_keys, d_k))
    scores = np.sum(q * k, axis=-1)  # (n_queries, n_keys)
    factor = {"sqrt": np.sqrt(d_k), "linear": float(d_k), "none": 1.0}[divide_by]
    return float(softmax(scores / factor, axis=-1).max(axis=-1).mean())


# --8<-- [start:contributions]
def contributions(weights_row, v):
    """Length of what each key adds to one output: ‖w_j · v_j‖ for every j.

    weights_row: (n_k,) one query's weights; v: (n_k, d_v). Returns (n_k,).
    The output is the sum of these vectors, so a large weight on a short value
    vector adds little.
    """
    weights_row, v = np.asarray(weights_row, dtype=float), np.asarray(v, dtype=float)
    return np.linalg.norm(weights_row[:, None] * v, axis=1)  # (n_k,)


# --8<-- [end:contributions]


def sink_example():
    """A query that looks mostly at a start token whose value vector is nearly empty.

    Returns (tokens, q (1, d), k (n, d), v (n, d_v)): the pattern often seen in trained
    models, where a first token soaks up weight but carries little content.
    """
    tokens = ("<start>", "the", "cat", "sat")
    q = np.array([[2.0, 1.0, 0.0, 0.0]])
    k = np.array(
        [
            [2.0, 0.0, 0.0, 0.0],  # <start>: matches every query a little more
            [0.0, 0.5, 0.0, 0.0],
            [0.5, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
        ]
    )
    v = np.array(
        [
            [0.05, 0.0],  # <start> brings almost nothing
            [0.2, 0.1],
            [3.0, 2.0],  # "cat" carries the content
            [0.5, -0.5],
        ]
    )
    return tokens, q, k, v


# ---------------------------------------------------------------------------------------
# Part 2: three faulty layers and the rule that tells which role is broken
# ---------------------------------------------------------------------------------------
MYSTERY_TOKENS = ("the", "cat", "sat", "on", "mat")


def mystery_example(seed=19):
    """Inputs for the exercise: x (5, 4) with positive features, w_q, w_k, w_v (4, 4).

    Queries and keys are near-copies of x, so every pair of tokens scores positively.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.5, size=(len(MYSTERY_TOKENS), 4))  # (5, 4)
    w_q = 1.6 * np.eye(4) + rng.normal(0, 0.1, size=(4, 4))
    w_k = 1.6 * np.eye(4) + rng.normal(0, 0.1, size=(4, 4))
    w_v = rng.normal(0, 1.0, size=(4, 4))
    return x, w_q, w_k, w_v


# --8<-- [start:reference]
def reference_layer(x, w_q, w_k, w_v):
    """The correct layer: project, then lesson_code's scaled dot-product attention."""
    return scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)


# --8<-- [end:reference]


# --8<-- [start:mystery_a]
def mystery_layer_a(x, w_q, w_k, w_v):
    """Someone averaged the tokens 'to save work' before projecting the queries."""
    pooled = x.mean(axis=0) @ w_q  # (d_k,) one vector instead of one per token
    q = np.broadcast_to(pooled, (len(x), w_q.shape[1]))  # (n, d_k)
    return scaled_dot_product_attention(q, x @ w_k, x @ w_v)


# --8<-- [end:mystery_a]


# --8<-- [start:mystery_b]
def mystery_layer_b(x, w_q, w_k, w_v):
    """Keys are filled into a preallocated cache, one token at a time."""
    k = np.zeros((len(x), w_k.shape[1]))  # (n, d_k)
    for t in range(len(x) - 1):  # off by one: the last token is never written
        k[t] = x[t] @ w_k
    return scaled_dot_product_attention(x @ w_q, k, x @ w_v)


# --8<-- [end:mystery_b]


# --8<-- [start:mystery_c]
def mystery_layer_c(x, w_q, w_k, w_v):
    """The three projections were written by copy and paste."""
    q, k, v = x @ w_q, x @ w_k, x @ w_k  # the third one should use w_v
    return scaled_dot_product_attention(q, k, v)


# --8<-- [end:mystery_c]


class Diagnosis(NamedTuple):
    part: str  # "queries", "keys", "values", "none" or "unclear"
    where: tuple  # rows (queries) or columns (keys) that look wrong
    reason: str


# --8<-- [start:diagnose]
def diagnose(layer, x, w_q, w_k, w_v, tol=1e-6):
    """Compare ``layer`` with ``reference_layer`` on the same inputs and name the faulty role.

    Works on log-weights: if only key j is wrong, each row's softmax renormalisation
    shifts every other column of that row by the same amount, so after removing each
    row's common shift only column j is left over.
    """
    out_ref, w_ref = reference_layer(x, w_q, w_k, w_v)
    out, w = layer(x, w_q, w_k, w_v)
    if np.allclose(w, w_ref, atol=tol):
        if np.allclose(out, out_ref, atol=tol):
            return Diagnosis("none", (), "weights and output both match")
        return Diagnosis("values", (), "weights match but the output does not")
    if np.allclose(w, w[0], atol=tol) and not np.allclose(w_ref, w_ref[0], atol=tol):
        return Diagnosis("queries", tuple(range(len(w))), "every row has the same weights")
    log_ratio = np.log(w) - np.log(w_ref)  # (n, n)
    shift = np.median(log_ratio, axis=1, keepdims=True)  # renormalisation of each row
    odd = np.abs(log_ratio - shift) > 1e3 * tol  # (n, n) entries that moved on their own
    rows = tuple(int(i) for i in np.flatnonzero(odd.any(axis=1)))
    cols = tuple(int(j) for j in np.flatnonzero(odd.any(axis=0)))
    if len(rows) < len(w):
        return Diagnosis("queries", rows, "only some rows changed")
    if len(cols) < len(w) and np.all(odd[:, cols]):
        return Diagnosis("keys", cols, "the same column moved in every row")
    return Diagnosis("unclear", (), "the pattern fits no single role")


# --8<-- [end:diagnose]
