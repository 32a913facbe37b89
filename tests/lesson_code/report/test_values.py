"""Prose values are plain text: powers of ten in Unicode, markup refused where it is made.

A value is escaped by the page (it is text, never markup), so a script that recorded
"3.6 × 10<sup>−3</sup>" published the tags literally. ``report.value`` now refuses markup
with a message that names the fix, and ``report.scientific`` writes the power as text.
"""

from __future__ import annotations

import json

import pytest

from lesson_code import report
from plugins.common.values import fill


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (3.6e-3, 1, "3.6 × 10⁻³"),
        (1.0e-4, 0, "1 × 10⁻⁴"),
        (-2.5e12, 1, "−2.5 × 10¹²"),
        (6.02e23, 2, "6.02 × 10²³"),
    ],
)
def test_scientific_writes_the_power_as_text(x, digits, text):
    assert report.scientific(x, digits) == text


def test_a_value_with_markup_is_refused_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(report.OUTPUT_ENV, str(tmp_path))
    with pytest.raises(ValueError, match=r"report\.scientific"):
        report.value("small", "3.6 × 10<sup>−3</sup>")
    text = report.value("small", report.scientific(3.6e-3))
    values = json.loads((tmp_path / report.VALUES_FILE).read_text(encoding="utf-8"))
    # what the page shows: the same characters, nothing escaped into view
    assert fill("tiny: {{ small }}", values) == "tiny: 3.6 × 10⁻³" == f"tiny: {text}"
