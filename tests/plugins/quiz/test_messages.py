# ruff: noqa: E501  (the expected messages are kept whole, one per line, as the CLI prints them)
"""Every bad-input fixture gives exactly the expected problems, with file:line:col.

tests/plugins/quiz/fixtures/bad/ holds one broken quiz per file (the first line says what is
wrong). The same pipeline as the CLI and the build runs: load, validate, compute
answer_from. The expected lines below are the contract authors see: a change to any
message is a deliberate change to this file.
"""

from __future__ import annotations

import io
import time

import pytest

from plugins.quiz import loader
from plugins.quiz.__main__ import check
from plugins.quiz.errors import QuizError
from plugins.quiz.validate import load_quiz
from tests.support import ROOT

from .paths import FIXTURES

BAD = FIXTURES / "bad"

EXPECTED = {
    "answer-drift.yaml": [
        "6:13: questions[0].answer: 0.95 differs from answer_from (lesson_code.attention.softmax([8.2, 3.1, 2.4])[0] = 0.990958) by more than the tolerance 0.005; update the answer (or the tolerance) to match the code"
    ],
    "answer-from-array.yaml": [
        "6:18: questions[0].answer_from: the result is an array of shape (3,), not one number; add an index such as [0]"
    ],
    "answer-from-attribute.yaml": [
        "6:18: questions[0].answer_from: the attribute .__class__ is not allowed here (allowed: T, ndim, shape, size)"
    ],
    "answer-from-huge-power.yaml": [
        "6:18: questions[0].answer_from: exponents are limited to 64; found 387420489"
    ],
    "answer-from-lesson-script.yaml": [
        "6:18: questions[0].answer_from: lesson_code.lessons.softmax_demo is a lesson script (importing it runs the lesson); call a function of the course code instead"
    ],
    "answer-from-other-package.yaml": [
        "6:18: questions[0].answer_from: only functions under lesson_code may be called, not numpy.exp"
    ],
    "answer-from-private.yaml": [
        "6:18: questions[0].answer_from: _masked_softmax is private (starts with _); call a public function"
    ],
    "answer-from-raises.yaml": [
        "6:18: questions[0].answer_from: lesson_code.attention.causal_mask(...) raised AssertionError: causal_mask needs n >= 1, got 0"
    ],
    "answer-from-syntax.yaml": [
        "6:18: questions[0].answer_from: is not a valid Python expression (closing parenthesis ')' does not match opening parenthesis '[')"
    ],
    "answer-from-through-numpy.yaml": [
        "6:18: questions[0].answer_from: lesson_code.attention.np is not a module of lesson_code; answer_from calls a function defined in the course code, such as lesson_code.<module>.<function>"
    ],
    "answer-from-typo.yaml": [
        "6:18: questions[0].answer_from: lesson_code.attention has no function sofmax; did you mean softmax?"
    ],
    "answer-from-unsafe.yaml": [
        "6:18: questions[0].answer_from: __import__ is private (starts with _); call a public function"
    ],
    "answer-from-variable.yaml": [
        "6:18: questions[0].answer_from: only literal values are allowed as arguments; found the name scores"
    ],
    "shuffle-off-without-reason.yaml": [
        '6:14: questions[0].shuffle: options keep their written order only with a reason: add shuffle_reason (e.g. "the options are a scale from smallest to largest"), or remove shuffle: false (shuffled options keep the answer\'s position from giving it away)'
    ],
    "shuffle-reason-while-shuffled.yaml": [
        "6:21: questions[0].shuffle_reason: a reason for keeping the written order, but the options are shuffled; add shuffle: false, or remove shuffle_reason"
    ],
    "shuffle-reason-inherited.yaml": [
        "23:21: questions[2].shuffle_reason: a reason for keeping the written order, but the options are shuffled; add shuffle: false, or remove shuffle_reason"
    ],
    "feedback-verdict.yaml": [
        "7:46: questions[0].options[0].feedback: starts with the verdict 'Right:'; the quiz already shows Right or Wrong before the feedback: start with the reason instead",
        "13:20: questions[1].feedback_true: starts with the verdict 'Correct.'; the quiz already shows Right or Wrong before the feedback: start with the reason instead",
        "14:21: questions[1].feedback_false: starts with the verdict 'incorrect -'; the quiz already shows Right or Wrong before the feedback: start with the reason instead",
    ],
    "pins.yaml": [
        "10:50: questions[0].options[1].pin: pin has no effect: this question's options are not shuffled; remove pin",
        "15:65: questions[1].options[0].pin: 2 of 3 options are pinned, so nothing is left to shuffle; pin only options that must stay in place, like 'None of the above'",
    ],
    "order-groups.yaml": [
        "7:23: questions[0].groups[1][0]: item 3 is already in groups[0]; an item belongs to one group (merge the groups if all of their items may swap)",
        "7:31: questions[0].groups[2][0]: 6 is not an item number; the items are numbered 1 to 5 in the order they are listed",
        "7:38: questions[0].groups[3]: a group needs at least 2 item numbers (items that may swap places); remove it or add the items that may swap with it",
        "13:9: questions[1].groups[0]: items 1 and 3 are not next to each other in items; a group is a run of consecutive items (list the interchangeable items one after another)",
        "18:14: questions[2].groups[0]: every item is in this group, so any order is right and there is nothing to ask; use another question type, or make the group smaller",
        '23:18: questions[3].groups[0][1]: expected a whole number, found text "two"',
        "24:19: questions[3].reveal_after: 0 is out of range; use a whole number from 1 to 20",
    ],
    "bad-indent.yaml": [
        "3:3: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block mapping at line 2); check the indentation of this line"
    ],
    "bad-mode.yaml": ["3:7: mode: 'instant' is not a valid mode; choose one of: immediate, end"],
    "bad-quiz-id.yaml": ["3:5: id: 'my quiz' is not a valid id; use letters, digits, '-' and '_'"],
    "binary-tag.yaml": [
        "2:8: the tag !!binary is not allowed; a quiz is plain data (remove the tag)"
    ],
    "comments-only.yaml": ["1:1: the file is empty; a quiz needs at least 'title' and 'questions'"],
    "correct-text.yaml": [
        '8:18: questions[0].options[0].correct: expected true or false, found text "yes"'
    ],
    "custom-tag.yaml": [
        "2:8: the tag !vault is not allowed; a quiz is plain data (remove the tag)"
    ],
    "duplicate-ids.yaml": [
        "15:9: questions[1].id: 'q1' is already the id of questions[0]; ids must be unique"
    ],
    "duplicate-key.yaml": ["3:1: duplicate key 'title' (first defined at line 2); keep one"],
    "duplicate-options.yaml": [
        "10:15: questions[0].options[1].text: same text as options[0]; every option must be different"
    ],
    "empty-prompt.yaml": ["5:13: questions[0].prompt: must not be empty"],
    "empty-questions.yaml": ["3:12: questions: the quiz has no questions; add at least one"],
    "empty-title.yaml": ["2:8: title: must not be empty"],
    "empty.yaml": ["1:1: the file is empty; a quiz needs at least 'title' and 'questions'"],
    "free-missing-model-answer.yaml": [
        "4:5: questions[0]: missing key 'model_answer' (the learner checks their answer against it)"
    ],
    "key-of-other-type.yaml": [
        "13:5: questions[0].tolerance: unknown key for a 'single' question; 'tolerance' belongs to numeric questions (valid keys: explanation, id, options, prompt, reveal_after, shuffle, shuffle_reason, type)"
    ],
    "list-key.yaml": ["2:3: a key must be plain text, not a list or mapping"],
    "many-problems.yaml": [
        "11:9: questions[0].options[1].feedbak: unknown key; did you mean 'feedback'?",
        "13:5: questions[1]: a 'numeric' question needs 'answer' (a number) or 'answer_from' (a lesson_code call)",
        "16:5: questions[2]: missing key 'explanation' (every question explains its answer after it is checked)",
        "18:13: questions[2].accept: needs at least 1 accepted answer; found 0",
    ],
    "match-distractor-duplicate.yaml": [
        "9:19: questions[0].distractors[0]: same text as the right item of pairs[0]; a distractor must differ"
    ],
    "match-duplicate-right.yaml": [
        "8:30: questions[0].pairs[1].right: same right item as pairs[0]; every right item must be different"
    ],
    "match-missing-right.yaml": ["8:9: questions[0].pairs[1]: missing key 'right'"],
    "merge-key.yaml": ["3:1: merge keys (<<) are not supported; write the keys out"],
    "missing-explanation.yaml": [
        "4:5: questions[0]: missing key 'explanation' (every question explains its answer after it is checked)"
    ],
    "missing-feedback.yaml": [
        "10:9: questions[0].options[1]: missing key 'feedback' (every option explains why it is right or wrong)"
    ],
    "missing-questions.yaml": ["2:1: quiz: missing key 'questions' (add a list of questions)"],
    "missing-title.yaml": [
        "2:1: quiz: missing key 'title' (add title: \"End-of-lesson check: ...\")"
    ],
    "missing-type.yaml": [
        "4:5: questions[0]: missing key 'type' (one of: single, multiple, truefalse, numeric, text, free, order, match)"
    ],
    "misspelt-key.yaml": ["5:5: questions[0].promt: unknown key; did you mean 'prompt'?"],
    "misspelt-top-key.yaml": ["3:1: pas_mark: unknown key; did you mean 'pass_mark'?"],
    "mode-typo.yaml": [
        "3:7: mode: 'imediate' is not a valid mode (did you mean 'immediate'?); choose one of: immediate, end"
    ],
    "multiple-none-correct.yaml": [
        "7:7: questions[0].options: a 'multiple' question needs at least one correct option; none is marked correct (add correct: true)"
    ],
    "not-utf8.yaml": [
        "2:12: the file is not UTF-8 text (byte 0xe9 cannot be decoded); save it as UTF-8"
    ],
    "nul-char.yaml": ["2:10: the character U+0000 is not allowed in a YAML file"],
    "numeric-infinite.yaml": ["6:13: questions[0].answer: expected a finite number, found .inf"],
    "numeric-negative-tolerance.yaml": [
        "7:16: questions[0].tolerance: must be 0 or more, found -0.01"
    ],
    "numeric-no-answer.yaml": [
        "4:5: questions[0]: a 'numeric' question needs 'answer' (a number) or 'answer_from' (a lesson_code call)"
    ],
    "numeric-quoted-answer.yaml": [
        '6:13: questions[0].answer: expected a number, found text "0.77" (remove the quotes)'
    ],
    "one-option.yaml": ["7:7: questions[0].options: needs at least 2 options; found 1"],
    "options-as-text.yaml": [
        '6:15: questions[0].options[0]: expected an option (a mapping with text and feedback), found text "Right"',
        '6:24: questions[0].options[1]: expected an option (a mapping with text and feedback), found text "Wrong"',
    ],
    "order-duplicate-items.yaml": [
        "6:33: questions[0].items[2]: same item as items[0]; items must all be different"
    ],
    "order-one-item.yaml": ["6:12: questions[0].items: needs at least 2 items to order; found 1"],
    "pass-mark-percent.yaml": [
        "3:12: pass_mark: 70 is out of range; use a number from 0 to 1 (a fraction: 0.7 means 70%)"
    ],
    "pass-mark-text.yaml": [
        '3:12: pass_mark: expected a number, found text "70%" (a fraction: 0.7 means 70%)'
    ],
    "prompt-list.yaml": ["5:13: questions[0].prompt: expected text, found a list"],
    "python-tag-nested.yaml": [
        "4:5: the tag !!python/object/new:collections.OrderedDict is not allowed; a quiz is plain data (remove the tag)"
    ],
    "python-tag.yaml": [
        "2:1: the tag !!python/object/apply:os.system is not allowed; a quiz is plain data (remove the tag)"
    ],
    "question-not-mapping.yaml": [
        "4:5: questions[0]: expected a question (a mapping with 'type' and 'prompt'), found text \"What is softmax?\""
    ],
    "questions-mapping.yaml": ["4:3: questions: expected a list, found a mapping"],
    "recursive-alias.yaml": ["3:16: the alias *q refers to itself (recursive)"],
    "shuffle-text.yaml": ['3:10: shuffle: expected true or false, found text "yes"'],
    "single-none-correct.yaml": [
        "7:7: questions[0].options: a 'single' question needs exactly one correct option; none is marked correct (add correct: true to the right one)"
    ],
    "single-two-correct.yaml": [
        "7:7: questions[0].options: a 'single' question needs exactly one correct option; 2 are marked correct (use type: multiple for several)"
    ],
    "syntax-error.yaml": [
        "4:3: YAML syntax error: expected the node content, but found '-' (while parsing a flow node at line 4)"
    ],
    "tabs.yaml": [
        "4:1: YAML syntax error: found character '\\t' that cannot start any token; indent with spaces, not tabs"
    ],
    "text-accept-string.yaml": ['6:13: questions[0].accept: expected a list, found text "softmax"'],
    "text-bad-regex.yaml": [
        "7:19: questions[0].accept_regex: not a valid regular expression: missing ), unterminated subpattern at position 4"
    ],
    "text-duplicate-accept.yaml": [
        "6:25: questions[0].accept[1]: same answer as accept[0] once case and spacing are ignored; accepted answers must all be different"
    ],
    "text-empty-accept.yaml": [
        "6:13: questions[0].accept: needs at least 1 accepted answer; found 0"
    ],
    "text-empty-accepted-answer.yaml": ["6:25: questions[0].accept[1]: must not be empty"],
    "title-list.yaml": ["2:8: title: expected text, found a list"],
    "too-deep.yaml": ["2:31: nesting deeper than 24 levels; a quiz is shallow"],
    "top-level-list.yaml": [
        "2:1: quiz: the file must be a mapping with 'title' and 'questions' at the top level; found a list"
    ],
    "top-level-text.yaml": [
        "2:1: quiz: the file must be a mapping with 'title' and 'questions' at the top level; found text \"This is my quiz.\""
    ],
    "truefalse-missing-feedback.yaml": [
        "4:5: questions[0]: missing key 'feedback_false' (each choice explains why it is right or wrong)"
    ],
    "truefalse-text-answer.yaml": [
        '6:13: questions[0].answer: expected true or false, found text "true"'
    ],
    "two-documents.yaml": ["4:1: a quiz file holds one YAML document; remove the second '---'"],
    "undefined-alias.yaml": ["2:8: the alias *name has no anchor &name before it"],
    "unknown-type-far.yaml": [
        "4:11: questions[0].type: unknown question type 'essay' (types: single, multiple, truefalse, numeric, text, free, order, match)"
    ],
    "unknown-type.yaml": [
        "4:11: questions[0].type: unknown question type 'singel'; did you mean 'single'? (types: single, multiple, truefalse, numeric, text, free, order, match)"
    ],
    "yaml-bomb.yaml": [
        "6:11: the file expands to more than 20000 YAML nodes (a YAML bomb?); a quiz never needs that many"
    ],
}


def problems_of(path) -> list[str]:
    """The CLI's lines for one file, without the path prefix."""
    out, err = io.StringIO(), io.StringIO()
    rel = path.relative_to(ROOT).as_posix()
    status = check([rel], out, err)
    lines = out.getvalue().splitlines()
    assert status == (1 if lines else 0)
    assert all(line.startswith(rel + ":") for line in lines), lines
    return [line[len(rel) + 1 :] for line in lines]


def test_there_are_enough_bad_fixtures_and_each_has_expectations():
    names = sorted(p.name for p in BAD.glob("*.yaml"))
    assert len(names) >= 30
    assert names == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_gives_exact_messages(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert problems_of(BAD / name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_fails_fast_with_a_quiz_error(name):
    """The core raises QuizError (nothing else) quickly; answer_from is never run here."""
    data = (BAD / name).read_bytes()
    start = time.perf_counter()
    try:
        load_quiz(data, name)
    except QuizError as exc:
        assert exc.problems and all(p.path == name for p in exc.problems)
    else:  # only the problems found by computing answer_from pass validation
        assert name.startswith(("answer-from-", "answer-drift")), name
    assert time.perf_counter() - start < 2


def test_a_file_too_large_is_refused_before_parsing():
    data = b"title: x\nquestions: []\n" + b"# padding\n" * (loader.MAX_BYTES // 10 + 1)
    with pytest.raises(QuizError) as info:
        load_quiz(data, "big.yaml")
    assert str(info.value) == (
        f"big.yaml:1:1: the file is {len(data)} bytes; a quiz may be at most {loader.MAX_BYTES}"
    )


def test_a_python_tag_never_runs(tmp_path, monkeypatch):
    marker = tmp_path / "owned"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(QuizError):
        load_quiz(text, "evil.yaml")
    payload = f"title: x\nquestions:\n  - !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n"
    with pytest.raises(QuizError):
        load_quiz(payload, "evil2.yaml")
    assert not marker.exists()


def test_answer_from_injection_never_runs(tmp_path):
    marker = tmp_path / "owned"
    for source in (
        f"__import__('os').system('touch {marker}')",
        f"lesson_code.attention.softmax(__import__('os').system('touch {marker}'))",
        f"lesson_code.attention.softmax([1])[__import__('os').system('touch {marker}')]",
        "lesson_code.attention.softmax.__globals__['np'].save('x', 1)",
    ):
        text = (
            "title: x\nquestions:\n  - type: numeric\n    prompt: p\n"
            f"    answer_from: {source!r}\n    explanation: e\n"
        )
        with pytest.raises(QuizError) as info:
            load_quiz(text, "evil.yaml")
        assert "answer_from" in str(info.value)
    assert not marker.exists()
