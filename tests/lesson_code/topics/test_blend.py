"""lesson_code.topics.blend: the loop, the four steps and the convexity check behind lesson 8."""

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics import running_example as sentence
from lesson_code.topics.blend import (
    attention_four_steps,
    blend_loop,
    blend_one,
    is_convex_combination,
    sentence_output,
)


def random_weights(rng, n_q, n_k):
    return softmax(rng.normal(size=(n_q, n_k)) * 2, axis=-1)


@pytest.mark.parametrize("n_q,n_k,d_v", [(1, 1, 1), (3, 5, 2), (7, 4, 6)])
def test_loop_equals_matrix_product(n_q, n_k, d_v):
    rng = np.random.default_rng(n_q * 100 + n_k * 10 + d_v)
    w = random_weights(rng, n_q, n_k)
    v = rng.normal(size=(n_k, d_v))
    out = blend_loop(w, v)
    assert out.shape == (n_q, d_v)
    np.testing.assert_allclose(out, w @ v, atol=1e-12)


def test_blend_one_hand_computed():
    np.testing.assert_allclose(
        blend_one([0.2, 0.5, 0.3], [[1.0, 0.0], [0.0, 2.0], [4.0, 4.0]]), [1.4, 2.2]
    )


def test_one_hot_weights_copy_a_value_row():
    v = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(blend_one([0, 0, 1, 0], v), v[2])


def test_loop_rejects_mismatched_values():
    with pytest.raises(AssertionError, match="3 values"):
        blend_loop([[0.5, 0.5]], [[1.0], [2.0], [3.0]])


def test_four_steps_equal_scaled_dot_product_attention_on_random_inputs():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(6, 5))
    w_q, w_k, w_v = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    out, weights = attention_four_steps(x, w_q, w_k, w_v)
    ref_out, ref_w = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)
    assert out.shape == (6, 2) and weights.shape == (6, 6)
    np.testing.assert_allclose(out, ref_out)
    np.testing.assert_allclose(weights, ref_w)


def test_outputs_stay_inside_the_range_of_each_value_column():
    rng = np.random.default_rng(3)
    w = random_weights(rng, 20, 6)
    v = rng.normal(size=(6, 4)) * 5
    out = w @ v
    assert is_convex_combination(w, v, out)
    assert np.all(out >= v.min(axis=0) - 1e-12) and np.all(out <= v.max(axis=0) + 1e-12)


def test_convexity_check_rejects_unnormalised_or_negative_weights():
    v = np.eye(3)
    scores = np.array([[2.0, 1.0, 0.5]])
    assert not is_convex_combination(scores, v, scores @ v)  # rows do not sum to 1
    signed = np.array([[1.5, -0.5, 0.0]])  # sums to 1 but has a negative weight
    assert not is_convex_combination(signed, v, signed @ v)
    w = softmax(scores)
    assert not is_convex_combination(w, v, w @ v + 0.1)  # output is not w @ v


def test_sentence_output_matches_course_sentence():
    q, k, v = sentence.qkv()
    ref, _ = scaled_dot_product_attention(q, k, v)
    for i, token in enumerate(sentence.TOKENS):
        np.testing.assert_allclose(sentence_output(token), ref[i])
    # "ate" takes the cat's animacy and the fish's edibility (lesson 8's example).
    ate = sentence_output("ate")
    assert ate[sentence.VALUE_DIMS.index("animate")] > 0.5
    assert ate[sentence.VALUE_DIMS.index("edible")] > 0.4
