"""A page's source as plugins see it: where its lines are, which are code, and the problem
type that carries a page line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")


class PageProblem(Exception):
    """A problem in a page, with the 1-based line (of the Markdown a plugin was given) it is
    on; :func:`where` turns it into ``docs/<page>:<line in the source file>``."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def front_matter_lines(page, markdown: str) -> int:
    """Lines MkDocs removed from the top of ``page``'s source (front matter, blank lines)
    before handing ``markdown`` to plugins.

    MkDocs only removes text at the start of the file, so the difference in line counts
    between the source file and the Markdown is that offset.
    """
    path = page.file.abs_src_path
    if not path or not Path(path).is_file():
        return 0
    source = Path(path).read_text(encoding="utf-8")
    return max(0, source.count("\n") - markdown.count("\n"))


def where(page, markdown: str, line: int) -> str:
    """``docs/<src>:<line>`` of 1-based ``line`` of ``markdown``, counted in the source."""
    return f"docs/{page.file.src_uri}:{line + front_matter_lines(page, markdown)}"


def code_lines(lines: Sequence[str]) -> set[int]:
    """Indices of lines inside fenced code blocks (fence lines included)."""
    inside: set[int] = set()
    fence = None
    for i, line in enumerate(lines):
        m = FENCE_RE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            inside.add(i)
        elif fence is not None:
            inside.add(i)
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
    return inside


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (the project), POSIX style; as given when outside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
