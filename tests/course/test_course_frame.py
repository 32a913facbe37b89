"""Course frame: front matter checks, reading time, glossary tooltips, syllabus."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from plugins.course import syllabus, text
from plugins.course.config import PHASES
from plugins.course.frontmatter import (
    FrontMatterError,
    LessonInfo,
    check_prerequisites,
    read_lesson,
)

GOOD = """---
title: Softmax
phase: Why attention
minutes: 15
prerequisites: []
objectives:
  - Compute softmax by hand.
---

# Softmax
"""


def write(tmp_path: Path, body: str, name="04-softmax.md") -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(body)
    return path


def test_good_front_matter(tmp_path):
    info = read_lesson(write(tmp_path, GOOD), "lessons/04-softmax.md", PHASES)
    assert (info.slug, info.number, info.minutes, info.phase) == (
        "04-softmax", 4, 15, "Why attention")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("phase: Why attention", "phase: Why attentoin"),
         "docs/lessons/04-softmax.md:3: unknown phase 'Why attentoin'; did you mean "
         '"Why attention"? choose one of: Why attention, By hand'),
        (("minutes: 15", "minutes: soon"),
         "docs/lessons/04-softmax.md:4: 'minutes' must be a whole number, got 'soon'"),
        (("minutes: 15", "minutes: 0"), "docs/lessons/04-softmax.md:4: minutes must be 1..240"),
        (("title: Softmax\n", ""), "docs/lessons/04-softmax.md:2: missing 'title' (text)"),
        (("objectives:", "objectivs:"),
         "docs/lessons/04-softmax.md:6: unknown key 'objectivs'; did you mean \"objectives\"?"),
        (("prerequisites: []", "prerequisites: [\"\"]"),
         "docs/lessons/04-softmax.md:5: every item of 'prerequisites' must be a non-empty"),
        (("minutes: 15", "minutes: [15"),
         "docs/lessons/04-softmax.md:"),
    ],
)
def test_front_matter_errors_name_file_line_and_fix(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(FrontMatterError) as err:
        read_lesson(path, "lessons/04-softmax.md", PHASES)
    assert message in str(err.value)


def test_missing_front_matter(tmp_path):
    with pytest.raises(FrontMatterError, match=r"04-softmax.md:1: a lesson page starts with"):
        read_lesson(write(tmp_path, "# No front matter\n"), "lessons/04-softmax.md", PHASES)


def test_prerequisites_must_exist_and_come_earlier(tmp_path):
    write(tmp_path, GOOD.replace("prerequisites: []", "prerequisites: [05-embed, 04-sofmax]"))
    write(tmp_path, GOOD.replace("title: Softmax", "title: Embed"), "05-embed.md")
    lessons = {
        slug: read_lesson(tmp_path / "lessons" / f"{slug}.md", f"lessons/{slug}.md", PHASES)
        for slug in ("04-softmax", "05-embed")
    }
    problems = check_prerequisites(lessons, tmp_path)
    assert problems == [
        "docs/lessons/04-softmax.md:5: prerequisite '05-embed' comes after this lesson; "
        "a prerequisite must be an earlier lesson",
        "docs/lessons/04-softmax.md:5: prerequisite '04-sofmax' is not a lesson; did you "
        'mean "04-softmax"?',
    ]


def test_reading_time_counts_prose_not_code():
    prose = " ".join(["word"] * 400)
    code = "```python\n" + "x = 1\n" * 2000 + "```\n"
    assert text.reading_minutes(prose, 200) == 2
    assert text.reading_minutes(prose + "\n\n" + code, 200) == 2
    assert text.reading_minutes("", 200) == 1


GLOSSARY = """# Glossary

Query
:   The vector a token uses to **ask**; see [keys](x.md).

Key
:   What a token offers to be `matched`.

Attention head
:   One attention computation.
"""


def test_parse_glossary_strips_markdown():
    terms = text.parse_glossary(GLOSSARY)
    assert terms == {
        "Query": "The vector a token uses to ask; see keys.",
        "Key": "What a token offers to be matched.",
        "Attention head": "One attention computation.",
    }


def test_first_use_only_and_never_in_code_math_links_or_headings():
    terms = text.parse_glossary(GLOSSARY)
    page = (
        "# Queries and keys\n\n"
        "A `query` in code, $query$ in math, [a key](k.md) in a link.\n\n"
        "Each query meets every key. Another query.\n\n"
        "```python\nquery = 1\n```\n\n"
        "One attention head, and a head alone is not a term here.\n"
    )
    out = text.mark_first_uses(page, terms, lambda t: t.lower())
    lines = out.split("\n")
    assert lines[0] == "# Queries and keys"
    assert lines[2] == "A `query` in code, $query$ in math, [a key](k.md) in a link."
    assert lines[4].startswith('Each <abbr title="The vector a token uses to ask; see keys." '
                               'tabindex="0" data-glossary="query">query</abbr> meets every '
                               '<abbr title="What a token offers to be matched."')
    assert lines[4].endswith("Another query.")
    assert "query = 1" in out
    assert out.count("data-glossary") == 3
    assert '>attention head</abbr>' in out


def test_glossary_definitions_are_escaped_once_for_the_title_attribute():
    """The title is text for the browser and for course.js's tooltip (textContent): the
    attribute decodes to the definition exactly, markup and all, and makes no elements."""
    definition = 'x <b>"y"</b> & <img src=x>'
    out = text.mark_first_uses("a query here", {"query": definition}, str)
    [title] = re.findall(r'title="([^"]*)"', out)
    assert "<" not in title and '"' not in title
    assert html.unescape(title) == definition


def test_syllabus_groups_lessons_by_phase_with_minutes():
    lessons = [
        LessonInfo("01-a", 1, "lessons/01-a.md", "A", "Why attention", 10, [], ["x"]),
        LessonInfo("02-b", 2, "lessons/02-b.md", "B", "By hand", 20, [], ["x"]),
        LessonInfo("03-c", 3, "lessons/03-c.md", "C", "By hand", 5, [], ["x"]),
    ]
    md = syllabus.render(lessons, PHASES, "")
    assert "3 lessons in 6 phases, about 0 h 35 min in all." in md
    assert "**Phase 2 · By hand** <span class=\"syllabus-minutes\">25 min</span>" in md
    assert ('    - <span class="syllabus-num">2</span> [B](lessons/02-b.md){ data-lesson="02-b" }'
            in md)
    assert "Phase 3" not in md  # empty phases are left out


def test_invalid_yaml_names_the_line_it_is_on(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Softmax", "title: Softmax: the sequel"))
    with pytest.raises(FrontMatterError, match=r"04-softmax.md:2: front matter is not valid YAML"):
        read_lesson(path, "lessons/04-softmax.md", PHASES)
