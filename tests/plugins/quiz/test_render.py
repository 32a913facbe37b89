"""The HTML of a quiz: structure per question type, escaping, the JSON for the script,
and what works without JavaScript."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from plugins.quiz import answers
from plugins.quiz.model import fingerprint
from plugins.quiz.render import MarkdownRenderer, Strings, answer_text, render_quiz
from plugins.quiz.validate import load_file, load_quiz

from .paths import COURSE_CODE, FIXTURES

DEMO = FIXTURES / "site" / "quizzes" / "01-demo.yaml"


def demo_quiz():
    quiz = load_file(str(DEMO), "01-demo.yaml")
    assert answers.resolve([quiz], COURSE_CODE) == []
    return quiz


@pytest.fixture(scope="module")
def soup():
    return BeautifulSoup(render_quiz(demo_quiz(), quiz_id="01-demo"), "html.parser")


def data_of(soup) -> dict:
    return json.loads(soup.select_one("template[data-quiz-data]").string)


def question(soup, n):
    return soup.select("fieldset[data-quiz-q]")[n]


def test_the_form_is_named_by_the_quiz_title(soup):
    form = soup.select_one("form.quiz")
    heading = soup.find(id=form["aria-labelledby"])
    assert heading.name == "h3" and heading.get_text() == "Demo quiz: every type"
    assert form["data-quiz"] == "01-demo" and form["id"] == "quiz-01-demo"
    assert form.has_attr("novalidate")
    # search finds the questions (title and prompts) but never options, answers or keys
    assert not form.has_attr("data-search-exclude")
    for part in form.select(".quiz__body, .quiz__result, .quiz__reveal, template"):
        assert part.has_attr("data-search-exclude"), part.name


def test_each_question_is_a_fieldset_with_a_legend_status_and_answer(soup):
    fieldsets = soup.select("fieldset[data-quiz-q]")
    assert len(fieldsets) == 8
    types = [f["data-quiz-type"] for f in fieldsets]
    assert types == ["single", "multiple", "truefalse", "numeric", "text", "free", "order", "match"]
    for n, fieldset in enumerate(fieldsets):
        legend = fieldset.find("legend", recursive=False)
        assert legend.get_text().startswith(f"Question {n + 1} of 8")
        status = fieldset.select("[role=status]")
        assert len(status) == 1 and status[0].get_text() == "" and status[0]["tabindex"] == "-1"
        check = fieldset.select("button[data-quiz-check]")
        assert [b.get_text() for b in check] == ["Check"] and check[0]["type"] == "button"
        assert check[0].find_parent(attrs={"data-quiz-actions": True}).has_attr("hidden")
        reveal = fieldset.select_one("details[data-quiz-reveal]")
        assert reveal.summary.get_text() == "Show answer"


def test_every_input_has_a_label(soup):
    for control in soup.select("form.quiz input, form.quiz select, form.quiz textarea"):
        label = soup.select_one(f"label[for='{control['id']}']")
        assert label is not None and label.get_text().strip(), control
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids))


def test_single_and_multiple_choices(soup):
    single, multiple = question(soup, 0), question(soup, 1)
    radios = single.select("input[type=radio][data-quiz-option]")
    assert sorted(r["value"] for r in radios) == ["0", "1", "2"]
    assert [r["value"] for r in radios] != ["0", "1", "2"]  # shuffled by default
    assert len({r["name"] for r in radios}) == 1
    boxes = multiple.select("input[type=checkbox][data-quiz-option]")
    shown = [b["value"] for b in boxes]
    assert sorted(shown) == ["0", "1", "2", "3"]
    why = {
        li["data-quiz-fb"]: li["data-quiz-state"] for li in multiple.select("details li.quiz__fb")
    }
    assert why == {"0": "correct", "1": "incorrect", "2": "correct", "3": "incorrect"}
    # the answer key lists the options in the order they are shown
    assert [li["data-quiz-fb"] for li in multiple.select("details li.quiz__fb")] == shown
    assert "3 is odd." in multiple.select_one("details [data-quiz-fb='1']").get_text()


def test_truefalse(soup):
    tf = question(soup, 2)
    assert [r["value"] for r in tf.select("input[type=radio]")] == ["true", "false"]
    assert [lab.get_text() for lab in tf.select(".quiz__options label")] == ["True", "False"]
    assert tf.select_one(".quiz__key p").get_text() == "Answer: True"
    assert tf.select_one("[data-quiz-fb='false'] math") is not None  # Markdown math in feedback


def test_numeric_and_text_inputs(soup):
    numeric, text = question(soup, 3), question(soup, 4)
    field = numeric.select_one("input[data-quiz-input]")
    assert field["type"] == "text" and field["inputmode"] == "decimal"
    assert (
        numeric.select_one(".quiz__key").get_text() == "Answer: 0.731 (answers within ±0.001 count)"
    )
    assert text.select_one("input[data-quiz-input]")["type"] == "text"
    assert text.select_one(".quiz__key").get_text() == "Accepted answers: softmax, soft max"
    assert numeric.select_one("legend math") is not None


def test_free_response_has_a_textarea_a_self_check_and_the_model_answer(soup):
    free = question(soup, 5)
    assert free.select_one("textarea[data-quiz-input]") is not None
    self_check = free.select_one("fieldset[data-quiz-self]")
    assert self_check.has_attr("hidden")
    assert [r["value"] for r in self_check.select("input[type=radio]")] == ["yes", "no"]
    assert "It keeps some weight" in free.select_one("details .quiz__model").get_text()


def test_order_shows_items_shuffled_with_a_position_select(soup):
    order = question(soup, 6)
    selects = order.select("select[data-quiz-item]")
    shown = [int(s["data-quiz-item"]) for s in selects]
    assert sorted(shown) == [0, 1, 2, 3] and shown != [0, 1, 2, 3]
    assert [o["value"] for o in selects[0].select("option")] == ["", "1", "2", "3", "4"]
    label = order.select_one(f"label[for='{selects[0]['id']}']").get_text()
    assert label.startswith("Position of ")
    assert [li.get_text() for li in order.select("details ol li")][0] == "Project X to Q, K and V"


def test_match_has_one_select_per_left_with_every_right_and_the_distractor(soup):
    match = question(soup, 7)
    selects = match.select("select[data-quiz-left]")
    assert [s["data-quiz-left"] for s in selects] == ["0", "1", "2"]
    options = {o["value"]: o.get_text() for o in selects[0].select("option")}
    assert options[""] == "Choose…"
    assert options["0"] == "what this token is looking for"
    assert options["3"] == "how long the sentence is"
    assert [o["value"] for o in selects[0].select("option")][1:] != ["0", "1", "2", "3"]


def test_footer_has_reset_and_score_hidden_until_the_script_runs(soup):
    footer = soup.select_one("[data-quiz-footer]")
    assert footer.has_attr("hidden")
    assert footer.select_one("button[data-quiz-reset]").get_text() == "Reset"
    score = footer.select_one("[data-quiz-score]")
    assert score.get_text() == "Score: 0 / 8" and score["aria-live"] == "polite"
    assert soup.select("button[data-quiz-check-all]") == []  # immediate mode


def test_the_answer_key_for_the_script(soup):
    """JSON in an inert <template>: Material's instant navigation would run a <script>."""
    assert soup.select("script") == []
    data = data_of(soup)
    assert data["id"] == "01-demo" and data["mode"] == "immediate" and data["passMark"] == 0.7
    keys = data["questions"]
    quiz = demo_quiz()
    assert [k["fingerprint"] for k in keys] == [fingerprint(q) for q in quiz.questions]
    assert keys[0] == {
        "type": "single",
        "correct": [1],
        "count": 3,
        "fingerprint": keys[0]["fingerprint"],
        "id": "pick-b",
        "reveal": 3,  # wrong tries before the answer is shown (the quiz's default)
        "first": True,  # a choice question scores on its first answer only
    }
    assert keys[1]["correct"] == [0, 2]
    assert keys[2]["correct"] is True
    assert keys[3]["answer"] == pytest.approx(0.7310585786) and keys[3]["tolerance"] == 0.001
    assert (
        keys[4]["accept"] == ["softmax", "soft max"] and keys[4]["pattern"] == "^soft[- ]?arg ?max$"
    )
    assert keys[3]["first"] is False and keys[4]["first"] is False
    assert "reveal" not in keys[5] and "first" not in keys[5]  # free: self-assessed
    assert keys[6]["count"] == 4 and keys[6]["ranges"] == [[1, 1], [2, 2], [3, 3], [4, 4]]
    assert keys[7] == {**keys[7], "count": 3, "choices": 4}
    assert data["strings"]["score"] == "Score: {score} / {total}"


def test_end_mode_has_one_check_button_at_the_end():
    text = (
        "title: T\nmode: end\nquestions:\n"
        "  - type: truefalse\n    prompt: p\n    answer: true\n    feedback_true: a\n"
        "    feedback_false: b\n    explanation: e\n"
    )
    soup = BeautifulSoup(render_quiz(load_quiz(text, "t.yaml"), quiz_id="t"), "html.parser")
    assert soup.select("button[data-quiz-check]") == []
    buttons = soup.select("[data-quiz-footer] button")
    assert [b.get_text() for b in buttons] == ["Check", "Reset"]


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_hostile_text_is_escaped_everywhere():
    text = f"""
title: '{HOSTILE}'
intro: '{HOSTILE}'
questions:
  - type: single
    prompt: '{HOSTILE}'
    options:
      - {{text: '{HOSTILE}', correct: true, feedback: '{HOSTILE}'}}
      - {{text: 'b', feedback: 'b'}}
    explanation: '{HOSTILE}'
  - type: match
    prompt: p
    pairs:
      - {{left: '{HOSTILE}', right: '{HOSTILE}'}}
      - {{left: 'x', right: '</option></select><script>alert(3)</script>'}}
    explanation: e
  - type: text
    prompt: p
    accept: ['</script><script>alert(4)</script>']
    explanation: e
"""
    html = render_quiz(load_quiz(text, "h.yaml"), quiz_id="h")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select("img") == []
    assert soup.select("script") == []
    data = soup.select("template[data-quiz-data]")
    assert len(data) == 1 and list(data[0].children) == [data[0].string]  # one text node
    assert "<" not in data[0].string
    assert "&" not in html.split("<template data-quiz-data data-search-exclude>")[1]
    assert json.loads(data[0].string)["questions"][2]["accept"] == [
        "</script><script>alert(4)</script>"
    ]
    assert soup.select_one("h3").get_text() == HOSTILE
    assert HOSTILE in soup.select_one("legend").get_text()
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    options = [o.get_text() for o in soup.select("select[data-quiz-left] option")]
    assert "</option></select><script>alert(3)</script>" in options


def test_markdown_code_math_and_raw_html_handling():
    md = MarkdownRenderer()
    assert md.inline("use `x` and $\\sqrt{d_k}$").startswith("use <code>x</code> and <math")
    assert md.inline("a <b>bold</b>") == "a &lt;b&gt;bold&lt;/b&gt;"
    assert md.block("para one\n\npara two").count("<p>") == 2
    assert md.plain("the $QK^\\top$ *scores*") == "the QK^\\top scores"


def test_shuffle_is_deterministic_and_keeps_values():
    text = (
        "title: T\nshuffle: true\nquestions:\n  - type: single\n    prompt: p\n    options:\n"
        + "".join(
            f"      - {{text: o{i}, feedback: f, correct: {str(i == 3).lower()}}}\n"
            for i in range(6)
        )
        + "    explanation: e\n"
    )
    first = BeautifulSoup(render_quiz(load_quiz(text, "s.yaml"), quiz_id="s"), "html.parser")
    again = BeautifulSoup(render_quiz(load_quiz(text, "s.yaml"), quiz_id="s"), "html.parser")
    order = [i["value"] for i in first.select("input[data-quiz-option]")]
    assert order == [i["value"] for i in again.select("input[data-quiz-option]")]
    assert sorted(order) == ["0", "1", "2", "3", "4", "5"] and order != sorted(order)
    labels = {
        i["value"]: first.select_one(f"label[for='{i['id']}']").get_text()
        for i in first.select("input[data-quiz-option]")
    }
    assert labels == {str(i): f"o{i}" for i in range(6)}
    kept = text.replace("shuffle: true", "shuffle: false\nshuffle_reason: a scale")
    plain = BeautifulSoup(render_quiz(load_quiz(kept, "s.yaml"), quiz_id="s"), "html.parser")
    assert [i["value"] for i in plain.select("input[data-quiz-option]")] == sorted(order)
    # every option keeps its place in the browser too
    assert len(plain.select(".quiz__option[data-quiz-pin]")) == 6


def test_pinned_options_keep_their_place_and_the_others_are_shuffled():
    def options(pins):
        return "".join(
            f"      - {{text: o{i}, feedback: f, correct: {str(i == 0).lower()}"
            f"{', pin: true' if i in pins else ''}}}\n"
            for i in range(5)
        )

    orders = set()
    for n in range(30):  # a different fingerprint (prompt) each time
        text = (
            f"title: T\nquestions:\n  - type: single\n    prompt: p{n}\n    options:\n"
            + options({4})
            + "    explanation: e\n"
        )
        soup = BeautifulSoup(render_quiz(load_quiz(text, "s.yaml"), quiz_id="s"), "html.parser")
        order = [i["value"] for i in soup.select("input[data-quiz-option]")]
        assert order[4] == "4"  # 'None of the above' stays last
        assert soup.select(".quiz__option")[4].has_attr("data-quiz-pin")
        assert not soup.select(".quiz__option")[0].has_attr("data-quiz-pin")
        orders.add(tuple(order))
    firsts = [order[0] for order in orders]
    assert len(orders) > 10 and set(firsts) == {"0", "1", "2", "3"}  # the key is not always first


def test_order_groups_give_each_item_its_range_of_positions():
    text = (
        "title: T\nquestions:\n  - type: order\n    prompt: p\n"
        "    items: [a, b, c, d, e]\n    groups: [[2, 3]]\n    explanation: e\n"
    )
    soup = BeautifulSoup(render_quiz(load_quiz(text, "s.yaml"), quiz_id="s"), "html.parser")
    assert data_of(soup)["questions"][0]["ranges"] == [[1, 1], [2, 3], [2, 3], [4, 4], [5, 5]]
    assert "Items 2 and 3 may come in either order." in soup.select_one(".quiz__key").get_text()
    wide = text.replace("[[2, 3]]", "[[2, 3, 4]]")
    soup = BeautifulSoup(render_quiz(load_quiz(wide, "s.yaml"), quiz_id="s"), "html.parser")
    assert "Items 2, 3 and 4 may come in either order." in soup.select_one(".quiz__key").get_text()
    shown = [int(s["data-quiz-item"]) for s in soup.select("select[data-quiz-item]")]
    assert shown not in ([0, 1, 2, 3, 4], [0, 2, 1, 3, 4])  # never shown in a right order


@pytest.mark.parametrize(
    ("answer", "tolerance", "shown"),
    [
        (1048576.0, 0.5, "1,048,576"),
        (1048576.0, 0.0, "1,048,576"),
        (1.4, 0.0001, "1.4"),
        (0.7310585786, 0.005, "0.731"),
        (0.7310585786, 0.0, "0.7310585786"),  # exact: every digit
        (8000000.0, 1000.0, "8,000,000"),
        (2.5e-7, 1e-8, "0.00000025"),
        (-0.0001, 0.01, "0"),
        (1234.5, 0.05, "1234.5"),
        (1234.5, 0.0, "1234.5"),
    ],
)
def test_numeric_keys_show_the_precision_the_tolerance_implies(answer, tolerance, shown):
    assert answer_text(answer, tolerance) == shown


def test_strings_are_translatable():
    strings = Strings(
        check="Prüfen",
        reset="Zurücksetzen",
        show_answer="Lösung zeigen",
        question="Frage {n} von {total}",
        score="Punkte: {score} / {total}",
    )
    soup = BeautifulSoup(render_quiz(demo_quiz(), quiz_id="d", strings=strings), "html.parser")
    assert soup.select_one("button[data-quiz-check]").get_text() == "Prüfen"
    assert soup.select_one("button[data-quiz-reset]").get_text() == "Zurücksetzen"
    assert soup.select_one("summary").get_text() == "Lösung zeigen"
    assert soup.select_one("legend").get_text().startswith("Frage 1 von 8")
    assert data_of(soup)["strings"]["score"] == "Punkte: {score} / {total}"


def test_without_javascript_the_answers_are_in_the_page(soup):
    """No script: every question shows, and its details hold the key and the explanation."""
    for fieldset in soup.select("fieldset[data-quiz-q]"):
        details = fieldset.select_one("details")
        assert details.select_one(".quiz__key").get_text().strip()
        assert details.select_one("[data-quiz-explanation]").get_text().strip()
    visible_controls = [
        b for b in soup.select("button") if not b.find_parent(attrs={"hidden": True})
    ]
    assert visible_controls == []
