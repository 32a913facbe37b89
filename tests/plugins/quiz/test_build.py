"""Full builds of the fixture site: one that must pass, several that must fail cleanly."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup

from plugins.common.assets import BASE_SOURCE
from plugins.quiz.__main__ import check
from tests.support import mkdocs_build

from .paths import FIXTURES, SITE_FIXTURE

pytestmark = pytest.mark.build


def copy_site(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SITE_FIXTURE, project)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = tmp_path_factory.mktemp("built")
    result = mkdocs_build(SITE_FIXTURE, site)
    assert result.returncode == 0, result.stderr
    return site


def page(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_lesson_quiz_is_placed_before_whats_next(built):
    soup = page(built, "lessons/01-demo/index.html")
    article = soup.select_one("article")
    headings = [h.get_text().strip("¶ ") for h in article.select("h2")]
    assert headings == ["End-of-lesson quiz", "What's next"]
    form = article.select_one("form.quiz")
    assert form["data-quiz"] == "01-demo"
    assert form.select_one("h3.quiz__title").get_text() == "Demo quiz: every type"
    h2s = article.select("h2")
    order = [el for el in article.descendants if el in (h2s[0], form, h2s[1])]
    assert order == [h2s[0], form, h2s[1]]
    assert "/// quiz | quizzes/not-a-real-file.yaml" in article.select_one("pre").get_text()
    assert [a.get_text().strip() for a in soup.select("nav.md-nav--secondary a")][:2] == [
        "End-of-lesson quiz",
        "What's next",
    ]


def test_a_lesson_quiz_at_the_end_of_its_page(built):
    article = page(built, "lessons/02-plain/index.html").select_one("article")
    form = article.select_one("form.quiz")
    assert form["data-quiz"] == "plain-lesson"  # the quiz's own id key
    assert form.find_previous("h2").get_text().strip("¶ ") == "End-of-lesson quiz"
    assert form.find_next_sibling() is None  # the last thing on the page


def test_inline_blocks_place_a_quiz_anywhere_with_unique_ids(built):
    soup = page(built, "inline/index.html")
    forms = soup.select("form.quiz")
    assert [f["id"] for f in forms] == [
        "quiz-extra-end-mode",
        "quiz-extra-end-mode-2",
        "quiz-orders-and-pins",
    ]
    assert forms[1].find_parent(class_="admonition") is not None
    ids = [t["id"] for t in soup.select("[id]")]
    assert len(ids) == len(set(ids))
    # the page has only its h1 above the blocks: each quiz title is an h2
    assert [h.get_text() for h in soup.select("form.quiz h2")] == ["Checked at the end"] * 2
    assert [h.get_text() for h in soup.select("form.quiz h3")] == ["Orders and pins"]


def test_quiz_html_is_not_mangled_by_markdown(built):
    form = page(built, "lessons/01-demo/index.html").select_one("form.quiz")
    assert len(form.select("fieldset[data-quiz-q]")) == 8
    assert form.select_one("legend .quiz__prompt strong").get_text() == "B"
    assert "<script>alert('prompt')</script>" in form.select_one("legend").get_text()
    intro_link = form.select_one(".quiz__intro a")
    assert intro_link["href"] == "../../plain/"  # .md links point at the page's URL
    data = json.loads(form.select_one("template[data-quiz-data]").string)
    assert data["questions"][3]["answer"] == pytest.approx(0.7310585786)


def test_one_script_and_one_stylesheet_on_every_page(built):
    for path in ["index.html", "plain/index.html", "lessons/01-demo/index.html"]:
        soup = page(built, path)
        scripts = [s["src"] for s in soup.select("script[src]") if "quiz" in s["src"]]
        sheets = [s["href"] for s in soup.select("link[rel=stylesheet]") if "quiz" in s["href"]]
        assert [s.rsplit("/", 1)[-1] for s in scripts] == ["quiz.js"]
        assert [s.rsplit("/", 1)[-1] for s in sheets] == ["quiz.css"]
        assert soup.select("form.quiz script") == []  # no inline script of ours
        ours = [s["src"] for s in soup.select("script[src]") if "/javascripts/" not in s["src"]]
        assert [s.rsplit("/", 1)[-1] for s in ours] == ["base.js", "quiz.js"]  # base first
    assert (built / "assets" / "base.js").read_bytes() == BASE_SOURCE.read_bytes()
    shipped = (built / "assets" / "quiz" / "quiz.js").read_bytes()
    assert (
        shipped
        == (SITE_FIXTURE.parents[4] / "plugins" / "quiz" / "assets" / "quiz.js").read_bytes()
    )


def test_manifest_lists_every_quiz(built):
    manifest = json.loads((built / "assets" / "quiz" / "quizzes.json").read_text())
    assert manifest == {
        "01-demo": {
            "title": "Demo quiz: every type",
            "file": "quizzes/01-demo.yaml",
            "pages": ["lessons/01-demo/"],
            "questions": 8,
            "pass_mark": 0.7,
        },
        "extra-end-mode": {
            "title": "Checked at the end",
            "file": "quizzes/extra/end-mode.yaml",
            "pages": ["inline/"],
            "questions": 2,
            "pass_mark": 0.5,
        },
        "orders-and-pins": {
            "title": "Orders and pins",
            "file": "quizzes/extra/orders.yaml",
            "pages": ["inline/"],
            "questions": 2,
            "pass_mark": 0.7,
        },
        "plain-lesson": {
            "title": "Two quick ones",
            "file": "quizzes/02-plain.yaml",
            "pages": ["lessons/02-plain/"],
            "questions": 2,
            "pass_mark": 0.7,
        },
    }


def test_search_index_leaves_the_answers_out(built):
    index = (built / "search" / "search_index.json").read_text()
    assert "Which letter is" in index  # the quiz is indexed: its prompts
    assert "B is the second letter" not in index  # not its explanation
    # nor its options (Material's data-search-exclude alone lets them through)
    assert "onerror" not in index and "It makes the same points" not in index
    page = (built / "lessons" / "01-demo" / "index.html").read_text()
    assert "B is the second letter" in page  # which the page itself has


def cli_lines(path) -> list[str]:
    out = io.StringIO()
    check([str(path)], out, io.StringIO())
    return out.getvalue().splitlines()


def test_an_invalid_quiz_fails_the_build_with_the_cli_messages(tmp_path, monkeypatch):
    project = copy_site(tmp_path)
    shutil.copy(FIXTURES / "bad" / "many-problems.yaml", project / "quizzes" / "02-plain.yaml")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    monkeypatch.chdir(project)
    expected = cli_lines("quizzes/02-plain.yaml")
    assert len(expected) == 4
    assert "ERROR   -  quiz: 4 problem(s) in quiz files" in result.stderr
    for line in expected:
        assert line in result.stderr.splitlines()
    assert "Aborted with a BuildError!" in result.stdout + result.stderr


def test_answer_drift_fails_the_build(tmp_path):
    project = copy_site(tmp_path)
    quiz = project / "quizzes" / "01-demo.yaml"
    text = quiz.read_text().replace(
        "    tolerance: 0.001\n", "    answer: 0.75\n    tolerance: 0.001\n"
    )
    quiz.write_text(text)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert re.search(
        r"quizzes/01-demo\.yaml:\d+:13: questions\[3\]\.answer: 0\.75 differs from answer_from "
        r"\(lesson_code\.attention\.softmax\(\[1\.0, 2\.0\]\)\[1\] = 0\.731059\)",
        result.stderr,
    )


def test_a_quiz_no_page_shows_fails_the_build_naming_its_page(tmp_path):
    project = copy_site(tmp_path)
    lesson = project / "docs" / "lessons" / "02-plain.md"
    lesson.write_text(lesson.read_text().replace("/// quiz | quizzes/02-plain.yaml\n///\n", ""))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "quizzes/02-plain.yaml:1:1: quiz: no page shows this quiz; add the block "
        "'/// quiz | quizzes/02-plain.yaml' (and '///' on the next line) to "
        "docs/lessons/02-plain.md, under its heading '## End-of-lesson quiz'"
    ) in result.stderr


def test_a_removed_option_is_an_error_that_says_what_to_do(tmp_path):
    project = copy_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - quiz\n", "  - quiz:\n      pages_dir: x\n"))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "the option 'pages_dir' was removed" in result.stderr
    assert "'/// quiz | quizzes/<slug>.yaml'" in result.stderr
    assert "delete the option from mkdocs.yml" in result.stderr


def test_a_block_naming_a_missing_quiz_fails_the_build(tmp_path):
    project = copy_site(tmp_path)
    inline = project / "docs" / "inline.md"
    inline.write_text(
        inline.read_text().replace(
            "quizzes/extra/end-mode.yaml\n///\n\nAnd", "quizzes/extra/end-mod.yaml\n///\n\nAnd"
        )
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        "docs/inline.md:5: /// quiz | quizzes/extra/end-mod.yaml: no such quiz file; "
        "did you mean quizzes/extra/end-mode.yaml?"
    ) in result.stderr


def test_an_unclosed_block_fails_the_build_with_its_line(tmp_path):
    project = copy_site(tmp_path)
    (project / "docs" / "plain.md").write_text(
        "---\ntitle: Plain\n---\n\n# Plain\n\n/// quiz | quizzes/02-plain.yaml\nmore text\n"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        "docs/plain.md:7: the block '/// quiz | quizzes/02-plain.yaml' needs a closing '///' "
        "on the next line"
    ) in result.stderr


def test_a_quiz_link_to_a_missing_page_fails_the_strict_build(tmp_path):
    project = copy_site(tmp_path)
    quiz = project / "quizzes" / "02-plain.yaml"
    quiz.write_text(
        quiz.read_text().replace(
            'explanation: "Softmax."', 'explanation: "See [here](nowhere.md)."'
        )
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        "docs/lessons/02-plain.md: a quiz on this page links to 'nowhere.md', which is not a "
        "page of the site"
    ) in result.stderr


def test_strings_translate_and_the_plugin_can_be_disabled(tmp_path):
    project = copy_site(tmp_path)
    config = project / "mkdocs.yml"
    original = config.read_text()
    config.write_text(
        original.replace(
            "  - quiz\n",
            "  - quiz:\n      pass_mark: 0.5\n      strings:\n        check: Prüfen\n",
        )
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    soup = page(tmp_path / "site", "lessons/01-demo/index.html")
    assert soup.select_one("button[data-quiz-check]").get_text() == "Prüfen"
    assert json.loads(soup.select_one("template[data-quiz-data]").string)["passMark"] == 0.5

    config.write_text(original.replace("  - quiz\n", "  - quiz:\n      enabled: false\n"))
    result = mkdocs_build(project, tmp_path / "off")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "off" / "assets" / "quiz").exists()
    assert page(tmp_path / "off", "lessons/01-demo/index.html").select("form.quiz") == []


def test_config_pass_mark_is_checked_and_a_site_without_quizzes_builds(tmp_path):
    project = copy_site(tmp_path)
    shutil.rmtree(project / "quizzes")
    config = project / "mkdocs.yml"
    original = config.read_text()
    config.write_text(original.replace("  - quiz\n", "  - quiz:\n      pass_mark: 70\n"))
    result = mkdocs_build(project, tmp_path / "bad")
    assert result.returncode == 1
    assert (
        "quiz: pass_mark is 70 in mkdocs.yml; use a fraction from 0 to 1 (0.7 means 70%)"
    ) in result.stderr
    config.write_text(original)
    (project / "docs" / "inline.md").write_text("# Inline quiz\n\nNo quiz any more.\n")
    for lesson in (project / "docs" / "lessons").glob("*.md"):
        lesson.write_text(re.sub(r"/// quiz \| quizzes/.*\n///\n", "", lesson.read_text()))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "assets" / "quiz" / "quiz.js").is_file()
    assert json.loads((tmp_path / "site" / "assets" / "quiz" / "quizzes.json").read_text()) == {}


def test_a_placeholder_in_a_quiz_is_never_published_literally(tmp_path):
    """The fixture site has no lesson scripts: {{ name }} there stops the build at its line."""
    project = copy_site(tmp_path)
    quiz = project / "quizzes" / "02-plain.yaml"
    quiz.write_text(
        quiz.read_text().replace(
            'prompt: "Softmax weights add up to 1."',
            'prompt: "Softmax weights add up to {{ one }}."',
        )
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        'quizzes/02-plain.yaml:5:13: questions[0].prompt: "{{ one }}": the quiz is shown on '
        "docs/lessons/02-plain.md, which has no lesson script to record values; write the value "
        "itself, or show the quiz on its lesson page"
    ) in result.stderr
