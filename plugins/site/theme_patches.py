"""Changes to Material's own assets and templates.

Two changes to Material's assets take whole-page restyles out of its start-up.

Material's bundle, when it starts (after the page is parsed and painted), does two things
that make the browser restyle every element of the page, in the tasks Lighthouse counts
as Total Blocking Time (20-45 ms each on a lesson here; four times that on Lighthouse's
phone):

- it sets and removes ``data-md-color-switching`` on ``<body>``, and its palette
  stylesheet has a rule ``[data-md-color-switching] *`` (no transitions while colours
  change), so each change restyles every element. The rule moves to
  ``data-course-switching``, which course.js sets only while the reader really switches;
- it inserts a ``<meta name="color-scheme">`` of its own and then fills it in: each step
  is a "platform colour change", a restyle of everything. The palette script in the head
  (overrides/partials/javascripts/palette.html) declares the scheme before first paint
  and course.js keeps it in step with the toggle, so the bundle's element is left out of
  the document (the bundle still writes to it, to no effect).

Each patch matches Material 9.8's files; when a new version no longer has what a patch
looks for, the build warns (and ``--strict`` stops) naming the file, and nothing is
changed. The source map of the bundle is off by the removed characters on one line.
"""

from __future__ import annotations

import re

import jinja2

SWITCHING_ATTRIBUTE = "data-course-switching"
PALETTE_CSS_RE = re.compile(r"^assets/stylesheets/palette\.[0-9a-f]+\.min\.css$")
BUNDLE_JS_RE = re.compile(r"^assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")

_SWITCHING_RULE_RE = re.compile(r"\[data-md-color-switching\](?=\s*(?:\*|:after|:before))")
_SCHEME_META_RE = re.compile(
    r'let (\w+)=(\w+)\("meta",\{name:"color-scheme"\}\);document\.head\.appendChild\(\1\);'
)


def palette_without_startup_restyle(css: str) -> str | None:
    """Material's palette CSS with its "no transitions" rule on our attribute; None when
    the rule is not there (another Material version)."""
    patched, count = _SWITCHING_RULE_RE.subn(f"[{SWITCHING_ATTRIBUTE}]", css)
    return patched if count else None


def bundle_without_scheme_meta(js: str) -> str | None:
    """Material's bundle with its own color-scheme <meta> kept out of the document; None
    when the code is not there (another Material version)."""
    patched, count = _SCHEME_META_RE.subn(r'let \1=\2("meta",{name:"color-scheme"});', js)
    return patched if count == 1 else None


# (file name pattern, patch, what it looks for): applied by the site plugin's on_files
PATCHES = (
    (PALETTE_CSS_RE, palette_without_startup_restyle, "a [data-md-color-switching] rule"),
    (
        BUNDLE_JS_RE,
        bundle_without_scheme_meta,
        'the code that inserts its <meta name="color-scheme">',
    ),
)


# Material's base.html puts autocomplete="off" on its two checkbox toggles (the drawer and
# the search), so that a browser restoring form state does not reopen them; the attribute is
# not allowed on checkboxes (an HTML error on every page). The script in the head of every
# page (overrides/main.html) unchecks both when the page is shown instead.
_TOGGLE_AUTOCOMPLETE_RE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox"'
    r' id="__(?:drawer|search)") autocomplete="off">'
)


def base_without_checkbox_autocomplete(source: str) -> str | None:
    """Material's base.html without autocomplete on its checkboxes; None when the two
    toggles are not written as this patch expects (another Material version)."""
    patched, count = _TOGGLE_AUTOCOMPLETE_RE.subn(r"\1>", source)
    return patched if count == 2 else None


# template name -> (patch, what it looks for): applied by PatchedTemplates
TEMPLATE_PATCHES = {
    "base.html": (
        base_without_checkbox_autocomplete,
        'the drawer and search checkboxes with autocomplete="off"',
    ),
}


class PatchedTemplates(jinja2.BaseLoader):
    """The theme's template loader, with TEMPLATE_PATCHES applied to the templates they
    name; ``warn(template, looks_for)`` is called when a patch no longer applies."""

    def __init__(self, loader: jinja2.BaseLoader, warn):
        self.loader = loader
        self.warn = warn

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if template in TEMPLATE_PATCHES:
            patch, looks_for = TEMPLATE_PATCHES[template]
            patched = patch(source)
            if patched is None:
                self.warn(template, looks_for)
            else:
                source = patched
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()
