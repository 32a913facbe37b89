"""The course's shared JavaScript base, ``assets/base.js``: shipped once, loaded first.

``base.js`` (source: ``assets/base.js`` next to this module) defines ``window.AFP``, the one
global of the course's scripts; each adds its own part (``AFP.quiz``, ``AFP.explorer``,
``AFP.widgets``, ``AFP.course``) and returns early when its part is already there (a second
load changes nothing). Its helpers:

- ``AFP.store``: ``localStorage`` under the one key prefix ``afp:`` (``get(name,
  fallback)``, ``set``, ``remove``, ``names(start)``, ``clear(start)``). No access ever
  throws: unavailable, full or denied storage is ignored, and bad JSON (or ``null``) reads
  as absent. When the script loads it moves what earlier versions stored under other
  prefixes (``attention-quiz:v1:<id>`` -> ``afp:quiz:<id>``): an old value is copied unless
  the new key already holds a readable value (which is newer), then the old key is removed;
  a corrupt old value is only removed, and one that cannot be copied (storage full) stays
  for the next page.
- ``AFP.el(tag, attrs, text)``: an element, text only through ``textContent``;
  ``AFP.claim(node, attr)``: true the first time only (idempotent set-up, marked by a
  ``data-`` attribute).
- ``AFP.rgb(css)``, ``AFP.mix(lo, hi, t)``, ``AFP.inkOn(rgb)``: colours read from
  Material's variables, blended, and the text colour (black or white) that contrasts more.
- ``AFP.softmax(xs, allowed)``: stable softmax of an array or typed array (same kind back).
- ``AFP.onPage(init)``: ``init`` after each of Material's page loads (``document$``, instant
  navigation included) in a task after the theme's start-up task; without Material, on
  ``DOMContentLoaded`` (or at once when the page is parsed already).
- ``AFP.onScheme(listener)``, ``AFP.schemeKey()``: one observer of the palette attributes
  Material sets on ``<body>`` when the learner switches light/dark.

Every plugin that ships one of those scripts calls :func:`ship_base` from ``on_config``
(``files=None``) and from ``on_files``; calling it more than once, or from several plugins,
changes nothing more.
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
