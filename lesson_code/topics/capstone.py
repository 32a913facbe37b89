"""The capstone block: a hand-built two-head causal attention layer on a five-token sentence.

Everything is chosen by hand so each head does one readable job:

- head 1 (columns 0-3 of every projection) is a **previous-token head**: it reads the
  fast sinusoidal position columns 0 and 1 and rotates the query by one position, so
  the query of token i matches the key of token i - 1 best;
- head 2 (columns 4-7) is a **subject head**: every query is the same (it reads column 7,
  a slow cosine that stays close to 1 over five positions) and asks for animate words,
  whose keys carry the "animate" feature of column 6.

Word meaning lives in the slow sine columns 4 and 6, where the position signal barely
moves over five tokens (it stays below 0.05), so meaning and position do not collide.
The value projections copy those two word features, and ``w_o`` is the identity, so the
output row of a token reads [features the previous token brought, 0, 0, features the
subject brought, 0, 0].

Shapes: ``x`` is (n, D_MODEL); projections are (D_MODEL, D_MODEL); weights come back as
(N_HEADS, n, n), one causal pattern per head.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import (
    causal_mask,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
    split_heads,
)

# --8<-- [start:setup]
TOKENS = ("the", "dog", "chased", "the", "ball")
D_MODEL = 8  # width of every token vector
N_HEADS = 2  # two heads of D_MODEL // N_HEADS = 4 columns each
POS_OF_SPEECH, ANIMATE = 4, 6  # columns holding the two word features

# (part of speech: noun +1, verb -1, other 0;  animate: 1 or 0)
WORDS = {
    "the": (0.0, 0.0),
    "a": (0.0, 0.0),
    "dog": (1.0, 1.0),
    "cat": (1.0, 1.0),
    "ball": (1.0, 0.0),
    "chased": (-1.0, 0.0),
    "saw": (-1.0, 0.0),
}
PREV_SHARPNESS = 12.0  # query length of the previous-token head
SUBJECT_SHARPNESS = 8.0  # query length of the subject head


def embed(tokens):
    """(n,) words -> (n, D_MODEL) word vectors, zero outside the two feature columns."""
    e = np.zeros((len(tokens), D_MODEL))
    for i, word in enumerate(tokens):
        e[i, POS_OF_SPEECH], e[i, ANIMATE] = WORDS[word]
    return e


def block_input(tokens):
    """(n, D_MODEL): word vectors plus sinusoidal position encodings."""
    return embed(tokens) + sinusoidal_positions(len(tokens), D_MODEL)


# --8<-- [end:setup]


# --8<-- [start:weights]
def block_weights():
    """The four (D_MODEL, D_MODEL) projections (w_q, w_k, w_v, w_o) of the capstone block."""
    w_q, w_k, w_v = (np.zeros((D_MODEL, D_MODEL)) for _ in range(3))
    # Head 1, columns 0-3: previous token. Columns 0, 1 of x hold (sin p, cos p);
    # this rotation turns them into (sin(p - 1), cos(p - 1)) for the query.
    c, s = np.cos(1.0), np.sin(1.0)
    w_q[0:2, 0:2] = PREV_SHARPNESS * np.array([[c, s], [-s, c]])
    w_k[0:2, 0:2] = np.eye(2)  # keys: the position itself
    # Head 2, columns 4-7: subject. Every query reads the near-constant column 7,
    # every key reads the "animate" column.
    w_q[7, 4] = SUBJECT_SHARPNESS
    w_k[ANIMATE, 4] = 1.0
    # Values: both heads copy the two word features into their first two columns.
    for head_start in (0, 4):
        w_v[POS_OF_SPEECH, head_start] = 1.0
        w_v[ANIMATE, head_start + 1] = 1.0
    w_o = np.eye(D_MODEL)  # keep each head's output in its own columns
    return w_q, w_k, w_v, w_o


# --8<-- [end:weights]


def run_block(tokens=TOKENS):
    """Causal two-head attention on ``tokens`` with lesson_code.attention.multi_head_attention.

    Returns (output, weights): (n, D_MODEL) and (N_HEADS, n, n).
    """
    x = block_input(tokens)
    w_q, w_k, w_v, w_o = block_weights()
    return multi_head_attention(x, w_q, w_k, w_v, w_o, N_HEADS, mask=causal_mask(len(tokens)))


# --8<-- [start:trace]
def trace(tokens=TOKENS):
    """Every intermediate of ``run_block``, computed one step at a time.

    Returns a dict: x (n, d), q/k/v (h, n, d_head), scores (h, n, n) scaled and unmasked,
    weights (h, n, n), heads (h, n, d_head), concat (n, d), output (n, d).
    """
    x = block_input(tokens)
    w_q, w_k, w_v, w_o = block_weights()
    q = split_heads(x @ w_q, N_HEADS)  # (h, n, d_head)
    k = split_heads(x @ w_k, N_HEADS)
    v = split_heads(x @ w_v, N_HEADS)
    d_head = D_MODEL // N_HEADS
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head)  # (h, n, n)
    heads, weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(len(tokens)))
    concat = merge_heads(heads)  # (n, d)
    return {
        "x": x,
        "q": q,
        "k": k,
        "v": v,
        "scores": scores,
        "weights": weights,
        "heads": heads,
        "concat": concat,
        "output": concat @ w_o,
    }


# --8<-- [end:trace]


def weight(head, query, key, tokens=TOKENS):
    """One attention weight: head index (0-based), query position, key position."""
    _, weights = run_block(tokens)
    return float(weights[head, query, key])


def output_value(row, column, tokens=TOKENS):
    """One entry of the block's (n, D_MODEL) output."""
    output, _ = run_block(tokens)
    return float(output[row, column])
