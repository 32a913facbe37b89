"""``{{ name }}`` placeholders: filled with the values a lesson script recorded.

Shared by the lessons plugin (lesson pages) and the quiz engine (quiz text), so both read
the same syntax, escape the same way and word an unknown name the same way. Not a plugin.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping

VALUE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class UnknownValue(Exception):
    """A placeholder whose name is not among the recorded values."""

    def __init__(self, name: str, values: Mapping[str, str]):
        super().__init__(name)
        self.name = name
        self.values = values

    def describe(self, script: str) -> str:
        """What is wrong and how to fix it, naming the script that records the values."""
        known = ", ".join(sorted(self.values)) or "none yet"
        return (
            f'"{{{{ {self.name} }}}}" is not a value recorded by {script}'
            f"{suggestion(self.name, self.values)}"
            f' (it records: {known}; add report.value("{self.name}", ...) to the script)'
        )


def suggestion(name: str, values: Mapping[str, str]) -> str:
    close = difflib.get_close_matches(name, list(values), n=1)
    return f'; did you mean "{close[0]}"?' if close else ""


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
