"""lesson_code.topics.capstone: the hand-built two-head causal block does what lesson 26 says."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.topics import capstone
from lesson_code.topics.capstone import TOKENS, block_input, block_weights, embed, run_block, trace


def test_shapes():
    output, weights = run_block()
    assert output.shape == (5, capstone.D_MODEL)
    assert weights.shape == (capstone.N_HEADS, 5, 5)
    assert all(w.shape == (8, 8) for w in block_weights())


def test_rows_sum_to_one_and_mask_is_exact():
    _, weights = run_block()
    assert np.allclose(weights.sum(axis=-1), 1.0)
    blocked = ~causal_mask(5)
    assert np.all(weights[:, blocked] == 0.0)
    assert np.array_equal(weights[:, 0], [[1, 0, 0, 0, 0]] * 2)


def test_head_1_attends_to_the_previous_token():
    _, weights = run_block()
    for i in range(1, 5):
        assert weights[0, i].argmax() == i - 1
        assert weights[0, i, i - 1] > 0.8


def test_head_2_finds_the_animate_word():
    _, weights = run_block()
    for i in range(1, 5):
        assert TOKENS[weights[1, i].argmax()] == "dog"
        assert weights[1, i, 1] > 0.9


def test_trace_equals_multi_head_attention():
    steps = trace()
    output, weights = run_block()
    assert np.allclose(steps["output"], output)
    assert np.allclose(steps["weights"], weights)
    assert steps["q"].shape == steps["k"].shape == steps["v"].shape == (2, 5, 4)


def test_causal_block_ignores_later_tokens():
    output, _ = run_block()
    changed, _ = run_block(TOKENS[:-1] + ("cat",))
    assert np.allclose(output[:-1], changed[:-1])
    assert not np.allclose(output[-1], changed[-1])


def test_positions_tell_the_two_thes_apart():
    e = embed(TOKENS)
    assert np.array_equal(e[0], e[3])  # same word, same word vector
    x = block_input(TOKENS)
    assert not np.allclose(x[0], x[3])  # different positions
    _, weights = run_block()
    assert weights[0, 3].argmax() == 2 and weights[0, 0].argmax() == 0


def test_without_positions_head_1_is_uniform():
    w_q, w_k, w_v, w_o = block_weights()
    _, weights = multi_head_attention(embed(TOKENS), w_q, w_k, w_v, w_o, 2, mask=causal_mask(5))
    for i in range(5):
        assert np.allclose(weights[0, i, : i + 1], 1 / (i + 1))


def test_output_carries_word_features():
    output, _ = run_block()
    assert np.allclose(output[0], 0.0)
    assert output[4, 4] == pytest.approx(1.0, abs=0.1)  # dog is a noun ...
    assert output[4, 5] == pytest.approx(1.0, abs=0.1)  # ... and animate
    assert output[2, 0] == pytest.approx(1.0, abs=0.2)  # chased follows dog


def test_scalar_helpers_match_run_block():
    output, weights = run_block()
    assert capstone.weight(0, 4, 3) == pytest.approx(weights[0, 4, 3])
    assert capstone.output_value(4, 4) == pytest.approx(output[4, 4])


def test_unknown_word_is_a_clear_error():
    with pytest.raises(KeyError):
        embed(("the", "unicorn"))
