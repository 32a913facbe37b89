"""The explorer in Debian's Chromium: same numbers as numpy, keyboard, instant navigation,
hostile input, a 375 px phone, axe-core in light and dark, and the CSP.

The fixture site (fixture_site.py) is served with ``script-src 'self'`` plus the hashes of
Material's own inline scripts, so every test also runs under that policy.
"""

from __future__ import annotations

import re
import struct
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from plugins.explorer import model as ex
from tests import support

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("explorer")]

READY = ".attention-explorer[data-explorer-ready='true']"
SHOTS = support.ROOT / ".cache" / "explorer-shots"  # gitignored
SENTENCES = [
    "The river bank was muddy after the rain.",
    "Glorp zibbed the wug, then it blorfed!!",  # unknown words, punctuation
    "it",  # one token
    ex.long_sentence(45) + ", zyx quux.",  # 47 tokens, two unknown
    "Café naïve Straße — ΟΔΟΣ, 日本語 🙂 Zürich's İstanbul",  # unicode
    "word " * 130,  # more than MAX_TOKENS: truncated
    "?!",  # no token at all
]


@contextmanager
def open_page(browser, url, **context_args):
    """A fresh context and page on ``url``; fails the test on any console error or CSP report."""
    context = browser.new_context(**context_args)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
            page.goto(url)
        page.wait_for_selector(READY) if "playground" in url or "lesson" in url else None
        yield page
        assert errors == [], errors
    finally:
        context.close()


def shown(page):
    return page.evaluate("AFP.explorer.weights(0)")


def tables(page):
    """Per table: caption text and the weight cells' texts, as shown."""
    return page.eval_on_selector_all(
        ".attention-explorer .ax-table",
        "ts => ts.map(t => ({caption: t.caption.textContent,"
        " cells: [...t.querySelectorAll('td')].map(td => td.textContent)}))",
    )


# -- the same numbers as numpy -------------------------------------------------------------
def test_browser_weights_equal_numpy(browser, explorer_site, site_params):
    url, _ = explorer_site
    names = [h["name"] for h in site_params["heads"]] + [site_params["average_name"]]
    with open_page(browser, url + "playground/") as page:
        box = page.get_by_label("Sentence")
        worst = 0.0
        for sentence in SENTENCES:
            box.fill(sentence)
            snap = shown(page)
            tokens = ex.tokenize(sentence)
            assert snap["tokens"] == tokens
            if not tokens:
                assert page.locator(".ax-results").is_hidden()
                continue
            expected = ex.forward(tokens, site_params)
            got = np.array([h["weights"] for h in snap["heads"]])
            assert got.shape == expected["weights"].shape
            worst = max(
                worst,
                np.abs(got - expected["weights"]).max(),
                np.abs(np.array(snap["average"]) - expected["average"]).max(),
            )
            q = snap["query"]
            rows = [*expected["weights"][:, q, :], expected["average"][q]]
            for table, name, row in zip(tables(page), names, rows, strict=True):
                assert table["caption"].startswith(name)
                assert len(table["cells"]) == len(tokens)
                shown_values = np.array([float(c) for c in table["cells"]])
                assert np.abs(shown_values - row).max() <= 0.005 + 1e-9, (sentence, name)
            computed = page.evaluate("s => AFP.explorer.compute(s)", sentence)
            assert np.abs(np.array(computed["outputs"]) - expected["outputs"]).max() <= 1e-9
        assert worst <= 1e-9, f"largest difference from numpy: {worst:.3g}"


def test_tokens_and_unknown_embeddings_are_bit_identical(browser, explorer_site, site_params):
    url, _ = explorer_site
    with open_page(browser, url + "playground/") as page:
        for text in SENTENCES + ["Cafe\u0301 x_y", "ǅemal ﬁx Ⅻ ²"]:
            assert page.evaluate("t => AFP.explorer.tokenize(t)", text) == ex.tokenize(text)
        for word in ["glorp", "zürich", "日本語", "x"]:
            js = page.evaluate("w => AFP.explorer.embedUnknown(w)", word)
            assert js == ex.unknown_sem(word, site_params["unknown_length"])  # exact


# -- keyboard -------------------------------------------------------------------------------
def test_keyboard_alone_reaches_and_drives_everything(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url + "playground/") as page:
        page.get_by_label("Sentence").focus()
        page.keyboard.press("End")
        page.keyboard.type(" It was")
        for _ in range(12):  # through the example buttons to the token toolbar
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('ax-token')"):
                break
        focused = page.evaluate("document.activeElement.getAttribute('aria-pressed')")
        assert focused == "true", "Tab lands on the selected token"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), "focus is visible"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        status = page.locator(".ax-status")
        assert status.text_content().startswith("Previewing \u201cmuddy\u201d")
        assert (
            page.locator(".ax-table")
            .first.locator("caption")
            .text_content()
            .endswith("(token 5 of 10)")
        )
        page.keyboard.press("Enter")
        pressed = page.locator(".ax-token[aria-pressed='true']")
        assert pressed.count() == 1 and pressed.text_content() == "muddy"
        page.keyboard.press("End")
        page.keyboard.press(" ")
        assert pressed.text_content() == "was"
        assert shown(page)["query"] == 9
        page.keyboard.press("Tab")  # on to the detective's head choice
        assert page.evaluate("document.activeElement.type") == "radio"
        page.keyboard.press("ArrowLeft")  # average -> pronouns-and-verbs-to-nouns head
        label = page.locator(".ax-lines").get_attribute("aria-label")
        assert "Pronouns-and-verbs-to-nouns head" in label and "\u201cwas\u201d" in label
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.textContent") == "was"


def test_hover_previews_and_click_selects(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url + "playground/") as page:
        page.get_by_role("button", name="The cat that chased the mouse was hungry.").click()
        assert page.locator(".ax-token[aria-pressed='true']").text_content() == "chased"
        page.locator(".ax-token").nth(5).hover()
        assert "Previewing \u201cmouse\u201d" in page.locator(".ax-status").text_content()
        assert shown(page)["shown"] == 5 and shown(page)["query"] == 3
        page.mouse.move(0, 0)
        assert shown(page)["shown"] == 3
        page.locator(".ax-token").nth(6).click()
        assert shown(page)["query"] == 6


# -- instant navigation ---------------------------------------------------------------------
def test_instant_navigation_initialises_once(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url) as page:
        page.evaluate("window.__stillHere = true")

        def go(action):
            """Navigate, then wait until the old article is gone: the URL changes before
            the content does, and the explorer starts in a task after the new content."""
            page.evaluate("document.querySelector('article').setAttribute('data-left', '')")
            action()
            expect(page.locator("article[data-left]")).to_have_count(0)

        def arrive():
            page.wait_for_selector(READY)
            assert page.evaluate("window.__stillHere === true"), "not an instant navigation"
            assert page.evaluate("AFP.explorer.instances()") == 1

        go(page.locator("article a[href$='playground/']").click)
        arrive()
        go(page.go_back)
        page.wait_for_selector("article a[href$='lesson/']")
        assert page.evaluate("AFP.explorer.instances()") == 0
        go(page.locator("article a[href$='lesson/']").click)
        arrive()
        assert page.locator(".ax-token[aria-pressed='true']").text_content() == "it"
        go(page.locator("article a[href$='playground/']").click)
        arrive()
        go(page.go_back)
        arrive()
        go(page.go_forward)
        arrive()
        page.evaluate("AFP.explorer.scan()")  # a second init pass must change nothing
        assert page.locator(".attention-explorer .ax-field").count() == 1
        before = shown(page)["renders"]
        page.locator(".ax-token").nth(1).dispatch_event("click")  # a click, without hover
        assert shown(page)["renders"] == before + 1, "click handlers stacked"
        assert shown(page)["query"] == 1
        page.get_by_label("Sentence").fill("one two")
        after = shown(page)["renders"]
        page.get_by_label("Sentence").press("End")
        page.keyboard.type("x")
        assert shown(page)["renders"] == after + 1, "input handlers stacked"


# -- hostile input ----------------------------------------------------------------------------
def test_hostile_input_is_only_ever_text(browser, explorer_site):
    url, _ = explorer_site
    hostile = '<img src=x onerror=alert(1)></td><script>alert(2)</script>"><b>x'
    with open_page(browser, url + "playground/") as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.get_by_label("Sentence").fill(hostile)
        page.wait_for_timeout(300)
        assert dialogs == []
        root = page.locator(".attention-explorer")
        assert root.locator("img, script, b").count() == 0
        assert page.get_by_label("Sentence").input_value() == hostile
        tokens = root.locator(".ax-token > span:first-child").all_text_contents()
        assert (
            tokens
            == ex.tokenize(hostile)
            == ["img", "src", "x", "onerror", "alert", "td", "script", "alert", "script", "b", "x"]
        )


# -- words outside the vocabulary -------------------------------------------------------------
ANIMAL = "The animal didn't cross the street because it was too tired"


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)])
def test_a_mostly_unknown_sentence_is_explained_in_words(browser, explorer_site, site_params, size):
    """5 of the 12 words of the 'animal' sentence are not in the heads' vocabulary: the
    explorer says which, in a live region, and what to try; each unknown word carries a
    visible "?" and, for a screen reader, "not in the vocabulary"."""
    url, _ = explorer_site
    width, height = size
    lexicon = site_params["lexicon"]
    tokens = ex.tokenize(ANIMAL)
    unknown = [w for w in tokens if w not in lexicon]
    assert len(unknown) / len(tokens) >= 0.4  # the case the message is for
    with open_page(
        browser, url + "playground/", viewport={"width": width, "height": height}
    ) as page:
        note = page.locator(".attention-explorer .ax-vocab")
        assert note.get_attribute("aria-live") == "polite"
        expect(note).to_have_text("")  # the example sentence: every word known, nothing said
        page.get_by_label("Sentence").fill(ANIMAL)
        expect(note).to_contain_text(f"do not know {len(unknown)} of the {len(tokens)} words")
        for word in unknown:
            expect(note).to_contain_text(f"\u201c{word}\u201d")
        expect(note).to_contain_text("Try one of the example sentences")
        suggested = note.text_content().split("such as ", 1)[1].rstrip(".").split(", ")
        assert suggested and all(w in lexicon for w in suggested)
        expect(note).to_be_visible()
        marked = page.locator(".ax-token.is-unknown")
        expect(marked).to_have_count(len(unknown))
        for i in range(len(unknown)):
            token = marked.nth(i)
            expect(token.locator(".ax-token__mark")).to_have_text("?")
            expect(token.locator(".ax-token__mark")).to_be_visible()
            expect(token).to_have_accessible_name(re.compile(r"\(not in the vocabulary\)$"))
        # a sentence the heads know: the message goes
        page.get_by_role("button", name=site_params["examples"][0]["text"]).click()
        expect(note).to_have_text("")
        expect(page.locator(".ax-token.is-unknown")).to_have_count(0)


# -- phone ------------------------------------------------------------------------------------
def _png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_phone_375px_nothing_overflows(browser, explorer_site):
    url, _ = explorer_site
    overflow_js = """() => {
      const root = document.querySelector('.attention-explorer');
      const box = root.getBoundingClientRect();
      const wide = [...root.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5);
      }).map(e => e.className.baseVal ?? e.className);
      return {page: document.documentElement.scrollWidth, inner: window.innerWidth,
              right: box.right, wide};
    }"""
    with open_page(browser, url + "playground/", viewport={"width": 375, "height": 800}) as page:
        long_words = ex.long_sentence(40) + " supercalifragilisticexpialidocious " * 2
        for sentence in [None, long_words]:
            if sentence:
                page.get_by_label("Sentence").fill(sentence)
            result = page.evaluate(overflow_js)
            assert result["page"] <= result["inner"], result
            assert result["right"] <= result["inner"], result
            assert result["wide"] == [], result
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "explorer-375.png"
        page.get_by_role("button", name="The river bank was muddy after the rain.").click()
        page.screenshot(path=str(shot), full_page=True)
        assert _png_size(shot)[0] == 375


# -- axe and colours ----------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_explorer(browser, explorer_site, scheme):
    url, _ = explorer_site
    with open_page(browser, url + "playground/", color_scheme=scheme) as page:
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        page.get_by_role("button", name="The cat that chased the mouse was hungry.").click()
        page.locator(".ax-token").nth(2).hover()  # a preview state too
        result = Axe().run(page, context=".attention-explorer")
        assert result.violations_count == 0, result.generate_report()
        # cell colours follow the palette: switching scheme repaints them
        cell = page.locator(".ax-table td").first
        before = cell.evaluate("td => td.style.backgroundColor")
        other = "default" if scheme == "dark" else "slate"
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{other}')")
        page.wait_for_function(
            "b => document.querySelector('.ax-table td').style.backgroundColor !== b", arg=before
        )
        result = Axe().run(page, context=".attention-explorer")
        assert result.violations_count == 0, result.generate_report()


def test_the_first_draw_happens_once_and_only_a_real_scheme_change_redraws(browser, explorer_site):
    """Material sets the scheme attributes again at start-up, with the same values: that
    must not redraw every table and matrix (it was a second long task on page load)."""
    url, _ = explorer_site
    with open_page(browser, url + "playground/", color_scheme="dark") as page:
        settle = "new Promise(r => setTimeout(() => r(AFP.explorer.weights(0).renders), 50))"
        assert page.evaluate(settle) == 1
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # same
        assert page.evaluate(settle) == 1
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
        assert page.evaluate(settle) == 2


def test_parts_far_below_the_fold_are_rendered_only_when_scrolled_near(browser, explorer_site):
    """On a phone the lines ("be the detective") start two screens down: content-visibility
    skips their layout and paint during start-up, and scrolling to them renders them at
    their real size, drawn for the current query."""
    url, _ = explorer_site
    with open_page(browser, url + "playground/", viewport={"width": 375, "height": 667}) as page:
        part = page.locator(".ax-detective")
        skipped = "d => !d.querySelector('svg').checkVisibility({contentVisibilityAuto: true})"
        assert (
            page.locator(".ax-head").evaluate_all(
                "hs => hs.map(h => getComputedStyle(h).contentVisibility)"
            )
            == ["auto"] * 4
        )
        assert part.evaluate(skipped)
        part.scroll_into_view_if_needed()
        for _ in range(50):  # rendered in a frame after it comes near the viewport
            if not part.evaluate(skipped):
                break
            page.wait_for_timeout(100)
        assert not part.evaluate(skipped)
        assert part.locator("svg").bounding_box()["height"] > 100
        assert part.locator("line").count() == len(shown(page)["heads"][0]["weights"])
