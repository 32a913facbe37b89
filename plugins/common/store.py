"""A content-addressed store for work a build can reuse from the last one.

The lessons plugin caches whole lesson runs (``plugins.lessons.cache``); this store keeps
the smaller results other plugins recompute on every build although their inputs rarely
change: rendered quizzes, numeric answer keys, the explorer's parameters. An entry is a
JSON file named by the SHA-256 of everything that can change it (see :func:`digest`), so
there is nothing to invalidate: changed inputs give a new key, and a stale entry is never
read. Writes go to a temporary file renamed into place, so parallel builds sharing a
folder see a whole entry or none; a folder that cannot be written only costs the reuse.

A :class:`Store` remembers which entries a build used (read or written), kind by kind, and
:meth:`Store.prune` deletes the others of those kinds: called by the owner at the end of a
successful build, it keeps the folder to what the current sources need.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any


def _plain(value: Any) -> Any:
    """``value`` with functions and classes replaced by their dotted names (stable across
    processes, unlike their ``repr``, which holds a memory address)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    return repr(value)


def digest(*parts: Any) -> str:
    """SHA-256 of ``parts``: JSON-like values, files (a ``Path``, or a list of them) read
    as their bytes, and ``bytes`` as they are (content already read, so the key is of
    exactly what was used even if the file changes meanwhile)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes | bytearray):
            h.update(b"\0bytes\0%d\0" % len(part) + part)
            continue
        paths = [part] if isinstance(part, Path) else None
        if isinstance(part, list | tuple) and part and all(isinstance(p, Path) for p in part):
            paths = list(part)
        if paths is None:
            h.update(b"\0value\0" + json.dumps(_plain(part), sort_keys=True).encode())
            continue
        h.update(b"\0files\0%d\0" % len(paths))
        for path in paths:
            h.update(b"\0file\0" + path.as_posix().encode() + b"\0")
            h.update(path.read_bytes() if path.is_file() else b"<missing>")
    return h.hexdigest()


def package_parent(root: Path, package: str) -> Path | None:
    """The folder holding ``package`` as an import finds it: ``root`` (the project) first,
    then the import path; None if nowhere. Keys hash the package's files from there."""
    for folder in [root, *(Path(p or ".").resolve() for p in sys.path)]:
        if (folder / package / "__init__.py").is_file():
            return folder
    return None


def versions(*dists: str) -> dict[str, str]:
    """Installed versions of ``dists`` ("absent" when not installed)."""
    found = {}
    for dist in dists:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "absent"
    return found


class Store:
    """JSON entries under ``folder/<kind>/<key>.json``; ``folder`` None disables the store."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: dict[str, set[str]] = {}  # kind -> keys read or written since creation

    def get(self, kind: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            value = json.loads((self.folder / kind / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, unreadable or cut short: recompute
            return None
        self.used.setdefault(kind, set()).add(key)
        return value

    def prune(self) -> int:
        """Delete the entries of every kind this store used that it neither read nor wrote
        (kinds it never touched are left alone); the number deleted."""
        if self.folder is None:
            return 0
        deleted = 0
        for kind, keep in self.used.items():
            for path in (self.folder / kind).glob("*.json"):
                if path.stem not in keep and not path.name.startswith(".tmp-"):
                    try:
                        path.unlink()
                        deleted += 1
                    except OSError:
                        pass
        return deleted

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self.used.setdefault(kind, set()).add(key)
        folder = self.folder / kind
        tmp = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, ensure_ascii=False)
            os.replace(tmp, folder / f"{key}.json")
        except OSError:  # a read-only checkout still builds; it only recomputes next time
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
