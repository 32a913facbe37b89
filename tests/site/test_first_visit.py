"""A first visit, on a phone (390 x 844) and a desktop (1440 x 900), in real Chromium.

The home page shows "Start with lesson 1" without scrolling; once a lesson was opened,
"Continue where you left off" is the main button. A lesson page puts its title above the
lesson frame. No page title or navigation label shows TeX's underscore ("√d_k"), and the
authoring guide is out of the learners' navigation but linked from the home page.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from tests.site.pages import page_paths

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

SIZES = [(390, 844), (1440, 900)]
FIRST = "lessons/01-rnn-bottleneck/"


def open_home(browser, base, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(base)
    expect(page.locator(".syllabus[data-course-ready]")).to_have_count(1)
    return context, page


@pytest.mark.parametrize("size", SIZES)
def test_start_button_on_first_visit_then_continue(served_site, browser, size):
    base, _ = served_site
    context, page = open_home(browser, base, size)
    try:
        start = page.locator("[data-course-start]")
        expect(start).to_have_text("Start with lesson 1")
        expect(start).to_be_in_viewport(ratio=1)  # seen without scrolling, even on a phone
        expect(start).to_have_class(re.compile(r"\bmd-button--primary\b"))
        expect(page.locator("[data-course-continue]")).to_be_hidden()
        start.click()
        page.wait_for_url(lambda address: address.split("#")[0] == base + FIRST)
        expect(page.locator("[data-lesson-frame][data-course-ready]")).to_have_count(1)
        page.goto(base)
        expect(page.locator(".syllabus[data-course-ready]")).to_have_count(1)
        title = page.locator(".syllabus a[data-lesson='01-rnn-bottleneck']").text_content()
        go_on = page.locator("[data-course-continue] a")
        expect(go_on).to_have_text(f"Continue where you left off: {title.strip()}")
        expect(go_on).to_be_in_viewport(ratio=1)
        expect(go_on).to_have_class(re.compile(r"\bmd-button--primary\b"))
        # Start stays, as a plain button: Continue is now the main one
        expect(start).to_be_visible()
        expect(start).not_to_have_class(re.compile(r"\bmd-button--primary\b"))
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_lesson_title_comes_before_the_lesson_frame(served_site, browser, size):
    base, _ = served_site
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(base + "lessons/09-scaling/")
        h1 = page.locator("article h1")
        frame = page.locator("[data-lesson-frame]")
        expect(h1).to_have_count(1)
        expect(h1).to_be_in_viewport(ratio=1)
        expect(frame.locator(".lesson-frame__objectives")).to_be_attached()  # frame kept
        order = h1.evaluate(
            "(h, f) => h.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING",
            frame.element_handle(),
        )
        assert order, "the lesson frame comes before the lesson's title"
        assert h1.bounding_box()["y"] < frame.bounding_box()["y"]
    finally:
        context.close()


def titles(html: str) -> tuple[str, list[str]]:
    """The <title> of a built page and the labels of the site navigation (pages and
    sections; not the page's own table of contents, whose headings may show code)."""
    soup = BeautifulSoup(html, "html.parser")
    labels = [
        " ".join(link.get_text(" ").split())
        for link in soup.select(".md-nav--primary .md-nav__link")
        if not link.find_parent(class_="md-nav--secondary")
    ]
    return soup.title.get_text(), labels


def test_no_underscore_in_any_title_or_navigation_label(served_site):
    """Front-matter titles are plain text (no maths there): "√d_k" would show its underscore."""
    _, site = served_site
    found = []
    for path in page_paths():
        title, labels = titles((site / path / "index.html").read_text(encoding="utf-8"))
        assert title.strip() and len(labels) > 20, path
        if "_" in title:
            found.append(f"{path}: <title> {title!r}")
        found += [f"{path}: nav {label!r}" for label in labels if "_" in label]
    assert found == []


def test_authoring_guide_is_linked_from_home_not_in_the_learners_nav(served_site, browser):
    base, site = served_site
    _, labels = titles((site / "index.html").read_text(encoding="utf-8"))
    assert "Glossary" in labels and not any("Authoring" in label for label in labels)
    assert (site / "authoring" / "index.html").is_file()
    page = browser.new_page()
    try:
        page.goto(base)
        page.get_by_role("link", name="authoring guide").click()
        # Material's navigation.tracking may carry the home page's anchor along
        page.wait_for_url(lambda address: address.split("#")[0] == base + "authoring/")
        expect(page.locator("article h1")).to_contain_text("Authoring guide")
    finally:
        page.close()
