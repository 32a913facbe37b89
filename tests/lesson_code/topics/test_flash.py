"""The online softmax against lesson 4's softmax, the trace against a hand computation,
and the counting helpers against their formulas written out independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.attention import (
    flash_attention,
    flash_attention_steps,
    scaled_dot_product_attention,
    softmax,
)
from lesson_code.topics.flash import (
    fast_memory_needed,
    largest_score_tile,
    one_query_trace,
    online_normalizer,
    online_softmax,
    online_softmax_trace,
    peak_bytes,
    rescale_factors,
    split_blocks,
    stable_softmax_check,
    standard_traffic,
    tiled_traffic,
)


@pytest.mark.parametrize("seed", range(5))
def test_online_softmax_equals_softmax_for_every_block_size(seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 5, size=13)
    for block_size in range(1, 16):
        blocks = split_blocks(scores, block_size)
        np.testing.assert_allclose(online_softmax(blocks), softmax(scores), rtol=1e-14, atol=0)
        assert stable_softmax_check(scores, block_size) < 1e-15


def test_online_normalizer_is_the_max_and_the_shifted_sum():
    scores = np.array([3.0, -1.0, 7.5, 2.0, 7.0])
    m, total = online_normalizer(split_blocks(scores, 2))
    assert m == 7.5
    assert math.isclose(total, sum(math.exp(s - 7.5) for s in scores), rel_tol=1e-15)


def test_online_softmax_survives_scores_of_ten_thousand():
    scores = np.array([1e4, 1e4 - 1, -1e4, 1e4 + 2])
    with np.errstate(over="raise", invalid="raise"):
        weights = online_softmax(split_blocks(scores, 1))
    np.testing.assert_allclose(weights, softmax(scores), rtol=1e-14)


def test_blocks_that_shuffle_the_maximum_around():
    # increasing, decreasing and constant scores: the max rises every block, never, or ties
    for scores in (np.arange(9.0), np.arange(9.0)[::-1], np.zeros(9)):
        for block_size in (1, 2, 4):
            np.testing.assert_allclose(
                online_softmax(split_blocks(scores, block_size)), softmax(scores), rtol=1e-14
            )


def test_trace_by_hand():
    rows = online_softmax_trace([1.0, 2.0, 0.0, 4.0], 2)
    assert [r.keys for r in rows] == [(0, 2), (2, 4)]
    assert rows[0].m_old == -np.inf and rows[0].m_new == 2.0 and rows[0].rescale == 0.0
    assert math.isclose(rows[0].total, math.exp(-1) + 1)
    assert rows[1].block_max == 4.0 and rows[1].m_new == 4.0
    assert math.isclose(rows[1].rescale, math.exp(2.0 - 4.0))
    expected = (math.exp(-1) + 1) * math.exp(-2) + math.exp(-4) + 1
    assert math.isclose(rows[1].total, expected, rel_tol=1e-15)
    np.testing.assert_allclose(rescale_factors([1.0, 2.0, 0.0, 4.0], 2), [0.0, math.exp(-2)])


def test_trace_ends_where_the_normalizer_ends():
    scores = np.random.default_rng(3).normal(size=10)
    last = online_softmax_trace(scores, 3)[-1]
    assert (last.m_new, last.total) == online_normalizer(split_blocks(scores, 3))
    assert len(online_softmax_trace(scores, 3)) == 4


def test_split_blocks_keeps_every_score_in_order():
    scores = np.arange(7.0)
    blocks = split_blocks(scores, 3)
    assert [len(b) for b in blocks] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate(blocks), scores)


@pytest.mark.parametrize(("n_q", "n_k", "block"), [(5, 9, 4), (8, 8, 1), (3, 4, 10)])
def test_largest_score_tile(n_q, n_k, block):
    assert largest_score_tile(n_q, n_k, block) == n_q * min(block, n_k)


def test_standard_traffic_counts_four_passes_over_the_scores():
    n, d = 100, 8
    reads = n * d + n * d + n * n + n * n + n * d  # Q, K, S, P, V
    writes = n * n + n * n + n * d  # S, P, O
    assert standard_traffic(n, d) == reads + writes == 4 * n * d + 4 * n * n


def test_tiled_traffic_rereads_keys_and_values_once_per_query_block():
    assert tiled_traffic(256, 64, 128) == 256 * 64 * 2 + 2 * (2 * 256 * 64)
    assert tiled_traffic(257, 64, 128) == 257 * 64 * 2 + 3 * (2 * 257 * 64)  # a short block
    # for long inputs the ratio approaches 2 * block / d from below
    ratio = standard_traffic(1 << 16, 64) / tiled_traffic(1 << 16, 64, 128)
    assert 3.9 < ratio < 4


def test_fast_memory_needed():
    assert fast_memory_needed(64, 128) == 4 * 128 * 64 + 128 * 128 + 2 * 128
    assert fast_memory_needed(64, 128, key_block=32) == 2 * 128 * 64 + 2 * 32 * 64 + 128 * 32 + 256


def test_tiled_attention_allocates_less_than_plain():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(512, 16)) for _ in range(3))
    plain = peak_bytes(scaled_dot_product_attention, q, k, v)
    tiled = peak_bytes(flash_attention, q, k, v, 16)
    assert plain > 512 * 512 * 8  # at least the score matrix
    assert tiled < plain / 4


def test_one_query_trace_ends_at_plain_attention_and_matches_flash_attention():
    rng = np.random.default_rng(11)
    scores, values = rng.normal(0, 3, size=9), rng.normal(size=9)
    for block_size in range(1, 11):
        steps = one_query_trace(scores, values, block_size)
        assert len(steps) == math.ceil(9 / block_size)
        assert math.isclose(steps[-1]["output"], softmax(scores) @ values, rel_tol=1e-13)
        np.testing.assert_allclose(steps[-1]["weights"], softmax(scores), rtol=1e-13)
        for step in steps:  # each step: plain attention over the keys read so far
            seen = slice(0, step["stop"])
            assert math.isclose(step["output"], softmax(scores[seen]) @ values[seen], rel_tol=1e-12)
            assert step["m_new"] == scores[seen].max()
        # the same numbers as flash_attention_steps on a query that produces these scores
        q, k, v = np.ones((1, 1)), scores[:, None], values[:, None]  # d_k = 1: q . k_j = s_j
        flash = list(flash_attention_steps(q, k, v, block_size))
        for step, state in zip(steps, flash, strict=True):
            assert math.isclose(step["total"], state.row_sum[0, 0], rel_tol=1e-13)
            assert math.isclose(step["acc"], state.acc[0, 0], rel_tol=1e-12, abs_tol=1e-15)
