"""Every built page is valid HTML: the W3C Nu HTML checker (vnu-jar, pinned in
package.json) reports no error on any page of the site, theme and lab pages included."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.support import ROOT

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(pages: list) -> list[dict]:
    """The checker's error messages for ``pages``, checked in one JVM run."""
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java 11+ on PATH (java)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `make node_modules/.installed`"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # the JSON report goes to stderr; exit 1 means "errors found", anything else a failure
    assert result.returncode in (0, 1), f"vnu failed: {result.stderr[-2000:]}"
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] != "info"]


def test_every_page_is_valid_html(served_site):
    _, site = served_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20, f"only {len(pages)} pages built"
    assert any("labs" in p.parts for p in pages), "the lab page is not among the pages"
    errors = nu_errors(pages)
    lines = [
        f"{m['url'].split(str(site), 1)[-1].lstrip('/')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in errors
    ]
    assert not lines, f"{len(lines)} HTML errors:\n" + "\n".join(lines[:60])
