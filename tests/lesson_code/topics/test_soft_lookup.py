"""lesson_code.topics.soft_lookup: hard lookup, Gaussian kernel weights and the attention bridge."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics.soft_lookup import (
    HOURS,
    TEMPS,
    as_attention_vectors,
    gaussian_kernel_weights,
    hard_lookup,
    hard_weights,
    soft_lookup,
    soft_lookup_value,
)


def test_hard_lookup_behaves_like_a_dict():
    table = dict(zip(HOURS, TEMPS, strict=True))
    for hour in HOURS:
        assert hard_lookup(hour, HOURS, TEMPS) == table[hour]
        assert hard_weights(hour, HOURS).sum() == 1.0
    with pytest.raises(KeyError):
        hard_lookup(12.5, HOURS, TEMPS)


def test_kernel_weights_by_hand():
    # query 1, keys 0, 1, 3, bandwidth 1: exp(-1/2), exp(0), exp(-2), normalised
    raw = np.exp([-0.5, 0.0, -2.0])
    np.testing.assert_allclose(gaussian_kernel_weights(1.0, [0.0, 1.0, 3.0], 1.0), raw / raw.sum())


def test_weights_sum_to_one_and_batch():
    queries = np.linspace(0, 24, 7)
    weights = gaussian_kernel_weights(queries, HOURS, 1.5)
    assert weights.shape == (7, len(HOURS))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    for i, q in enumerate(queries):
        np.testing.assert_allclose(weights[i], gaussian_kernel_weights(q, HOURS, 1.5))


def test_no_overflow_far_from_every_key():
    weights = gaussian_kernel_weights(1e4, HOURS, 0.1)
    assert np.all(np.isfinite(weights)) and weights.sum() == pytest.approx(1.0)
    assert weights.argmax() == np.argmax(HOURS)  # the latest hour is the nearest


def test_bandwidth_limits():
    narrow, w_narrow = soft_lookup(12.4, HOURS, TEMPS, 0.05)
    assert narrow == pytest.approx(TEMPS[HOURS == 12.0][0])
    wide, w_wide = soft_lookup(12.4, HOURS, TEMPS, 1e4)
    assert wide == pytest.approx(TEMPS.mean(), abs=1e-3)
    np.testing.assert_allclose(w_wide, 1 / len(HOURS), atol=1e-6)


def test_soft_estimate_is_a_convex_blend():
    for q in np.linspace(0, 24, 25):
        est = soft_lookup_value(q, HOURS, TEMPS, 2.0)
        assert TEMPS.min() - 1e-12 <= est <= TEMPS.max() + 1e-12


def test_weights_are_softmax_of_negative_squared_distance():
    q, bw = 9.3, 1.7
    np.testing.assert_allclose(
        gaussian_kernel_weights(q, HOURS, bw), softmax(-((q - HOURS) ** 2) / (2 * bw**2))
    )


def test_attention_vectors_reproduce_the_kernel():
    queries = np.array([5.0, 12.5, 19.25])
    q_vecs, k_vecs = as_attention_vectors(queries, HOURS, 1.3)
    assert q_vecs.shape == (3, 2) and k_vecs.shape == (len(HOURS), 2)
    out, weights = scaled_dot_product_attention(q_vecs, k_vecs, TEMPS[:, None])
    np.testing.assert_allclose(weights, gaussian_kernel_weights(queries, HOURS, 1.3), atol=1e-12)
    np.testing.assert_allclose(out[:, 0], soft_lookup(queries, HOURS, TEMPS, 1.3)[0])
