"""Safe YAML loading that keeps the line and column of every node.

PyYAML's ``SafeLoader`` parses the text into events; this module builds the node tree
itself (iteratively, so deep nesting cannot exhaust the stack) and refuses what a quiz
never needs:

- any tag other than YAML's plain ones (``!!python/object``, ``!!binary``, ``!foo``...):
  nothing is ever constructed from a tag, so no code can run;
- files larger than :data:`MAX_BYTES`, nesting deeper than :data:`MAX_DEPTH`, more than
  :data:`MAX_ALIASES` aliases or more than :data:`MAX_NODES` nodes once aliases are
  expanded (a "billion laughs" YAML bomb stops at the limit, in milliseconds);
- recursive aliases, duplicate keys, merge keys (``<<``), non-text keys, several
  documents in one file;
- bytes that are not UTF-8, and files with nothing in them.

Each refusal is a :class:`~plugins.quiz.errors.QuizError` whose message says where and
what; nothing else escapes :func:`parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from .errors import Problem, QuizError

MAX_BYTES = 128 * 1024
MAX_DEPTH = 24
MAX_ALIASES = 64
MAX_NODES = 20_000

YAML_TAG = "tag:yaml.org,2002:"
ALLOWED_SCALAR_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null")}
ALLOWED_SEQ_TAGS = {YAML_TAG + "seq"}
ALLOWED_MAP_TAGS = {YAML_TAG + "map"}


@dataclass(eq=False)
class Node:
    """One YAML node with its 1-based position.

    ``value`` is a Python scalar (str, int, float, bool or None) for a scalar, a list of
    nodes for a sequence, a dict of nodes for a mapping. ``raw`` is a scalar's text as
    written (so ``text: 0.50`` can be read as the text "0.50"), ``quoted`` whether it was
    written in quotes or as a block. ``keys`` holds the key nodes of a mapping.
    """

    kind: str  # "scalar" | "seq" | "map"
    line: int
    col: int
    value: Any = None
    raw: str = ""
    quoted: bool = False
    tag: str = ""  # resolved short tag of a scalar: str, int, float, bool, null
    keys: dict[str, Node] = field(default_factory=dict)
    size: int = 1  # number of nodes with aliases expanded


def decode(data: bytes | str, path: str) -> str:
    """UTF-8 text of ``data`` (a leading byte order mark is dropped)."""
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            _fail(path, 1, 1, f"the file is {len(data)} bytes; a quiz may be at most {MAX_BYTES}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            _fail(
                path,
                line,
                col,
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); "
                "save it as UTF-8",
            )
    if len(text) > MAX_BYTES:
        _fail(path, 1, 1, f"the file is {len(text)} characters; a quiz may be at most {MAX_BYTES}")
    return text.removeprefix("\ufeff")


def parse(data: bytes | str, path: str) -> Node:
    """The root node of the single YAML document in ``data``; ``QuizError`` otherwise."""
    text = decode(data, path)
    fast = _parse_fast(text, path)
    if fast is not None:
        return fast
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        _reader_error(exc, text, path)
    try:
        return _Builder(loader, path).document()
    except yaml.reader.ReaderError as exc:
        _reader_error(exc, text, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        _fail(path, line, col, _syntax_message(exc))
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above is marked
        _fail(path, 1, 1, f"YAML error: {exc}")
    finally:
        loader.dispose()


def _parse_fast(text: str, path: str) -> Node | None:
    """The same tree from libyaml's parser (ten times faster), or None on any problem.

    Only a file that loads without any problem is taken from here; anything else is parsed
    again by the pure-Python parser, whose messages are the ones reported.
    """
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return None
    loader = None
    try:
        loader = loader_class(text)
        return _Builder(loader, path).document()
    except Exception:  # noqa: BLE001 - reported by the pure-Python pass
        return None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark is not None:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif "<block" in problem:
        message += "; check the indentation of this line"
    return message


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str) -> None:
    position = max(0, min(exc.position, len(text)))
    before = text[:position]
    line = before.count("\n") + 1
    col = position - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    _fail(path, line, col, f"the character U+{ord(char):04X} is not allowed in a YAML file")


def _fail(path: str, line: int, col: int, message: str) -> None:
    raise QuizError([Problem(path, line, col, "", message)])


class _Builder:
    """Turns the event stream of one document into a :class:`Node` tree."""

    def __init__(self, loader: yaml.SafeLoader, path: str):
        self.loader = loader
        self.path = path
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.aliases = 0
        self.nodes = 0

    def fail(self, mark: yaml.Mark | None, message: str) -> None:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        _fail(self.path, line, col, message)

    def document(self) -> Node:
        self.loader.get_event()  # StreamStartEvent
        if self.loader.check_event(events.StreamEndEvent):
            _fail(
                self.path, 1, 1, "the file is empty; a quiz needs at least 'title' and 'questions'"
            )
        self.loader.get_event()  # DocumentStartEvent
        root = self.tree()
        self.loader.get_event()  # DocumentEndEvent
        if not self.loader.check_event(events.StreamEndEvent):
            extra = self.loader.peek_event()
            self.fail(
                extra.start_mark, "a quiz file holds one YAML document; remove the second '---'"
            )
        if root.kind == "scalar" and root.tag == "null":
            _fail(
                self.path, 1, 1, "the file is empty; a quiz needs at least 'title' and 'questions'"
            )
        return root

    def tree(self) -> Node:
        """Read events until the node that starts here is complete (no recursion)."""
        stack: list[tuple[Node, str | None, list[Any]]] = []  # (node, anchor, [pending key])
        while True:
            event = self.loader.get_event()
            if isinstance(event, events.AliasEvent):
                node = self.alias(event)
            elif isinstance(event, events.ScalarEvent):
                node = self.scalar(event)
                self.count(1, event)
                if event.anchor:
                    self.anchors[event.anchor] = node
            elif isinstance(event, events.SequenceStartEvent | events.MappingStartEvent):
                node = self.open(event, len(stack))
                self.count(1, event)
                if event.anchor:
                    self.open_anchors.add(event.anchor)
                stack.append((node, event.anchor, [None]))
                continue
            elif isinstance(event, events.SequenceEndEvent | events.MappingEndEvent):
                node, anchor, pending = stack.pop()
                if pending[0] is not None:  # pragma: no cover - the parser pairs keys and values
                    self.fail(event.start_mark, "a key has no value")
                if anchor:
                    self.open_anchors.discard(anchor)
                    self.anchors[anchor] = node
            else:  # pragma: no cover - the parser emits nothing else inside a document
                self.fail(event.start_mark, f"unexpected YAML event {type(event).__name__}")
            if not stack:
                return node
            self.attach(stack[-1], node)

    def count(self, size: int, event: events.Event) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            self.fail(
                event.start_mark,
                f"the file expands to more than {MAX_NODES} YAML nodes (a YAML bomb?); "
                "a quiz never needs that many",
            )

    def alias(self, event: events.AliasEvent) -> Node:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self.fail(
                event.start_mark, f"more than {MAX_ALIASES} aliases (*name); write the values out"
            )
        if event.anchor in self.open_anchors:
            self.fail(event.start_mark, f"the alias *{event.anchor} refers to itself (recursive)")
        node = self.anchors.get(event.anchor)
        if node is None:
            self.fail(
                event.start_mark,
                f"the alias *{event.anchor} has no anchor &{event.anchor} before it",
            )
        self.count(node.size, event)
        return node

    def open(self, event: events.CollectionStartEvent, depth: int) -> Node:
        if depth + 1 > MAX_DEPTH:
            self.fail(
                event.start_mark, f"nesting deeper than {MAX_DEPTH} levels; a quiz is shallow"
            )
        is_map = isinstance(event, events.MappingStartEvent)
        allowed = ALLOWED_MAP_TAGS if is_map else ALLOWED_SEQ_TAGS
        if event.tag not in (None, "!") and event.tag not in allowed:
            self.fail(event.start_mark, _tag_message(event.tag))
        mark = event.start_mark
        if is_map:
            return Node("map", mark.line + 1, mark.column + 1, value={})
        return Node("seq", mark.line + 1, mark.column + 1, value=[])

    def scalar(self, event: events.ScalarEvent) -> Node:
        mark = event.start_mark
        tag = event.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        elif tag not in ALLOWED_SCALAR_TAGS:
            self.fail(mark, _tag_message(tag))
        short = tag.removeprefix(YAML_TAG)
        value: Any = event.value
        try:
            if short == "null":
                value = None
            elif short == "bool":
                value = self.loader.construct_yaml_bool(yaml.ScalarNode(tag, event.value))
            elif short == "int":
                value = self.loader.construct_yaml_int(yaml.ScalarNode(tag, event.value))
            elif short == "float":
                value = self.loader.construct_yaml_float(yaml.ScalarNode(tag, event.value))
            else:  # str, and implicit timestamps, merge and value markers: kept as text
                short = "str" if short != "merge" else "merge"
        except (ValueError, KeyError, OverflowError):
            self.fail(mark, f"{event.value[:40]!r} cannot be read as !!{short}")
        return Node(
            "scalar",
            mark.line + 1,
            mark.column + 1,
            value=value,
            raw=event.value,
            quoted=bool(event.style),  # plain: None from PyYAML, "" from libyaml
            tag=short,
        )

    def attach(self, parent: tuple[Node, str | None, list[Any]], node: Node) -> None:
        container, _, pending = parent
        container.size += node.size
        if container.kind == "seq":
            container.value.append(node)
            return
        if pending[0] is None:  # this node is a key
            if node.kind != "scalar":
                _fail(
                    self.path,
                    node.line,
                    node.col,
                    "a key must be plain text, not a list or mapping",
                )
            if node.tag == "merge":
                _fail(
                    self.path,
                    node.line,
                    node.col,
                    "merge keys (<<) are not supported; write the keys out",
                )
            name = node.raw
            if name in container.value:
                first = container.keys[name]
                _fail(
                    self.path,
                    node.line,
                    node.col,
                    f"duplicate key '{name}' (first defined at line {first.line}); keep one",
                )
            pending[0] = (name, node)
            return
        name, key_node = pending[0]
        container.value[name] = node
        container.keys[name] = key_node
        pending[0] = None


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag
    return f"the tag {shown} is not allowed; a quiz is plain data (remove the tag)"
