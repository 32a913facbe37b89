"""MkDocs plugin: the frame that turns lesson pages into a course.

- ``on_pre_build`` (first): find the lesson pages and read and check their front matter
  (errors name file:line). ``self.lessons`` is the course's one list of lessons: the
  lessons plugin runs the scripts of exactly these, reading it through MkDocs' config
  (``config.plugins["course"].lessons``) instead of scanning pages again.
- ``on_files``: read the glossary.
- ``on_page_markdown``: syllabus on the home page; reading time, prerequisite links and
  glossary tooltips on lesson pages. Reading times and marked pages are kept in
  ``cache_dir`` for the next build (a warm build reads them instead of scanning the prose).

What is about the whole site (one stylesheet, the content security policy, theme patches,
the staged output) belongs to the site plugin (:mod:`plugins.site`).

The course script (docs/assets/course.js, in mkdocs.yml) shows progress, "continue where
you left off", prerequisite notes and the Listen button in the browser.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from ..common import store
from ..common.pages import where
from ..common.suggest import did_you_mean
from . import links, phases, renamed, syllabus, text
from .config import CourseConfig
from .frontmatter import (
    PAGE_RE,
    FrontMatterError,
    LessonInfo,
    check_prerequisites,
    key_line,
    read_lesson,
)

log = get_plugin_logger(__name__.removeprefix("plugins."))
HERE = Path(__file__).resolve().parent


@functools.cache
def code_version() -> str:
    """What reads the prose: this package and the shared page helpers it uses."""
    return store.digest(sorted(HERE.glob("*.py")), sorted((HERE.parent / "common").glob("*.py")))


class CoursePlugin(BasePlugin[CourseConfig]):
    def __init__(self):
        self.lessons: dict[str, LessonInfo] = {}
        self.phases: dict[str, list[str]] = {}  # phase -> its lesson pages, in nav order
        self.glossary: dict[str, str] = {}
        self.pages: set[str] = set()  # every Markdown page of the site (src_uri)
        self.moved = ""  # renamed lessons, "old=new ..." (templates put it in a <meta>)
        self.store = store.Store(None)
        self.serving = False

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    @event_priority(100)  # first: the lessons plugin's on_pre_build reads self.lessons
    def on_pre_build(self, config):
        self.lessons = {}
        if not self.config.enabled:
            return
        folder = self.config.cache_dir.strip()
        root = Path(config.config_file_path).resolve().parent
        self.store = store.Store((root / folder).resolve() if folder else None)
        docs = Path(config.docs_dir)
        rels = self._lesson_pages(docs)
        self.phases = phases.from_nav(config.nav, set(rels))
        phase_of = phases.phase_of(self.phases)
        self.lessons = {}
        problems = []
        for rel, path in rels.items():
            if config.nav and rel not in phase_of:
                problems.append(
                    f"docs/{rel}:1: this lesson is in no section of the nav; list it in "
                    "mkdocs.yml under the section of its phase"
                )
                continue
            try:
                info = read_lesson(path, rel, phase_of.get(rel, ""))
            except FrontMatterError as exc:
                problems.append(str(exc))
                continue
            self.lessons[info.slug] = info
        problems += check_prerequisites(self.lessons, docs) if not problems else []
        moved, bad = renamed.resolve(
            self.config.renamed_lessons, set(self.lessons), Path(config.config_file_path)
        )
        self.moved = renamed.meta_content(moved)
        problems += bad
        if problems:
            raise PluginError("lesson front matter:\n" + "\n".join(problems))

    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        docs = Path(config.docs_dir)
        glossary = docs / self.config.glossary_page
        self.glossary = (
            text.parse_glossary(glossary.read_text(encoding="utf-8")) if glossary.is_file() else {}
        )
        problems = self._check_glossary_skips(docs)
        if problems:
            raise PluginError("lesson front matter:\n" + "\n".join(problems))
        self.pages = {f.src_uri for f in files.documentation_pages()}
        problems = links.missing_nav_entries(Path(config.config_file_path), config.nav, self.pages)
        if problems:
            raise PluginError("nav:\n" + "\n".join(problems))
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        src = page.file.src_uri
        self._check_links(markdown, page)
        if src == self.config.syllabus_page and self.config.syllabus_marker in markdown:
            ordered = sorted(self.lessons.values(), key=lambda info: info.number)
            folder = str(Path(src).parent).replace(".", "")
            names = list(self.phases)
            if self.config.start_marker in markdown:
                markdown = markdown.replace(
                    self.config.start_marker, syllabus.start(ordered, names, folder), 1
                )
                shown = syllabus.cards(ordered, names, folder)
            else:
                shown = syllabus.render(ordered, names, folder)
            markdown = markdown.replace(self.config.syllabus_marker, shown)
        lesson = (
            self.lessons.get(Path(src).stem)
            if src.startswith(self.config.pages_dir + "/")
            else None
        )
        marked = bool(self.glossary) and self._wants_glossary(src)
        skip = set(page.meta.get("glossary_skip") or ())  # terms used in another sense
        glossary = {t: d for t, d in self.glossary.items() if t not in skip} if marked else {}
        if lesson is not None or marked:
            minutes, markdown = self._prose(markdown, glossary, lesson is not None, marked)
        if lesson is not None:
            page.meta["reading_time"] = minutes
            page.meta["lesson_slug"] = lesson.slug
            page.meta["phase"] = lesson.phase
            page.meta["prerequisite_links"] = [
                {
                    "slug": slug,
                    "title": self.lessons[slug].title,
                    "url": files.get_file_from_path(self.lessons[slug].path).url_relative_to(
                        page.file
                    ),
                }
                for slug in lesson.prerequisites
            ]
        return markdown

    def _prose(
        self, markdown: str, glossary: dict[str, str], timed: bool, marked: bool
    ) -> tuple[int | None, str]:
        """The page's reading time (when ``timed``) and its Markdown with the first use of
        each ``glossary`` term marked (when ``marked``): kept from a build that read the
        same Markdown with the same glossary and code, else read now and kept."""
        wpm = self.config.reading_words_per_minute
        key = store.digest(code_version(), markdown, glossary, wpm, timed, marked)
        kept = self.store.get("prose", key)
        if (
            isinstance(kept, dict)
            and isinstance(kept.get("markdown"), str)
            and (isinstance(kept.get("minutes"), int) or not timed)
        ):
            return kept.get("minutes"), kept["markdown"]
        minutes = text.reading_minutes(markdown, wpm) if timed else None
        if marked:
            markdown = text.mark_first_uses(markdown, glossary, _slug)
        self.store.put("prose", key, {"minutes": minutes, "markdown": markdown})
        return minutes, markdown

    def on_post_build(self, config):
        if self.config.enabled and not self.serving:  # serve's edits come and go: keep all
            self.store.prune()

    def _lesson_pages(self, docs: Path) -> dict[str, Path]:
        """Lesson pages (``lessons/04-softmax.md`` -> file), in file order."""
        folder = docs / self.config.pages_dir
        found = [p for p in sorted(folder.glob("*.md")) if PAGE_RE.match(p.name)]
        return {f"{self.config.pages_dir}/{path.name}": path for path in found}

    def phases_in(self, config) -> dict[str, list[str]]:
        """The course's phases (nav sections holding lessons) -> their lesson pages, for
        tools that load mkdocs.yml (``make lesson``) without building."""
        return phases.from_nav(config.nav, set(self._lesson_pages(Path(config.docs_dir))))

    def _check_links(self, markdown: str, page) -> None:
        """A link to a page the site does not have stops the build at its line."""
        found = links.missing_links(markdown, page.file.src_uri, self.pages)
        if not found:
            return
        lines = []
        for line, target, close in found:
            hint = f"; did you mean {close}?" if close else ""
            lines.append(f"{where(page, markdown, line)}: link to {target}: no such page{hint}")
        raise PluginError("links:\n" + "\n".join(lines))

    def _check_glossary_skips(self, docs: Path) -> list[str]:
        """Every term a lesson's ``glossary_skip`` names is a glossary term."""
        problems = []
        for info in self.lessons.values():
            for term in info.extra.get("glossary_skip") or ():
                if term in self.glossary:
                    continue
                hint = did_you_mean(term, self.glossary)
                line = key_line(docs / info.path, "glossary_skip")
                problems.append(
                    f"docs/{info.path}:{line}: glossary_skip: '{term}' is not a "
                    f"term of {self.config.glossary_page}{hint}"
                )
        return problems

    def _wants_glossary(self, src: str) -> bool:
        if src == self.config.glossary_page:
            return False
        return any(
            src == p or (p.endswith("/") and src.startswith(p))
            for p in self.config.glossary_in_pages
        )


def _slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
