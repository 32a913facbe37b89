"""What the quiz engine's tests share: where the fixtures are (quiz files, a small site that
shows them) and the course code answer_from calls."""

from __future__ import annotations

from pathlib import Path

from plugins.quiz.answers import CodePackage

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_FIXTURE = FIXTURES / "site"
# The course code answer_from calls (the plugin's defaults)
COURSE_CODE = CodePackage("lesson_code", ("lesson_code.lessons",))
