"""The quiz block: a ``pymdownx.blocks`` extension, registered as the Markdown extension ``quiz``.

::

    ## End-of-lesson quiz

    /// quiz | quizzes/04-softmax.yaml
    ///

shows the quiz in that file (a path relative to the project ``root``) as a form: its title
a heading one level below the heading above the block, so the page's outline stays in
order. The block may be indented (inside an admonition or a tab) and takes no content.
Any Python-Markdown host renders it::

    markdown.markdown(text, extensions=["quiz"], extension_configs={"quiz": {
        "root": ".", "code_package": "lesson_code", "code_exclude": ["lesson_code.lessons"]}})

The quiz HTML is put in after Markdown has run (through Markdown's raw-HTML stash), so no
extension mangles it. A mistake (a missing file, a block with content, a quiz with
problems) raises the ``error`` exception class, its message naming the page and the line
of the block.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable
from pathlib import Path

from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from . import answers
from .errors import QuizError, report
from .library import Library, Page, QuizNotFound
from .model import DEFAULT_PASS_MARK
from .placement import HEADER_RE, block_paths
from .render import DEFAULT_EXTENSIONS, strings_from

SLOT = "data-quiz-block"  # marks where a block was, until its quiz is rendered
NAME_FILE = "a quiz block names its file: '/// quiz | quizzes/name.yaml'"


class QuizBlockError(Exception):
    """A quiz block that cannot be shown; the message says where and why."""


class QuizBlock(Block):
    NAME = "quiz"
    ARGUMENT = None  # required, but checked here, so a missing path is an error, not text
    OPTIONS = {}  # none: anything under the header is a mistake (see _PlaceQuizzes)

    def on_validate(self, parent):
        self.path = (self.argument or "").strip().strip("\"'")
        self.number = self.tracker.setdefault("count", 0)
        self.tracker["count"] += 1
        if not self.path:
            self.config["extension"].fail(NAME_FILE, self.number)
        return True

    def on_create(self, parent):
        return etree.SubElement(parent, "div", {SLOT: str(self.number), "data-path": self.path})


class QuizExtension(BlocksExtension):
    """The ``quiz`` block; its options are those of :class:`~.library.Library`, or a
    ``library`` and a ``page`` from a host that converts many pages (the MkDocs plugin)."""

    def __init__(self, *args, **kwargs):
        self.config = {
            "root": [".", "Project folder: a block's path is relative to it"],
            "quizzes_dir": ["quizzes", "Folder (under root) that holds the quiz files"],
            "code_package": ["", "Package answer_from may call, e.g. lesson_code; '': none"],
            "code_exclude": [[], "Subpackages answer_from may not call (they run on import)"],
            "pass_mark": [DEFAULT_PASS_MARK, "Pass mark of quizzes that set none"],
            "strings": [{}, "UI text to translate (names of plugins.quiz.render.Strings)"],
            "extensions": [list(DEFAULT_EXTENSIONS), "Markdown extensions of quiz text"],
            "extension_configs": [{}, "Their configuration"],
            "library": ["", "A Library to use instead of one made from the options above"],
            "page": ["", "A callable giving the Page being converted (name, values, links)"],
            "error": [QuizBlockError, "Exception class raised for an author's mistake"],
        }
        super().__init__(*args, **kwargs)
        self.library: Library | None = None

    def extendMarkdownBlocks(self, md, block_mgr):  # noqa: N802 (the Blocks API's name)
        md.registerExtension(self)
        block_mgr.register(QuizBlock, {"extension": self})
        md.preprocessors.register(_KeepSource(md, self), "quiz_source", 1000)
        md.treeprocessors.register(_PlaceQuizzes(md, self), "quiz", 19)
        self.reset()

    def reset(self):
        self.source = ""  # the Markdown being converted (lines of messages, without a page)
        self.dom_ids: dict[str, int] = {}

    # -- what the host gave ------------------------------------------------------------
    def get_library(self) -> Library:
        if self.library is None:
            given = self.getConfig("library")
            self.library = given or Library(
                Path(self.getConfig("root")),
                quizzes_dir=self.getConfig("quizzes_dir"),
                code=answers.CodePackage(
                    self.getConfig("code_package"), tuple(self.getConfig("code_exclude"))
                ),
                strings=strings_from(dict(self.getConfig("strings"))),
                pass_mark=float(self.getConfig("pass_mark")),
                extensions=self.getConfig("extensions"),
                extension_configs=self.getConfig("extension_configs"),
            )
        return self.library

    def page(self) -> Page:
        current: Callable[[], Page] | str = self.getConfig("page")
        return current() if callable(current) else Page()

    # -- errors ------------------------------------------------------------------------
    def fail(self, message: str, number: int):
        """Raise ``message`` for block ``number`` of the page, at the line of its header."""
        page = self.page()
        line = _block_line(page.source if page.source is not None else self.source, number)
        if page.name:
            where = f"{page.name}:{line}" if line else page.name
        else:
            where = f"line {line}" if line else "a quiz block"
        raise self.getConfig("error")(f"{where}: {message}")

    def show(self, number: int, path: str, level: int) -> str:
        """The HTML of the quiz block ``number`` names, its title an ``h<level>``."""
        library, page, error = self.get_library(), self.page(), self.getConfig("error")
        try:
            shown = library.find(path)
        except QuizNotFound as exc:
            self.fail(f"/// quiz | {path}: {exc}", number)
        except QuizError as exc:  # a file loaded now, with problems
            raise error(report(exc.problems)) from None
        dom_id = "quiz-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in shown.quiz_id)
        self.dom_ids[dom_id] = self.dom_ids.get(dom_id, 0) + 1
        if self.dom_ids[dom_id] > 1:
            dom_id += f"-{self.dom_ids[dom_id]}"
        try:
            return library.render(shown, level=level, dom_id=dom_id, page=page)
        except QuizError as exc:
            found = "found while filling {{ name }} from the page's lesson values"
            raise error(report(exc.problems, found)) from None


class _KeepSource(Preprocessor):
    """Keeps the Markdown as given, for the line numbers of messages."""

    def __init__(self, md, extension: QuizExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        self.extension.source = "\n".join(lines)
        return lines


class _PlaceQuizzes(Treeprocessor):
    """Puts each block's quiz in its place, titled one level below the heading above."""

    def __init__(self, md, extension: QuizExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        level = 1  # the page title
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                level = int(element.tag[1])
            elif element.get(SLOT) is not None:
                number, path = int(element.get(SLOT)), element.get("data-path")
                if (element.text or "").strip() or len(element):  # text after the header
                    self.extension.fail(
                        f"the block '/// quiz | {path}' needs a closing '///' on the next line",
                        number,
                    )
                html = self.extension.show(number, path, min(level + 1, 6))
                element.tag = "p"
                element.attrib.clear()
                element.text = self.md.htmlStash.store(html)
            elif element.tag == "p" and HEADER_RE.match((element.text or "").split("\n")[0]):
                self.extension.fail(
                    "this quiz block could not be read: write '/// quiz | quizzes/name.yaml' "
                    "and '///' alone on the next line (a quiz block takes no options)",
                    -1,
                )
        return None


def _block_line(source: str, number: int) -> int | None:
    """1-based line of the header of quiz block ``number`` (0-based; -1: the first one
    Markdown did not read as a block) in ``source``, fenced code left out."""
    headers = [line for line, _ in block_paths(source)]
    if not headers:
        return None
    return headers[number] if 0 <= number < len(headers) else headers[0]


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's name)
    return QuizExtension(**kwargs)
