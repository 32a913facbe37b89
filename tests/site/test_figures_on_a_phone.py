"""Every lesson page on a 390 x 844 phone in real Chromium, light and dark: no figure text
under 11 CSS px as the reader sees it (SVG text: font-size x the SVG's scale on screen),
and every widget control a touch target of at least 44 x 44 CSS px.

The colour scheme only swaps colours (CSS variables), yet both are run: a rule of either
scheme that changed a size would show here.
"""

from __future__ import annotations

import pytest

from tests.site.pages import page_paths
from tests.site.phone import (
    CONTROLS_JS,
    FIGURE_TEXT_JS,
    MIN_TEXT_PX,
    MIN_TOUCH_PX,
    PHONE,
    smallest_per_figure,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
LESSONS = [p for p in page_paths() if p.startswith("lessons/")]


def phone_page(browser, url: str, scheme: str):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, is_mobile=True)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    # widgets draw themselves after load: measure them drawn (a CSS wait: the page's
    # content security policy forbids the eval behind wait_for_function's polling)
    page.wait_for_selector("figure.lesson-widget:not([data-widget-ready='true'])", state="detached")
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", LESSONS)
def test_figure_text_is_readable_on_a_phone(served_site, browser, path, scheme):
    base, _ = served_site
    context, page = phone_page(browser, base + path, scheme)
    try:
        assert page.evaluate("innerWidth") == PHONE["width"]
        texts = page.evaluate(FIGURE_TEXT_JS)
        figures = page.locator("article figure.lesson-figure").count()
        if figures:  # a page with figures: their text was found
            assert len({t["figure"] for t in texts}) >= figures, texts[:5]
        small = [t for t in texts if t["px"] < MIN_TEXT_PX]
        assert not small, f"{path} ({scheme}): figure text under {MIN_TEXT_PX} px:\n" + "\n".join(
            f"  #{t['figure']}: {t['text']!r} at {t['px']} px" for t in small[:20]
        )
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_measure_sees_the_size_the_reader_sees(served_site, browser, scheme):
    """The text measure against a known case: a 10 px SVG text in a 100-unit viewBox drawn
    190 px wide is 19 px; a 10 px HTML text is 10 px; a hidden SVG is not measured."""
    base, _ = served_site
    context, page = phone_page(browser, base + "lessons/04-softmax/", scheme)
    try:
        page.evaluate(
            """() => {
              const fig = document.querySelector('article figure.lesson-figure');
              fig.id = 'fig-probe';
              fig.innerHTML = '<svg viewBox="0 0 100 50" style="width:190px">' +
                '<text x="5" y="20" style="font-size:10px">probe</text></svg>' +
                '<svg viewBox="0 0 100 50" style="display:none"><text y="9">hidden</text></svg>' +
                '<figcaption style="font-size:10px">caption</figcaption>';
            }"""
        )
        sizes = {
            t["text"]: t["px"] for t in page.evaluate(FIGURE_TEXT_JS) if t["figure"] == "fig-probe"
        }
        assert sizes == {"probe": 19.0, "caption": 10.0}, sizes
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_smallest_text_per_figure_is_reported(served_site, browser, scheme):
    """Every figure of the temperature lesson is measured, each at 11 px or more."""
    base, _ = served_site
    context, page = phone_page(browser, base + "lessons/04-softmax/", scheme)
    try:
        smallest = smallest_per_figure(page.evaluate(FIGURE_TEXT_JS))
        assert "fig-temperature" in smallest, smallest
        assert all(t["px"] >= MIN_TEXT_PX for t in smallest.values()), smallest
    finally:
        context.close()


WIDGET_LESSONS = [
    "lessons/01-rnn-bottleneck/",
    "lessons/04-softmax/",
    "lessons/07-scores-and-weights/",
    "lessons/09-scaling/",
    "lessons/11-self-vs-cross/",
    "lessons/12-masks/",
    "lessons/13-position/",
    "lessons/14-heads-vs-one/",
    "lessons/17-the-block/",
    "lessons/19-train-one-head/",
    "lessons/21-kv-cache/",
    "lessons/22-grouped-query/",
    "lessons/23-flash-attention/",
    "lessons/24-linear-attention/",
    "lessons/25-cost-and-scale/",
]


@pytest.mark.parametrize("path", WIDGET_LESSONS)
def test_widget_controls_are_touch_targets_on_a_phone(served_site, browser, path):
    base, _ = served_site
    context, page = phone_page(browser, base + path, "light")
    try:
        controls = page.evaluate(CONTROLS_JS)
        assert controls, f"{path}: no widget control found"
        small = [c for c in controls if min(c["width"], c["height"]) < MIN_TOUCH_PX]
        assert not small, (
            f"{path}: controls smaller than {MIN_TOUCH_PX} x {MIN_TOUCH_PX} px:\n"
            + "\n".join(
                f"  #{c['widget']}: {c['control']!r} {c['width']} x {c['height']}" for c in small
            )
        )
    finally:
        context.close()


def test_every_lesson_with_a_widget_is_checked_for_touch(served_site, browser):
    """The list above covers every lesson page that has a widget (a new one is caught)."""
    _, site = served_site
    with_widgets = [
        path
        for path in LESSONS
        if 'class="lesson-widget"' in (site / path / "index.html").read_text(encoding="utf-8")
    ]
    assert with_widgets == WIDGET_LESSONS
