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


REMOVED = (
    "quiz: the option '{}' was removed: each lesson page shows its quiz itself, with a heading "
    "'## End-of-lesson quiz' and the block '/// quiz | quizzes/<slug>.yaml' followed by '///' "
    "where the quiz goes; delete the option from mkdocs.yml"
)


class QuizConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Where quiz files live (relative to mkdocs.yml); pages show them with /// quiz | path
    quizzes_dir = c.Type(str, default="quizzes")

    # The course code answer_from may call, minus subpackages that run a lesson on import
    code_package = c.Type(str, default="lesson_code")
    code_exclude = c.ListOfItems(c.Type(str), default=["lesson_code.lessons"])

    # Fraction of questions to get right, for quizzes that do not set pass_mark
    pass_mark = c.Type((int, float), default=DEFAULT_PASS_MARK)

    # A folder (relative to mkdocs.yml) where a build keeps loaded quizzes, rendered quizzes
    # and computed answer keys for the next build; entries are named by a hash of their
    # inputs, so none goes stale, and a build deletes those it did not use. Empty (the
    # default): every build validates, renders and computes everything.
    cache_dir = c.Type(str, default="")

    # Translatable UI text (see the module docstring)
    strings = c.SubConfig(StringsConfig)

    # Options of earlier versions: an error that says what to do instead
    pages_dir = c.Deprecated(removed=True, message=REMOVED)
    heading = c.Deprecated(removed=True, message=REMOVED)
    heading_before = c.Deprecated(removed=True, message=REMOVED)
