"""A small Material site around the real explorer, for the explorer's tests and benchmark.

It holds the real playground page, the real explorer.js/explorer.css and the real
``explorer`` plugin, plus a plain page, a lesson-like page with an embedded explorer and
one with a trained-model explorer (as lesson 20 embeds it), so browser tests do not depend
on other lessons building. The site is built with
``site_url`` set to the port it is served on (instant navigation needs it) and served
with a Content-Security-Policy of ``script-src 'self'`` plus the hashes of Material's own
inline scripts, so any inline script of ours would be blocked and reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests import support

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

TRAINED = """# A lesson with the trained model

<div class="attention-explorer" data-model="trained"
     data-sentence="The cat sat on the mat and the cat sat on the mat." data-query="8">
<p>The attention explorer needs JavaScript.</p>
</div>

Back to the [plain page](index.md).
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
  - Trained: trained.md
"""


def write_project(
    dest: Path, url: str, playground: str | None = None, with_js: bool = True
) -> Path:
    """Write the fixture project into ``dest``; returns its mkdocs.yml."""
    docs = dest / "docs"
    (docs / "playground").mkdir(parents=True, exist_ok=True)
    (docs / ASSETS).mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    (docs / "lesson.md").write_text(LESSON, encoding="utf-8")
    (docs / "trained.md").write_text(TRAINED, encoding="utf-8")
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
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return support.mkdocs_build(config, site, env={"PYTHONPATH": path})


def csp_handler(site: Path) -> type[support.QuietHandler]:
    """Every response says ``script-src 'self'`` plus the hashes of Material's inline
    scripts: any inline script of ours is blocked and reported."""
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' " + " ".join(support.inline_script_hashes(site))
    )
    return support.csp_handler(policy)


@contextmanager
def built_and_served(workdir: Path):
    """Build the fixture site in ``workdir`` for a free port and serve it: yields (url, site)."""
    port = support.free_port()
    url = f"http://127.0.0.1:{port}/"
    config = write_project(workdir / "project", url)
    site = workdir / "site"
    result = build(config, site)
    if result.returncode != 0:
        raise RuntimeError(f"explorer fixture site failed to build:\n{result.stderr[-4000:]}")
    with support.serve(site, port, csp_handler(site)):
        yield url, site
