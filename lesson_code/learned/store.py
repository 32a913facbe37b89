"""``trained_model()``: the weights trained once, kept on disk, loaded on every later call.

The file is named by a hash of what determines the weights: the code of this package and
of ``lesson_code.attention`` (as parsed: comments and formatting do not count), the
settings and numpy's version. Change any of them and the next call trains again; undo the
change and the earlier file is found again (the newest two are kept, older ones removed).

Where: ``$LESSON_CODE_CACHE/learned`` (the build sets it), else ``.cache/lesson_code/learned``
next to the ``lesson_code`` folder (a learner's notebook: next to the notebook). Builds
running at once take turns (a lock file), so the model is trained once, not once each.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import time
from functools import cache
from pathlib import Path

import numpy as np

from .model import TinyTransformer
from .train import History, Settings, train

PACKAGE = Path(__file__).resolve().parent
SOURCES = [*sorted(PACKAGE.glob("*.py")), PACKAGE.parent / "attention.py"]
KEEP = 2  # the current file and the one before it (an undone edit is instant)


def cache_folder():
    """Where trained weights are kept (see the module's docstring)."""
    base = os.environ.get("LESSON_CODE_CACHE") or PACKAGE.parent.parent / ".cache" / "lesson_code"
    return Path(base) / "learned"


def weights_key(settings):
    """A hash of everything the weights depend on (16 hex digits)."""
    digest = hashlib.sha256()
    for source in SOURCES:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        digest.update(source.name.encode() + ast.dump(tree).encode())
    digest.update(json.dumps(settings.as_dict(), sort_keys=True).encode())
    digest.update(np.__version__.encode())
    return digest.hexdigest()[:16]


class TrainedModel(TinyTransformer):
    """The model trained in the build, with its training record (``history``),
    ``settings`` and how long training took (``history.seconds``)."""

    def __init__(self, params, settings, history):
        super().__init__(params, settings.n_heads)
        self.settings = settings
        self.history = history


def save(path, model, history):
    """Write the weights and the record to ``path`` (.npz) in one atomic rename."""
    arrays = {f"param/{name}": value for name, value in model.params.items()}
    arrays |= {
        "loss": history.loss,
        "measured": history.measured,
        "previous": history.previous,
        "induction": history.induction,
        "seconds": np.array(history.seconds),
    }
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with open(partial, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    partial.replace(path)


def load(path, settings):
    with np.load(path) as data:
        params = {k.removeprefix("param/"): data[k] for k in data.files if k.startswith("param/")}
        history = History(
            data["loss"],
            data["measured"],
            data["previous"],
            data["induction"],
            float(data["seconds"]),
        )
    return TrainedModel(params, settings, history)


class _Lock:
    """An exclusive lock on ``folder/.lock`` while training (no-op without fcntl)."""

    def __init__(self, folder):
        self.path = folder / ".lock"

    def __enter__(self):
        self.handle = open(self.path, "w")  # noqa: SIM115 (closed in __exit__)
        try:
            import fcntl

            fcntl.flock(self.handle, fcntl.LOCK_EX)
        except ImportError:  # Windows: concurrent builds may both train; both results equal
            pass
        return self

    def __exit__(self, *exc):
        self.handle.close()  # releases the lock


def prune(folder, keep):
    """Remove all but the ``keep`` most recently used weight files."""
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


@cache
def trained_model(settings=None):
    """The small transformer trained at build time: a :class:`TrainedModel`.

    Loads the weights kept for this code and these settings; trains (about a minute on
    two cores) and keeps them if there are none. Attributes: ``n_layers``, ``n_heads``,
    ``vocab_size``, ``context``, ``d_model``, ``params``, ``settings``, ``history``;
    ``attention(ids)`` gives every head's pattern, ``run(ids, ablate)`` the whole pass.
    """
    settings = settings or Settings()
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{weights_key(settings)}.npz"
    with _Lock(folder):
        if path.is_file():
            os.utime(path)  # most recently used: kept by prune
            return load(path, settings)
        print(f"training the small transformer ({settings.steps} steps) ...", flush=True)
        started = time.process_time()
        model, history = train(settings)
        history.seconds = time.process_time() - started
        save(path, model, history)
        prune(folder, KEEP)
    return load(path, settings)
