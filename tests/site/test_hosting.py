"""The built site works unchanged under a sub-path, and a static server takes a load test."""

from __future__ import annotations

import functools
import http.client
import http.server
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import QuietHandler, free_port

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
PREFIX = "/course"


class PrefixHandler(QuietHandler):
    """Serves the site only under PREFIX, as a host serving it at example.org/course/ would."""

    def translate_path(self, path):
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path(path[len(PREFIX):] or "/")


@pytest.fixture()
def prefixed(served_site):
    _, site = served_site
    port = free_port()
    handler = functools.partial(PrefixHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()


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


class LoadServer(http.server.ThreadingHTTPServer):
    """The standard library's threading server with a listen queue for 50 clients (the
    default, 5, is applied when the socket is created: setting it afterwards is too late,
    and a full queue makes the kernel drop or reset connections)."""

    request_queue_size = 128


def test_static_server_answers_a_load_test(served_site):
    """10,000 requests over 50 connections to Python's standard static server: no error."""
    _, site = served_site
    port = free_port()
    handler = functools.partial(QuietHandler, directory=str(site))
    server = LoadServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths = ["/", "/lessons/04-softmax/", "/assets/course.css", "/search/search_index.json",
             "/glossary/"]
    per_connection = 200

    problems: list[str] = []

    def worker(n: int) -> tuple[int, int]:
        ok = bad = 0
        for i in range(per_connection):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", paths[(n + i) % len(paths)])
                response = conn.getresponse()
                response.read()
                ok += response.status == 200
                if response.status != 200:
                    bad += 1
                    problems.append(f"{paths[(n + i) % len(paths)]}: {response.status}")
            except OSError as exc:
                bad += 1
                problems.append(f"{paths[(n + i) % len(paths)]}: {exc!r}")
            finally:
                conn.close()
        return ok, bad

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(worker, range(50)))
    finally:
        server.shutdown()
        server.server_close()
    seconds = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    (site.parent / "load-test.txt").write_text(
        f"{ok} ok, {bad} errors, {ok / seconds:.0f} requests/s over 50 connections\n")
    assert (ok, bad) == (10_000, 0), problems[:10]
