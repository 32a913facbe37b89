"""`make lesson NAME="Title"`: create the three files of a new lesson, numbered next.

    python -m plugins.lessons.scaffold "Attention in vision transformers" [--phase "Big picture"]
        [--slug vision-attention]

Creates docs/lessons/NN-slug.md, lesson_code/lessons/NN_slug.py and quizzes/NN-slug.yaml
and adds the page to the nav of mkdocs.yml: after the last lesson, or with ``--phase`` last
in that phase's section (``make lesson NAME="Title" PHASE="Variants"``). The slug (the
file names' part after the number) is made from the title's main words, or given with
``--slug`` (``make lesson ... SLUG=attention-entropy``). The new lesson builds and passes the
tests as it is, whatever characters its title has; every part is a working example to
replace with your own.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..common.suggest import did_you_mean

ROOT = Path(__file__).resolve().parents[2]

PAGE = """---
title: {title_json}
minutes: 15
prerequisites:
  - {previous}
objectives:
  - Replace this with something the learner can do after the lesson.
---

# {title}

Start from a concrete example, then name the rule. The numbers in this paragraph come
from the script: the two scores {{{{ score_a }}}} and {{{{ score_b }}}} become the weights
{{{{ weight_a }}}} and {{{{ weight_b }}}}.

```python
--8<-- "lesson_code/lessons/{script_stem}.py:example"
```

```text title="Output"
--8<-- "{slug}/example.txt"
```

--8<-- "{slug}/weights.fig.md"

!!! warning "Common misconception: replace with one learners really hold"
    Say what people wrongly believe, and show with the code above why it is wrong.

## Check yourself

??? question "A question the learner should be able to answer now"
    A short answer sketch.

??? question "A second question"
    A short answer sketch.

## Further reading

- Vaswani, A. et al. (2017). *Attention Is All You Need.*

## End-of-lesson quiz

/// quiz | quizzes/{slug}.yaml
///

## What's next

Back to the [course home](../index.md).
"""

SCRIPT = """# %% [markdown]
# # {title}
#
# The code of this lesson. Each `with report.output(...)` block prints the text the page
# shows; `report.value` records numbers for the prose; `report.figure` saves a figure.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax

report.style()

# %%
with report.output("example"):
    # --8<-- [start:example]
    scores = np.array([2.0, 1.0])
    weights = softmax(scores)
    print("weights:", weights.round(3))
    # --8<-- [end:example]
assert np.isclose(weights.sum(), 1.0), f"weights must sum to 1, got {{weights.sum()}}"
report.value("score_a", scores[0], ".1f")
report.value("score_b", scores[1], ".1f")
report.value("weight_a", weights[0], ".3f")
report.value("weight_b", weights[1], ".3f")

# %%
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["first", "second"], weights)
ax.set_ylabel("weight")
ax.set_ylim(0, 1)
report.figure(
    fig,
    "weights",
    alt="Bar chart of two softmax weights: the higher score gets the larger weight.",
    caption="Replace with your own figure.",
)
"""

QUIZ = """# yaml-language-server: $schema=schema.json
title: {quiz_title_json}
questions:
  - type: single
    prompt: "Two scores 2.0 and 1.0 go through softmax. Which weight is larger?"
    options:
      - text: "The weight of the first score"
        correct: true
        feedback: "Softmax keeps the order of the scores."
      - text: "The weight of the second score"
        feedback: "Does softmax ever reverse the order of two scores? Compare e^2 and e^1."
    explanation: "Softmax is increasing in each score, so a larger score gets a larger weight."
  - type: numeric
    prompt: "What weight does the score 2.0 get? (three decimals)"
    answer_from: "lesson_code.attention.softmax([2.0, 1.0])[0]"
    tolerance: 0.001
    explanation: "e^2 / (e^2 + e^1) = 1 / (1 + e^-1), about 0.731."
  - type: truefalse
    prompt: "Adding 10 to both scores leaves the weights unchanged."
    answer: true
    feedback_true: "A common shift multiplies every exponential by e^10, which cancels out."
    feedback_false: "Softmax depends only on the differences between scores: did they change?"
    explanation: "Shift invariance: softmax(s + c) = softmax(s)."
  - type: free
    prompt: "In one sentence, why must the weights sum to 1?"
    model_answer: >-
      So that the output is a weighted average of the values, on the same scale
      as the values.
"""


# Words a slug can do without: "Attention entropy: how focused is a head?" is
# "attention-entropy-focused-head", not "attention-entropy-how-focused-is-a".
SMALL_WORDS = frozenset(
    "a an the is are of to in on at by for and or with how what why when which does do "
    "its it from into".split()
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 40


def course_phases(mkdocs_yml: Path) -> dict[str, list[str]]:
    """The course's phases (the nav sections of ``mkdocs_yml`` that list lessons) -> their
    lesson pages, as the course plugin reads them (through MkDocs' own config loading)."""
    from mkdocs.config import load_config

    config = load_config(str(mkdocs_yml))
    return config.plugins["course"].phases_in(config)


def slugify(title: str) -> str:
    """At most five of the title's main words, at most 40 characters."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    main = [w for w in words if w not in SMALL_WORDS] or words
    slug = ""
    for word in main[:5]:
        if len(slug) + len(word) + 1 > SLUG_MAX:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "lesson"


def check_slug(slug: str) -> str:
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise SystemExit(
            f'make lesson: SLUG "{slug}" must be lowercase words of letters and digits joined by '
            f"single hyphens, at most {SLUG_MAX} characters, e.g. SLUG=attention-entropy "
            "(the lesson number is added in front)"
        )
    return slug


def next_number(pages: Path) -> int:
    numbers = [int(p.name[:2]) for p in pages.glob("[0-9][0-9]-*.md")]
    return max(numbers, default=0) + 1


def last_lesson(pages: Path) -> str | None:
    found = sorted(p.stem for p in pages.glob("[0-9][0-9]-*.md"))
    return found[-1] if found else None


NAV_ENTRY = re.compile(r"^(?P<indent>\s*- )lessons/(?P<slug>[^/\s]+)\.md\s*$")
NAV_SECTION = re.compile(r"^(?P<indent>\s*)- (?P<name>[^:]+):\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_end(lines: list[str], i: int) -> int:
    """Index just past the nav block that starts at line ``i`` (its deeper-indented lines)."""
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > _indent(lines[i])):
        j += 1
    return j


def _section_of(lines: list[str], k: int) -> int | None:
    """Index of the ``- Name:`` nav section line that holds line ``k``, if any."""
    for i in range(k - 1, -1, -1):
        if lines[i].strip() and _indent(lines[i]) < _indent(lines[k]):
            return i if NAV_SECTION.match(lines[i]) else None
    return None


def add_to_nav(mkdocs_yml: Path, previous: str | None, slug: str, phase: str | None = None) -> bool:
    """Put the page in the nav: last in its phase's section when the nav has one, else right
    after the previous lesson (in a new section for the phase when that one's is another)."""
    lines = mkdocs_yml.read_text(encoding="utf-8").split("\n")
    page = f"lessons/{slug}.md"
    sections = [
        i
        for i, line in enumerate(lines)
        if (m := NAV_SECTION.match(line)) and m.group("name").strip() == phase
    ]
    if sections:
        i = sections[0]
        end = _block_end(lines, i)
        entries = [k for k in range(i + 1, end) if NAV_ENTRY.match(lines[k])]
        at = entries[-1] + 1 if entries else i + 1
        indent = (
            NAV_ENTRY.match(lines[entries[-1]]).group("indent")
            if entries
            else " " * (_indent(lines[i]) + 4) + "- "
        )
        lines.insert(at, indent + page)
    else:
        found = [
            k
            for k, line in enumerate(lines)
            if (m := NAV_ENTRY.match(line)) and m.group("slug") == previous
        ]
        if not found:
            return False
        k = found[0]
        owner = _section_of(lines, k)
        if phase and owner is not None:  # a phase the nav has no section for yet
            end = _block_end(lines, owner)
            pad = " " * _indent(lines[owner])
            lines[end:end] = [f"{pad}- {phase}:", f"{pad}    - {page}"]
        else:
            lines.insert(k + 1, NAV_ENTRY.match(lines[k]).group("indent") + page)
    mkdocs_yml.write_text("\n".join(lines), encoding="utf-8")
    return True


def scaffold(
    title: str, root: Path = ROOT, phase: str | None = None, slug_words: str | None = None
) -> list[Path]:
    title = " ".join(title.split())
    if not title:
        raise SystemExit(
            'make lesson: give the lesson a title, e.g. make lesson NAME="Rotary '
            'embeddings in depth"'
        )
    pages = root / "docs" / "lessons"
    number = next_number(pages)
    if number > 99:
        raise SystemExit("make lesson: lesson numbers have two digits; 99 lessons is the limit")
    previous = last_lesson(pages)
    slug = f"{number:02d}-{check_slug(slug_words) if slug_words else slugify(title)}"
    script_stem = slug.replace("-", "_")
    page = pages / f"{slug}.md"
    script = root / "lesson_code" / "lessons" / f"{script_stem}.py"
    quiz = root / "quizzes" / f"{slug}.yaml"
    for path in (page, script, quiz):
        if path.exists():
            raise SystemExit(f"make lesson: {path.relative_to(root)} already exists")
    phases = course_phases(root / "mkdocs.yml")
    if phase is not None and phase not in phases:
        raise SystemExit(
            f'make lesson: "{phase}" is not a phase of the course{did_you_mean(phase, phases)} '
            f"(phases: {', '.join(phases)})"
        )
    if phase is None:  # the previous lesson's, else the first phase
        listed = {page: name for name, pages in phases.items() for page in pages}
        phase = listed.get(f"lessons/{previous}.md") or next(iter(phases), "Why attention")
    values = {
        "title": title,
        "phase": phase,
        "previous": previous or "",
        "slug": slug,
        "script_stem": script_stem,
        # YAML double-quoted strings (JSON is YAML): a colon or quote in a title is safe
        "title_json": json.dumps(title, ensure_ascii=False),
        "quiz_title_json": json.dumps(f"End-of-lesson check: {title}", ensure_ascii=False),
    }
    page_text = PAGE.format(**values)
    if previous is None:
        page_text = page_text.replace("prerequisites:\n  - \n", "prerequisites: []\n")
    page.write_text(page_text, encoding="utf-8")
    script.write_text(SCRIPT.format(**values), encoding="utf-8")
    quiz.parent.mkdir(exist_ok=True)
    quiz.write_text(QUIZ.format(**values), encoding="utf-8")
    created = [page, script, quiz]
    if add_to_nav(root / "mkdocs.yml", previous, slug, phase):
        created.append(root / "mkdocs.yml")
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make lesson", description=__doc__.split("\n")[0])
    parser.add_argument("title", help='the lesson title, e.g. "Attention in vision transformers"')
    parser.add_argument("--phase", help="phase of the course (default: the last lesson's)")
    parser.add_argument(
        "--slug",
        help="the file names' words, e.g. attention-entropy (default: the title's main words)",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    created = scaffold(args.title, args.root, args.phase, args.slug)
    for path in created:
        verb = "updated" if path.name == "mkdocs.yml" else "created"
        print(f"{verb} {path.relative_to(args.root)}")
    print(
        "Next: edit the three files, then `make serve` to see the lesson and "
        "`python -m plugins.quiz check quizzes/` to check the quiz."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
