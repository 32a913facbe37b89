"""Size budgets (bench/budgets.py, README "Budgets"): the deterministic ones, checked on the
real built site.

Timings (build ratio, Lighthouse, latencies) vary from run to run and machine to machine:
they are measured by `make bench`, never asserted here. Sizes do not vary: a page, an asset
or a figure that grows past its budget fails here, naming it and by how much.

Page weight is the page's HTML plus every stylesheet, script, image and JSON file of ours
it loads (``bench.sizes.page_weight``), each gzipped on its own as a static host serves
it. Material's own bundle (``assets/stylesheets``, ``assets/javascripts``: about 60 KB gz,
the same file on every page, cached after the first) and the search index (fetched once
for the whole site by the search worker) are not counted; `make bench` shows the weight
with them too.
"""

from __future__ import annotations

import pytest

from bench.budgets import BUDGETS
from bench.sizes import (
    BASE_JS,
    EXPLORER_PARAMS,
    asset_group,
    inline_figures,
    page_assets,
    page_weight,
    site_pages,
)

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]

EXPLORER_FILES = ("assets/explorer/explorer.js", "assets/explorer/explorer.css", EXPLORER_PARAMS)
QUIZ_FILES = ("assets/quiz/quiz.js", "assets/quiz/quiz.css")
QUIZ_BUDGET_GZ = BUDGETS["quiz_assets"].limit
BASE_BUDGET_GZ = BUDGETS["base_js"].limit
EXPLORER_BUDGET_GZ = BUDGETS["explorer_assets"].limit
PAGE_BUDGET_GZ = BUDGETS["page_weight"].limit
FIGURE_BUDGET_RAW = BUDGETS["figure_raw"].limit
FIGURE_BUDGET_GZ = BUDGETS["figure_gz"].limit


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def test_quiz_assets_within_budget(served_site):
    """quiz.js + quiz.css, as shipped in the site: within their gzipped budget."""
    _, site = served_site
    size = asset_group(site, *QUIZ_FILES)
    assert all((site / rel).is_file() for rel in QUIZ_FILES), "the quiz assets are not built"
    assert size["gz"] <= QUIZ_BUDGET_GZ, (
        f"quiz JS+CSS is {kb(size['gz'])} gzipped, over its {kb(QUIZ_BUDGET_GZ)} budget "
        f"(raw {size['raw']:,} B)"
    )


def test_shared_base_within_budget(served_site):
    """base.js (window.AFP), which every page loads before our other scripts: within its
    gzipped budget."""
    _, site = served_site
    assert (site / BASE_JS).is_file(), "the shared base is not built"
    size = asset_group(site, BASE_JS)
    assert size["gz"] <= BASE_BUDGET_GZ, (
        f"base.js is {kb(size['gz'])} gzipped, over its {kb(BASE_BUDGET_GZ)} budget "
        f"(raw {size['raw']:,} B)"
    )


def test_explorer_assets_within_budget(served_site):
    """explorer.js + explorer.css + the generated params.json: within their gzipped budget."""
    _, site = served_site
    assert all((site / rel).is_file() for rel in EXPLORER_FILES), "explorer assets missing"
    size = asset_group(site, *EXPLORER_FILES)
    assert size["gz"] <= EXPLORER_BUDGET_GZ, (
        f"explorer JS+CSS+JSON is {kb(size['gz'])} gzipped, over its "
        f"{kb(EXPLORER_BUDGET_GZ)} budget (raw {size['raw']:,} B)"
    )


def test_page_weight_counts_what_pages_load(served_site):
    """The weight function sees our assets (a budget that counts nothing passes nothing)."""
    _, site = served_site
    lesson = site / "lessons" / "04-softmax" / "index.html"
    assets = page_assets(site, lesson)
    for rel in ("assets/site.css", BASE_JS, "assets/course.js", "assets/quiz/quiz.js"):
        assert rel in assets, f"{rel} not found among what the lesson page loads: {assets}"
    assert EXPLORER_PARAMS in page_assets(site, site / "playground" / "index.html")
    weight = page_weight(site, lesson)
    assert weight["ours_gz"] > weight["html_gz"] > 0


def test_no_page_over_budget(served_site):
    """Every built page with our assets it loads: within the page budget, gzipped."""
    _, site = served_site
    pages = site_pages(site)
    assert len(pages) > 20, f"only {len(pages)} pages built"
    over = []
    for page in pages:
        weight = page_weight(site, page)
        if weight["ours_gz"] > PAGE_BUDGET_GZ:
            over.append(
                f"{page.relative_to(site)}: {kb(weight['ours_gz'])} gz "
                f"(HTML {kb(weight['html_gz'])})"
            )
    assert not over, f"pages over the {kb(PAGE_BUDGET_GZ)} budget:\n" + "\n".join(over)


def test_figures_within_budget(served_site):
    """Every inline SVG lesson figure: within its budget as written and gzipped."""
    _, site = served_site
    figures = [(page, *fig) for page in site_pages(site) for fig in inline_figures(page)]
    assert len(figures) > 10, "no lesson figures found: did the figure markup change?"
    over = [
        f"{page.parent.relative_to(site)}#{fid}: {kb(raw)} ({kb(zipped)} gz)"
        for page, fid, raw, zipped in figures
        if raw > FIGURE_BUDGET_RAW or zipped > FIGURE_BUDGET_GZ
    ]
    assert not over, (
        f"figures over {kb(FIGURE_BUDGET_RAW)} / {kb(FIGURE_BUDGET_GZ)} gz (draw fewer "
        "elements: a collection instead of one patch per cell, fewer points):\n" + "\n".join(over)
    )
