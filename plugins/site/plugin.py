"""MkDocs plugin: what is about the whole built site, not one page.

- ``on_config`` (after the other plugins'): the build goes to a staging folder beside
  ``site_dir`` (:mod:`.output`), and the site's own stylesheets are linked as one file
  (:mod:`.stylesheets`).
- ``on_files`` (after the other plugins', so their stylesheets are there): writes that
  file, and serves Material's palette CSS and bundle without their start-up restyles
  (:mod:`.theme_patches`); the dark-scheme rules are repeated for pages without
  JavaScript (:mod:`.no_js_dark`; kept in ``cache_dir`` while the stylesheets are unchanged).
- ``on_env``: Material's templates are read with the patches of :mod:`.theme_patches`
  (no attribute the HTML standard does not allow).
- ``on_post_build`` (last): the content security policy of every page (:mod:`.csp`), then
  the staged site replaces the last good one.
- ``on_build_error``: the staged site is dropped; the last good one stays.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from ..common import store
from ..common.assets import ship_base
from . import csp, no_js_dark, output, stylesheets, theme_patches
from .config import SiteConfig

log = get_plugin_logger(__name__.removeprefix("plugins."))


class SitePlugin(BasePlugin[SiteConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.serving = False
        self.dirty = False
        self.staging: output.Staging | None = None
        self.stylesheet_sources: list[str] = []
        self.store = store.Store(None)

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty

    @event_priority(-100)  # after the other plugins have added their stylesheets
    def on_config(self, config):
        self.staging = None
        self.stylesheet_sources = []
        if not self.config.enabled:
            return config
        folder = self.config.cache_dir.strip()
        root = Path(config.config_file_path).resolve().parent
        self.store = store.Store((root / folder).resolve() if folder else None)
        ship_base(config)  # the site's own scripts (course.js, widgets.js) need window.AFP
        if self.config.staging and not (self.serving or self.dirty):
            # the site is written beside site_dir and replaces it only when all went well
            self.staging = output.Staging(config.site_dir)
            config.site_dir = self.staging.begin()
        if self.config.stylesheet:
            self.stylesheet_sources = stylesheets.take_local(
                config.extra_css, self.config.stylesheet
            )
        return config

    @event_priority(-100)  # after the other plugins have added their files
    def on_files(self, files: Files, config):
        if not self.config.enabled:
            return files
        ship_base(config, files)
        if self.stylesheet_sources:
            if files.get_file_from_path(self.config.stylesheet) is not None:
                raise PluginError(
                    f"site: docs/{self.config.stylesheet} would be overwritten by the "
                    "combined stylesheet; rename it, or set the site plugin's "
                    "'stylesheet' option to another path"
                )
            content = stylesheets.combine(files, self.stylesheet_sources)
            theme = [
                f.content_string for f in files if theme_patches.PALETTE_CSS_RE.match(f.src_uri)
            ]
            content += self._no_js_dark("\n".join([*theme, content]))
            files.append(File.generated(config, self.config.stylesheet, content=content))
        self._patch_theme(files, config)
        return files

    def _no_js_dark(self, css: str) -> str:
        """:func:`no_js_dark.rules` of ``css``, kept from a build with the same stylesheets
        and code (parsing them is a tenth of a second of every build)."""
        key = store.digest(store.digest(Path(no_js_dark.__file__)), store.versions("tinycss2"), css)
        kept = self.store.get("no-js-dark", key)
        if isinstance(kept, str):
            return kept
        rules = no_js_dark.rules(css)
        self.store.put("no-js-dark", key, rules)
        return rules

    def _patch_theme(self, files: Files, config) -> None:
        """Serve Material's palette stylesheet and bundle without their start-up restyles."""
        for pattern, patch, looks_for in theme_patches.PATCHES:
            for file in [f for f in files if pattern.match(f.src_uri)]:
                patched = patch(file.content_string)
                if patched is None:
                    log.warning(
                        "site: %s no longer has %s (a new Material version?); update "
                        "plugins/site/theme_patches.py for it",
                        file.src_uri,
                        looks_for,
                    )
                    continue
                files.remove(file)
                files.append(File.generated(config, file.src_uri, content=patched))

    def on_env(self, env, config, files):
        """Render Material's templates with theme_patches.TEMPLATE_PATCHES applied."""
        if not self.config.enabled:
            return env

        def warn(template, looks_for):
            log.warning(
                "site: Material's %s no longer has %s (a new Material version?); update "
                "plugins/site/theme_patches.py for it",
                template,
                looks_for,
            )

        env.loader = theme_patches.PatchedTemplates(env.loader, warn)
        if env.cache is not None:
            env.cache.clear()  # a template loaded before the patch is not reused
        return env

    def on_build_error(self, *, error):
        if self.staging is not None:
            self.staging.abandon()
            self.staging = None

    @event_priority(-200)  # last: the site is complete once every plugin has written to it
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        if not self.serving:  # serve's edits come and go: keep what they made
            self.store.prune()
        if self.config.csp and not self.serving:
            pages = csp.apply(Path(config.site_dir))
            log.debug("content security policy added to %d pages", pages)
        if self.staging is not None:
            final = self.staging.final
            if self.staging.commit(config.strict):
                config.site_dir = str(final)
                self.staging = None
