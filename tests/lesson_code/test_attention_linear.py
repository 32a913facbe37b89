"""linear_attention against loops: the weights φ(q_i)·φ(k_j) normalised by row, written out
one query and one key at a time, and against the recurrence with a fixed-size state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.attention import elu_plus_one, linear_attention


def phi_loop(x):
    """elu(x) + 1, one number at a time (elu(x) = x for x > 0, eˣ - 1 otherwise)."""
    return np.array([t + 1.0 if t > 0 else math.exp(t) for t in x])


def quadratic_loop(q, k, v, causal):
    """out_i = Σ_j w_ij v_j with w_ij = φ(q_i)·φ(k_j) / Σ_j' φ(q_i)·φ(k_j'), j ≤ i if causal."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        keys = range(i + 1) if causal else range(k.shape[0])
        sims = [float(phi_loop(q[i]) @ phi_loop(k[j])) for j in keys]
        for j, s in zip(keys, sims, strict=True):
            out[i] += s / sum(sims) * v[j]
    return out


def recurrence_loop(q, k, v):
    """S_i = S_{i-1} + φ(k_i) v_iᵀ, z_i = z_{i-1} + φ(k_i), out_i = φ(q_i)ᵀS_i / φ(q_i)ᵀz_i."""
    state, norm, out = np.zeros((k.shape[1], v.shape[1])), np.zeros(k.shape[1]), []
    for qi, ki, vi in zip(q, k, v, strict=True):
        state += np.outer(phi_loop(ki), vi)
        norm += phi_loop(ki)
        out.append(phi_loop(qi) @ state / (phi_loop(qi) @ norm))
    return np.array(out)


def example(seed, n_q, n_k, d_k, d_v, batch=(), scale=1.0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, scale, (*batch, n_q, d_k)),
        rng.normal(0, scale, (*batch, n_k, d_k)),
        rng.normal(0, 1, (*batch, n_k, d_v)),
    )


def test_feature_map_is_positive_elu_plus_one():
    x = np.linspace(-30, 30, 61)
    assert np.allclose(elu_plus_one(x), phi_loop(x), rtol=1e-12, atol=0)
    assert np.all(elu_plus_one(x) > 0)
    assert np.isfinite(elu_plus_one(np.array([1e308, -1e308]))).all()


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, 5, 2, 4), (6, 6, 4, 3), (7, 2, 8, 1)])
def test_equals_the_quadratic_form(shape):
    q, k, v = example(sum(shape), *shape, scale=2.0)
    assert np.allclose(linear_attention(q, k, v), quadratic_loop(q, k, v, False), atol=1e-12)


@pytest.mark.parametrize("n, d_k, d_v", [(1, 3, 2), (5, 2, 4), (9, 4, 4), (12, 8, 3)])
def test_causal_equals_the_masked_quadratic_form_and_the_recurrence(n, d_k, d_v):
    q, k, v = example(n + d_k, n, n, d_k, d_v, scale=1.5)
    out = linear_attention(q, k, v, causal=True)
    assert np.allclose(out, quadratic_loop(q, k, v, True), atol=1e-12)
    assert np.allclose(out, recurrence_loop(q, k, v), atol=1e-12)
    assert np.allclose(out[-1], linear_attention(q, k, v)[-1], atol=1e-12), "last row sees all"


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("batch", [(2,), (3, 2)])
def test_batch_axes_are_independent_problems(batch, causal):
    q, k, v = example(7, 5, 5, 3, 2, batch=batch)
    out = linear_attention(q, k, v, causal=causal)
    assert out.shape == (*batch, 5, 2)
    for index in np.ndindex(*batch):
        expected = quadratic_loop(q[index], k[index], v[index], causal)
        assert np.allclose(out[index], expected, atol=1e-12)


def test_batch_axes_broadcast():
    q, k, v = example(3, 4, 4, 3, 2, batch=(3,))
    out = linear_attention(q, k[0], v[0])  # one key/value set shared by three query sets
    for b in range(3):
        assert np.allclose(out[b], quadratic_loop(q[b], k[0], v[0], False), atol=1e-12)


def test_rows_are_weighted_averages_of_the_values():
    q, k, _ = example(11, 6, 6, 4, 1)
    assert np.allclose(linear_attention(q, k, np.ones((6, 3))), 1.0), "weights sum to 1"
    v = np.arange(6.0)[:, None]
    out = linear_attention(q, k, v, causal=True)[:, 0]
    assert np.all(out >= -1e-12) and np.all(out <= np.arange(6) + 1e-12), "between v_0 and v_i"


def test_no_division_by_square_root_of_d():
    """Scaling every query by √d changes the output: there is no hidden 1/√d to undo it."""
    q, k, v = example(5, 4, 4, 9, 2)
    assert not np.allclose(linear_attention(3 * q, k, v), linear_attention(q, k, v))
    assert np.allclose(linear_attention(3 * q, k, v), quadratic_loop(3 * q, k, v, False))


@pytest.mark.parametrize(
    "shapes, causal, words",
    [
        (((4, 3), (5, 2), (5, 2)), False, "d_k=3"),
        (((4, 3), (5, 3), (6, 2)), False, "5 keys vs 6 values"),
        (((4, 3), (5, 3), (5, 2)), True, "4 queries vs 5 keys"),
        (((3,), (5, 3), (5, 2)), False, "at least 2 axes"),
        (((2, 4, 3), (3, 4, 3), (3, 4, 2)), False, "batch axes"),
    ],
)
def test_mismatched_shapes_raise_value_error(shapes, causal, words):
    q, k, v = (np.ones(s) for s in shapes)
    with pytest.raises(ValueError, match=words):
        linear_attention(q, k, v, causal=causal)
