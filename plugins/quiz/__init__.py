"""Quiz engine: YAML quizzes with instant feedback, for lessons and any page.

Layers
======

The core knows nothing of MkDocs (any Python-Markdown host can show quizzes):

- ``loader.py``: safe YAML with the line and column of every node;
- ``model.py``: typed dataclasses (one per question type), the single source of the format;
- ``validate.py``: every rule, reported as ``path:line:col: field: message``;
- ``answers.py``: ``answer_from``, a numeric key computed by the course code (the package is
  configuration, :class:`~plugins.quiz.answers.CodePackage`), safely;
- ``render.py``: semantic HTML that works without JavaScript;
- ``library.py``: a project's quizzes, loaded once, and their HTML on a page;
- ``cache.py``: what a build keeps for the next (loaded quizzes, answer keys, renders);
- ``extension.py``: the ``/// quiz | path`` block, a ``pymdownx.blocks`` extension
  registered as the Markdown extension ``quiz``;
- ``placement.py``: which page shows which quiz (a quiz no page shows is an error);
- ``schema.py``: the JSON Schema editors use (``quizzes/schema.json``);
- ``assets/quiz.js`` and ``assets/quiz.css``: the one script and the one stylesheet.

``plugin.py``, ``config.py`` and ``links.py`` are the thin MkDocs adapter. ``python -m
plugins.quiz`` is the CLI (``check PATH...``, ``schema``). The format is described in
``README.md``.

Placing quizzes
===============

A page shows a quiz where it has a block (a lesson page, under its heading
``## End-of-lesson quiz``)::

    /// quiz | quizzes/extra.yaml
    ///

(the path is relative to ``mkdocs.yml``; the block may be indented, e.g. in an
admonition; inside a code fence it is only text). The quiz title becomes a heading one
level below the heading above the block. Every quiz file must be shown somewhere: one no
page shows fails the build, naming the page that should show it.

Browser API
===========

``quiz.js`` defines ``window.AFP.quiz`` (``AFP``: the shared base, ``assets/base.js``):

``AFP.quiz.progress()``
    Stored progress of every quiz the learner has touched, from ``localStorage`` only (no
    quiz needs to be on the page)::

        {"04-softmax": {"title": "...", "answered": 7, "correct": 6, "total": 9,
                        "best": 6, "passed": false, "completed": false}}

    ``answered`` counts the questions checked at least once (a free response once
    self-assessed) or whose answer was shown; ``correct`` the questions right at their
    last check that also score: answered right before their answer was shown and, for
    single, multiple and true/false questions, at the first check (an entry stored
    before scoring was recorded counts when right). ``best`` is the highest score at any
    moment; ``passed`` means ``best / total >= pass mark``; ``completed`` means every
    question was checked or had its answer shown. The keys are quiz ids: the lesson
    slug, or a quiz's ``id:`` key. Returns ``{}`` when storage is unavailable.
``AFP.quiz.clear(id)``
    Forget the stored progress of one quiz (every quiz without an argument).
``AFP.quiz.init()``
    Enhance quiz forms added to the page later (already enhanced ones are skipped).

Each check also dispatches ``attention-quiz:check`` (bubbling) on the form, with
``detail = {quiz, question, result}``. The build writes ``assets/quiz/quizzes.json``:
every quiz's id, title, page URL, number of questions and pass mark, so a page can list
quizzes the learner has not started.
"""

from __future__ import annotations

import gzip
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSET_FILES = ("quiz.js", "quiz.css")


def assets_size() -> dict[str, int]:
    """Bytes of the quiz JS + CSS, raw and gzipped (each file compressed on its own).

    For ``make bench``; compare with mkdocs-quiz's 61,131 B raw / 14,200 B gzipped.
    """
    raw = gz = 0
    sizes: dict[str, int] = {}
    for name in ASSET_FILES:
        data = (ASSETS_DIR / name).read_bytes()
        packed = len(gzip.compress(data, compresslevel=9, mtime=0))
        sizes[f"{name}_raw"] = len(data)
        sizes[f"{name}_gz"] = packed
        raw += len(data)
        gz += packed
    return {"raw": raw, "gz": gz, **sizes}
