"""Property-based fuzzing of the loader and validator: any input gives a valid quiz or a
clean ``QuizError`` (with a position inside the file), never another exception, never a
hang (each example has a deadline), and a valid quiz always renders."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from plugins.quiz import answers
from plugins.quiz.errors import QuizError
from plugins.quiz.model import QUESTION_TYPES, Quiz, yaml_fields
from plugins.quiz.render import render_quiz
from plugins.quiz.validate import load_quiz

from .paths import COURSE_CODE, FIXTURES

DEMO = (FIXTURES / "site" / "quizzes" / "01-demo.yaml").read_text(encoding="utf-8")
FUZZ = settings(
    max_examples=150,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = sorted(
    {f.name for cls in QUESTION_TYPES.values() for f in yaml_fields(cls)}
    | {f.name for f in yaml_fields(Quiz)}
    | {"text", "correct", "feedback", "left", "right"}
)


def outcome(data: bytes | str) -> Quiz | None:
    """Load ``data``; a QuizError must point inside the file. Returns the quiz, if valid."""
    try:
        quiz = load_quiz(data, "fuzz.yaml")
    except QuizError as exc:
        assert exc.problems
        lines = (data.count(b"\n") if isinstance(data, bytes) else data.count("\n")) + 1
        for problem in exc.problems:
            assert problem.path == "fuzz.yaml"
            assert 1 <= problem.line <= lines + 1, problem
            assert problem.col >= 1
            assert str(problem).startswith("fuzz.yaml:")
        return None
    assert isinstance(quiz, Quiz) and quiz.title and quiz.questions
    return quiz


def renders(quiz: Quiz) -> None:
    answers.resolve(
        [quiz], COURSE_CODE
    )  # problems are fine here; an unresolved answer is skipped below
    if any(getattr(q, "answer", 0) is None for q in quiz.questions):
        return
    html = render_quiz(quiz, quiz_id="fuzz")
    assert html.startswith("<form") and html.endswith("</form>")
    assert "<script>" not in html


@FUZZ
@given(st.binary(max_size=2000))
@example(b"\xff\xfe\x00t\x00i")
@example(b"title: x\nquestions: [" + b"[" * 200)
def test_any_bytes(data):
    outcome(data)


@FUZZ
@given(st.text(max_size=2000))
@example("title: x\nquestions:\n  - type: free\n    prompt: p\n    model_answer: m\n")
@example("\x00")
@example("&a [*a]")
def test_any_text(text):
    quiz = outcome(text)
    if quiz is not None:
        renders(quiz)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        list(QUESTION_TYPES) + ["immediate", "end", "lesson_code.attention.softmax([1.0, 2.0])[0]"]
    ),
)
keys = st.one_of(
    st.sampled_from(KEYS), st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=8),
    ),
    max_leaves=40,
)


@FUZZ
@given(st.dictionaries(keys, documents, max_size=8))
def test_structured_yaml_reaches_the_validator(document):
    text = yaml.safe_dump(document, allow_unicode=True)
    quiz = outcome(text)
    if quiz is not None:
        renders(quiz)


def question_strategy():
    option = st.fixed_dictionaries(
        {"text": st.text(min_size=1, max_size=20), "feedback": st.text(min_size=1, max_size=20)},
        optional={"correct": st.booleans()},
    )
    return st.fixed_dictionaries(
        {"type": st.sampled_from(list(QUESTION_TYPES)), "prompt": st.text(min_size=1, max_size=40)},
        optional={
            "explanation": st.text(max_size=20),
            "options": st.lists(option, max_size=5),
            "answer": st.one_of(st.booleans(), st.floats(), st.integers()),
            "tolerance": st.floats(),
            "accept": st.lists(st.text(max_size=10), max_size=4),
            "accept_regex": st.text(max_size=10),
            "items": st.lists(st.text(max_size=10), max_size=5),
            "pairs": st.lists(
                st.fixed_dictionaries({"left": st.text(max_size=8), "right": st.text(max_size=8)}),
                max_size=4,
            ),
            "model_answer": st.text(max_size=20),
            "feedback_true": st.text(max_size=10),
            "feedback_false": st.text(max_size=10),
            "shuffle": st.booleans(),
            "unit": st.text(max_size=4),
        },
    )


@FUZZ
@given(
    st.fixed_dictionaries(
        {"title": st.text(max_size=20), "questions": st.lists(question_strategy(), max_size=4)},
        optional={
            "mode": st.sampled_from(["immediate", "end", "x"]),
            "pass_mark": st.floats(),
            "shuffle": st.booleans(),
        },
    )
)
def test_nearly_valid_quizzes(document):
    quiz = outcome(yaml.safe_dump(document, allow_unicode=True))
    if quiz is not None:
        renders(quiz)


@FUZZ
@given(st.data())
def test_mutations_of_a_valid_quiz(data):
    lines = DEMO.split("\n")
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "dedent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines[i] = lines[i] + data.draw(st.text(max_size=5))
        elif action == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines[i] = lines[i][2:]
        if not lines:
            break
    quiz = outcome("\n".join(lines))
    if quiz is not None:
        renders(quiz)
