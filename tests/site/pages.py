"""The pages of the built course, derived from docs/ (so a new page is tested automatically)."""

from __future__ import annotations

from tests.support import ROOT

DOCS = ROOT / "docs"


def page_paths() -> list[str]:
    """URL paths (relative to the site root) of every page: "", "lessons/04-softmax/", ..."""
    paths = []
    for src in sorted(DOCS.rglob("*.md")) + sorted((DOCS / "labs").glob("*.ipynb")):
        rel = src.relative_to(DOCS).with_suffix("").as_posix()
        if rel == "index":
            paths.append("")
        elif rel.endswith("/index"):
            paths.append(rel[: -len("index")])
        else:
            paths.append(rel + "/")
    return paths
