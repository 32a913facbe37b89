"""Where quizzes go in a page's Markdown (plain text functions, no MkDocs).

Two ways, both replaced by a placeholder paragraph (a unique word) that the adapter swaps
for the rendered quiz after Markdown has run, so Markdown never touches the quiz HTML:

- the lesson's own quiz: a level-2 heading (``## End-of-lesson quiz``) and the
  placeholder, inserted right before the level-2 heading "What's next" if the page has
  one, else at the end;
- a block anywhere, possibly indented (inside an admonition or a tab)::

      /// quiz | quizzes/extra.yaml
      ///

  whose quiz title is a heading one level below the heading above the block (so the
  page's outline stays in order).

Lines inside fenced code blocks are never touched, so pages can show the syntax.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import Problem

FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
BLOCK_RE = re.compile(r"^(?P<indent>[ \t]*)///[ \t]*quiz\b(?P<rest>.*)$")
CLOSE_RE = re.compile(r"^[ \t]*///[ \t]*$")


class PlacementError(Exception):
    """A quiz block that cannot be read, with its 1-based line in the page."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s")


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of "/// quiz | ..."
    path: str  # as written, e.g. "quizzes/extra.yaml"
    marker: str
    level: int = 2  # heading level for the quiz title: one below the heading above the block


def code_lines(lines: list[str]) -> set[int]:
    """Indices of the lines inside fenced code blocks (fence lines included)."""
    inside: set[int] = set()
    fence: str | None = None
    for i, line in enumerate(lines):
        m = FENCE_RE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                inside.add(i)
            continue
        inside.add(i)
        stripped = line.strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            fence = None
    return inside


def replace_blocks(markdown: str, marker: Callable[[], str]) -> tuple[str, list[Block]]:
    """Replace every ``/// quiz | path`` block by a placeholder from ``marker()``."""
    lines = markdown.split("\n")
    code = code_lines(lines)
    out: list[str] = []
    blocks: list[Block] = []
    level = 1  # the page title
    i = 0
    while i < len(lines):
        m = BLOCK_RE.match(lines[i]) if i not in code else None
        if not m:
            heading = HEADING_RE.match(lines[i]) if i not in code else None
            if heading:
                level = len(heading.group(1))
            out.append(lines[i])
            i += 1
            continue
        path = _block_path(m.group("rest"), i + 1)
        close = i + 1
        while close < len(lines) and not lines[close].strip():
            close += 1
        if close >= len(lines) or not CLOSE_RE.match(lines[close]):
            raise PlacementError(
                i + 1, f"the block '/// quiz | {path}' needs a closing '///' on the next line"
            )
        token = marker()
        blocks.append(Block(i + 1, path, token, min(level + 1, 6)))
        indent = m.group("indent")
        out += ["", indent + token, ""]
        i = close + 1
    return "\n".join(out), blocks


def _block_path(rest: str, line: int) -> str:
    rest = rest.strip()
    if not rest.startswith("|") or not rest[1:].strip():
        raise PlacementError(line, "a quiz block names its file: '/// quiz | quizzes/name.yaml'")
    return rest[1:].strip().strip("\"'")


def heading_re(title: str) -> re.Pattern[str]:
    """A level-2 ATX heading with this title (any case, straight or curly apostrophe)."""
    words = re.escape(title).replace("'", "['’]").replace("\\ ", r"\s+")
    return re.compile(rf"^##\s+{words}\s*#*\s*(\{{[^}}]*\}})?\s*$", re.IGNORECASE)


def insert_section(markdown: str, heading: str, before: str, marker: str) -> str:
    """Add ``## heading`` and the placeholder before the ``## before`` heading, or at the end."""
    lines = markdown.split("\n")
    code = code_lines(lines)
    target = heading_re(before)
    section = [f"## {heading}", "", marker, ""]
    for i, line in enumerate(lines):
        if i not in code and target.match(line):
            return "\n".join(lines[:i] + section + lines[i:])
    return markdown.rstrip("\n") + "\n\n" + "\n".join(section)


def unshown_problem(key: str, lessons: Iterable[str], pages_dir: str, quizzes_dir: str) -> Problem:
    """The problem of quiz file ``key`` that no page shows: neither the lesson page of its
    name (``lessons``: the lesson slugs) nor a ``/// quiz`` block."""
    slug = PurePosixPath(key).stem
    page = f"docs/{pages_dir}/{slug}.md"
    close = difflib.get_close_matches(slug, sorted(lessons), n=1, cutoff=0.6)
    hint = f" (did you mean {quizzes_dir}/{close[0]}.yaml?)" if close else ""
    return Problem(
        key,
        1,
        1,
        "quiz",
        f"no lesson page {page} for this quiz and no page shows it with "
        f"'/// quiz | {key}'; rename the file after its lesson{hint}, create the page, "
        "or place the quiz on a page with that block",
    )
