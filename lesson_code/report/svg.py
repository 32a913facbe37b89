"""Course figures as SVG: themed (neutral colours follow the page) and compacted.

``report.style()`` makes matplotlib draw text, axes and grid in four sentinel colours;
:func:`themed_svg` renders a figure and swaps them for Material's CSS variables, so one
SVG serves the light and the dark colour scheme. :func:`compact_svg` then writes the
same drawing in fewer bytes and elements (figures are inlined in the page).

A page shows a figure at the width of its column, so a figure's text is as large as its
font size times column width / viewBox width. :func:`phone_svg` draws the same figure a
second time for a phone: narrower, its small text raised until :func:`rendered_text_px`
at a 390 px phone's column is at least ``PHONE_MIN_TEXT_PX``.
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

# The figure column of a 390 px wide phone: the page less Material's 0.8rem (16 px) margins.
PHONE_COLUMN_PX = 358
PHONE_MIN_TEXT_PX = 11.5  # DESIGN.md asks for 11 CSS px; a little margin for rounding
PHONE_WIDTH_IN = 5.0  # the phone drawing's width: 360 pt, about one pt per CSS px
_FONT_RE = re.compile(r"font(?:-size)?:\s*([\d.]+)px")
_VIEWBOX_RE = re.compile(r'<svg[^>]*?viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')
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


def rendered_text_px(svg: str, column_px: float = PHONE_COLUMN_PX) -> float:
    """The smallest text of ``svg`` in CSS px when it fills a column ``column_px`` wide.

    Text sizes are in viewBox units (matplotlib writes ``font-size:11px``, 1 unit = 1 pt);
    the page scales the viewBox to the column. No text: infinity.
    """
    sizes = [float(x) for x in _FONT_RE.findall(svg)]
    width = float(_VIEWBOX_RE.search(svg).group(1))
    return min(sizes, default=float("inf")) * column_px / width


def phone_svg(fig, salt: str) -> str:
    """``fig`` drawn again for a 390 px phone: :func:`themed_svg` of a narrower figure.

    Panels side by side are stacked in one column (:func:`_one_column`); the figure becomes
    ``PHONE_WIDTH_IN`` wide (its height kept, so it gets taller rather than flatter) and
    every text smaller than ``PHONE_MIN_TEXT_PX`` at that width is raised to it; a legend
    wider than the figure goes to one column, a label or title wider than it wraps at its
    spaces, and the axes make room for the bigger text (the figure's own layout engine, or
    ``tight_layout``). Mathtext sub- and superscripts, drawn smaller than their text, are
    raised in the SVG itself. Changes ``fig``: call it after the figure's own drawing is
    saved. Raises ``ValueError`` when the text still does not fit (the drawing comes out
    much wider than the figure: too dense for a phone; give it fewer panels or less text).
    """
    import matplotlib.text

    width, height = fig.get_size_inches()
    height *= _one_column(fig, width, height)
    fig.set_size_inches(min(width, PHONE_WIDTH_IN), height)
    floor = PHONE_MIN_TEXT_PX * PHONE_WIDTH_IN * 72 / PHONE_COLUMN_PX
    for ax in fig.axes:  # tick labels: ticks made at draw time take the axis' size
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = [t for t in axis.get_ticklabels(which="both") if t.get_text()]
            if labels and min(t.get_fontsize() for t in labels) < floor:
                ax.tick_params(axis=name, which="both", labelsize=floor)
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_text() and text.get_fontsize() < floor:
            text.set_fontsize(floor)
    _fit_to_width(fig)
    svg = themed_svg(fig, salt)
    view = float(_VIEWBOX_RE.search(svg).group(1))
    if view > 1.25 * PHONE_WIDTH_IN * 72:
        raise ValueError(
            f"figure {salt!r}: drawn for a phone it comes out {view:.0f} pt wide, not "
            f"{PHONE_WIDTH_IN * 72:.0f}: its text does not fit, and at the phone's column "
            f"width it would be under {PHONE_MIN_TEXT_PX} CSS px; draw fewer panels or less text"
        )
    need = PHONE_MIN_TEXT_PX * view / PHONE_COLUMN_PX  # in viewBox units

    def raise_to_need(match: re.Match) -> str:
        size = float(match.group(1))
        return (
            match.group(0)
            if size >= need
            else match.group(0).replace(match.group(1), f"{need:.2f}")
        )

    return _FONT_RE.sub(raise_to_need, svg)


def _without_layout_engine(fig) -> bool:
    """No engine lays ``fig`` out when drawn (``fig.tight_layout()`` leaves a placeholder)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    return isinstance(fig.get_layout_engine(), type(None) | PlaceHolderLayoutEngine)


def _one_column(fig, width: float, height: float) -> float:
    """Stack panels laid side by side (one grid of ``plt.subplots`` / ``add_gridspec``) in one
    column, in reading order; return how many times taller the figure should become.

    Left alone (returns 1): a figure with one column already, panels spanning several
    columns, panels from several grids, or colorbars placed by hand in a figure without a
    layout engine (nothing would move them along). Panels that shared a y axis get their
    tick labels back, as each now stands alone in its row.
    """
    panels = [ax for ax in fig.axes if getattr(ax, "_colorbar", None) is None]
    specs = [ax.get_subplotspec() for ax in panels]
    if not panels or any(spec is None for spec in specs):
        return 1.0
    grids = {id(spec.get_topmost_subplotspec().get_gridspec()) for spec in specs}
    grid = specs[0].get_topmost_subplotspec().get_gridspec()
    loose_bars = any(
        getattr(ax, "_colorbar", None) is not None and ax.get_subplotspec() is None
        for ax in fig.axes
    )
    if (
        len(grids) != 1
        or grid.ncols < 2
        or any(spec.get_gridspec() is not grid for spec in specs)
        or any(spec.colspan.stop - spec.colspan.start != 1 for spec in specs)
        or any(spec.rowspan.stop - spec.rowspan.start != 1 for spec in specs)
        or (loose_bars and _without_layout_engine(fig))
    ):
        return 1.0
    order = sorted(
        range(len(panels)), key=lambda i: (specs[i].rowspan.start, specs[i].colspan.start)
    )
    column = fig.add_gridspec(len(panels), 1)
    for row, i in enumerate(order):
        panels[i].set_subplotspec(column[row])
        panels[i].tick_params(labelleft=True)
    # keep each panel's shape as it grows to the phone's width, less a quarter
    panel_height = height / grid.nrows
    grown = panel_height * PHONE_WIDTH_IN / (width / grid.ncols) * 0.75
    return len(panels) * max(panel_height, grown) / height


_MATH_RE = re.compile(r"\$[^$]*\$")


def _wrapped(text: str, length: float, limit: float) -> str:
    """``text`` broken at spaces into lines about ``limit`` long (it is ``length`` long);
    mathtext (``$...$``) is never broken."""
    import math
    import textwrap

    protected = _MATH_RE.sub(lambda m: m.group().replace(" ", "\0"), text)
    lines = math.ceil(length / limit)
    chars = max(8, math.ceil(len(text) / lines * 1.05))
    return "\n".join(
        textwrap.wrap(protected, chars, break_long_words=False, break_on_hyphens=False)
    ).replace("\0", " ")


def _narrow_legend(ax, renderer, limit: float) -> None:
    """A legend wider than ``limit`` is made again with as many columns as fit (a legend's
    columns cannot be changed once it is made), where it was."""
    legend = ax.get_legend()
    if legend is None or legend.get_window_extent(renderer).width <= limit:
        return
    options = {
        "handles": legend.legend_handles,
        "labels": [t.get_text() for t in legend.texts],
        "loc": legend._loc,
        "bbox_to_anchor": legend.get_bbox_to_anchor(),
        "fontsize": legend.texts[0].get_fontsize(),
    }
    for ncols in range(max(legend._ncols - 1, 1), 0, -1):
        legend = ax.legend(**options, ncols=ncols)
        if legend.get_window_extent(renderer).width <= limit:
            return


def _upright_if_crowded(ax, renderer) -> None:
    """Labels written on an axes (``bar_label``'s numbers) that now run into each other
    turn upright, each standing on its point."""
    import matplotlib.text

    notes = [
        t
        for t in ax.texts
        if isinstance(t, matplotlib.text.Annotation) and t.get_text() and t.get_rotation() == 0
    ]
    boxes = [t.get_window_extent(renderer) for t in notes]
    if any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        for note in notes:
            note.set_rotation(90)
            note.set_horizontalalignment("center")


def _fit_to_width(fig) -> None:
    """Make a figure's text fit inside it, then let its axes make room.

    A legend wider than the figure gets fewer columns, labels written on an axes that
    collide turn upright (:func:`_upright_if_crowded`); a text longer than the figure's side
    it runs along (a label, a title, a figure note) wraps at its spaces. Then the figure's
    layout engine, or ``tight_layout`` when it has none, lays the axes out again.
    """
    import warnings

    import matplotlib.text

    renderer = fig.canvas.get_renderer()
    limit_w, limit_h = 0.95 * fig.bbox.width, 0.95 * fig.bbox.height
    for ax in fig.axes:
        _narrow_legend(ax, renderer, limit_w)
        _upright_if_crowded(ax, renderer)
    for text in fig.findobj(matplotlib.text.Text):
        content = text.get_text()
        if " " not in _MATH_RE.sub("", content) or not text.get_visible():
            continue
        extent = text.get_window_extent(renderer)
        upright = abs(text.get_rotation() % 180 - 90) < 1
        length, limit = (extent.height, limit_h) if upright else (extent.width, limit_w)
        if length > limit:
            text.set_text(_wrapped(content, length, limit))
    if _without_layout_engine(fig):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # axes tight_layout cannot place are left alone
            try:
                fig.tight_layout()
            except (ValueError, RuntimeError, ZeroDivisionError):
                pass
