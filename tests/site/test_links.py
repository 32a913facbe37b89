"""No broken internal link or anchor in the built site; external links are listed."""

from __future__ import annotations

import pytest

from tests.site.linkcheck import check_site

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]


def test_no_broken_internal_links_or_anchors(served_site):
    _, site = served_site
    broken, external = check_site(site)
    assert not broken, "broken links:\n" + "\n".join(broken[:40])
    # External links are allowed; keep a list next to the build for review.
    (site.parent / "external-links.txt").write_text("\n".join(external))


def test_the_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="here">x</h2><a href="../b/">b</a><a href="../c/">c</a>'
        '<a href="#here">ok</a><a href="#gone">bad</a><a href="../b/#nope">bad2</a>'
        '<img src="pic.svg"><a href="https://example.org/x">ext</a>')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text("<p>b</p>")
    broken, external = check_site(tmp_path)
    assert broken == [
        "a/index.html: <a> ../c/ -> missing c/index.html",
        "a/index.html: #gone -> no anchor #gone",
        "a/index.html: ../b/#nope -> no anchor #nope",
        "a/index.html: <img> pic.svg -> missing a/pic.svg",
    ]
    assert external == ["https://example.org/x"]
