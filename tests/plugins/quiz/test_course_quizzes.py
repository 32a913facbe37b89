"""The course's own quizzes, on the real built site: a score cannot be earned by position.

The correct option is shown first in at most 40% of the single-choice questions (the build
shuffles them; the page without JavaScript shows that order), true/false keys are balanced,
no ``{{ name }}`` placeholder is published, and a learner who always picks the first option
(or "False") in the browser scores about chance, not full marks.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Page, expect

from lesson_code.attention import softmax

pytestmark = [pytest.mark.xdist_group("site")]


def lesson_quizzes(site):
    """(page, form, answer key data) for every quiz on a lesson page of the built site."""
    for path in sorted((site / "lessons").glob("*/index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for form in soup.select("form.quiz"):
            data = json.loads(form.select_one("template[data-quiz-data]").decode_contents())
            yield path.parent.name, form, data


@pytest.mark.build
def test_the_key_is_not_first_and_true_false_keys_are_balanced(served_site):
    _, site = served_site
    singles = first = trues = truefalse = 0
    for _, form, data in lesson_quizzes(site):
        for fieldset, key in zip(
            form.select("fieldset[data-quiz-q]"), data["questions"], strict=True
        ):
            if key["type"] == "single":
                shown = [int(i["value"]) for i in fieldset.select("input[data-quiz-option]")]
                singles += 1
                first += shown[0] == key["correct"][0]
            elif key["type"] == "truefalse":
                truefalse += 1
                trues += key["correct"] is True
    assert singles >= 40 and truefalse >= 15
    assert first / singles <= 0.4, f"the key is shown first in {first} of {singles} questions"
    assert 0.3 <= trues / truefalse <= 0.7, f"{trues} of {truefalse} true/false keys are true"


@pytest.mark.build
def test_placeholders_are_filled_from_the_lessons_run(served_site):
    _, site = served_site
    for page, form, _ in lesson_quizzes(site):
        assert "{{" not in form.get_text(), page
    weights = softmax(np.array([8.2, 3.1, 2.4]))
    quiz = dict((page, form) for page, form, _ in lesson_quizzes(site))["04-softmax"]
    explanation = quiz.select("[data-quiz-explanation]")[1].get_text(" ", strip=True)
    assert f"{weights[0] / weights[1]:.0f} times larger" in explanation
    assert f"{weights[0]:.3f}" in explanation


@pytest.mark.browser
def test_always_picking_the_first_option_scores_about_chance(page: Page, served_site):
    """The lazy learner: in every lesson, the first option shown, or False, then Check."""
    url, site = served_site
    right = total = 0
    lessons = sorted(p.parent.name for p in (site / "lessons").glob("*/index.html"))
    for lesson in lessons:
        page.goto(f"{url}lessons/{lesson}/")
        expect(page.locator("form.quiz[data-quiz-ready]").first).to_be_attached()
        questions = page.locator(
            ", ".join(
                f"form.quiz fieldset[data-quiz-type={kind}]"
                for kind in ("single", "multiple", "truefalse")
            )
        )
        for n in range(questions.count()):
            q = questions.nth(n)
            if q.get_attribute("data-quiz-type") == "truefalse":
                q.get_by_label("False", exact=True).check()
            else:
                q.locator("[data-quiz-option]").first.check()
            q.get_by_role("button", name="Check", exact=True).click()
            verdict = q.get_by_role("status").inner_text()
            right += verdict.startswith("Correct")
            total += 1
    assert total >= 70
    assert right / total <= 0.5, f"{right} of {total} right by always picking the first option"
