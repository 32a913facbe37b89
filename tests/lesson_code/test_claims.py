"""lesson_code.claims: the recomputed numbers lesson 19 states about popular explanations."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention
from lesson_code.claims import (
    contributions,
    implied_third_weight,
    mean_top_weight,
    pronoun_weights,
    score_spread,
    sink_example,
)


def test_pronoun_weights_match_the_corrected_facts():
    assert np.allclose(pronoun_weights(), [0.991, 0.006, 0.003], atol=5e-4)
    assert np.allclose(pronoun_weights(d_k=8), [0.773, 0.127, 0.0995], atol=5e-4)
    rest = pronoun_weights(d_k=8, n_zero=10)
    assert rest.shape == (13,) and rest.sum() == pytest.approx(1.0)
    assert rest[0] == pytest.approx(0.54, abs=0.01)
    assert np.allclose(rest[3:], rest[3])  # the ten zero scores share equally


def test_quoted_weights_are_inconsistent():
    w3, temperature = implied_third_weight(0.79, 0.13, 8.2, 3.1, 2.4)
    assert temperature == pytest.approx(np.sqrt(8), abs=0.01)
    assert 0.79 + 0.13 + w3 > 1


def test_implied_weight_recovers_a_real_softmax():
    w = pronoun_weights(d_k=5)
    w3, temperature = implied_third_weight(w[0], w[1], 8.2, 3.1, 2.4)
    assert temperature == pytest.approx(np.sqrt(5))
    assert w3 == pytest.approx(w[2])


def test_sqrt_scaling_keeps_unit_spread_and_linear_shrinks_it():
    for d_k in (4, 64, 256):
        spread = score_spread(d_k, n_pairs=4000)
        assert spread["raw"] == pytest.approx(np.sqrt(d_k), rel=0.06)
        assert spread["sqrt"] == pytest.approx(1.0, rel=0.06)
        assert spread["linear"] == pytest.approx(1 / np.sqrt(d_k), rel=0.06)


def test_dividing_by_d_k_flattens_the_weights():
    assert mean_top_weight(512, "linear") < 0.12 < mean_top_weight(512, "sqrt")
    assert mean_top_weight(512, "none") > 0.9


def test_top_weight_is_not_top_contribution_in_the_sink_example():
    _, q, k, v = sink_example()
    out, w = scaled_dot_product_attention(q, k, v)
    share = contributions(w[0], v)
    assert w[0].argmax() == 0 and share.argmax() == 2
    # the output really is the sum of the contributed vectors
    assert np.allclose((w[0][:, None] * v).sum(axis=0), out[0])
