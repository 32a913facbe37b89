"""Lesson 22's key/value-head slider (two of them: Llama 2 70B and lesson 20's model) in
Debian's Chromium, on the real built site.

Each slider is driven by keyboard alone over every divisor of the query heads, and what
the widget holds is compared with numpy, recomputed here from lesson_code: which key/value
head each query head reads (kv_head_of), the cache in bytes (model_cache_bytes /
kv_cache_bytes), and for the trained model the copying accuracy after mean-pooling both
layers (pooled_model + copying_accuracy on the lesson's sequences) to 1e-9; the visible
text to its rounding. Then: no stacked handlers after instant navigation there and back,
axe-core finds nothing inside the widgets in light and dark, nothing overflows at 375 px,
and the no-JavaScript fallback.
"""

from __future__ import annotations

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.learned import copying_accuracy, repeated_sequences, trained_model
from lesson_code.topics.grouped_query import divisors, kv_head_of, pooled_model
from lesson_code.topics.kv_cache import kv_cache_bytes, model_cache_bytes
from lesson_code.topics.published_models import model
from tests.widgets.test_widgets_browser import (
    OFF,
    assert_fallback_without_javascript,
    assert_fits,
    close,
    lesson,
    number,
    round_trip,
    state,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGE = "lessons/22-grouped-query/"
KIND = "gqa-groups"
LLAMA = "#widget-groups-llama"
TINY = "#widget-groups-tiny"
BOTH = (LLAMA, TINY)


def ready(page):
    for widget in BOTH:
        page.wait_for_selector(f"{widget}[data-widget-ready='true']")


@pytest.fixture(scope="module")
def expected():
    """Per widget: for each key/value head count, owners, cache bytes and accuracy."""
    llama = model("Llama 2 70B")
    out = {
        LLAMA: {
            n_kv: {
                "owners": kv_head_of(llama.n_heads, n_kv),
                "bytes": model_cache_bytes(llama, llama.context, n_kv_heads=n_kv),
                "accuracy": None,
            }
            for n_kv in divisors(llama.n_heads)
        }
    }
    tiny = trained_model()
    ids = repeated_sequences(np.random.default_rng(2026), 64, 16, tiny.vocab_size)
    d_head = tiny.d_model // tiny.n_heads
    out[TINY] = {
        n_kv: {
            "owners": kv_head_of(tiny.n_heads, n_kv),
            "bytes": kv_cache_bytes(tiny.n_layers, n_kv, d_head, ids.shape[1], 2),
            "accuracy": copying_accuracy(pooled_model(tiny, n_kv, [0, 1]), ids),
        }
        for n_kv in divisors(tiny.n_heads)
    }
    starts = {LLAMA: llama.n_kv_heads, TINY: tiny.n_heads}
    return out, starts


def test_each_slider_over_every_divisor_matches_numpy(browser, served_site, expected):
    base, _ = served_site
    want, starts = expected
    with lesson(browser, base, PAGE) as page:
        ready(page)
        for widget in BOTH:
            counts = sorted(want[widget])
            st = state(page, widget)
            assert st["kind"] == KIND and st["renders"] == 0 and st["n_kv"] == starts[widget]
            page.locator(f"{widget} figcaption").click()
            page.keyboard.press("Tab")
            slider = page.locator(f"{widget} input[type=range]")
            assert page.evaluate("s => document.activeElement.matches(s)", f"{widget} input")
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
            seen = []
            for key in ["Home"] + ["ArrowRight"] * (len(counts) - 1) + ["ArrowRight", "Home"]:
                page.keyboard.press(key)
                st = state(page, widget)
                n_kv = st["n_kv"]
                seen.append(n_kv)
                w = want[widget][n_kv]
                n_heads = len(w["owners"])
                assert st["owners"] == w["owners"].tolist()
                assert st["bytes"] == w["bytes"] and st["group"] == n_heads // n_kv
                close(st["fraction"], n_kv / n_heads)
                shown = page.locator(f"{widget} .lw-gqa-grid > span")
                shown = [int(t) for t in shown.all_text_contents()]
                assert shown == (w["owners"] + 1).tolist()
                values = page.locator(f"{widget} .lw-bar__value").all_text_contents()
                if w["bytes"] >= 1e6:
                    assert abs(number(values[0]) - w["bytes"] / 1e9) <= 0.005 + 1e-12
                else:
                    assert number(values[0]) == w["bytes"]
                if w["accuracy"] is None:
                    assert st["accuracy"] is None and len(values) == 1
                else:
                    close(st["accuracy"], w["accuracy"])
                    assert abs(number(values[1]) - 100 * w["accuracy"]) <= 0.5 + 1e-9
                assert slider.get_attribute("aria-valuetext").startswith(f"{n_kv} of {n_heads}")
                status = page.locator(f"{widget} .lw-status").text_content()
                assert f"{n_kv} key/value heads for {n_heads} query heads" in status
            assert seen == [*counts, counts[-1], counts[0]]


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site

    def press(page):
        page.locator(f"{TINY} input[type=range]").focus()
        page.keyboard.press("ArrowLeft")

    with lesson(browser, base, OFF) as page:
        before, after = round_trip(page, base, PAGE, press, widgets=2, widget=TINY, ready=ready)
    assert before["n_kv"] == 4 and after["n_kv"] == 2


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with lesson(browser, base, PAGE, scheme=scheme, width=width) as page:
        ready(page)
        for widget in BOTH:
            for _ in range(2):  # as first shown, and at multi-query
                result = Axe().run(page, context={"include": [[widget]]})
                assert result.violations_count == 0, result.generate_report()
                page.locator(f"{widget} input[type=range]").focus()
                page.keyboard.press("Home")
            assert_fits(page, width, widget, widget)


def test_fallback_without_javascript(browser, served_site):
    base, site = served_site
    assert_fallback_without_javascript(browser, base, site, PAGE, KIND, widgets=BOTH)
