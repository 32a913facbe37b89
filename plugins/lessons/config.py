"""Typed configuration of the lesson runner plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class LessonsConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Each lesson's script: <scripts_dir>/NN_slug.py (the course plugin lists the lessons)
    scripts_dir = c.Type(str, default="lesson_code/lessons")
    # The importable package whose modules are part of every lesson's cache key
    package_dir = c.Type(str, default="lesson_code")
    # Data files a lesson may read; every file below here is part of the cache key
    data_dir = c.Type(str, default="lesson_code/data")

    # Running: parallel jobs (0 = one per CPU) and a time limit per lesson, in seconds
    run_jobs = c.Type(int, default=0)
    run_timeout = c.Type(int, default=300)

    # Cache of outputs, relative to mkdocs.yml
    cache_dir = c.Type(str, default=".cache/lessons")
    # A folder lesson_code may keep its own cache in (the weights of the model trained in
    # the build), given to scripts and notebooks as $LESSON_CODE_CACHE; the sandbox lets
    # them write there and nowhere else in the project
    code_cache_dir = c.Type(str, default=".cache/lesson_code")

    # Downloadable notebook of each lesson's script
    notebooks = c.Type(bool, default=True)
    # Lab notebooks (executed by us, rendered by mkdocs-jupyter), relative to docs_dir
    labs_dir = c.Type(str, default="labs")
