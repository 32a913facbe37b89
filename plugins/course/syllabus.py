"""The course syllabus on the home page: phases as cards, lessons with minutes and progress,
and the start block (the course in one line, "Start with lesson 1", "Continue").

Generated as Markdown (Material's "grid cards" list) so MkDocs checks every link and
rewrites it for wherever the site is hosted. Progress marks are empty placeholders that
the course script fills from the learner's quiz results in the browser.
"""

from __future__ import annotations

from .frontmatter import LessonInfo


def render(lessons: list[LessonInfo], phases: list[str], from_dir: str) -> str:
    """Markdown for the syllabus with its start block above it; ``from_dir`` is the home
    page's folder relative to docs."""
    return start(lessons, phases, from_dir) + "\n" + cards(lessons, phases, from_dir)


def _prefix(from_dir: str) -> str:
    return "" if not from_dir else "../" * (from_dir.count("/") + 1)


def start(lessons: list[LessonInfo], phases: list[str], from_dir: str) -> str:
    """The course in one line (lessons, phases, total time), a button to the first lesson
    and the slot where the course script puts "Continue where you left off"."""
    total = sum(lesson.minutes for lesson in lessons)
    out = [
        f'<p class="syllabus-summary">{len(lessons)} lessons in {len(phases)} phases, '
        f"about {total // 60} h {total % 60:02d} min in all.</p>",
        "",
        '<div class="course-start" markdown>',
        "",
    ]
    if lessons:
        first = lessons[0]
        out += [
            f"[Start with lesson {first.number}]({_prefix(from_dir)}{first.path})"
            '{ .md-button .md-button--primary data-course-start="" }',
            "",
        ]
    out += [
        '<div class="course-continue" data-course-continue hidden></div>',
        "",
        "</div>",
        "",
    ]
    return "\n".join(out)


def cards(lessons: list[LessonInfo], phases: list[str], from_dir: str) -> str:
    """The phases as cards, each lesson with its minutes and an empty progress mark."""
    prefix = _prefix(from_dir)
    out = ['<div class="grid cards syllabus" markdown>', ""]
    for number, phase in enumerate(phases, start=1):
        in_phase = [lesson for lesson in lessons if lesson.phase == phase]
        if not in_phase:
            continue
        minutes = sum(lesson.minutes for lesson in in_phase)
        out += [
            f'-   **Phase {number} · {phase}** <span class="syllabus-minutes">{minutes} min</span>',
            "",
            "    ---",
            "",
        ]
        for lesson in in_phase:
            out.append(
                f'    - <span class="syllabus-num">{lesson.number}</span> '
                f"[{lesson.title}]({prefix}{lesson.path})"
                f'{{ data-lesson="{lesson.slug}" }} <span class="syllabus-minutes">'
                f"{lesson.minutes} min</span>"
                f' <span class="syllabus-progress" data-progress-for="{lesson.slug}"></span>'
            )
        out.append("")
    out += ["</div>", "", '<p class="course-reset" data-course-reset hidden></p>', ""]
    return "\n".join(out)
