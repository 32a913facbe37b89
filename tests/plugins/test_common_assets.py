"""plugins.common.assets: the shared JavaScript base is shipped once and loaded first."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from plugins.common.assets import BASE_SOURCE, BASE_URI, ship_base


def config(tmp_path, scripts: list[str]) -> MkDocsConfig:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    cfg = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    cfg.load_dict({"site_name": "t", "docs_dir": str(docs), "extra_javascript": scripts})
    assert cfg.validate() == ([], [])
    cfg.plugins._current_plugin = "quiz"  # set by MkDocs while a plugin's event runs
    return cfg


def names(cfg: MkDocsConfig) -> list[str]:
    return [str(script) for script in cfg.extra_javascript]


def test_base_goes_before_every_other_script_once(tmp_path):
    cfg = config(tmp_path, ["assets/course.js", "assets/widgets.js"])
    ship_base(cfg)
    cfg.extra_javascript.append("assets/quiz/quiz.js")  # a plugin adding its script later
    ship_base(cfg)  # a second plugin, or a second call: nothing more
    assert names(cfg) == [BASE_URI, "assets/course.js", "assets/widgets.js", "assets/quiz/quiz.js"]


def test_base_listed_after_another_script_is_moved_first(tmp_path):
    cfg = config(tmp_path, ["assets/course.js", BASE_URI, "assets/widgets.js", BASE_URI])
    ship_base(cfg)
    assert names(cfg) == [BASE_URI, "assets/course.js", "assets/widgets.js"]


def test_the_packaged_base_replaces_a_file_of_the_same_path(tmp_path):
    cfg = config(tmp_path, [])
    stale = tmp_path / "docs" / "assets" / "base.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("window.AFP = 'stale';\n")
    files = Files([File(BASE_URI, cfg.docs_dir, cfg.site_dir, cfg.use_directory_urls)])
    assert ship_base(cfg, files) is files
    shipped = [f for f in files if f.src_uri == BASE_URI]
    assert len(shipped) == 1 and shipped[0].abs_src_path == str(BASE_SOURCE)
    assert ship_base(cfg, files) is files and len(files) == 1
    assert names(cfg) == [BASE_URI]
