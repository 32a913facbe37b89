"""Markdown-level helpers: prose words, glossary terms and their first use on a page.

These work on the Markdown source, line by line, and never touch fenced code, inline code,
math, links, HTML tags or `{{ value }}` placeholders. Glossary marks also stay out of
headings, link texts and italics (``*...*``, ``_..._``: the titles of books and papers),
even when a link text or an italic title runs over two lines of a paragraph.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import math
import re
from collections.abc import Iterable

from ..common.pages import code_lines

PROTECTED_RE = re.compile(
    r"<abbr[^>]*>.*?</abbr>"  # terms already marked
    r"|`[^`]*`"  # inline code
    r"|\$\$?[^$]*\$\$?"  # math
    r"|!?\[[^\]]*\]\([^)]*\)"  # links and images
    r"|\[[^\]]*\]\[[^\]]*\]"  # reference links
    r"|<[^>]*>"  # HTML tags
    r"|\{\{[^}]*\}\}"  # lesson values
    r"|\{[:.#][^}]*\}"  # attribute lists
    r"|https?://\S+"
)
# A word, including "don't", "well-known" and a number read as one: "0.991", "1,000".
WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.,'’-][A-Za-z0-9]+)*")
SKIP_LINE_RE = re.compile(r"^\s*(#|!!!|\?\?\?|--8<--|<|\$\$|\*\[|\||:)")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)\s*$")  # the underline of a "Title\n=====" heading
# Italics, the way titles of works are written: *...* or ***...*** (not the asterisks of
# **bold**), and _..._ or ___..___ between word boundaries (snake_case is not emphasis).
# Searched in a paragraph whose code, math, links and tags are already blanked out, so
# an asterisk there opens nothing; a match may run over lines but not over a blank one.
EMPHASIS_RE = re.compile(
    r"(?<![*\\])\*\*\*(?=\S)(?:(?!\n[ \t]*\n).)+?(?<=[^\s\\])\*\*\*(?!\*)"
    r"|(?<![*\\])\*(?=[^\s*])(?:(?!\n[ \t]*\n).)+?(?<=[^\s*\\])\*(?!\*)"
    r"|(?<![\w\\])_{1,3}(?=[^\s_])(?:(?!\n[ \t]*\n).)+?(?<=[^\s_\\])_{1,3}(?!\w)",
    re.S,
)


@functools.lru_cache(maxsize=8)  # a lesson page is read twice: reading time, then glossary
def prose_lines(markdown: str) -> tuple[tuple[int, str], ...]:
    """(index, line) of lines that are prose: not in code fences, not headings, not HTML."""
    out = []
    in_math = False
    lines = markdown.split("\n")
    code = code_lines(lines)
    for i, line in enumerate(lines):
        if i in code:
            continue
        if line.strip().startswith("$$"):
            in_math = not (in_math or line.strip().endswith("$$") and len(line.strip()) > 2)
            continue
        if in_math or not line.strip() or SKIP_LINE_RE.match(line):
            continue
        if SETEXT_RE.match(line) or (i + 1 < len(lines) and SETEXT_RE.match(lines[i + 1])):
            continue  # a setext heading and its underline (or a rule): not prose
        out.append((i, line))
    return tuple(out)


def reading_minutes(markdown: str, words_per_minute: int) -> int:
    """Minutes to read the prose of a page (code, math and markup not counted), at least 1."""
    words = 0
    for _, line in prose_lines(markdown):
        text = PROTECTED_RE.sub(" ", line)
        words += len(WORD_RE.findall(text))
    return max(1, math.ceil(words / words_per_minute))


def parse_glossary(markdown: str) -> dict[str, str]:
    """Terms of a definition list (``Term`` then ``:   definition`` lines) -> plain definitions."""
    terms: dict[str, str] = {}
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith(":   ") or i == 0:
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        term = lines[j].strip()
        if not term or term.startswith((":", "#", "<", "-", "*")):
            continue
        definition = [line[4:].strip()]
        k = i + 1
        while k < len(lines) and lines[k].startswith("    "):
            definition.append(lines[k].strip())
            k += 1
        terms[term] = plain_text(" ".join(definition))
    return terms


def plain_text(markdown: str) -> str:
    """Strip the Markdown a tooltip cannot show: links keep their text, code its content."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=1024)
def forms(term: str) -> tuple[str, ...]:
    """Spellings of a term to look for: as written, capitalised, lower case, plural."""
    base = {term, term[:1].upper() + term[1:], term.lower()}
    plurals = set()
    for word in base:
        if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
            plurals.add(word[:-1] + "ies")
        elif word.endswith(("s", "x", "ch", "sh")):
            plurals.add(word + "es")
        else:
            plurals.add(word + "s")
    return tuple(sorted(base | plurals, key=len, reverse=True))


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, forms(term))) + r")(?![\w-])")


def mark_first_uses(markdown: str, glossary: dict[str, str], slug_of) -> str:
    """Wrap the first prose use of each glossary term in a focusable ``<abbr>`` tooltip."""
    lines = markdown.split("\n")
    candidates = prose_lines(markdown)
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    done: set[str] = set()
    protected = {i: list(spans) for i, spans in protected_spans(markdown).items()}
    spans_of: dict[int, list[tuple[int, int]]] = {}  # per line, until the line changes
    for term in sorted(glossary, key=len, reverse=True):
        containing = _lines_containing(markdown, _needles(term), starts)
        if not containing:
            continue  # not on this page at all: no line to scan
        pattern = _term_pattern(term)
        for i, _ in candidates:
            if i not in containing:
                continue  # no spelling of the term on this line: nothing to search
            line = lines[i]
            spans = spans_of.get(i)
            if spans is None:
                spans = spans_of[i] = list(_unprotected(line, protected.get(i, ())))
            hit = None
            for start, end in spans:
                m = pattern.search(line, start, end)
                if m:
                    hit = m
                    break
            if hit:
                # The browser shows the title as text, and so does course.js's tooltip
                # (textContent): escaped once, for the attribute.
                title = html.escape(glossary[term], quote=True)
                tag = (
                    f'<abbr title="{title}" tabindex="0" data-glossary="{slug_of(term)}">'
                    f"{hit.group(1)}</abbr>"
                )
                lines[i] = line[: hit.start()] + tag + line[hit.end() :]
                protected[i] = _after_insert(protected.get(i, []), hit.start(), hit.end(), len(tag))
                spans_of.pop(i, None)
                done.add(term)
                break
    return "\n".join(lines)


@functools.lru_cache(maxsize=1024)
def _needles(term: str) -> tuple[str, ...]:
    """The forms of ``term`` that contain no other form ("key", not "keys"): a line with
    any form has one of these, and there are half as many to look for."""
    spellings = forms(term)
    return tuple(w for w in spellings if not any(o != w and o in w for o in spellings))


def _lines_containing(markdown: str, words: Iterable[str], starts: list[int]) -> set[int]:
    """Indices of the lines of ``markdown`` (starting at offsets ``starts``) that contain
    one of ``words``: a few ``str.find`` calls on the page, instead of a search per line."""
    found: set[int] = set()
    for word in words:
        at = markdown.find(word)
        while at >= 0:
            found.add(bisect.bisect_right(starts, at) - 1)
            at = markdown.find(word, at + 1)
    return found


@functools.lru_cache(maxsize=8)
def protected_spans(markdown: str) -> dict[int, tuple[tuple[int, int], ...]]:
    """Per prose line, the (start, end) columns a glossary mark must stay out of: code,
    math, links (text and target), tags, placeholders and italics.

    A paragraph is a run of consecutive prose lines, searched as one text, so that a link
    text or an italic title that goes on to the next line is protected on both lines.
    """
    lines = markdown.split("\n")
    out: dict[int, list[tuple[int, int]]] = {}
    prose = [i for i, _ in prose_lines(markdown)]
    for _, run in itertools.groupby(enumerate(prose), key=lambda pair: pair[1] - pair[0]):
        indices = [i for _, i in run]
        para = "\n".join(lines[i] for i in indices)
        starts = list(itertools.accumulate((len(lines[i]) + 1 for i in indices[:-1]), initial=0))
        found = [m.span() for m in PROTECTED_RE.finditer(para)]
        blanked = list(para)
        for start, end in found:
            blanked[start:end] = [c if c == "\n" else " " for c in para[start:end]]
        found += [m.span() for m in EMPHASIS_RE.finditer("".join(blanked))]
        for start, end in found:
            first = bisect.bisect_right(starts, start) - 1
            last = bisect.bisect_right(starts, max(start, end - 1)) - 1
            for k in range(first, last + 1):
                line_start = starts[k]
                line_end = line_start + len(lines[indices[k]])
                span = (max(start, line_start) - line_start, min(end, line_end) - line_start)
                if span[1] > span[0]:
                    out.setdefault(indices[k], []).append(span)
    return {i: tuple(sorted(spans)) for i, spans in out.items()}


def _after_insert(
    spans: Iterable[tuple[int, int]], start: int, end: int, length: int
) -> list[tuple[int, int]]:
    """The protected spans of a line after its columns ``start:end`` (never inside a
    protected span) became a tag of ``length`` characters: the spans after it move, and
    the tag itself is protected."""
    shift = length - (end - start)
    moved = [(a + shift, b + shift) if a >= end else (a, b) for a, b in spans]
    return sorted(moved + [(start, start + length)])


def _unprotected(line: str, spans: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    """The (start, end) stretches of ``line`` between its protected ``spans``."""
    pos = 0
    for start, end in sorted(spans):
        if start > pos:
            yield pos, start
        pos = max(pos, end)
    if pos < len(line):
        yield pos, len(line)
