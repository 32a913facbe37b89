"""Tests for multi-head attention (lessons 14-16) and the toy models in lesson_code.topics.heads.

The reference implementation below shares no code with lesson_code: it loops over heads,
queries and keys with plain floats and math.exp, slices each head's columns straight
out of the weight matrices, and applies masks key by key.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.attention import causal_mask, init_projections, multi_head_attention
from lesson_code.topics.heads import (
    ablate_heads,
    ablation_effects,
    agreement_toy,
    head_contributions,
    head_outputs,
    one_head_tradeoff,
    param_count,
    relation_mass,
    relation_targets,
    score_entries,
    token_contribution_norms,
    two_relations,
    weights_on_token,
)


def mha_loop(x, w_q, w_k, w_v, w_o, n_heads, mask=None, context=None):
    """Multi-head attention with explicit loops. x: (n_q, d), context: (n_k, d).

    mask: None, (n_q, n_k) or (n_heads, n_q, n_k) booleans, True = may attend.
    A query with no allowed key gets a zero vector from that head.
    Returns (output (n_q, d), weights (n_heads, n_q, n_k)) as numpy arrays.
    """
    context = x if context is None else context
    n_q, d_model = len(x), len(x[0])
    n_k = len(context)
    d_head = d_model // n_heads
    concat = [[0.0] * d_model for _ in range(n_q)]
    weights = [[[0.0] * n_k for _ in range(n_q)] for _ in range(n_heads)]

    def project(row, w, col):
        return sum(row[r] * w[r][col] for r in range(d_model))

    for h in range(n_heads):
        cols = range(h * d_head, (h + 1) * d_head)
        q = [[project(x[i], w_q, c) for c in cols] for i in range(n_q)]
        k = [[project(context[j], w_k, c) for c in cols] for j in range(n_k)]
        v = [[project(context[j], w_v, c) for c in cols] for j in range(n_k)]
        for i in range(n_q):
            allowed = []
            for j in range(n_k):
                if mask is None:
                    ok = True
                elif np.ndim(mask) == 2:
                    ok = bool(mask[i][j])
                else:
                    ok = bool(mask[h][i][j])
                if ok:
                    allowed.append(j)
            if not allowed:
                continue  # zero weights, zero output for this head and query
            scores = {
                j: sum(q[i][t] * k[j][t] for t in range(d_head)) / math.sqrt(d_head)
                for j in allowed
            }
            top = max(scores.values())
            exps = {j: math.exp(s - top) for j, s in scores.items()}
            total = sum(exps.values())
            for j in allowed:
                weights[h][i][j] = exps[j] / total
            for t in range(d_head):
                concat[i][h * d_head + t] = sum(weights[h][i][j] * v[j][t] for j in allowed)
    output = [
        [sum(concat[i][r] * w_o[r][c] for r in range(d_model)) for c in range(d_model)]
        for i in range(n_q)
    ]
    return np.array(output), np.array(weights)


def random_layer(d_model=12, n_q=5, n_k=7, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_q, d_model))
    context = rng.normal(size=(n_k, d_model))
    w_q, w_k, w_v, w_o = init_projections(d_model, seed=seed + 100, scale=0.6)
    return x, context, (w_q, w_k, w_v, w_o)


# -- multi_head_attention against the loop ----------------------------------------------


@pytest.mark.parametrize("n_heads", [1, 2, 3, 4, 6])
def test_self_attention_matches_loop(n_heads):
    x, _, ws = random_layer(seed=n_heads)
    out, w = multi_head_attention(x, *ws, n_heads)
    ref_out, ref_w = mha_loop(x, *ws, n_heads)
    assert w.shape == (n_heads, 5, 5)
    assert np.allclose(w, ref_w, atol=1e-12)
    assert np.allclose(out, ref_out, atol=1e-10)


def test_causal_mask_matches_loop_and_blocks_the_future():
    x, _, ws = random_layer(seed=3)
    mask = causal_mask(5)
    out, w = multi_head_attention(x, *ws, 3, mask=mask)
    ref_out, ref_w = mha_loop(x, *ws, 3, mask=mask)
    assert np.allclose(w, ref_w, atol=1e-12)
    assert np.allclose(out, ref_out, atol=1e-10)
    assert np.all(w[:, ~mask] == 0), "no head may put weight on a future token"


def test_random_and_per_head_masks_match_loop():
    x, _, ws = random_layer(seed=4)
    rng = np.random.default_rng(4)
    mask2d = rng.random((5, 5)) < 0.6
    mask2d[np.arange(5), rng.integers(0, 5, size=5)] = True  # at least one key per query
    per_head = rng.random((4, 5, 5)) < 0.5
    per_head[..., 0] = True
    for mask in (mask2d, per_head):
        out, w = multi_head_attention(x, *ws, 4, mask=mask)
        ref_out, ref_w = mha_loop(x, *ws, 4, mask=mask)
        assert np.allclose(w, ref_w, atol=1e-12)
        assert np.allclose(out, ref_out, atol=1e-10)


def test_cross_attention_matches_loop_with_and_without_mask():
    x, context, ws = random_layer(seed=5)
    out, w = multi_head_attention(x, *ws, 3, context=context)
    ref_out, ref_w = mha_loop(x, *ws, 3, context=context)
    assert out.shape == (5, 12) and w.shape == (3, 5, 7)
    assert np.allclose(w, ref_w, atol=1e-12)
    assert np.allclose(out, ref_out, atol=1e-10)
    mask = np.ones((5, 7), dtype=bool)
    mask[:, 5:] = False  # the last two context tokens are padding
    out_m, w_m = multi_head_attention(x, *ws, 3, mask=mask, context=context)
    ref_out_m, ref_w_m = mha_loop(x, *ws, 3, mask=mask, context=context)
    assert np.allclose(w_m, ref_w_m, atol=1e-12)
    assert np.allclose(out_m, ref_out_m, atol=1e-10)
    assert np.all(w_m[..., 5:] == 0)
    # padding keys have no influence: dropping them gives the same output
    out_cut, _ = multi_head_attention(x, *ws, 3, context=context[:5])
    assert np.allclose(out_m, out_cut)


def test_fully_masked_query_gets_zero_from_every_head():
    x, _, ws = random_layer(seed=6)
    mask = np.ones((5, 5), dtype=bool)
    mask[2] = False
    out, w = multi_head_attention(x, *ws, 2, mask=mask)
    ref_out, ref_w = mha_loop(x, *ws, 2, mask=mask)
    assert np.all(w[:, 2] == 0)
    assert np.allclose(out[2], 0.0)
    assert np.allclose(out, ref_out, atol=1e-10)


def test_batch_axis_equals_one_item_at_a_time():
    x, _, ws = random_layer(seed=7)
    batch = np.stack([x, x[::-1] * 0.5])  # (2, 5, 12)
    out, w = multi_head_attention(batch, *ws, 3)
    assert out.shape == (2, 5, 12) and w.shape == (2, 3, 5, 5)
    for b in range(2):
        single_out, single_w = multi_head_attention(batch[b], *ws, 3)
        assert np.allclose(out[b], single_out)
        assert np.allclose(w[b], single_w)


# -- counting ---------------------------------------------------------------------------


@pytest.mark.parametrize("d_model,n_heads", [(8, 1), (8, 2), (8, 8), (512, 8), (768, 12)])
def test_param_count_is_four_d_model_squared_for_any_head_count(d_model, n_heads):
    assert param_count(d_model, n_heads) == 4 * d_model**2


def test_param_count_rejects_uneven_split():
    with pytest.raises(AssertionError, match="not divisible"):
        param_count(10, 3)


def test_score_entries_grow_with_heads():
    assert score_entries(10, 10, 8) == 800
    assert score_entries(5, 7, 3) == 3 * 5 * 7


# -- per-head pieces --------------------------------------------------------------------


def test_head_contributions_sum_to_the_output():
    x, context, ws = random_layer(seed=8)
    heads, weights = head_outputs(x, ws[0], ws[1], ws[2], 4, context=context)
    assert heads.shape == (4, 5, 3) and weights.shape == (4, 5, 7)
    parts = head_contributions(heads, ws[3])
    out, _ = multi_head_attention(x, *ws, 4, context=context)
    assert parts.shape == (4, 5, 12)
    assert np.allclose(parts.sum(axis=0), out)


def test_ablating_a_head_removes_exactly_its_contribution():
    x, _, ws = random_layer(seed=9)
    out, _ = multi_head_attention(x, *ws, 3)
    heads, _ = head_outputs(x, ws[0], ws[1], ws[2], 3)
    parts = head_contributions(heads, ws[3])
    assert np.allclose(ablate_heads(x, *ws, 3), out)
    for h in range(3):
        assert np.allclose(ablate_heads(x, *ws, 3, ablate=[h]), out - parts[h])
    assert np.allclose(ablate_heads(x, *ws, 3, ablate=[0, 1, 2]), 0.0)
    with pytest.raises(AssertionError, match="does not exist"):
        ablate_heads(x, *ws, 3, ablate=[3])


# -- lesson 14: two relations -----------------------------------------------------------


def test_two_heads_follow_two_relations():
    ex = two_relations()
    previous, same = relation_targets(ex.types)
    assert not np.any(previous & same), "the relations must point at different tokens"
    _, w = ex.attend(2)
    assert relation_mass(w[0], previous)[1:].min() > 0.9
    assert relation_mass(w[1], same)[1:].min() > 0.9


def test_one_head_cannot_follow_both():
    ex = two_relations()
    previous, same = relation_targets(ex.types)
    _, w = ex.attend(1)
    both = relation_mass(w[0], previous) + relation_mass(w[0], same)
    assert np.all(both <= 1 + 1e-12)
    curve = one_head_tradeoff(ex, np.linspace(0, 1, 21), overall=3.0)
    assert curve.shape == (21, 2)
    assert np.all(curve.sum(axis=1) <= 1 + 1e-12)
    assert curve.min(axis=1).max() <= 0.5
    # the ends of the sweep really are the two single relations
    assert curve[0, 0] > 0.9 and curve[-1, 1] > 0.9


def test_relation_targets_on_a_tiny_sentence():
    previous, same = relation_targets(("DET", "NOUN", "DET", "NOUN"))
    assert previous.tolist() == [
        [False, False, False, False],
        [True, False, False, False],
        [False, True, False, False],
        [False, False, True, False],
    ]
    assert same[1].tolist() == [False, False, False, True]
    assert not same.diagonal().any()


# -- lesson 16: weights versus ablation -------------------------------------------------


def test_agreement_toy_weights_tell_the_wrong_story():
    w = weights_on_token()
    effects = ablation_effects()
    assert w.shape == effects.shape == (4,)
    assert np.all(w[[0, 1, 3]] > 0.5) and w[2] < 0.01
    assert effects[3] < 0.05 and effects[0] < 0.05, "heavy-weight heads 0 and 3 barely matter"
    assert np.argmax(effects) == 2, "the head that ignores 'keys' matters most"


def test_values_and_w_o_change_effects_but_not_weights():
    toy = agreement_toy()
    other = agreement_toy(value_scale=(1.0, 1.5, 0.5, 1.0), w_o_scale=(1, 1, 1, 1))
    assert np.allclose(toy.attend()[1], other.attend()[1])
    assert not np.allclose(ablation_effects(toy), ablation_effects(other))
    assert ablation_effects(other)[0] > 10 * ablation_effects(toy)[0]


def test_token_contribution_equals_output_change_when_that_value_is_zeroed():
    toy = agreement_toy()
    query, token = 5, 1
    full, weights = toy.attend()
    norms = token_contribution_norms(toy, query, token)
    d_head = 2
    for h in range(4):
        # with the weights held fixed, zeroing token's value in head h removes exactly
        # weight * value @ rows of w_o from the output
        heads, w = head_outputs(toy.x, toy.w_q, toy.w_k, toy.w_v, 4)
        v = (toy.x @ toy.w_v)[:, h * d_head : (h + 1) * d_head].copy()
        v[token] = 0.0
        heads[h] = w[h] @ v
        changed = np.concatenate(list(heads), axis=-1) @ toy.w_o
        assert np.isclose(np.linalg.norm(full[query] - changed[query]), norms[h])
