"""Hard and soft lookups for lesson 2: from a dictionary to a kernel-weighted average.

The running example is a tiny "dictionary" of thermometer readings: the keys are the
hours at which a reading was taken, the values are the temperatures (°C). A hard lookup
needs the exact hour; a soft lookup blends every reading, weighted by how close its hour
is to the hour asked about (Nadaraya-Watson kernel regression with a Gaussian kernel).

Shapes: ``keys`` and ``values`` are ``(n,)`` (one entry per stored item); a single query
is a float, several queries are ``(m,)``; weights are ``(n,)`` or ``(m, n)``, rows sum to 1.
"""

from __future__ import annotations

import numpy as np

HOURS = np.array([6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 21.0])  # keys, (8,)
TEMPS = np.array([8.0, 11.5, 15.0, 18.5, 20.0, 19.0, 15.5, 11.0])  # values in °C, (8,)


# --8<-- [start:hard]
def hard_weights(query, keys) -> np.ndarray:
    """One-hot weights (n,): 1 on the key equal to ``query``, 0 elsewhere.

    Raises KeyError when no key matches exactly, like a Python dict.
    """
    keys = np.asarray(keys, dtype=float)
    match = keys == query  # (n,) booleans
    if not match.any():
        raise KeyError(query)
    return match / match.sum()  # exactly one 1 when keys are distinct


def hard_lookup(query, keys, values) -> float:
    """The value stored under exactly ``query``: one-hot weights @ values."""
    return float(hard_weights(query, keys) @ np.asarray(values, dtype=float))


# --8<-- [end:hard]


# --8<-- [start:soft]
def gaussian_kernel_weights(query, keys, bandwidth) -> np.ndarray:
    """Weights from a Gaussian kernel of the query-key distance.

    w_i is proportional to exp(-(q - k_i)^2 / (2 bandwidth^2)).
    query: float or (m,); keys: (n,).
    Returns (n,) or (m, n); every row sums to 1.
    """
    q = np.asarray(query, dtype=float)[..., None]  # (..., 1)
    k = np.asarray(keys, dtype=float)  # (n,)
    scores = -((q - k) ** 2) / (2.0 * bandwidth**2)  # (..., n): closer, higher
    scores -= scores.max(axis=-1, keepdims=True)  # the stable-softmax shift
    weights = np.exp(scores)
    return weights / weights.sum(axis=-1, keepdims=True)


def soft_lookup(query, keys, values, bandwidth):
    """Every value, weighted by how close its key is to the query.

    query: float or (m,); keys, values: (n,).
    Returns (estimate, weights): a float and (n,), or (m,) and (m, n).
    """
    weights = gaussian_kernel_weights(query, keys, bandwidth)  # (..., n)
    estimate = weights @ np.asarray(values, dtype=float)  # (...,)
    return estimate, weights


# --8<-- [end:soft]


def soft_lookup_value(query, keys, values, bandwidth) -> float:
    """Just the estimate of ``soft_lookup`` for one query (handy for quizzes)."""
    estimate, _ = soft_lookup(float(query), keys, values, bandwidth)
    return float(estimate)


def as_attention_vectors(queries, keys, bandwidth):
    """Query and key vectors whose scaled dot-product attention equals the Gaussian lookup.

    Expanding the square, -(q - k)^2 / (2 s^2) = (q k - k^2 / 2) / s^2 - q^2 / (2 s^2). The
    last term is the same for every key, so softmax ignores it; what is left is the dot
    product of (q, 1) with (k, -k^2 / 2), divided by s^2. Scaled dot-product attention
    divides by sqrt(d_k) = sqrt(2), so both vectors are multiplied by 2^(1/4) / s.

    queries: (m,); keys: (n,). Returns (q_vecs (m, 2), k_vecs (n, 2)).
    """
    q = np.atleast_1d(np.asarray(queries, dtype=float))
    k = np.asarray(keys, dtype=float)
    scale = 2.0**0.25 / bandwidth
    q_vecs = scale * np.stack([q, np.ones_like(q)], axis=-1)  # (m, 2)
    k_vecs = scale * np.stack([k, -(k**2) / 2.0], axis=-1)  # (n, 2)
    return q_vecs, k_vecs
