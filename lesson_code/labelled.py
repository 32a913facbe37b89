"""Show a weight matrix with its token labels: as text, and as an annotated heatmap.

Used by the variant lessons (11-13) to print and draw matrices whose rows are queries and
whose columns are keys. Unlike ``lesson_code.heatmaps.heatmap`` (whose text colour rule it
shares), ``annotated_heatmap`` can write any label in a cell ("yes"/"no", "0" for an exact
zero) and keeps square cells.
"""

from __future__ import annotations

import numpy as np

from lesson_code.heatmaps import text_colour_for


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
