"""Build timings for the bench: cold, warm, plain Material and one-lesson-edit builds.

Builds run in a scratch copy of the project (the checkout and its cache are not touched).
Warm and plain builds alternate in pairs (the table shows the best of each and the median
of the pairs' ratios), so a burst of load on the machine hits both alike. Each build is
timed on the wall clock and in CPU seconds (user + system of the build process and its
children): on a busy machine the CPU time is the stable figure, and the budgets are
checked on it. One more warm build, instrumented, times each of our plugins' events.
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from bench.budgets import BUDGETS
from tests.support import ROOT

OUR_PLUGINS = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"][
        "mkdocs.plugins"
    ]
)  # what the plain build leaves out: every MkDocs plugin this project registers
EDIT_LESSON = "lesson_code/lessons/04_softmax.py"
WARM_RUNS = 5  # warm/plain pairs
EDIT_RUNS = 3  # one-lesson edits (each edits the script again, so each reruns it)

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
    """Copy the checkout without caches, outputs, or sockets/FIFOs (e.g. kernel IPC files),
    and byte-compile our packages in the copy."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(SKIP(folder, names))
        for name in names:
            path = Path(folder, name)
            if not (path.is_file() or path.is_dir()):
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore)
    # byte-compiled as `make build` leaves a checkout (Makefile, target bytecode)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "plugins", "lesson_code"],
        cwd=dest,
        capture_output=True,
    )
    return dest


def plain_config(text: str, outputs_dir: str) -> str:
    """mkdocs.yml without our plugins; snippets read the lesson outputs already on disk.

    The pages then render the same text, code and figures (placeholders stay as typed),
    so the build does the same Markdown and theme work without any of our plugin work.
    What only our plugins add to a page (quizzes, glossary tooltips, the syllabus) is
    missing from it. The MathML Markdown extension stays: it is Markdown, not a plugin.
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


TRAIN = (
    "from lesson_code.learned import Settings, train; "
    "m, h = train(Settings()); print(h.loss[-50:].mean())"
)


def training_time(project: Path, env: dict) -> dict:
    """Train lesson 20's model from scratch in a child process (no kept weights used):
    wall and CPU seconds, as a cold build on a fresh clone spends them once."""
    cpu, started = _children_cpu(), time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", TRAIN],
        cwd=project,
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(project)},
    )
    assert run.returncode == 0, run.stderr
    return {"wall": time.perf_counter() - started, "cpu": _children_cpu() - cpu}


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
        "edit_build_budget_cpu_s": BUDGETS["edit_build_over_plain"].limit * plain["cpu"],
        "edit_lesson_budget_cpu_s": BUDGETS["edit_lesson_over_run"].limit * lesson["cpu"],
        "warm_runs": warm["runs"],
        "plain_runs": plain["runs"],
        "phases": phases,
    }


def plugin_phases(project: Path, env: dict) -> dict:
    """CPU seconds of each plugin event in one more (instrumented) warm build."""
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--phases", "mkdocs.yml", "site-phases"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": result.stderr[-500:]}


def phases_child(config: str, site: str) -> None:
    """In-process build with every plugin event timed (``python -m bench --phases``)."""
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
