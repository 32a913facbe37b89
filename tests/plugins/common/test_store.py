"""plugins.common.store: keys that change exactly when an input does, and entries that are whole."""

from __future__ import annotations

import json

import pytest

from plugins.common import store
from plugins.explorer.plugin import ExplorerPlugin
from tests import support

ROOT = support.ROOT


def test_a_key_follows_file_contents_alone_or_in_a_list(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("y = 2\n")
    single, listed = store.digest(a), store.digest([a, b])
    b.write_text("y = 3\n")
    assert store.digest(a) == single
    assert store.digest([a, b]) != listed
    a.write_text("x = 2\n")
    assert store.digest(a) != single


def test_bytes_are_keyed_as_they_are_and_apart_from_text_and_files(tmp_path):
    quiz = tmp_path / "q.yaml"
    quiz.write_bytes(b"title: T\n")
    key = store.digest(b"title: T\n")
    assert key == store.digest(bytearray(b"title: T\n"))
    assert key != store.digest(b"title: U\n")
    assert key != store.digest("title: T\n") and key != store.digest(quiz)
    assert store.digest(b"ab", b"c") != store.digest(b"a", b"bc")  # lengths are in the key


def test_functions_in_configs_are_keyed_by_name_not_address():
    config = {"emoji_index": store.digest, "list": [1, 2], "set": {"b", "a"}}
    text = json.dumps(store._plain(config))
    assert "plugins.common.store.digest" in text and "0x" not in text
    assert store.digest(config) == store.digest(dict(reversed(list(config.items()))))


def test_entries_round_trip_and_damage_reads_as_absent(tmp_path):
    box = store.Store(tmp_path / "store")
    assert box.get("kind", "k") is None
    box.put("kind", "k", {"a": [1, "é"]})
    assert box.get("kind", "k") == {"a": [1, "é"]}
    (tmp_path / "store" / "kind" / "k.json").write_text('{"a": [1,')
    assert box.get("kind", "k") is None
    assert not list((tmp_path / "store" / "kind").glob(".tmp-*"))  # no leftovers
    store.Store(None).put("kind", "k", 1)  # a disabled store keeps nothing, raises nothing
    assert store.Store(None).get("kind", "k") is None


def test_a_folder_that_cannot_be_written_only_costs_the_reuse(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    box = store.Store(blocker / "store")
    box.put("kind", "k", 1)
    assert box.get("kind", "k") is None


@pytest.fixture()
def course_copy(tmp_path):
    """A project folder with its own copy of the course code the explorer's model imports."""
    code = tmp_path / "lesson_code"
    code.mkdir()
    for name in ("__init__.py", "attention.py"):
        (code / name).write_text((ROOT / "lesson_code" / name).read_text())
    return tmp_path


def test_the_explorer_model_is_kept_until_its_code_changes(course_copy):
    plugin = ExplorerPlugin()
    plugin.load_config({"cache_dir": ".cache/explorer"})
    first = plugin._model(course_copy)
    [entry] = (course_copy / ".cache" / "explorer" / "explorer").glob("*.json")
    kept = json.loads(entry.read_text())
    assert kept == first and json.loads(first["params_json"])["d_model"] > 0
    kept["values"]["marker"] = "from the store"
    entry.write_text(json.dumps(kept))
    assert plugin._model(course_copy)["values"]["marker"] == "from the store"
    imported = course_copy / "lesson_code" / "attention.py"  # imported by the model
    imported.write_text(imported.read_text() + "\n# a comment changes no code\n")
    assert plugin._model(course_copy)["values"]["marker"] == "from the store"
    imported.write_text(imported.read_text() + "\nEDITED = True\n")
    assert "marker" not in plugin._model(course_copy)["values"]


def test_prune_drops_what_this_build_did_not_use_and_keeps_other_kinds(tmp_path):
    old = store.Store(tmp_path)
    for key in ("a", "b", "c"):
        old.put("render", key, key)
    old.put("answers", "x", 1)
    build = store.Store(tmp_path)  # the next build reads "a" and writes "d"
    assert build.get("render", "a") == "a"
    build.put("render", "d", "d")
    assert build.get("render", "zzz") is None  # a miss that is then not written
    assert build.prune() == 2  # b and c
    assert sorted(p.stem for p in (tmp_path / "render").glob("*.json")) == ["a", "d"]
    assert (tmp_path / "answers" / "x.json").is_file()  # a kind this build did not use
    assert store.Store(None).prune() == 0
