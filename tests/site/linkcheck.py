"""Check the links of a built site on its output: every internal link and anchor resolves."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag in ("a", "link") and attrs.get("href"):
            self.refs.append((tag, attrs["href"]))
        if tag in ("img", "script", "source", "iframe") and attrs.get("src"):
            self.refs.append((tag, attrs["src"]))


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def target_file(site: Path, page: Path, url_path: str) -> Path:
    base = page.parent.relative_to(site).as_posix()
    joined = posixpath.normpath(posixpath.join(base, unquote(url_path))) if url_path else \
        page.relative_to(site).as_posix()
    target = site / joined
    if target.is_dir() or url_path.endswith("/"):
        target = target / "index.html"
    return target


def check_site(site: Path) -> tuple[list[str], list[str]]:
    """(broken internal links, external links) over every HTML page of ``site``."""
    parsed = {page: parse(page) for page in site.rglob("*.html")}
    broken, external = [], set()
    for page, links in parsed.items():
        where = page.relative_to(site).as_posix()
        if where == "404.html":
            continue  # its links are absolute to wherever the site is hosted
        for tag, ref in links.refs:
            url = urlparse(ref)
            if url.scheme in ("http", "https"):
                external.add(ref)
                continue
            if url.scheme or ref.startswith(("//", "javascript:")):
                if url.scheme not in ("mailto", "data"):
                    broken.append(f"{where}: unexpected link {ref}")
                continue
            target = target_file(site, page, url.path)
            if not target.is_file():
                broken.append(f"{where}: <{tag}> {ref} -> missing {target.relative_to(site)}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{where}: {ref} -> no anchor #{url.fragment}")
    return broken, sorted(external)
