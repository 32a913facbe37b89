"""Lesson 24's helpers against independent computations: numpy's own multiplications for
the quadratic order, the API for the recurrence, counted operations for the costs, loops
for the recall task and the first-token weights."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import linear_attention, softmax
from lesson_code.learned import repeated_sequences, trained_model
from lesson_code.topics.linear_attention import (
    first_token_weights,
    kv_cache_numbers,
    linear_attention_macs,
    linear_attention_quadratic,
    linear_attention_recurrent,
    linear_attention_weights,
    linear_state_numbers,
    mac_ratio,
    recall_scores,
    recall_task,
    retrieved,
    softmax_attention_macs,
)


def example(seed, n=7, d_k=4, d_v=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d_k)), rng.normal(size=(n, d_k)), rng.normal(size=(n, d_v))


@pytest.mark.parametrize("causal", [False, True])
def test_quadratic_order_equals_the_api(causal):
    q, k, v = example(1)
    weights = linear_attention_weights(q, k, causal)
    assert np.allclose(weights.sum(axis=-1), 1.0)
    if causal:
        assert np.all(weights[np.triu_indices(7, 1)] == 0), "no weight on later keys"
    assert np.allclose(
        linear_attention_quadratic(q, k, v, causal), linear_attention(q, k, v, causal)
    )


def test_recurrence_equals_causal_linear_attention_and_keeps_the_sums():
    q, k, v = example(2, n=9)
    out, state, norm = linear_attention_recurrent(q, k, v)
    assert np.allclose(out, linear_attention(q, k, v, causal=True), atol=1e-12)
    phi_k = np.where(k > 0, k + 1, np.exp(k))
    assert np.allclose(state, phi_k.T @ v) and np.allclose(norm, phi_k.sum(axis=0))
    assert state.shape == (4, 3) and norm.shape == (4,)


def count_macs_by_shapes(shapes):
    """Multiply-adds of a chain of matrix products given as (rows, inner, cols) triples."""
    return sum(r * i * c for r, i, c in shapes)


@pytest.mark.parametrize("n, d_k, d_v", [(1, 1, 1), (100, 64, 64), (4096, 64, 32)])
def test_costs_count_the_products(n, d_k, d_v):
    assert softmax_attention_macs(n, d_k, d_v) == count_macs_by_shapes(
        [(n, d_k, n), (n, n, d_v)]  # Q Kᵀ, then weights V
    )
    assert linear_attention_macs(n, d_k, d_v) == count_macs_by_shapes(
        [(d_k, n, d_v), (n, d_k, d_v), (d_k, n, 1), (n, d_k, 1)]  # φ(K)ᵀV, φ(Q)S, z, φ(Q)z
    )
    assert mac_ratio(n, d_k, d_v) == softmax_attention_macs(n, d_k, d_v) / linear_attention_macs(
        n, d_k, d_v
    )
    q, k, v = example(3, n=3, d_k=d_k if d_k < 9 else 2, d_v=d_v if d_v < 9 else 2)
    assert kv_cache_numbers(3, q.shape[1], v.shape[1]) == k.size + v.size
    _, state, norm = linear_attention_recurrent(q, k, v)
    assert linear_state_numbers(q.shape[1], v.shape[1]) == state.size + norm.size


def test_recall_task_query_is_the_target_key_made_longer():
    q, k, v, target = recall_task(np.random.default_rng(0), 5, d_k=6, d_v=3, sharpness=2.5)
    assert q.shape == (1, 6) and k.shape == (5, 6) and v.shape == (5, 3)
    assert np.allclose(q[0], 2.5 * k[target])
    assert retrieved(v[target : target + 1] * 3.0, v) == target


def test_recall_scores_against_a_loop():
    scores = recall_scores(4, trials=30, seed=5, d_k=8, d_v=5, sharpness=3.0)
    rng = np.random.default_rng(5)
    right, weight = {"softmax": 0, "linear": 0}, {"softmax": 0.0, "linear": 0.0}
    for _ in range(30):
        q, k, v, target = recall_task(rng, 4, 8, 5, 3.0)
        phi = lambda x: np.where(x > 0, x + 1, np.exp(x))  # noqa: E731
        sims = {
            "softmax": softmax(np.array([q[0] @ kj / np.sqrt(8) for kj in k])),
            "linear": np.array([phi(q[0]) @ phi(kj) for kj in k]),
        }
        for name, s in sims.items():
            w = s / s.sum()
            out = sum(wj * vj for wj, vj in zip(w, v, strict=True))
            cos = [out @ vj / np.linalg.norm(out) / np.linalg.norm(vj) for vj in v]
            right[name] += int(np.argmax(cos)) == target
            weight[name] += w[target]
    for name in right:
        assert scores[name]["accuracy"] == pytest.approx(right[name] / 30)
        assert scores[name]["weight"] == pytest.approx(weight[name] / 30)


def test_sharp_softmax_recalls_better_than_linear():
    scores = recall_scores(16, trials=50)
    assert scores["softmax"]["accuracy"] > scores["linear"]["accuracy"] + 0.3
    assert scores["softmax"]["weight"] > 3 * scores["linear"]["weight"]


def test_first_token_weights_against_a_loop():
    model = trained_model()
    ids = repeated_sequences(np.random.default_rng(0), 3, 5, model.vocab_size)
    weight, ratio = first_token_weights(model, ids)
    assert weight.shape == ratio.shape == (model.n_layers, model.n_heads)
    for layer in range(model.n_layers):
        for head in range(model.n_heads):
            on_first, shares = [], []
            for seq in ids:
                pattern = model.attention(seq)[layer, head]  # (n, n)
                for i in range(1, len(seq)):
                    on_first.append(pattern[i, 0])
                    shares.append(pattern[i, 0] * (i + 1))
            assert weight[layer, head] == pytest.approx(np.mean(on_first))
            assert ratio[layer, head] == pytest.approx(np.mean(shares))
