"""grouped_query_attention against three independent routes to the same numbers:
multi_head_attention when every query head has its own key/value head, multi_head_attention
with the shared key/value columns copied out to every head of their group, and a plain loop
over heads and queries written from the formulas."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    grouped_query_attention,
    multi_head_attention,
    padding_mask,
)


def divisors(n):
    return [k for k in range(1, n + 1) if n % k == 0]


def weights_for(seed, d_model, n_heads, n_kv_heads):
    """Random (w_q, w_k, w_v, w_o) with narrow w_k, w_v: (d_model, n_kv_heads * d_head)."""
    rng = np.random.default_rng(seed)
    d_kv = n_kv_heads * (d_model // n_heads)
    return (
        rng.normal(0, 0.5, (d_model, d_model)),
        rng.normal(0, 0.5, (d_model, d_kv)),
        rng.normal(0, 0.5, (d_model, d_kv)),
        rng.normal(0, 0.5, (d_model, d_model)),
    )


def widen(w, n_heads, n_kv_heads):
    """(d_model, n_kv_heads * d_head) -> (d_model, d_model): each kv head's block of columns
    written again for every query head of its group (head h gets block h // group)."""
    d_head = w.shape[1] // n_kv_heads
    group = n_heads // n_kv_heads
    blocks = [w[:, (h // group) * d_head : (h // group + 1) * d_head] for h in range(n_heads)]
    return np.concatenate(blocks, axis=1)


def loop_reference(x, w_q, w_k, w_v, w_o, n_heads, n_kv_heads, mask=None):
    """One (n, d_model) sequence, head by head and query by query, from the definitions."""
    n, d_model = x.shape
    d_head = d_model // n_heads
    group = n_heads // n_kv_heads
    allowed = (
        np.ones((n_heads, n, n), bool) if mask is None else np.broadcast_to(mask, (n_heads, n, n))
    )
    heads = np.zeros((n, n_heads * d_head))
    weights = np.zeros((n_heads, n, n))
    for h in range(n_heads):
        g = h // group  # the kv head this query head reads
        q = x @ w_q[:, h * d_head : (h + 1) * d_head]
        k = x @ w_k[:, g * d_head : (g + 1) * d_head]
        v = x @ w_v[:, g * d_head : (g + 1) * d_head]
        for i in range(n):
            keys = [j for j in range(n) if allowed[h, i, j]]
            scores = np.array([q[i] @ k[j] / np.sqrt(d_head) for j in keys])
            e = np.exp(scores - scores.max())
            for j, w in zip(keys, e / e.sum(), strict=True):
                weights[h, i, j] = w
                heads[i, h * d_head : (h + 1) * d_head] += w * v[j]
    return heads @ w_o, weights


@pytest.mark.parametrize("n_heads", [1, 2, 4, 6])
@pytest.mark.parametrize("masked", [False, True])
def test_equals_multi_head_when_every_head_has_its_own_keys(n_heads, masked):
    d_model, n = 12, 5
    x = np.random.default_rng(n_heads).normal(size=(n, d_model))
    w = weights_for(n_heads, d_model, n_heads, n_heads)
    mask = causal_mask(n) if masked else None
    out, weights = grouped_query_attention(x, *w, n_heads, n_heads, mask)
    ref_out, ref_weights = multi_head_attention(x, *w, n_heads, mask)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-12)


@pytest.mark.parametrize("n_heads", [4, 6, 8])
def test_equals_multi_head_with_shared_columns_copied_for_every_divisor(n_heads):
    d_model, n = 2 * n_heads, 6
    x = np.random.default_rng(1).normal(size=(2, n, d_model))  # a batch of two
    for n_kv in divisors(n_heads):
        w_q, w_k, w_v, w_o = weights_for(n_kv, d_model, n_heads, n_kv)
        wide_k, wide_v = widen(w_k, n_heads, n_kv), widen(w_v, n_heads, n_kv)
        for mask in (None, causal_mask(n)[None], padding_mask([6, 3], n)):
            out, weights = grouped_query_attention(x, w_q, w_k, w_v, w_o, n_heads, n_kv, mask)
            ref_out, ref_weights = multi_head_attention(x, w_q, wide_k, wide_v, w_o, n_heads, mask)
            np.testing.assert_allclose(out, ref_out, atol=1e-12, err_msg=f"n_kv={n_kv}")
            np.testing.assert_allclose(weights, ref_weights, atol=1e-12)


@pytest.mark.parametrize(("n_heads", "n_kv_heads"), [(4, 1), (4, 2), (6, 3), (6, 2), (3, 3)])
@pytest.mark.parametrize("masked", [False, True])
def test_matches_a_loop_over_heads_and_queries(n_heads, n_kv_heads, masked):
    d_model, n = 2 * n_heads, 5
    x = np.random.default_rng(7).normal(size=(n, d_model))
    w = weights_for(3, d_model, n_heads, n_kv_heads)
    mask = causal_mask(n) if masked else None
    out, weights = grouped_query_attention(x, *w, n_heads, n_kv_heads, mask)
    ref_out, ref_weights = loop_reference(x, *w, n_heads, n_kv_heads, mask)
    assert weights.shape == (n_heads, n, n)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-12)


def test_a_mask_per_head_is_applied_to_its_head():
    n_heads, n_kv, d_model, n = 4, 2, 8, 4
    x = np.random.default_rng(2).normal(size=(n, d_model))
    w = weights_for(2, d_model, n_heads, n_kv)
    mask = np.random.default_rng(3).random((n_heads, n, n)) < 0.7
    mask[..., 0] = True  # every query may see at least one key
    out, weights = grouped_query_attention(x, *w, n_heads, n_kv, mask)
    ref_out, ref_weights = loop_reference(x, *w, n_heads, n_kv, mask)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-12)


def test_heads_sharing_keys_still_have_their_own_patterns():
    """Multi-query: one key head for all, yet the patterns differ (the queries differ)."""
    x = np.random.default_rng(4).normal(size=(5, 8))
    _, weights = grouped_query_attention(x, *weights_for(4, 8, 4, 1), 4, 1)
    assert not np.allclose(weights[0], weights[1])


@pytest.mark.parametrize(
    ("n_heads", "n_kv_heads", "shapes", "message"),
    [
        (4, 3, None, "not a multiple"),
        (4, 0, None, ">= 1"),
        (3, 1, None, "not divisible"),
        (4, 2, {"w_k": (8, 8)}, "w_k must be"),
        (4, 2, {"w_v": (8, 2)}, "w_v must be"),
        (4, 2, {"w_q": (8, 4)}, "w_q must be"),
        (4, 2, {"w_o": (4, 8)}, "w_o must be"),
    ],
)
def test_bad_arguments_are_refused(n_heads, n_kv_heads, shapes, message):
    x = np.ones((3, 8))
    w = {"w_q": (8, 8), "w_k": (8, 4), "w_v": (8, 4), "w_o": (8, 8)} | (shapes or {})
    with pytest.raises(ValueError, match=message):
        grouped_query_attention(x, *(np.ones(s) for s in w.values()), n_heads, n_kv_heads)


def test_a_mask_with_the_wrong_number_of_axes_is_refused():
    x = np.ones((2, 3, 8))
    w = weights_for(0, 8, 4, 2)
    with pytest.raises(ValueError, match="mask has 2 axes"):
        grouped_query_attention(x, *w, 4, 2, causal_mask(3))
