"""Hand-built multi-head examples for lessons 14-16: what several heads buy, and what
their attention weights do and do not tell you.

Two toy models live here, both built on ``lesson_code.attention``:

- ``two_relations()`` (lesson 14): an eight-token sentence and four ``(8, 8)``
  projection matrices. Read as two heads of size 4, head 0 looks at the previous token
  and head 1 at the *other* words of the same word type. Read as one head of size 8, the
  very same matrices add the two scores into one softmax row.
- ``agreement_toy()`` (lesson 16): "the keys to the cabinet are" with four heads of size
  2. Three heads put most of their weight from "are" on "keys", yet ablating them
  (zeroing their slice before ``w_o``) changes the output very differently, because
  the weights come from queries and keys while the effect also depends on the values
  and on ``w_o``.

The helpers ``head_outputs``, ``head_contributions`` and ``ablate_heads`` split
``multi_head_attention`` into its per-head parts without changing what it computes.

Shapes: ``n`` tokens, ``d_model`` features, ``h`` heads of ``d_head = d_model // h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lesson_code.attention import (
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    split_heads,
)

# ---------------------------------------------------------------------------------------
# Parameter counts (lesson 14)
# ---------------------------------------------------------------------------------------


def param_count(d_model, n_heads):
    """Weights in the four projections of multi-head attention, counted head by head.

    Each of the ``n_heads`` heads owns a ``(d_model, d_head)`` slice of ``w_q``, ``w_k``
    and ``w_v``; ``w_o`` is one ``(d_model, d_model)`` matrix that reads the concatenated
    heads. The total is ``4 * d_model**2`` whatever ``n_heads`` is (biases left out).
    """
    assert d_model % n_heads == 0, f"d_model={d_model} is not divisible by n_heads={n_heads}"
    d_head = d_model // n_heads
    per_head = 3 * d_model * d_head  # q, k and v slices of one head
    return n_heads * per_head + d_model * d_model  # + w_o


def score_entries(n_q, n_k, n_heads):
    """Number of attention scores (and weights) one layer computes: one (n_q, n_k) grid per head."""
    return n_heads * n_q * n_k


# ---------------------------------------------------------------------------------------
# Per-head pieces of multi-head attention (lessons 15 and 16)
# ---------------------------------------------------------------------------------------


def head_outputs(x, w_q, w_k, w_v, n_heads, mask=None, context=None):
    """Every head's output before concatenation.

    x: (n_q, d_model), context: (n_k, d_model) (defaults to x), w_*: (d_model, d_model).
    Returns (heads, weights): heads (n_heads, n_q, d_head), weights (n_heads, n_q, n_k).
    """
    x = np.asarray(x, dtype=float)
    context = x if context is None else np.asarray(context, dtype=float)
    q = split_heads(x @ w_q, n_heads)  # (h, n_q, d_head)
    k = split_heads(context @ w_k, n_heads)  # (h, n_k, d_head)
    v = split_heads(context @ w_v, n_heads)  # (h, n_k, d_head)
    if mask is not None and np.ndim(mask) == 2:
        mask = np.asarray(mask, dtype=bool)[None, :, :]  # same mask for every head
    return scaled_dot_product_attention(q, k, v, mask)


def head_contributions(heads, w_o):
    """What each head adds to the output: head i's (n_q, d_head) block times its rows of w_o.

    heads: (n_heads, n_q, d_head), w_o: (d_model, d_model).
    Returns (n_heads, n_q, d_model); summed over heads it equals merge_heads(heads) @ w_o,
    because concatenating and then projecting is a block matrix product.
    """
    h, _, d_head = heads.shape
    rows = np.asarray(w_o).reshape(h, d_head, -1)  # (h, d_head, d_model): row block per head
    return heads @ rows  # (h, n_q, d_model)


# --8<-- [start:ablate]
def ablate_heads(x, w_q, w_k, w_v, w_o, n_heads, ablate=(), mask=None, context=None):
    """Multi-head attention output with the listed heads zeroed before ``w_o``.

    ablate: head indices to knock out. Returns (n_q, d_model). With ``ablate=()`` this
    equals ``multi_head_attention(...)[0]``.
    """
    heads, _ = head_outputs(x, w_q, w_k, w_v, n_heads, mask=mask, context=context)
    heads = heads.copy()
    for i in ablate:
        assert 0 <= i < n_heads, f"head {i} does not exist: there are {n_heads} heads"
        heads[i] = 0.0  # this head's slice of the concatenation is now all zeros
    return merge_heads(heads) @ w_o  # (n_q, d_model)


# --8<-- [end:ablate]


# ---------------------------------------------------------------------------------------
# Lesson 14: two relations, two heads (or one)
# ---------------------------------------------------------------------------------------

WORD_TYPES = ("DET", "NOUN", "VERB")


def _rotation(angle):
    """(2, 2) matrix turning a 2-D row vector by ``angle`` radians: r @ _rotation(a)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, s], [-s, c]])


@dataclass(frozen=True)
class Example:
    """A sentence, its embeddings and the four projections of one attention layer.

    words: n tokens; types: one label per token (lesson 14) or empty;
    x: (n, d_model); w_q, w_k, w_v, w_o: (d_model, d_model); n_heads: heads it is built for.
    """

    words: tuple[str, ...]
    types: tuple[str, ...]
    x: np.ndarray
    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    n_heads: int

    def attend(self, n_heads=None):
        """(output (n, d_model), weights (h, n, n)) of multi_head_attention with ``n_heads``."""
        h = self.n_heads if n_heads is None else n_heads
        return multi_head_attention(self.x, self.w_q, self.w_k, self.w_v, self.w_o, h)


def two_relations(prev_sharpness=24.0, type_sharpness=12.0, self_penalty=9.0, seed=14):
    """Lesson 14's sentence "the cat saw a dog chase some birds" and its projections.

    Embedding x (8, 8), one row per token:
      columns 0-1  word type as a 2-D arrow: DET, NOUN, VERB are 120 degrees apart, so the
                   dot product is 1 for the same type and -0.5 for different types
      columns 2-3  position as an arrow turning 45 degrees per token (cos, sin)
      columns 4-7  four "meaning" features (random, fixed seed), used by no query or key

    Projections (8, 8), read as two heads of 4 columns each:
      head 0 (columns 0-3): the query is the token's position arrow turned back one step,
        the key is the position arrow, so the largest score is the previous token.
      head 1 (columns 4-7): query and key compare word-type arrows; the query also
        subtracts ``self_penalty`` times its own position arrow, so the token itself
        (same type, same position) scores below the other words of its type.
      w_v and w_o are identity matrices: these lessons are about where heads look.
    """
    words = tuple("the cat saw a dog chase some birds".split())
    types = ("DET", "NOUN", "VERB", "DET", "NOUN", "VERB", "DET", "NOUN")
    n, d_model = len(words), 8
    step = 2 * np.pi / n  # 45 degrees per position
    x = np.zeros((n, d_model))
    for i, t in enumerate(types):
        angle = np.pi / 2 + WORD_TYPES.index(t) * 2 * np.pi / 3
        x[i, 0:2] = np.cos(angle), np.sin(angle)  # word-type arrow
        x[i, 2:4] = np.cos(i * step), np.sin(i * step)  # position arrow
    x[:, 4:8] = np.random.default_rng(seed).normal(0.0, 0.5, size=(n, 4))  # meaning

    w_q = np.zeros((d_model, d_model))
    w_k = np.zeros((d_model, d_model))
    # head 0, columns 0-1: query = position turned back one step, key = position
    w_q[2:4, 0:2] = prev_sharpness * _rotation(-step)
    w_k[2:4, 0:2] = np.eye(2)
    # head 1, columns 4-5: word type against word type
    w_q[0:2, 4:6] = type_sharpness * np.eye(2)
    w_k[0:2, 4:6] = np.eye(2)
    # head 1, columns 6-7: minus own position against position (keeps a word off itself)
    w_q[2:4, 6:8] = -self_penalty * np.eye(2)
    w_k[2:4, 6:8] = np.eye(2)
    eye = np.eye(d_model)
    return Example(words, types, x, w_q, w_k, eye.copy(), eye.copy(), n_heads=2)


def relation_targets(types):
    """Boolean target sets for the two relations, each (n, n), row = query.

    previous[i, j] is True iff j == i - 1 (the first token has no previous token);
    same_type[i, j] is True iff j != i and token j has the same type as token i.
    """
    n = len(types)
    idx = np.arange(n)
    previous = idx[None, :] == idx[:, None] - 1
    same = np.array([[types[i] == types[j] and i != j for j in range(n)] for i in range(n)])
    return previous, same


def relation_mass(weights, target):
    """Weight each query row puts on its target set: (..., n, n) weights -> (..., n)."""
    return np.sum(np.where(target, weights, 0.0), axis=-1)


def one_head_tradeoff(example, mixes, overall=1.0):
    """Mean weight on the two relations for one-head variants of ``example``.

    For each mix m in ``mixes`` (0 = only the previous-token part, 1 = only the
    same-type part) the query columns 0-3 are scaled by ``overall * (1 - m)`` and
    columns 4-7 by ``overall * m``, and the result is run as ONE head of size 8.
    Returns an array (len(mixes), 2): mean weight on the previous token and on the
    other same-type words, over queries 1..n-1 (query 0 has no previous token).
    """
    previous, same = relation_targets(example.types)
    out = []
    for m in mixes:
        w_q = example.w_q.copy()
        w_q[:, :4] *= overall * (1 - m)
        w_q[:, 4:] *= overall * m
        _, w = multi_head_attention(example.x, w_q, example.w_k, example.w_v, example.w_o, 1)
        out.append([relation_mass(w[0], previous)[1:].mean(), relation_mass(w[0], same)[1:].mean()])
    return np.array(out)


# ---------------------------------------------------------------------------------------
# Lesson 16: attention weight versus ablation effect
# ---------------------------------------------------------------------------------------

AGREEMENT_QUERY = 5  # "are"
AGREEMENT_TOKEN = 1  # "keys"


def agreement_toy(
    looks_back=(4, 4, 1, 4),
    sharpness=(7.0, 3.5, 7.0, 8.0),
    value_scale=(0.05, 1.5, 0.5, 1.0),
    w_o_scale=(1.0, 1.0, 1.0, 0.02),
    seed=3,
):
    """Lesson 16's toy layer on "the keys to the cabinet are": 4 heads of size 2.

    Embedding x (6, 8): columns 0-1 a position arrow turning 60 degrees per token,
    columns 2-7 six "meaning" features (random, fixed seed).

    Every head's query/key slice compares position arrows, turned so that the head
    looks a fixed number of steps back; sharper heads (larger query scale) put more
    weight on their target. Every head reads the meaning features with the same value
    map, scaled per head. The heads differ in what happens AFTER the weights:

      head  looks back  from "are" lands on  value scale  its rows of w_o
      0     4 steps     "keys"               0.05 (tiny)  normal
      1     4 steps     "keys" (softer)      1.5          normal
      2     1 step      "cabinet"            0.5          normal
      3     4 steps     "keys"               1.0          x 0.02 (almost ignored)

    Returns an Example with n_heads=4 and empty types.
    """
    words = tuple("the keys to the cabinet are".split())
    n, d_model, n_heads = len(words), 8, 4
    d_head = d_model // n_heads
    step = 2 * np.pi / n  # 60 degrees per position
    rng = np.random.default_rng(seed)
    x = np.zeros((n, d_model))
    x[:, 0] = np.cos(np.arange(n) * step)
    x[:, 1] = np.sin(np.arange(n) * step)
    x[:, 2:] = rng.normal(0.0, 1.0, size=(n, d_model - 2))

    w_q = np.zeros((d_model, d_model))
    w_k = np.zeros((d_model, d_model))
    w_v = np.zeros((d_model, d_model))
    w_o = rng.normal(0.0, 1.0 / np.sqrt(d_model), size=(d_model, d_model))
    base_v = rng.normal(0.0, 1 / np.sqrt(d_model - 2), size=(d_model - 2, d_head))  # shared
    for head in range(n_heads):
        cols = slice(head * d_head, (head + 1) * d_head)
        w_q[0:2, cols] = sharpness[head] * _rotation(-looks_back[head] * step)
        w_k[0:2, cols] = np.eye(2)
        w_v[2:, cols] = value_scale[head] * base_v  # same value map, scaled per head
        w_o[cols, :] *= w_o_scale[head]  # the rows of w_o that read this head
    return Example(words, (), x, w_q, w_k, w_v, w_o, n_heads=n_heads)


def ablation_effects(example=None, query=AGREEMENT_QUERY):
    """Relative change of one query's output when each head is ablated in turn.

    effect[i] = ||out[query] - out_without_head_i[query]|| / ||out[query]||.
    Returns an array (n_heads,). Defaults to the agreement toy and its query "are".
    """
    ex = agreement_toy() if example is None else example
    full, _ = ex.attend()
    effects = []
    for head in range(ex.n_heads):
        ablated = ablate_heads(ex.x, ex.w_q, ex.w_k, ex.w_v, ex.w_o, ex.n_heads, ablate=[head])
        effects.append(np.linalg.norm(full[query] - ablated[query]) / np.linalg.norm(full[query]))
    return np.array(effects)


def weights_on_token(example=None, query=AGREEMENT_QUERY, token=AGREEMENT_TOKEN):
    """Attention weight each head puts from ``query`` on ``token``: (n_heads,)."""
    ex = agreement_toy() if example is None else example
    _, weights = ex.attend()
    return weights[:, query, token]


def token_contribution_norms(example=None, query=AGREEMENT_QUERY, token=AGREEMENT_TOKEN):
    """Size of what ``token`` sends to ``query``'s output through each head: (n_heads,).

    For head i this is ||weight[i, query, token] * v_i[token] @ w_o_rows_i||: the weight
    times the length of the token's value after the output projection (the "norm-based"
    reading of Kobayashi et al., 2020).
    """
    ex = agreement_toy() if example is None else example
    _, weights = ex.attend()
    d_head = ex.x.shape[1] // ex.n_heads
    v = split_heads(ex.x @ ex.w_v, ex.n_heads)  # (h, n, d_head)
    rows = ex.w_o.reshape(ex.n_heads, d_head, -1)  # (h, d_head, d_model)
    sent = np.einsum("hd,hdm->hm", v[:, token, :], rows)  # (h, d_model)
    return weights[:, query, token] * np.linalg.norm(sent, axis=-1)
