"""Markdown extension: ``$...$`` and ``$$...$$`` LaTeX rendered to MathML at build time.

No script and no font from another host is needed to read a formula: Chromium, Firefox
and Safari render MathML Core natively, in light and dark mode (it uses the text colour).
A formula that latex2mathml cannot convert stops the build with the formula quoted.

Converting is most of the extension's time, and the formulas rarely change between
builds: the ``mathml`` MkDocs plugin (:mod:`.plugin`, this extension's own) calls
:func:`recall` before the pages are rendered and :func:`keep` after, with its store under
``.cache/mathml``, so a warm build converts nothing. It also adds the page and line to a
formula error. The kept conversions are keyed by this module's code and latex2mathml's
version; a formula that fails is never kept, so its error is raised on every build.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import xml.etree.ElementTree as etree
from pathlib import Path

from latex2mathml.converter import convert
from markdown import Extension
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor

from ..common import store

# $x$ but not "$5 and $6" (no space inside the delimiters, no digit right after the close)
INLINE_RE = r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\d)"


class MathError(Exception):
    """LaTeX that cannot be converted."""


try:  # a clean build error under MkDocs, a plain exception elsewhere
    from mkdocs.exceptions import PluginError as _Base
except ImportError:  # pragma: no cover - only without MkDocs
    _Base = MathError


class FormulaError(_Base):
    """A formula that cannot be converted; ``tex`` is its text, so the plugin, which knows
    the page, can add the line (:mod:`.plugin`, in ``on_build_error``)."""

    def __init__(self, message: str, tex: str = ""):
        super().__init__(message)
        self.tex = tex


class _Conversions:
    """The conversions of this process: recalled from a store or converted (MkDocs makes a
    new Markdown instance, and so a new extension, for every page: the conversions outlive
    them here). Key: see :func:`_key`."""

    def __init__(self):
        self.known: dict[str, str] = {}
        self.used: set[str] = set()  # keys shown since recall(): what keep() writes
        self.converted = False  # whether any was converted (not recalled) since recall()


_conversions = _Conversions()


def _key(tex: str, display: bool) -> str:
    return ("block " if display else "inline ") + tex


def to_mathml(tex: str, display: bool) -> str:
    """The MathML of ``tex``; ``FormulaError`` when latex2mathml cannot convert it."""
    key = _key(tex, display)
    mathml = _conversions.known.get(key)
    if mathml is None:  # pure, so kept for the process: formulas recur across pages
        mathml = _conversions.known[key] = _convert(tex, display)
        _conversions.converted = True
    _conversions.used.add(key)
    return mathml


def recall(box: store.Store) -> None:
    """Start of a build: take the conversions a build with the same code kept in ``box``."""
    _conversions.used.clear()
    _conversions.converted = False
    kept = box.get("mathml", _store_key())
    if isinstance(kept, dict):
        _conversions.known.update(
            (k, v) for k, v in kept.items() if isinstance(k, str) and isinstance(v, str)
        )


def keep(box: store.Store) -> None:
    """End of a build: keep the conversions it showed, when it converted any (a warm build
    writes nothing). Those of formulas no longer shown are dropped with the old entry."""
    if _conversions.converted:
        used = sorted(_conversions.used)
        box.put("mathml", _store_key(), {key: _conversions.known[key] for key in used})
    else:
        box.get("mathml", _store_key())  # still in use: kept when the store is pruned


@functools.cache
def _store_key() -> str:
    return store.digest(Path(__file__).resolve(), store.versions("latex2mathml"))


def _unbalanced(tex: str) -> str:
    """What is wrong with the braces of ``tex`` ("" when they pair up); ``\\{`` and
    ``\\}`` are literal braces and do not count."""
    depth = 0
    for i, ch in enumerate(tex):
        if ch not in "{}" or (i and tex[i - 1] == "\\"):
            continue
        depth += 1 if ch == "{" else -1
        if depth < 0:
            return f"a '}}' at character {i + 1} closes nothing"
    return f"{depth} '{{' never closed" if depth else ""


def _convert(tex: str, display: bool) -> str:
    braces = _unbalanced(tex)
    if braces:  # latex2mathml would guess, and render something else than was meant
        raise FormulaError(
            f"math: the braces of the formula ${tex}$ do not pair up ({braces}); add the "
            "missing one",
            tex,
        )
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types
        raise FormulaError(
            f"math: cannot convert the formula ${tex}$ ({type(exc).__name__}: {exc}); "
            "check its braces and commands",
            tex,
        ) from None
    unknown = UNKNOWN_COMMAND_RE.search(mathml)
    if unknown:  # latex2mathml prints a command it does not know as text, backslash and all
        command = html.unescape(unknown.group(1))
        close = difflib.get_close_matches(command, known_commands(), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise FormulaError(
            f"math: unknown command {command} in the formula ${tex}${hint} "
            "(for a word in a formula write \\operatorname{...} or \\text{...})",
            tex,
        )
    # alttext keeps the TeX; aria-label gives a readable name, which a formula needs when
    # it is the whole text of a label (a quiz option) and for tools that skip MathML.
    # The site search indexes text, not attributes: it would index <msqrt><mi>d</mi>...
    # as "dk". It skips the <math> (Material's data-search-exclude) and indexes instead
    # the readable form in a hidden span that no one sees or hears (hidden).
    alt = html.escape(tex.strip(), quote=True)
    name = html.escape(spoken(tex), quote=True)
    mathml = mathml.replace(
        "<math ", f'<math alttext="{alt}" aria-label="{name}" data-search-exclude="" ', 1
    )
    return f'{mathml}<span class="math-text" hidden="">{name}</span>'


# What latex2mathml writes for a command it does not know: <mi>\name</mi> (or mo/mtext)
UNKNOWN_COMMAND_RE = re.compile(r"<m(?:i|o|n|text)[^>]*>(\\[A-Za-z]+)</m(?:i|o|n|text)>")


@functools.cache
def known_commands() -> list[str]:
    """Every command latex2mathml converts (for "did you mean")."""
    from latex2mathml import commands, symbols_parser

    names = {
        value
        for name in dir(commands)
        if name.isupper()
        and isinstance(value := getattr(commands, name), str)
        and value.startswith("\\")
    }
    names.update(k for k in symbols_parser.SYMBOLS if k.startswith("\\"))
    return sorted(n for n in names if re.fullmatch(r"\\[A-Za-z]+", n))


SYMBOLS = {
    "cdot": "·",
    "times": "×",
    "top": "ᵀ",
    "sum": "∑",
    "infty": "∞",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "rightarrow": "→",
    "in": "∈",
    "mathbb": "",
    "operatorname": "",
    "mathrm": "",
    "text": "",
    "left": "",
    "right": "",
    "quad": " ",
    "ldots": "…",
    "dots": "…",
    "alpha": "α",
    "beta": "β",
    "theta": "θ",
    "sigma": "σ",
    "pi": "π",
    "lambda": "λ",
    "mu": "μ",
    "sqrt": "√",
    "R": "ℝ",
}


def spoken(tex: str) -> str:
    """A short readable form of simple TeX: ``\\frac{a}{b}`` -> ``a / b``, ``\\cdot`` -> ``·``."""
    text = tex.strip()
    for _ in range(3):  # innermost first: roots, then fractions, then nested ones
        text = re.sub(r"([_^])\{([^{}]*)\}", r"\1\2", text)  # x^{ab} -> x^ab
        text = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", text)
        text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1) / (\2)", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: SYMBOLS.get(m.group(1), m.group(1)), text)
    text = text.replace("{", "").replace("}", "").replace("\\", " ").replace("^ᵀ", "ᵀ")
    return re.sub(r"\s+", " ", text).strip()


class InlineMath(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        html = to_mathml(m.group(1), display=False)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class BlockMath(BlockProcessor):
    """A paragraph that starts with ``$$`` and ends with ``$$`` (possibly blocks later)."""

    def test(self, parent, block):
        return block.lstrip().startswith("$$")

    def run(self, parent, blocks):
        collected = []
        while blocks:
            block = blocks.pop(0)
            collected.append(block)
            if block.rstrip().endswith("$$") and len("\n\n".join(collected).strip()) > 3:
                break
        else:
            raise FormulaError("math: a $$ block is never closed: " + "\n\n".join(collected)[:80])
        tex = "\n\n".join(collected).strip()[2:-2]
        div = etree.SubElement(parent, "div")
        div.set("class", "math-block")
        div.set("tabindex", "0")  # a wide formula scrolls sideways: keyboard users can too
        div.text = self.parser.md.htmlStash.store(to_mathml(tex, display=True))
        return True


class MathMLExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        # After backticks (190) so `$x$` in code stays code; before emphasis (60).
        md.inlinePatterns.register(InlineMath(INLINE_RE, md), "mathml_inline", 185)
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")  # \$ writes a plain dollar sign
        # Before paragraphs (10) and lists
        md.parser.blockprocessors.register(BlockMath(md.parser), "mathml_block", 95)


def makeExtension(**kwargs):  # noqa: N802
    return MathMLExtension(**kwargs)
