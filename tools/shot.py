"""Screenshot a page of the built site in Debian's Chromium (a developer aid, not a test).

    .venv/bin/python tools/shot.py lessons/04-softmax/ /tmp/lesson.png [--dark] [--width 375]

Serves site/ on a free port, opens the page, waits for it to settle and writes a
full-page PNG. Use it to look at what you built before calling it done.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--site", default="site")
    parser.add_argument("--viewport-only", action="store_true")
    opts = parser.parse_args()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=opts.site)
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{opts.path.lstrip('/')}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": opts.width, "height": opts.height},
            color_scheme="dark" if opts.dark else "light",
        )
        page.on("console", lambda m: print(f"console.{m.type}: {m.text}"))
        page.goto(url, wait_until="networkidle")
        page.screenshot(path=opts.out, full_page=not opts.viewport_only)
        browser.close()
    server.shutdown()
    print(opts.out)


if __name__ == "__main__":
    main()
