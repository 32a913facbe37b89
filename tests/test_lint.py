"""The code base passes the linters: ruff with the project's configuration (pyproject.toml)
and Biome, the JavaScript linter and formatter (biome.json, the version package.json pins;
`make lint` runs both)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIOME = ROOT / "node_modules" / ".bin" / "biome"


def test_ruff_finds_nothing():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "bench",
            "lesson_code",
            "plugins",
            "tests",
            "tools",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def biome_ci() -> subprocess.CompletedProcess:
    """Biome's check of every script (lint and format), installed first if missing."""
    if not BIOME.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the JavaScript check (Biome): install Node.js"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, capture_output=True
        )
    return subprocess.run(
        [str(BIOME), "ci", "--error-on-warnings", "--colors=off"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_biome_finds_nothing_in_the_javascript():
    result = biome_ci()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # it really looked at our scripts (a pattern that matches nothing passes everything):
    # base, quiz, explorer, widgets and course, and biome.json itself
    assert re.search(r"Checked ([6-9]|\d\d+) files", output), output
