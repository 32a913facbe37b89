"""Full builds of a small fixture site with the real MkDocs and the lesson runner plugin."""

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

from tests.support import mkdocs_build

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("fixture-builds")]

FIXTURE = Path(__file__).parent / "fixture"
RUNNING_RE = re.compile(r"running (\d+) of (\d+) lesson scripts")


@pytest.fixture()
def site(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    return project


def build(project: Path, *args: str):
    return mkdocs_build(
        project / "mkdocs.yml", project / "site", args=args or ("--strict",), timeout=900
    )


def runs(result) -> int:
    """How many lesson scripts the build ran (0 when it logged nothing about running)."""
    m = RUNNING_RE.search(result.stderr)
    return int(m.group(1)) if m else 0


def page(project: Path, slug: str) -> str:
    return (project / "site" / "lessons" / slug / "index.html").read_text(encoding="utf-8")


def test_cold_build_embeds_values_outputs_and_figures(site):
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert runs(result) == 2
    html = page(site, "01-demo")
    assert "The answer is 42." in html
    assert "first line 42" in html
    assert html.count('role="img" aria-label="A rising curve"') == 2  # wide and phone
    assert "var(--md-default-fg-color)" in html  # themed axes and text
    assert "<figcaption>Demo curve</figcaption>" in html
    assert "Count: 7." in page(site, "02-other")


def test_undoing_an_edit_runs_nothing_and_a_comment_edit_runs_nothing(site):
    assert build(site).returncode == 0
    deep = site / "demo_code" / "deep.py"
    original = deep.read_text()
    deep.write_text("def base_value():\n    return 50\n")
    edited = build(site)
    assert edited.returncode == 0 and runs(edited) == 1, edited.stderr
    assert "The answer is 100." in page(site, "01-demo")
    deep.write_text(original)  # undo: the earlier run is still kept
    undone = build(site)
    assert undone.returncode == 0 and runs(undone) == 0, undone.stderr
    assert "lesson 01-demo: an earlier run of this very code is back" in undone.stderr
    assert "The answer is 42." in page(site, "01-demo")
    deep.write_text("def base_value():\n    return 50\n")  # and the edit again: kept too
    redone = build(site)
    assert redone.returncode == 0 and runs(redone) == 0, redone.stderr
    assert "The answer is 100." in page(site, "01-demo")
    deep.write_text("# why fifty\ndef base_value():\n\n    return 50  # the demo's number\n")
    commented = build(site)
    assert commented.returncode == 0 and runs(commented) == 0, commented.stderr


def test_warm_build_runs_nothing_and_an_edit_reruns_only_what_it_touches(site):
    assert build(site).returncode == 0
    warm = build(site)
    assert warm.returncode == 0 and runs(warm) == 0, warm.stderr
    deep = site / "demo_code" / "deep.py"
    deep.write_text("def base_value():\n    return 50\n")
    edited = build(site)
    assert edited.returncode == 0, edited.stderr
    assert runs(edited) == 1
    assert "lesson 01-demo: ok" in edited.stderr and "lesson 02-other" not in edited.stderr
    assert "The answer is 100." in page(site, "01-demo")
    # the lab imports demo_code.helpers -> deep: it must be re-executed, not served stale
    lab = (site / "site" / "labs" / "demo-lab" / "index.html").read_text(encoding="utf-8")
    assert "lab says 100" in lab and "lab says 42" not in lab


@pytest.mark.parametrize("flags", [("--strict",), (), ("-q",), ("-q", "--strict")])
def test_failing_lesson_aborts_naming_page_file_and_line(site, flags):
    deep = site / "demo_code" / "deep.py"
    deep.write_text("def base_value():\n    x = 1\n    return x / 0\n")
    result = build(site, *flags)
    assert result.returncode == 1
    assert (
        "lesson page docs/lessons/01-demo.md: demo_code/deep.py:3 (called from "
        "demo_code/lessons/01_demo.py:8): ZeroDivisionError"
    ) in (result.stderr)
    assert "Traceback" not in result.stderr
    assert not (site / "site" / "lessons" / "01-demo" / "index.html").exists()


def test_failed_run_leaves_no_valid_looking_cache_entry(site):
    assert build(site).returncode == 0
    (site / "demo_code" / "deep.py").write_text("def base_value():\n    raise RuntimeError('x')\n")
    assert build(site).returncode == 1
    (site / "demo_code" / "deep.py").write_text("def base_value():\n    return 1\n")
    result = build(site)
    assert result.returncode == 0 and runs(result) == 1
    assert "The answer is 2." in page(site, "01-demo")


def test_unknown_value_names_page_line_and_suggestion(site):
    md = site / "docs" / "lessons" / "01-demo.md"
    md.write_text(md.read_text().replace("{{ answer }}", "{{ answr }}"))
    result = build(site)
    assert result.returncode == 1
    assert (
        'docs/lessons/01-demo.md:11: "{{ answr }}" is not a value recorded by '
        'demo_code/lessons/01_demo.py; did you mean "answer"?'
    ) in result.stderr


def test_missing_output_snippet_names_page_line_and_choices(site):
    md = site / "docs" / "lessons" / "01-demo.md"
    md.write_text(md.read_text().replace("01-demo/numbers.txt", "01-demo/numbrs.txt"))
    result = build(site)
    assert result.returncode == 1
    assert (
        'docs/lessons/01-demo.md:14: snippet "01-demo/numbrs.txt" not found; '
        'did you mean "01-demo/numbers.txt"?'
    ) in result.stderr


def test_a_lesson_in_no_nav_section_is_an_error(site):
    other = (site / "docs" / "lessons" / "02-other.md").read_text()
    (site / "docs" / "lessons" / "03-lonely.md").write_text(other)
    result = build(site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "docs/lessons/03-lonely.md:1: this lesson is in no section of the nav; list it in "
        "mkdocs.yml under the section of its phase"
    ) in result.stderr


def test_lesson_page_without_script_is_an_error(site):
    other = (site / "docs" / "lessons" / "02-other.md").read_text()
    front = other.split("\n---\n")[0] + "\n---\n"
    (site / "docs" / "lessons" / "03-lonely.md").write_text(front + "# Lonely\n")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "      - lessons/03-lonely.md\n")
    result = build(site)
    assert result.returncode == 1
    assert (
        "docs/lessons/03-lonely.md: this lesson has no script; create "
        "demo_code/lessons/03_lonely.py" in result.stderr
    )


def test_hanging_lesson_hits_the_time_limit(site):
    cfg = site / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("run_timeout: 20", "run_timeout: 2"))
    endless = "import time\n\nwhile True:\n    time.sleep(0.01)  # waits forever\n"
    (site / "demo_code" / "lessons" / "02_other.py").write_text(endless)
    result = build(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "demo_code/lessons/02_other.py: did not finish within 2 s; it was running "
        "demo_code/lessons/02_other.py:4 (an endless loop?"
    ) in result.stderr


def test_lesson_cannot_litter_the_project_with_relative_writes(site):
    script = site / "demo_code" / "lessons" / "02_other.py"
    script.write_text(script.read_text() + "open('stray.txt', 'w').write('x')\n")
    assert build(site).returncode == 0
    assert not list(site.rglob("stray.txt"))


def test_notebook_download_is_generated_from_the_script(site):
    assert build(site).returncode == 0
    nb_path = site / "site" / "lessons" / "notebooks" / "01-demo.ipynb"
    notebook = nbformat.read(nb_path, as_version=4)
    nbformat.validate(notebook)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "from demo_code.helpers import answer" in code
    assert "--8<--" not in code  # snippet markers are for pages only
    assert "demo_code/lessons/01_demo.py" in notebook.cells[0].source
    assert json.loads(nb_path.read_text())["metadata"]["kernelspec"]["name"] == "python3"


def test_failing_lab_stops_the_build_with_cell_number(site):
    nb_path = site / "docs" / "labs" / "demo-lab.ipynb"
    notebook = nbformat.read(nb_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(notebook, nb_path)
    result = build(site)
    assert result.returncode == 1
    assert "lab docs/labs/demo-lab.ipynb: cell 3: ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.stderr


def test_lesson_writing_into_the_project_stops_the_build(site):
    script = site / "demo_code" / "lessons" / "02_other.py"
    script.write_text(
        script.read_text()
        + (
            "import pathlib\n"
            "pathlib.Path(__import__('demo_code').__file__).parent.joinpath('stray.txt')"
            ".write_text('x')\n"
        )
    )
    result = build(site)
    assert result.returncode == 1
    assert (
        "lesson page docs/lessons/02-other.md: demo_code/lessons/02_other.py:6: "
        "PermissionError: lesson scripts may not write into the project: "
        "demo_code/stray.txt (open)"
    ) in result.stderr
    assert not (site / "demo_code" / "stray.txt").exists()


def test_values_are_inserted_as_text_not_markup(site):
    script = site / "demo_code" / "lessons" / "02_other.py"
    script.write_text("from lesson_code import report\nreport.value('count', 'x<3 && y>2')\n")
    assert build(site).returncode == 0
    html = page(site, "02-other")
    assert "x&lt;3 &amp;&amp; y&gt;2" in html  # text, escaped once
    # a value made of markup is refused where it is made, naming the script's line
    script.write_text(
        "from lesson_code import report\nreport.value('count', '<img src=x onerror=alert(1)>')\n"
    )
    result = build(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "02_other.py:2: ValueError: report.value('count', ...)" in result.stderr
    assert "holds HTML markup" in result.stderr and "report.scientific" in result.stderr


def test_missing_snippet_section_names_page_line_and_choices(site):
    md = site / "docs" / "lessons" / "01-demo.md"
    include = '--8<-- "demo_code/lessons/01_demo.py:numbrs"'
    md.write_text(md.read_text() + f"\n```python\n{include}\n```\n")
    result = build(site)
    assert result.returncode == 1
    assert (
        'docs/lessons/01-demo.md:20: snippet section "numbrs" is not in '
        'demo_code/lessons/01_demo.py; did you mean "numbers"?'
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_builds_sharing_a_cache_take_turns_and_both_succeed(site):
    """Two builds at once (parallel test workers, `make serve` beside `make test`): the
    second waits for the first to run the stale lessons, then reuses them; neither finds an
    entry half-replaced under it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-f",
                str(site / "mkdocs.yml"),
                "-d",
                str(site / f"site-{i}"),
            ],
            cwd=site,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for code, stderr in results:
        assert code == 0, stderr
    ran = [RUNNING_RE.search(stderr) for _, stderr in results]
    assert sorted(int(m.group(1)) if m else 0 for m in ran) == [0, 2]
    for i in (1, 2):
        nb = site / f"site-{i}" / "lessons" / "notebooks" / "01-demo.ipynb"
        nbformat.validate(nbformat.read(nb, as_version=4))
        assert (
            "The answer is 42."
            in (site / f"site-{i}" / "lessons" / "01-demo" / "index.html").read_text()
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('print("first line", answer())', "pass"),
            "01_demo.py:9: ValueError: report.output('numbers') printed nothing, so the page "
            "would show an empty Output box",
        ),
        (
            ('alt="A rising curve"', 'alt="chart"'),
            "01_demo.py:15: ValueError: report.figure(..., 'curve', alt='chart'): alt text is "
            "what a reader who cannot see the figure gets",
        ),
    ],
)
def test_an_empty_output_or_a_figure_without_real_alt_text_is_refused(site, change, message):
    script = site / "demo_code" / "lessons" / "01_demo.py"
    script.write_text(script.read_text().replace(*change))
    result = build(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_a_snippet_section_without_its_end_is_refused_at_the_page_line(site):
    script = site / "demo_code" / "lessons" / "01_demo.py"
    script.write_text(script.read_text().replace("    # --8<-- [end:numbers]\n", ""))
    md = site / "docs" / "lessons" / "01-demo.md"
    include = '--8<-- "demo_code/lessons/01_demo.py:numbers"'
    md.write_text(md.read_text() + f"\n```python\n{include}\n```\n")
    result = build(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        'docs/lessons/01-demo.md:20: snippet section "numbers" of demo_code/lessons/01_demo.py '
        "has a start but no end, so the page would show the rest of the file; add "
        "'# --8<-- [end:numbers]' where it ends"
    ) in result.stderr


def test_a_comment_edit_remakes_the_notebook_it_carries_without_running_the_script(site):
    assert build(site).returncode == 0
    nb_path = site / "site" / "lessons" / "notebooks" / "01-demo.ipynb"
    before = nbformat.read(nb_path, as_version=4)
    carried = [c.source for c in before.cells if c.source.startswith("%%writefile demo_code/")]
    assert any(s.startswith("%%writefile demo_code/deep.py") for s in carried), carried
    deep = site / "demo_code" / "deep.py"
    deep.write_text("# why forty-two: a note the learner reads\n" + deep.read_text())
    result = build(site)
    assert result.returncode == 0 and runs(result) == 0, result.stderr
    assert "lesson 01-demo: notebook made again" in result.stderr
    assert "lesson 02-other: notebook made again" not in result.stderr  # it imports no deep
    after = nbformat.read(nb_path, as_version=4)
    assert any("# why forty-two" in c.source for c in after.cells if c.cell_type == "code")
    again = build(site)
    assert again.returncode == 0 and "notebook made again" not in again.stderr


def test_a_widget_kind_without_its_script_is_refused_at_the_script_line(site):
    """A typo in report.widget's kind would publish a widget that never draws: the build
    stops at the script's line and names the kind it probably meant."""
    kinds = site / "docs" / "assets" / "widgets"
    kinds.mkdir(parents=True)
    (kinds / "softmax-temperature.js").write_text("// draws the kind\n")
    script = site / "demo_code" / "lessons" / "01_demo.py"
    call = 'report.widget("try", "{}", {{"x": 1}}, "Try it")\n'
    script.write_text(script.read_text() + call.format("softmax-temperature"))
    assert build(site).returncode == 0
    script.write_text(script.read_text().replace("softmax-temperature", "softmax-temprature"))
    result = build(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "demo_code/lessons/01_demo.py:16: report.widget('try', 'softmax-temprature', ...): "
        "no widget kind 'softmax-temprature'; did you mean 'softmax-temperature'?; "
        "docs/assets/widgets/softmax-temprature.js draws a kind (known: softmax-temperature)"
    ) in result.stderr
