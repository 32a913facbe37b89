"""flash_attention against plain attention: a loop over queries written here (an
independent route) and scaled_dot_product_attention, for every block size, with causal and
padding masks, fully masked rows, batch axes and scores in the thousands."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    flash_attention,
    flash_attention_steps,
    padding_mask,
    scaled_dot_product_attention,
)


def loop_attention(q, k, v, mask=None):
    """Attention for 2-D inputs, one query and one key at a time, with Python floats."""
    n_q, d_k = q.shape
    n_k = k.shape[0]
    allowed = np.ones((n_q, n_k), dtype=bool) if mask is None else np.broadcast_to(mask, (n_q, n_k))
    output = np.zeros((n_q, v.shape[1]))
    for i in range(n_q):
        scores = {j: float(q[i] @ k[j]) / math.sqrt(d_k) for j in range(n_k) if allowed[i, j]}
        if not scores:
            continue  # every key blocked: the row stays zero
        top = max(scores.values())
        exps = {j: math.exp(s - top) for j, s in scores.items()}
        total = sum(exps.values())
        for j, e in exps.items():
            output[i] += e / total * v[j]
    return output


def example(seed, n_q=7, n_k=7, d_k=4, d_v=3, batch=(), scale=1.0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, scale, (*batch, n_q, d_k)),
        rng.normal(0, 1, (*batch, n_k, d_k)),
        rng.normal(0, 1, (*batch, n_k, d_v)),
    )


@pytest.mark.parametrize("n", [1, 7, 13])
def test_every_block_size_equals_the_loop(n):
    q, k, v = example(n, n_q=n, n_k=n)
    expected = loop_attention(q, k, v)
    for block_size in range(1, n + 3):  # includes sizes that do not divide n, and > n
        got = flash_attention(q, k, v, block_size)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13, err_msg=f"block {block_size}")


@pytest.mark.parametrize("n", [5, 11])
def test_causal_mask_every_block_size(n):
    q, k, v = example(n + 100, n_q=n, n_k=n)
    expected = loop_attention(q, k, v, causal_mask(n))
    plain, _ = scaled_dot_product_attention(q, k, v, causal_mask(n))
    np.testing.assert_allclose(plain, expected, atol=1e-13)  # the two references agree
    for block_size in range(1, n + 3):
        got = flash_attention(q, k, v, block_size, mask=causal_mask(n))
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13, err_msg=f"block {block_size}")


def test_queries_and_keys_of_different_lengths():
    q, k, v = example(3, n_q=4, n_k=9)
    expected = loop_attention(q, k, v)
    for block_size in (1, 2, 4, 5, 9, 10):
        np.testing.assert_allclose(flash_attention(q, k, v, block_size), expected, atol=1e-13)


def test_padding_mask_with_batch_and_an_empty_sequence():
    q, k, v = example(4, n_q=6, n_k=6, batch=(3,))
    mask = padding_mask([6, 2, 0], 6)  # (3, 1, 6); the third sequence has no real token
    plain, _ = scaled_dot_product_attention(q, k, v, mask)
    for block_size in range(1, 9):
        got = flash_attention(q, k, v, block_size, mask=mask)
        np.testing.assert_allclose(got, plain, rtol=0, atol=1e-13, err_msg=f"block {block_size}")
        assert np.all(got[2] == 0), "a query with every key blocked gets a zero output"
        for b in range(3):
            np.testing.assert_allclose(
                got[b], loop_attention(q[b], k[b], v[b], mask[b]), atol=1e-13
            )


def test_rows_whose_first_blocks_are_all_blocked():
    """Keys blocked at the start of a row: the running max stays -inf for a few blocks, then
    becomes finite; no nan may appear, and a row blocked everywhere stays zero."""
    q, k, v = example(5, n_q=4, n_k=9)
    mask = np.zeros((4, 9), dtype=bool)
    mask[0, 7:] = True  # only the last keys allowed
    mask[1, 4] = True  # one key in the middle
    mask[2] = True  # all allowed; row 3 stays fully blocked
    expected = loop_attention(q, k, v, mask)
    for block_size in range(1, 11):
        got = flash_attention(q, k, v, block_size, mask=mask)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13, err_msg=f"block {block_size}")
        assert np.all(got[3] == 0)


def test_batch_axes_broadcast_like_sdpa():
    q, k, v = example(6, n_q=5, n_k=8, batch=(2, 3))
    mask = causal_mask(8)[:5]
    plain, _ = scaled_dot_product_attention(q, k, v, mask)
    got = flash_attention(q, k, v, 3, mask=mask)
    assert got.shape == (2, 3, 5, 3)
    np.testing.assert_allclose(got, plain, rtol=0, atol=1e-13)
    # keys and values shared by every batch item
    shared = flash_attention(q, k[0, 0], v[0, 0], 4)
    np.testing.assert_allclose(
        shared, scaled_dot_product_attention(q, k[0, 0], v[0, 0])[0], rtol=0, atol=1e-13
    )


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_large_scores_do_not_overflow(scale):
    q, k, v = example(7, n_q=9, n_k=9, scale=scale)
    scores = q @ k.T / 2.0
    assert np.abs(scores).max() > 710, "e^score must overflow for these scores"
    expected = loop_attention(q, k, v, causal_mask(9))
    # a score of size s is only known to within np.spacing(s): that is the error scale
    tolerance = 4 * np.spacing(np.abs(scores).max())
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no inf, no nan
        for block_size in range(1, 11):
            got = flash_attention(q, k, v, block_size, mask=causal_mask(9))
            np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance)


def test_never_more_than_one_block_of_scores():
    q, k, v = example(8, n_q=6, n_k=11)
    for block_size in (1, 3, 4, 11, 20):
        steps = list(flash_attention_steps(q, k, v, block_size))
        assert len(steps) == math.ceil(11 / block_size)
        assert all(s.scores.shape == (6, s.stop - s.start) for s in steps)
        assert max(s.scores.shape[-1] for s in steps) == min(block_size, 11)
        assert [s.start for s in steps] == list(range(0, 11, block_size))


def test_running_state_after_each_block_is_the_plain_softmax_of_the_keys_so_far():
    """After the block ending at key `stop`, acc / l is attention over keys [0, stop)."""
    q, k, v = example(9, n_q=3, n_k=10, scale=3.0)
    for step in flash_attention_steps(q, k, v, 4):
        partial, _ = scaled_dot_product_attention(q, k[: step.stop], v[: step.stop])
        np.testing.assert_allclose(step.acc / step.row_sum, partial, atol=1e-13)
        all_scores = q @ k[: step.stop].T / 2.0
        np.testing.assert_array_equal(step.row_max[:, 0], all_scores.max(axis=1))


@pytest.mark.parametrize("block_size", [0, -1, -64])
def test_block_size_below_one_is_refused(block_size):
    q, k, v = example(0)
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        flash_attention(q, k, v, block_size)


@pytest.mark.parametrize("block_size", [2.5, "4", True, None])
def test_block_size_must_be_a_whole_number(block_size):
    q, k, v = example(0)
    with pytest.raises(TypeError, match="block_size"):
        flash_attention(q, k, v, block_size)


def test_numpy_integer_block_size_is_accepted():
    q, k, v = example(0)
    np.testing.assert_allclose(flash_attention(q, k, v, np.int64(3)), loop_attention(q, k, v))


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (((4, 3), (5, 2), (5, 2)), "d_k=3 but keys have 2"),
        (((4, 3), (5, 3), (6, 2)), "5 keys vs 6 values"),
        (((3,), (5, 3), (5, 2)), "q must have at least 2 axes"),
        (((2, 4, 3), (3, 5, 3), (3, 5, 2)), "batch axes do not broadcast"),
        (((4, 3), (0, 3), (0, 2)), "at least one key"),
    ],
)
def test_mismatched_shapes_are_refused(shapes, message):
    q, k, v = (np.ones(s) for s in shapes)
    with pytest.raises(ValueError, match=message):
        flash_attention(q, k, v, 2)


@pytest.mark.parametrize("mask_shape", [(5,), (4, 6), (2, 4, 5, 5)])
def test_a_mask_that_does_not_fit_is_refused(mask_shape):
    q, k, v = example(0, n_q=4, n_k=5)
    with pytest.raises(ValueError, match="mask"):
        flash_attention(q, k, v, 2, mask=np.ones(mask_shape, dtype=bool))
