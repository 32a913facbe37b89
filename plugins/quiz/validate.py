"""Check a parsed quiz file against the model and build the typed :class:`Quiz`.

Every problem is collected (not just the first) and reported as
``path:line:col: field: message`` where ``field`` is the path of the key in the file
(``questions[2].options[1].feedback``) and the message says how to fix it. Misspelt keys
and question types get a "did you mean". The rules, beyond "known keys with values of
the right type":

- single and truefalse: exactly one right answer; multiple: at least one;
- every option has feedback; options of a question are all different;
- numeric: ``answer`` and/or ``answer_from``; a finite number; ``tolerance`` >= 0;
  ``answer_from`` is a safe expression (what it calls is checked against the course
  package, and it is evaluated, later by ``answers.resolve``);
- text: at least one accepted answer, all different once case and spacing are ignored;
  ``accept_regex`` compiles;
- order and match: items (left and right) all different; an order question's ``groups``
  are runs of consecutive item numbers, each item in one group at most, not all items;
- ``shuffle: false`` comes with a ``shuffle_reason`` (and a reason only with it); ``pin``
  only where options are shuffled, and not on every option but one;
- feedback does not start with a verdict ("Right:", "Wrong.", "Correct", "Incorrect"):
  the engine says it already;
- question ids unique.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from typing import Any

from . import answers
from .errors import Problem, QuizError, describe
from .loader import Node, parse
from .model import (
    QUESTION_TYPES,
    ChoiceQuestion,
    Mark,
    MatchQuestion,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderQuestion,
    Pair,
    Question,
    Quiz,
    SingleQuestion,
    TextQuestion,
    normalize_text,
    yaml_fields,
)

_NAMES = {Option: "an option", Pair: "a pair"}
NUMBER_RE = re.compile(r"^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$")
# A verdict word at the start of feedback, followed by punctuation or nothing: "Right: ...",
# "Correct." ("Right after the softmax, ..." is a sentence, not a verdict).
VERDICT_OPENER = re.compile(
    r"^\W*(right|wrong|correct|incorrect)\s*(?:[:.,;!\u2013\u2014-]|$)", re.IGNORECASE
)
_MISSING = object()


def load_quiz(data: bytes | str, path: str) -> Quiz:
    """Parse and validate one quiz file's content; ``QuizError`` lists every problem.

    ``answer_from`` is only checked for safety here; :func:`answers.resolve` checks what
    it calls against the course package and computes it.
    """
    root = parse(data, path)
    return validate(root, path)


def load_file(path: str, display: str | None = None) -> Quiz:
    """:func:`load_quiz` for a file on disk; ``display`` is the path shown in messages."""
    shown = display or path
    return load_quiz(read_file(path, shown), shown)


def read_file(path: str, shown: str) -> bytes:
    """The bytes of quiz file ``path``; ``QuizError`` (at ``shown``) if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise QuizError(
            [Problem(shown, 1, 1, "", f"cannot read the file: {exc.strerror}")]
        ) from None


def validate(root: Node, path: str) -> Quiz:
    reader = _Reader(path)
    quiz = reader.quiz(root)
    if reader.problems or quiz is None:
        raise QuizError(reader.problems)
    quiz.path = path
    return quiz


def suggest(name: str, choices: typing.Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


class _Reader:
    """Reads nodes into model objects, collecting problems along the way."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, at: Node | Mark, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, at.line, at.col, field, message))

    # -- the file ----------------------------------------------------------------------
    def quiz(self, root: Node) -> Quiz | None:
        if root.kind != "map":
            self.add(
                root,
                "quiz",
                "the file must be a mapping with 'title' and 'questions' at the top level; "
                f"found {_kind(root)}",
            )
            return None
        quiz = self.object(Quiz, root, "", "the quiz")
        if quiz is not None:
            self.check_ids(quiz)
            self.check_shuffle(quiz, quiz.shuffle, "")
            for i, q in enumerate(quiz.questions):
                if isinstance(q, ChoiceQuestion):
                    self.check_shuffle(q, q.shuffle, f"questions[{i}]", quiz.shuffle)
                    self.check_pins(q, quiz, f"questions[{i}]")
        return quiz

    def question(self, node: Node, where: str) -> Question | None:
        if node.kind != "map":
            self.add(
                node,
                where,
                f"expected a question (a mapping with 'type' and 'prompt'), found {_kind(node)}",
            )
            return None
        types_list = ", ".join(QUESTION_TYPES)
        type_node = node.value.get("type")
        if type_node is None:
            self.add(node, where, f"missing key 'type' (one of: {types_list})")
            return None
        name = type_node.raw if type_node.kind == "scalar" else ""
        cls = QUESTION_TYPES.get(name)
        if cls is None:
            close = suggest(name, QUESTION_TYPES) if name else None
            hint = f"; did you mean '{close}'?" if close else ""
            found = f"'{name}'" if name else _kind(type_node)
            self.add(
                type_node,
                f"{where}.type",
                f"unknown question type {found}{hint} (types: {types_list})",
            )
            return None
        question = self.object(cls, node, where, f"a '{name}' question")
        if question is None:
            return None
        self.check_question(question, where)
        return question

    # -- generic reading driven by the model -------------------------------------------
    def object(self, cls: type, node: Node, where: str, what: str, skip: set[str] = frozenset()):
        """An instance of dataclass ``cls`` from mapping ``node``, or None after problems."""
        if node.kind != "map":
            required = [f.name for f in yaml_fields(cls) if f.metadata["required"]]
            keys = " and ".join(
                [", ".join(required[:-1]), required[-1]] if len(required) > 1 else required
            )
            self.add(node, where, f"expected {what} (a mapping with {keys}), found {_kind(node)}")
            return None
        fields = {f.name: f for f in yaml_fields(cls)}
        hints = _hints(cls)
        ok = True
        suggested: set[str] = set()
        for name, key_node in node.keys.items():
            if name not in fields:
                suggested.add(self.unknown_key(key_node, _join(where, name), name, fields, what))
                ok = False
        values: dict[str, Any] = {}
        where_map: dict[str, Mark] = {"": _mark(node)}
        for name, spec in fields.items():
            if name in skip:
                continue
            value_node = node.value.get(name)
            if value_node is None:
                if spec.metadata["required"] and name not in suggested:
                    why = spec.metadata["why"]
                    self.add(
                        node,
                        where or "quiz",
                        f"missing key '{name}'" + (f" ({why})" if why else ""),
                    )
                    ok = False
                continue
            where_map[name] = _mark(value_node)
            value = self.value(hints[name], spec, value_node, _join(where, name), where_map)
            if value is _MISSING:
                ok = False
            else:
                values[name] = value
        if not ok:
            return None
        return cls(**values, where=where_map)

    def unknown_key(self, key_node: Node, field: str, name: str, fields: dict, what: str) -> str:
        """Report an unknown key; returns the key it was suggested for ("" if none)."""
        close = suggest(name, fields)
        if close:
            self.add(key_node, field, f"unknown key; did you mean '{close}'?")
            return close
        owners = [t for t, c in QUESTION_TYPES.items() if name in {f.name for f in yaml_fields(c)}]
        valid = ", ".join(sorted(fields))
        elsewhere = (
            f"; '{name}' belongs to {', '.join(owners)} questions"
            if owners and "question" in what
            else ""
        )
        self.add(key_node, field, f"unknown key for {what}{elsewhere} (valid keys: {valid})")
        return ""

    def value(self, hint: Any, spec: dataclasses.Field, node: Node, field: str, marks: dict) -> Any:
        """Read ``node`` as a value of type ``hint``; ``_MISSING`` after a problem."""
        optional = False
        if isinstance(hint, types.UnionType) and type(None) in hint.__args__:
            args = [a for a in hint.__args__ if a is not type(None)]
            hint, optional = args[0], True
        if optional and node.kind == "scalar" and node.tag == "null":
            return None
        origin = typing.get_origin(hint)
        if origin is list:
            return self.list_of(typing.get_args(hint)[0], spec, node, field, marks)
        if dataclasses.is_dataclass(hint):  # pragma: no cover - no single nested object yet
            value = self.object(hint, node, field, _NAMES.get(hint, field))
            return _MISSING if value is None else value
        return self.scalar(hint, spec.metadata, node, field)

    def list_of(self, item: type, spec: dataclasses.Field, node: Node, field: str, marks: dict):
        if node.kind != "seq":
            self.add(node, field, f"expected a list, found {_kind(node)}")
            return _MISSING
        minimum = spec.metadata["min_items"]
        if minimum and len(node.value) < minimum:
            self.add(node, field, _too_few(field, minimum, len(node.value)))
            return _MISSING
        out = []
        ok = True
        name = field.rsplit(".", 1)[-1]
        for i, child in enumerate(node.value):
            marks[f"{name}[{i}]"] = _mark(child)
            if typing.get_origin(item) is list:
                value = self.list_of(
                    typing.get_args(item)[0], _NO_MINIMUM, child, f"{field}[{i}]", marks
                )
            elif item is Question:
                value = self.question(child, f"{field}[{i}]")
                value = _MISSING if value is None else value
            elif dataclasses.is_dataclass(item):
                value = self.object(item, child, f"{field}[{i}]", _NAMES.get(item, field))
                value = _MISSING if value is None else value
            else:
                value = self.scalar(item, {}, child, f"{field}[{i}]")
            if value is _MISSING:
                ok = False
            out.append(value)
        return out if ok else _MISSING

    def scalar(self, hint: Any, meta: dict, node: Node, field: str) -> Any:
        if node.kind != "scalar":
            self.add(node, field, f"expected {_expected(hint, meta)}, found {_kind(node)}")
            return _MISSING
        if hint is bool:
            if node.tag != "bool":
                self.add(node, field, f"expected true or false, found {_found(node)}")
                return _MISSING
            return node.value
        if hint is float:
            return self.number(meta, node, field)
        if hint is int:
            return self.integer(meta, node, field)
        # text: any scalar, read as written ("0.50" stays "0.50")
        if node.tag == "null" or not node.raw.strip():
            self.add(node, field, "must not be empty")
            return _MISSING
        text = node.raw
        if meta.get("enum") and text not in meta["enum"]:
            close = suggest(text, meta["enum"])
            hint_text = f" (did you mean '{close}'?)" if close else ""
            name = field.rsplit(".", 1)[-1]
            self.add(
                node,
                field,
                f"'{text}' is not a valid {name}{hint_text}; "
                f"choose one of: {', '.join(meta['enum'])}",
            )
            return _MISSING
        if meta.get("pattern") and not re.match(meta["pattern"], text):
            self.add(node, field, f"'{text}' is not a valid id; use letters, digits, '-' and '_'")
            return _MISSING
        return text

    def integer(self, meta: dict, node: Node, field: str) -> Any:
        if node.tag != "int":
            self.add(node, field, f"expected a whole number, found {_found(node)}{_hint(meta)}")
            return _MISSING
        low, high = meta.get("minimum"), meta.get("maximum")
        if (low is not None and node.value < low) or (high is not None and node.value > high):
            span = f"from {low:g} to {high:g}" if high is not None else f"of {low:g} or more"
            self.add(node, field, f"{node.raw} is out of range; use a whole number {span}")
            return _MISSING
        return node.value

    def number(self, meta: dict, node: Node, field: str) -> Any:
        if node.tag in ("int", "float"):
            value = node.value
        elif node.tag == "str" and not node.quoted and NUMBER_RE.match(node.raw):
            value = node.raw.replace("_", "")  # YAML 1.1 misses forms like 1e-3
        else:
            hint = (
                " (remove the quotes)" if node.quoted and NUMBER_RE.match(node.raw.strip()) else ""
            )
            self.add(node, field, f"expected a number, found {_found(node)}{hint}{_hint(meta)}")
            return _MISSING
        try:
            number = float(value)
        except (OverflowError, ValueError):
            number = float("inf")
        if number != number or number in (float("inf"), float("-inf")):
            self.add(node, field, f"expected a finite number, found {node.raw}")
            return _MISSING
        low, high = meta.get("minimum"), meta.get("maximum")
        out_of_range = (low is not None and number < low) or (high is not None and number > high)
        if out_of_range and high is not None:
            self.add(
                node,
                field,
                f"{node.raw} is out of range; use a number from {low:g} to {high:g}{_hint(meta)}",
            )
            return _MISSING
        if out_of_range:
            self.add(node, field, f"must be {low:g} or more, found {node.raw}")
            return _MISSING
        return number

    # -- rules beyond types ------------------------------------------------------------
    def check_question(self, q: Question, where: str) -> None:
        self.check_feedback(q, where)
        if isinstance(q, ChoiceQuestion):
            self.check_choice(q, where)
        elif isinstance(q, NumericQuestion):
            self.check_numeric(q, where)
        elif isinstance(q, TextQuestion):
            self.check_text(q, where)
        elif isinstance(q, OrderQuestion):
            self.unique(q.items, q.where, "items", where, "items", "item")
            self.check_groups(q, where)
        elif isinstance(q, MatchQuestion):
            self.check_match(q, where)

    def check_choice(self, q: ChoiceQuestion, where: str) -> None:
        at = q.where["options"]
        correct = sum(1 for o in q.options if o.correct)
        if isinstance(q, SingleQuestion) and correct != 1:
            detail = (
                "none is marked correct (add correct: true to the right one)"
                if correct == 0
                else f"{correct} are marked correct (use type: multiple for several)"
            )
            self.add(
                at,
                f"{where}.options",
                f"a 'single' question needs exactly one correct option; {detail}",
            )
        if isinstance(q, MultipleQuestion) and correct == 0:
            self.add(
                at,
                f"{where}.options",
                "a 'multiple' question needs at least one correct option; none is marked correct "
                "(add correct: true)",
            )
        seen: dict[str, int] = {}
        for i, option in enumerate(q.options):
            norm = normalize_text(option.text)
            if norm in seen:
                self.add(
                    option.where["text"],
                    f"{where}.options[{i}].text",
                    f"same text as options[{seen[norm]}]; every option must be different",
                )
            else:
                seen[norm] = i

    def check_feedback(self, q: Question, where: str) -> None:
        """Feedback never opens with a verdict: the engine shows "Right:" / "Wrong:" itself."""
        texts = [
            (o.feedback, o.where["feedback"], f"{where}.options[{i}].feedback")
            for i, o in enumerate(getattr(q, "options", []))
        ]
        for name in ("feedback_true", "feedback_false"):
            if isinstance(getattr(q, name, None), str):
                texts.append((getattr(q, name), q.where[name], f"{where}.{name}"))
        for text, at, field in texts:
            m = VERDICT_OPENER.match(text)
            if m:
                self.add(
                    at,
                    field,
                    f"starts with the verdict '{text[: m.end()].strip()}'; the quiz already "
                    "shows Right or Wrong before the feedback: start with the reason instead",
                )

    def check_shuffle(self, owner, shuffle: bool | None, where: str, default=True) -> None:
        """``shuffle: false`` needs a reason (a question under a quiz with ``shuffle: false``
        has the quiz's); a reason needs the options in their written order."""
        field = _join(where, "shuffle")
        if shuffle is None:  # the quiz's choice, and the quiz's reason
            shuffle = default
        elif shuffle is False and default is False and owner.shuffle_reason is None:
            return  # the quiz's own shuffle: false gives the reason
        elif shuffle is False and owner.shuffle_reason is None:
            self.add(
                owner.where["shuffle"],
                field,
                "options keep their written order only with a reason: add shuffle_reason "
                '(e.g. "the options are a scale from smallest to largest"), or remove '
                "shuffle: false (shuffled options keep the answer's position from giving it "
                "away)",
            )
        if owner.shuffle_reason is not None and shuffle is not False:
            self.add(
                owner.where["shuffle_reason"],
                _join(where, "shuffle_reason"),
                "a reason for keeping the written order, but the options are shuffled; "
                "add shuffle: false, or remove shuffle_reason",
            )

    def check_pins(self, q: ChoiceQuestion, quiz: Quiz, where: str) -> None:
        pinned = [i for i, o in enumerate(q.options) if o.pin]
        if not pinned:
            return
        shuffled = q.shuffle if q.shuffle is not None else quiz.shuffle
        first = pinned[0]
        at = q.options[first].where["pin"]
        field = f"{where}.options[{first}].pin"
        if not shuffled:
            self.add(
                at, field, "pin has no effect: this question's options are not shuffled; remove pin"
            )
        elif len(q.options) - len(pinned) < 2:
            self.add(
                at,
                field,
                f"{len(pinned)} of {len(q.options)} options are pinned, so nothing is left to "
                "shuffle; pin only options that must stay in place, like 'None of the above'",
            )

    def check_groups(self, q: OrderQuestion, where: str) -> None:
        n = len(q.items)
        seen: dict[int, int] = {}
        for g, group in enumerate(q.groups):
            field = f"{where}.groups[{g}]"
            at = q.where.get(f"groups[{g}]", q.where["groups"])
            if len(group) < 2:
                self.add(
                    at,
                    field,
                    "a group needs at least 2 item numbers (items that may "
                    "swap places); remove it or add the items that may swap with it",
                )
                continue
            ok = True
            for k, number in enumerate(group):
                spot = q.where.get(f"groups[{g}][{k}]", at)
                if not 1 <= number <= n:
                    self.add(
                        spot,
                        f"{field}[{k}]",
                        f"{number} is not an item number; the "
                        f"items are numbered 1 to {n} in the order they are listed",
                    )
                    ok = False
                elif number in seen:
                    other = seen[number]
                    self.add(
                        spot,
                        f"{field}[{k}]",
                        f"item {number} is already in "
                        + ("this group" if other == g else f"groups[{other}]")
                        + "; an item belongs to one group (merge the groups if all of "
                        "their items may swap)",
                    )
                    ok = False
                else:
                    seen[number] = g
            numbers = sorted(set(group))
            if ok and numbers != list(range(numbers[0], numbers[-1] + 1)):
                self.add(
                    at,
                    field,
                    f"items {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} are not next "
                    "to each other in "
                    "items; a group is a run of consecutive items (list the interchangeable "
                    "items one after another)",
                )
            elif ok and len(numbers) == n:
                self.add(
                    at,
                    field,
                    "every item is in this group, so any order is right and there is nothing "
                    "to ask; use another question type, or make the group smaller",
                )

    def check_numeric(self, q: NumericQuestion, where: str) -> None:
        if q.answer is None and q.answer_from is None:
            self.add(
                q.where[""],
                where,
                "a 'numeric' question needs 'answer' (a number) "
                "or 'answer_from' (a lesson_code call)",
            )
        if q.answer_from is not None:
            try:
                answers.parse(q.answer_from)
            except answers.AnswerFromError as exc:
                self.add(q.where["answer_from"], f"{where}.answer_from", str(exc))

    def check_text(self, q: TextQuestion, where: str) -> None:
        self.unique(q.accept, q.where, "accept", where, "accepted answers", "answer", fold=True)
        if q.accept_regex is not None:
            try:
                re.compile(q.accept_regex)
            except (re.error, RecursionError, OverflowError) as exc:
                self.add(
                    q.where["accept_regex"],
                    f"{where}.accept_regex",
                    f"not a valid regular expression: {exc}",
                )

    def check_match(self, q: MatchQuestion, where: str) -> None:
        seen: dict[str, int] = {}
        for i, pair in enumerate(q.pairs):
            norm = normalize_text(pair.left)
            if norm in seen:
                self.add(
                    pair.where["left"],
                    f"{where}.pairs[{i}].left",
                    f"same left item as pairs[{seen[norm]}]; every left item must be different",
                )
            else:
                seen[norm] = i
        rights: dict[str, str] = {}
        for i, pair in enumerate(q.pairs):
            norm = normalize_text(pair.right)
            if norm in rights:
                self.add(
                    pair.where["right"],
                    f"{where}.pairs[{i}].right",
                    f"same right item as {rights[norm]}; every right item must be different",
                )
            else:
                rights[norm] = f"pairs[{i}]"
        for i, extra in enumerate(q.distractors):
            norm = normalize_text(extra)
            if norm in rights:
                self.add(
                    q.where[f"distractors[{i}]"],
                    f"{where}.distractors[{i}]",
                    f"same text as the right item of {rights[norm]}; a distractor must differ",
                )
            else:
                rights[norm] = f"distractors[{i}]"

    def unique(self, values, marks, name, where, plural, noun, fold=False) -> None:
        seen: dict[str, int] = {}
        for i, value in enumerate(values):
            norm = normalize_text(value)
            if norm in seen:
                extra = (
                    " once case and spacing are ignored"
                    if fold and value != values[seen[norm]]
                    else ""
                )
                self.add(
                    marks[f"{name}[{i}]"],
                    f"{where}.{name}[{i}]",
                    f"same {noun} as {name}[{seen[norm]}]{extra}; {plural} must all be different",
                )
            else:
                seen[norm] = i

    def check_ids(self, quiz: Quiz) -> None:
        seen: dict[str, int] = {}
        for i, q in enumerate(quiz.questions):
            if q.id is None:
                continue
            if q.id in seen:
                self.add(
                    q.where["id"],
                    f"questions[{i}].id",
                    f"'{q.id}' is already the id of questions[{seen[q.id]}]; ids must be unique",
                )
            else:
                seen[q.id] = i


_NO_MINIMUM = dataclasses.field(metadata={"min_items": None})


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _mark(node: Node) -> Mark:
    return Mark(node.line, node.col)


def _kind(node: Node) -> str:
    if node.kind == "seq":
        return "a list"
    if node.kind == "map":
        return "a mapping"
    return _found(node)


def _found(node: Node) -> str:
    if node.tag == "str":
        return describe(node.raw)
    return describe(node.value)


def _hint(meta: dict) -> str:
    return f" ({meta['hint']})" if meta.get("hint") else ""


def _expected(hint: Any, meta: dict) -> str:
    if hint is bool:
        return "true or false"
    if hint is float:
        return "a number"
    if hint is int:
        return "a whole number"
    return "text"


def _too_few(field: str, minimum: int, found: int) -> str:
    name = field.rsplit(".", 1)[-1]
    nouns = {
        "options": "options",
        "items": "items to order",
        "pairs": "pairs to match",
        "accept": "accepted answer" if minimum == 1 else "accepted answers",
    }
    if name == "questions":
        return "the quiz has no questions; add at least one"
    noun = nouns.get(name, "entries")
    return f"needs at least {minimum} {noun}; found {found}"
