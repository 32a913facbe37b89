"""Typed configuration of the quiz plugin.

Every UI string of the quiz can be translated under ``strings:`` (the names and English
defaults are those of :class:`plugins.quiz.render.Strings`; ``{name}`` parts are filled
in), e.g.::

    plugins:
      - quiz:
          strings:
            check: Prüfen
            score: "Punkte: {score} / {total}"
"""

from __future__ import annotations

import dataclasses

from mkdocs.config import base
from mkdocs.config import config_options as c

from .model import DEFAULT_PASS_MARK
from .render import Strings

# One option per field of Strings, with its English default (one source of truth).
StringsConfig = type(
    "StringsConfig",
    (base.Config,),
    {f.name: c.Type(str, default=f.default) for f in dataclasses.fields(Strings)},
)


class QuizConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Where quizzes and lessons live: quizzes/<slug>.yaml goes on docs/<pages_dir>/<slug>.md
    quizzes_dir = c.Type(str, default="quizzes")
    pages_dir = c.Type(str, default="lessons")

    # The level-2 heading the quiz is placed under on a lesson page, and the one it goes before
    heading = c.Type(str, default="End-of-lesson quiz")
    heading_before = c.Type(str, default="What's next")

    # Fraction of questions to get right, for quizzes that do not set pass_mark
    pass_mark = c.Type((int, float), default=DEFAULT_PASS_MARK)

    # A folder (relative to mkdocs.yml) where a build keeps rendered quizzes and computed
    # answer keys for the next build; entries are named by a hash of their inputs, so none
    # goes stale. Empty (the default): every build renders and computes everything.
    cache_dir = c.Type(str, default="")

    # Translatable UI text (see the module docstring)
    strings = c.SubConfig(StringsConfig)
