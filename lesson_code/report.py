"""How a lesson script hands its results to the lesson page.

A lesson script (``lesson_code/lessons/NN_slug.py``) computes things and reports them
through three calls:

``output(name)``
    A context manager: everything printed inside it becomes the text block ``name``,
    which the page shows with ``--8<-- "NN-slug/name.txt"`` inside a code fence.
``value(name, x, fmt)``
    One number (or short string) for the prose: ``{{ name }}`` in the page is replaced
    by ``format(x, fmt)``. This is how every number in a lesson's text comes from code.
``figure(fig, name, alt, caption)``
    A matplotlib figure saved as SVG whose text and axes follow the page's light or
    dark palette; the page shows it with ``--8<-- "NN-slug/name.fig.md"``.
``widget(name, kind, data, label, caption)``
    A small interactive widget (a slider, a toggle, a grid to explore) drawn by
    ``docs/assets/widgets.js`` from ``data``, numbers the script computed; the page shows
    it with ``--8<-- "NN-slug/name.widget.md"``.

Under the build, the lesson runner sets ``LESSON_OUTPUT_DIR`` and everything is written
there. Run by hand or in a notebook, the same script just prints and shows figures.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from pathlib import Path

OUTPUT_ENV = "LESSON_OUTPUT_DIR"
SLUG_ENV = "LESSON_SLUG"
VALUES_FILE = "values.json"
FIGURES_FILE = "figures.json"
WIDGETS_FILE = "widgets.json"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
KIND_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

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
# Data colours (Okabe-Ito subset): each has at least 3:1 contrast on Material's white
# and on its dark "slate" background, and they stay apart for colour-blind readers.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

_values: dict[str, str] = {}
_figures: dict[str, dict[str, str]] = {}
_widgets: dict[str, dict[str, str]] = {}


def _out_dir() -> Path | None:
    target = os.environ.get(OUTPUT_ENV)
    if not target:
        return None
    path = Path(target)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_name(kind: str, name: str) -> None:
    assert NAME_RE.match(name), (
        f"{kind} name {name!r} must be lower-case letters, digits and underscores, "
        "starting with a letter"
    )


class _Tee(io.TextIOBase):
    """Write to the captured buffer and to the real stdout (so runs stay visible)."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, text):
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self):
        for stream in self.streams:
            stream.flush()


@contextlib.contextmanager
def output(name: str):
    """Capture what is printed inside the block as the text output ``name``."""
    _check_name("output", name)
    buffer = io.StringIO()
    real = sys.stdout
    sys.stdout = _Tee(buffer, real)
    try:
        yield
    finally:
        sys.stdout = real
    if not buffer.getvalue().strip():
        raise ValueError(
            f"report.output({name!r}) printed nothing, so the page would show an empty "
            "Output box; print what the lesson shows inside the with block"
        )
    folder = _out_dir()
    if folder is not None:
        text = buffer.getvalue().rstrip("\n") + "\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


# Words that say a figure is there but not what it shows
GENERIC_ALT = frozenset(
    "a an the this of chart figure fig image img plot graph picture diagram illustration "
    "svg placeholder alt text todo".split()
)
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MARKUP_RE = re.compile(r"</?[A-Za-z][^>]*>")


def scientific(x: float, digits: int = 1) -> str:
    """``x`` in powers of ten as plain text: ``scientific(3.7e-6)`` is "3.7 × 10⁻⁶"."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    power = str(int(exponent)).translate(SUPERSCRIPT)
    return f"{mantissa.replace('-', '−')} × 10{power}"


def value(name: str, x, fmt: str = "") -> str:
    """Record ``x`` formatted with ``fmt`` as the prose value ``{{ name }}``; return the text.

    A value is text, shown exactly as recorded (the page escapes it): markup such as
    ``<sup>`` would be shown as typed, so it is refused; powers of ten are written with
    :func:`scientific`.
    """
    _check_name("value", name)
    text = format(x, fmt)
    if MARKUP_RE.search(text):
        raise ValueError(
            f"report.value({name!r}, ...): {text!r} holds HTML markup, which the page shows "
            "as typed; record plain text (powers of ten: report.value(name, "
            "report.scientific(x)))"
        )
    _values[name] = text
    folder = _out_dir()
    if folder is None:
        print(f"{name} = {text}")
    else:
        (folder / VALUES_FILE).write_text(json.dumps(_values, indent=1), encoding="utf-8")
    return text


def style():
    """Matplotlib settings for course figures: themeable colours, real text, small files."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "svg.fonttype": "none",  # keep text as text: smaller, selectable, page font
            "font.family": "sans-serif",
            "font.size": 11,
            "text.color": FG,
            "axes.labelcolor": FG,
            "axes.edgecolor": FG_LIGHT,
            "axes.titlecolor": FG,
            "axes.facecolor": "none",
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": FG_LIGHT,
            "ytick.color": FG_LIGHT,
            "xtick.labelcolor": FG,
            "ytick.labelcolor": FG,
            "grid.color": FG_LIGHTEST,
            "legend.frameon": False,
            "legend.labelcolor": FG,
            "figure.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
            "figure.dpi": 100,
            "lines.linewidth": 2,
        }
    )


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
    """Render ``fig`` to an inline-ready SVG string whose neutral colours are CSS variables."""
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
    # One line: a raw HTML block in Markdown ends at a blank line.
    return compact_svg(svg)


def figure(fig, name: str, alt: str, caption: str = "") -> None:
    """Save ``fig`` as the figure ``name`` with its alt text and optional caption."""
    _check_name("figure", name)
    words = [w for w in re.findall(r"\w+", (alt or "").lower()) if w not in GENERIC_ALT]
    if len(words) < 2:
        raise ValueError(
            f"report.figure(..., {name!r}, alt={alt!r}): alt text is what a reader who cannot "
            "see the figure gets; say what it shows and what to notice, in a sentence "
            "(e.g. 'Bar chart of the three weights: the trophy takes almost all of it.')"
        )
    folder = _out_dir()
    if folder is None:
        return  # by hand or in a notebook: the figure is shown as usual
    import html

    import matplotlib.pyplot as plt

    slug = os.environ.get(SLUG_ENV, "lesson")
    svg = themed_svg(fig, salt=f"{slug}-{name}")
    label = html.escape(alt, quote=True)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    anchor = "fig-" + name.replace("_", "-")
    block = f'<figure class="lesson-figure" id="{anchor}">\n{svg}\n{cap}</figure>\n'
    (folder / f"{name}.fig.md").write_text(block, encoding="utf-8")
    _figures[name] = {"alt": alt, "caption": caption}
    (folder / FIGURES_FILE).write_text(json.dumps(_figures, indent=1), encoding="utf-8")
    plt.close(fig)


def _plain(x):
    """JSON fallback for numpy values: arrays become (nested) lists, scalars Python numbers."""
    if hasattr(x, "tolist"):  # numpy arrays and numpy scalars
        return x.tolist()
    if isinstance(x, tuple | set | frozenset):
        return list(x)
    raise TypeError(f"widget data cannot hold {type(x).__name__} {x!r}")


def widget_block(name: str, kind: str, data, label: str, caption: str = "") -> str:
    """The HTML of a widget: a ``<figure>`` whose data is inert JSON text in a ``<template>``.

    Not a ``<script type="application/json">``: Material's instant navigation re-creates
    inline scripts without their type. The template's content is parsed as HTML text, so
    ``&``, ``<`` and ``>`` are escaped: data holding ``</template><script>`` stays text.
    Floats are written with ``repr`` (shortest round trip), so the browser reads the same
    doubles numpy computed. No blank line: a raw HTML block in Markdown ends at one.
    """
    import html

    payload = json.dumps(
        data, default=_plain, allow_nan=False, ensure_ascii=False, separators=(",", ":")
    )
    one_line = " ".join((caption or "").split())
    title = html.escape(" ".join(label.split()), quote=False)
    cap = f"<strong>{title}</strong>"
    if one_line:
        cap += " " + html.escape(one_line, quote=False)
    anchor = "widget-" + name.replace("_", "-")
    return (
        f'<figure class="lesson-widget" id="{anchor}" data-widget="{kind}">\n'
        f"<figcaption>{cap}</figcaption>\n"
        f"<template data-widget-data data-search-exclude>{html.escape(payload, quote=False)}"
        "</template>\n"
        '<p class="lesson-widget__fallback" data-search-exclude>This interactive widget needs '
        "JavaScript; the outputs and figures above show the same computation.</p>\n"
        "</figure>\n"
    )


def widget(name: str, kind: str, data, label: str, caption: str = "") -> None:
    """Save the interactive widget ``name`` of type ``kind`` showing ``data``.

    ``data`` is what the script computed (dicts, lists, numbers, strings, numpy arrays);
    ``docs/assets/widgets.js`` draws the widget ``kind`` from it. ``label`` is its short
    visible title, ``caption`` an optional sentence after it. Run by hand or in a notebook,
    nothing happens (like ``figure``): the widget only exists on the page.
    """
    _check_name("widget", name)
    assert KIND_RE.match(kind), f"widget kind {kind!r} must be lower-case words joined by '-'"
    assert label and label.strip(), f"widget {name!r} needs a label saying what it shows"
    folder = _out_dir()
    if folder is None:
        return
    block = widget_block(name, kind, data, label, caption)
    (folder / f"{name}.widget.md").write_text(block, encoding="utf-8")
    _widgets[name] = {"kind": kind, "label": label, "caption": caption}
    (folder / WIDGETS_FILE).write_text(json.dumps(_widgets, indent=1), encoding="utf-8")
