"""The course's running example: one five-token sentence, embedded and projected by hand.

Lessons 5 to 8 (and later lessons that reuse the example) compute attention on the SAME
numbers, defined here.
Every value is hand-designed (no randomness), so a learner can redo any step on paper and
read meaning into the dimensions.

Names other modules rely on (keep them stable)
----------------------------------------------
``TOKENS``      the sentence, a tuple of 5 strings: "the hungry cat ate fish"
``VOCAB``       the tiny vocabulary, a tuple of 10 words; ``EMBEDDINGS[i]`` is ``VOCAB[i]``
``FEATURES``    names of the ``D_MODEL`` embedding dimensions (what each column means)
``D_MODEL``     8, the width of an embedding (columns of ``X``)
``D_K``         4, the width of a query and of a key
``D_V``         4, the width of a value
``EMBEDDINGS``  (len(VOCAB), D_MODEL) embedding matrix: one row per vocabulary word
``token_ids(tokens)``  list of row numbers of ``tokens`` in ``VOCAB``
``embed(tokens)``      (len(tokens), D_MODEL): the rows of ``EMBEDDINGS`` for ``tokens``
``embedding_dot(word_a, word_b)``  dot product of two vocabulary words' embedding rows
``X``           (5, D_MODEL) = ``embed(TOKENS)``: the embedded sentence, one row per token
``W_Q``         (D_MODEL, D_K) query projection: what a token is looking for
``W_K``         (D_MODEL, D_K) key projection: what a token offers to be matched on
``W_V``         (D_MODEL, D_V) value projection: what a token passes on when attended to
``QUERY_DIMS``, ``KEY_DIMS``, ``VALUE_DIMS``  names of the columns of Q, K and V
``projections()``      (W_Q, W_K, W_V)
``qkv(x=X)``           (Q, K, V) = (x @ W_Q, x @ W_K, x @ W_V), shapes (n, D_K), (n, D_K), (n, D_V)
``score(query_token, key_token)``   one raw score q · k (an entry of Q Kᵀ)
``weight(query_token, key_token)``  one attention weight: row-softmax of Q Kᵀ / √D_K
``table(matrix, row_labels=TOKENS, col_labels=TOKENS, fmt=".2f")``  a matrix as aligned
                text with token labels, for printing score and weight matrices

All arrays are read-only so that no lesson can change them for the others by accident;
use ``X.copy()`` (or ``X + something``, which makes a new array) to build on them.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import softmax

# --8<-- [start:sentence]
TOKENS = ("the", "hungry", "cat", "ate", "fish")
VOCAB = ("the", "a", "hungry", "small", "cat", "dog", "fish", "ate", "saw", "slept")
FEATURES = ("determiner", "noun", "verb", "adjective", "animate", "edible", "hunger", "past")
D_MODEL = len(FEATURES)  # 8
# --8<-- [end:sentence]
D_K = 4
D_V = 4

# --8<-- [start:embeddings]
# One row per vocabulary word, one column per feature (determiner, noun, verb,
# adjective, animate, edible, hunger, past). Hand-designed; a trained model learns its own.
EMBEDDINGS = np.array(
    [
        # det  noun  verb   adj  anim  edib  hung  past
        [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # the
        [0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # a
        [0.0, 0.0, 0.0, 1.0, 0.3, 0.0, 1.0, 0.0],  # hungry
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],  # small
        [0.0, 1.0, 0.0, 0.0, 1.0, 0.2, 0.1, 0.0],  # cat
        [0.0, 1.0, 0.0, 0.0, 1.0, 0.1, 0.2, 0.0],  # dog
        [0.0, 0.9, 0.0, 0.0, 0.3, 1.0, 0.0, 0.0],  # fish
        [0.0, 0.0, 1.0, 0.0, 0.0, 0.2, 0.8, 1.0],  # ate
        [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0],  # saw
        [0.0, 0.0, 0.9, 0.0, 0.1, 0.0, 0.0, 1.0],  # slept
    ]
)
# --8<-- [end:embeddings]


# --8<-- [start:embed]
def token_ids(tokens):
    """Row numbers of ``tokens`` in ``VOCAB`` (a list of ints, one per token)."""
    unknown = [t for t in tokens if t not in VOCAB]
    assert not unknown, f"tokens {unknown} are not in the vocabulary {VOCAB}"
    return [VOCAB.index(t) for t in tokens]


def embed(tokens):
    """Look up one embedding row per token: (len(tokens), D_MODEL)."""
    return EMBEDDINGS[token_ids(tokens)]  # fancy indexing copies the rows


# --8<-- [end:embed]


X = embed(TOKENS)  # (5, D_MODEL)


def embedding_dot(word_a, word_b):
    """Dot product of the embedding rows of two vocabulary words (a float)."""
    row_a, row_b = embed([word_a, word_b])
    return float(row_a @ row_b)


# The columns of Q and K share meanings, so that a large q · k reads as "what this token
# looks for is what that token offers".
QUERY_DIMS = ("wants noun", "wants animate", "wants edible", "wants describer")
KEY_DIMS = ("is noun", "is animate", "is edible", "is describer")
VALUE_DIMS = ("animate", "edible", "hunger", "action")

# --8<-- [start:projections]
# Rows are embedding features, columns are query/key/value dimensions.
#     wants: noun  animate  edible  describer
W_Q = np.array(
    [
        [1.5, 0.0, 0.0, 0.0],  # determiner: a "the" looks for its noun
        [0.0, 0.0, 0.0, 1.0],  # noun: looks for words that describe it or act
        [0.0, 1.0, 1.0, 0.0],  # verb: looks for an animate subject and for an object
        [1.0, 0.5, 0.0, 0.0],  # adjective: looks for a noun, preferably animate
        [0.0, 0.0, 0.0, 0.0],  # animate
        [0.0, 0.0, 0.0, 0.0],  # edible
        [0.0, 1.0, 0.5, 0.0],  # hunger: looks for someone to be hungry, a little for food
        [0.0, 0.0, 0.0, 0.0],  # past
    ]
)
#       is: noun  animate  edible  describer
W_K = np.array(
    [
        [0.0, 0.0, 0.0, 0.0],  # determiner: offers nothing to match on
        [2.0, 0.0, 0.0, 0.0],  # noun
        [0.0, 0.0, 0.0, 2.0],  # verb: describes what a noun does
        [0.0, 0.0, 0.0, 2.0],  # adjective: describes a noun
        [0.0, 2.0, 0.0, 0.0],  # animate
        [0.0, 0.0, 2.0, 0.0],  # edible
        [0.0, 0.0, 0.0, 0.0],  # hunger
        [0.0, 0.0, 0.0, 0.0],  # past
    ]
)
#   passes on: animate  edible  hunger  action
W_V = np.array(
    [
        [0.0, 0.0, 0.0, 0.0],  # determiner: carries no content
        [0.0, 0.0, 0.0, 0.0],  # noun
        [0.0, 0.0, 0.0, 1.0],  # verb
        [0.0, 0.0, 0.0, 0.0],  # adjective
        [1.0, 0.0, 0.0, 0.0],  # animate
        [0.0, 1.0, 0.0, 0.0],  # edible
        [0.0, 0.0, 1.0, 0.0],  # hunger
        [0.0, 0.0, 0.0, 0.0],  # past
    ]
)
# --8<-- [end:projections]

for _name, _w, _cols in (("W_Q", W_Q, D_K), ("W_K", W_K, D_K), ("W_V", W_V, D_V)):
    assert _w.shape == (D_MODEL, _cols), f"{_name} must be ({D_MODEL}, {_cols}), got {_w.shape}"
for _array in (EMBEDDINGS, X, W_Q, W_K, W_V):
    _array.setflags(write=False)


def projections():
    """(W_Q, W_K, W_V), shapes (D_MODEL, D_K), (D_MODEL, D_K) and (D_MODEL, D_V)."""
    return W_Q, W_K, W_V


# --8<-- [start:qkv]
def qkv(x=X):
    """Project embeddings x (n, D_MODEL) into Q (n, D_K), K (n, D_K) and V (n, D_V)."""
    x = np.asarray(x, dtype=float)
    assert x.shape[-1] == D_MODEL, f"x must have {D_MODEL} columns, got shape {x.shape}"
    q = x @ W_Q  # (n, D_MODEL) @ (D_MODEL, D_K) -> (n, D_K)
    k = x @ W_K  # (n, D_MODEL) @ (D_MODEL, D_K) -> (n, D_K)
    v = x @ W_V  # (n, D_MODEL) @ (D_MODEL, D_V) -> (n, D_V)
    return q, k, v


# --8<-- [end:qkv]


def score(query_token, key_token):
    """Raw score q · k of the sentence token ``query_token`` against ``key_token`` (a float)."""
    q, k, _ = qkv()
    i, j = TOKENS.index(query_token), TOKENS.index(key_token)
    return float(q[i] @ k[j])


def weight(query_token, key_token):
    """Attention weight of ``query_token`` on ``key_token``.

    The softmax of the query's row of Q Kᵀ / √D_K, read at the key's column (a float).
    """
    q, k, _ = qkv()
    i, j = TOKENS.index(query_token), TOKENS.index(key_token)
    row = q[i] @ k.T / np.sqrt(D_K)  # (5,) scores of this query against every key
    return float(softmax(row)[j])


def table(matrix, row_labels=TOKENS, col_labels=TOKENS, fmt=".2f"):
    """A 2-D matrix as aligned text, rows and columns labelled (default: the sentence's tokens)."""
    matrix = np.asarray(matrix, dtype=float)
    assert matrix.ndim == 2, f"table needs a 2-D array, got shape {matrix.shape}"
    assert matrix.shape == (len(row_labels), len(col_labels)), (
        f"{matrix.shape} matrix but {len(row_labels)} row and {len(col_labels)} column labels"
    )
    cells = [[format(x, fmt) for x in row] for row in matrix]
    width = max(len(str(c)) for c in (*col_labels, *(x for row in cells for x in row)))
    left = max(len(str(r)) for r in row_labels)
    lines = [" " * left + " " + " ".join(f"{c:>{width}}" for c in col_labels)]
    for label, row in zip(row_labels, cells, strict=True):
        lines.append(f"{label:>{left}} " + " ".join(f"{x:>{width}}" for x in row))
    return "\n".join(lines)
