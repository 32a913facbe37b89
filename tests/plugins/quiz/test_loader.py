"""The safe YAML loader: positions, what it keeps as written, and what it refuses."""

from __future__ import annotations

import pytest

from plugins.quiz import loader
from plugins.quiz.errors import QuizError
from plugins.quiz.loader import parse


def test_every_node_has_its_line_and_column():
    root = parse("title: x\nquestions:\n  - type: single\n    prompt: 'p'\n", "q.yaml")
    assert (root.line, root.col) == (1, 1)
    questions = root.value["questions"]
    assert (questions.line, questions.col) == (3, 3)
    first = questions.value[0]
    assert (first.line, first.col) == (3, 5)
    prompt = first.value["prompt"]
    assert (prompt.line, prompt.col, prompt.raw, prompt.quoted) == (4, 13, "p", True)
    assert first.keys["prompt"].line == 4 and first.keys["prompt"].col == 5


def test_scalars_keep_their_source_text_and_resolved_value():
    root = parse("a: 0.50\nb: yes\nc: '7'\nd: ~\ne: 12\n", "q.yaml")
    a, b, c, d, e = (root.value[k] for k in "abcde")
    assert (a.tag, a.value, a.raw) == ("float", 0.5, "0.50")
    assert (b.tag, b.value, b.raw) == ("bool", True, "yes")
    assert (c.tag, c.value, c.quoted) == ("str", "7", True)
    assert (d.tag, d.value) == ("null", None)
    assert (e.tag, e.value) == ("int", 12)


def test_timestamps_stay_text():
    root = parse("when: 2024-01-02\n", "q.yaml")
    assert root.value["when"].tag == "str"
    assert root.value["when"].value == "2024-01-02"


def test_plain_yaml_tags_are_allowed():
    root = parse("a: !!str 12\nb: !!int '3'\nc: !!seq [1]\nd: !!map {x: 1}\n", "q.yaml")
    assert root.value["a"].value == "12"
    assert root.value["b"].value == 3
    assert root.value["c"].kind == "seq" and root.value["d"].kind == "map"


def test_a_byte_order_mark_is_accepted():
    root = parse("\ufefftitle: x\n".encode(), "q.yaml")
    assert root.value["title"].value == "x"


def test_aliases_are_shared_and_counted():
    root = parse("a: &x [1, 2, 3]\nb: *x\nc: *x\n", "q.yaml")
    assert root.value["b"] is root.value["a"]
    assert root.size == 1 + 3 * 4 + 3 * 1  # the map, three lists of 4 nodes, three keys


def test_alias_count_is_limited():
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * (loader.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(QuizError) as info:
        parse(text, "q.yaml")
    assert f"more than {loader.MAX_ALIASES} aliases" in str(info.value)


@pytest.mark.parametrize("depth", [loader.MAX_DEPTH + 1, 500, 5000])
def test_deep_nesting_stops_at_the_limit_without_recursion(depth):
    with pytest.raises(QuizError) as info:
        parse("a: " + "[" * depth + "]" * depth + "\n", "q.yaml")
    assert f"nesting deeper than {loader.MAX_DEPTH} levels" in str(info.value)


def test_nesting_at_the_limit_is_fine():
    depth = loader.MAX_DEPTH - 1  # plus the top-level mapping
    root = parse("a: " + "[" * depth + "]" * depth + "\n", "q.yaml")
    assert root.value["a"].kind == "seq"


def test_the_error_is_the_only_exception_type():
    for text in ["a: b: c", "{", "- [", "a: 'unterminated", "%YAML 9.9\n---\na", "a: *nowhere"]:
        with pytest.raises(QuizError) as info:
            parse(text, "q.yaml")
        assert str(info.value).startswith("q.yaml:")
