"""Render a :class:`~plugins.quiz.model.Quiz` as semantic HTML (no MkDocs needed).

The HTML works before any script runs: every question is a ``<fieldset>`` with a
``<legend>``, answers are native inputs with ``<label>``s, and a ``<details>`` "Show
answer" under each question holds the answer key, the feedback of every option and the
explanation. ``quiz.js`` then enhances the form (Check, Reset, score, stored progress).
Controls that need the script carry ``hidden`` until it runs.

The script reads the answer key as JSON from an inert ``<template data-quiz-data>``, not
from a ``<script type="application/json">``: Material's instant navigation (9.8) re-creates
every inline ``<script>`` of the new page without its ``type`` to run it, which would
execute the JSON (a SyntaxError, and a violation of ``script-src 'self'``) and drop the
element's attributes. A template is never executed and Material leaves it alone.

Markdown (prompts, options, feedback, explanations) is rendered by
:class:`MarkdownRenderer` with the extensions the adapter passes in (the site's own, so
code and ``$math$`` look the same as in lessons). Raw HTML in quiz Markdown is shown as
text, never interpreted, so ``<script>`` in a prompt is harmless.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markdown

from .answers import show_number
from .model import (
    DEFAULT_PASS_MARK,
    ChoiceQuestion,
    FreeQuestion,
    MatchQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderQuestion,
    Question,
    Quiz,
    SingleQuestion,
    TextQuestion,
    TrueFalseQuestion,
    fingerprint,
)

DEFAULT_EXTENSIONS = ("fenced_code", "plugins.mathml")


@dataclass
class Strings:
    """Every piece of UI text; translate by passing other values (``{name}`` are filled in)."""

    check: str = "Check"
    reset: str = "Reset"
    show_answer: str = "Show answer"
    question: str = "Question {n} of {total}"
    your_answer: str = "Your answer"
    choose: str = "Choose…"
    position_of: str = "Position of"
    order_hint: str = "Number the items from 1 to {total} in the right order."
    true: str = "True"
    false: str = "False"
    right_option: str = "Right"
    wrong_option: str = "Wrong"
    answer_is: str = "Answer:"
    accepted: str = "Accepted answers:"
    within: str = "(answers within ±{tolerance} count)"
    model_answer: str = "Model answer:"
    correct_order: str = "Correct order:"
    matches: str = "Matches:"
    self_question: str = "How does your answer compare with the model answer?"
    self_yes: str = "It makes the same points"
    self_no: str = "It misses something"
    correct: str = "Correct."
    incorrect: str = "Incorrect."
    partial: str = "Incorrect, but partly right: {right} of {total} correct choices, {wrong} wrong."
    order_partial: str = "Incorrect: {right} of {total} items are in the right place; {rows}."
    match_partial: str = "Incorrect: {right} of {total} pairs match; {rows}."
    row_one: str = "the item in row {list} is not"
    rows_many: str = "the items in rows {list} are not"
    pair_one: str = "pair {list} is wrong"
    pairs_many: str = "pairs {list} are wrong"
    list_and: str = " and "
    unanswered: str = "Choose or type an answer first, then press Check."
    not_a_number: str = (
        "That is not a number the quiz can read. Write it like 0.25, 1,5, 8 000 000 or 1e-3."
    )
    ambiguous: str = "{text} could mean {a} or {b}: write {a} or {b}."
    read_as: str = "(read as {value})"
    too_high: str = "Incorrect: too high."
    too_low: str = "Incorrect: too low."
    tries_left: str = "Try again: {left} more tries before the answer is shown."
    try_left: str = "Try again: 1 more try before the answer is shown."
    revealed: str = "The answer and its explanation are shown below."
    shown: str = "Answer shown: this question no longer counts toward the score."
    late_first: str = "It does not count toward the score: the first answer was wrong."
    late_shown: str = "It does not count toward the score: the answer had been shown."
    self_pending: str = "Now compare your answer with the model answer below, then say how it went."
    self_correct: str = "Correct, by your own assessment."
    self_incorrect: str = "Incorrect, by your own assessment: reread the model answer."
    score: str = "Score: {score} / {total}"
    passed: str = "Passed: the pass mark is {pass_mark}."
    not_passed: str = (
        "Not passed yet: the pass mark is {pass_mark}. Reread the lesson, then press Reset "
        "for a fresh attempt."
    )
    either_order: str = "Items {items} may come in either order."
    print_choices: str = "Choices:"


# Strings the script needs (the others are only used here, in the HTML).
SCRIPT_STRINGS = (
    "correct incorrect partial order_partial match_partial row_one rows_many pair_one "
    "pairs_many list_and unanswered not_a_number ambiguous read_as too_high too_low "
    "tries_left try_left revealed shown late_first late_shown self_pending self_correct "
    "self_incorrect score passed not_passed"
).split()

# Question types whose first checked answer is the one that scores: with a handful of
# options, a second try is partly elimination (a true/false retry is certain).
FIRST_TRY_TYPES = frozenset({"single", "multiple", "truefalse"})


# One line of ASCII words and plain punctuation, starting with a letter and not ending in
# a space: Python-Markdown renders it as exactly "<p>text</p>" whatever the extensions
# (no character that starts any syntax: * _ ` $ [ < & : | ! + = ~ # { \), so half of the
# blocks a quiz renders skip the ~0.3 ms a convert costs (make bench: warm build time).
_PLAIN_PROSE = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ,.;?'\"()%/-]*[A-Za-z0-9.,;?'\")%/-])?\Z")


class MarkdownRenderer:
    """Python-Markdown with the given extensions, minus raw HTML (escaped instead)."""

    def __init__(
        self,
        extensions: Sequence[Any] = DEFAULT_EXTENSIONS,
        configs: dict[str, dict] | None = None,
    ):
        self.md = markdown.Markdown(extensions=list(extensions), extension_configs=configs or {})
        if "html_block" in self.md.preprocessors:
            self.md.preprocessors.deregister("html_block")
        if "html" in self.md.inlinePatterns:
            self.md.inlinePatterns.deregister("html")

    def block(self, text: str) -> str:
        if _PLAIN_PROSE.match(text):  # no Markdown syntax possible: skip a full convert
            return f"<p>{text}</p>"
        self.md.reset()
        return self.md.convert(text).strip()

    def inline(self, text: str) -> str:
        """Markdown whose single paragraph is unwrapped (for labels and legends)."""
        rendered = self.block(text)
        if _is_one_paragraph(rendered):
            return rendered[3:-4]
        return rendered

    def plain(self, text: str) -> str:
        """The text of rendered Markdown, for ``<option>`` elements (math read as its TeX)."""
        extractor = _TextExtractor()
        extractor.feed(self.block(text))
        extractor.close()
        return " ".join("".join(extractor.parts).split())


def _is_one_paragraph(rendered: str) -> bool:
    return (
        rendered.startswith("<p>")
        and rendered.endswith("</p>")
        and rendered.count("<p>") == 1
        and rendered.count("</p>") == 1
    )


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_math = 0
        self.hidden = 0  # inside a hidden span (the search text that follows a formula)

    def handle_starttag(self, tag, attrs):
        if tag == "math":
            if not self.in_math:
                self.parts.append(dict(attrs).get("alttext") or "")
            self.in_math += 1
        elif tag == "span" and (self.hidden or "hidden" in dict(attrs)):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "math" and self.in_math:
            self.in_math -= 1
        elif tag == "span" and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.in_math and not self.hidden:
            self.parts.append(data)


# -- the quiz --------------------------------------------------------------------------


def render_quiz(
    quiz: Quiz,
    *,
    quiz_id: str,
    dom_id: str | None = None,
    md: MarkdownRenderer | None = None,
    strings: Strings | None = None,
    heading_level: int = 3,
    pass_mark: float = DEFAULT_PASS_MARK,
    search_view: bool = False,
) -> str:
    """The HTML of ``quiz``.

    ``quiz_id`` names the quiz in stored progress (a lesson slug); ``dom_id`` prefixes
    every element id (unique on the page; defaults to ``quiz-<quiz_id>``); ``pass_mark``
    applies when the quiz sets none. Numeric answers must be resolved already.

    Answers, feedback and the answer key are marked ``data-search-exclude``. ``search_view``:
    only what a search index may take from the quiz (title, intro, numbers and prompts, the
    Check buttons), without those parts. Material's search (9.8) cannot be trusted with the
    marks alone: an excluded element stops being excluded at the first end tag of a nested
    element with the same name (the options of a question would be indexed), so a host shows
    its search plugin this view and puts the whole quiz in its place afterwards.
    """
    md = md or MarkdownRenderer()
    s = strings or Strings()
    prefix = dom_id or "quiz-" + _slug(quiz_id)
    level = min(max(heading_level, 2), 6)
    total = len(quiz.questions)
    mark = quiz.pass_mark if quiz.pass_mark is not None else pass_mark
    parts = [
        f'<form class="quiz" id="{prefix}" data-quiz="{_attr(quiz_id)}" '
        f'data-quiz-mode="{quiz.mode}" aria-labelledby="{prefix}-title" novalidate>',
        f'<h{level} class="quiz__title" id="{prefix}-title">{html.escape(quiz.title)}</h{level}>',
    ]
    if quiz.intro:
        parts.append(f'<div class="quiz__intro">{md.block(quiz.intro)}</div>')
    keys = []
    for n, question in enumerate(quiz.questions):
        spot = Spot(quiz=quiz, qid=f"{prefix}-q{n + 1}", fp=fingerprint(question), md=md, strings=s)
        body, key = _question(question, spot, number=n, total=total, search_view=search_view)
        parts.append(body)
        keys.append(key)
    if search_view:
        parts.append("</form>")
        return "\n".join(parts)
    parts.append(_footer(quiz, s, prefix, total))
    data = {
        "id": quiz_id,
        "title": quiz.title,
        "mode": quiz.mode,
        "passMark": mark,
        "strings": {name: getattr(s, name) for name in SCRIPT_STRINGS},
        "questions": keys,
    }
    parts.append(f"<template data-quiz-data data-search-exclude>{_json(data)}</template>")
    parts.append("</form>")
    return "\n".join(parts)


def _footer(quiz: Quiz, s: Strings, prefix: str, total: int) -> str:
    check_all = (
        f'<button type="button" class="md-button md-button--primary" data-quiz-check-all>'
        f"{html.escape(s.check)}</button>"
        if quiz.mode == "end"
        else ""
    )
    score = html.escape(s.score.format(score=0, total=total))
    return (
        f'<div class="quiz__footer" data-quiz-footer data-search-exclude hidden>{check_all}'
        f'<button type="button" class="md-button" data-quiz-reset>{html.escape(s.reset)}</button>'
        f'<p class="quiz__score" id="{prefix}-score" data-quiz-score aria-live="polite" '
        f'tabindex="-1">{score}</p>'
        f'<p class="quiz__verdict" data-quiz-verdict aria-live="polite"></p></div>'
    )


@dataclass(frozen=True)
class Spot:
    """One question's place in its quiz: what its renderer needs besides the question."""

    quiz: Quiz
    qid: str  # id of the question's fieldset, prefix of its elements' ids
    fp: str  # the question's fingerprint (seeds its shuffles)
    md: MarkdownRenderer
    strings: Strings


def _question(
    q: Question, spot: Spot, *, number: int, total: int, search_view: bool = False
) -> tuple[str, dict]:
    """The fieldset of question ``q`` (0-based ``number`` of ``total``) and its answer key
    (``search_view``: its number, prompt and Check button only, and no key)."""
    qid, fp, quiz, md, s = spot.qid, spot.fp, spot.quiz, spot.md, spot.strings
    n = number
    prompt = md.block(q.prompt)
    inline_prompt = _is_one_paragraph(prompt)
    number = html.escape(s.question.format(n=n + 1, total=total))
    legend_prompt = f' <span class="quiz__prompt">{prompt[3:-4]}</span>' if inline_prompt else ""
    described = "" if inline_prompt else f' aria-describedby="{qid}-prompt"'
    check = (
        '<div class="quiz__actions" data-quiz-actions hidden>'
        '<button type="button" class="md-button md-button--primary" data-quiz-check>'
        f"{html.escape(s.check)}</button></div>"
        if quiz.mode == "immediate"
        else ""
    )
    head = (
        f'<fieldset class="quiz__question" id="{qid}" data-quiz-q="{n}" '
        f'data-quiz-type="{q.TYPE}" data-quiz-fp="{fp}"{described}>'
        '<legend class="quiz__legend">'
        f'<span class="quiz__number">{number}</span>{legend_prompt}</legend>'
        + ("" if inline_prompt else f'<div class="quiz__prompt" id="{qid}-prompt">{prompt}</div>')
    )
    if search_view:
        return f"{head}{check}</fieldset>", {}
    renderer = RENDERERS[type(q)]
    inputs, key_html, key = renderer(q, spot)
    key.update({"type": q.TYPE, "fingerprint": fp})
    if q.TYPE != "free":
        key["reveal"] = q.reveal_after or quiz.reveal_after
        key["first"] = q.TYPE in FIRST_TRY_TYPES
    if q.id:
        key["id"] = q.id
    explanation = (
        f'<div class="quiz__explanation" data-quiz-explanation>{md.block(q.explanation)}</div>'
        if q.explanation
        else ""
    )
    body = (
        head + f'<div class="quiz__body" data-search-exclude>{inputs}</div>{check}'
        f'<div class="quiz__result" data-quiz-result data-search-exclude>'
        f'<p class="quiz__status" role="status" tabindex="-1" data-quiz-status></p>'
        f'<ul class="quiz__why quiz__chosen" data-quiz-feedback hidden></ul></div>'
        '<details class="quiz__reveal" data-quiz-reveal data-search-exclude>'
        f"<summary>{html.escape(s.show_answer)}</summary>"
        f'<div class="quiz__key">{key_html}</div>{explanation}</details>'
        "</fieldset>"
    )
    return body, key


# -- one function per question type, (question, spot) -> (inputs HTML, answer key HTML,
# answer key data) ----------------------------------------------------------------------


def _choice(q: ChoiceQuestion, spot: Spot):
    qid, fp, quiz, md, s = spot.qid, spot.fp, spot.quiz, spot.md, spot.strings
    multiple = isinstance(q, MultipleQuestion)
    kind = "checkbox" if multiple else "radio"
    order = list(range(len(q.options)))
    shuffle = q.shuffle if q.shuffle is not None else quiz.shuffle
    if shuffle:
        order = shuffled_keeping_pins(order, [o.pin for o in q.options], fp)
    texts = [md.inline(o.text) for o in q.options]
    rows = []
    for j in order:
        pin = " data-quiz-pin" if q.options[j].pin or not shuffle else ""
        rows.append(
            f'<div class="quiz__option"{pin}><input type="{kind}" id="{qid}-o{j}" name="{qid}" '
            f'value="{j}" data-quiz-option><label for="{qid}-o{j}">{texts[j]}</label></div>'
        )
    inputs = f'<div class="quiz__options" data-quiz-options>{"".join(rows)}</div>'
    why = _why(
        ((str(j), q.options[j].correct, texts[j], md.block(q.options[j].feedback)) for j in order),
        s,
    )
    key = {"correct": [j for j, o in enumerate(q.options) if o.correct], "count": len(q.options)}
    return inputs, why, key


def shuffled_keeping_pins(order: list[int], pinned: list[bool], seed: str) -> list[int]:
    """``order`` shuffled the same way on every build (seeded by ``seed``, the question's
    fingerprint), with each pinned entry left at its place."""
    free = [j for j in order if not pinned[j]]
    random.Random(seed).shuffle(free)
    mixed = iter(free)
    return [j if pinned[j] else next(mixed) for j in order]


def _truefalse(q: TrueFalseQuestion, spot: Spot):
    qid, md, s = spot.qid, spot.md, spot.strings
    rows = []
    for value, label in (("true", s.true), ("false", s.false)):
        rows.append(
            f'<div class="quiz__option"><input type="radio" id="{qid}-{value}" name="{qid}" '
            f'value="{value}" data-quiz-option><label for="{qid}-{value}">{html.escape(label)}'
            "</label></div>"
        )
    inputs = f'<div class="quiz__options quiz__options--inline">{"".join(rows)}</div>'
    answer = s.true if q.answer else s.false
    why = f"<p><strong>{html.escape(s.answer_is)}</strong> {html.escape(answer)}</p>" + _why(
        [
            ("true", q.answer is True, html.escape(s.true), md.block(q.feedback_true)),
            ("false", q.answer is False, html.escape(s.false), md.block(q.feedback_false)),
        ],
        s,
    )
    return inputs, why, {"correct": q.answer}


def _numeric(q: NumericQuestion, spot: Spot):
    qid, quiz, s = spot.qid, spot.quiz, spot.strings
    if q.answer is None:
        raise ValueError(f"{quiz.path}: numeric answer not resolved; call answers.resolve first")
    unit = ""
    described = ""
    if q.unit:
        unit = f' <span class="quiz__unit" id="{qid}-unit">{html.escape(q.unit)}</span>'
        described = f' aria-describedby="{qid}-unit"'
    inputs = (
        f'<div class="quiz__field"><label for="{qid}-input">{html.escape(s.your_answer)}</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
        f'id="{qid}-input" name="{qid}" data-quiz-input{described}>{unit}</div>'
    )
    shown = answer_text(q.answer, q.tolerance)
    tolerance = (
        " " + html.escape(s.within.format(tolerance=show_number(q.tolerance)))
        if q.tolerance
        else ""
    )
    unit_text = f" {html.escape(q.unit)}" if q.unit else ""
    key_html = f"<p><strong>{html.escape(s.answer_is)}</strong> {shown}{unit_text}{tolerance}</p>"
    key = {"answer": q.answer, "tolerance": q.tolerance, "unit": q.unit or ""}
    return inputs, key_html, key


def answer_text(answer: float, tolerance: float) -> str:
    """A numeric key as learners see it: to the decimals the tolerance implies, without
    trailing zeros, in groups of three digits from 10,000 on (1,048,576; 0.773; 1.4)."""
    if tolerance > 0:
        digits = max(0, math.ceil(-math.log10(tolerance) - 1e-9))
        text = f"{answer:,.{digits}f}"
    elif float(answer).is_integer() and abs(answer) < 1e15:
        text = f"{int(answer):,}"
    else:  # an exact key: every digit, or typing what is shown would be wrong
        return repr(float(answer))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if abs(answer) < 10000:
        text = text.replace(",", "")
    return text


def _text(q: TextQuestion, spot: Spot):
    qid, s = spot.qid, spot.strings
    inputs = (
        f'<div class="quiz__field"><label for="{qid}-input">{html.escape(s.your_answer)}</label> '
        f'<input type="text" autocomplete="off" spellcheck="false" id="{qid}-input" '
        f'name="{qid}" data-quiz-input></div>'
    )
    accepted = ", ".join(f"<code>{html.escape(a)}</code>" for a in q.accept)
    key_html = f"<p><strong>{html.escape(s.accepted)}</strong> {accepted}</p>"
    key = {"accept": list(q.accept), "pattern": q.accept_regex or ""}
    return inputs, key_html, key


def _free(q: FreeQuestion, spot: Spot):
    qid, md, s = spot.qid, spot.md, spot.strings
    inputs = (
        f'<div class="quiz__field quiz__field--block"><label for="{qid}-input">'
        f'{html.escape(s.your_answer)}</label><textarea id="{qid}-input" name="{qid}" rows="4" '
        f"data-quiz-input></textarea></div>"
        '<fieldset class="quiz__self" data-quiz-self hidden>'
        f"<legend>{html.escape(s.self_question)}</legend>"
        + _self_mark(qid, "yes", s.self_yes)
        + _self_mark(qid, "no", s.self_no)
        + "</fieldset>"
    )
    key_html = (
        f"<p><strong>{html.escape(s.model_answer)}</strong></p>"
        f'<div class="quiz__model">{md.block(q.model_answer)}</div>'
    )
    return inputs, key_html, {}


def _self_mark(qid: str, value: str, label: str) -> str:
    return (
        f'<div class="quiz__option"><input type="radio" id="{qid}-{value}" name="{qid}-self" '
        f'value="{value}" data-quiz-self-mark><label for="{qid}-{value}">{html.escape(label)}'
        "</label></div>"
    )


def _order(q: OrderQuestion, spot: Spot):
    qid, fp, md, s = spot.qid, spot.fp, spot.md, spot.strings
    n = len(q.items)
    ranges = position_ranges(n, q.groups)
    shown = list(range(n))
    random.Random(fp).shuffle(shown)
    if all(ranges[i][0] <= row + 1 <= ranges[i][1] for row, i in enumerate(shown)):
        shown = shown[1:] + shown[:1]  # never shown already in a right order
    texts = [md.inline(item) for item in q.items]
    hint = html.escape(s.order_hint.format(total=n))
    choices = '<option value="">–</option>' + "".join(
        f'<option value="{p}">{p}</option>' for p in range(1, n + 1)
    )
    rows = []
    for i in shown:
        rows.append(
            f'<li class="quiz__item" data-quiz-row><select id="{qid}-i{i}" name="{qid}-i{i}" '
            f'data-quiz-item="{i}" '
            f'aria-describedby="{qid}-hint">{choices}</select> <label for="{qid}-i{i}">'
            f'<span class="quiz__sr">{html.escape(s.position_of)} </span>{texts[i]}</label></li>'
        )
    inputs = (
        f'<p class="quiz__hint" id="{qid}-hint">{hint}</p>'
        f'<ul class="quiz__items" data-quiz-rows>{"".join(rows)}</ul>'
    )
    either = "".join(
        "<p>" + html.escape(s.either_order.format(items=_and(sorted(g), s))) + "</p>"
        for g in q.groups
    )
    key_html = (
        f"<p><strong>{html.escape(s.correct_order)}</strong></p><ol>"
        + "".join(f"<li>{t}</li>" for t in texts)
        + "</ol>"
        + either
    )
    return inputs, key_html, {"count": n, "ranges": ranges}


def position_ranges(n: int, groups: list[list[int]]) -> list[list[int]]:
    """For each of ``n`` items, the positions (1-based, inclusive) it may take: its own,
    or the span of the group of interchangeable items it belongs to."""
    ranges = [[i + 1, i + 1] for i in range(n)]
    for group in groups:
        low, high = min(group), max(group)
        for number in group:
            ranges[number - 1] = [low, high]
    return ranges


def _match(q: MatchQuestion, spot: Spot):
    qid, fp, md, s = spot.qid, spot.fp, spot.md, spot.strings
    rights = [md.plain(p.right) for p in q.pairs] + [md.plain(d) for d in q.distractors]
    order = list(range(len(rights)))
    _shuffle(order, fp, avoid_identity=True)
    choices = f'<option value="">{html.escape(s.choose)}</option>' + "".join(
        f'<option value="{j}">{html.escape(rights[j])}</option>' for j in order
    )
    rows = []
    lefts = [md.inline(p.left) for p in q.pairs]
    for i, left in enumerate(lefts):
        rows.append(
            f'<div class="quiz__pair" data-quiz-row><label for="{qid}-m{i}">{left}</label> '
            f'<select id="{qid}-m{i}" name="{qid}-m{i}" data-quiz-left="{i}">'
            f"{choices}</select></div>"
        )
    printed = (
        f'<div class="quiz__print"><p>{html.escape(s.print_choices)}</p><ul>'
        + "".join(f"<li>{html.escape(rights[j])}</li>" for j in order)
        + "</ul></div>"
    )
    inputs = f'<div class="quiz__pairs">{"".join(rows)}</div>{printed}'
    key_html = (
        f"<p><strong>{html.escape(s.matches)}</strong></p><ul>"
        + "".join(f"<li>{left} → {html.escape(rights[i])}</li>" for i, left in enumerate(lefts))
        + "</ul>"
    )
    return inputs, key_html, {"count": len(q.pairs), "choices": len(rights)}


RENDERERS: dict[type[Question], Callable] = {
    SingleQuestion: _choice,
    MultipleQuestion: _choice,
    TrueFalseQuestion: _truefalse,
    NumericQuestion: _numeric,
    TextQuestion: _text,
    FreeQuestion: _free,
    OrderQuestion: _order,
    MatchQuestion: _match,
}


def _why(rows: Iterable[tuple[str, bool, str, str]], s: Strings) -> str:
    """Every option with its verdict and feedback; the script copies the chosen ones."""
    items = []
    for value, right, text, feedback in rows:
        verdict = s.right_option if right else s.wrong_option
        state = "correct" if right else "incorrect"
        items.append(
            f'<li class="quiz__fb" data-quiz-fb="{value}" data-quiz-state="{state}">'
            f'<span class="quiz__verdict-tag">{html.escape(verdict)}:</span> '
            f'<span class="quiz__fb-option">{text}</span>'
            f'<div class="quiz__fb-text">{feedback}</div></li>'
        )
    return f'<ul class="quiz__why">{"".join(items)}</ul>'


# -- helpers ---------------------------------------------------------------------------


def _shuffle(order: list[int], seed: str, avoid_identity: bool = False) -> None:
    """Shuffle in place, the same way on every build (seeded by the question fingerprint)."""
    original = list(order)
    random.Random(seed).shuffle(order)
    if avoid_identity and len(order) > 1 and order == original:
        order.append(order.pop(0))  # never show the items already in the right order


def _and(numbers: list[int], s: Strings) -> str:
    """1 and 2; 2, 3 and 4."""
    words = [str(n) for n in numbers]
    return ", ".join(words[:-1]) + s.list_and + words[-1] if len(words) > 1 else "".join(words)


def _json(data: Any) -> str:
    """JSON that stays one text node in HTML: no ``<``, ``>`` or ``&`` (all ``\\u`` escapes)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _slug(value: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in value)
    return cleaned.strip("-") or "quiz"


def strings_from(values: dict[str, str]) -> Strings:
    """A :class:`Strings` with the given overrides (unknown names are ignored)."""
    known = {f.name for f in dataclasses.fields(Strings)}
    return Strings(**{k: v for k, v in values.items() if k in known and v is not None})
