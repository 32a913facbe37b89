"""Course figures as SVG: themed (neutral colours follow the page) and compacted.

``report.style()`` makes matplotlib draw text, axes and grid in four sentinel colours;
:func:`themed_svg` renders a figure and swaps them for Material's CSS variables, so one
SVG serves the light and the dark colour scheme. :func:`compact_svg` then writes the
same drawing in fewer bytes and elements (figures are inlined in the page).
"""

from __future__ import annotations

import io
import re

# Sentinel colours: matplotlib draws text, axes and grid in these, and the SVG writer
# swaps them for CSS variables so the figure follows Material's light/dark palette.
FG = "#010203"
FG_LIGHT = "#040506"
FG_LIGHTEST = "#070809"
BG = "#0a0b0c"
THEME_COLOURS = {
    FG: "var(--md-default-fg-color)",
    FG_LIGHT: "var(--md-default-fg-color--light)",
    FG_LIGHTEST: "var(--md-default-fg-color--lightest)",
    BG: "var(--md-default-bg-color)",
}

_NUMBER_RE = re.compile(r"-?\d+\.\d{3,}")
_GEOMETRY_RE = re.compile(r'(?<![\w-])(d|x|y|width|height|transform|points)="([^"]*)"')
_PATH_CMD_RE = re.compile(r"\s*([MLHVCSQTAZmlhvcsqtaz])\s*")
_REF_RE = re.compile(r'url\(#([^)"]+)\)|href="#([^"]+)"')
_G_RE = re.compile(r"<g(\s[^>]*)?>|</g>")


def _round(match: re.Match) -> str:
    text = f"{float(match.group()):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _geometry(match: re.Match) -> str:
    name, value = match.groups()
    value = _NUMBER_RE.sub(_round, value)
    if name == "d":
        value = _PATH_CMD_RE.sub(r"\1", " ".join(value.split()))
    return f'{name}="{value}"'


def _unwrap_groups(svg: str) -> str:
    """Drop <g> elements without attributes (keep their children)."""
    out, stack, pos = [], [], 0
    for m in _G_RE.finditer(svg):
        tag = m.group(0)
        if tag == "</g>":
            piece = tag if stack.pop() else ""
        else:
            attrs = (m.group(1) or "").strip()
            if attrs.endswith("/"):  # <g .../> has no children
                continue
            stack.append(bool(attrs))
            piece = tag if attrs else ""
        out += [svg[pos : m.start()], piece]
        pos = m.end()
    out.append(svg[pos:])
    return "".join(out)


_RUN_RE = re.compile(r'(?:<path d="[^"]*"( clip-path="[^"]*")?( style="[^"]*")?/>){3,}')
_PATH_RE = re.compile(r'<path d="([^"]*)"( clip-path="[^"]*")?( style="[^"]*")?/>')


def _group_runs(svg: str) -> str:
    """Runs of paths with the same clip and style (a grid of cells) share them in a <g>."""

    def regroup(match: re.Match) -> str:
        out, run, key = [], [], None
        for m in _PATH_RE.finditer(match.group(0)):
            attrs = (m.group(2) or "") + (m.group(3) or "")
            if attrs != key:
                out.append(_one_group(run, key))
                run, key = [], attrs
            run.append(m.group(1))
        out.append(_one_group(run, key))
        return "".join(out)

    return _RUN_RE.sub(regroup, svg)


def _one_group(paths: list[str], attrs: str | None) -> str:
    if not paths:
        return ""
    # opacity (unlike fill, stroke and their -opacity) is not inherited: keep it per path
    if len(paths) < 3 or not attrs or re.search(r"(?<![\w-])opacity:", attrs):
        return "".join(f'<path d="{d}"{attrs or ""}/>' for d in paths)
    return f"<g{attrs}>" + "".join(f'<path d="{d}"/>' for d in paths) + "</g>"


def compact_svg(svg: str) -> str:
    """The same drawing in fewer bytes and elements.

    Drops matplotlib's metadata, the font list on every label (text takes the page's font,
    as intended by ``svg.fonttype: none``), ids nothing refers to (matplotlib writes
    ``figure_1``, ``axes_1``... in every figure: duplicates once two share a page) and the
    groups left without attributes; rounds coordinates to 0.01 (of a ~400 unit viewBox),
    writes path data and styles without padding, and lets runs of paths drawn alike (the
    cells of a grid) share their clip and style through one group.
    """
    svg = re.sub(r"<metadata>[\s\S]*?</metadata>", "", svg)
    svg = re.sub(r"font-family:[^;\"]*;?\s*", "", svg)
    used = {a or b for a, b in _REF_RE.findall(svg)}
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    svg = _unwrap_groups(svg)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    svg = _GEOMETRY_RE.sub(_geometry, svg)
    svg = re.sub(
        r'style="([^"]*)"',
        lambda m: 'style="' + re.sub(r"\s*([:;])\s*", r"\1", m.group(1)).strip(";") + '"',
        svg,
    )
    svg = re.sub(r'href="data:[^"]*"', lambda m: "".join(m.group(0).split()), svg)
    return _group_runs(re.sub(r">\s+<", "><", svg).strip())


def themed_svg(fig, salt: str) -> str:
    """Render ``fig`` to an inline-ready SVG string whose neutral colours are CSS variables.

    ``salt`` makes matplotlib's generated ids unique to this figure (the runner passes
    ``"<slug>-<name>"``). The result is one line: a raw HTML block in Markdown ends at a
    blank line.
    """
    import matplotlib as mpl

    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype
    # matplotlib's global "*{stroke-linejoin: round}" rule would leak into the page
    svg = re.sub(r"<style[^>]*>[\s\S]*?</style>", "", svg)
    for sentinel, css in THEME_COLOURS.items():
        svg = re.sub(re.escape(sentinel), css, svg, flags=re.IGNORECASE)
    # Scale with the column: drop the fixed size in points, keep the viewBox.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg, count=1)
    return compact_svg(svg)
