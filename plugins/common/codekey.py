"""Which modules of the course package a script imports, and a digest of their code.

Caches key on the code that can change a result: a script, every module of the course
package it imports (followed transitively), and data files. A module counts by its code,
not its text: comments, blank lines and formatting do not change the digest
(:func:`code_digest`), so a comment-only edit of ``lesson_code/attention.py`` re-runs
nothing. Used by the lessons plugin (lesson runs), the quiz engine (``answer_from`` keys) and
the explorer (its model).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path


def _module_file(root: Path, module: str) -> Path | None:
    """Path of ``module`` (dotted, e.g. ``lesson_code.attention``) under ``root``, if any.

    Strings and ``os.path`` rather than ``pathlib``: a warm build asks this a few thousand
    times (every lesson, notebook and quiz key follows its imports), and pathlib's object
    building was most of the time its keys took."""
    base = os.path.join(root, *module.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return Path(candidate)
    return None


# Module texts by path, with the modification time and size they had when read and when
# that was: the keys of one build read each module of the course package once, not once per
# lesson importing it. As git does for its index, a text read less than a second after its
# file was modified is read again next time (a second write within the file system's
# timestamp step would leave the time and perhaps the size unchanged).
_texts: dict[str, tuple[int, int, int, str]] = {}
_RACY_NS = 1_000_000_000


def _read(path: Path) -> str:
    """The text of ``path``; read again when its modification time or size changed."""
    name = str(path)
    stat = os.stat(name)
    kept = _texts.get(name)
    if (
        kept is not None
        and kept[:2] == (stat.st_mtime_ns, stat.st_size)
        and kept[2] - stat.st_mtime_ns > _RACY_NS
    ):
        return kept[3]
    read_at = time.time_ns()
    text = path.read_text(encoding="utf-8")
    _texts[name] = (stat.st_mtime_ns, stat.st_size, read_at, text)
    return text


def _statements(tree: ast.AST):
    """Every statement in ``tree``, nested ones included (imports are statements, so the
    expressions, which are most of the nodes, need not be visited)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        )


# What each source imports, by a hash of the source: kept in the cache folder between
# builds (load_import_memo / save_import_memo), so a warm build parses no module at all.
_import_memo: dict[str, list[str]] = {}
_memo_dirty = False


def load_import_memo(path: Path) -> None:
    global _memo_dirty
    _import_memo.clear()
    _memo_dirty = False
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # absent or damaged: parse again, write it anew
    if isinstance(loaded, dict):
        _import_memo.update(
            (k, v)
            for k, v in loaded.items()
            if isinstance(v, list) and all(isinstance(n, str) for n in v)
        )


def save_import_memo(path: Path) -> None:
    """Write the memo if this build added to it (atomically; a read-only folder is fine)."""
    if not _memo_dirty:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(_import_memo, handle, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass


@functools.lru_cache(maxsize=1024)  # keyed on the source text: each module parsed once a build
def _imported_modules(source: str, filename: str, package: str, current: str) -> frozenset[str]:
    """Dotted names of modules of ``package`` that ``source`` imports (absolute or relative)."""
    global _memo_dirty
    memo_key = hashlib.sha256(f"{package}\0{current}\0{source}".encode()).hexdigest()
    if memo_key in _import_memo:
        return frozenset(_import_memo[memo_key])
    found = _parse_imports(source, filename, package, current)
    _import_memo[memo_key] = sorted(found)
    _memo_dirty = True
    return found


def _parse_imports(source: str, filename: str, package: str, current: str) -> frozenset[str]:
    tree = ast.parse(source, filename=filename)
    found: set[str] = set()
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the current module
                parts = current.split(".")[: -node.level] if current else []
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            # "from pkg import mod" may name a submodule
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(n for n in found if n == package or n.startswith(package + "."))


def _relative_base(file: Path, name: str) -> str:
    """The dotted name relative imports in ``file`` resolve against: a package's
    ``__init__.py`` imports ``.x`` from the package itself, a module from its parent."""
    return f"{name}.__init__" if file.name == "__init__.py" else name


def dependencies(
    script: Path, root: Path, package: str, source: str | None = None, current: str = ""
) -> list[Path]:
    """Every file of ``package`` that ``script`` imports, directly or transitively, sorted.

    ``root`` is the folder that contains the package. Parent packages' ``__init__.py``
    files count too, since importing ``a.b`` runs ``a/__init__.py``. ``source`` overrides
    the text of ``script`` (the code cells of a notebook, for example); ``current`` is the
    dotted name of ``script`` when it is a module of the package (for relative imports).
    """
    seen: dict[str, Path] = {}
    pending: list[tuple[Path, str, str | None]] = [(script, current, source)]
    while pending:
        path, current, text = pending.pop()
        source = text if text is not None else _read(path)
        for module in _imported_modules(source, str(path), package, current):
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name in seen:
                    continue
                file = _module_file(root, name)
                if file is None:
                    continue
                seen[name] = file
                pending.append((file, _relative_base(file, name), None))
    return sorted(set(seen.values()))


def module_dependencies(modules: list[str], root: Path, package: str) -> list[Path]:
    """The files that importing each dotted name in ``modules`` runs (those of ``package``:
    the module, its parent packages and everything they import), sorted."""
    files: set[Path] = set()
    for name in modules:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            file = _module_file(root, prefix)
            if file is not None and (prefix == package or prefix.startswith(package + ".")):
                files.add(file)
                files.update(
                    dependencies(file, root, package, current=_relative_base(file, prefix))
                )
    return sorted(files)


def data_files(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.rglob("*") if p.is_file())


@functools.lru_cache(maxsize=1024)  # keyed on the text: each module digested once a process
def _digest_of_text(source: str, filename: str) -> str:
    global _memo_dirty
    memo_key = "code:" + hashlib.sha256(source.encode()).hexdigest()
    if memo_key in _import_memo:  # kept by an earlier build: no parsing
        return _import_memo[memo_key][0]
    digest = _parse_digest(source, filename)
    _import_memo[memo_key] = [digest]
    _memo_dirty = True
    return digest


def _parse_digest(source: str, filename: str) -> str:
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError:  # not Python (or broken): its bytes are the key; running it reports it
        return hashlib.sha256(source.encode()).hexdigest()
    # The tree without positions: what runs, not where it sits on the page. Docstrings stay
    # (code can read them); comments and formatting are not in the tree at all.
    dumped = ast.dump(tree, annotate_fields=False, include_attributes=False)
    return hashlib.sha256(dumped.encode()).hexdigest()


def code_digest(path: Path) -> str:
    """SHA-256 of the code in the Python file ``path`` (its syntax tree, without comments,
    blank lines, formatting or line numbers); of the bytes for anything else."""
    if path.suffix != ".py":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return _digest_of_text(_read(path), str(path))
