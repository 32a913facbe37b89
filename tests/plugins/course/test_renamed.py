"""plugins.course.renamed: where an old lesson slug leads, and mistakes named by line."""

from __future__ import annotations

from plugins.course import renamed

LESSONS = {"25-cost", "26-capstone", "01-rnn"}


def config(tmp_path, body):
    path = tmp_path / "mkdocs.yml"
    path.write_text("plugins:\n  - course:\n      renamed_lessons:\n" + body)
    return path


def test_moves_and_chains_lead_to_the_lesson_now(tmp_path):
    path = config(tmp_path, "        17-cost: 20-cost\n        20-cost: 25-cost\n")
    moved, problems = renamed.resolve({"17-cost": "20-cost", "20-cost": "25-cost"}, LESSONS, path)
    assert problems == []
    assert moved == {"17-cost": "25-cost", "20-cost": "25-cost"}
    assert renamed.meta_content(moved) == "17-cost=25-cost 20-cost=25-cost"


def test_mistakes_name_the_line_and_the_fix(tmp_path):
    body = "        01-rnn: 25-cost\n        18-cap: 26-capstne\n        x: y\n"
    path = config(tmp_path, body)
    mapping = {"01-rnn": "25-cost", "18-cap": "26-capstne", "x": "y"}
    moved, problems = renamed.resolve(mapping, LESSONS, path)
    assert moved == {}
    assert problems[0].startswith("mkdocs.yml:4: renamed_lessons: 01-rnn is a lesson again")
    assert problems[1].startswith("mkdocs.yml:5: renamed_lessons: 18-cap leads to 26-capstne")
    assert problems[2].startswith("mkdocs.yml:6: renamed_lessons: 'x: y' is not")


def test_a_loop_of_moves_is_refused_not_followed_forever(tmp_path):
    path = config(tmp_path, "        10-a: 11-b\n        11-b: 10-a\n")
    moved, problems = renamed.resolve({"10-a": "11-b", "11-b": "10-a"}, LESSONS, path)
    assert moved == {} and len(problems) == 2
