"""`make lesson NAME=...` creates a lesson that builds and passes the lesson tests as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from plugins.lessons import scaffold
from tests import support
from tests.support import mkdocs_build

ROOT = support.ROOT
pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]


def test_slug_and_numbering(tmp_path):
    (tmp_path / "docs" / "lessons").mkdir(parents=True)
    assert scaffold.slugify("Rotary Embeddings, in depth!") == "rotary-embeddings-depth"
    assert scaffold.slugify("Attention entropy: how focused is a head?") == (
        "attention-entropy-focused-head"
    )
    assert scaffold.slugify("The") == "the"
    assert len(scaffold.slugify("Supercalifragilistic " * 5)) <= 40
    assert scaffold.next_number(tmp_path / "docs" / "lessons") == 1


@pytest.mark.parametrize("slug", ["Bad Slug", "a--b", "-a", "x" * 41, "über"])
def test_a_chosen_slug_is_checked(tmp_path, slug):
    (tmp_path / "docs" / "lessons").mkdir(parents=True)
    with pytest.raises(SystemExit, match="SLUG .* must be lowercase words"):
        scaffold.scaffold("A title", tmp_path, slug_words=slug)


def test_refuses_empty_title(tmp_path):
    with pytest.raises(SystemExit, match="give the lesson a title"):
        scaffold.scaffold("   ", tmp_path)


@pytest.fixture()
def project_copy(tmp_path, served_site):
    """A copy of the project with the lesson cache of the site build (so only new code runs)."""
    dest = tmp_path / "project"
    by_name = shutil.ignore_patterns(
        ".venv",
        "site",
        ".git",
        "__pycache__",
        "*.egg-info",
        ".pytest_cache",
        ".hypothesis",
        "bench.json",
        "mkdocs-jupyter",
    )

    def ignore(folder, names):
        # and sockets or pipes a running kernel may leave in the checkout (kernel-ipc-N):
        # copytree cannot copy them, and they are no part of the project
        special = {
            n
            for n in names
            if not (
                os.path.isfile(os.path.join(folder, n)) or os.path.isdir(os.path.join(folder, n))
            )
        }
        return by_name(folder, names) | special

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def test_scaffolded_lesson_builds_and_passes_lesson_tests(project_copy):
    before = sorted(p.name for p in (project_copy / "docs" / "lessons").glob("*.md"))
    number = int(before[-1][:2]) + 1
    # a colon and quotes in the title: the front matter and the quiz title are quoted
    created = scaffold.scaffold(
        'Attention in vision: "patches" as tokens', project_copy, slug_words="attention-in-vision"
    )
    slug = f"{number:02d}-attention-in-vision"
    names = [p.relative_to(project_copy).as_posix() for p in created]
    assert names == [
        f"docs/lessons/{slug}.md",
        f"lesson_code/lessons/{slug.replace('-', '_')}.py",
        f"quizzes/{slug}.yaml",
        "mkdocs.yml",
    ]
    assert f"lessons/{slug}.md" in (project_copy / "mkdocs.yml").read_text()
    result = mkdocs_build(
        project_copy / "mkdocs.yml",
        project_copy / "site",
        env={"LESSONS_CACHE_DIR": str(project_copy / ".cache" / "lessons")},
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "running 1 of" in result.stderr, "only the new lesson should run"
    html = (project_copy / "site" / "lessons" / slug / "index.html").read_text()
    assert "<title>Attention in vision: &#34;patches&#34; as tokens" in html or (
        '<title>Attention in vision: "patches" as tokens' in html
    )
    assert "End-of-lesson check: Attention in vision: &quot;patches&quot; as tokens" in html
    # the values come from the script (the sentence wraps in the template: compare words)
    assert "become the weights 0.731 and 0.269" in " ".join(html.split())
    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/lesson_code/test_lesson_code_runs.py",
            "-k",
            "vision",
        ],
        cwd=project_copy,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "passed" in tests.stdout


NAV = """nav:
  - Home: index.md
  - Why attention:
      - lessons/01-a.md
      - lessons/02-b.md
  - Variants:
      - lessons/03-c.md
  - Labs:
      - labs/x.ipynb
  - FAQ: faq.md
"""


def nav_after(tmp_path, previous, slug, phase=None) -> str:
    config = tmp_path / "mkdocs.yml"
    config.write_text(NAV)
    assert scaffold.add_to_nav(config, previous, slug, phase)
    return config.read_text()


def test_a_new_lesson_goes_after_the_last_one_by_default(tmp_path):
    assert nav_after(tmp_path, "03-c", "04-d") == NAV.replace(
        "      - lessons/03-c.md\n", "      - lessons/03-c.md\n      - lessons/04-d.md\n"
    )


def test_a_phase_puts_the_lesson_last_in_that_section(tmp_path):
    assert nav_after(tmp_path, "03-c", "04-d", "Why attention") == NAV.replace(
        "      - lessons/02-b.md\n", "      - lessons/02-b.md\n      - lessons/04-d.md\n"
    )


def test_a_phase_without_a_section_gets_one_after_the_last_lesson(tmp_path):
    assert nav_after(tmp_path, "03-c", "04-d", "Big picture") == NAV.replace(
        "  - Labs:\n", "  - Big picture:\n      - lessons/04-d.md\n  - Labs:\n"
    )


def test_an_unknown_phase_is_refused_with_the_list(tmp_path):
    """The phases are the nav sections of mkdocs.yml that list lessons."""
    (tmp_path / "docs" / "lessons").mkdir(parents=True)
    for slug in ("01-a", "02-b"):
        (tmp_path / "docs" / "lessons" / f"{slug}.md").write_text("# x\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - course\nnav:\n  - Why attention:\n"
        "      - lessons/01-a.md\n  - Variants:\n      - lessons/02-b.md\n"
    )
    with pytest.raises(
        SystemExit, match='"Variant" is not a phase of the course; did you mean "Variants"'
    ):
        scaffold.scaffold("A title", tmp_path, phase="Variant")
    with pytest.raises(SystemExit, match=r"\(phases: Why attention, Variants\)"):
        scaffold.scaffold("A title", tmp_path, phase="Multi-head")  # not in this course
    assert len(list((tmp_path / "docs" / "lessons").iterdir())) == 2  # nothing written
