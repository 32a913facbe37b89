"""The MathML extension: formulas become MathML at build time, with readable names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest

from plugins import mathml
from plugins.common import store
from plugins.mathml import FormulaError, spoken, to_mathml
from tests.support import ROOT, mkdocs_build


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["plugins.mathml"])


def test_inline_and_block_math_become_mathml():
    html = render("Weights $w_i$ here.\n\n$$\n\\frac{QK^\\top}{\\sqrt{d_k}}\n$$\n")
    assert '<math alttext="w_i" aria-label="w_i"' in html and 'display="inline"' in html
    assert '<div class="math-block" tabindex="0"><math' in html and "<msqrt>" in html


def test_dollar_amounts_and_code_are_left_alone():
    html = render("It costs $5 or $6. `$x$` stays code.")
    assert "<math" not in html and "<code>$x$</code>" in html


@pytest.mark.parametrize(
    ("tex", "name"),
    [
        (r"q \cdot k", "q · k"),
        (r"\frac{QK^\top}{\sqrt{d_k}}", "(QKᵀ) / (√(d_k))"),
        (r"\frac{e^{s_i}}{\sum_j e^{s_j}}", "(e^s_i) / (∑_j e^s_j)"),
    ],
)
def test_spoken_names(tex, name):
    assert spoken(tex) == name


def test_names_are_escaped():
    assert 'aria-label="a &lt; b"' in to_mathml("a < b", display=False)


def test_bad_formula_is_a_clean_error_naming_it():
    with pytest.raises(FormulaError, match=r"cannot convert the formula \$x\^\$"):
        to_mathml("x^", display=False)


def test_a_misspelt_command_is_an_error_with_a_suggestion():
    """latex2mathml would print it as text (a backslash and a name in the formula)."""
    with pytest.raises(
        FormulaError,
        match=r"unknown command \\sqrtt in the formula "
        r"\$\\sqrtt\{d_k\}\$; did you mean \\sqrt\?",
    ):
        render("Divide by $\\sqrtt{d_k}$.\n")
    with pytest.raises(FormulaError, match=r"unknown command \\softmax .*\\operatorname"):
        to_mathml("\\softmax(x)", display=True)
    assert "<msqrt>" in to_mathml("\\sqrt{d_k}", display=False)  # the real one converts


def test_unclosed_block_is_a_clean_error():
    with pytest.raises(FormulaError, match=r"a \$\$ block is never closed"):
        render("$$\nx + 1\n\nnever closed\n")


def test_escaped_dollar_is_a_plain_dollar():
    html = render(r"A \$5 note and $x$.")
    assert "A $5 note" in html and "\\$" not in html and html.count("<math") == 1


def test_a_bad_formula_in_a_page_stops_the_build_naming_file_and_line(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - mathml\nmarkdown_extensions:\n  - plugins.mathml\n"
    )
    (tmp_path / "docs" / "index.md").write_text(
        "# Title\n\nSome text.\n\nThe scale is $\\sqrtt{d_k}$ here.\n"
    )
    result = mkdocs_build(
        tmp_path / "mkdocs.yml", tmp_path / "site", env={"PYTHONPATH": str(ROOT)}, timeout=900
    )
    assert result.returncode == 1
    assert "docs/index.md:5: math: unknown command \\sqrtt" in result.stderr
    assert "did you mean \\sqrt?" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_plugin_without_its_extension_says_what_to_add(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Title\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - mathml\n")
    result = mkdocs_build(
        tmp_path / "mkdocs.yml", tmp_path / "site", env={"PYTHONPATH": str(ROOT)}, timeout=900
    )
    assert result.returncode == 1
    assert "add '- plugins.mathml' to markdown_extensions" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_plugin_keeps_conversions_in_its_own_folder_and_prunes_it(tmp_path):
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "index.md"
    page.write_text("# Title\n\n$a + b$ and $c$.\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - mathml\nmarkdown_extensions:\n  - plugins.mathml\n"
    )
    folder = tmp_path / ".cache" / "mathml" / "mathml"
    stale = folder / "0000.json"
    folder.mkdir(parents=True)
    stale.write_text("{}")  # an entry of another code version: no build uses it
    build = mkdocs_build(
        tmp_path / "mkdocs.yml", tmp_path / "site", env={"PYTHONPATH": str(ROOT)}, timeout=900
    )
    assert build.returncode == 0, build.stderr
    [entry] = folder.glob("*.json")
    assert sorted(json.loads(entry.read_text(encoding="utf-8"))) == ["inline a + b", "inline c"]
    assert not stale.exists()


# -- conversions kept between builds (recall / keep) -------------------------------------


@pytest.fixture()
def fresh(monkeypatch, tmp_path):
    """This process as if it had converted nothing, and a store folder for it."""
    monkeypatch.setattr(mathml, "_conversions", mathml._Conversions())
    return store.Store(tmp_path / "store")


def kept_entries(box: store.Store) -> list:
    return sorted((box.folder / "mathml").glob("*.json"))


def no_converter(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("latex2mathml was called")

    monkeypatch.setattr(mathml, "convert", refuse)


def test_a_kept_conversion_is_reused_by_the_next_build(fresh, monkeypatch):
    mathml.recall(fresh)
    first = to_mathml(r"\frac{q}{k}", display=True)
    mathml.keep(fresh)
    [entry] = kept_entries(fresh)
    kept = json.loads(entry.read_text(encoding="utf-8"))
    assert list(kept.values()) == [first]
    marked = first.replace("<mfrac>", '<mfrac data-kept="">')
    entry.write_text(json.dumps({key: marked for key in kept}), encoding="utf-8")
    monkeypatch.setattr(mathml._conversions, "known", {})  # a new process: nothing converted yet
    no_converter(monkeypatch)
    mathml.recall(fresh)
    assert to_mathml(r"\frac{q}{k}", display=True) == marked


def test_a_build_that_converts_nothing_writes_nothing(fresh, monkeypatch):
    mathml.recall(fresh)
    to_mathml("a + b", display=False)
    mathml.keep(fresh)
    writes = []
    monkeypatch.setattr(store.Store, "put", lambda self, *args: writes.append(args))
    mathml.recall(fresh)
    to_mathml("a + b", display=False)
    mathml.keep(fresh)
    assert writes == []


def test_the_entry_holds_what_the_last_converting_build_showed(fresh):
    mathml.recall(fresh)
    to_mathml("a", display=False)
    to_mathml("b", display=False)
    mathml.keep(fresh)
    mathml.recall(fresh)
    to_mathml("a", display=False)
    to_mathml("c", display=False)  # new: the entry is written again, without "b"
    mathml.keep(fresh)
    [entry] = kept_entries(fresh)
    assert sorted(json.loads(entry.read_text(encoding="utf-8"))) == ["inline a", "inline c"]


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        ("x^", r"cannot convert the formula \$x\^\$"),
        (
            "\\sqrtt{d_k}",
            r"unknown command \\sqrtt in the formula \$\\sqrtt\{d_k\}\$; "
            r"did you mean \\sqrt\?",
        ),
    ],
)
def test_a_failing_formula_is_never_kept_and_fails_the_same_way_every_time(fresh, tex, message):
    errors = []
    for _ in range(2):  # two builds sharing the store
        mathml.recall(fresh)
        to_mathml("y", display=False)
        with pytest.raises(FormulaError, match=message) as caught:
            to_mathml(tex, display=False)
        mathml.keep(fresh)
        errors.append((str(caught.value), caught.value.tex))
    assert errors[0] == errors[1] and errors[0][1] == tex
    [entry] = kept_entries(fresh)
    assert list(json.loads(entry.read_text(encoding="utf-8"))) == ["inline y"]


@pytest.mark.parametrize("damage", ["{cut", "[]", '{"inline x": 3}', "null"])
def test_a_damaged_entry_is_ignored(fresh, damage):
    mathml.recall(fresh)
    to_mathml("x", display=False)
    mathml.keep(fresh)
    [entry] = kept_entries(fresh)
    entry.write_text(damage, encoding="utf-8")
    mathml._conversions.known.clear()
    mathml.recall(fresh)
    assert "<mi>x</mi>" in to_mathml("x", display=False)
    mathml.keep(fresh)  # converted again, so kept again
    assert json.loads(entry.read_text(encoding="utf-8")) == {"inline x": to_mathml("x", False)}


def test_the_entry_is_keyed_by_latex2mathml_and_this_module(monkeypatch):
    mathml._store_key.cache_clear()
    try:
        key = mathml._store_key()
        assert key == store.digest(Path(mathml.__file__).resolve(), store.versions("latex2mathml"))
        mathml._store_key.cache_clear()
        monkeypatch.setattr(store, "versions", lambda *dists: {"latex2mathml": "99"})
        assert mathml._store_key() != key
    finally:
        mathml._store_key.cache_clear()


def test_the_mathml_plugin_keeps_the_formulas_of_a_build(tmp_path):
    """The real wiring: a build keeps its pages' formulas, the next converts none."""
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - mathml\nmarkdown_extensions:\n  - plugins.mathml\n"
    )
    (project / "docs" / "index.md").write_text("# Title\n\nThe scale is $\\sqrt{d_k}$ here.\n")
    written = []
    for name in ("a", "b"):
        result = mkdocs_build(
            project / "mkdocs.yml", tmp_path / name, env={"PYTHONPATH": str(ROOT)}, timeout=900
        )
        assert result.returncode == 0, result.stderr
        [entry] = (project / ".cache" / "mathml" / "mathml").glob("*.json")
        written.append((entry.stat().st_ino, entry.stat().st_mtime_ns))
    assert written[0] == written[1]  # the second build had nothing new to keep
    assert list(json.loads(entry.read_text(encoding="utf-8"))) == ["inline \\sqrt{d_k}"]
    assert "<msqrt>" in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("tex", "what"),
    [("\\frac{a}{b", "1 '{' never closed"), ("x_{i}}", "a '}' at character 6 closes nothing")],
)
def test_unpaired_braces_are_an_error_not_a_guess(tex, what):
    with pytest.raises(FormulaError, match=re.escape(what)):
        to_mathml(tex, display=False)
    assert "&#x0007B;" in to_mathml("\\{a\\}", display=False)  # literal braces are fine


def test_search_indexes_a_formula_by_its_readable_form():
    """Material's search reads text, not attributes: <msqrt><msub><mi>d</mi><mi>k</mi>...
    would be indexed as "dk". The <math> is excluded from search and a hidden span carries
    its readable form, which no one sees or hears (hidden)."""
    from material.plugins.search.plugin import Parser

    mathml = to_mathml("\\sqrt{d_k}", display=False)
    assert mathml.startswith("<math ") and "data-search-exclude" in mathml.split(">", 1)[0]
    assert mathml.endswith('<span class="math-text" hidden="">√(d_k)</span>')
    parser = Parser()
    parser.feed(f"<h1 id='t'>T</h1><p>divide by {mathml} before the softmax</p>")
    parser.close()
    text = "".join(parser.data[-1].text)
    assert "divide by √(d_k) before the softmax" in text and "dk" not in text
