"""The phases of the course: the sections of the nav in mkdocs.yml that hold lessons.

Declared once, in the nav: a lesson's phase is the top-level section it is listed in, the
order of the phases is the order of the sections, and the syllabus, the lesson frame and
``make lesson --phase`` all read them from there.
"""

from __future__ import annotations


def _pages(item) -> list[str]:
    """Every page path below a nav item (a path, ``{title: path}`` or ``{title: [items]}``)."""
    if isinstance(item, str):
        return [item]
    if isinstance(item, list):
        return [page for child in item for page in _pages(child)]
    if isinstance(item, dict):
        return [page for value in item.values() for page in _pages(value)]
    return []


def from_nav(nav, lesson_pages: set[str]) -> dict[str, list[str]]:
    """Phase title -> its lesson pages (``lessons/04-softmax.md``), in nav order: every
    top-level section of ``nav`` that lists at least one page of ``lesson_pages``."""
    phases: dict[str, list[str]] = {}
    for item in nav or []:
        if not isinstance(item, dict):
            continue
        for title, value in item.items():
            if not isinstance(value, list):
                continue
            pages = [page for page in _pages(value) if page in lesson_pages]
            if pages:
                phases.setdefault(str(title), []).extend(pages)
    return phases


def phase_of(phases: dict[str, list[str]]) -> dict[str, str]:
    """Lesson page -> its phase."""
    return {page: title for title, pages in phases.items() for page in pages}
