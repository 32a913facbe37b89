"""Problems found in a quiz file, and the one exception the core raises for them.

Every problem knows where it is (``path:line:col``, 1-based), which field it is about
(``questions[2].options``) and what to do about it, so the CLI and the MkDocs build print
the same line: ``quizzes/softmax.yaml:14:7: questions[2].options: a 'single' question
needs exactly one correct option; 2 are marked correct``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class QuizError(Exception):
    """One or more problems in one or more quiz files (never raised for anything else)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def describe(value: object) -> str:
    """How a found value is named in messages: ``a list``, ``text "abc"``, ``the number 3``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{short}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def report(problems: Iterable[Problem], found: str = "") -> str:
    """The message that stops a build: how many problems, then one line each. ``found``
    says how they were found; by default ``python -m plugins.quiz check`` finds them too."""
    lines = [str(p) for p in sorted(problems)]
    found = found or "python -m plugins.quiz check lists them too"
    return f"quiz: {len(lines)} problem(s) in quiz files ({found}):\n" + "\n".join(lines)
