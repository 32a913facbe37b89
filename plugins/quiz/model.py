"""The quiz data model: what a valid ``quizzes/<slug>.yaml`` file becomes.

Plain dataclasses, no MkDocs. Each YAML key is a dataclass field whose metadata (made by
:func:`key`) says what the key means, whether it is required and what values it takes.
The validator (``validate.py``) and the JSON Schema (``schema.py``) are both driven by
these declarations, so the editor's completion, the CLI and the build agree on one format.

Fields whose metadata has ``internal`` are filled by the loader (where each key sits in
the file) and are not YAML keys.

A loaded quiz also has a JSON form (:func:`to_data`, :func:`from_data`, driven by the same
declarations): the build keeps it, so that a file that did not change is not parsed and
validated again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

MODES = ("immediate", "end")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
DEFAULT_PASS_MARK = 0.7
DEFAULT_REVEAL_AFTER = 3


@dataclass(frozen=True)
class Mark:
    """A position in the YAML file, 1-based."""

    line: int
    col: int


def key(
    doc: str,
    *,
    required: bool = False,
    why: str = "",
    enum: tuple[str, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    min_items: int | None = None,
    pattern: str | None = None,
    example: Any = None,
    hint: str = "",
) -> dict[str, Any]:
    """Metadata of a field that is a YAML key.

    ``why`` completes the message for a missing required key ("missing key 'feedback'
    (every option explains why it is right or wrong)"); ``hint`` completes the message for a
    wrong value.
    """
    return {
        "doc": doc,
        "required": required,
        "why": why,
        "enum": enum,
        "minimum": minimum,
        "maximum": maximum,
        "min_items": min_items,
        "pattern": pattern,
        "example": example,
        "hint": hint,
    }


INTERNAL = {"internal": True}


def where_field() -> Any:
    """Positions of the object and of each of its keys: ``{"": Mark, "options": Mark}``."""
    return field(default_factory=dict, repr=False, compare=False, metadata=INTERNAL)


def yaml_fields(cls: type) -> list[dataclasses.Field]:
    """The fields of ``cls`` that are YAML keys, in declaration order."""
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


@dataclass(kw_only=True)
class Option:
    """One choice of a 'single' or 'multiple' question."""

    text: str = field(metadata=key("The option, in Markdown.", required=True))
    correct: bool = field(
        default=False, metadata=key("True for a right answer; options are wrong by default.")
    )
    feedback: str = field(
        metadata=key(
            "Markdown shown when the learner picks this option: why it is right or wrong "
            "(the engine itself says Right or Wrong first). On a wrong option, say what to "
            "reconsider without naming the right answer: the learner gets another try.",
            required=True,
            why="every option explains why it is right or wrong",
        )
    )
    pin: bool = field(
        default=False,
        metadata=key(
            "Keep this option at its place in the list while the others are shuffled "
            "(e.g. 'None of the above', listed last)."
        ),
    )
    where: dict[str, Mark] = where_field()


@dataclass(kw_only=True)
class Pair:
    """One line of a 'match' question: a left item and the right item it belongs to."""

    left: str = field(metadata=key("Item shown on the left, in Markdown.", required=True))
    right: str = field(
        metadata=key("Its match, plain text (shown in a drop-down list).", required=True)
    )
    where: dict[str, Mark] = where_field()


@dataclass(kw_only=True)
class Question:
    """Keys every question has. Subclasses add the keys of their type."""

    TYPE: ClassVar[str] = ""
    DOC: ClassVar[str] = ""

    type: str = field(metadata=key("The question type.", required=True))
    id: str | None = field(
        default=None,
        metadata=key(
            "Optional stable identifier (letters, digits, - and _), unique in the quiz.",
            pattern=ID_PATTERN,
        ),
    )
    prompt: str = field(metadata=key("The question, in Markdown (code and $math$).", required=True))
    explanation: str = field(
        metadata=key(
            "Markdown shown once the question is answered right or its answer is shown: "
            "the reasoning behind the answer.",
            required=True,
            why="every question explains its answer after it is checked",
        )
    )
    reveal_after: int | None = field(
        default=None,
        metadata=key(
            "Wrong tries after which the answer and explanation are shown (1 to 20); "
            "default: the quiz's reveal_after.",
            minimum=1,
            maximum=20,
            example=DEFAULT_REVEAL_AFTER,
        ),
    )
    where: dict[str, Mark] = where_field()

    def key_content(self) -> dict[str, Any]:
        """What defines the question and its answer key (the basis of its fingerprint).

        Explanations, feedback and the id are left out: rewording them keeps answers.
        """
        return _plain(self)


# Keys that help after answering, or say how options are shown, but do not change what is
# asked or what is right
NOT_IN_FINGERPRINT = frozenset(
    {
        "explanation",
        "id",
        "feedback",
        "feedback_true",
        "feedback_false",
        "reveal_after",
        "shuffle",
        "shuffle_reason",
        "pin",
    }
)


def _plain(value: Any) -> Any:
    """A JSON-able copy of a field value (nested options and pairs become dicts)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in yaml_fields(type(value))
            if f.name not in NOT_IN_FINGERPRINT
        }
    return value


@dataclass(kw_only=True)
class ChoiceQuestion(Question):
    options: list[Option] = field(
        metadata=key(
            "The choices, in any order: they are shown shuffled (a new order for every "
            "attempt in the browser) unless shuffle is false.",
            required=True,
            min_items=2,
        )
    )
    shuffle: bool | None = field(
        default=None,
        metadata=key(
            "Shuffle the options; default: the quiz's shuffle (true). false keeps the written "
            "order and needs shuffle_reason.",
        ),
    )
    shuffle_reason: str | None = field(
        default=None,
        metadata=key(
            "Why the options keep their written order (required with shuffle: false), "
            "e.g. 'the options are a scale from smallest to largest'.",
        ),
    )


@dataclass(kw_only=True)
class SingleQuestion(ChoiceQuestion):
    TYPE: ClassVar[str] = "single"
    DOC: ClassVar[str] = "Single choice: exactly one option is correct."


@dataclass(kw_only=True)
class MultipleQuestion(ChoiceQuestion):
    TYPE: ClassVar[str] = "multiple"
    DOC: ClassVar[str] = "Multiple select: at least one option is correct; partial credit shown."


@dataclass(kw_only=True)
class TrueFalseQuestion(Question):
    TYPE: ClassVar[str] = "truefalse"
    DOC: ClassVar[str] = "A statement the learner marks True or False."

    answer: bool = field(metadata=key("Whether the statement is true.", required=True))
    feedback_true: str = field(
        metadata=key(
            "Markdown shown when the learner picks True.",
            required=True,
            why="each choice explains why it is right or wrong",
        )
    )
    feedback_false: str = field(
        metadata=key(
            "Markdown shown when the learner picks False.",
            required=True,
            why="each choice explains why it is right or wrong",
        )
    )


@dataclass(kw_only=True)
class NumericQuestion(Question):
    TYPE: ClassVar[str] = "numeric"
    DOC: ClassVar[str] = "A number, right within a tolerance."

    answer: float | None = field(
        default=None, metadata=key("The right number (may be omitted when answer_from is given).")
    )
    answer_from: str | None = field(
        default=None,
        metadata=key(
            "A call of a lesson_code function with literal arguments that computes the answer, "
            "e.g. lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]. The build evaluates it; "
            "with 'answer' also given, the two must agree within the tolerance.",
            example="lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]",
        ),
    )
    tolerance: float = field(
        default=0.0,
        metadata=key("Largest accepted distance from the answer (>= 0).", minimum=0),
    )
    unit: str | None = field(default=None, metadata=key("Unit shown after the input, e.g. ms."))
    computed: float | None = field(default=None, repr=False, compare=False, metadata=INTERNAL)


@dataclass(kw_only=True)
class TextQuestion(Question):
    TYPE: ClassVar[str] = "text"
    DOC: ClassVar[str] = "A short typed answer, compared ignoring case and extra spaces."

    accept: list[str] = field(
        metadata=key(
            "Accepted answers (case and spacing are ignored).",
            required=True,
            min_items=1,
            why="list the answers that count as right",
        )
    )
    accept_regex: str | None = field(
        default=None,
        metadata=key(
            "Also accept answers matching this regular expression (case-insensitive; "
            "use syntax that JavaScript and Python share).",
        ),
    )


@dataclass(kw_only=True)
class FreeQuestion(Question):
    TYPE: ClassVar[str] = "free"
    DOC: ClassVar[str] = "Free response: the learner compares their answer with a model answer."

    model_answer: str = field(
        metadata=key(
            "Markdown model answer the learner compares their own answer with.",
            required=True,
            why="the learner checks their answer against it",
        )
    )
    explanation: str | None = field(  # type: ignore[assignment]
        default=None, metadata=key("Optional Markdown shown after answering.")
    )


@dataclass(kw_only=True)
class OrderQuestion(Question):
    TYPE: ClassVar[str] = "order"
    DOC: ClassVar[str] = "Put items in order; list them in the CORRECT order, they are shuffled."

    items: list[str] = field(
        metadata=key(
            "The items in their correct order (Markdown); learners see them shuffled.",
            required=True,
            min_items=2,
        )
    )
    groups: list[list[int]] = field(
        default_factory=list,
        metadata=key(
            "Runs of items that may come in any order among themselves, as item numbers "
            "counted from 1 (e.g. [[2, 3]]: items 2 and 3 are both right either way round). "
            "A group is consecutive items of the list, and an item is in one group at most.",
            example=[[2, 3]],
        ),
    )


@dataclass(kw_only=True)
class MatchQuestion(Question):
    TYPE: ClassVar[str] = "match"
    DOC: ClassVar[str] = "Match each left item to a right item (one drop-down per left item)."

    pairs: list[Pair] = field(
        metadata=key("The left items with their right matches.", required=True, min_items=2)
    )
    distractors: list[str] = field(
        default_factory=list,
        metadata=key("Extra right items that match nothing (plain text)."),
    )


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.TYPE: cls
    for cls in (
        SingleQuestion,
        MultipleQuestion,
        TrueFalseQuestion,
        NumericQuestion,
        TextQuestion,
        FreeQuestion,
        OrderQuestion,
        MatchQuestion,
    )
}


@dataclass(kw_only=True)
class Quiz:
    """A whole quiz file."""

    title: str = field(
        metadata=key(
            "Title shown above the quiz; names the form.",
            required=True,
            why='add title: "End-of-lesson check: ..."',
        )
    )
    id: str | None = field(
        default=None,
        metadata=key(
            "Stable identifier under which progress is stored; default: the file name.",
            pattern=ID_PATTERN,
        ),
    )
    intro: str | None = field(
        default=None, metadata=key("Optional Markdown shown under the title.")
    )
    mode: str = field(
        default="immediate",
        metadata=key(
            "immediate: a Check button per question; end: one Check button for all.",
            enum=MODES,
        ),
    )
    pass_mark: float | None = field(
        default=None,
        metadata=key(
            "Fraction of questions to get right to pass (default 0.7).",
            minimum=0,
            maximum=1,
            example=DEFAULT_PASS_MARK,
            hint="a fraction: 0.7 means 70%",
        ),
    )
    shuffle: bool = field(
        default=True,
        metadata=key(
            "Shuffle the options of every choice question (default true); false needs "
            "shuffle_reason.",
        ),
    )
    shuffle_reason: str | None = field(
        default=None,
        metadata=key("Why the options keep their written order (required with shuffle: false)."),
    )
    reveal_after: int = field(
        default=DEFAULT_REVEAL_AFTER,
        metadata=key(
            "Wrong tries after which a question shows its answer and explanation (default 3).",
            minimum=1,
            maximum=20,
        ),
    )
    questions: list[Question] = field(
        metadata=key(
            "The questions, in order.", required=True, min_items=1, why="add a list of questions"
        )
    )
    path: str = field(default="", repr=False, compare=False, metadata=INTERNAL)
    where: dict[str, Mark] = where_field()


def fingerprint(question: Question) -> str:
    """16 hex digits that change whenever the question or its answer key changes.

    Stored progress is keyed by it, so editing a question drops the learner's stale answer
    while rewording an explanation does not.
    """
    content = json.dumps(question.key_content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def to_data(quiz: Quiz) -> dict[str, Any]:
    """A JSON-able copy of a loaded quiz with every field (positions and path too), which
    :func:`from_data` turns back into the same quiz: a build keeps it so that the next one
    need not parse and validate an unchanged file again."""
    return _to_data(quiz)


def _to_data(value: Any) -> Any:
    if isinstance(value, Mark):  # before the dataclass case: a pair is enough
        return [value.line, value.col]
    if dataclasses.is_dataclass(value):
        return {f.name: _to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_data(v) for k, v in value.items()}
    return value  # str, bool, float or None


def from_data(data: Any) -> Quiz:
    """The quiz that :func:`to_data` made ``data`` from; ``ValueError`` for anything else.

    Every value is checked against the field's type as declared here (exact keys, no int
    for a float), so a damaged or hand-edited entry is refused rather than becoming a quiz
    the validator would not have produced.
    """
    return _decoder(Quiz)(data)


@functools.cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function reading stored data of type ``hint`` (made once per type: reading is then
    a few calls per value, which matters with thousands of positions a build)."""
    if isinstance(hint, types.UnionType):  # X | None
        (inner,) = [_decoder(arg) for arg in hint.__args__ if arg is not type(None)]
        return lambda data: None if data is None else inner(data)
    origin = typing.get_origin(hint)
    if origin is list:
        item = _decoder(typing.get_args(hint)[0])
        return lambda data: [item(v) for v in _expect(data, list)]
    if origin is dict and typing.get_args(hint) == (str, Mark):
        return _marks
    if hint is Question:
        return _question
    if dataclasses.is_dataclass(hint):
        return _object_decoder(hint)
    if hint in (str, bool, float, int):
        return lambda data: _expect(data, hint)
    raise TypeError(f"no stored form for {hint!r}")  # pragma: no cover - model changed


def _object_decoder(cls: type) -> Callable[[Any], Any]:
    types_of = typing.get_type_hints(cls)
    fields = [(f.name, _decoder(types_of[f.name])) for f in dataclasses.fields(cls)]
    names = {name for name, _ in fields}

    def read(data: Any) -> Any:
        if _expect(data, dict).keys() != names:
            raise ValueError(f"not the fields of {cls.__name__}")
        return cls(**{name: read_value(data[name]) for name, read_value in fields})

    return read


def _question(data: Any) -> Question:
    name = _expect(data, dict).get("type")
    cls = QUESTION_TYPES.get(name) if type(name) is str else None
    if cls is None:
        raise ValueError("not a known question type")
    return _decoder(cls)(data)


def _marks(data: Any) -> dict[str, Mark]:
    marks = {}
    for name, pair in _expect(data, dict).items():
        if type(name) is not str or type(pair) is not list or len(pair) != 2:
            raise ValueError(f"not a position: {name!r}: {pair!r}")
        line, col = pair
        if type(line) is not int or type(col) is not int:
            raise ValueError(f"not a position: {name!r}: {pair!r}")
        marks[name] = Mark(line, col)
    return marks


def _expect(value: Any, kind: type) -> Any:
    if type(value) is not kind:  # exact: True is not a number, 1 is not 1.0 here
        raise ValueError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def normalize_text(text: str) -> str:
    """How typed answers are compared: trimmed, inner spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()
