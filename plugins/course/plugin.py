"""MkDocs plugin: the frame that turns lesson pages into a course.

- ``on_files``: read and check every lesson's front matter (errors name file:line).
- ``on_page_markdown``: syllabus on the home page; reading time, prerequisite links and
  glossary tooltips on lesson pages.
- ``on_config`` (after the other plugins'): links the site's own stylesheets as one file
  (:mod:`.stylesheets`).
- ``on_files`` (after the other plugins' too, so their stylesheets are there): writes
  that file, and serves Material's palette CSS and bundle without their start-up
  restyles (:mod:`.theme_patches`).
- ``on_build_error``: a formula that failed to convert gets its page's file and line.
- ``on_post_build``: the content security policy of every page (:mod:`.csp`).

The course script (docs/assets/course.js, in mkdocs.yml) shows progress, "continue where
you left off", prerequisite notes and the Listen button in the browser.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from plugins.mathml import FormulaError

from . import csp, output, stylesheets, syllabus, text, theme_patches
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


class CoursePlugin(BasePlugin[CourseConfig]):
    def __init__(self):
        self.lessons: dict[str, LessonInfo] = {}
        self.glossary: dict[str, str] = {}
        self.serving = False
        self.dirty = False
        self.staging: output.Staging | None = None
        self.stylesheet_sources: list[str] = []
        self.page_source: tuple[str, str] | None = None  # (src_uri, path) being converted

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty

    @event_priority(-100)  # after the quiz and explorer plugins add their stylesheets
    def on_config(self, config):
        self.staging = None
        if self.config.enabled and not (self.serving or self.dirty):
            # the site is written beside site_dir and replaces it only when all went well
            self.staging = output.Staging(config.site_dir)
            config.site_dir = self.staging.begin()
        self.stylesheet_sources = []
        if self.config.enabled and self.config.stylesheet:
            self.stylesheet_sources = stylesheets.take_local(
                config.extra_css, self.config.stylesheet
            )
        return config

    @event_priority(-100)  # after the quiz and explorer plugins add their files
    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        if self.stylesheet_sources:
            if files.get_file_from_path(self.config.stylesheet) is not None:
                raise PluginError(
                    f"course: docs/{self.config.stylesheet} would be overwritten by the "
                    "combined stylesheet; rename it, or set the course plugin's "
                    "'stylesheet' option to another path"
                )
            files.append(
                File.generated(
                    config,
                    self.config.stylesheet,
                    content=stylesheets.combine(files, self.stylesheet_sources),
                )
            )
        self._patch_theme(files, config)
        docs = Path(config.docs_dir)
        folder = docs / self.config.pages_dir
        self.lessons = {}
        problems = []
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            if not PAGE_RE.match(path.name):
                continue
            rel = f"{self.config.pages_dir}/{path.name}"
            try:
                info = read_lesson(path, rel, list(self.config.phases))
            except FrontMatterError as exc:
                problems.append(str(exc))
                continue
            self.lessons[info.slug] = info
        problems += check_prerequisites(self.lessons, docs) if not problems else []
        if problems:
            raise PluginError("lesson front matter:\n" + "\n".join(problems))
        glossary = docs / self.config.glossary_page
        self.glossary = (
            text.parse_glossary(glossary.read_text(encoding="utf-8")) if glossary.is_file() else {}
        )
        problems = self._check_glossary_skips(docs)
        if problems:
            raise PluginError("lesson front matter:\n" + "\n".join(problems))
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        src = page.file.src_uri
        self.page_source = (src, page.file.abs_src_path) if page.file.abs_src_path else None
        if src == self.config.syllabus_page and self.config.syllabus_marker in markdown:
            ordered = sorted(self.lessons.values(), key=lambda info: info.number)
            folder = str(Path(src).parent).replace(".", "")
            markdown = markdown.replace(
                self.config.syllabus_marker,
                syllabus.render(ordered, list(self.config.phases), folder),
            )
        lesson = (
            self.lessons.get(Path(src).stem)
            if src.startswith(self.config.pages_dir + "/")
            else None
        )
        if lesson is not None:
            page.meta["reading_time"] = text.reading_minutes(
                markdown, self.config.reading_words_per_minute
            )
            page.meta["lesson_slug"] = lesson.slug
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
        if self.glossary and self._wants_glossary(src):
            skip = set(page.meta.get("glossary_skip") or ())  # terms used in another sense
            glossary = {t: d for t, d in self.glossary.items() if t not in skip}
            markdown = text.mark_first_uses(markdown, glossary, _slug)
        return markdown

    def _check_glossary_skips(self, docs: Path) -> list[str]:
        """Every term a lesson's ``glossary_skip`` names is a glossary term."""
        problems = []
        for info in self.lessons.values():
            for term in info.extra.get("glossary_skip") or ():
                if term in self.glossary:
                    continue
                close = difflib.get_close_matches(term, list(self.glossary), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else ""
                line = key_line(docs / info.path, "glossary_skip")
                problems.append(
                    f"docs/{info.path}:{line}: glossary_skip: '{term}' is not a "
                    f"term of {self.config.glossary_page}{hint}"
                )
        return problems

    def _patch_theme(self, files: Files, config) -> None:
        """Serve Material's palette stylesheet and bundle without their start-up restyles
        (:mod:`.theme_patches`)."""
        for pattern, patch, looks_for in theme_patches.PATCHES:
            for file in [f for f in files if pattern.match(f.src_uri)]:
                patched = patch(file.content_string)
                if patched is None:
                    log.warning(
                        "course: %s no longer has %s (a new Material version?); update "
                        "plugins/course/theme_patches.py for it",
                        file.src_uri,
                        looks_for,
                    )
                    continue
                files.remove(file)
                files.append(File.generated(config, file.src_uri, content=patched))

    def on_build_error(self, *, error):
        """Drop the staged site (the last good one stays), and for a formula that failed to
        convert, add the page's file and line to the message.

        MkDocs converts a page right after ``on_page_markdown``, so the page is the last one
        seen; a formula that is not in its source (one in a quiz file) keeps its message.
        """
        if self.staging is not None:
            self.staging.abandon()
            self.staging = None
        if not (
            self.config.enabled
            and isinstance(error, FormulaError)
            and error.tex
            and self.page_source
        ):
            return
        src, path = self.page_source
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError:
            return
        at = source.find(error.tex)
        if at >= 0:
            error.message = f"docs/{src}:{source.count(chr(10), 0, at) + 1}: {error.message}"

    @event_priority(-200)  # last: the site is complete once every plugin has written to it
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        if self.config.csp and not self.serving:
            pages = csp.apply(Path(config.site_dir))
            log.debug("content security policy added to %d pages", pages)
        if self.staging is not None:
            final = self.staging.final
            if self.staging.commit(config.strict):
                config.site_dir = str(final)
                self.staging = None

    def _wants_glossary(self, src: str) -> bool:
        if src == self.config.glossary_page:
            return False
        return any(
            src == p or (p.endswith("/") and src.startswith(p))
            for p in self.config.glossary_in_pages
        )


def _slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
