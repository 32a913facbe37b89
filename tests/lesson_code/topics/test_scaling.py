"""lesson_code.topics.scaling: the simulations behind lesson 9 (why divide by √d_k)."""

import numpy as np
import pytest

from lesson_code.attention import softmax
from lesson_code.topics.scaling import (
    peakiness,
    peakiness_of,
    random_dot_products,
    random_scores,
    random_weights,
    scale_factor,
    softmax_jacobian_norm,
)


def test_scale_factors():
    assert scale_factor("none", 64) == 1.0
    assert scale_factor("sqrt", 64) == 8.0
    assert scale_factor("d", 64) == 64.0
    with pytest.raises(AssertionError, match="divide_by"):
        scale_factor("square", 64)


@pytest.mark.parametrize("d", [1, 16, 256])
def test_dot_product_variance_is_d(d):
    dots = random_dot_products(d, n_draws=20_000, seed=d)
    assert dots.shape == (20_000,)
    assert abs(dots.var() / d - 1) < 0.08
    assert abs(dots.mean()) < 0.05 * np.sqrt(d) + 0.03


def test_dot_products_are_reproducible_and_chunking_does_not_matter():
    a = random_dot_products(10, n_draws=5000, seed=1)
    b = random_dot_products(10, n_draws=5000, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, random_dot_products(10, n_draws=5000, seed=2))


def test_random_weights_rows_sum_to_one_and_share_draws_across_divisors():
    raw = random_scores(32, n_keys=8, n_draws=300, seed=4)
    for divide_by in ("none", "sqrt", "d"):
        w = random_weights(32, n_keys=8, n_draws=300, divide_by=divide_by, seed=4)
        assert w.shape == (300, 8)
        np.testing.assert_allclose(w.sum(axis=1), 1.0)
        np.testing.assert_allclose(w, softmax(raw / scale_factor(divide_by, 32), axis=-1))


def test_peakiness_ordering_at_large_d():
    none, _ = peakiness(256, n_keys=16, n_draws=500, divide_by="none", seed=0)
    sqrt, _ = peakiness(256, n_keys=16, n_draws=500, divide_by="sqrt", seed=0)
    by_d, entropy_d = peakiness(256, n_keys=16, n_draws=500, divide_by="d", seed=0)
    assert none > 0.85 > sqrt > by_d
    assert by_d < 1.2 / 16 and entropy_d > 0.99


def test_sqrt_scaling_keeps_peakiness_steady_across_d():
    tops = [
        peakiness(d, n_keys=16, n_draws=1000, divide_by="sqrt", seed=1)[0] for d in (8, 64, 512)
    ]
    assert max(tops) - min(tops) < 0.05


def test_peakiness_of_uniform_and_one_hot_rows():
    top, entropy = peakiness_of(np.full((3, 4), 0.25))
    assert top == pytest.approx(0.25) and entropy == pytest.approx(1.0)
    top, entropy = peakiness_of(np.eye(4))
    assert top == pytest.approx(1.0) and entropy == pytest.approx(0.0, abs=1e-9)


def test_jacobian_norm_matches_finite_differences_and_vanishes_when_one_hot():
    s = np.array([0.3, -1.0, 2.0])
    w = softmax(s)
    eps = 1e-6
    jac = np.stack(
        [(softmax(s + eps * e) - softmax(s - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1
    )
    assert softmax_jacobian_norm(w) == pytest.approx(np.linalg.norm(jac), rel=1e-6)
    assert softmax_jacobian_norm(np.array([1.0, 0.0, 0.0])) == pytest.approx(0.0)
