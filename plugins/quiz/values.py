"""``{{ name }}`` in quiz text, filled from the values the page's lesson script recorded.

A quiz shown on a lesson page may quote the numbers that lesson computed ("the top weight
was {{ top_weight }}"); they are filled in before the quiz is rendered, with the shared
syntax of :mod:`plugins.values`. An unknown name, or a placeholder in a quiz shown on a page
whose lesson records no values, is a :class:`QuizError` at the quiz file's line: a
placeholder is never published as typed. Values are inserted as they are: the renderer
escapes quiz text (raw HTML in quiz Markdown is shown as text).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..common import values as placeholders
from .errors import Problem, QuizError
from .model import Mark, Quiz, yaml_fields

# Keys that are code or identifiers, not text shown to learners
NOT_TEXT = frozenset({"type", "id", "answer_from", "accept_regex", "shuffle_reason"})


def fill_values(quiz: Quiz, values: Mapping[str, str] | None, source: str, page: str) -> Quiz:
    """``quiz`` with its placeholders filled from ``values`` (recorded by ``source``, the
    lesson script of ``page``); ``values`` is None when the page has no lesson script."""
    problems: list[Problem] = []
    filled = _fill(quiz, "", values, source, page, quiz.path, problems)
    if problems:
        raise QuizError(problems)
    return filled


def _fill(obj, where, values, source, page, path, problems):
    changes = {}
    for f in yaml_fields(type(obj)):
        if f.name in NOT_TEXT:
            continue
        value = getattr(obj, f.name)
        field = f"{where}.{f.name}" if where else f.name
        if isinstance(value, str):
            mark = obj.where.get(f.name, obj.where[""])
            new = _text(value, field, mark, values, source, page, path, problems)
            if new is not value:
                changes[f.name] = new
        elif isinstance(value, list):
            items = []
            for i, item in enumerate(value):
                spot = f"{field}[{i}]"
                if isinstance(item, str):
                    mark = obj.where.get(f"{f.name}[{i}]", obj.where[""])
                    items.append(_text(item, spot, mark, values, source, page, path, problems))
                elif dataclasses.is_dataclass(item):
                    items.append(_fill(item, spot, values, source, page, path, problems))
                else:
                    items.append(item)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[f.name] = items
    return dataclasses.replace(obj, **changes) if changes else obj


def _text(text, field, mark: Mark, values, source, page, path, problems):
    if not placeholders.has_placeholder(text):
        return text
    if values is None:
        name = placeholders.VALUE_RE.search(text).group(1)
        problems.append(
            Problem(
                path,
                mark.line,
                mark.col,
                field,
                f'"{{{{ {name} }}}}": the quiz is shown on {page}, which has no lesson script '
                "to record values; write the value itself, or show the quiz on its lesson page",
            )
        )
        return text
    try:
        return placeholders.fill(text, values, escape=False)  # the renderer escapes
    except placeholders.UnknownValue as unknown:
        problems.append(Problem(path, mark.line, mark.col, field, unknown.describe(source)))
        return text
