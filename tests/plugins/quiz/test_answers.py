"""answer_from: what is accepted, what is refused, and how the value is computed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plugins.quiz import answers
from plugins.quiz.answers import (
    AnswerFromError,
    CodePackage,
    Plan,
    evaluate,
    evaluate_isolated,
    parse,
)
from plugins.quiz.validate import load_quiz
from tests.support import ROOT

from .paths import COURSE_CODE


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]", 0.9909581988),
        (
            "lesson_code.attention.softmax([8.2 / 8 ** 0.5, 3.1 / 8 ** 0.5, 2.4 / 8 ** 0.5])[0]",
            0.7731321,
        ),
        ("lesson_code.attention.softmax(x=[1.0, 2.0], axis=-1)[-1]", 0.7310585786),
        ("lesson_code.attention.softmax([[1, 2], [3, 5]])[1, 0]", 0.1192029220),
        ("lesson_code.attention.softmax([[1, 2], [3, 5]]).T[0, 1]", 0.1192029220),
        (
            "lesson_code.attention.softmax([[1, 2], [3, 5]])[:, 1].sum()",
            0.7310585786 + 0.8807970780,
        ),
        ("lesson_code.attention.causal_mask(4).sum()", 10.0),
        ("lesson_code.attention.causal_mask(4).shape[0]", 4.0),
        ("lesson_code.attention.softmax([0, -(2 - 1)]).max().item()", 0.7310585786),
        ("lesson_code.attention.softmax([1.0, 2.0, 3.0]).argmax()", 2.0),
        ("lesson_code.attention.softmax([1.0, 2.0]).round(2)[1]", 0.73),
    ],
)
def test_allowed_expressions_compute_a_float(source, expected):
    value = evaluate(parse(source, COURSE_CODE))
    assert type(value) is float
    assert value == pytest.approx(expected, rel=1e-8)


def test_the_plan_is_data_not_code():
    plan = parse(
        "lesson_code.attention.softmax([1, -2.5, 'a', None, True], axis=0)[1:2]", COURSE_CODE
    )
    assert plan == Plan(
        "lesson_code.attention.softmax([1, -2.5, 'a', None, True], axis=0)[1:2]",
        "lesson_code.attention",
        "softmax",
        ([1, -2.5, "a", None, True],),
        {"axis": 0},
        (("index", slice(1, 2, None)),),
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "",
            "must be a call of the course code such as lesson_code.<module>.<function>(...)",
        ),
        (
            "1 + 1",
            "must be a call of a function of the course code, like "
            "lesson_code.<module>.<function>(...)",
        ),
        ("open('/etc/passwd').read()", "only functions under lesson_code may be called, not open"),
        ("eval('1')", "only functions under lesson_code may be called, not eval"),
        ("os.system('ls')", "only functions under lesson_code may be called, not os.system"),
        (
            "lesson_code.softmax([1])",
            "name a module and a function: lesson_code.<module>.<function>, "
            "not lesson_code.softmax",
        ),
        (
            "lesson_code.attention.softmax.__call__([1])",
            "__call__ is private (starts with _); call a public function",
        ),
        (
            "lesson_code.attention.softmax",
            "must call a function, e.g. lesson_code.attention.softmax(...)",
        ),
        (
            "lesson_code.attention.softmax([1])[0].__class__",
            "the attribute .__class__ is not allowed here (allowed: T, ndim, shape, size)",
        ),
        (
            "lesson_code.attention.softmax([1]).tofile('x')",
            "the method .tofile() is not allowed "
            "(allowed: argmax, argmin, item, max, mean, min, round, sum)",
        ),
        (
            "lesson_code.attention.softmax([x for x in range(3)])",
            "only literal values are allowed as arguments; found '[x for x in range(3)]'",
        ),
        (
            "lesson_code.attention.softmax(lambda: 1)",
            "only literal values are allowed as arguments; found 'lambda: 1'",
        ),
        ("lesson_code.attention.softmax(*[1])", "*args is not allowed; write the arguments out"),
        (
            "lesson_code.attention.softmax(**{'x': 1})",
            "**kwargs is not allowed; write the keyword arguments out",
        ),
        (
            "lesson_code.attention.softmax([1])[0.5]",
            "indices must be whole numbers or slices; found '0.5'",
        ),
        (
            "lesson_code.attention.softmax(['a' * 3])",
            "arithmetic works on numbers only; found \"'a'\"",
        ),
        (
            "lesson_code.attention.softmax([2 ** 100000])",
            "exponents are limited to 64; found 100000",
        ),
        ("lesson_code.attention.softmax([1 / 0])", "the arithmetic fails: division by zero"),
        (
            "lesson_code.attention.softmax([b'x'])",
            "the literal b'x' is not allowed (numbers, text, lists)",
        ),
        (
            "lesson_code.lessons.x.f()",
            "lesson_code.lessons.x is a lesson script (importing it runs the lesson); "
            "call a function of the course code instead",
        ),
        (
            "lesson_code.attention.softmax(",
            "is not a valid Python expression ('(' was never closed)",
        ),
        ("x" * 600, "is 600 characters long; keep it under 500"),
    ],
)
def test_refused_expressions_say_why(source, message):
    with pytest.raises(AnswerFromError) as info:
        parse(source, COURSE_CODE)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "lesson_code.attention.np.exp(1)",
            "lesson_code.attention.np is not a module of lesson_code",
        ),
        (
            "lesson_code.nothing_here.f(1)",
            "lesson_code.nothing_here is not a module of lesson_code",
        ),
        (
            "lesson_code.attention.softmx([1])",
            "lesson_code.attention has no function softmx; did you mean softmax?",
        ),
        (
            "lesson_code.attention.causal_mask(0)[0]",
            "lesson_code.attention.causal_mask(...) raised AssertionError",
        ),
        (
            "lesson_code.attention.softmax([1.0, 2.0])",
            "the result is an array of shape (2,), not one number",
        ),
        (
            "lesson_code.attention.softmax([1.0, 2.0])[5]",
            "applying [5] to the result failed: IndexError",
        ),
        ("lesson_code.attention.causal_mask(2)[0, 0]", "the result is bool, not one number"),
        (
            "lesson_code.report.scientific(0.001)",
            "the result is the text '1.0 × 10⁻³', not a number; call a function that returns "
            "the number itself",
        ),
    ],
)
def test_evaluation_problems_say_why(source, message):
    with pytest.raises(AnswerFromError) as info:
        evaluate(parse(source, COURSE_CODE))
    assert message in str(info.value)


def test_imported_functions_are_not_callable_through_a_module(monkeypatch):
    import lesson_code.attention as attention

    monkeypatch.setattr(attention, "exp", np.exp, raising=False)  # imported, not defined there
    with pytest.raises(AnswerFromError) as info:
        evaluate(parse("lesson_code.attention.exp(1)", COURSE_CODE))
    assert (
        str(info.value)
        == "lesson_code.attention.exp is not a function defined in lesson_code.attention"
    )


def test_numpy_scalars_and_0d_arrays_become_floats():
    assert answers._to_float(np.float32(0.5)) == 0.5
    assert answers._to_float(np.array(3)) == 3.0
    assert answers._to_float(np.int64(7)) == 7.0
    with pytest.raises(AnswerFromError):
        answers._to_float(np.array([1.0, 2.0]))
    with pytest.raises(AnswerFromError):
        answers._to_float(float("nan"))


def test_isolated_evaluation_in_a_fresh_process():
    results = evaluate_isolated(
        ["lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]", "lesson_code.attention.nope(1)"],
        ROOT,
        COURSE_CODE,
    )
    assert results[0] == {"value": pytest.approx(0.9909581988)}
    assert results[1] == {"error": "lesson_code.attention has no function nope"}


def test_isolated_evaluation_sees_the_code_on_disk_now(tmp_path):
    """A fresh process imports the current code (what `mkdocs serve` needs after an edit)."""
    package = tmp_path / "lesson_code"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "numbers.py").write_text("def answer():\n    return 41\n")
    first = evaluate_isolated(["lesson_code.numbers.answer()"], tmp_path, COURSE_CODE)
    (package / "numbers.py").write_text("def answer():\n    return 42\n")
    second = evaluate_isolated(["lesson_code.numbers.answer()"], tmp_path, COURSE_CODE)
    assert (first, second) == ([{"value": 41.0}], [{"value": 42.0}])


def test_resolve_reports_drift_with_file_line_and_both_numbers():
    text = (
        "title: t\nquestions:\n  - type: numeric\n    prompt: p\n    answer: 0.9\n"
        "    answer_from: lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]\n"
        "    tolerance: 0.01\n    explanation: e\n"
        "  - type: numeric\n    prompt: p\n    answer: 0.99\n"
        "    answer_from: lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]\n"
        "    tolerance: 0.001\n    explanation: e\n"
    )
    quiz = load_quiz(text, "quizzes/x.yaml")
    problems = [str(p) for p in answers.resolve([quiz], COURSE_CODE)]
    assert problems == [
        "quizzes/x.yaml:5:13: questions[0].answer: 0.9 differs from answer_from "
        "(lesson_code.attention.softmax([8.2, 3.1, 2.4])[0] = 0.990958) by more than the "
        "tolerance 0.01; update the answer (or the tolerance) to match the code"
    ]
    assert quiz.questions[1].answer == 0.99  # the author's number is kept when it agrees


def test_resolve_isolated_matches_in_process():
    text = (
        "title: t\nquestions:\n  - type: numeric\n    prompt: p\n"
        "    answer_from: lesson_code.attention.softmax([1.0, 2.0])[1]\n    explanation: e\n"
    )
    a, b = load_quiz(text, "a.yaml"), load_quiz(text, "b.yaml")
    assert answers.resolve([a], COURSE_CODE) == []
    assert answers.resolve([b], COURSE_CODE, root=Path(ROOT), isolated=True) == []
    assert a.questions[0].answer == b.questions[0].answer == pytest.approx(0.7310585786)


def test_the_course_package_is_configuration(tmp_path):
    """Which package answer_from may call is given, not built in: another course's code
    is called, the default course's is refused, and without a package nothing is."""
    package = tmp_path / "mycourse"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "numbers.py").write_text("def answer():\n    return 7\n")
    mine = CodePackage("mycourse")
    assert evaluate_isolated(["mycourse.numbers.answer()"], tmp_path, mine) == [{"value": 7.0}]
    with pytest.raises(AnswerFromError) as info:
        parse("lesson_code.attention.softmax([1.0])[0]", mine)
    assert str(info.value) == (
        "only functions under mycourse may be called, not lesson_code.attention.softmax"
    )
    with pytest.raises(AnswerFromError) as info:
        parse("mycourse.numbers.answer()", CodePackage(""))
    assert "code_package option" in str(info.value)
    # validation alone checks safety, whatever the package
    assert parse("anything.module.f(1)").module == "anything.module"
    with pytest.raises(AnswerFromError):
        parse("anything.module.f(x)")
