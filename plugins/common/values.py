"""``{{ name }}`` placeholders: filled with the values a lesson script recorded.

Shared by the lessons plugin (lesson pages), the explorer (its page) and the quiz engine
(quiz text), so all read the same syntax, escape the same way and word an unknown name the
same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from .pages import PageProblem, code_lines
from .suggest import did_you_mean

VALUE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class UnknownValue(Exception):
    """A placeholder whose name is not among the recorded values."""

    def __init__(self, name: str, values: Mapping[str, str]):
        super().__init__(name)
        self.name = name
        self.values = values

    def describe(self, script: str, fix: str = "") -> str:
        """What is wrong and how to fix it, naming the code that records the values."""
        known = ", ".join(sorted(self.values)) or "none yet"
        fix = fix or f'add report.value("{self.name}", ...) to the script'
        return (
            f'"{{{{ {self.name} }}}}" is not a value recorded by {script}'
            f"{did_you_mean(self.name, self.values)} (it records: {known}; {fix})"
        )


def has_placeholder(text: str) -> bool:
    return "{{" in text and VALUE_RE.search(text) is not None


def fill(text: str, values: Mapping[str, str], escape: bool = True) -> str:
    """``text`` with every ``{{ name }}`` replaced by ``values[name]``. ``UnknownValue`` for a
    name not in ``values``.

    ``escape``: HTML-escape each value, for Markdown that may hold raw HTML (a value is text,
    never markup: a script that records "<b>" shows "<b>"); pass False when whoever renders
    the text escapes it already (quiz text)."""
    if "{{" not in text:
        return text

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise UnknownValue(name, values)
        return html.escape(values[name], quote=False) if escape else values[name]

    return VALUE_RE.sub(replace, text)


def fill_markdown(markdown: str, values: Mapping[str, str], script: str, fix: str = "") -> str:
    """``markdown`` with ``{{ name }}`` filled outside fenced code (code shows what it says).

    An unknown name raises :class:`PageProblem` at its line, worded by
    :meth:`UnknownValue.describe` (``script`` names what records the values)."""
    lines = markdown.split("\n")
    code = code_lines(lines)
    for i, line in enumerate(lines):
        if i in code or "{{" not in line:
            continue
        try:
            lines[i] = fill(line, values)
        except UnknownValue as unknown:
            raise PageProblem(i + 1, unknown.describe(script, fix)) from None
    return "\n".join(lines)
