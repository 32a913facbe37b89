"""Causal and padding masks (lesson 12): the guarantees, and the bugs that break them."""

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    init_projections,
    masked_softmax,
    multi_head_attention,
    padding_mask,
    softmax,
)
from lesson_code.topics.masks import (
    additive_mask,
    attend,
    causal_row_weights,
    mask_after_softmax,
    mask_after_softmax_row,
    mask_scores,
    mask_with_zero,
    max_change_in_prefix,
    token_vectors,
)

RNG_SEEDS = range(5)


@pytest.mark.parametrize("seed", RNG_SEEDS)
@pytest.mark.parametrize("n_heads", [1, 2, 4])
def test_changing_future_tokens_cannot_change_earlier_outputs(seed, n_heads):
    rng = np.random.default_rng(seed)
    n, d, cut = 7, 8, 3
    x = rng.normal(size=(n, d))
    x_changed = x.copy()
    x_changed[cut:] = rng.normal(size=(n - cut, d)) * 5  # rewrite the future
    params = init_projections(d, seed=seed)
    out, _ = multi_head_attention(x, *params, n_heads=n_heads, mask=causal_mask(n))
    out_changed, _ = multi_head_attention(x_changed, *params, n_heads=n_heads, mask=causal_mask(n))
    np.testing.assert_array_equal(out[:cut], out_changed[:cut])
    assert not np.allclose(out[cut:], out_changed[cut:])
    # Without the mask the same change reaches the earlier positions.
    free, _ = multi_head_attention(x, *params, n_heads=n_heads)
    free_changed, _ = multi_head_attention(x_changed, *params, n_heads=n_heads)
    assert max_change_in_prefix(free, free_changed, cut) > 1e-3


def test_padding_keys_get_exactly_zero_weight_and_cannot_reach_real_tokens():
    rng = np.random.default_rng(1)
    n, d = 6, 8
    lengths = [6, 4, 1]
    x = rng.normal(size=(len(lengths), n, d))
    params = init_projections(d, seed=1)
    mask = padding_mask(lengths, n)[:, None]  # (batch, 1 head, 1 query row, n keys)
    out, w = multi_head_attention(x, *params, n_heads=2, mask=mask)
    for b, length in enumerate(lengths):
        assert np.all(w[b, :, :, length:] == 0.0)
        np.testing.assert_allclose(w[b].sum(axis=-1), 1.0)
    noisy = x.copy()
    for b, length in enumerate(lengths):
        noisy[b, length:] = rng.normal(size=(n - length, d)) * 100
    out_noisy, _ = multi_head_attention(noisy, *params, n_heads=2, mask=mask)
    for b, length in enumerate(lengths):
        np.testing.assert_array_equal(out_noisy[b, :length], out[b, :length])


def test_mask_scores_blocks_with_minus_infinity():
    scores = np.arange(9.0).reshape(3, 3)
    masked = mask_scores(scores, causal_mask(3))
    assert np.all(np.isneginf(masked[~causal_mask(3)]))
    np.testing.assert_array_equal(masked[causal_mask(3)], scores[causal_mask(3)])


def test_masked_softmax_equals_softmax_over_allowed_keys_only():
    scores = np.array([[0.3, -1.2, 2.0, 0.7]])
    mask = np.array([[True, True, False, True]])
    expected = np.zeros(4)
    expected[[0, 1, 3]] = softmax(scores[0, [0, 1, 3]])
    np.testing.assert_allclose(masked_softmax(scores, mask)[0], expected)
    np.testing.assert_allclose(masked_softmax(scores + additive_mask(mask), True)[0], expected)


def test_a_fully_blocked_row_gets_all_zero_weights_not_nan():
    weights = masked_softmax(np.zeros((2, 2)), np.array([[True, False], [False, False]]))
    np.testing.assert_array_equal(weights, [[1.0, 0.0], [0.0, 0.0]])


def test_mask_after_softmax_rows_do_not_sum_to_one_and_depend_on_blocked_scores():
    mask = causal_mask(3)
    scores = np.array([[1.0, 2.0, 3.0], [0.5, 0.1, 4.0], [0.0, 0.0, 0.0]])
    bad = mask_after_softmax(scores, mask)
    assert bad[0].sum() < 0.5
    changed = scores.copy()
    changed[0, 2] = -3.0  # a blocked score
    assert not np.isclose(mask_after_softmax(changed, mask)[0, 0], bad[0, 0])
    np.testing.assert_allclose(masked_softmax(changed, mask), masked_softmax(scores, mask))


def test_mask_with_zero_leaves_weight_on_blocked_keys():
    mask = causal_mask(4)
    scores = np.full((4, 4), -2.0)  # negative scores: 0 is *higher* than every real score
    bad = mask_with_zero(scores, mask)
    assert bad[0, 1:].sum() > 0.9
    np.testing.assert_allclose(bad.sum(axis=1), 1.0)


@pytest.mark.parametrize("fn", [mask_after_softmax, mask_with_zero])
def test_both_bugs_let_the_future_leak(fn):
    x = token_vectors(("the", "cat", "sat", "on", "the", "mat"))
    x2 = token_vectors(("the", "cat", "sat", "by", "a", "door"))
    w_q, w_k, w_v, _ = init_projections(x.shape[1], seed=12)
    mask = causal_mask(6)
    right_a, _ = attend(x @ w_q, x @ w_k, x @ w_v, mask)
    right_b, _ = attend(x2 @ w_q, x2 @ w_k, x2 @ w_v, mask)
    bug_a, _ = attend(x @ w_q, x @ w_k, x @ w_v, mask, fn)
    bug_b, _ = attend(x2 @ w_q, x2 @ w_k, x2 @ w_v, mask, fn)
    assert max_change_in_prefix(right_a, right_b, 3) == 0.0
    assert max_change_in_prefix(bug_a, bug_b, 3) > 1e-3


def test_row_helpers_used_by_the_quiz():
    scores = [2.0, 1.0, 3.0, 0.5]
    np.testing.assert_allclose(causal_row_weights(scores, 1), [*softmax([2.0, 1.0]), 0.0, 0.0])
    e = np.exp(scores)
    expected = [e[0] / e.sum(), e[1] / e.sum(), 0, 0]
    np.testing.assert_allclose(mask_after_softmax_row(scores, 1), expected)
    np.testing.assert_allclose(causal_row_weights(scores, 3), softmax(scores))


def test_token_vectors_give_the_same_word_the_same_vector():
    x = token_vectors(("the", "cat", "the"))
    np.testing.assert_array_equal(x[0], x[2])
    assert not np.allclose(x[0], x[1])
