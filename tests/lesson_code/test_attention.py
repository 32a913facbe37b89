"""lesson_code.attention against its definition and against independent loops."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    init_projections,
    masked_softmax,
    merge_heads,
    multi_head_attention,
    padding_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
    softmax,
    split_heads,
)

RNG = np.random.default_rng(1234)


def loop_attention(q, k, v, mask=None):
    """Attention one query at a time with plain Python loops (independent of the library)."""
    n_q, d_k = q.shape
    n_k = k.shape[0]
    out = np.zeros((n_q, v.shape[1]))
    weights = np.zeros((n_q, n_k))
    for i in range(n_q):
        scores = [sum(q[i, c] * k[j, c] for c in range(d_k)) / d_k**0.5 for j in range(n_k)]
        allowed = [mask is None or bool(mask[i, j]) for j in range(n_k)]
        top = max(s for s, a in zip(scores, allowed, strict=True) if a)
        exps = [np.exp(s - top) if a else 0.0 for s, a in zip(scores, allowed, strict=True)]
        total = sum(exps)
        for j in range(n_k):
            weights[i, j] = exps[j] / total
            out[i] += weights[i, j] * v[j]
    return out, weights


def loop_multi_head(x, w_q, w_k, w_v, w_o, n_heads, mask=None, context=None):
    """Multi-head attention head by head, slicing the projection matrices' columns."""
    context = x if context is None else context
    d_model = x.shape[1]
    d_head = d_model // n_heads
    heads, all_weights = [], []
    for h in range(n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        out, w = loop_attention(
            x @ w_q[:, cols], context @ w_k[:, cols], context @ w_v[:, cols], mask
        )
        heads.append(out)
        all_weights.append(w)
    return np.concatenate(heads, axis=1) @ w_o, np.stack(all_weights)


def test_softmax_rows_sum_to_one_and_are_positive():
    x = RNG.normal(size=(7, 11)) * 5
    w = softmax(x, axis=-1)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(w > 0)
    np.testing.assert_allclose(softmax(x, axis=0).sum(axis=0), 1.0, atol=1e-12)


def test_softmax_known_values():
    np.testing.assert_allclose(softmax([8.2, 3.1, 2.4]), [0.99096, 0.00604, 0.00300], atol=5e-5)
    scaled = softmax(np.array([8.2, 3.1, 2.4]) / np.sqrt(8))
    np.testing.assert_allclose(scaled, [0.773, 0.127, 0.0995], atol=5e-4)


@pytest.mark.parametrize("shift", [-1e6, -3.0, 0.0, 42.0, 1e6])
def test_softmax_shift_invariance(shift):
    x = RNG.normal(size=(4, 5))
    np.testing.assert_allclose(softmax(x + shift), softmax(x), atol=1e-9)


def test_softmax_large_scores_do_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # overflow would raise
        w = softmax(np.array([1000.0, 999.0, -1000.0, 5000.0]))
    assert np.all(np.isfinite(w))
    np.testing.assert_allclose(w, [0, 0, 0, 1], atol=1e-12)


def test_sdpa_matches_per_query_loop():
    q, k, v = RNG.normal(size=(5, 4)), RNG.normal(size=(6, 4)), RNG.normal(size=(6, 3))
    out, w = scaled_dot_product_attention(q, k, v)
    ref_out, ref_w = loop_attention(q, k, v)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(w, ref_w, atol=1e-12)
    assert out.shape == (5, 3) and w.shape == (5, 6)


def test_sdpa_batched_equals_unbatched():
    q, k, v = RNG.normal(size=(3, 5, 4)), RNG.normal(size=(3, 5, 4)), RNG.normal(size=(3, 5, 2))
    out, w = scaled_dot_product_attention(q, k, v)
    for b in range(3):
        o_b, w_b = scaled_dot_product_attention(q[b], k[b], v[b])
        np.testing.assert_allclose(out[b], o_b)
        np.testing.assert_allclose(w[b], w_b)


def test_sdpa_rejects_mismatched_shapes():
    with pytest.raises(AssertionError, match="d_k=4 but keys have 3"):
        scaled_dot_product_attention(np.ones((2, 4)), np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(AssertionError, match="2 keys vs 3 values"):
        scaled_dot_product_attention(np.ones((2, 4)), np.ones((2, 4)), np.ones((3, 3)))


def test_causal_mask_shape_and_content():
    m = causal_mask(4)
    assert m.dtype == bool and m.shape == (4, 4)
    assert m[3, 0] and m[2, 2] and not m[0, 1] and not m[1, 3]
    assert m.sum() == 10  # 4 + 3 + 2 + 1 allowed pairs


def test_causal_mask_blocks_the_future():
    n = 6
    x = RNG.normal(size=(n, 4))
    out, w = scaled_dot_product_attention(x, x, x, causal_mask(n))
    assert np.all(np.triu(w, k=1) == 0.0), "weights above the diagonal must be exactly 0"
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    # Changing future tokens cannot change earlier outputs.
    changed = x.copy()
    changed[4:] = RNG.normal(size=(2, 4)) * 10
    out2, _ = scaled_dot_product_attention(changed, changed, changed, causal_mask(n))
    np.testing.assert_allclose(out2[:4], out[:4], atol=1e-12)
    assert not np.allclose(out2[4:], out[4:])


def test_masked_sdpa_matches_loop():
    q, k, v = RNG.normal(size=(5, 4)), RNG.normal(size=(5, 4)), RNG.normal(size=(5, 3))
    mask = causal_mask(5)
    out, w = scaled_dot_product_attention(q, k, v, mask)
    ref_out, ref_w = loop_attention(q, k, v, mask)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(w, ref_w, atol=1e-12)


def test_padding_mask_gives_zero_weight_to_padding():
    x = RNG.normal(size=(2, 5, 4))
    mask = padding_mask([3, 5], 5)
    assert mask.shape == (2, 1, 5)
    _, w = scaled_dot_product_attention(x, x, x, mask)
    assert np.all(w[0, :, 3:] == 0.0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)


def test_fully_masked_row_is_zero_not_nan():
    mask = np.array([[False, False], [True, False]])
    _, w = scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), mask)
    assert np.all(np.isfinite(w))
    np.testing.assert_array_equal(w[0], [0.0, 0.0])
    np.testing.assert_array_equal(w[1], [1.0, 0.0])


def test_masked_softmax_is_the_softmax_of_minus_infinity_scores_bit_for_bit():
    scores = RNG.normal(size=(3, 5, 5)) * 4
    mask = RNG.random(size=(5, 5)) > 0.4
    mask[:, 0] = True  # every row keeps a key: here the rule "-inf, then softmax" is defined
    expected = softmax(np.where(mask, scores, -np.inf), axis=-1)
    np.testing.assert_array_equal(masked_softmax(scores, mask), expected)
    np.testing.assert_array_equal(masked_softmax(scores), softmax(scores, axis=-1))
    # an additive 0 / -inf mask with "allow everything" is the same thing
    additive = np.where(mask, 0.0, -np.inf)
    np.testing.assert_array_equal(masked_softmax(scores + additive, True), expected)


def test_masked_softmax_gives_a_fully_blocked_row_zeros_and_sdpa_uses_it():
    scores = np.array([[3.0, -1.0, 2.0], [0.5, 0.5, 0.5]])
    mask = np.array([[True, False, True], [False, False, False]])
    weights = masked_softmax(scores, mask)
    np.testing.assert_array_equal(weights[1], [0.0, 0.0, 0.0])  # 0/0 -> 0, never NaN
    assert weights[0].sum() == pytest.approx(1.0) and weights[0, 1] == 0.0
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    k, v = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 4))
    out, w = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_array_equal(w, masked_softmax(q @ k.T / np.sqrt(2), mask))
    np.testing.assert_array_equal(out[1], np.zeros(4))


def test_split_and_merge_heads_round_trip():
    x = RNG.normal(size=(2, 5, 12))
    heads = split_heads(x, 3)
    assert heads.shape == (2, 3, 5, 4)
    np.testing.assert_array_equal(heads[:, 1], x[..., 4:8])
    np.testing.assert_array_equal(merge_heads(heads), x)
    with pytest.raises(AssertionError, match="not divisible"):
        split_heads(x, 5)


@pytest.mark.parametrize("n_heads", [1, 2, 4])
def test_multi_head_matches_independent_loop(n_heads):
    x = RNG.normal(size=(5, 8))
    w = init_projections(8, seed=n_heads)
    out, weights = multi_head_attention(x, *w, n_heads)
    ref_out, ref_weights = loop_multi_head(x, *w, n_heads)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-12)
    assert weights.shape == (n_heads, 5, 5)


def test_multi_head_with_mask_and_context_matches_loop():
    x, ctx = RNG.normal(size=(3, 8)), RNG.normal(size=(6, 8))
    w = init_projections(8, seed=7)
    mask = RNG.random((3, 6)) > 0.3
    mask[:, 0] = True  # every query can see at least one key
    out, weights = multi_head_attention(x, *w, 2, mask=mask, context=ctx)
    ref_out, ref_weights = loop_multi_head(x, *w, 2, mask=mask, context=ctx)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-12)
    assert weights.shape == (2, 3, 6)


def test_multi_head_rejects_wrong_projection_shape():
    w = list(init_projections(8))
    w[2] = np.ones((8, 4))
    with pytest.raises(AssertionError, match=r"w_v must be \(8, 8\)"):
        multi_head_attention(np.ones((3, 8)), *w, 2)


def test_sinusoidal_positions():
    enc = sinusoidal_positions(10, 6)
    assert enc.shape == (10, 6)
    np.testing.assert_allclose(enc[0, 0::2], 0.0)
    np.testing.assert_allclose(enc[0, 1::2], 1.0)
    np.testing.assert_allclose(enc[3, 0], np.sin(3.0))
    # each sin/cos pair has unit norm at every position
    np.testing.assert_allclose(enc[:, 0] ** 2 + enc[:, 1] ** 2, 1.0)


def test_batched_padding_mask_applies_to_every_head_of_its_own_sentence():
    """padding_mask's (batch, 1, n) must not be read as a per-head mask (batch == heads)."""
    x = RNG.normal(size=(2, 4, 8))
    w = init_projections(8, seed=3)
    mask = padding_mask([2, 4], 4)  # sentence 0 has two padding tokens
    _, weights = multi_head_attention(x, *w, 2, mask=mask)
    assert weights.shape == (2, 2, 4, 4)  # (batch, heads, n_q, n_k)
    assert np.all(weights[0, :, :, 2:] == 0.0), "padding keys of sentence 0 got weight"
    assert np.all(weights[1] > 0.0), "sentence 1 has no padding: every key gets weight"
    for b in range(2):
        out_b, w_b = multi_head_attention(x[b], *w, 2, mask=mask[b])
        np.testing.assert_allclose(weights[b], w_b)


def test_mask_with_wrong_number_of_axes_is_refused():
    with pytest.raises(AssertionError, match="mask has 4 axes"):
        multi_head_attention(
            np.ones((3, 8)), *init_projections(8), 2, mask=np.ones((1, 1, 3, 3), dtype=bool)
        )
