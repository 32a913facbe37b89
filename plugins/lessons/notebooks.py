"""Notebooks: a downloadable notebook per lesson, and executed lab notebooks.

Lesson scripts are written in jupytext's "percent" format (``# %%`` starts a code cell,
``# %% [markdown]`` a text cell), so one file is both the script the build runs and the
notebook a learner downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import jupytext
import nbformat

from .cache import KEY_FILE, is_fresh

INTRO = (
    "This notebook is generated from `{script}` in the course repository. "
    "Run it from the repository root (after `make serve` or `make test` has created "
    "`.venv`) so that `import lesson_code` works: "
    "`.venv/bin/python -m pip install jupyter && .venv/bin/jupyter lab`."
)


SECTION_MARK_RE = re.compile(r"^\s*# -{1,}8<-{1,} \[(start|end):[^\]]*\]\s*$")


def script_to_notebook(script: Path, rel_script: str) -> str:
    """The lesson script as an ``.ipynb`` JSON string, with a first cell saying where it came from.

    Snippet section markers (``# --8<-- [start:name]``) are for the page, not the learner,
    so they are left out of the notebook.
    """
    text = script.read_text(encoding="utf-8")
    text = "\n".join(ln for ln in text.splitlines() if not SECTION_MARK_RE.match(ln))
    notebook = jupytext.reads(text, fmt="py:percent")
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(INTRO.format(script=rel_script)))
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata.pop("jupytext", None)
    return nbformat.writes(notebook)


def code_of(notebook_path: Path) -> str:
    """All code cells of a notebook joined into one Python source (for the cache key).

    Read as plain JSON (nbformat's schema validation costs more than the rest of a warm
    build's lab handling); a notebook that is not valid JSON raises ValueError.
    """
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    cells = [
        "".join(cell.get("source", ""))  # a string, or a list of lines (nbformat v4)
        for cell in notebook.get("cells", [])
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]
    # IPython magics are not Python: comment them out so ast can parse the rest.
    lines = [
        "# " + line if line.lstrip().startswith(("%", "!")) else line
        for cell in cells
        for line in cell.splitlines()
    ]
    return "\n".join(lines)


ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


class LabError(Exception):
    """A lab notebook cell raised: carries the cell number and the error line."""


def execute_lab(notebook_path: Path, root: Path, timeout: int) -> str:
    """Execute every cell (errors not allowed) and return the executed notebook JSON."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    notebook = nbformat.read(notebook_path, as_version=4)
    old_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), old_path]))
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(root)}},
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        cell = next(
            (i for i, c in enumerate(notebook.cells) if _has_error(c)),
            None,
        )
        plain = ANSI_RE.sub("", str(exc))  # IPython colours its tracebacks
        last = [ln for ln in plain.splitlines() if ln.strip()]
        reason = last[-1] if last else type(exc).__name__
        where = f"cell {cell + 1}" if cell is not None else "a cell"
        raise LabError(f"{where}: {reason}") from None
    finally:
        if old_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_path
    return nbformat.writes(notebook)


def _has_error(cell) -> bool:
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


# mkdocs-jupyter's template loads MathJax and Mermaid for every notebook page: Mermaid by
# an import() from cdnjs, MathJax through a <script src=""> that requests the page itself.
# The site makes no request to another host and labs use neither, so those three blocks
# are removed from the rendered lab (the only HTML we rewrite, and only blocks we name).
_FOREIGN_SCRIPTS = [
    re.compile(r'<script src="">\s*</script>'),
    re.compile(r'<script type="text/x-mathjax-config">[\s\S]*?</script>'),
    re.compile(r'<script type="module">(?:(?!</script>)[\s\S])*?mermaid[\s\S]*?</script>'),
]


def strip_foreign_loaders(html: str) -> str:
    """Remove mkdocs-jupyter's MathJax and Mermaid loaders from a rendered notebook page."""
    for pattern in _FOREIGN_SCRIPTS:
        html = pattern.sub("", html)
    return html


# mkdocs-jupyter writes the notebook's CSS (JupyterLab's theme, Pygments, Mermaid: 580 KB)
# as <style> elements inside the page body, where HTML allows none; the last one holds the
# Pygments CSS again as a Python list's repr, which is not CSS at all. The CSS goes to a
# stylesheet file shared by the labs (named by its content), linked where the styles were
# (a stylesheet <link> is allowed in the body, and instant navigation swaps it in with the
# page's content); the repr is dropped.
_STYLE_RE = re.compile(r"<style\b[^>]*>([\s\S]*?)</style>\s*", re.IGNORECASE)
_NOT_CSS_RE = re.compile(r"^\s*\[")
_CHARSET_RE = re.compile(r'@charset "[^"]*";')
# The copy button of each code cell: a stray comma between its attributes, and an
# aria-label the element's own role (none) does not allow; its script gives it role
# "button" when it starts, so the markup says so from the start.
_COPY_BUTTON_RE = re.compile(r"<clipboard-copy\b([^>]*)>")
_STRAY_COMMA_RE = re.compile(r'\s*,(?:="")?(?=[\s>]|$)')


def _copy_button(m: re.Match) -> str:
    attrs = _STRAY_COMMA_RE.sub("", m.group(1))
    if "role=" not in attrs:
        attrs = ' role="button"' + attrs
    return f"<clipboard-copy{attrs}>"


def lab_styles(html: str) -> tuple[str, str]:
    """(``html`` without its <style> elements, their CSS as one stylesheet)."""
    blocks: list[str] = []

    def take(m: re.Match) -> str:
        if not _NOT_CSS_RE.match(m.group(1)):
            blocks.append(_CHARSET_RE.sub("", m.group(1)).strip())
        return ""

    html = _STYLE_RE.sub(take, html)
    return html, "\n".join(blocks) + "\n"


def ship_lab_styles(html: str, site_dir: Path, labs_dir: str, page_url: str) -> str:
    """The rendered lab ``html`` with its CSS moved to ``<labs_dir>/notebook.<hash>.css``
    in ``site_dir`` and linked from where it was; copy buttons with valid attributes."""
    from mkdocs.utils import get_relative_url

    html, css = lab_styles(html)
    name = f"{labs_dir.strip('/')}/notebook.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    target = site_dir / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    html = _COPY_BUTTON_RE.sub(_copy_button, html)
    href = get_relative_url(name, page_url or ".")
    return f'<link rel="stylesheet" href="{href}">\n{html}'


def refresh_lab(
    source: Path, src_uri: str, entry: Path, key: str, root: Path, timeout: int
) -> bool:
    """Make ``entry`` hold the lab ``source`` executed under ``key`` (the executed copy at
    ``entry / src_uri``, which keeps "labs/<name>.ipynb" at the end of its path); True when
    it had to execute it, False when the entry was fresh. ``LabError`` when a cell fails."""
    executed = entry / src_uri
    if is_fresh(entry, key) and executed.is_file():
        return False
    text = execute_lab(source, root, timeout)
    if entry.exists():
        shutil.rmtree(entry)
    executed.parent.mkdir(parents=True, exist_ok=True)
    executed.write_text(text, encoding="utf-8")
    (entry / KEY_FILE).write_text(key, encoding="utf-8")  # last: marks the entry complete
    return True
