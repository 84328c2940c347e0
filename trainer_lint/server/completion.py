"""Completion that follows the config: the keys of the table at the cursor, the values of the key
at the cursor, the class paths a slot takes and the ``init_args`` of the class its table names.

Answers are plain LSP dicts (``CompletionItem``), ranked in the schema's order, each with a
text edit that replaces the word at the cursor (quotes included: a value is inserted as TOML).
In YAML the same items are spelled as YAML (:func:`yaml_text`): ``precision: bf16-mixed``,
quotes only where YAML needs them or where the user opened one, a key with its ``: `` when no
colon follows it yet, and a space after a colon typed without one.
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


def complete(text: str, lines: Lines, position: Any, knowledge: Knowledge, syntax: str = "toml") -> list[dict[str, Any]]:
    """The completion items at ``position`` in ``text`` (the editor's text, in ``syntax``:
    ``"toml"`` or ``"yaml"``)."""
    offset = lines.offset(position)
    found = cursor_module.scan(text, offset, syntax)
    cursor = found.cursor
    yaml = syntax == "yaml"
    if cursor.kind == "key":
        items = _keys(found, lines, offset, knowledge, text if yaml else None)
        if not items and cursor.item:  # `- Mod`: not a key of the item, maybe the item itself
            items = _values(found, lines, offset, knowledge, text)
        return items
    if cursor.kind == "value":
        return _values(found, lines, offset, knowledge, text if yaml else None)
    if cursor.kind == "header":
        return _headers(found, lines, offset)
    return []


def yaml_text(value: Any, quote: str = "") -> str:
    """``value`` written as YAML that LightningCLI reads back as ``value``; in the user's quote
    (``"`` or ``'``) when they opened one for a string."""
    try:
        from trainer_lint.formats import yaml_writer

        if isinstance(value, str) and quote == "'":
            return yaml_writer.single_quoted(value) or yaml_writer.quoted(value)
        if isinstance(value, str) and quote == '"':
            return yaml_writer.quoted(value)
        return yaml_writer.scalar(value)
    except ImportError:  # no PyYAML: the one spelling that needs no reader to check it
        return _json_text(value)


def _json_text(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def class_path_beside(found: cursor_module.Scan, table: tuple[Any, ...]) -> str | None:
    """The ``class_path`` written in the class table at ``table`` (before or after the cursor)."""
    value = found.scalars.get((*table, "class_path"))
    return value if isinstance(value, str) else None


def _edit(lines: Lines, cursor: cursor_module.Cursor, offset: int, new_text: str) -> dict[str, Any]:
    start = cursor.start if cursor.end >= offset else offset
    end = max(cursor.end, offset)
    return {"range": lines.range(start, end), "newText": new_text}


def _keys(found: cursor_module.Scan, lines: Lines, offset: int, knowledge: Knowledge, yaml_source: str | None = None) -> list[dict[str, Any]]:
    """Key items; ``yaml_source`` is the document's text when it is YAML."""
    cursor = found.cursor
    path = cursor.path
    class_path = class_path_beside(found, path[:-1]) if path and path[-1] == "init_args" else None
    present = {k[-1] for k in found.keys if k[:-1] == path and k[-1] != cursor.word}
    colon = ""
    if yaml_source is not None:
        after = max(cursor.end, offset)
        rest = yaml_source[after : after + 200].lstrip(" \t")
        colon = "" if rest.startswith(":") else ": "
    items = []
    for index, key in enumerate(shape.keys_at(path, knowledge, class_path)):
        if key.name in present:
            continue
        if yaml_source is not None:
            name = (key.name if _BARE.match(key.name) else yaml_text(key.name, cursor.quote or '"')) + colon
        else:
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


def _values(found: cursor_module.Scan, lines: Lines, offset: int, knowledge: Knowledge, yaml_source: str | None = None) -> list[dict[str, Any]]:
    """Value items; ``yaml_source`` is the document's text when it is YAML."""
    cursor = found.cursor
    path = cursor.path
    class_path = None
    if len(path) >= 2 and path[-2] == "init_args":
        class_path = class_path_beside(found, path[:-2])
    values = shape.values_at(path, knowledge, class_path)
    is_class = bool(path) and path[-1] == "class_path"
    space = ""
    if yaml_source is not None and cursor.start == cursor.end and offset > 0 and yaml_source[offset - 1] == ":":
        space = " "  # `precision:` typed without its space: YAML needs one
    items = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        written = value.toml if yaml_source is None else yaml_text(value.data, cursor.quote)
        if written in seen:
            continue
        seen.add(written)
        item: dict[str, Any] = {
            "label": value.label if yaml_source is None else written,
            "kind": CLASS if is_class else ENUM_MEMBER,
            "sortText": f"{index:04d}",
            "filterText": written if yaml_source is None or cursor.quote or not isinstance(value.data, str) else value.data,
            "textEdit": _edit(lines, cursor, offset, space + written),
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
