"""The MkDocs adapter's events that a build does not show: serve mode and watching."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from plugins.quiz import answers
from plugins.quiz.plugin import QuizPlugin

from .paths import SITE_FIXTURE


def configured(command: str) -> tuple[QuizPlugin, MkDocsConfig]:
    config = MkDocsConfig(config_file_path=str(SITE_FIXTURE / "mkdocs.yml"))
    config.load_dict({"site_name": "t", "docs_dir": str(SITE_FIXTURE / "docs")})
    assert config.validate() == ([], [])
    plugin = QuizPlugin()
    assert plugin.load_config({}) == ([], [])
    plugin.on_startup(command=command, dirty=False)
    plugin.on_config(config)
    return plugin, config


class FakeServer:
    def __init__(self):
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_watches_the_quizzes_folder():
    plugin, config = configured("serve")
    server = FakeServer()
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == [str((SITE_FIXTURE / "quizzes").resolve())]


def test_answer_from_runs_in_a_fresh_process_only_under_serve(monkeypatch):
    seen = []
    isolated, in_process = answers.evaluate_isolated, answers.evaluate_source

    def spy_isolated(sources, root, *args, **kwargs):
        seen.append(("fresh process", Path(root)))
        return isolated(sources, root, *args, **kwargs)

    def spy_in_process(source, code):
        seen.append(("this process", None))
        return in_process(source, code)

    monkeypatch.setattr(answers, "evaluate_isolated", spy_isolated)
    monkeypatch.setattr(answers, "evaluate_source", spy_in_process)
    for command in ("build", "serve"):
        plugin, config = configured(command)
        plugin.on_pre_build(config)
        assert sorted(plugin.library.quizzes) == [
            "quizzes/01-demo.yaml",
            "quizzes/02-plain.yaml",
            "quizzes/extra/end-mode.yaml",
            "quizzes/extra/orders.yaml",
        ]
    # the fixture has one answer_from; no store is configured, so both builds compute it
    assert seen == [("this process", None), ("fresh process", SITE_FIXTURE)]


def test_assets_are_added_once_even_when_on_config_runs_again():
    plugin, config = configured("serve")
    plugin.on_config(config)
    assert [str(x) for x in config.extra_javascript].count("assets/quiz/quiz.js") == 1
    assert [str(x) for x in config.extra_css].count("assets/quiz/quiz.css") == 1
