"""The quiz plugin's store (``cache_dir``): a warm build reuses rendered quizzes and answer
keys, and never shows a stale one after the quiz, the page set or the course code changed."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support import ROOT, mkdocs_build

from .paths import SITE_FIXTURE

pytestmark = pytest.mark.build

SOFTMAX = '''"""Course code of the fixture project (answer_from imports it from here)."""
import numpy as np


def softmax(x):
    z = np.asarray(x, dtype=float) * SCALE
    e = np.exp(z - z.max())
    return e / e.sum()


SCALE = 1.0
'''


@pytest.fixture()
def project(tmp_path):
    """The fixture site with the store on and its own copy of the course code."""
    project = tmp_path / "project"
    shutil.copytree(SITE_FIXTURE, project)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - quiz\n", "  - quiz:\n      cache_dir: .cache/quiz\n")
    )
    code = project / "lesson_code"
    code.mkdir()
    (code / "__init__.py").write_text("")
    (code / "attention.py").write_text(SOFTMAX)
    return project


def build(project, site):
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return (site / "lessons" / "01-demo" / "index.html").read_text(encoding="utf-8")


def entries(project, kind):
    return sorted((project / ".cache" / "quiz" / kind).glob("*.json"))


def rewrite(paths, old, new):
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_renders_are_reused_until_the_quiz_changes(project, tmp_path):
    first = build(project, tmp_path / "a")
    renders = entries(project, "render")
    assert len(renders) == 5  # two lesson quizzes, the inline quiz shown twice, one more inline
    # Mark the stored renders: the next build shows the mark, so it reused them.
    rewrite(renders, "Demo quiz: every type", "Demo quiz: from the store")
    assert "Demo quiz: from the store" in build(project, tmp_path / "b")
    # Editing the quiz changes its key: rendered again, the marked entry is not used.
    quiz = project / "quizzes" / "01-demo.yaml"
    rewrite([quiz], "Demo quiz: every type", "Demo quiz: edited")
    third = build(project, tmp_path / "c")
    assert "Demo quiz: edited" in third and "from the store" not in third
    assert third.replace("Demo quiz: edited", "Demo quiz: every type") == first


def test_a_build_deletes_the_entries_it_did_not_use(project, tmp_path):
    build(project, tmp_path / "a")
    before = {kind: entries(project, kind) for kind in ("quiz", "render", "answers")}
    assert [len(v) for v in before.values()] == [4, 5, 1]
    quiz = project / "quizzes" / "01-demo.yaml"
    rewrite([quiz], "Demo quiz: every type", "Demo quiz: edited")
    build(project, tmp_path / "b")
    after = {kind: entries(project, kind) for kind in ("quiz", "render", "answers")}
    assert [len(v) for v in after.values()] == [4, 5, 1]  # the edited quiz's old entries went
    assert len(set(after["render"]) - set(before["render"])) == 1
    assert after["answers"] == before["answers"]


def test_the_page_set_is_part_of_the_key(project, tmp_path):
    build(project, tmp_path / "a")
    rewrite(entries(project, "render"), "Demo quiz: every type", "Demo quiz: from the store")
    (project / "docs" / "new-page.md").write_text("# A new page\n")  # links may now resolve
    assert "from the store" not in build(project, tmp_path / "b")


def test_answer_keys_are_reused_until_the_course_code_changes(project, tmp_path):
    page = build(project, tmp_path / "a")
    assert "0.7310585786" in page  # softmax([1, 2])[1], computed from the project's code
    [stored] = entries(project, "answers")
    assert json.loads(stored.read_text())[0]["value"] == pytest.approx(0.7310585786)
    # A stored value is trusted while the code is unchanged (renders keyed on it too).
    stored.write_text(json.dumps([{"value": 0.5}]))
    assert "0.7310585786" not in build(project, tmp_path / "b")
    # Editing the course code: computed again from the new code.
    code = project / "lesson_code" / "attention.py"
    code.write_text(code.read_text().replace("SCALE = 1.0", "SCALE = 2.0"))
    page = build(project, tmp_path / "c")
    assert "0.8807970779" in page  # softmax([2, 4])[1]


def test_a_render_that_warned_is_not_kept(project, tmp_path):
    quiz = project / "quizzes" / "02-plain.yaml"
    rewrite([quiz], 'explanation: "Softmax."', 'explanation: "See [here](nowhere.md)."')
    for site in ("a", "b"):  # the warning (an error under strict) comes back every build
        result = mkdocs_build(project, tmp_path / site)
        assert result.returncode == 1
        assert "links to 'nowhere.md', which is not a page of the site" in result.stderr


def test_a_damaged_store_is_rendered_again(project, tmp_path):
    first = build(project, tmp_path / "a")
    for path in entries(project, "render") + entries(project, "answers"):
        path.write_text("{cut short")
    assert build(project, tmp_path / "b") == first


def test_the_real_site_keeps_its_store_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/.cache/" in ignored
    assert "cache_dir: .cache/quiz" in (ROOT / "mkdocs.yml").read_text()
