"""The course frame in a real browser (Playwright + Debian's Chromium) on the real site.

Home progress from the quiz engine, "continue where you left off" and reset, across
instant navigation; the prerequisite note; glossary tooltips by keyboard and mouse; the
Listen button with a stubbed speech synthesis (voices or none); corrupted and throwing
storage; the print stylesheet; reading time against ``plugins.course.text``.

The site is the session's ``served_site`` (built for the port it is served on, so
Material's instant navigation really intercepts the clicks). The pages run under the
site's content security policy, which forbids the eval that ``page.wait_for_function``
needs, so JavaScript conditions are polled with ``page.evaluate`` instead.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from plugins.course import text
from plugins.course.frontmatter import PAGE_RE, read_lesson
from plugins.course.plugin import _slug
from plugins.lessons import pages as lesson_pages
from tests import support

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

ROOT = support.ROOT
DOCS = ROOT / "docs"
LESSON_FILES = sorted(p for p in (DOCS / "lessons").glob("*.md") if PAGE_RE.match(p.name))
PHASES = support.course_phases()  # phase -> its lesson pages, as the course plugin reads them
PHASE_OF = {page: phase for phase, pages in PHASES.items() for page in pages}
LESSONS = {
    p.stem: read_lesson(p, f"lessons/{p.name}", PHASE_OF[f"lessons/{p.name}"]) for p in LESSON_FILES
}
GLOSSARY = {
    _slug(term): definition
    for term, definition in text.parse_glossary(
        (DOCS / "glossary.md").read_text(encoding="utf-8")
    ).items()
}

QUIZ_LESSON = "04-softmax"  # its prerequisite is 03-dot-product
PREREQ = LESSONS[QUIZ_LESSON].prerequisites[0]
QUIZ_KEY = f"afp:quiz:{QUIZ_LESSON}"  # every script stores under the shared base's "afp:"
OLD_QUIZ_KEY = f"attention-quiz:v1:{QUIZ_LESSON}"  # the quiz's own prefix before that
AFP_KEYS = ("afp:visited", "afp:last")


# -- helpers -------------------------------------------------------------------------


def lesson_url(base: str, slug: str) -> str:
    return f"{base}lessons/{slug}/"


def visit(page: Page, url: str) -> None:
    """Full load of ``url``; returns once Material has read sitemap.xml (instant nav armed)."""
    with page.expect_response(lambda r: r.url.endswith("sitemap.xml")):
        page.goto(url)
    wait_for_course(page, url)


def wait_for_course(page: Page, url: str) -> None:
    """The page at ``url`` (home or a lesson) is shown and the course script has run on it.

    After an instant navigation the URL changes while the old page may still be there, so
    this waits for the new page's own content.
    """
    slug = re.search(r"/lessons/([^/]+)/$", url)
    if slug:
        selector = f"[data-lesson-frame][data-lesson='{slug.group(1)}'][data-course-ready]"
    else:
        selector = ".syllabus[data-course-ready]"
    expect(page.locator(selector)).to_have_count(1)


def click_instant(page: Page, locator, url: str) -> None:
    """Click a link and check Material's instant navigation handled it (no page load)."""
    page.evaluate("window.__sameDocument = true")
    page.evaluate("document.querySelector('article').setAttribute('data-left', '')")
    locator.click()
    # Material's navigation.tracking may carry an anchor along (#end-of-lesson-quiz)
    page.wait_for_url(lambda address: address.split("#")[0] == url)
    # the URL changes before the content does, and course.js starts a task after that
    expect(page.locator("article[data-left]")).to_have_count(0)
    wait_for_course(page, url)
    assert page.evaluate("window.__sameDocument === true"), "the click reloaded the page"


def until(page: Page, script: str, arg=None, timeout: float = 5.0):
    """Poll a JavaScript expression until it is truthy (CSP rules out wait_for_function)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        page.wait_for_timeout(20)


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{e.message}\n{e.stack}"))
    return errors


def marks(page: Page) -> dict[str, tuple[str, str]]:
    """slug -> (text, data-state) of every progress mark on the home page."""
    return page.evaluate("""() => Object.fromEntries(
        Array.from(document.querySelectorAll('[data-progress-for]')).map(m => [
            m.getAttribute('data-progress-for'), [m.textContent, m.getAttribute('data-state')]
        ]))""")


def stored_keys(page: Page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage)")


def answer_quiz_right(page: Page) -> None:
    """Answer every question of the page's quiz correctly through its UI, then check it."""
    form = page.locator("form.quiz[data-quiz-ready]")
    expect(form).to_have_count(1)
    key = json.loads(
        form.locator("template[data-quiz-data]").evaluate("t => t.content.textContent")
    )
    end_mode = form.get_attribute("data-quiz-mode") == "end"
    for n, q in enumerate(key["questions"]):
        fs = form.locator(f"fieldset[data-quiz-q='{n}']")
        kind = q["type"]
        if kind in ("single", "multiple"):
            for j in q["correct"]:
                fs.locator(f"input[data-quiz-option][value='{j}']").check()
        elif kind == "truefalse":
            fs.locator(f"input[data-quiz-option][value='{str(q['correct']).lower()}']").check()
        elif kind == "numeric":
            fs.locator("[data-quiz-input]").fill(f"{q['answer']}{q.get('unit') or ''}")
        elif kind == "text":
            assert q["accept"], f"question {n}: no accepted answer to type"
            fs.locator("[data-quiz-input]").fill(q["accept"][0])
        elif kind == "free":
            fs.locator("[data-quiz-input]").fill("They must be an average of the values.")
        elif kind == "order":
            for i in range(q["count"]):
                fs.locator(f"select[data-quiz-item='{i}']").select_option(str(i + 1))
        elif kind == "match":
            for i in range(q["count"]):
                fs.locator(f"select[data-quiz-left='{i}']").select_option(str(i))
        else:
            raise AssertionError(f"question type {kind} not handled by this test")
        if not end_mode:
            fs.locator("[data-quiz-check]").click()
        if kind == "free":  # the self-assessment appears once the answer was checked
            if end_mode:
                form.locator("[data-quiz-check-all]").click()
            fs.locator("[data-quiz-self-mark][value='yes']").check()
    if end_mode:
        form.locator("[data-quiz-check-all]").click()
    expect(form.locator("[data-quiz-verdict]")).to_have_attribute("data-quiz-state", "correct")


# -- 1. home: clean syllabus, progress, continue, reset --------------------------------


def assert_clean_syllabus(page: Page, base: str) -> None:
    cards = page.locator(".syllabus > ul > li")
    expect(cards).to_have_count(len(PHASES))
    for number, phase in enumerate(PHASES, start=1):
        card = cards.nth(number - 1)
        expect(card.locator("strong").first).to_have_text(f"Phase {number} · {phase}")
        in_phase = [info for info in LESSONS.values() if info.phase == phase]
        links = card.locator("a[data-lesson]")
        expect(links).to_have_count(len(in_phase))
        for i, info in enumerate(sorted(in_phase, key=lambda x: x.number)):
            link = links.nth(i)
            expect(link).to_have_attribute("data-lesson", info.slug)
            expect(link).to_have_text(info.title)
            assert link.evaluate("a => a.href") == lesson_url(base, info.slug)
            row = card.locator("li", has=page.locator(f"a[data-lesson='{info.slug}']"))
            expect(row.locator(".syllabus-minutes")).to_have_text(f"{info.minutes} min")
    total = sum(info.minutes for info in LESSONS.values())
    expect(page.locator(".syllabus-summary")).to_have_text(
        f"{len(LESSONS)} lessons in {len(PHASES)} phases, "
        f"about {total // 60} h {total % 60:02d} min in all."
    )
    # a clean syllabus: no mark, no "continue", only the (harmless) reset button
    assert all(value == ["", "none"] for value in marks(page).values()), marks(page)
    assert set(marks(page)) == set(LESSONS)
    expect(page.locator("[data-course-continue]")).to_be_hidden()
    expect(page.get_by_text("Continue where you left off")).to_have_count(0)
    expect(page.get_by_role("button", name="Reset all progress")).to_be_visible()


def test_home_progress_continue_and_reset_across_instant_navigation(page: Page, served_site):
    base, _ = served_site
    errors = watch_errors(page)
    visit(page, base)
    assert_clean_syllabus(page, base)
    lesson = LESSONS[QUIZ_LESSON]

    # home -> lesson by the syllabus link, answer the quiz in its UI until passed
    click_instant(
        page,
        page.locator(f".syllabus a[data-lesson='{QUIZ_LESSON}']"),
        lesson_url(base, QUIZ_LESSON),
    )
    answer_quiz_right(page)
    progress = page.evaluate("() => window.AFP.quiz.progress()")
    assert progress[QUIZ_LESSON]["passed"], progress

    # lesson -> home by the header's logo link: the mark and "continue" are there
    click_instant(page, page.locator("header a.md-logo"), base)
    entry = progress[QUIZ_LESSON]
    expected = f"✓ quiz passed ({entry['best']} / {entry['total']})"
    expect(page.locator(f"[data-progress-for='{QUIZ_LESSON}']")).to_have_text(expected)
    expect(page.locator(f"[data-progress-for='{QUIZ_LESSON}']")).to_have_attribute(
        "data-state", "passed"
    )
    others = {slug: v for slug, v in marks(page).items() if slug != QUIZ_LESSON}
    assert all(value == ["", "none"] for value in others.values()), others
    go_on = page.locator("[data-course-continue] a")
    expect(go_on).to_have_text(f"Continue where you left off: {lesson.title}")
    assert go_on.evaluate("a => a.href") == lesson_url(base, QUIZ_LESSON)

    # the same after a full reload (it is all in storage)
    visit(page, base)
    expect(page.locator(f"[data-progress-for='{QUIZ_LESSON}']")).to_have_text(expected)

    # "continue" really goes there, by instant navigation, and back
    click_instant(page, page.locator("[data-course-continue] a"), lesson_url(base, QUIZ_LESSON))
    expect(page.locator("article h1")).to_contain_text(lesson.title)
    click_instant(page, page.locator("header a.md-logo"), base)

    # dismissing the confirmation keeps everything
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reset all progress").click()
    expect(page.locator(f"[data-progress-for='{QUIZ_LESSON}']")).to_have_text(expected)
    assert QUIZ_KEY in stored_keys(page)

    # accepting it forgets marks, "continue", visits and the quiz answers
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Reset all progress").click()
    expect(page.locator(".course-reset__status")).to_have_text("Progress reset.")
    assert dialogs and "Forget every quiz answer" in dialogs[0]
    assert all(value == ["", "none"] for value in marks(page).values()), marks(page)
    expect(page.locator("[data-course-continue]")).to_be_hidden()
    leftover = [k for k in stored_keys(page) if k.startswith(("afp:", "attention-quiz:"))]
    assert leftover == [], f"reset left stored progress: {leftover}"
    assert page.evaluate("() => window.AFP.quiz.progress()") == {}

    # the lesson's quiz comes back empty; home after the reset is a clean syllabus again
    click_instant(
        page,
        page.locator(f".syllabus a[data-lesson='{QUIZ_LESSON}']"),
        lesson_url(base, QUIZ_LESSON),
    )
    expect(page.locator("form.quiz [data-quiz-q][data-quiz-state]")).to_have_count(0)
    expect(page.locator("form.quiz input[data-quiz-option]:checked")).to_have_count(0)
    visit(page, base)
    expect(page.get_by_text(f"Continue where you left off: {lesson.title}")).to_be_visible()
    assert all(v == ["", "none"] for s, v in marks(page).items() if s != QUIZ_LESSON)
    assert errors == []


def test_home_marks_opened_lessons_and_started_quizzes(page: Page, served_site):
    base, _ = served_site
    visit(page, lesson_url(base, PREREQ))  # opened, no quiz answer
    visit(page, lesson_url(base, QUIZ_LESSON))
    form = page.locator("form.quiz[data-quiz-ready]")
    first = form.locator("fieldset[data-quiz-q='0']")
    key = json.loads(
        form.locator("template[data-quiz-data]").evaluate("t => t.content.textContent")
    )["questions"][0]
    assert key["type"] == "single"
    wrong = next(j for j in range(key["count"]) if j not in key["correct"])
    first.locator(f"input[data-quiz-option][value='{wrong}']").check()
    first.locator("[data-quiz-check]").click()
    expect(first).to_have_attribute("data-quiz-state", "incorrect")
    total = form.locator("fieldset[data-quiz-q]").count()
    click_instant(page, page.locator("header a.md-logo"), base)
    got = marks(page)
    assert got[PREREQ] == ["○ opened", "started"]
    assert got[QUIZ_LESSON] == [f"◐ quiz started (0 / {total})", "started"]
    assert all(v == ["", "none"] for s, v in got.items() if s not in (PREREQ, QUIZ_LESSON))
    expect(page.locator("[data-course-continue] a")).to_have_text(
        f"Continue where you left off: {LESSONS[QUIZ_LESSON].title}"
    )


# -- 2. prerequisite note -------------------------------------------------------------


def test_prerequisite_note_until_the_prerequisite_is_opened(page: Page, served_site):
    base, _ = served_site
    errors = watch_errors(page)
    visit(page, lesson_url(base, QUIZ_LESSON))
    note = page.locator("[data-prereq-note]")
    title = LESSONS[PREREQ].title
    expect(note).to_be_visible()
    expect(note).to_contain_text("You may want to read this first")
    expect(note).to_contain_text(title)
    link = page.locator(f"a[data-prerequisite='{PREREQ}']")
    expect(link).to_have_text(title)

    # follow the prerequisite link (instant): its own unread prerequisite is named there
    click_instant(page, link, lesson_url(base, PREREQ))
    before = LESSONS[PREREQ].prerequisites[0]
    expect(page.locator("[data-prereq-note]")).to_contain_text(LESSONS[before].title)

    # back to the lesson by the footer's "next" link: the prerequisite is read, no note
    click_instant(page, page.locator("a.md-footer__link--next"), lesson_url(base, QUIZ_LESSON))
    expect(page.locator("[data-prereq-note]")).to_be_hidden()
    expect(page.locator("[data-prereq-note]")).to_have_text("")
    visit(page, lesson_url(base, QUIZ_LESSON))  # and after a reload
    expect(page.locator("[data-prereq-note]")).to_be_hidden()
    assert errors == []


# -- 3. glossary tooltips by keyboard and mouse ----------------------------------------


def tooltip_of(page: Page, term):
    """The tooltip Material shows for ``term`` (aria-describedby), once it is there."""
    expect(term).to_have_attribute("aria-describedby", re.compile(r"\S"))
    return page.locator(f"[id='{term.get_attribute('aria-describedby')}']")


def test_glossary_terms_show_their_definition_on_keyboard_focus_and_hover(page: Page, served_site):
    base, _ = served_site
    errors = watch_errors(page)
    visit(page, lesson_url(base, QUIZ_LESSON))
    terms = page.locator("article abbr[data-glossary]")
    assert terms.count() >= 2
    first = terms.first
    slug = first.get_attribute("data-glossary")
    # without scripts the definition is the term's title; course.js moves it into its own
    # tooltip (and off the title, so the browser shows no second one)
    raw = page.request.get(lesson_url(base, QUIZ_LESSON)).text()
    assert (
        f'title="{html.escape(GLOSSARY[slug], quote=True)}" tabindex="0" '
        f'data-glossary="{slug}"' in raw
    )
    assert first.get_attribute("data-definition") == GLOSSARY[slug]
    assert terms.evaluate_all("ts => ts.filter(t => t.hasAttribute('title')).length") == 0
    assert first.get_attribute("tabindex") == "0"

    # keyboard only: Tab from the top of the page until a glossary term has the focus
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('abbr[data-glossary]')"):
            break
    else:
        raise AssertionError("Tab never reached a glossary term")
    assert page.evaluate("() => document.activeElement.getAttribute('data-glossary')") == slug
    style = first.evaluate("""a => ({visible: a.matches(':focus-visible'),
        outline: getComputedStyle(a).outlineStyle, width: getComputedStyle(a).outlineWidth})""")
    assert style["visible"] and style["outline"] != "none" and style["width"] != "0px", style
    tip = tooltip_of(page, first)
    expect(tip).to_be_visible()
    expect(tip).to_have_text(GLOSSARY[slug])
    expect(tip).to_have_attribute("role", "tooltip")

    # the next Tab moves on: the first tooltip goes, the next term's definition shows
    page.keyboard.press("Tab")
    second = terms.nth(1)
    expect(second).to_be_focused()
    expect(first).not_to_have_attribute("aria-describedby", re.compile(".*"))
    expect(tip).to_be_hidden()
    expect(tooltip_of(page, second)).to_have_text(GLOSSARY[second.get_attribute("data-glossary")])

    # the mouse: hovering another term shows its definition, focus elsewhere
    page.evaluate("() => document.activeElement.blur()")
    expect(second).not_to_have_attribute("aria-describedby", re.compile(".*"))
    third = terms.nth(2)
    third.hover()
    hover_tip = tooltip_of(page, third)
    expect(hover_tip).to_be_visible()
    expect(hover_tip).to_have_text(GLOSSARY[third.get_attribute("data-glossary")])
    page.mouse.move(0, 0)
    expect(hover_tip).to_be_hidden()

    # WCAG 1.4.13: the pointer can move onto the tooltip without losing it (hoverable),
    # and Escape dismisses it without moving focus (dismissible)
    third.hover()
    expect(hover_tip).to_be_visible()
    hover_tip.hover()
    page.wait_for_timeout(400)  # longer than the grace period after leaving the term
    expect(hover_tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(hover_tip).to_be_hidden()
    expect(third).not_to_have_attribute("aria-describedby", re.compile(".*"))
    assert errors == []


def test_glossary_tooltip_stays_on_a_phone_screen_and_follows_the_colour_scheme(
    page: Page, served_site
):
    base, _ = served_site
    page.set_viewport_size({"width": 375, "height": 700})
    visit(page, lesson_url(base, QUIZ_LESSON))
    terms = page.locator("article abbr[data-glossary]")
    for i in range(min(terms.count(), 4)):
        term = terms.nth(i)
        term.scroll_into_view_if_needed()
        term.focus()
        tip = page.locator(f"[id='{term.get_attribute('aria-describedby')}']")
        expect(tip).to_be_visible()
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (i, box)
        colours = tip.evaluate("""t => [getComputedStyle(t).color,
                                        getComputedStyle(t).backgroundColor]""")
        assert colours[0] != colours[1]
        page.keyboard.press("Escape")
        expect(tip).to_be_hidden()
    # one tooltip element per term at most, however often they were shown
    assert page.locator(".glossary-tip").count() <= terms.count()


# -- 4. Listen ------------------------------------------------------------------------

SPEECH_STUB = """
(() => {
  const rec = window.__speech = {speak: [], cancel: 0, pause: 0, resume: 0,
                                 auto: false, voices: %s};
  const proto = SpeechSynthesis.prototype;
  proto.getVoices = function () {
    return rec.voices ? [{name: 'Test voice', lang: 'en-US', default: true,
                          localService: true, voiceURI: 'test'}] : [];
  };
  proto.speak = function (u) {
    rec.speak.push({text: u.text, rate: u.rate});
    if (rec.auto) setTimeout(() => u.onend && u.onend(new Event('end')), 0);
  };
  proto.cancel = function () { rec.cancel += 1; };
  proto.pause = function () { rec.pause += 1; };
  proto.resume = function () { rec.resume += 1; };
})();
"""


def speech(page: Page) -> dict:
    return page.evaluate("() => window.__speech")


def test_listen_reads_the_lesson_without_code_and_pauses_resumes_stops(page: Page, served_site):
    base, _ = served_site
    errors = watch_errors(page)
    page.add_init_script(SPEECH_STUB % "true")
    visit(page, lesson_url(base, QUIZ_LESSON))
    listen = page.locator(
        "[data-listen-slot] button", has_text=re.compile("^(Listen|Pause|Resume)$")
    )
    stop = page.get_by_role("button", name="Stop", exact=True)
    expect(listen).to_have_count(1)
    expect(listen).to_have_text("Listen")
    expect(listen).to_have_attribute("aria-pressed", "false")
    expect(stop).to_be_hidden()

    listen.click()
    assert [s["text"] for s in speech(page)["speak"]] == [LESSONS[QUIZ_LESSON].title]
    expect(listen).to_have_text("Pause")
    expect(listen).to_have_attribute("aria-pressed", "true")
    expect(stop).to_be_visible()
    listen.click()
    assert speech(page)["pause"] == 1
    expect(listen).to_have_text("Resume")
    expect(listen).to_have_attribute("aria-pressed", "false")
    listen.click()
    assert speech(page)["resume"] == 1
    expect(listen).to_have_text("Pause")
    cancels = speech(page)["cancel"]
    stop.click()
    assert speech(page)["cancel"] == cancels + 1
    expect(listen).to_have_text("Listen")
    expect(listen).to_have_attribute("aria-pressed", "false")
    expect(stop).to_be_hidden()

    # the whole lesson at 1.5x: prose read, code blocks and the frame skipped
    page.get_by_label("Speed").select_option("1.5")
    page.evaluate("() => { window.__speech.auto = true; window.__speech.speak = []; }")
    listen.click()
    until(
        page,
        "() => window.__speech.speak.length > 5 && "
        "document.querySelector('[data-listen-slot] button').textContent === 'Listen'",
    )
    spoken = speech(page)["speak"]
    assert {s["rate"] for s in spoken} == {1.5}
    said = "\n".join(s["text"] for s in spoken)
    first_paragraph = page.locator("article.md-content__inner > p").first.inner_text()
    assert " ".join(first_paragraph.split())[:200] in said
    code_lines = page.evaluate("""() => Array.from(document.querySelectorAll('article pre'))
        .flatMap(p => p.textContent.split('\\n')).map(s => s.trim()).filter(s => s.length > 8)""")
    assert code_lines, "the lesson has code blocks"
    read_code = [line for line in code_lines if line in said]
    assert read_code == [], f"code read aloud: {read_code[:5]}"
    inline = page.evaluate("""() => Array.from(document.querySelectorAll('article p code'))
        .filter(c => !c.closest('pre, form, .lesson-frame, details:not([open])'))
        .map(c => c.textContent)""")
    assert inline and all(code in said for code in inline), "inline code dropped from sentences"
    assert "Download the code as a notebook" not in said and "\\" not in said
    assert "square root of" in said  # √d_k read as words, not as TeX
    # the display formula (softmax(s)_i = e^{s_i} / sum_j e^{s_j}) is read in its place,
    # from its spoken form, once: after the prose before it, before the prose after it
    blocks = page.locator("article .math-block math")
    assert blocks.count() == 1 and "\\sum" in blocks.first.get_attribute("alttext")
    formula = [i for i, s in enumerate(spoken) if "sum of" in s["text"]]
    assert len(formula) == 1 and spoken[formula[0]]["text"].startswith("softmax"), formula
    around = page.evaluate("""() => {
        const b = document.querySelector('article .math-block');
        const text = (el) => {  /* the words before the first formula or glossary term */
            if (!el) return '';
            const first = el.firstChild;
            return (first && first.nodeType === 3 ? first.textContent : '')
                .replace(/\\s+/g, ' ').trim().slice(0, 20);
        };
        return [text(b.previousElementSibling), text(b.nextElementSibling)];
    }""")
    texts = [s["text"] for s in spoken]
    before = [i for i, t in enumerate(texts) if around[0] and around[0] in t]
    after = [i for i, t in enumerate(texts) if around[1] and around[1] in t]
    assert before and after and before[0] < formula[0] < after[0], (before, formula, after)

    # instant navigation stops the speech; the next lesson gets exactly one Listen button
    page.evaluate("() => { window.__speech.auto = false; }")
    listen.click()
    expect(listen).to_have_text("Pause")
    cancels = speech(page)["cancel"]
    nxt = sorted(LESSONS)[sorted(LESSONS).index(QUIZ_LESSON) + 1]
    click_instant(page, page.locator("a.md-footer__link--next"), lesson_url(base, nxt))
    assert speech(page)["cancel"] > cancels
    expect(page.locator("[data-listen-slot] button", has_text="Listen")).to_have_count(1)
    expect(page.locator("[data-listen-slot] select")).to_have_count(1)
    assert errors == []


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)])
def test_no_listen_button_without_voices_a_note_instead_until_voices_arrive(
    page: Page, served_site, size
):
    base, _ = served_site
    page.set_viewport_size({"width": size[0], "height": size[1]})
    errors = watch_errors(page)
    page.add_init_script(SPEECH_STUB % "false")
    visit(page, lesson_url(base, QUIZ_LESSON))
    slot = page.locator("[data-listen-slot]")
    expect(slot.locator("button, select")).to_have_count(0)
    # Chrome loads voices asynchronously, sometimes announcing an empty list first
    page.evaluate("() => speechSynthesis.dispatchEvent(new Event('voiceschanged'))")
    expect(slot.locator("button")).to_have_count(0)
    # still none after a while: the frame says so, instead of silently nothing
    note = slot.locator("[data-listen-none]")
    expect(note).to_have_text("Listen: no voice is installed to read aloud.")
    expect(note).to_be_visible()
    page.evaluate("""() => { window.__speech.voices = true;
                             speechSynthesis.dispatchEvent(new Event('voiceschanged'));
                             speechSynthesis.dispatchEvent(new Event('voiceschanged')); }""")
    expect(slot.get_by_role("button", name="Listen")).to_have_count(1)
    expect(note).to_have_count(0)  # the voices came: the note goes
    assert errors == []


def test_no_listen_button_and_no_error_without_speech_synthesis(page: Page, served_site):
    base, _ = served_site
    errors = watch_errors(page)
    page.add_init_script("""Object.defineProperty(window, 'speechSynthesis',
                                                  {value: undefined, configurable: true});""")
    visit(page, lesson_url(base, QUIZ_LESSON))
    assert page.evaluate("() => window.speechSynthesis") is None
    expect(page.locator("[data-listen-slot] button")).to_have_count(0)
    expect(page.locator("[data-listen-slot] [data-listen-none]")).to_have_text(
        "Listen: this browser cannot read pages aloud."
    )
    expect(page.locator("[data-prereq-note]")).to_be_visible()  # the rest of the frame runs
    click_instant(page, page.locator("header a.md-logo"), base)
    assert errors == []


# -- 5. corrupted and throwing storage -------------------------------------------------

HOSTILE = "<img src=x onerror=window.__pwned=1>GARBAGE"
GARBAGE = [
    "{not json",
    "[]",
    "null",
    "1e999",
    json.dumps(HOSTILE),
    json.dumps({"__proto__": {"polluted": HOSTILE}, "04-softmax": HOSTILE}),
    json.dumps({"slug": QUIZ_LESSON, "title": HOSTILE, "path": "//evil.example/GARBAGE"}),
    json.dumps({"slug": "99-GARBAGE", "title": HOSTILE, "path": "/GARBAGE/"}),
    json.dumps(
        {
            "v": 1,
            "title": HOSTILE,
            "best": "GARBAGE",
            "pass": -3,
            "fps": ["GARBAGE", 7],
            "q": {"GARBAGE": {"a": HOSTILE, "r": "correct"}},
        }
    ),
]


def test_progress_stored_by_earlier_versions_is_kept(page: Page, served_site):
    """A learner's quiz progress under the quiz's old prefix and the lessons they opened
    show on the home page and the lesson as before; the quiz's record now lives under the
    one prefix and the old key is gone."""
    base, _ = served_site
    errors = watch_errors(page)
    visit(page, lesson_url(base, QUIZ_LESSON))
    answer_quiz_right(page)
    record = page.evaluate("k => JSON.parse(localStorage.getItem(k))", QUIZ_KEY)
    total = len(record["fps"])
    page.evaluate(
        """([old, k, v, visited]) => {
            localStorage.clear();
            localStorage.setItem(old, v);
            localStorage.setItem("afp:visited", visited);
        }""",
        [OLD_QUIZ_KEY, QUIZ_KEY, json.dumps(record), json.dumps({PREREQ: 1, QUIZ_LESSON: 2})],
    )
    support.storage_settled(page)
    visit(page, base)
    expect(page.locator(f"[data-progress-for='{QUIZ_LESSON}']")).to_have_text(
        f"✓ quiz passed ({total} / {total})"
    )
    expect(page.locator(f"[data-progress-for='{PREREQ}']")).to_have_text("○ opened")
    assert page.evaluate("k => JSON.parse(localStorage.getItem(k))", QUIZ_KEY) == record
    assert OLD_QUIZ_KEY not in stored_keys(page)
    click_instant(
        page,
        page.locator(f".syllabus a[data-lesson='{QUIZ_LESSON}']"),
        lesson_url(base, QUIZ_LESSON),
    )
    expect(page.locator("[data-prereq-note]")).to_be_hidden()  # the prerequisite was opened
    states = page.locator("form.quiz [data-quiz-q]").evaluate_all(
        "qs => qs.map(q => q.getAttribute('data-quiz-state'))"
    )
    assert states == ["correct"] * total, states
    assert errors == []


def test_progress_of_a_renamed_lesson_follows_it(page: Page, served_site):
    """Lesson 17 became lesson 25 (mkdocs.yml, course: renamed_lessons): a learner's visit,
    "continue" and quiz answers stored under the old slug show for the new one, and no key
    of the old slug is left; the new slug's own record, if any, is not overwritten."""
    base, _ = served_site
    old, new = "17-cost-and-scale", "25-cost-and-scale"
    errors = watch_errors(page)
    visit(page, base)
    assert f"{old}={new}" in page.locator('meta[name="afp-moved"]').get_attribute("content")
    answers = {"v": 2, "fps": {}, "note": "answers of the old lesson 17"}
    mine = {"v": 2, "fps": {}, "note": "lesson 27's own answers"}
    page.evaluate(
        """([old, answers, mine]) => {
            localStorage.clear();
            localStorage.setItem("afp:visited", JSON.stringify({[old]: 5}));
            localStorage.setItem("afp:last", JSON.stringify(
                {slug: old, title: "Costs", path: `/lessons/${old}/`}));
            localStorage.setItem(`afp:quiz:${old}`, JSON.stringify(answers));
            localStorage.setItem("afp:quiz:19-verify-before-trust", JSON.stringify(answers));
            localStorage.setItem("afp:quiz:27-verify-before-trust", JSON.stringify(mine));
        }""",
        [old, answers, mine],
    )
    support.storage_settled(page)
    visit(page, base)
    expect(page.locator(f"[data-progress-for='{new}']")).to_have_text("○ opened")
    expect(page.locator("[data-course-continue] a")).to_have_attribute(
        "href", re.compile(rf"lessons/{new}/$")
    )
    keys = stored_keys(page)
    assert not [k for k in keys if old in k or "19-verify" in k], keys
    stored = page.evaluate("k => JSON.parse(localStorage.getItem(k))", f"afp:quiz:{new}")
    assert stored == answers
    kept = page.evaluate(
        "() => JSON.parse(localStorage.getItem('afp:quiz:27-verify-before-trust'))"
    )
    assert kept == mine
    assert errors == []


def assert_no_garbage(page: Page) -> None:
    body = page.locator("body").inner_text()
    assert "GARBAGE" not in body and "evil" not in body and "[object" not in body
    assert page.locator("a[href*='evil'], a[href*='GARBAGE'], img[src='x']").count() == 0
    assert page.evaluate("() => window.__pwned === undefined && ({}).polluted === undefined")


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_corrupted_storage_is_ignored(page: Page, served_site, garbage):
    base, _ = served_site
    errors = watch_errors(page)
    visit(page, base)
    keys = [*AFP_KEYS, QUIZ_KEY, "afp:quiz:GARBAGE", OLD_QUIZ_KEY, "attention-quiz:v1:GARBAGE"]
    page.evaluate("([keys, v]) => keys.forEach(k => localStorage.setItem(k, v))", [keys, garbage])
    support.storage_settled(page)
    visit(page, base)
    expect(page.locator(".syllabus a[data-lesson]")).to_have_count(len(LESSONS))
    allowed = {"", "○ opened"}  # a record that is an object marks lessons as opened at most
    assert all(text_ in allowed for text_, _ in marks(page).values()), marks(page)
    go_on = page.locator("[data-course-continue] a")
    if go_on.count():  # only a well-formed slug of a real lesson, shown with its real title
        expect(go_on).to_have_text(f"Continue where you left off: {LESSONS[QUIZ_LESSON].title}")
        assert go_on.evaluate("a => a.href") == lesson_url(base, QUIZ_LESSON)
    assert_no_garbage(page)

    # lessons still work, and visits are recorded again over the garbage
    click_instant(
        page, page.locator(f".syllabus a[data-lesson='{PREREQ}']"), lesson_url(base, PREREQ)
    )
    assert_no_garbage(page)
    click_instant(page, page.locator("a.md-footer__link--next"), lesson_url(base, QUIZ_LESSON))
    expect(page.locator("[data-prereq-note]")).to_be_hidden()
    expect(page.locator("form.quiz[data-quiz-ready]")).to_have_count(1)
    assert_no_garbage(page)
    click_instant(page, page.locator("header a.md-logo"), base)
    expect(page.locator("[data-course-continue] a")).to_have_text(
        f"Continue where you left off: {LESSONS[QUIZ_LESSON].title}"
    )
    assert marks(page)[PREREQ][0] == "○ opened"
    assert errors == []


THROWING_METHODS = """
(() => {
  const deny = function () { throw new DOMException('storage denied', 'SecurityError'); };
  for (const name of ['getItem', 'setItem', 'removeItem', 'key', 'clear'])
    Storage.prototype[name] = deny;
  Object.defineProperty(Storage.prototype, 'length', {get: deny});
})();
"""
THROWING_GETTER = """
Object.defineProperty(window, 'localStorage', {configurable: true,
  get() { throw new DOMException('storage denied', 'SecurityError'); }});
"""


@pytest.mark.parametrize(
    "script", [THROWING_METHODS, THROWING_GETTER], ids=["methods-throw", "getter-throws"]
)
def test_storage_that_throws(page: Page, served_site, script):
    base, _ = served_site
    errors = watch_errors(page)
    page.add_init_script(script)
    visit(page, base)
    assert page.evaluate(
        "() => { try { localStorage.getItem('x'); return false; } catch (e) { return true; } }"
    )
    expect(page.locator(".syllabus a[data-lesson]")).to_have_count(len(LESSONS))
    assert all(v == ["", "none"] for v in marks(page).values())
    expect(page.locator("[data-course-continue]")).to_be_hidden()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset all progress").click()
    expect(page.locator(".course-reset__status")).to_have_text("Progress reset.")

    click_instant(
        page,
        page.locator(f".syllabus a[data-lesson='{QUIZ_LESSON}']"),
        lesson_url(base, QUIZ_LESSON),
    )
    expect(page.locator("[data-prereq-note]")).to_contain_text(LESSONS[PREREQ].title)
    expect(page.locator("[data-reading-time]")).to_be_visible()
    answer_quiz_right(page)  # the quiz works, it just cannot remember
    click_instant(page, page.locator("header a.md-logo"), base)
    assert all(v == ["", "none"] for v in marks(page).values())
    visit(page, lesson_url(base, PREREQ))
    assert errors == [], errors


# -- 6. print -------------------------------------------------------------------------


def test_print_shows_the_lesson_and_its_figures_without_navigation(page: Page, served_site):
    base, _ = served_site
    visit(page, lesson_url(base, QUIZ_LESSON))
    chrome = [
        ".md-header",
        ".md-sidebar--primary",
        ".md-sidebar--secondary",
        ".md-footer",
        "[data-listen-slot]",
        ".lesson-frame__download",
    ]
    figures = page.locator("article figure.lesson-figure")
    assert figures.count() >= 1
    for selector in chrome[:4]:  # on screen they are there
        expect(page.locator(selector).first).to_be_visible()

    page.emulate_media(media="print")
    for selector in chrome + [".md-top", ".md-search", "nav.md-nav"]:
        for i in range(page.locator(selector).count()):
            expect(page.locator(selector).nth(i)).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".lesson-frame__objectives")).to_be_visible()
    for i in range(figures.count()):
        figure = figures.nth(i)
        expect(figure).to_be_visible()
        box = figure.locator("svg, img").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, box
    # the lesson uses the page width once the sidebars are gone
    content = page.locator(".md-content").bounding_box()
    assert content["width"] > 0.8 * page.viewport_size["width"], content

    page.emulate_media(media="screen")
    expect(page.locator(".md-header")).to_be_visible()


# -- 7. reading time ------------------------------------------------------------------


def page_markdown(slug: str) -> str:
    """The lesson's Markdown as the course plugin sees it: no front matter, values in."""
    source = (DOCS / "lessons" / f"{slug}.md").read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", source, count=1, flags=re.S)
    cache = Path(os.environ.get("LESSONS_CACHE_DIR", ROOT / ".cache" / "lessons"))
    values_file = ROOT / cache / "outputs" / slug / "values.json"
    values = json.loads(values_file.read_text(encoding="utf-8")) if values_file.is_file() else {}
    return lesson_pages.substitute_values(body, values, slug)


def test_reading_time_is_shown_and_grows_with_the_prose(page: Page, served_site):
    base, _ = served_site
    # a lesson value such as 0.991 is read as one word, not two
    assert text.reading_minutes("the weight 0.991 " * 66, 200) == 1
    minutes = {slug: text.reading_minutes(page_markdown(slug), 200) for slug in LESSONS}
    short = min(minutes, key=minutes.get)
    long = max(minutes, key=minutes.get)
    assert minutes[short] < minutes[long]
    shown = {}
    for slug in (short, long):
        visit(page, lesson_url(base, slug))
        label = page.locator(".lesson-frame__meta [data-reading-time]")
        expect(label).to_be_visible()
        shown[slug] = int(re.fullmatch(r"(\d+) min read", label.inner_text().strip()).group(1))
    assert shown == {short: minutes[short], long: minutes[long]}
    assert shown[short] < shown[long]
