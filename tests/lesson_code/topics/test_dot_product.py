"""lesson_code.topics.dot_product: sums of products, angles, cosine and the long-key pitfall."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.topics.dot_product import (
    KEYS,
    QUERY,
    angle_degrees,
    break_even_angle,
    cosine_similarity,
    dot_by_hand,
    length,
    scores,
)


def test_dot_by_hand_small_cases():
    assert dot_by_hand([3, 1], [2, -1]) == 5.0
    assert dot_by_hand([3, -1, 2], [2, 4, 0.5]) == 3.0
    with pytest.raises(AssertionError):
        dot_by_hand([1, 2], [1, 2, 3])


def test_dot_by_hand_equals_numpy():
    rng = np.random.default_rng(7)
    for d in (1, 2, 8, 64):
        a, b = rng.normal(size=d), rng.normal(size=d)
        assert dot_by_hand(a, b) == pytest.approx(a @ b)


def test_example_scores():
    np.testing.assert_array_equal(scores(QUERY, KEYS), [2.5, 5.0, 0.0, -5.0])


def test_geometric_identity_and_cosine_range():
    for k in KEYS:
        expected = length(QUERY) * length(k) * np.cos(np.radians(angle_degrees(QUERY, k)))
        assert QUERY @ k == pytest.approx(expected)
        assert -1.0 <= cosine_similarity(QUERY, k) <= 1.0
    assert angle_degrees(QUERY, KEYS[1]) == pytest.approx(45.0)


def test_cosine_ignores_length_dot_product_does_not():
    k = np.array([1.0, 3.0])
    assert cosine_similarity(QUERY, 4 * k) == pytest.approx(cosine_similarity(QUERY, k))
    assert dot_by_hand(QUERY, 4 * k) == pytest.approx(4 * dot_by_hand(QUERY, k))


def test_long_key_outranks_aligned_key():
    s = scores(QUERY, KEYS)
    cos = [cosine_similarity(QUERY, k) for k in KEYS]
    assert np.argmax(s) == 1 and np.argmax(cos) == 0


def test_break_even_angle():
    angle = break_even_angle(QUERY, KEYS[0], length(KEYS[1]))
    at_break_even = length(QUERY) * length(KEYS[1]) * np.cos(np.radians(angle))
    assert at_break_even == pytest.approx(dot_by_hand(QUERY, KEYS[0]))
    assert break_even_angle(QUERY, KEYS[0], length(KEYS[0])) == pytest.approx(0.0, abs=1e-4)
