"""scaled_dot_product_attention_backward against central finite differences of the forward
pass (an independent route to the same gradients), with masks, batches and large scores."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)


def numeric_gradients(q, k, v, d_output, mask=None, step=1e-6):
    """d sum(output * d_output) / d each entry of q, k, v, by central differences."""

    def loss(q_, k_, v_):
        output, _ = scaled_dot_product_attention(q_, k_, v_, mask)
        return float(np.sum(output * d_output))

    grads = []
    for which in range(3):
        arrays = [q.copy(), k.copy(), v.copy()]
        grad = np.zeros_like(arrays[which])
        for index in np.ndindex(grad.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[which][index] += step
            minus[which][index] -= step
            grad[index] = (loss(*plus) - loss(*minus)) / (2 * step)
        grads.append(grad)
    return grads


def relative_error(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12)


def example(seed, n_q=4, n_k=5, d_k=3, d_v=2, scale=1.0, batch=()):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, scale, (*batch, n_q, d_k)),
        rng.normal(0, scale, (*batch, n_k, d_k)),
        rng.normal(0, 1, (*batch, n_k, d_v)),
        rng.normal(0, 1, (*batch, n_q, d_v)),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_finite_differences(seed):
    q, k, v, d_out = example(seed)
    analytic = scaled_dot_product_attention_backward(q, k, v, d_out)
    numeric = numeric_gradients(q, k, v, d_out)
    for name, a, n in zip("qkv", analytic, numeric, strict=True):
        assert a.shape == n.shape
        assert relative_error(a, n) < 1e-7, f"d_{name} differs from finite differences"


def test_gradients_with_a_causal_mask_match_and_blocked_keys_get_nothing():
    q, k, v, d_out = example(3, n_q=4, n_k=4)
    mask = causal_mask(4)
    d_q, d_k, d_v = scaled_dot_product_attention_backward(q, k, v, d_out, mask)
    for a, n in zip((d_q, d_k, d_v), numeric_gradients(q, k, v, d_out, mask), strict=True):
        assert relative_error(a, n) < 1e-7
    # the last key is seen only by the last query: its value's gradient is that query's
    _, weights = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_allclose(d_v[-1], weights[-1, -1] * d_out[-1], atol=1e-12)


def test_first_query_under_a_causal_mask_has_no_query_gradient():
    # it attends to one key with weight 1 whatever its query: the query cannot matter
    q, k, v, d_out = example(4, n_q=3, n_k=3)
    d_q, _, _ = scaled_dot_product_attention_backward(q, k, v, d_out, causal_mask(3))
    np.testing.assert_allclose(d_q[0], 0.0, atol=1e-12)


def test_batched_gradients_equal_one_example_at_a_time():
    q, k, v, d_out = example(5, batch=(2, 3))
    batched = scaled_dot_product_attention_backward(q, k, v, d_out)
    for b, h in np.ndindex(2, 3):
        single = scaled_dot_product_attention_backward(q[b, h], k[b, h], v[b, h], d_out[b, h])
        for a, s in zip(batched, single, strict=True):
            np.testing.assert_allclose(a[b, h], s, atol=1e-12)


def test_large_scores_give_finite_gradients_that_still_match():
    # a saturated softmax: one weight near 1, so the q and k gradients almost vanish
    # (about 1e-9 here), too small for a relative comparison with finite differences
    q, k, v, d_out = example(6, scale=6.0)
    analytic = scaled_dot_product_attention_backward(q, k, v, d_out)
    assert all(np.all(np.isfinite(a)) for a in analytic)
    assert np.max(np.abs(analytic[0])) < 1e-6 < np.max(np.abs(analytic[2]))
    for a, n in zip(analytic, numeric_gradients(q, k, v, d_out, step=1e-5), strict=True):
        np.testing.assert_allclose(a, n, atol=1e-9)


def test_a_wrongly_shaped_output_gradient_is_refused():
    q, k, v, d_out = example(7)
    with pytest.raises(ValueError, match="d_output must have the output's shape"):
        scaled_dot_product_attention_backward(q, k, v, d_out[:, :1])
