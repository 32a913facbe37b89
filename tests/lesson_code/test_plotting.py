"""lesson_code.plotting: readable cell text, labels that match the data, and text tables."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lesson_code.plotting import (  # noqa: E402
    annotated_heatmap,
    heatmap,
    relative_luminance,
    text_colour_for,
    weight_table,
)


def test_luminance_of_black_and_white():
    assert relative_luminance((0, 0, 0)) == pytest.approx(0.0)
    assert relative_luminance((1, 1, 1)) == pytest.approx(1.0)


def test_text_is_white_on_dark_cells_and_black_on_bright_cells():
    viridis = matplotlib.colormaps["viridis"]
    assert text_colour_for(viridis(0.0)) == "white"  # dark purple
    assert text_colour_for(viridis(1.0)) == "black"  # bright yellow
    assert text_colour_for((0.5, 0.5, 0.5)) == "black"


def test_heatmap_writes_one_label_per_cell_with_readable_colours():
    data = np.array([[0.0, 1.0], [0.25, 0.75], [0.5, 0.5]])
    fig, ax = plt.subplots()
    heatmap(ax, data, ["a", "b", "c"], ["x", "y"], fmt=".2f")
    texts = [t for t in ax.texts]
    assert [t.get_text() for t in texts] == ["0.00", "1.00", "0.25", "0.75", "0.50", "0.50"]
    assert texts[0].get_color() == "white" and texts[1].get_color() == "black"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    plt.close(fig)


def test_heatmap_rejects_labels_that_do_not_match_the_shape():
    fig, ax = plt.subplots()
    with pytest.raises(AssertionError, match="row labels"):
        heatmap(ax, np.zeros((2, 2)), ["a"], ["x", "y"])
    plt.close(fig)


# annotated_heatmap and weight_table: the variant lessons' matrices


def test_weight_table_labels_rows_and_columns():
    table = weight_table(np.array([[0.25, 0.75], [1.0, 0.0]]), ["a", "bb"], ["x", "y"], ".2f")
    lines = table.splitlines()
    assert lines[0].split() == ["x", "y"]
    assert lines[1].split() == ["a", "0.25", "0.75"]
    assert lines[2].split() == ["bb", "1.00", "0.00"]


def test_weight_table_prints_minus_infinity_and_booleans():
    assert "-inf" in weight_table(np.array([[1.0, -np.inf]]), ["q"], ["k1", "k2"])
    assert weight_table(np.array([[True, False]]), ["q"], ["k1", "k2"]).splitlines()[1].split() == [
        "q",
        "True",
        "False",
    ]


def test_weight_table_rejects_wrong_label_counts():
    with pytest.raises(AssertionError, match="column labels"):
        weight_table(np.zeros((2, 2)), ["a", "b"], ["x"])


def test_annotated_heatmap_writes_one_readable_label_per_cell():
    fig, ax = plt.subplots()
    annotated_heatmap(ax, np.array([[0.0, 1.0]]), ["q"], ["dark", "bright"])
    colours = [t.get_color() for t in ax.texts]
    assert [t.get_text() for t in ax.texts] == ["0.00", "1.00"]
    assert colours == ["white", "black"]  # viridis: dark purple at 0, yellow at 1
    plt.close(fig)


def test_annotated_heatmap_accepts_custom_cell_labels():
    fig, ax = plt.subplots()
    annotated_heatmap(
        ax, np.array([[1.0, 0.0]]), ["q"], ["a", "b"], labels=[["yes", "no"]], cmap="cividis"
    )
    assert [t.get_text() for t in ax.texts] == ["yes", "no"]
    assert [t.get_color() for t in ax.texts] == ["black", "white"]
    plt.close(fig)
