"""What many tests (and the benchmarks in bench/) share: the project root, free ports,
quiet static servers and fixture builds. conftest.py files hold only pytest fixtures,
which call these."""

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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE_TIMING = ROOT / ".cache" / "bench" / "test-suite.json"
"""Wall time of the last full test run (written by tests/conftest.py, shown by the bench)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- builds ------------------------------------------------------------------------------


def mkdocs_build(
    config: Path,
    site_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = ("--strict",),
    cwd: Path | None = None,
    timeout: float | None = 300,
    environ: Mapping[str, str] = os.environ,
) -> subprocess.CompletedProcess:
    """Run the real ``mkdocs build`` of ``config`` (a mkdocs.yml, or the folder holding
    one) into ``site_dir`` in a subprocess; return its result (never raises on failure).

    The build runs in the config's folder (or ``cwd``) with ``environ`` (the caller's
    environment unless given) plus ``env``. Fixture sites build in seconds: the default
    time limit is 300 s; the whole course site gets 900.
    """
    config = config / "mkdocs.yml" if config.is_dir() else config
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env={**environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        cwd=cwd or config.parent,
        timeout=timeout,
    )


# -- serving -----------------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static server like GitHub Pages: no log lines, the site's 404.html for unknown
    paths."""

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


class QuietServer(http.server.ThreadingHTTPServer):
    """The standard threading server, quiet when a browser closes a socket early."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(
    site: Path, port: int | None = None, handler: type[QuietHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1:``port`` (a free one if None) from a thread, with
    ``handler`` (a :class:`QuietHandler` subclass); yields the base URL."""
    port = port or free_port()
    server = QuietServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


# -- content security policy -------------------------------------------------------------

INLINE_SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
BARE_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)


def inline_script_hashes(site: Path, pattern: re.Pattern = INLINE_SCRIPT_RE) -> list[str]:
    """CSP hashes (``'sha256-...'``) of the inline scripts ``pattern`` finds in the built
    pages of ``site`` (Material's own)."""
    hashes = set()
    for page in site.rglob("*.html"):
        for body in pattern.findall(page.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(hashes)


def csp_handler(policy: str) -> type[QuietHandler]:
    """A :class:`QuietHandler` that sends ``Content-Security-Policy: policy`` with every
    response (a browser then reports and blocks whatever the policy does not allow)."""

    class CSPHandler(QuietHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    return CSPHandler


def course_phases() -> dict[str, list[str]]:
    """The course's phases (nav sections of mkdocs.yml) -> their lesson pages, read as the
    course plugin reads them."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return config.plugins["course"].phases_in(config)


STORAGE_SETTLE_MS = 150


def storage_settled(page) -> None:
    """Let ``localStorage`` writes the page just made reach the browser process before the
    next document loads. Chromium commits them asynchronously: a page loaded at once (a
    reload) may not see them yet, or may for a moment see a removal undone (CI's Chromium
    156 did, once). There is no event to wait for, so wait a little."""
    page.wait_for_timeout(STORAGE_SETTLE_MS)
