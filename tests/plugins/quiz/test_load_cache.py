"""A valid quiz file is validated once: the build keeps the loaded quiz in its store and
the next build reads it back, equal, until the file, its path or the quiz code changes.
A file with problems is never kept, and a damaged entry is validated again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from plugins.quiz import cache as quiz_cache
from plugins.quiz.model import Mark, from_data, to_data
from plugins.quiz.plugin import QuizPlugin
from plugins.quiz.validate import load_file
from tests.support import ROOT

from .paths import FIXTURES, SITE_FIXTURE

REAL_QUIZZES = sorted((ROOT / "quizzes").glob("*.yaml"))
N = len(list((SITE_FIXTURE / "quizzes").rglob("*.yaml")))  # quiz files of the fixture site
ALL_GOOD = [
    *REAL_QUIZZES,
    *sorted((FIXTURES / "good").glob("*.yaml")),
    *sorted((SITE_FIXTURE / "quizzes").rglob("*.yaml")),
]


@pytest.fixture()
def project(tmp_path):
    """A copy of the fixture site (its quiz files may be edited) and a store folder."""
    project = tmp_path / "project"
    shutil.copytree(SITE_FIXTURE, project)
    return project


def plugin_for(project: Path, store: Path | None) -> tuple[QuizPlugin, MkDocsConfig]:
    config = MkDocsConfig(config_file_path=str(project / "mkdocs.yml"))
    config.load_dict({"site_name": "t", "docs_dir": str(project / "docs")})
    assert config.validate() == ([], [])
    plugin = QuizPlugin()
    assert plugin.load_config({"cache_dir": str(store) if store else ""}) == ([], [])
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    return plugin, config


@pytest.fixture()
def validations(monkeypatch):
    """The paths the plugin validated (called the validator for), in order."""
    seen: list[str] = []
    real = quiz_cache.load_quiz

    def spy(data, path):
        seen.append(path)
        return real(data, path)

    monkeypatch.setattr(quiz_cache, "load_quiz", spy)
    return seen


def loaded(plugin: QuizPlugin) -> dict[str, dict]:
    """Every quiz of the last on_pre_build in its full stored form (positions included)."""
    return {key: to_data(shown.quiz) for key, shown in plugin.library.quizzes.items()}


def entries(store: Path) -> list[Path]:
    return sorted((store / "quiz").glob("*.json"))


def build_error(plugin: QuizPlugin, config) -> str:
    with pytest.raises(PluginError) as caught:
        plugin.on_pre_build(config)
    return str(caught.value)


@pytest.mark.parametrize("path", ALL_GOOD, ids=[p.name for p in ALL_GOOD])
def test_the_stored_form_gives_back_the_same_quiz(path):
    quiz = load_file(str(path), path.name)
    again = from_data(json.loads(json.dumps(to_data(quiz), ensure_ascii=False)))
    assert again == quiz and again.path == quiz.path == path.name
    assert again.where == quiz.where and all(isinstance(m, Mark) for m in again.where.values())
    for before, after in zip(quiz.questions, again.questions, strict=True):
        assert type(after) is type(before) and after.where == before.where
        for name in ("options", "pairs"):
            for a, b in zip(getattr(before, name, []), getattr(after, name, []), strict=True):
                assert a.where == b.where
    assert to_data(again) == to_data(quiz)


def test_a_kept_quiz_is_not_validated_again(project, tmp_path, validations):
    store = tmp_path / "store"
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    first = loaded(plugin)
    assert sorted(validations) == sorted(first) and len(entries(store)) == N
    validations.clear()
    plugin, config = plugin_for(project, store)  # a new build, as under mkdocs serve
    plugin.on_pre_build(config)
    assert validations == []
    assert loaded(plugin) == first
    # answer_from is still computed for the quiz read back (it is not part of the entry)
    questions = [q for shown in plugin.library.quizzes.values() for q in shown.quiz.questions]
    numeric = [q for q in questions if getattr(q, "answer_from", None)]
    assert numeric and all(q.computed is not None for q in numeric)
    # without a store every build validates, with the same result
    validations.clear()
    plugin, config = plugin_for(project, None)
    plugin.on_pre_build(config)
    assert len(validations) == N and loaded(plugin) == first


def test_an_edited_file_is_validated_again_and_its_problems_are_never_kept(
    project, tmp_path, validations
):
    store = tmp_path / "store"
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    quiz = project / "quizzes" / "02-plain.yaml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("explanation:", "explanaton:", 1), encoding="utf-8")
    plugin, config = plugin_for(project, None)
    expected = build_error(plugin, config)  # what a build without any store says
    assert "quizzes/02-plain.yaml:" in expected and "did you mean 'explanation'" in expected
    validations.clear()
    for _ in range(2):  # the problem is reported again by every build, word for word
        plugin, config = plugin_for(project, store)
        assert build_error(plugin, config) == expected
    assert validations == ["quizzes/02-plain.yaml"] * 2  # the others came from the store
    assert len(entries(store)) == N  # nothing kept for the broken file (its old entry stays)
    quiz.write_text(text, encoding="utf-8")  # fixed: the entry kept before is used again
    validations.clear()
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    assert validations == []


def test_the_same_bytes_under_another_path_are_validated_for_that_path(
    project, tmp_path, validations
):
    store = tmp_path / "store"
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    (project / "quizzes" / "02-plain.yaml").rename(project / "quizzes" / "03-plain.yaml")
    validations.clear()
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    assert validations == ["quizzes/03-plain.yaml"]
    assert plugin.library.quizzes["quizzes/03-plain.yaml"].quiz.path == "quizzes/03-plain.yaml"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "[]",
        lambda text: json.dumps({"title": 5}),
        lambda text: text.replace('"type": "', '"type": "x', 1),  # unknown question type
        lambda text: text.replace('"shuffle": true', '"shuffle": 0', 1),  # int for a bool
        lambda text: text.replace('"": [', '"": [1.5, ', 1),  # a position of three
        lambda text: text.replace('"title":', '"titel":', 1),
    ],
    ids=["cut", "list", "wrong-fields", "type", "bool", "mark", "key"],
)
def test_a_damaged_entry_is_validated_again_and_replaced(project, tmp_path, validations, damage):
    store = tmp_path / "store"
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    first = loaded(plugin)
    for entry in entries(store):
        entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    validations.clear()
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    assert len(validations) == N and loaded(plugin) == first
    validations.clear()
    plugin, config = plugin_for(project, store)  # the entries were written anew
    plugin.on_pre_build(config)
    assert validations == [] and loaded(plugin) == first


def test_the_key_follows_the_quiz_code(project, tmp_path, validations, monkeypatch):
    store = tmp_path / "store"
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    monkeypatch.setattr(quiz_cache, "loader_version", lambda: "edited validator")
    validations.clear()
    plugin, config = plugin_for(project, store)
    plugin.on_pre_build(config)
    assert len(validations) == N


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("pass_mark", 1),  # a float field given an int
        ("shuffle", "no"),
        ("title", None),
        ("where", {"": [1]}),
        ("path", 3),
    ],
)
def test_from_data_refuses_values_of_the_wrong_type(change, value):
    data = to_data(load_file(str(REAL_QUIZZES[0]), "q.yaml"))
    data[change] = value
    with pytest.raises(ValueError):
        from_data(data)
