"""The page helpers every build runs, kept fast without changing what they find: glossary
first uses, snippet checks and lesson front matter."""

from __future__ import annotations

import re

import pytest
import yaml

from plugins.course import frontmatter, text
from plugins.lessons import pages
from tests import support

ROOT = support.ROOT
LESSON_PAGES = sorted((ROOT / "docs" / "lessons").glob("[0-9][0-9]-*.md"))


# -- glossary: the first prose use of each term ------------------------------------------

TERMS = {"query": "Q.", "key": "K.", "attention head": "H.", "box": "B.", "softmax": "S."}


def first_uses(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of every marked term."""
    out = text.mark_first_uses(markdown, TERMS, lambda t: t)
    return [
        (i, m)
        for i, line in enumerate(out.split("\n"))
        for m in re.findall(r'data-glossary="[^"]*">([^<]*)</abbr>', line)
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # only lines holding a spelling of the term are searched; a use in code, a link or
        # a word that merely contains it does not count, and the search goes on after it
        ("`query` first\n\n[a query](q.md)\n\nqueryable\n\nThe query.", [(6, "query")]),
        ("```\nkeys\n```\n\nKeys at last", [(4, "Keys")]),
        ("Queries only", [(0, "Queries")]),  # y -> ies: not a form containing "query"
        ("boxes\nbox", [(0, "boxes")]),
        ("A SOFTMAX is not a softmax", [(0, "softmax")]),
        ("no term\nat all", []),
        ("two attention heads and a key", [(0, "attention heads"), (0, "key")]),
        ("line one\n" * 50 + "a key", [(50, "key")]),  # on the last line, no newline after
    ],
)
def test_the_first_prose_use_is_found_wherever_it_is(page, expected):
    assert first_uses(page) == expected


def test_the_lines_with_a_term_are_found_from_offsets():
    page = "ab\nkey\n\nkeys key\nx"
    starts = [0, 3, 7, 8, 17]
    assert text._lines_containing(page, ("key",), starts) == {1, 3}
    assert text._lines_containing(page, ("nothing",), starts) == set()
    assert set(text._needles("key")) == {"key", "Key"}  # "keys" contains "key"
    assert set(text._needles("query")) == {"query", "Query", "queries", "Queries"}


def test_a_page_is_split_into_prose_lines_once_for_reading_time_and_glossary():
    page = "# A page of its own\n\nA query, then `code`.\n\n```\nkey\n```\n"
    before = text.prose_lines.cache_info().misses
    assert text.reading_minutes(page, 200) == 1
    assert first_uses(page) == [(2, "query")]
    assert text.prose_lines.cache_info().misses == before + 1
    assert text.prose_lines(page) == ((2, "A query, then `code`."),)


# -- snippets: each file is looked up and read once a page -------------------------------


def test_a_page_reads_each_included_file_once(tmp_path, monkeypatch):
    (tmp_path / "code.py").write_text(
        "# --8<-- [start:a]\nx\n# --8<-- [end:a]\n# --8<-- [start:b]\ny\n# --8<-- [end:b]\n"
    )
    read = []
    real = pages._sections
    monkeypatch.setattr(pages, "_sections", lambda path: read.append(path) or real(path))
    page = '--8<-- "code.py:a"\n\n--8<-- "code.py:b"\n\n--8<-- "code.py:a"\n'
    pages.check_snippets(page, [tmp_path])
    assert read == [tmp_path / "code.py"]
    with pytest.raises(pages.PageProblem) as caught:
        pages.check_snippets(page + '\n--8<-- "code.py:c"\n', [tmp_path])
    assert caught.value.line == 7
    assert caught.value.message.startswith('snippet section "c" is not in code.py')
    assert "(it has: a, b)" in caught.value.message


def test_a_missing_file_is_reported_at_each_page_line(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "numbers.txt").write_text("1\n")
    page = '--8<-- "out/numbers.txt"\n\n--8<-- "out/numbrs.txt"\n'
    with pytest.raises(pages.PageProblem) as caught:
        pages.check_snippets(page, [tmp_path])
    assert caught.value.line == 3
    assert 'snippet "out/numbrs.txt" not found; did you mean "out/numbers.txt"?' in str(
        caught.value
    )


# -- front matter: libyaml's parser, the pure-Python one's messages -----------------------


@pytest.mark.parametrize("page", LESSON_PAGES, ids=[p.stem for p in LESSON_PAGES])
def test_front_matter_reads_the_same_with_or_without_libyaml(page, monkeypatch):
    fast = frontmatter.read_lesson(page, f"lessons/{page.name}")
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert frontmatter.read_lesson(page, f"lessons/{page.name}") == fast


def test_libyaml_reads_the_front_matter_and_an_error_is_the_pure_python_one(monkeypatch):
    loaders = []
    real = yaml.load
    monkeypatch.setattr(yaml, "load", lambda s, Loader: loaders.append(Loader) or real(s, Loader))
    assert frontmatter._load_yaml("\ntitle: T\n") == {"title": "T"}
    assert loaders == [yaml.CSafeLoader]
    with pytest.raises(yaml.YAMLError) as fast:
        frontmatter._load_yaml("\ntitle: [a\n")
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load("\ntitle: [a\n")
    assert str(fast.value) == str(pure.value)


def _problem(markdown: str, bases, lesson: bool = True) -> pages.PageProblem:
    with pytest.raises(pages.PageProblem) as caught:
        pages.check_snippets(markdown, bases, lesson=lesson)
    return caught.value


def test_an_escaped_snippet_line_on_a_lesson_page_is_refused(tmp_path):
    (tmp_path / "01-demo").mkdir()
    (tmp_path / "01-demo" / "numbers.txt").write_text("1\n")
    page = 'Intro.\n\n```text\n;--8<-- "01-demo/numbers.txt"\n```\n'
    problem = _problem(page, [tmp_path])
    assert problem.line == 4
    assert "the ';' escapes it" in problem.message and "write '--8<--'" in problem.message
    pages.check_snippets(page, [tmp_path], lesson=False)  # the guide shows the syntax so


def test_a_figure_snippet_inside_a_code_fence_is_refused(tmp_path):
    (tmp_path / "01-demo").mkdir()
    (tmp_path / "01-demo" / "curve.fig.md").write_text("<figure></figure>\n")
    problem = _problem('Text.\n\n```\n--8<-- "01-demo/curve.fig.md"\n```\n', [tmp_path])
    assert problem.line == 4
    assert "inside a code block" in problem.message and "out of the ``` fence" in problem.message
    pages.check_snippets('Text.\n\n--8<-- "01-demo/curve.fig.md"\n', [tmp_path], lesson=True)


def test_a_section_marked_with_the_escaped_marker_names_the_script_line(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("a = 1\n# ;--8<-- [start:rows]\nb = 2\n# ;--8<-- [end:rows]\n")
    problem = _problem('```python\n--8<-- "s.py:rows"\n```\n', [tmp_path])
    assert problem.line == 2
    assert 'section "rows" of s.py is marked with ";--8<--" at line 2' in problem.message
    assert "'# --8<-- [start:rows]'" in problem.message


@pytest.mark.parametrize("line", ['--8 < --"s.py:rows"', "--8<--'s.py'", '-- 8<-- "s.py"'])
def test_a_line_shaped_like_a_snippet_that_pymdownx_would_not_read_is_refused(tmp_path, line):
    """What `ruff format` once made of the snippet lines in lesson pages' Python blocks."""
    (tmp_path / "s.py").write_text("# --8<-- [start:rows]\nb = 2\n# --8<-- [end:rows]\n")
    problem = _problem(f"Code:\n\n```python\n{line}\n```\n", [tmp_path])
    assert problem.line == 4
    assert "looks like a snippet but is not one" in problem.message
