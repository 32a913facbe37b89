"""Measurements behind the √d_k in attention: dot-product spread and softmax peakiness.

Lesson 9 uses these to show, by simulation, that with unit-variance components a dot
product q · k of two d-dimensional vectors has variance d, and what that does to the
softmax with no scaling, with the √d scaling attention uses, and with a (wrong) 1/d scaling.

Shapes
------
- ``random_dot_products(d, n_draws, seed)``: (n_draws,) one q · k per independent pair
- ``random_scores(d, n_keys, n_draws, seed)``: (n_draws, n_keys) raw scores q · k_j
- ``random_weights(d, n_keys, n_draws, divide_by, seed)``: (n_draws, n_keys), rows sum to 1
- ``peakiness(...)``: (mean largest weight, mean entropy / log(n_keys)), two floats

Every function takes a seed or a ``numpy.random.Generator`` so results are reproducible;
quizzes call them with literal arguments, e.g. ``scale_factor("sqrt", 64)``.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import softmax
from lesson_code.topics.backward import softmax_jacobian

DIVISORS = ("none", "sqrt", "d")  # divide the scores by 1, √d or d


def _rng(seed_or_rng):
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    return np.random.default_rng(seed_or_rng)


def scale_factor(divide_by, d):
    """The number the scores are divided by: 1 ("none"), √d ("sqrt") or d ("d")."""
    assert divide_by in DIVISORS, f"divide_by must be one of {DIVISORS}, got {divide_by!r}"
    return {"none": 1.0, "sqrt": float(np.sqrt(d)), "d": float(d)}[divide_by]


# --8<-- [start:dots]
def random_dot_products(d, n_draws=20_000, seed=0):
    """(n_draws,) dot products q · k of independent q, k in R^d.

    Every component of every q and k is drawn from N(0, 1).
    """
    rng = _rng(seed)
    out = np.empty(n_draws)
    chunk = 4096  # draw in chunks so large d does not need one huge array
    for start in range(0, n_draws, chunk):
        m = min(chunk, n_draws - start)
        q = rng.standard_normal((m, d))  # (m, d)
        k = rng.standard_normal((m, d))  # (m, d)
        out[start : start + m] = np.einsum("nd,nd->n", q, k)  # row-wise q . k
    return out


# --8<-- [end:dots]


# --8<-- [start:weights]
def random_scores(d, n_keys=16, n_draws=2_000, seed=0):
    """(n_draws, n_keys) raw scores q · k_j of a random query and random keys.

    Each draw: q in R^d and n_keys keys in R^d, all components N(0, 1).
    """
    rng = _rng(seed)
    scores = np.empty((n_draws, n_keys))
    chunk = 256  # draws per batch, to keep memory small for large d
    for start in range(0, n_draws, chunk):
        m = min(chunk, n_draws - start)
        q = rng.standard_normal((m, d))  # (m, d): one query per draw
        k = rng.standard_normal((m, n_keys, d))  # (m, n_keys, d): its keys
        scores[start : start + m] = np.einsum("md,mnd->mn", q, k)  # (m, n_keys)
    return scores


def random_weights(d, n_keys=16, n_draws=2_000, divide_by="sqrt", seed=0):
    """(n_draws, n_keys) softmax of ``random_scores`` / ``scale_factor``.

    The same seed gives the same queries and keys whatever ``divide_by`` is.
    """
    scores = random_scores(d, n_keys, n_draws, seed)  # (n_draws, n_keys)
    return softmax(scores / scale_factor(divide_by, d), axis=-1)


# --8<-- [end:weights]


def peakiness(d, n_keys=16, n_draws=2_000, divide_by="sqrt", seed=0):
    """(mean largest weight, mean normalised entropy) of ``random_weights``.

    The largest weight is 1/n_keys for uniform weights and 1 for a one-hot row. The
    normalised entropy -Σ w log w / log(n_keys) is 1 for uniform weights and 0 for one-hot.
    """
    return peakiness_of(random_weights(d, n_keys, n_draws, divide_by, seed))


def peakiness_of(weights):
    """(mean largest weight, mean normalised entropy) of weight rows (n_draws, n_keys)."""
    w = np.asarray(weights, dtype=float)
    n_keys = w.shape[-1]
    top = w.max(axis=-1).mean()
    entropy = -(w * np.log(np.clip(w, 1e-300, None))).sum(axis=-1) / np.log(n_keys)
    return float(top), float(entropy.mean())


def softmax_jacobian_norm(weights):
    """Frobenius norm of d softmax / d scores, diag(w) - w wᵀ, for each row of ``weights``.

    weights: (..., n). Returns (...,). Near 0 when a row is (almost) one-hot: the scores
    then barely move the weights, so almost no gradient flows back through them.
    """
    jac = softmax_jacobian(weights)  # (..., n, n)
    return np.sqrt((jac**2).sum(axis=(-2, -1)))
