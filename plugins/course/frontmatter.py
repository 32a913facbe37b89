"""Lesson front matter: read it straight from the files, check it, and say where it is wrong."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KIND = {str: "text", int: "whole number", list: "list"}
REQUIRED = {"title": str, "minutes": int, "prerequisites": list, "objectives": list}
OPTIONAL = {"hide", "search", "description", "status", "template", "glossary_skip"}
PAGE_RE = re.compile(r"^(?P<num>\d{2})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


class FrontMatterError(Exception):
    pass


@dataclass
class LessonInfo:
    slug: str
    number: int
    path: str  # relative to docs_dir, e.g. "lessons/04-softmax.md"
    title: str
    phase: str  # the nav section the page is in (mkdocs.yml), not front matter
    minutes: int
    prerequisites: list[str]
    objectives: list[str]
    extra: dict = field(default_factory=dict)


def _front_matter(text: str) -> tuple[str, int] | None:
    if not text.startswith("---"):
        return None
    end = re.search(r"^(---|\.\.\.)\s*$", text[3:], flags=re.MULTILINE)
    if not end:
        return None
    return text[3 : 3 + end.start()], 1


def key_line(path: Path, key: str) -> int:
    """The file line of front-matter key ``key`` in ``path`` (1 when not found)."""
    found = _front_matter(path.read_text(encoding="utf-8"))
    return (_key_line(found[0], key) or 1) if found else 1


def _key_line(block: str, key: str) -> int:
    for i, line in enumerate(block.split("\n")):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i + 1  # block line 0 is the rest of the opening "---" line (file line 1)
    return 0


def _load_yaml(block: str):
    """``yaml.safe_load(block)``, by libyaml's parser when PyYAML has it (ten times faster,
    same values). Text it refuses is parsed again by the pure-Python one, whose error (line
    and wording) is the one reported, as before."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(block, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(block)


def read_lesson(path: Path, rel: str, phase: str = "") -> LessonInfo:
    """Parse and check one lesson page's front matter; errors name file:line and the fix.

    ``phase`` is the nav section the page is in: the phases of the course are the nav's
    sections, declared once there."""
    where = f"docs/{rel}"
    text = path.read_text(encoding="utf-8")
    found = _front_matter(text)
    if found is None:
        raise FrontMatterError(
            f"{where}:1: a lesson page starts with front matter between '---' lines "
            f"({', '.join(REQUIRED)}); see the authoring guide"
        )
    block, _ = found
    try:
        meta = _load_yaml(block) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1  # block line 0 is the rest of file line 1
        raise FrontMatterError(
            f"{where}:{line}: front matter is not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{where}:2: front matter must be a mapping of keys to values")
    problems = []
    for key in meta:
        if key == "phase":
            problems.append(
                f"{where}:{_key_line(block, key)}: 'phase' is not set here: a lesson's phase "
                "is the nav section of mkdocs.yml it is listed in; remove this line"
            )
        elif key not in REQUIRED and key not in OPTIONAL:
            close = difflib.get_close_matches(str(key), [*REQUIRED, *OPTIONAL], n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(f"{where}:{_key_line(block, key)}: unknown key '{key}'{hint}")
    for key, kind in REQUIRED.items():
        if key not in meta:
            problems.append(f"{where}:2: missing '{key}' ({KIND[kind]})")
        elif not isinstance(meta[key], kind) or (kind is int and isinstance(meta[key], bool)):
            problems.append(
                f"{where}:{_key_line(block, key)}: '{key}' must be a "
                f"{KIND[kind]}, got {meta[key]!r}"
            )
    if isinstance(meta.get("minutes"), int) and not 1 <= meta["minutes"] <= 240:
        problems.append(f"{where}:{_key_line(block, 'minutes')}: minutes must be 1..240")
    for key in ("prerequisites", "objectives"):
        items = meta.get(key)
        if isinstance(items, list) and not all(isinstance(i, str) and i.strip() for i in items):
            problems.append(
                f"{where}:{_key_line(block, key)}: every item of '{key}' must be a non-empty string"
            )
    skip = meta.get("glossary_skip")
    if skip is not None and not (
        isinstance(skip, list) and all(isinstance(i, str) and i.strip() for i in skip)
    ):
        problems.append(
            f"{where}:{_key_line(block, 'glossary_skip')}: 'glossary_skip' is a "
            "list of glossary terms this page uses in another sense, e.g. "
            "[Temperature]"
        )
    if isinstance(meta.get("objectives"), list) and not meta["objectives"]:
        problems.append(
            f"{where}:{_key_line(block, 'objectives')}: list at least one "
            "objective (what the learner can do after the lesson)"
        )
    if problems:
        raise FrontMatterError("\n".join(problems))
    slug = Path(rel).stem
    return LessonInfo(
        slug=slug,
        number=int(slug[:2]),
        path=rel,
        title=meta["title"],
        phase=phase,
        minutes=meta["minutes"],
        prerequisites=list(meta["prerequisites"]),
        objectives=list(meta["objectives"]),
        extra={k: v for k, v in meta.items() if k not in REQUIRED},
    )


def check_prerequisites(lessons: dict[str, LessonInfo], root: Path) -> list[str]:
    """Problems with prerequisites: unknown slugs, self-references, later lessons."""
    problems = []
    for info in lessons.values():
        block = _front_matter((root / info.path).read_text(encoding="utf-8"))[0]
        key = _key_line(block, "prerequisites")
        for slug in info.prerequisites:
            line = _item_line(block, key, slug)
            if slug not in lessons:
                close = _closest_lesson(slug, lessons)
                hint = f'; did you mean "{close}"?' if close else ""
                problems.append(
                    f"docs/{info.path}:{line}: prerequisite '{slug}' is not a lesson{hint}"
                )
            elif lessons[slug].number >= info.number:
                problems.append(
                    f"docs/{info.path}:{line}: prerequisite '{slug}' comes after "
                    "this lesson; a prerequisite must be an earlier lesson"
                )
    return problems


def _item_line(block: str, key: int, item: str) -> int:
    """The file line of list item ``item`` of the key on line ``key`` (the key's own line
    for a one-line list, or when not found)."""
    lines = block.split("\n")
    for i in range(key - 1, len(lines)):
        if i > key - 1 and re.match(r"^\S", lines[i]):  # the next key: the list has ended
            break
        if re.search(rf"(?<![\w-]){re.escape(item)}(?![\w-])", lines[i]):
            return i + 1
    return key


def _closest_lesson(slug: str, lessons: dict[str, LessonInfo]) -> str | None:
    """The lesson a misspelt slug most likely means: the one with its number when the
    rest is alike, else the closest by name (numbers left out), else by whole slug."""
    number, _, name = slug.partition("-")
    names = {s.partition("-")[2]: s for s in lessons}
    same_number = [s for s in lessons if s.partition("-")[0] == number]
    for candidate in same_number:
        if difflib.SequenceMatcher(None, name, candidate.partition("-")[2]).ratio() >= 0.5:
            return candidate
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    if close:
        return names[close[0]]
    close = difflib.get_close_matches(slug, list(lessons), n=1, cutoff=0.6)
    return close[0] if close else None
