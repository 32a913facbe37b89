"""The real course site: a strict build, what every lesson page carries, no foreign hosts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from plugins.course.frontmatter import PAGE_RE as LESSON_PAGE_RE
from tests import support

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]

ROOT = support.ROOT
LESSONS = sorted(
    p.stem for p in (ROOT / "docs" / "lessons").glob("*.md") if LESSON_PAGE_RE.match(p.name)
)


def html_of(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", LESSONS)
def test_lesson_page_has_outputs_figure_notebook_and_no_placeholders(served_site, slug):
    _, site = served_site
    html = html_of(site, f"lessons/{slug}")
    assert '<figure class="lesson-figure"' in html and 'role="img" aria-label="' in html
    assert 'href="../notebooks/' + slug + '.ipynb"' in html and " download" in html
    assert "{{" not in re.sub(r"<(code|pre)[\s\S]*?</\1>", "", html), "unfilled {{ value }}"
    assert "--8<--" not in html, "a snippet line was not expanded"
    assert 'class="admonition warning"' in html, "no common-misconception callout"
    notebook = nbformat.read(site / "lessons" / "notebooks" / f"{slug}.ipynb", as_version=4)
    nbformat.validate(notebook)


def test_tracer_lesson_shows_real_output_formula_and_figure(served_site):
    _, site = served_site
    html = html_of(site, "lessons/04-softmax")
    # the value the script computed, in prose and in the printed output
    assert re.search(r"The top score gets a weight of 0\.991", html)
    assert "weights: [0.991  0.006  0.003 ]" in html or "weights: [0.991 0.006 0.003]" in html
    assert "<math" in html and "<msqrt>" in html  # √d_k rendered to MathML at build time
    assert 'aria-label="Grouped bar chart of softmax weights' in html


def test_lab_is_rendered_executed(served_site):
    _, site = served_site
    html = html_of(site, "labs/attention-by-hand")
    assert "matches lesson_code: True" in html


def test_site_references_no_other_host(served_site):
    url, site = served_site
    allowed = {urlparse(url).netloc}
    foreign = []
    attr = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']([^"']+)["']""")
    for page in site.rglob("*.html"):
        for ref in attr.findall(page.read_text(encoding="utf-8")):
            parsed = urlparse(ref)
            if parsed.scheme in ("http", "https") and parsed.netloc not in allowed:
                # outgoing links (<a href>) are allowed; resources are not
                foreign.append((page.relative_to(site).as_posix(), ref))
    resources = [
        (p, r)
        for p, r in foreign
        if not re.search(rf'<a [^>]*href="{re.escape(r)}"', (site / p).read_text())
    ]
    assert not resources, f"resources from other hosts: {resources[:10]}"
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="ignore")
        assert not re.search(r"url\((['\"]?)https?://", text), f"{css} loads from another host"


def test_search_index_contains_lesson_text(served_site):
    _, site = served_site
    index = json.loads((site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "shift invariance" in text.lower()


def test_search_finds_quiz_questions_and_glossary_but_not_answers(served_site):
    import yaml

    _, site = served_site
    index = json.loads((site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    quiz = yaml.safe_load((ROOT / "quizzes" / "04-softmax.yaml").read_text())
    first = quiz["questions"][0]
    assert "someone adds 50 to every score" in text  # a question prompt is findable
    feedback = first["options"][0]["feedback"]
    assert feedback.split("$")[0].strip()[:40] not in text, "quiz feedback leaked into search"
    for option in first["options"]:  # nor the options (a search would give answers away)
        assert option["text"].split("$")[0].strip()[:40] not in text, option["text"]
    assert "The vector a token uses to ask what it is looking for" in text  # glossary


def test_search_finds_formulas_in_their_readable_form(served_site):
    """The search index holds a formula's readable form (√(d_k)), not MathML's bare
    letters ("divide by dk", which reads as a different claim)."""
    _, site = served_site
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    scaling = " ".join(d["text"] for d in docs if d["location"].startswith("lessons/09-scaling/"))
    assert "divided by √(d_k) before the softmax" in scaling
    every = " ".join(d["text"] for d in docs)
    assert not re.search(r"by dk\b", every), "a square root lost in the search index"


def test_home_shows_a_real_heatmap_from_a_lesson(served_site):
    _, site = served_site
    html = html_of(site, "")
    figure = re.search(
        r'<figure class="lesson-figure" id="fig-weights-heatmap">[\s\S]*?</figure>', html
    )
    assert figure and 'aria-label="Annotated 5 by 5 heatmap of attention weights' in figure.group(0)
    assert figure.group(0) in html_of(site, "lessons/07-scores-and-weights")  # the same figure
