"""Which page shows which quiz: the block headers the checker reads, and the message for a
quiz no page shows. (How blocks render: test_extension.py.)"""

from __future__ import annotations

from plugins.quiz.placement import block_paths, unshown_problem


def test_block_headers_are_found_outside_code_with_their_lines():
    page = (
        "Intro\n/// quiz | quizzes/a.yaml\n///\n\n!!! note\n\n    /// quiz | 'quizzes/b.yaml'\n"
        "\n    ///\n````md\n/// quiz | quizzes/c.yaml\n///\n````\n/// quiz\n///\n"
        "/// details | Summary\n/// quizzical\n"
    )
    assert block_paths(page) == [(2, "quizzes/a.yaml"), (7, "quizzes/b.yaml"), (14, "")]


def test_an_unshown_quiz_names_the_page_that_should_show_it():
    pages = ["index.md", "lessons/01-demo.md", "lessons/02-plain.md"]
    assert str(unshown_problem("quizzes/02-plain.yaml", pages)) == (
        "quizzes/02-plain.yaml:1:1: quiz: no page shows this quiz; add the block "
        "'/// quiz | quizzes/02-plain.yaml' (and '///' on the next line) to "
        "docs/lessons/02-plain.md, under its heading '## End-of-lesson quiz'"
    )
    assert str(unshown_problem("quizzes/02-plian.yaml", pages)).endswith(
        "to the page that should show it (docs/lessons/02-plain.md?)"
    )
    assert str(unshown_problem("quizzes/extra/warm-up.yaml", pages)).endswith(
        "to the page that should show it"
    )
