"""Cache keys alone (no build): what must and must not change a lesson's key."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from plugins.common import codekey
from plugins.lessons import cache
from plugins.lessons.runner import describe_failure

FIXTURE = Path(__file__).parent / "fixture"


@pytest.fixture()
def project(tmp_path):
    shutil.copytree(FIXTURE / "demo_code", tmp_path / "demo_code")
    return tmp_path


def key(project: Path, lesson: str) -> str:
    script = project / "demo_code" / "lessons" / lesson
    return cache.compute_key(script, project, "demo_code", project / "demo_code" / "data")


def test_dependencies_are_transitive_and_include_parent_packages(project):
    script = project / "demo_code" / "lessons" / "01_demo.py"
    deps = {
        p.relative_to(project).as_posix()
        for p in codekey.dependencies(script, project, "demo_code")
    }
    assert deps == {"demo_code/__init__.py", "demo_code/helpers.py", "demo_code/deep.py"}


def test_a_packages_relative_imports_resolve_inside_the_package(project):
    # lesson_code/learned/__init__.py does `from .model import ...`: .model is
    # lesson_code.learned.model, not lesson_code.model
    sub = project / "demo_code" / "sub"
    sub.mkdir()
    (sub / "__init__.py").write_text("from .part import thing\n")
    (sub / "part.py").write_text("from ..helpers import *\nthing = 1\n")
    script = project / "demo_code" / "lessons" / "03_sub.py"
    script.write_text("from demo_code.sub import thing\n")
    deps = {
        p.relative_to(project).as_posix()
        for p in codekey.dependencies(script, project, "demo_code")
    }
    assert {"demo_code/sub/__init__.py", "demo_code/sub/part.py", "demo_code/helpers.py"} <= deps


def test_dependencies_ignore_other_packages(project):
    script = project / "demo_code" / "lessons" / "02_other.py"
    assert codekey.dependencies(script, project, "demo_code") == []


def test_editing_a_transitive_import_changes_only_the_lessons_that_import_it(project):
    before = (key(project, "01_demo.py"), key(project, "02_other.py"))
    deep = project / "demo_code" / "deep.py"
    deep.write_text(deep.read_text() + "\nEDITED = True\n")
    after = (key(project, "01_demo.py"), key(project, "02_other.py"))
    assert after[0] != before[0]
    assert after[1] == before[1]


def test_an_edit_within_one_timestamp_step_and_of_the_same_size_is_still_seen(project):
    """Module texts are kept between keys by modification time and size; a rewrite that
    keeps both (two saves within the file system's timestamp step) must not be missed."""
    script = project / "demo_code" / "lessons" / "01_demo.py"
    deep = project / "demo_code" / "deep.py"
    deep.write_text("import demo_code.sub_a\n")
    for name in ("sub_a", "sub_b"):
        (project / "demo_code" / f"{name}.py").write_text("")
    first = codekey.dependencies(script, project, "demo_code")
    stamp = deep.stat().st_mtime_ns
    deep.write_text("import demo_code.sub_b\n")  # same size
    os.utime(deep, ns=(stamp, stamp))  # and the same time
    second = codekey.dependencies(script, project, "demo_code")
    assert project / "demo_code" / "sub_a.py" in first
    assert project / "demo_code" / "sub_b.py" in second
    assert project / "demo_code" / "sub_a.py" not in second


def test_an_older_edit_of_the_same_size_is_seen(project):
    script = project / "demo_code" / "lessons" / "01_demo.py"
    deep = project / "demo_code" / "deep.py"
    (project / "demo_code" / "sub_a.py").write_text("")
    (project / "demo_code" / "sub_b.py").write_text("")
    deep.write_text("import demo_code.sub_a\n")
    os.utime(deep, ns=(10**18, 10**18))
    assert project / "demo_code" / "sub_a.py" in codekey.dependencies(script, project, "demo_code")
    deep.write_text("import demo_code.sub_b\n")
    os.utime(deep, ns=(10**18 + 5 * 10**9, 10**18 + 5 * 10**9))  # five seconds later
    assert project / "demo_code" / "sub_b.py" in codekey.dependencies(script, project, "demo_code")


def test_a_comment_or_formatting_edit_of_an_import_changes_no_key(project):
    """Keys follow a module's code: comments, blank lines, line breaks and line numbers are
    not part of it, so such an edit re-runs no lesson."""
    before = key(project, "01_demo.py")
    deep = project / "demo_code" / "deep.py"
    original = deep.read_text()
    deep.write_text("# a note at the top\n\n\n" + original.replace("\n", "  # why\n", 1))
    assert key(project, "01_demo.py") == before
    deep.write_text(original + "\nX = (\n    1\n)\n")
    with_code = key(project, "01_demo.py")
    assert with_code != before
    deep.write_text(original + "\nX = 1  # the same code on one line\n")
    assert key(project, "01_demo.py") == with_code


def test_a_comment_in_the_lesson_script_itself_changes_its_key(project):
    """A script's comments are its notebook's Markdown cells: they count."""
    before = key(project, "01_demo.py")
    script = project / "demo_code" / "lessons" / "01_demo.py"
    script.write_text(script.read_text() + "\n# %% [markdown]\n# A new note.\n")
    assert key(project, "01_demo.py") != before


def test_unrelated_module_edit_changes_nothing(project):
    before = key(project, "01_demo.py")
    (project / "demo_code" / "unrelated.py").write_text("X = 1\n")
    assert key(project, "01_demo.py") == before


def test_data_files_are_part_of_every_key(project):
    before = (key(project, "01_demo.py"), key(project, "02_other.py"))
    (project / "demo_code" / "data" / "table.csv").write_text("4,5,6\n")
    after = (key(project, "01_demo.py"), key(project, "02_other.py"))
    assert after[0] != before[0] and after[1] != before[1]


def test_key_does_not_depend_on_where_the_checkout_lives(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(project / "demo_code", other / "demo_code")
    assert key(project, "01_demo.py") == key(other, "01_demo.py")


def test_environment_versions_are_in_the_key(project, monkeypatch):
    before = key(project, "01_demo.py")
    monkeypatch.setattr(cache, "_version", lambda dist: "999.0" if dist == "numpy" else "1")
    assert "numpy=999.0" in cache.environment_fingerprint()
    assert key(project, "01_demo.py") != before


def test_notebook_source_imports_are_followed(project):
    nb = project / "lab.ipynb"
    nb.write_text("{}")
    deps = codekey.dependencies(nb, project, "demo_code", source="import demo_code.deep as d\n")
    assert {p.name for p in deps} == {"__init__.py", "deep.py"}


def test_is_fresh_requires_the_exact_key(tmp_path):
    entry = tmp_path / "entry"
    assert not cache.is_fresh(entry, "abc")
    entry.mkdir()
    assert not cache.is_fresh(entry, "abc")  # outputs without a key file: incomplete run
    (entry / cache.KEY_FILE).write_text("abc")
    assert cache.is_fresh(entry, "abc")
    assert not cache.is_fresh(entry, "abd")


def test_describe_failure_points_at_the_innermost_project_frame(tmp_path):
    root = tmp_path
    stderr = (
        "Traceback (most recent call last):\n"
        f'  File "{root}/lesson_code/lessons/04_softmax.py", line 12, in <module>\n'
        "    weights = softmax(scores)\n"
        f'  File "{root}/lesson_code/attention.py", line 41, in softmax\n'
        "    raise ValueError('boom')\n"
        '  File "/usr/lib/python3/site-packages/numpy/core/x.py", line 9, in f\n'
        "ValueError: boom\n"
    )
    assert describe_failure(stderr, root) == ("lesson_code/attention.py:41", "ValueError: boom")


def test_describe_failure_adds_the_authors_own_line(tmp_path):
    script = tmp_path / "lesson_code" / "lessons" / "04_softmax.py"
    stderr = (
        f'  File "{script}", line 12, in <module>\n'
        f'  File "{tmp_path}/lesson_code/attention.py", line 41, in softmax\n'
        "ValueError: boom\n"
    )
    assert describe_failure(stderr, tmp_path, script) == (
        "lesson_code/attention.py:41 (called from lesson_code/lessons/04_softmax.py:12)",
        "ValueError: boom",
    )


def test_the_import_memo_is_used_kept_and_survives_damage(project, tmp_path):
    """A warm build reads what each module imports from the memo instead of parsing it."""
    memo = tmp_path / "memo" / cache.IMPORT_MEMO
    codekey.load_import_memo(memo)  # absent: nothing known yet
    codekey._imported_modules.cache_clear()
    codekey._digest_of_text.cache_clear()
    parsed = key(project, "01_demo.py")
    codekey.save_import_memo(memo)
    stored = json.loads(memo.read_text())
    helpers = ["demo_code.deep", "demo_code.deep.base_value"]  # helpers.py's one import
    assert helpers in stored.values()
    # A memo entry is trusted: make helpers.py "import" nothing and the key changes.
    for name, imports in stored.items():
        if imports == helpers:
            stored[name] = []
    memo.write_text(json.dumps(stored))
    codekey.load_import_memo(memo)
    codekey._imported_modules.cache_clear()
    codekey._digest_of_text.cache_clear()
    assert key(project, "01_demo.py") != parsed
    # Damaged memo: ignored, parsed again, same key as parsing gives.
    memo.write_text("{not json")
    codekey.load_import_memo(memo)
    codekey._imported_modules.cache_clear()
    codekey._digest_of_text.cache_clear()
    assert key(project, "01_demo.py") == parsed
    codekey.save_import_memo(memo)
    assert json.loads(memo.read_text())  # rewritten whole
    codekey.load_import_memo(tmp_path / "none.json")
    codekey._imported_modules.cache_clear()
    codekey._digest_of_text.cache_clear()


def test_retired_runs_come_back_and_only_the_newest_are_kept(tmp_path):
    entry, previous = tmp_path / "outputs" / "01-demo", tmp_path / "previous"
    for key in ("k1", "k2", "k3"):
        cache.retire(entry, previous)  # nothing to retire the first time
        entry.mkdir(parents=True)
        (entry / "out.txt").write_text(key)
        (entry / cache.KEY_FILE).write_text(key)
    assert sorted(p.name for p in (previous / "01-demo").iterdir()) == ["k1", "k2"]
    assert cache.restore(entry, "k1", previous)  # k3 retired in its place
    assert (entry / "out.txt").read_text() == "k1" and cache.is_fresh(entry, "k1")
    assert sorted(p.name for p in (previous / "01-demo").iterdir()) == ["k2", "k3"]
    assert not cache.restore(entry, "k9", previous)  # never made: run it
    (previous / "02-gone" / "k").mkdir(parents=True)
    cache.prune_previous(previous, {"01-demo"}, keep=1)
    assert [p.name for p in previous.iterdir()] == ["01-demo"]
    assert len(list((previous / "01-demo").iterdir())) == 1


def test_a_long_run_says_it_is_still_running_and_a_stuck_one_where_it_was(tmp_path, monkeypatch):
    from plugins.lessons import runner

    script = tmp_path / "demo_code" / "lessons" / "01_slow.py"
    script.parent.mkdir(parents=True)
    script.write_text(
        "import time\n\n\ndef wait():\n    while True:\n        time.sleep(0.05)\n\n\nwait()\n"
    )
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.5)
    beats: list[float] = []
    lesson = runner.Lesson(slug="01-slow", page="lessons/01-slow.md", script=script)
    entry = tmp_path / "cache" / "01-slow"
    result = runner.run_lesson(lesson, tmp_path, entry, "k", 3, waiting=beats.append)
    assert not result.ok
    assert len(beats) >= 3 and beats == sorted(beats)
    assert result.error == (
        "demo_code/lessons/01_slow.py: did not finish within 3 s; it was running "
        "demo_code/lessons/01_slow.py:6 (an endless loop? else raise the lessons plugin's "
        "run_timeout in mkdocs.yml)"
    )
    assert not entry.exists()


def notebook_key(project: Path, lesson: str) -> str:
    script = project / "demo_code" / "lessons" / lesson
    modules = codekey.dependencies(script, project, "demo_code")
    return cache.notebook_key(key(project, lesson), modules, project)


def test_a_comment_edit_changes_the_notebook_key_of_the_lessons_carrying_the_module(project):
    """The notebook carries the module's text: a comment is something the learner reads."""
    before = {n: (key(project, n), notebook_key(project, n)) for n in ("01_demo.py", "02_other.py")}
    deep = project / "demo_code" / "deep.py"
    deep.write_text("# a note for the learner\n" + deep.read_text())
    after = {n: (key(project, n), notebook_key(project, n)) for n in ("01_demo.py", "02_other.py")}
    assert after["01_demo.py"][0] == before["01_demo.py"][0]  # the run stays
    assert after["01_demo.py"][1] != before["01_demo.py"][1]  # its notebook does not
    assert after["02_other.py"] == before["02_other.py"]  # does not import deep
    deep.write_text(deep.read_text() + "\nEDITED = True\n")
    assert notebook_key(project, "01_demo.py") != after["01_demo.py"][1]
