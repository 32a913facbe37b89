"""python -m plugins.quiz: exit codes and output lines."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.support import ROOT, mkdocs_build

from .paths import FIXTURES


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "plugins.quiz", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_valid_files_and_folders_exits_0():
    result = run("check", "quizzes", "tests/plugins/quiz/fixtures/site/quizzes/01-demo.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    count = len(list((ROOT / "quizzes").glob("*.yaml"))) + 1
    assert result.stderr == f"{count} quiz file(s) OK\n"


def test_check_prints_one_line_per_problem_and_exits_1():
    result = run(
        "check",
        "tests/plugins/quiz/fixtures/bad/many-problems.yaml",
        "tests/plugins/quiz/fixtures/bad/single-two-correct.yaml",
        "tests/plugins/quiz/fixtures/good",
    )
    assert result.returncode == 1
    bad = "tests/plugins/quiz/fixtures/bad"
    assert result.stdout.splitlines() == [
        f"{bad}/many-problems.yaml:11:9: questions[0].options[1].feedbak: "
        "unknown key; did you mean 'feedback'?",
        f"{bad}/many-problems.yaml:13:5: questions[1]: a 'numeric' question "
        "needs 'answer' (a number) or 'answer_from' (a lesson_code call)",
        f"{bad}/many-problems.yaml:16:5: questions[2]: missing key "
        "'explanation' (every question explains its answer after it is checked)",
        f"{bad}/many-problems.yaml:18:13: questions[2].accept: needs at least "
        "1 accepted answer; found 0",
        f"{bad}/single-two-correct.yaml:7:7: questions[0].options: a 'single' "
        "question needs exactly one correct option; 2 are marked correct (use type: multiple "
        "for several)",
    ]
    assert result.stderr == "5 problem(s) in 3 quiz file(s)\n"


def test_check_a_missing_path_is_a_problem():
    result = run("check", "quizzes/nope.yaml")
    assert result.returncode == 1
    assert result.stdout == "quizzes/nope.yaml:1:1: no such file or folder\n"


def test_check_computes_answer_from(tmp_path):
    quiz = tmp_path / "drift.yaml"
    shutil.copy(FIXTURES / "bad" / "answer-drift.yaml", quiz)
    result = run("check", str(quiz))
    assert result.returncode == 1
    assert result.stdout == (
        f"{quiz}:6:13: questions[0].answer: 0.95 differs from answer_from "
        "(lesson_code.attention.softmax([8.2, 3.1, 2.4])[0] = 0.990958) by more than the "
        "tolerance 0.005; update the answer (or the tolerance) to match the code\n"
    )


def test_usage_errors_exit_2(tmp_path):
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2
    outside = run("check", cwd=tmp_path)  # no quizzes/ here: say where to run it
    assert outside.returncode == 2
    assert "run it where mkdocs.yml is" in outside.stderr


def test_check_without_paths_checks_the_project_as_the_build_does(tmp_path):
    """Every quiz file, and also that each is shown on a page and every block names one."""
    assert run("check").returncode == 0  # the course itself
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "site", project)
    assert run("check", cwd=project).stderr == "4 quiz file(s) OK\n"
    shutil.move(project / "quizzes" / "02-plain.yaml", project / "quizzes" / "02-plian.yaml")
    inline = project / "docs" / "inline.md"
    inline.write_text(
        inline.read_text().replace(
            "quizzes/extra/end-mode.yaml\n///\n\nAnd", "quizzes/extra/end-mod.yaml\n///\n\nAnd"
        )
    )
    result = run("check", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/inline.md:5:1: /// quiz | quizzes/extra/end-mod.yaml: no such quiz file; "
        "did you mean quizzes/extra/end-mode.yaml?",
        "docs/lessons/02-plain.md:7:1: /// quiz | quizzes/02-plain.yaml: no such quiz file; "
        "did you mean quizzes/02-plian.yaml?",
        "quizzes/02-plian.yaml:1:1: quiz: no page shows this quiz; add the block "
        "'/// quiz | quizzes/02-plian.yaml' (and '///' on the next line) to the page that "
        "should show it (docs/lessons/02-plain.md?)",
    ]
    # the build says the same of the first block it meets (inline.md; one owner of the message)
    build = mkdocs_build(project, tmp_path / "site")
    assert build.returncode == 1
    assert (
        "docs/inline.md:5: /// quiz | quizzes/extra/end-mod.yaml: no such quiz file; "
        "did you mean quizzes/extra/end-mode.yaml?"
    ) in build.stderr


def test_schema_writes_and_checks(tmp_path):
    out = tmp_path / "schema.json"
    assert run("schema", "--output", str(out), "--check").returncode == 1
    written = run("schema", "--output", str(out))
    assert written.returncode == 0 and written.stderr == f"wrote {out}\n"
    assert out.read_text() == (ROOT / "quizzes" / "schema.json").read_text()
    assert run("schema", "--output", str(out), "--check").returncode == 0
    assert run("schema", "--check").returncode == 0  # the real one is up to date
