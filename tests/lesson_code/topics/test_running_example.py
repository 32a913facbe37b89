"""The running example sentence: shapes, lookups, projections and the facts lessons 5-7 teach."""

import numpy as np
import pytest

from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics import running_example as s


def test_sizes_are_the_documented_constants():
    assert s.TOKENS == ("the", "hungry", "cat", "ate", "fish")
    assert s.D_MODEL == len(s.FEATURES) == 8
    assert (s.D_K, s.D_V) == (4, 4)
    assert s.EMBEDDINGS.shape == (len(s.VOCAB), s.D_MODEL)
    assert s.X.shape == (len(s.TOKENS), s.D_MODEL)
    assert s.W_Q.shape == s.W_K.shape == (s.D_MODEL, s.D_K)
    assert s.W_V.shape == (s.D_MODEL, s.D_V)
    assert len(s.QUERY_DIMS) == len(s.KEY_DIMS) == s.D_K
    assert len(s.VALUE_DIMS) == s.D_V


def test_vocabulary_rows_are_distinct_and_sentence_uses_only_vocabulary():
    assert len(set(s.VOCAB)) == len(s.VOCAB)
    rows = {tuple(r) for r in s.EMBEDDINGS}
    assert len(rows) == len(s.VOCAB), "two vocabulary words share an embedding"
    assert set(s.TOKENS) <= set(s.VOCAB)


def test_embedding_is_a_row_lookup_equal_to_one_hot_times_matrix():
    ids = s.token_ids(s.TOKENS)
    assert ids == [s.VOCAB.index(t) for t in s.TOKENS]
    one_hot = np.eye(len(s.VOCAB))[ids]  # (5, |V|)
    np.testing.assert_array_equal(one_hot @ s.EMBEDDINGS, s.X)
    for i, token in enumerate(s.TOKENS):
        np.testing.assert_array_equal(s.X[i], s.EMBEDDINGS[s.VOCAB.index(token)])


def test_embed_rejects_unknown_words_and_repeats_rows_for_repeated_words():
    with pytest.raises(AssertionError, match="not in the vocabulary"):
        s.embed(["the", "zebra"])
    x = s.embed(["cat", "the", "cat"])
    np.testing.assert_array_equal(x[0], x[2])


def test_shared_arrays_are_read_only():
    for array in (s.EMBEDDINGS, s.X, s.W_Q, s.W_K, s.W_V):
        with pytest.raises(ValueError):
            array[0, 0] = 99.0
    x = s.embed(s.TOKENS)
    x[0, 0] = 5.0  # a lookup returns a fresh, writable copy
    assert s.X[0, 0] == 1.0


def test_qkv_shapes_and_values():
    q, k, v = s.qkv()
    assert q.shape == k.shape == (5, s.D_K) and v.shape == (5, s.D_V)
    np.testing.assert_allclose(q, s.X @ s.W_Q)
    np.testing.assert_allclose(k, s.X @ s.W_K)
    np.testing.assert_allclose(v, s.X @ s.W_V)
    with pytest.raises(AssertionError, match="columns"):
        s.qkv(np.ones((5, 3)))


def test_separate_projections_give_an_asymmetric_score_matrix():
    q, k, _ = s.qkv()
    scores = q @ k.T
    assert not np.allclose(scores, scores.T)
    # "the" looks for its noun, but "cat" does not look back at "the".
    assert s.score("the", "cat") > 0 and s.score("cat", "the") == 0
    shared = (s.X @ s.W_K) @ (s.X @ s.W_K).T
    np.testing.assert_allclose(shared, shared.T)


def test_weights_match_library_attention_and_rows_sum_to_one():
    q, k, v = s.qkv()
    _, weights = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    for i, query in enumerate(s.TOKENS):
        for j, key in enumerate(s.TOKENS):
            assert s.weight(query, key) == pytest.approx(weights[i, j])
            assert s.score(query, key) == pytest.approx(q[i] @ k[j])
    np.testing.assert_allclose(weights, softmax(q @ k.T / np.sqrt(s.D_K), axis=1))


def test_hand_designed_roles_show_up_in_the_weights():
    # The adjective attends most to the noun it describes, the verb to its subject and object.
    assert max(s.TOKENS, key=lambda t: s.weight("hungry", t)) == "cat"
    top_two = sorted(s.TOKENS, key=lambda t: s.weight("ate", t))[-2:]
    assert set(top_two) == {"cat", "fish"}


def test_table_labels_rows_and_columns_and_checks_the_shape():
    text = s.table(np.eye(5))
    lines = text.splitlines()
    assert len(lines) == 6
    assert lines[0].split() == list(s.TOKENS)
    assert lines[1].split() == ["the", "1.00", "0.00", "0.00", "0.00", "0.00"]
    assert len({len(line) for line in lines}) == 1, "columns must line up"
    with pytest.raises(AssertionError, match="labels"):
        s.table(np.zeros((2, 3)))


def test_embedding_dot_is_the_dot_product_of_two_rows():
    cat, fish = s.EMBEDDINGS[s.VOCAB.index("cat")], s.EMBEDDINGS[s.VOCAB.index("fish")]
    assert s.embedding_dot("cat", "fish") == pytest.approx(cat @ fish)
    dot = s.embedding_dot
    assert dot("cat", "dog") > dot("cat", "fish") > dot("cat", "ate")
