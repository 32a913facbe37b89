"""How a lesson script hands its results to the lesson page.

A lesson script (``lesson_code/lessons/NN_slug.py``) computes things and reports them
through these calls (``from lesson_code import report``):

``output(name)``
    A context manager: everything printed inside it becomes the text block ``name``,
    which the page shows with ``--8<-- "NN-slug/name.txt"`` inside a code fence.
``value(name, x, fmt)``
    One number (or short string) for the prose: ``{{ name }}`` in the page is replaced
    by ``format(x, fmt)``. This is how every number in a lesson's text comes from code.
    ``scientific(x)`` writes powers of ten as plain text for it.
``figure(fig, name, alt, caption)``
    A matplotlib figure saved as SVG whose text and axes follow the page's light or
    dark palette, and saved again drawn for a phone (narrower, no text under 11 CSS px on
    a 390 px screen); the page shows it with ``--8<-- "NN-slug/name.fig.md"``.
    ``style()`` sets matplotlib up for it; ``FG``, ``FG_LIGHT``, ``FG_LIGHTEST``, ``BG``
    (neutral colours that become the page's) and ``PALETTE`` (data colours) colour it.
``widget(name, kind, data, label, caption)``
    A small interactive widget (a slider, a toggle, a grid to explore) drawn by
    ``docs/assets/widgets/KIND.js`` from ``data``, numbers the script computed; the page
    shows it with ``--8<-- "NN-slug/name.widget.md"``.

Under the build, the lesson runner sets ``LESSON_OUTPUT_DIR`` and everything is written
there (file names and variables: :mod:`lesson_code.report.protocol`). Run by hand or in a
notebook, the same script just prints and shows figures.

A mistake in a call (a name that cannot be a file name, alt text that says nothing, an
output block that printed nothing, ...) raises ``ValueError`` or ``TypeError`` with what
is wrong and how to fix it: the build stops at the script's line instead of publishing it.

The package: this module is the script API; :mod:`~lesson_code.report.svg` themes and
compacts figures; :mod:`~lesson_code.report.markup` writes the figure and widget HTML;
:mod:`~lesson_code.report.protocol` holds the names the runner shares with it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from pathlib import Path

from lesson_code.report.markup import figure_block, widget_block
from lesson_code.report.protocol import (
    FIGURE_SUFFIX,
    FIGURES_FILE,
    NAME_RE,
    OUTPUT_ENV,
    OUTPUT_SUFFIX,
    SLUG_ENV,
    VALUES_FILE,
    WIDGET_SUFFIX,
    WIDGETS_FILE,
)
from lesson_code.report.svg import (
    BG,
    FG,
    FG_LIGHT,
    FG_LIGHTEST,
    THEME_COLOURS,
    phone_svg,
    themed_svg,
)

__all__ = [
    "BG",
    "FG",
    "FG_LIGHT",
    "FG_LIGHTEST",
    "FIGURES_FILE",
    "OUTPUT_ENV",
    "PALETTE",
    "SLUG_ENV",
    "THEME_COLOURS",
    "VALUES_FILE",
    "WIDGETS_FILE",
    "figure",
    "output",
    "scientific",
    "style",
    "value",
    "widget",
    "widget_block",
]

KIND_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

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


def _check_name(call: str, name) -> None:
    """Refuse a name that cannot be a file name and a ``{{ name }}`` placeholder."""
    if not isinstance(name, str):
        raise TypeError(
            f"report.{call}(...): the {call} name must be a string such as 'weights', "
            f"got {type(name).__name__} {name!r}"
        )
    if not NAME_RE.match(name):
        fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        hint = f"; use e.g. {fixed!r}" if NAME_RE.match(fixed) else ""
        raise ValueError(
            f"report.{call}({name!r}, ...): the {call} name must be lower-case letters, "
            "digits and underscores, starting with a letter (it becomes a file name and "
            f"the page refers to it by that name){hint}"
        )


def _check_caption(call: str, name: str, caption) -> None:
    if caption is not None and not isinstance(caption, str):
        raise TypeError(
            f"report.{call}({name!r}, ...): the caption must be a string (or left out), "
            f"got {type(caption).__name__} {caption!r}"
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
        (folder / f"{name}{OUTPUT_SUFFIX}").write_text(text, encoding="utf-8")


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


def figure(fig, name: str, alt: str, caption: str = "") -> None:
    """Save ``fig`` as the figure ``name`` with its alt text and optional caption."""
    _check_name("figure", name)
    if not hasattr(fig, "savefig"):
        raise TypeError(
            f"report.figure(fig, {name!r}, ...): fig must be a matplotlib Figure "
            f"(fig, ax = plt.subplots()), got {type(fig).__name__}"
        )
    _check_caption("figure", name, caption)
    words = [
        w
        for w in re.findall(r"\w+", (alt if isinstance(alt, str) else "").lower())
        if w not in GENERIC_ALT
    ]
    if len(words) < 2:
        raise ValueError(
            f"report.figure(..., {name!r}, alt={alt!r}): alt text is what a reader who cannot "
            "see the figure gets; say what it shows and what to notice, in a sentence "
            "(e.g. 'Bar chart of the three weights: the trophy takes almost all of it.')"
        )
    folder = _out_dir()
    if folder is None:
        return  # by hand or in a notebook: the figure is shown as usual
    import matplotlib.pyplot as plt

    slug = os.environ.get(SLUG_ENV, "lesson")
    wide = themed_svg(fig, salt=f"{slug}-{name}")
    phone = phone_svg(fig, salt=f"{slug}-{name}-phone")  # redraws fig: after the wide one
    block = figure_block(wide, name, alt, caption, phone=phone)
    (folder / f"{name}{FIGURE_SUFFIX}").write_text(block, encoding="utf-8")
    _figures[name] = {"alt": alt, "caption": caption}
    (folder / FIGURES_FILE).write_text(json.dumps(_figures, indent=1), encoding="utf-8")
    plt.close(fig)


def widget(name: str, kind: str, data, label: str, caption: str = "") -> None:
    """Save the interactive widget ``name`` of type ``kind`` showing ``data``.

    ``data`` is what the script computed (dicts, lists, numbers, strings, numpy arrays);
    ``docs/assets/widgets/<kind>.js`` draws the widget from it (the build refuses a kind
    without that file). ``label`` is its short
    visible title, ``caption`` an optional sentence after it. Run by hand or in a notebook,
    nothing happens (like ``figure``): the widget only exists on the page.
    """
    _check_name("widget", name)
    if not isinstance(kind, str) or not KIND_RE.match(kind):
        raise ValueError(
            f"report.widget({name!r}, {kind!r}, ...): the widget kind must be lower-case "
            "words joined by '-' (docs/assets/widgets/<kind>.js draws it, e.g. "
            "'softmax-temperature')"
        )
    if not isinstance(label, str) or not label.strip():
        raise ValueError(
            f"report.widget({name!r}, ...): the widget needs a label saying what it shows "
            f"(its short visible title, e.g. 'Try the temperature'), got {label!r}"
        )
    _check_caption("widget", name, caption)
    folder = _out_dir()
    if folder is None:
        return
    block = widget_block(name, kind, data, label, caption)
    (folder / f"{name}{WIDGET_SUFFIX}").write_text(block, encoding="utf-8")
    _widgets[name] = {"kind": kind, "label": label, "caption": caption}
    (folder / WIDGETS_FILE).write_text(json.dumps(_widgets, indent=1), encoding="utf-8")
