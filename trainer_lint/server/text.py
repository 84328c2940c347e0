"""Positions in an open document: offsets, 1-based spans and the client's LSP positions.

trainer-lint's :class:`~trainer_lint.diagnostic.Span` counts lines from 1 and columns in
characters (code points) from 1. LSP counts both from 0, and columns in the *code units* of the
position encoding agreed at ``initialize``: UTF-16 unless the client offers UTF-8 or UTF-32
(:func:`choose_encoding`). ``"😋"`` is 1 character, 2 UTF-16 units and 4 UTF-8 bytes.

Plain data only (dicts shaped like LSP's ``Position``/``Range``): the fast start
(:mod:`trainer_lint.server.start`) uses this before pygls is loaded.
"""

from __future__ import annotations

import bisect
from typing import Any

from trainer_lint.diagnostic import Span

ENCODINGS = ("utf-8", "utf-16", "utf-32")
"""The position encodings this server speaks (LSP 3.17 ``PositionEncodingKind``)."""


def choose_encoding(capabilities: dict[str, Any] | None) -> str:
    """The encoding to use for a client: its first choice among :data:`ENCODINGS`, else UTF-16
    (what pygls's ``ServerCapabilitiesBuilder.choose_position_encoding`` does, so that the fast
    start and pygls agree; a test checks it)."""
    offered = ((capabilities or {}).get("general") or {}).get("positionEncodings") or ()
    for encoding in offered:
        if encoding in ENCODINGS:
            return str(encoding)
    return "utf-16"


def units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Lines:
    """The line structure of one text, for converting positions in both directions.

    ``shift`` is how many characters the editor's text has before the text that was linted: 1
    for a byte order mark, which linting drops (spans and fix offsets count from after it)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        self.shift = 1 if text.startswith("\ufeff") else 0
        self.toml_starts = [0]
        """Where each line starts as TOML (and so the engine's spans) counts lines: after ``\n``."""
        find = text.find
        at = find("\n")
        while at >= 0:
            self.toml_starts.append(at + 1)
            at = find("\n", at + 1)
        self.starts = self.toml_starts
        """Where each line starts as LSP counts lines: after ``\n``, ``\r\n`` and a lone ``\r``
        (which TOML rejects, but an editor still shows as a line break)."""
        if "\r" in text:
            lone = [i + 1 for i, c in enumerate(text) if c == "\r" and text[i + 1 : i + 2] != "\n"]
            if lone:
                self.starts = sorted(self.toml_starts + lone)

    def line_text(self, line: int) -> str:
        """Line ``line`` (0-based, as LSP counts lines) without its line ending."""
        if line < 0 or line >= len(self.starts):
            return ""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        text = self.text[self.starts[line] : end]
        if text.endswith("\n"):
            text = text[:-1]
        return text[:-1] if text.endswith("\r") else text

    def position(self, offset: int) -> dict[str, int]:
        """The LSP position of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        if 0 < offset < len(self.text) and self.text[offset - 1] == "\r" and self.text[offset] == "\n":
            offset -= 1  # inside a CRLF line break, which LSP cannot point into
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return {"line": line, "character": units(self.text[start:offset], self.encoding)}

    def offset(self, position: dict[str, int] | Any) -> int:
        """The character offset of an LSP position (clamped into the text)."""
        line = position["line"] if isinstance(position, dict) else position.line
        character = position["character"] if isinstance(position, dict) else position.character
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        text = self.line_text(line)
        if self.encoding == "utf-32":
            return start + min(character, len(text))
        count = 0
        for index, char in enumerate(text):
            if count >= character:
                return start + index
            count += units(char, self.encoding)
        return start + len(text)

    def range(self, start: int, end: int) -> dict[str, dict[str, int]]:
        """The LSP range of the character offsets ``[start, end)``."""
        return {"start": self.position(start), "end": self.position(end)}

    def span_range(self, span: Span | None) -> dict[str, dict[str, int]]:
        """The LSP range of a 1-based span (columns in characters), clamped into the text."""
        if span is None:
            return self.range(0, 0)
        return self.range(self._span_offset(span.line, span.column), self._span_offset(span.end_line, span.end_column))

    def linted_range(self, start: int, end: int) -> dict[str, dict[str, int]]:
        """The LSP range of offsets ``[start, end)`` into the linted text (see ``shift``)."""
        return self.range(start + self.shift, end + self.shift)

    def _span_offset(self, line: int, column: int) -> int:
        """The offset of a 1-based span position (TOML lines, character columns), clamped."""
        index = min(max(line, 1), len(self.toml_starts)) - 1
        start = self.toml_starts[index]
        # a span may cover the line break itself (a syntax error at it): up to the next line
        end = self.toml_starts[index + 1] if index + 1 < len(self.toml_starts) else len(self.text)
        shift = self.shift if index == 0 else 0
        return start + min(max(column, 1) - 1 + shift, end - start)
