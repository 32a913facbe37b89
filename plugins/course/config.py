"""Typed configuration of the course frame plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CourseConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Lesson pages: docs/<pages_dir>/NN-slug.md with front matter; their phases are the
    # sections of the nav that list them
    pages_dir = c.Type(str, default="lessons")

    # Home page: this HTML comment is replaced by the syllabus
    syllabus_page = c.Type(str, default="index.md")
    syllabus_marker = c.Type(str, default="<!-- syllabus -->")
    # ... and this one by the start block (summary, "Start with lesson 1", "Continue"); without
    # it, the start block goes right above the syllabus
    start_marker = c.Type(str, default="<!-- start -->")

    # Lessons moved to a new slug ({old: new}; `make rename` adds them): learners' stored
    # progress follows the lesson
    renamed_lessons = c.Type(dict, default={})

    # Reading time: words of prose (code and figures excluded) per minute
    reading_words_per_minute = c.Type(int, default=200)

    # Glossary: a page whose definition list is the one source of term definitions;
    # the first use of each term on a lesson page becomes a focusable tooltip.
    glossary_page = c.Type(str, default="glossary.md")
    glossary_in_pages = c.Type(list, default=["lessons/", "faq.md"])

    # Reading times and glossary marks kept for the next build, per page, keyed by the
    # page's Markdown, the glossary and this package's code ("" keeps nothing)
    cache_dir = c.Type(str, default="")
