"""What the trained heads do, measured on sequences of random tokens written twice.

On ``t_1 .. t_m t_1 .. t_m`` every token of the second copy occurred once before, so two
kinds of head can be told apart by where their weight goes from a query at position i of
the second copy:

- a previous-token head puts its weight on i - 1;
- an induction head puts it on i - m + 1: the token that followed the earlier occurrence of
  the current token, which is exactly the token to predict next.

Uniform attention over the i + 1 visible positions would give each about 1 / (i + 1).
"""

from __future__ import annotations

import numpy as np


def head_scores(model, ids, ablate=()):
    """(previous_token, induction): two (n_layers, n_heads) arrays of mean attention weight.

    ids: (count, 2 * m) sequences of m random tokens written twice (``repeated_sequences``).
    The mean is over every sequence and every query position of the second copy.
    ablate: (layer, head) pairs removed first (a later layer's patterns may change).
    """
    ids = np.asarray(ids)
    half = ids.shape[-1] // 2
    weights = np.stack(model.run(ids, ablate).weights, axis=1)  # (count, layers, heads, n, n)
    queries = np.arange(half, 2 * half)
    previous = weights[..., queries, queries - 1].mean(axis=(0, -1))
    induction = weights[..., queries, queries - half + 1].mean(axis=(0, -1))
    return previous, induction


def uniform_weight(ids):
    """The mean weight uniform attention would give one position, over the same queries."""
    half = np.asarray(ids).shape[-1] // 2
    return float(np.mean(1.0 / (np.arange(half, 2 * half) + 1)))


def best_head(scores):
    """(layer, head) of the largest score in an (n_layers, n_heads) array."""
    layer, head = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(layer), int(head)


def copying_accuracy(model, ids, ablate=()):
    """Fraction of the second copy's tokens the model predicts right (argmax), with the
    heads in ``ablate`` removed. Positions of the first copy are unpredictable and left out;
    so is the first token of the second copy (nothing before it says the copy begins)."""
    ids = np.asarray(ids)
    half = ids.shape[-1] // 2
    logits = model.run(ids[:, :-1], ablate).logits  # predicts ids[:, 1:]
    guesses = logits[:, half:].argmax(axis=-1)  # predictions for positions half + 1 ..
    return float(np.mean(guesses == ids[:, half + 1 :]))


def copying_loss(model, ids, ablate=()):
    """Mean cross-entropy (nats) on the same positions as ``copying_accuracy``."""
    ids = np.asarray(ids)
    half = ids.shape[-1] // 2
    logits = model.run(ids[:, :-1], ablate).logits[:, half:]
    logits = logits - logits.max(axis=-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    targets = ids[:, half + 1 :, None]
    return float(-np.mean(np.take_along_axis(log_probs, targets, axis=-1)))


def uniform_loss(vocab_size):
    """The loss (nats per token) of guessing: probability 1 / vocab_size for every token."""
    return float(np.log(vocab_size))


def first_step_above(steps, scores, threshold):
    """The first of ``steps`` at which ``scores`` (one per step) exceeds ``threshold``."""
    above = np.flatnonzero(np.asarray(scores) > threshold)
    if not len(above):
        raise ValueError(f"the score never exceeds {threshold}")
    return int(np.asarray(steps)[above[0]])
