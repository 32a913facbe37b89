"""Text tables and per-cell text colours for the variant lessons' matrices."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lesson_code.labelled import annotated_heatmap, weight_table  # noqa: E402


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
