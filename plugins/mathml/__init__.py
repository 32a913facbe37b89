"""Markdown extension: ``$...$`` and ``$$...$$`` LaTeX rendered to MathML at build time.

No script and no font from another host is needed to read a formula: Chromium, Firefox
and Safari render MathML Core natively, in light and dark mode (it uses the text colour).
A formula that latex2mathml cannot convert stops the build with the formula quoted.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from latex2mathml.converter import convert
from markdown import Extension
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor

# $x$ but not "$5 and $6" (no space inside the delimiters, no digit right after the close)
INLINE_RE = r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\d)"


class MathError(Exception):
    """LaTeX that cannot be converted."""


try:  # a clean build error under MkDocs, a plain exception elsewhere
    from mkdocs.exceptions import PluginError as _Base
except ImportError:  # pragma: no cover - only without MkDocs
    _Base = MathError


class FormulaError(_Base):
    pass


def to_mathml(tex: str, display: bool) -> str:
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types
        raise FormulaError(
            f"math: cannot convert the formula ${tex}$ ({type(exc).__name__}: {exc}); "
            "check its braces and commands"
        ) from None
    # Screen readers get the TeX as a fallback name when they cannot read MathML.
    label = tex.strip().replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return mathml.replace("<math ", f'<math alttext="{label}" ', 1)


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
            raise FormulaError(
                "math: a $$ block is never closed: " + "\n\n".join(collected)[:80]
            )
        tex = "\n\n".join(collected).strip()[2:-2]
        div = etree.SubElement(parent, "div")
        div.set("class", "math-block")
        div.text = self.parser.md.htmlStash.store(to_mathml(tex, display=True))
        return True


class MathMLExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        # After backticks (190) so `$x$` in code stays code; before emphasis (60).
        md.inlinePatterns.register(InlineMath(INLINE_RE, md), "mathml_inline", 185)
        # Before paragraphs (10) and lists
        md.parser.blockprocessors.register(BlockMath(md.parser), "mathml_block", 95)


def makeExtension(**kwargs):  # noqa: N802
    return MathMLExtension(**kwargs)
