"""The theme's own features work under the content security policy, with no violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]


def test_every_page_carries_a_strict_policy(served_site):
    _, site = served_site
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert m, f"{page} has no CSP meta"
        policy = dict(part.strip().split(" ", 1) for part in m.group(1).split(";"))
        script = policy["script-src"]
        assert script.startswith("'self'")
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "http" not in m.group(1), "no other host may be allowed"
        assert html.index("Content-Security-Policy") < html.index("<script"), \
            "the policy must come before the first script"


def test_palette_search_and_instant_navigation_under_csp(served_site, page):
    base, _ = served_site
    violations = []
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(base + "lessons/04-softmax/")
    page.wait_for_load_state("networkidle")
    # palette toggle (an inline-script-driven theme feature)
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"} or before != after
    # search (a web worker loaded from the site)
    page.locator("input.md-search__input").click()
    page.keyboard.type("shift invariance")
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=10_000)
    assert "softmax" in result.inner_text().lower()
    page.keyboard.press("Escape")
    # instant navigation: the document is swapped, not reloaded
    page.evaluate("window.__stay = 1")
    page.locator("a.md-footer__link--next").click()
    # (search results are <article>s too: look in the page content only)
    expect(page.locator("article.md-content__inner h1")).to_contain_text(
        "Embed a five-token sentence")
    assert page.evaluate("location.pathname").endswith("/lessons/05-embed-sentence/")
    assert page.evaluate("window.__stay") == 1, "navigation reloaded the page"
    assert not violations, violations
