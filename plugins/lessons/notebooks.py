"""Notebooks: a downloadable notebook per lesson, and executed lab notebooks.

Lesson scripts are written in jupytext's "percent" format (``# %%`` starts a code cell,
``# %% [markdown]`` a text cell), so one file is both the script the build runs and the
notebook a learner downloads.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jupytext
import nbformat

from lesson_code.report.protocol import CODE_CACHE_ENV

from ..common import codekey
from ..common.pages import rel
from . import plain
from .cache import KEY_FILE, NOTEBOOK_KEY_FILE, is_fresh, notebook_key
from .runner import code_cache

HOW_TO_RUN = """\
**How to run this notebook.** It needs Python 3 with numpy and matplotlib, and a notebook
program: `pip install numpy matplotlib jupyter`, then `jupyter lab {name}` (or open it in
VS Code, or upload it to Google Colab) and run the cells from the top. It holds the
outputs of the course's own run, so you can read it before running anything.

Made from `{source}` in the course repository."""

CARRY_TAG = "course-modules"  # the cells that write lesson_code/ next to the notebook
CARRY_TEXT = """\
## The course code this notebook uses

The next cells write the modules of the course package `lesson_code` that this notebook
imports ({modules}) into a folder `lesson_code/` next to the notebook, so it runs without
the course repository: the `%%writefile` line at the top of each cell names the file it
writes. They are the course's files as they were when this notebook was made. Run them
first; the notebook's own code starts after them."""

SECTION_MARK_RE = re.compile(r"^\s*# -{1,}8<-{1,} \[(start|end):[^\]]*\]\s*$")


class NotebookError(Exception):
    """A notebook cell raised: carries the cell number and the error line."""


def _has_code(source: str) -> bool:
    """True when ``source`` holds a statement, not only comments and blank lines."""
    try:
        return bool(ast.parse(source).body)
    except SyntaxError:
        return True  # broken code is still code: running it reports it


def _code(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def carried_modules(code: str, source: Path, root: Path, package: str) -> list[Path]:
    """The files of ``package`` (under ``root``) that ``code`` imports, transitively: what
    a learner's notebook carries."""
    return codekey.dependencies(source, root, package, source=code)


def carry_cells(modules: list[Path], root: Path) -> list:
    """A Markdown cell saying what follows, a cell making the folders, and one
    ``%%writefile`` cell per module (``root`` is the folder holding the package)."""
    if not modules:
        return []
    names = [m.relative_to(root).as_posix() for m in modules]
    folders = sorted({posixpath.dirname(n) for n in names})
    listed = ", ".join(f"`{n}`" for n in names)
    tag = {"tags": [CARRY_TAG]}
    cells = [nbformat.v4.new_markdown_cell(CARRY_TEXT.format(modules=listed), metadata=tag)]
    folders_code = (
        "from pathlib import Path\n\n"
        f"for folder in {folders!r}:\n"
        "    Path(folder).mkdir(parents=True, exist_ok=True)\n"
        '    Path(folder, "__init__.py").touch()  # a package, even where its __init__ is empty'
    )
    cells.append(nbformat.v4.new_code_cell(folders_code.replace("'", '"'), metadata=tag))
    for name, module in zip(names, modules, strict=True):
        text = module.read_text(encoding="utf-8").rstrip("\n")
        if not text.strip():
            continue  # an empty __init__.py: the cell above made it
        cells.append(nbformat.v4.new_code_cell(f"%%writefile {name}\n{text}", metadata=tag))
    return cells


def _finish(notebook, how_to_run: str) -> None:
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(how_to_run))
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata.pop("jupytext", None)


def learner_notebook(script: Path, rel_script: str, name: str, root: Path, package: str):
    """The lesson ``script`` as the notebook a learner downloads (not yet executed).

    The script without its authoring calls (:func:`plain.plain_script`) and its snippet
    section markers, one cell per ``# %%`` cell, cells left with no code dropped; before
    it the course modules it imports (:func:`carry_cells`) and first a cell saying how to
    run it. ``name`` is the notebook's file name, ``root`` the folder holding ``package``.
    """
    text = plain.plain_script(script.read_text(encoding="utf-8"), rel_script)
    text = "\n".join(ln for ln in text.splitlines() if not SECTION_MARK_RE.match(ln))
    notebook = jupytext.reads(text, fmt="py:percent")
    notebook.cells = [c for c in notebook.cells if c.cell_type != "code" or _has_code(c.source)]
    modules = carried_modules(_code(notebook), script, root, package)
    notebook.cells[0:0] = carry_cells(modules, root)
    _finish(notebook, HOW_TO_RUN.format(name=name, source=rel_script))
    return notebook


def learner_lab(lab: Path, rel_lab: str, name: str, root: Path, package: str):
    """The lab notebook ``lab`` with the course modules it imports and a first cell saying
    how to run it (not yet executed)."""
    notebook = nbformat.read(lab, as_version=4)
    modules = carried_modules(code_of(lab), lab, root, package)
    notebook.cells[0:0] = carry_cells(modules, root)
    _finish(notebook, HOW_TO_RUN.format(name=name, source=rel_lab))
    return notebook


def lesson_download(
    script: Path,
    rel_script: str,
    name: str,
    package: tuple[Path, str],
    root: Path,
    timeout: int,
) -> str:
    """The lesson ``script``'s download (:func:`learner_notebook`) executed anywhere; a
    :class:`NotebookError` saying why when it cannot be made or a cell fails.
    ``package`` is (the folder holding the course package, its name)."""
    try:
        notebook = learner_notebook(script, rel_script, name, *package)
    except plain.PlainError as exc:
        raise NotebookError(f"the notebook cannot be made: {exc}") from None
    try:
        return execute_anywhere(notebook, root, timeout)
    except NotebookError as exc:
        raise NotebookError(
            f"its notebook fails where the script did not: {exc} (the notebook is the "
            "script without its report calls, run cell by cell alone in an empty folder)"
        ) from None


def lab_download(source: Path, code: str, key: str, package: tuple[Path, str], root: Path):
    """(the lab's key covering the text of the modules its download carries, a function
    making that download) for the lab notebook ``source`` with code cells ``code``."""
    carried = carried_modules(code, source, *package)
    rel_lab = source.resolve().relative_to(root.resolve()).as_posix()

    def learner():
        return learner_lab(source, rel_lab, source.name, *package)

    return notebook_key(key, carried, package[0]), learner


def store(entry: Path, name: str, text: str, key: str) -> None:
    """Put the notebook ``text`` made under ``key`` in ``entry`` as ``name``; the key last."""
    marker = entry / NOTEBOOK_KEY_FILE
    marker.unlink(missing_ok=True)
    (entry / name).write_text(text, encoding="utf-8")
    marker.write_text(key, encoding="utf-8")


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


def _run(client, notebook, **kwargs) -> str:
    """Execute with ``client``; the executed notebook JSON, or NotebookError naming the cell."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    try:
        client.execute(**kwargs)
    except (CellExecutionError, CellTimeoutError) as exc:
        cell = next((i for i, c in enumerate(notebook.cells) if _has_error(c)), None)
        plain_text = ANSI_RE.sub("", str(exc))  # IPython colours its tracebacks
        last = [ln for ln in plain_text.splitlines() if ln.strip()]
        reason = last[-1] if last else type(exc).__name__
        where = f"cell {cell + 1}" if cell is not None else "a cell"
        raise NotebookError(f"{where}: {reason}") from None
    return nbformat.writes(notebook)


def execute_lab(notebook_path: Path, root: Path, timeout: int) -> str:
    """Execute every cell (errors not allowed) and return the executed notebook JSON."""
    from nbclient import NotebookClient

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
        return _run(client, notebook)
    finally:
        if old_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_path


def _has_error(cell) -> bool:
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


SANDBOX_KERNEL = "lesson-sandbox"


def execute_anywhere(notebook, root: Path, timeout: int) -> str:
    """Execute ``notebook`` as a learner would: alone in an empty folder, with the project
    off the import path (the notebook imports the ``lesson_code`` its first cells write).

    The kernel runs under the lessons sandbox (:mod:`plugins.lessons.sandbox`), so its
    writes stay in that folder. Returns the executed notebook JSON; a failing cell is a
    :class:`NotebookError` naming it.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="notebook-") as scratch:
        folder = Path(scratch, "run")
        folder.mkdir()
        spec = Path(scratch, "kernels", SANDBOX_KERNEL)
        spec.mkdir(parents=True)
        sandbox = Path(__file__).with_name("sandbox.py")
        cache = code_cache(root)  # lesson_code's own cache (trained weights): writable
        argv = [sys.executable, str(sandbox), str(root), str(folder), cache, "--"]
        argv += ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
        kernel = {"argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        manager = KernelManager(
            kernel_name=SANDBOX_KERNEL,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]),
        )
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LESSON_TIMEOUT")}
        env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        env["PYTHONHASHSEED"] = "0"
        env[CODE_CACHE_ENV] = cache
        client = NotebookClient(
            notebook, km=manager, timeout=timeout, allow_errors=False, record_timing=False
        )
        return _run(client, notebook, cwd=str(folder), env=env)


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


LAB_DOWNLOAD_FILE = "download.ipynb"  # in a lab's entry: its download, executed anywhere


def refresh_lab(
    source: Path,
    src_uri: str,
    entry: Path,
    key: str,
    root: Path,
    timeout: int,
    learner: Callable[[], object] | None = None,
) -> bool:
    """Make ``entry`` hold the lab ``source`` executed under ``key`` (the executed copy at
    ``entry / src_uri``, which keeps "labs/<name>.ipynb" at the end of its path) and, when
    ``learner`` makes its download notebook, that notebook executed anywhere
    (:func:`execute_anywhere`) at ``entry / LAB_DOWNLOAD_FILE``; True when it had to execute,
    False when the entry was fresh. ``NotebookError`` when a cell fails."""
    executed = entry / src_uri
    download = entry / LAB_DOWNLOAD_FILE
    if is_fresh(entry, key) and executed.is_file() and (learner is None or download.is_file()):
        return False
    text = execute_lab(source, root, timeout)
    learner_text = execute_anywhere(learner(), root, timeout) if learner is not None else None
    if entry.exists():
        shutil.rmtree(entry)
    executed.parent.mkdir(parents=True, exist_ok=True)
    executed.write_text(text, encoding="utf-8")
    if learner_text is not None:
        download.write_text(learner_text, encoding="utf-8")
    (entry / KEY_FILE).write_text(key, encoding="utf-8")  # last: marks the entry complete
    return True


class Maker:
    """Makes the learner notebooks of one build: a lesson's download (``download``), its
    cache key (``key``), downloads made again for fresh runs (``remake``), and labs
    executed against their cache entry (``lab``)."""

    def __init__(self, package: tuple[Path, str], root: Path, timeout: int):
        self.package = package  # (folder holding the course package, its name)
        self.root = root
        self.timeout = timeout

    def key(self, script: Path, run_key: str) -> str:
        """Key of a lesson's notebook: the run's key and the text of the modules it carries."""
        modules = codekey.dependencies(script, *self.package)
        return notebook_key(run_key, modules, self.package[0])

    def download(self, script: Path, slug: str) -> str:
        """The lesson's notebook download, executed; NotebookError when it cannot be."""
        shown = rel(script, self.root)
        return lesson_download(
            script, shown, f"{slug}.ipynb", self.package, self.root, self.timeout
        )

    def remake(self, remake: list, file_name: str, jobs: int, log) -> list[str]:
        """Make again the notebooks of fresh runs whose carried modules' text changed (a
        comment edit): the scripts do not run again. The problems, one line each."""
        from concurrent.futures import ThreadPoolExecutor

        def work(item) -> str:
            lesson, entry, nb_key = item
            try:
                store(entry, file_name, self.download(lesson.script, lesson.slug), nb_key)
            except NotebookError as exc:
                return f"  lesson page docs/{lesson.page}: {exc}"
            log.info("lesson %s: notebook made again (its modules' text changed)", lesson.slug)
            return ""

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return [p for p in pool.map(work, remake) if p]

    def lab(self, src_uri, source, data_dir, labs_root, cache_root, downloads, log) -> Path:
        """The cache entry holding the executed copy of a lab notebook (at
        ``entry / src_uri``), executed now unless the entry is fresh. PluginError-ready
        messages come as ``LabProblem``."""
        from .cache import compute_key, locked

        try:
            code = code_of(source)
            key = compute_key(source, *self.package, data_dir, source=code)
            learner = None
            if downloads:  # the download carries the modules' text: key on it
                key, learner = lab_download(source, code, key, self.package, self.root)
        except Exception as exc:  # unreadable notebook or code cells that do not parse
            raise LabProblem(f"lab docs/{src_uri}: cannot read its code: {exc}") from None
        entry = labs_root / Path(src_uri).stem
        with locked(cache_root):  # builds sharing this cache take turns
            try:
                if refresh_lab(source, src_uri, entry, key, self.root, self.timeout, learner):
                    log.info("executed lab %s", src_uri)
            except NotebookError as exc:
                raise LabProblem(f"lab docs/{src_uri}: {exc}") from None
        return entry


class LabProblem(Exception):
    """A lab that cannot be read or executed; the message names it."""
