"""``{{ name }}`` in quiz text: filled from the lesson's recorded values, or refused with
the quiz file's line; never published as typed."""

from __future__ import annotations

import pytest

from plugins.quiz.errors import QuizError
from plugins.quiz.model import fingerprint
from plugins.quiz.render import render_quiz
from plugins.quiz.validate import load_quiz
from plugins.quiz.values import fill_values

TEXT = """\
title: "Check: {{ topic }}"
intro: "Uses the lesson's numbers."
questions:
  - type: single
    prompt: "The top weight was {{ top }}. Which key got it?"
    options:
      - {text: "the {{ winner }}", correct: true, feedback: "It scored {{ top }}."}
      - {text: "the bank", feedback: "Its score was lower."}
    explanation: "softmax gives {{ top }}"
  - type: order
    prompt: "Order them"
    items: ["first {{ top }}", "second"]
    explanation: "e"
  - type: numeric
    prompt: "Half of {{ top }}?"
    answer: 0.5
    answer_from: "lesson_code.attention.softmax([0.0, 0.0])[0]"
    tolerance: 0.01
    explanation: "e"
"""
VALUES = {"topic": "softmax", "top": "0.991", "winner": "trophy <b>"}


def test_every_text_is_filled_and_values_are_text_not_markup():
    quiz = load_quiz(TEXT, "quizzes/04-x.yaml")
    filled = fill_values(quiz, VALUES, "lesson_code/lessons/04_x.py", "docs/lessons/04-x.md")
    single, order, numeric = filled.questions
    assert filled.title == "Check: softmax"
    assert single.prompt == "The top weight was 0.991. Which key got it?"
    assert single.options[0].text == "the trophy <b>"  # the renderer escapes it, once
    assert single.options[0].feedback == "It scored 0.991."
    assert single.explanation == "softmax gives 0.991"
    assert order.items == ["first 0.991", "second"]
    assert numeric.prompt == "Half of 0.991?"
    assert numeric.answer_from == quiz.questions[2].answer_from  # code is never filled
    assert quiz.questions[0].prompt.startswith("The top weight was {{ top }}")  # not mutated
    html = render_quiz(filled, quiz_id="x")
    assert "{{" not in html and "the trophy &lt;b&gt;</label>" in html
    # the learner's stored answers follow the question as shown
    assert fingerprint(single) != fingerprint(quiz.questions[0])


def test_an_unknown_name_is_refused_at_its_line_with_a_suggestion():
    quiz = load_quiz(TEXT, "quizzes/04-x.yaml")
    with pytest.raises(QuizError) as info:
        fill_values(
            quiz,
            {"topic": "t", "tops": "1", "winner": "w"},
            "lesson_code/lessons/04_x.py",
            "docs/lessons/04-x.md",
        )
    lines = [str(p) for p in info.value.problems]
    assert lines[0] == (
        'quizzes/04-x.yaml:5:13: questions[0].prompt: "{{ top }}" is not a value recorded by '
        'lesson_code/lessons/04_x.py; did you mean "tops"? (it records: topic, tops, winner; '
        'add report.value("top", ...) to the script)'
    )
    fields = [p.field for p in info.value.problems]
    assert fields == [
        "questions[0].prompt",
        "questions[0].options[0].feedback",
        "questions[0].explanation",
        "questions[1].items[0]",
        "questions[2].prompt",
    ]


def test_a_placeholder_on_a_page_without_a_lesson_script_is_refused():
    quiz = load_quiz(TEXT, "quizzes/extra.yaml")
    with pytest.raises(QuizError) as info:
        fill_values(quiz, None, "", "docs/inline.md")
    first = str(info.value.problems[0])
    assert first == (
        'quizzes/extra.yaml:1:8: title: "{{ topic }}": the quiz is shown on docs/inline.md, '
        "which has no lesson script to record values; write the value itself, or show the quiz "
        "on its lesson page"
    )


def test_a_quiz_without_placeholders_is_returned_as_it_is():
    quiz = load_quiz(TEXT.replace("{{", "(").replace("}}", ")"), "q.yaml")
    assert fill_values(quiz, None, "", "docs/x.md") is quiz
