"""The course's shared JavaScript base (``assets/base.js``): shipped once, loaded first.

``base.js`` defines ``window.AFP`` (storage under one key prefix, the element builder,
colour helpers, softmax, the ``document$`` start-up); the quiz, explorer, widgets and course
scripts all use it, so it must run before every one of them. Each plugin that ships one of
those scripts calls :func:`ship_base` from ``on_config`` (with ``files=None``) and from
``on_files``; calling it more than once, or from several plugins, changes nothing more.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files

BASE_SOURCE = Path(__file__).resolve().parent / "assets" / "base.js"
BASE_URI = "assets/base.js"


def ship_base(config, files: Files | None = None) -> Files | None:
    """Put ``assets/base.js`` first in ``config.extra_javascript`` (moved there if listed
    later), and, given ``files``, ship the package's base.js as that site file (replacing
    any file of the same path from docs/)."""
    scripts = config.extra_javascript
    listed = [i for i, script in enumerate(scripts) if str(script) == BASE_URI]
    if listed != [0]:
        for i in reversed(listed):
            del scripts[i]
        scripts.insert(0, BASE_URI)
    if files is None:
        return None
    existing = files.get_file_from_path(BASE_URI)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, BASE_URI, abs_src_path=str(BASE_SOURCE)))
    return files
