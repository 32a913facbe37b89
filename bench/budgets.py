"""Every budget of the project, declared once.

The bench (``python -m bench``) marks a measure "OVER BUDGET" against these, the tests
enforce the deterministic ones (sizes) on the built site and on the shipped files, and
README.md's "Budgets" table is generated from them (``python -m bench --readme``; a test
fails when the README's table differs from this declaration).

Sizes do not vary from run to run, so a test enforces them. Timings and Lighthouse scores
depend on the machine: the bench measures and reports them, and no test asserts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KB = 1024
README = Path(__file__).resolve().parent.parent / "README.md"
README_START = (
    "<!-- budgets: generated from bench/budgets.py by `python -m bench --readme`; "
    "do not edit by hand -->"
)
README_END = "<!-- end of budgets -->"
REGENERATE = ".venv/bin/python -m bench --readme"


@dataclass(frozen=True)
class Budget:
    """One budget: ``what`` is measured, in ``unit``, must stay at most ``limit`` (or at
    least, when ``at_least``). ``test`` names the test file that enforces it; None means
    the bench only reports it."""

    what: str
    limit: float
    unit: str  # "B gz" (each file gzipped on its own), "B", "x" (a ratio), "ms", "score"
    test: str | None = None
    at_least: bool = False

    def fits(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def shown(self) -> str:
        """The limit as a reader writes it: "≤ 10 KB gzipped", "≥ 0.95", "≤ 1.2×"."""
        sign = "≥" if self.at_least else "≤"
        if self.unit == "B gz":
            return f"{sign} {self.limit / KB:g} KB gzipped"
        if self.unit == "B":
            return f"{sign} {self.limit / KB:g} KB"
        if self.unit == "x":
            return f"{sign} {self.limit:g}×"
        if self.unit == "score":
            return f"{sign} {self.limit:.2f}"
        return f"{sign} {self.limit:g} {self.unit}"

    def verdict(self, value: float) -> str:
        """ "ok" or "OVER BUDGET", for the bench table."""
        return "ok" if self.fits(value) else "OVER BUDGET"


SIZE_TEST = "tests/test_budgets.py"
FRAME_MS = 16  # one frame at 60 Hz: a recompute that fits keeps typing smooth

BUDGETS: dict[str, Budget] = {
    "quiz_assets": Budget("quiz JS + CSS (`quiz.js`, `quiz.css`)", 10 * KB, "B gz", test=SIZE_TEST),
    "base_js": Budget(
        "shared script base (`base.js`, window.AFP), loaded by every page",
        2 * KB,
        "B gz",
        test=SIZE_TEST,
    ),
    "explorer_assets": Budget("explorer JS + CSS + `params.json`", 30 * KB, "B gz", test=SIZE_TEST),
    "explorer_trained": Budget(
        "explorer's trained model (`trained.json`), fetched only where it is shown",
        60 * KB,
        "B gz",
        test="tests/plugins/explorer/test_explorer_trained.py",
    ),
    "widgets_js": Budget(
        "lesson widgets framework (`widgets.js`), on every page",
        # one file held every kind until 11 kinds reached 9,181 B gz; the kinds now live in
        # their own files, fetched by the pages that show them
        6 * KB,
        "B gz",
        test="tests/widgets/test_report_widget.py",
    ),
    "widget_kind": Budget(
        "one widget kind (`widgets/KIND.js`), fetched by the pages that show it",
        3 * KB,
        "B gz",
        test="tests/widgets/test_report_widget.py",
    ),
    "widgets_css": Budget(
        "lesson widgets stylesheet (`widgets.css`)",
        3 * KB,
        "B gz",
        test="tests/widgets/test_report_widget.py",
    ),
    "page_weight": Budget(
        (
            "every built page: its HTML + our CSS, JS, JSON and images it loads "
            "(Material's own bundle and the search index not counted)"
        ),
        150 * KB,
        "B gz",
        test=SIZE_TEST,
    ),
    "figure_raw": Budget(
        "one inline SVG lesson figure, as written into the page", 40 * KB, "B", test=SIZE_TEST
    ),
    "figure_gz": Budget("one inline SVG lesson figure", 16 * KB, "B gz", test=SIZE_TEST),
    "warm_over_plain": Budget(
        "warm build (nothing changed) / plain Material build, CPU time", 1.2, "x"
    ),
    "edit_build_over_plain": Budget(
        "one-lesson edit: the build's own CPU time / plain Material build's", 1.2, "x"
    ),
    "edit_lesson_over_run": Budget(
        "one-lesson edit: the lesson run it starts / that script run on its own, CPU time",
        1.5,
        "x",
    ),
    "lighthouse_performance": Budget(
        "Lighthouse performance (mobile defaults; home, lesson 04, playground)",
        0.95,
        "score",
        at_least=True,
    ),
    "lighthouse_accessibility": Budget(
        "Lighthouse accessibility (same pages)", 1.0, "score", at_least=True
    ),
    "lighthouse_best_practices": Budget(
        "Lighthouse best practices (same pages)", 0.95, "score", at_least=True
    ),
    "quiz_feedback": Budget(
        'quiz feedback: click Check to the verdict in `role="status"` (median of 50)',
        100,
        "ms",
    ),
    "training_cold": Budget(
        "training the small transformer from scratch (`lesson_code.learned`), CPU time",
        60,
        "s",
    ),
    "explorer_recompute": Budget(
        "explorer recompute for a 64-token sentence (median of 50; one frame)", FRAME_MS, "ms"
    ),
    "explorer_trained_recompute": Budget(
        "explorer trained-model recompute for 64 tokens, every head (median of 50; one frame)",
        FRAME_MS,
        "ms",
    ),
}

MKDOCS_QUIZ = {"raw": 61_131, "gz": 14_200}
"""Not a budget: what mkdocs-quiz inlines into every page (JS + CSS), for comparison; our
quiz assets must stay smaller (tests/plugins/quiz/test_assets.py)."""


# -- README table ------------------------------------------------------------------------


def readme_table() -> str:
    """The Markdown table README.md shows between its budget markers."""
    rows = [("budget", "limit", "checked by"), ("---", "---", "---")]
    for budget in BUDGETS.values():
        checked = f"test: `{budget.test}`" if budget.test else "bench"
        rows.append((budget.what, budget.shown(), checked))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


_BLOCK_RE = re.compile(re.escape(README_START) + r"\n(.*?)" + re.escape(README_END), re.S)


def readme_block(text: str) -> str | None:
    """The budget table currently between the markers of a README's ``text`` (None when
    the markers are missing)."""
    match = _BLOCK_RE.search(text)
    return match.group(1).rstrip("\n") if match else None


def write_readme(path: Path = README) -> bool:
    """Regenerate the table in ``path``; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    if readme_block(text) is None:
        raise SystemExit(
            f"{path.name}: no budget markers; put these two lines where the table goes:\n"
            f"{README_START}\n{README_END}"
        )
    new = _BLOCK_RE.sub(lambda _: f"{README_START}\n{readme_table()}\n{README_END}", text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
