"""Run one lesson script in a subprocess and turn a failure into a message that names the line.

Each run gets a fresh working directory, ``MPLBACKEND=Agg``, a fixed hash seed, and
``LESSON_OUTPUT_DIR`` pointing at a scratch folder; it runs under plugins.lessons.sandbox,
which refuses any write into the project outside those two folders. Only a run that
succeeds is moved into the cache, and its key is written last, so an interrupted build
never leaves an entry that looks valid.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lesson_code.report.protocol import CODE_CACHE_DEFAULT, CODE_CACHE_ENV, OUTPUT_ENV, SLUG_ENV

from .cache import KEY_FILE, is_fresh

SANDBOX_FILE = str(Path("plugins", "lessons", "sandbox.py"))
FRAME_RE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)', re.MULTILINE)
TIMEOUT_ENV = "LESSON_TIMEOUT"  # seconds; the sandbox dumps where the script is, then exits
# faulthandler's dump: a header, then frames innermost first ('File "x", line 12 in f')
STUCK_RE = re.compile(r"^Timeout \(\d+:\d\d:\d\d(?:\.\d+)?\)!$", re.MULTILINE)
DUMP_FRAME_RE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+) in ', re.MULTILINE)
HEARTBEAT_SECONDS = 15


@dataclass
class Lesson:
    slug: str  # "04-softmax"
    page: str  # "lessons/04-softmax.md" (relative to docs_dir)
    script: Path  # absolute path of lesson_code/lessons/04_softmax.py


@dataclass
class RunResult:
    lesson: Lesson
    ok: bool
    seconds: float
    error: str = ""


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def stuck_at(stderr: str, root: Path) -> str | None:
    """Where a script that ran out of time was (``lesson_code/lessons/01_x.py:12``): the
    innermost project frame of the dump the sandbox writes at the time limit; None when
    ``stderr`` holds no such dump."""
    found = STUCK_RE.search(stderr)
    if not found:
        return None
    for m in DUMP_FRAME_RE.finditer(stderr, found.end()):
        file = m["file"]
        if file.endswith(SANDBOX_FILE) or ".venv" in file or _rel(file, root) == file:
            continue
        return f"{_rel(file, root)}:{m['line']}"
    return ""


def describe_failure(stderr: str, root: Path, script: Path | None = None) -> tuple[str, str]:
    """(location, reason) of the error in a traceback.

    The location is the innermost frame inside the project (``lesson_code/attention.py:41``),
    which is where an author has to look; library frames (numpy's) are skipped.
    """
    frames = [
        (m["file"], int(m["line"]))
        for m in FRAME_RE.finditer(stderr)
        if not m["file"].endswith(SANDBOX_FILE)
    ]
    inside = [(f, n) for f, n in frames if _rel(f, root) != f and ".venv" not in f]
    location = ""
    if inside:
        file, line = inside[-1]
        location = f"{_rel(file, root)}:{line}"
        # The author's own line, when the error surfaced deeper (in lesson_code, say)
        if script is not None:
            own = [(f, n) for f, n in inside if Path(f).resolve() == script.resolve()]
            if own and own[-1] != inside[-1]:
                location += f" (called from {_rel(own[-1][0], root)}:{own[-1][1]})"
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    reason = lines[-1].strip() if lines else "the script exited with an error and printed nothing"
    return location, reason


def publish(out_dir: Path, entry: Path, key: str) -> None:
    """Move a finished run into the cache; the key file is written last.

    Builds sharing a cache take turns under ``cache.locked``; without a lock (a system
    without ``fcntl``), whichever lands second finds a complete entry and keeps it.
    """
    for _ in range(3):
        if entry.exists():
            shutil.rmtree(entry, ignore_errors=True)
        try:
            out_dir.rename(entry)
        except OSError:
            if is_fresh(entry, key):
                return
            continue
        (entry / KEY_FILE).write_text(key, encoding="utf-8")  # last: marks the entry complete
        return
    raise OSError(f"could not store the outputs of {entry.name} in {entry.parent}")


def code_cache(root: Path) -> str:
    """The folder lesson_code keeps its own cache in (trained weights): $LESSON_CODE_CACHE
    (the lessons plugin sets it from its ``code_cache_dir``), else the default under
    ``root``. Scripts and notebook kernels are told it and may write there."""
    folder = os.environ.get(CODE_CACHE_ENV) or str(root / CODE_CACHE_DEFAULT)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return folder


def run_lesson(
    lesson: Lesson,
    root: Path,
    entry: Path,
    key: str,
    timeout: int,
    extra: dict[str, str | Callable[[], str]] | None = None,
    waiting: Callable[[float], None] | None = None,
) -> RunResult:
    """Run ``lesson`` and, when it succeeds, store its outputs in ``entry`` under ``key``.

    ``extra`` maps file names to text stored with the outputs (the notebook download), or
    to a function making that text once the script has succeeded (in order; an exception
    it raises fails the run with its message), so the entry is complete the moment it is
    published. ``waiting(seconds)`` is called every
    ``HEARTBEAT_SECONDS`` while the script runs (the plugin says it is still running). At
    ``timeout`` seconds the script is stopped and the error says which line it was on.
    """
    started = time.perf_counter()
    entry.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{lesson.slug}-", dir=entry.parent))
    out_dir = scratch / "out"
    work_dir = scratch / "cwd"
    out_dir.mkdir()
    work_dir.mkdir()
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        OUTPUT_ENV: str(out_dir),
        SLUG_ENV: lesson.slug,
        TIMEOUT_ENV: str(timeout),
        CODE_CACHE_ENV: code_cache(root),
    }
    try:
        command = [sys.executable, "-m", "plugins.lessons.sandbox", str(root), str(out_dir)]
        command += [str(work_dir), env[CODE_CACHE_ENV], "--", str(lesson.script)]
        proc = subprocess.Popen(
            command,
            cwd=work_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stderr, finished = _wait(proc, timeout, started, waiting)
        script = _rel(str(lesson.script), root)
        stuck = stuck_at(stderr, root) if proc.returncode != 0 else None
        if not finished or stuck is not None:
            where = f"; it was running {stuck}" if stuck else ""
            return RunResult(
                lesson,
                False,
                time.perf_counter() - started,
                f"{script}: did not finish within {timeout} s{where} (an endless loop? else "
                "raise the lessons plugin's run_timeout in mkdocs.yml)",
            )
        if proc.returncode != 0:
            location, reason = describe_failure(stderr, root, lesson.script)
            where = location or script
            return RunResult(lesson, False, time.perf_counter() - started, f"{where}: {reason}")
        for name, make in (extra or {}).items():
            try:
                text = make() if callable(make) else make
            except Exception as exc:  # the maker's message says what failed and where
                return RunResult(
                    lesson, False, time.perf_counter() - started, f"{script}: {name}: {exc}"
                )
            (out_dir / name).write_text(text, encoding="utf-8")
        publish(out_dir, entry, key)
        return RunResult(lesson, True, time.perf_counter() - started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _wait(proc: subprocess.Popen, timeout: int, started: float, waiting) -> tuple[str, bool]:
    """Wait for ``proc``, calling ``waiting(elapsed)`` every ``HEARTBEAT_SECONDS``: (its
    stderr, whether it finished by itself). The sandbox stops itself at ``timeout`` after
    dumping where it was; a process still alive a little later is killed."""
    deadline = started + timeout + 10
    while True:
        left = deadline - time.perf_counter()
        try:
            _, stderr = proc.communicate(timeout=max(0.1, min(HEARTBEAT_SECONDS, left)))
            return stderr, True
        except subprocess.TimeoutExpired:
            if time.perf_counter() >= deadline:
                proc.kill()
                proc.communicate()
                return "", False
            if waiting is not None:
                waiting(time.perf_counter() - started)


class MissingScript(Exception):
    """A lesson page whose script does not exist."""


def script_name(slug: str) -> str:
    """Script file name of a lesson slug: "04-softmax" -> "04_softmax.py"."""
    return slug.replace("-", "_") + ".py"


def find_scripts(
    listed: dict, scripts: Path, root: Path
) -> tuple[dict[str, Lesson], list[tuple[Path, str]]]:
    """The course's lessons (slug -> info with ``path``, relative to docs_dir) each with its
    script in ``scripts``, and the scripts no lesson has, each with the page it would need
    (``lessons/21-orphan.md``). ``MissingScript`` names a lesson without its script."""
    found: dict[str, Lesson] = {}
    for slug, info in sorted(listed.items()):
        script = scripts / script_name(slug)
        if not script.is_file():
            raise MissingScript(
                f"docs/{info.path}: this lesson has no script; create "
                f"{_rel(str(script), root)} (every lesson's code runs at build time)"
            )
        found[slug] = Lesson(slug=slug, page=info.path, script=script)
    folder = posixpath.dirname(next(iter(found.values())).page) if found else "lessons"
    expected = {script_name(s) for s in found}
    orphans = [
        (orphan, f"{folder}/{orphan.stem.replace('_', '-')}.md")
        for orphan in sorted(scripts.glob("[0-9][0-9]_*.py"))
        if orphan.name not in expected
    ]
    return found, orphans
