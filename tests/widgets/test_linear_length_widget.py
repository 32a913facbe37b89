"""Lesson 24's length slider in Debian's Chromium, on the real built site.

The slider is driven by keyboard alone over every length, and every number the widget
holds is compared with numpy: the multiply-adds and numbers kept from
lesson_code.topics.linear_attention, the recall recomputed with ``recall_scores`` (the
lesson's settings), the visible text to its rounding. Then: no stacked handlers after
instant navigation there and back, axe-core finds nothing inside the widget in light and
dark, nothing overflows at 375 px, and the no-JavaScript fallback.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.topics.linear_attention import (
    kv_cache_numbers,
    linear_attention_macs,
    linear_state_numbers,
    mac_ratio,
    recall_scores,
    softmax_attention_macs,
)
from lesson_code.topics.published_models import model
from tests.widgets.test_widgets_browser import (
    OFF,
    READY,
    WIDGET,
    assert_fallback_without_javascript,
    assert_fits,
    bar_values,
    close,
    lesson,
    number,
    press_right,
    round_trip,
    state,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGE = "lessons/24-linear-attention/"
KIND = "linear-length"
EXPONENTS = range(1, 18)  # n = 2 .. 131,072, as the lesson script gives
PAIRS = [2, 4, 8, 16, 32, 64, 128, 256]  # where the lesson measured recall


@pytest.fixture(scope="module")
def recall():
    return {p: recall_scores(p, trials=200, sharpness=4.0) for p in PAIRS}


def opened(browser, base, **kwargs):
    return lesson(browser, base, PAGE, **kwargs)


def test_slider_over_every_length_matches_numpy(browser, served_site, recall):
    base, _ = served_site
    d = model("Llama 2 7B").d_head
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        st = state(page)
        assert st["kind"] == KIND and st["n"] == 16 and st["renders"] == 0
        tab_to(page, "input[type=range]")
        page.keyboard.press("Home")
        seen = []
        for e in EXPONENTS:
            if e > EXPONENTS[0]:
                page.keyboard.press("ArrowRight")
            st = state(page)
            n = 2**e
            seen.append(st["n"])
            assert st["n"] == n
            assert st["softmaxMacs"] == softmax_attention_macs(n, d, d)
            assert st["linearMacs"] == linear_attention_macs(n, d, d)
            assert st["kvCache"] == kv_cache_numbers(n, d, d)
            assert st["linearState"] == linear_state_numbers(d, d)
            close(st["ratio"], mac_ratio(n, d, d))
            soft_macs, lin_macs, cache, kept, soft_r, lin_r = bar_values(page)
            assert abs(number(soft_macs) / st["softmaxMacs"] - 1) < 0.05  # "4.4 × 10¹²"
            assert abs(number(lin_macs) / st["linearMacs"] - 1) < 0.05
            assert (number(cache), number(kept)) == (st["kvCache"], st["linearState"])
            status = page.locator(f"{WIDGET} .lw-status").text_content()
            assert status.startswith(f"n = {n:,}: softmax attention does {mac_ratio(n, d, d):.1f}")
            if n in recall:
                close(st["recallSoftmax"], recall[n]["softmax"]["accuracy"])
                close(st["recallLinear"], recall[n]["linear"]["accuracy"])
                assert abs(number(soft_r) - 100 * st["recallSoftmax"]) <= 0.5 + 1e-9
                assert abs(number(lin_r) - 100 * st["recallLinear"]) <= 0.5 + 1e-9
            else:
                assert st["recallSoftmax"] is None and st["recallLinear"] is None
                assert soft_r == lin_r == "not measured"
                assert "measured up to 256 pairs" in status
        field = page.get_by_label("Sequence length n")
        assert field.get_attribute("aria-valuetext") == "n = 131,072"
        assert seen == [2**e for e in EXPONENTS]
        # the lesson's claims, as the widget shows them
        assert state(page)["ratio"] > 1000


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, OFF) as page:
        before, after = round_trip(page, base, PAGE, press_right)
    assert after["n"] == 2 * before["n"]


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with opened(browser, base, scheme=scheme, width=width) as page:
        page.wait_for_selector(READY)
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected_scheme
        for key in ("Home", "End"):  # shortest (recall measured) and longest (not measured)
            page.locator(f"{WIDGET} input[type=range]").focus()
            page.keyboard.press(key)
            result = Axe().run(page, context={"include": [[WIDGET]]})
            assert result.violations_count == 0, result.generate_report()
            assert_fits(page, width)


def test_fallback_without_javascript(browser, served_site):
    base, site = served_site
    assert_fallback_without_javascript(browser, base, site, PAGE, KIND)
