"""plugins.common.values: ``{{ name }}`` filled outside code, escaped, unknown names at their
line with a suggestion (one implementation for lesson pages, the explorer and quizzes)."""

from __future__ import annotations

import pytest

from plugins.common.pages import PageProblem
from plugins.common.values import fill, fill_markdown


def test_fills_outside_fenced_code_only():
    text = "a {{ x }} b\n```\n{{ x }}\n```\n{{x}}\n~~~\n{{ x }}\n~~~"
    assert fill_markdown(text, {"x": "0.42"}, "s.py") == (
        "a 0.42 b\n```\n{{ x }}\n```\n0.42\n~~~\n{{ x }}\n~~~"
    )


def test_an_unknown_name_names_its_line_the_recorder_and_the_closest_name():
    with pytest.raises(PageProblem) as caught:
        fill_markdown("ok\n\n{{ prev_medain }}", {"prev_median": "0.91"}, "model.values()")
    assert caught.value.line == 3
    assert '"{{ prev_medain }}" is not a value recorded by model.values()' in caught.value.message
    assert 'did you mean "prev_median"?' in caught.value.message


def test_a_custom_fix_replaces_the_report_value_advice():
    with pytest.raises(PageProblem) as caught:
        fill_markdown("{{ y }}", {}, "m", fix="add it to documented_values()")
    assert caught.value.message.endswith("(it records: none yet; add it to documented_values())")


def test_values_are_text_never_markup():
    assert fill("{{ v }}", {"v": "<b>&"}) == "&lt;b&gt;&amp;"
    assert fill("{{ v }}", {"v": "<b>"}, escape=False) == "<b>"
