"""Content security policy for the built site, as a <meta> tag in every page.

Scripts may come only from the site itself, plus the inline scripts the theme writes into
every page (Material's palette and scope set-up), allowed by their SHA-256 hashes. The
hashes are collected over the whole site, so a page reached by instant navigation runs
under the same policy as the page the learner landed on. No 'unsafe-inline' or
'unsafe-eval' for scripts, and nothing from any other host.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

SCRIPT_RE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>[\s\S]*?)</script>", re.IGNORECASE)
TYPE_RE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
META_NAME = "Content-Security-Policy"


def inline_script_hashes(html: str) -> set[str]:
    """CSP source expressions ('sha256-…') for every executable inline script in ``html``."""
    found = set()
    for m in SCRIPT_RE.finditer(html):
        attrs = m.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        kind = TYPE_RE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in EXECUTABLE_TYPES:
            continue  # JSON data blocks are not scripts
        digest = hashlib.sha256(m.group("body").encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return found


def policy(script_hashes: Iterable[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(sorted(script_hashes)),
            "style-src 'self' 'unsafe-inline'",  # Material sets style attributes from script
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def apply(site_dir: Path) -> int:
    """Add the policy to every HTML page of the built site; return how many pages."""
    pages = sorted(site_dir.rglob("*.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    hashes: set[str] = set()
    for text in texts.values():
        hashes |= inline_script_hashes(text)
    meta = f'<meta http-equiv="{META_NAME}" content="{policy(hashes)}">'
    count = 0
    for page, text in texts.items():
        if META_NAME in text:
            continue
        head = re.search(r"<meta charset=[^>]*>", text, re.IGNORECASE)
        if head is None:
            head = re.search(r"<head[^>]*>", text, re.IGNORECASE)
        if head is None:
            continue  # not a full page (a fragment some tool wrote): nothing to protect
        page.write_text(text[: head.end()] + meta + text[head.end() :], encoding="utf-8")
        count += 1
    return count
