"""Content-hash cache keys for lesson scripts and lab notebooks.

A key covers everything that can change what a lesson prints or draws: the script, every
module of the lesson package it imports (followed transitively), every data file, and the
versions of Python, numpy and matplotlib. Nothing else (timestamps, paths) goes in, so a
checkout in another folder reuses the same keys.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path

# Bump when the runner changes what it writes, so old entries are not reused.
CACHE_FORMAT = "4"
KEY_FILE = "KEY"
IMPORT_MEMO = "imports.json"  # in the cache folder, next to outputs/ and labs/
LOCK_FILE = ".lock"


@contextlib.contextmanager
def locked(folder: Path):
    """Hold an exclusive lock on the cache ``folder`` while checking and refreshing entries.

    Builds that share a cache (parallel test workers, ``make serve`` next to ``make test``)
    take turns: the second waits while the first runs what is stale, then finds it fresh
    instead of replacing entries the first is still writing. Where locking is impossible (a
    read-only folder, a system without ``fcntl``) the build goes on unlocked.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_FILE, "a+b")  # noqa: SIM115 (closed below)
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


def _module_file(root: Path, module: str) -> Path | None:
    """Path of ``module`` (dotted, e.g. ``lesson_code.attention``) under ``root``, if any."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


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
        source = text if text is not None else path.read_text(encoding="utf-8")
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
                pending.append((file, name, None))
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
                files.update(dependencies(file, root, package, current=prefix))
    return sorted(files)


@functools.cache  # importlib.metadata scans sys.path on every call
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def environment_fingerprint() -> str:
    """Interpreter and library versions that change numeric output or figures."""
    return "|".join(
        [
            f"format={CACHE_FORMAT}",
            f"python={platform.python_implementation()}-{sys.version_info[:3]}",
            f"numpy={_version('numpy')}",
            f"matplotlib={_version('matplotlib')}",
            f"jupytext={_version('jupytext')}",
        ]
    )


def data_files(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.rglob("*") if p.is_file())


def compute_key(
    script: Path, root: Path, package: str, data_dir: Path, source: str | None = None
) -> str:
    """SHA-256 over the script, its package imports, data files and the environment.

    For a notebook, pass its code cells as ``source`` (imports are read from them) while
    ``script`` (the notebook file itself) is hashed whole.
    """
    digest = hashlib.sha256()
    digest.update(environment_fingerprint().encode())
    inputs = [script, *dependencies(script, root, package, source), *data_files(data_dir)]
    base = root.resolve()  # once: resolving stats every folder of the path
    for path in inputs:
        rel = path.resolve().relative_to(base).as_posix()
        digest.update(b"\0" + rel.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_fresh(entry: Path, key: str) -> bool:
    """True when ``entry`` holds a complete run for ``key`` (the key is written last)."""
    marker = entry / KEY_FILE
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == key
