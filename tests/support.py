"""What many tests share: the project root (and, as they move here, free ports, quiet
static servers and fixture builds)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def course_phases() -> dict[str, list[str]]:
    """The course's phases (nav sections of mkdocs.yml) -> their lesson pages, read as the
    course plugin reads them."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return config.plugins["course"].phases_in(config)
