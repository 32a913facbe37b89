"""Benchmark of the attention explorer in Debian's Chromium (a measure, not a test).

    .venv/bin/python -m bench.explorer             # the hand-built heads
    .venv/bin/python -m bench.explorer --trained   # the trained model only

``measure()`` builds the explorer's fixture site (tests/plugins/explorer/fixture_site.py),
opens /playground/ and times, for a 64-token sentence, the median of 50 runs
(``performance.now()`` in the page) of

- the recompute: tokens -> embeddings -> Q, K, V for three heads -> softmax -> average;
- the full update a keystroke costs: recompute plus rebuilding tokens, the four tables,
  the four matrices and the detective view;
- the trained model's recompute (``measure_trained``): words -> token ids -> embeddings and
  positions -> every head of both layers (Q, K, V, causal softmax, W_O, residual).

It returns rows ``{"name", "value", "note"}`` for the `make bench` table.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.budgets import BUDGETS
from plugins.explorer import model as explorer
from plugins.explorer import trained
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.plugins.explorer.fixture_site import built_and_served

TIMING_JS = """([sentence, runs, full, compute = 'computeNow']) => {
  const input = document.querySelector('.attention-explorer input[type=text]');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const text = sentence + (i % 2 ? '' : ' ');  // a real change each time
    const start = performance.now();
    if (full) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
    } else {
      if (AFP.explorer[compute](text) === null) throw new Error(compute + ': no model');
    }
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}"""


def _rows(
    what: str,
    n_tokens: int,
    runs: int,
    compute: float,
    full: float,
    budget_key: str,
    full_parts: str,
) -> list[dict]:
    """The bench rows of one explorer model: its recompute (against the budget) and a full
    update (recompute plus what is redrawn)."""
    budget = BUDGETS[budget_key]
    note = f"median of {runs} runs in Chromium; budget {budget.limit:g} ms (one frame)"
    return [
        {
            "name": f"{what} recompute, {n_tokens} tokens",
            "value": f"{compute:.2f} ms",
            "note": f"{note}: {budget.verdict(compute)} (performance.now() is coarsened to 0.1 ms)",
        },
        {
            "name": f"{what} full update, {n_tokens} tokens",
            "value": f"{full:.2f} ms",
            "note": f"recompute + {full_parts}; " + note,
        },
    ]


def measure(n_tokens: int = 64, runs: int = 50) -> list[dict]:
    sentence = explorer.long_sentence(n_tokens)
    assert len(explorer.tokenize(sentence)) == n_tokens
    with tempfile.TemporaryDirectory() as tmp, built_and_served(Path(tmp)) as (url, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url + "playground/")
            page.wait_for_selector(".attention-explorer[data-explorer-ready='true']")
            page.evaluate(TIMING_JS, [sentence, 5, True])  # warm up the JIT
            compute = page.evaluate(TIMING_JS, [sentence, runs, False])
            full = page.evaluate(TIMING_JS, [sentence, runs, True])
            browser.close()
    return _rows(
        "explorer",
        n_tokens,
        runs,
        compute,
        full,
        "explorer_recompute",
        "tokens, tables, matrices, lines",
    )


def measure_trained(n_tokens: int = 64, runs: int = 50) -> list[dict]:
    """The trained model's recompute for ``n_tokens`` words (the model's whole context),
    after switching the playground's explorer to it."""
    sentence = explorer.long_sentence(n_tokens)
    assert len(trained.model_tokens(sentence)) == n_tokens
    with tempfile.TemporaryDirectory() as tmp, built_and_served(Path(tmp)) as (url, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url + "playground/")
            page.get_by_role("radio", name="Trained model").check()
            page.wait_for_selector(".attention-explorer[data-model-shown='trained']")
            page.evaluate(TIMING_JS, [sentence, 5, False, "computeTrainedNow"])  # JIT warm-up
            compute = page.evaluate(TIMING_JS, [sentence, runs, False, "computeTrainedNow"])
            full = page.evaluate(TIMING_JS, [sentence, runs, True])
            browser.close()
    return _rows(
        "explorer trained",
        n_tokens,
        runs,
        compute,
        full,
        "explorer_trained_recompute",
        "tokens, 8 tables, 8 matrices, lines",
    )


if __name__ == "__main__":
    import sys

    for row in measure_trained() if sys.argv[1:] == ["--trained"] else measure():
        print(f"{row['name']:<36} {row['value']:>10}   {row['note']}")
