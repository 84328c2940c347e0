"""Go to definition on a ``class_path`` value: the ``class`` statement in the installed Lightning
or in the project's sources, found on the file system by the project's resolver (read with
``ast``, never imported; see :mod:`trainer_lint.resolver`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trainer_lint.server import cursor as cursor_module
from trainer_lint.server.knowledge import Knowledge
from trainer_lint.server.text import Lines, units


def definition(text: str, lines: Lines, position: Any, knowledge: Knowledge, encoding: str, syntax: str = "toml") -> list[dict[str, Any]]:
    """LSP ``Location`` s of the class named under the cursor (empty when none is found); ``text``
    is in ``syntax`` (``"toml"`` or ``"yaml"``)."""
    offset = lines.offset(position)
    cursor = cursor_module.scan(text, offset, syntax).cursor
    if cursor.kind != "value" or not cursor.path or cursor.path[-1] != "class_path" or not cursor.word:
        return []
    from trainer_lint.server.shape import slot_of

    found = knowledge.source(cursor.word.strip(), slot_of(cursor.path))
    if found is None:
        return []
    file, line, column = found
    try:
        source_line = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
        character = units(source_line[:column], encoding)
        name_at = source_line.find(cursor.word.rpartition(".")[2], column)
        end = units(source_line[:name_at], encoding) + units(cursor.word.rpartition(".")[2], encoding) if name_at >= 0 else character
    except (OSError, IndexError):
        character = end = 0
    where = {"start": {"line": line - 1, "character": character}, "end": {"line": line - 1, "character": end}}
    return [{"uri": Path(file).resolve().as_uri(), "range": where}]
