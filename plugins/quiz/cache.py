"""What a build keeps for the next one: the quiz engine's three cache-key recipes.

Entries live in a :class:`plugins.common.store.Store` (the plugin's ``cache_dir``), named
by a hash of everything that can change them, so none goes stale:

- ``quiz``: a valid quiz file as loaded, keyed by its bytes, its path and the loader's code
  (:func:`loader_version`);
- ``answers``: the ``answer_from`` values of every quiz, keyed by the expressions, the
  course package, the code of the course modules they import (comments left out), its data
  files, numpy and this package's code;
- ``render``: a quiz's HTML on one page, keyed by the quiz file, its answers, the render
  options, the Markdown configuration, this package's code and what the host says the page
  adds (its path, the site's pages, its ``{{ name }}`` values).

A file with problems, an answer that failed and a render that logged a warning are never
kept, so a problem or a warning shows on every build until it is fixed. The store deletes
entries the build did not use when the host calls :meth:`QuizCache.prune`.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..common import store
from ..common.codekey import code_digest, data_files, module_dependencies
from ..common.logcount import CountWarnings
from . import answers
from .model import Quiz, from_data, to_data
from .validate import load_quiz, read_file

HERE = Path(__file__).resolve().parent


@functools.cache
def loader_version() -> str:
    """What turns a quiz file into a :class:`Quiz`: this package's code (the loader, the
    model, the validator and what it imports), PyYAML and Python (``ast`` and ``re`` decide
    what ``answer_from`` and ``accept_regex`` accept)."""
    return store.digest(
        sorted(HERE.glob("*.py")), store.versions("pyyaml"), list(sys.version_info[:2])
    )


@functools.cache
def code_version() -> str:
    """What the rendering and evaluation code is: this package and the libraries whose
    output ends up in a quiz."""
    return store.digest(
        sorted(HERE.glob("*.py")),
        store.versions(
            "markdown",
            "pymdown-extensions",
            "latex2mathml",
            "pygments",
            "mkdocs",
            "mkdocs-material",
        ),
    )


def extension_files(extensions: Sequence[Any], root: Path) -> list[Path]:
    """The project's own Markdown extensions among ``extensions`` (modules under ``root``,
    e.g. ``plugins.mathml``), as their files: installed ones count by their versions."""
    files: set[Path] = set()
    for name in extensions:
        if not isinstance(name, str):
            continue
        try:
            spec = importlib.util.find_spec(name.split(":")[0])
        except (ImportError, ValueError):
            continue
        origin = Path(spec.origin).resolve() if spec and spec.origin else None
        if origin is None or not origin.is_relative_to(root):
            continue
        files.update(origin.parent.glob("*.py") if origin.name == "__init__.py" else [origin])
    return sorted(files)


class QuizCache:
    """The quiz engine's entries in ``store``; ``warnings_from`` names the logger whose
    warnings during a render keep that render out of the store."""

    def __init__(self, box: store.Store, warnings_from: str = "mkdocs"):
        self.store = box
        self.warnings_from = warnings_from

    def load(self, path: Path, shown: str) -> Quiz:
        """The valid quiz in ``path`` (``shown`` in messages): kept from a build that
        validated these very bytes with this code, else validated (and kept when valid)."""
        data = read_file(str(path), shown)
        key = store.digest(loader_version(), shown, data)
        kept = self.store.get("quiz", key)
        if kept is not None:
            try:
                return from_data(kept)
            except ValueError:  # damaged or from another format: validate again, keep anew
                pass
        quiz = load_quiz(data, shown)
        self.store.put("quiz", key, to_data(quiz))
        return quiz

    def answer_values(
        self, quizzes: list[Quiz], code: answers.CodePackage, root: Path, isolated: bool
    ) -> list[dict] | None:
        """The evaluations of every ``answer_from`` of ``quizzes`` (for
        :func:`answers.resolve`): kept from a build with the same expressions and course
        code, else computed now (in a fresh process when ``isolated``). None when there is
        nothing to reuse or key (``resolve`` then computes and reports)."""
        sources = answers.sources_of(quizzes)
        if not sources:
            return None
        try:
            modules = sorted({answers.parse(source, code).module for source in sources})
        except answers.AnswerFromError:
            return None  # resolve() reports it with its file and line
        parent = store.package_parent(root, code.name)
        if parent is None:
            return None
        key = store.digest(
            code_version(),
            sources,
            [code.name, list(code.exclude)],
            store.versions("numpy"),
            [code_digest(f) for f in module_dependencies(modules, parent, code.name)],
            data_files(parent / code.name / "data"),
        )
        cached = self.store.get("answers", key)
        if isinstance(cached, list) and len(cached) == len(sources):
            return cached
        if isolated:
            results = answers.evaluate_isolated(sources, root, code)
        else:
            results = [answers.evaluate_source(source, code) for source in sources]
        if all("value" in result for result in results):
            self.store.put("answers", key, results)
        return results

    def render(
        self, parts: list[Any], produce: Callable[[], list[str]], keep: bool = True
    ) -> list[str]:
        """The HTML views ``produce()`` gives, kept under the key of ``parts`` (prefixed by
        the code's version) unless a warning was logged meanwhile or ``keep`` is false."""
        key = store.digest(code_version(), *parts)
        cached = self.store.get("render", key)
        if isinstance(cached, list) and cached and all(isinstance(v, str) for v in cached):
            return cached
        with CountWarnings(self.warnings_from) as warnings:
            views = produce()
        if keep and not warnings.count:
            self.store.put("render", key, views)
        return views

    def prune(self) -> int:
        """Delete the entries this build did not use (call after a successful build)."""
        return self.store.prune()
