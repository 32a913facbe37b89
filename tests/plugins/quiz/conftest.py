"""Fixtures of the quiz engine's tests: the fixture site, built and served.

Browser tests follow ../shared/BROWSER-TESTS.md: Playwright drives Debian's chromium
(``executable_path``), and the fixture site is built with ``site_url`` set to the exact
port it is served on, so Material's instant navigation really intercepts the clicks.
"""

from __future__ import annotations

import urllib.request

import pytest

from tests import support

from .paths import SITE_FIXTURE


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The fixture site (tests/plugins/quiz/fixtures/site), built for a free port and served.

    Every response carries ``Content-Security-Policy: script-src 'self'`` (plus the hashes
    of Material's inline scripts), so every browser test also checks that the quiz runs
    under that policy. Yields ``(base_url, site_dir)``.
    """
    port = support.free_port()
    url = f"http://127.0.0.1:{port}/"
    site = tmp_path_factory.mktemp("quiz-site")
    result = support.mkdocs_build(SITE_FIXTURE, site, env={"SITE_URL": url})
    assert result.returncode == 0, f"fixture site build failed:\n{result.stderr[-4000:]}"
    hashes = support.inline_script_hashes(site, support.BARE_SCRIPT_RE)
    policy = "script-src 'self' " + " ".join(hashes)
    with support.serve(site, port, support.csp_handler(policy)):
        with urllib.request.urlopen(url + "sitemap.xml", timeout=10) as response:
            assert response.status == 200
        yield url, site
