"""Heatmap helper: readable cell text and labels that match the data."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lesson_code.heatmaps import heatmap, relative_luminance, text_colour_for  # noqa: E402


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
