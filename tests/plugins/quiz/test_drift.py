"""Answer keys of the real quizzes are checked against the course code.

Every ``answer_from`` in quizzes/*.yaml is recomputed with lesson_code, here and now; a
numeric answer written in the file must agree with it within the question's tolerance.
If lesson_code changes a result, this test (and the build) fails until the quiz follows.
"""

from __future__ import annotations

import pytest

from plugins.quiz import answers
from plugins.quiz.model import NumericQuestion
from plugins.quiz.validate import load_file
from tests.support import ROOT

from .paths import COURSE_CODE

QUIZZES = sorted((ROOT / "quizzes").glob("*.yaml"))


def numeric_with_code():
    for path in QUIZZES:
        quiz = load_file(str(path), f"quizzes/{path.name}")
        for i, q in enumerate(quiz.questions):
            if isinstance(q, NumericQuestion) and q.answer_from:
                yield pytest.param(quiz, i, id=f"{path.stem}-q{i}")


def test_the_softmax_quiz_has_code_backed_answers():
    quiz = load_file(str(ROOT / "quizzes" / "04-softmax.yaml"), "quizzes/04-softmax.yaml")
    backed = [q for q in quiz.questions if isinstance(q, NumericQuestion) and q.answer_from]
    assert len(backed) >= 2 and all(q.answer is not None for q in backed)


@pytest.mark.parametrize(("quiz", "index"), list(numeric_with_code()))
def test_answer_from_agrees_with_the_code(quiz, index):
    question = quiz.questions[index]
    written = question.answer
    result = answers.evaluate_source(question.answer_from, COURSE_CODE)
    assert "error" not in result, (
        f"{quiz.path}: questions[{index}].answer_from: {result.get('error')}"
    )
    computed = result["value"]
    if written is not None:
        assert abs(written - computed) <= question.tolerance + 1e-9 * max(1, abs(computed)), (
            f"{quiz.path}: questions[{index}]: answer {written} drifted from "
            f"{question.answer_from} = {computed} (tolerance {question.tolerance})"
        )


def test_all_real_quizzes_resolve_without_problems():
    quizzes = [load_file(str(p), f"quizzes/{p.name}") for p in QUIZZES]
    assert [str(p) for p in answers.resolve(quizzes, COURSE_CODE)] == []
