"""MkDocs plugin: build the explorer's three heads and ship their parameters with the site.

Events (thin; the model is ``lesson_code.explorer``):

- ``on_config``: add the explorer's one JS and one CSS file to every page.
- ``on_files``: build the heads and add ``<assets_dir>/params.json`` as a generated file
  (never committed, so it cannot drift from the code).
- ``on_page_markdown``: on the playground page, replace ``{{ name }}`` with numbers
  computed from the same parameters (what each head does and where it fails).
- ``on_serve``: rebuild when ``lesson_code/explorer.py`` changes.

With ``cache_dir`` set, a build keeps the exported parameters and the documented values
(:mod:`plugins.store`), keyed by the course code the model imports and numpy's version;
the next build then neither imports numpy nor runs the model.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import store
from ..common.assets import ship_base
from ..lessons.cache import module_dependencies
from .config import ExplorerConfig

log = get_plugin_logger(__name__.removeprefix("plugins."))

MODEL = "lesson_code.explorer"
VALUE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")


def fill_values(markdown: str, values: dict[str, str], page: str, offset: int = 0) -> str:
    """Replace ``{{ name }}`` outside fenced code; an unknown name is a clean error.

    ``offset``: lines before ``markdown`` in the source file (front matter), for messages.
    """
    lines = markdown.split("\n")
    fence = None
    for i, line in enumerate(lines):
        m = FENCE_RE.match(line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue

        def replace(match: re.Match, line_no: int = i + 1 + offset) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            close = difflib.get_close_matches(name, list(values), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            raise PluginError(
                f"{page}:{line_no}: explorer: unknown value {{{{ {name} }}}}{hint} "
                f"(lesson_code/explorer.py documented_values() records: "
                f"{', '.join(sorted(values))})"
            )

        lines[i] = VALUE_RE.sub(replace, line)
    return "\n".join(lines)


class ExplorerPlugin(BasePlugin[ExplorerConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.model: dict | None = None  # {"params_json": str, "values": {name: text}}

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
        return fill_values(
            markdown,
            self.model["values"],
            f"docs/{page.file.src_uri}",
            offset=_front_matter_lines(page, markdown),
        )

    def on_serve(self, server, config, builder):
        if not self.config.enabled:
            return server
        parent = store.package_parent(
            Path(config.config_file_path).resolve().parent, MODEL.split(".")[0]
        )
        if parent is not None:
            server.watch(str(parent.joinpath(*MODEL.split(".")).with_suffix(".py")))
        return server

    def _model(self, root: Path) -> dict:
        """The exported parameters and documented values: kept from an earlier build when
        the model's code and numpy are the same, else computed (and kept)."""
        folder = self.config.cache_dir.strip()
        cache = store.Store((root / folder).resolve() if folder else None)
        parent = store.package_parent(root, MODEL.split(".")[0])
        key = None
        if parent is not None:
            key = store.digest(
                module_dependencies([MODEL], parent, MODEL.split(".")[0]),
                store.versions("numpy"),
            )
            cached = cache.get("explorer", key)
            if isinstance(cached, dict) and set(cached) == {"params_json", "values"}:
                return cached
        from lesson_code import explorer  # numpy and the model: only when not kept

        params = explorer.build_params()
        model = {
            "params_json": explorer.export_params(params),
            "values": explorer.documented_values(params),
        }
        if key is not None:
            cache.put("explorer", key, model)
        return model


def _front_matter_lines(page, markdown: str) -> int:
    """Lines MkDocs removed from the top of the source (front matter) before the event."""
    path = page.file.abs_src_path
    if not path or not Path(path).is_file():
        return 0
    source = Path(path).read_text(encoding="utf-8")
    return max(0, source.count("\n") - markdown.count("\n"))
