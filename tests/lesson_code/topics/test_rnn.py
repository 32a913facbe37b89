"""lesson_code.topics.rnn: the toy RNN, its chain-rule Jacobian and the bottleneck measures."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.topics.rnn import (
    decay_per_step,
    final_state,
    first_token_influence,
    influence_curve,
    jacobians_first_token,
    linear_influence,
    linear_readout_r2,
    make_rnn,
    path_length,
    perturbation_effect,
    run_rnn,
    spectral_radius,
)


def loop_rnn(rnn, xs):
    """The recurrence written out step by step, independent of run_rnn."""
    h = np.zeros(rnn.d_h)
    out = []
    for x in xs:
        h = np.tanh(rnn.w_hh @ h + rnn.w_xh @ x)
        out.append(h)
    return np.array(out)


def test_make_rnn_shapes_and_radius():
    rnn = make_rnn(d_h=12, d_x=5, radius=0.7, seed=3)
    assert rnn.w_hh.shape == (12, 12) and rnn.w_xh.shape == (12, 5)
    assert spectral_radius(rnn.w_hh) == pytest.approx(0.7)


def test_run_rnn_matches_loop_and_batches():
    rnn = make_rnn(seed=1)
    xs = np.random.default_rng(0).normal(size=(3, 7, rnn.d_x))
    batch = run_rnn(rnn, xs)
    assert batch.shape == (3, 7, rnn.d_h)
    for b in range(3):
        np.testing.assert_allclose(batch[b], loop_rnn(rnn, xs[b]), atol=1e-12)
    np.testing.assert_allclose(final_state(rnn, xs), batch[:, -1])


def test_jacobian_matches_finite_differences():
    rnn = make_rnn(radius=1.2, seed=2)
    xs = np.random.default_rng(5).normal(size=(6, rnn.d_x))
    jac = jacobians_first_token(rnn, xs)[-1]  # d h_6 / d x_1
    eps = 1e-6
    numeric = np.zeros_like(jac)
    for j in range(rnn.d_x):
        plus, minus = xs.copy(), xs.copy()
        plus[0, j] += eps
        minus[0, j] -= eps
        numeric[:, j] = (loop_rnn(rnn, plus)[-1] - loop_rnn(rnn, minus)[-1]) / (2 * eps)
    np.testing.assert_allclose(jac, numeric, atol=1e-7)


def test_perturbation_effect_is_jacobian_times_delta():
    rnn = make_rnn(seed=4)
    rng = np.random.default_rng(6)
    xs = rng.normal(size=(9, rnn.d_x))
    delta = 1e-7 * rng.normal(size=rnn.d_x)
    predicted = np.linalg.norm(jacobians_first_token(rnn, xs)[-1] @ delta)
    assert perturbation_effect(rnn, xs, delta) == pytest.approx(predicted, rel=1e-4)


def test_influence_is_spectral_norm_and_first_step_is_exact():
    rnn = make_rnn(seed=0)
    xs = np.random.default_rng(1).normal(size=(4, rnn.d_x))
    infl = first_token_influence(rnn, xs)
    assert infl.shape == (4,)
    h1 = np.tanh(rnn.w_xh @ xs[0])
    expected = np.linalg.svd((1 - h1**2)[:, None] * rnn.w_xh, compute_uv=False)[0]
    assert infl[0] == pytest.approx(expected)


def test_later_tokens_do_not_change_earlier_jacobians():
    rnn = make_rnn(seed=0)
    xs = np.random.default_rng(2).normal(size=(10, rnn.d_x))
    changed = xs.copy()
    changed[5:] += 3.0
    np.testing.assert_allclose(
        jacobians_first_token(rnn, xs)[:5], jacobians_first_token(rnn, changed)[:5]
    )


def test_influence_vanishes_for_small_radius_and_grows_for_large():
    small, _, _ = influence_curve(make_rnn(radius=0.9), 30, n_samples=50)
    large, _, _ = influence_curve(make_rnn(radius=3.0), 30, n_samples=50)
    assert small[-1] < 1e-4 * small[0]
    assert large[-1] > large[0]
    assert decay_per_step(small) < 1 < decay_per_step(large)


def test_influence_curve_percentiles_are_ordered():
    med, lo, hi = influence_curve(make_rnn(), 10, n_samples=40)
    assert med.shape == lo.shape == hi.shape == (10,)
    assert np.all(lo <= med) and np.all(med <= hi)


def test_decay_per_step_of_a_geometric_sequence():
    assert decay_per_step(3.0 * 0.5 ** np.arange(8)) == pytest.approx(0.5)
    with pytest.raises(AssertionError):
        decay_per_step([1.0])


def test_readout_falls_with_length():
    rnn = make_rnn()
    r2 = [linear_readout_r2(rnn, n, n_train=1500, n_test=500) for n in (1, 2, 6)]
    assert r2[0] > 0.9
    assert r2[0] > r2[1] > r2[2]
    assert r2[2] < 0.05


def test_path_length_and_linear_influence():
    assert [path_length("rnn", n) for n in (1, 5, 500)] == [1, 5, 500]
    assert [path_length("attention", n) for n in (1, 5, 500)] == [1, 1, 1]
    with pytest.raises(ValueError, match="rnn"):
        path_length("cnn", 3)
    assert linear_influence(0.8, 10) == pytest.approx(0.8**9)
    assert linear_influence(2.0, 1) == 1.0
