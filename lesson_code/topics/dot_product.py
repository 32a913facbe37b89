"""The dot product as an alignment score, for lesson 3.

Vectors are 1-D arrays of the same length ``d``; a set of keys is ``(n, d)``, one per row.
The running example is one 2-D query and four 2-D keys chosen so that every number can
be checked with pencil and paper.
"""

from __future__ import annotations

import numpy as np

QUERY = np.array([2.0, 1.0])  # (2,)
KEY_NAMES = ["A", "B", "C", "D"]
KEYS = np.array(
    [
        [1.0, 0.5],  # A: same direction as the query, short
        [1.0, 3.0],  # B: 45 degrees off, long
        [-1.0, 2.0],  # C: perpendicular
        [-2.0, -1.0],  # D: opposite
    ]
)  # (4, 2), one key per row


# --8<-- [start:by_hand]
def dot_by_hand(a, b) -> float:
    """a[0]*b[0] + a[1]*b[1] + ...: a plain loop, no numpy."""
    assert len(a) == len(b), f"need equal lengths, got {len(a)} and {len(b)}"
    total = 0.0
    for a_i, b_i in zip(a, b, strict=True):
        total += a_i * b_i
    return float(total)


# --8<-- [end:by_hand]


def length(a) -> float:
    """Euclidean length |a| = sqrt(a . a)."""
    a = np.asarray(a, dtype=float)
    return float(np.sqrt(a @ a))


# --8<-- [start:cosine]
def cosine_similarity(a, b) -> float:
    """Cosine of the angle between a and b: a . b with both lengths divided out.

    In [-1, 1]: 1 same direction, 0 perpendicular, -1 opposite,
    whatever the lengths.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(a @ b / (length(a) * length(b)))


# --8<-- [end:cosine]


def angle_degrees(a, b) -> float:
    """Angle between a and b in degrees, from 0 (aligned) to 180 (opposite)."""
    return float(np.degrees(np.arccos(np.clip(cosine_similarity(a, b), -1.0, 1.0))))


def scores(query, keys) -> np.ndarray:
    """Dot product of one query (d,) with every key (n, d): returns (n,)."""
    return np.asarray(keys, dtype=float) @ np.asarray(query, dtype=float)


def break_even_angle(query, short_key, long_length) -> float:
    """Largest angle (degrees) at which a key of length ``long_length`` still outscores
    ``short_key``: the angle where |q| * long_length * cos(angle) = q . short_key.
    """
    target = dot_by_hand(query, short_key) / (length(query) * long_length)
    assert abs(target) <= 1.0 + 1e-12, f"no break-even angle: cos would be {target:.3f}"
    return float(np.degrees(np.arccos(np.clip(target, -1.0, 1.0))))
