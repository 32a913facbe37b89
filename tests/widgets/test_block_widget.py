"""Lesson 17's "toggle sublayers" widget (kind block-toggles) in Debian's Chromium.

Driven by keyboard alone through all 8 on/off combinations of attention, MLP and
LayerNorm and every token; what the browser computes (the residual sum
output = input + attention + MLP, and the vectors' lengths) is compared with numpy to
1e-9, the visible numbers to their rounding. Then: no stacked handlers after instant
navigation there and back, axe-core finds nothing in light and dark, nothing overflows at
375 px, and without JavaScript the fallback says so. Helpers come from
test_widgets_browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.topics.residual_stream import nudge_effects, sentence_example, toggled_block
from tests.widgets.test_widgets_browser import (
    OFF,
    READY,
    WIDGET,
    assert_fallback_without_javascript,
    bar_values,
    close,
    lesson,
    number,
    round_trip,
    state,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PATH = "lessons/17-the-block/"
PARTS = {"Attention": 4, "MLP": 2, "LayerNorm": 1}  # button -> bit of the combination
# A walk that flips one part at a time and visits all 8 combinations, from 7 (all on).
WALK = ["LayerNorm", "MLP", "LayerNorm", "Attention", "LayerNorm", "MLP", "LayerNorm"]


def expected(combo):
    """numpy's output, part lengths and nudge matrix for combination ``combo``."""
    ex = sentence_example()
    on = {"attention": bool(combo & 4), "mlp_on": bool(combo & 2), "norm": bool(combo & 1)}
    attn, added, out = toggled_block(ex.x, ex.params, ex.n_heads, ex.mask, **on)

    def run(z):
        return toggled_block(z, ex.params, ex.n_heads, ex.mask, **on)[2]

    return ex, attn, added, out, nudge_effects(run, ex.x)


def part_button(page, name):
    return page.locator(f"{WIDGET} [role=group][aria-label=Parts] .lw-toggle", has_text=name)


def token_buttons(page):
    return page.locator(f"{WIDGET} [role=group][aria-label=Token] .lw-toggle")


def ready(page):
    page.wait_for_selector(READY)
    return page


def test_every_combination_and_token_matches_numpy(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, PATH) as page:
        ready(page)
        st = state(page)
        assert st["kind"] == "block-toggles" and st["combo"] == 7 and st["token"] == 4
        assert st["renders"] == 0
        tab_to(page, ".lw-toggle")  # the first part button, reached by keyboard
        combo, seen = 7, []
        for step in [None, *WALK]:
            if step:
                before = state(page)["renders"]
                part_button(page, step).focus()
                page.keyboard.press("Enter" if len(seen) % 2 else " ")
                combo ^= PARTS[step]
                assert state(page)["renders"] == before + 1, "one redraw per press"
            ex, attn, added, out, moved = expected(combo)
            for name, bit in PARTS.items():
                pressed = part_button(page, name).get_attribute("aria-pressed")
                assert pressed == str(bool(combo & bit)).lower(), (name, combo)
            for i in range(len(ex.tokens)):
                button = token_buttons(page).nth(i)
                already = button.get_attribute("aria-pressed") == "true"
                before = state(page)["renders"]
                button.focus()
                page.keyboard.press("Enter")
                st = state(page)
                assert st["renders"] == before + (0 if already else 1)
                assert st["combo"] == combo and st["token"] == i
                assert (st["attention"], st["mlp"], st["norm"]) == (
                    bool(combo & 4),
                    bool(combo & 2),
                    bool(combo & 1),
                )
                close(st["output"], out[i])
                lengths = [np.linalg.norm(v[i]) for v in (ex.x, attn, added, out)]
                close(st["lengths"], lengths)
                close(st["nudge"], moved[i])
                shown = [number(v) for v in bar_values(page)]
                assert np.abs(np.array(shown[:4]) - lengths).max() <= 0.005 + 1e-12
                assert np.abs(np.array(shown[4:]) - moved[i]).max() <= 0.0005 + 1e-12
                assert button.get_attribute("aria-pressed") == "true"
                status = page.locator(f"{WIDGET} .lw-status").text_content()
                heard = np.count_nonzero(moved[i])  # tokens that move this output
                assert heard == (i + 1 if combo & 4 else 1), "causal with attention, else self"
                if heard > 1:
                    assert "It moves when any of these is nudged" in status
                else:  # the first token, or no attention: only the token itself
                    assert f"Only “{ex.tokens[i]} ({i + 1})” itself can move it." in status
            seen.append(combo)
        assert sorted(seen) == list(range(8))


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site

    def press(page):
        part_button(page, "MLP").focus()
        page.keyboard.press("Enter")

    with lesson(browser, base, OFF) as page:
        before, after = round_trip(page, base, PATH, press)
    assert after["combo"] == 5 and before["combo"] == 7


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_it_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with lesson(browser, base, PATH, scheme=scheme, width=width) as page:
        ready(page)
        for step in (None, "Attention"):  # as first shown, then with attention off
            if step:
                part_button(page, step).focus()
                page.keyboard.press("Enter")
            result = Axe().run(page, context={"include": [[WIDGET]]})
            assert result.violations_count == 0, result.generate_report()
        sizes = page.evaluate(
            """s => {
            const fig = document.querySelector(s);
            const inner = [...fig.querySelectorAll('*')]
              .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
              .map(e => e.className || e.tagName);
            return {page: document.documentElement.scrollWidth,
                    right: fig.getBoundingClientRect().right, inner};
        }""",
            WIDGET,
        )
        assert sizes["page"] <= width and sizes["right"] <= width, sizes
        assert sizes["inner"] == [], sizes


def test_without_javascript_the_fallback_says_so(browser, served_site):
    base, site = served_site
    assert_fallback_without_javascript(browser, base, site, PATH, "block-toggles")
