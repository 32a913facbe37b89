"""Tests for lesson_code.topics.grouped_query against independent computations: cache and
parameter sizes counted from real arrays, pooling by a loop over groups, and a pooled
model's layer recomputed with grouped_query_attention on the narrow matrices."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import causal_mask, grouped_query_attention
from lesson_code.learned import TinyTransformer
from lesson_code.learned.model import layer_key
from lesson_code.topics.grouped_query import (
    attention_parameters,
    cosine_matrix,
    divisors,
    head_blocks,
    kv_cache_bytes,
    kv_head_of,
    mean_pool_heads,
    model_cache_bytes,
    pooled_model,
    repeat_kv_columns,
)
from lesson_code.topics.published_models import MODELS, model


def test_divisors_are_exactly_the_numbers_that_divide():
    for n in (1, 7, 12, 64, 71):
        assert divisors(n) == [k for k in range(1, n + 1) if n / k == n // k]
    assert divisors(71) == [1, 71]  # Falcon 7B: a prime number of heads
    with pytest.raises(ValueError):
        divisors(0)


@pytest.mark.parametrize(("n_heads", "n_kv"), [(8, 8), (8, 2), (8, 1), (6, 3)])
def test_kv_head_of_groups_consecutive_heads(n_heads, n_kv):
    owners = kv_head_of(n_heads, n_kv)
    sizes = [int(np.sum(owners == g)) for g in range(n_kv)]
    assert sizes == [n_heads // n_kv] * n_kv  # equal groups
    assert list(owners) == sorted(owners)  # consecutive heads share
    with pytest.raises(ValueError, match="must divide"):
        kv_head_of(8, 3)


@pytest.mark.parametrize(("layers", "n_kv", "d_head", "tokens"), [(2, 4, 8, 5), (3, 1, 16, 7)])
def test_cache_bytes_equal_the_bytes_of_real_cache_arrays(layers, n_kv, d_head, tokens):
    cache = [
        {
            "k": np.zeros((n_kv, tokens, d_head), np.float16),
            "v": np.zeros((n_kv, tokens, d_head), np.float16),
        }
        for _ in range(layers)
    ]
    held = sum(a.nbytes for layer in cache for a in layer.values())
    assert kv_cache_bytes(layers, n_kv, d_head, tokens, bytes_per_number=2) == held
    assert kv_cache_bytes(layers, n_kv, d_head, tokens, bytes_per_number=1) == held // 2


def test_model_cache_bytes_follows_the_published_shape_and_its_overrides():
    for shape in MODELS:
        own = model_cache_bytes(shape, 100)
        full = model_cache_bytes(shape, 100, n_kv_heads=shape.n_heads)
        assert full * shape.n_kv_heads == own * shape.n_heads  # proportional to kv heads
    llama = model("Llama 2 70B")
    assert model_cache_bytes(llama, 10, n_kv_heads=1) * 8 == model_cache_bytes(llama, 10)
    with pytest.raises(ValueError):
        model_cache_bytes(llama, 10, n_kv_heads=3)


@pytest.mark.parametrize(("d_model", "n_heads", "n_kv"), [(8, 4, 4), (8, 4, 2), (12, 6, 1)])
def test_parameters_count_the_entries_of_the_four_matrices(d_model, n_heads, n_kv):
    d_head = d_model // n_heads
    shapes = [
        (d_model, d_model),
        (d_model, n_kv * d_head),
        (d_model, n_kv * d_head),
        (d_model, d_model),
    ]
    matrices = [np.ones(s) for s in shapes]
    x = np.ones((3, d_model))
    grouped_query_attention(x, *matrices, n_heads, n_kv)  # the shapes are the ones it accepts
    assert attention_parameters(d_model, n_heads, n_kv) == sum(m.size for m in matrices)


def test_mean_pool_matches_a_loop_over_groups():
    rng = np.random.default_rng(0)
    n_heads, d_head, d_model = 6, 2, 12
    w = rng.normal(size=(d_model, n_heads * d_head))
    for n_kv in divisors(n_heads):
        group = n_heads // n_kv
        pooled = mean_pool_heads(w, n_heads, n_kv)
        for g in range(n_kv):
            members = [
                w[:, h * d_head : (h + 1) * d_head] for h in range(g * group, (g + 1) * group)
            ]
            np.testing.assert_allclose(
                pooled[:, g * d_head : (g + 1) * d_head], sum(members) / group
            )
    np.testing.assert_array_equal(mean_pool_heads(w, n_heads, n_heads), w)  # one head a group


def test_repeat_kv_columns_gives_each_query_head_its_group_block():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(5, 2 * 3))  # 2 kv heads of size 3
    wide = repeat_kv_columns(w, 4, 2)
    blocks = head_blocks(wide, 4)
    for h, block in enumerate(blocks):
        g = h // 2
        np.testing.assert_array_equal(block, w[:, g * 3 : (g + 1) * 3])


@pytest.mark.parametrize("n_kv", [1, 2, 4])
def test_a_pooled_model_computes_grouped_query_attention(n_kv):
    tiny = TinyTransformer.initial(
        vocab_size=7, context=6, d_model=8, n_layers=2, n_heads=4, seed=3
    )
    pooled = pooled_model(tiny, n_kv, layers=[1])
    ids = np.array([1, 4, 2, 6, 0])
    run = pooled.run(ids)
    p = tiny.params
    narrow = {c: mean_pool_heads(p[layer_key(1, f"w_{c}")], 4, n_kv) for c in "kv"}
    out, weights = grouped_query_attention(
        run.streams[1], p["1.w_q"], narrow["k"], narrow["v"], p["1.w_o"], 4, n_kv, causal_mask(5)
    )
    np.testing.assert_allclose(run.streams[2], run.streams[1] + out, atol=1e-12)
    np.testing.assert_allclose(run.weights[1], weights, atol=1e-12)
    # layer 0 was left alone
    np.testing.assert_array_equal(pooled.params["0.w_k"], p["0.w_k"])
    if n_kv == 4:
        np.testing.assert_array_equal(pooled.params["1.w_k"], p["1.w_k"])


def test_pooling_only_the_values_leaves_that_layers_patterns_unchanged():
    """Values do not enter the weights: a layer with pooled values keeps its patterns (a
    later layer's may move, since what the layer writes to the stream changed)."""
    tiny = TinyTransformer.initial(
        vocab_size=7, context=6, d_model=8, n_layers=2, n_heads=4, seed=4
    )
    ids = np.array([3, 1, 5, 5, 2, 0])
    only_v = pooled_model(tiny, 1, layers=[1], which="v")
    np.testing.assert_allclose(only_v.attention(ids), tiny.attention(ids), atol=1e-12)
    assert not np.allclose(only_v.run(ids).logits, tiny.run(ids).logits)
    first_v = pooled_model(tiny, 1, layers=[0], which="v")
    np.testing.assert_allclose(first_v.attention(ids)[0], tiny.attention(ids)[0], atol=1e-12)
    only_k = pooled_model(tiny, 1, layers=[1], which="k")
    assert not np.allclose(only_k.attention(ids)[1], tiny.attention(ids)[1])


def test_cosine_matrix_of_known_vectors():
    a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])
    c = cosine_matrix([a, b, -3 * a])
    np.testing.assert_allclose(c, [[1, 0, -1], [0, 1, 0], [-1, 0, 1]], atol=1e-12)
