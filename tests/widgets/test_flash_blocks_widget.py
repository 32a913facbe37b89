"""Lesson 23's block-size widget in Debian's Chromium, on the real built site.

The slider (keys per block) and the Previous/Next buttons are driven by keyboard alone over
every block size and every block, and every number the widget holds is compared with numpy,
recomputed here by lesson_code.topics.flash.one_query_trace on the lesson's example: the
running maximum, factor, sum, output and weights to 1e-9, the visible text to its rounding,
and the last block's output with plain softmax attention. Then: no stacked handlers after
instant navigation there and back, axe-core finds nothing inside the widget in light and
dark, nothing overflows at 375 px, and the no-JavaScript fallback.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.attention import softmax
from lesson_code.topics.flash import EXAMPLE_SCORES, EXAMPLE_VALUES, one_query_trace
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
    round_trip,
    state,
    tab_to,
    table_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGE = "lessons/23-flash-attention/"
KIND = "flash-blocks"
N = len(EXAMPLE_SCORES)
START = 2  # the lesson's starting block size
PLAIN = float(softmax(np.array(EXAMPLE_SCORES)) @ np.array(EXAMPLE_VALUES))


def opened(browser, base, **kwargs):
    return lesson(browser, base, PAGE, **kwargs)


def check_block(page, block_size, block):
    """The widget shows block ``block`` (from 0) of ``block_size``: compare with numpy."""
    want = one_query_trace(EXAMPLE_SCORES, EXAMPLE_VALUES, block_size)[block]
    st = state(page)
    assert (st["blockSize"], st["block"]) == (block_size, block)
    assert st["blocks"] == math.ceil(N / block_size)
    assert (st["start"], st["stop"]) == (want["start"], want["stop"])
    assert st["mNew"] == want["m_new"]
    if block == 0:
        assert st["mOld"] is None and st["factor"] == 0  # -Infinity: nothing seen yet
    else:
        assert st["mOld"] == want["m_old"]
    for key in ("factor", "total", "acc", "output"):
        close(st[key], want[key])
    close(st["weights"], want["weights"])
    assert all(w == 0 for w in st["weights"][want["stop"] :]), "unread keys weigh exactly 0"
    close(st["plain"], PLAIN)
    m, factor, total, output, plain = (number(v) for v in bar_values(page))
    assert abs(m - want["m_new"]) <= 0.05 + 1e-12
    assert abs(factor - want["factor"]) <= 0.00005 + 1e-12
    assert abs(total - want["total"]) <= 0.00005 + 1e-12
    assert abs(output - want["output"]) <= 0.00005 + 1e-12
    assert abs(plain - PLAIN) <= 0.00005 + 1e-12
    close(table_values(page), [want["weights"]], 0.005 + 1e-12)
    status = page.locator(f"{WIDGET} .lw-status").text_content()
    blocks = math.ceil(N / block_size)
    assert status.startswith(f"Block {block + 1} of {blocks} ")
    assert ("equals plain softmax attention" in status) == (block == blocks - 1)
    return st


def test_every_block_size_and_every_block_by_keyboard_matches_numpy(browser, served_site):
    base, _ = served_site
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        st = state(page)
        assert st["kind"] == KIND and st["renders"] == 0
        check_block(page, START, 0)
        tab_to(page, "input[type=range]")
        page.keyboard.press("Home")
        for block_size in range(1, N + 1):
            if block_size > 1:
                page.get_by_label("Keys per block").focus()
                page.keyboard.press("ArrowRight")
            check_block(page, block_size, 0)
            field = page.get_by_label("Keys per block")
            assert field.get_attribute("aria-valuetext").startswith(f"{block_size} key")
            blocks = math.ceil(N / block_size)
            next_button = page.get_by_role("button", name="Next block")
            next_button.focus()
            for block in range(1, blocks):
                page.keyboard.press("Enter")
                check_block(page, block_size, block)
            page.keyboard.press("Space")  # past the last block: stays there
            last = check_block(page, block_size, blocks - 1)
            close(last["output"], PLAIN, 1e-12)  # the end is plain attention, every size
            page.get_by_role("button", name="Previous block").focus()
            page.keyboard.press("Enter")
            check_block(page, block_size, max(0, blocks - 2))


def test_a_new_block_size_starts_from_the_first_block(browser, served_site):
    base, _ = served_site
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        page.get_by_role("button", name="Next block").click()
        page.get_by_role("button", name="Next block").click()
        assert state(page)["block"] == 2
        page.get_by_label("Keys per block").focus()
        page.keyboard.press("ArrowRight")
        check_block(page, START + 1, 0)


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site

    def press(page):
        page.get_by_role("button", name="Next block").click()

    with lesson(browser, base, OFF) as page:
        _, after = round_trip(page, base, PAGE, press)
    assert after["block"] == 1


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with opened(browser, base, scheme=scheme, width=width) as page:
        page.wait_for_selector(READY)
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected_scheme
        for _ in range(2):  # as first shown, and at the last block of one key each
            result = Axe().run(page, context={"include": [[WIDGET]]})
            assert result.violations_count == 0, result.generate_report()
            page.get_by_label("Keys per block").focus()
            page.keyboard.press("Home")
            for _ in range(N - 1):
                page.get_by_role("button", name="Next block").click()
        assert_fits(page, width)


def test_fallback_without_javascript(browser, served_site):
    base, site = served_site
    assert_fallback_without_javascript(browser, base, site, PAGE, KIND)
