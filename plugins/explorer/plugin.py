"""MkDocs plugin: build the explorer's three heads and ship their parameters with the site.

Events (thin; the model is :mod:`.model`):

- ``on_config``: add the explorer's one JS and one CSS file to every page.
- ``on_files``: build the heads and add ``<assets_dir>/params.json`` as a generated file
  (never committed, so it cannot drift from the code); export the model trained in the
  build (:mod:`.trained`) as ``<assets_dir>/trained.json`` the same way.
- ``on_page_markdown``: on the playground page, replace ``{{ name }}`` with numbers
  computed from the same parameters (what each head does and where it fails), and from
  the trained model's export (what its heads were measured to do).
- ``on_serve``: rebuild when the models (``model.py``, ``trained.py``) change.

With ``cache_dir`` set, a build keeps the exported parameters and the documented values
(:mod:`plugins.common.store`), keyed by the code of the model and of the course modules it
imports (``lesson_code.attention``) and numpy's version; the next build then neither
imports numpy nor runs the model. The trained model's export is kept the same way under its
own key: the code of ``trained.py``, ``model.py`` (the tokenizer) and every module of
``lesson_code`` they import (``lesson_code.learned``, whose code also names the weights on
disk); a warm build neither imports ``lesson_code.learned`` nor trains.
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
TRAINED = Path(__file__).with_name("trained.py")  # the export; imports lesson_code.learned
COURSE_PACKAGE = "lesson_code"


class ExplorerPlugin(BasePlugin[ExplorerConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.model: dict | None = None  # {"params_json": str, "values": {name: text}}
        self.trained: dict | None = None  # {"trained_json": str, "values": {name: text}}
        self.cache: store.Store | None = None  # opened by the first use in a build
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
        root = Path(config.config_file_path).resolve().parent
        self.cache = None  # a new build: a new record of the entries it uses
        self.model = self._model(root)
        self.trained = self._trained(root)
        for name, content in (
            ("params.json", self.model["params_json"]),
            ("trained.json", self.trained["trained_json"]),
        ):
            uri = self._asset(name)
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
                log.warning(
                    "docs/%s is generated at build time; the committed copy is ignored", uri
                )
            files.append(File.generated(config, uri, content=content))
            log.debug("explorer parameters written to %s", uri)
        ship_base(config, files)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled or page.file.src_uri != self.config.page:
            return markdown
        root = Path(config.config_file_path).resolve().parent
        if self.model is None or self.trained is None:
            self.model = self._model(root)
        if self.trained is None:
            self.trained = self._trained(root)
        try:
            return fill_markdown(
                markdown,
                {**self.model["values"], **self.trained["values"]},
                "plugins/explorer/model.py or trained.py documented_values()",
                fix="add the name to one of their documented_values()",
            )
        except PageProblem as problem:
            raise PluginError(
                f"{where(page, markdown, problem.line)}: explorer: {problem.message}"
            ) from None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_post_build(self, config):
        if self.config.enabled and not self.serving and self.cache is not None:
            self.cache.prune()  # the entries of older model code

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        server.watch(str(MODEL))
        server.watch(str(TRAINED))
        return server

    def _key(self, root: Path, sources: list[Path]) -> str | None:
        """The cache key of what ``sources`` compute: their code, the code of every module
        of the course package they import, and numpy's version (None: no package found)."""
        parent = store.package_parent(root, COURSE_PACKAGE)
        if parent is None:
            return None
        code = set(sources)
        for source in sources:
            code.update(dependencies(source, parent, COURSE_PACKAGE))
        return store.digest([code_digest(p) for p in sorted(code)], store.versions("numpy"))

    def _kept(self, root: Path, name: str, sources: list[Path], make, fields: set[str]) -> dict:
        """``make()``'s result (a dict with ``fields``), kept in the store under ``name`` and
        reused by a later build while the code of ``sources`` (and what they import) and
        numpy are the same; a kept entry of another shape is made again."""
        key = self._key(root, sources)
        if key is not None:
            cached = self._store(root).get(name, key)
            if isinstance(cached, dict) and set(cached) == fields:
                return cached
        result = make()
        if key is not None:
            self._store(root).put(name, key, result)
        return result

    def _trained(self, root: Path) -> dict:
        """trained.json and the trained model's documented values (loading or training the
        model only when not kept)."""

        def make() -> dict:
            from . import trained  # lesson_code.learned and the weights: only when not kept

            export = trained.build_export()
            return {
                "trained_json": trained.export_trained(export),
                "values": trained.documented_values(export),
            }

        fields = {"trained_json", "values"}
        return self._kept(root, "explorer-trained", [TRAINED, MODEL], make, fields)

    def _store(self, root: Path) -> store.Store:
        """The store of this build (one per build: it records what the build used)."""
        if self.cache is None:
            folder = self.config.cache_dir.strip()
            self.cache = store.Store((root / folder).resolve() if folder else None)
        return self.cache

    def _model(self, root: Path) -> dict:
        """The exported parameters and documented values of the hand-built heads (numpy
        and the model imported only when not kept)."""

        def make() -> dict:
            from . import model as heads

            params = heads.build_params()
            return {
                "params_json": heads.export_params(params),
                "values": heads.documented_values(params),
            }

        return self._kept(root, "explorer", [MODEL], make, {"params_json", "values"})
