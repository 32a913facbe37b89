"""How a page loads (Lighthouse's performance budget, README "Budgets"): our stylesheets as
one request, every script deferred, the theme's start-up changes made before the page is
styled, no layout shift, and the features that now start later still whole."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.sizes import site_pages

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

# extra_css of mkdocs.yml, then what the quiz and explorer plugins add, in that order
OUR_CSS = [
    "assets/course.css",
    "assets/widgets.css",
    "assets/quiz/quiz.css",
    "assets/explorer/explorer.css",
]
# the shared base (window.AFP) first, then mkdocs.yml's scripts and the plugins'
OUR_JS = ["base.js", "course.js", "widgets.js", "quiz.js", "explorer.js"]
LESSONS = ["lessons/04-softmax/", "lessons/13-position/"]  # a quiz page; the heaviest page

SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__shifts.push({value: e.value,
    nodes: (e.sources || []).map(s => s.node ? s.node.nodeName + '.' + s.node.className : '')});
}).observe({type: 'layout-shift', buffered: true});"""


def test_every_page_links_our_css_as_one_file(served_site):
    _, site = served_site
    combined = (site / "assets" / "site.css").read_text(encoding="utf-8")
    starts = [combined.index((site / rel).read_text(encoding="utf-8").rstrip()) for rel in OUR_CSS]
    assert starts == sorted(starts), "the combined file keeps the cascade order"
    for page in site_pages(site):
        head, body = page.read_text(encoding="utf-8").split("</head>", 1)
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
        ours = [href.split("assets/", 1)[1] for href in sheets if "/stylesheets/" not in href]
        assert ours == ["site.css"], f"{page.relative_to(site)}: {sheets}"
        # in the body: only a lab's notebook CSS (mkdocs-jupyter's, shared by the labs)
        in_body = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
        assert all(re.fullmatch(r"(\.\./)+notebook\.[0-9a-f]+\.css", h) for h in in_body), (
            f"{page.relative_to(site)}: {in_body}"
        )


def test_every_script_is_deferred_bundle_first(served_site):
    _, site = served_site
    for page in site_pages(site):
        scripts = re.findall(r"<script([^>]*) src=\"([^\"]+)\"", page.read_text(encoding="utf-8"))
        names = [src.rsplit("/", 1)[1] for _, src in scripts]
        assert names[0].startswith("bundle.") and names[1:] == OUR_JS, (page, names)
        assert all(re.search(r"\bdefer\b", attrs) for attrs, _ in scripts), page


def test_head_script_does_the_bundles_start_up_changes(served_site, page):
    """html is marked "js" and the head's links are absolute before the body is parsed,
    so Material's bundle changes nothing (and reloads no stylesheet) when it starts."""
    base, _ = served_site
    page.goto(base + LESSONS[0], wait_until="networkidle")
    state = page.evaluate("""() => ({
        classes: [...document.documentElement.classList],
        links: [...document.head.querySelectorAll('link[href]')].map(l => l.getAttribute('href')),
        sheets: [...document.styleSheets].filter(s => s.href).length})""")
    assert "js" in state["classes"] and "no-js" not in state["classes"], state
    assert all(href.startswith(base) for href in state["links"]), state["links"]
    assert state["sheets"] == 3, "Material's two stylesheets and ours"


@pytest.mark.parametrize("path", LESSONS)
def test_lesson_loads_without_layout_shift(served_site, browser, path):
    """First visit on a phone: the "read these first" note is filled in before anything
    below it is parsed, and the listen controls' line is kept from the first paint (the
    "no voice" note comes two seconds later, in a headless browser always), so neither
    pushes anything down."""
    base, _ = served_site
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_init_script(SHIFTS)
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="networkidle")
        expect(page.locator("[data-prereq-note]")).to_be_visible()  # a first visit
        expect(page.locator("[data-listen-none]")).to_be_attached(timeout=10_000)
        page.wait_for_timeout(500)
        shifts = page.evaluate("window.__shifts")
        assert sum(s["value"] for s in shifts) < 0.001, shifts
    finally:
        context.close()


def test_instant_navigation_to_the_playground_styles_the_explorer(served_site, page):
    """The explorer's styles come with every page: reached by instant navigation (which
    loads no stylesheet), the playground's explorer is styled."""
    base, _ = served_site
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(base)
    page.evaluate("window.__stay = 1")
    page.locator("a.md-nav__link[href$='playground/']").first.click()
    page.wait_for_url(base + "playground/")
    expect(page.locator(".attention-explorer[data-explorer-ready='true']").first).to_be_attached()
    assert page.evaluate("window.__stay") == 1, "the click reloaded the page"
    display = page.evaluate("getComputedStyle(document.querySelector('.ax-field label')).display")
    assert display == "block", "explorer.css does not apply"


def test_code_blocks_get_uniquely_named_bars_when_scrolled_into_view(served_site, page):
    """Code blocks are mounted when first seen (content.lazy), in any order; each copy-button
    bar is still named after its block's place on the page."""
    base, _ = served_site
    page.goto(base + LESSONS[1], wait_until="networkidle")
    blocks = page.locator("article pre")
    count = blocks.count()
    assert count > 3
    for i in reversed(range(count)):  # bottom up: the mounting order is not page order
        blocks.nth(i).scroll_into_view_if_needed()
    expect(page.locator("nav.md-code__nav")).to_have_count(count)
    expect(page.locator("nav.md-code__nav:not([aria-label])")).to_have_count(0)
    names = page.evaluate("""() => {
        const blocks = [...document.querySelectorAll('pre')];
        return [...document.querySelectorAll('nav.md-code__nav')].map(n =>
            [n.getAttribute('aria-label'), blocks.indexOf(n.closest('pre'))]);
    }""")
    assert [name for name, _ in names] == [f"Code block {i + 1} tools" for _, i in names]
    assert len({name for name, _ in names}) == count


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_scheme_is_declared_before_the_bundle_and_follows_the_toggle(
    served_site, browser, scheme
):
    """The first <meta name="color-scheme"> (the one the browser reads) is the palette
    script's: right from the start, and after the reader switches the palette."""
    base, _ = served_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    first_meta = "document.querySelector('meta[name=color-scheme]').content"
    try:
        page.goto(base + LESSONS[0], wait_until="networkidle")
        assert page.evaluate(first_meta) == scheme
        before = page.evaluate("document.body.dataset.mdColorScheme")
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        for _ in range(3):  # follow the system -> light -> dark: one of them switches
            toggle.click()
            page.wait_for_timeout(100)
            if page.evaluate("document.body.dataset.mdColorScheme") != before:
                break
        other = "dark" if scheme == "light" else "light"
        expect(page.locator("body")).to_have_attribute(
            "data-md-color-scheme", "slate" if other == "dark" else "default"
        )
        assert page.evaluate(first_meta) == other
    finally:
        context.close()


def test_materials_palette_css_is_served_without_its_startup_restyle_rule(served_site):
    """Material's bundle sets and removes data-md-color-switching at every start-up; a rule
    on it restyled every element twice. The rule is on data-course-switching instead."""
    _, site = served_site
    [palette] = (site / "assets" / "stylesheets").glob("palette.*.min.css")
    css = palette.read_text(encoding="utf-8")
    assert "data-md-color-switching" not in css
    assert "[data-course-switching] *" in css


SWITCHES = """window.__switches = [];
new MutationObserver(records => { for (const r of records) window.__switches.push(
  r.attributeName + (document.body.hasAttribute(r.attributeName) ? '+' : '-'));
}).observe(document, {attributes: true, subtree: true,
  attributeFilter: ['data-course-switching', 'data-md-color-scheme']});"""


def test_switching_the_palette_turns_transitions_off_only_while_it_switches(served_site, browser):
    base, _ = served_site
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.add_init_script(SWITCHES)
    try:
        page.goto(base + LESSONS[0], wait_until="networkidle")
        # start-up: the bundle re-applies the palette, no switch
        assert "data-course-switching+" not in page.evaluate("window.__switches")
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        for _ in range(3):  # follow the system -> light -> dark: one of them switches
            toggle.click()
            if page.evaluate("document.body.dataset.mdColorScheme") == "slate":
                break
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        expect(page.locator("body")).not_to_have_attribute("data-course-switching", "")
        seen = page.evaluate("window.__switches")
        on = seen.index("data-course-switching+")
        assert seen.index("data-md-color-scheme+", on) > on, seen  # on before the colours
        assert "data-course-switching-" in seen[on:], seen  # and off again
        duration = page.evaluate("""() => { document.body.setAttribute('data-course-switching', '');
            const d = getComputedStyle(document.querySelector('.md-header')).transitionDuration;
            document.body.removeAttribute('data-course-switching'); return d; }""")
        assert set(duration.replace(" ", "").split(",")) == {"0s"}
    finally:
        context.close()
