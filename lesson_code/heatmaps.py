"""Labelled, annotated heatmaps for small matrices (embeddings, scores, attention weights).

Used by lessons 5-7 and free for any lesson that draws a matrix with token labels.
The cell colours come from a perceptually uniform colormap (viridis by default); the
number written in each cell is black on bright cells and white on dark ones, chosen from
the cell colour's luminance, so it stays readable whatever the page theme is.
"""

from __future__ import annotations

import numpy as np

DARK_TEXT = "black"
LIGHT_TEXT = "white"


def relative_luminance(rgb):
    """WCAG relative luminance (0 = black, 1 = white) of an sRGB colour, floats in [0, 1]."""
    channels = np.asarray(rgb, dtype=float)[:3]
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def text_colour_for(rgb):
    """Black or white: whichever contrasts more with a cell of colour ``rgb``."""
    lum = relative_luminance(rgb)
    # Contrast ratio with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05).
    return DARK_TEXT if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else LIGHT_TEXT


def heatmap(
    ax,
    data,
    row_labels,
    col_labels,
    *,
    fmt=".2f",
    cmap="viridis",
    vmin=None,
    vmax=None,
    annotate=True,
    fontsize=10,
    colorbar_label="",
    colorbar_pad=0.03,
):
    """Draw ``data`` (n_rows, n_cols) on ``ax`` with labelled rows and columns.

    Row labels go on the left, column labels on top (the way a matrix is read: row i,
    column j). Each cell shows its value formatted with ``fmt`` when ``annotate`` is true.
    A colorbar labelled ``colorbar_label`` is added unless the label is None;
    ``colorbar_pad`` (a fraction of the axes width) leaves room for notes beside the rows.
    Returns the image, so a caller can add or share a colorbar.
    """
    import matplotlib.pyplot as plt

    data = np.asarray(data, dtype=float)
    assert data.ndim == 2, f"heatmap needs a 2-D array, got shape {data.shape}"
    assert len(row_labels) == data.shape[0], (
        f"{len(row_labels)} row labels for {data.shape[0]} rows"
    )
    assert len(col_labels) == data.shape[1], (
        f"{len(col_labels)} column labels for {data.shape[1]} columns"
    )
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(np.arange(data.shape[1]), col_labels)
    ax.set_yticks(np.arange(data.shape[0]), row_labels)
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False, length=0)
    plt.setp(ax.get_xticklabels(), rotation=35, ha="left", rotation_mode="anchor")
    for spine in ax.spines.values():
        spine.set_visible(False)
    if annotate:
        colours = image.cmap(image.norm(data))
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                ax.text(
                    j,
                    i,
                    format(data[i, j], fmt),
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    color=text_colour_for(colours[i, j]),
                )
    if colorbar_label is not None:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=colorbar_pad)
        bar.set_label(colorbar_label)
        bar.outline.set_visible(False)
    return image
