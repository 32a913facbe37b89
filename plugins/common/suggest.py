""" "Did you mean": the closest of a set of names, for error messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like ``name`` (``difflib``'s ratio at least ``cutoff``), or None."""
    close = difflib.get_close_matches(name, sorted(set(choices)), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(name: str, choices: Iterable[str], quote: str = '"', cutoff: float = 0.6) -> str:
    """``'; did you mean "close"?'`` for the closest choice, or "" when none is close."""
    close = closest(name, choices, cutoff)
    return f"; did you mean {quote}{close}{quote}?" if close else ""
