"""lesson_code.topics.kv_cache: the no-cache loop against the cached one, the work counts
against a tally of the matrix products each way performs, and the cache sizes against
the published shapes, counted number by number."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import decode_with_kv_cache, init_projections
from lesson_code.topics.kv_cache import (
    decode_without_cache,
    format_bytes,
    kv_cache_bytes,
    model_cache_bytes,
    step_multiply_adds,
    total_multiply_adds,
)
from lesson_code.topics.published_models import MODELS, model


@pytest.mark.parametrize(("n", "d_model", "n_heads"), [(1, 4, 2), (6, 8, 2), (5, 12, 4)])
def test_decoding_without_a_cache_gives_the_same_rows(n, d_model, n_heads):
    x = np.random.default_rng(n).normal(size=(n, d_model))
    weights = init_projections(d_model, seed=2)
    np.testing.assert_allclose(
        decode_without_cache(x, *weights, n_heads),
        decode_with_kv_cache(x, *weights, n_heads),
        rtol=0,
        atol=1e-12,
    )


def tally_step(t, d, cached):
    """Multiply-adds of step t counted product by product: (projections, attention).

    A (1, a) @ (a, b) product costs a * b; one score or one blended value of one head
    costs d_head, so a (query, key) pair costs d over all heads, once for the score and
    once for the value.
    """
    projected = [t - 1] if cached else range(t)  # the tokens whose q, k, v, o are computed
    projections = sum(4 * d * d for _ in projected)
    queries = [t - 1] if cached else range(t)
    attention = 0
    for i in queries:
        for _key in range(i + 1):  # causal: query i reads keys 0..i
            attention += d + d  # its score, then its share of the value
    return projections, attention


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("d", [1, 8, 64])
def test_step_counts_match_a_tally_of_the_products(cached, d):
    for t in range(1, 30):
        assert step_multiply_adds(t, d, cached) == tally_step(t, d, cached), (t, d, cached)


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("d", [1, 8, 768])
def test_totals_are_the_sums_of_the_steps(cached, d):
    for n in (1, 2, 3, 10, 57):
        steps = sum(sum(step_multiply_adds(t, d, cached)) for t in range(1, n + 1))
        assert total_multiply_adds(n, d, cached) == steps


def test_totals_grow_like_n_squared_with_the_cache_and_n_cubed_without():
    d = 64
    for cached, power in ((True, 2), (False, 3)):
        small, big = total_multiply_adds(10_000, d, cached), total_multiply_adds(20_000, d, cached)
        assert abs(big / small - 2**power) < 0.1 * 2**power


def test_the_cache_saves_work_at_every_step_after_the_first():
    assert step_multiply_adds(1, 16, True) == step_multiply_adds(1, 16, False)
    for t in range(2, 50):
        assert sum(step_multiply_adds(t, 16, True)) < sum(step_multiply_adds(t, 16, False))


def test_cache_bytes_count_one_key_and_one_value_per_layer_head_and_token():
    # count the numbers one by one: every (layer, head, token) holds a key and a value
    layers, heads, d_head, tokens = 3, 2, 5, 7
    numbers = 0
    for _layer in range(layers):
        for _head in range(heads):
            for _token in range(tokens):
                numbers += d_head + d_head  # key + value
    assert kv_cache_bytes(layers, heads, d_head, tokens, 2) == 2 * numbers
    assert kv_cache_bytes(layers, heads, d_head, tokens, 4) == 4 * numbers


def test_model_cache_bytes_reads_the_published_shapes():
    llama = model("Llama 2 7B")
    assert model_cache_bytes("Llama 2 7B", 1) == 2 * 32 * 32 * 128 * 2
    assert model_cache_bytes(llama) == model_cache_bytes("Llama 2 7B", llama.context)
    for shape in MODELS:
        shared = model_cache_bytes(shape, 1)
        unshared = model_cache_bytes(shape, 1, shared=False)
        assert unshared * shape.n_kv_heads == shared * shape.n_heads
        assert model_cache_bytes(shape, 10, bytes_per_number=1) * 2 == model_cache_bytes(shape, 10)


@pytest.mark.parametrize(
    "bad",
    [
        {"n_layers": 0},
        {"tokens": -1},
        {"d_head": 1.5},
        {"bytes_per_number": True},
    ],
)
def test_bad_sizes_raise(bad):
    args = {"n_layers": 2, "n_kv_heads": 2, "d_head": 4, "tokens": 3, "bytes_per_number": 2}
    args.update(bad)
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        kv_cache_bytes(**args)
    with pytest.raises(ValueError, match="t must"):
        step_multiply_adds(0, 8)
    with pytest.raises(KeyError, match="known"):
        model_cache_bytes("GPT-5")


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (512, "512 bytes"),
        (36 * 1024, "36 KiB"),
        (1536 * 1024, "1.5 MiB"),
        (2 * 1024**3, "2 GiB"),
        (9 * 1024**3, "9 GiB"),
        (2048 * 1024**3, "2048 GiB"),
        (568 * 1024, "568 KiB"),
        (1152 * 1024, "1.13 MiB"),  # 1.125: a tie rounds up, as in the browser
        (int(512.5 * 1024), "513 KiB"),
        (int(10.25 * 1024), "10.3 KiB"),
        (0, "0 bytes"),
    ],
)
def test_format_bytes(n_bytes, text):
    assert format_bytes(n_bytes) == text
