"""JSON Schema of the quiz format, generated from the model (``model.py``).

``python -m plugins.quiz schema`` writes it to ``quizzes/schema.json``; each quiz file
starts with ``# yaml-language-server: $schema=schema.json`` so editors complete keys,
show their descriptions and flag mistakes while typing. A test checks that the file
on disk is what this module generates, so the schema cannot fall behind the model.

The schema is a convenience for editors; the validator (``validate.py``) is the
authority (it also checks rules a schema cannot say, like "exactly one correct option").
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from .model import DEFAULT_PASS_MARK, QUESTION_TYPES, Option, Pair, Question, Quiz, yaml_fields

SCHEMA_PATH = Path("quizzes") / "schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def build_schema() -> dict[str, Any]:
    """The whole schema: the quiz object, with one definition per question type."""
    defs: dict[str, Any] = {
        "option": _object(Option, "One choice of a 'single' or 'multiple' question."),
        "pair": _object(Pair, "One line of a 'match' question."),
    }
    for name, cls in QUESTION_TYPES.items():
        schema = _object(cls, cls.DOC)
        schema["properties"]["type"] = {"const": name, "description": cls.DOC}
        defs[f"question_{name}"] = schema
    quiz = _object(Quiz, "A quiz: quizzes/<lesson-slug>.yaml is shown at the end of that lesson.")
    quiz["properties"]["pass_mark"]["default"] = DEFAULT_PASS_MARK
    return {
        "$schema": DIALECT,
        "$id": "https://attention-course.invalid/quizzes/schema.json",
        "title": "Attention from First Principles: quiz file",
        **quiz,
        "$defs": defs,
    }


def _object(cls: type, description: str) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in yaml_fields(cls):
        properties[f.name] = _property(hints[f.name], f)
        if f.metadata["required"]:
            required.append(f.name)
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _property(hint: Any, f: dataclasses.Field) -> dict[str, Any]:
    meta = f.metadata
    nullable = isinstance(hint, types.UnionType) and type(None) in hint.__args__
    if nullable:
        hint = next(a for a in hint.__args__ if a is not type(None))
    schema = _type(hint)
    schema["description"] = meta["doc"]
    if typing.get_origin(hint) is list and meta["min_items"]:
        schema["minItems"] = meta["min_items"]
    if hint is str and f.name != "type":
        schema["minLength"] = 1
    for key, name in (
        ("enum", "enum"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("pattern", "pattern"),
    ):
        if meta[key] is not None:
            schema[name] = list(meta[key]) if key == "enum" else meta[key]
    if meta["example"] is not None:
        schema["examples"] = [meta["example"]]
    default = f.default
    if default is not dataclasses.MISSING and default is not None:
        schema["default"] = default
    return schema


def _type(hint: Any) -> dict[str, Any]:
    if hint is bool:
        return {"type": "boolean"}
    if hint is float:
        return {"type": "number"}
    if hint is int:
        return {"type": "integer"}
    if hint is str:
        # YAML authors may write numbers as option text; the validator reads them as text.
        return {"type": ["string", "number"]}
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        if item is Question:
            refs = [{"$ref": f"#/$defs/question_{name}"} for name in QUESTION_TYPES]
            return {"type": "array", "items": {"oneOf": refs}}
        if item is Option:
            return {"type": "array", "items": {"$ref": "#/$defs/option"}}
        if item is Pair:
            return {"type": "array", "items": {"$ref": "#/$defs/pair"}}
        if typing.get_origin(item) is list:
            return {"type": "array", "items": _type(item)}
        if item is int:
            return {"type": "array", "items": {"type": "integer"}}
        return {"type": "array", "items": {"type": ["string", "number"], "minLength": 1}}
    raise TypeError(f"no JSON Schema type for {hint!r}")  # pragma: no cover - model changed


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
