"""MkDocs plugin of the MathML extension: its cache, and the page line of a formula error.

The extension (:mod:`plugins.mathml`, in ``markdown_extensions``) converts formulas; it has
no build events. This plugin gives it what needs them:

- ``on_config``: fail early when the extension is not enabled.
- ``on_pre_build`` / ``on_post_build``: recall the conversions a past build kept under
  ``cache_dir`` and keep this build's (pages' and quizzes' formulas alike).
- ``on_page_markdown``: remember which page is being converted.
- ``on_build_error``: a formula that failed gets that page's file and line.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from ..common import store
from . import FormulaError, keep, recall
from .config import MathMLConfig

EXTENSION = "plugins.mathml"


class MathMLPlugin(BasePlugin[MathMLConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.store = store.Store(None)
        self.serving = False
        self.page_source: tuple[str, str] | None = None  # (src_uri, path) being converted

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        if not self.config.enabled:
            return config
        if EXTENSION not in config.markdown_extensions:
            raise PluginError(
                f"mathml: the plugin needs the Markdown extension; add '- {EXTENSION}' to "
                "markdown_extensions in mkdocs.yml"
            )
        root = Path(config.config_file_path).resolve().parent
        folder = self.config.cache_dir.strip()
        self.store = store.Store((root / folder).resolve() if folder else None)
        return config

    @event_priority(100)  # before any plugin renders Markdown (quizzes in their pre_build)
    def on_pre_build(self, config):
        if self.config.enabled:
            recall(self.store)

    def on_page_markdown(self, markdown, page, config, files):
        path = page.file.abs_src_path
        self.page_source = (page.file.src_uri, path) if path else None
        return markdown

    @event_priority(-150)  # after every plugin has rendered, before the site is swapped in
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        keep(self.store)
        if not self.serving:
            self.store.prune()

    def on_build_error(self, *, error):
        """MkDocs converts a page right after ``on_page_markdown``, so the page is the last
        one seen; a formula that is not in its source (one in a quiz file) keeps its message.
        """
        if not (isinstance(error, FormulaError) and error.tex and self.page_source):
            return
        src, path = self.page_source
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError:
            return
        at = source.find(error.tex)
        if at >= 0:
            error.message = f"docs/{src}:{source.count(chr(10), 0, at) + 1}: {error.message}"
