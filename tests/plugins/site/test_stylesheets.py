"""One stylesheet request: the course plugin links the site's own CSS files as one file."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from plugins.site.stylesheets import combine, is_local, take_local
from plugins.site.theme_patches import bundle_without_scheme_meta, palette_without_startup_restyle


def test_only_the_sites_own_files_are_local():
    assert is_local("assets/course.css") and is_local("assets/quiz/quiz.css")
    for other in (
        "https://cdn.example/x.css",
        "//cdn.example/x.css",
        "/abs.css",
        "data:text/css,a{}",
    ):
        assert not is_local(other), other


def test_take_local_puts_the_combined_file_where_the_first_one_was():
    extra = [
        "https://cdn.example/a.css",
        "assets/course.css",
        "https://cdn.example/b.css",
        "assets/quiz/quiz.css",
    ]
    taken = take_local(extra, "assets/site.css")
    assert taken == ["assets/course.css", "assets/quiz/quiz.css"]
    assert extra == ["https://cdn.example/a.css", "assets/site.css", "https://cdn.example/b.css"]


def test_take_local_changes_nothing_without_local_files_and_is_idempotent():
    extra = ["https://cdn.example/a.css"]
    assert take_local(extra, "assets/site.css") == []
    assert extra == ["https://cdn.example/a.css"]
    extra = ["assets/site.css", "assets/course.css"]  # a second on_config (mkdocs serve)
    assert take_local(extra, "assets/site.css") == ["assets/course.css"]
    assert extra == ["assets/site.css"]


def files_with(**texts: str) -> Files:
    """Files with the given texts; ``quiz__q_css="..."`` is the file quiz/q.css."""
    files = []
    for name, text in texts.items():
        file = File(
            name.replace("__", "/").replace("_css", ".css"),
            src_dir=None,
            dest_dir="site",
            use_directory_urls=True,
        )
        file.content_string = text
        files.append(file)
    return Files(files)


def test_combine_keeps_the_order_and_names_each_part():
    files = files_with(a_css="a { color: red }\n", quiz__q_css="q { margin: 0 }")
    text = combine(files, ["quiz/q.css", "a.css"])
    assert (
        text.index("/* ---- quiz/q.css ---- */")
        < text.index("q { margin: 0 }")
        < text.index("/* ---- a.css ---- */")
        < text.index("a { color: red }")
    )


@pytest.mark.parametrize(
    "css",
    [
        "a { background: url(img/x.png) }",
        "a { background: url('x.svg') }",
        '@import "other.css";',
        "@import url(other.css);",
    ],
)
def test_combine_refuses_relative_references(css):
    with pytest.raises(PluginError, match=r"x\.css uses a relative url\(\) or @import"):
        combine(files_with(x_css=css), ["x.css"])


def test_combine_accepts_data_absolute_and_fragment_references():
    css = (
        'a { background: url("data:image/svg+xml,<svg/>") } b { background: url(/r.png) }'
        " c { mask: url(#m) } d { background: url(https://example.org/x.png) }"
        ' @import url("/root.css"); @import "https://example.org/y.css";'
    )
    assert css in combine(files_with(x_css=css), ["x.css"])


def test_combine_names_a_missing_source():
    with pytest.raises(PluginError, match="assets/gone.css is listed in extra_css"):
        combine(files_with(x_css="a{}"), ["assets/gone.css"])


def test_palette_rule_moves_to_the_attribute_set_only_while_switching():
    css = (
        "a{color:red}[data-md-color-switching] *,[data-md-color-switching] :after,"
        "[data-md-color-switching] :before{transition-duration:0s!important}b{x:y}"
    )
    patched = palette_without_startup_restyle(css)
    assert "data-md-color-switching" not in patched
    assert patched.count("[data-course-switching]") == 3
    assert patched.startswith("a{color:red}") and patched.endswith("b{x:y}")
    assert palette_without_startup_restyle("a{color:red}") is None


def test_the_bundles_own_colour_scheme_meta_stays_out_of_the_document():
    js = (
        'a();let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);'
        "let n=1;o.content=s;"
    )
    assert bundle_without_scheme_meta(js) == (
        'a();let o=x("meta",{name:"color-scheme"});let n=1;o.content=s;'
    )
    assert bundle_without_scheme_meta("a();document.head.appendChild(o);") is None


def test_the_no_javascript_dark_rules_are_kept_while_the_stylesheets_are_unchanged(tmp_path):
    from plugins.common.store import Store
    from plugins.site.plugin import SitePlugin

    def plugin():
        site = SitePlugin()
        site.store = Store(tmp_path / "cache")
        return site

    css = "[data-md-color-scheme=slate] .a{color:#fff}"
    first = plugin()._no_js_dark(css)
    assert "prefers-color-scheme: dark" in first and ".a" in first
    (entry,) = (tmp_path / "cache" / "no-js-dark").glob("*.json")
    entry.write_text('"from the cache"')
    assert plugin()._no_js_dark(css) == "from the cache"
    changed = plugin()._no_js_dark(css + "[data-md-color-scheme=slate] .b{color:#eee}")
    assert ".b" in changed
    entry.write_text("[1]")  # damaged: parsed again
    assert plugin()._no_js_dark(css) == first
