"""Hover docs for the key or value under the cursor: a Trainer argument's docs (with its default
and the Lightning docs link), a class's docs and parameters, an ``init_args`` parameter's docs,
a closed value's meaning."""

from __future__ import annotations

from typing import Any

from trainer_lint.server import cursor as cursor_module
from trainer_lint.server import shape
from trainer_lint.server.completion import class_path_beside
from trainer_lint.server.knowledge import Knowledge
from trainer_lint.server.text import Lines


def hover(text: str, lines: Lines, position: Any, knowledge: Knowledge, syntax: str = "toml") -> dict[str, Any] | None:
    """An LSP ``Hover`` for ``position`` in ``text`` (in ``syntax``: ``"toml"`` or ``"yaml"``), or
    None when there is nothing to say."""
    offset = lines.offset(position)
    found = cursor_module.scan(text, offset, syntax)
    cursor = found.cursor
    if not cursor.word or cursor.start == cursor.end:
        return None
    path = cursor.path
    doc = ""
    if cursor.kind in ("key", "header"):
        full = (*path, cursor.word)
        class_path = class_path_beside(found, full[:-2]) if len(full) >= 2 and full[-2] == "init_args" else None
        doc = shape.doc_at(full, knowledge, class_path)
    elif cursor.kind == "value":
        if path and path[-1] == "class_path":
            entry = knowledge.lookup(cursor.word, shape.slot_of(path))
            doc = shape.class_doc(entry) if entry is not None else ""
        else:
            class_path = class_path_beside(found, path[:-2]) if len(path) >= 2 and path[-2] == "init_args" else None
            for value in shape.values_at(path, knowledge, class_path):
                if str(value.data).lower() == cursor.word.lower() and value.doc:
                    doc = f"`{value.label}`: {value.doc}"
                    break
            key_path = tuple(p for p in path if not isinstance(p, int))
            key_doc = shape.doc_at(key_path, knowledge, class_path)
            doc = "\n\n".join(d for d in (doc, key_doc) if d)
    if not doc:
        return None
    return {"contents": {"kind": "markdown", "value": doc}, "range": lines.range(cursor.start, cursor.end)}
