"""The file protocol between a lesson script and the lessons plugin that runs it.

One side writes, the other reads, and both import the names from here so they cannot
drift apart:

- the writer is :mod:`lesson_code.report` (the calls a lesson script makes);
- the reader is the lessons plugin: ``plugins/lessons/runner.py`` sets the environment
  variables when it starts a script, ``plugins/lessons/plugin.py`` reads the files back.

Environment (set by the runner; unset when a script is run by hand or in a notebook,
and then ``report`` prints and shows instead of writing files):

``OUTPUT_ENV``  the folder the script writes everything into
``SLUG_ENV``    the lesson's slug, e.g. ``"04-softmax"`` (salts the ids inside figures,
                so two figures on one page never share one)
``CODE_CACHE_ENV``  a folder lesson_code may keep a cache in (the trained model's weights,
                :mod:`lesson_code.learned`); the sandbox lets a script write there. Also
                set for the notebooks the build executes.

Files in that folder, ``name`` being the name the script gave (``NAME_RE``):

``<name>.txt``         what ``report.output(name)`` captured (``OUTPUT_SUFFIX``)
``<name>.fig.md``      the ``<figure>`` block of ``report.figure`` (``FIGURE_SUFFIX``)
``<name>.widget.md``   the ``<figure>`` block of ``report.widget`` (``WIDGET_SUFFIX``)
``values.json``        ``{name: text}`` of every ``report.value`` (``VALUES_FILE``)
``figures.json``       ``{name: {"alt": ..., "caption": ...}}`` (``FIGURES_FILE``)
``widgets.json``       ``{name: {"kind": ..., "label": ..., "caption": ...}}`` (``WIDGETS_FILE``)

A page includes the blocks with ``--8<-- "<slug>/<name>.txt"`` (and ``.fig.md``,
``.widget.md``) and shows each value with ``{{ name }}``.
"""

from __future__ import annotations

import re

OUTPUT_ENV = "LESSON_OUTPUT_DIR"
SLUG_ENV = "LESSON_SLUG"
CODE_CACHE_ENV = "LESSON_CODE_CACHE"
CODE_CACHE_DEFAULT = ".cache/lesson_code"  # relative to the project root, when unset

OUTPUT_SUFFIX = ".txt"
FIGURE_SUFFIX = ".fig.md"
WIDGET_SUFFIX = ".widget.md"
VALUES_FILE = "values.json"
FIGURES_FILE = "figures.json"
WIDGETS_FILE = "widgets.json"

# A name becomes a file name and a {{ name }} placeholder: keep it plain.
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
