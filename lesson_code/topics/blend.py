"""The last step of attention, written out slowly: blend the values with the weights.

Lesson 8 compares the matrix form ``weights @ V`` with a plain loop over queries and
over keys, and checks that every output row is a convex combination (a weighted average)
of the value rows. The functions here are that loop and that check, plus the output of the
course sentence (``lesson_code.topics.running_example``) for one query token, for quizzes and tests.

Shapes
------
- ``weights``: (n_q, n_k), each row non-negative and summing to 1
- ``values``:  (n_k, d_v), one value per key
- returns:     (n_q, d_v), one blended value per query
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import softmax
from lesson_code.topics import running_example as sentence


# --8<-- [start:loop]
def blend_loop(weights, values):
    """(n_q, d_v) outputs, one query and one key at a time (no matrix product).

    Output row i is the sum over keys j of weights[i, j] times value row j.
    """
    n_q, n_k = len(weights), len(weights[0])
    assert len(values) == n_k, f"{n_k} weights per query, {len(values)} values"
    d_v = len(values[0])
    out = np.zeros((n_q, d_v))
    for i in range(n_q):  # one query at a time
        for j in range(n_k):  # add in each value, scaled by its weight
            out[i] += weights[i][j] * np.asarray(values[j], dtype=float)
    return out


# --8<-- [end:loop]


# --8<-- [start:four_steps]
def attention_four_steps(x, w_q, w_k, w_v):
    """Self-attention on embeddings x (n, d_model) in the four named steps.

    Returns (output, weights): (n, d_v) and (n, n).
    """
    # 1. project: q (n, d_k), k (n, d_k), v (n, d_v)
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    scores = q @ k.T  # 2. score every query against every key: (n, n)
    d_k = k.shape[-1]
    weights = softmax(scores / np.sqrt(d_k), axis=-1)  # 3. scale, row softmax
    output = weights @ v  # 4. weighted sum of the value rows: (n, d_v)
    return output, weights


# --8<-- [end:four_steps]


def blend_one(weights_row, values):
    """(d_v,) output of one query: weights_row (n_k,) times values (n_k, d_v), summed over keys."""
    return blend_loop([list(weights_row)], values)[0]


def is_convex_combination(weights, values, output, atol=1e-9):
    """True if every row of ``output`` is a weighted average of the rows of ``values``.

    Checks the certificate: the weights are non-negative, each row sums to 1, and
    output == weights @ values. Consequently each output column lies between the smallest
    and the largest entry of that value column.
    """
    weights, values, output = (np.asarray(a, dtype=float) for a in (weights, values, output))
    return bool(
        np.all(weights >= -atol)
        and np.allclose(weights.sum(axis=-1), 1.0, atol=atol)
        and np.allclose(weights @ values, output, atol=atol)
    )


def sentence_output(query_token):
    """(D_V,) attention output of ``query_token`` in the course sentence (running_example)."""
    assert query_token in sentence.TOKENS, f"{query_token!r} not in {sentence.TOKENS}"
    out, _ = attention_four_steps(sentence.X, sentence.W_Q, sentence.W_K, sentence.W_V)
    return out[sentence.TOKENS.index(query_token)]
