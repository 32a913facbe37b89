"""Typed configuration of the MathML plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MathMLConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Where a build keeps its conversions for the next one, relative to mkdocs.yml;
    # "" converts every formula on every build
    cache_dir = c.Type(str, default=".cache/mathml")
