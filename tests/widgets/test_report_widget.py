"""report.widget: the snippet a lesson script writes for an interactive widget.

The data travels as JSON text inside an inert <template>, so these tests check that the
text survives exactly (floats bit for bit), that nothing in the data can end the template
or start a script, that the block stays one raw HTML block through Markdown, and that
run by hand the call does nothing. The browser half (the template is inert in Chromium
too, labels reach the page as text) is in test_widgets_browser.py.
"""

from __future__ import annotations

import gzip
import html
import json
import re

import markdown
import numpy as np
import pytest

from bench.budgets import BUDGETS
from lesson_code import report
from tests.support import ROOT

HOSTILE = "</template><script>window.pwned = 1</script><!-- & -->"
TEMPLATE_RE = re.compile(r"<template data-widget-data data-search-exclude>(.*?)</template>", re.S)


def data_of(block: str):
    """The data as a browser reads it: the template's text, entities decoded, as JSON."""
    (payload,) = TEMPLATE_RE.findall(block)
    return json.loads(html.unescape(payload))


def test_block_is_a_figure_with_caption_data_and_fallback():
    block = report.widget_block("key_size", "scaling-dk", {"dims": [1, 2]}, "Try it", "Slide.")
    assert block.startswith(
        '<figure class="lesson-widget" id="widget-key-size" data-widget="scaling-dk">\n'
    )
    assert block.endswith("</figure>\n")
    assert "<figcaption><strong>Try it</strong> Slide.</figcaption>" in block
    assert '<p class="lesson-widget__fallback" data-search-exclude>' in block
    assert "needs JavaScript" in block
    assert "\n\n" not in block, "a blank line would end the raw HTML block early"
    assert data_of(block) == {"dims": [1, 2]}


def test_hostile_strings_stay_inert_text():
    data = {"labels": [HOSTILE, "a & b", "x < y > z"], "note": HOSTILE}
    block = report.widget_block("w", "softmax-temperature", data, label=HOSTILE, caption=HOSTILE)
    assert block.count("<template") == 1 and block.count("</template>") == 1
    assert "<script" not in block.lower() and "<!--" not in block
    assert data_of(block) == data, "the data must come back exactly"
    caption = re.search(r"<figcaption>(.*?)</figcaption>", block, re.S).group(1)
    assert html.unescape(re.sub(r"</?strong>", "", caption)) == HOSTILE + " " + HOSTILE


def test_floats_round_trip_bit_for_bit_and_numpy_is_converted():
    values = np.array([0.1 + 0.2, 1e-300, -2.5e17, np.pi, 5e-324])
    data = {
        "v": values,
        "m": np.arange(6.0).reshape(2, 3) / 7,
        "i": np.int64(3),
        "f": np.float32(0.5),
        "b": np.bool_(True),
        "t": ("a", "b"),
    }
    back = data_of(report.widget_block("w", "k", data, "L"))
    assert back["v"] == values.tolist()  # == on floats: exact
    assert np.array_equal(np.array(back["m"]), data["m"])
    assert back["i"] == 3 and back["f"] == 0.5 and back["b"] is True and back["t"] == ["a", "b"]


def test_values_json_cannot_hold_are_refused():
    with pytest.raises(ValueError):
        report.widget_block("w", "k", {"x": float("nan")}, "L")
    with pytest.raises(ValueError):
        report.widget_block("w", "k", {"x": np.array([np.inf])}, "L")
    with pytest.raises(TypeError, match="widget data cannot hold"):
        report.widget_block("w", "k", {"x": object()}, "L")


@pytest.mark.parametrize(
    ("name", "kind", "label", "message"),
    [
        ("Bad-Name", "k", "L", "widget name"),
        ("ok", "Bad Kind", "L", "widget kind"),
        ("ok", "k", "  ", "needs a label"),
    ],
)
def test_bad_arguments_are_reported(name, kind, label, message, tmp_path, monkeypatch):
    monkeypatch.setenv(report.OUTPUT_ENV, str(tmp_path))
    with pytest.raises(ValueError, match=message):  # not assert: it holds under python -O
        report.widget(name, kind, {}, label)


def test_run_by_hand_it_does_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(report.OUTPUT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert report.widget("w", "softmax-temperature", {"x": 1}, "L") is None
    assert list(tmp_path.iterdir()) == []


def test_under_the_runner_it_writes_the_snippet_and_the_index(tmp_path, monkeypatch):
    monkeypatch.setenv(report.OUTPUT_ENV, str(tmp_path))
    monkeypatch.setattr(report, "_widgets", {})
    report.widget(
        "temperature", "softmax-temperature", {"scores": np.array([8.2, 3.1])}, "Try it", "Caption."
    )
    block = (tmp_path / "temperature.widget.md").read_text("utf-8")
    assert data_of(block) == {"scores": [8.2, 3.1]}
    index = json.loads((tmp_path / report.WIDGETS_FILE).read_text("utf-8"))
    assert index == {
        "temperature": {"kind": "softmax-temperature", "label": "Try it", "caption": "Caption."}
    }


def test_the_block_passes_through_markdown_unchanged():
    """Included in a page, the block is one raw HTML block: Markdown leaves it alone."""
    data = {"labels": ["*not emphasis*", "`not code`", HOSTILE, "a  \n b"], "x": [1.5, -2.0]}
    block = report.widget_block("w", "softmax-temperature", data, "Try *it*", "A _caption_.")
    page = f"Some prose before.\n\n{block}\nSome prose after.\n"
    out = markdown.markdown(page, extensions=["md_in_html", "attr_list", "pymdownx.superfences"])
    assert block.strip() in out
    assert data_of(out) == data


def test_the_scripts_fit_the_budget():
    assets = ROOT / "docs" / "assets"
    js = (assets / "widgets.js").read_bytes()
    css = (assets / "widgets.css").read_bytes()
    js_budget, css_budget = BUDGETS["widgets_js"], BUDGETS["widgets_css"]
    assert js_budget.fits(len(gzip.compress(js, 9))), f"widgets.js: {js_budget.shown()}"
    assert css_budget.fits(len(gzip.compress(css, 9))), f"widgets.css: {css_budget.shown()}"
    kinds = sorted((assets / "widgets").glob("*.js"))
    assert kinds, "the widget kinds live in docs/assets/widgets/KIND.js"
    kind_budget = BUDGETS["widget_kind"]
    for path in kinds:
        size = len(gzip.compress(path.read_bytes(), 9))
        assert kind_budget.fits(size), f"{path.name}: {size} B gz, {kind_budget.shown()}"
    for path in [assets / "widgets.js", *kinds]:
        text = path.read_text("utf-8")
        assert "innerHTML" not in text and "eval(" not in text and "new Function" not in text
        assert not re.search(r"https?://", text.split("*/", 1)[1]), "no request to another host"
