"""What many tests share: the project root (and, as they move here, free ports, quiet
static servers and fixture builds)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
