"""One stylesheet request for all of the site's own CSS.

The course's and the widgets' stylesheets (``extra_css`` in mkdocs.yml), the quiz's and the
explorer's (added by their plugins) would each be a render-blocking request before the
first paint of every page. The site plugin links one file instead, their concatenation
in the same order, so the cascade is unchanged. The separate files are still built (size
budgets and tests read them); no page links them. One file on every page also means a
page reached by instant navigation, which never loads stylesheets of its own, is styled:
the playground's explorer when the learner comes from the home page, for example.

Only the site's own files are combined (an absolute URL or a stylesheet on another host
stays a link of its own). The combined file lives in another folder than some of its
sources, so a source may not use a relative ``url()`` or ``@import``.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

# url( or @import followed by a relative reference (not data:, not a scheme, not /, not #);
# possessive quantifiers, so a quote is never given back to let the look-ahead see it
RELATIVE_REF_RE = re.compile(
    r"""(?:url\(|@import\s*+(?:url\()?+)\s*+['"]?+(?![a-z][a-z0-9+.-]*:|/|#|\))""",
    re.IGNORECASE,
)


def is_local(path: str) -> bool:
    """Whether an ``extra_css`` entry is a file of this site (no scheme, host or root)."""
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|/)", path, re.IGNORECASE)


def take_local(extra_css: list, combined: str) -> list[str]:
    """Replace the site's own entries of ``extra_css``, in place, with ``combined``.

    ``combined`` takes the place of the first one (other entries keep their order around
    it). Returns the replaced paths in their order; nothing changes when there are none.
    """
    paths = [str(entry) for entry in extra_css]
    local = [path for path in paths if is_local(path) and path != combined]
    if not local:
        return []
    first = paths.index(local[0])
    kept = [
        entry
        for entry, path in zip(extra_css, paths, strict=True)
        if path not in local and path != combined
    ]
    extra_css[:] = kept[:first] + [combined] + kept[first:]
    return local


def combine(files: Files, sources: list[str]) -> str:
    """The text of ``sources`` (site paths, as in ``extra_css``), one after the other.

    Each part starts with a comment naming its source. A missing source or one with a
    relative ``url()``/``@import`` stops the build with a message that says which.
    """
    parts = []
    for path in sources:
        file = files.get_file_from_path(path)
        if file is None:
            raise PluginError(
                f"site: {path} is listed in extra_css but no such file is built "
                "(check the path in mkdocs.yml, or the plugin that adds it)"
            )
        text = file.content_string
        if RELATIVE_REF_RE.search(text):
            raise PluginError(
                f"site: {path} uses a relative url() or @import; it is served combined "
                "with the other stylesheets from another folder, where that reference "
                "would break: inline the resource (data: URL) or use a path from the "
                "site root"
            )
        parts.append(f"/* ---- {path} ---- */\n{text.rstrip()}\n")
    return "\n".join(parts)
