"""Links and nav entries that point at no page, found with the line to fix.

MkDocs reports a link to a missing page without its line, and a nav entry to a missing
page only as an INFO message; the course stops the build naming the place instead.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from ..common.pages import code_lines
from ..common.suggest import closest

# [text](target "title") and ![alt](target); the target without spaces or parentheses
LINK_RE = re.compile(r"!?\[[^\]\n]*\]\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\)")
INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+\1")


def _local_page(target: str) -> str | None:
    """The path part of a link to a Markdown page of this site, or None for anything else
    (another host, an anchor on this page, an asset)."""
    target = target.strip("<>")
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith(("#", "/")):
        return None
    path = re.split(r"[#?]", target, maxsplit=1)[0]
    return path if path.endswith(".md") else None


def missing_links(markdown: str, src: str, pages: Iterable[str]) -> list[tuple[int, str, str]]:
    """(1-based line, link target, closest existing page or "") of every link in
    ``markdown`` (the page ``src``, relative to docs_dir) to a ``.md`` page not among
    ``pages``. Links in fenced or inline code are text, not links."""
    known = set(pages)
    base = posixpath.dirname(src)
    lines = markdown.split("\n")
    code = code_lines(lines)
    found = []
    for i, line in enumerate(lines):
        if i in code or "](" not in line:
            continue
        for m in LINK_RE.finditer(INLINE_CODE_RE.sub("", line)):
            path = _local_page(m.group("target"))
            if path is None:
                continue
            resolved = posixpath.normpath(posixpath.join(base, path))
            if resolved not in known:
                close = closest(resolved, known, cutoff=0.8) or ""
                if close:
                    close = posixpath.relpath(close, base or ".")
                found.append((i + 1, m.group("target"), close))
    return found


def nav_paths(nav) -> list[str]:
    """Every page path (``lessons/01-x.md``) in a MkDocs ``nav`` setting, in order."""
    found: list[str] = []
    items = nav if isinstance(nav, list) else [nav]
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found += nav_paths(value) if isinstance(value, list | dict) else [value]
    return [p for p in found if isinstance(p, str) and not re.match(r"^[a-z]+:", p)]


def missing_nav_entries(config_file: Path, nav, pages: Iterable[str]) -> list[str]:
    """``mkdocs.yml:line: ...`` for every nav entry that is not a page of the site."""
    known = set(pages)
    text = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
    problems = []
    for path in nav_paths(nav or []):
        if path in known or not path.endswith(".md"):
            continue
        at = text.find(path)
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        close = closest(path, known, cutoff=0.8)
        hint = f"; did you mean {close}?" if close else ""
        problems.append(
            f"{config_file.name}:{line}: nav entry {path} is not a page of docs/{hint} "
            "(fix the path, or create the page)"
        )
    return problems
