"""The HTML a lesson page includes for a figure or a widget.

Both are ``<figure>`` blocks written on consecutive lines (no blank line: a raw HTML
block in Markdown ends at one), with an ``id`` the page can link to (``#fig-<name>``,
``#widget-<name>``). Text that comes from the script (alt text, captions, labels, data)
is escaped, so it is always shown as text, never read as markup.
"""

from __future__ import annotations

import html
import json


def anchor(prefix: str, name: str) -> str:
    """The element id of figure or widget ``name``: ``anchor("fig", "bar_chart")`` is
    ``"fig-bar-chart"``."""
    return f"{prefix}-" + name.replace("_", "-")


def figure_block(svg: str, name: str, alt: str, caption: str = "", phone: str = "") -> str:
    """The HTML of a figure: the inline ``svg`` (one line) labelled by ``alt``, and its caption.

    The SVG gets ``role="img"`` and ``aria-label`` = the alt text, which is what a screen
    reader announces for it. ``phone``, when given, is the same figure drawn for a phone
    (``svg.phone_svg``): both SVGs are written, classed ``lesson-figure__wide`` and
    ``lesson-figure__phone``, and the page's CSS shows one of them by the screen's width
    (the hidden one, ``display: none``, is out of the accessibility tree too).
    """
    label = html.escape(alt, quote=True)

    def labelled(drawing: str, variant: str) -> str:
        attrs = f'role="img" aria-label="{label}"'
        if phone:
            attrs = f'class="lesson-figure__{variant}" ' + attrs
        return drawing.replace("<svg", f"<svg {attrs}", 1)

    drawings = labelled(svg, "wide") + (f"\n{labelled(phone, 'phone')}" if phone else "")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="lesson-figure" id="{anchor("fig", name)}">\n{drawings}\n{cap}</figure>\n'
    )


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
    doubles numpy computed. NaN and infinity are refused (``ValueError``: JSON has no such
    numbers), and so is anything that is not numbers, strings, lists or dicts
    (``TypeError``).
    """
    payload = json.dumps(
        data, default=_plain, allow_nan=False, ensure_ascii=False, separators=(",", ":")
    )
    one_line = " ".join((caption or "").split())
    title = html.escape(" ".join(label.split()), quote=False)
    cap = f"<strong>{title}</strong>"
    if one_line:
        cap += " " + html.escape(one_line, quote=False)
    return (
        f'<figure class="lesson-widget" id="{anchor("widget", name)}" data-widget="{kind}">\n'
        f"<figcaption>{cap}</figcaption>\n"
        f"<template data-widget-data data-search-exclude>{html.escape(payload, quote=False)}"
        "</template>\n"
        '<p class="lesson-widget__fallback" data-search-exclude>This interactive widget needs '
        "JavaScript; the outputs and figures above show the same computation.</p>\n"
        "</figure>\n"
    )
