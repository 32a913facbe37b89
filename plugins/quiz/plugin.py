"""MkDocs plugin: the thin adapter around the quiz core.

Events (the work is in the core modules):

- ``on_config``: add the one stylesheet and the one script (loaded by URL on every page,
  so the course home can read progress too).
- ``on_pre_build``: load and validate every quiz under ``quizzes_dir`` and compute their
  ``answer_from`` keys (in a fresh process under ``mkdocs serve``); any problem stops the
  build with the same lines as ``python -m plugins.quiz check``.
- ``on_files``: ship ``assets/quiz/quiz.js`` and ``quiz.css`` from the package.
- ``on_page_markdown``: put a placeholder where each quiz goes (the lesson's own quiz,
  and ``/// quiz | path`` blocks).
- ``on_page_content``: swap each placeholder for the quiz's search view (title, prompts:
  what search indexes) after Markdown, so nothing mangles the quiz HTML.
- ``on_page_context`` (after the search plugin has read the page): put the whole quiz in
  place of its search view.
- ``on_env``: fail when a quiz file is shown on no page.
- ``on_post_build``: write ``assets/quiz/quizzes.json`` (id, title, page, size of every quiz).
- ``on_serve``: watch ``quizzes_dir``.

A build keeps what it computed for the next one under ``cache_dir`` (:mod:`plugins.store`):
each valid quiz file as loaded, keyed by its bytes, its path and this package's code; each
quiz's rendered HTML, keyed by the quiz file, its answers, the page, the site's pages,
the Markdown configuration and this package's code; and the ``answer_from`` values, keyed
by the expressions and the course code they import. A file with problems and a render that
logged a warning are not kept, so a problem or a warning shows on every build until it is
fixed.

The store also keeps the MathML of every formula the build showed, on pages and in
quizzes alike (:func:`plugins.mathml.recall` in ``on_pre_build``,
:func:`plugins.mathml.keep` in ``on_post_build``): the extension has no build events of its
own, and this is the plugin with a store around every build. Without the quiz plugin,
formulas are simply converted on every build.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import posixpath
import re
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import mathml
from ..common import store
from ..common.assets import ship_base
from ..common.codekey import data_files, module_dependencies
from . import ASSETS_DIR, answers, placement
from .config import QuizConfig
from .errors import Problem, QuizError
from .model import Quiz, from_data, to_data
from .render import MarkdownRenderer, render_quiz, strings_from
from .validate import load_quiz, read_file, suggest
from .values import fill_values

log = get_plugin_logger(__name__.removeprefix("plugins."))

ASSET_URIS = {"quiz.css": "assets/quiz/quiz.css", "quiz.js": "assets/quiz/quiz.js"}
MANIFEST_URI = "assets/quiz/quizzes.json"
QUIZ_SUFFIXES = (".yaml", ".yml")


@dataclass
class Slot:
    """One place on one page where a quiz goes."""

    quiz: str  # key of QuizPlugin.quizzes: "quizzes/04-softmax.yaml"
    marker: str
    level: int  # heading level of the quiz title
    views: tuple[str, str] = ("", "")  # (search view, whole quiz) once rendered


@dataclass
class Shown:
    quiz: Quiz
    quiz_id: str
    pages: list[str] = field(default_factory=list)


class QuizPlugin(BasePlugin[QuizConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.quizzes: dict[str, Shown] = {}
        self.slots: dict[str, list[Slot]] = {}
        self.token = secrets.token_hex(6)
        self.count = 0
        self.serving = False
        self.store = store.Store(None)
        self._page_md = None  # the Markdown renderer of the page being rendered

    # -- paths -------------------------------------------------------------------------
    def _rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _quiz_id(self, path: Path, quiz: Quiz) -> str:
        if quiz.id:
            return quiz.id
        rel = path.resolve().relative_to(self.quizzes_dir).with_suffix("").as_posix()
        return re.sub(r"[^A-Za-z0-9_-]+", "-", rel).strip("-") or "quiz"

    # -- events ------------------------------------------------------------------------
    def on_startup(self, *, command, dirty):
        # Under `mkdocs serve` lesson_code changes between builds, and an imported module
        # would be stale: answer_from then runs in a fresh process (about 0.5 s a build).
        self.serving = command == "serve"

    def on_config(self, config):
        if not self.config.enabled:
            return
        self.root = Path(config.config_file_path).resolve().parent
        self.quizzes_dir = (self.root / self.config.quizzes_dir).resolve()
        self.strings = strings_from(dict(self.config.strings))
        if not 0 <= self.config.pass_mark <= 1:
            raise PluginError(
                f"quiz: pass_mark is {self.config.pass_mark} in mkdocs.yml; use a fraction "
                "from 0 to 1 (0.7 means 70%)"
            )
        if ASSET_URIS["quiz.css"] not in [str(x) for x in config.extra_css]:
            config.extra_css.append(ASSET_URIS["quiz.css"])
        if ASSET_URIS["quiz.js"] not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(ASSET_URIS["quiz.js"])
        ship_base(config)  # the shared base (window.AFP), loaded before every script
        return config

    def on_pre_build(self, config):
        if not self.config.enabled:
            return
        self.quizzes = {}
        self.slots = {}
        folder = self.config.cache_dir.strip()
        self.store = store.Store((self.root / folder).resolve() if folder else None)
        mathml.recall(self.store)  # formulas (pages' and quizzes') converted by a past build
        files = []
        if self.quizzes_dir.is_dir():
            files = sorted(
                p for p in self.quizzes_dir.rglob("*") if p.suffix in QUIZ_SUFFIXES and p.is_file()
            )
        problems: list[Problem] = []
        loaded: list[tuple[Path, Quiz]] = []
        for path in files:
            try:
                loaded.append((path, self._load(path)))
            except QuizError as exc:
                problems += exc.problems
        quizzes = [q for _, q in loaded]
        problems += answers.resolve(
            quizzes, root=self.root, isolated=self.serving, results=self._answer_values(quizzes)
        )
        if problems:
            raise PluginError(_report(problems))
        for path, quiz in loaded:
            self.quizzes[quiz.path] = Shown(quiz, self._quiz_id(path, quiz))
        log.debug("%d quizzes valid", len(loaded))

    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        for name, uri in ASSET_URIS.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, abs_src_path=str(ASSETS_DIR / name)))
        ship_base(config, files)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        src = page.file.src_uri
        original = markdown
        slots: list[Slot] = []
        try:
            markdown, blocks = placement.replace_blocks(markdown, self._marker)
        except placement.PlacementError as exc:
            line = exc.line + _front_matter_lines(page, original)
            raise PluginError(f"docs/{src}:{line}: {exc.message}") from None
        for block in blocks:
            key = self._block_quiz(block, page, original)
            slots.append(Slot(key, block.marker, block.level))
        lesson = self._lesson_quiz(src)
        if lesson is not None:
            marker = self._marker()
            markdown = placement.insert_section(
                markdown, self.config.heading, self.config.heading_before, marker
            )
            slots.append(Slot(lesson, marker, 3))  # under the level-2 section heading
        self.slots[src] = slots
        return markdown

    def on_page_content(self, html, page, config, files):
        if not self.config.enabled:
            return html
        slots = self.slots.get(page.file.src_uri, [])
        if not slots:
            return html
        self._page_md = None  # built on the first quiz the store does not have
        used_ids: dict[str, int] = {}
        for slot in slots:
            needle = f"<p>{slot.marker}</p>"
            if html.count(needle) != 1:
                raise PluginError(
                    f"docs/{page.file.src_uri}: the quiz {slot.quiz} could not be placed: its "
                    "placeholder paragraph was changed by a Markdown extension; put the quiz "
                    "block on its own, with blank lines around it"
                )
            shown = self.quizzes[slot.quiz]
            dom_id = "quiz-" + "".join(
                c if c.isalnum() or c in "-_" else "-" for c in shown.quiz_id
            )
            used_ids[dom_id] = used_ids.get(dom_id, 0) + 1
            if used_ids[dom_id] > 1:
                dom_id += f"-{used_ids[dom_id]}"
            slot.views = self._render(shown, slot, dom_id, page, config, files)
            html = html.replace(needle, slot.views[0])
            if page.url not in shown.pages:
                shown.pages.append(page.url)
        return html

    @event_priority(-100)  # after the search plugin (priority 0) has indexed the search view
    def on_page_context(self, context, page, config, nav):
        if not self.config.enabled:
            return context
        for slot in self.slots.get(page.file.src_uri, []):
            search_view, whole = slot.views
            if search_view and page.content.count(search_view) == 1:
                page.content = page.content.replace(search_view, whole)
            elif search_view:
                raise PluginError(
                    f"docs/{page.file.src_uri}: the quiz {slot.quiz} was changed by another "
                    "plugin after it was placed; it cannot be completed"
                )
        return context

    def on_env(self, env, config, files):
        if not self.config.enabled:
            return env
        lessons = sorted(
            f.src_uri[len(self.config.pages_dir) + 1 : -3]
            for f in files.documentation_pages()
            if f.src_uri.startswith(self.config.pages_dir + "/") and f.src_uri.endswith(".md")
        )
        problems = [
            self._unshown(key, lessons) for key, shown in self.quizzes.items() if not shown.pages
        ]
        if problems:
            raise PluginError(_report(problems))
        return env

    def on_post_build(self, config):
        if not self.config.enabled:
            return
        mathml.keep(self.store)
        manifest = {
            shown.quiz_id: {
                "title": shown.quiz.title,
                "file": key,
                "pages": shown.pages,
                "questions": len(shown.quiz.questions),
                "pass_mark": shown.quiz.pass_mark
                if shown.quiz.pass_mark is not None
                else self.config.pass_mark,
            }
            for key, shown in sorted(self.quizzes.items())
        }
        out = Path(config.site_dir) / MANIFEST_URI
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        if self.quizzes_dir.is_dir():
            server.watch(str(self.quizzes_dir))
        return server

    # -- helpers -----------------------------------------------------------------------
    def _marker(self) -> str:
        self.count += 1
        return f"QUIZSLOT{self.token}N{self.count}"

    def _lesson_quiz(self, src: str) -> str | None:
        """Key of the quiz attached to lesson page ``src`` (``lessons/<slug>.md``), if any."""
        folder = self.config.pages_dir.strip("/")
        if not (src.startswith(folder + "/") and src.endswith(".md")):
            return None
        slug = src[len(folder) + 1 : -3]
        if "/" in slug:
            return None
        for suffix in QUIZ_SUFFIXES:
            key = self._rel(self.quizzes_dir / f"{slug}{suffix}")
            if key in self.quizzes:
                return key
        return None

    def _block_quiz(self, block: placement.Block, page, markdown: str) -> str:
        target = (self.root / block.path).resolve()
        key = self._rel(target)
        if key in self.quizzes:
            return key
        line = block.line + _front_matter_lines(page, markdown)
        where = f"docs/{page.file.src_uri}:{line}"
        if not target.is_relative_to(self.quizzes_dir):
            raise PluginError(
                f"{where}: /// quiz | {block.path}: quizzes live under {self.config.quizzes_dir}/ "
                "(where the build validates them); move the file there"
            )
        close = suggest(key, self.quizzes)
        hint = f"; did you mean {close}?" if close else ""
        raise PluginError(f"{where}: /// quiz | {block.path}: no such quiz file{hint}")

    def _unshown(self, key: str, lessons: list[str]) -> Problem:
        return placement.unshown_problem(
            key, lessons, self.config.pages_dir, self.config.quizzes_dir
        )

    def _load(self, path: Path) -> Quiz:
        """The valid quiz in ``path``: from the store when a build already validated these
        very bytes with this code, else parsed and validated (and kept when valid).

        A file with problems is never kept, so it is checked again on every build and its
        messages are always the validator's own.
        """
        shown = self._rel(path)
        data = read_file(str(path), shown)
        key = store.digest(_loader_version(), shown, data)
        kept = self.store.get("quiz", key)
        if kept is not None:
            try:
                return from_data(kept)
            except ValueError:  # damaged or from another format: validate again, keep anew
                pass
        quiz = load_quiz(data, shown)
        self.store.put("quiz", key, to_data(quiz))
        return quiz

    def _markdown(self, config, page, files) -> MarkdownRenderer:
        """The site's Markdown extensions, plus one that points .md links at their pages."""
        extensions = [*config.markdown_extensions, _PageLinks(page, files)]
        return MarkdownRenderer(extensions, config.mdx_configs)

    def _render(self, shown: Shown, slot: Slot, dom_id, page, config, files):
        """(search view, whole quiz) of ``shown`` on ``page``: from the store when nothing
        that goes into them changed since a build kept them, else rendered (and kept)."""
        values = page.meta.get("lesson_values")
        try:
            quiz = fill_values(
                shown.quiz, values, page.meta.get("lesson_script", ""), f"docs/{page.file.src_uri}"
            )
        except QuizError as exc:
            raise PluginError(_report(exc.problems, checked_by_cli=False)) from None
        source = self.root / quiz.path
        options = {
            "quiz_id": shown.quiz_id,
            "dom_id": dom_id,
            "strings": self.strings,
            "heading_level": slot.level,
            "pass_mark": self.config.pass_mark,
        }
        key = store.digest(
            _code_version(),
            source,
            [(q.answer, q.computed) for q in quiz.questions if hasattr(q, "computed")],
            {k: dataclasses.asdict(v) if k == "strings" else v for k, v in options.items()},
            [config.markdown_extensions, config.mdx_configs],
            [page.file.src_uri, config.use_directory_urls],
            values if quiz is not shown.quiz else None,
            sorted(f.src_uri for f in files.documentation_pages()),
        )
        cached = self.store.get("render", key)
        if isinstance(cached, list) and len(cached) == 2:
            return tuple(cached)
        with _CountWarnings() as warnings:
            if self._page_md is None:
                self._page_md = self._markdown(config, page, files)
            md = self._page_md
            views = (
                render_quiz(quiz, md=md, search_view=True, **options),
                render_quiz(quiz, md=md, **options),
            )
        # A quiz that includes files (snippets) depends on more than the key holds.
        if not warnings.count and "--8<--" not in source.read_text(encoding="utf-8"):
            self.store.put("render", key, list(views))
        return views

    def _answer_values(self, quizzes: list[Quiz]) -> list[dict] | None:
        """The ``answer_from`` values a previous build computed from the same expressions
        and the same course code, or None (they are computed now and kept for next time)."""
        sources = answers.sources_of(quizzes)
        if not sources:
            return None
        try:
            modules = sorted({answers.parse(source).module for source in sources})
        except answers.AnswerFromError:
            return None  # resolve() reports it with its file and line
        parent = store.package_parent(self.root, answers.PACKAGE)
        if parent is None:
            return None
        key = store.digest(
            _code_version(),
            sources,
            store.versions("numpy"),
            module_dependencies(modules, parent, answers.PACKAGE),
            data_files(parent / answers.PACKAGE / "data"),
        )
        cached = self.store.get("answers", key)
        if isinstance(cached, list) and len(cached) == len(sources):
            return cached
        if self.serving:
            results = answers.evaluate_isolated(sources, self.root)
        else:
            results = [answers.evaluate_source(source) for source in sources]
        if all("value" in result for result in results):
            self.store.put("answers", key, results)
        return results


@functools.cache
def _loader_version() -> str:
    """What turns a quiz file into a :class:`Quiz`: this package's code (the loader, the
    model, the validator and what it imports), PyYAML and Python (``ast`` and ``re`` decide
    what ``answer_from`` and ``accept_regex`` accept)."""
    here = Path(__file__).resolve().parent
    return store.digest(
        sorted(here.glob("*.py")), store.versions("pyyaml"), list(sys.version_info[:2])
    )


@functools.cache
def _code_version() -> str:
    """What the rendering and evaluation code is: this package, the MathML extension and
    the libraries whose output ends up in a quiz."""
    here = Path(__file__).resolve().parent
    files = sorted([*here.glob("*.py"), *(here.parent / "mathml").glob("*.py")])
    return store.digest(
        files,
        store.versions(
            "markdown",
            "pymdown-extensions",
            "latex2mathml",
            "pygments",
            "mkdocs",
            "mkdocs-material",
        ),
    )


class _CountWarnings(logging.Handler):
    """Counts warnings MkDocs' loggers emit while active (``with _CountWarnings() as w``)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1

    def __enter__(self):
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("mkdocs").removeHandler(self)


def _report(problems: list[Problem], checked_by_cli: bool = True) -> str:
    lines = [str(p) for p in sorted(problems)]
    where = (
        "python -m plugins.quiz check lists them too"
        if checked_by_cli
        else "found while filling {{ name }} from the page's lesson values"
    )
    return f"quiz: {len(lines)} problem(s) in quiz files ({where}):\n" + "\n".join(lines)


def _front_matter_lines(page, markdown: str) -> int:
    """Lines MkDocs removed from the top of the page (front matter) before plugins see it."""
    path = page.file.abs_src_path
    if not path or not os.path.isfile(path):
        return 0
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return max(0, source.count("\n") - markdown.count("\n"))


class _PageLinks(Extension):
    """Rewrites relative links to ``.md`` files in quiz Markdown into page URLs.

    MkDocs does this for a page's own Markdown; quizzes are rendered separately, so links
    are resolved here, relative to the page the quiz is shown on. A link to a missing page
    is a warning (an error under ``--strict``), as for pages.
    """

    def __init__(self, page, files: Files):
        super().__init__()
        self.page = page
        self.files = files

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_LinkFixer(md, self.page, self.files), "quiz_links", 1)


class _LinkFixer(Treeprocessor):
    def __init__(self, md, page, files: Files):
        super().__init__(md)
        self.page = page
        self.files = files

    def run(self, root):
        for element in root.iter("a"):
            href = element.get("href")
            if href:
                element.set("href", self.fix(href))
        return None

    def fix(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or not parts.path.endswith(".md"):
            return url
        base = posixpath.dirname(self.page.file.src_uri)
        target = posixpath.normpath(posixpath.join(base, parts.path.lstrip("/")))
        file = self.files.get_file_from_path(target)
        if file is None:
            log.warning(
                "docs/%s: a quiz on this page links to '%s', which is not a page of the site",
                self.page.file.src_uri,
                url,
            )
            return url
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return file.url_relative_to(self.page.file) + fragment
