"""`make bench`: one table of the project's speed and size figures, from one run.

Builds run in a scratch copy of the project (your checkout and its cache are not
touched): cold (empty lesson cache), warm (nothing changed), a plain Material build of the
same pages with our plugins off, and a one-lesson edit. Warm and plain builds alternate
in pairs (five of each; the table shows the best of each and the median of the pairs'
ratios), so a burst of load on the machine hits both alike. Each build is timed on the
wall clock and in CPU seconds (user + system of the build process and its children): on
a busy machine the CPU time is the stable figure, and the budgets are checked on it. One
more warm build, instrumented, times each of our plugins' events (where the warm build's
extra time goes).

Sizes are read from the warm build's output, and the browser measures
(``tests/bench_browser.py``: explorer recompute, quiz feedback latency, Lighthouse) run
against that same warm build, served on the port it was built for. The table is printed
and written to bench.json.

This is a benchmark, not a test: nothing here passes or fails. The deterministic budgets
(sizes) are enforced by tests/test_budgets.py, with the functions defined here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUR_PLUGINS = ("lessons", "quiz", "course", "explorer")
EDIT_LESSON = "lesson_code/lessons/04_softmax.py"
MKDOCS_QUIZ = {"raw": 61_131, "gz": 14_200}  # mkdocs-quiz's inlined JS+CSS, per page
RESULTS = ROOT / "bench.json"
SUITE_TIMING = ROOT / ".cache" / "bench" / "test-suite.json"
WARM_RUNS = 5  # warm/plain pairs
EDIT_RUNS = 3  # one-lesson edits (each edits the script again, so each reruns it)

# Budgets (README "Budgets"); the size ones are enforced by tests/test_budgets.py.
PAGE_BUDGET_GZ = 150 * 1024  # a page with everything it loads, Material's bundle included
QUIZ_BUDGET_GZ = 10 * 1024  # quiz.js + quiz.css
BASE_BUDGET_GZ = 2 * 1024  # base.js, the shared base every script of ours needs (window.AFP)
BASE_JS = "assets/base.js"
EXPLORER_BUDGET_GZ = 30 * 1024  # explorer.js + explorer.css + params.json
FIGURE_BUDGET_RAW = 40 * 1024  # one inline SVG figure, as written into the page
FIGURE_BUDGET_GZ = 16 * 1024
WARM_OVER_PLAIN_BUDGET = 1.2
EDIT_LESSON_FACTOR = 1.5  # the edited lesson's sandboxed run in the build / its plain run

SKIP = shutil.ignore_patterns(
    ".venv",
    "site",
    ".cache",
    ".git",
    "__pycache__",
    "*.egg-info",
    "bench.json",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "test-results",
    "node_modules",
)


def copy_project(dest: Path) -> Path:
    """Copy the checkout without caches, outputs, or sockets/FIFOs (e.g. kernel IPC files)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(SKIP(folder, names))
        for name in names:
            path = Path(folder, name)
            if not (path.is_file() or path.is_dir()):
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def plain_config(text: str, outputs_dir: str) -> str:
    """mkdocs.yml without our plugins; snippets read the lesson outputs already on disk.

    The pages then render the same text, code and figures (placeholders stay as typed),
    so the build does the same Markdown and theme work without any of our plugin work.
    What only our plugins add to a page (quizzes, glossary tooltips, the syllabus) is
    missing from it. Our Markdown extension (MathML) stays: it is Markdown, not a plugin.
    """
    lines = text.splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        entry = re.match(r"^  - (\w[\w-]*):?\s*(#.*)?$", line)
        if entry and entry.group(1) in OUR_PLUGINS:
            skipping = True
            continue
        if skipping and (line.startswith("      ") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    plain = "\n".join(out) + "\n"
    return plain.replace('base_path: ["."]', f'base_path: [".", "{outputs_dir}"]')


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Runs ``mkdocs`` as ``python -m mkdocs`` does, and on exit writes the CPU seconds of the
# build process itself and of the processes it started (lesson runs) to $BENCH_RUSAGE.
_MKDOCS_WITH_RUSAGE = """
import atexit, json, os, resource, runpy, sys
def _report():
    own, sub = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    with open(os.environ["BENCH_RUSAGE"], "w") as f:
        json.dump({"self": own.ru_utime + own.ru_stime, "children": sub.ru_utime + sub.ru_stime}, f)
atexit.register(_report)
sys.argv[0] = "mkdocs"
runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
"""


def timed_build(project: Path, config: str, env: dict, site: str = "site") -> dict:
    """One ``mkdocs build``: {"wall": seconds, "cpu": user + system seconds, "self": the
    build process's own share, "lessons": that of the lesson runs it started}."""
    cpu = _children_cpu()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-rusage-") as tmp:
        split_file = Path(tmp) / "rusage.json"
        result = subprocess.run(
            [sys.executable, "-c", _MKDOCS_WITH_RUSAGE, "build", "-q", "-f", config, "-d", site],
            cwd=project,
            env={**env, "BENCH_RUSAGE": str(split_file)},
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"bench: build failed ({config}):\n{result.stderr[-3000:]}")
        split = json.loads(split_file.read_text())
    return {
        "wall": wall,
        "cpu": _children_cpu() - cpu,
        "self": split["self"],
        "lessons": split["children"],
    }


def best(runs: list[dict]) -> dict:
    return {"wall": min(r["wall"] for r in runs), "cpu": min(r["cpu"] for r in runs), "runs": runs}


def paired_ratio(top: list[dict], bottom: list[dict], key: str) -> float:
    """Median of run-by-run ratios (each pair ran back to back, under the same load)."""
    return statistics.median(a[key] / b[key] for a, b in zip(top, bottom, strict=True))


def build_times(project: Path, env: dict) -> dict:
    """Time the builds in ``project``; its ``site`` folder ends up holding a warm build."""
    cache = Path(env["LESSONS_CACHE_DIR"])
    cold = timed_build(project, "mkdocs.yml", env)
    plain_yml = project / "mkdocs.plain.yml"
    plain_yml.write_text(plain_config((project / "mkdocs.yml").read_text(), str(cache / "outputs")))
    timed_build(project, "mkdocs.plain.yml", env, "site-plain")  # fills mkdocs-jupyter's cache
    warm_runs, plain_runs = [], []
    for _ in range(WARM_RUNS):  # alternate, so load on the machine hits both alike
        warm_runs.append(timed_build(project, "mkdocs.yml", env))
        plain_runs.append(timed_build(project, "mkdocs.plain.yml", env, "site-plain"))
    warm, plain = best(warm_runs), best(plain_runs)
    phases = plugin_phases(project, env)
    script = project / EDIT_LESSON
    lessons, edits = [], []
    for i in range(EDIT_RUNS):  # best of a few, as for warm and plain: one run is noisy
        script.write_text(script.read_text() + f"\n# edited by make bench ({i})\n")
        cpu, started = _children_cpu(), time.perf_counter()
        lesson_run = subprocess.run(
            [sys.executable, str(script)],
            cwd=project.parent,
            capture_output=True,
            env={**env, "MPLBACKEND": "Agg", "PYTHONPATH": str(project)},
        )
        lessons.append({"wall": time.perf_counter() - started, "cpu": _children_cpu() - cpu})
        assert lesson_run.returncode == 0, lesson_run.stderr
        script.write_text(script.read_text() + f"# edited again ({i})\n")
        edits.append(timed_build(project, "mkdocs.yml", env, "site-edit"))
    lesson, edit = best(lessons), best(edits)
    # The edit's two parts, each from the same (best) build: the build's own work, which
    # should be no more than a warm build's, and the lesson run it started, which should be
    # that one lesson (under the sandbox that keeps lesson code out of the project).
    split = min(edits, key=lambda r: r["cpu"])
    return {
        "cold_s": cold["wall"],
        "cold_cpu_s": cold["cpu"],
        "warm_s": warm["wall"],
        "warm_cpu_s": warm["cpu"],
        "plain_s": plain["wall"],
        "plain_cpu_s": plain["cpu"],
        "edit_s": edit["wall"],
        "edit_cpu_s": edit["cpu"],
        "edited_lesson_run_s": lesson["wall"],
        "edited_lesson_run_cpu_s": lesson["cpu"],
        "warm_over_plain": paired_ratio(warm_runs, plain_runs, "wall"),
        "warm_over_plain_cpu": paired_ratio(warm_runs, plain_runs, "cpu"),
        "warm_over_plain_best_cpu": warm["cpu"] / plain["cpu"],
        "edit_over_plain": edit["wall"] / plain["wall"],
        "edit_over_plain_cpu": edit["cpu"] / plain["cpu"],
        "edit_build_part_cpu_s": split["self"],
        "edit_lesson_part_cpu_s": split["lessons"],
        # the build part within the warm budget; the lesson part one run of that lesson
        # (sandboxed: at most half as much again as the script run on its own)
        "edit_build_budget_cpu_s": WARM_OVER_PLAIN_BUDGET * plain["cpu"],
        "edit_lesson_budget_cpu_s": EDIT_LESSON_FACTOR * lesson["cpu"],
        "warm_runs": warm["runs"],
        "plain_runs": plain["runs"],
        "phases": phases,
    }


def plugin_phases(project: Path, env: dict) -> dict:
    """CPU seconds of each plugin event in one more (instrumented) warm build."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--phases", "mkdocs.yml", "site-phases"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": result.stderr[-500:]}


def _phases_child(config: str, site: str) -> None:
    """In-process build with every plugin event timed (``python -m tests.bench --phases``)."""
    from mkdocs import plugins as mkdocs_plugins
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    times: dict[str, float] = {}

    def run_event(self, name, item=None, **kwargs):
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            module = type(getattr(method, "__self__", None)).__module__
            started = time.process_time()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            label = f"{self._current_plugin}.{name}"
            if module.startswith("plugins."):
                label = "ours: " + label
            times[label] = times.get(label, 0.0) + time.process_time() - started
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    mkdocs_plugins.PluginCollection.run_event = run_event
    started = time.process_time()
    config_obj = load_config(config, site_dir=site)
    times["load config (imports our plugins)"] = time.process_time() - started
    config_obj.plugins.on_startup(command="build", dirty=False)
    build(config_obj)
    times["total"] = time.process_time() - started
    print(json.dumps(times))


# -- page weight -------------------------------------------------------------------------


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


@lru_cache(maxsize=256)
def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), gz(data)


class _Loads(HTMLParser):
    """What a page loads by itself: stylesheets, scripts, images; and whether it has an
    attention explorer (whose script then fetches params.json)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.explorer = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag in ("img", "image") and a.get("src"):
            self.urls.append(a["src"])
        if "attention-explorer" in (a.get("class") or "").split():
            self.explorer = True


MATERIAL_RE = re.compile(r"^assets/(stylesheets|javascripts)/")
EXPLORER_PARAMS = "assets/explorer/params.json"


def page_assets(site: Path, page: Path) -> list[str]:
    """Site-relative paths of the files ``page`` loads when it is opened: its stylesheets,
    scripts and images, and params.json when it shows an explorer (fetched by its script).

    Not counted: the search index and its worker, which Material's search fetches in the
    background once for the whole site (reported on their own row by `make bench`).
    """
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    base = page.parent.relative_to(site).as_posix()
    found: list[str] = []
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("data:"):
            continue
        rel = (
            os.path.normpath(os.path.join(base, parts.path)).lstrip("./")
            if not parts.path.startswith("/")
            else parts.path.lstrip("/")
        )
        if (site / rel).is_file() and rel not in found:
            found.append(rel)
    if parser.explorer and (site / EXPLORER_PARAMS).is_file():
        found.append(EXPLORER_PARAMS)
    return found


def page_weight(site: Path, page: Path) -> dict:
    """HTML + everything it loads (raw and gzipped, each file compressed on its own), and
    the same without Material's own bundle (``ours_*``)."""
    html_raw, html_gz = _sizes(page)
    total = {"raw": html_raw, "gz": html_gz, "ours_raw": html_raw, "ours_gz": html_gz}
    assets = page_assets(site, page)
    for rel in assets:
        raw, zipped = _sizes(site / rel)
        total["raw"] += raw
        total["gz"] += zipped
        if not MATERIAL_RE.match(rel):
            total["ours_raw"] += raw
            total["ours_gz"] += zipped
    total["html_raw"], total["html_gz"] = html_raw, html_gz
    total["assets"] = assets
    return total


def site_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site (index.html of each page and 404.html)."""
    return sorted(p for p in site.rglob("*.html") if p.name in ("index.html", "404.html"))


FIGURE_RE = re.compile(r'<figure class="lesson-figure"[^>]*id="([^"]+)"[^>]*>([\s\S]*?)</figure>')
SVG_RE = re.compile(r"<svg(?:\s[^>]*)?>[\s\S]*?</svg>")
VARIANT_RE = re.compile(r'^<svg[^>]*class="lesson-figure__(\w+)"')


def inline_figures(page: Path) -> list[tuple[str, int, int]]:
    """(figure id, raw bytes, gzipped bytes) of every inline SVG lesson figure in a page; a
    figure drawn twice (wide and phone) counts as two, ``fig-x`` and ``fig-x (phone)``."""
    text = page.read_text(encoding="utf-8")
    out = []
    for fid, body in FIGURE_RE.findall(text):
        for svg in SVG_RE.findall(body):
            variant = VARIANT_RE.match(svg)
            name = (
                fid if not variant or variant.group(1) == "wide" else f"{fid} ({variant.group(1)})"
            )
            out.append((name, len(svg.encode()), gz(svg.encode())))
    return out


def page_sizes(site: Path) -> dict:
    lesson_pages = sorted((site / "lessons").glob("*/index.html"))
    largest = max(lesson_pages, key=lambda p: page_weight(site, p)["ours_gz"], default=None)
    pages = {
        "home": site / "index.html",
        "largest lesson": largest,
        "playground": site / "playground" / "index.html",
    }
    result = {}
    for label, page in pages.items():
        if page is None or not page.is_file():
            continue
        weight = page_weight(site, page)
        result[label] = {
            "page": page.parent.relative_to(site).as_posix() or ".",
            **{k: v for k, v in weight.items() if k != "assets"},
        }
    heaviest = max(site_pages(site), key=lambda p: page_weight(site, p)["ours_gz"])
    result["heaviest page"] = {
        "page": heaviest.relative_to(site).as_posix(),
        **{k: v for k, v in page_weight(site, heaviest).items() if k != "assets"},
    }
    figures = [(page, *f) for page in lesson_pages for f in inline_figures(page)]
    if figures:
        page, fid, raw, zipped = max(figures, key=lambda f: f[2])
        result["largest figure"] = {
            "page": f"{page.parent.relative_to(site).as_posix()}#{fid}",
            "raw": raw,
            "gz": zipped,
            "count": len(figures),
            "total_raw": sum(f[2] for f in figures),
        }
    index = site / "search" / "search_index.json"
    if index.is_file():
        raw, zipped = _sizes(index)
        result["search index"] = {"page": "search/search_index.json", "raw": raw, "gz": zipped}
    return result


def asset_group(site: Path, *rels: str) -> dict:
    raw = zipped = 0
    for rel in rels:
        if (site / rel).is_file():
            r, z = _sizes(site / rel)
            raw, zipped = raw + r, zipped + z
    return {"raw": raw, "gz": zipped}


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def ok(flag: bool) -> str:
    return "ok" if flag else "OVER BUDGET"


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
        site = project / "site"
        sizes = data["sizes"] = page_sizes(site)
        quiz = quiz_assets()
        explorer = asset_group(
            site, "assets/explorer/explorer.js", "assets/explorer/explorer.css", EXPLORER_PARAMS
        )
        base_js = asset_group(site, BASE_JS)
        browser = extra_measures(site, url)
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
            f"{b['edit_build_part_cpu_s']:.2f} s (budget 1.2x plain = "
            f"{b['edit_build_budget_cpu_s']:.2f} s: "
            f"{ok(b['edit_build_part_cpu_s'] <= b['edit_build_budget_cpu_s'])}) + the lesson's "
            f"run in its sandbox {b['edit_lesson_part_cpu_s']:.2f} s (budget "
            f"{EDIT_LESSON_FACTOR}x its plain run {b['edited_lesson_run_cpu_s']:.2f} s = "
            f"{b['edit_lesson_budget_cpu_s']:.2f} s: "
            f"{ok(b['edit_lesson_part_cpu_s'] <= b['edit_lesson_budget_cpu_s'])})",
        ),
        (
            "ratio warm / plain (CPU)",
            f"{b['warm_over_plain_cpu']:.2f}x",
            f"median of {WARM_RUNS} back-to-back pairs (best/best "
            f"{b['warm_over_plain_best_cpu']:.2f}x); budget <= {WARM_OVER_PLAIN_BUDGET:.2f}x: "
            f"{ok(b['warm_over_plain_cpu'] <= WARM_OVER_PLAIN_BUDGET)}",
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
            fits = size["raw"] <= FIGURE_BUDGET_RAW and size["gz"] <= FIGURE_BUDGET_GZ
            rows.append(
                (
                    f"largest inline figure ({size['page']})",
                    f"{size['raw']:,} B",
                    f"{size['gz']:,} B gz; budget {kb(FIGURE_BUDGET_RAW)} raw / "
                    f"{kb(FIGURE_BUDGET_GZ)} gz: "
                    f"{ok(fits)};"
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
                    f"{kb(PAGE_BUDGET_GZ)} gz: {ok(size['ours_gz'] <= PAGE_BUDGET_GZ)}",
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
                f"{kb(QUIZ_BUDGET_GZ)}: {ok(quiz['gz'] <= QUIZ_BUDGET_GZ)}",
            )
        )
    data["base_js"] = base_js
    rows.append(
        (
            "shared base.js (every page, cached)",
            f"{base_js['gz']:,} B gz",
            f"{base_js['raw']:,} B raw; budget {kb(BASE_BUDGET_GZ)}: "
            f"{ok(base_js['gz'] <= BASE_BUDGET_GZ)}",
        )
    )
    data["explorer_assets"] = explorer
    rows.append(
        (
            "explorer JS+CSS+params.json",
            f"{explorer['gz']:,} B gz",
            f"{explorer['raw']:,} B raw; budget {kb(EXPLORER_BUDGET_GZ)}: "
            f"{ok(explorer['gz'] <= EXPLORER_BUDGET_GZ)}",
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
        from tests.bench_browser import measures
    except ImportError as exc:
        return [
            {
                "name": "browser measures",
                "value": "not measured",
                "note": f"not measured: tests/bench_browser.py cannot be imported ({exc})",
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


if __name__ == "__main__":
    if sys.argv[1:2] == ["--phases"]:
        sys.path.insert(0, os.getcwd())  # the project being measured, not this checkout
        _phases_child(sys.argv[2], sys.argv[3])
    else:
        main()
