"""lesson_code.learned.model: the forward pass is the course's attention stacked with a
residual stream, and the hand-written gradients equal finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.learned import Settings, TinyTransformer, train
from lesson_code.learned.model import layer_key


def tiny(seed=0):
    return TinyTransformer.initial(
        vocab_size=5, context=7, d_model=4, n_layers=2, n_heads=2, seed=seed
    )


def test_forward_is_embeddings_plus_each_layers_multi_head_attention():
    model = tiny()
    p = model.params
    ids = np.array([3, 1, 4, 1, 0])
    x = p["embed"][ids] + p["position"][:5]
    patterns = []
    for layer in range(2):
        w = [p[layer_key(layer, name)] for name in ("w_q", "w_k", "w_v", "w_o")]
        out, weights = multi_head_attention(x, *w, n_heads=2, mask=causal_mask(5))
        x = x + out
        patterns.append(weights)
    run = model.run(ids)
    np.testing.assert_allclose(run.logits, x @ p["unembed"], atol=1e-12)
    np.testing.assert_allclose(model.attention(ids), np.stack(patterns), atol=1e-12)


def test_ablating_a_head_equals_zeroing_its_slice_of_w_o():
    model = tiny(1)
    ids = np.array([0, 2, 2, 4, 1, 3])
    params = {k: v.copy() for k, v in model.params.items()}
    params[layer_key(0, "w_o")][2:4] = 0.0  # head 1 of layer 0 reads dims 2..3 of the concat
    by_weights = TinyTransformer(params, 2).run(ids).logits
    np.testing.assert_allclose(model.run(ids, ablate=[(0, 1)]).logits, by_weights, atol=1e-12)
    assert not np.allclose(model.run(ids).logits, by_weights)


@pytest.mark.parametrize("start", [0, 2])
def test_gradients_equal_central_finite_differences(start):
    model = tiny(2)
    ids = np.random.default_rng(3).integers(0, 5, size=(3, 6))
    loss, grads = model.loss_and_gradients(ids, start=start)
    assert set(grads) == set(model.params)
    step = 1e-6
    for name, value in model.params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + step
            plus, _ = model.loss_and_gradients(ids, start=start)
            value[index] = saved - step
            minus, _ = model.loss_and_gradients(ids, start=start)
            value[index] = saved
            numeric[index] = (plus - minus) / (2 * step)
        error = np.max(np.abs(grads[name] - numeric)) / max(np.max(np.abs(numeric)), 1e-12)
        assert error < 1e-6, f"{name}: relative error {error:.2e}"
    assert loss == pytest.approx(model.loss_and_gradients(ids, start=start)[0])


def test_training_is_deterministic_and_lowers_the_loss():
    settings = Settings(steps=60, record_every=20)
    first, history = train(settings)
    second, _ = train(settings)
    for name in first.params:
        assert np.array_equal(first.params[name], second.params[name]), name
    assert history.loss[-10:].mean() < history.loss[:10].mean()
    assert list(history.measured) == [0, 20, 40, 60]
    assert history.previous.shape == (4, settings.n_layers, settings.n_heads)


def test_too_long_a_sequence_is_refused():
    with pytest.raises(ValueError, match="exceed the context 7"):
        tiny().run(np.zeros(8, dtype=int))
