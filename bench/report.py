"""`python -m bench` (`make bench`): one table of the project's speed and size figures.

Builds run in a scratch copy of the project (bench/builds.py): cold, warm, a plain
Material build of the same pages with our plugins off, and a one-lesson edit. Sizes are
read from the warm build's output (bench/sizes.py), and the browser measures
(bench/browser.py: explorer recompute, quiz feedback latency, Lighthouse) run against
that same warm build, served on the port it was built for. The table is printed and
written to bench.json; each measure with a budget (bench/budgets.py) says "ok" or
"OVER BUDGET".

This is a benchmark, not a test: nothing here passes or fails. The deterministic budgets
(sizes) are enforced by the tests, with the same declaration and the same functions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import tempfile
from pathlib import Path

from bench.budgets import BUDGETS, MKDOCS_QUIZ
from bench.builds import EDIT_RUNS, WARM_RUNS, build_times, copy_project, training_time
from bench.sizes import (
    BASE_JS,
    EXPLORER_PARAMS,
    EXPLORER_TRAINED,
    asset_group,
    page_sizes,
    quiz_assets,
)
from tests.support import ROOT, SUITE_TIMING, free_port

RESULTS = ROOT / "bench.json"


def suite_time() -> dict | None:
    if SUITE_TIMING.is_file():
        return json.loads(SUITE_TIMING.read_text())
    return None


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def table(rows: list[tuple[str, str, str]]) -> str:
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [
        f"| {'measure':<{width}} | {'value':>{vwidth}} | note",
        f"| {'-' * width} | {'-' * vwidth} | {'-' * 30}",
    ]
    lines += [f"| {n:<{width}} | {v:>{vwidth}} | {note}" for n, v, note in rows]
    return "\n".join(lines)


def main() -> None:
    print(
        "make bench: builds in a scratch copy of the project, then browser measures "
        "(several minutes)...",
        flush=True,
    )
    load = os.getloadavg()[0]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    data: dict = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "load_average_at_start": load,
    }
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        project = copy_project(Path(tmp) / "project")
        cache = project / ".cache" / "lessons"
        env = {
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "LESSONS_CACHE_DIR": str(cache),
            "SITE_URL": url,
        }
        b = data["builds"] = build_times(project, env)
        training = data["training"] = training_time(project, env)
        site = project / "site"
        sizes = data["sizes"] = page_sizes(site)
        quiz = quiz_assets()
        explorer = asset_group(
            site, "assets/explorer/explorer.js", "assets/explorer/explorer.css", EXPLORER_PARAMS
        )
        base_js = asset_group(site, BASE_JS)
        trained = asset_group(site, EXPLORER_TRAINED)
        browser = extra_measures(site, url)
    warm, edit_build, edit_lesson = (
        BUDGETS[k] for k in ("warm_over_plain", "edit_build_over_plain", "edit_lesson_over_run")
    )
    rows += [
        (
            "build: cold (lesson cache empty)",
            f"{b['cold_s']:.2f} s",
            f"{b['cold_cpu_s']:.1f} s CPU (lesson scripts run in parallel)",
        ),
        (
            "build: warm (nothing changed)",
            f"{b['warm_s']:.2f} s",
            f"{b['warm_cpu_s']:.2f} s CPU; best of {WARM_RUNS}",
        ),
        (
            "build: plain Material, our plugins off",
            f"{b['plain_s']:.2f} s",
            f"{b['plain_cpu_s']:.2f} s CPU; best of {WARM_RUNS}, alternated with warm",
        ),
        (
            "build: one-lesson edit (04 softmax)",
            f"{b['edit_s']:.2f} s",
            f"{b['edit_cpu_s']:.2f} s CPU, best of {EDIT_RUNS} = build "
            f"{b['edit_build_part_cpu_s']:.2f} s (budget {edit_build.limit:g}x plain = "
            f"{b['edit_build_budget_cpu_s']:.2f} s: "
            f"{edit_build.verdict(b['edit_build_part_cpu_s'] / b['plain_cpu_s'])}) + the "
            f"lesson's run in its sandbox {b['edit_lesson_part_cpu_s']:.2f} s (budget "
            f"{edit_lesson.limit:g}x its plain run {b['edited_lesson_run_cpu_s']:.2f} s = "
            f"{b['edit_lesson_budget_cpu_s']:.2f} s: "
            f"{edit_lesson.verdict(b['edit_lesson_part_cpu_s'] / b['edited_lesson_run_cpu_s'])})",
        ),
        (
            "training: lesson 20's model from scratch",
            f"{training['cpu']:.1f} s CPU",
            f"wall {training['wall']:.1f} s; once per fresh clone or change of "
            f"lesson_code/learned (then loaded); budget <= {BUDGETS['training_cold'].limit:g} s "
            f"CPU: {BUDGETS['training_cold'].verdict(training['cpu'])}",
        ),
        (
            "ratio warm / plain (CPU)",
            f"{b['warm_over_plain_cpu']:.2f}x",
            f"median of {WARM_RUNS} back-to-back pairs (best/best "
            f"{b['warm_over_plain_best_cpu']:.2f}x); budget <= {warm.limit:.2f}x: "
            f"{warm.verdict(b['warm_over_plain_cpu'])}",
        ),
        (
            "ratio warm / plain (wall)",
            f"{b['warm_over_plain']:.2f}x",
            f"load average {load:.1f} at start on {os.cpu_count()} CPUs: wall times include "
            "waiting for the CPU",
        ),
        (
            "ratio edit / plain (CPU)",
            f"{b['edit_over_plain_cpu']:.2f}x",
            f"wall {b['edit_over_plain']:.2f}x",
        ),
    ]
    phases = b.get("phases") or {}
    figure_raw, figure_gz, page = (BUDGETS[k] for k in ("figure_raw", "figure_gz", "page_weight"))
    ours = {k.removeprefix("ours: "): v for k, v in phases.items() if k.startswith("ours: ")}
    if ours:
        top = sorted(ours.items(), key=lambda kv: -kv[1])[:6]
        rows.append(
            (
                "warm build: our plugins' events (CPU)",
                f"{sum(ours.values()):.2f} s",
                f"of {phases.get('total', 0):.2f} s in an instrumented warm build; "
                + ", ".join(f"{k} {v:.2f}" for k, v in top),
            )
        )
    for label, size in sizes.items():
        if label == "largest figure":
            fits = figure_raw.fits(size["raw"]) and figure_gz.fits(size["gz"])
            rows.append(
                (
                    f"largest inline figure ({size['page']})",
                    f"{size['raw']:,} B",
                    f"{size['gz']:,} B gz; budget {kb(figure_raw.limit)} raw / "
                    f"{kb(figure_gz.limit)} gz: "
                    f"{'ok' if fits else 'OVER BUDGET'};"
                    f" {size['count']} figures, {size['total_raw']:,} B in all",
                )
            )
        elif label == "search index":
            rows.append(
                (
                    "search index (background, once a site)",
                    f"{size['raw']:,} B",
                    f"{size['gz']:,} B gz; fetched by Material's search worker, "
                    "not counted in page weight",
                )
            )
        else:
            rows.append(
                (
                    f"page weight: {label} ({size['page']})",
                    f"{size['ours_gz']:,} B gz",
                    f"HTML {size['html_gz']:,} B gz + our assets; {size['ours_raw']:,} B "
                    f"raw; with Material's bundle {size['gz']:,} B gz; budget "
                    f"{kb(page.limit)} gz: {page.verdict(size['ours_gz'])}",
                )
            )
    if quiz:
        data["quiz_assets"] = quiz
        rows.append(
            (
                "quiz JS+CSS (one copy, cached)",
                f"{quiz['gz']:,} B gz",
                f"{quiz['raw']:,} B raw; {quiz['gz'] / MKDOCS_QUIZ['gz']:.2f}x "
                f"mkdocs-quiz's {MKDOCS_QUIZ['gz']:,} B gz inlined into every page; budget "
                f"{kb(BUDGETS['quiz_assets'].limit)}: "
                f"{BUDGETS['quiz_assets'].verdict(quiz['gz'])}",
            )
        )
    data["base_js"] = base_js
    rows.append(
        (
            "shared base.js (every page, cached)",
            f"{base_js['gz']:,} B gz",
            f"{base_js['raw']:,} B raw; budget {kb(BUDGETS['base_js'].limit)}: "
            f"{BUDGETS['base_js'].verdict(base_js['gz'])}",
        )
    )
    data["explorer_assets"] = explorer
    rows.append(
        (
            "explorer JS+CSS+params.json",
            f"{explorer['gz']:,} B gz",
            f"{explorer['raw']:,} B raw; budget {kb(BUDGETS['explorer_assets'].limit)}: "
            f"{BUDGETS['explorer_assets'].verdict(explorer['gz'])}",
        )
    )
    data["explorer_trained"] = trained
    rows.append(
        (
            "explorer trained.json (where the trained model is shown)",
            f"{trained['gz']:,} B gz",
            f"{trained['raw']:,} B raw; budget {kb(BUDGETS['explorer_trained'].limit)}: "
            f"{BUDGETS['explorer_trained'].verdict(trained['gz'])}",
        )
    )
    suite = suite_time()
    if suite:
        data["test_suite"] = suite
        rows.append(
            (
                "test suite wall time (last make test)",
                f"{suite['seconds']:.0f} s",
                f"{suite['tests']} tests, {suite['when']}",
            )
        )
    else:
        rows.append(
            (
                "test suite wall time",
                "not measured",
                "not measured: no full `make test` run recorded yet "
                f"({SUITE_TIMING.relative_to(ROOT)})",
            )
        )
    for extra in browser:
        data.setdefault("browser", []).append(extra)
        rows.append((extra["name"], extra["value"], extra.get("note", "")))
    data["table"] = [{"name": n, "value": v, "note": note} for n, v, note in rows]
    print(f"\nBenchmarks ({data['when']}, {data['machine']})\n")
    print(table(rows))
    RESULTS.write_text(json.dumps(data, indent=2))
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def extra_measures(site: Path, url: str) -> list[dict]:
    """Browser measures (explorer, quiz latency, Lighthouse) against the warm build."""
    try:
        from bench.browser import measures
    except ImportError as exc:
        return [
            {
                "name": "browser measures",
                "value": "not measured",
                "note": f"not measured: bench/browser.py cannot be imported ({exc})",
            }
        ]
    try:
        return measures(site, url)
    except Exception as exc:  # noqa: BLE001 - the table is still printed
        return [
            {
                "name": "browser measures",
                "value": "not measured",
                "note": f"not measured: {type(exc).__name__}: {exc}",
            }
        ]
