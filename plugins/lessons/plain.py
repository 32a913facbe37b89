"""A lesson script without its authoring calls: the code a learner's notebook holds.

A script hands its results to the page through ``lesson_code.report``; a learner's
notebook needs none of that. :func:`plain_script` rewrites the script's text:

- ``with report.output("x"):`` goes, its body is kept (dedented): it prints as before;
- ``report.value(...)``, ``report.widget(...)`` and ``report.style()`` statements go
  (a block left empty gets ``pass``);
- ``report.figure(fig, ...)`` becomes ``plt.show()``;
- ``report.FG`` (and the other colours), ``report.PALETTE`` and ``report.scientific``
  become plain names, defined where ``from lesson_code import report`` was, together
  with the few matplotlib settings of ``report.style()`` that are not about the page's
  colour scheme.

Everything else (comments, formatting, cell markers) is kept as written. A use of
``report`` this module cannot rewrite is a :class:`PlainError` naming the line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

DROPPED = {"value", "widget", "style"}
COLOURS = {  # Material's light scheme: what the page's figure colours are on a white page
    "FG": "#212121",
    "FG_LIGHT": "#757575",
    "FG_LIGHTEST": "#e0e0e0",
    "BG": "#ffffff",
}
PALETTE = '["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]'
SCIENTIFIC = '''\
def scientific(x, digits=1):
    """x in powers of ten as plain text: scientific(3.7e-6) is "3.7 × 10⁻⁶"."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    power = str(int(exponent)).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"{mantissa.replace('-', '−')} × 10{power}"
'''
STYLE = """\
plt.rcParams.update(
    {
        "font.size": 11,
        "axes.prop_cycle": plt.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 2,
    }
)
"""


class PlainError(ValueError):
    """A use of ``report`` with no plain equivalent; the message starts with the line."""


@dataclass
class _Edits:
    delete: set[int] = field(default_factory=set)  # 1-based line numbers
    replace: dict[int, list[str]] = field(default_factory=dict)  # first line -> new lines
    dedent: dict[int, int] = field(default_factory=dict)  # line -> columns to remove
    cut: list[tuple[int, int]] = field(default_factory=list)  # (line, col) of "report."


def _report_call(node: ast.AST) -> str | None:
    """ "value" for ``report.value(...)``, and so on; None for anything else."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "report"
    ):
        return node.func.attr
    return None


def _is_report_import(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == "lesson_code"
        and any(a.name == "report" for a in node.names)
    )


def plain_script(text: str, filename: str = "<lesson>") -> str:
    """``text`` (a lesson script) with every ``report`` call rewritten as described above."""
    tree = ast.parse(text, filename=filename)
    lines = text.splitlines()
    edits = _Edits()
    used: set[str] = set()
    styles: list[ast.stmt] = []
    imports: list[ast.ImportFrom] = []

    def fail(node: ast.AST, what: str) -> PlainError:
        return PlainError(f"{filename}:{node.lineno}: {what}")

    def span(node: ast.AST) -> range:
        return range(node.lineno, node.end_lineno + 1)

    def visit_body(body: list[ast.stmt], indent_shift: int) -> None:
        kept = 0
        for stmt in body:
            kept += visit(stmt, indent_shift)
        if body and not kept:
            first = body[0]
            edits.delete.difference_update({first.lineno})
            edits.replace[first.lineno] = [" " * first.col_offset + "pass"]

    def visit(stmt: ast.stmt, shift: int) -> int:
        """Record the edits of ``stmt``; 0 when it is deleted, else 1."""
        if _is_report_import(stmt):
            if len(stmt.names) != 1:
                raise fail(stmt, "import report on a line of its own")
            imports.append(stmt)
            edits.delete.update(span(stmt))
            return 0
        call = _report_call(stmt.value) if isinstance(stmt, ast.Expr) else None
        if call in DROPPED:
            if call == "style":
                styles.append(stmt)
            edits.delete.update(span(stmt))
            return 0
        if call == "figure":
            edits.delete.update(span(stmt))
            edits.delete.discard(stmt.lineno)
            edits.replace[stmt.lineno] = [" " * stmt.col_offset + "plt.show()"]
            return 1
        if isinstance(stmt, ast.With) and any(
            _report_call(item.context_expr) == "output" for item in stmt.items
        ):
            if len(stmt.items) != 1:
                raise fail(stmt, "give report.output(...) a with statement of its own")
            header_end = stmt.items[0].context_expr.end_lineno  # the line with the colon
            edits.delete.update(range(stmt.lineno, header_end + 1))
            step = stmt.body[0].col_offset - stmt.col_offset
            for n in range(header_end + 1, stmt.end_lineno + 1):
                edits.dedent[n] = edits.dedent.get(n, 0) + step
            visit_body(stmt.body, shift + step)
            return 1
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                visit_body(inner, shift)
        for handler in getattr(stmt, "handlers", []):
            visit_body(handler.body, shift)
        for case in getattr(stmt, "cases", []):
            visit_body(case.body, shift)
        # report.FG, report.PALETTE, report.scientific(...) inside this statement's own lines
        own = [
            child
            for child in ast.iter_child_nodes(stmt)
            if not isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        ]
        for node in (n for child in own for n in ast.walk(child)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "report"
            ):
                if node.attr in COLOURS or node.attr in ("PALETTE", "scientific"):
                    if (node.lineno, node.col_offset) not in edits.cut:
                        edits.cut.append((node.lineno, node.col_offset))
                        used.add(node.attr)
                else:
                    raise fail(node, f"report.{node.attr} has no plain equivalent in a notebook")
        return 1

    visit_body(tree.body, 0)
    if not imports:
        return text
    styled = bool(styles)
    if styled:
        used.add("PALETTE")  # the style's colour cycle
    # The definitions take the place of the first report.style() (after the imports), else
    # of the report import; both are deleted.
    where = styles[0] if styles else imports[0]
    block: list[str] = []
    if used or styled:
        block.append("# Figure colours and settings (the site draws figures in the page's colours)")
        names = [n for n in COLOURS if n in used]
        if names:
            colours = ", ".join(f'"{COLOURS[n]}"' for n in names)
            block.append(f"{', '.join(names)} = {colours}")
        if "PALETTE" in used:
            block.append(f"PALETTE = {PALETTE}")
        if styled:
            block += STYLE.splitlines()
        if "scientific" in used:
            block += ["", *SCIENTIFIC.splitlines(), ""]
    edits.delete.difference_update({where.lineno})
    edits.replace[where.lineno] = [" " * where.col_offset + ln if ln else "" for ln in block]
    return _apply(lines, edits, text.endswith("\n"))


def _apply(lines: list[str], edits: _Edits, newline: bool) -> str:
    lines = list(lines)
    for line_no, col in sorted(edits.cut, reverse=True):  # right to left within a line
        line = lines[line_no - 1]
        col = len(line.encode()[:col].decode())  # ast counts UTF-8 bytes
        lines[line_no - 1] = line[:col] + line[col + 7 :]
    out: list[str] = []
    for n, line in enumerate(lines, start=1):
        if n in edits.replace:
            out += [_dedent(new, edits.dedent.get(n, 0)) for new in edits.replace[n]]
            continue
        if n in edits.delete:
            continue
        out.append(_dedent(line, edits.dedent.get(n, 0)))
    return "\n".join(out) + ("\n" if newline else "")


def _dedent(line: str, columns: int) -> str:
    """``line`` without ``columns`` leading spaces (fewer if it has fewer: a blank line or a
    continuation written further left)."""
    if not columns:
        return line
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(columns, stripped) :]
