"""lesson_code.topics.residual_stream: the toggled block, nudges, skip-path gains, the chain."""

from __future__ import annotations

import math

import numpy as np

from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.block import init_block_params, layer_norm, post_ln_block, transformer_block
from lesson_code.topics.residual_stream import (
    CHAIN_FACTS,
    CHAIN_QUESTION,
    chain_weights,
    nudge_effects,
    random_stack,
    run_chain,
    sentence_example,
    skip_path_gains,
    toggled_block,
    two_hop_chain,
    widget_data,
)


def test_toggled_block_with_every_part_on_is_the_block_and_a_sum():
    ex = sentence_example()
    attn, added, out = toggled_block(ex.x, ex.params, ex.n_heads, ex.mask)
    assert np.allclose(out, transformer_block(ex.x, ex.params, ex.n_heads, ex.mask), atol=1e-12)
    assert np.array_equal(out, ex.x + attn + added)


def test_toggled_block_parts_off():
    ex = sentence_example()
    attn, added, out = toggled_block(ex.x, ex.params, 2, ex.mask, attention=False, mlp_on=False)
    assert np.array_equal(out, ex.x) and not attn.any() and not added.any()
    # LayerNorm off with gain 1 and bias 0 on an already normalised input changes nothing.
    normed = layer_norm(ex.x, np.ones(8), np.zeros(8), eps=0.0)
    a_on = toggled_block(normed, ex.params, 2, ex.mask, mlp_on=False)[0]
    a_off = toggled_block(normed, ex.params, 2, ex.mask, mlp_on=False, norm=False)[0]
    assert np.allclose(a_on, a_off, atol=1e-4)


def test_nudge_effects_against_a_direct_loop():
    ex = sentence_example()

    def f(z):
        return transformer_block(z, ex.params, 2, ex.mask)

    got = nudge_effects(f, ex.x, seed=4)
    direction = np.random.default_rng(4).normal(size=8)
    direction /= np.linalg.norm(direction)
    for i in range(5):
        for j in range(5):
            nudged = ex.x.copy()
            nudged[j] = nudged[j] + direction
            assert np.isclose(got[i, j], np.linalg.norm(f(nudged)[i] - f(ex.x)[i]), atol=1e-12)
    assert np.all(got[np.triu_indices(5, k=1)] == 0) and np.all(got[np.tril_indices(5)] > 0)


def test_widget_data_covers_every_combination():
    data = widget_data()
    ex = sentence_example()
    assert data["tokens"] == list(ex.tokens) and len(data["combos"]) == 8
    for k, combo in enumerate(data["combos"]):
        on = {"attention": bool(k & 4), "mlp_on": bool(k & 2), "norm": bool(k & 1)}
        assert (combo["attention"], combo["mlp"], combo["norm"]) == tuple(on.values())
        attn, added, _ = toggled_block(ex.x, ex.params, 2, ex.mask, **on)
        assert np.array_equal(combo["attn"], attn) and np.array_equal(combo["mlp_added"], added)
        off_diagonal = combo["nudge"][~np.eye(5, dtype=bool)]
        assert np.all(off_diagonal == 0) == (not on["attention"])


def test_skip_path_gains_against_a_step_by_step_product():
    blocks, x = random_stack(6, d_model=8, n_tokens=4, seed=1)
    mask = causal_mask(4)
    pre, post = skip_path_gains(x, blocks, 2, mask)
    top = x
    for p in blocks:
        top = transformer_block(top, p, 2, mask)
    assert np.allclose(pre, 1 / np.sqrt(top.var(axis=-1) + 1e-5)[None, :])
    # post-LN: each norm's 1/spread, multiplied from layer l to the top, token by token
    spreads, y = [], x
    ones, zeros = np.ones(8), np.zeros(8)
    erf = np.vectorize(math.erf)
    for p in blocks:
        a, _ = multi_head_attention(y, p["w_q"], p["w_k"], p["w_v"], p["w_o"], 2, mask)
        first = y + a
        h = layer_norm(first, ones, zeros)
        hidden = h @ p["w_1"]
        gelu = 0.5 * hidden * (1 + erf(hidden / math.sqrt(2)))  # biases are 0 at init
        second = h + gelu @ p["w_2"]
        y = layer_norm(second, ones, zeros)
        assert np.allclose(y, post_ln_block(first - a, p, 2, mask))
        spreads.append(np.sqrt(first.var(-1) + 1e-5) * np.sqrt(second.var(-1) + 1e-5))
    for layer in range(6):
        assert np.allclose(post[layer], np.prod(1 / np.array(spreads[layer:]), axis=0))
    assert np.all(post[0] < post[-1])


def test_the_chain_needs_two_layers():
    chain = two_hop_chain()
    assert chain.tokens[-1] == f"{CHAIN_QUESTION} ?" and len(chain.tokens) == len(CHAIN_FACTS) + 1
    one, two = run_chain(chain, 1), run_chain(chain, 2)
    assert chain.answer(one, "hop1") == "box"
    hop2 = chain.slot(one, "hop2")
    assert np.sort(hop2)[-1] - np.sort(hop2)[-2] < 1e-9, "after one layer hop2 has no winner"
    assert chain.answer(two) == "bag"
    w1, w2 = chain_weights(chain, 1), chain_weights(chain, 2)
    right = chain.tokens.index("box in bag")
    assert w1[0, chain.tokens.index("key in box")] > 0.99
    assert w1[1, right] < 0.25 < 0.95 < w2[1, right]


def test_random_stack_is_reproducible():
    a, xa = random_stack(3, seed=2)
    b, xb = random_stack(3, seed=2)
    assert np.array_equal(xa, xb) and all(
        np.array_equal(p["w_q"], q["w_q"]) for p, q in zip(a, b, strict=True)
    )
    assert np.array_equal(a[1]["w_1"], init_block_params(16, seed=2001)["w_1"])
