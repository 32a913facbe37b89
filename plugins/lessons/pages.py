"""What the lesson runner does to a lesson page's Markdown before it is rendered.

- ``{{ name }}`` outside code is replaced by the value the lesson script recorded with
  ``lesson_code.report.value(name, ...)``.
- Every snippet line (``--8<-- "path"``) is checked before pymdownx.snippets sees it, so a
  missing output or figure is reported as ``page:line`` with the names that do exist.
- Every widget kind the script asked for (``report.widget``) must have the file that draws
  it, ``docs/assets/widgets/KIND.js``; a typo is reported at the script's line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from lesson_code.report.protocol import WIDGETS_FILE

from ..common.pages import PageProblem, code_lines
from ..common.suggest import did_you_mean
from ..common.values import fill_markdown

__all__ = ["PageProblem", "check_snippets", "missing_widget_kind", "substitute_values"]

WIDGET_KINDS_DIR = "assets/widgets"  # under docs/: one script per widget kind, KIND.js
SNIPPET_RE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")


def substitute_values(markdown: str, values: dict[str, str], script: str) -> str:
    """Replace ``{{ name }}`` with recorded values; unknown names raise ``PageProblem``."""
    return fill_markdown(markdown, values, script)


def missing_widget_kind(out_dir: Path, docs_dir: Path, lesson) -> str | None:
    """``:line: message`` (to follow the script's name) for the first widget kind the run in
    ``out_dir`` recorded (widgets.json) that has no ``docs_dir/assets/widgets/KIND.js``;
    None when every kind has its file."""
    widgets_file = out_dir / WIDGETS_FILE
    if not widgets_file.is_file():
        return None
    recorded = json.loads(widgets_file.read_text(encoding="utf-8"))
    known = sorted(path.stem for path in (docs_dir / WIDGET_KINDS_DIR).glob("*.js"))
    for name, widget in recorded.items():
        kind = widget["kind"]
        if kind in known:
            continue
        hint = did_you_mean(kind, known, quote="'")
        source = lesson.script.read_text(encoding="utf-8").split("\n")
        line = next((i + 1 for i, text in enumerate(source) if f'"{kind}"' in text), None)
        return (
            f"{f':{line}' if line else ''}: report.widget({name!r}, {kind!r}, ...): no widget "
            f"kind {kind!r}{hint}; docs/{WIDGET_KINDS_DIR}/{kind}.js draws "
            f"a kind (known: {', '.join(known)}); fix the kind or add its file"
        )
    return None


def check_snippets(markdown: str, base_paths: Sequence[Path], lesson: bool = False) -> None:
    """Raise ``PageProblem`` for a snippet whose file is not found under any base path, a
    missing or unended section, a figure snippet inside code, and (on a ``lesson`` page,
    where nothing shows the syntax itself) an escaped ``;--8<--`` line."""
    # A page includes several sections of the same file (its lesson script): each file is
    # looked for, read and scanned for sections once per page, not once per snippet.
    found_at: dict[str, Path | None] = {}
    sections_in: dict[Path, tuple[list[str], set[str]]] = {}
    lines = markdown.split("\n")
    code = code_lines(lines)
    for i, line in enumerate(lines):
        if lesson and ESCAPED_SNIPPET_RE.match(line):
            raise PageProblem(
                i + 1,
                "this ';--8<--' line is shown as it is, not replaced by the file: the ';' "
                "escapes it (the authoring guide's source uses it to show the syntax); "
                "write '--8<--' without it",
            )
        m = SNIPPET_RE.match(line)
        if not m and lesson and SNIPPET_LIKE_RE.match(line) and "[start:" not in line:
            if "[end:" not in line:
                raise PageProblem(
                    i + 1,
                    f"this line looks like a snippet but is not one ({line.strip()!r}), so it "
                    'would be shown as text; write it as --8<-- "path" (no spaces inside '
                    "--8<--, one space before the quoted path)",
                )
        if not m:
            continue
        target = m.group("path")
        if i in code and MARKUP_SNIPPET_RE.search(target):
            raise PageProblem(
                i + 1,
                f'snippet "{target}" is inside a code block, so its markup would be shown as '
                "code instead of the figure; move the line out of the ``` fence",
            )
        # "file.py:section" and "file.py:10:20" name a part of a file
        file_part = re.sub(r"(:[A-Za-z0-9_\-]+)+$", "", target)
        if file_part not in found_at:
            found_at[file_part] = next(
                (base / file_part for base in base_paths if (base / file_part).is_file()), None
            )
        found = found_at[file_part]
        if found is not None:
            section = target[len(file_part) + 1 :]
            if section and not section.replace(":", "").isdigit():
                if found not in sections_in:
                    sections_in[found] = _sections(found)
                _check_section(sections_in[found], file_part, section, i + 1)
            continue
        siblings: list[str] = []
        for base in base_paths:
            folder = (base / file_part).parent
            if folder.is_dir():
                prefix = Path(file_part).parent.as_posix()
                siblings += [
                    f"{prefix}/{p.name}" if prefix != "." else p.name
                    for p in folder.iterdir()
                    if p.is_file() and p.name != "KEY"
                ]
        hint = did_you_mean(file_part, siblings)
        available = f" (available: {', '.join(sorted(siblings))})" if siblings and not hint else ""
        raise PageProblem(
            i + 1,
            f'snippet "{file_part}" not found{hint}{available}; outputs are written by the '
            "lesson script with report.output(name) / report.figure(fig, name, alt=...)",
        )


# A marker, not its escaped form ";--8<--" (which pymdownx shows literally)
SECTION_RE = re.compile(r"(?<![;\-])-{1,}8<-{1,}\s*\[start:([A-Za-z0-9_\-]+)\]")
SECTION_END_RE = re.compile(r"(?<![;\-])-{1,}8<-{1,}\s*\[end:([A-Za-z0-9_\-]+)\]")
ESCAPED_SECTION_RE = re.compile(r";-{1,}8<-{1,}\s*\[(?:start|end):([A-Za-z0-9_\-]+)\]")
ESCAPED_SNIPPET_RE = re.compile(r"""^\s*;-{1,}8<-{1,}(\s|$)""")
# Anything shaped like a snippet line ("--8 < --", "--8<--'x'", ...): pymdownx reads only
# SNIPPET_RE; the rest would be shown as text
SNIPPET_LIKE_RE = re.compile(r"""^\s*-+\s*8\s*<\s*-+""")
# What a lesson's run writes as Markdown or HTML (a figure, a widget): never inside code
MARKUP_SNIPPET_RE = re.compile(r"\.(?:fig\.md|md|html)$")


def _sections(path: Path) -> tuple[list[str], set[str], dict[str, int]]:
    """Names of the sections started in ``path`` (``--8<-- [start:name]``), in file order;
    the names of those that are ended (``--8<-- [end:name]``); and the file line of each
    escaped marker (``;--8<-- [start:name]``, copied from the guide's source), by name."""
    text = path.read_text(encoding="utf-8", errors="replace")
    escaped: dict[str, int] = {}
    for m in ESCAPED_SECTION_RE.finditer(text):
        escaped.setdefault(m.group(1), text.count("\n", 0, m.start()) + 1)
    return SECTION_RE.findall(text), set(SECTION_END_RE.findall(text)), escaped


def _check_section(
    found: tuple[list[str], set[str], dict[str, int]], shown: str, section: str, line: int
) -> None:
    sections, ended, escaped = found
    if section in escaped and section not in sections:
        raise PageProblem(
            line,
            f'snippet section "{section}" of {shown} is marked with ";--8<--" at line '
            f"{escaped[section]}: the ';' escapes the marker (the authoring guide's source uses "
            f"it to show the syntax); write '# --8<-- [start:{section}]' and "
            f"'# --8<-- [end:{section}]' without it",
        )
    if section in sections and section not in ended:
        raise PageProblem(
            line,
            f'snippet section "{section}" of {shown} has a start but no end, so the page '
            f"would show the rest of the file; add '# --8<-- [end:{section}]' where it ends",
        )
    if section in sections:
        return
    hint = did_you_mean(section, sections)
    known = f" (it has: {', '.join(sections)})" if sections and not hint else ""
    raise PageProblem(
        line,
        f'snippet section "{section}" is not in {shown}{hint}{known}; mark it in the file '
        f"with '# --8<-- [start:{section}]' and '# --8<-- [end:{section}]'",
    )
