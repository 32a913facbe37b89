"""Browser measures for `make bench`: explorer recompute, quiz feedback latency, Lighthouse.

    .venv/bin/python -m bench.browser      # on its own: builds the site once first

``measures(site, url)`` returns rows ``{"name", "value", "note"}`` (plus ``"data"`` with
the raw numbers for bench.json). ``bench/report.py`` passes the warm build it has just
timed, built for ``url``; run alone, the site is built into a scratch folder.

The site is served the way a static host such as GitHub Pages serves it: gzip for text
files and the site's 404 page (:class:`StaticHost`), so Lighthouse sees real transfer
sizes. A measure that cannot run (no npm, no Chromium, a page that is missing) becomes a
row "not measured: <why>"; nothing here raises.

This is a benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.budgets import BUDGETS
from tests import support
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support import ROOT

LIGHTHOUSE_DIR = ROOT / ".cache" / "bench" / "lighthouse"
LIGHTHOUSE_PACKAGE = "lighthouse@12"  # 13 needs Node 22; Debian 12 ships Node 18/20
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_PAGES = {
    "home": "",
    "lesson 04-softmax": "lessons/04-softmax/",
    "playground": "playground/",
}
LIGHTHOUSE_RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "5"))  # Lighthouse's advice
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_BUDGETS = {
    "performance": BUDGETS["lighthouse_performance"],
    "accessibility": BUDGETS["lighthouse_accessibility"],
    "best-practices": BUDGETS["lighthouse_best_practices"],
}
QUIZ_PAGE = "lessons/04-softmax/"
QUIZ_RUNS = 50
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".map")


def row(name: str, value: str, note: str = "", data=None) -> dict:
    out = {"name": name, "value": value, "note": note}
    if data is not None:
        out["data"] = data
    return out


def not_measured(name: str, why: str) -> dict:
    return row(name, "not measured", f"not measured: {why}")


# -- serving ---------------------------------------------------------------------------


class StaticHost(support.QuietHandler):
    """Static files as a production host serves them: gzip, a cache policy, 404.html."""

    protocol_version = "HTTP/1.1"

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the directory redirect
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not wants_gzip or path.suffix not in GZIP_TYPES:
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def build_site(dest: Path, url: str) -> Path:
    """The real site, built for ``url`` into ``dest`` (lesson cache of the checkout)."""
    result = support.mkdocs_build(
        ROOT / "mkdocs.yml", dest, env={"SITE_URL": url}, args=("-q",), cwd=ROOT, timeout=None
    )
    if result.returncode != 0:
        raise RuntimeError(f"site build failed:\n{result.stderr[-3000:]}")
    return dest


# -- explorer ----------------------------------------------------------------------------


def explorer_rows() -> list[dict]:
    try:
        from bench.explorer import measure, measure_trained
    except ImportError as exc:
        return [
            not_measured(f"explorer {kind}recompute, 64 tokens", f"cannot import it ({exc})")
            for kind in ("", "trained ")
        ]
    rows = []
    for kind, run in (("", measure), ("trained ", measure_trained)):
        try:
            rows += run()
        except Exception as exc:  # noqa: BLE001 - a benchmark row, never a crash
            rows.append(not_measured(f"explorer {kind}recompute, 64 tokens", _short(exc)))
    return rows


# -- quiz feedback latency ---------------------------------------------------------------

# Installed in the page before the clicks: the time of each real click on a Check button
# (the event's timeStamp, on the performance.now() clock) and the time the question's
# role="status" element first shows a verdict after it, seen by a MutationObserver.
LATENCY_PROBE = """(selector) => {
  const q = document.querySelector(selector);
  const status = q.querySelector('[role="status"]');
  const probe = window.__quizProbe = {shown: [], pending: null};
  q.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button && button.textContent.trim() === 'Check') probe.pending = event.timeStamp;
  }, true);
  new MutationObserver(() => {
    if (probe.pending === null) return;
    if (/^(Correct|Incorrect)/.test(status.textContent)) {
      probe.shown.push(performance.now() - probe.pending);
      probe.pending = null;
    }
  }).observe(status, {childList: true, characterData: true, subtree: true});
  return status.textContent;
}"""


def quiz_latency(url: str, runs: int = QUIZ_RUNS) -> list[dict]:
    name = f"quiz feedback latency ({QUIZ_PAGE})"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [not_measured(name, "playwright is not installed")]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url + QUIZ_PAGE)
                page.wait_for_selector("form[data-quiz][data-quiz-ready]", timeout=15000)
                question = page.locator(
                    "form[data-quiz] [data-quiz-q][data-quiz-type='single']"
                ).first
                qid = question.get_attribute("id")
                selector = f"#{qid}"
                page.evaluate(LATENCY_PROBE, selector)
                check = question.get_by_role("button", name="Check", exact=True)
                options = question.locator("input[type=radio]")
                n_options = options.count()
                for i in range(runs + 5):  # 5 warm-up clicks are dropped
                    options.nth(i % n_options).check()
                    check.click()
                    page.wait_for_function(
                        "(n) => window.__quizProbe.shown.length >= n", arg=i + 1, timeout=5000
                    )
                shown = page.evaluate("() => window.__quizProbe.shown")[5:]
            finally:
                browser.close()
    except Exception as exc:  # noqa: BLE001
        return [not_measured(name, _short(exc))]
    median = statistics.median(shown)
    budget = BUDGETS["quiz_feedback"]
    return [
        row(
            name,
            f"{median:.2f} ms",
            f"click Check -> role=status text, median of {len(shown)} real clicks in "
            f"Chromium (max {max(shown):.2f} ms); budget {budget.limit:g} ms (feels instant): "
            f"{budget.verdict(median)}",
            data={"median_ms": median, "max_ms": max(shown), "runs": len(shown)},
        )
    ]


# -- Lighthouse --------------------------------------------------------------------------


def ensure_lighthouse() -> str | None:
    """Install Lighthouse into .cache/bench/lighthouse if needed; None or why it cannot."""
    if LIGHTHOUSE_CLI.is_file():
        return None
    if not shutil.which("npm") or not shutil.which("node"):
        return "npm/node not found (install Node.js to get Lighthouse scores)"
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    print(
        f"make bench: installing {LIGHTHOUSE_PACKAGE} into "
        f"{LIGHTHOUSE_DIR.relative_to(ROOT)} (once)...",
        flush=True,
    )
    try:
        result = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(LIGHTHOUSE_DIR),
                LIGHTHOUSE_PACKAGE,
                "--silent",
                "--no-audit",
                "--no-fund",
                "--no-save",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm install {LIGHTHOUSE_PACKAGE} failed ({_short(exc)})"
    if result.returncode != 0 or not LIGHTHOUSE_CLI.is_file():
        return f"npm install {LIGHTHOUSE_PACKAGE} failed: {_short(result.stderr or 'no CLI')}"
    return None


def lighthouse_report(url: str) -> dict:
    """One Lighthouse run (mobile defaults) of ``url``: its JSON report."""
    with tempfile.TemporaryDirectory(prefix="bench-lh-") as tmp:
        out = Path(tmp) / "report.json"
        flags = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
        result = subprocess.run(
            [
                "node",
                str(LIGHTHOUSE_CLI),
                url,
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                f"--chrome-flags={flags}",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            env={**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": tmp},
        )
        if not out.is_file():
            raise RuntimeError(
                f"lighthouse failed ({result.returncode}): "
                f"{(result.stderr or result.stdout)[-400:]}"
            )
        return json.loads(out.read_text())


def lighthouse_rows(url: str, runs: int = LIGHTHOUSE_RUNS) -> list[dict]:
    """Lighthouse on each page, ``runs`` times, in rounds (home, lesson, playground, home,
    ...): a slow spell of the host then costs every page a run, not one page all of its."""
    why = ensure_lighthouse()
    if why:
        return [not_measured(f"Lighthouse ({page})", why) for page in LIGHTHOUSE_PAGES]
    runs_of: dict[str, _Runs] = {label: _Runs() for label in LIGHTHOUSE_PAGES}
    for _ in range(runs):
        for label, path in LIGHTHOUSE_PAGES.items():
            runs_of[label].add(url + path)
    return [runs_of[label].row(label, path) for label, path in LIGHTHOUSE_PAGES.items()]


class _Runs:
    """The Lighthouse reports of one page, summed up as one table row."""

    def __init__(self):
        self.scores: dict[str, list[float]] = {c: [] for c in CATEGORIES}
        self.failed: list[str] = []
        self.metrics: list[dict] = []
        self.bench_index: list[float] = []
        self.misses: dict[str, list[str]] = {}

    def add(self, page_url: str) -> None:
        try:
            report = lighthouse_report(page_url)
        except Exception as exc:  # noqa: BLE001
            self.failed.append(_short(exc))
            return
        if report.get("runtimeError"):
            self.failed.append(report["runtimeError"].get("message", "runtime error"))
            return
        for c in CATEGORIES:
            score = report["categories"][c]["score"]
            if score is not None:
                self.scores[c].append(score)
        self.bench_index.append(report.get("environment", {}).get("benchmarkIndex") or 0)
        self.metrics.append(
            {
                k: report["audits"][k]["numericValue"]
                for k in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
                if k in report["audits"]
            }
        )
        for c in CATEGORIES:
            for ref in report["categories"][c]["auditRefs"]:
                audit = report["audits"].get(ref["id"], {})
                if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                    self.misses.setdefault(c, [])
                    if ref["id"] not in self.misses[c]:
                        self.misses[c].append(ref["id"])

    def row(self, label: str, path: str) -> dict:
        name = f"Lighthouse {label}: perf / a11y / best / SEO"
        scores, metrics = self.scores, self.metrics
        if not scores["performance"]:
            return not_measured(name, "; ".join(self.failed) or "no report")
        median = {c: statistics.median(v) for c, v in scores.items() if v}
        value = " / ".join(f"{median[c]:.2f}" if c in median else "-" for c in CATEGORIES)
        over = [
            f"{c} {median[c]:.2f} < {b.limit}"
            for c, b in LIGHTHOUSE_BUDGETS.items()
            if c in median and not b.fits(median[c])
        ]
        lcp = statistics.median(m.get("largest-contentful-paint", 0) for m in metrics)
        tbt = statistics.median(m.get("total-blocking-time", 0) for m in metrics)
        cls = statistics.median(m.get("cumulative-layout-shift", 0) for m in metrics)
        note = (
            f"median of {len(scores['performance'])} runs, pages in rounds (mobile: slow "
            f"4G, 4x CPU slowdown; host benchmarkIndex "
            f"{statistics.median(self.bench_index):.0f}); "
            f"LCP {lcp / 1000:.1f} s, TBT {tbt:.0f} ms, CLS {cls:.3f}; "
            "budget >= "
            + " / ".join(f"{b.limit:.2f}" for b in LIGHTHOUSE_BUDGETS.values())
            + "; "
            + ("MISSES " + ", ".join(over) if over else "within budget")
        )
        if self.failed:
            note += f"; {len(self.failed)} run(s) failed"
        return row(
            name,
            value,
            note,
            data={
                "page": path or "/",
                "scores": scores,
                "median": median,
                "metrics": metrics,
                "benchmark_index": self.bench_index,
                "audits_below_1": self.misses,
            },
        )


# -- all ---------------------------------------------------------------------------------


def measures(site: Path | None = None, url: str | None = None) -> list[dict]:
    """Every browser measure. ``site`` was built for ``url`` (its port is served)."""
    rows = explorer_rows()
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        if site is None:
            port = support.free_port()
            url = f"http://127.0.0.1:{port}/"
            try:
                site = build_site(Path(tmp) / "site", url)
            except Exception as exc:  # noqa: BLE001
                why = _short(exc)
                return rows + [
                    not_measured(f"quiz feedback latency ({QUIZ_PAGE})", why),
                    not_measured("Lighthouse", why),
                ]
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        try:
            context = support.serve(site, port, StaticHost)
            base = context.__enter__()
        except OSError:  # the port was taken meanwhile: instant navigation is not used here
            context = support.serve(site, None, StaticHost)
            base = context.__enter__()
        try:
            started = time.perf_counter()
            rows += quiz_latency(base)
            rows += lighthouse_rows(base)
            rows.append(
                row(
                    "browser measures wall time",
                    f"{time.perf_counter() - started:.0f} s",
                    "quiz latency + Lighthouse runs",
                )
            )
        finally:
            context.__exit__(None, None, None)
    return rows


def _short(exc) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


if __name__ == "__main__":
    for r in measures():
        print(f"| {r['name']:<50} | {r['value']:>22} | {r['note']}")
