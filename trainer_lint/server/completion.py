"""Completion that follows the config: the keys of the table at the cursor, the values of the key
at the cursor, the class paths a slot takes and the ``init_args`` of the class its table names.

Answers are plain LSP dicts (``CompletionItem``), ranked in the schema's order, each with a
text edit that replaces the word at the cursor (quotes included: a value is inserted as TOML).
The client filters them as the user types; the server filters nothing, so that a client's fuzzy
and case-insensitive matching (``"DD`` finds ``"ddp"``) sees every candidate. Names Lightning
reads in any case (``strategy``, ``profiler``) are offered in their canonical spelling.
"""

from __future__ import annotations

import re
from typing import Any

from trainer_lint.server import cursor as cursor_module
from trainer_lint.server import shape
from trainer_lint.server.knowledge import Knowledge
from trainer_lint.server.text import Lines

PROPERTY, VALUE, CLASS, MODULE, ENUM_MEMBER = 10, 12, 7, 9, 20
"""LSP ``CompletionItemKind`` s used here."""

_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")

TOP_TABLES = ("trainer", "model", "data", "optimizer", "lr_scheduler")
ARRAY_TABLES = ("trainer.callbacks", "trainer.logger", "trainer.plugins")


def complete(text: str, lines: Lines, position: Any, knowledge: Knowledge) -> list[dict[str, Any]]:
    """The completion items at ``position`` in ``text`` (the editor's text)."""
    offset = lines.offset(position)
    found = cursor_module.scan(text, offset)
    cursor = found.cursor
    if cursor.kind == "key":
        return _keys(found, lines, offset, knowledge)
    if cursor.kind == "value":
        return _values(found, lines, offset, knowledge)
    if cursor.kind == "header":
        return _headers(found, lines, offset)
    return []


def class_path_beside(found: cursor_module.Scan, table: tuple[Any, ...]) -> str | None:
    """The ``class_path`` written in the class table at ``table`` (before or after the cursor)."""
    value = found.scalars.get((*table, "class_path"))
    return value if isinstance(value, str) else None


def _edit(lines: Lines, cursor: cursor_module.Cursor, offset: int, new_text: str) -> dict[str, Any]:
    start = cursor.start if cursor.end >= offset else offset
    end = max(cursor.end, offset)
    return {"range": lines.range(start, end), "newText": new_text}


def _keys(found: cursor_module.Scan, lines: Lines, offset: int, knowledge: Knowledge) -> list[dict[str, Any]]:
    cursor = found.cursor
    path = cursor.path
    class_path = class_path_beside(found, path[:-1]) if path and path[-1] == "init_args" else None
    present = {k[-1] for k in found.keys if k[:-1] == path and k[-1] != cursor.word}
    items = []
    for index, key in enumerate(shape.keys_at(path, knowledge, class_path)):
        if key.name in present:
            continue
        name = key.name if _BARE.match(key.name) else '"' + key.name + '"'
        item: dict[str, Any] = {
            "label": key.name,
            "kind": PROPERTY,
            "sortText": f"{index:04d}",
            "textEdit": _edit(lines, cursor, offset, name),
        }
        if key.detail:
            item["detail"] = key.detail
        if key.doc:
            item["documentation"] = {"kind": "markdown", "value": key.doc}
        items.append(item)
    return items


def _values(found: cursor_module.Scan, lines: Lines, offset: int, knowledge: Knowledge) -> list[dict[str, Any]]:
    cursor = found.cursor
    path = cursor.path
    class_path = None
    if len(path) >= 2 and path[-2] == "init_args":
        class_path = class_path_beside(found, path[:-2])
    values = shape.values_at(path, knowledge, class_path)
    is_class = bool(path) and path[-1] == "class_path"
    items = []
    for index, value in enumerate(values):
        item: dict[str, Any] = {
            "label": value.label,
            "kind": CLASS if is_class else ENUM_MEMBER,
            "sortText": f"{index:04d}",
            "filterText": value.toml,
            "textEdit": _edit(lines, cursor, offset, value.toml),
        }
        if value.doc:
            item["documentation"] = {"kind": "markdown", "value": value.doc}
        items.append(item)
    return items


def _headers(found: cursor_module.Scan, lines: Lines, offset: int) -> list[dict[str, Any]]:
    cursor = found.cursor
    names = ARRAY_TABLES if cursor.header_array else TOP_TABLES + ("trainer.strategy", "trainer.profiler", "trainer.logger", "trainer.callbacks")
    written = ".".join(str(p) for p in cursor.path)
    items = []
    for index, name in enumerate(names):
        if written and not name.startswith(written + "."):
            continue
        rest = name[len(written) + 1 :] if written else name
        items.append(
            {
                "label": name,
                "kind": MODULE,
                "sortText": f"{index:04d}",
                "filterText": rest,
                "textEdit": _edit(lines, cursor, offset, rest),
            }
        )
    return items
