"""Sizes of a built site: what each page loads and weighs, inline figures, asset groups.

Page weight is a page's HTML plus every stylesheet, script, image and JSON file it loads,
each gzipped on its own as a static host serves it (``ours_*`` leaves out Material's own
bundle, the same files on every page, cached after the first). The bench reports these
figures; tests/test_budgets.py holds them to bench/budgets.py on the real built site.
"""

from __future__ import annotations

import gzip
import os
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


@lru_cache(maxsize=256)
def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), gz(data)


class _Loads(HTMLParser):
    """What a page loads by itself: stylesheets, scripts, images; and which models its
    attention explorers show first (the script then fetches params.json for the hand-built
    heads, trained.json for the trained model)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.models: set[str] = set()
        self.widget_kinds: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag in ("img", "image") and a.get("src"):
            self.urls.append(a["src"])
        if "attention-explorer" in (a.get("class") or "").split():
            self.models.add("trained" if a.get("data-model") == "trained" else "hand")
        if tag == "figure" and a.get("data-widget"):
            self.widget_kinds.add(a["data-widget"])


MATERIAL_RE = re.compile(r"^assets/(stylesheets|javascripts)/")
EXPLORER_PARAMS = "assets/explorer/params.json"
EXPLORER_TRAINED = "assets/explorer/trained.json"  # fetched only when the trained model shows
WIDGET_KIND = "assets/widgets/{}.js"  # widgets.js fetches the file of each kind a page shows
BASE_JS = "assets/base.js"  # the shared base every script of ours needs (window.AFP)


def page_assets(site: Path, page: Path) -> list[str]:
    """Site-relative paths of the files ``page`` loads when it is opened: its stylesheets,
    scripts and images, and the parameters of the models its explorers show when it opens
    (params.json, trained.json: fetched by the explorer's script). The trained model that a
    learner chooses later with the switch is not counted: opening the page does not fetch it.

    Not counted: the search index and its worker, which Material's search fetches in the
    background once for the whole site (reported on their own row by `make bench`).
    """
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    base = page.parent.relative_to(site).as_posix()
    found: list[str] = []
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("data:"):
            continue
        rel = (
            os.path.normpath(os.path.join(base, parts.path)).lstrip("./")
            if not parts.path.startswith("/")
            else parts.path.lstrip("/")
        )
        if (site / rel).is_file() and rel not in found:
            found.append(rel)
    for model, rel in (("hand", EXPLORER_PARAMS), ("trained", EXPLORER_TRAINED)):
        if model in parser.models and (site / rel).is_file():
            found.append(rel)
    for kind in sorted(parser.widget_kinds):
        if (site / WIDGET_KIND.format(kind)).is_file():
            found.append(WIDGET_KIND.format(kind))
    return found


def page_weight(site: Path, page: Path) -> dict:
    """HTML + everything it loads (raw and gzipped, each file compressed on its own), and
    the same without Material's own bundle (``ours_*``)."""
    html_raw, html_gz = _sizes(page)
    total = {"raw": html_raw, "gz": html_gz, "ours_raw": html_raw, "ours_gz": html_gz}
    assets = page_assets(site, page)
    for rel in assets:
        raw, zipped = _sizes(site / rel)
        total["raw"] += raw
        total["gz"] += zipped
        if not MATERIAL_RE.match(rel):
            total["ours_raw"] += raw
            total["ours_gz"] += zipped
    total["html_raw"], total["html_gz"] = html_raw, html_gz
    total["assets"] = assets
    return total


def site_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site (index.html of each page and 404.html)."""
    return sorted(p for p in site.rglob("*.html") if p.name in ("index.html", "404.html"))


FIGURE_RE = re.compile(r'<figure class="lesson-figure"[^>]*id="([^"]+)"[^>]*>([\s\S]*?)</figure>')
SVG_RE = re.compile(r"<svg(?:\s[^>]*)?>[\s\S]*?</svg>")
VARIANT_RE = re.compile(r'^<svg[^>]*class="lesson-figure__(\w+)"')


def inline_figures(page: Path) -> list[tuple[str, int, int]]:
    """(figure id, raw bytes, gzipped bytes) of every inline SVG lesson figure in a page; a
    figure drawn twice (wide and phone) counts as two, ``fig-x`` and ``fig-x (phone)``."""
    text = page.read_text(encoding="utf-8")
    out = []
    for fid, body in FIGURE_RE.findall(text):
        for svg in SVG_RE.findall(body):
            variant = VARIANT_RE.match(svg)
            wide = not variant or variant.group(1) == "wide"
            out.append(
                (
                    fid if wide else f"{fid} ({variant.group(1)})",
                    len(svg.encode()),
                    gz(svg.encode()),
                )
            )
    return out


def page_sizes(site: Path) -> dict:
    lesson_pages = sorted((site / "lessons").glob("*/index.html"))
    largest = max(lesson_pages, key=lambda p: page_weight(site, p)["ours_gz"], default=None)
    pages = {
        "home": site / "index.html",
        "largest lesson": largest,
        "playground": site / "playground" / "index.html",
    }
    result = {}
    for label, page in pages.items():
        if page is None or not page.is_file():
            continue
        weight = page_weight(site, page)
        result[label] = {
            "page": page.parent.relative_to(site).as_posix() or ".",
            **{k: v for k, v in weight.items() if k != "assets"},
        }
    heaviest = max(site_pages(site), key=lambda p: page_weight(site, p)["ours_gz"])
    result["heaviest page"] = {
        "page": heaviest.relative_to(site).as_posix(),
        **{k: v for k, v in page_weight(site, heaviest).items() if k != "assets"},
    }
    figures = [(page, *f) for page in lesson_pages for f in inline_figures(page)]
    if figures:
        page, fid, raw, zipped = max(figures, key=lambda f: f[2])
        result["largest figure"] = {
            "page": f"{page.parent.relative_to(site).as_posix()}#{fid}",
            "raw": raw,
            "gz": zipped,
            "count": len(figures),
            "total_raw": sum(f[2] for f in figures),
        }
    index = site / "search" / "search_index.json"
    if index.is_file():
        raw, zipped = _sizes(index)
        result["search index"] = {"page": "search/search_index.json", "raw": raw, "gz": zipped}
    return result


def asset_group(site: Path, *rels: str) -> dict:
    raw = zipped = 0
    for rel in rels:
        if (site / rel).is_file():
            r, z = _sizes(site / rel)
            raw, zipped = raw + r, zipped + z
    return {"raw": raw, "gz": zipped}


def quiz_assets() -> dict | None:
    try:
        from plugins.quiz import assets_size
    except ImportError:
        return None
    return assets_size()
