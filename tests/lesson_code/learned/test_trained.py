"""The model trained in the build grew the two heads lesson 20 shows: measured, not assumed.

On random tokens written twice (sequences it never saw), the best previous-token head must
put most of a query's weight on the previous position and the best induction head most on
the token after the earlier occurrence, both far above uniform attention; removing the
previous-token head, or the induction heads, must break the copying. If training stops
producing them (a change to the data, the model or the settings), these fail.
"""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.learned import (
    best_head,
    copying_accuracy,
    head_scores,
    repeated_sequences,
    trained_model,
    uniform_weight,
)


@pytest.fixture(scope="module")
def measured():
    model = trained_model()
    ids = repeated_sequences(np.random.default_rng(2026), 64, 16, model.vocab_size)
    previous, induction = head_scores(model, ids)
    return model, ids, previous, induction


def test_a_previous_token_head_formed_in_the_first_layer(measured):
    model, ids, previous, _ = measured
    layer, head = best_head(previous)
    assert layer == 0
    assert previous[layer, head] > 0.9 > 10 * uniform_weight(ids)


def test_an_induction_head_formed_in_the_second_layer(measured):
    model, ids, _, induction = measured
    layer, head = best_head(induction)
    assert layer == 1
    assert induction[layer, head] > 0.5 > 10 * uniform_weight(ids)


def test_copying_needs_the_previous_token_head_and_the_induction_heads(measured):
    model, ids, previous, induction = measured
    whole = copying_accuracy(model, ids)
    assert whole > 0.7
    without_previous = copying_accuracy(model, ids, [best_head(previous)])
    inductive = [(1, h) for h in range(model.n_heads) if induction[1, h] > 0.3]
    without_induction = copying_accuracy(model, ids, inductive)
    chance = 1 / model.vocab_size
    assert without_previous < 0.3
    assert without_induction < 3 * chance
