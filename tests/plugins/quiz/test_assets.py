"""The one script and the one stylesheet: size budget and static safety checks."""

from __future__ import annotations

import gzip
import re

import pytest

from bench.budgets import BUDGETS, MKDOCS_QUIZ
from plugins.common.assets import BASE_SOURCE
from plugins.quiz import ASSETS_DIR, assets_size

JS = (ASSETS_DIR / "quiz.js").read_text(encoding="utf-8")
CSS = (ASSETS_DIR / "quiz.css").read_text(encoding="utf-8")
BASE = BASE_SOURCE.read_text(encoding="utf-8")


def test_js_and_css_together_fit_their_gzipped_budget():
    sizes = assets_size()
    assert BUDGETS["quiz_assets"].fits(sizes["gz"]), sizes
    assert sizes["raw"] == len(JS.encode()) + len(CSS.encode())
    assert sizes["gz"] == sum(
        len(gzip.compress((ASSETS_DIR / n).read_bytes(), compresslevel=9, mtime=0))
        for n in ("quiz.js", "quiz.css")
    )
    assert sizes["raw"] < MKDOCS_QUIZ["raw"] and sizes["gz"] < MKDOCS_QUIZ["gz"]


@pytest.mark.parametrize("code", [JS, BASE], ids=["quiz.js", "base.js"])
def test_js_has_no_eval_html_strings_or_inline_handlers(code):
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    for forbidden in (
        "eval(",
        "new Function",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        'setAttribute("on',
        'setTimeout("',
        ".style.",
        'setAttribute("style',
    ):
        assert forbidden not in code, forbidden


def test_no_request_to_another_host():
    for text in (JS, CSS, BASE):
        assert not re.search(r"https?://", text)
        assert "@import" not in text and "fetch(" not in text and "XMLHttpRequest" not in text


def test_css_uses_material_variables_and_respects_reduced_motion():
    assert "var(--md-default-fg-color" in CSS and "var(--md-typeset-ins-color)" in CSS
    assert '[data-md-color-scheme="slate"]' in CSS
    assert "@media (prefers-reduced-motion: reduce)" in CSS
