"""Make sure a headless Chromium exists for the browser tests.

Playwright's own browser download cannot reach its host from these machines, so the
tests use Debian's ``chromium`` package. As root on Debian it is installed with apt-get;
anywhere else we print what to install and stop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "fonts-liberation"]


def find_chromium() -> str | None:
    env = os.environ.get("CHROMIUM_PATH")
    if env and os.access(env, os.X_OK):
        return env
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main() -> int:
    found = find_chromium()
    if found:
        return 0
    is_debian = os.path.exists("/etc/debian_version")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_debian and is_root and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser tests (about 40 s)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
            check=True,
            env=env,
        )
        if find_chromium():
            return 0
    print(
        "The browser tests need a headless Chromium and none was found.\n"
        "  Debian/Ubuntu: sudo apt-get install chromium fonts-liberation\n"
        "  Elsewhere: install Chromium and set CHROMIUM_PATH=/path/to/chromium",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
