"""decode_with_kv_cache and decode_step against causal attention written as plain loops
(one query, one head, one key at a time) and against multi_head_attention with a causal
mask, for several shapes; plus the errors for bad arguments."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lesson_code.attention import (
    KVCache,
    causal_mask,
    decode_step,
    decode_with_kv_cache,
    init_projections,
    multi_head_attention,
)


def causal_attention_loops(x, w_q, w_k, w_v, w_o, n_heads):
    """Causal multi-head attention with explicit loops and math.exp: (n, d_model)."""
    n, d_model = x.shape
    d_head = d_model // n_heads
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    out = np.zeros((n, d_model))
    for i in range(n):
        concat = np.zeros(d_model)
        for h in range(n_heads):
            cols = slice(h * d_head, (h + 1) * d_head)
            scores = [float(q[i, cols] @ k[j, cols]) / math.sqrt(d_head) for j in range(i + 1)]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            for j in range(i + 1):
                concat[cols] += exps[j] / total * v[j, cols]
        out[i] = concat @ w_o
    return out


SHAPES = [(1, 4, 1), (6, 8, 2), (5, 12, 3), (9, 16, 4), (7, 6, 6)]  # (n, d_model, n_heads)


@pytest.mark.parametrize(("n", "d_model", "n_heads"), SHAPES)
def test_cached_decoding_equals_causal_attention(n, d_model, n_heads):
    rng = np.random.default_rng(n * 100 + d_model)
    x = rng.normal(size=(n, d_model))
    weights = init_projections(d_model, seed=n + n_heads)
    cached = decode_with_kv_cache(x, *weights, n_heads)
    assert cached.shape == (n, d_model)
    np.testing.assert_allclose(
        cached, causal_attention_loops(x, *weights, n_heads), rtol=0, atol=1e-12
    )
    full, _ = multi_head_attention(x, *weights, n_heads, mask=causal_mask(n))
    np.testing.assert_allclose(cached, full, rtol=0, atol=1e-12)


def test_each_row_ignores_later_tokens():
    """Row i depends only on tokens 0..i: changing the last token changes the last row only."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 8))
    weights = init_projections(8, seed=4)
    changed = x.copy()
    changed[-1] += 10.0
    a, b = decode_with_kv_cache(x, *weights, 2), decode_with_kv_cache(changed, *weights, 2)
    np.testing.assert_array_equal(a[:-1], b[:-1])
    assert not np.allclose(a[-1], b[-1])


def test_decode_step_grows_the_cache_with_the_projected_keys_and_values():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 6))
    w_q, w_k, w_v, w_o = init_projections(6, seed=6)
    cache = KVCache(n_heads=3, d_head=2)
    assert len(cache) == 0
    for t, x_t in enumerate(x, start=1):
        row = decode_step(x_t, cache, w_q, w_k, w_v, w_o, 3)
        assert row.shape == (6,)
        assert len(cache) == t and cache.keys.shape == cache.values.shape == (3, t, 2)
    # head h's keys are columns 2h, 2h + 1 of x @ w_k, one row per token
    for h in range(3):
        np.testing.assert_allclose(cache.keys[h], (x @ w_k)[:, 2 * h : 2 * h + 2])
        np.testing.assert_allclose(cache.values[h], (x @ w_v)[:, 2 * h : 2 * h + 2])


def test_first_token_output_is_its_own_value_projected():
    """With one token in the cache every weight is 1: the output is x_0 @ w_v @ w_o."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 4))
    w_q, w_k, w_v, w_o = init_projections(4, seed=8)
    out = decode_with_kv_cache(x, w_q, w_k, w_v, w_o, 2)
    np.testing.assert_allclose(out[0], x[0] @ w_v @ w_o)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "n_heads", "error", "words"),
    [
        ((5,), (5, 5), 1, ValueError, "(n, d_model)"),
        ((2, 3, 4), (4, 4), 2, ValueError, "(n, d_model)"),
        ((0, 4), (4, 4), 2, ValueError, "n >= 1"),
        ((3, 6), (6, 6), 4, ValueError, "divide d_model=6"),
        ((3, 6), (6, 6), 0, ValueError, "n_heads=0"),
        ((3, 6), (6, 4), 2, ValueError, "w_q must be (6, 6)"),
        ((3, 6), (6, 6), 2.0, TypeError, "whole number"),
    ],
)
def test_bad_arguments_raise_clear_errors(x_shape, w_shape, n_heads, error, words):
    x = np.zeros(x_shape)
    w = np.zeros(w_shape)
    with pytest.raises(error, match=re.escape(words)):
        decode_with_kv_cache(x, w, w, w, w, n_heads)


def test_decode_step_rejects_a_mismatched_cache_and_a_matrix_of_tokens():
    w = init_projections(8, seed=1)
    with pytest.raises(ValueError, match="cache holds 4 heads of size 2"):
        decode_step(np.zeros(8), KVCache(4, 2), *w, 2)
    with pytest.raises(ValueError, match="one token's vector"):
        decode_step(np.zeros((2, 8)), KVCache(2, 4), *w, 2)
