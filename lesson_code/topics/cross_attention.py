"""A hand-built English -> French pair for cross-attention (lesson 11).

The source sentence "the black cat drinks milk" (5 tokens) is translated into
"le chat noir boit du lait" (6 tokens). French puts the colour after the noun, so
"chat noir" swaps the order of "black cat", and "milk" becomes two words, "du lait".

Every vector lives in a small "meaning" space with one axis per feature (``FEATURES``).
The English vectors play the encoder's output (they give the keys and the values); the
French vectors play the decoder's states (they give the queries). Nothing here is learned:
the vectors are written by hand so that the alignment a trained model would find is
visible in the weights.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import scaled_dot_product_attention, softmax

FEATURES = ("article", "colour", "animal", "drinking", "liquid", "noun")
SOURCE_TOKENS = ("the", "black", "cat", "drinks", "milk")
TARGET_TOKENS = ("le", "chat", "noir", "boit", "du", "lait")

# One row per English token, one column per feature: (5, 6)
_SOURCE = {
    "the": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "black": [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    "cat": [0.0, 0.0, 1.0, 0.0, 0.0, 0.5],
    "drinks": [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    "milk": [0.0, 0.0, 0.0, 0.0, 1.0, 0.5],
}
# What each French token is looking for in the source, before sharpening: (6, 6).
# "du" (a partitive article) looks for the liquid it introduces, and a little for an article.
_TARGET = {
    "le": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "chat": [0.0, 0.0, 1.0, 0.0, 0.0, 0.5],
    "noir": [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    "boit": [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    "du": [0.4, 0.0, 0.0, 0.0, 0.8, 0.0],
    "lait": [0.0, 0.0, 0.0, 0.0, 1.0, 0.5],
}
SHARPNESS = 5.0  # queries are scaled up so the softmax picks a clear partner


def source_vectors():
    """Encoder outputs for the English tokens: (n_source, d) = (5, 6)."""
    return np.array([_SOURCE[t] for t in SOURCE_TOKENS])


def target_vectors(sharpness=SHARPNESS):
    """Decoder states (queries) for the French tokens: (n_target, d) = (6, 6).

    ``sharpness`` multiplies every query; larger values make the weights more decisive.
    """
    return sharpness * np.array([_TARGET[t] for t in TARGET_TOKENS])


def cross_attention(target=None, source=None):
    """Target tokens ask, source tokens answer.

    target: (n_target, d) queries; defaults to ``target_vectors()``
    source: (n_source, d) keys and values; defaults to ``source_vectors()``

    Returns (output, weights): output (n_target, d), weights (n_target, n_source).
    """
    target = target_vectors() if target is None else np.asarray(target, dtype=float)
    source = source_vectors() if source is None else np.asarray(source, dtype=float)
    return scaled_dot_product_attention(target, source, source)


def alignment():
    """For each French token, the English token it gives the most weight: dict of str."""
    _, weights = cross_attention()  # (6, 5)
    best = [SOURCE_TOKENS[i] for i in weights.argmax(axis=1)]  # one source token per target row
    return dict(zip(TARGET_TOKENS, best, strict=True))


def weight(target_token, source_token):
    """The weight the French ``target_token`` puts on the English ``source_token``."""
    _, weights = cross_attention()
    return float(weights[TARGET_TOKENS.index(target_token), SOURCE_TOKENS.index(source_token)])


def cross_attention_row(query, keys):
    """Weights of one query over a list of keys, softmax(q kᵀ / √d_k).

    query: (d_k,)  keys: (n_source, d_k). Returns (n_source,) weights that sum to 1.
    """
    query = np.asarray(query, dtype=float)
    keys = np.asarray(keys, dtype=float)
    assert keys.ndim == 2 and keys.shape[1] == query.shape[0], (
        f"keys must be (n_source, {query.shape[0]}), got {keys.shape}"
    )
    return softmax(keys @ query / np.sqrt(query.shape[0]))
