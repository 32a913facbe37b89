"""The quiz block as a Markdown extension, with no MkDocs at all: ``markdown.markdown(text,
extensions=["quiz"])`` renders whole quizzes, titled one level below the heading above."""

from __future__ import annotations

import json

import markdown
import pytest
from bs4 import BeautifulSoup

from plugins.quiz.extension import QuizBlockError

from .paths import COURSE_CODE, SITE_FIXTURE

CONFIG = {
    "root": str(SITE_FIXTURE),
    "code_package": COURSE_CODE.name,
    "code_exclude": list(COURSE_CODE.exclude),
}


def convert(text: str, extensions=(), **options) -> BeautifulSoup:
    html = markdown.markdown(
        text,
        extensions=["quiz", *extensions],
        extension_configs={"quiz": {**CONFIG, **options}},
    )
    return BeautifulSoup(html, "html.parser")


def failure(text: str, extensions=()) -> str:
    with pytest.raises(QuizBlockError) as info:
        convert(text, extensions)
    return str(info.value)


def test_markdown_alone_renders_a_whole_quiz():
    soup = convert(
        "# Demo lesson\n\n## End-of-lesson quiz\n\n/// quiz | quizzes/01-demo.yaml\n///\n\n"
        "## What's next\n"
    )
    form = soup.select_one("form.quiz")
    assert form["data-quiz"] == "01-demo" and form["id"] == "quiz-01-demo"
    title = soup.find(id=form["aria-labelledby"])
    assert title.name == "h3" and title.get_text() == "Demo quiz: every type"
    assert title.find_parent("form") is form
    fieldsets = form.select("fieldset[data-quiz-q]")
    assert len(fieldsets) == 8
    assert all(f.find("legend", recursive=False) for f in fieldsets)
    assert [b.get_text() for b in form.select("button[data-quiz-check]")] == ["Check"] * 8
    assert form.select_one("legend .quiz__prompt strong").get_text() == "B"
    data = json.loads(form.select_one("template[data-quiz-data]").string)
    assert data["id"] == "01-demo" and len(data["questions"]) == 8
    assert data["questions"][3]["answer"] == pytest.approx(0.7310585786)  # answer_from, run
    # in its place: after its section heading, before the next one
    h2s = soup.select("h2")
    assert [h.get_text() for h in h2s] == ["End-of-lesson quiz", "What's next"]
    assert form.find_previous("h2") is h2s[0] and form.find_next("h2") is h2s[1]


def test_the_options_reach_the_quiz():
    soup = convert(
        "/// quiz | quizzes/02-plain.yaml\n///\n", strings={"check": "Prüfen"}, pass_mark=0.5
    )
    assert soup.select_one("button[data-quiz-check]").get_text() == "Prüfen"
    assert json.loads(soup.select_one("template[data-quiz-data]").string)["passMark"] == 0.5


def test_the_quiz_title_goes_one_level_below_the_heading_above():
    soup = convert(
        "# T\n\n/// quiz | quizzes/01-demo.yaml\n///\n\n## A\n\n```\n# not a heading\n```\n\n"
        "/// quiz | quizzes/02-plain.yaml\n///\n\nF\n-\n\n/// quiz | quizzes/extra/orders.yaml\n"
        "///\n\n###### G\n\n/// quiz | quizzes/extra/end-mode.yaml\n///\n",
        extensions=["fenced_code"],
    )
    titles = [f.find(class_="quiz__title").name for f in soup.select("form.quiz")]
    assert titles == ["h2", "h3", "h3", "h6"]


def test_the_same_quiz_twice_gets_unique_ids_and_blocks_may_be_indented():
    soup = convert(
        "/// quiz | quizzes/extra/end-mode.yaml\n///\n\n!!! note\n\n"
        "    /// quiz | 'quizzes/extra/end-mode.yaml'\n\n    ///\n",
        extensions=["admonition"],
    )
    forms = soup.select("form.quiz")
    assert [f["id"] for f in forms] == ["quiz-extra-end-mode", "quiz-extra-end-mode-2"]
    assert forms[1].find_parent(class_="admonition") is not None
    ids = [t["id"] for t in soup.select("[id]")]
    assert len(ids) == len(set(ids))


def test_blocks_in_code_fences_and_other_blocks_are_left_alone():
    soup = convert(
        "````md\n/// quiz | quizzes/a.yaml\n///\n````\n\n/// details | Summary\ntext\n///\n",
        extensions=["fenced_code", "pymdownx.blocks.details"],
    )
    assert soup.select("form") == []
    assert "/// quiz | quizzes/a.yaml" in soup.select_one("code").get_text()
    assert soup.select_one("details summary").get_text() == "Summary"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a\n\n/// quiz\n///\n",
            "line 3: a quiz block names its file: '/// quiz | quizzes/name.yaml'",
        ),
        (
            "```\n/// quiz | x\n```\n\n/// quiz | quizzes/02-plain.yaml\nmore text\n///\n",
            "line 5: the block '/// quiz | quizzes/02-plain.yaml' needs a closing '///' on the "
            "next line",
        ),
        (
            "/// quiz | quizzes/02-plian.yaml\n///\n",
            "line 1: /// quiz | quizzes/02-plian.yaml: no such quiz file; "
            "did you mean quizzes/02-plain.yaml?",
        ),
        (
            "/// quiz | mkdocs.yml\n///\n",
            "line 1: /// quiz | mkdocs.yml: quizzes live under quizzes/ (where the build "
            "validates them); move the file there",
        ),
        (
            "/// quiz | quizzes/02-plain.yaml\n    open: true\n///\n",
            "line 1: this quiz block could not be read: write '/// quiz | quizzes/name.yaml' "
            "and '///' alone on the next line (a quiz block takes no options)",
        ),
    ],
)
def test_mistakes_are_errors_naming_the_line(text, message):
    assert failure(text, ["fenced_code"]) == message


def test_the_host_names_the_page_and_chooses_the_exception():
    from plugins.quiz.library import Page

    class HostError(Exception):
        pass

    page = Page(name="docs/x.md", source="---\ntitle: X\n---\n\n/// quiz | q.yaml\n///\n")
    with pytest.raises(HostError) as info:
        convert("/// quiz | q.yaml\n///\n", page=lambda: page, error=HostError)
    assert str(info.value).startswith("docs/x.md:5: /// quiz | q.yaml: ")


def test_a_quiz_with_problems_is_reported_with_its_lines(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "bad.yaml").write_text("title: t\nquestions: []\n")
    with pytest.raises(QuizBlockError) as info:
        markdown.markdown(
            "/// quiz | quizzes/bad.yaml\n///\n",
            extensions=["quiz"],
            extension_configs={"quiz": {"root": str(tmp_path)}},
        )
    assert "quizzes/bad.yaml:2:12: questions: the quiz has no questions" in str(info.value)
