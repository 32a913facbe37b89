"""Every built page in real Chromium, light and dark: no axe violation, no request to
another host, no console error (so no content-security-policy violation either)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.site.pages import page_paths

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
PAGES = page_paths()


def open_page(page, url):
    """Load ``url`` recording requests to other hosts and console errors."""
    host = urlparse(url).netloc
    foreign, errors = [], []
    page.on("request", lambda r: foreign.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).netloc != host else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="networkidle")
    return foreign, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_offline_and_csp_clean(served_site, browser, path, scheme):
    base, _ = served_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        foreign, errors = open_page(page, base + path)
        expected = "slate" if scheme == "dark" else "default"
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not errors, f"console errors: {errors}"
    finally:
        context.close()


def test_not_found_page_helps(served_site, browser):
    base, _ = served_site
    page = browser.new_page()
    try:
        response = page.goto(base + "no/such/page/", wait_until="networkidle")
        assert response.status == 404
        page.get_by_role("link", name="Course home").click()
        page.wait_for_url(base)
        expect(page.locator("article.md-content__inner")).to_contain_text("lessons in")
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_lesson_page_is_accessible_after_answering_its_quiz(served_site, browser, scheme):
    """Feedback, explanations and the score add content: the whole page stays clean."""
    base, _ = served_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        _, errors = open_page(page, base + "lessons/04-softmax/")
        questions = page.locator("form.quiz fieldset.quiz__question")
        for i in range(questions.count()):
            question = questions.nth(i)
            options = question.locator("input[data-quiz-option]")
            if options.count():
                options.first.check()
            for field in question.locator("input[type=text]:visible, textarea:visible").all():
                field.fill("0.5")
            for select in question.locator("select:visible").all():
                select.select_option(index=1)
            check = question.get_by_role("button", name="Check")
            if check.count() and check.is_visible():
                check.click()
        statuses = page.locator("form.quiz [role=status]").all_text_contents()
        assert sum(s.startswith(("Correct", "Incorrect")) for s in statuses) >= 5, statuses
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("scheme, expected", [("light", "default"), ("dark", "slate")])
def test_first_visit_gets_the_system_scheme_before_the_theme_script(
        served_site, browser, scheme, expected):
    """No flash of the wrong scheme: with Material's bundle blocked, the inline palette
    script alone resolves "follow the system" on a first visit (nothing stored)."""
    base, _ = served_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
        response = page.goto(base + "lessons/01-rnn-bottleneck/", wait_until="domcontentloaded")
        assert response.status == 200
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    finally:
        context.close()


def test_a_chosen_scheme_wins_over_the_system_on_the_next_visit(served_site, browser):
    """The learner's toggle choice is stored by Material and applied by the inline script."""
    base, _ = served_site
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    try:
        page.goto(base + "lessons/01-rnn-bottleneck/", wait_until="networkidle")
        toggle = page.locator("form[data-md-component=palette] label:visible")
        for _ in range(3):  # system -> light -> dark -> system: stop at dark
            if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
                break
            toggle.first.click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
        page.goto(base + "lessons/02-soft-lookup/", wait_until="domcontentloaded")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    finally:
        context.close()
