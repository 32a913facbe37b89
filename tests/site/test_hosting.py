"""The built site works unchanged under a sub-path, as a host serving it at
example.org/course/ would serve it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import support

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
PREFIX = "/course"


class PrefixHandler(support.QuietHandler):
    """Serves the site only under PREFIX, as a host serving it at example.org/course/ would."""

    def translate_path(self, path):
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path(path[len(PREFIX) :] or "/")


@pytest.fixture()
def prefixed(served_site):
    _, site = served_site
    with support.serve(site, handler=PrefixHandler) as base:
        yield base + PREFIX.lstrip("/") + "/"


def test_site_works_under_a_sub_path(prefixed, page):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(prefixed, wait_until="networkidle")
    assert page.locator(".syllabus").is_visible()
    page.get_by_role("link", name="Softmax turns scores into weights").first.click()
    page.wait_for_url(prefixed + "lessons/04-softmax/")
    page.wait_for_load_state("networkidle")
    assert page.locator("figure.lesson-figure svg").first.is_visible()
    href = page.locator("a.lesson-frame__download").evaluate("a => a.href")
    assert href == prefixed + "lessons/notebooks/04-softmax.ipynb"
    response = page.request.get(href)
    assert response.ok and b'"cells"' in response.body()
    page.locator("input.md-search__input").click()
    page.keyboard.type("temperature")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert not failed, f"failed requests under {PREFIX}/: {failed}"
    assert not errors, errors
