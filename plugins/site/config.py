"""Typed configuration of the site plugin (what is about the whole built site)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class SiteConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # One stylesheet: the site's own extra_css files (including those other plugins add)
    # are linked as this one file, their concatenation; "" links each file on its own.
    stylesheet = c.Type(str, default="assets/site.css")

    # Content security policy <meta> in every built page (off under `mkdocs serve`,
    # whose live-reload script is injected inline)
    csp = c.Type(bool, default=True)

    # Build into a folder beside site_dir and swap it in only when the build succeeded
    # (off under `mkdocs serve` and `--dirty`, which keep MkDocs' own behaviour)
    staging = c.Type(bool, default=True)

    # The dark rules for pages without JavaScript, kept for the next build, keyed by the
    # stylesheets they come from and the code that writes them ("" keeps nothing)
    cache_dir = c.Type(str, default="")
