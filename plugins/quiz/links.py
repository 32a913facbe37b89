"""Links in quiz text to ``.md`` files, pointed at the pages they name (MkDocs only).

MkDocs does this for a page's own Markdown; quiz text is rendered by its own Markdown
instance, so :class:`PageLinks` (one more extension for it) resolves links relative to the
page the quiz is shown on. A link to a missing page is a warning (an error under
``--strict``), as for pages.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

log = get_plugin_logger("quiz")


class PageLinks(Extension):
    def __init__(self, page, files: Files):
        super().__init__()
        self.page = page
        self.files = files

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_LinkFixer(md, self.page, self.files), "quiz_links", 1)


class _LinkFixer(Treeprocessor):
    def __init__(self, md, page, files: Files):
        super().__init__(md)
        self.page = page
        self.files = files

    def run(self, root):
        for element in root.iter("a"):
            href = element.get("href")
            if href:
                element.set("href", self.fix(href))
        return None

    def fix(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or not parts.path.endswith(".md"):
            return url
        base = posixpath.dirname(self.page.file.src_uri)
        target = posixpath.normpath(posixpath.join(base, parts.path.lstrip("/")))
        file = self.files.get_file_from_path(target)
        if file is None:
            log.warning(
                "docs/%s: a quiz on this page links to '%s', which is not a page of the site",
                self.page.file.src_uri,
                url,
            )
            return url
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return file.url_relative_to(self.page.file) + fragment
