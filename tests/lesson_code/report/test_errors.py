"""A mistake in a report call raises a real exception whose message says what and how.

These checks were ``assert`` statements, which ``python -O`` removes: a bad name or a
missing widget label then went through silently. Each case below is also run in a
``python -O`` subprocess to prove the check no longer depends on assertions.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from lesson_code import report
from tests.support import ROOT

ALT = "Bars of the weights: one is tall"


class _Figure:
    """Stands in for a matplotlib figure (the checks run before anything is drawn)."""

    def savefig(self, *args, **kwargs):
        raise AssertionError("a refused figure must not be drawn")


CASES = [
    # (call, exception, words the message must hold)
    ("report.value('Bad-Name', 1)", ValueError, "value name must be lower-case"),
    ("report.value(3, 1)", TypeError, "must be a string"),
    ("report.output('2nd')", ValueError, "starting with a letter"),
    (
        "report.figure(FIG, 'bad name', alt=ALT)",
        ValueError,
        "'bad_name'",
    ),
    (
        "report.figure('not a figure', 'bars', alt=ALT)",
        TypeError,
        "matplotlib Figure",
    ),
    ("report.figure(FIG, 'bars', alt='a chart')", ValueError, "alt text"),
    ("report.figure(FIG, 'bars', alt=ALT, caption=3)", TypeError, "caption"),
    ("report.widget('Bad-Name', 'k', {}, 'L')", ValueError, "widget name"),
    ("report.widget('ok', 'Bad Kind', {}, 'L')", ValueError, "widget kind"),
    ("report.widget('ok', 'k', {}, '  ')", ValueError, "needs a label"),
    ("report.widget('ok', 'k', {}, None)", ValueError, "needs a label"),
    ("report.widget('ok', 'k', {}, 'L', caption=['x'])", TypeError, "caption"),
]


@pytest.mark.parametrize(("call", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_call_raises_with_the_fix(call, error, words, tmp_path, monkeypatch):
    monkeypatch.setenv(report.OUTPUT_ENV, str(tmp_path))
    with pytest.raises(error, match=words.replace("(", r"\(")):
        if call.startswith("report.output"):
            with eval(call, {"report": report}):
                print("never reached")
        else:
            eval(call, {"report": report, "FIG": _Figure(), "ALT": ALT})
    assert not any(tmp_path.iterdir()), "a refused call writes nothing"


def test_the_checks_hold_under_python_dash_o(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ[{report.OUTPUT_ENV!r}] = sys.argv[1]
        from lesson_code import report

        class _Figure:
            def savefig(self, *args, **kwargs):
                raise SystemExit("drawn")

        assert False, "this interpreter must ignore asserts"
        failed = []
        for call, error in {[(c, e.__name__) for c, e, _ in CASES]!r}:
            try:
                if call.startswith("report.output"):
                    with eval(call, {{"report": report}}):
                        print("never reached")
                else:
                    eval(call, {{"report": report, "FIG": _Figure(), "ALT": {ALT!r}}})
                failed.append(call + ": no error")
            except Exception as exc:
                if type(exc).__name__ != error:
                    failed.append(f"{{call}}: {{type(exc).__name__}} {{exc}}")
        print("\\n".join(failed) or "all refused")
        """
    )
    result = subprocess.run(
        [sys.executable, "-O", "-c", script, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "all refused", result.stdout


def test_good_calls_still_write_their_files(tmp_path, monkeypatch):
    monkeypatch.setenv(report.OUTPUT_ENV, str(tmp_path))
    with report.output("numbers"):
        print("1 2 3")
    report.value("pi", 3.14159, ".2f")
    report.widget("w", "softmax-temperature", {"x": 1}, "Try it", caption=None)
    assert (tmp_path / "numbers.txt").read_text(encoding="utf-8") == "1 2 3\n"
    assert '"pi": "3.14"' in (tmp_path / report.VALUES_FILE).read_text(encoding="utf-8")
    assert (tmp_path / "w.widget.md").is_file()
