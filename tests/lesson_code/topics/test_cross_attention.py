"""The hand-built English -> French pair of lesson 11 and cross-attention shapes."""

import numpy as np
import pytest

from lesson_code.attention import init_projections, multi_head_attention, softmax
from lesson_code.topics.cross_attention import (
    SOURCE_TOKENS,
    TARGET_TOKENS,
    alignment,
    cross_attention,
    cross_attention_row,
    source_vectors,
    target_vectors,
    weight,
)


def test_cross_attention_weights_are_target_by_source():
    out, weights = cross_attention()
    assert weights.shape == (len(TARGET_TOKENS), len(SOURCE_TOKENS)) == (6, 5)
    assert out.shape == (6, source_vectors().shape[1])
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)


def test_alignment_follows_the_translation_including_the_swap():
    assert alignment() == {
        "le": "the",
        "chat": "cat",
        "noir": "black",
        "boit": "drinks",
        "du": "milk",
        "lait": "milk",
    }
    # "black cat" -> "chat noir": the aligned source positions cross over.
    assert SOURCE_TOKENS.index(alignment()["chat"]) > SOURCE_TOKENS.index(alignment()["noir"])


def test_columns_are_not_normalised():
    _, weights = cross_attention()
    milk = weights[:, SOURCE_TOKENS.index("milk")].sum()
    assert milk > 1.2, "two French words draw on 'milk'"


def test_weight_reads_one_cell():
    _, weights = cross_attention()
    assert weight("noir", "black") == pytest.approx(weights[2, 1])


def test_sharpness_makes_weights_more_decisive():
    _, soft = cross_attention(target=target_vectors(sharpness=1.0))
    _, sharp = cross_attention(target=target_vectors(sharpness=10.0))
    assert np.all(sharp.max(axis=1) > soft.max(axis=1))


def test_multi_head_cross_attention_shapes_follow_target_and_source():
    params = init_projections(6, seed=3)
    target = target_vectors()
    for n_source in (1, 3, 5):
        out, w = multi_head_attention(
            target, *params, n_heads=3, context=source_vectors()[:n_source]
        )
        assert w.shape == (3, 6, n_source)
        assert out.shape == (6, 6)


def test_cross_attention_row_matches_softmax_by_hand():
    row = cross_attention_row([1.0, 2.0], [[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    np.testing.assert_allclose(row, softmax(np.array([2.0, 4.0, 3.0]) / np.sqrt(2)))
    assert row.argmax() == 1


def test_cross_attention_row_rejects_mismatched_keys():
    with pytest.raises(AssertionError, match="keys must be"):
        cross_attention_row([1.0, 2.0], [[1.0, 0.0, 0.0]])
