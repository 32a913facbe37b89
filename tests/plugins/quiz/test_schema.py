"""quizzes/schema.json: generated from the model, up to date, and it agrees with the validator."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from plugins.quiz.model import QUESTION_TYPES, Quiz, yaml_fields
from plugins.quiz.schema import build_schema, schema_text
from tests.support import ROOT

from .paths import FIXTURES

SCHEMA_FILE = ROOT / "quizzes" / "schema.json"


def test_schema_file_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "quizzes/schema.json is stale: run .venv/bin/python -m plugins.quiz schema"
    )


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


def test_schema_has_every_key_of_the_model():
    schema = build_schema()
    assert set(schema["properties"]) == {f.name for f in yaml_fields(Quiz)}
    assert set(schema["required"]) == {"title", "questions"}
    for name, cls in QUESTION_TYPES.items():
        definition = schema["$defs"][f"question_{name}"]
        assert set(definition["properties"]) == {f.name for f in yaml_fields(cls)}
        assert definition["properties"]["type"]["const"] == name
        assert definition["additionalProperties"] is False
    assert schema["properties"]["mode"]["enum"] == ["immediate", "end"]
    assert schema["$defs"]["question_numeric"]["properties"]["tolerance"]["minimum"] == 0


def quiz_files():
    return sorted((ROOT / "quizzes").glob("*.yaml")) + sorted(
        (FIXTURES / "site" / "quizzes").rglob("*.yaml")
    )


@pytest.mark.parametrize("path", quiz_files(), ids=lambda p: p.name)
def test_valid_quizzes_pass_the_schema(path):
    validator = jsonschema.Draft202012Validator(build_schema())
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize(
    "name",
    [
        "misspelt-key.yaml",
        "unknown-type.yaml",
        "bad-mode.yaml",
        "pass-mark-percent.yaml",
        "missing-feedback.yaml",
        "numeric-negative-tolerance.yaml",
        "text-empty-accept.yaml",
        "one-option.yaml",
        "missing-title.yaml",
        "empty-questions.yaml",
    ],
)
def test_the_schema_also_flags_structural_mistakes(name):
    validator = jsonschema.Draft202012Validator(build_schema())
    document = yaml.safe_load((FIXTURES / "bad" / name).read_text(encoding="utf-8"))
    assert list(validator.iter_errors(document)), name


def test_every_real_quiz_points_editors_at_the_schema():
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema.json", path.name
