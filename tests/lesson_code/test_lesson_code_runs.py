"""Every lesson script and every notebook runs, and every page finds what it references.

These run the real scripts through the same runner the build uses, so a lesson that
breaks, a `{{ value }}` the script no longer records, or an output a page includes but
the script no longer writes, fails here with the lesson's name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from plugins.common import codekey
from plugins.common.pages import code_lines
from plugins.course.frontmatter import PAGE_RE as LESSON_PAGE_RE
from plugins.lessons import notebooks, pages
from plugins.lessons.runner import Lesson, run_lesson, script_name
from tests import support

ROOT = support.ROOT
PAGES = sorted(p for p in (ROOT / "docs" / "lessons").glob("*.md") if LESSON_PAGE_RE.match(p.name))
SCRIPTS = ROOT / "lesson_code" / "lessons"
LABS = sorted((ROOT / "docs" / "labs").glob("*.ipynb"))


def lesson_of(page: Path) -> Lesson:
    return Lesson(page.stem, f"lessons/{page.name}", SCRIPTS / script_name(page.stem))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    return tmp_path_factory.mktemp("outputs")


def test_there_are_lessons_and_each_has_a_script():
    assert PAGES, "no lesson pages found"
    missing = [p.name for p in PAGES if not lesson_of(p).script.is_file()]
    assert not missing, f"lesson pages without a script: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_lesson_script_runs_and_page_references_resolve(page, outputs):
    lesson = lesson_of(page)
    entry = outputs / lesson.slug
    result = run_lesson(lesson, ROOT, entry, "test", timeout=300)
    assert result.ok, f"{lesson.slug}: {result.error}"
    values_file = entry / "values.json"
    values = json.loads(values_file.read_text()) if values_file.is_file() else {}
    text = page.read_text(encoding="utf-8")
    # Every {{ name }} is recorded, every snippet exists (the checks the build makes).
    pages.substitute_values(text, values, lesson.script.name)
    pages.check_snippets(text, [ROOT, outputs])
    figures_file = entry / "figures.json"
    figures = json.loads(figures_file.read_text()) if figures_file.is_file() else {}
    assert figures, f"{lesson.slug}: the script saves no figure (every lesson has one)"
    for name, meta in figures.items():
        assert len(meta["alt"]) >= 20, f"{lesson.slug}: figure {name!r} needs real alt text"
        svg = (entry / f"{name}.fig.md").read_text()
        assert 'role="img"' in svg and "var(--md-default-fg-color)" in svg
        assert "\n\n" not in svg, "a blank line would end the raw HTML block early"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_lesson_notebook_executes(page):
    """The learner's notebook (the script without report calls, carrying its modules) runs
    cell by cell alone in an empty folder."""
    lesson = lesson_of(page)
    notebook = notebooks.learner_notebook(
        lesson.script, lesson.script.name, f"{lesson.slug}.ipynb", ROOT, "lesson_code"
    )
    executed = nbformat.reads(notebooks.execute_anywhere(notebook, ROOT, 300), as_version=4)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count for c in code_cells)
    assert not any(o.get("output_type") == "error" for c in code_cells for o in c.outputs)


@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_lab_notebook_executes(lab):
    executed = nbformat.reads(notebooks.execute_lab(lab, ROOT, timeout=300), as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs, f"{lab.name} produced no output"
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_lab_cache_key_follows_lesson_code():
    """A lab's cache key includes the lesson_code modules its cells import."""
    lab = ROOT / "docs" / "labs" / "attention-by-hand.ipynb"
    code = notebooks.code_of(lab)
    deps = codekey.dependencies(lab, ROOT, "lesson_code", source=code)
    assert ROOT / "lesson_code" / "attention.py" in deps


def test_scripts_without_pages_do_not_exist():
    expected = {script_name(p.stem) for p in PAGES}
    orphans = [p.name for p in SCRIPTS.glob("[0-9][0-9]_*.py") if p.name not in expected]
    assert not orphans, f"lesson scripts without a page: {orphans}"


def test_every_value_in_prose_is_a_placeholder_not_a_pasted_result():
    """Numbers with 3+ decimals in lesson prose must come from {{ values }}, not be typed."""
    offenders = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").split("\n")
        code = code_lines(lines)
        for i, line in enumerate(lines):
            if i in code or line.lstrip().startswith(("--8<--", "$$")):
                continue
            prose = re.sub(r"\$[^$]*\$|`[^`]*`", "", line)  # math and inline code may show inputs
            if re.search(r"(?<![\w.])\d+\.\d{3,}", prose):
                offenders.append(f"{page.name}:{i + 1}: {line.strip()[:80]}")
    assert not offenders, "hand-typed results in prose:\n" + "\n".join(offenders)
