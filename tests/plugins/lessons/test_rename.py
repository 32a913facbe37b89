"""make rename: a lesson's three files move and every reference to its slug follows."""

from __future__ import annotations

import pytest

from plugins.lessons import rename

OLD, NEW = "02-soft-lookp", "02-soft-lookup"


@pytest.fixture()
def project(tmp_path):
    def write(rel, text):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write(
        f"docs/lessons/{OLD}.md",
        '---\ntitle: Lookup\n---\n\n--8<-- "02-soft-lookp/curve.fig.md"\n'
        '```python\n--8<-- "lesson_code/lessons/02_soft_lookp.py:rows"\n```\n\n'
        f"/// quiz | quizzes/{OLD}.yaml\n///\n",
    )
    write(f"lesson_code/lessons/{OLD.replace('-', '_')}.py", "x = 1\n")
    write(f"quizzes/{OLD}.yaml", "title: Lookup\n")
    write("docs/lessons/03-dot.md", f"---\nprerequisites:\n  - {OLD}\n---\nSee [it]({OLD}.md#a).\n")
    write("docs/lessons/04-other.md", "A 02-soft-lookp-like word stays, so does 102-soft-lookp.\n")
    write("quizzes/03-dot.yaml", f"intro: Read [the lookup](../lessons/{OLD}.md) first.\n")
    write("mkdocs.yml", f"nav:\n  - Why attention:\n      - lessons/{OLD}.md\n")
    return tmp_path


def test_the_files_move_and_every_reference_follows(project):
    done = rename.rename(project, OLD, NEW)
    assert not list(project.rglob(f"*{OLD}*")) and not list(project.rglob("*02_soft_lookp*"))
    page = (project / "docs" / "lessons" / f"{NEW}.md").read_text()
    assert '--8<-- "02-soft-lookup/curve.fig.md"' in page
    assert '--8<-- "lesson_code/lessons/02_soft_lookup.py:rows"' in page
    assert f"/// quiz | quizzes/{NEW}.yaml" in page
    assert (project / "lesson_code" / "lessons" / "02_soft_lookup.py").read_text() == "x = 1\n"
    assert (project / "quizzes" / f"{NEW}.yaml").is_file()
    assert f"  - {NEW}\n" in (project / "docs" / "lessons" / "03-dot.md").read_text()
    assert f"[it]({NEW}.md#a)" in (project / "docs" / "lessons" / "03-dot.md").read_text()
    assert f"lessons/{NEW}.md" in (project / "mkdocs.yml").read_text()
    assert f"../lessons/{NEW}.md" in (project / "quizzes" / "03-dot.yaml").read_text()
    other = (project / "docs" / "lessons" / "04-other.md").read_text()
    assert "02-soft-lookp-like" in other and "102-soft-lookp" in other  # not whole names
    assert "moved docs/lessons/02-soft-lookp.md -> docs/lessons/02-soft-lookup.md" in done
    assert "mkdocs.yml: 1 reference(s) updated" in done


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("02-nothing", "02-x", "there is no lesson docs/lessons/02-nothing.md (lessons: "),
        (OLD, "03-dot", "docs/lessons/03-dot.md already exists; choose another TO"),
        (OLD, "soft lookup", 'TO="soft lookup" is not a lesson slug'),
    ],
)
def test_a_rename_that_cannot_be_done_changes_nothing(project, old, new, message):
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    with pytest.raises(SystemExit, match=message.replace("(", r"\(")):
        rename.rename(project, old, new)
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_the_move_is_recorded_so_progress_follows_and_a_chain_leads_to_the_end(project):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text()
        + "plugins:\n  - course:\n      renamed_lessons:  # old: new\n        01-gone: "
        + OLD
        + "\n"
    )
    done = rename.rename(project, OLD, NEW)
    text = config.read_text()
    assert f"        {OLD}: {NEW}\n" in text  # the new move
    assert f"        01-gone: {NEW}\n" in text  # the older move now leads to the new slug
    assert any("renamed_lessons gained" in line for line in done)


def test_without_renamed_lessons_the_rename_says_what_to_add(project):
    done = rename.rename(project, OLD, NEW)
    assert any(f"renamed_lessons:\n        {OLD}: {NEW}" in line for line in done)
