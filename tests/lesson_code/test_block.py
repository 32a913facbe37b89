"""lesson_code.block against independent implementations written with loops over tokens.

The reference here computes LayerNorm with a per-token mean and variance, attention head
by head and query by query, and the MLP token by token with a scalar GELU; nothing from
lesson_code.block or lesson_code.attention is used in it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.block import (
    PARAM_SHAPES,
    check_block_params,
    gelu,
    init_block_params,
    layer_norm,
    mlp,
    post_ln_block,
    stack_blocks,
    transformer_block,
)

RNG = np.random.default_rng(17)


# -- the independent reference ---------------------------------------------------------
def loop_layer_norm(vec, gain, bias, eps=1e-5):
    """One token's vector: mean and biased variance by explicit sums."""
    d = len(vec)
    mean = sum(vec) / d
    var = sum((v - mean) ** 2 for v in vec) / d
    return np.array([(vec[c] - mean) / math.sqrt(var + eps) * gain[c] + bias[c] for c in range(d)])


def scalar_gelu(v):
    return 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))


def normal_cdf_by_simpson(v, steps=2000):
    """Φ(v) = 1/2 + ∫_0^v φ(t) dt by Simpson's rule: independent of any erf."""
    h = v / steps
    total = 0.0
    for s in range(steps + 1):
        t = s * h
        weight = 1 if s in (0, steps) else (4 if s % 2 else 2)
        total += weight * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    return 0.5 + total * h / 3


def loop_attention_rows(rows, p, n_heads, allowed):
    """Multi-head attention with loops: rows (n, d) -> (n, d); allowed(i, j) -> bool."""
    n, d = rows.shape
    d_head = d // n_heads
    out = np.zeros((n, d))
    for i in range(n):
        concat = []
        for head in range(n_heads):
            cols = slice(head * d_head, (head + 1) * d_head)
            q = rows[i] @ p["w_q"][:, cols]
            keys = [j for j in range(n) if allowed(i, j)]
            scores = [float(q @ (rows[j] @ p["w_k"][:, cols])) / math.sqrt(d_head) for j in keys]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            head_out = np.zeros(d_head)
            for j, e in zip(keys, exps, strict=True):
                head_out += e / total * (rows[j] @ p["w_v"][:, cols])
            concat.extend(head_out)
        out[i] = np.array(concat) @ p["w_o"]
    return out


def loop_mlp_row(vec, p):
    hidden = [scalar_gelu(float(vec @ p["w_1"][:, c]) + p["b_1"][c]) for c in range(len(p["b_1"]))]
    return np.array(hidden) @ p["w_2"] + p["b_2"]


def loop_block(x, p, n_heads, allowed=lambda i, j: True, post_ln=False):
    """One block on (n, d), token by token."""
    n = len(x)

    def ln(rows, which):
        return np.array([loop_layer_norm(r, p[f"{which}_gain"], p[f"{which}_bias"]) for r in rows])

    if post_ln:
        h = ln(x + loop_attention_rows(x, p, n_heads, allowed), "ln1")
        return ln(h + np.array([loop_mlp_row(h[i], p) for i in range(n)]), "ln2")
    h = x + loop_attention_rows(ln(x, "ln1"), p, n_heads, allowed)
    normed = ln(h, "ln2")
    return h + np.array([loop_mlp_row(normed[i], p) for i in range(n)])


def random_params(d, d_ff, seed):
    """Parameters with non-trivial gains and biases, so every term of the block is tested."""
    rng = np.random.default_rng(seed)
    p = init_block_params(d, d_ff, seed=seed)
    for key in ("ln1_gain", "ln2_gain"):
        p[key] = 1 + 0.3 * rng.normal(size=d)
    for key in ("ln1_bias", "ln2_bias", "b_2"):
        p[key] = 0.2 * rng.normal(size=d)
    p["b_1"] = 0.2 * rng.normal(size=d_ff)
    return p


def causal(i, j):
    return j <= i


# -- layer_norm ------------------------------------------------------------------------
def test_layer_norm_matches_per_token_loop_with_batch_axes():
    x = RNG.normal(size=(2, 3, 7)) * 4 + 1
    gain, bias = RNG.normal(size=7), RNG.normal(size=7)
    got = layer_norm(x, gain, bias)
    for b in range(2):
        for i in range(3):
            assert np.allclose(got[b, i], loop_layer_norm(x[b, i], gain, bias), atol=1e-12)


def test_layer_norm_gives_mean_zero_variance_one_and_ignores_scale_and_shift():
    x = RNG.normal(size=(5, 16)) * 3
    ones, zeros = np.ones(16), np.zeros(16)
    out = layer_norm(x, ones, zeros, eps=0.0)
    assert np.allclose(out.mean(axis=-1), 0, atol=1e-12)
    assert np.allclose(out.var(axis=-1), 1, atol=1e-12)  # biased variance, as PyTorch
    assert np.allclose(layer_norm(10 * x - 3, ones, zeros, eps=0.0), out, atol=1e-12)


def test_layer_norm_of_a_constant_vector_is_its_bias():
    bias = np.arange(4.0)
    assert np.allclose(layer_norm(np.full(4, 2.5), np.ones(4), bias), bias)


# -- gelu -------------------------------------------------------------------------------
def test_gelu_known_values():
    assert abs(gelu(1.0) - 0.8413447460685429) < 1e-12
    assert abs(gelu(-1.0) - (-0.15865525393145707)) < 1e-12
    assert gelu(0.0) == 0.0


def test_gelu_symmetry_and_shape():
    x = np.linspace(-6, 6, 121).reshape(11, 11)
    out = gelu(x)
    assert out.shape == x.shape
    assert np.allclose(out - gelu(-x), x, atol=1e-12)  # Φ(x) + Φ(-x) = 1


@pytest.mark.parametrize("v", [-3.0, -0.7, 0.25, 1.5, 4.0])
def test_gelu_equals_x_times_the_normal_cdf_by_integration(v):
    assert abs(gelu(v) - v * normal_cdf_by_simpson(v)) < 1e-12


# -- the block --------------------------------------------------------------------------
@pytest.mark.parametrize(("mask", "allowed"), [(None, lambda i, j: True), ("causal", causal)])
def test_transformer_block_matches_the_loop(mask, allowed):
    n, d, d_ff, heads = 5, 8, 12, 2
    x = RNG.normal(size=(n, d)) * 2
    p = random_params(d, d_ff, seed=3)
    m = np.tril(np.ones((n, n), dtype=bool)) if mask else None
    got = transformer_block(x, p, heads, m)
    assert got.shape == (n, d)
    assert np.allclose(got, loop_block(x, p, heads, allowed), atol=1e-10)


def test_transformer_block_with_batch_axes_and_a_causal_mask():
    n, d, heads = 4, 12, 3
    x = RNG.normal(size=(2, 3, n, d))
    p = random_params(d, 20, seed=5)
    got = transformer_block(x, p, heads, np.tril(np.ones((n, n), dtype=bool)))
    assert got.shape == x.shape
    for a in range(2):
        for b in range(3):
            assert np.allclose(got[a, b], loop_block(x[a, b], p, heads, causal), atol=1e-10)


def test_post_ln_block_matches_the_loop():
    x = RNG.normal(size=(6, 8))
    p = random_params(8, 16, seed=7)
    m = np.tril(np.ones((6, 6), dtype=bool))
    assert np.allclose(post_ln_block(x, p, 4, m), loop_block(x, p, 4, causal, True), atol=1e-10)


def test_mlp_works_on_each_token_alone():
    p = random_params(6, 10, seed=9)
    x = RNG.normal(size=(5, 6))
    out = mlp(x, p["w_1"], p["b_1"], p["w_2"], p["b_2"])
    for i in range(5):
        assert np.allclose(out[i], loop_mlp_row(x[i], p), atol=1e-12)
    changed = x.copy()
    changed[2] += 1.0
    moved = np.abs(mlp(changed, p["w_1"], p["b_1"], p["w_2"], p["b_2"]) - out).max(axis=-1)
    assert moved[2] > 0 and np.all(np.delete(moved, 2) == 0)


def test_stack_blocks_is_the_blocks_one_after_another():
    x = RNG.normal(size=(2, 4, 8))
    blocks = [init_block_params(8, seed=s) for s in range(3)]
    m = np.tril(np.ones((4, 4), dtype=bool))
    expected = x
    for p in blocks:
        expected = transformer_block(expected, p, 2, m)
    assert np.array_equal(stack_blocks(x, blocks, 2, m), expected)
    assert np.array_equal(stack_blocks(x, [], 2, m), x)
    post = stack_blocks(x, blocks, 2, m, block=post_ln_block)
    assert np.allclose(np.linalg.norm(post, axis=-1), np.sqrt(8), rtol=1e-4)


def test_a_block_whose_sublayers_add_nothing_is_the_identity():
    p = init_block_params(8, seed=1)
    p["w_o"] = np.zeros((8, 8))
    p["w_2"] = np.zeros((32, 8))
    x = RNG.normal(size=(3, 8))
    assert np.array_equal(transformer_block(x, p, 2), x)


def test_init_block_params_shapes_and_scales():
    p = init_block_params(16, 48, seed=0)
    assert check_block_params(p) == (16, 48)
    assert set(p) == set(PARAM_SHAPES)
    assert init_block_params(16)["w_1"].shape == (16, 64)  # d_ff defaults to 4 d
    assert abs(p["w_1"].std() - 1 / 4) < 0.03 and abs(p["w_2"].std() - 1 / np.sqrt(48)) < 0.03
    assert np.array_equal(
        init_block_params(16, seed=2)["w_q"], init_block_params(16, seed=2)["w_q"]
    )


# -- validation -------------------------------------------------------------------------
def test_missing_key_is_named_with_its_shape():
    p = init_block_params(8)
    del p["b_1"]
    with pytest.raises(KeyError, match=r"'b_1' of shape \(d_ff,\)"):
        transformer_block(np.zeros((3, 8)), p, 2)


@pytest.mark.parametrize(
    ("key", "bad", "expected"),
    [
        ("w_1", np.zeros((32, 8)), r"'w_1' must have shape \(d, d_ff\)"),
        ("w_q", np.zeros((8, 4)), r"'w_q' must have shape \(d, d\) = \(8, 8\)"),
        ("ln2_gain", np.ones(7), r"'ln2_gain' must have shape \(d,\) = \(8,\)"),
        ("b_2", np.zeros((1, 8)), r"'b_2' must have shape \(d,\) = \(8,\)"),
    ],
)
def test_wrong_shape_names_the_key_and_the_shape(key, bad, expected):
    p = init_block_params(8)
    p[key] = bad
    with pytest.raises(ValueError, match=expected):
        transformer_block(np.zeros((3, 8)), p, 2)


def test_unknown_key_suggests_the_nearest():
    p = init_block_params(8)
    p["w1"] = p.pop("w_1")
    with pytest.raises(ValueError, match=r"unknown key 'w1'; did you mean 'w_1'"):
        transformer_block(np.zeros((3, 8)), p, 2)


def test_bad_input_and_heads_are_refused():
    p = init_block_params(8)
    with pytest.raises(ValueError, match="'ln1_gain' must have shape"):
        transformer_block(np.zeros((3, 6)), p, 2)  # x of width 6, params of width 8
    with pytest.raises(ValueError, match="n_heads must be a positive divisor of d_model=8"):
        transformer_block(np.zeros((3, 8)), p, 3)
    with pytest.raises(ValueError, match=r"x must be \(n, d_model\)"):
        transformer_block(np.zeros(8), p, 2)
    with pytest.raises(TypeError, match="dict"):
        transformer_block(np.zeros((3, 8)), list(p.values()), 2)
