"""Shared fixtures: Debian's Chromium for Playwright, and the course site built and served.

Browser tests follow ../shared/BROWSER-TESTS.md: Playwright drives Debian's chromium
(Playwright's own download cannot reach its host here), and the site is built with
``site_url`` set to the exact port it is served on so instant navigation is exercised.
Helpers (free ports, servers, builds) live in tests/support.py.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from tests import support
from tests.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """The real course site, built strictly for a free port and served from a thread.

    Yields the base URL (``http://127.0.0.1:<port>/``) and the site directory.
    """
    port = support.free_port()
    url = f"http://127.0.0.1:{port}/"
    site = tmp_path_factory.mktemp("site")
    result = support.mkdocs_build(
        support.ROOT / "mkdocs.yml", site, env={"SITE_URL": url}, timeout=900
    )
    assert result.returncode == 0, f"site build failed:\n{result.stderr[-4000:]}"
    with support.serve(site, port):
        yield url, site


_SESSION_START = {}


def pytest_sessionstart(session):
    _SESSION_START["t"] = time.perf_counter()


def pytest_sessionfinish(session, exitstatus):
    """Record the whole suite's wall time for `make bench` (controller process only)."""
    if hasattr(session.config, "workerinput") or "t" not in _SESSION_START:
        return
    full_run = session.config.args in ([], ["tests"]) and not session.config.option.keyword
    if not full_run:  # only the whole suite (make test) is a meaningful suite time
        return
    out = support.SUITE_TIMING
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - _SESSION_START["t"], 1),
                "tests": session.testscollected,
                "exit": int(exitstatus),
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
    )
