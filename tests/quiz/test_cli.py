"""python -m plugins.quiz: exit codes and output lines."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import FIXTURES, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "plugins.quiz", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_valid_files_and_folders_exits_0():
    result = run("check", "quizzes", "tests/quiz/fixtures/site/quizzes/01-demo.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    count = len(list((ROOT / "quizzes").glob("*.yaml"))) + 1
    assert result.stderr == f"{count} quiz file(s) OK\n"


def test_check_prints_one_line_per_problem_and_exits_1():
    result = run(
        "check",
        "tests/quiz/fixtures/bad/many-problems.yaml",
        "tests/quiz/fixtures/bad/single-two-correct.yaml",
        "tests/quiz/fixtures/good",
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/quiz/fixtures/bad/many-problems.yaml:11:9: questions[0].options[1].feedbak: "
        "unknown key; did you mean 'feedback'?",
        "tests/quiz/fixtures/bad/many-problems.yaml:13:5: questions[1]: a 'numeric' question "
        "needs 'answer' (a number) or 'answer_from' (a lesson_code call)",
        "tests/quiz/fixtures/bad/many-problems.yaml:16:5: questions[2]: missing key "
        "'explanation' (every question explains its answer after it is checked)",
        "tests/quiz/fixtures/bad/many-problems.yaml:18:13: questions[2].accept: needs at least "
        "1 accepted answer; found 0",
        "tests/quiz/fixtures/bad/single-two-correct.yaml:7:7: questions[0].options: a 'single' "
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


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2


def test_schema_writes_and_checks(tmp_path):
    out = tmp_path / "schema.json"
    assert run("schema", "--output", str(out), "--check").returncode == 1
    written = run("schema", "--output", str(out))
    assert written.returncode == 0 and written.stderr == f"wrote {out}\n"
    assert out.read_text() == (ROOT / "quizzes" / "schema.json").read_text()
    assert run("schema", "--output", str(out), "--check").returncode == 0
    assert run("schema", "--check").returncode == 0  # the real one is up to date
