"""Content-hash cache keys for lesson scripts and lab notebooks.

A key covers everything that can change what a lesson prints or draws: the script, every
module of the lesson package it imports (followed transitively), every data file, and the
versions of Python, numpy and matplotlib. Nothing else (timestamps, paths) goes in, so a
checkout in another folder reuses the same keys.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path

from ..common import codekey

# Bump when the runner changes what it writes, so old entries are not reused.
CACHE_FORMAT = "5"
KEY_FILE = "KEY"
NOTEBOOK_KEY_FILE = "NOTEBOOK_KEY"  # in a lesson's entry: the key its notebook was made under
IMPORT_MEMO = "imports.json"  # in the cache folder, next to outputs/ and labs/
LOCK_FILE = ".lock"
PREVIOUS_DIR = "previous"  # <cache>/previous/<slug>/<key>/: runs a newer run replaced
KEEP_PREVIOUS = 2  # per lesson: enough to undo an edit, or flip between two versions


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


def compute_key(
    script: Path, root: Path, package: str, data_dir: Path, source: str | None = None
) -> str:
    """SHA-256 over the script, its package imports, data files and the environment.

    For a notebook, pass its code cells as ``source`` (imports are read from them) while
    ``script`` (the notebook file itself) is hashed whole.
    """
    digest = hashlib.sha256()
    digest.update(environment_fingerprint().encode())
    base = root.resolve()  # once: resolving stats every folder of the path

    def add(path: Path, content: str) -> None:
        digest.update(b"\0" + path.resolve().relative_to(base).as_posix().encode() + b"\0")
        digest.update(content.encode())

    # The script by its text: its comments are the notebook's Markdown cells.
    add(script, hashlib.sha256(script.read_bytes()).hexdigest())
    for module in codekey.dependencies(script, root, package, source):
        add(module, codekey.code_digest(module))  # by code: a comment re-runs nothing
    for data in codekey.data_files(data_dir):
        add(data, hashlib.sha256(data.read_bytes()).hexdigest())
    return digest.hexdigest()


def notebook_key(run_key: str, modules: list[Path], root: Path) -> str:
    """Key of a learner's notebook: the run's key (what it prints and draws) and the text of
    the ``modules`` it carries, comments included, since the learner reads them. A
    comment-only edit of a module changes this key but not the run's: the notebook is made
    again, the script is not run again."""
    digest = hashlib.sha256(run_key.encode())
    base = root.resolve()
    for module in modules:
        digest.update(b"\0" + module.resolve().relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(module.read_bytes()).hexdigest().encode())
    return digest.hexdigest()


def is_fresh(entry: Path, key: str, marker_name: str = KEY_FILE) -> bool:
    """True when ``entry`` holds a complete run for ``key`` (the key is written last); with
    ``marker_name=NOTEBOOK_KEY_FILE``, a notebook made under ``key``."""
    marker = entry / marker_name
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == key


def _key_of(entry: Path) -> str | None:
    try:
        return (entry / KEY_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def retire(entry: Path, previous: Path) -> None:
    """Move the complete run in ``entry`` aside, under ``previous/<slug>/<its key>``, before
    a new run replaces it: undoing the edit that made it stale then finds it
    (:func:`restore`) instead of running the lesson again."""
    key = _key_of(entry)
    if key is None:
        return
    kept = previous / entry.name / key
    try:
        if kept.exists():
            shutil.rmtree(kept)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(entry, kept)
        os.utime(kept)  # newest first when pruning
    except OSError:  # a read-only or busy folder: the run is replaced, not kept
        pass


def restore(entry: Path, key: str, previous: Path) -> bool:
    """Put back the earlier run of this lesson made under ``key``, if one is kept (the
    current one is retired in its place); False when there is none."""
    kept = previous / entry.name / key
    if not is_fresh(kept, key):
        return False
    retire(entry, previous)
    try:
        if entry.exists():
            shutil.rmtree(entry)
        os.replace(kept, entry)
    except OSError:
        return False
    return is_fresh(entry, key)


def prune_previous(previous: Path, slugs: set[str], keep: int = KEEP_PREVIOUS) -> None:
    """Keep the ``keep`` most recently retired runs of each lesson in ``slugs``; drop the
    rest, and everything of lessons that no longer exist."""
    if not previous.is_dir():
        return
    for folder in previous.iterdir():
        if not folder.is_dir() or folder.name not in slugs:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        runs = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in runs[keep:]:
            shutil.rmtree(old, ignore_errors=True)
