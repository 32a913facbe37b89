"""The sequences the small transformer learns from, and the ones it is measured on.

Tokens are abstract: integers ``0 .. vocab_size - 1`` with no meaning of their own. What
makes a sequence predictable is repetition, so the only way to beat guessing is to notice
that the current token occurred before and to copy what came after it then (an induction
head). Two kinds of training sequence, mixed half and half:

- a random pattern of random length repeated until the sequence is full
  (``7 3 9 7 3 9 7 3 ...``): most tokens can be copied from one period back;
- random tokens with one random segment repeated somewhere later: most tokens are
  unpredictable, a few can be copied.

The period and the segment's place change from sequence to sequence, so no fixed offset
("copy from 5 tokens back") works: the model has to find the earlier occurrence itself.
"""

from __future__ import annotations

import numpy as np


def training_batch(rng, count, length, vocab_size):
    """``count`` training sequences of ``length`` tokens: int array (count, length)."""
    batch = rng.integers(0, vocab_size, size=(count, length))
    for row in batch:
        if rng.random() < 0.5:  # a pattern repeated to fill the row
            period = rng.integers(4, length // 2 + 1)
            row[:] = np.resize(rng.integers(0, vocab_size, size=period), length)
        else:  # random tokens, one segment copied to a later place
            size = rng.integers(3, length // 3)
            start = rng.integers(0, length - 2 * size + 1)
            copy_to = rng.integers(start + size, length - size + 1)
            row[copy_to : copy_to + size] = row[start : start + size]
    return batch


def repeated_sequences(rng, count, half, vocab_size):
    """``count`` sequences made of ``half`` random tokens written twice: (count, 2 * half).

    The test sequences of the measurements: in the second copy, the token at position i
    occurred before at i - half, and what follows it, at i + 1, followed it then, at
    i - half + 1. A previous-token head looks at i - 1; an induction head at i - half + 1.
    """
    tokens = rng.integers(0, vocab_size, size=(count, half))
    return np.concatenate([tokens, tokens], axis=1)
