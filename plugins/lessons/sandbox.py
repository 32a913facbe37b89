"""Run a lesson script so that it cannot change the project it is part of.

    python -m plugins.lessons.sandbox PROJECT_ROOT ALLOWED_DIR... -- SCRIPT
    python plugins/lessons/sandbox.py PROJECT_ROOT ALLOWED_DIR... -- -m MODULE ARGS...

The lesson runner starts every lesson script through this module, and the kernel that
executes a lesson's notebook (``-m ipykernel_launcher``) likewise. An audit hook
(PEP 578) refuses any attempt to create, change, move or delete a file inside the
project, except in the allowed folders (the lesson's output folder and its scratch
working directory). The refusal is a PermissionError raised where the script tried, so
the build names the lesson's own file and line. Reading is never restricted, and files
outside the project (temporary files, matplotlib's font cache) are not affected.
"""

from __future__ import annotations

import faulthandler
import os
import runpy
import sys
from pathlib import Path

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATH_EVENTS = {  # audit event -> indexes of its path arguments
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.replace": (0, 1),
    "os.truncate": (0,),
    "os.symlink": (0, 1),
    "os.link": (0, 1),
    "os.chmod": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.move": (0, 1),
}


def make_hook(root: Path, allowed: list[Path]):
    root = root.resolve()
    allowed = [a.resolve() for a in allowed]

    def forbidden(target) -> Path | None:
        if isinstance(target, int) or target is None:
            return None  # a file descriptor: its opening was already checked
        try:
            path = Path(os.fsdecode(target)).resolve()
        except (TypeError, ValueError, OSError):
            return None
        if not path.is_relative_to(root) or any(path.is_relative_to(a) for a in allowed):
            return None
        return path

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            target, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS
            )
            paths = [target] if writing else []
        elif event in PATH_EVENTS:
            paths = [args[i] for i in PATH_EVENTS[event] if i < len(args)]
        else:
            return
        for target in paths:
            path = forbidden(target)
            if path is not None:
                raise PermissionError(
                    f"lesson scripts may not write into the project: "
                    f"{path.relative_to(root).as_posix()} ({event}); report results with "
                    "lesson_code.report (output, value, figure) instead"
                )

    return hook


class ProjectImports:
    """A meta path finder refusing modules of the project (files under ``root`` outside
    the environment and the ``allowed`` folders): a notebook's kernel imports only the
    modules the notebook wrote, as it would on a learner's machine, even where the project
    is installed in editable mode."""

    def __init__(self, root: Path, allowed: list[Path]):
        self.root = root.resolve()
        self.free = [Path(sys.prefix).resolve(), *(a.resolve() for a in allowed)]
        self.busy = False

    def find_spec(self, name, path=None, target=None):
        if self.busy:  # asked by the finders below: not for us
            return None
        self.busy = True
        try:
            spec = next(
                (
                    found
                    for finder in sys.meta_path
                    if finder is not self and hasattr(finder, "find_spec")
                    for found in [finder.find_spec(name, path, target)]
                    if found is not None
                ),
                None,
            )
        finally:
            self.busy = False
        where = spec and (spec.origin or next(iter(spec.submodule_search_locations or []), None))
        if where and where not in ("built-in", "frozen"):
            file = Path(where).resolve()
            if file.is_relative_to(self.root) and not any(
                file.is_relative_to(f) for f in self.free
            ):
                raise ModuleNotFoundError(
                    f"No module named {name!r} here: it is a module of the project, and a "
                    "notebook imports only the modules it writes",
                    name=name,
                )
        return spec


def main(argv: list[str]) -> None:
    split = argv.index("--")
    root, *allowed = (Path(a) for a in argv[:split])
    script = argv[split + 1]
    module = argv[split + 2] if script == "-m" else None  # -m MODULE: a notebook's kernel
    rest = argv[split + (3 if module else 2) :]
    sys.argv = [module or script, *rest]
    # as if run as `python script.py`, or `python -m module` in the working directory
    sys.path[0] = os.getcwd() if module else str(Path(script).resolve().parent)
    sys.addaudithook(make_hook(root, allowed))
    limit = os.environ.get("LESSON_TIMEOUT", "")
    if limit.isdigit():  # at the limit: print where the script is (the runner names it), exit
        faulthandler.dump_traceback_later(int(limit), exit=True)
    if module:
        sys.meta_path.insert(0, ProjectImports(root, allowed))
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
