"""Where quizzes go in a page's Markdown."""

from __future__ import annotations

import itertools

import pytest

from plugins.quiz.placement import PlacementError, insert_section, replace_blocks


def markers():
    counter = itertools.count(1)
    return lambda: f"MARK{next(counter)}"


def test_lesson_quiz_goes_before_whats_next():
    page = "# Lesson\n\nText.\n\n## What's next\n\nMore.\n"
    assert insert_section(page, "End-of-lesson quiz", "What's next", "MARK") == (
        "# Lesson\n\nText.\n\n## End-of-lesson quiz\n\nMARK\n\n## What's next\n\nMore.\n"
    )


@pytest.mark.parametrize(
    "heading", ["## What’s next", "## what's NEXT", "##  What's next ##", "## What's next {#next}"]
)
def test_whats_next_variants_are_found(heading):
    page = f"Text.\n\n{heading}\n\nMore."
    result = insert_section(page, "Quiz", "What's next", "MARK")
    assert result.index("MARK") < result.index(heading)


def test_lesson_quiz_goes_at_the_end_otherwise():
    page = "# Lesson\n\n### What's next\n\n```md\n## What's next\n```\n"
    assert (
        insert_section(page, "Quiz", "What's next", "MARK")
        == page.rstrip("\n") + "\n\n## Quiz\n\nMARK\n"
    )


def test_blocks_are_replaced_by_markers_keeping_indentation():
    page = (
        "Intro\n/// quiz | quizzes/a.yaml\n///\n\n"
        "!!! note\n\n    /// quiz | 'quizzes/b.yaml'\n\n    ///\n"
    )
    text, blocks = replace_blocks(page, markers())
    assert [(b.line, b.path, b.marker) for b in blocks] == [
        (2, "quizzes/a.yaml", "MARK1"),
        (7, "quizzes/b.yaml", "MARK2"),
    ]
    assert text == "Intro\n\nMARK1\n\n\n!!! note\n\n\n    MARK2\n\n"


def test_the_quiz_title_goes_one_level_below_the_heading_above():
    page = (
        "# T\n/// quiz | a\n///\n## A\n```\n# not a heading\n```\n"
        "/// quiz | b\n///\n###### F\n/// quiz | c\n///\n"
    )
    _, blocks = replace_blocks(page, markers())
    assert [b.level for b in blocks] == [2, 3, 6]
    assert replace_blocks("/// quiz | a\n///\n", markers())[1][0].level == 2


def test_blocks_in_code_fences_are_left_alone():
    page = "````md\n/// quiz | quizzes/a.yaml\n///\n````\n~~~\n/// quiz | x\n~~~\n"
    assert replace_blocks(page, markers()) == (page, [])


@pytest.mark.parametrize(
    ("page", "line", "message"),
    [
        ("a\n/// quiz\n///\n", 2, "a quiz block names its file: '/// quiz | quizzes/name.yaml'"),
        ("/// quiz |\n///\n", 1, "a quiz block names its file: '/// quiz | quizzes/name.yaml'"),
        (
            "/// quiz | q.yaml\ntext\n///\n",
            1,
            "the block '/// quiz | q.yaml' needs a closing '///' on the next line",
        ),
        (
            "/// quiz | q.yaml\n",
            1,
            "the block '/// quiz | q.yaml' needs a closing '///' on the next line",
        ),
    ],
)
def test_malformed_blocks(page, line, message):
    with pytest.raises(PlacementError) as info:
        replace_blocks(page, markers())
    assert (info.value.line, info.value.message) == (line, message)


def test_other_blocks_are_not_quiz_blocks():
    page = "/// details | Summary\ntext\n///\n/// quizzical\n"
    assert replace_blocks(page, markers()) == (page, [])
