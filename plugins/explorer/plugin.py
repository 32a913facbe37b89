"""MkDocs plugin: build the explorer's three heads and ship their parameters with the site.

Events (thin; the model is :mod:`.model`):

- ``on_config``: add the explorer's one JS and one CSS file to every page.
- ``on_files``: build the heads and add ``<assets_dir>/params.json`` as a generated file
  (never committed, so it cannot drift from the code).
- ``on_page_markdown``: on the playground page, replace ``{{ name }}`` with numbers
  computed from the same parameters (what each head does and where it fails).
- ``on_serve``: rebuild when the model (``plugins/explorer/model.py``) changes.

With ``cache_dir`` set, a build keeps the exported parameters and the documented values
(:mod:`plugins.common.store`), keyed by the code of the model and of the course modules it
imports (``lesson_code.attention``) and numpy's version; the next build then neither
imports numpy nor runs the model.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from ..common import store
from ..common.assets import ship_base
from ..common.codekey import code_digest, dependencies
from ..common.pages import PageProblem, where
from ..common.values import fill_markdown
from .config import ExplorerConfig

log = get_plugin_logger(__name__.removeprefix("plugins."))

MODEL = Path(__file__).with_name("model.py")  # the heads; imports lesson_code.attention
COURSE_PACKAGE = "lesson_code"


class ExplorerPlugin(BasePlugin[ExplorerConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.model: dict | None = None  # {"params_json": str, "values": {name: text}}
        self.cache = store.Store(None)
        self.serving = False

    def _asset(self, name: str) -> str:
        return f"{self.config.assets_dir.strip('/')}/{name}"

    def on_config(self, config):
        if not self.config.enabled:
            return
        css, js = self._asset("explorer.css"), self._asset("explorer.js")
        if css not in [str(p) for p in config.extra_css]:
            config.extra_css.append(css)
        if js not in [str(p) for p in config.extra_javascript]:
            config.extra_javascript.append(js)
        ship_base(config)  # the shared base (window.AFP), loaded before every script
        return config

    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        for name in ("explorer.js", "explorer.css"):
            if files.get_file_from_path(self._asset(name)) is None:
                raise PluginError(
                    f"explorer: docs/{self._asset(name)} is missing; the explorer needs its "
                    "JS and CSS next to the generated params.json"
                )
        self.model = self._model(Path(config.config_file_path).resolve().parent)
        uri = self._asset("params.json")
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
            log.warning("docs/%s is generated at build time; the committed copy is ignored", uri)
        files.append(File.generated(config, uri, content=self.model["params_json"]))
        ship_base(config, files)
        log.debug("explorer parameters written to %s", uri)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled or page.file.src_uri != self.config.page:
            return markdown
        if self.model is None:
            self.model = self._model(Path(config.config_file_path).resolve().parent)
        try:
            return fill_markdown(
                markdown,
                self.model["values"],
                "plugins/explorer/model.py documented_values()",
                fix="add the name to its documented_values()",
            )
        except PageProblem as problem:
            raise PluginError(
                f"{where(page, markdown, problem.line)}: explorer: {problem.message}"
            ) from None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_post_build(self, config):
        if self.config.enabled and not self.serving:
            self.cache.prune()  # the entries of older model code

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        server.watch(str(MODEL))
        return server

    def _model(self, root: Path) -> dict:
        """The exported parameters and documented values: kept from an earlier build when
        the model's code and numpy are the same, else computed (and kept)."""
        folder = self.config.cache_dir.strip()
        cache = self.cache = store.Store((root / folder).resolve() if folder else None)
        parent = store.package_parent(root, COURSE_PACKAGE)
        key = None
        if parent is not None:
            code = [MODEL, *dependencies(MODEL, parent, COURSE_PACKAGE)]
            key = store.digest([code_digest(p) for p in code], store.versions("numpy"))
            cached = cache.get("explorer", key)
            if isinstance(cached, dict) and set(cached) == {"params_json", "values"}:
                return cached
        from . import model as heads  # numpy and the model: only when not kept

        params = heads.build_params()
        model = {
            "params_json": heads.export_params(params),
            "values": heads.documented_values(params),
        }
        if key is not None:
            cache.put("explorer", key, model)
        return model
