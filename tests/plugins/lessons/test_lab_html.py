"""The rendered lab page made valid HTML: its notebook CSS goes to a stylesheet file."""

from __future__ import annotations

from plugins.lessons.notebooks import lab_styles, ship_lab_styles

RENDERED = (
    '<style type="text/css">\n@charset "UTF-8";.jupyter-wrapper{--x:1}\n</style>\n'
    '<div class="jupyter-wrapper"><clipboard-copy ,="" aria-label="Copy to Clipboard" '
    'for="cell-1"></clipboard-copy></div>\n'
    "<style>\n  .jp-Mermaid{display:none}\n</style>\n"
    "<style>\n['pre { line-height: 125%; }']\n</style>\n"
)


def test_lab_styles_takes_every_style_element_and_drops_the_list_repr():
    html, css = lab_styles(RENDERED)
    assert "<style" not in html
    assert css == ".jupyter-wrapper{--x:1}\n.jp-Mermaid{display:none}\n"


def test_ship_lab_styles_writes_one_shared_file_and_links_it(tmp_path):
    html = ship_lab_styles(RENDERED, tmp_path, "labs", "labs/attention-by-hand/")
    [sheet] = (tmp_path / "labs").glob("notebook.*.css")
    assert html.startswith(f'<link rel="stylesheet" href="../{sheet.name}">')
    assert ".jupyter-wrapper{--x:1}" in sheet.read_text(encoding="utf-8")
    assert '<clipboard-copy role="button" aria-label="Copy to Clipboard" for="cell-1">' in html
    again = ship_lab_styles(RENDERED, tmp_path, "labs", "labs/other/")
    assert again.startswith(f'<link rel="stylesheet" href="../{sheet.name}">')
    assert len(list((tmp_path / "labs").glob("notebook.*.css"))) == 1
