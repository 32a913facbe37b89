"""`make rename LESSON=20-entropy-attention-weights TO=20-attention-entropy`: move a lesson.

    python -m plugins.lessons.rename 20-entropy-attention-weights 20-attention-entropy

A lesson's slug is in five kinds of places: its page (docs/lessons/<slug>.md), its script
(lesson_code/lessons/<slug_with_underscores>.py), its quiz (quizzes/<slug>.yaml), the nav
of mkdocs.yml, and references elsewhere: links to the page, snippet paths of its outputs
("<slug>/name.txt") and of its script, the quiz block on its page, other lessons'
prerequisites. This moves the three files and rewrites every reference in docs/,
quizzes/ and mkdocs.yml, then lists what it changed. Whatever it cannot know (a slug
spelt out in prose) stays; the build names any reference left broken (missing page,
snippet or nav entry) with its line. The move is recorded under the course plugin's
``renamed_lessons`` in mkdocs.yml, so a learner's stored progress follows the lesson.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .scaffold import ROOT, SLUG_MAX

FULL_SLUG_RE = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def _files(root: Path, slug: str) -> list[Path]:
    """The three files of lesson ``slug`` (those that exist)."""
    candidates = [
        root / "docs" / "lessons" / f"{slug}.md",
        root / "lesson_code" / "lessons" / f"{slug.replace('-', '_')}.py",
        root / "quizzes" / f"{slug}.yaml",
    ]
    return [p for p in candidates if p.is_file()]


def _reference_re(old: str) -> re.Pattern:
    """The old slug (or its script stem) where it stands as a whole name."""
    names = "|".join(re.escape(n) for n in (old, old.replace("-", "_")))
    return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")


def check(root: Path, old: str, new: str) -> list[Path]:
    """The files of ``old``; SystemExit with the fix when the rename cannot be done."""
    for slug, what in ((old, "LESSON"), (new, "TO")):
        if not FULL_SLUG_RE.match(slug) or len(slug) > SLUG_MAX + 3:
            raise SystemExit(
                f'make rename: {what}="{slug}" is not a lesson slug: two digits, a hyphen and '
                "lower-case words joined by single hyphens, e.g. 20-attention-entropy"
            )
    files = _files(root, old)
    if not any(p.suffix == ".md" for p in files):
        known = sorted(p.stem for p in (root / "docs" / "lessons").glob("[0-9][0-9]-*.md"))
        raise SystemExit(
            f"make rename: there is no lesson docs/lessons/{old}.md (lessons: {', '.join(known)})"
        )
    taken = _files(root, new)
    if taken:
        raise SystemExit(
            f"make rename: {taken[0].relative_to(root)} already exists; choose another TO"
        )
    return files


def rename(root: Path, old: str, new: str) -> list[str]:
    """Move lesson ``old`` to ``new`` and rewrite every reference; what was done, a line
    each."""
    files = check(root, old, new)
    done = []
    for path in files:
        target = path.with_name(path.name.replace(old, new).replace(*_stems(old, new)))
        path.rename(target)
        done.append(f"moved {path.relative_to(root)} -> {target.relative_to(root)}")
    pattern = _reference_re(old)
    places = [root / "mkdocs.yml", *sorted((root / "docs").rglob("*.md"))]
    places += sorted((root / "quizzes").glob("*.y*ml"))
    for place in places:
        if not place.is_file():
            continue
        text = place.read_text(encoding="utf-8")
        count = 0

        def replace(match: re.Match) -> str:
            nonlocal count
            count += 1
            return new if "-" in match.group(0) else new.replace("-", "_")

        changed = pattern.sub(replace, text)
        if count:
            place.write_text(changed, encoding="utf-8")
            done.append(f"{place.relative_to(root)}: {count} reference(s) updated")
    done.append(_record_move(root / "mkdocs.yml", old, new))
    return done


RENAMED_KEY = re.compile(r"^(?P<indent>\s*)renamed_lessons:\s*(?:#.*)?$", re.MULTILINE)


def _record_move(config: Path, old: str, new: str) -> str:
    """Add ``old: new`` under the course plugin's ``renamed_lessons`` in mkdocs.yml, so
    learners' stored progress follows the lesson; what was done, or what to add by hand."""
    entry = f"{old}: {new}"
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    found = RENAMED_KEY.search(text)
    if not found:
        return (
            "mkdocs.yml has no renamed_lessons under the course plugin: add it so learners' "
            f"progress follows the lesson:\n  - course:\n      renamed_lessons:\n        {entry}"
        )
    line = f"\n{found['indent']}  {entry}"
    config.write_text(text[: found.end()] + line + text[found.end() :], encoding="utf-8")
    return f"mkdocs.yml: renamed_lessons gained '{entry}' (learners' progress follows the lesson)"


def _stems(old: str, new: str) -> tuple[str, str]:
    return old.replace("-", "_"), new.replace("-", "_")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make rename", description=__doc__.split("\n")[0])
    parser.add_argument("old", help="the lesson's slug now, e.g. 20-entropy-attention-weights")
    parser.add_argument("new", help="its new slug, e.g. 20-attention-entropy")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        done = rename(args.root, args.old, args.new)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(done))
    print(
        "Now run `make build`: it names any reference the rename could not know (a slug "
        "written out in prose) with its line."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
