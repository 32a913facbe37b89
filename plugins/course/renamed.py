"""Lessons that moved to a new slug (``make rename``): where each old slug leads now.

mkdocs.yml lists them under the course plugin::

    - course:
        renamed_lessons:
          17-cost-and-scale: 25-cost-and-scale

The course script moves a learner's stored progress (visits, "continue", quiz answers)
from the old slug to the new one on their next visit. A chain (a renamed twice) leads to
where the lesson is now. An old slug that is a lesson again, or a new slug that is no
lesson, is an error naming the line of mkdocs.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

SLUG_RE = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def _line(config_file: Path, slug: str) -> int:
    """The line of mkdocs.yml where ``slug`` is a key of renamed_lessons (1 if not found)."""
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^\s*{re.escape(slug)}\s*:")
    return next((i for i, text in enumerate(lines, 1) if pattern.match(text)), 1)


def resolve(
    renamed: dict, lessons: set[str], config_file: Path
) -> tuple[dict[str, str], list[str]]:
    """({old slug: the lesson's slug now}, problems as "mkdocs.yml:LINE: ..." lines)."""
    where = config_file.name
    problems, moved = [], {}
    for old, new in renamed.items():
        line = f"{where}:{_line(config_file, str(old))}"
        if not (isinstance(old, str) and isinstance(new, str)) or not (
            SLUG_RE.match(old) and SLUG_RE.match(new)
        ):
            problems.append(
                f"{line}: renamed_lessons: '{old}: {new}' is not 'old-slug: new-slug' "
                "(two digits, a hyphen and lower-case words, e.g. 17-cost-and-scale)"
            )
            continue
        if old in lessons:
            problems.append(
                f"{line}: renamed_lessons: {old} is a lesson again, so learners' progress "
                "under it must stay; remove this entry"
            )
            continue
        seen, target = {old}, new
        while target in renamed and target not in lessons and target not in seen:
            seen.add(target)
            target = renamed[target]
        if target not in lessons:
            problems.append(
                f"{line}: renamed_lessons: {old} leads to {target}, which is no lesson "
                "(docs/lessons/<slug>.md); correct the new slug"
            )
            continue
        moved[old] = target
    return moved, problems


def meta_content(moved: dict[str, str]) -> str:
    """The moves as the course script reads them: "old=new old=new"."""
    return " ".join(f"{old}={new}" for old, new in sorted(moved.items()))
