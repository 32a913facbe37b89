"""A failed build leaves the last good ``site/`` as it was: never empty, never half-written.

MkDocs empties ``site_dir`` and then writes into it; the site plugin builds into a
staging folder beside it and swaps it in only when the build succeeded (strict-mode
warnings included, which MkDocs reports only after every page was written).
"""

from __future__ import annotations

import textwrap

import pytest

from tests.support import mkdocs_build

pytestmark = pytest.mark.build

CONFIG = textwrap.dedent("""\
    site_name: Output test
    site_url: http://127.0.0.1:8000/
    theme:
      name: material
      font: false
    plugins:
      - course
      - site
""")


def build(project, *args):
    return mkdocs_build(project, project / "site", args=args, environ={"PATH": "/usr/bin:/bin"})


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nThe good version.\n")
    return tmp_path


def site_files(project):
    return sorted(
        p.relative_to(project / "site").as_posix()
        for p in (project / "site").rglob("*")
        if p.is_file()
    )


def test_a_failed_build_keeps_the_last_good_site(project):
    assert build(project, "--strict").returncode == 0
    good = site_files(project)
    assert "index.html" in good
    index = (project / "site" / "index.html").read_text()
    assert "The good version." in index

    # a warning, fatal under --strict, found only after every page was written
    (project / "docs" / "index.md").write_text("# Home\n\nBroken ![image](missing.png).\n")
    result = build(project, "--strict")
    assert result.returncode == 1
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr
    assert site_files(project) == good
    assert (project / "site" / "index.html").read_text() == index

    # an error that stops the build before any page is written
    lessons = project / "docs" / "lessons"
    lessons.mkdir()
    (lessons / "01-broken.md").write_text("# No front matter\n")
    result = build(project, "--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "docs/lessons/01-broken.md:1:" in result.stderr
    assert site_files(project) == good

    # nothing of the failed builds is left beside it
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml", "site"]

    # a good build replaces the site
    (lessons / "01-broken.md").unlink()
    (project / "docs" / "index.md").write_text("# Home\n\nThe new version.\n")
    assert build(project, "--strict").returncode == 0
    assert "The new version." in (project / "site" / "index.html").read_text()
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_a_first_build_that_fails_creates_no_site(project):
    (project / "docs" / "index.md").write_text("# Home\n\nBroken ![image](missing.png).\n")
    assert build(project, "--strict").returncode == 1
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml"]
