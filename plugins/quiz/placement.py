"""Which page shows which quiz: every quiz file must be shown on some page.

The build learns where quizzes are shown by rendering the blocks (:mod:`.extension`);
``python -m plugins.quiz check`` reads the block headers of the pages instead
(:func:`block_paths`, no Markdown run), so both report the same quiz that no page shows, in
the words of :func:`unshown_problem`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ..common.pages import code_lines
from ..common.suggest import closest
from .errors import Problem

HEADER_RE = re.compile(r"^[ \t]*/{3,}[ \t]*quiz[ \t]*(?:\|(?P<path>.*))?$")


def block_paths(markdown: str) -> list[tuple[int, str]]:
    """``(line, path)`` of every ``/// quiz | path`` header outside fenced code (1-based
    lines; path "" when the header names none)."""
    lines = markdown.split("\n")
    code = code_lines(lines)
    found = []
    for i, line in enumerate(lines):
        m = HEADER_RE.match(line) if i not in code else None
        if m:
            found.append((i + 1, (m.group("path") or "").strip().strip("\"'")))
    return found


def unshown_problem(key: str, pages: Iterable[str]) -> Problem:
    """The problem of quiz file ``key`` that no page shows; ``pages``: the site's pages
    (``lessons/04-softmax.md``, relative to ``docs/``), to name the one that should."""
    slug = PurePosixPath(key).stem
    by_stem = {PurePosixPath(p).stem: p for p in sorted(pages)}
    if slug in by_stem:
        target = f"docs/{by_stem[slug]}, under its heading '## End-of-lesson quiz'"
    elif close := closest(slug, by_stem):
        target = f"the page that should show it (docs/{by_stem[close]}?)"
    else:
        target = "the page that should show it"
    return Problem(
        key,
        1,
        1,
        "quiz",
        f"no page shows this quiz; add the block '/// quiz | {key}' (and '///' on the next "
        f"line) to {target}",
    )
