"""Content-hash cache keys for lesson scripts and lab notebooks.

A key covers everything that can change what a lesson prints or draws: the script, every
module of the lesson package it imports (followed transitively), every data file, and the
versions of Python, numpy and matplotlib. Nothing else (timestamps, paths) goes in, so a
checkout in another folder reuses the same keys.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import platform
import sys
from importlib import metadata
from pathlib import Path

# Bump when the runner changes what it writes, so old entries are not reused.
CACHE_FORMAT = "3"
KEY_FILE = "KEY"


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
        stack.extend(child for child in ast.iter_child_nodes(node)
                     if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case))


@functools.lru_cache(maxsize=1024)  # keyed on the source text: each module parsed once a build
def _imported_modules(source: str, filename: str, package: str, current: str) -> frozenset[str]:
    """Dotted names of modules of ``package`` that ``source`` imports (absolute or relative)."""
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


def dependencies(script: Path, root: Path, package: str, source: str | None = None) -> list[Path]:
    """Every file of ``package`` that ``script`` imports, directly or transitively, sorted.

    ``root`` is the folder that contains the package. Parent packages' ``__init__.py``
    files count too, since importing ``a.b`` runs ``a/__init__.py``. ``source`` overrides
    the text of ``script`` (the code cells of a notebook, for example).
    """
    seen: dict[str, Path] = {}
    pending: list[tuple[Path, str, str | None]] = [(script, "", source)]
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
    for path in inputs:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        digest.update(b"\0" + rel.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_fresh(entry: Path, key: str) -> bool:
    """True when ``entry`` holds a complete run for ``key`` (the key is written last)."""
    marker = entry / KEY_FILE
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == key
