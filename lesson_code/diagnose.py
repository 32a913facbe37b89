"""Faulty attention layers and a rule for telling a query fault from a key or value fault.

Lesson 19's exercise: three single-head attention functions each contain one realistic
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

from lesson_code.attention import scaled_dot_product_attention

TOKENS = ("the", "cat", "sat", "on", "mat")


def example(seed=19):
    """Inputs for the exercise: x (5, 4) with positive features, w_q, w_k, w_v (4, 4).

    Queries and keys are near-copies of x, so every pair of tokens scores positively.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.5, size=(len(TOKENS), 4))  # (5, 4)
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
