"""Re-running the numbers of popular explanations of attention (lesson 19).

Each function recomputes one claim so it can be checked instead of believed:

- ``pronoun_weights``: the trophy/suitcase example, with or without scaling and with
  the rest of the sentence present;
- ``implied_third_weight``: what a quoted pair of weights implies for a third token;
- ``score_spread``: how large dot products get, and what dividing by √d_k or d_k does;
- ``contributions``: how much each token really adds to an attention output.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import softmax

# --8<-- [start:pronoun]
PRONOUN_WORDS = ("trophy", "suitcase", "small")
PRONOUN_SCORES = (8.2, 3.1, 2.4)  # q·k of "it" with each word, as the explanation states


def pronoun_weights(d_k=None, n_zero=0):
    """Softmax weights of "it" over trophy, suitcase, small and ``n_zero`` extra tokens.

    d_k: divide the scores by √d_k first (None: no scaling, as if d_k were 1).
    n_zero: how many other tokens of the sentence score 0 (their weights come last).
    Returns an array of 3 + n_zero weights that sums to 1.
    """
    scores = np.concatenate([PRONOUN_SCORES, np.zeros(n_zero)])  # (3 + n_zero,)
    if d_k is not None:
        scores = scores / np.sqrt(d_k)
    return softmax(scores)


# --8<-- [end:pronoun]


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
