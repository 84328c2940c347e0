"""``--fix`` for YAML: turn a rule's :class:`~trainer_lint.diagnostic.Edit` into a splice of the text.

Rules describe edits as key paths and TOML source text; this module finds the YAML text of the
key or value (:meth:`YamlDocument.offsets_of <trainer_lint.formats.yaml_document.YamlDocument.offsets_of>`)
and writes the new value as YAML, keeping everything else: comments, key order, indentation,
line endings, and the value's quoting style (a single-quoted string stays single-quoted). It
refuses (returns None, so the fix is not applied) where an edit could change more than it says:

* values written once and used at two places (anchors and aliases, ``<<`` merges);
* block collections, block scalars (``|``, ``>``) and multi-line values;
* a ``line`` edit (one argument becomes several) on a key that does not have its line to itself
  in a block mapping.

The fixer checks that the result still parses and lints it again, as for TOML.
"""

from __future__ import annotations

import re
from typing import Any

from trainer_lint.diagnostic import Edit
from trainer_lint.formats import yaml_writer

_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
_BLOCK_PREFIX = re.compile(r" *(?:- +)*\Z")
_TAIL = re.compile(r"[ \t]*(?:#[^\n]*)?\r?\Z")
_TOML_LINE = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*(.+)\Z")

_NOT_TOML = object()


def toml_value(text: str) -> Any:
    """The value an edit's TOML text stands for (``null`` for None, which TOML cannot write)."""
    if text.strip() == "null":
        return None
    try:
        import tomli

        return tomli.loads(f"v = {text}")["v"]
    except Exception:  # noqa: BLE001 - not a TOML value
        return _NOT_TOML


def locate(document: Any, edit: Edit) -> tuple[int, int, str] | None:
    """``(start, end, new_text)`` for ``edit`` in ``document.text``, or None when it cannot be
    applied safely (see the module docstring)."""
    key = tuple(edit.key)
    entry = document.entry(key)
    if entry is None or entry[4] or not key:
        return None
    text = document.text
    ks, ke, vs, ve, _, style = entry
    if edit.part == "key":
        if isinstance(key[-1], int) or not _BARE.match(edit.text):
            return None
        quote = text[ks] if text[ks] in "'\"" else ""
        return ks, ke, quote + edit.text + quote
    if edit.part == "value":
        if style in ("block", "item", "|", ">") or "\n" in text[vs:ve]:
            return None
        value = toml_value(edit.text)
        if value is _NOT_TOML:
            return None
        return vs, ve, _written(value, style)
    if edit.part != "line" or isinstance(key[-1], int) or style in ("block", "item", "|", ">"):
        return None
    line_start = text.rfind("\n", 0, ks) + 1
    line_end = text.find("\n", ve)
    line_end = len(text) if line_end < 0 else line_end
    if "\n" in text[ks:ve] or not _BLOCK_PREFIX.match(text[line_start:ks]) or not _TAIL.match(text[ve:line_end]):
        return None
    lines = []
    for line in edit.text.split("\n"):
        match = _TOML_LINE.match(line.strip())
        if match is None:
            return None
        value = toml_value(match.group(2))
        if value is _NOT_TOML:
            return None
        lines.append(f"{yaml_writer.key(match.group(1))}: {yaml_writer.scalar(value)}")
    from trainer_lint.fixer import _newline

    newline = _newline(text, ks)
    indent = " " * (ks - line_start)
    return ks, ve, (newline + indent).join(lines)


def _written(value: Any, style: str) -> str:
    """``value`` as YAML text, in the old value's quoting style where it can be."""
    if isinstance(value, str):
        if style == "'":
            single = yaml_writer.single_quoted(value)
            if single is not None:
                return single
        if style == '"':
            return yaml_writer.quoted(value)
        return yaml_writer.string(value)
    return yaml_writer.scalar(value)
