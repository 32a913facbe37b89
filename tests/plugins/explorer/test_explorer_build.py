"""The explorer plugin: generated parameters, filled-in page, assets, size, clean errors."""

from __future__ import annotations

import gzip
import re

import pytest

from bench.budgets import BUDGETS
from plugins.explorer import model as ex

from .fixture_site import DOCS, build, write_project

pytestmark = pytest.mark.xdist_group("explorer")

SIZE_BUDGET_GZ = BUDGETS["explorer_assets"].limit  # JS + CSS + JSON; here JS + JSON


def test_params_json_is_generated_from_the_code_not_committed(explorer_site):
    _, site = explorer_site
    assert not (DOCS / "assets" / "explorer" / "params.json").exists()
    built = (site / "assets" / "explorer" / "params.json").read_text(encoding="utf-8")
    assert built == ex.export_params()  # regenerated: cannot drift from the model


def test_playground_page_is_filled_in_and_loads_one_script(explorer_site):
    _, site = explorer_site
    html = (site / "playground" / "index.html").read_text(encoding="utf-8")
    assert "{{" not in html.split('<div class="highlight">')[0]
    values = ex.documented_values()
    assert f"gives {values['nouns_it_suitcase']} to" in html
    assert html.count('src="../assets/explorer/explorer.js"') == 1
    assert 'href="../assets/explorer/explorer.css"' in html
    assert 'class="attention-explorer"' in html
    assert not re.search(r"\son[a-z]+=", html.split("<body")[1].split("<footer")[0]), (
        "no inline event handlers"
    )
    js = (DOCS / "assets" / "explorer" / "explorer.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "eval(" not in js and "new Function" not in js
    assert "http://" not in js.replace("http://www.w3.org/2000/svg", "")  # no CDN


def test_js_plus_json_fit_the_size_budget(explorer_site):
    _, site = explorer_site
    folder = site / "assets" / "explorer"
    gz = sum(
        len(gzip.compress((folder / n).read_bytes(), 9)) for n in ("explorer.js", "params.json")
    )
    assert gz <= SIZE_BUDGET_GZ, (
        f"explorer JS + JSON are {gz} B gzipped (budget {SIZE_BUDGET_GZ:,} B)"
    )


def test_an_unknown_placeholder_fails_the_build_with_the_page_line(tmp_path):
    page = (DOCS / "playground" / "index.md").read_text(encoding="utf-8")
    page = page.replace("{{ prev_median }}", "{{ prev_medain }}", 1)
    config = write_project(tmp_path / "p", "http://127.0.0.1:8000/", playground=page)
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    line = next(n for n, text in enumerate(page.splitlines(), 1) if "prev_medain" in text)
    assert f"docs/playground/index.md:{line}: explorer:" in result.stderr
    assert '"{{ prev_medain }}" is not a value recorded by' in result.stderr
    assert 'did you mean "prev_median"?' in result.stderr


def test_a_missing_script_fails_the_build(tmp_path):
    config = write_project(tmp_path / "p", "http://127.0.0.1:8000/", with_js=False)
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/assets/explorer/explorer.js is missing" in result.stderr
