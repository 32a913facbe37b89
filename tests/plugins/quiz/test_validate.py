"""Valid quizzes become the typed model, with defaults, positions and fingerprints."""

from __future__ import annotations

import pytest

from plugins.quiz import answers
from plugins.quiz.errors import QuizError
from plugins.quiz.model import (
    FreeQuestion,
    MatchQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderQuestion,
    SingleQuestion,
    TextQuestion,
    TrueFalseQuestion,
    fingerprint,
    normalize_text,
)
from plugins.quiz.validate import load_file, load_quiz
from tests.support import ROOT

from .paths import COURSE_CODE, FIXTURES

DEMO = FIXTURES / "site" / "quizzes" / "01-demo.yaml"
EDGE = FIXTURES / "good" / "edge-cases.yaml"


def test_every_question_type_is_read_into_its_class():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    kinds = [type(q) for q in quiz.questions]
    assert kinds == [
        SingleQuestion,
        MultipleQuestion,
        TrueFalseQuestion,
        NumericQuestion,
        TextQuestion,
        FreeQuestion,
        OrderQuestion,
        MatchQuestion,
    ]
    single, multiple, truefalse, numeric, text, free, order, match = quiz.questions
    assert single.id == "pick-b" and [o.correct for o in single.options] == [False, True, False]
    assert [o.correct for o in multiple.options] == [True, False, True, False]
    assert truefalse.answer is True and truefalse.feedback_false.startswith("They are")
    assert numeric.answer is None and numeric.tolerance == 0.001
    assert numeric.answer_from == "lesson_code.attention.softmax([1.0, 2.0])[1]"
    assert text.accept == ["softmax", "soft max"] and text.accept_regex == "^soft[- ]?arg ?max$"
    assert free.model_answer.startswith("It keeps") and free.explanation
    assert order.items[0] == "Project X to Q, K and V" and len(order.items) == 4
    assert [(p.left, p.right) for p in match.pairs][0] == (
        "Query",
        "what this token is looking for",
    )
    assert match.distractors == ["how long the sentence is"]


def test_defaults():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    assert quiz.mode == "immediate"
    assert quiz.pass_mark is None  # the plugin's pass_mark (0.7) applies
    assert quiz.shuffle is True and quiz.reveal_after == 3  # options shuffled by default
    assert quiz.questions[0].shuffle is None  # follows the quiz
    assert quiz.questions[4].accept_regex is not None and quiz.questions[3].unit is None


def test_authors_numbers_become_text_and_plain_exponents_numbers():
    quiz = load_file(str(EDGE), "edge.yaml")
    single, numeric, text, free = quiz.questions
    assert [o.text for o in single.options] == ["0.50", "0.25"]
    assert single.prompt == single.explanation  # an alias, read twice
    assert numeric.answer == 0.001
    assert text.accept == ["yes", "oui"]
    assert free.explanation is None
    assert (quiz.mode, quiz.pass_mark, quiz.shuffle, quiz.id) == ("end", 1.0, True, "edge_cases-1")
    assert quiz.title == "Édge cases — ünïcode ✓"


def test_positions_are_kept_for_later_messages():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    numeric = quiz.questions[3]
    assert (numeric.where["answer_from"].line, numeric.where["answer_from"].col) == (33, 18)
    assert (numeric.where[""].line, numeric.where[""].col) == (31, 5)
    assert quiz.questions[0].options[1].where["text"].line == 11


def test_answer_from_fills_the_answer():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    assert answers.resolve([quiz], COURSE_CODE) == []
    numeric = quiz.questions[3]
    assert numeric.answer == pytest.approx(0.7310585786)
    assert numeric.computed == numeric.answer


def test_all_problems_are_reported_in_file_order():
    text = (
        "title: ''\nmode: never\nquestions:\n"
        "  - type: single\n    prompt: p\n"
        "    options: [{text: a, feedback: f}, {text: b, feedback: g}]\n"
        "    explanation: e\n"
        "  - type: match\n    prompt: p\n    pairs: [{left: a, right: x}]\n    explanation: e\n"
    )
    with pytest.raises(QuizError) as info:
        load_quiz(text, "q.yaml")
    assert [str(p) for p in info.value.problems] == [
        "q.yaml:1:8: title: must not be empty",
        "q.yaml:2:7: mode: 'never' is not a valid mode; choose one of: immediate, end",
        "q.yaml:6:14: questions[0].options: a 'single' question needs exactly one correct option; "
        "none is marked correct (add correct: true to the right one)",
        "q.yaml:10:12: questions[1].pairs: needs at least 2 pairs to match; found 1",
    ]


def test_did_you_mean_for_keys_types_and_modes():
    text = "titel: x\nmode: ende\nquestions:\n  - type: numerc\n    prompt: p\n"
    with pytest.raises(QuizError) as info:
        load_quiz(text, "q.yaml")
    message = str(info.value)
    assert "titel: unknown key; did you mean 'title'?" in message
    assert "did you mean 'end'?" in message
    assert "unknown question type 'numerc'; did you mean 'numeric'?" in message
    assert "missing key 'title'" not in message  # the misspelt key already says it


def test_fingerprint_follows_the_question_and_its_key_only():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    single = quiz.questions[0]
    before = fingerprint(single)
    assert len(before) == 16 and int(before, 16) >= 0
    single.explanation = "Reworded."
    single.options[0].feedback = "Reworded too."
    assert fingerprint(single) == before  # rewording help keeps the learner's answer
    single.options[1].correct, single.options[2].correct = False, True
    assert fingerprint(single) != before  # a new answer key drops it
    other = load_file(str(DEMO), "01-demo.yaml").questions[0]
    other.prompt += " (edited)"
    assert fingerprint(other) != before


def test_the_real_quizzes_are_valid():
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        quiz = load_file(str(path), path.name)
        assert quiz.title and quiz.questions


def test_normalize_text_ignores_case_and_spacing():
    assert normalize_text("  Soft   MAX\t") == "soft max"
    assert normalize_text("ÉCOLE") == "école"
