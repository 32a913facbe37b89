"""Material's markup made valid (template patch) and the dark scheme without JavaScript."""

from __future__ import annotations

from pathlib import Path

import jinja2

import material
from plugins.site import no_js_dark
from plugins.site.theme_patches import PatchedTemplates, base_without_checkbox_autocomplete

MATERIAL_BASE = Path(material.__file__).parent / "templates" / "base.html"
NO_JS = "[data-md-color-scheme=default]:is(.no-js *)"


def test_materials_checkboxes_lose_autocomplete_and_nothing_else():
    source = MATERIAL_BASE.read_text(encoding="utf-8")
    patched = base_without_checkbox_autocomplete(source)
    assert patched is not None, "the installed Material's base.html no longer matches"
    assert 'type="checkbox" id="__drawer">' in patched
    assert 'type="checkbox" id="__search">' in patched
    assert 'type="checkbox" id="__drawer" autocomplete' not in patched
    assert len(source) - len(patched) == 2 * len(' autocomplete="off"')


def test_a_base_template_without_the_toggles_is_left_alone_and_reported():
    assert base_without_checkbox_autocomplete("<body></body>") is None
    warned = []
    env = jinja2.Environment(
        loader=PatchedTemplates(
            jinja2.DictLoader({"base.html": "<body>{{ x }}</body>", "other.html": "o"}),
            lambda name, looks_for: warned.append(name),
        )
    )
    assert env.get_template("base.html").render(x=1) == "<body>1</body>"
    assert env.get_template("other.html").render() == "o"
    assert warned == ["base.html"]


def test_dark_rules_are_copied_for_the_light_body_of_a_page_without_javascript():
    css = (
        "a{color:red}"
        '[data-md-color-scheme="slate"]{--bg:#111}'
        "@media screen{[data-md-color-scheme=slate] .x,.y{color:#eee}}"
        "[data-md-color-primary=lime]:not([data-md-color-scheme=slate]){--a:#8b990a}"
        "[data-md-color-scheme=default]{--bg:#fff}"
    )
    out = no_js_dark.rules(css)
    assert out.count("@media (prefers-color-scheme: dark){") == 1
    assert NO_JS + "{--bg:#111}" in out
    assert "@media screen{" + NO_JS + " .x{color:#eee}}" in out  # ".y" is not a dark rule
    assert "lime" not in out and "#fff" not in out and "color:red" not in out
    assert "slate" not in out


def test_no_dark_rules_no_block():
    assert no_js_dark.rules("a{color:red}@media print{b{color:blue}}") == ""
