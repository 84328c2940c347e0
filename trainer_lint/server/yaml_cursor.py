"""Where the cursor is in a YAML document that is being typed (and so often does not parse).

The YAML twin of :mod:`trainer_lint.server.cursor`, with the same answer (a
:class:`~trainer_lint.server.cursor.Scan`), so that completion, hover and go-to-definition serve
both formats unchanged. :func:`scan` follows LightningCLI's YAML by lines and indentation, never
through PyYAML (the text is what the user is typing: half a key, an unclosed ``{``, a tab):

* block mappings (``key: value``, ``key:`` with a nested block below), block sequences
  (``- item``, ``- class_path: ...`` with the item's other keys indented under it, a sequence at
  the same indentation as its key), nested ``- - ...``;
* flow mappings and sequences (``{monitor: val_loss, mode: min}``, ``[0, 1]``), nested, across
  lines; an unclosed one ends at the next line that is indented no deeper than its key;
* plain, single- and double-quoted scalars (an unclosed quote ends at the line's end), comments
  (``#`` at the start of a line or after blank space), anchors and tags before a value, block
  scalars (``|``, ``>``: their lines are text), ``---`` between documents, a byte order mark.

It answers what :class:`~trainer_lint.server.cursor.Cursor` says for TOML: a key or a value is
being written (``"header"`` never occurs), the key path it belongs to (``("trainer",
"callbacks", 0, "init_args")``), the word typed so far and its extent; and every scalar value
by key path, so that an ``init_args`` mapping finds the ``class_path`` beside it, before or
after the cursor. A half-typed line (``  max_ep``, no colon yet) is a key being written. A word
alone in a sequence item (``- Model``) is marked ``item``: a key of the item's mapping, or the
item itself.

It never raises: a bug here means "know nothing", never a crashed server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from trainer_lint.diagnostic import KeyPath
from trainer_lint.server.cursor import Cursor, Scan

_BREAK = re.compile(r"\r\n|\r|\n")
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*(?:[ \t]+|\Z))+")  # anchors and tags before a value
_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*\Z")
_FLOW_PLAIN_END = re.compile(r"[,\[\]{}]|:(?=[\s,\[\]{}]|\Z)|[ \t]#")


@dataclass
class _Block:
    """A block collection: a mapping (its keys start at ``indent``) or a sequence (its ``-`` are
    at ``indent``)."""

    kind: str  # "map" or "seq"
    indent: int
    path: KeyPath
    pending: str | None = None
    """A mapping's last key with nothing after its colon: a nested block may follow."""
    index: int = -1
    """A sequence's current item."""
    open_item: bool = False
    """A sequence item with nothing after its ``-``: a nested block may follow."""


@dataclass
class _Flow:
    kind: str  # "map" or "seq"
    path: KeyPath
    state: str = "key"  # map: "key", "colon", "value", "after"; seq: "value", "after"
    key: str | None = None
    index: int = 0


@dataclass
class _Token:
    kind: str  # "word" (plain scalar), "quoted", "punct", "comment"
    text: str
    start: int
    end: int

    def value(self) -> str:
        if self.kind != "quoted":
            return self.text
        return _unquote(self.text)


def _unquote(text: str) -> str:
    quote = text[0]
    inner = text[1:-1] if len(text) >= 2 and text.endswith(quote) else text[1:]
    if quote == "'":
        return inner.replace("''", "'")
    if "\\" in inner:
        return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(0)), inner)
    return inner


def _quoted_end(text: str, start: int, stop: int) -> int:
    """Where the quoted scalar starting at ``start`` ends (after its closing quote; ``stop``, the
    line's end, when it is not closed on its line)."""
    quote = text[start]
    at = start + 1
    while at < stop:
        char = text[at]
        if quote == '"' and char == "\\":
            at += 2
            continue
        if char == quote:
            if quote == "'" and at + 1 < stop and text[at + 1] == "'":
                at += 2
                continue
            return at + 1
        at += 1
    return stop


def _comment_at(text: str, start: int, stop: int) -> int:
    """Where a comment starts in ``text[start:stop]`` (one line), or ``stop``: a ``#`` at the
    start or after blank space, outside quoted scalars (a quote opens one only where a value
    or key can start)."""
    at = start
    while at < stop:
        char = text[at]
        previous = text[at - 1] if at > start else " "
        if char == "#" and previous in " \t":
            return at
        if char in "'\"" and previous in " \t-:[{,?":
            at = _quoted_end(text, at, stop)
            continue
        at += 1
    return stop


def _flow_tokens(text: str, start: int, stop: int) -> list[_Token]:
    """The tokens of flow content in ``text[start:stop]`` (one line)."""
    out: list[_Token] = []
    at = start
    while at < stop:
        char = text[at]
        if char in " \t\ufeff":
            at += 1
        elif char == "#" and (at == start or text[at - 1] in " \t"):
            out.append(_Token("comment", text[at:stop], at, stop))
            break
        elif char in ",[]{}":
            out.append(_Token("punct", char, at, at + 1))
            at += 1
        elif char == ":" and (at + 1 >= stop or text[at + 1] in " \t,[]{}" or (out and out[-1].kind == "quoted" and out[-1].end == at)):
            out.append(_Token("punct", ":", at, at + 1))
            at += 1
        elif char in "'\"":
            end = _quoted_end(text, at, stop)
            out.append(_Token("quoted", text[at:end], at, end))
            at = end
        else:
            found = _FLOW_PLAIN_END.search(text, at + 1, stop)
            end = found.start() if found else stop
            word = text[at:end].rstrip(" \t")
            out.append(_Token("word", word, at, at + len(word)))
            at = end
    return out


def _is_dash(text: str, at: int, end: int) -> bool:
    """Whether a block sequence item (``-`` then blank space or the line's end) starts at ``at``."""
    return text[at] == "-" and (at + 1 >= end or text[at + 1] in " \t")


class _Scanner:
    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset
        self.scan = Scan(Cursor("none"))
        self.found = False
        self.blocks: list[_Block] = [_Block("map", 0, ())]
        self.started = False
        """Whether the root mapping has had a line (its indentation is then fixed)."""
        self.literal: int | None = None
        """Inside a block scalar (``|``, ``>``): its lines are indented deeper than this."""
        self.flows: list[_Flow] = []
        self.flow_indent = 0
        """The indentation of the line that opened the flow collection being read."""

    # ------------------------------------------------------------------- recording

    def here(self, kind: str, path: KeyPath, token: _Token | None = None, **extra: Any) -> None:
        if self.found:
            return
        self.found = True
        cursor = Cursor(kind, path, **extra)
        if token is not None and token.kind in ("word", "quoted"):
            cursor.start, cursor.end, cursor.word = token.start, token.end, token.value()
            if token.kind == "quoted":
                cursor.quote = token.text[0]
                cursor.prefix = self.text[token.start + 1 : self.offset] if self.offset > token.start else ""
            else:
                cursor.prefix = self.text[token.start : max(token.start, self.offset)]
        else:
            cursor.start = cursor.end = self.offset
        self.scan.cursor = cursor

    def on(self, token: _Token) -> bool:
        """Whether the cursor is on ``token`` (a scalar it touches, not after a closing quote)."""
        if self.found or token.kind not in ("word", "quoted"):
            return False
        if token.kind == "quoted" and len(token.text) >= 2 and token.text.endswith(token.text[0]) and self.offset == token.end:
            return False
        return token.start <= self.offset <= token.end

    def key(self, path: KeyPath, token: _Token) -> None:
        self.scan.keys[path] = (token.start, token.end)

    # ------------------------------------------------------------------------ scan

    def run(self) -> Scan:
        text = self.text
        start = 0
        while True:
            found = _BREAK.search(text, start)
            stop = found.start() if found else len(text)
            if not self.line(start, stop) or found is None:
                break
            start = found.end()
        if not self.found:
            self.here("none", ())
        return self.scan

    def line(self, start: int, stop: int) -> bool:
        """Read one line (``text[start:stop]``, its break excluded); False to stop the scan."""
        text, offset = self.text, self.offset
        lead = start + 1 if start == 0 and text.startswith("\ufeff") else start
        content = lead
        while content < stop and text[content] in " \t":
            content += 1
        indent = content - lead
        cursor_here = not self.found and start <= offset <= stop
        comment = _comment_at(text, content, stop)
        blank = content >= comment
        if self.literal is not None:
            if blank or indent > self.literal:
                if cursor_here:
                    self.here("none", ())
                return True
            self.literal = None
        if self.flows:
            if blank or indent > self.flow_indent or text[content] in "]}":
                self.flow(start, stop, cursor_here)
                return True
            self.flows.clear()  # an unclosed flow collection: the block goes on
        if blank:
            if cursor_here:
                if comment < stop and offset > comment:
                    self.here("none", ())
                else:
                    self.at_column(offset - lead)
            return True
        if indent == 0 and (text.startswith(("---", "..."), content) and (content + 3 >= stop or text[content + 3] in " \t")):
            if self.found:
                return False  # another document: nothing after this is beside the cursor
            self.blocks = [_Block("map", 0, ())]
            self.started = False
            self.scan.scalars.clear()
            self.scan.keys.clear()
            if cursor_here:
                self.here("none", ())
            return True
        if indent == 0 and text[content] == "%":
            if cursor_here:
                self.here("none", ())
            return True
        if cursor_here and comment < stop and offset > comment:
            self.here("none", ())
            cursor_here = False
        if cursor_here and offset < content:
            self.here("none", ())
            cursor_here = False
        self.node(content, comment, content - lead)
        return True

    # ---------------------------------------------------------------------- blocks

    def enter(self, column: int, item: bool) -> _Block | None:
        """The block collection a node at ``column`` belongs to (a ``-`` when ``item``), pushing
        a nested one where the line starts it; None when the line fits nowhere."""
        blocks = self.blocks
        if not self.started:
            self.started = True
            blocks[0].indent = column
            if item:
                blocks[0] = _Block("seq", column, ())
        while len(blocks) > 1 and blocks[-1].indent > column:
            blocks.pop()
        top = blocks[-1]
        if top.indent == column:
            if item:
                if top.kind == "seq":
                    top.index += 1
                    top.open_item = False
                    return top
                if top.pending is not None:  # `key:` and then `- item` at the key's indentation
                    block = _Block("seq", column, (*top.path, top.pending), index=0)
                    top.pending = None
                    blocks.append(block)
                    return block
                return None
            if top.kind == "seq":
                if len(blocks) > 1 and blocks[-2].indent == column:  # a sibling of the sequence's key
                    blocks.pop()
                    blocks[-1].pending = None
                    return blocks[-1]
                return None
            top.pending = None
            return top
        if top.indent > column:
            return None  # less indented than the document's first line
        path = self.nested(top)
        if path is None:
            return None
        block = _Block("seq" if item else "map", column, path, index=0 if item else -1)
        blocks.append(block)
        return block

    def nested(self, top: _Block) -> KeyPath | None:
        """The path of a block nested deeper than ``top`` (None when ``top`` takes none)."""
        if top.kind == "map" and top.pending is not None:
            path = (*top.path, top.pending)
            top.pending = None
            return path
        if top.kind == "seq" and top.open_item:
            top.open_item = False
            return (*top.path, top.index)
        return None

    def at_column(self, column: int) -> None:
        """The cursor is on a blank line at ``column``: a key is being started there."""
        blocks = list(self.blocks)
        if not self.started:
            self.here("key", ())
            return
        while len(blocks) > 1 and blocks[-1].indent > column:
            blocks.pop()
        top = blocks[-1]
        if top.indent == column:
            if top.kind == "map":
                self.here("key", top.path)
            elif len(blocks) > 1 and blocks[-2].indent == column:
                self.here("key", blocks[-2].path)
            else:
                self.here("none", ())
            return
        if top.indent > column:
            self.here("none", ())
        elif top.kind == "map" and top.pending is not None:
            self.here("key", (*top.path, top.pending))
        elif top.kind == "seq" and top.open_item:
            self.here("key", (*top.path, top.index), item=True)
        else:
            self.here("none", ())

    def node(self, at: int, stop: int, column: int) -> None:
        """Read the node at ``text[at:stop]`` (a line without its comment), at ``column``."""
        text, offset = self.text, self.offset
        first = False
        while True:
            end = stop
            while end > at and text[end - 1] in " \t":
                end -= 1
            is_item = _is_dash(text, at, end)
            block = self.enter(column, is_item)
            if block is None:
                if not self.found and at <= offset <= stop:
                    self.here("none", ())
                return
            if not is_item:
                break
            after = at + 1
            while after < end and text[after] in " \t":
                after += 1
            block.open_item = True
            item_path = (*block.path, block.index)
            if after >= end:
                if not self.found and at < offset <= stop and offset >= after:
                    self.here("key", item_path, item=True)
                elif not self.found and at <= offset <= stop:
                    self.here("none", ())
                return
            if not self.found and at <= offset < after:
                self.here("none", ())
            column += after - at
            at = after
            first = True
            if _is_dash(text, at, end):
                continue
            if text[at] in "[{" or self.is_scalar_item(at, end):
                block.open_item = False
                self.value(item_path, at, end, stop, block.indent)
                return
        self.entry(block, at, stop, first)

    def is_scalar_item(self, at: int, end: int) -> bool:
        """Whether a sequence item's content is a scalar: no ``key:`` in it, and not a word the
        cursor is on (which may be a key being typed)."""
        if self.key_colon(at, end) is not None:
            return False
        typing = not self.found and at <= self.offset <= end and self.text[at] not in "'\"*&!"
        return not typing

    def key_colon(self, at: int, end: int) -> tuple[_Token, int] | None:
        """A mapping key at ``text[at:end]``: its token and where its ``:`` is; None when there is
        no ``key:`` there."""
        text = self.text
        if text[at] in "'\"":
            close = _quoted_end(text, at, end)
            after = close
            while after < end and text[after] in " \t":
                after += 1
            if after < end and text[after] == ":" and (after + 1 >= end or text[after + 1] in " \t"):
                return _Token("quoted", text[at:close], at, close), after
            return None
        if text[at] in "[{&!*|>%@`":
            return None
        colon = at
        while True:
            colon = text.find(":", colon, end)
            if colon < 0:
                return None
            if colon + 1 >= end or text[colon + 1] in " \t":
                word = text[at:colon].rstrip(" \t")
                return _Token("word", word, at, at + len(word)), colon
            colon += 1

    def entry(self, block: _Block, at: int, stop: int, first: bool = False) -> None:
        """A mapping entry (``key: value``, ``key:``, or a key still being typed) at ``at``."""
        text, offset = self.text, self.offset
        end = stop
        while end > at and text[end - 1] in " \t":
            end -= 1
        found = self.key_colon(at, end)
        if found is None:
            # no colon yet: a key being written (`  max_ep`), or a word that is not one
            if text[at] in "[{":  # a flow collection on a line of its own (a whole document in flow style)
                self.value(block.path, at, end, stop, block.indent)
                return
            if text[at] in "'\"":
                token = _Token("quoted", text[at : _quoted_end(text, at, end)], at, _quoted_end(text, at, end))
            elif text[at] in "&!*|>%@`?":
                if not self.found and at <= offset <= stop:
                    self.here("none", ())
                return
            else:
                token = _Token("word", text[at:end], at, end)
            if self.on(token):
                self.here("key", block.path, token, item=first)
            elif not self.found and at <= offset <= stop:
                self.here("none", ())
            return
        token, colon = found
        name = token.value()
        path = (*block.path, name)
        self.key(path, token)
        if self.on(token):
            self.here("key", block.path, token)
        elif not self.found and at <= offset <= colon:
            self.here("none", ())
        value = colon + 1
        while value < end and text[value] in " \t":
            value += 1
        properties = _PROPERTIES.match(text, value, end)
        if properties is not None:
            value = properties.end()
        if value >= end:
            block.pending = name
            if not self.found and colon < offset <= stop:
                self.here("value", path)
            return
        if _BLOCK_SCALAR.match(text, value, end):
            self.literal = block.indent
            if not self.found and colon < offset <= stop:
                self.here("none", ())
            return
        if not self.found and colon < offset < value:
            self.here("value", path)
        self.value(path, value, end, stop, block.indent)

    def value(self, path: KeyPath, at: int, end: int, stop: int, indent: int) -> None:
        """A value at ``text[at:end]``: a flow collection, or a scalar."""
        text, offset = self.text, self.offset
        if text[at] in "[{":
            self.flows = [_Flow("map" if text[at] == "{" else "seq", path, "key" if text[at] == "{" else "value")]
            self.flow_indent = indent
            self.flow_tokens(_flow_tokens(text, at + 1, stop), at + 1, stop, not self.found and at < offset <= stop)
            return
        if text[at] == "*":  # an alias: its value is elsewhere
            if not self.found and at <= offset <= stop:
                self.here("none", ())
            return
        if text[at] in "'\"":
            close = _quoted_end(text, at, end)
            token = _Token("quoted", text[at:close], at, close)
        else:
            token = _Token("word", text[at:end], at, end)
        self.scan.scalars[path] = token.value()
        if self.on(token):
            self.here("value", path, token)
        elif not self.found and at <= offset <= stop:
            self.here("none", ())

    # ------------------------------------------------------------------------ flow

    def flow(self, start: int, stop: int, cursor_here: bool) -> None:
        lead = start + 1 if start == 0 and self.text.startswith("\ufeff") else start
        self.flow_tokens(_flow_tokens(self.text, lead, stop), lead, stop, cursor_here)

    def flow_tokens(self, tokens: list[_Token], start: int, stop: int, cursor_here: bool) -> None:
        offset = self.offset
        for token in tokens:
            if not self.flows:
                if cursor_here and not self.found and offset >= token.start:
                    self.here("none", ())
                return
            if token.kind == "comment":
                if cursor_here and not self.found and offset >= token.start:
                    self.here("none", ())
                break
            if cursor_here and not self.found and (offset < token.start or (offset == token.start and token.kind == "punct")):
                self.flow_gap()
            self.flow_token(token)
        if cursor_here and not self.found:
            if self.flows:
                self.flow_gap()
            else:
                self.here("none", ())

    def flow_gap(self) -> None:
        frame = self.flows[-1]
        if frame.kind == "map" and frame.state == "key":
            self.here("key", frame.path)
        elif frame.kind == "map" and frame.state == "value" and frame.key is not None:
            self.here("value", (*frame.path, frame.key))
        elif frame.kind == "seq" and frame.state == "value":
            self.here("value", (*frame.path, frame.index))
        else:
            self.here("none", ())

    def flow_token(self, token: _Token) -> None:
        frame = self.flows[-1]
        text = token.text
        if token.kind == "punct":
            if text in "{[":
                if frame.kind == "map" and frame.state == "value" and frame.key is not None:
                    path: KeyPath = (*frame.path, frame.key)
                elif frame.kind == "seq" and frame.state == "value":
                    path = (*frame.path, frame.index)
                else:
                    path = (*frame.path, "?")
                frame.state = "after"
                self.flows.append(_Flow("map" if text == "{" else "seq", path, "key" if text == "{" else "value"))
            elif text in "}]":
                self.flows.pop()
            elif text == ",":
                if frame.kind == "map":
                    frame.state, frame.key = "key", None
                else:
                    frame.index += 1
                    frame.state = "value"
            elif text == ":" and frame.kind == "map" and frame.state == "colon":
                frame.state = "value"
            return
        if frame.kind == "map":
            if frame.state == "key":
                frame.key = token.value()
                if self.on(token):
                    self.here("key", frame.path, token)
                self.key((*frame.path, frame.key), token)
                frame.state = "colon"
            elif frame.state == "value" and frame.key is not None:
                if self.on(token):
                    self.here("value", (*frame.path, frame.key), token)
                self.scan.scalars[(*frame.path, frame.key)] = token.value()
                frame.state = "after"
            elif self.on(token):
                self.here("none", (), token)
        else:
            if frame.state == "value":
                if self.on(token):
                    self.here("value", (*frame.path, frame.index), token)
                self.scan.scalars[(*frame.path, frame.index)] = token.value()
                frame.state = "after"
            elif self.on(token):
                self.here("none", (), token)


def scan(text: str, offset: int) -> Scan:
    """Scan YAML ``text`` for the cursor at character offset ``offset`` (never raises)."""
    try:
        return _Scanner(text, offset).run()
    except Exception:  # a bug here must never take the server down: know nothing instead
        return Scan(Cursor("none"))


def top_keys(text: str) -> set[str]:
    """The keys written at the top level of YAML ``text`` (half-typed text too)."""
    found = scan(text, -1)
    return {str(path[0]) for path in found.keys if len(path) == 1}
