"""Where the cursor is in a TOML document that is being typed (and so often does not parse).
(YAML has its own scanner with the same answer: :mod:`trainer_lint.server.yaml_cursor`.)

:func:`scan` scans the text with a small, forgiving tokenizer (strings, comments, brackets,
``=``, ``.``, ``,``, bare words) and follows TOML's structure: table headers (with the index of
each ``[[array of tables]]`` entry), dotted keys, inline tables and arrays. It answers:

* what is being written at the cursor: a key, a value, a table header (or nothing: a comment);
* the key path it belongs to, in the engine's words (``("trainer", "callbacks", 1, "init_args")``);
* the partial word typed so far and its extent (for completion's text edit and for hover);
* every scalar value in the file by key path, so that ``init_args`` can find the ``class_path``
  beside it, before or after the cursor, even when another line is broken.

It never raises: text it cannot follow ends the scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from trainer_lint.diagnostic import KeyPath

_TOKEN = re.compile(
    r'(?P<mlbasic>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z))'
    r"|(?P<mlliteral>'''(?:[^']|'(?!''))*(?:'''|\Z))"
    r'|(?P<basic>"(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z))'
    r"|(?P<literal>'[^'\n]*(?:'|(?=\n)|\Z))"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<newline>\r?\n)"
    r"|(?P<space>[ \t\ufeff]+)"  # a byte order mark is blank space
    r"|(?P<word>[A-Za-z0-9_\-+:]+)"
    r"|(?P<punct>\[\[|\]\]|[\[\]{}=.,])"
    r"|(?P<other>.)",
    re.S,
)

_STRINGS = ("basic", "literal", "mlbasic", "mlliteral")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def is_string(self) -> bool:
        return self.kind in _STRINGS

    @property
    def closed(self) -> bool:
        """Whether a string token has its closing quote."""
        quote = {"basic": '"', "literal": "'", "mlbasic": '"""', "mlliteral": "'''"}[self.kind]
        return len(self.text) >= 2 * len(quote) and self.text.endswith(quote)

    def value(self) -> str:
        """The text of a string or word token, without quotes (escapes in basic strings read)."""
        if not self.is_string:
            return self.text
        quote = 3 if self.kind.startswith("ml") else 1
        inner = self.text[quote:]
        if self.closed:
            inner = inner[:-quote]
        if self.kind in ("basic", "mlbasic") and "\\" in inner:
            return _ESCAPE.sub(_unescape, inner)
        return inner


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


def _unescape(match: re.Match[str]) -> str:
    """One escape of a TOML basic string; one TOML does not have stays as written."""
    hex_digits = match.group(1) or match.group(2)
    if hex_digits:
        code = int(hex_digits, 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)
    return _ESCAPES.get(match.group(3), match.group(0))


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, lazily (a scan stops when it knows enough)."""
    for m in _TOKEN.finditer(text):
        yield Token(m.lastgroup or "other", m.group(), m.start(), m.end())


@dataclass
class Cursor:
    """What the cursor is on."""

    kind: str
    """``"key"`` (a key is being written), ``"value"``, ``"header"`` (inside ``[...]``), or
    ``"none"`` (a comment, or a place nothing can be written)."""
    path: KeyPath = ()
    """For a key: the table (or inline table) it goes into, plus any dotted parts already
    written (``init_args.`` -> ``(..., "init_args")``). For a value: the key it is the value of,
    with the index inside an array. For a header: the dotted parts already written."""
    prefix: str = ""
    """The part of the word at the cursor before the cursor (without its quote)."""
    word: str = ""
    """The whole word at the cursor (for hover), without quotes."""
    start: int = 0
    """Where the word at the cursor starts (its opening quote included), as a text offset."""
    end: int = 0
    """Where the word at the cursor ends (its closing quote included)."""
    quote: str = ""
    """The word's opening quote when it is a string (``"`` or ``'``), else empty."""
    header_array: bool = False
    """For a header: whether it is ``[[...]]``."""
    table: KeyPath = ()
    """The table the cursor's line belongs to (from the last header above it)."""
    item: bool = False
    """YAML only: a word alone after a sequence item's ``-`` (``- Model``), which is a key of the
    item's mapping being typed, or the item itself."""


@dataclass
class Scan:
    """The result of scanning a document: the cursor, and every scalar value by key path."""

    cursor: Cursor
    scalars: dict[KeyPath, Any] = field(default_factory=dict)
    """String (and bare word) values, by full key path: what sibling lookups read."""
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    """Where each key written in the file is (the offsets of its last part)."""


@dataclass
class _Frame:
    kind: str  # "table" (a [table] body), "inline" ({...}), "array" ([...])
    path: KeyPath
    state: str = "key"  # "key", "dot", "eq", "value", "after"
    keys: list[str] = field(default_factory=list)
    index: int = 0


class _Scanner:
    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset
        self.tokens = tokens(text)
        self.arrays: dict[tuple[str, ...], int] = {}
        self.stack: list[_Frame] = [_Frame("table", ())]
        self.scan = Scan(Cursor("none"))
        self.found = False
        self.header: list[str] | None = None
        self.header_array = False
        self.header_dot = True
        self.done = False
        """Set once a header after the cursor starts a table the cursor's table cannot continue
        in: nothing later can be a sibling of the cursor's keys."""

    # --------------------------------------------------------------------- helpers

    def table_path(self, keys: list[str], array: bool) -> KeyPath:
        """The key path of a header, with the index of each enclosing array-of-tables entry."""
        path: list[Any] = []
        for i, key in enumerate(keys):
            path.append(key)
            prefix = tuple(keys[: i + 1])
            last = i == len(keys) - 1
            if prefix in self.arrays and not (array and last):
                path.append(self.arrays[prefix])
        if array:
            prefix = tuple(keys)
            self.arrays[prefix] = self.arrays.get(prefix, -1) + 1
            path.append(self.arrays[prefix])
            # a new entry starts over: forget the entries of arrays nested in the old one
            for other in [k for k in self.arrays if len(k) > len(prefix) and k[: len(prefix)] == prefix]:
                del self.arrays[other]
        return tuple(path)

    def here(self, kind: str, path: KeyPath, token: Token | None, **extra: Any) -> None:
        """Record the cursor (once)."""
        if self.found:
            return
        self.found = True
        cursor = Cursor(kind, path, table=self.stack[0].path, **extra)
        if token is not None and (token.kind == "word" or token.is_string):
            cursor.start, cursor.end = token.start, token.end
            cursor.word = token.value()
            if token.is_string:
                cursor.quote = token.text[0]
                lead = 3 if token.kind.startswith("ml") else 1
                cursor.prefix = token.text[lead : self.offset - token.start] if self.offset > token.start else ""
            else:
                cursor.prefix = token.text[: max(0, self.offset - token.start)]
        else:
            cursor.start = cursor.end = self.offset
        self.scan.cursor = cursor

    def cursor_in(self, token: Token) -> bool:
        """Whether the cursor is on ``token`` (a word or string the cursor touches)."""
        if self.found:
            return False
        if token.kind == "word" or token.is_string:
            if token.is_string and token.closed and self.offset == token.end:
                return False  # after a closing quote
            return token.start <= self.offset <= token.end
        return False

    # ----------------------------------------------------------------------- scan

    def run(self) -> Scan:
        for token in self.tokens:
            if token.kind == "space":
                continue
            if self.done:
                break
            if not self.found and (self.offset < token.start or (self.offset == token.start and token.kind != "word" and not token.is_string)):
                self.at_gap(token)
            if self.header is not None:
                self.in_header(token)
                continue
            frame = self.stack[-1]
            if token.kind == "comment":
                if token.start <= self.offset <= token.end and not self.found:
                    self.here("none", (), None)
                continue
            if token.kind == "newline":
                self.newline(frame)
                continue
            if frame.kind == "table" and frame.state == "key" and not frame.keys and token.text in ("[", "[["):
                self.header = []
                self.header_array = token.text == "[["
                self.header_dot = True
                continue
            if frame.state in ("key", "dot"):
                self.key_token(frame, token)
            elif frame.state == "eq":
                if token.text == "=":
                    frame.state = "value"
                elif token.text == ".":
                    frame.state = "dot"
                else:
                    frame.state = "after"
            elif frame.state == "value":
                self.value_token(frame, token)
            elif frame.state == "after":
                self.after_token(frame, token)
        if not self.found:
            self.at_end()
        return self.scan

    def at_gap(self, token: Token) -> None:
        """The cursor is in the blank space before ``token``."""
        if self.header is not None:
            self.here("header", tuple(self.header), None, header_array=self.header_array)
            return
        frame = self.stack[-1]
        self.gap(frame)

    def gap(self, frame: _Frame) -> None:
        if frame.state in ("key", "dot"):
            self.here("key", frame.path + tuple(frame.keys), None)
        elif frame.state == "value":
            self.here("value", self.value_path(frame), None)
        else:  # between a key and its `=`, or after a complete value on the same line
            self.here("none", (), None)

    def at_end(self) -> None:
        """The cursor is after the last token."""
        if self.header is not None:
            self.here("header", tuple(self.header), None, header_array=self.header_array)
            return
        self.gap(self.stack[-1])

    def value_path(self, frame: _Frame) -> KeyPath:
        if frame.kind == "array":
            return frame.path + (frame.index,)
        return frame.path + tuple(frame.keys)

    def newline(self, frame: _Frame) -> None:
        if frame.kind == "table":
            frame.state, frame.keys = "key", []
        # inside arrays (and, leniently, inline tables) newlines are blank space

    def in_header(self, token: Token) -> None:
        assert self.header is not None
        if self.cursor_in(token):
            self.here("header", tuple(self.header), token, header_array=self.header_array)
        if token.text in ("]", "]]") or token.kind == "newline":
            keys = self.header
            self.header = None
            if self.found and self.scan.cursor.kind != "header":
                mine = [p for p in self.scan.cursor.table if isinstance(p, str)]
                if keys[: len(mine)] != mine or (self.header_array and keys == mine):
                    self.done = True
                    return
            frame = self.stack[0]
            frame.path = self.table_path(keys, self.header_array)
            frame.state, frame.keys = ("after" if token.kind != "newline" else "key"), []
            del self.stack[1:]
            return
        if token.text == ".":
            self.header_dot = True
        elif token.kind == "word" or token.is_string:
            if self.header_dot:
                self.header.append(token.value())
            else:
                self.header[-1:] = [token.value()]
            self.header_dot = False

    def key_token(self, frame: _Frame, token: Token) -> None:
        if token.kind == "word" or token.is_string:
            if self.cursor_in(token):
                self.here("key", frame.path + tuple(frame.keys), token)
            frame.keys.append(token.value())
            self.scan.keys[frame.path + tuple(frame.keys)] = (token.start, token.end)
            frame.state = "eq"
            return
        if token.text == "}" and frame.kind == "inline":
            self.pop_value()
            return
        if token.text == "," and frame.kind == "inline":
            return  # a stray comma, or a trailing one
        # anything else: give up on this statement
        frame.state = "after"

    def value_token(self, frame: _Frame, token: Token) -> None:
        path = self.value_path(frame)
        if token.text == "[":
            self.stack.append(_Frame("array", path, state="value"))
            return
        if token.text == "{":
            self.stack.append(_Frame("inline", path, state="key"))
            return
        if token.text == "]" and frame.kind == "array":
            self.pop_value()
            return
        if token.kind == "word" or token.is_string:
            if self.cursor_in(token):
                self.here("value", path, token)
            self.scan.scalars[path] = token.value()
            frame.state = "after"
            return
        if token.text == "," and frame.kind == "array":
            frame.index += 1
            return
        frame.state = "after"

    def after_token(self, frame: _Frame, token: Token) -> None:
        if frame.kind == "inline":
            if token.text == ",":
                frame.state, frame.keys = "key", []
            elif token.text == "}":
                self.pop_value()
            elif token.text == "." and frame.keys and frame.state == "after":
                frame.state = "dot"
        elif frame.kind == "array":
            if token.text == ",":
                frame.index += 1
                frame.state = "value"
            elif token.text == "]":
                self.pop_value()
        elif token.text == "." and frame.keys:
            frame.state = "dot"
        elif token.kind == "word" or token.is_string:
            # a value made of several words (a date-time with a space), or junk: skip it
            if self.cursor_in(token):
                self.here("none", (), token)

    def pop_value(self) -> None:
        """A ``]`` or ``}`` closed the innermost array or inline table: the value is done."""
        if len(self.stack) > 1:
            self.stack.pop()
        self.stack[-1].state = "after"


def scan(text: str, offset: int, syntax: str = "toml") -> Scan:
    """Scan ``text`` for the cursor at character offset ``offset`` (never raises). ``syntax``
    ``"yaml"`` scans YAML (:mod:`trainer_lint.server.yaml_cursor`)."""
    if syntax == "yaml":
        from trainer_lint.server.yaml_cursor import scan as scan_yaml

        return scan_yaml(text, offset)
    try:
        return _Scanner(text, offset).run()
    except Exception:  # a bug here must never take the server down: know nothing instead
        return Scan(Cursor("none"))
