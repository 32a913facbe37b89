"""report's figures: the phone drawing (text size on a 390 px phone, panels stacked) and the
markup that carries both drawings."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from lesson_code import report
from lesson_code.report.markup import figure_block
from lesson_code.report.svg import (
    PHONE_COLUMN_PX,
    PHONE_MIN_TEXT_PX,
    phone_svg,
    rendered_text_px,
    themed_svg,
)


def three_panels():
    report.style()
    fig, axes = plt.subplots(1, 3, figsize=(7, 3), sharey=True)
    for i, ax in enumerate(axes):
        ax.bar(range(4), [0.1, 0.2, 0.3, 0.4])
        ax.set_title(f"panel {i}", fontsize=8)
        ax.set_xlabel("key (sorted)", fontsize=8)
    return fig, axes


def test_rendered_text_px_scales_the_smallest_font_to_the_column():
    svg = '<svg viewBox="0 0 716 100"><text style="font-size:8px">a</text>' + (
        '<text style="font:12px sans-serif">b</text></svg>'
    )
    assert rendered_text_px(svg) == pytest.approx(8 * PHONE_COLUMN_PX / 716)
    assert rendered_text_px(svg, column_px=716) == 8


def test_a_wide_figure_is_too_small_on_a_phone_and_its_phone_drawing_is_not():
    fig, axes = three_panels()
    try:
        wide = themed_svg(fig, salt="t-wide")
        assert rendered_text_px(wide) < 7  # 8 pt in a 7 inch figure, on a 358 px column
        phone = phone_svg(fig, salt="t-phone")
        assert rendered_text_px(phone) >= PHONE_MIN_TEXT_PX
        assert "var(--md-default-fg-color)" in phone  # still themed
        # the three panels now stand in one column, one under the other, in order
        boxes = [ax.get_position() for ax in axes]
        assert len({round(b.x0, 3) for b in boxes}) == 1, boxes
        assert boxes[0].y0 > boxes[1].y0 > boxes[2].y0
        assert all(label.get_visible() for label in axes[2].get_yticklabels())
    finally:
        plt.close(fig)


def test_crowded_bar_labels_turn_upright_and_long_labels_wrap():
    report.style()
    fig, ax = plt.subplots(figsize=(7, 3))
    bars = ax.bar(range(12), [0.5] * 12, width=0.9)
    ax.bar_label(bars, labels=["0.50"] * 12, fontsize=8)
    ax.set_xlabel("a label long enough that at a phone's text size it cannot fit on one line")
    try:
        phone_svg(fig, salt="t-bars")
        assert {t.get_rotation() for t in ax.texts} == {90}
        assert "\n" in ax.get_xlabel()
    finally:
        plt.close(fig)


def test_a_figure_whose_text_cannot_fit_a_phone_is_refused():
    report.style()
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.set_xticks([0], ["an_unbreakable_tick_label_" * 6])
    try:
        with pytest.raises(ValueError, match="too dense|does not fit"):
            phone_svg(fig, salt="t-dense")
    finally:
        plt.close(fig)


def test_figure_block_carries_both_drawings_labelled():
    block = figure_block(
        '<svg viewBox="0 0 1 1"></svg>', "kernel", 'Bars "a" & b', "cap", phone="<svg></svg>"
    )
    lines = block.splitlines()
    assert lines[0] == '<figure class="lesson-figure" id="fig-kernel">'
    assert lines[1] == (
        '<svg class="lesson-figure__wide" role="img" aria-label="Bars &quot;a&quot; &amp; b"'
        ' viewBox="0 0 1 1"></svg>'
    )
    assert lines[2] == (
        '<svg class="lesson-figure__phone" role="img" aria-label="Bars &quot;a&quot; &amp; b">'
        "</svg>"
    )
    assert lines[3] == "<figcaption>cap</figcaption></figure>"
    assert "\n\n" not in block
    single = figure_block("<svg></svg>", "kernel", "alt text here", "")
    assert "lesson-figure__" not in single and 'role="img"' in single
