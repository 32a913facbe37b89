"""The quiz in a real browser (Playwright + Debian's Chromium) on the served fixture site.

Every question type answered right and wrong, by keyboard alone, across instant
navigation in both directions (handlers never stack), after a reload, after Reset, in
dark mode, with storage that is corrupt, throws or is full, without JavaScript, and with
axe-core finding nothing wrong inside the quiz form.
"""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests import support

pytestmark = pytest.mark.browser

LESSON = "lessons/01-demo/"
KEY = "afp:quiz:01-demo"  # the shared base's one storage prefix, "afp:"
OLD_KEY = "attention-quiz:v1:01-demo"  # where versions before the shared base stored it


# -- helpers -------------------------------------------------------------------------


def visit(page: Page, url: str) -> None:
    """Open ``url`` and wait until Material has read sitemap.xml (instant navigation ready)."""
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(url)
    expect(page.locator("form.quiz[data-quiz-ready]").first).to_be_attached()


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{e.message}\n{e.stack}"))
    return errors


def our_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "quiz.js" in e or "base.js" in e]


def question(page: Page, n: int, form: int = 0):
    return page.locator("form.quiz").nth(form).locator("fieldset[data-quiz-q]").nth(n)


def status(page: Page, n: int, form: int = 0):
    return question(page, n, form).get_by_role("status")


def check(page: Page, n: int) -> None:
    question(page, n).get_by_role("button", name="Check", exact=True).click()


def answer_all_right(page: Page) -> None:
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    question(page, 1).get_by_label("2", exact=True).check()
    question(page, 1).get_by_label("4", exact=True).check()
    check(page, 1)
    question(page, 2).get_by_label("True").check()
    check(page, 2)
    question(page, 3).get_by_label("Your answer").fill("0.731")
    check(page, 3)
    question(page, 4).get_by_label("Your answer").fill("  Soft   MAX ")
    check(page, 4)
    question(page, 5).get_by_label("Your answer").fill("It keeps a little weight for the others.")
    check(page, 5)
    question(page, 5).get_by_label("It makes the same points").check()
    for i in range(4):
        question(page, 6).locator(f"select[data-quiz-item='{i}']").select_option(str(i + 1))
    check(page, 6)
    for i in range(3):
        question(page, 7).locator(f"select[data-quiz-left='{i}']").select_option(str(i))
    check(page, 7)


def statuses(page: Page, form: int = 0) -> list[str]:
    count = page.locator("form.quiz").nth(form).locator("fieldset[data-quiz-q]").count()
    return [status(page, n, form).inner_text() for n in range(count)]


def score(page: Page, form: int = 0) -> str:
    return page.locator("form.quiz").nth(form).locator("[data-quiz-score]").inner_text()


def stored(page: Page, key: str = KEY):
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", key)


def axe_violations(page: Page, selector: str = "form.quiz") -> list[str]:
    # a verdict fades in over 0.2 s; contrast is measured once it is fully shown
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
    result = Axe().run(page, context=selector)
    return [f"{v['id']}: {v['help']}" for v in result.response["violations"]]


# -- every type, right and wrong -----------------------------------------------------


def test_every_type_answered_right(page: Page, fixture_site):
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    answer_all_right(page)
    assert statuses(page) == [
        "Correct.",
        "Correct.",
        "Correct.",
        "Correct.",
        "Correct.",
        "Correct, by your own assessment.",
        "Correct.",
        "Correct.",
    ]
    assert score(page) == "Score: 8 / 8"
    verdict = page.locator("[data-quiz-verdict]").first
    assert verdict.inner_text() == "Passed: the pass mark is 70%."
    # the chosen option's feedback and the explanation are shown under the verdict
    result = question(page, 0).locator("[data-quiz-result]")
    expect(result.locator("[data-quiz-feedback]")).to_contain_text("B is B.")
    expect(result.locator("[data-quiz-explanation]")).to_contain_text("B is the second letter.")
    expect(question(page, 0).locator("details[data-quiz-reveal]")).not_to_have_attribute("open", "")
    assert errors == []


def test_every_type_answered_wrong(page: Page, fixture_site):
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    question(page, 0).get_by_label("C", exact=True).check()
    check(page, 0)
    question(page, 1).get_by_label("2", exact=True).check()
    question(page, 1).get_by_label("3", exact=True).check()
    check(page, 1)
    question(page, 2).get_by_label("False").check()
    check(page, 2)
    question(page, 3).get_by_label("Your answer").fill("0.9")
    check(page, 3)
    question(page, 4).get_by_label("Your answer").fill("hardmax")
    check(page, 4)
    question(page, 5).get_by_label("Your answer").fill("No idea.")
    check(page, 5)
    pending = status(page, 5).inner_text()
    question(page, 5).get_by_label("It misses something").check()
    for i in range(4):
        question(page, 6).locator(f"select[data-quiz-item='{i}']").select_option(str(4 - i))
    check(page, 6)
    for i in range(3):
        question(page, 7).locator(f"select[data-quiz-left='{i}']").select_option(str((i + 1) % 3))
    check(page, 7)
    assert pending == "Now compare your answer with the model answer below, then say how it went."
    again = " Try again: 2 more tries before the answer is shown."
    assert statuses(page) == [
        "Incorrect." + again,
        "Incorrect, but partly right: 1 of 2 correct choices, 1 wrong." + again,
        "Incorrect." + again,
        "Incorrect: too high." + again,
        "Incorrect." + again,
        "Incorrect, by your own assessment: reread the model answer.",
        "Incorrect: 0 of 4 items are in the right place; the items in rows 1, 2, 3 and 4 are not."
        + again,
        "Incorrect: 0 of 3 pairs match; pairs 1, 2 and 3 are wrong." + again,
    ]
    # neither the explanation nor the answer key is shown after a wrong answer
    for n in (0, 1, 2, 3, 4, 6, 7):
        expect(question(page, n).locator("[data-quiz-explanation]")).to_be_hidden()
        expect(question(page, n).locator("details[data-quiz-reveal]")).not_to_have_attribute(
            "open", ""
        )
    assert score(page) == "Score: 0 / 8"
    assert page.locator("[data-quiz-verdict]").first.inner_text().startswith("Not passed yet")
    feedback = question(page, 1).locator("[data-quiz-feedback] li")
    assert feedback.all_inner_texts() == ["Right: 2\n\n2 is even.", "Wrong: 3\n\n3 is odd."]
    # the free response opens its model answer to compare with
    expect(question(page, 5).locator("details[data-quiz-reveal]")).to_have_attribute("open", "")
    # a typed answer put right within its tries scores
    question(page, 3).get_by_label("Your answer").fill("0.1")
    check(page, 3)
    assert status(page, 3).inner_text() == (
        "Incorrect: too low. Try again: 1 more try before the answer is shown."
    )
    question(page, 3).get_by_label("Your answer").fill("0,7305")
    check(page, 3)
    assert status(page, 3).inner_text() == "Correct (read as 0.7305)."
    expect(question(page, 3).locator("[data-quiz-explanation]")).to_be_visible()
    assert score(page) == "Score: 1 / 8"
    # a choice question put right on a second try does not: it was partly elimination
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    assert status(page, 0).inner_text() == (
        "Correct. It does not count toward the score: the first answer was wrong."
    )
    assert score(page) == "Score: 1 / 8"
    assert errors == []


def test_unanswered_and_text_regex(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    check(page, 0)
    assert status(page, 0).inner_text() == "Choose or type an answer first, then press Check."
    assert status(page, 0).get_attribute("data-quiz-state") == "pending"  # neutral, not wrong
    assert score(page) == "Score: 0 / 8"
    assert stored(page)["q"] == {}  # no try was used
    question(page, 4).get_by_label("Your answer").fill("Soft ArgMax")
    check(page, 4)
    assert status(page, 4).inner_text() == "Correct."


# -- keyboard only -------------------------------------------------------------------


def focused(page: Page, attribute: str):
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


def tab_to(page: Page, label: str) -> None:
    """Press Tab until the focused element is the next one labelled ``label``."""
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("(document.activeElement.labels || [{}])[0]?.textContent") == label:
            return
    raise AssertionError(f"no control labelled {label!r} within 8 presses of Tab")


def test_keyboard_only(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    kb = page.keyboard
    page.locator(".quiz__intro a").focus()  # the sequential focus starting point: the quiz intro
    kb.press("Tab")  # the first radio of question 1 (options are shuffled: find "B")
    for _ in range(3):
        if question(page, 0).get_by_label("B", exact=True).is_checked():
            break
        kb.press("ArrowDown")
    kb.press("Tab")  # Check
    kb.press("Enter")
    assert status(page, 0).inner_text() == "Correct."
    # focus stays in the question, on the chosen option; keys typed there stay in the quiz
    assert page.evaluate("document.activeElement.labels[0].textContent") == "B"
    kb.press("Tab")  # Check
    kb.press("Tab")  # Show answer
    kb.press("Tab")  # the first checkbox of question 2
    for _ in range(4):
        label = page.evaluate("document.activeElement.labels[0].textContent")
        if label in ("2", "4"):
            kb.press("Space")
        kb.press("Tab")
    kb.press("Space")  # Check
    assert status(page, 1).inner_text() == "Correct."
    tab_to(page, "True")
    kb.press("Space")
    kb.press("Tab")  # Check
    kb.press("Enter")
    assert status(page, 2).inner_text() == "Correct."
    tab_to(page, "Your answer")  # the numeric input
    kb.type("0.9")
    kb.press("Enter")  # Enter in a typed answer checks it
    assert status(page, 3).inner_text().startswith("Incorrect: too high.")
    assert focused(page, "data-quiz-input") == ""  # still in the input, its text selected
    kb.type("0.731")  # the next answer, straight after Check: replaces the wrong one
    kb.press("Enter")
    assert status(page, 3).inner_text() == "Correct."
    assert page.url.endswith(LESSON)  # no form submission, no page shortcut
    kb.type(".np,")  # Material's next/previous page keys, typed inside the quiz
    assert page.url.endswith(LESSON)
    tab_to(page, "Your answer")  # the text input
    kb.type("softmax")
    kb.press("Enter")
    assert status(page, 4).inner_text() == "Correct."
    # order: focus its first select and type positions
    question(page, 6).locator("select").first.focus()
    for _ in range(4):
        item = focused(page, "data-quiz-item")
        kb.type(str(int(item) + 1))
        kb.press("Tab")
    kb.press("Enter")  # Check
    assert status(page, 6).inner_text() == "Correct."
    # Reset, by keyboard
    page.locator("[data-quiz-reset]").focus()
    kb.press("Enter")
    assert statuses(page)[:5] == ["", "", "", "", ""]
    assert score(page) == "Score: 0 / 8"


def test_typing_after_check_never_leaves_the_page(page: Page, fixture_site):
    """A tired learner clicks Check and types on: every key stays in the quiz."""
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 0).get_by_label("C", exact=True).check()
    check(page, 0)
    assert focused(page, "data-quiz-option") == ""  # the chosen option
    for key in ".n,pfs/":  # Material's page and search shortcuts
        page.keyboard.press(key)
    assert page.url == url + LESSON
    expect(page.locator(".md-search__input")).not_to_be_focused()
    # order and match: focus goes to the first row marked wrong
    for i in range(4):
        question(page, 6).locator(f"select[data-quiz-item='{i}']").select_option(str(4 - i))
    check(page, 6)
    assert (
        question(page, 6)
        .locator("select")
        .evaluate_all("els => els.indexOf(document.activeElement)")
        == 0
    )
    page.keyboard.press("n")
    assert page.url == url + LESSON


# -- instant navigation, reload, reset -----------------------------------------------


def count_checks(page: Page) -> int:
    return page.evaluate("window.__checks")


def test_instant_navigation_both_ways_without_stacked_handlers(page: Page, fixture_site):
    url, _ = fixture_site
    errors = watch_errors(page)
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(url)
    page.evaluate(
        "window.__instant = 1; window.__checks = 0;"
        "document.addEventListener('attention-quiz:check', () => window.__checks++)"
    )
    # plain page -> quiz page
    page.locator("article").get_by_role("link", name="demo lesson").click()
    expect(page).to_have_url(url + LESSON)
    expect(question(page, 0).get_by_role("button", name="Check")).to_be_visible()
    assert page.evaluate("window.__instant") == 1, "a full page load: instant navigation is off"
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    assert count_checks(page) == 1
    # quiz page -> plain page -> quiz page
    page.locator("article").get_by_role("link", name="plain page").last.click()
    expect(page).to_have_url(url + "plain/")
    page.locator("article").get_by_role("link", name="demo lesson").click()
    expect(page).to_have_url(url + LESSON)
    expect(status(page, 0)).to_have_text("Correct.")  # restored after instant navigation
    expect(question(page, 0).get_by_label("B", exact=True)).to_be_checked()
    check(page, 0)
    assert count_checks(page) == 2, "one click, one check: handlers must not stack"
    # history: back and forward
    page.go_back()
    expect(page).to_have_url(url + "plain/")
    page.go_forward()
    expect(page).to_have_url(url + LESSON)
    expect(status(page, 0)).to_have_text("Correct.")
    page.evaluate("window.AFP.quiz.init(); window.AFP.quiz.init()")
    check(page, 0)
    assert count_checks(page) == 3
    assert page.locator("form.quiz[data-quiz-ready]").count() == 1
    assert page.evaluate("window.__instant") == 1
    assert errors == []


NO_THEME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No theme</title>{head}</head>
<body>{form}{body}</body></html>
"""


@pytest.mark.parametrize("where", ["body", "head", "head-defer"])
def test_without_the_theme_the_quiz_starts_once_the_page_is_parsed(page: Page, fixture_site, where):
    """No Material (no document$): the quiz starts on DOMContentLoaded, or at once when
    the page is already parsed, exactly once, and works."""
    url, site = fixture_site
    built = (site / LESSON / "index.html").read_text(encoding="utf-8")
    form = re.search(r"<form[^>]*data-quiz[\s\S]*?</form>", built).group(0)
    tags = '<script src="assets/base.js"{d}></script><script src="assets/quiz/quiz.js"{d}></script>'
    scripts = tags.format(d=" defer" if where == "head-defer" else "")
    head, body = ("", scripts) if where == "body" else (scripts, "")
    name = f"no-theme-{where}.html"
    (site / name).write_text(NO_THEME_PAGE.format(head=head, form=form, body=body), "utf-8")
    errors = watch_errors(page)
    page.goto(url + name)
    expect(page.locator("form.quiz[data-quiz-ready]")).to_have_count(1)
    assert page.evaluate("typeof window.document$") == "undefined"
    page.evaluate(
        "() => { window.__checks = 0; document.addEventListener("
        "'attention-quiz:check', () => window.__checks++); }"
    )
    page.evaluate("window.AFP.quiz.init(); window.AFP.quiz.init()")
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    assert status(page, 0).inner_text() == "Correct."
    assert page.evaluate("window.__checks") == 1, "one click, one check"
    assert stored(page)["q"]
    assert errors == []


def test_reload_restores_answers_and_results(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    answer_all_right(page)
    question(page, 2).get_by_label("False").check()
    check(page, 2)
    before = statuses(page)
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == before
    assert score(page) == "Score: 7 / 8"
    expect(question(page, 0).get_by_label("B", exact=True)).to_be_checked()
    expect(question(page, 1).get_by_label("4", exact=True)).to_be_checked()
    expect(question(page, 2).get_by_label("False")).to_be_checked()
    expect(question(page, 3).get_by_label("Your answer")).to_have_value("0.731")
    expect(question(page, 4).get_by_label("Your answer")).to_have_value("Soft   MAX")
    expect(question(page, 5).get_by_label("Your answer")).to_have_value(
        "It keeps a little weight for the others."
    )
    expect(question(page, 5).get_by_label("It makes the same points")).to_be_checked()
    expect(question(page, 6).locator("select[data-quiz-item='2']")).to_have_value("3")
    expect(question(page, 7).locator("select[data-quiz-left='1']")).to_have_value("1")
    progress = page.evaluate("window.AFP.quiz.progress()")
    assert progress["01-demo"] == {
        "title": "Demo quiz: every type",
        "answered": 8,
        "correct": 7,
        "total": 8,
        "best": 8,
        "passed": True,
        "completed": True,
    }


def test_reset_clears_the_quiz_and_its_stored_answers(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    answer_all_right(page)
    page.get_by_role("button", name="Reset").click()
    assert statuses(page) == [""] * 8
    assert score(page) == "Score: 0 / 8"
    assert page.locator("[data-quiz-verdict]").first.inner_text() == ""
    assert page.locator("form.quiz input:checked").count() == 0
    expect(question(page, 3).get_by_label("Your answer")).to_have_value("")
    expect(question(page, 6).locator("select").first).to_have_value("")
    expect(question(page, 5).locator("[data-quiz-self]")).to_be_hidden()
    record = stored(page)
    assert record["q"] == {} and record["best"] == 8  # the best score is history
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == [""] * 8


def test_progress_is_readable_from_any_page(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    question(page, 2).get_by_label("False").check()
    check(page, 2)
    page.goto(url)
    progress = page.evaluate("window.AFP.quiz.progress()")
    assert progress == {
        "01-demo": {
            "title": "Demo quiz: every type",
            "answered": 2,
            "correct": 1,
            "total": 8,
            "best": 1,
            "passed": False,
            "completed": False,
        }
    }
    page.evaluate("window.AFP.quiz.clear('01-demo')")
    assert page.evaluate("window.AFP.quiz.progress()") == {}


def test_an_edited_question_drops_its_stale_answer(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    fps = page.locator("fieldset[data-quiz-q]").evaluate_all(
        "els => els.map(e => e.dataset.quizFp)"
    )
    record = {
        "v": 1,
        "title": "t",
        "pass": 0.7,
        "best": 0,
        "fps": fps,
        "q": {"0" * 16: {"a": 1, "r": "correct"}, fps[2]: {"a": False, "r": "incorrect"}},
    }
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(record)])
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert status(page, 0).inner_text() == ""  # the old version of question 1: dropped
    expect(question(page, 0).get_by_label("B", exact=True)).not_to_be_checked()
    assert status(page, 2).inner_text().startswith("Incorrect.")  # the same question: kept


# -- end mode, no JavaScript, dark mode, motion --------------------------------------


def test_end_mode_checks_everything_at_once(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + "inline/")
    first = page.locator("form.quiz").first
    assert first.locator("button", has_text="Check").count() == 1
    first.get_by_label("two").check()
    first.get_by_label("Your answer").fill("1000 ms")
    first.get_by_role("button", name="Check", exact=True).click()
    assert statuses(page, 0) == ["Correct.", "Correct."]
    assert page.evaluate("document.activeElement.hasAttribute('data-quiz-check-all')")
    assert first.locator("[data-quiz-verdict]").inner_text() == "Passed: the pass mark is 50%."
    first.get_by_label("one").check()
    first.get_by_role("button", name="Check", exact=True).click()
    assert statuses(page, 0) == ["Incorrect.", "Correct."]
    assert score(page, 0) == "Score: 1 / 2"


def test_without_javascript_questions_show_and_answers_can_be_revealed(browser, fixture_site):
    url, _ = fixture_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + LESSON)
    form = page.locator("form.quiz")
    expect(form.locator("fieldset[data-quiz-q]")).to_have_count(8)
    expect(form.get_by_label("B", exact=True)).to_be_visible()
    expect(form.locator("button[data-quiz-check]")).to_have_count(8)
    for button in form.locator("button").all():  # Check and Reset need the script
        expect(button).to_be_hidden()
    answer = question(page, 2).locator("details")
    expect(answer.get_by_text("Exponentials are positive")).to_be_hidden()
    answer.locator("summary").click()
    expect(answer.get_by_text("Answer: True")).to_be_visible()
    expect(answer.get_by_text("Exponentials are positive")).to_be_visible()
    context.close()


def test_dark_mode(browser, fixture_site):
    url, _ = fixture_site
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        visit(page, url + LESSON)
        assert page.evaluate("document.body.dataset.mdColorScheme") == (
            "slate" if scheme == "dark" else "default"
        )
        answer_all_right(page)
        question(page, 2).get_by_label("False").check()
        check(page, 2)
        style = (
            "el => { const s = getComputedStyle(el);"
            " return [s.borderLeftColor, s.color, s.backgroundColor] }"
        )
        colours[scheme] = {
            "right": status(page, 0).evaluate(style),
            "wrong": status(page, 2).evaluate(style),
            "text": page.locator("form.quiz legend").first.evaluate(
                "el => getComputedStyle(el).color"
            ),
        }
        icon = status(page, 0).evaluate("el => getComputedStyle(el, '::before').maskImage")
        assert icon.startswith('url("data:image/svg+xml')  # an icon, not colour alone
        assert axe_violations(page) == [], scheme
        context.close()
    light, dark = colours["light"], colours["dark"]
    assert light["right"][0] == "rgb(29, 122, 60)" and dark["right"][0] == "rgb(94, 209, 127)"
    assert light["wrong"][0] == "rgb(198, 40, 40)" and dark["wrong"][0] == "rgb(255, 138, 128)"
    assert light["text"] != dark["text"]
    assert light["right"][2] != light["wrong"][2]


def test_reduced_motion_turns_the_animation_off(browser, fixture_site):
    url, _ = fixture_site
    names = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        visit(page, url + LESSON)
        question(page, 0).get_by_label("B", exact=True).check()
        check(page, 0)
        names[motion] = status(page, 0).evaluate("el => getComputedStyle(el).animationName")
        context.close()
    assert names == {"no-preference": "quiz-in", "reduce": "none"}


# -- storage that is corrupt, throws or is full --------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "{not json",
        "null",
        "[1, 2]",
        '"a string"',
        json.dumps({"v": 2, "q": {}}),
        json.dumps({"v": 1, "best": "x", "fps": "y", "q": "z"}),
    ],
)
@pytest.mark.parametrize("key", [KEY, OLD_KEY], ids=["key", "old-key"])
def test_garbage_in_storage_is_ignored(page: Page, fixture_site, value, key):
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == [""] * 8
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    assert status(page, 0).inner_text() == "Correct."
    assert stored(page)["q"] == {
        question(page, 0).get_attribute("data-quiz-fp"): {
            "a": 1,
            "r": "correct",
            "t": 0,
            "s": False,
            "k": True,
        }
    }
    assert page.evaluate("window.AFP.quiz.progress()")["01-demo"]["correct"] == 1
    assert errors == []


def test_progress_stored_under_the_old_key_moves_to_the_new_one(page: Page, fixture_site):
    """A learner's answers stored by an earlier version (under "attention-quiz:v1:") are
    shown as before and stored under the one prefix; the old key is gone."""
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    question(page, 2).get_by_label("False").check()
    check(page, 2)
    record, before = stored(page), statuses(page)
    assert before[0] == "Correct." and before[2].startswith("Incorrect")
    page.evaluate(
        "([old, k, v]) => { localStorage.removeItem(k); localStorage.setItem(old, v); }",
        [OLD_KEY, KEY, json.dumps(record)],
    )
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == before
    expect(question(page, 0).get_by_label("B", exact=True)).to_be_checked()
    assert stored(page) == record
    assert stored(page, OLD_KEY) is None
    assert page.evaluate("window.AFP.quiz.progress()")["01-demo"]["answered"] == 2
    assert errors == []


def test_a_newer_value_is_never_overwritten_by_an_old_key(page: Page, fixture_site):
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    question(page, 0).get_by_label("B", exact=True).check()
    check(page, 0)
    newer = stored(page)
    older = {**newer, "q": {}, "best": 0}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [OLD_KEY, json.dumps(older)])
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert status(page, 0).inner_text() == "Correct."
    assert stored(page) == newer and stored(page, OLD_KEY) is None
    # a corrupt value under the new key holds nothing: the old record is moved over it
    page.evaluate(
        "([old, k, v]) => { localStorage.setItem(k, '{not json'); localStorage.setItem(old, v); }",
        [OLD_KEY, KEY, json.dumps(newer)],
    )
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert status(page, 0).inner_text() == "Correct."
    assert stored(page) == newer and stored(page, OLD_KEY) is None
    assert errors == []


def test_hostile_values_in_storage_are_never_rendered(page: Page, fixture_site):
    url, _ = fixture_site
    errors = watch_errors(page)
    visit(page, url + LESSON)
    fps = page.locator("fieldset[data-quiz-q]").evaluate_all(
        "els => els.map(e => e.dataset.quizFp)"
    )
    hostile = '<img src=x onerror="window.__owned=1">'
    record = {
        "v": 1,
        "title": hostile,
        "pass": 5,
        "best": 10**9,
        "fps": fps + ["../../x"],
        "q": {
            fps[0]: {"a": hostile, "r": "correct"},  # a single question needs an index
            fps[1]: {"a": [0, 0, 99], "r": "correct"},  # repeated and out of range
            fps[3]: {"a": {"toString": 1}, "r": "correct"},
            fps[4]: {"a": hostile, "r": "nonsense"},  # an unknown verdict
            fps[6]: {"a": [1, 2], "r": "correct"},  # wrong length
            "__proto__": {"a": 1, "r": "correct"},
        },
    }
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(record)])
    support.storage_settled(page)
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == [""] * 8
    assert page.locator("form.quiz img").count() == 0
    assert page.evaluate("window.__owned") is None
    expect(question(page, 4).get_by_label("Your answer")).to_have_value("")
    assert hostile not in page.locator("form.quiz").inner_html()
    assert errors == []


def test_storage_that_throws(browser, fixture_site):
    url, _ = fixture_site
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage',"
        " {get() { throw new DOMException('no', 'SecurityError') }})"
    )
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(url + LESSON)
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    answer_all_right(page)
    assert score(page) == "Score: 8 / 8"
    assert page.evaluate("window.AFP.quiz.progress()") == {}
    page.evaluate("window.AFP.quiz.clear()")
    page.get_by_role("button", name="Reset").click()
    assert score(page) == "Score: 0 / 8"
    assert our_errors(errors) == []
    context.close()


def test_storage_that_is_full(browser, fixture_site):
    url, _ = fixture_site
    context = browser.new_context()
    context.add_init_script(
        "Storage.prototype.setItem = function () {"
        " throw new DOMException('full', 'QuotaExceededError') }"
    )
    page = context.new_page()
    errors = watch_errors(page)
    visit(page, url + LESSON)
    answer_all_right(page)
    assert score(page) == "Score: 8 / 8"
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert statuses(page) == [""] * 8  # nothing could be saved, nothing is restored
    assert errors == []
    context.close()


# -- accessibility and hosts ---------------------------------------------------------


def test_axe_finds_nothing_in_the_quiz_before_and_after_answering(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    assert axe_violations(page) == []
    answer_all_right(page)
    question(page, 1).get_by_label("3", exact=True).check()
    check(page, 1)
    question(page, 3).get_by_label("Your answer").fill("abc")
    check(page, 3)
    question(page, 0).locator("details summary").click()
    assert axe_violations(page) == []
    visit(page, url + "inline/")
    page.locator("form.quiz").first.get_by_role("button", name="Check", exact=True).click()
    assert axe_violations(page, "#quiz-extra-end-mode") == []


def test_content_security_policy_script_src_self_is_respected(browser, fixture_site):
    """Served with script-src 'self' (+ Material's hashes): the quiz runs, nothing is blocked."""
    url, _ = fixture_site
    context = browser.new_context()
    context.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    response = page.goto(url)
    assert response.headers["content-security-policy"].startswith("script-src 'self' 'sha256-")
    page.wait_for_load_state("networkidle")
    page.locator("article").get_by_role("link", name="demo lesson").click()
    expect(page).to_have_url(url + LESSON)
    answer_all_right(page)
    assert score(page) == "Score: 8 / 8"
    page.locator("article").get_by_role("link", name="plain page").last.click()
    expect(page).to_have_url(url + "plain/")
    assert page.evaluate("window.__csp") == []
    context.close()


def test_no_request_leaves_the_site(page: Page, fixture_site):
    url, _ = fixture_site
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    visit(page, url + LESSON)
    answer_all_right(page)
    page.get_by_role("link", name="plain page").last.click()
    expect(page).to_have_url(url + "plain/")
    outside = [r for r in requests if not (r.startswith(url) or r.startswith("data:"))]
    assert outside == []
    assert any(re.search(r"/assets/quiz/quiz\.js$", r) for r in requests)


# -- not guessable, feedback that teaches --------------------------------------------


def labels_in_order(page: Page, n: int, form: int = 0) -> list[str]:
    return question(page, n, form).locator(".quiz__option label").all_inner_texts()


def test_options_get_a_fresh_order_every_attempt_and_pins_stay(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + "inline/")
    orders = set()
    for _ in range(12):
        shown = labels_in_order(page, 1, form=2)
        assert shown[-1] == "None of these"  # pinned last
        assert sorted(shown[:-1]) == ["A", "B", "C", "D"]
        rows = (
            question(page, 0, form=2)
            .locator("[data-quiz-item]")
            .evaluate_all("els => els.map(e => Number(e.dataset.quizItem))")
        )
        assert rows not in ([0, 1, 2, 3], [0, 2, 1, 3])  # never shown in a right order
        orders.add(tuple(shown))
        page.locator("form.quiz").nth(2).get_by_role("button", name="Reset").click()
    assert len(orders) >= 4  # 24 orders are possible: Reset reshuffles
    # and on another visit too: the match question's choices change order
    visit(page, url + LESSON)
    choices = set()
    for _ in range(8):
        page.reload()
        expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
        choices.add(
            tuple(question(page, 7).locator("select").first.locator("option").all_inner_texts())
        )
    assert len(choices) >= 2


def test_a_wrong_number_shows_neither_the_answer_nor_the_explanation(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    q = question(page, 3)
    answer = q.get_by_label("Your answer")
    for typed, expected in [
        ("0.9", "Incorrect: too high. Try again: 2 more tries before the answer is shown."),
        (
            "1e-1",
            "Incorrect: too low (read as 0.1). Try again: 1 more try before the answer is shown.",
        ),
    ]:
        answer.fill(typed)
        check(page, 3)
        assert status(page, 3).inner_text() == expected
        result = q.locator("[data-quiz-result]")
        assert "0.731" not in result.inner_text()
        expect(q.locator("[data-quiz-explanation]")).to_be_hidden()
        expect(q.locator("details[data-quiz-reveal]")).not_to_have_attribute("open", "")
    # the third wrong try shows the answer and its explanation; the question no longer scores
    answer.fill("2")
    check(page, 3)
    assert status(page, 3).inner_text() == (
        "Incorrect: too high. The answer and its explanation are shown below."
    )
    expect(q.locator("details[data-quiz-reveal]")).to_have_attribute("open", "")
    expect(q.locator(".quiz__key")).to_contain_text("Answer: 0.731 (answers within ±0.001 count)")
    expect(q.locator("[data-quiz-explanation]")).to_be_visible()
    answer.fill("0.731")
    check(page, 3)
    assert status(page, 3).inner_text() == (
        "Correct. It does not count toward the score: the answer had been shown."
    )
    assert score(page) == "Score: 0 / 8"
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()  # the history is kept: a reload does not make it score
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert status(page, 3).inner_text().startswith("Correct. It does not count")
    assert score(page) == "Score: 0 / 8"


def test_show_answer_before_answering_means_the_question_does_not_score(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 4).locator("details summary").click()
    expect(status(page, 4)).to_have_text(
        "Answer shown: this question no longer counts toward the score."
    )
    expect(question(page, 4).locator("[data-quiz-explanation]")).to_be_visible()
    question(page, 4).get_by_label("Your answer").fill("softmax")
    check(page, 4)
    assert status(page, 4).inner_text() == (
        "Correct. It does not count toward the score: the answer had been shown."
    )
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert score(page) == "Score: 0 / 8"
    # shown without any answer, then reloaded: still shown
    question(page, 1).locator("details summary").click()
    expect(status(page, 1)).to_have_text(
        "Answer shown: this question no longer counts toward the score."
    )
    support.storage_settled(page)  # what the quiz stored, for the next page
    page.reload()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_be_attached()
    assert status(page, 1).inner_text().startswith("Answer shown")
    # Reset is a fresh attempt
    page.get_by_role("button", name="Reset").click()
    question(page, 4).get_by_label("Your answer").fill("softmax")
    check(page, 4)
    assert status(page, 4).inner_text() == "Correct."
    assert score(page) == "Score: 1 / 8"


def test_a_wrong_choice_shows_only_its_own_feedback(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 0).get_by_label("C", exact=True).check()
    check(page, 0)
    feedback = question(page, 0).locator("[data-quiz-feedback]")
    assert feedback.inner_text() == "Wrong: C\n\nC is not B."
    assert "B is B." not in question(page, 0).locator("[data-quiz-result]").inner_text()
    question(page, 2).get_by_label("False").check()
    check(page, 2)
    assert status(page, 2).inner_text() == (
        "Incorrect. Try again: 2 more tries before the answer is shown."
    )
    question(page, 2).get_by_label("True").check()
    check(page, 2)
    assert status(page, 2).inner_text().startswith("Correct. It does not count")


def test_order_and_match_say_which_rows_are_wrong(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    rows = question(page, 6).locator("[data-quiz-row]")
    items = rows.locator("select").evaluate_all("els => els.map(e => Number(e.dataset.quizItem))")
    positions = {0: 1, 1: 2, 2: 4, 3: 3}  # items 3 and 4 swapped
    for item, position in positions.items():
        question(page, 6).locator(f"select[data-quiz-item='{item}']").select_option(str(position))
    check(page, 6)
    wrong_rows = [row + 1 for row, item in enumerate(items) if item in (2, 3)]
    assert status(page, 6).inner_text() == (
        f"Incorrect: 2 of 4 items are in the right place; the items in rows {wrong_rows[0]} and "
        f"{wrong_rows[1]} are not. Try again: 2 more tries before the answer is shown."
    )
    marks = rows.evaluate_all("els => els.map(e => e.dataset.quizMark)")
    assert marks == ["wrong" if item in (2, 3) else "right" for item in items]
    invalid = rows.locator("select[aria-invalid=true]").evaluate_all(
        "els => els.map(e => Number(e.dataset.quizItem))"
    )
    assert sorted(invalid) == [2, 3]
    for i, j in enumerate([0, 2, 1]):
        question(page, 7).locator(f"select[data-quiz-left='{i}']").select_option(str(j))
    check(page, 7)
    assert status(page, 7).inner_text() == (
        "Incorrect: 1 of 3 pairs match; pairs 2 and 3 are wrong. "
        "Try again: 2 more tries before the answer is shown."
    )


def test_interchangeable_items_are_right_in_either_order(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + "inline/")
    form = page.locator("form.quiz").nth(2)
    q = form.locator("fieldset[data-quiz-q]").first
    for positions in ({0: 1, 1: 2, 2: 3, 3: 4}, {0: 1, 1: 3, 2: 2, 3: 4}):
        for item, position in positions.items():
            q.locator(f"select[data-quiz-item='{item}']").select_option(str(position))
        q.get_by_role("button", name="Check", exact=True).click()
        assert q.get_by_role("status").inner_text() == "Correct."
    # two items on the same position are not both right
    q.locator("select[data-quiz-item='1']").select_option("2")  # item 2 is on 2 already
    q.get_by_role("button", name="Check", exact=True).click()
    assert (
        q.get_by_role("status")
        .inner_text()
        .startswith("Incorrect: 2 of 4 items are in the right place;")
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "abc",
            "That is not a number the quiz can read. Write it like 0.25, 1,5, 8 000 000 or 1e-3.",
        ),
        ("", "Choose or type an answer first, then press Check."),
        ("1,500", "1,500 could mean 1.5 or 1500: write 1.5 or 1500."),
        ("0,731", "Correct (read as 0.731)."),
        ("+0.7310", "Correct (read as 0.731)."),
        ("7.31e-1", "Correct (read as 0.731)."),
        ("8,000,000", "Incorrect: too high. Try again: 2 more tries before the answer is shown."),
        (
            "8 000 000",
            "Incorrect: too high (read as 8,000,000). Try again: 2 more tries before the "
            "answer is shown.",
        ),
        (
            "\u22121,5",
            "Incorrect: too low (read as -1.5). Try again: 2 more tries before the "
            "answer is shown.",
        ),
    ],
)
def test_numbers_are_read_generously_and_echoed(page: Page, fixture_site, typed, expected):
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 3).get_by_label("Your answer").fill(typed)
    check(page, 3)
    assert status(page, 3).inner_text() == expected
    state = status(page, 3).get_attribute("data-quiz-state")
    neutral = not expected.startswith(("Correct", "Incorrect"))
    assert (state == "pending") is neutral
    if neutral:  # a neutral prompt uses no try
        assert stored(page) is None or stored(page)["q"] == {}


def test_printing_shows_questions_without_controls_or_answers(page: Page, fixture_site):
    url, _ = fixture_site
    visit(page, url + LESSON)
    question(page, 3).get_by_label("Your answer").fill("0.731")
    check(page, 3)  # a checked question prints no verdict or explanation either
    page.emulate_media(media="print")
    form = page.locator("form.quiz")
    for selector in (
        "button",
        "select",
        "details",
        "[data-quiz-status]",
        "[data-quiz-explanation]",
        ".quiz__hint",
    ):
        for element in form.locator(selector).all():
            expect(element).to_be_hidden()
    expect(question(page, 0).locator("label", has_text="B")).to_be_visible()  # the options
    expect(question(page, 6).locator("label", has_text="Scale and softmax")).to_be_visible()
    expect(question(page, 7).locator(".quiz__print")).to_contain_text("what each token passes on")
    assert "B is the second letter" not in form.inner_text()
    page.emulate_media(media="screen")
    expect(question(page, 7).locator(".quiz__print")).to_be_hidden()
