"""The one Chromium every browser check here uses: Debian's, headless, quiet.

``playwright install`` cannot download browsers on these machines, so tests, benchmarks and
tools/shot.py all launch the system Chromium (installed by ``make test`` through
tools/ensure_chromium.py) with these flags. ``CHROMIUM_PATH`` points elsewhere if needed.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root in a container: the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no request to any other host from the browser
    "--disable-component-update",
    "--disable-sync",
]
