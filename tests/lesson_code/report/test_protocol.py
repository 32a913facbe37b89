"""The runner (reader) and report (writer) share one set of names: lesson_code.report.protocol."""

from __future__ import annotations

import json

from lesson_code import report
from lesson_code.report import protocol
from plugins.lessons import plugin, runner


def test_the_reader_and_the_writer_use_the_same_names():
    assert runner.OUTPUT_ENV is protocol.OUTPUT_ENV is report.OUTPUT_ENV
    assert runner.SLUG_ENV is protocol.SLUG_ENV is report.SLUG_ENV
    assert plugin.VALUES_FILE is protocol.VALUES_FILE is report.VALUES_FILE


def test_files_are_written_under_the_protocol_names(tmp_path, monkeypatch):
    monkeypatch.setenv(protocol.OUTPUT_ENV, str(tmp_path))
    with report.output("shown"):
        print("shown text")
    report.value("answer", 42, "d")
    report.widget("knob", "softmax-temperature", {"t": [1, 2]}, "Turn the knob")
    assert (tmp_path / f"shown{protocol.OUTPUT_SUFFIX}").read_text("utf-8") == "shown text\n"
    values = json.loads((tmp_path / protocol.VALUES_FILE).read_text("utf-8"))
    assert values["answer"] == "42"
    assert (tmp_path / f"knob{protocol.WIDGET_SUFFIX}").is_file()
    widgets = json.loads((tmp_path / protocol.WIDGETS_FILE).read_text("utf-8"))
    assert widgets["knob"]["kind"] == "softmax-temperature"
    assert protocol.NAME_RE.match("knob") and not protocol.NAME_RE.match("Knob")
