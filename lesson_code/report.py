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
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

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
    folder = _out_dir()
    if folder is not None:
        text = buffer.getvalue().rstrip("\n") + "\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def value(name: str, x, fmt: str = "") -> str:
    """Record ``x`` formatted with ``fmt`` as the prose value ``{{ name }}``; return the text."""
    _check_name("value", name)
    text = format(x, fmt)
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
    # Raw HTML blocks in Markdown end at a blank line: keep the SVG in one block.
    return "\n".join(line for line in svg.splitlines() if line.strip())


def figure(fig, name: str, alt: str, caption: str = "") -> None:
    """Save ``fig`` as the figure ``name`` with its alt text and optional caption."""
    _check_name("figure", name)
    assert alt and alt.strip(), f"figure {name!r} needs alt text describing what it shows"
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
