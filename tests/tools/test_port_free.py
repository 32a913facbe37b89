"""``make serve PORT=...``: serves on the port asked for; a taken port is one clear line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.support import ROOT, free_port

pytestmark = pytest.mark.build


def make_serve(port, **kwargs):
    return subprocess.Popen(
        ["make", "-s", "serve", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        **kwargs,
    )


def test_a_taken_port_is_one_line_with_the_fix():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = make_serve(port)
        out, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in err + out
    assert err.splitlines()[0] == (
        f"make serve: port {port} is in use (another make serve?); stop it, or serve on "
        f"another port: make serve PORT={port + 1}"
    )


def test_serve_answers_on_the_port_asked_for():
    port = free_port()
    process = make_serve(port)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    body = page.read().decode("utf-8")
                break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("make serve did not answer within 600 s")
        assert "Attention from First Principles" in body
        # instant navigation needs the served port in site_url (and so in the sitemap)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sitemap.xml", timeout=5) as page:
            assert f"http://127.0.0.1:{port}/" in page.read().decode("utf-8")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=60)
