"""Every technical term a lesson uses has a glossary entry, and every entry is used.

The vocabulary is ``tests/plugins/course/terms.txt``: one term a line, in its singular form as the
glossary would spell it ("attention weight", "RoPE"), ``#`` starting a comment. It lists
the words a newcomer to the course might not know, whether or not a lesson uses them
today. A listed term is *used* when one of its spellings (as written, capitalised, lower
case, plural: :func:`plugins.course.text.forms`, the spellings the glossary tooltips look
for) appears in the visible text of a lesson page: prose, headings, callouts, link texts,
tables; not code, inline code, maths, link targets or ``{{ value }}`` placeholders.

``test_every_term_a_lesson_uses_is_in_the_glossary`` fails with one line per missing term,
naming the lesson file and line of its first use. To fix it, add an entry to
``docs/glossary.md`` (a term line, then ``:   definition``). A term matches an entry when
the two share a spelling, so "keys" in a lesson is covered by the entry "Key".

``test_every_glossary_entry_is_used`` is the other direction: an entry that no lesson
(and not the FAQ) mentions is a definition nobody reads, or a term whose lessons call it
something else.

When a lesson brings in a new technical word, add it to ``terms.txt`` and to the glossary.
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins.common.pages import code_lines
from plugins.course import text
from plugins.course.frontmatter import PAGE_RE
from tests import support

ROOT = support.ROOT
DOCS = ROOT / "docs"
TERMS_FILE = Path(__file__).with_name("terms.txt")
LESSON_FILES = sorted(p for p in (DOCS / "lessons").glob("*.md") if PAGE_RE.match(p.name))

# What a reader does not see as words: inline code, maths, tags, placeholders, addresses,
# and the target of a link (its text stays).
HIDDEN_RE = re.compile(
    r"`[^`]*`"
    r"|\$\$?[^$]*\$\$?"
    r"|<[^>]*>"
    r"|\{\{[^}]*\}\}"
    r"|\{[:.#][^}]*\}"
    r"|https?://\S+"
    r"|(?<=\])\([^)]*\)"
)


def read_terms() -> list[str]:
    terms = []
    for line in TERMS_FILE.read_text(encoding="utf-8").split("\n"):
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return terms


def visible_lines(markdown: str) -> list[tuple[int, str]]:
    """(1-based line number, visible text) of the lines a reader sees as words: not front
    matter, code fences, maths blocks or snippet lines."""
    out = []
    lines = markdown.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    code = code_lines(lines)
    in_math = False
    for n in range(i, len(lines)):
        line = lines[n]
        if n in code:
            continue
        stripped = line.strip()
        if stripped.startswith("$$"):
            in_math = not (in_math or stripped.endswith("$$") and len(stripped) > 2)
            continue
        if in_math or not stripped or stripped.startswith("--8<--"):
            continue
        out.append((n + 1, HIDDEN_RE.sub(" ", line)))
    return out


def paragraphs(markdown: str) -> list[tuple[list[tuple[int, int]], str]]:
    """Runs of consecutive visible lines, each as ([(line number, offset in the run)],
    the lines joined by spaces), so that a term broken over two lines ("Winograd" at the
    end of one, "schemas" at the start of the next) is found too."""
    out: list[tuple[list[tuple[int, int]], str]] = []
    for number, line in visible_lines(markdown):
        line = line.strip()
        if out and out[-1][0][-1][0] == number - 1:
            starts, joined = out[-1]
            starts.append((number, len(joined) + 1))
            out[-1] = (starts, joined + " " + line)
        else:
            out.append(([(number, 0)], line))
    return out


def first_uses(terms: list[str], pages: list[Path]) -> dict[str, str]:
    """Each term that some page uses -> "docs/lessons/NN-slug.md:line" of its first use
    (pages in course order)."""
    found: dict[str, str] = {}
    for page in pages:
        paras = paragraphs(page.read_text(encoding="utf-8"))
        for term in terms:
            if term in found:
                continue
            pattern = text._term_pattern(term)
            for starts, joined in paras:
                m = pattern.search(joined)
                if m:
                    line = max(number for number, at in starts if at <= m.start())
                    found[term] = f"{page.relative_to(ROOT)}:{line}"
                    break
    return found


def glossary() -> dict[str, str]:
    return text.parse_glossary((DOCS / "glossary.md").read_text(encoding="utf-8"))


def covered(term: str, entries: list[str]) -> bool:
    spellings = set(text.forms(term))
    return any(spellings & set(text.forms(entry)) for entry in entries)


def test_the_term_list_has_no_repeats():
    seen: dict[str, str] = {}
    repeats = []
    for term in read_terms():
        key = term.lower()
        if key in seen:
            repeats.append(f"{term!r} repeats {seen[key]!r}")
        seen[key] = term
    assert not repeats, "tests/plugins/course/terms.txt:\n" + "\n".join(repeats)


def test_every_term_a_lesson_uses_is_in_the_glossary():
    entries = list(glossary())
    uses = first_uses(read_terms(), LESSON_FILES)
    missing = [
        f"{where}: '{term}' is used but has no entry in docs/glossary.md"
        for term, where in uses.items()
        if not covered(term, entries)
    ]
    assert not missing, f"{len(missing)} term(s) without a definition:\n" + "\n".join(
        sorted(missing, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))
    )


def test_every_glossary_entry_is_used():
    pages = LESSON_FILES + [DOCS / "faq.md"]
    entries = list(glossary())
    uses = first_uses(entries, pages)
    unused = [entry for entry in entries if entry not in uses]
    assert not unused, (
        "docs/glossary.md defines terms that no lesson (and not the FAQ) uses: " + ", ".join(unused)
    )


def test_every_glossary_entry_is_in_the_term_list():
    """The list is the course's vocabulary: a term worth a glossary entry is on it."""
    terms = read_terms()
    absent = [entry for entry in glossary() if not covered(entry, terms)]
    assert not absent, "add to tests/plugins/course/terms.txt: " + ", ".join(absent)


def test_the_visible_text_leaves_out_code_maths_and_link_targets():
    page = (
        "---\ntitle: Keys\n---\n\n# A key\n\n`query` and $value$ and "
        "[a head](heads.md#query) {{ mask }}\n\n```\nsoftmax\n```\n\n$$\ntoken\n$$\n"
    )
    assert [(n, line.split()) for n, line in visible_lines(page)] == [
        (5, ["#", "A", "key"]),
        (7, ["and", "and", "[a", "head]"]),
    ]
