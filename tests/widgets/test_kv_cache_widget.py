"""Lesson 21's KV cache widget (model picker and length slider) in Debian's Chromium, on the
real built site.

Driven by keyboard alone: every model, every length. Every number the widget holds is
compared with lesson_code (model_cache_bytes, step_multiply_adds on the published shapes),
exactly (they are whole numbers below 2^53), and the visible text with format_bytes and
the grouped integers. Then: no stacked handlers after instant navigation there and back,
axe-core finds nothing inside the widget in light and dark, nothing overflows at 375 px,
and the no-JavaScript fallback.
"""

from __future__ import annotations

import math

import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.topics.kv_cache import format_bytes, model_cache_bytes, step_multiply_adds
from lesson_code.topics.published_models import MODELS
from tests.widgets.test_widgets_browser import (
    OFF,
    READY,
    WIDGET,
    assert_fallback_without_javascript,
    assert_fits,
    bar_values,
    lesson,
    press_right,
    round_trip,
    state,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGE = "lessons/21-kv-cache/"
KIND = "kv-cache-length"
LENGTHS = [2**e for e in range(4, 14)]  # the slider's stops, as the lesson script sets them
START_MODEL, START_LENGTH = "Llama 2 7B", 1024


def expected(shape, t):
    with_cache = sum(step_multiply_adds(t, shape.d_model, cached=True))
    without = sum(step_multiply_adds(t, shape.d_model, cached=False))
    return {
        "model": shape.name,
        "tokens": t,
        "cacheBytes": model_cache_bytes(shape, t),
        "unsharedBytes": model_cache_bytes(shape, t, shared=False),
        "withCache": with_cache,
        "withoutCache": without,
        "beyondContext": t > shape.context,
    }


def opened(browser, base, **kwargs):
    return lesson(browser, base, PAGE, **kwargs)


def check_shown(page, want):
    st = state(page)
    for key, value in want.items():
        assert st[key] == value, (key, st[key], value)
    cache, unshared, with_cache, without = bar_values(page)
    assert cache == format_bytes(want["cacheBytes"])
    assert unshared == format_bytes(want["unsharedBytes"])
    assert with_cache == f"{want['withCache']:,d}" and without == f"{want['withoutCache']:,d}"
    t = want["tokens"]
    field = page.get_by_label("Tokens t")
    assert field.get_attribute("aria-valuetext") == f"t = {t:,d}"
    status = page.locator(f"{WIDGET} .lw-status").text_content()
    assert status.startswith(f"{want['model']}, {t:,d} tokens")
    assert ("beyond its context" in status) == want["beyondContext"]
    ratio = math.floor(want["withoutCache"] / want["withCache"] + 0.5)  # Math.round: ties up
    assert f"cache {format_bytes(want['cacheBytes'])};" in status
    assert status.endswith(f"without, {ratio:,d} times as many.")


def test_every_model_and_length_matches_lesson_code(browser, served_site):
    base, _ = served_site
    names = [shape.name for shape in MODELS]
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        st = state(page)
        assert st["kind"] == KIND and st["renders"] == 0
        check_shown(page, expected(MODELS[names.index(START_MODEL)], START_LENGTH))
        buttons = page.locator(f"{WIDGET} .lw-toggle")
        assert buttons.all_text_contents()[names.index(START_MODEL)].endswith(START_MODEL)
        for i, shape in enumerate(MODELS):
            buttons.nth(i).focus()
            page.keyboard.press("Enter")
            assert buttons.nth(i).get_attribute("aria-pressed") == "true"
            assert page.locator(f"{WIDGET} .lw-toggle[aria-pressed=true]").count() == 1
            tab_to(page, "input[type=range]")
            seen = []
            for key in ["Home"] + ["ArrowRight"] * (len(LENGTHS) - 1) + ["ArrowRight", "Home"]:
                page.keyboard.press(key)
                t = state(page)["tokens"]
                seen.append(t)
                check_shown(page, expected(shape, t))
            assert seen == [*LENGTHS, LENGTHS[-1], LENGTHS[0]]
        # what the lesson says: the cache removes far more work than it leaves
        assert (
            expected(MODELS[0], 1024)["withoutCache"] > 100 * expected(MODELS[0], 1024)["withCache"]
        )


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, OFF) as page:
        _, after = round_trip(page, base, PAGE, press_right)
    assert after["tokens"] == 2 * START_LENGTH


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with opened(browser, base, scheme=scheme, width=width) as page:
        page.wait_for_selector(READY)
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected_scheme
        for _ in range(2):  # as first shown, and at the longest length of the largest model
            result = Axe().run(page, context={"include": [[WIDGET]]})
            assert result.violations_count == 0, result.generate_report()
            page.locator(f"{WIDGET} .lw-toggle").nth(1).click()
            page.locator(f"{WIDGET} input[type=range]").focus()
            page.keyboard.press("End")
        assert_fits(page, width)


def test_fallback_without_javascript(browser, served_site):
    base, site = served_site
    assert_fallback_without_javascript(browser, base, site, PAGE, KIND)
