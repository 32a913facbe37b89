"""The dark scheme for a reader whose browser runs no JavaScript.

Material's colours follow ``data-md-color-scheme`` on ``<body>``, which only a script
changes: without JavaScript every page stays in the first palette's scheme ("default",
light), whatever the reader's system asks for. Every rule written for the dark scheme
(``[data-md-color-scheme=slate]``, in Material's palette stylesheet and in ours) is
written again for the light body of a page whose ``<html>`` still has Material's
``no-js`` class, inside ``@media (prefers-color-scheme: dark)``. The script in the head of
every page (overrides/main.html) replaces ``no-js`` with ``js`` before the body is
styled, so with JavaScript these rules never apply and the palette toggle rules as before.

The copy is more specific than the light rule it replaces (a class more), so it wins
wherever both set a property.
"""

from __future__ import annotations

import re

import tinycss2

SLATE_RE = re.compile(r"""\[data-md-color-scheme=(["']?)slate\1\]""")
# "not dark" rules (``:not([data-md-color-scheme=slate])``) are light rules: not copied
NEGATED_SLATE_RE = re.compile(r":not\([^)]*data-md-color-scheme=[\"']?slate")
NO_JS_DARK = "[data-md-color-scheme=default]:is(.no-js *)"
NESTED_AT_RULES = {"media", "supports", "layer", "container"}


def _selectors(prelude: list) -> list[str]:
    """The comma-separated selectors of a rule's prelude, as text."""
    parts: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [tinycss2.serialize(part).strip() for part in parts]


def _dark_rules(rules: list) -> str:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            dark = [
                SLATE_RE.sub(NO_JS_DARK, s)
                for s in _selectors(rule.prelude)
                if SLATE_RE.search(s) and not NEGATED_SLATE_RE.search(s)
            ]
            if dark:
                out.append(",".join(dark) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in NESTED_AT_RULES:
            if rule.content is None:
                continue
            inner = _dark_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            )
            if inner:
                prelude = tinycss2.serialize(rule.prelude).strip()
                out.append(f"@{rule.at_keyword} {prelude}{{{inner}}}")
    return "".join(out)


def rules(css: str) -> str:
    """The dark-scheme rules of ``css`` for a page without JavaScript, in a
    ``prefers-color-scheme: dark`` block; "" when ``css`` has none."""
    inner = _dark_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    if not inner:
        return ""
    return (
        "/* ---- dark scheme without JavaScript (plugins/site/no_js_dark.py) ---- */\n"
        f"@media (prefers-color-scheme: dark){{{inner}}}\n"
    )
