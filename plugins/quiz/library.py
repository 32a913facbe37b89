"""The quizzes of a project, loaded once, and their HTML on a page (no MkDocs needed).

A :class:`Library` knows where quizzes live (``quizzes_dir`` under ``root``), which package
``answer_from`` may call, the UI strings and the default pass mark. The quiz block
(:mod:`.extension`) asks it for the quiz a block names (:meth:`Library.find`) and for that
quiz's HTML on the page (:meth:`Library.render`). A host that builds many pages (the
MkDocs plugin) loads every quiz up front (:meth:`Library.load_all`, problems reported all
at once), shares one cache (:mod:`.cache`) and says what each page adds (:class:`Page`);
used alone, a library loads each quiz the first time a block names it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import store
from ..common.pages import rel
from ..common.suggest import closest
from . import answers
from .cache import QuizCache, extension_files
from .errors import Problem, QuizError
from .model import DEFAULT_PASS_MARK, Quiz
from .render import DEFAULT_EXTENSIONS, MarkdownRenderer, Strings, render_quiz
from .values import fill_values

QUIZ_SUFFIXES = (".yaml", ".yml")


class QuizNotFound(ValueError):
    """A block names a file that is not a quiz of this library; the message says why."""


@dataclass
class Page:
    """The page a quiz is shown on, as far as its host knows it (everything optional)."""

    name: str = ""  # in messages: "docs/lessons/04-softmax.md"
    url: str = ""  # listed in the manifest (the pages showing each quiz)
    source: str | None = None  # the page's source text: lines in messages count in it
    values: Mapping[str, str] | None = None  # what its lesson script recorded ({{ name }})
    script: str = ""  # that script, named in messages
    extensions: Sequence[Any] = ()  # more Markdown extensions for quiz text (links, ...)
    key: Any = None  # what else its quizzes' HTML depends on; None: never cached
    # When a list: (whole quiz, search view) of each quiz shown, appended as rendered, for
    # a host that shows its search index the search view (see render.render_quiz)
    search_views: list[tuple[str, str]] | None = None


@dataclass
class Shown:
    """A valid quiz, its id (progress is stored under it) and the pages showing it."""

    quiz: Quiz
    quiz_id: str
    pages: list[str] = field(default_factory=list)


class Library:
    def __init__(
        self,
        root: Path,
        *,
        quizzes_dir: str = "quizzes",
        code: answers.CodePackage | None = None,
        strings: Strings | None = None,
        pass_mark: float = DEFAULT_PASS_MARK,
        extensions: Sequence[Any] = DEFAULT_EXTENSIONS,
        extension_configs: dict[str, dict] | None = None,
        cache: QuizCache | None = None,
        isolated: bool = False,
    ):
        self.root = Path(root).resolve()
        self.quizzes_dir_name = quizzes_dir.strip("/")
        self.quizzes_dir = (self.root / quizzes_dir).resolve()
        self.code = code or answers.CodePackage("")
        self.strings = strings or Strings()
        self.pass_mark = pass_mark
        self.extensions = list(extensions)
        self.extension_configs = dict(extension_configs or {})
        self.cache = cache or QuizCache(store.Store(None))
        self.isolated = isolated  # answer_from in a fresh process (edited code under serve)
        self.quizzes: dict[str, Shown] = {}  # "quizzes/04-softmax.yaml" -> Shown
        self.complete = False  # every file under quizzes_dir is loaded
        self._renderer: tuple[Page | None, MarkdownRenderer | None] = (None, None)
        self._extension_files: list[Path] | None = None  # found once per load_all (build)

    # -- loading -----------------------------------------------------------------------
    def files(self) -> list[Path]:
        if not self.quizzes_dir.is_dir():
            return []
        return sorted(
            p for p in self.quizzes_dir.rglob("*") if p.suffix in QUIZ_SUFFIXES and p.is_file()
        )

    def load_all(self) -> list[Problem]:
        """Load, validate and compute the answers of every quiz file; the problems."""
        self.quizzes = {}
        self.complete = True
        self._extension_files = None
        return self._load(self.files())

    def _load(self, files: list[Path]) -> list[Problem]:
        problems: list[Problem] = []
        loaded: list[tuple[Path, Quiz]] = []
        for path in files:
            try:
                loaded.append((path, self.cache.load(path, rel(path, self.root))))
            except QuizError as exc:
                problems += exc.problems
        quizzes = [quiz for _, quiz in loaded]
        results = self.cache.answer_values(quizzes, self.code, self.root, self.isolated)
        problems += answers.resolve(
            quizzes, self.code, root=self.root, isolated=self.isolated, results=results
        )
        if not problems:
            for path, quiz in loaded:
                self.quizzes[quiz.path] = Shown(quiz, self._quiz_id(path, quiz))
        return problems

    def _quiz_id(self, path: Path, quiz: Quiz) -> str:
        if quiz.id:
            return quiz.id
        name = path.resolve().relative_to(self.quizzes_dir).with_suffix("").as_posix()
        return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "quiz"

    def find(self, written: str) -> Shown:
        """The quiz a block names (a path relative to ``root``); :class:`QuizNotFound` or
        (a file loaded now with problems) :class:`QuizError`."""
        target = (self.root / written).resolve()
        key = rel(target, self.root)
        if key in self.quizzes:
            return self.quizzes[key]
        if not target.is_relative_to(self.quizzes_dir):
            raise QuizNotFound(
                f"quizzes live under {self.quizzes_dir_name}/ (where the build validates "
                "them); move the file there"
            )
        if self.complete or not target.is_file() or target.suffix not in QUIZ_SUFFIXES:
            known = self.quizzes if self.complete else [rel(p, self.root) for p in self.files()]
            close = closest(key, known)
            raise QuizNotFound("no such quiz file" + (f"; did you mean {close}?" if close else ""))
        problems = self._load([target])
        if problems:
            raise QuizError(problems)
        return self.quizzes[key]

    # -- showing -----------------------------------------------------------------------
    def render(self, shown: Shown, *, level: int, dom_id: str, page: Page) -> str:
        """The HTML of ``shown`` on ``page``, its title an ``h<level>``; ``dom_id``
        prefixes its element ids (unique on the page). Records the page's URL."""
        quiz = fill_values(shown.quiz, page.values, page.script, page.name or "this page")
        if page.url and page.url not in shown.pages:
            shown.pages.append(page.url)
        options = {
            "quiz_id": shown.quiz_id,
            "dom_id": dom_id,
            "strings": self.strings,
            "heading_level": level,
            "pass_mark": self.pass_mark,
        }

        def produce() -> list[str]:
            md = self._markdown(page)
            views = [render_quiz(quiz, md=md, **options)]
            if page.search_views is not None:
                views.append(render_quiz(quiz, md=md, search_view=True, **options))
            return views

        views = produce() if page.key is None else self._kept(shown, quiz, options, page, produce)
        if page.search_views is not None:
            page.search_views.append((views[0], views[1]))
        return views[0]

    def _kept(self, shown: Shown, quiz: Quiz, options: dict, page: Page, produce) -> list[str]:
        """``produce()``, or what a build kept from it for the same inputs."""
        source = self.root / quiz.path
        return self.cache.render(
            [
                source,
                [(q.answer, q.computed) for q in quiz.questions if hasattr(q, "computed")],
                {k: dataclasses.asdict(v) if k == "strings" else v for k, v in options.items()},
                [self.extensions, self.extension_configs],
                self._our_extension_files(),
                page.key,
                page.values if quiz is not shown.quiz else None,
                page.search_views is not None,
            ],
            produce,
            # A quiz that includes files (snippets) depends on more than the key holds.
            keep="--8<--" not in source.read_text(encoding="utf-8"),
        )

    def _our_extension_files(self) -> list[Path]:
        """:func:`extension_files` of the library's extensions: looked up once a build
        (``importlib`` finds each module again on every call), read by every key."""
        if self._extension_files is None:
            self._extension_files = extension_files(self.extensions, self.root)
        return self._extension_files

    def _markdown(self, page: Page) -> MarkdownRenderer:
        """Quiz text's Markdown: the library's extensions and the page's (one per page)."""
        last, renderer = self._renderer
        if last is not page or renderer is None:
            extensions = [*self.extensions, *page.extensions]
            renderer = MarkdownRenderer(extensions, self.extension_configs)
            self._renderer = (page, renderer)
        return renderer

    def manifest(self) -> dict[str, dict]:
        """Every quiz's id -> title, file, pages showing it, questions and pass mark."""
        return {
            shown.quiz_id: {
                "title": shown.quiz.title,
                "file": key,
                "pages": shown.pages,
                "questions": len(shown.quiz.questions),
                "pass_mark": shown.quiz.pass_mark
                if shown.quiz.pass_mark is not None
                else self.pass_mark,
            }
            for key, shown in sorted(self.quizzes.items())
        }
