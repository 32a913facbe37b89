"""No paragraph of lesson prose runs over 100 words.

A paragraph is a run of prose lines between blank lines, in the sense of
:func:`plugins.course.text.prose_lines`: outside front matter, code fences, maths blocks,
tables, headings, callout titles, snippet lines and HTML. The text inside a callout
(``!!!`` or ``???``) counts as prose, and each list item is a paragraph of its own.

Words are counted as a reader meets them: a link counts its text, inline code its
content, an inline formula and a ``{{ value }}`` one word each.

The test fails with one line per long paragraph, ``docs/lessons/NN-slug.md:line: N
words``, where the line is the paragraph's first. Split such a paragraph where its
thought turns, without changing what it says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugins.course import text
from plugins.course.frontmatter import PAGE_RE
from tests import support

ROOT = support.ROOT
LESSON_FILES = sorted(p for p in (ROOT / "docs" / "lessons").glob("*.md") if PAGE_RE.match(p.name))
MAX_WORDS = 100

LIST_ITEM_RE = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
AS_ONE_WORD_RE = re.compile(r"\$[^$]*\$|\{\{[^}]*\}\}")
TAG_RE = re.compile(r"<[^>]*>")


def without_front_matter(markdown: str) -> str:
    """The page with its front matter lines emptied, so that line numbers stay."""
    lines = markdown.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            lines[: end + 1] = [""] * (end + 1)
    return "\n".join(lines)


def paragraphs(markdown: str) -> list[tuple[int, list[str]]]:
    """(0-based index of the first line, lines) of each prose paragraph."""
    out: list[tuple[int, list[str]]] = []
    previous = None
    for i, line in text.prose_lines(without_front_matter(markdown)):
        if previous is not None and i == previous + 1 and not LIST_ITEM_RE.match(line):
            out[-1][1].append(line)
        else:
            out.append((i, [line]))
        previous = i
    return out


def words(line: str) -> int:
    line = LINK_RE.sub(r"\1", line)
    line = AS_ONE_WORD_RE.sub(" x ", line)
    line = TAG_RE.sub(" ", line).replace("`", "")
    return len(text.WORD_RE.findall(line))


def long_paragraphs(page: Path) -> list[str]:
    found = []
    for first, lines in paragraphs(page.read_text(encoding="utf-8")):
        count = sum(words(line) for line in lines)
        if count > MAX_WORDS:
            found.append(f"{page.relative_to(ROOT)}:{first + 1}: {count} words")
    return found


@pytest.mark.parametrize("page", LESSON_FILES, ids=[p.stem for p in LESSON_FILES])
def test_no_lesson_paragraph_is_over_100_words(page):
    found = long_paragraphs(page)
    assert not found, (
        f"{len(found)} paragraph(s) over {MAX_WORDS} words; split each "
        "where its thought turns:\n" + "\n".join(found)
    )


def test_paragraphs_and_words_are_counted_as_a_reader_meets_them():
    page = (
        "---\ntitle: T\nobjectives:\n  - A very long objective\n---\n\n# Heading words\n\n"
        "One [two three](x.md) `four` $f(x)$ {{ six }}\nseven.\n\n"
        '!!! warning "Title words"\n    Eight nine.\n\n'
        "- ten\n- eleven twelve\n  thirteen\n\n```\ncode words\n```\n\n| a | b |\n"
    )
    found = [(first + 1, sum(words(line) for line in lines)) for first, lines in paragraphs(page)]
    assert found == [(9, 7), (13, 2), (15, 1), (16, 3)]
