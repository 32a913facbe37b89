"""`make bench`: one table of the project's speed and size figures, from one run.

Builds run in a scratch copy of the project (your checkout and its cache are not
touched): cold (empty lesson cache), warm (nothing changed), one-lesson edit, and a plain
Material build of the same pages with our plugins off. Sizes are read from the warm
build's output. The table is printed and written to bench.json.

This is a benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUR_PLUGINS = ("lessons", "quiz", "explorer")
EDIT_LESSON = "lesson_code/lessons/04_softmax.py"
MKDOCS_QUIZ = {"raw": 61_131, "gz": 14_200}  # mkdocs-quiz's inlined JS+CSS, per page
RESULTS = ROOT / "bench.json"
SUITE_TIMING = ROOT / ".cache" / "bench" / "test-suite.json"


def copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", "site", ".cache", ".git", "__pycache__",
                                    "*.egg-info", "bench.json", ".pytest_cache", ".hypothesis")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def plain_config(text: str, outputs_dir: str) -> str:
    """mkdocs.yml without our plugins; snippets read the lesson outputs already on disk.

    The pages then render the same text, code and figures (placeholders stay as typed),
    so the build does the same Markdown and theme work without any of our plugin work.
    """
    lines = text.splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        entry = re.match(r"^  - (\w[\w-]*):?\s*$", line)
        if entry and entry.group(1) in OUR_PLUGINS:
            skipping = True
            continue
        if skipping and (line.startswith("      ") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    plain = "\n".join(out) + "\n"
    return plain.replace('base_path: ["."]', f'base_path: [".", "{outputs_dir}"]')


def timed_build(project: Path, config: str, env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", "site"],
        cwd=project, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench: build failed ({config}):\n{result.stderr[-3000:]}")
    return seconds


def build_times() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        project = copy_project(Path(tmp) / "project")
        cache = project / ".cache" / "lessons"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LESSONS_CACHE_DIR": str(cache),
               "SITE_URL": "http://127.0.0.1:8000/"}
        cold = timed_build(project, "mkdocs.yml", env)
        warm = min(timed_build(project, "mkdocs.yml", env) for _ in range(3))
        plain_yml = project / "mkdocs.plain.yml"
        plain_yml.write_text(plain_config((project / "mkdocs.yml").read_text(),
                                          str(cache / "outputs")))
        plain = min(timed_build(project, "mkdocs.plain.yml", env) for _ in range(3))
        script = project / EDIT_LESSON
        script.write_text(script.read_text() + "\n# edited by make bench\n")
        started = time.perf_counter()
        lesson_run = subprocess.run(
            [sys.executable, str(script)], cwd=tmp, capture_output=True,
            env={**env, "MPLBACKEND": "Agg", "PYTHONPATH": str(project)},
        )
        lesson_seconds = time.perf_counter() - started
        assert lesson_run.returncode == 0, lesson_run.stderr
        script.write_text(script.read_text() + "# edited again\n")
        edit = timed_build(project, "mkdocs.yml", env)
        sizes = page_sizes(project / "site")
    return {
        "cold_s": cold, "warm_s": warm, "edit_s": edit, "plain_s": plain,
        "edited_lesson_run_s": lesson_seconds,
        "warm_over_plain": warm / plain, "edit_over_plain": edit / plain,
        "edit_budget_s": plain + lesson_seconds, "sizes": sizes,
    }


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def page_sizes(site: Path) -> dict:
    """HTML plus our own CSS/JS/JSON assets per page (Material's own bundle not counted)."""
    ours = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".css", ".js", ".json")
            and "assets/stylesheets" not in p.as_posix() and "assets/javascripts" not in
            p.as_posix() and p.name not in ("search_index.json",)]
    own_assets = {p.relative_to(site).as_posix(): p.read_bytes() for p in ours}
    result = {}
    lesson_pages = sorted((site / "lessons").glob("*/index.html"))
    largest = max(lesson_pages, key=lambda p: p.stat().st_size, default=None)
    pages = {"home": site / "index.html", "largest lesson": largest,
             "playground": site / "playground" / "index.html"}
    for label, page in pages.items():
        if page is None or not page.is_file():
            continue
        html = page.read_bytes()
        text = html.decode("utf-8", errors="ignore")
        assets = [data for rel, data in own_assets.items() if rel.split("/")[-1] in text]
        raw = len(html) + sum(len(a) for a in assets)
        zipped = gz(html) + sum(gz(a) for a in assets)
        result[label] = {"page": page.parent.relative_to(site).as_posix() or "/",
                         "raw": raw, "gz": zipped}
    return result


def quiz_assets() -> dict | None:
    try:
        from plugins.quiz import assets_size
    except ImportError:
        return None
    return assets_size()


def suite_time() -> dict | None:
    if SUITE_TIMING.is_file():
        return json.loads(SUITE_TIMING.read_text())
    return None


def row(name: str, value: str, note: str = "") -> str:
    return f"| {name:<42} | {value:>14} | {note}"


def main() -> None:
    print("make bench: building in a scratch copy of the project (about a minute)...",
          flush=True)
    builds = build_times()
    data: dict = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                  "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                             f"Python {platform.python_version()}",
                  "builds": builds}
    lines = [f"Benchmarks ({data['when']}, {data['machine']})", "",
             row("measure", "value", "note"), row("-" * 42, "-" * 14, "-" * 30)]
    b = builds
    lines += [
        row("build: cold (lesson cache empty)", f"{b['cold_s']:.2f} s"),
        row("build: warm (nothing changed)", f"{b['warm_s']:.2f} s", "best of 3"),
        row("build: plain Material, our plugins off", f"{b['plain_s']:.2f} s", "best of 3"),
        row("build: one-lesson edit", f"{b['edit_s']:.2f} s",
            f"budget plain + that lesson's run = {b['edit_budget_s']:.2f} s"),
        row("ratio warm / plain", f"{b['warm_over_plain']:.2f}x", "budget <= 1.20x"),
        row("ratio edit / plain", f"{b['edit_over_plain']:.2f}x"),
    ]
    for label, size in b["sizes"].items():
        lines.append(row(f"page weight: {label} ({size['page']})",
                         f"{size['raw']:,} B", f"{size['gz']:,} B gzipped (budget 150 KB gz)"))
    quiz = quiz_assets()
    if quiz:
        data["quiz_assets"] = quiz
        lines.append(row("quiz JS+CSS (loaded once, cached)", f"{quiz['raw']:,} B",
                         f"{quiz['gz']:,} B gz; mkdocs-quiz inlines {MKDOCS_QUIZ['raw']:,} B /"
                         f" {MKDOCS_QUIZ['gz']:,} B gz into every page"))
    suite = suite_time()
    if suite:
        data["test_suite"] = suite
        lines.append(row("test suite wall time (last make test)", f"{suite['seconds']:.0f} s",
                         f"{suite['tests']} tests, {suite['when']}"))
    for extra in extra_measures():
        data.setdefault("extra", []).append(extra)
        lines.append(row(extra["name"], extra["value"], extra.get("note", "")))
    print("\n".join(lines))
    RESULTS.write_text(json.dumps(data, indent=2))
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def extra_measures() -> list[dict]:
    """Browser measures contributed by other parts (explorer, quiz latency, Lighthouse)."""
    found = []
    try:
        from tests.bench_browser import measures
    except ImportError:
        return found
    found.extend(measures())
    return found


if __name__ == "__main__":
    main()
