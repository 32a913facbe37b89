"""Fixtures of the quiz engine's tests: paths, Debian's Chromium, a built and served fixture site.

Browser tests follow ../shared/BROWSER-TESTS.md: Playwright drives Debian's chromium
(``executable_path``), and the fixture site is built with ``site_url`` set to the exact
port it is served on, so Material's instant navigation really intercepts the clicks.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from plugins.quiz.answers import CodePackage
from tests import support

HERE = Path(__file__).resolve().parent
ROOT = support.ROOT
FIXTURES = HERE / "fixtures"
SITE_FIXTURE = FIXTURES / "site"
# The course code answer_from calls (the plugin's defaults)
COURSE_CODE = CodePackage("lesson_code", ("lesson_code.lessons",))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mkdocs_build(
    project: Path, site_dir: Path, env: dict | None = None
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site_dir`` (never raises)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


INLINE_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)


def script_src_policy(site: Path) -> str:
    """``script-src 'self'`` plus the hashes of Material's own inline scripts in ``site``."""
    hashes = set()
    for page in site.rglob("*.html"):
        for body in INLINE_SCRIPT_RE.findall(page.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return "script-src 'self' " + " ".join(sorted(hashes))


def csp_handler(policy: str):
    class CSPHandler(QuietHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    return CSPHandler


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The fixture site (tests/plugins/quiz/fixtures/site), built for a free port and served.

    Every response carries ``Content-Security-Policy: script-src 'self'`` (plus the hashes
    of Material's inline scripts), so every browser test also checks that the quiz runs
    under that policy. Yields ``(base_url, site_dir)``.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    site = tmp_path_factory.mktemp("quiz-site")
    result = mkdocs_build(SITE_FIXTURE, site, env={"SITE_URL": url})
    assert result.returncode == 0, f"fixture site build failed:\n{result.stderr[-4000:]}"
    handler = functools.partial(csp_handler(script_src_policy(site)), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(url + "sitemap.xml", timeout=10) as response:
            assert response.status == 200
        yield url, site
    finally:
        server.shutdown()
        server.server_close()
