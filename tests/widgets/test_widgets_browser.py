"""The lesson widgets in Debian's Chromium, on the real built site.

Every widget is driven by keyboard alone (arrow keys on sliders, Enter and Space on
toggles, Tab and arrows in a grid), and every number it shows is compared with numpy
computed here from lesson_code: the full-precision state (AFP.widgets.state) to
1e-9, the visible text to its rounding. Then: no stacked handlers after instant navigation
there and back, axe-core finds nothing inside the widgets in light and dark, nothing
overflows at 375 px, the no-JavaScript fallback, and hostile data stays text.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    init_projections,
    masked_softmax,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
    softmax,
)
from lesson_code.topics.cost import hop_counts, rnn_links, weight_matrix_bytes
from lesson_code.topics.cross_attention import (
    SOURCE_TOKENS,
    TARGET_TOKENS,
    source_vectors,
    target_vectors,
)
from lesson_code.topics.heads import relation_mass, relation_targets, two_relations
from lesson_code.topics.masks import D_MODEL, SENTENCE, token_vectors
from lesson_code.topics.position import sinusoid_dot
from lesson_code.topics.rnn import influence_curve, make_rnn, path_length
from lesson_code.topics.running_example import D_K, TOKENS, X, qkv
from lesson_code.topics.scaling import peakiness, random_dot_products

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

WIDGET = "figure.lesson-widget"
READY = WIDGET + "[data-widget-ready='true']"
TOL = 1e-9
LESSONS = {  # page -> widget kind, one widget per page
    "lessons/01-rnn-bottleneck/": "rnn-length",
    "lessons/04-softmax/": "softmax-temperature",
    "lessons/07-scores-and-weights/": "score-cell",
    "lessons/09-scaling/": "scaling-dk",
    "lessons/11-self-vs-cross/": "self-cross",
    "lessons/12-masks/": "causal-toggle",
    "lessons/13-position/": "position-offset",
    "lessons/14-heads-vs-one/": "head-picker",
    "lessons/25-cost-and-scale/": "cost-length",
}
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


# -- helpers ------------------------------------------------------------------------------
def instant_go(page, base, path):
    """Follow a link to ``path`` by Material's instant navigation (the page is not reloaded:
    ``window.__stillHere``, set by the caller, survives) and wait for the new article."""
    page.evaluate(
        """href => {
        const article = document.querySelector('article');
        article.setAttribute('data-left', '');
        const a = document.createElement('a');
        a.href = href; a.textContent = 'go';
        article.append(a);
        a.click();
    }""",
        base + path,
    )
    page.wait_for_url(base + path)
    # the URL changes before the content does: wait until the old article is gone
    expect(page.locator("article[data-left]")).to_have_count(0)
    assert page.evaluate("window.__stillHere === true"), "not an instant navigation"


@contextmanager
def lesson(browser, base, path, scheme="light", width=1100, javascript=True):
    """A fresh context on ``path``; fails the test on a console error, a CSP violation or
    a request to another host."""
    context = browser.new_context(
        color_scheme=scheme,
        java_script_enabled=javascript,
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    errors: list[str] = []
    host = base.split("/")[2]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            errors.append("foreign request " + r.url)
            if r.url.startswith(("http:", "https:")) and r.url.split("/")[2] != host
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        if javascript:
            with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
                page.goto(base + path)
            # instant navigation handles clicks only once it has read the sitemap: on a
            # busy machine a click right after the response reloads the page instead
            page.wait_for_load_state("networkidle")
            if path in LESSONS:
                page.wait_for_selector(READY)
        else:
            page.goto(base + path)
        yield page
        assert errors == [], errors
    finally:
        context.close()


def state(page, widget: str = WIDGET):
    return page.evaluate("s => AFP.widgets.state(document.querySelector(s))", widget)


OFF = "lessons/02-soft-lookup/"  # a page without widgets


def round_trip(page, base, path, press, *, widgets=1, widget=WIDGET, ready=None):
    """On ``page`` (opened on OFF): instant navigation to ``path`` and back, twice
    (``widgets`` live there, none here), then to ``path`` once more and a second scan,
    which must add nothing to ``widget``. Then ``press(page)`` works one of its controls:
    it must redraw once (a handler left from an earlier visit would draw again). The
    widget's state before and after the press, for the caller's own checks."""
    wait = ready or (lambda p: p.wait_for_selector(READY))
    page.evaluate("window.__stillHere = true")
    for _ in range(2):
        instant_go(page, base, path)
        wait(page)
        assert page.evaluate("AFP.widgets.count()") == widgets
        instant_go(page, base, OFF)
        page.wait_for_selector(widget, state="detached")
        assert page.evaluate("AFP.widgets.count()") == 0
    instant_go(page, base, path)
    wait(page)
    page.evaluate("AFP.widgets.scan()")
    assert page.locator(f"{widget} .lw-body").count() == 1
    before = state(page, widget)
    press(page)
    after = state(page, widget)
    assert after["renders"] == 1, f"handlers stacked ({after['renders']} redraws)"
    return before, after


def press_right(page, widget: str = WIDGET) -> None:
    """One step of the widget's slider, from the keyboard."""
    page.locator(f"{widget} input[type=range]").focus()
    page.keyboard.press("ArrowRight")


def assert_fallback_without_javascript(browser, base, site, path, kind, widgets=(WIDGET,)):
    """The built ``path`` holds one figure of ``kind`` per selector in ``widgets``; without
    JavaScript each shows its fallback, which says what it needs."""
    html = (site / path / "index.html").read_text("utf-8")
    assert html.count('class="lesson-widget"') == len(widgets)
    assert html.count(f'data-widget="{kind}"') == len(widgets)
    with lesson(browser, base, path, javascript=False) as page:
        for widget in widgets:
            fallback = page.locator(f"{widget} .lesson-widget__fallback")
            assert fallback.is_visible() and "needs JavaScript" in fallback.text_content()


def number(text: str) -> float:
    """The first number in ``text`` as shown ("−0.12", "1,048,576", "7.8 × 10⁻⁴")."""
    text = text.replace("\u2212", "-").replace(",", "")
    m = re.search(r"(-?\d+(?:\.\d+)?)(?: × 10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+))?", text)
    assert m, f"no number in {text!r}"
    value = float(m.group(1))
    return value * 10 ** int(m.group(2).translate(SUPERSCRIPT)) if m.group(2) else value


def bar_values(page) -> list[str]:
    return page.locator(f"{WIDGET} .lw-bar__value").all_text_contents()


def table_values(page) -> np.ndarray:
    rows = page.locator(f"{WIDGET} table.lw-heat tbody tr")
    return np.array(
        [
            [number(t) for t in rows.nth(i).locator("td").all_text_contents()]
            for i in range(rows.count())
        ]
    )


def tab_to(page, selector: str) -> None:
    """Start the focus walk at the widget's caption, then press Tab until ``selector``."""
    page.locator(f"{WIDGET} figcaption").click()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", f"{WIDGET} {selector}"):
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_fits(page, width: int, where: str = "", selector: str = WIDGET) -> None:
    """The widget ``selector`` (by default the first on ``page``) fits a ``width``-px
    screen: nothing wider than the page or the figure, nothing inside scrolling sideways,
    no text under 11.5 px."""
    sizes = page.evaluate(
        """s => {
        const fig = document.querySelector(s);
        const inner = [...fig.querySelectorAll('*')]
          .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
          .map(e => e.className || e.tagName);
        return {page: document.documentElement.scrollWidth, fig: fig.scrollWidth,
                figClient: fig.clientWidth, right: fig.getBoundingClientRect().right, inner};
    }""",
        selector,
    )
    assert sizes["page"] <= width and sizes["right"] <= width, (where, sizes)
    assert sizes["fig"] <= sizes["figClient"], (where, sizes)
    assert sizes["inner"] == [], f"{where}: something scrolls sideways: {sizes['inner']}"
    font = page.evaluate(
        """s => Math.min(...[...document.querySelectorAll(s + ' *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""",
        selector,
    )
    assert font >= 11.5, f"{where}: text too small ({font}px)"


def close(got, expected, tol=TOL) -> float:
    diff = float(np.max(np.abs(np.asarray(got, dtype=float) - np.asarray(expected, dtype=float))))
    assert diff <= tol, f"differs from numpy by {diff:.3g}"
    return diff


def close_rel(got, expected, rel=TOL) -> float:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    diff = float(np.max(np.abs(got - expected)))
    assert diff <= TOL and np.all(np.abs(got - expected) <= rel * np.abs(expected)), diff
    return diff


# -- lesson 1: sequence length -------------------------------------------------------------
def test_rnn_length_slider_matches_numpy(browser, served_site):
    base, _ = served_site
    influence = influence_curve(make_rnn(radius=0.9, seed=0), 40, n_samples=200)[0]
    with lesson(browser, base, "lessons/01-rnn-bottleneck/") as page:
        tab_to(page, "input[type=range]")
        seen = []
        for key in ["Home"] + ["ArrowRight"] * 39 + ["ArrowLeft", "End", "ArrowDown"]:
            page.keyboard.press(key)
            st = state(page)
            n = st["n"]
            seen.append(n)
            # |1 - n| recurrent steps (the course's convention); path_length also counts x_1 -> h_1
            assert st["rnnSteps"] == path_length("rnn", n) - 1 == n - 1
            assert st["attentionSteps"] == path_length("attention", n) == 1
            close_rel(st["influence"], influence[n - 1])
            close_rel(st["ratio"], influence[0] / influence[n - 1])
            rnn, att, inf = bar_values(page)
            assert (int(rnn), int(att)) == (n - 1, 1)
            assert abs(number(inf) - influence[n - 1]) <= 0.051 * 10 ** np.floor(
                np.log10(influence[n - 1])
            )  # shown to 2 significant digits
            field = page.get_by_label("Sequence length n")
            assert field.get_attribute("aria-valuetext") == f"n = {n}"
        assert seen == [*range(1, 41), 39, 40, 39]
        assert "times less than on h" in page.locator(f"{WIDGET} .lw-status").text_content()


# -- lesson 4: temperature -----------------------------------------------------------------
def test_softmax_temperature_slider_matches_numpy(browser, served_site):
    base, _ = served_site
    scores = np.array([8.2, 3.1, 2.4])  # the lesson's scores (trophy, suitcase, small)
    with lesson(browser, base, "lessons/04-softmax/") as page:
        tab_to(page, "input[type=range]")
        st = state(page)
        assert st["t"] == 1.0 and st["renders"] == 0
        close(st["weights"], softmax(scores))
        worst, temperatures = 0.0, []
        for key in ["Home"] + ["ArrowRight"] * 49 + ["ArrowLeft"] * 3:
            page.keyboard.press(key)
            st = state(page)
            t = st["t"]
            temperatures.append(t)
            worst = max(worst, close(st["weights"], softmax(scores / t)))
            close(st["scaled"], scores / t)
            shown = [number(v) for v in bar_values(page)]
            assert np.abs(np.array(shown) - softmax(scores / t)).max() <= 0.0005 + 1e-12
        assert temperatures[0] == 0.1 and temperatures[49] == 5.0
        assert np.allclose(np.diff(temperatures[:50]), 0.1)
        assert state(page)["renders"] == 53, "one redraw per key press"
        status = page.locator(f"{WIDGET} .lw-status").text_content()
        assert status.startswith("At T = 4.7 the weights are trophy")
        assert worst <= TOL


# -- lesson 7: hover or focus a cell --------------------------------------------------------
def test_score_cell_grid_by_keyboard_and_hover_matches_numpy(browser, served_site):
    base, _ = served_site
    q, k, _ = qkv(X)
    scores = q @ k.T
    weights = softmax(scores / np.sqrt(D_K), axis=-1)
    n = len(TOKENS)
    with lesson(browser, base, "lessons/07-scores-and-weights/") as page:
        close(table_values(page), np.round(weights, 2), 0.005 + 1e-12)
        tab_to(page, "table button")
        st = state(page)
        assert (st["query"], st["key"]) == (TOKENS.index("hungry"), TOKENS.index("cat"))
        assert st["renders"] == 0, "Tab lands on the selected cell without a redraw"

        def check(focused=True):
            st = state(page)
            i, j = st["query"], st["key"]
            if focused:  # the roving tab stop follows the keyboard
                assert page.evaluate("document.activeElement.tabIndex") == 0
            close(st["q"], q[i])
            close(st["k"], k[j])
            close(st["dot"], scores[i, j])
            close(st["scaled"], scores[i, j] / np.sqrt(D_K))
            close(st["row"], weights[i])
            close(st["weight"], weights[i, j])
            text = page.locator(f"{WIDGET} .lw-detail").text_content()
            assert f"Query “{TOKENS[i]}”" in text and f"Key “{TOKENS[j]}”" in text
            assert f"= {scores[i, j]:.2f}".replace("-", "−") in text
            return i, j

        visited = {check()}
        page.keyboard.press("Home")  # row start, then a snake over every cell
        page.keyboard.press("ArrowUp")
        visited.add(check())
        for i in range(n):
            for _ in range(n - 1):
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                visited.add(check())
            page.keyboard.press("ArrowDown")
            visited.add(check())
        assert visited == {(i, j) for i in range(n) for j in range(n)}
        page.keyboard.press("End")
        assert state(page)["key"] == n - 1
        renders = state(page)["renders"]
        page.locator(f"{WIDGET} table button").nth(0).hover()  # the, the
        assert (state(page)["query"], state(page)["key"]) == (0, 0)
        assert state(page)["renders"] == renders + 1
        check(focused=False)


# -- lesson 9: key size ----------------------------------------------------------------------
def test_scaling_slider_matches_numpy(browser, served_site):
    base, _ = served_site
    dims = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    with lesson(browser, base, "lessons/09-scaling/") as page:
        tab_to(page, "input[type=range]")
        assert state(page)["d"] == 64
        page.keyboard.press("Home")
        for i, d in enumerate(dims):
            if i:
                page.keyboard.press("ArrowRight")
            st = state(page)
            assert st["d"] == d
            dots = random_dot_products(d, n_draws=20_000, seed=9 + d)
            close(st["stdNone"], dots.std())
            close(st["stdSqrt"], (dots / np.sqrt(d)).std())
            close(st["topNone"], peakiness(d, 16, 2_000, "none", seed=9)[0])
            close(st["topSqrt"], peakiness(d, 16, 2_000, "sqrt", seed=9)[0])
            shown = [number(v) for v in bar_values(page)]
            expected = [st["stdNone"], st["stdSqrt"], st["topNone"], st["topSqrt"]]
            assert np.abs(np.array(shown) - expected).max() <= 0.005 + 1e-12
            assert page.get_by_label("Key size dₖ").get_attribute("aria-valuetext") == f"dₖ = {d}"


# -- lesson 11: self vs cross ------------------------------------------------------------------
def test_self_cross_toggle_matches_numpy(browser, served_site):
    base, _ = served_site
    english, french = source_vectors(), target_vectors()
    w_self = scaled_dot_product_attention(english, english, english)[1]
    identity = (np.eye(english.shape[1]),) * 4
    w_cross = multi_head_attention(french, *identity, n_heads=1, context=english)[1][0]
    with lesson(browser, base, "lessons/11-self-vs-cross/") as page:
        buttons = page.locator(f"{WIDGET} .lw-toggle")
        assert buttons.nth(1).get_attribute("aria-pressed") == "true"
        tab_to(page, ".lw-toggle")
        page.keyboard.press("Enter")  # the first button: self-attention
        st = state(page)
        assert st["mode"] == "self" and st["rows"] == list(SOURCE_TOKENS)
        assert [buttons.nth(i).get_attribute("aria-pressed") for i in (0, 1)] == ["true", "false"]
        close(st["weights"], w_self)
        close(table_values(page), w_self, 0.005 + 1e-12)
        assert table_values(page).shape == (5, 5)
        page.keyboard.press("Tab")
        page.keyboard.press(" ")
        st = state(page)
        assert st["mode"] == "cross" and st["rows"] == list(TARGET_TOKENS)
        assert st["cols"] == list(SOURCE_TOKENS)
        close(st["weights"], w_cross)
        close(table_values(page), w_cross, 0.005 + 1e-12)
        assert table_values(page).shape == (6, 5)
        assert page.locator(f"{WIDGET} th[scope=row]").all_text_contents() == list(TARGET_TOKENS)
        page.keyboard.press(" ")  # pressing the pressed one again changes nothing
        assert state(page)["renders"] == 2


# -- lesson 12: causal on/off ---------------------------------------------------------------
def test_causal_toggle_matches_numpy(browser, served_site):
    base, _ = served_site
    x = token_vectors(SENTENCE)
    w_q, w_k, _, _ = init_projections(D_MODEL, seed=12)
    scores = (x @ w_q) @ (x @ w_k).T / np.sqrt(D_MODEL)
    n = len(SENTENCE)
    on, off = masked_softmax(scores, causal_mask(n)), softmax(scores, axis=-1)
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    with lesson(browser, base, "lessons/12-masks/") as page:
        tab_to(page, ".lw-toggle")
        for key, causal in (("Enter", False), (" ", True), ("Enter", False)):
            page.keyboard.press(key)
            st = state(page)
            expected = on if causal else off
            assert st["causal"] is causal
            assert (
                page.locator(f"{WIDGET} .lw-toggle").get_attribute("aria-pressed")
                == str(causal).lower()
            )
            close(st["weights"], expected)
            close(st["future"], (expected * upper).sum() / n)
            close(table_values(page), expected, 0.005 + 1e-12)
            cells = page.locator(f"{WIDGET} tbody td")
            blocked = [
                c == "is-blocked"
                for c in cells.evaluate_all(
                    "cs => cs.map(c => c.classList.contains('is-blocked') ? 'is-blocked' : '')"
                )
            ]
            assert blocked == list(upper.ravel() & causal)
            if causal:
                assert np.all(np.array(st["weights"])[upper] == 0.0), "blocked means exactly 0"
        assert state(page)["renders"] == 3


# -- lesson 13: offset ----------------------------------------------------------------------
def test_position_offset_slider_matches_numpy(browser, served_site):
    base, _ = served_site
    enc = sinusoidal_positions(64, 64)
    with lesson(browser, base, "lessons/13-position/") as page:
        tab_to(page, "input[type=range]")
        page.keyboard.press("Home")
        for k in range(32):
            if k:
                page.keyboard.press("ArrowRight")
            st = state(page)
            assert st["k"] == k
            close(st["dots"], [enc[0] @ enc[k], enc[20] @ enc[20 + k]])
            close(st["formula"], sinusoid_dot(k, 64))
            assert st["gap"] <= TOL
            shown = [number(v) for v in bar_values(page)]
            assert np.abs(np.array(shown) - sinusoid_dot(k, 64)).max() <= 0.00005 + 1e-12
        page.keyboard.press("ArrowRight")
        assert state(page)["k"] == 31, "the slider stops at the last offset"


# -- lesson 14: head picker -----------------------------------------------------------------
def test_head_picker_matches_numpy(browser, served_site):
    base, _ = served_site
    example = two_relations()
    w2, w1 = example.attend(n_heads=2)[1], example.attend(n_heads=1)[1]
    previous, same_type = relation_targets(example.types)
    heads = [w2[0], w2[1], w1[0]]
    with lesson(browser, base, "lessons/14-heads-vs-one/") as page:
        assert state(page)["head"] == 0
        tab_to(page, ".lw-toggle")  # the first head's button
        for i, keys in (
            (1, ["Tab", "Enter"]),
            (2, ["Tab", " "]),
            (0, ["Shift+Tab", "Shift+Tab", "Enter"]),
        ):
            for key in keys:
                page.keyboard.press(key)
            st = state(page)
            assert st["head"] == i, (i, st["head"])
            close(st["weights"], heads[i])
            close(st["previous"], relation_mass(heads[i], previous)[1:].mean())
            close(st["sameType"], relation_mass(heads[i], same_type)[1:].mean())
            close(table_values(page), heads[i], 0.005 + 1e-12)
            pressed = page.locator(f"{WIDGET} .lw-toggle[aria-pressed=true]")
            assert pressed.count() == 1 and pressed.text_content().endswith(st["label"])


# -- lesson 25: cost -----------------------------------------------------------------------
def test_cost_length_slider_matches_numpy(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, "lessons/25-cost-and-scale/") as page:
        tab_to(page, "input[type=range]")
        assert state(page)["n"] == 1024
        page.keyboard.press("Home")
        for e in range(4, 18):
            if e > 4:
                page.keyboard.press("ArrowRight")
            st = state(page)
            n = 2**e
            assert st["n"] == n and st["entries"] == n * n
            measured = weight_matrix_bytes(n) if n <= 2048 else None
            assert st["bytes64"] == (measured or np.dtype(np.float64).itemsize * n * n)
            assert st["bytes16"] == np.dtype(np.float16).itemsize * n * n
            longest = n - 1
            if n <= 64:  # breadth-first search over the RNN's links, as in the lesson
                later = np.triu(np.ones((n, n), dtype=bool), k=1)
                longest = hop_counts(rnn_links(n))[later].max()
            assert st["rnnPath"] == longest and st["attentionPath"] == 1
            entries, b64, b16, rnn, att = (number(v) for v in bar_values(page))
            assert (entries, b64, b16, rnn, att) == (n * n, st["bytes64"], st["bytes16"], n - 1, 1)
        assert (
            page.get_by_label("Sequence length n").get_attribute("aria-valuetext") == "n = 131,072"
        )


# -- all widgets: instant navigation, axe, 375 px, colour scheme ------------------------------
def operate(page, kind: str) -> None:
    """One change, by keyboard, as a learner would make it."""
    if kind == "score-cell":
        page.locator(f"{WIDGET} table button[tabindex='0']").focus()
        page.keyboard.press("ArrowRight")
    elif kind in ("self-cross", "causal-toggle", "head-picker"):
        unpressed = page.locator(f"{WIDGET} .lw-toggle[aria-pressed=false]")
        (unpressed if unpressed.count() else page.locator(f"{WIDGET} .lw-toggle")).first.focus()
        page.keyboard.press("Enter")
    else:
        page.locator(f"{WIDGET} input[type=range]").focus()
        page.keyboard.press("ArrowRight" if kind != "cost-length" else "ArrowLeft")


def test_instant_navigation_there_and_back_does_not_stack_handlers(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, "lessons/02-soft-lookup/") as page:
        page.evaluate("window.__stillHere = true")
        assert page.evaluate("AFP.widgets.count()") == 0

        def go(path):
            instant_go(page, base, path)

        for path, kind in LESSONS.items():
            for _ in range(2):  # widget page, plain page, widget page again
                go(path)
                page.wait_for_selector(READY)
                assert page.evaluate("AFP.widgets.count()") == 1
                go("lessons/02-soft-lookup/")
                page.wait_for_selector(WIDGET, state="detached")
                assert page.evaluate("AFP.widgets.count()") == 0
            go(path)
            page.wait_for_selector(READY)
            page.evaluate("AFP.widgets.scan()")  # a second pass must change nothing
            assert page.locator(f"{WIDGET} .lw-body").count() == 1
            assert page.locator(f"{WIDGET} .lesson-widget__fallback").count() == 0
            before = state(page)
            assert before["kind"] == kind and before["renders"] == 0
            operate(page, kind)
            after = state(page)
            assert after["renders"] == 1, f"{kind}: handlers stacked ({after['renders']} redraws)"
            assert after != {**before, "renders": 1}, f"{kind}: the change did not show"


def check_axe(page, path, kind):
    """axe-core inside the widget as first shown and, where a control builds a new table,
    after one change."""
    result = Axe().run(page, context={"include": [[WIDGET]]})
    assert result.violations_count == 0, f"{path}\n{result.generate_report()}"
    if kind in ("self-cross", "causal-toggle", "head-picker"):
        operate(page, kind)
        result = Axe().run(page, context={"include": [[WIDGET]]})
        assert result.violations_count == 0, f"{path}\n{result.generate_report()}"


def test_widgets_in_light_mode_have_no_axe_violations(browser, served_site):
    base, _ = served_site
    for path, kind in LESSONS.items():
        with lesson(browser, base, path, scheme="light") as page:
            assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
            check_axe(page, path, kind)


def test_widgets_on_a_375px_phone_in_dark_mode_fit_and_have_no_axe_violations(browser, served_site):
    base, _ = served_site
    for path, kind in LESSONS.items():
        with lesson(browser, base, path, scheme="dark", width=375) as page:
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
            assert_fits(page, 375, path)
            check_axe(page, path, kind)


def test_heat_cells_follow_the_colour_scheme(browser, served_site):
    base, _ = served_site
    with lesson(browser, base, "lessons/14-heads-vs-one/") as page:
        cell = page.locator(f"{WIDGET} tbody td").nth(8)  # "cat" on "the": 0.94 in head 0
        colours = "c => [getComputedStyle(c).backgroundColor, getComputedStyle(c).color]"
        light = cell.evaluate(colours)
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        dark = cell.evaluate(colours)
        assert light != dark, "the heat colours must follow light and dark"
        assert state(page)["renders"] == 0, "a re-colour is not a redraw"
        result = Axe().run(page, context={"include": [[WIDGET]]})
        assert result.violations_count == 0, result.generate_report()


def test_without_javascript_the_fallback_says_so(browser, served_site):
    base, site = served_site
    for path in LESSONS:
        html = (site / path / "index.html").read_text("utf-8")
        assert html.count('class="lesson-widget"') == 1
        assert "<template data-widget-data data-search-exclude>" in html
    search = (site / "search" / "search_index.json").read_text("utf-8")
    assert '"t_start"' not in search and "interactive widget needs" not in search, (
        "widget data and fallbacks are kept out of the search index"
    )
    with lesson(browser, base, "lessons/04-softmax/", javascript=False) as page:
        fallback = page.locator(f"{WIDGET} .lesson-widget__fallback")
        assert fallback.is_visible() and "needs JavaScript" in fallback.text_content()
        assert page.locator(f"{WIDGET} figcaption").is_visible()


def test_hostile_data_and_labels_stay_text(browser, served_site):
    """A widget built from data full of markup: nothing runs, nothing becomes an element."""
    base, _ = served_site
    evil = "<img src=x onerror=window.pwned=1></template><script>window.pwned=1</script>"
    block = report.widget_block(
        "evil",
        "softmax-temperature",
        {
            "scores": [1.0, 2.0],
            "labels": [evil, "b & <b>"],
            "t_min": 0.1,
            "t_max": 5.0,
            "t_step": 0.1,
            "t_start": 1.0,
        },
        label=evil,
        caption=evil,
    )
    with lesson(browser, base, "lessons/02-soft-lookup/") as page:
        page.evaluate(
            """html => {
            const article = document.querySelector('article');
            article.insertAdjacentHTML('beforeend', html);
            AFP.widgets.scan();
        }""",
            block,
        )
        page.wait_for_selector(READY)
        assert page.evaluate("window.pwned") is None
        assert page.locator(f"{WIDGET} img, {WIDGET} script, {WIDGET} b").count() == 0
        labels = page.locator(f"{WIDGET} .lw-bar__label").all_text_contents()
        assert labels == [f"{evil} (score 1)", "b & <b> (score 2)"]
        assert page.locator(f"{WIDGET} figcaption").text_content() == f"{evil} {evil}"
        close(state(page)["weights"], softmax(np.array([1.0, 2.0])))


def test_a_kind_file_is_fetched_once_and_only_where_it_is_shown(browser, served_site):
    """widgets.js fetches widgets/KIND.js the first time a page shows KIND: not on pages
    without widgets, once per kind however often the learner comes back (instant
    navigation keeps the page), and each page only the kinds it shows."""
    base, _ = served_site
    with lesson(browser, base, "lessons/02-soft-lookup/") as page:
        fetched: list[str] = []
        page.on(
            "request",
            lambda r: fetched.append(r.url.rsplit("/", 1)[1]) if "/widgets/" in r.url else None,
        )
        page.evaluate("window.__stillHere = true")
        page.wait_for_timeout(200)
        assert fetched == [], "a page without widgets fetched a kind"
        paths = list(LESSONS)[:3]
        for path in paths + paths:
            instant_go(page, base, path)
            page.wait_for_selector(READY)
            assert state(page)["kind"] == LESSONS[path]
        assert page.evaluate("window.__stillHere") is True
        assert fetched == [f"{LESSONS[path]}.js" for path in paths]


def test_a_kind_without_a_file_fails_visibly_and_keeps_the_fallback(browser, served_site):
    """A figure whose kind has no file (an author's typo) ends in data-widget-ready="error"
    with a message naming the kind; the no-JavaScript sentence stays; a kind that is not a
    plain name is refused without any request."""
    base, _ = served_site
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
            page.goto(base + "lessons/02-soft-lookup/")
        typo = report.widget_block("typo", "softmax-temprature", {"x": 1}, "Typo")
        odd = report.widget_block("odd", "softmax", {"x": 1}, "Odd").replace(
            'data-widget="softmax"', 'data-widget="../../evil"'
        )
        page.evaluate(
            """html => {
            document.querySelector('article').insertAdjacentHTML('beforeend', html);
            AFP.widgets.scan();
        }""",
            typo + odd,
        )
        typo_fig = page.locator("figure[data-widget='softmax-temprature']")
        odd_fig = page.locator("figure[data-widget='../../evil']")
        expect(typo_fig).to_have_attribute("data-widget-ready", "error")
        assert "softmax-temprature" in typo_fig.get_attribute("data-widget-error")
        assert typo_fig.locator(".lesson-widget__fallback").count() == 1
        expect(odd_fig).to_have_attribute("data-widget-ready", "error")
        assert odd_fig.get_attribute("data-widget-error") == "unknown kind ../../evil"
        assert not [u for u in requests if "evil" in u]
    finally:
        context.close()
