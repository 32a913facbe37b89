"""The light/dark palette where the browser hands back something unexpected: a corrupt
stored choice, form state restored on "back", or no JavaScript at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import support

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

LESSON = "lessons/04-softmax/"
TOGGLE = "form[data-md-component=palette] label:visible"
STORE = "v => localStorage.setItem(__md_scope.pathname + '.__palette', v)"
STORED = "localStorage.getItem(__md_scope.pathname + '.__palette')"


@pytest.mark.parametrize(
    "stored",
    ["[]", "{", "null", '"x"', '{"index":99}', '{"index":1.5}', '{"index":1,"color":[1]}'],
)
def test_a_corrupt_stored_palette_never_breaks_the_toggle(served_site, browser, stored):
    base, _ = served_site
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + LESSON, wait_until="networkidle")
        page.evaluate(STORE, stored)
        support.storage_settled(page)
        page.reload(wait_until="networkidle")
        toggle = page.locator(TOGGLE)
        expect(toggle).to_have_count(1)
        assert page.evaluate(STORED) != stored, "the corrupt value is still stored"
        seen = {page.evaluate("document.body.dataset.mdColorScheme")}
        for _ in range(3):  # follow the system -> light -> dark: both schemes come round
            toggle.first.click()
            page.wait_for_timeout(100)
            seen.add(page.evaluate("document.body.dataset.mdColorScheme"))
        assert seen == {"default", "slate"}, seen
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("stored", ["[]", '{"index":99}'])
def test_a_corrupt_palette_stored_after_the_page_checked_is_read_as_none(
    served_site, browser, stored
):
    """Another tab (or a storage write still on its way from the page before a reload) may
    store a value after the head script removed the corrupt one: Material's bundle reads
    the palette once when it starts, and must read such a value as "nothing stored"."""
    base, _ = served_site
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def bundle_that_first_stores(route):
        body = route.fetch().text()
        write = "localStorage.setItem(__md_scope.pathname+'.__palette'," + repr(stored) + ");"
        route.fulfill(body=write + body, content_type="application/javascript")

    try:
        page.route("**/assets/javascripts/bundle.*.min.js", bundle_that_first_stores)
        page.goto(base + LESSON, wait_until="networkidle")
        expect(page.locator(TOGGLE)).to_have_count(1)
        assert page.evaluate(STORED) != stored, "the bundle did not start: nothing was written"
        assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
        assert not errors, errors
    finally:
        context.close()


def test_a_valid_stored_palette_is_kept(served_site, browser):
    base, _ = served_site
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    try:
        page.goto(base + LESSON, wait_until="networkidle")
        stored = page.evaluate(
            "() => { const i = document.getElementById('__palette_2'); return JSON.stringify("
            "{index: 2, color: {media: i.dataset.mdColorMedia, scheme: i.dataset.mdColorScheme,"
            " primary: i.dataset.mdColorPrimary, accent: i.dataset.mdColorAccent}}) }"
        )
        page.evaluate(STORE, stored)
        support.storage_settled(page)
        page.reload(wait_until="networkidle")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        assert page.evaluate(STORED) == stored
    finally:
        context.close()


def brightness(css_colour: str) -> float:
    """Mean of the red, green and blue channels of an rgb()/rgba() colour (0-255)."""
    inside = css_colour[css_colour.index("(") + 1 : css_colour.index(")")]
    return sum(float(c) for c in inside.split(",")[:3]) / 3


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_without_javascript_the_page_follows_the_system_scheme(served_site, browser, scheme):
    base, _ = served_site
    context = browser.new_context(java_script_enabled=False, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base + LESSON, wait_until="load")
        assert "no-js" in page.evaluate("document.documentElement.className")
        background = brightness(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        text = brightness(
            page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color")
        )
        if scheme == "dark":
            assert background < 60 and text > 150, (background, text)
        else:
            assert background > 200 and text < 100, (background, text)
    finally:
        context.close()


def test_going_back_does_not_reopen_the_drawer(served_site, browser_type, browser_type_launch_args):
    """Material kept its drawer and search checkboxes out of the browser's restored form
    state with autocomplete="off" (not valid on a checkbox); the head script unchecks them
    instead. Back/forward cache off, so "back" loads the page again and restores state."""
    base, _ = served_site
    args = browser_type_launch_args
    browser = browser_type.launch(
        **{**args, "args": [*args["args"], "--disable-features=BackForwardCache"]}
    )
    try:
        page = browser.new_page()
        page.goto(base + LESSON, wait_until="networkidle")
        page.evaluate("document.getElementById('__drawer').click()")
        assert page.evaluate("document.getElementById('__drawer').checked")
        page.goto(base + "faq/", wait_until="networkidle")
        page.go_back(wait_until="networkidle")
        assert page.evaluate("location.pathname").endswith(LESSON)
        assert not page.evaluate("document.getElementById('__drawer').checked")
    finally:
        browser.close()
