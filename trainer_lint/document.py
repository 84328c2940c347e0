"""Read a TOML file and know where every key and value is.

:func:`read_document` turns a path into a :class:`Document`: the decoded text, the data
``tomli`` parsed from it, and (built lazily, on the first :meth:`Document.span_of` call) an
index from every :data:`~trainer_lint.diagnostic.KeyPath` to the :class:`Span` of its key and
of its value. Files that cannot be linted as TOML text raise :class:`DocumentError` carrying
a rule code (``TL001`` syntax, ``TL002`` encoding, ``TL003`` size); I/O problems stay
:class:`OSError` so the CLI can report them with its own exit status.

The position index comes from a small hand-written scanner (regular expressions, no
recursion) that walks text ``tomli`` has already validated, so it only has to find tokens,
not check them.
"""

from __future__ import annotations

import bisect
import codecs
import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import tomli

from .diagnostic import KeyPath, Span

MAX_BYTES = 10 * 1024 * 1024
"""Files larger than this are not linted (``TL003``)."""

MAX_DEPTH = 100
"""Tables and arrays nested deeper than this are not linted (``TL001``, see :func:`nesting_error`):
the rules walk values recursively, and tomli itself gives up (``RecursionError``) a few hundred
levels down. Such files still parse and are indexed."""

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "DocumentError",
    "NotARegularFile",
    "decode",
    "decode_limited",
    "nesting_error",
    "parse_document",
    "read_bytes",
    "read_document",
]


class DocumentError(Exception):
    """A file that cannot be linted as TOML text.

    ``code`` is a rule code (``TL001``-``TL003``), ``message`` one line of text, ``span``
    where the problem is (or ``None``) and ``path`` the file, when known.
    """

    def __init__(self, code: str, message: str, span: Span | None = None, path: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span
        self.path = path


class NotARegularFile(OSError):
    """The path names a FIFO, socket or device: reading it could block or never end."""


# ---------------------------------------------------------------------------- reading


def read_document(path: str | os.PathLike) -> Document:
    """Read, decode and parse the file at ``path``.

    Raises :class:`OSError` for I/O problems (missing file, directory, permissions,
    :class:`NotARegularFile`) and :class:`DocumentError` for files that are too large,
    not UTF-8 text, or not TOML.
    """
    name = os.fsdecode(os.fspath(path))
    return parse_document(decode(read_bytes(path), name), name)


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of the regular file at ``path``, refused (``TL003``) above :data:`MAX_BYTES`
    without reading it all. Raises :class:`OSError` as :func:`read_document` does."""
    name = os.fsdecode(os.fspath(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", name)
        if st.st_size > MAX_BYTES:
            raise _too_large(st.st_size, name)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:  # the file may grow while we read it: never read past the limit
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise _too_large(size, name)
    return b"".join(chunks)


def decode_limited(raw: bytes, path: str | os.PathLike | None = None) -> str:
    """What :func:`read_document` does with a file's bytes, for bytes that come from elsewhere
    (an editor's buffer): refuse them (``TL003``) above :data:`MAX_BYTES`, then :func:`decode`."""
    if len(raw) > MAX_BYTES:
        raise _too_large(len(raw), "" if path is None else os.fsdecode(os.fspath(path)))
    return decode(raw, path)


def _too_large(size: int, path: str) -> DocumentError:
    return DocumentError("TL003", f"file is larger than the 10 MiB limit ({size} bytes); not linted", None, path)


def decode(raw: bytes, path: str | os.PathLike | None = None) -> str:
    """Decode file bytes as UTF-8 text, dropping a leading BOM; raise ``TL002`` otherwise."""
    name = None if path is None else os.fsdecode(os.fspath(path))
    skipped = 0
    if raw.startswith(codecs.BOM_UTF8):
        raw, skipped = raw[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DocumentError("TL002", "file looks binary (contains NUL bytes)", _byte_span(raw, nul), name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        message = f"file is not valid UTF-8 text (byte 0x{raw[bad]:02x} at offset {bad + skipped})"
        raise DocumentError("TL002", message, _byte_span(raw, bad), name) from None


def _byte_span(raw: bytes, offset: int) -> Span:
    """The one-character span of the byte at ``offset`` (columns in characters)."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return Span(line, column, line, column + 1)


def parse_document(text: str, path: str = "<string>") -> Document:
    """Parse TOML ``text``; raise ``TL001`` with the error's position if it is not valid."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        message = " ".join(str(getattr(exc, "msg", exc)).split())
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        span = Span(line, column, line, column + 1) if line and column else None
        raise DocumentError("TL001", f"TOML syntax error: {message}", span, path) from None
    except RecursionError:
        raise DocumentError("TL001", TOO_DEEP, None, path) from None
    return Document(path=path, text=text, data=data)


TOO_DEEP = "TOML nesting is too deep"


def nesting_error(document: Document) -> DocumentError | None:
    """``TL001`` when tables and arrays nest more than :data:`MAX_DEPTH` levels (checked without
    recursion; the engine refuses to lint such a file, so the outcome never depends on the stack)."""
    stack: list[tuple[object, int]] = [(document.data, 0)]
    while stack:
        value, depth = stack.pop()
        for child in value.values() if isinstance(value, dict) else value:  # type: ignore[union-attr]
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_DEPTH:
                    return DocumentError("TL001", TOO_DEEP, None, document.path)
                stack.append((child, depth + 1))
    return None


# --------------------------------------------------------------------------- document


@dataclass
class Document:
    """A parsed TOML file: ``text`` (BOM removed, line endings untouched) and ``data``."""

    path: str
    text: str
    data: dict
    _index: dict[KeyPath, list] | None = field(default=None, init=False, repr=False, compare=False)
    _line_starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    format: ClassVar[str] = "toml"
    """Which reader made this document (``"toml"``; :mod:`trainer_lint.formats` has the others)."""
    findings: ClassVar[tuple[Any, ...]] = ()
    """Diagnostics the reader found, already placed (YAML-only problems; none for TOML)."""
    unresolved: ClassVar[frozenset[KeyPath]] = frozenset()
    """Key paths whose value the file's reader cannot know (YAML interpolations; none for TOML)."""

    def comments(self) -> Iterator[tuple[int, str]]:
        """``(offset, text)`` of every comment in :attr:`text`."""
        from trainer_lint.suppression import comments

        return comments(self.text)

    @property
    def index_built(self) -> bool:
        """Whether the position index exists yet (it is built by the first :meth:`span_of`)."""
        return self._index is not None

    def span_of(self, key: KeyPath, *, part: str = "value") -> Span:
        """Where ``key`` is written: ``part="value"`` (default) or ``part="key"``.

        The value of a ``[header]`` table is the header's key text; of an inline table or
        array, the whole ``{...}``/``[...]``. The key is the last key segment as written
        (quotes included); an inline array element has no key and answers its value span.
        A key not in the file falls back to its nearest written ancestor's key span, then
        to line 1, column 1. Never raises for any ``key``; ``part`` must be valid.
        """
        if part not in ("value", "key"):
            raise ValueError(f"part must be 'value' or 'key', not {part!r}")
        index = self._positions()
        try:
            key = tuple(key)
            entry = index.get(key)
            if entry is not None:
                return self._span(*(entry[0:2] if part == "key" else entry[2:4]))
            for size in range(len(key) - 1, 0, -1):
                entry = index.get(key[:size])
                if entry is not None:
                    return self._span(entry[0], entry[1])
        except TypeError:  # an unhashable or non-iterable key
            pass
        return Span(1, 1, 1, 1)

    def offsets_of(self, key: KeyPath, *, part: str = "value") -> tuple[int, int] | None:
        """String offsets ``[start, end)`` in :attr:`text` of ``key``'s key (``part="key"``) or
        value text, or ``None`` when ``key`` is not written in the file: unlike :meth:`span_of`
        there is no fallback, so a fixer never edits the wrong place. Tables known only from a
        prefix (``a`` in ``[a.b]``) count as not written."""
        try:
            entry = self._positions().get(tuple(key))
        except TypeError:
            return None
        if entry is None or entry[4]:
            return None
        return (entry[0], entry[1]) if part == "key" else (entry[2], entry[3])

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line ending ("" past the end)."""
        starts = self._starts()
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        text = self.text[starts[line - 1] : end]
        return text[:-1] if text.endswith("\r") else text

    def _positions(self) -> dict[KeyPath, list]:
        if self._index is None:
            scanner = _Scanner(self.text)
            try:
                scanner.scan()
            except Exception:  # text tomli accepted but we misread: keep what we found
                pass
            self._index = scanner.index
        return self._index

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = line_starts(self.text)
        return self._line_starts

    def _span(self, start: int, end: int) -> Span:
        """Convert string offsets ``[start, end)`` to a 1-based, character-column span."""
        return offsets_span(self._starts(), start, end)


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def offsets_span(starts: list[int], start: int, end: int) -> Span:
    """String offsets ``[start, end)`` as a 1-based, character-column span (``starts``: see
    :func:`line_starts`)."""
    line = bisect.bisect_right(starts, start)
    end_line = bisect.bisect_right(starts, end)
    return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)


# ---------------------------------------------------------------------------- scanner

_WS = r"(?:[ \t\r\n]+|#[^\n]*)*"  # whitespace, newlines and comments
_SKIP = re.compile(_WS)
_NEXT_ITEM = re.compile(f"{_WS}(?:,{_WS})?")  # ... with at most one comma: between items
_SIMPLE_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")  # fast path for `name = `
_KEY_PART = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s.=\[\]{}"'#,]+)[ \t]*(\.[ \t]*)?""")
_EQUALS = re.compile(r"=[ \t]*")
_SCALAR = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""(?:"{0,2})'  # up to two quotes may end the content
    r"|'''(?:[^']++|'(?!''))*+'''(?:'{0,2})"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|[^\s,\]}#]+(?: \d\d:[^\s,\]}#]*)?",  # numbers, booleans, dates (a date-time may use " ")
    re.S,
)

_Segment = tuple[str, int, int]  # (key name, start offset, end offset)


class _ScanError(Exception):
    """The scanner met text it does not understand (the index stays partial)."""


class _Scanner:
    """Walk valid TOML text and record ``index[path] = [key_start, key_end, value_start, value_end, implicit]``.

    Offsets index the text. ``implicit`` entries are tables that only appear as a prefix
    (``a`` in ``[a.b]`` or ``a.b = 1``); a later explicit definition replaces them. Values
    are written exactly once in valid TOML, so they are stored without checks.
    """

    def __init__(self, text: str):
        self.text = text
        self.index: dict[KeyPath, list] = {}
        self.table_arrays: dict[KeyPath, int] = {}  # [[array]] path -> elements so far

    def scan(self) -> None:
        text, n, table, pos = self.text, len(self.text), (), 0
        while True:
            pos = _SKIP.match(text, pos).end()
            if pos >= n:
                return
            if text[pos] == "[":
                table, pos = self.header(pos)
            else:
                path, ks, ke, pos = self.key_equals(pos, table)
                pos = self.value(pos, path, ks, ke)

    def implicit(self, path: KeyPath, start: int, end: int) -> None:
        """Record a table known only from a key prefix, unless it is already known."""
        if path not in self.index:
            self.index[path] = [start, end, start, end, True]

    def header(self, pos: int) -> tuple[KeyPath, int]:
        """Scan ``[a.b]`` or ``[[a.b]]`` at ``pos``; return the table's path and the end."""
        is_array = self.text.startswith("[[", pos)
        segments, pos = self.key(_SKIP.match(self.text, pos + (2 if is_array else 1)).end())
        path: KeyPath = ()
        for name, start, end in segments[:-1]:
            path += (name,)
            self.implicit(path, start, end)
            if path in self.table_arrays:  # [a.b] after [[a]] belongs to the last element of a
                path += (self.table_arrays[path] - 1,)
        name, ks, ke = segments[-1]
        entry = [ks, ke, segments[0][1], ke, False]  # the value of a header is its key text
        path += (name,)
        if is_array:
            count = self.table_arrays.get(path, 0)
            self.table_arrays[path] = count + 1
            if count == 0:
                self.index[path] = entry
            path += (count,)
        old = self.index.get(path)
        if old is None or old[4]:
            self.index[path] = entry
        return path, pos + (2 if is_array else 1)

    def key(self, pos: int) -> tuple[list[_Segment], int]:
        """Scan a (dotted) key at ``pos``; return its segments and the offset after it."""
        segments = []
        while True:
            match = _KEY_PART.match(self.text, pos)
            if match is None:
                raise _ScanError(pos)
            raw = match.group(1)
            if raw[0] in "\"'":
                name = next(iter(tomli.loads(raw + " = 0"))) if "\\" in raw else raw[1:-1]
            else:
                name = raw
            segments.append((name, pos, match.end(1)))
            pos = match.end()
            if match.group(2) is None:
                return segments, pos

    def key_equals(self, pos: int, table: KeyPath) -> tuple[KeyPath, int, int, int]:
        """Scan ``key =`` at ``pos`` in ``table``: return the path, key span and value offset.

        The tables that the key's dots define are recorded (implicitly) on the way.
        """
        match = _SIMPLE_KEY.match(self.text, pos)
        if match is not None:
            return table + (match.group(1),), pos, match.end(1), match.end()
        segments, pos = self.key(pos)
        for name, start, end in segments[:-1]:
            table += (name,)
            self.implicit(table, start, end)
        name, ks, ke = segments[-1]
        match = _EQUALS.match(self.text, pos)
        if match is None:
            raise _ScanError(pos)
        return table + (name,), ks, ke, match.end()

    def value(self, pos: int, path: KeyPath, ks: int, ke: int) -> int:
        """Scan the value of ``path`` at ``pos``; return its end. ``ks < 0``: no key.

        Nested arrays and inline tables use an explicit stack of
        ``[bracket, path, start, key_start, key_end, next_index]``, not recursion.
        """
        text, index, stack = self.text, self.index, []
        while True:
            if text[pos] in "[{":
                stack.append([text[pos], path, pos, ks, ke, 0])
                pos = _SKIP.match(text, pos + 1).end()
            else:
                match = _SCALAR.match(text, pos)
                if match is None:
                    raise _ScanError(pos)
                end = match.end()
                index[path] = [ks, ke, pos, end, False] if ks >= 0 else [pos, end, pos, end, False]
                pos = _NEXT_ITEM.match(text, end).end() if stack else end
            # Close finished containers; stop at the next item (or when none is left open).
            while stack:
                box = stack[-1]
                if text[pos] in "]}":
                    stack.pop()
                    start, pos = box[2], pos + 1
                    ks, ke = (box[3], box[4]) if box[3] >= 0 else (start, pos)
                    index[box[1]] = [ks, ke, start, pos, False]
                    if stack:
                        pos = _NEXT_ITEM.match(text, pos).end()
                    continue
                if box[0] == "[":
                    path, ks, ke = box[1] + (box[5],), -1, -1
                    box[5] += 1
                else:
                    path, ks, ke, pos = self.key_equals(pos, box[1])
                break
            else:
                return pos
