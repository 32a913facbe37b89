"""lesson_code.topics.worked_examples: hand-built sentences and published numbers (lesson 10)."""

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics.worked_examples import (
    EXAMPLES,
    PUBLISHED_D_K,
    example,
    example_output,
    example_scores,
    example_weights,
    published_weights,
    weight_of,
)


def test_published_numbers_from_the_curriculum():
    np.testing.assert_allclose(published_weights(d_k=None), [0.991, 0.006, 0.003], atol=5e-4)
    np.testing.assert_allclose(published_weights(d_k=8), [0.773, 0.127, 0.0995], atol=5e-4)
    assert PUBLISHED_D_K == 8
    in_sentence = published_weights(8, 10)
    assert in_sentence.shape == (13,)
    assert in_sentence[0] == pytest.approx(0.542, abs=1e-3)
    assert in_sentence.sum() == pytest.approx(1.0)


def test_quoted_claim_is_impossible_with_these_scores():
    # However low the other tokens score, trophy never reaches 0.79 and small keeps ~0.10.
    for n_other in (0, 1, 10, 100):
        w = published_weights(8, n_other)
        assert w[0] < 0.79
        assert w[0] <= published_weights(8, 0)[0] + 1e-12
    assert published_weights(d_k=8)[2] == pytest.approx(0.10, abs=0.005)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_matches_scaled_dot_product_attention(name):
    ex = example(name)
    out, w = scaled_dot_product_attention(ex.query[None, :], ex.keys, ex.values)
    np.testing.assert_allclose(example_weights(name), w[0])
    np.testing.assert_allclose(example_output(name), out[0])
    np.testing.assert_allclose(example_scores(name, scale=False), ex.keys @ ex.query)
    assert example_weights(name).sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "name,winner",
    [
        ("cat_sat", "cat"),
        ("trophy_small", "suitcase"),
        ("trophy_big", "trophy"),
        ("bank_river", "river"),
        ("bank_money", "cash"),
    ],
)
def test_the_right_token_wins(name, winner):
    ex = example(name)
    assert ex.tokens[int(np.argmax(ex.weights()))] == winner


def test_trophy_pair_differs_only_in_the_adjective_and_swaps_the_winner():
    small, big = example("trophy_small"), example("trophy_big")
    assert small.tokens[:-1] == big.tokens[:-1] and len(small.tokens) == 13
    assert (small.tokens[-1], big.tokens[-1]) == ("small", "big")
    assert small.query_token == big.query_token == "it"
    assert weight_of("trophy_small", "suitcase") == pytest.approx(weight_of("trophy_big", "trophy"))


def test_bank_query_is_shared_and_the_output_sense_follows_the_context():
    river, money = example("bank_river"), example("bank_money")
    np.testing.assert_array_equal(river.query, money.query)
    water, cash = river.value_features.index("water"), river.value_features.index("money")
    assert river.output()[water] > 0.3 and river.output()[cash] == 0
    assert money.output()[cash] > 0.3 and money.output()[water] == 0


def test_weight_of_sums_repeated_tokens():
    ex = example("bank_river")
    w = ex.weights()
    the = [i for i, t in enumerate(ex.tokens) if t == "the"]
    assert len(the) == 2
    assert weight_of("bank_river", "the") == pytest.approx(w[the].sum())


def test_cat_sat_by_hand():
    # Scores 0, 4, 1, divided by sqrt(4) = 2.
    np.testing.assert_allclose(example_weights("cat_sat"), softmax([0.0, 2.0, 0.5]))


def test_unknown_names_are_reported():
    with pytest.raises(AssertionError, match="unknown example"):
        example("dog_ran")
    with pytest.raises(AssertionError, match="not in"):
        weight_of("cat_sat", "dog")
