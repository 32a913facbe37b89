"""A small Material site around the real explorer, for the explorer's tests and benchmark.

It holds the real playground page, the real explorer.js/explorer.css and the real
``explorer`` plugin, plus a plain page and a lesson-like page with an embedded explorer,
so browser tests do not depend on other lessons building. The site is built with
``site_url`` set to the port it is served on (instant navigation needs it) and served
with a Content-Security-Policy of ``script-src 'self'`` plus the hashes of Material's own
inline scripts, so any inline script of ours would be blocked and reported.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests import bench_browser, support

ROOT = support.ROOT
DOCS = ROOT / "docs"
ASSETS = "assets/explorer"

HOME = """# Plain page

A page without an explorer. Go to the [explorer](playground/index.md) or to the
[lesson](lesson.md).
"""

LESSON = """# A lesson with an embedded explorer

Some prose before the explorer.

<div class="attention-explorer"
     data-sentence="The trophy would not fit into the suitcase because it was too big."
     data-query="9" data-view="nouns">
<p>The attention explorer needs JavaScript.</p>
</div>

Back to the [plain page](index.md) or the [playground](playground/index.md).
"""

CONFIG = """site_name: Explorer fixture
site_url: {url}
docs_dir: docs
theme:
  name: material
  font: false
  features: [navigation.instant]
  palette:
    - media: "(prefers-color-scheme)"
      toggle: {{icon: material/brightness-auto, name: Switch to light mode}}
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle: {{icon: material/weather-night, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle: {{icon: material/weather-sunny, name: Switch to system preference}}
plugins:
  - explorer{page_option}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.superfences
  - plugins.mathml
nav:
  - Home: index.md
  - Explorer: playground/index.md
  - Lesson: lesson.md
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_project(
    dest: Path, url: str, playground: str | None = None, with_js: bool = True
) -> Path:
    """Write the fixture project into ``dest``; returns its mkdocs.yml."""
    docs = dest / "docs"
    (docs / "playground").mkdir(parents=True, exist_ok=True)
    (docs / ASSETS).mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    (docs / "lesson.md").write_text(LESSON, encoding="utf-8")
    page = (
        playground
        if playground is not None
        else (DOCS / "playground" / "index.md").read_text(encoding="utf-8")
    )
    (docs / "playground" / "index.md").write_text(page, encoding="utf-8")
    for name in ("explorer.js", "explorer.css"):
        if name == "explorer.js" and not with_js:
            continue
        shutil.copy(DOCS / ASSETS / name, docs / ASSETS / name)
    config = dest / "mkdocs.yml"
    config.write_text(CONFIG.format(url=url, page_option=""), encoding="utf-8")
    return config


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` in a subprocess (the project root on the path)."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        cwd=config.parent,
        timeout=300,
    )


INLINE_SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(site: Path) -> list[str]:
    """CSP hashes of every inline script in the built pages (Material's own)."""
    hashes = set()
    for page in site.rglob("*.html"):
        for body in INLINE_SCRIPT_RE.findall(page.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(hashes)


def csp_handler(site: Path):
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' " + " ".join(inline_script_hashes(site))
    )

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args):
            pass

    return functools.partial(Handler, directory=str(site))


def serve(site: Path, port: int):
    """Serve ``site`` on 127.0.0.1:port (with the CSP header) until the block ends."""
    return bench_browser.serve(site, port, handler=csp_handler(site))


@contextmanager
def built_and_served(workdir: Path):
    """Build the fixture site in ``workdir`` for a free port and serve it: yields (url, site)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    config = write_project(workdir / "project", url)
    site = workdir / "site"
    result = build(config, site)
    if result.returncode != 0:
        raise RuntimeError(f"explorer fixture site failed to build:\n{result.stderr[-4000:]}")
    with serve(site, port):
        yield url, site
