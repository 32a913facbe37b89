"""The notebooks the built site offers for download run anywhere with numpy and matplotlib.

Each one is copied alone into an empty folder outside the repository and executed there by
a fresh virtual environment holding only numpy, matplotlib and a kernel (no lesson_code, no
report, no PYTHONPATH). The downloads themselves must hold the build's outputs and no
authoring calls.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.support import ROOT

pytestmark = [pytest.mark.build]

OUTPUTS = ROOT / ".cache" / "lessons" / "outputs"  # the build's runs: what the page shows
LESSONS = ["04-softmax", "10-worked-examples"]
LABS = ["attention-by-hand"]
REPORT_RE = re.compile(r"\breport\.|\bimport report\b|from lesson_code import report")

# Executes a notebook in the working directory with the environment's own kernel, and
# records which Python ran it and where lesson_code came from.
EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
probe = "import sys, lesson_code\\nprint(sys.executable)\\nprint(lesson_code.__file__)"
nb.cells.append(nbformat.v4.new_code_cell(probe))
client = NotebookClient(nb, timeout=300, kernel_name="python3")
client.execute(cwd=".")
nbformat.write(nb, sys.argv[2])
"""


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory) -> Path:
    """A virtual environment with numpy, matplotlib, ipykernel and nbclient only (pip takes
    the wheels from its cache, where installing .venv put them)."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    done = subprocess.run(
        [*install, "numpy", "matplotlib", "ipykernel", "nbclient"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"], capture_output=True, text=True
    )
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert not names & {"attention-course", "jupytext", "mkdocs"}, names
    return python


def run_alone(notebook: Path, python: Path, folder: Path) -> nbformat.NotebookNode:
    """Execute a copy of ``notebook`` alone in the empty ``folder`` with ``python``, from
    that folder, PYTHONPATH unset; the executed notebook (AssertionError when a cell fails)."""
    folder.mkdir()
    copy = folder / notebook.name
    shutil.copyfile(notebook, copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER"))}
    env.pop("MPLBACKEND", None)
    env["HOME"] = str(folder.parent / "home")  # no kernels or settings of this machine's user
    done = subprocess.run(
        [str(python), "-c", EXECUTE, copy.name, "executed.ipynb"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{notebook.name} fails alone:\n{done.stderr[-3000:]}"
    executed = nbformat.read(folder / "executed.ipynb", as_version=4)
    probe = "".join(o.get("text", "") for o in executed.cells[-1].outputs).split()
    assert probe[0] == str(python), f"ran with {probe[0]}, not the bare environment"
    assert Path(probe[1]).resolve().is_relative_to(folder.resolve()), probe[1]
    return executed


def stored_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def check_download(notebook: Path, python: Path, folder: Path) -> nbformat.NotebookNode:
    """What every download must be: starts by saying how to run it, has no authoring call,
    runs alone, and stores an output for every cell that prints or draws when it runs."""
    stored = nbformat.read(notebook, as_version=4)
    first = stored.cells[0]
    assert first.cell_type == "markdown" and "pip install numpy matplotlib" in first.source
    code = [c for c in stored.cells if c.cell_type == "code"]
    offending = [c.source[:80] for c in code if REPORT_RE.search(c.source)]
    assert not offending, f"{notebook.name}: authoring calls left: {offending}"
    executed = run_alone(notebook, python, folder)
    ran = [c for c in executed.cells if c.cell_type == "code"][: len(code)]
    for mine, theirs in zip(code, ran, strict=True):
        assert theirs.execution_count, theirs.source[:80]
        if theirs.outputs:
            assert mine.outputs, f"{notebook.name}: no stored output for {mine.source[:80]!r}"
            kinds = {o.output_type for o in theirs.outputs}
            assert kinds <= {o.output_type for o in mine.outputs}, mine.source[:80]
    return stored


@pytest.fixture(scope="module")
def site(served_site) -> Path:
    return served_site[1]


@pytest.mark.parametrize("slug", LESSONS)
def test_lesson_download_runs_alone_and_holds_the_builds_outputs(slug, site, bare_python, tmp_path):
    notebook = site / "lessons" / "notebooks" / f"{slug}.ipynb"
    stored = check_download(notebook, bare_python, tmp_path / "alone")
    code = [c for c in stored.cells if c.cell_type == "code"]
    # Every text block the page shows is a stored output of the notebook, and every figure
    # of the page is a stored image.
    printed = "\n".join(stored_text(c) for c in code)
    blocks = sorted((OUTPUTS / slug).glob("*.txt"))
    assert blocks
    for block in blocks:
        assert block.read_text(encoding="utf-8").strip() in printed, block.name
    figures = json.loads((OUTPUTS / slug / "figures.json").read_text(encoding="utf-8"))
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= len(figures)
    # The modules it carries are the course's files, comments and all.
    written = {
        c.source.splitlines()[0].split()[1]: c.source.split("\n", 1)[1]
        for c in code
        if c.source.startswith("%%writefile")
    }
    assert "lesson_code/attention.py" in written
    for name, text in written.items():
        assert text.rstrip("\n") == (ROOT / name).read_text(encoding="utf-8").rstrip("\n")
        assert "report" not in name


@pytest.mark.parametrize("lab", LABS)
def test_lab_download_runs_alone(lab, site, bare_python, tmp_path):
    page = (site / "labs" / lab / "index.html").read_text(encoding="utf-8")
    assert f'href="../notebooks/{lab}.ipynb" download' in page
    stored = check_download(
        site / "labs" / "notebooks" / f"{lab}.ipynb", bare_python, tmp_path / "alone"
    )
    assert any("matches lesson_code: True" in stored_text(c) for c in stored.cells)
