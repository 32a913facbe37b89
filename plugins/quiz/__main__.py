"""Command line: ``python -m plugins.quiz check PATH...`` and ``python -m plugins.quiz schema``.

``check`` validates quiz files (folders are searched for ``*.yaml`` / ``*.yml``),
computes every ``answer_from`` with the course code and prints one line per problem,
``path:line:col: field: message``, exactly as the MkDocs build reports them. Without a
path it checks the whole project as the build does (run it where ``mkdocs.yml`` is):
every file under ``quizzes/``, and also that a ``/// quiz | path`` block of some page
under ``docs/`` shows each one and that every block names a quiz file. Only the build
checks ``{{ name }}`` placeholders (they need the lessons' run).
Exit status: 0 when every file is valid, 1 otherwise (2 for a usage error).

``schema`` writes the JSON Schema to ``quizzes/schema.json`` (``--output`` to choose);
``schema --check`` exits 1 when the file on disk is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import answers, placement
from .answers import CodePackage
from .errors import Problem, QuizError
from .schema import SCHEMA_PATH, schema_text
from .validate import load_file, suggest

QUIZ_SUFFIXES = (".yaml", ".yml")
# The plugin's defaults (plugins/quiz/config.py): where quizzes and pages are, which
# package answer_from calls
QUIZZES_DIR, DOCS_DIR = "quizzes", "docs"
CODE = CodePackage("lesson_code", ("lesson_code.lessons",))


def quiz_files(paths: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    """The quiz files named by ``paths`` (folders searched recursively), sorted."""
    files: list[Path] = []
    missing: list[Problem] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in QUIZ_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Problem(name, 1, 1, "", "no such file or folder"))
    return files, missing


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def placement_problems(files: list[Path]) -> list[Problem]:
    """Quiz files no page shows, and blocks that name no quiz file (as the build finds)."""
    docs = Path(DOCS_DIR)
    keys = {display_path(f) for f in files}
    shown: set[str] = set()
    problems = []
    pages = sorted(docs.rglob("*.md"))
    for page in pages:
        for line, path in placement.block_paths(page.read_text(encoding="utf-8")):
            key = Path(path).as_posix()
            shown.add(key)
            if not path:
                message = "a quiz block names its file: '/// quiz | quizzes/name.yaml'"
            elif key not in keys:
                close = suggest(key, keys)
                message = f"/// quiz | {path}: no such quiz file" + (
                    f"; did you mean {close}?" if close else ""
                )
            else:
                continue
            problems.append(Problem(display_path(page), line, 1, "", message))
    names = [page.relative_to(docs).as_posix() for page in pages]
    problems += [placement.unshown_problem(key, names) for key in sorted(keys - shown)]
    return problems


def check(paths: Sequence[str], out=sys.stdout, err=sys.stderr) -> int:
    whole_project = not paths
    if whole_project and not Path(QUIZZES_DIR).is_dir():
        print(
            f"python -m plugins.quiz check: no {QUIZZES_DIR}/ folder here; run it where "
            "mkdocs.yml is, or name quiz files or folders",
            file=err,
        )
        return 2
    files, problems = quiz_files(paths or [QUIZZES_DIR])
    if whole_project:
        problems += placement_problems(files)
    quizzes = []
    for path in files:
        try:
            quizzes.append(load_file(str(path), display_path(path)))
        except QuizError as exc:
            problems += exc.problems
    problems += answers.resolve(quizzes, CODE)
    for problem in sorted(problems):
        print(problem, file=out)
    count = len(files)
    if problems:
        print(f"{len(problems)} problem(s) in {count} quiz file(s)", file=err)
        return 1
    print(f"{count} quiz file(s) OK", file=err)
    return 0


def schema(output: str, check_only: bool, err=sys.stderr) -> int:
    path = Path(output)
    text = schema_text()
    if check_only:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path}: out of date; run python -m plugins.quiz schema", file=err)
            return 1
        print(f"{path}: up to date", file=err)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=err)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m plugins.quiz", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate quiz files or folders")
    check_cmd.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="quiz files or folders (default: the whole project, as the build checks it)",
    )
    schema_cmd = commands.add_parser("schema", help="write the JSON Schema of the quiz format")
    schema_cmd.add_argument("--output", default=str(SCHEMA_PATH))
    schema_cmd.add_argument("--check", action="store_true", help="only check it is up to date")
    opts = parser.parse_args(argv)
    if opts.command == "check":
        return check(opts.paths)
    return schema(opts.output, opts.check)


if __name__ == "__main__":
    sys.exit(main())
