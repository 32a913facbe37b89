"""execute_anywhere: a notebook runs alone, in an empty folder, as on a learner's machine."""

from __future__ import annotations

import nbformat
import pytest

from plugins.lessons import notebooks
from tests.support import ROOT


def run(*cells: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.reads(notebooks.execute_anywhere(notebook, ROOT, 60), as_version=4)


def test_the_project_cannot_be_imported_even_though_it_is_installed():
    with pytest.raises(notebooks.NotebookError, match="cell 2: ModuleNotFoundError: .*lesson_code"):
        run("import numpy, matplotlib", "import lesson_code.attention")


def test_a_notebook_cannot_write_into_the_project():
    stray = ROOT / "stray-from-a-notebook.txt"
    with pytest.raises(notebooks.NotebookError, match="cell 1: PermissionError"):
        run(f"open({str(stray)!r}, 'w').write('x')")
    assert not stray.exists()


def test_the_carried_modules_are_what_it_imports():
    """Lesson 4's notebook writes lesson_code/attention.py (not report) and runs on it."""
    script = ROOT / "lesson_code" / "lessons" / "04_softmax.py"
    notebook = notebooks.learner_notebook(script, "04_softmax.py", "x.ipynb", ROOT, "lesson_code")
    written = [
        c.source.split("\n", 1)[0] for c in notebook.cells if c.source.startswith("%%writefile")
    ]
    assert written == ["%%writefile lesson_code/attention.py"]
    executed = nbformat.reads(notebooks.execute_anywhere(notebook, ROOT, 120), as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "weights: [0.991 0.006 0.003]" in printed
