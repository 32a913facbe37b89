"""lesson_code.topics.cost: path lengths, parallel sweeps, the two ways to compute attention."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention
from lesson_code.topics.cost import (
    attention_links,
    attention_loop,
    attention_matrix,
    hop_counts,
    image_to_patches,
    loglog_slope,
    median_times,
    mixing_macs,
    patch_count,
    rnn_links,
    rnn_parallel_sweep,
    rnn_sweeps_needed,
    weight_matrix_bytes,
)
from lesson_code.topics.rnn import ToyRNN, run_rnn


@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_rnn_hops_equal_distance(n):
    hops = hop_counts(rnn_links(n))
    i, j = np.triu_indices(n)
    assert np.array_equal(hops[i, j], j - i)  # j - i hops forward
    below = np.tril(np.ones((n, n), dtype=bool), k=-1)
    assert np.all(hops[below] == -1)  # no path back in time


@pytest.mark.parametrize("n", [2, 7, 30])
def test_attention_is_one_hop(n):
    off_diagonal = ~np.eye(n, dtype=bool)
    assert np.all(hop_counts(attention_links(n))[off_diagonal] == 1)
    causal = hop_counts(attention_links(n, causal=True))
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    assert np.all(causal[upper] == 1) and np.all(causal[upper.T] == -1)


def test_hop_counts_on_a_small_graph():
    links = np.zeros((4, 4), dtype=bool)
    links[0, 1] = links[1, 2] = links[0, 3] = links[3, 2] = True
    hops = hop_counts(links)
    assert hops[0, 2] == 2 and hops[0, 3] == 1 and hops[2, 0] == -1


def test_rnn_needs_one_sweep_per_token():
    rng = np.random.default_rng(0)
    for n in (1, 3, 9):
        x = rng.normal(size=(n, 4))
        w_h, w_x = rng.normal(0, 0.5, size=(2, 4, 4))
        assert rnn_sweeps_needed(ToyRNN(w_hh=w_h, w_xh=w_x), x) == n


def test_sweep_finishes_one_more_position_each_time():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 3))
    w_h, w_x = rng.normal(0, 0.5, size=(2, 3, 3))
    rnn = ToyRNN(w_hh=w_h, w_xh=w_x)
    target = run_rnn(rnn, x)
    states = np.zeros_like(target)
    for sweep in range(1, 7):
        states = rnn_parallel_sweep(rnn, states, x)
        assert np.array_equal(states[:sweep], target[:sweep])
        if sweep < 6:
            assert not np.array_equal(states[sweep], target[sweep])


def test_loop_equals_matrix_form():
    rng = np.random.default_rng(2)
    q, k = rng.normal(size=(2, 7, 5))
    v = rng.normal(size=(7, 3))
    assert np.allclose(attention_loop(q, k, v), attention_matrix(q, k, v))
    assert np.allclose(attention_matrix(q, k, v), scaled_dot_product_attention(q, k, v)[0])


@pytest.mark.parametrize("n", [3, 64, 300])
def test_weight_matrix_is_8_n_squared_bytes(n):
    assert weight_matrix_bytes(n, d_k=4) == 8 * n * n


def test_loglog_slope_recovers_the_power():
    ns = np.array([10, 20, 40, 80])
    assert loglog_slope(ns, 3 * ns**2) == pytest.approx(2.0)
    assert loglog_slope(ns, 0.5 * ns) == pytest.approx(1.0)


def test_median_times_interleaves_and_takes_medians():
    calls = []
    medians = median_times([lambda: calls.append("a"), lambda: calls.append("b")], repeats=3)
    assert calls == ["a", "b"] * 3  # the functions take turns in every round
    assert len(medians) == 2 and all(m >= 0 for m in medians)


def test_mixing_macs_cross_over_at_half_d():
    att, rnn = mixing_macs(256, 512)
    assert att == rnn  # 2 n^2 d = n d^2 when n = d / 2
    att, rnn = mixing_macs(4096, 512)
    assert att == 16 * rnn


def test_image_to_patches_matches_a_loop():
    image = np.random.default_rng(0).random((32, 48, 3))
    patches = image_to_patches(image, 16)
    expected = [
        image[r : r + 16, c : c + 16, :].reshape(-1)
        for r in range(0, 32, 16)
        for c in range(0, 48, 16)
    ]
    assert np.array_equal(patches, np.array(expected))
    assert patch_count(224, 16) == 14 * 14 == 196
    assert patch_count(384, 16) == 24 * 24
    with pytest.raises(ValueError, match="multiples"):
        image_to_patches(np.zeros((30, 32, 3)), 16)
    with pytest.raises(ValueError, match="height, width, channels"):
        image_to_patches(np.zeros((32, 32)), 16)
