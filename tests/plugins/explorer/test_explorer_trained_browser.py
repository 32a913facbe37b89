"""The explorer's trained-model mode in Debian's Chromium: the same weights as numpy on the
same ids, induction at work on a repeated phrase, the words-to-tokens note, the switch by
keyboard, accessibility in both colour schemes, a 390 px phone, and trained.json fetched
only where the trained model is shown.
"""

from __future__ import annotations

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lesson_code.learned import trained_model
from plugins.explorer import trained as tr

from .test_explorer_browser import READY, SHOTS, open_page, shown, tables

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("explorer")]

REPEAT = "the cat sat on the mat and the cat sat on the mat"
SENTENCES = [
    REPEAT,
    "One two three four five, one two three four five.",
    "it",  # one token
    " ".join(f"w{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40)),  # ids wrap
    "the cat sat " * 30,  # 90 words: cut to the context
    "Café naïve Straße — ΟΔΟΣ, 日本語 🙂 café",  # unicode, a repeat
]
SHOWN_MODEL = ".attention-explorer[data-model-shown='trained']"


def to_trained(page):
    """Choose the trained model with the switch (a click on its label) and wait for it."""
    page.get_by_role("radio", name="Trained model").check()
    page.wait_for_selector(SHOWN_MODEL)


def roles(site_trained):
    """(layer, head) of each measured role, from the shipped trained.json."""
    found = {"previous": [], "induction": []}
    for layer, row in enumerate(site_trained["heads"]["roles"]):
        for head, role in enumerate(row):
            if role:
                found[role].append((layer, head))
    return found


def head_weights(snap):
    n_layers = 1 + max(h["layer"] for h in snap["heads"])
    got = np.array([h["weights"] for h in snap["heads"]])
    return got.reshape(n_layers, -1, *got.shape[1:])


# -- the same numbers as numpy -------------------------------------------------------------
def test_trained_weights_equal_numpy_on_the_same_ids(browser, explorer_site, site_trained):
    """Every head of every layer, to 1e-9, against lesson_code.learned's TinyTransformer run
    on the shipped (rounded) parameters; and within 1e-3 of the model trained in the build
    (the rounding of the export is all that separates them)."""
    url, _ = explorer_site
    shipped = tr.exported_model(site_trained)
    with open_page(browser, url + "playground/") as page:
        to_trained(page)
        box = page.get_by_label("Sentence")
        worst = 0.0
        for sentence in SENTENCES:
            box.fill(sentence)
            snap = shown(page)
            tokens = tr.model_tokens(sentence)
            ids = tr.word_ids(tokens)
            assert snap["model"] == "trained"
            assert snap["tokens"] == tokens and snap["ids"] == ids
            got = head_weights(snap)
            expected = shipped.attention(np.array(ids))
            assert got.shape == expected.shape == (2, 4, len(ids), len(ids))
            worst = max(worst, np.abs(got - expected).max())
            assert np.abs(got - trained_model().attention(np.array(ids))).max() < 1e-3
            q = snap["query"]
            names = [h["name"] for h in snap["heads"]]
            for table, name, row in zip(
                tables(page), names, expected.reshape(-1, len(ids), len(ids))[:, q], strict=True
            ):
                assert table["caption"].startswith(name)
                cells = np.array([float(c) for c in table["cells"]])
                assert np.abs(cells - row).max() <= 0.005 + 1e-9, (sentence, name)
            computed = page.evaluate("s => AFP.explorer.computeTrained(s)", sentence)
            assert computed["ids"] == ids
            assert np.abs(np.array(computed["weights"]) - expected).max() <= 1e-9
        assert worst <= 1e-9, f"largest difference from numpy: {worst:.3g}"
        assert page.evaluate("w => AFP.explorer.wordIds(w)", ["a", "b", "a"]) == [0, 1, 0]


# -- induction at work ------------------------------------------------------------------------
def test_the_induction_heads_find_the_word_after_the_earlier_copy(
    browser, explorer_site, site_trained
):
    """In "the cat sat on the mat and the cat sat on the mat", the second "cat" (token 9)
    occurred before as token 2, followed by "sat" (token 3): each head the build measured as
    an induction head puts most of the second cat's weight on that "sat", and the
    previous-token head on the "the" just before it."""
    url, _ = explorer_site
    tokens = tr.model_tokens(REPEAT)
    query = 8
    earlier = tokens.index(tokens[query])
    target = earlier + 1
    assert (tokens[query], earlier, tokens[target]) == ("cat", 1, "sat")
    found = roles(site_trained)
    assert found["induction"] and found["previous"]
    with open_page(browser, url + "playground/") as page:
        to_trained(page)
        page.get_by_label("Sentence").fill(REPEAT)
        page.locator(".ax-token").nth(query).click()
        expect(page.locator(".ax-token[aria-pressed='true']")).to_have_count(1)
        snap = shown(page)
        assert snap["query"] == query
        weights = head_weights(snap)
        for layer, head in found["induction"]:
            row = weights[layer, head, query]
            assert row.argmax() == target and row[target] > 0.5, (layer, head, row.round(2))
        for layer, head in found["previous"]:
            assert weights[layer, head, query].argmax() == query - 1
        # the learner sees it: the induction cards say their role, the table shows the weight
        for layer, head in found["induction"]:
            card = page.locator(f".ax-head--t{layer}-{head}")
            expect(card.locator(".ax-head__role")).to_contain_text("Induction head")
            cell = card.locator("tbody tr").nth(target).locator("td")
            assert float(cell.text_content()) > 0.5
        # the lines are drawn for the strongest induction head first
        label = page.locator(".ax-lines").get_attribute("aria-label")
        assert "(induction head)" in label and "strongest go to \u201csat\u201d" in label


# -- what the page says -----------------------------------------------------------------------
def test_the_mapping_wrap_and_cut_are_said_in_words(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url + "playground/") as page:
        to_trained(page)
        note = page.locator(".attention-explorer .ax-vocab")
        status = page.locator(".attention-explorer .ax-status")
        assert note.get_attribute("aria-live") == "polite"
        assert status.get_attribute("aria-live") == "polite"
        page.get_by_label("Sentence").fill("The cat sat on the mat")
        expect(note).to_contain_text("\u201cthe\u201d \u2192 0, \u201ccat\u201d \u2192 1")
        expect(note).to_contain_text("1 of the 6 words repeat")
        token = page.locator(".ax-token").nth(4)
        expect(token).to_have_accessible_name("the (model token 0)")
        expect(token.locator(".ax-token__id")).to_have_text("0")
        page.get_by_label("Sentence").fill(SENTENCES[3])  # 40 different words
        expect(note).to_contain_text("40 different words but the model only 32 tokens")
        expect(note).to_contain_text("from the 33rd new word on")
        expect(page.locator(".ax-token").nth(32).locator(".ax-token__id")).to_have_text("0")
        page.get_by_label("Sentence").fill(SENTENCES[4])  # 90 words
        expect(status).to_contain_text("Only the first 64 words are used")
        expect(page.locator(".ax-token")).to_have_count(64)


# -- the switch -------------------------------------------------------------------------------
def test_the_switch_works_by_keyboard_and_fetches_the_model_only_then(
    browser, explorer_site, site_trained
):
    url, _ = explorer_site
    fetched: list[str] = []
    with open_page(browser, url + "playground/") as page:
        page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
        group = page.get_by_role("group", name="Model")
        hand = group.get_by_role("radio", name="Hand-built heads")
        trained = group.get_by_role("radio", name="Trained model")
        expect(hand).to_be_checked()
        assert "trained.json" not in fetched
        assert len(shown(page)["heads"]) == 3
        hand.focus()
        page.keyboard.press("ArrowRight")  # a radio group: the arrow keys choose
        page.wait_for_selector(SHOWN_MODEL)
        expect(trained).to_be_checked()
        assert fetched.count("trained.json") == 1
        assert page.evaluate("document.activeElement.value") == "trained"
        outline = page.evaluate(
            "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
        )
        assert outline not in ("none", ""), "focus is visible"
        snap = shown(page)
        assert len(snap["heads"]) == site_trained["n_layers"] * site_trained["n_heads"]
        captions = [t["caption"] for t in tables(page)]
        assert captions[0].startswith("Layer 1, head 1")
        assert captions[-1].startswith(
            f"Layer {site_trained['n_layers']}, head {site_trained['n_heads']}"
        )
        for layer, head in roles(site_trained)["previous"]:
            name = f"Layer {layer + 1}, head {head + 1} (previous-token head): "
            assert any(c.startswith(name) for c in captions), captions
        # the example buttons are the trained model's
        page.get_by_role("button", name=site_trained["examples"][1]["text"]).click()
        assert shown(page)["query"] == site_trained["examples"][1]["query"]
        trained.focus()  # and back to the hand-built heads
        page.keyboard.press("ArrowLeft")
        expect(page.locator(".attention-explorer[data-model-shown='hand']")).to_have_count(1)
        assert shown(page)["model"] == "hand" and len(shown(page)["heads"]) == 3
        trained.check()
        page.wait_for_selector(SHOWN_MODEL)
        assert fetched.count("trained.json") == 1, "fetched once, then kept"


def test_a_load_button_can_switch_to_the_trained_model(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url + "playground/") as page:
        page.locator("button[data-explorer-model='trained']").first.click()
        page.wait_for_selector(SHOWN_MODEL)
        snap = shown(page)
        assert snap["tokens"] == tr.model_tokens(tr.REPEAT_SENTENCE)
        assert snap["query"] == tr.EXAMPLES[0][1]
        expect(page.get_by_role("radio", name="Trained model")).to_be_checked()


def test_trained_json_is_fetched_only_where_the_trained_model_is_shown(browser, explorer_site):
    """A page with data-model="trained" starts in trained mode with its sentence and query
    and fetches trained.json (not params.json); the plain page and a hand-built explorer
    never fetch trained.json."""
    url, _ = explorer_site
    for path, wanted in [("", set()), ("lesson/", {"params.json"}), ("trained/", {"trained.json"})]:
        with open_page(browser, url + path) as page:
            fetched: list[str] = []
            page.on("request", lambda r, f=fetched: f.append(r.url.rsplit("/", 1)[-1]))
            page.reload()
            if path:
                page.wait_for_selector(READY)
            page.wait_for_load_state("networkidle")
            assert {f for f in fetched if f.endswith(".json")} - {"sitemap.xml"} == wanted, path
    with open_page(browser, url + "trained/") as page:
        page.wait_for_selector(READY)
        snap = shown(page)
        assert snap["model"] == "trained" and snap["query"] == 8
        assert snap["tokens"] == tr.model_tokens(REPEAT)
        assert page.locator(".ax-modes").count() == 0  # no switch unless asked for


# -- accessibility ------------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_trained_mode(browser, explorer_site, scheme):
    url, _ = explorer_site
    with open_page(browser, url + "playground/", color_scheme=scheme) as page:
        to_trained(page)
        page.locator(".ax-example").first.click()
        page.locator(".ax-token").nth(3).hover()  # a preview state too
        result = Axe().run(page, context=".attention-explorer")
        assert result.violations_count == 0, result.generate_report()
        pressed = page.locator(".ax-token[aria-pressed='true']")
        expect(pressed).to_have_count(1)
        assert (
            page.locator(".ax-token[aria-pressed='false']").count()
            == len(shown(page)["tokens"]) - 1
        )


CONTROLS_JS = """() => [...document.querySelectorAll(
    '.attention-explorer :is(button, input, [tabindex]:not([tabindex="-1"]))')]
  .filter((el) => el.getClientRects().length)
  .map((el) => {
    // a radio's touch target is its label when the radio itself is small
    const target = el.type === 'radio' && el.labels.length ? el.labels[0] : el;
    const a = el.getBoundingClientRect(), b = target.getBoundingClientRect();
    return {name: (el.textContent || el.value || el.type).trim().slice(0, 30),
            width: Math.max(a.width, b.width), height: Math.max(a.height, b.height)};
  })"""


def test_phone_390px_touch_targets_and_no_overflow(browser, explorer_site):
    url, _ = explorer_site
    with open_page(browser, url + "playground/", viewport={"width": 390, "height": 844}) as page:
        to_trained(page)
        page.get_by_label("Sentence").fill(REPEAT)
        controls = page.evaluate(CONTROLS_JS)
        small = [c for c in controls if min(c["width"], c["height"]) < 44]
        assert controls and small == [], small
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator(".attention-explorer").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "explorer-trained-390.png"), full_page=True)
