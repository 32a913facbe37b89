"""MkDocs plugin: run lesson scripts at build time and embed what they print and draw.

Events (thin; the work is in the sibling modules):

- ``on_config``: require pymdownx.snippets, point it at the project and the output cache.
- ``on_pre_build``: run the stale scripts of the course's lessons (the course plugin lists
  them) in parallel, abort on any failure.
- ``on_files``: add each lesson's notebook; execute lab notebooks (cached) and hand the
  executed copies to mkdocs-jupyter.
- ``on_page_markdown``: fill ``{{ value }}`` placeholders and check snippet paths.
- ``on_post_build``: drop cache entries no lesson uses any more.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from lesson_code.report.protocol import CODE_CACHE_ENV, VALUES_FILE

from ..common import codekey
from ..common.pages import rel, where
from . import cache, notebooks, pages
from .config import LessonsConfig
from .runner import Lesson, MissingScript, RunResult, find_scripts, run_lesson

log = get_plugin_logger(__name__.removeprefix("plugins."))

NOTEBOOK_FILE = "notebook.ipynb"  # stored with a lesson's outputs, offered as its download
LAB_DOWNLOADS = "notebooks"  # labs/notebooks/<lab>.ipynb: a lab's download, next to the lab


def _notebook_uri(lesson: Lesson) -> str:
    """Site path of a lesson's notebook: "lessons/notebooks/04-softmax.ipynb"."""
    return posixpath.join(posixpath.dirname(lesson.page), "notebooks", f"{lesson.slug}.ipynb")


class LessonsPlugin(BasePlugin[LessonsConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.lessons: dict[str, Lesson] = {}
        self.ran: list[RunResult] = []
        self.used_entries: set[Path] = set()
        self.lab_downloads: dict[str, str] = {}  # lab src_uri -> its download's src_uri

    # -- paths -------------------------------------------------------------------------
    def _paths(self, config) -> None:
        self.root = Path(config.config_file_path).resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        self.cache_root = (self.root / self.config.cache_dir).resolve()
        self.outputs_root = self.cache_root / "outputs"
        self.labs_root = self.cache_root / "labs"
        self.previous_root = self.cache_root / cache.PREVIOUS_DIR
        self.package = Path(self.config.package_dir).name
        self.package_parent = (self.root / self.config.package_dir).resolve().parent
        self.data_dir = (self.root / self.config.data_dir).resolve()
        package = (self.package_parent, self.package)
        self.maker = notebooks.Maker(package, self.root, self.config.run_timeout)

    # -- events ------------------------------------------------------------------------
    def on_config(self, config):
        if not self.config.enabled:
            return
        if "course" not in config.plugins:
            raise PluginError(
                "lessons: the course plugin lists the lessons whose scripts this plugin "
                "runs; add '- course' to plugins in mkdocs.yml"
            )
        self._paths(config)
        # inherited by every script run and notebook kernel (a value already set wins)
        os.environ.setdefault(CODE_CACHE_ENV, str(self.root / self.config.code_cache_dir))
        if "pymdownx.snippets" not in config.markdown_extensions:
            raise PluginError(
                "lessons: pymdownx.snippets is not enabled; add it to markdown_extensions in "
                "mkdocs.yml (lessons include code and outputs with it)"
            )
        snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
        base = snippets.get("base_path", ["."])
        base = [base] if isinstance(base, str) else list(base)
        base = [str((self.root / b).resolve()) for b in base]
        snippets["base_path"] = [*base, str(self.outputs_root)]
        snippets.setdefault("check_paths", True)
        self.snippet_bases = [Path(b) for b in snippets["base_path"]]
        return config

    def on_pre_build(self, config):
        if not self.config.enabled:
            return
        self.used_entries = set()
        scripts = (self.root / self.config.scripts_dir).resolve()
        try:
            listed = config.plugins["course"].lessons
            self.lessons, orphans = find_scripts(listed, scripts, self.root)
        except MissingScript as exc:
            raise PluginError(str(exc)) from None
        for orphan, page in orphans:
            log.warning(
                "%s has no lesson page; create docs/%s or delete the script",
                rel(orphan, self.root),
                page,
            )
        with cache.locked(self.cache_root):  # builds sharing this cache take turns
            memo = self.cache_root / cache.IMPORT_MEMO
            codekey.load_import_memo(memo)
            stale: list[tuple[Lesson, Path, str, str]] = []
            remake: list[tuple[Lesson, Path, str]] = []  # run fresh, notebook not
            for lesson in self.lessons.values():
                entry = self.outputs_root / lesson.slug
                self.used_entries.add(entry)
                try:
                    key = cache.compute_key(
                        lesson.script, self.package_parent, self.package, self.data_dir
                    )
                except SyntaxError as exc:
                    raise PluginError(
                        f"lesson {lesson.page}: {rel(Path(exc.filename), self.root)}:{exc.lineno}: "
                        f"syntax error: {exc.msg}"
                    ) from None
                nb_key = self.maker.key(lesson.script, key) if self.config.notebooks else ""
                fresh = cache.is_fresh(entry, key)
                if not fresh and cache.restore(entry, key, self.previous_root):
                    log.info("lesson %s: an earlier run of this very code is back", lesson.slug)
                    fresh = True
                if fresh:
                    log.debug("cache hit: %s", lesson.slug)
                    if nb_key and not cache.is_fresh(entry, nb_key, cache.NOTEBOOK_KEY_FILE):
                        remake.append((lesson, entry, nb_key))
                    continue
                cache.retire(entry, self.previous_root)
                stale.append((lesson, entry, key, nb_key))
            codekey.save_import_memo(memo)
            self.ran = self._run_all(stale)
            problems = self.maker.remake(remake, NOTEBOOK_FILE, self._jobs(), log)
            if problems:
                raise PluginError("lesson notebooks failed:\n" + "\n".join(problems))
        failures = [r for r in self.ran if not r.ok]
        if failures:
            lines = [f"  lesson page docs/{r.lesson.page}: {r.error}" for r in failures]
            raise PluginError(
                f"{len(failures)} lesson script(s) failed; the build stops here:\n"
                + "\n".join(lines)
                + "\nRun the script by hand to see the full traceback, e.g. "
                f".venv/bin/python {rel(failures[0].lesson.script, self.root)}"
            )

    # Runs before other plugins' on_files (default priority 0) so that mkdocs-jupyter
    # wraps the executed copies of lab notebooks, not the unexecuted sources.
    @event_priority(50)
    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        if self.config.notebooks:
            for lesson in self.lessons.values():
                nb = self.outputs_root / lesson.slug / NOTEBOOK_FILE
                uri = _notebook_uri(lesson)
                files.append(File.generated(config, uri, abs_src_path=str(nb)))
        labs_prefix = self.config.labs_dir.strip("/") + "/"
        self.lab_downloads = {}
        for file in list(files):
            if file.src_uri.startswith(labs_prefix) and file.src_uri.endswith(".ipynb"):
                try:
                    entry = self.maker.lab(
                        file.src_uri,
                        Path(file.abs_src_path),
                        self.data_dir,
                        self.labs_root,
                        self.cache_root,
                        self.config.notebooks,
                        log,
                    )
                except notebooks.LabProblem as exc:
                    raise PluginError(str(exc)) from None
                self.used_entries.add(entry)
                files.remove(file)
                # A real File rooted in the cache entry (not File.generated): mkdocs-jupyter's
                # wrapper recomputes abs_src_path from src_dir and src_uri.
                files.append(
                    File(file.src_uri, str(entry), config.site_dir, config.use_directory_urls)
                )
                if self.config.notebooks:
                    name = posixpath.basename(file.src_uri)
                    uri = posixpath.join(posixpath.dirname(file.src_uri), LAB_DOWNLOADS, name)
                    download = entry / notebooks.LAB_DOWNLOAD_FILE
                    files.append(File.generated(config, uri, abs_src_path=str(download)))
                    self.lab_downloads[file.src_uri] = uri
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        src = page.file.src_uri
        original = markdown
        lesson = next((ls for ls in self.lessons.values() if ls.page == src), None)
        try:
            if lesson is not None:
                out = self.outputs_root / lesson.slug
                values_file = out / VALUES_FILE
                values = (
                    json.loads(values_file.read_text(encoding="utf-8"))
                    if values_file.is_file()
                    else {}
                )
                markdown = pages.substitute_values(markdown, values, rel(lesson.script, self.root))
            pages.check_snippets(markdown, self.snippet_bases, lesson=lesson is not None)
        except pages.PageProblem as problem:
            raise PluginError(f"{where(page, original, problem.line)}: {problem.message}") from None
        if lesson is not None and (wrong := pages.missing_widget_kind(out, self.docs_dir, lesson)):
            raise PluginError(f"{rel(lesson.script, self.root)}{wrong}")
        if lesson is not None and self.config.notebooks:
            notebook = files.get_file_from_path(_notebook_uri(lesson))
            page.meta["notebook"] = notebook.url_relative_to(page.file)
        if lesson is not None:
            # What other plugins may fill from this lesson's run (the quiz fills {{ name }}
            # in its text): the recorded values and the script that recorded them.
            page.meta["lesson_script"] = rel(lesson.script, self.root)
            page.meta["lesson_values"] = values
        return markdown

    def on_page_content(self, html, page, config, files):
        if not self.config.enabled:
            return html
        labs_prefix = self.config.labs_dir.strip("/") + "/"
        if page.file.src_uri.startswith(labs_prefix) and page.file.src_uri.endswith(".ipynb"):
            download = self.lab_downloads.get(page.file.src_uri)
            if download is not None:
                page.meta["notebook"] = files.get_file_from_path(download).url_relative_to(
                    page.file
                )
            html = notebooks.strip_foreign_loaders(html)
            return notebooks.ship_lab_styles(
                html, Path(config.site_dir), self.config.labs_dir, page.file.url
            )
        return html

    def on_post_build(self, config):
        if not self.config.enabled:
            return
        with cache.locked(self.cache_root):
            codekey.save_import_memo(self.cache_root / cache.IMPORT_MEMO)  # what labs added
            for root in (self.outputs_root, self.labs_root):
                if not root.is_dir():
                    continue
                for entry in root.iterdir():
                    if entry.is_dir() and entry not in self.used_entries:
                        shutil.rmtree(entry, ignore_errors=True)
                        log.debug("dropped unused cache entry %s", entry.name)
            cache.prune_previous(self.previous_root, set(self.lessons))

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        for folder in (self.config.package_dir,):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        return server

    # -- helpers -----------------------------------------------------------------------
    def _jobs(self) -> int:
        return self.config.run_jobs or os.cpu_count() or 1

    def _run_all(self, stale: list[tuple[Lesson, Path, str, str]]) -> list[RunResult]:
        if not stale:
            log.debug("all %d lessons up to date", len(self.lessons))
            return []
        jobs = self._jobs()
        log.info(
            "running %d of %d lesson scripts (%d at a time)", len(stale), len(self.lessons), jobs
        )

        def work(item: tuple[Lesson, Path, str, str]) -> RunResult:
            lesson, entry, key, nb_key = item
            extra = {}
            if self.config.notebooks:  # made after the script succeeded, key file second
                extra[NOTEBOOK_FILE] = lambda: self.maker.download(lesson.script, lesson.slug)
                extra[cache.NOTEBOOK_KEY_FILE] = nb_key

            def waiting(seconds: float) -> None:
                log.info("lesson %s: still running after %.0f s", lesson.slug, seconds)

            timeout = self.config.run_timeout
            return run_lesson(lesson, self.root, entry, key, timeout, extra, waiting)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(work, stale))
        for r in results:
            log.info(
                "lesson %s: %s in %.1f s", r.lesson.slug, "ok" if r.ok else "FAILED", r.seconds
            )
        return results
