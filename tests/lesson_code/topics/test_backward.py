"""Tests for lesson_code.topics.backward (lesson 18: the backward pass by hand).

The references here share no code with the module: softmax with math.exp over Python
lists, attention as explicit loops, derivatives by central differences written out.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lesson_code.topics.backward import (
    gradient_check,
    median_query_gradient,
    numeric_attention_gradients,
    numeric_gradient,
    query_gradient_sizes,
    relative_error,
    softmax_backward,
    softmax_jacobian,
    squared_error_loss,
    tiny_example,
    unscaled_attention_backward,
)


def softmax_loop(scores):
    exps = [math.exp(s - max(scores)) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def attention_loop(q, k, v, scale=True, mask=None):
    """Output rows of softmax(q kᵀ [/ √d_k]) v, with loops; mask[i][j] False = blocked."""
    d_k = len(q[0])
    out = []
    for i, q_i in enumerate(q):
        allowed = [j for j in range(len(k)) if mask is None or mask[i][j]]
        scores = [sum(a * b for a, b in zip(q_i, k[j], strict=True)) for j in allowed]
        if scale:
            scores = [s / math.sqrt(d_k) for s in scores]
        w = softmax_loop(scores)
        out.append([sum(w[n] * v[j][c] for n, j in enumerate(allowed)) for c in range(len(v[0]))])
    return np.array(out)


def jacobian_by_differences(scores, h=1e-6):
    """J[a, b] = d w_a / d s_b from central differences of softmax_loop."""
    n = len(scores)
    jac = np.zeros((n, n))
    for b in range(n):
        up = list(scores)
        down = list(scores)
        up[b] += h
        down[b] -= h
        w_up, w_down = softmax_loop(up), softmax_loop(down)
        for a in range(n):
            jac[a, b] = (w_up[a] - w_down[a]) / (2 * h)
    return jac


@pytest.mark.parametrize("scores", [[2.0, 1.0, 0.1], [0.0, 0.0, 0.0, 0.0], [5.0, -3.0, 0.5, 1.5]])
def test_softmax_jacobian_matches_finite_differences(scores):
    jac = softmax_jacobian(softmax_loop(scores))
    np.testing.assert_allclose(jac, jacobian_by_differences(scores), atol=1e-9)


def test_jacobian_rows_sum_to_zero_and_it_is_symmetric():
    w = softmax_loop([1.2, -0.4, 0.3, 2.0, 0.0])
    jac = softmax_jacobian(w)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(jac, jac.T, atol=0)
    # uniform weights over n keys: 1/n - 1/n² on the diagonal, -1/n² off it
    uniform = softmax_jacobian(np.full(4, 0.25))
    np.testing.assert_allclose(np.diag(uniform), 0.25 - 0.0625)
    assert uniform[0, 1] == pytest.approx(-0.0625)


def test_jacobian_of_a_batch_is_the_jacobian_of_each_row():
    rng = np.random.default_rng(0)
    rows = np.array([softmax_loop(list(r)) for r in rng.normal(size=(2, 3, 4)).reshape(6, 4)])
    batch = softmax_jacobian(rows.reshape(2, 3, 4))
    assert batch.shape == (2, 3, 4, 4)
    for n, row in enumerate(rows):
        np.testing.assert_allclose(batch.reshape(6, 4, 4)[n], softmax_jacobian(row))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cheap_product_equals_the_jacobian_times_g(seed):
    rng = np.random.default_rng(seed)
    w = np.array(softmax_loop(list(rng.normal(size=6) * 2)))
    g = rng.normal(size=6)
    jac = jacobian_by_differences(list(np.log(w)))  # scores log w give back the weights w
    np.testing.assert_allclose(softmax_backward(w, g), jac.T @ g, atol=1e-8)
    np.testing.assert_allclose(softmax_backward(w, g), softmax_jacobian(w) @ g, atol=1e-15)
    assert abs(softmax_backward(w, g).sum()) < 1e-12  # shifting all scores changes nothing


def test_cheap_product_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        softmax_backward(np.full(3, 1 / 3), np.zeros(4))


def test_numeric_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    exact = 3 * x**2  # d/dx of sum(x³)
    central = numeric_gradient(lambda a: float(np.sum(a**3)), x, step=1e-4)
    one_sided = numeric_gradient(lambda a: float(np.sum(a**3)), x, step=1e-4, central=False)
    np.testing.assert_allclose(central, exact, atol=1e-7)
    # one-sided differences are off by about 3x h: far worse than central ones
    assert np.max(np.abs(one_sided - exact)) > 100 * np.max(np.abs(central - exact))
    assert np.max(np.abs(one_sided - exact)) == pytest.approx(3 * 2.0 * 1e-4, rel=0.01)


def test_relative_error():
    a = np.array([1.0, -2.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a + np.array([0, 0, 0.04]), a) == pytest.approx(0.01)
    assert relative_error(10 * a + np.array([0, 0, 0.4]), 10 * a) == pytest.approx(0.01)


def test_loss_of_the_tiny_example_matches_a_loop():
    q, k, v, target = tiny_example()
    out = attention_loop(q.tolist(), k.tolist(), v.tolist())
    assert squared_error_loss(q, k, v, target) == pytest.approx(0.5 * np.sum((out - target) ** 2))


def test_numeric_gradients_match_differences_of_the_loop_loss():
    q, k, v, target = tiny_example()

    def loop_loss(k_):
        return 0.5 * float(
            np.sum((attention_loop(q.tolist(), k_.tolist(), v.tolist()) - target) ** 2)
        )

    _, d_k, _ = numeric_attention_gradients(q, k, v, target)
    np.testing.assert_allclose(d_k, numeric_gradient(loop_loss, k), atol=1e-8)


def test_gradient_check_passes_for_the_course_backward_pass():
    q, k, v, target = tiny_example()
    assert gradient_check(q, k, v, target) < 1e-8
    causal = np.tril(np.ones((3, 3), dtype=bool))
    assert gradient_check(q, k, v, target, mask=causal) < 1e-8


def test_gradient_check_is_worse_with_a_bad_step():
    q, k, v, target = tiny_example()
    good = gradient_check(q, k, v, target, step=1e-6)
    assert gradient_check(q, k, v, target, step=1e-1) > 100 * good  # truncation
    assert gradient_check(q, k, v, target, step=1e-12) > 100 * good  # rounding
    assert gradient_check(q, k, v, target, step=1e-6, central=False) > 100 * good


def test_unscaled_backward_matches_differences_of_unscaled_attention():
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    v, d_out = rng.normal(size=(5, 2)), rng.normal(size=(3, 2))

    def loss(q_=q, k_=k, v_=v):
        return float(np.sum(attention_loop(q_.tolist(), k_.tolist(), v_.tolist(), False) * d_out))

    d_q, d_k, d_v = unscaled_attention_backward(q, k, v, d_out)
    np.testing.assert_allclose(d_q, numeric_gradient(lambda a: loss(q_=a), q), atol=1e-8)
    np.testing.assert_allclose(d_k, numeric_gradient(lambda a: loss(k_=a), k), atol=1e-8)
    np.testing.assert_allclose(d_v, numeric_gradient(lambda a: loss(v_=a), v), atol=1e-8)


def test_query_gradient_sizes_shape_and_seed():
    sizes = query_gradient_sizes(8, n_tokens=5, n_draws=7, seed=1)
    assert sizes.shape == (35,) and np.all(sizes >= 0)
    np.testing.assert_array_equal(sizes, query_gradient_sizes(8, n_tokens=5, n_draws=7, seed=1))
    assert not np.array_equal(sizes, query_gradient_sizes(8, n_tokens=5, n_draws=7, seed=2))


def test_without_scaling_the_typical_query_gradient_vanishes_as_d_k_grows():
    scaled = [median_query_gradient(d, scaled=True) for d in (16, 128, 512)]
    unscaled = [median_query_gradient(d, scaled=False) for d in (16, 128, 512)]
    assert max(scaled) / min(scaled) < 1.5  # the 1/√d_k keeps the size steady
    assert unscaled[0] > unscaled[1] > unscaled[2]  # saturation starves the queries
    assert unscaled[2] < scaled[2] / 10
