"""``answer_from``: a numeric answer computed by the course code, safely.

A numeric question may name the call of the course code that computes its answer::

    answer_from: "lesson_code.attention.softmax([8.2, 3.1, 2.4])[0]"

Which package is the course code is configuration (:class:`CodePackage`: the quiz
extension's ``code_package`` option), not something this module knows.

The expression is never passed to ``eval``. It is parsed with :mod:`ast` and accepted
only in this shape:

1. a call of ``<package>.<module>.<function>`` (deeper modules allowed, e.g.
   ``lesson_code.pkg.mod.fn``), where the function is a public plain function *defined*
   in that module (so ``lesson_code.attention.np.load`` is refused: ``np`` is not a
   module of the package), and not in an excluded subpackage (``lesson_code.lessons``,
   whose modules run a lesson when imported);
2. with literal arguments only: numbers, strings, True/False/None, lists and tuples of
   literals, unary minus, and ``+ - * / **`` between numbers (powers are limited so that
   no expression can take long), positional or keyword (``axis=0``);
3. optionally followed by any number of: subscripts with integer indices or slices
   (``[0]``, ``[1, 2]``, ``[:, 0]``); the attributes in :data:`ALLOWED_ATTRIBUTES`; calls
   of the methods in :data:`ALLOWED_METHODS` with literal arguments.

The result must be one real number (a Python or numpy scalar, or a 0-d array); it is
converted to ``float``. The evaluation imports the course module, which the build
runs anyway; :func:`evaluate_isolated` does it in a fresh interpreter so that a
``mkdocs serve`` session always sees the current code.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import json
import math
import numbers
import operator
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem
from .model import NumericQuestion, Quiz

ALLOWED_ATTRIBUTES = frozenset({"T", "shape", "ndim", "size"})
ALLOWED_METHODS = frozenset({"sum", "mean", "max", "min", "argmax", "argmin", "item", "round"})
MAX_LENGTH = 500
MAX_EXPONENT = 64


@dataclass(frozen=True)
class CodePackage:
    """The course code ``answer_from`` may call: the package ``name``, minus the subpackages
    in ``exclude`` (dotted names; their modules run something when imported)."""

    name: str
    exclude: tuple[str, ...] = ()

    @property
    def example(self) -> str:
        return f"{self.name or 'package'}.<module>.<function>(...)"


class AnswerFromError(ValueError):
    """``answer_from`` is not allowed, or computing it failed; the message says why."""


@dataclass(frozen=True)
class Plan:
    """A parsed ``answer_from``: what to import, what to call, what to do with the result."""

    source: str
    module: str
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    steps: tuple = ()  # ("index", key) | ("attr", name) | ("method", name, args, kwargs)


# -- parsing ---------------------------------------------------------------------------


def check_syntax(source: str, example: str = "package.<module>.<function>(...)") -> ast.AST:
    """The expression ``source`` is, parsed; ``AnswerFromError`` if it is none. What the
    validator checks: whatever package the course code is, this is wrong."""
    if not isinstance(source, str) or not source.strip():
        raise AnswerFromError(f"must be a call of the course code such as {example}")
    if len(source) > MAX_LENGTH:
        raise AnswerFromError(f"is {len(source)} characters long; keep it under {MAX_LENGTH}")
    try:
        return ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        detail = getattr(exc, "msg", None) or type(exc).__name__
        raise AnswerFromError(f"is not a valid Python expression ({detail})") from None


def parse(source: str, code: CodePackage | None = None) -> Plan:
    """Check ``source`` and return its :class:`Plan`; ``AnswerFromError`` if not allowed.

    Without ``code`` (the validator, which does not know the course) every rule but what
    may be called is checked: :func:`resolve` checks that against the package."""
    example = code.example if code else "package.<module>.<function>(...)"
    tree = check_syntax(source, example)
    chain, base = _split(tree.body, example)
    name = _dotted(base.func)
    module, function = _target(name, code)
    args, kwargs = _arguments(base)
    return Plan(source, module, function, args, kwargs, tuple(_step(n) for n in reversed(chain)))


def _split(node: ast.AST, example: str) -> tuple[list[ast.AST], ast.Call]:
    """(steps after the call, outermost first; the call of the dotted function name)."""
    chain: list[ast.AST] = []
    while True:
        if isinstance(node, ast.Call):
            if _dotted(node.func) is not None:
                return chain, node
            if not isinstance(node.func, ast.Attribute):
                break
            chain.append(node)
            node = node.func.value
        elif isinstance(node, ast.Subscript):
            chain.append(node)
            node = node.value
        elif isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name is not None:
                raise AnswerFromError(f"must call a function, e.g. {name}(...)")
            chain.append(node)
            node = node.value
        else:
            break
    raise AnswerFromError(f"must be a call of a function of the course code, like {example}")


def _step(node: ast.AST) -> tuple:
    if isinstance(node, ast.Subscript):
        return ("index", _index(node.slice))
    if isinstance(node, ast.Attribute):
        if node.attr not in ALLOWED_ATTRIBUTES:
            raise AnswerFromError(
                f"the attribute .{node.attr} is not allowed here "
                f"(allowed: {', '.join(sorted(ALLOWED_ATTRIBUTES))})"
            )
        return ("attr", node.attr)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    method = node.func.attr
    if method not in ALLOWED_METHODS:
        allowed = ", ".join(sorted(ALLOWED_METHODS))
        raise AnswerFromError(f"the method .{method}() is not allowed (allowed: {allowed})")
    args, kwargs = _arguments(node)
    return ("method", method, args, kwargs)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _target(name: str, code: CodePackage | None) -> tuple[str, str]:
    parts = name.split(".")
    if code is None:  # what is called is checked with the package, by resolve()
        private = [p for p in parts if p.startswith("_")]
        if private:
            raise AnswerFromError(
                f"{private[0]} is private (starts with _); call a public function"
            )
        return ".".join(parts[:-1]), parts[-1]
    if not code.name:
        raise AnswerFromError(
            "no course package is configured to compute it (the quiz extension's "
            "code_package option); set it, or write the answer itself"
        )
    if parts[0] != code.name:
        raise AnswerFromError(f"only functions under {code.name} may be called, not {name}")
    if len(parts) < 3:
        raise AnswerFromError(
            f"name a module and a function: {code.name}.<module>.<function>, not {name}"
        )
    private = [p for p in parts if p.startswith("_")]
    if private:
        raise AnswerFromError(f"{private[0]} is private (starts with _); call a public function")
    module = ".".join(parts[:-1])
    if any(module == p or module.startswith(p + ".") for p in code.exclude):
        raise AnswerFromError(
            f"{module} is a lesson script (importing it runs the lesson); "
            "call a function of the course code instead"
        )
    return module, parts[-1]


def _arguments(call: ast.Call) -> tuple[tuple, dict]:
    args = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            raise AnswerFromError("*args is not allowed; write the arguments out")
        args.append(_literal(arg))
    kwargs = {}
    for kw in call.keywords:
        if kw.arg is None:
            raise AnswerFromError("**kwargs is not allowed; write the keyword arguments out")
        kwargs[kw.arg] = _literal(kw.value)
    return tuple(args), kwargs


_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _literal(node: ast.AST) -> Any:
    """The value of a literal argument; ``AnswerFromError`` for anything else."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool | int | float | str) or node.value is None:
            return node.value
        raise AnswerFromError(
            f"the literal {ast.unparse(node)} is not allowed (numbers, text, lists)"
        )
    if isinstance(node, ast.List | ast.Tuple):
        values = [_literal(e) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _number(_literal(node.operand), node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _number(_literal(node.left), node.left)
        right = _number(_literal(node.right), node.right)
        return _arithmetic(node.op, left, right)
    if isinstance(node, ast.Name):
        raise AnswerFromError(
            f"only literal values are allowed as arguments; found the name {node.id}"
        )
    raise AnswerFromError(
        f"only literal values are allowed as arguments; found {ast.unparse(node)!r}"
    )


def _number(value: Any, node: ast.AST) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerFromError(f"arithmetic works on numbers only; found {ast.unparse(node)!r}")
    return value


def _arithmetic(op: ast.operator, left: int | float, right: int | float) -> int | float:
    if isinstance(op, ast.Pow):
        if abs(right) > MAX_EXPONENT:
            raise AnswerFromError(
                f"exponents are limited to {MAX_EXPONENT}; found {show_number(right)}"
            )
        left, right = float(left), float(right)  # no huge integers
    try:
        result = _BINARY[type(op)](left, right)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise AnswerFromError(f"the arithmetic fails: {exc}") from None
    if isinstance(result, complex) or (isinstance(result, float) and not math.isfinite(result)):
        raise AnswerFromError("the arithmetic gives a number that is not finite and real")
    return result


def _index(node: ast.AST) -> Any:
    if isinstance(node, ast.Tuple):
        return tuple(_index(e) for e in node.elts)
    if isinstance(node, ast.Slice):
        return slice(*(None if p is None else _int(p) for p in (node.lower, node.upper, node.step)))
    return _int(node)


def _int(node: ast.AST) -> int:
    value = _literal(node) if isinstance(node, ast.Constant | ast.UnaryOp) else None
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerFromError(
            f"indices must be whole numbers or slices; found {ast.unparse(node)!r}"
        )
    return value


# -- evaluating ------------------------------------------------------------------------


def evaluate(plan: Plan) -> float:
    """Import the module, call the function, apply the steps; the result as a float."""
    function = _resolve_function(plan)
    try:
        value = function(*plan.args, **plan.kwargs)
    except Exception as exc:  # the course code's own error, reported with the call
        raise AnswerFromError(
            f"{plan.module}.{plan.function}(...) raised {type(exc).__name__}: {exc}"
        ) from None
    for step in plan.steps:
        value = _apply(value, step)
    return _to_float(value)


def _resolve_function(plan: Plan):
    try:
        module = importlib.import_module(plan.module)
    except ModuleNotFoundError:
        package = plan.module.split(".")[0]
        raise AnswerFromError(
            f"{plan.module} is not a module of {package}; answer_from calls a function defined "
            f"in the course code, such as {package}.<module>.<function>"
        ) from None
    except ImportError as exc:
        raise AnswerFromError(f"cannot import {plan.module}: {exc}") from None
    except Exception as exc:  # the module itself failed while importing
        raise AnswerFromError(
            f"importing {plan.module} raised {type(exc).__name__}: {exc}"
        ) from None
    function = getattr(module, plan.function, None)
    public = [
        n
        for n, v in vars(module).items()
        if inspect.isfunction(v) and v.__module__ == module.__name__ and not n.startswith("_")
    ]
    if function is None:
        close = difflib.get_close_matches(plan.function, public, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise AnswerFromError(f"{plan.module} has no function {plan.function}{hint}")
    if not inspect.isfunction(function) or function.__module__ != module.__name__:
        raise AnswerFromError(
            f"{plan.module}.{plan.function} is not a function defined in {plan.module}"
        )
    return function


def _apply(value: Any, step: tuple) -> Any:
    kind = step[0]
    try:
        if kind == "index":
            return value[step[1]]
        if kind == "attr":
            return getattr(value, step[1])
        method = getattr(value, step[1])
        return method(*step[2], **step[3])
    except Exception as exc:
        shown = {"index": f"[{step[1]!r}]", "attr": f".{step[1]}"}.get(kind, f".{step[1]}()")
        raise AnswerFromError(
            f"applying {shown} to the result failed: {type(exc).__name__}: {exc}"
        ) from None


def _to_float(value: Any) -> float:
    shape = getattr(value, "shape", None)
    if shape == ():  # numpy scalar or 0-d array
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
        raise AnswerFromError(f"the result is {number}, not a finite number")
    if shape:
        raise AnswerFromError(
            f"the result is an array of shape {tuple(shape)}, not one number; "
            "add an index such as [0]"
        )
    if isinstance(value, str):
        raise AnswerFromError(
            f"the result is the text {value!r}, not a number; call a function that returns "
            "the number itself (a formatted string is for the page, via report.value)"
        )
    if isinstance(value, list | tuple | dict):
        raise AnswerFromError(
            f"the result is a {type(value).__name__}, not one number; add an index such as [0]"
        )
    raise AnswerFromError(
        f"the result is {type(value).__name__}, not one number; call a function that returns one"
    )


# -- filling in and checking the answer keys of whole quizzes ---------------------------


def sources_of(quizzes: Sequence[Quiz]) -> list[str]:
    """Every ``answer_from`` of ``quizzes``, in the order :func:`resolve` evaluates them."""
    return [q.answer_from for _, _, q in _jobs(quizzes)]


def _jobs(quizzes: Sequence[Quiz]) -> list[tuple[Quiz, int, NumericQuestion]]:
    return [
        (quiz, i, q)
        for quiz in quizzes
        for i, q in enumerate(quiz.questions)
        if isinstance(q, NumericQuestion) and q.answer_from is not None
    ]


def resolve(
    quizzes: Sequence[Quiz],
    code: CodePackage,
    root: Path | None = None,
    isolated: bool = False,
    results: Sequence[dict] | None = None,
) -> list[Problem]:
    """Compute every ``answer_from`` of ``quizzes`` with the course ``code``; fill in missing
    answers, check the others.

    Returns the problems (a call outside ``code``, an evaluation that fails, an answer that
    drifted from the code by more than its tolerance). With ``isolated``, the code runs in
    a fresh process in ``root``. ``results`` are the evaluations of :func:`sources_of`
    computed earlier (a build reusing the last build's values); then no code runs.
    """
    jobs = _jobs(quizzes)
    sources = [q.answer_from for _, _, q in jobs]
    if results is not None:
        assert len(results) == len(sources), "one result per answer_from"
    elif isolated:
        results = evaluate_isolated(sources, root or Path.cwd(), code)
    else:
        results = [evaluate_source(s, code) for s in sources]
    problems: list[Problem] = []
    for (quiz, i, q), result in zip(jobs, results, strict=True):
        field_name = f"questions[{i}]"
        if "error" in result:
            mark = q.where["answer_from"]
            problems.append(
                Problem(
                    quiz.path, mark.line, mark.col, f"{field_name}.answer_from", result["error"]
                )
            )
            continue
        value = float(result["value"])
        q.computed = value
        if q.answer is None:
            q.answer = value
        elif abs(q.answer - value) > q.tolerance + 1e-9 * max(1.0, abs(value)):
            mark = q.where["answer"]
            problems.append(
                Problem(
                    quiz.path,
                    mark.line,
                    mark.col,
                    f"{field_name}.answer",
                    f"{show_number(q.answer)} differs from answer_from ({q.answer_from} = "
                    f"{show_number(value)}) by more than the tolerance {show_number(q.tolerance)}; "
                    "update the answer (or the tolerance) to match the code",
                )
            )
    return problems


def show_number(x: float) -> str:
    """A number as an author would write it: 4000000, 0.991, 0.773042."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


# -- in a fresh interpreter ------------------------------------------------------------


def evaluate_isolated(
    sources: Sequence[str], root: Path, code: CodePackage, timeout: float = 120
) -> list[dict]:
    """Evaluate each source in one fresh Python process run in ``root``.

    Returns one ``{"value": float}`` or ``{"error": message}`` per source, in order. A
    fresh process means edited lesson_code is always the code that runs.
    """
    if not sources:
        return []
    try:
        done = subprocess.run(
            [sys.executable, "-m", "plugins.quiz.answers"],
            input=json.dumps(
                {"sources": list(sources), "package": code.name, "exclude": list(code.exclude)}
            ),
            capture_output=True,
            text=True,
            cwd=root,
            timeout=timeout,
            env=_child_env(root),
        )
    except subprocess.TimeoutExpired:
        return [{"error": f"computing answer_from took more than {timeout:g} s"}] * len(sources)
    try:
        results = json.loads(done.stdout)
        assert isinstance(results, list) and len(results) == len(sources)
        return results
    except (ValueError, AssertionError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [{"error": f"the answer_from evaluator failed: {tail}"}] * len(sources)


def _child_env(root: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[2])  # the folder holding plugins/
    paths = [str(root), here, env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def evaluate_source(source: str, code: CodePackage) -> dict:
    try:
        return {"value": evaluate(parse(source, code))}
    except AnswerFromError as exc:
        return {"error": str(exc)}


def _main() -> None:  # pragma: no cover - exercised through evaluate_isolated
    job = json.loads(sys.stdin.read())
    code = CodePackage(job["package"], tuple(job["exclude"]))
    out, sys.stdout = (
        sys.stdout,
        sys.stderr,
    )  # whatever the course code prints stays out of the JSON
    results = [evaluate_source(s, code) for s in job["sources"]]
    out.write(json.dumps(results))


if __name__ == "__main__":  # pragma: no cover
    _main()
