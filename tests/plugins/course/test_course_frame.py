"""Course frame: front matter checks, reading time, glossary tooltips, syllabus."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from plugins.course import syllabus, text
from plugins.course.frontmatter import (
    PAGE_RE,
    FrontMatterError,
    LessonInfo,
    check_prerequisites,
    read_lesson,
)
from tests import support

GOOD = """---
title: Softmax
description: Softmax by hand.
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
    info = read_lesson(write(tmp_path, GOOD), "lessons/04-softmax.md", "Why attention")
    assert (info.slug, info.number, info.minutes, info.phase) == (
        "04-softmax",
        4,
        15,
        "Why attention",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("description: Softmax by hand.", "phase: Why attention"),
            "docs/lessons/04-softmax.md:3: 'phase' is not set here: a lesson's phase is the nav "
            "section of mkdocs.yml it is listed in; remove this line",
        ),
        (
            ("minutes: 15", "minutes: soon"),
            "docs/lessons/04-softmax.md:4: 'minutes' must be a whole number, got 'soon'",
        ),
        (("minutes: 15", "minutes: 0"), "docs/lessons/04-softmax.md:4: minutes must be 1..240"),
        (("title: Softmax\n", ""), "docs/lessons/04-softmax.md:2: missing 'title' (text)"),
        (
            ("objectives:", "objectivs:"),
            "docs/lessons/04-softmax.md:6: unknown key 'objectivs'; did you mean \"objectives\"?",
        ),
        (
            ("prerequisites: []", 'prerequisites: [""]'),
            "docs/lessons/04-softmax.md:5: every item of 'prerequisites' must be a non-empty",
        ),
        (("minutes: 15", "minutes: [15"), "docs/lessons/04-softmax.md:"),
    ],
)
def test_front_matter_errors_name_file_line_and_fix(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(FrontMatterError) as err:
        read_lesson(path, "lessons/04-softmax.md")
    assert message in str(err.value)


def test_missing_front_matter(tmp_path):
    with pytest.raises(FrontMatterError, match=r"04-softmax.md:1: a lesson page starts with"):
        read_lesson(write(tmp_path, "# No front matter\n"), "lessons/04-softmax.md")


def test_prerequisites_must_exist_and_come_earlier(tmp_path):
    write(tmp_path, GOOD.replace("prerequisites: []", "prerequisites: [05-embed, 04-sofmax]"))
    write(tmp_path, GOOD.replace("title: Softmax", "title: Embed"), "05-embed.md")
    lessons = {
        slug: read_lesson(tmp_path / "lessons" / f"{slug}.md", f"lessons/{slug}.md")
        for slug in ("04-softmax", "05-embed")
    }
    problems = check_prerequisites(lessons, tmp_path)
    assert problems == [
        "docs/lessons/04-softmax.md:5: prerequisite '05-embed' comes after this lesson; "
        "a prerequisite must be an earlier lesson",
        "docs/lessons/04-softmax.md:5: prerequisite '04-sofmax' is not a lesson; did you "
        'mean "04-softmax"?',
    ]


def test_a_misspelt_prerequisite_points_at_its_item_and_the_lesson_it_likely_means(tmp_path):
    """A block list: the item's own line; the suggestion keeps the number the author wrote
    when the name is alike, else the lesson whose name is alike."""
    listed = "prerequisites:\n  - 02-soft-lookups\n  - 09-embed\n"
    write(tmp_path, GOOD.replace("prerequisites: []\n", listed))
    lessons = {}
    for slug, title in (("02-soft-lookup", "Lookup"), ("03-embed", "Embed")):
        write(tmp_path, GOOD.replace("title: Softmax", f"title: {title}"), f"{slug}.md")
    for slug in ("02-soft-lookup", "03-embed", "04-softmax"):
        lessons[slug] = read_lesson(tmp_path / "lessons" / f"{slug}.md", f"lessons/{slug}.md")
    assert check_prerequisites(lessons, tmp_path) == [
        "docs/lessons/04-softmax.md:6: prerequisite '02-soft-lookups' is not a lesson; did you "
        'mean "02-soft-lookup"?',
        "docs/lessons/04-softmax.md:7: prerequisite '09-embed' is not a lesson; did you "
        'mean "03-embed"?',
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
    assert lines[4].startswith(
        'Each <abbr title="The vector a token uses to ask; see keys." '
        'tabindex="0" data-glossary="query">query</abbr> meets every '
        '<abbr title="What a token offers to be matched."'
    )
    assert lines[4].endswith("Another query.")
    assert "query = 1" in out
    assert out.count("data-glossary") == 3
    assert ">attention head</abbr>" in out


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
    phases = ["Why attention", "By hand", "Worked examples"]
    md = syllabus.render(lessons, phases, "")
    assert "3 lessons in 3 phases, about 0 h 35 min in all." in md
    assert '**Phase 2 · By hand** <span class="syllabus-minutes">25 min</span>' in md
    assert (
        '    - <span class="syllabus-num">2</span> [B](lessons/02-b.md){ data-lesson="02-b" }' in md
    )
    assert "Phase 3" not in md  # empty phases are left out


def test_start_block_links_the_first_lesson_and_sits_where_its_marker_is():
    lessons = [
        LessonInfo("01-a", 1, "lessons/01-a.md", "A", "Why attention", 10, [], ["x"]),
        LessonInfo("02-b", 2, "lessons/02-b.md", "B", "By hand", 20, [], ["x"]),
    ]
    start = syllabus.start(lessons, ["Why attention", "By hand"], "")
    assert "2 lessons in 2 phases, about 0 h 30 min in all." in start
    assert (
        "[Start with lesson 1](lessons/01-a.md)"
        '{ .md-button .md-button--primary data-course-start="" }' in start
    )
    assert "data-course-continue" in start and "syllabus" not in start.replace("syllabus-", "")
    assert "(../lessons/01-a.md)" in syllabus.start(lessons, ["Why attention"], "sub")
    cards = syllabus.cards(lessons, ["Why attention", "By hand"], "")
    assert "data-course-start" not in cards and "syllabus-summary" not in cards
    assert syllabus.render(lessons, ["Why attention", "By hand"], "") == start + "\n" + cards


def test_invalid_yaml_names_the_line_it_is_on(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Softmax", "title: Softmax: the sequel"))
    with pytest.raises(FrontMatterError, match=r"04-softmax.md:2: front matter is not valid YAML"):
        read_lesson(path, "lessons/04-softmax.md")


# -- glossary: never inside a link text, a heading or emphasis (a title) ------------------

MARK_TERMS = {"attention": "A.", "key": "K.", "query": "Q.", "dot product": "D."}


def marked(page: str) -> str:
    """The page with every mark written as [[word]]."""
    out = text.mark_first_uses(page, MARK_TERMS, str)
    return re.sub(
        r'<abbr title="[^"]*" tabindex="0" data-glossary="[^"]*">([^<]*)</abbr>', r"[[\1]]", out
    )


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a title in italics is a name, not a use: the search goes on to the next use
        (
            "Vaswani (2017). *Attention Is All You Need.* Section 3.\n\nHere attention is used.",
            "Vaswani (2017). *Attention Is All You Need.* Section 3.\n\n"
            "Here [[attention]] is used.",
        ),
        (
            "_Attention Is All You Need_ and then attention.",
            "_Attention Is All You Need_ and then [[attention]].",
        ),
        (
            "***Attention*** first, attention second.",
            "***Attention*** first, [[attention]] second.",
        ),
        # italics inside bold are emphasis too; bold alone is not protected
        ("**the *key* idea** and a key.", "**the *key* idea** and a [[key]]."),
        ("**A key** in bold is a use.", "**A [[key]]** in bold is a use."),
        # a title or a link text that runs over two lines of the same paragraph
        (
            "Bahdanau (2015). *Attention for translation by jointly\n  learning a key.* ICLR.\n\n"
            "Attention and a key at last.",
            "Bahdanau (2015). *Attention for translation by jointly\n  learning a key.* ICLR.\n\n"
            "[[Attention]] and a [[key]] at last.",
        ),
        (
            "[Lesson 3: the dot\nproduct measures keys](03-dot-product.md) shows it.\n\n"
            "A dot product of a query and a key.",
            "[Lesson 3: the dot\nproduct measures keys](03-dot-product.md) shows it.\n\n"
            "A [[dot product]] of a [[query]] and a [[key]].",
        ),
        (
            "See [Lesson 12:\ncausal masks and keys](12-masks.md). A key.",
            "See [Lesson 12:\ncausal masks and keys](12-masks.md). A [[key]].",
        ),
        # setext and ATX headings are never marked
        ("A key heading\n=============\n\nthe key", "A key heading\n=============\n\nthe [[key]]"),
        ("A key heading\n---\n\nthe key", "A key heading\n---\n\nthe [[key]]"),
        ("## The key\n\nthe key", "## The key\n\nthe [[key]]"),
        # intraword underscores and lone asterisks are not emphasis
        ("snake_case_key and a key", "snake_case_key and a [[key]]"),
        ("a_b key c_d", "a_b [[key]] c_d"),
        ("2 * 3 = 6 * 1 and a key", "2 * 3 = 6 * 1 and a [[key]]"),
        ("* a list item with a key *", "* a list item with a [[key]] *"),
        # emphasis does not run over a blank line into the next paragraph
        ("An *unclosed mark\n\nand a key *here*", "An *unclosed mark\n\nand a [[key]] *here*"),
        # an asterisk inside code or math does not open emphasis
        ("`a*b` then key `c*d`", "`a*b` then [[key]] `c*d`"),
        ("$a*b$ the query $c*d$", "$a*b$ the [[query]] $c*d$"),
        # inside an admonition, the same rules
        (
            "!!! note\n    *Attention Is All You Need* says\n    attention.",
            "!!! note\n    *Attention Is All You Need* says\n    [[attention]].",
        ),
    ],
)
def test_no_mark_inside_link_text_heading_or_emphasis(page, expected):
    assert marked(page) == expected


def test_a_line_with_a_mark_keeps_its_other_protections():
    """After one term is marked on a line, later terms on that line still skip the italic
    title and the link that follow it: the protected spans move with the inserted tag."""
    page = "A query reads *Attention Is All You Need* and [the key](k.md), then attention, a key."
    assert marked(page) == (
        "A [[query]] reads *Attention Is All You Need* and [the key](k.md), "
        "then [[attention]], a [[key]]."
    )


def test_no_lesson_mark_sits_inside_a_link_heading_or_emphasis():
    """Every lesson, marked with the real glossary and converted to HTML: no tooltip has
    an <a>, <h1>-<h6> or <em> around it (the built site is checked the same way)."""
    docs = support.ROOT / "docs"
    glossary = text.parse_glossary((docs / "glossary.md").read_text(encoding="utf-8"))
    watched = {"a", "em", "h1", "h2", "h3", "h4", "h5", "h6"}

    class Marks(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []
            self.bad: list[str] = []
            self.count = 0

        def handle_starttag(self, tag, attrs):
            if tag == "abbr" and dict(attrs).get("data-glossary"):
                self.count += 1
                if self.open:
                    self.bad.append(f"{dict(attrs)['data-glossary']} inside {self.open}")
            if tag in watched:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag in watched and tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    problems = []
    total = 0
    for page in sorted((docs / "lessons").glob("*.md")):
        if not PAGE_RE.match(page.name):
            continue
        source = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        marked_page = text.mark_first_uses(source, glossary, str)
        html_page = markdown.markdown(
            marked_page,
            extensions=[
                "admonition",
                "attr_list",
                "def_list",
                "md_in_html",
                "pymdownx.details",
                "pymdownx.superfences",
                "tables",
            ],
        )
        parser = Marks()
        parser.feed(html_page)
        total += parser.count
        problems += [f"{page.name}: {bad}" for bad in parser.bad]
    assert total > 100  # the glossary is there and marks the lessons
    assert not problems, "\n".join(problems)


# -- glossary_skip: a page that uses a glossary word in another sense -----------------


def skip_plugin(tmp_path, skip):
    from types import SimpleNamespace

    from plugins.course.plugin import CoursePlugin

    plugin = CoursePlugin()
    errors, _ = plugin.load_config({})
    assert not errors
    page = write(tmp_path, GOOD.replace("minutes: 15\n", f"minutes: 15\nglossary_skip: {skip}\n"))
    info = read_lesson(page, "lessons/04-softmax.md")
    plugin.lessons = {info.slug: info}
    plugin.glossary = {
        "Temperature": "A number the scores are divided by.",
        "Score": "The dot product of a query with a key.",
    }
    fake_page = SimpleNamespace(
        file=SimpleNamespace(src_uri="lessons/04-softmax.md", abs_src_path=None),
        meta={"glossary_skip": info.extra.get("glossary_skip")},
    )
    return plugin, fake_page


def test_glossary_skip_leaves_a_term_unmarked_on_that_page_only(tmp_path):
    plugin, page = skip_plugin(tmp_path, "[Temperature]")
    assert plugin._check_glossary_skips(tmp_path) == []
    prose = "The temperatures of the day, and the score of each key.\n"
    marked = plugin.on_page_markdown(prose, page, None, None)
    assert 'data-glossary="temperature"' not in marked
    assert 'data-glossary="score"' in marked
    page.meta = {}
    assert 'data-glossary="temperature"' in plugin.on_page_markdown(prose, page, None, None)


def test_an_unknown_glossary_skip_names_file_line_and_the_nearest_term(tmp_path):
    plugin, _ = skip_plugin(tmp_path, "[Temprature]")
    assert plugin._check_glossary_skips(tmp_path) == [
        "docs/lessons/04-softmax.md:5: glossary_skip: 'Temprature' is not a term of "
        'glossary.md; did you mean "Temperature"?'
    ]
    with pytest.raises(FrontMatterError, match=r"04-softmax\.md:5: 'glossary_skip' is a list"):
        skip_plugin(tmp_path, "Temperature")


def test_the_phases_are_the_nav_sections_that_list_lessons_in_nav_order():
    from plugins.course import phases

    nav = [
        {"Home": "index.md"},
        {"Why attention": ["lessons/01-a.md", {"Lookup": "lessons/02-b.md"}]},
        {"Explorer": "playground/index.md"},
        {"By hand": [{"Deeper": ["lessons/03-c.md"]}]},
        {"Reference": ["glossary.md", "faq.md"]},
    ]
    lessons = {"lessons/01-a.md", "lessons/02-b.md", "lessons/03-c.md", "lessons/04-d.md"}
    found = phases.from_nav(nav, lessons)
    assert found == {
        "Why attention": ["lessons/01-a.md", "lessons/02-b.md"],
        "By hand": ["lessons/03-c.md"],
    }
    assert phases.phase_of(found)["lessons/03-c.md"] == "By hand"


# -- what a build keeps for the next: reading times and glossary marks -------------------


def test_reading_time_and_marks_are_kept_and_follow_the_page_and_the_glossary(tmp_path):
    from plugins.common.store import Store

    def build(glossary_note=""):
        plugin, page = skip_plugin(tmp_path, "[]")
        plugin.store = Store(tmp_path / "cache")
        plugin.glossary["Score"] += glossary_note
        page.meta = {}
        return plugin, page

    prose = "The score of each key decides its weight.\n"
    plugin, page = build()
    first = plugin.on_page_markdown(prose, page, None, None)
    assert 'data-glossary="score"' in first and page.meta["reading_time"] == 1
    (entry,) = (tmp_path / "cache" / "prose").glob("*.json")
    kept = json.loads(entry.read_text())
    assert kept == {"minutes": 1, "markdown": first}

    # the next build reads the entry instead of marking the page again
    entry.write_text(json.dumps({"minutes": 7, "markdown": "from the cache"}))
    plugin, page = build()
    assert plugin.on_page_markdown(prose, page, None, None) == "from the cache"
    assert page.meta["reading_time"] == 7

    # a new definition, or new prose, is a new key
    plugin, page = build(" Divided by the square root of d_k.")
    assert "square root" in plugin.on_page_markdown(prose, page, None, None)
    plugin, page = build()
    assert "weights" in plugin.on_page_markdown(prose + "Then the weights.\n", page, None, None)

    # a damaged entry is made again, and what this build did not use is pruned after it
    entry.write_text("{")
    plugin, page = build()
    assert plugin.on_page_markdown(prose, page, None, None) == first
    assert json.loads(entry.read_text()) == kept
    plugin.on_post_build(None)
    assert [p.name for p in (tmp_path / "cache" / "prose").glob("*.json")] == [entry.name]
