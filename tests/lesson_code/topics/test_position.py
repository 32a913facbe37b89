"""Position (lesson 13): permutation equivariance, sinusoidal encodings, RoPE."""

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    init_projections,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)
from lesson_code.topics.position import (
    rates,
    rope,
    rope_score,
    sinusoid_dot,
    sinusoid_shift,
    word_vectors,
)


@pytest.mark.parametrize("seed", range(5))
def test_attention_without_position_is_permutation_equivariant(seed):
    rng = np.random.default_rng(seed)
    n, d = 7, 8
    x = rng.normal(size=(n, d))
    perm = rng.permutation(n)
    params = init_projections(d, seed=seed)
    out, w = multi_head_attention(x, *params, n_heads=2)
    out_p, w_p = multi_head_attention(x[perm], *params, n_heads=2)
    np.testing.assert_allclose(out_p, out[perm], atol=1e-12)
    np.testing.assert_allclose(w_p, w[:, perm][:, :, perm], atol=1e-12)


def test_dog_bites_man_is_indistinguishable_without_positions_and_not_with_them():
    a, b = ("dog", "bites", "man"), ("man", "bites", "dog")
    params = init_projections(8, seed=13)
    out_a, _ = multi_head_attention(word_vectors(a), *params, n_heads=2)
    out_b, _ = multi_head_attention(word_vectors(b), *params, n_heads=2)
    np.testing.assert_allclose(out_a[0], out_b[2])
    pe = sinusoidal_positions(3, 8)
    out_a, _ = multi_head_attention(word_vectors(a) + pe, *params, n_heads=2)
    out_b, _ = multi_head_attention(word_vectors(b) + pe, *params, n_heads=2)
    assert not np.allclose(out_a[0], out_b[2])


def test_a_causal_mask_breaks_permutation_equivariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 8))
    perm = np.array([4, 3, 2, 1, 0])
    params = init_projections(8, seed=0)
    out, _ = multi_head_attention(x, *params, n_heads=2, mask=causal_mask(5))
    out_p, _ = multi_head_attention(x[perm], *params, n_heads=2, mask=causal_mask(5))
    assert not np.allclose(out_p, out[perm])


@pytest.mark.parametrize("d_model", [4, 16, 64])
def test_sinusoid_dot_depends_only_on_the_offset(d_model):
    enc = sinusoidal_positions(80, d_model)
    for k in (0, 1, 7, 30):
        dots = np.einsum("pd,pd->p", enc[: 80 - k], enc[k:])
        np.testing.assert_allclose(dots, sinusoid_dot(k, d_model))
    assert sinusoid_dot(0, d_model) == pytest.approx(d_model / 2)


@pytest.mark.parametrize("offset", [0, 1, 5, 23])
def test_sinusoid_shift_moves_every_position_by_the_offset(offset):
    enc = sinusoidal_positions(60, 16)
    m = sinusoid_shift(offset, 16)
    np.testing.assert_allclose(enc[: 60 - offset] @ m, enc[offset:], atol=1e-12)
    np.testing.assert_allclose(m @ m.T, np.eye(16), atol=1e-12)  # a rotation


def test_rates_match_the_encodings():
    enc = sinusoidal_positions(2, 8)
    np.testing.assert_allclose(enc[1, 0::2], np.sin(rates(8)))
    assert rates(8)[0] == 1.0


def test_rope_score_depends_only_on_content_and_offset():
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=16), rng.normal(size=16)
    for offset in (-7, -1, 0, 2, 11):
        scores = [rope_score(q, k, m, m - offset) for m in range(12, 40)]
        np.testing.assert_allclose(scores, scores[0])
    assert rope_score(q, k, 5, 5) == pytest.approx(q @ k)
    assert not np.isclose(rope_score(q, k, 4, 1), rope_score(q, k, 1, 4))


def test_rope_is_a_rotation_of_each_pair():
    x = np.array([[1.0, 0.0, 1.0, 0.0]])
    rotated = rope(x, positions=[2])
    w = rates(4)
    np.testing.assert_allclose(
        rotated[0], [np.cos(2 * w[0]), np.sin(2 * w[0]), np.cos(2 * w[1]), np.sin(2 * w[1])]
    )
    rng = np.random.default_rng(4)
    rows = rng.normal(size=(2, 6, 8))  # a batch axis works too
    np.testing.assert_allclose(np.linalg.norm(rope(rows), axis=-1), np.linalg.norm(rows, axis=-1))
    np.testing.assert_allclose(rope(rows)[:, 0], rows[:, 0])


def test_rope_in_two_d_is_cosine_of_the_angle_between_positions():
    assert rope_score([1.0, 0.0], [1.0, 0.0], 3, 1) == pytest.approx(np.cos(2.0))


def test_rope_attention_ignores_a_common_shift_of_all_positions():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 8))
    w_q, w_k, w_v, _ = init_projections(8, seed=5)
    base = np.arange(5)
    out, _ = scaled_dot_product_attention(rope(x @ w_q, base), rope(x @ w_k, base), x @ w_v)
    out_shift, _ = scaled_dot_product_attention(
        rope(x @ w_q, base + 37), rope(x @ w_k, base + 37), x @ w_v
    )
    np.testing.assert_allclose(out_shift, out, atol=1e-12)


def test_rope_rejects_odd_width():
    with pytest.raises(AssertionError, match="even"):
        rope(np.ones((2, 3)))
