"""Shared fixtures: paths, Debian's Chromium for Playwright, and a built, served site.

Browser tests follow ../shared/BROWSER-TESTS.md: Playwright drives Debian's chromium
(Playwright's own download cannot reach its host here), and the site is built with
``site_url`` set to the exact port it is served on so instant navigation is exercised.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mkdocs_build(
    config: Path, site_dir: Path, *, env: dict | None = None, args=("--strict",), cwd=None
) -> subprocess.CompletedProcess:
    """Run the real ``mkdocs build`` in a subprocess and return its result (never raises)."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or config.parent,
        timeout=900,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static server like GitHub Pages: the site's 404.html for unknown paths."""

    def log_message(self, *args):  # keep test output clean
        pass

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """The real course site, built strictly for a free port and served from a thread.

    Yields the base URL (``http://127.0.0.1:<port>/``) and the site directory.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT / "mkdocs.yml", site, env={"SITE_URL": url})
    assert result.returncode == 0, f"site build failed:\n{result.stderr[-4000:]}"
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, site
    finally:
        server.shutdown()
        server.server_close()


_SESSION_START = {}


def pytest_sessionstart(session):
    import time

    _SESSION_START["t"] = time.perf_counter()


def pytest_sessionfinish(session, exitstatus):
    """Record the whole suite's wall time for `make bench` (controller process only)."""
    import datetime as dt
    import json
    import time

    if hasattr(session.config, "workerinput") or "t" not in _SESSION_START:
        return
    full_run = session.config.args in ([], ["tests"]) and not session.config.option.keyword
    if not full_run:  # only the whole suite (make test) is a meaningful suite time
        return
    out = ROOT / ".cache" / "bench" / "test-suite.json"
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
