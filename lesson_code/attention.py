"""Scaled dot-product attention, masks and multi-head attention in plain numpy.

This is the code the course teaches. Every lesson imports from here, the tests check it
against independent loops, and the explorer exports parameters built with it.

Conventions
-----------
- Rows are tokens. ``q`` is ``(n_q, d_k)``, ``k`` is ``(n_k, d_k)``, ``v`` is ``(n_k, d_v)``.
  A leading batch axis is allowed everywhere: ``(..., n, d)``.
- Masks are boolean arrays broadcastable to the score matrix ``(n_q, n_k)``:
  ``True`` means "this query may attend to this key", ``False`` means "blocked".
- Weights are the softmax of the scaled scores, one row per query; every row sums to 1,
  except a row whose keys are all blocked, which is all 0 (see ``masked_softmax``).
"""

from __future__ import annotations

import numbers
from collections import namedtuple

import numpy as np


# --8<-- [start:softmax]
def softmax(x, axis=-1):
    """Turn scores into weights that are positive and sum to 1 along ``axis``.

    Subtracting the maximum first changes nothing mathematically (softmax is
    shift-invariant) but keeps ``exp`` from overflowing for large scores.

    x: array of scores, any shape. Returns an array of the same shape.
    """
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # largest score becomes 0
    exps = np.exp(shifted)  # every value now in (0, 1]
    return exps / np.sum(exps, axis=axis, keepdims=True)


# --8<-- [end:softmax]


# --8<-- [start:masked_softmax]
def masked_softmax(scores, mask=None):
    """Softmax of each row of ``scores`` over the keys that ``mask`` allows.

    scores: (..., n_q, n_k); mask: optional bool broadcastable to scores, True = may
    attend (None: every key may). A blocked score becomes -inf before the softmax, so
    its exponential is e^-inf = 0: the key gets exactly zero weight and the allowed
    keys share the whole unit of weight among themselves.

    A row whose keys are all blocked (a query of a padded, empty sequence) has nothing
    to attend to: the formula gives 0/0. Such a row gets all-zero weights, not NaN, so
    its output is a zero vector and nothing spreads to the rest of the batch.

    Returns weights (..., n_q, n_k): each row sums to 1, or is all 0 if fully blocked.
    """
    scores = np.asarray(scores, dtype=float)
    if mask is None:
        return softmax(scores, axis=-1)
    blocked = np.broadcast_to(~np.asarray(mask, dtype=bool), scores.shape)
    scores = np.where(blocked, -np.inf, scores)  # blocked: e^-inf = 0 below
    row_max = np.max(scores, axis=-1, keepdims=True)  # -inf only if the row is all blocked
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    exps = np.where(blocked, 0.0, np.exp(scores - row_max))  # (..., n_q, n_k)
    totals = np.sum(exps, axis=-1, keepdims=True)  # 0 only for a fully blocked row
    return np.divide(exps, totals, out=np.zeros_like(exps), where=totals > 0)


# --8<-- [end:masked_softmax]


# --8<-- [start:sdpa]
def scaled_dot_product_attention(q, k, v, mask=None):
    """Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V.

    q: (..., n_q, d_k)   one query per row
    k: (..., n_k, d_k)   one key per row
    v: (..., n_k, d_v)   one value per row (same rows as k)
    mask: optional bool, broadcastable to (..., n_q, n_k); True = may attend

    Returns (output, weights):
      output:  (..., n_q, d_v)  each row is a weighted average of the rows of v
      weights: (..., n_q, n_k)  each row sums to 1 (or is all 0 if fully masked)
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    d_k = q.shape[-1]
    assert k.shape[-1] == d_k, f"queries have d_k={d_k} but keys have {k.shape[-1]}"
    assert k.shape[-2] == v.shape[-2], (
        f"keys and values need one row per token: {k.shape[-2]} keys vs {v.shape[-2]} values"
    )
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)  # (..., n_q, n_k)
    if mask is not None:
        assert np.ndim(mask) >= 2, f"mask must be at least 2-D (n_q, n_k), got {np.shape(mask)}"
    weights = masked_softmax(scores, mask)  # (..., n_q, n_k), rows sum to 1
    output = weights @ v  # (..., n_q, d_v)
    return output, weights


# --8<-- [end:sdpa]


# --8<-- [start:flash]
# --8<-- [start:flash_loop]
# The state of flash_attention after one block of keys (see flash_attention_steps).
FlashStep = namedtuple("FlashStep", "start stop scores row_max row_sum acc")


def flash_attention_steps(q, k, v, block_size=64, mask=None):
    """Run ``flash_attention`` one key block at a time, yielding its state after each block.

    Same arguments as ``flash_attention``. For every block of at most ``block_size`` keys,
    the scores of all queries against that block are computed, folded into three running
    quantities, and thrown away:

      row_max (..., n_q, 1)    m: the largest score seen so far in each row
      row_sum (..., n_q, 1)    l: the sum of exp(score - m) over the keys seen so far
      acc     (..., n_q, d_v)  the sum of exp(score - m) * value over the keys seen so far

    When a block raises a row's maximum from m_old to m_new, every term already in l and
    acc was exponentiated against m_old; multiplying them by exp(m_old - m_new) restates
    them against m_new (e^(s - m_old) * e^(m_old - m_new) = e^(s - m_new)). After the last
    block, acc / l is the attention output.

    Yields one ``FlashStep`` per block: (start, stop, scores, row_max, row_sum, acc), with
    ``scores`` (..., n_q, stop - start) the only scores alive at that moment.
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    batch, n_q, n_k, d_k = _check_flash_inputs(q, k, v, block_size)
    if mask is not None:
        mask = _broadcast_flash_mask(mask, batch + (n_q, n_k))  # a view: nothing copied
    row_max = np.full(batch + (n_q, 1), -np.inf)  # no key seen yet
    row_sum = np.zeros(batch + (n_q, 1))
    acc = np.zeros(batch + (n_q, v.shape[-1]))
    for start in range(0, n_k, block_size):
        stop = min(start + block_size, n_k)
        k_block, v_block = k[..., start:stop, :], v[..., start:stop, :]  # (..., b, d)
        scores = q @ np.swapaxes(k_block, -1, -2) / np.sqrt(d_k)  # (..., n_q, b)
        if mask is not None:
            scores = np.where(mask[..., start:stop], scores, -np.inf)  # blocked: e^-inf = 0
        new_max = np.maximum(row_max, np.max(scores, axis=-1, keepdims=True))  # (..., n_q, 1)
        # A row with every key so far blocked still has max -inf: measure it against 0
        # instead, so that no -inf - (-inf) = nan appears (its sums stay exactly 0).
        reference = np.where(np.isfinite(new_max), new_max, 0.0)
        rescale = np.exp(row_max - reference)  # exp(m_old - m_new) <= 1; 0 if nothing seen
        p = np.exp(scores - reference)  # (..., n_q, b), every value in [0, 1]
        row_sum = row_sum * rescale + np.sum(p, axis=-1, keepdims=True)
        acc = acc * rescale + p @ v_block  # (..., n_q, d_v)
        row_max = new_max
        yield FlashStep(start, stop, scores, row_max, row_sum, acc)


def flash_attention(q, k, v, block_size=64, mask=None):
    """Exact attention computed in blocks of keys, never holding the whole score matrix.

    q: (..., n_q, d_k), k: (..., n_k, d_k), v: (..., n_k, d_v); leading batch axes
    broadcast as in ``scaled_dot_product_attention``.
    block_size: keys per block (an int >= 1); at most (..., n_q, block_size) scores exist
        at any moment, against (..., n_q, n_k) for the plain computation.
    mask: optional bool broadcastable to (..., n_q, n_k); True = may attend. A query whose
        keys are all blocked gets a zero output row, as ``masked_softmax`` gives it.

    Returns output (..., n_q, d_v), equal to ``scaled_dot_product_attention(q, k, v,
    mask)[0]`` up to floating-point rounding. The weights are never formed, so none are
    returned.
    """
    for step in flash_attention_steps(q, k, v, block_size, mask):
        acc, row_sum = step.acc, step.row_sum  # the running state after the latest block
    # l = 0 only where every key was blocked: that row's output is 0, not 0/0
    return np.divide(acc, row_sum, out=np.zeros_like(acc), where=row_sum > 0)


# --8<-- [end:flash_loop]


def _check_flash_inputs(q, k, v, block_size):
    """Raise ValueError/TypeError for inputs flash_attention cannot use; return the shapes."""
    if isinstance(block_size, bool) or not isinstance(block_size, numbers.Integral):
        raise TypeError(f"block_size must be a whole number, got {block_size!r}")
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    for name, a in (("q", q), ("k", k), ("v", v)):
        if a.ndim < 2:
            raise ValueError(f"{name} must have at least 2 axes (rows, features), got {a.shape}")
    if k.shape[-1] != q.shape[-1]:
        raise ValueError(f"queries have d_k={q.shape[-1]} but keys have {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"keys and values need one row per token: {k.shape[-2]} keys vs {v.shape[-2]} values"
        )
    if k.shape[-2] < 1:
        raise ValueError("flash_attention needs at least one key")
    try:
        batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"batch axes do not broadcast: q {q.shape}, k {k.shape}, v {v.shape}"
        ) from None
    return batch, q.shape[-2], k.shape[-2], q.shape[-1]


def _broadcast_flash_mask(mask, shape):
    """The bool mask as a read-only view of ``shape`` (..., n_q, n_k), or ValueError."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim < 2:
        raise ValueError(f"mask must be at least 2-D (n_q, n_k), got {mask.shape}")
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to {shape}") from None


# --8<-- [end:flash]


# --8<-- [start:backward]
def scaled_dot_product_attention_backward(q, k, v, d_output, mask=None):
    """The gradients of attention, derived by hand: (d_q, d_k, d_v).

    For ``output = softmax(q kᵀ / √d_k) v`` (``scaled_dot_product_attention``) and a
    gradient ``d_output`` flowing back from whatever used the output, these are the
    gradients of ``sum(output * d_output)`` with respect to q, k and v. The chain runs
    backwards through the four forward steps:

      output  = weights @ v          ->  d_v = weightsᵀ d_output,  d_weights = d_output vᵀ
      weights = softmax(scores) by row   ->  d_scores (the softmax Jacobian, below)
      scores  = q kᵀ / √d_k          ->  d_q = d_scores k / √d_k,  d_k = d_scoresᵀ q / √d_k

    The softmax Jacobian of one row w is diag(w) - w wᵀ, so multiplying it by that row's
    d_weights g gives w * (g - w·g): each score's gradient is its weight times how much its
    own gradient beats the weighted average. A blocked key has weight 0 and so gets
    gradient 0, which is why the mask needs no step of its own.

    q: (n_q, d_k), k: (n_k, d_k), v: (n_k, d_v), d_output: (n_q, d_v); a leading batch axis
    (..., n, d) is allowed everywhere, as in the forward pass.
    mask: optional bool broadcastable to (..., n_q, n_k); True = may attend.

    Returns (d_q, d_k, d_v) with the shapes of q, k and v.
    """
    q, k, v, d_output = (np.asarray(a, dtype=float) for a in (q, k, v, d_output))
    d_k = q.shape[-1]
    output_shape = q.shape[:-1] + v.shape[-1:]
    if d_output.shape != output_shape:
        raise ValueError(
            f"d_output must have the output's shape {output_shape}, got {d_output.shape}"
        )
    _, weights = scaled_dot_product_attention(q, k, v, mask)  # (..., n_q, n_k)
    # step 4 backwards: output = weights @ v
    d_v = np.swapaxes(weights, -1, -2) @ d_output  # (..., n_k, d_v)
    d_weights = d_output @ np.swapaxes(v, -1, -2)  # (..., n_q, n_k)
    # step 3 backwards: the softmax Jacobian applied to each row
    row_average = np.sum(weights * d_weights, axis=-1, keepdims=True)  # (..., n_q, 1)
    d_scores = weights * (d_weights - row_average)  # (..., n_q, n_k); 0 where blocked
    # step 2 backwards: scores = q kᵀ / √d_k
    d_q = d_scores @ k / np.sqrt(d_k)  # (..., n_q, d_k)
    d_k_ = np.swapaxes(d_scores, -1, -2) @ q / np.sqrt(d_k)  # (..., n_k, d_k)
    return d_q, d_k_, d_v


# --8<-- [end:backward]


# --8<-- [start:linear]
def elu_plus_one(x):
    """The feature map φ(x) = elu(x) + 1 of linear attention: x + 1 for x > 0, eˣ otherwise.

    Every entry comes out positive, so φ(q)·φ(k) > 0 and the weights below never go
    negative or divide by zero. x: any shape; returns the same shape.
    """
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))  # min: no overflow warning


def linear_attention(q, k, v, causal=False):
    """Linear attention (Katharopoulos et al., 2020): softmax's exp(q·k) replaced by φ(q)·φ(k).

        out_i = φ(q_i)ᵀ Σ_j φ(k_j) v_jᵀ  /  φ(q_i)ᵀ Σ_j φ(k_j)     (j ≤ i when causal)

    with φ = ``elu_plus_one`` and no division by √d_k. The sums do not depend on i, so
    they are computed once (or as running sums when causal) and each query only reads
    them: the cost grows like n, not n², and no (n_q, n_k) weight matrix is ever built.

    q: (..., n_q, d_k), k: (..., n_k, d_k), v: (..., n_k, d_v); leading batch axes allowed.
    causal: query i reads keys 0..i only (needs n_q == n_k).

    Returns output (..., n_q, d_v): each row a weighted average of the rows of v whose
    weights φ(q_i)·φ(k_j) / Σ_j φ(q_i)·φ(k_j) are positive and sum to 1.
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(
            f"q, k and v need at least 2 axes (n, d); got {q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"queries have d_k={q.shape[-1]} but keys have {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"keys and values need one row per token: {k.shape[-2]} keys vs {v.shape[-2]} values"
        )
    if causal and q.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"causal linear attention pairs query i with key i: {q.shape[-2]} queries vs "
            f"{k.shape[-2]} keys"
        )
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"batch axes do not match: q {q.shape}, k {k.shape}, v {v.shape}"
        ) from None
    phi_q, phi_k = elu_plus_one(q), elu_plus_one(k)  # (..., n_q, d_k), (..., n_k, d_k)
    # the state: Σ_j φ(k_j) v_jᵀ, one outer product per key
    outer = phi_k[..., :, :, None] * v[..., :, None, :]  # (..., n_k, d_k, d_v)
    if causal:
        state = np.cumsum(outer, axis=-3)  # (..., n, d_k, d_v): row i sums keys 0..i
        norm = np.cumsum(phi_k, axis=-2)  # (..., n, d_k): Σ_{j≤i} φ(k_j)
        numerator = np.einsum("...d,...de->...e", phi_q, state)  # (..., n, d_v)
    else:
        state = outer.sum(axis=-3)  # (..., d_k, d_v): one state for every query
        norm = phi_k.sum(axis=-2)[..., None, :]  # (..., 1, d_k)
        numerator = phi_q @ state  # (..., n_q, d_v)
    denominator = np.sum(phi_q * norm, axis=-1, keepdims=True)  # (..., n_q, 1), > 0
    return numerator / denominator


# --8<-- [end:linear]


# --8<-- [start:causal]
def causal_mask(n):
    """Lower-triangular (n, n) bool mask: position i may attend to j only if j <= i."""
    assert n >= 1, f"causal_mask needs n >= 1, got {n}"
    return np.tril(np.ones((n, n), dtype=bool))


# --8<-- [end:causal]


def padding_mask(lengths, n):
    """(batch, 1, n) bool mask: key j is real (True) iff j < length of that sequence.

    lengths: sequence of ints, one per batch item. Broadcasts over queries.
    """
    lengths = np.asarray(lengths)
    assert np.all((lengths >= 0) & (lengths <= n)), f"lengths must lie in [0, {n}]: {lengths}"
    return (np.arange(n)[None, :] < lengths[:, None])[:, None, :]


# --8<-- [start:split_heads]
def split_heads(x, n_heads):
    """(..., n, d_model) -> (..., n_heads, n, d_head): cut the feature axis into slices."""
    *lead, n, d_model = x.shape
    assert d_model % n_heads == 0, f"d_model={d_model} is not divisible by n_heads={n_heads}"
    d_head = d_model // n_heads
    x = x.reshape(*lead, n, n_heads, d_head)  # (..., n, h, d_head)
    return np.swapaxes(x, -3, -2)  # (..., h, n, d_head)


def merge_heads(x):
    """(..., n_heads, n, d_head) -> (..., n, n_heads * d_head): concatenate the heads."""
    *lead, h, n, d_head = x.shape
    return np.swapaxes(x, -3, -2).reshape(*lead, n, h * d_head)


# --8<-- [end:split_heads]


# --8<-- [start:mha]
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=None, context=None):
    """Multi-head attention: project, split into heads, attend per head, concatenate, project.

    x:       (..., n_q, d_model)  the tokens that ask (queries come from here)
    context: (..., n_k, d_model)  the tokens that answer (keys, values); defaults to x
    w_q, w_k, w_v, w_o: (d_model, d_model) projection matrices
    n_heads: number of heads; each head uses a d_model / n_heads slice
    mask:    optional bool. Without a head axis, (..., n_q, n_k) with the same number of
             axes as x (for example causal_mask(n), or padding_mask(...) for a batch):
             the same mask for every head. With a head axis: (..., n_heads, n_q, n_k).

    Returns (output, weights):
      output:  (..., n_q, d_model)
      weights: (..., n_heads, n_q, n_k), one attention pattern per head
    """
    x = np.asarray(x, dtype=float)
    context = x if context is None else np.asarray(context, dtype=float)
    d_model = x.shape[-1]
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        assert np.shape(w) == (d_model, d_model), (
            f"{name} must be ({d_model}, {d_model}), got {np.shape(w)}"
        )
    q = split_heads(x @ w_q, n_heads)  # (..., h, n_q, d_head)
    k = split_heads(context @ w_k, n_heads)  # (..., h, n_k, d_head)
    v = split_heads(context @ w_v, n_heads)  # (..., h, n_k, d_head)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        assert mask.ndim in (x.ndim, x.ndim + 1), (
            f"mask has {mask.ndim} axes; for x with {x.ndim} axes give (..., n_q, n_k) with "
            f"{x.ndim} axes (same for every head) or {x.ndim + 1} axes with a head axis"
        )
        if mask.ndim == x.ndim:
            mask = np.expand_dims(mask, -3)  # (..., 1, n_q, n_k): same mask for every head
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (..., h, n_q, d_head)
    output = merge_heads(heads) @ w_o  # (..., n_q, d_model)
    return output, weights


# --8<-- [end:mha]


# --8<-- [start:gqa]
def grouped_query_attention(x, w_q, w_k, w_v, w_o, n_heads, n_kv_heads, mask=None):
    """Grouped-query attention: every query head keeps its own queries, but groups of
    query heads share one key head and one value head.

    x:        (..., n, d_model)
    w_q, w_o: (d_model, d_model), as in ``multi_head_attention``
    w_k, w_v: (d_model, n_kv_heads * d_head) with d_head = d_model // n_heads: only
              n_kv_heads key heads and value heads are computed (and cached)
    n_heads:  query heads; n_kv_heads must divide it. Query head h reads key/value head
              h // (n_heads // n_kv_heads). n_kv_heads == n_heads is multi-head
              attention, n_kv_heads == 1 is multi-query attention (Shazeer, 2019).
    mask:     optional bool, as in ``multi_head_attention``: (..., n, n) with the same
              number of axes as x (every head), or (..., n_heads, n, n) per head.

    Returns (output, weights):
      output:  (..., n, d_model)
      weights: (..., n_heads, n, n), one pattern per QUERY head: heads of a group share
               keys, but their queries differ, so their patterns differ too.
    """
    x = np.asarray(x, dtype=float)
    w_q, w_k, w_v, w_o = (np.asarray(w, dtype=float) for w in (w_q, w_k, w_v, w_o))
    if x.ndim < 2:
        raise ValueError(f"x must be (..., n, d_model), got shape {x.shape}")
    d_model = x.shape[-1]
    if n_heads < 1 or n_kv_heads < 1:
        raise ValueError(f"n_heads and n_kv_heads must be >= 1, got {n_heads}, {n_kv_heads}")
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
    if n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} is not a multiple of n_kv_heads={n_kv_heads}")
    d_head = d_model // n_heads
    group = n_heads // n_kv_heads  # query heads per key/value head
    expected = {
        "w_q": (d_model, d_model),
        "w_k": (d_model, n_kv_heads * d_head),
        "w_v": (d_model, n_kv_heads * d_head),
        "w_o": (d_model, d_model),
    }
    for name, w in zip(expected, (w_q, w_k, w_v, w_o), strict=True):
        if w.shape != expected[name]:
            raise ValueError(f"{name} must be {expected[name]}, got {w.shape}")
    q = split_heads(x @ w_q, n_heads)  # (..., n_heads, n, d_head)
    k = split_heads(x @ w_k, n_kv_heads)  # (..., n_kv_heads, n, d_head): what a cache holds
    v = split_heads(x @ w_v, n_kv_heads)  # (..., n_kv_heads, n, d_head)
    # Query head h reads kv head h // group: repeat each kv head `group` times in a row.
    k = np.repeat(k, group, axis=-3)  # (..., n_heads, n, d_head)
    v = np.repeat(v, group, axis=-3)  # (..., n_heads, n, d_head)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim == x.ndim:
            mask = np.expand_dims(mask, -3)  # (..., 1, n, n): same mask for every head
        elif mask.ndim != x.ndim + 1:
            raise ValueError(
                f"mask has {mask.ndim} axes; for x with {x.ndim} axes give {x.ndim} axes "
                f"(same mask for every head) or {x.ndim + 1} with a head axis"
            )
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (..., n_heads, n, d_head)
    output = merge_heads(heads) @ w_o  # (..., n, d_model)
    return output, weights


# --8<-- [end:gqa]


def sinusoidal_positions(n, d_model, base=10000.0):
    """(n, d_model) sinusoidal position encodings (Vaswani et al., 2017).

    Even columns hold sin(pos / base^(2i/d_model)), odd columns the matching cos.
    """
    assert d_model % 2 == 0, f"d_model must be even for sin/cos pairs, got {d_model}"
    positions = np.arange(n)[:, None]  # (n, 1)
    rates = base ** (-np.arange(0, d_model, 2) / d_model)  # (d_model/2,)
    angles = positions * rates[None, :]  # (n, d_model/2)
    enc = np.empty((n, d_model))
    enc[:, 0::2] = np.sin(angles)
    enc[:, 1::2] = np.cos(angles)
    return enc


def init_projections(d_model, seed=0, scale=None):
    """Four random (d_model, d_model) matrices (w_q, w_k, w_v, w_o) from a fixed seed."""
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(d_model) if scale is None else scale
    return tuple(rng.normal(0.0, scale, size=(d_model, d_model)) for _ in range(4))


# --8<-- [start:kv_cache]
class KVCache:
    """The keys and values of the tokens seen so far, one growing stack per head.

    keys, values: (n_heads, t, d_head) after t tokens. A real implementation reserves
    room for the longest sequence once and fills it in; this one concatenates, which
    copies, but shows the same contents.
    """

    def __init__(self, n_heads, d_head):
        self.keys = np.zeros((n_heads, 0, d_head))  # (h, 0, d_head): nothing seen yet
        self.values = np.zeros((n_heads, 0, d_head))

    def __len__(self):
        """How many tokens the cache holds."""
        return self.keys.shape[1]

    def append(self, k, v):
        """Add one token's key and value for every head: k, v (n_heads, d_head)."""
        self.keys = np.concatenate([self.keys, k[:, None, :]], axis=1)  # (h, t + 1, d_head)
        self.values = np.concatenate([self.values, v[:, None, :]], axis=1)


def _check_decode_args(x, weights, n_heads):
    """Raise ValueError/TypeError unless x is (n, d_model) and the weights fit it."""
    if isinstance(n_heads, bool) or not isinstance(n_heads, (int, np.integer)):
        raise TypeError(f"n_heads must be a whole number, got {n_heads!r}")
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be (n, d_model) with n >= 1, got shape {x.shape}")
    d_model = x.shape[-1]
    if n_heads < 1 or d_model % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be >= 1 and divide d_model={d_model}")
    for name, w in zip(("w_q", "w_k", "w_v", "w_o"), weights, strict=True):
        if np.shape(w) != (d_model, d_model):
            raise ValueError(f"{name} must be ({d_model}, {d_model}), got {np.shape(w)}")


def decode_step(x_t, cache, w_q, w_k, w_v, w_o, n_heads):
    """Attention output for one new token, reading (and growing) the cache.

    x_t:   (d_model,)  the new token's input vector
    cache: KVCache holding the keys and values of the t earlier tokens; the new token's
           key and value are appended to it, so afterwards it holds t + 1 tokens
    w_q, w_k, w_v, w_o: (d_model, d_model); n_heads divides d_model

    Only the new token is projected: the earlier tokens' keys and values come from the
    cache. The new query attends to every cached key, its own included, and to nothing
    later (nothing later exists yet), so no mask is needed: this is causal attention.

    Returns the output for the new token: (d_model,).
    """
    x_t = np.asarray(x_t, dtype=float)
    if x_t.ndim != 1:
        raise ValueError(f"x_t must be one token's vector (d_model,), got shape {x_t.shape}")
    _check_decode_args(x_t[None, :], (w_q, w_k, w_v, w_o), n_heads)
    d_head = x_t.shape[-1] // n_heads
    if cache.keys.shape[::2] != (n_heads, d_head):
        raise ValueError(
            f"cache holds {cache.keys.shape[0]} heads of size {cache.keys.shape[2]}, "
            f"but n_heads={n_heads} gives heads of size {d_head}"
        )
    q = (x_t @ w_q).reshape(n_heads, 1, d_head)  # (h, 1, d_head): one query per head
    k = (x_t @ w_k).reshape(n_heads, d_head)  # (h, d_head): the new token's key
    v = (x_t @ w_v).reshape(n_heads, d_head)
    cache.append(k, v)  # keys and values: (h, t + 1, d_head)
    heads, _ = scaled_dot_product_attention(q, cache.keys, cache.values)  # (h, 1, d_head)
    return heads.reshape(-1) @ w_o  # concatenate the heads, project: (d_model,)


def decode_with_kv_cache(x, w_q, w_k, w_v, w_o, n_heads):
    """Causal multi-head attention computed one token at a time with a key-value cache.

    x: (n, d_model), the tokens in order; w_q, w_k, w_v, w_o: (d_model, d_model);
    n_heads divides d_model.

    Row i of the result is computed when token i arrives, from its own query and the
    cached keys and values of tokens 0..i. It equals
    ``multi_head_attention(x, ..., mask=causal_mask(n))[0]``.

    Returns output: (n, d_model).
    """
    x = np.asarray(x, dtype=float)
    _check_decode_args(x, (w_q, w_k, w_v, w_o), n_heads)
    cache = KVCache(n_heads, x.shape[-1] // n_heads)
    rows = [decode_step(x_t, cache, w_q, w_k, w_v, w_o, n_heads) for x_t in x]
    return np.stack(rows)  # (n, d_model)


# --8<-- [end:kv_cache]
