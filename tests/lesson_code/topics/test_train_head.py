"""Tests for lesson 19's one-head training loop (lesson_code.topics.train_head).

The references here share no code with the module's forward pass: a loop over queries and
keys with math.exp computes the loss, and central finite differences of that loop check
the hand-derived gradients.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.topics.train_head import (
    LESSON_STEPS,
    N_POSITIONS,
    SNAPSHOT_EVERY,
    VOCAB,
    accuracy,
    attention_scores,
    cross_entropy,
    encode,
    forward,
    init_params,
    lesson_data,
    lesson_run,
    loss_and_gradients,
    make_sequences,
    max_relative_error,
    numeric_gradients,
    position_block,
    previous_token_targets,
    query_key_matrix,
    train,
    two_key_step,
    uniform_weight_on_previous,
    weight_on_previous,
)


def loop_loss(params, tokens):
    """The task's loss with plain loops: one head, causal, softmax cross-entropy on i >= 1."""
    w_q, w_k, w_v = (params[k].tolist() for k in ("w_q", "w_k", "w_v"))
    d_k = len(w_q[0])
    total, count = 0.0, 0
    for seq in tokens:
        n = len(seq)

        def row(i, w, seq=seq, n=n):  # x_i @ w where x_i = one-hot token | one-hot position
            return [w[int(seq[i])][c] + w[VOCAB + i][c] for c in range(len(w[0]))]

        for i in range(1, n):
            q = row(i, w_q)
            scores = [
                sum(a * b for a, b in zip(q, row(j, w_k), strict=True)) / math.sqrt(d_k)
                for j in range(i + 1)  # causal: keys 0..i
            ]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            weights = [e / sum(exps) for e in exps]
            logits = [sum(weights[j] * row(j, w_v)[c] for j in range(i + 1)) for c in range(VOCAB)]
            top = max(logits)
            log_z = top + math.log(sum(math.exp(z - top) for z in logits))
            total += log_z - logits[int(seq[i - 1])]
            count += 1
    return total / count


def test_task_targets_and_inputs():
    tokens = make_sequences(5, seed=3)
    targets = previous_token_targets(tokens)
    assert tokens.shape == (5, N_POSITIONS) and tokens.min() >= 0 and tokens.max() < VOCAB
    assert np.all(targets[:, 0] == -1) and np.all(targets[:, 1:] == tokens[:, :-1])
    x = encode(tokens)
    assert x.shape == (5, N_POSITIONS, VOCAB + N_POSITIONS)
    assert np.all(x.sum(axis=-1) == 2), "one token bit and one position bit per row"
    assert np.all(x[..., :VOCAB].argmax(-1) == tokens)
    assert np.all(x[..., VOCAB:].argmax(-1) == np.arange(N_POSITIONS))
    with pytest.raises(ValueError, match="token ids"):
        encode([[0, VOCAB]])
    with pytest.raises(ValueError, match="n >= 2"):
        make_sequences(3, n=1)


def test_forward_loss_matches_a_loop():
    tokens = make_sequences(3, seed=4)
    params = init_params(scale=0.8, seed=5)
    cache = forward(params, encode(tokens))
    got = cross_entropy(cache["logits"], previous_token_targets(tokens))
    assert got == pytest.approx(loop_loss(params, tokens), rel=1e-12)
    assert np.allclose(cache["weights"].sum(-1), 1)
    assert np.all(np.triu(cache["weights"], k=1) == 0), "causal: no weight on later keys"


@pytest.mark.parametrize("seed", [0, 1])
def test_hand_gradients_match_finite_differences_of_a_loop(seed):
    tokens = make_sequences(2, n=5, seed=seed)
    params = init_params(n=5, scale=0.7, seed=seed)
    loss, grads = loss_and_gradients(params, encode(tokens), previous_token_targets(tokens))
    assert loss == pytest.approx(loop_loss(params, tokens), rel=1e-12)
    step = 1e-6
    for name in ("w_q", "w_k", "w_v"):
        numeric = np.zeros_like(params[name])
        for index in np.ndindex(numeric.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][index] += step
            minus[name][index] -= step
            numeric[index] = (loop_loss(plus, tokens) - loop_loss(minus, tokens)) / (2 * step)
        scale = np.abs(numeric).max()
        assert scale > 1e-3, f"{name}: the check needs gradients that are not all ~0"
        assert np.abs(grads[name] - numeric).max() / scale < 1e-6, name


def test_numeric_gradients_helper_agrees_with_the_hand_gradients():
    x, y, *_ = lesson_data()
    params = init_params()
    _, grads = loss_and_gradients(params, x[:3], y[:3])
    assert max_relative_error(grads, numeric_gradients(params, x[:3], y[:3])) < 1e-6
    broken = {k: v.copy() for k, v in grads.items()}
    broken["w_k"] *= -1  # a sign error in one matrix must be caught
    assert max_relative_error(broken, numeric_gradients(params, x[:3], y[:3])) > 0.1


def test_training_lowers_the_loss_and_finds_the_previous_token():
    run = lesson_run()
    _, _, x_test, y_test, _ = lesson_data()
    assert run.losses[0] == pytest.approx(math.log(VOCAB), abs=0.05)
    assert run.losses[-1] < 0.05 < run.losses[0] / 40
    assert np.all(np.isfinite(run.losses))
    end = forward(run.params, x_test)
    assert accuracy(end["logits"], y_test) > 0.99
    uniform = uniform_weight_on_previous()
    assert uniform == pytest.approx(np.mean([1 / (i + 1) for i in range(1, N_POSITIONS)]))
    # the trained head puts most of each query's weight on position i - 1: far above the
    # ~0.25 that an evenly spread causal head would give
    previous = weight_on_previous(end["weights"])
    assert previous > 0.9 and previous > 3.5 * uniform
    rows = np.arange(1, N_POSITIONS)
    assert np.all(end["weights"][:, rows].argmax(-1) == rows - 1), "every query, every sequence"
    # and W_Q W_K^T's position block has its largest allowed entry at (i, i - 1)
    block = position_block(run.params)
    assert np.allclose(block, query_key_matrix(run.params)[VOCAB:, VOCAB:])
    for i in rows:
        assert np.argmax(block[i, : i + 1]) == i - 1


def test_snapshots_and_scores():
    run = lesson_run()
    assert sorted(run.snapshots) == list(range(0, LESSON_STEPS + 1, SNAPSHOT_EVERY))
    assert all(np.array_equal(run.snapshots[0][k], init_params()[k]) for k in run.params)
    assert all(np.array_equal(run.snapshots[LESSON_STEPS][k], run.params[k]) for k in run.params)
    x = lesson_data()[2][:2]
    scores = attention_scores(run.params, x)
    q, k = x @ run.params["w_q"], x @ run.params["w_k"]
    expected = np.einsum("bid,bjd->bij", q, k) / math.sqrt(q.shape[-1])
    assert np.allclose(scores, expected)


def test_same_seed_same_result():
    a, b = lesson_run(), lesson_run()
    assert np.array_equal(a.losses, b.losses)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
    other = init_params(seed=20)
    assert not np.array_equal(other["w_q"], init_params()["w_q"])


def test_a_learning_rate_far_too_large_diverges_and_a_tiny_one_crawls():
    x, y, *_ = lesson_data()
    tiny = train(init_params(), x, y, lr=0.1, steps=100).losses
    huge = train(init_params(), x, y, lr=300.0, steps=100).losses
    assert tiny[-1] < tiny[0] and tiny[-1] > 1.8, "it moves, but slowly"
    assert huge[-1] > 3 * huge[0], "too large: the loss ends far above where it started"


def test_two_key_step_matches_the_chain_rule():
    for theta, lr in ((0.0, 2.0), (1.5, 0.5), (-2.0, 1.0)):
        new_theta, new_weight = two_key_step(theta, lr)

        def loss(t):
            return -math.log(math.exp(t) / (math.exp(t) + 1.0))

        slope = (loss(theta + 1e-6) - loss(theta - 1e-6)) / 2e-6
        assert new_theta == pytest.approx(theta - lr * slope, rel=1e-8)
        assert new_weight == pytest.approx(1 / (1 + math.exp(-new_theta)), rel=1e-12)
        assert new_weight > 1 / (1 + math.exp(-theta)), "one step raises the right weight"


def test_doubling_w_q_sharpens_the_trained_pattern():
    """Every score doubles, so each query's weight on its (largest-scoring) previous key rises."""
    run = lesson_run()
    x_test = lesson_data()[2]
    sharper = {**run.params, "w_q": 2 * run.params["w_q"]}
    rows = np.arange(1, N_POSITIONS)
    before = forward(run.params, x_test)["weights"][:, rows, rows - 1]
    after = forward(sharper, x_test)["weights"][:, rows, rows - 1]
    assert np.all(after > before)
