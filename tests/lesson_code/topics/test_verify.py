"""lesson_code.topics.verify: lesson 27's recomputed claims and its three faulty layers."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import init_projections, scaled_dot_product_attention
from lesson_code.topics.verify import (
    contributions,
    diagnose,
    implied_third_weight,
    mean_top_weight,
    mystery_example,
    mystery_layer_a,
    mystery_layer_b,
    mystery_layer_c,
    reference_layer,
    score_spread,
    sink_example,
)
from lesson_code.topics.worked_examples import published_weights


def test_published_weights_match_the_corrected_facts():
    assert np.allclose(published_weights(d_k=None), [0.991, 0.006, 0.003], atol=5e-4)
    assert np.allclose(published_weights(d_k=8), [0.773, 0.127, 0.0995], atol=5e-4)
    rest = published_weights(d_k=8, n_other=10)
    assert rest.shape == (13,) and rest.sum() == pytest.approx(1.0)
    assert rest[0] == pytest.approx(0.54, abs=0.01)
    assert np.allclose(rest[3:], rest[3])  # the ten zero scores share equally


def test_quoted_weights_are_inconsistent():
    w3, temperature = implied_third_weight(0.79, 0.13, 8.2, 3.1, 2.4)
    assert temperature == pytest.approx(np.sqrt(8), abs=0.01)
    assert 0.79 + 0.13 + w3 > 1


def test_implied_weight_recovers_a_real_softmax():
    w = published_weights(d_k=5)
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


# Part 2: each mystery layer has the symptom lesson 27 describes, and the diagnosis rule
# names the right role (including faults the lesson does not show).
INPUTS = mystery_example()


def test_reference_is_lesson_code():
    x, w_q, w_k, w_v = INPUTS
    out, w = reference_layer(x, w_q, w_k, w_v)
    same_out, same_w = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)
    assert np.array_equal(out, same_out) and np.array_equal(w, same_w)


def test_layer_a_gives_every_query_the_same_row():
    _, w = mystery_layer_a(*INPUTS)
    _, w_ref = reference_layer(*INPUTS)
    assert np.allclose(w, w[0]) and not np.allclose(w_ref, w_ref[0])


def test_layer_b_starves_the_last_key():
    _, w = mystery_layer_b(*INPUTS)
    _, w_ref = reference_layer(*INPUTS)
    assert w[:, -1].max() < 0.02 < w_ref[:, -1].min()
    assert np.allclose(w.sum(axis=1), 1.0)


def test_layer_c_has_right_weights_and_wrong_output():
    out, w = mystery_layer_c(*INPUTS)
    out_ref, w_ref = reference_layer(*INPUTS)
    assert np.allclose(w, w_ref) and not np.allclose(out, out_ref)


@pytest.mark.parametrize(
    ("layer", "part", "where"),
    [
        (mystery_layer_a, "queries", (0, 1, 2, 3, 4)),
        (mystery_layer_b, "keys", (4,)),
        (mystery_layer_c, "values", ()),
        (reference_layer, "none", ()),
    ],
)
def test_diagnose_names_the_faulty_role(layer, part, where):
    result = diagnose(layer, *INPUTS)
    assert (result.part, result.where) == (part, where)


def one_bad_query(x, w_q, w_k, w_v):
    q = x @ w_q
    q[2] = 0.0  # only token 2's query is broken
    return scaled_dot_product_attention(q, x @ w_k, x @ w_v)


def one_bad_key(x, w_q, w_k, w_v):
    k = x @ w_k
    k[1] *= 3.0  # token 1's key is too long
    return scaled_dot_product_attention(x @ w_q, k, x @ w_v)


def test_diagnose_locates_a_single_query_or_key_on_random_inputs():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 8))
    w_q, w_k, w_v, _ = init_projections(8, seed=5)
    assert diagnose(one_bad_query, x, w_q, w_k, w_v)[:2] == ("queries", (2,))
    assert diagnose(one_bad_key, x, w_q, w_k, w_v)[:2] == ("keys", (1,))
    assert diagnose(mystery_layer_c, x, w_q, w_k, w_v).part == "values"


def test_diagnose_gives_up_on_a_fault_of_no_single_role():
    def everything_wrong(x, w_q, w_k, w_v):
        return scaled_dot_product_attention(x @ w_k, x @ w_q, x @ w_v)  # q and k swapped

    rng = np.random.default_rng(6)
    x = rng.normal(size=(5, 4))
    w_q, w_k, w_v, _ = init_projections(4, seed=6)
    assert diagnose(everything_wrong, x, w_q, w_k, w_v).part == "unclear"
