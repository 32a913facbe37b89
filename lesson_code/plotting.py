"""Show a matrix with token labels: as a coloured heatmap with a number in each cell, or as text.

Lessons draw small matrices (embeddings, scores, attention weights, masks) whose rows and
columns are tokens. Three ways, one module:

- ``heatmap``: the general figure. Row labels on the left, column labels on top (a
  matrix is read row i, column j), cells as wide as the axes allow, an optional colorbar.
- ``annotated_heatmap``: square cells, labels at the bottom and left, no colorbar, and
  any text in a cell (``labels``: "yes"/"no" for a mask, "0" for an exact zero); used by
  the variant lessons (11-13).
- ``weight_table``: the same matrix as aligned text for an output block (``-inf`` for a
  blocked score, True/False for a mask).

The cell colours come from a perceptually uniform colormap (viridis by default); the
text written in each cell is black on bright cells and white on dark ones, chosen from
the cell colour's luminance (``text_colour_for``), so it stays readable whatever the
page theme is.
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


def weight_table(matrix, rows, cols, fmt="6.3f"):
    """A text table of ``matrix`` (n_rows, n_cols) with row and column labels.

    Entries that are -inf (blocked scores) print as ``-inf``; booleans as True/False.
    """
    matrix = np.asarray(matrix)
    assert matrix.shape == (len(rows), len(cols)), (
        f"matrix is {matrix.shape} but there are {len(rows)} row and {len(cols)} column labels"
    )
    width = max(len(format(1.0, fmt)), *(len(c) for c in cols), 5)
    pad = max(len(r) for r in rows)
    lines = [" " * pad + " " + " ".join(f"{c:>{width}}" for c in cols)]
    for label, row in zip(rows, matrix, strict=True):
        cells = []
        for x in row:
            if matrix.dtype == bool:
                text = str(bool(x))
            elif np.isneginf(x):
                text = "-inf"
            else:
                text = format(float(x), fmt).strip()
            cells.append(f"{text:>{width}}")
        lines.append(f"{label:<{pad}} " + " ".join(cells))
    return "\n".join(lines)


def annotated_heatmap(
    ax, matrix, rows, cols, cmap="viridis", vmin=0.0, vmax=1.0, fmt=".2f", labels=None, fontsize=10
):
    """Draw ``matrix`` (n_rows, n_cols) on ``ax`` with token labels and one number per cell.

    ``labels`` (same shape, strings) replaces the numbers when given. Text colour is chosen
    per cell from the cell's luminance. Returns the image (for a colorbar).
    """
    import matplotlib as mpl

    matrix = np.asarray(matrix, dtype=float)
    image = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    colormap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            text = labels[i][j] if labels is not None else format(matrix[i, j], fmt)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=fontsize,
                color=text_colour_for(colormap(norm(matrix[i, j]))),
            )
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image
