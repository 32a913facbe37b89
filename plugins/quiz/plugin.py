"""MkDocs plugin: the thin adapter around the quiz core.

Pages show quizzes with the ``quiz`` Markdown extension (:mod:`.extension`); this plugin
gives it one :class:`~.library.Library` for the whole build and tells it which page is
being converted. Events:

- ``on_config``: check the options, add the ``quiz`` extension (configured with the
  library) and the one stylesheet and script (loaded on every page, so the course home can
  read progress too).
- ``on_pre_build``: load and validate every quiz under ``quizzes_dir`` and compute their
  ``answer_from`` keys (in a fresh process under ``mkdocs serve``), reusing what the last
  build kept in ``cache_dir`` (:mod:`.cache`); any problem stops the build with the same
  lines as ``python -m plugins.quiz check``.
- ``on_files``: ship ``assets/quiz/quiz.js`` and ``quiz.css`` from the package.
- ``on_page_markdown``: remember the page, for the extension (its values, links, lines).
- ``on_page_content``: show the search plugin each quiz's search view (title, prompts);
  ``on_page_context``, after it indexed the page, puts the whole quiz back.
- ``on_env``: fail when a quiz file is shown on no page.
- ``on_post_build``: write ``assets/quiz/quizzes.json`` (id, title, pages, size of every
  quiz) and, outside ``mkdocs serve``, delete cache entries this build did not use.
- ``on_serve``: watch ``quizzes_dir``.

Search indexes quizzes without their answers: everything that gives one away carries
``data-search-exclude``, but Material's search stops excluding an element at the first end
tag of a nested element of the same name (options would leak), hence the search view.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from ..common import store
from ..common.assets import ship_base
from . import ASSETS_DIR
from .answers import CodePackage
from .cache import QuizCache
from .config import QuizConfig
from .errors import report
from .library import Library, Page
from .links import PageLinks
from .placement import unshown_problem
from .render import strings_from

log = get_plugin_logger("quiz")

ASSET_URIS = {"quiz.css": "assets/quiz/quiz.css", "quiz.js": "assets/quiz/quiz.js"}
MANIFEST_URI = "assets/quiz/quizzes.json"


class QuizPlugin(BasePlugin[QuizConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.serving = False
        self.library: Library | None = None
        self._page = None  # the MkDocs page being converted, and the Page told the extension
        self._shown: Page | None = None
        self._views: dict[str, list[tuple[str, str]]] = {}  # page -> (whole, search view)

    def on_startup(self, *, command, dirty):
        # Under `mkdocs serve` lesson_code changes between builds, and an imported module
        # would be stale: answer_from then runs in a fresh process (about 0.5 s a build).
        self.serving = command == "serve"

    def on_config(self, config):
        if not self.config.enabled:
            return
        self.root = Path(config.config_file_path).resolve().parent
        self.library = self._library(config)
        self._add_extension(config)
        for name, uri in ASSET_URIS.items():
            listed = config.extra_css if name.endswith(".css") else config.extra_javascript
            if uri not in [str(x) for x in listed]:
                listed.append(uri)
        ship_base(config)  # the shared base (window.AFP), loaded before every script
        return config

    def on_pre_build(self, config):
        if not self.config.enabled:
            return
        folder = self.config.cache_dir.strip()
        self.library.cache = QuizCache(store.Store((self.root / folder) if folder else None))
        problems = self.library.load_all()
        if problems:
            raise PluginError(report(problems))
        log.debug("%d quizzes valid", len(self.library.quizzes))

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
        self._page, self._files, self._use_urls = page, files, config.use_directory_urls
        self._search = "search" in config.plugins or "material/search" in config.plugins
        self._shown = None
        return markdown

    def on_page_content(self, html, page, config, files):
        if not self.config.enabled or self._shown is None:
            return html
        views = self._views[page.file.src_uri] = self._shown.search_views or []
        for whole, search_view in views:
            html = self._swap(html, whole, search_view, page)
        return html

    @event_priority(-100)  # after the search plugin (priority 0) has indexed the search views
    def on_page_context(self, context, page, config, nav):
        if not self.config.enabled:
            return context
        for whole, search_view in self._views.pop(page.file.src_uri, []):
            page.content = self._swap(page.content, search_view, whole, page)
        return context

    def on_env(self, env, config, files):
        if not self.config.enabled:
            return env
        pages = [f.src_uri for f in files.documentation_pages()]
        problems = [
            unshown_problem(key, pages)
            for key, shown in self.library.quizzes.items()
            if not shown.pages
        ]
        if problems:
            raise PluginError(report(problems))
        return env

    def on_post_build(self, config):
        if not self.config.enabled:
            return
        out = Path(config.site_dir) / MANIFEST_URI
        out.parent.mkdir(parents=True, exist_ok=True)
        manifest = self.library.manifest()
        out.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        if not self.serving:  # a serve session's edits come and go: keep what they made
            self.library.cache.prune()

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        if self.library.quizzes_dir.is_dir():
            server.watch(str(self.library.quizzes_dir))
        return server

    # -- helpers -----------------------------------------------------------------------
    def _library(self, config) -> Library:
        if not 0 <= self.config.pass_mark <= 1:
            raise PluginError(
                f"quiz: pass_mark is {self.config.pass_mark} in mkdocs.yml; use a fraction "
                "from 0 to 1 (0.7 means 70%)"
            )
        return Library(
            self.root,
            quizzes_dir=self.config.quizzes_dir,
            code=CodePackage(self.config.code_package, tuple(self.config.code_exclude)),
            strings=strings_from(dict(self.config.strings)),
            pass_mark=self.config.pass_mark,
            # Quiz text looks like the site's own Markdown (code, $math$), quizzes left out.
            extensions=[e for e in config.markdown_extensions if e != "quiz"],
            extension_configs={k: v for k, v in config.mdx_configs.items() if k != "quiz"},
            isolated=self.serving,
        )

    def _add_extension(self, config) -> None:
        """The ``quiz`` extension, configured by this plugin (options go under ``quiz:`` in
        ``plugins``, not under ``markdown_extensions``)."""
        if config.mdx_configs.get("quiz", {}).keys() - {"library", "page", "error"}:
            raise PluginError(
                "quiz: options of the quiz extension go under 'plugins: - quiz:' in "
                "mkdocs.yml (the plugin configures the extension); move them there"
            )
        if "quiz" not in config.markdown_extensions:
            config.markdown_extensions.append("quiz")
        config.mdx_configs["quiz"] = {
            "library": self.library,
            "page": self.page,
            "error": PluginError,  # a clean abort naming the page, not a traceback
        }

    def page(self) -> Page:
        """The page being converted, as the extension needs it (made once per page)."""
        if self._shown is None and self._page is not None:
            page, files = self._page, self._files
            source = Path(page.file.abs_src_path or "")
            self._shown = Page(
                name=f"docs/{page.file.src_uri}",
                url=page.url,
                source=source.read_text(encoding="utf-8") if source.is_file() else None,
                values=page.meta.get("lesson_values"),
                script=page.meta.get("lesson_script", ""),
                extensions=[PageLinks(page, files)],
                key=[page.file.src_uri, self._use_urls, self._site_pages(files)],
                search_views=[] if self._search else None,
            )
        return self._shown or Page()

    def _swap(self, html: str, old: str, new: str, page) -> str:
        if html.count(old) != 1:
            raise PluginError(
                f"docs/{page.file.src_uri}: a quiz on this page was changed by another plugin "
                "after it was placed; it cannot be completed"
            )
        return html.replace(old, new)

    def _site_pages(self, files: Files) -> list[str]:
        """The site's pages (a quiz's links resolve against them), listed once a build."""
        if getattr(self, "_pages_of", (None,))[0] is not files:
            self._pages_of = (files, sorted(f.src_uri for f in files.documentation_pages()))
        return self._pages_of[1]
