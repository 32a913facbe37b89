"""Lesson 19's training step slider in Debian's Chromium, on the real built site.

The slider is driven by keyboard alone over every saved step, and every number the widget
holds is compared with numpy, recomputed here from lesson_code.topics.train_head (the same
run as the lesson's): the weights (causal softmax of the saved scores) to 1e-9, the loss,
accuracy and weight on the previous position exactly or to 1e-9, the visible text to its
rounding. Then: no stacked handlers after instant navigation there and back, axe-core
finds nothing inside the widget in light and dark, nothing overflows at 375 px, and the
no-JavaScript fallback.
"""

from __future__ import annotations

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe

from lesson_code.attention import causal_mask, masked_softmax
from lesson_code.topics.train_head import (
    LESSON_STEPS,
    N_POSITIONS,
    SNAPSHOT_EVERY,
    accuracy,
    attention_scores,
    forward,
    lesson_data,
    lesson_run,
    token_labels,
    weight_on_previous,
)
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
    table_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGE = "lessons/19-train-one-head/"
KIND = "train-step"


@pytest.fixture(scope="module")
def expected():
    """What the widget must show at each saved step, computed with numpy."""
    run = lesson_run()
    _, _, x_test, y_test, test_tokens = lesson_data()
    mask = causal_mask(N_POSITIONS)
    out = {}
    for step, params in run.snapshots.items():
        weights = masked_softmax(attention_scores(params, x_test[:1])[0], mask)
        out[step] = {
            "weights": weights,
            "loss": run.losses[step],
            "accuracy": accuracy(forward(params, x_test)["logits"], y_test),
            "previous": weight_on_previous(weights),
        }
    labels = [f"{t} {i}" for i, t in enumerate(token_labels(test_tokens[0]))]
    return out, labels


def opened(browser, base, **kwargs):
    return lesson(browser, base, PAGE, **kwargs)


def test_slider_over_every_step_matches_numpy(browser, served_site, expected):
    base, _ = served_site
    snapshots, labels = expected
    steps = list(range(0, LESSON_STEPS + 1, SNAPSHOT_EVERY))
    assert sorted(snapshots) == steps
    upper = ~causal_mask(N_POSITIONS)
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        st = state(page)
        assert st["kind"] == KIND and st["step"] == 0 and st["renders"] == 0
        assert page.locator(f"{WIDGET} th[scope=row]").all_text_contents() == labels
        tab_to(page, "input[type=range]")
        seen = []
        for key in ["Home"] + ["ArrowRight"] * (len(steps) - 1) + ["ArrowRight", "End", "Home"]:
            page.keyboard.press(key)
            st = state(page)
            step = st["step"]
            seen.append(step)
            want = snapshots[step]
            close(st["weights"], want["weights"])
            assert np.all(np.array(st["weights"])[upper] == 0.0), "masked means exactly 0"
            assert st["loss"] == want["loss"] and st["accuracy"] == want["accuracy"]
            close(st["previous"], want["previous"])
            close(table_values(page), want["weights"], 0.005 + 1e-12)
            loss, acc, prev = (number(v) for v in bar_values(page))
            assert abs(loss - want["loss"]) <= 0.0005 + 1e-12
            assert abs(acc - 100 * want["accuracy"]) <= 0.05 + 1e-9
            assert abs(prev - want["previous"]) <= 0.005 + 1e-12
            field = page.get_by_label("Training step")
            assert field.get_attribute("aria-valuetext") == f"step {step} of {LESSON_STEPS}"
            status = page.locator(f"{WIDGET} .lw-status").text_content()
            assert status.startswith(f"Step {step}: training loss {want['loss']:.3f}")
        assert seen == [*steps, LESSON_STEPS, LESSON_STEPS, 0]
        # the trained head, as the lesson says: most weight on the previous position
        assert snapshots[LESSON_STEPS]["previous"] > 0.9 > 0.4 > snapshots[0]["previous"]


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, OFF) as page:
        before, after = round_trip(page, base, PAGE, press_right)
    assert after["step"] == SNAPSHOT_EVERY and before["step"] == 0


@pytest.mark.parametrize(("scheme", "width"), [("light", 1100), ("dark", 375)])
def test_no_axe_violations_and_fits_a_phone(browser, served_site, scheme, width):
    base, _ = served_site
    with opened(browser, base, scheme=scheme, width=width) as page:
        page.wait_for_selector(READY)
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected_scheme
        for _ in range(2):  # as first shown, and after a step
            result = Axe().run(page, context={"include": [[WIDGET]]})
            assert result.violations_count == 0, result.generate_report()
            page.locator(f"{WIDGET} input[type=range]").focus()
            page.keyboard.press("End")
        assert_fits(page, width)


def test_heat_cells_follow_the_colour_scheme_and_fallback_without_javascript(browser, served_site):
    base, site = served_site
    with opened(browser, base) as page:
        page.wait_for_selector(READY)
        cell = page.locator(f"{WIDGET} tbody td").nth(0)  # query 0 on key 0: weight 1
        colours = "c => [getComputedStyle(c).backgroundColor, getComputedStyle(c).color]"
        light = cell.evaluate(colours)
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        assert cell.evaluate(colours) != light, "the heat colours must follow light and dark"
        assert state(page)["renders"] == 0, "a re-colour is not a redraw"
    assert_fallback_without_javascript(browser, base, site, PAGE, KIND)
