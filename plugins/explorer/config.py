"""Typed configuration of the attention explorer plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class ExplorerConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Where the generated parameters go in the site (the JS loads "params.json" next to
    # itself, so keep these three in one folder)
    assets_dir = c.Type(str, default="assets/explorer")
    # The page whose {{ name }} placeholders are filled with numbers computed by
    # plugins.explorer.model.documented_values (relative to docs_dir)
    page = c.Type(str, default="playground/index.md")

    # A folder (relative to mkdocs.yml) where a build keeps the exported parameters for the
    # next build (named by a hash of the model's code; none goes stale). Empty: off.
    cache_dir = c.Type(str, default="")
