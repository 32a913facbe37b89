"""Position information for attention (lesson 13): sinusoidal encodings and rotary embeddings.

Attention without position information is permutation-equivariant: shuffle the input rows
and the output rows are shuffled the same way. Two remedies are shown here:

- sinusoidal encodings (``lesson_code.attention.sinusoidal_positions``), *added* to the
  token vectors once, at the input. The dot product of two encodings depends only on the
  offset between their positions (``sinusoid_dot``), and moving by an offset is the same
  linear map at every position (``sinusoid_shift``).
- rotary position embeddings, RoPE (Su et al., 2021): rotate each pair of coordinates of a
  query or key by an angle proportional to its position (``rope``). The rotated q·k then
  depends only on the query's and key's content and on their offset (``rope_score``).

Both use the frequencies ``rates(d)[i] = base ** (-2 i / d)``, one per coordinate pair.
"""

from __future__ import annotations

import numpy as np

BASE = 10000.0
WORDS = ("dog", "bites", "man")


def rates(d, base=BASE):
    """Angular frequency of each coordinate pair: (d/2,), from 1 down towards 1/base."""
    assert d % 2 == 0, f"the dimension must be even (coordinates come in pairs), got {d}"
    return base ** (-np.arange(0, d, 2) / d)


def word_vectors(tokens, d_model=8, seed=13):
    """Fixed random embeddings for ``WORDS``, one row per token: (len(tokens), d_model)."""
    rng = np.random.default_rng(seed)
    table = {w: rng.normal(size=d_model) for w in WORDS}
    return np.array([table[t] for t in tokens])


def sinusoid_dot(offset, d_model, base=BASE):
    """PE[p] · PE[p + offset] for any p: the sum of cos(offset * rate) over the pairs.

    Each (sin, cos) pair contributes sin(a)sin(b) + cos(a)cos(b) = cos(a - b).
    """
    return float(np.sum(np.cos(offset * rates(d_model, base))))


def sinusoid_shift(offset, d_model, base=BASE):
    """(d_model, d_model) matrix M with PE[p + offset] = PE[p] @ M for every position p.

    Block-diagonal: one 2x2 rotation per (sin, cos) pair, with angle offset * rate.
    """
    m = np.zeros((d_model, d_model))
    for i, w in enumerate(rates(d_model, base)):
        c, s = np.cos(offset * w), np.sin(offset * w)
        # row vector (sin a, cos a) @ [[c, -s], [s, c]] = (sin(a + b), cos(a + b))
        m[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, -s], [s, c]]
    return m


# --8<-- [start:rope]
def rope(x, positions=None, base=BASE):
    """Rotary position embedding: turn each coordinate pair by pos * rate.

    x: (..., n, d) queries or keys, d even.
    positions: (n,) ints, default 0..n-1.
    Returns the same shape; row lengths are unchanged.
    """
    x = np.asarray(x, dtype=float)
    n, d = x.shape[-2], x.shape[-1]
    positions = np.arange(n) if positions is None else np.asarray(positions)
    angles = positions[:, None] * rates(d, base)[None, :]  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]  # each (..., n, d/2)
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin  # rotate (even, odd)
    out[..., 1::2] = even * sin + odd * cos  # by the pair's angle
    return out


# --8<-- [end:rope]


def rope_score(q, k, m, n, base=BASE):
    """The score between query ``q`` at position ``m`` and key ``k`` at position ``n``.

    q, k: (d,). Returns the float rope(q at m) · rope(k at n) (no 1/√d scaling).
    """
    q = np.asarray(q, dtype=float)[None, :]
    k = np.asarray(k, dtype=float)[None, :]
    return float(rope(q, [m], base)[0] @ rope(k, [n], base)[0])
