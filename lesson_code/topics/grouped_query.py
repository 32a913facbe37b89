"""Sharing keys and values between query heads (lesson 22): cache sizes, parameter counts,
and turning a trained multi-head model into a grouped-query one by mean-pooling.

Vocabulary: a layer has ``n_heads`` query heads of size ``d_head`` and ``n_kv_heads`` key
heads and value heads (a divisor of ``n_heads``). Query heads come in ``n_kv_heads`` groups
of ``n_heads // n_kv_heads`` consecutive heads; each group reads one key head and one value
head, as in ``lesson_code.attention.grouped_query_attention``.
"""

from __future__ import annotations

import numpy as np

from ..learned.model import TinyTransformer, layer_key


def divisors(n):
    """Every whole number that divides ``n``, smallest first: the key/value head counts a
    layer with ``n`` query heads can have."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return [k for k in range(1, n + 1) if n % k == 0]


def check_groups(n_heads, n_kv_heads):
    """Raise ValueError unless ``n_kv_heads`` is a divisor of ``n_heads``."""
    if n_kv_heads < 1 or n_heads % n_kv_heads:
        raise ValueError(f"n_kv_heads={n_kv_heads} must divide n_heads={n_heads}")


def kv_head_of(n_heads, n_kv_heads):
    """(n_heads,) int array: the key/value head each query head reads, h // group size."""
    check_groups(n_heads, n_kv_heads)
    return np.arange(n_heads) // (n_heads // n_kv_heads)


# --8<-- [start:cache_bytes]
def kv_cache_bytes(n_layers, n_kv_heads, d_head, tokens, bytes_per_number=2):
    """Bytes a key-value cache holds: for every layer, every key/value
    head and every token, one key and one value of d_head numbers each.

    2 (key, value) x layers x kv heads x d_head x bytes a number x tokens
    """
    return 2 * n_layers * n_kv_heads * d_head * bytes_per_number * tokens


# --8<-- [end:cache_bytes]


def model_cache_bytes(shape, tokens, bytes_per_number=2, n_kv_heads=None):
    """``kv_cache_bytes`` for a ``published_models.ModelShape``; ``n_kv_heads`` replaces
    the model's own count (to ask what another grouping would cost)."""
    n_kv = shape.n_kv_heads if n_kv_heads is None else n_kv_heads
    check_groups(shape.n_heads, n_kv)
    return kv_cache_bytes(shape.n_layers, n_kv, shape.d_head, tokens, bytes_per_number)


# --8<-- [start:parameters]
def attention_parameters(d_model, n_heads, n_kv_heads):
    """Numbers in one attention layer's four projections (no biases):
    w_q and w_o are (d_model, d_model),
    w_k and w_v are (d_model, n_kv_heads * d_head)."""
    check_groups(n_heads, n_kv_heads)
    d_head = d_model // n_heads
    return 2 * d_model * d_model + 2 * d_model * n_kv_heads * d_head


# --8<-- [end:parameters]


# --8<-- [start:pool]
def mean_pool_heads(w, n_heads, n_kv_heads):
    """(d_model, n_heads * d_head) -> (d_model, n_kv_heads * d_head).

    The projection of each group's shared head is the mean of the
    projections of its query heads (Ainslie et al., 2023, who then
    train the result a little more; this function does not)."""
    check_groups(n_heads, n_kv_heads)
    d_model, width = w.shape
    d_head = width // n_heads
    group = n_heads // n_kv_heads
    heads = w.reshape(d_model, n_kv_heads, group, d_head)  # groups of neighbours
    return heads.mean(axis=2).reshape(d_model, n_kv_heads * d_head)


# --8<-- [end:pool]


def repeat_kv_columns(w, n_heads, n_kv_heads):
    """(d_model, n_kv_heads * d_head) -> (d_model, n_heads * d_head): each shared head's
    columns written out again for every query head of its group. Multi-head attention with
    these matrices computes exactly what grouped-query attention computes with ``w``."""
    check_groups(n_heads, n_kv_heads)
    d_model, width = w.shape
    d_head = width // n_kv_heads
    heads = w.reshape(d_model, n_kv_heads, d_head)
    return np.repeat(heads, n_heads // n_kv_heads, axis=1).reshape(d_model, n_heads * d_head)


def pooled_model(model, n_kv_heads, layers, which="kv"):
    """A copy of a ``TinyTransformer`` whose key and/or value projections in ``layers``
    are mean-pooled to ``n_kv_heads`` shared heads.

    The pooled matrices are stored widened (``repeat_kv_columns``), so the copy runs
    through the model's ordinary multi-head code and every measure of
    ``lesson_code.learned`` works on it unchanged; it computes what grouped-query
    attention computes with the narrow matrices (the lesson checks that).
    which: "kv" (both, as in the paper), "k" or "v" (one of them, to see which matters).
    """
    params = dict(model.params)
    for layer in layers:
        for c in which:
            name = layer_key(layer, f"w_{c}")
            narrow = mean_pool_heads(model.params[name], model.n_heads, n_kv_heads)
            params[name] = repeat_kv_columns(narrow, model.n_heads, n_kv_heads)
    return TinyTransformer(params, model.n_heads)


def head_blocks(w, n_heads):
    """(d_model, n_heads * d_head) -> list of n_heads (d_model, d_head) column blocks."""
    return np.split(np.asarray(w), n_heads, axis=1)


def cosine_matrix(matrices):
    """(k, k) cosines between k arrays of one shape, each read as one long vector:
    1 for the same direction, near 0 for unrelated ones."""
    flat = np.stack([np.ravel(m) for m in matrices])  # (k, size)
    flat = flat / np.linalg.norm(flat, axis=1, keepdims=True)
    return flat @ flat.T
