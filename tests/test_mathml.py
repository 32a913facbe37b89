"""The MathML extension: formulas become MathML at build time, with readable names."""

from __future__ import annotations

import markdown
import pytest

from plugins.mathml import FormulaError, spoken, to_mathml
from tests.conftest import ROOT, mkdocs_build


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["plugins.mathml"])


def test_inline_and_block_math_become_mathml():
    html = render("Weights $w_i$ here.\n\n$$\n\\frac{QK^\\top}{\\sqrt{d_k}}\n$$\n")
    assert '<math alttext="w_i" aria-label="w_i"' in html and 'display="inline"' in html
    assert '<div class="math-block" tabindex="0"><math' in html and "<msqrt>" in html


def test_dollar_amounts_and_code_are_left_alone():
    html = render("It costs $5 or $6. `$x$` stays code.")
    assert "<math" not in html and "<code>$x$</code>" in html


@pytest.mark.parametrize(("tex", "name"), [
    (r"q \cdot k", "q · k"),
    (r"\frac{QK^\top}{\sqrt{d_k}}", "(QK^ᵀ) / (√(d_k))"),
    (r"\frac{e^{s_i}}{\sum_j e^{s_j}}", "(e^s_i) / (∑_j e^s_j)"),
])
def test_spoken_names(tex, name):
    assert spoken(tex) == name


def test_names_are_escaped():
    assert 'aria-label="a &lt; b"' in to_mathml("a < b", display=False)


def test_bad_formula_is_a_clean_error_naming_it():
    with pytest.raises(FormulaError, match=r"cannot convert the formula \$x\^\$"):
        to_mathml("x^", display=False)


def test_a_misspelt_command_is_an_error_with_a_suggestion():
    """latex2mathml would print it as text (a backslash and a name in the formula)."""
    with pytest.raises(FormulaError, match=r"unknown command \\sqrtt in the formula "
                                           r"\$\\sqrtt\{d_k\}\$; did you mean \\sqrt\?"):
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
        "site_name: T\nplugins:\n  - course\nmarkdown_extensions:\n  - plugins.mathml\n")
    (tmp_path / "docs" / "index.md").write_text(
        "# Title\n\nSome text.\n\nThe scale is $\\sqrtt{d_k}$ here.\n")
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site",
                          env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert "docs/index.md:5: math: unknown command \\sqrtt" in result.stderr
    assert "did you mean \\sqrt?" in result.stderr
    assert "Traceback" not in result.stderr
