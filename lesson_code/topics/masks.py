"""Masks in attention, done right and done wrong (lesson 12).

Masks follow ``lesson_code.attention``: boolean arrays broadcastable to the score matrix
``(n_q, n_k)``, ``True`` = this query may attend to this key. The right way,
``lesson_code.attention.masked_softmax``, blocks a score by setting it to -inf *before*
the softmax, so its weight is exactly 0 and the remaining weights are renormalised among
the allowed keys (a row with every key blocked gets all-zero weights). Two common bugs
are kept here so the lesson can show what they do:

- ``mask_after_softmax``: softmax over all keys, then zero the blocked weights. Rows no
  longer sum to 1, and the kept weights still depend on the blocked scores (through the
  softmax's denominator), so information leaks from the blocked keys.
- ``mask_with_zero``: set blocked scores to 0 instead of -inf. A score of 0 is an ordinary
  score (e^0 = 1), so blocked keys keep a share of the weight.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import causal_mask, masked_softmax, softmax

SENTENCE = ("the", "cat", "sat", "on", "the", "mat")
OTHER_ENDING = ("by", "a", "door")  # replaces "on the mat" to test for leaks
D_MODEL = 8


def token_vectors(tokens, d_model=D_MODEL, seed=12):
    """Random but fixed embeddings, one per distinct word: (len(tokens), d_model).

    The same word always gets the same vector, whatever sentence it appears in.
    """
    vocabulary = sorted(set(SENTENCE) | set(OTHER_ENDING) | set(tokens))
    rng = np.random.default_rng(seed)
    table = rng.normal(size=(len(vocabulary), d_model))  # (vocab, d_model)
    return np.array([table[vocabulary.index(t)] for t in tokens])


# --8<-- [start:mask_scores]
def mask_scores(scores, mask):
    """Blocked scores become -inf, so that exp(-inf) = 0 in the softmax.

    scores: (..., n_q, n_k); mask: bool, broadcastable to scores. This is the first step
    of ``lesson_code.attention.masked_softmax``, kept apart to print masked scores.
    """
    return np.where(mask, scores, -np.inf)


# --8<-- [end:mask_scores]


# --8<-- [start:bugs]
def mask_after_softmax(scores, mask):
    """BUG: softmax over every key first, then zero the blocked weights."""
    return softmax(scores, axis=-1) * mask


def mask_with_zero(scores, mask):
    """BUG: 'block' a score by setting it to 0 instead of -inf before the softmax."""
    return softmax(np.where(mask, scores, 0.0), axis=-1)


# --8<-- [end:bugs]


def additive_mask(mask):
    """The same mask as numbers to add to the scores: 0 where allowed, -inf where blocked."""
    return np.where(mask, 0.0, -np.inf)


def attend(q, k, v, mask, weights_fn=masked_softmax):
    """Scaled dot-product attention with a chosen way of applying the mask.

    q: (n_q, d_k), k: (n_k, d_k), v: (n_k, d_v), mask: (n_q, n_k) bool.
    Returns (output (n_q, d_v), weights (n_q, n_k)).
    """
    scores = q @ k.T / np.sqrt(q.shape[-1])  # (n_q, n_k)
    weights = weights_fn(scores, mask)
    return weights @ v, weights


def causal_row_weights(scores, position):
    """Weights of the query at ``position`` (0-based) given its raw scores over all keys.

    scores: (n_k,) already scaled. Keys after ``position`` are blocked. Returns (n_k,).
    """
    scores = np.asarray(scores, dtype=float)
    return masked_softmax(scores[None, :], causal_mask(len(scores))[position : position + 1])[0]


def mask_after_softmax_row(scores, position):
    """What the mask-after-softmax bug gives the query at ``position``: (n_k,)."""
    scores = np.asarray(scores, dtype=float)
    return mask_after_softmax(scores[None, :], causal_mask(len(scores))[position])[0]


def max_change_in_prefix(out_a, out_b, n_prefix):
    """Largest absolute difference between two outputs over their first ``n_prefix`` rows."""
    return float(np.max(np.abs(np.asarray(out_a)[:n_prefix] - np.asarray(out_b)[:n_prefix])))
