"""lesson_code.topics.capstone: the two-block causal stack does what lesson 26 says.

Each claim of the lesson (and of its quiz) is checked against a computation that does not
go through the module's own helpers: blocks written out with plain loops, changes
measured by perturbing tokens, parameters counted from the arrays themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.attention import causal_mask, sinusoidal_positions
from lesson_code.block import layer_norm, stack_blocks, transformer_block
from lesson_code.topics import capstone
from lesson_code.topics.capstone import (
    D_FF,
    D_MODEL,
    N_HEADS,
    TOKENS,
    block_input,
    changed_entries,
    changed_rows,
    embed,
    parameter_count,
    replace,
    run_stack,
    stack_params,
    trace_block,
    trace_stack,
)


def loop_block(x, p, n_heads, allowed):
    """A pre-LN block with explicit loops over heads, queries and keys (no library MHA).

    allowed(i, j) says whether query i may attend to key j.
    """
    n, d = x.shape
    d_head = d // n_heads

    def norm(v, gain, bias):
        mean = sum(v) / len(v)
        var = sum((a - mean) ** 2 for a in v) / len(v)
        return np.array([(a - mean) / math.sqrt(var + 1e-5) for a in v]) * gain + bias

    ln1 = np.array([norm(row, p["ln1_gain"], p["ln1_bias"]) for row in x])
    q, k, v = ln1 @ p["w_q"], ln1 @ p["w_k"], ln1 @ p["w_v"]
    concat = np.zeros((n, d))
    for head in range(n_heads):
        cols = slice(head * d_head, (head + 1) * d_head)
        for i in range(n):
            visible = [j for j in range(n) if allowed(i, j)]
            scores = [q[i, cols] @ k[j, cols] / math.sqrt(d_head) for j in visible]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            for j, e in zip(visible, exps, strict=True):
                concat[i, cols] += e / sum(exps) * v[j, cols]
    h = x + concat @ p["w_o"]
    out = np.zeros_like(h)
    for i in range(n):
        z = norm(h[i], p["ln2_gain"], p["ln2_bias"]) @ p["w_1"] + p["b_1"]
        hidden = np.array([0.5 * a * (1 + math.erf(a / math.sqrt(2))) for a in z])
        out[i] = h[i] + hidden @ p["w_2"] + p["b_2"]
    return out


def causal(i, j):
    return j <= i


def test_input_is_words_plus_positions():
    x = block_input(TOKENS)
    assert x.shape == (5, D_MODEL)
    assert np.allclose(x - embed(TOKENS), sinusoidal_positions(5, D_MODEL))
    # every position vector: four (sin, cos) pairs of length 1, so length 2
    assert np.allclose(np.linalg.norm(sinusoidal_positions(5, D_MODEL), axis=1), 2.0)


def test_stack_equals_an_independent_loop_implementation():
    x = block_input(TOKENS)
    expected = x
    for p in stack_params():
        expected = loop_block(expected, p, N_HEADS, causal)
    assert np.allclose(run_stack(TOKENS), expected, atol=1e-10)


def test_stack_equals_calling_transformer_block_twice():
    x, mask = block_input(TOKENS), causal_mask(5)
    b1, b2 = stack_params()
    twice = transformer_block(transformer_block(x, b1, N_HEADS, mask), b2, N_HEADS, mask)
    assert np.array_equal(run_stack(TOKENS), twice)
    assert np.array_equal(stack_blocks(x, [b1, b2], N_HEADS, mask), twice)
    swapped = stack_blocks(x, [b2, b1], N_HEADS, mask)
    assert not np.allclose(swapped, twice)  # the order of the blocks matters


def test_blocks_are_seeded_and_distinct():
    a, b = stack_params(), stack_params()
    for key in a[0]:
        assert np.array_equal(a[0][key], b[0][key])  # deterministic
    assert not np.allclose(a[0]["w_q"], a[1]["w_q"])  # two different blocks


def test_trace_matches_the_block_and_has_the_stated_shapes():
    t1, t2 = trace_stack()
    x, mask = block_input(TOKENS), causal_mask(5)
    b1, b2 = stack_params()
    assert np.allclose(t1["out"], transformer_block(x, b1, N_HEADS, mask))
    assert np.allclose(t2["out"], transformer_block(t1["out"], b2, N_HEADS, mask))
    d_head = D_MODEL // N_HEADS
    expected = {
        "ln1": (5, D_MODEL),
        "q": (N_HEADS, 5, d_head),
        "k": (N_HEADS, 5, d_head),
        "v": (N_HEADS, 5, d_head),
        "weights": (N_HEADS, 5, 5),
        "heads": (N_HEADS, 5, d_head),
        "attn_added": (5, D_MODEL),
        "h": (5, D_MODEL),
        "ln2": (5, D_MODEL),
        "hidden": (5, D_FF),
        "mlp_added": (5, D_MODEL),
        "out": (5, D_MODEL),
    }
    for t in (t1, t2):
        assert {name: t[name].shape for name in expected} == expected


def test_residual_stream_is_input_plus_four_additions():
    t1, t2 = trace_stack()
    total = block_input(TOKENS)
    for t in (t1, t2):
        total = total + t["attn_added"] + t["mlp_added"]
    assert np.allclose(total, t2["out"])


def test_mask_fixes_row_0_and_zeroes_the_upper_triangle():
    for t in trace_stack():
        w = t["weights"]
        assert np.allclose(w.sum(axis=-1), 1.0)
        for i in range(5):
            for j in range(i + 1, 5):
                assert np.all(w[:, i, j] == 0.0)
        assert np.all(w[:, 0] == [1.0, 0.0, 0.0, 0.0, 0.0])


def test_row_0_attention_adds_its_own_value_through_w_o():
    t1, _ = trace_stack()
    p = stack_params()[0]
    x0 = block_input(TOKENS)[0]
    ln = (x0 - x0.mean()) / np.sqrt(x0.var() + 1e-5)  # gain 1, bias 0 at init
    assert np.allclose(t1["attn_added"][0], ln @ p["w_v"] @ p["w_o"])


def test_row_0_of_the_stack_depends_on_token_0_only():
    alone = run_stack(TOKENS[:1])
    assert np.allclose(alone[0], run_stack(TOKENS)[0])


@pytest.mark.parametrize("position", range(5))
def test_causal_invariance_by_perturbing_one_token(position):
    """Perturb token j's input by a random vector: rows before j stay bit for bit."""
    x, mask = block_input(TOKENS), causal_mask(5)
    blocks = stack_params()
    nudged = x.copy()
    nudged[position] += np.random.default_rng(position).normal(size=D_MODEL)
    for depth in (1, 2):
        before = stack_blocks(x, blocks[:depth], N_HEADS, mask)
        after = stack_blocks(nudged, blocks[:depth], N_HEADS, mask)
        assert np.array_equal(before[:position], after[:position])
        assert all(not np.allclose(before[i], after[i]) for i in range(position, 5))


def test_changed_rows_and_entries_agree_with_the_page_and_quiz():
    assert changed_rows(4, "cat") == [4]
    assert changed_rows(0, "cat") == [0, 1, 2, 3, 4]
    assert changed_entries(2, "cat") == 3 * D_MODEL
    assert changed_entries(1, "cat") == 0  # dog and cat share their word vector
    assert changed_rows(4, "cat", causal=False) == [0, 1, 2, 3, 4]


def test_replacing_dog_keeps_what_the_quiz_says():
    t1, t2 = trace_stack()
    u1, u2 = trace_stack(replace(TOKENS, 1, "ball"))
    assert np.array_equal(t2["out"][0], u2["out"][0])
    assert np.array_equal(t2["weights"][:, 0], u2["weights"][:, 0])
    assert not np.allclose(t1["weights"][:, 2], u1["weights"][:, 2])
    assert not np.allclose(t1["mlp_added"][1], u1["mlp_added"][1])
    assert not np.allclose(t2["out"][4], u2["out"][4])


def test_scaling_the_input_leaves_the_first_attention_addition():
    x, mask = block_input(TOKENS), causal_mask(5)
    p = stack_params()[0]
    small, big = trace_block(x, p, N_HEADS, mask), trace_block(10 * x, p, N_HEADS, mask)
    assert np.allclose(small["attn_added"], big["attn_added"], atol=1e-4)
    assert not np.allclose(small["mlp_added"], big["mlp_added"], atol=1e-2)


def test_zero_second_mlp_layer_leaves_the_stream_after_attention():
    b1, b2 = stack_params()
    b2 = {**b2, "w_2": np.zeros_like(b2["w_2"]), "b_2": np.zeros_like(b2["b_2"])}
    _, t2 = trace_stack(blocks=[b1, b2])
    assert np.array_equal(t2["out"], t2["h"])


def test_no_mask_gives_row_0_five_nonzero_weights():
    for t in trace_stack(causal=False):
        assert np.all(t["weights"][:, 0] > 0)


def test_sliding_window_reach_grows_with_depth():
    """The free-response answer: window of 2 (self and previous), change token 1."""
    x = block_input(TOKENS)
    window = np.array([[0 <= i - j <= 1 for j in range(5)] for i in range(5)])
    nudged = x.copy()
    nudged[1] += 1.0
    blocks = stack_params()
    reach = []
    for depth in (1, 2):
        a = stack_blocks(x, blocks[:depth], N_HEADS, window)
        b = stack_blocks(nudged, blocks[:depth], N_HEADS, window)
        reach.append([i for i in range(5) if not np.array_equal(a[i], b[i])])
    assert reach == [[1, 2], [1, 2, 3]]
    # the loop implementation agrees on what the window mask computes
    expected = loop_block(x, blocks[0], N_HEADS, lambda i, j: 0 <= i - j <= 1)
    assert np.allclose(stack_blocks(x, blocks[:1], N_HEADS, window), expected, atol=1e-10)


def test_parameter_count_from_the_arrays():
    counted = sum(np.size(a) for p in stack_params() for a in p.values())
    assert parameter_count() == counted
    assert parameter_count(8, 32, 2) == counted
    assert parameter_count(8, 32, 1) * 2 == counted


def test_layer_norm_in_the_trace_is_the_library_one():
    t1, _ = trace_stack()
    p = stack_params()[0]
    assert np.allclose(t1["ln1"], layer_norm(block_input(TOKENS), p["ln1_gain"], p["ln1_bias"]))


def test_bad_input_is_a_clear_error():
    with pytest.raises(KeyError):
        embed(("the", "unicorn"))
    with pytest.raises(ValueError, match="position"):
        replace(TOKENS, 5, "cat")
    with pytest.raises(ValueError, match="unknown word"):
        replace(TOKENS, 0, "unicorn")
    assert capstone.N_BLOCKS == 2
