"""lesson_code.learned.store: weights are trained once, found again by a key that ignores
comments, and old files are pruned."""

from __future__ import annotations

import numpy as np
import pytest

from lesson_code.learned import Settings, store

SMALL = Settings(steps=30, record_every=10)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSON_CODE_CACHE", str(tmp_path))
    store.trained_model.cache_clear()
    yield tmp_path / "learned"
    store.trained_model.cache_clear()


def test_the_first_call_trains_and_keeps_the_weights_the_next_loads_them(cache, monkeypatch):
    first = store.trained_model(SMALL)
    files = list(cache.glob("*.npz"))
    assert len(files) == 1 and first.history.seconds > 0
    store.trained_model.cache_clear()

    def no_training(*args, **kwargs):
        raise AssertionError("trained again although the weights were kept")

    monkeypatch.setattr(store, "train", no_training)
    again = store.trained_model(SMALL)
    for name in first.params:
        assert np.array_equal(first.params[name], again.params[name])
    np.testing.assert_array_equal(first.history.loss, again.history.loss)
    assert again.history.seconds == first.history.seconds


def test_the_key_ignores_comments_but_not_code(tmp_path, monkeypatch):
    copies = []
    for source in store.SOURCES:
        copy = tmp_path / source.name
        copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(copy)
    monkeypatch.setattr(store, "SOURCES", copies)
    before = store.weights_key(SMALL)
    model_py = tmp_path / "model.py"
    model_py.write_text("# a new comment\n" + model_py.read_text(encoding="utf-8"))
    assert store.weights_key(SMALL) == before
    model_py.write_text(model_py.read_text().replace("0.3, (vocab_size", "0.2, (vocab_size"))
    assert store.weights_key(SMALL) != before
    assert store.weights_key(Settings(steps=31)) != store.weights_key(SMALL)


def test_only_the_two_most_recent_weight_files_are_kept(cache):
    for steps in (10, 11, 12):
        store.trained_model(Settings(steps=steps, record_every=5))
    assert len(list(cache.glob("*.npz"))) == 2
    assert not list(cache.glob("*.partial"))
