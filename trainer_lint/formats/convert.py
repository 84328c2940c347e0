"""``trainer-lint convert``: YAML trainer configs to TOML and back.

YAML -> TOML writes what LightningCLI hands the Trainer (:mod:`trainer_lint.formats.yaml_values`),
so the TOML file lints the same as the YAML file: ``max_epochs: "10"`` becomes ``max_epochs = 10``
(LightningCLI reads the quoted ten as a number), ``enable_progress_bar: on`` becomes ``true``,
``check_val_every_n_epoch: null`` becomes ``"none"``. Any other ``null`` is refused: TOML cannot
write it (where it is the default, the message says to delete the line).

TOML -> YAML keeps every value as TOML parsed it (``check_val_every_n_epoch = "none"`` becomes
``null``); date-times are refused, since LightningCLI would read them back as strings.

Both ways keep the layout the target can hold: tables written with headers become block
mappings and back, inline tables and arrays stay inline (flow style), arrays of tables become
block sequences and back, and comments go with the entry they precede (or follow on its line).
TOML needs a table's plain keys before its sub-tables, so YAML keys may move down in TOML;
their comments move with them. A ``#:schema`` line becomes a ``# yaml-language-server: $schema=``
line and back.

:func:`convert` returns the text and the target line of every key path written, which the tests
use to check that each diagnostic lands on the corresponding line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trainer_lint.diagnostic import KeyPath, format_key
from trainer_lint.document import Document, DocumentError, parse_document


class ConvertError(Exception):
    """A value the target format cannot write (or a source that cannot be read)."""

    def __init__(self, message: str, line: int | None = None, key: KeyPath | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key


@dataclass
class Converted:
    """The converted text, and where each key path ended up (1-based target lines)."""

    text: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, key: KeyPath) -> int | None:
        """The target line of ``key``, or of its nearest written ancestor (values written inline)."""
        key = tuple(key)
        for size in range(len(key), 0, -1):
            line = self.lines.get(key[:size])
            if line is not None:
                return line
        return None


_TOML_SCHEMA = re.compile(r"#:schema\s+(\S+)")
_YAML_SCHEMA = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)")


def convert(text: str, source_format: str, path: str = "<string>", *, drop_default_nulls: bool = False) -> Converted:
    """Convert ``text`` from ``source_format`` (``"yaml"`` or ``"toml"``) to the other format.
    ``drop_default_nulls`` leaves out YAML nulls that mean the default (``max_epochs: null``, as
    ``--print_config`` writes them) instead of refusing them."""
    if source_format == "yaml":
        return yaml_to_toml(text, path, drop_default_nulls=drop_default_nulls)
    return toml_to_yaml(text, path)


# ----------------------------------------------------------------------------- reading


def _read_yaml(text: str, path: str) -> Any:
    from trainer_lint.formats.yaml_reader import parse_yaml

    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = parse_yaml(text, path)
    except DocumentError as error:
        raise ConvertError(f"cannot read the YAML: {error.message}", error.span.line if error.span else None) from None
    second = [d for d in document.findings if d.code == "TL008"]
    if second:
        raise ConvertError("the file holds more than one YAML document; convert one document at a time", second[0].span.line)
    return document


def _source_layout(document: Document) -> tuple[dict[KeyPath, int], dict[KeyPath, str]]:
    """Each written key path's source line, and its style (``"block"`` or ``"flow"``)."""
    lines: dict[KeyPath, int] = {}
    styles: dict[KeyPath, str] = {}
    index = document._positions()
    text = document.text
    for key, entry in index.items():
        start = entry[0]
        lines[key] = text.count("\n", 0, start) + 1
        if document.format == "yaml":
            styles[key] = "flow" if entry[5] == "flow" else "block"
        else:
            styles[key] = "flow" if text[entry[2] : entry[2] + 1] in ("{", "[") else "block"
    return lines, styles


def _comments(document: Document) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Full-line comments as ``(line, text)`` and trailing comments by line."""
    text = document.text
    full: list[tuple[int, str]] = []
    trailing: dict[int, str] = {}
    for offset, comment in document.comments():
        line = text.count("\n", 0, offset) + 1
        line_start = text.rfind("\n", 0, offset) + 1
        if text[line_start:offset].strip():
            trailing[line] = comment
        else:
            full.append((line, comment))
    return full, trailing


class _Comments:
    """Comments attached to the entries they precede (full-line) or end (trailing)."""

    def __init__(self, document: Document, lines: dict[KeyPath, int], convert_line: Any) -> None:
        full, trailing = _comments(document)
        order = sorted(lines.items(), key=lambda item: (item[1], len(item[0])))
        self.leading: dict[KeyPath, list[str]] = {}
        self.trailing: dict[KeyPath, list[str]] = {}
        self.rest: list[str] = []
        starts = [line for _, line in order]
        import bisect

        for line, comment in full:
            at = bisect.bisect_right(starts, line)
            comment = convert_line(comment)
            if at < len(order):
                self.leading.setdefault(order[at][0], []).append(comment)
            else:
                self.rest.append(comment)
        for line, comment in trailing.items():
            at = bisect.bisect_right(starts, line) - 1
            if at >= 0:
                self.trailing.setdefault(order[at][0], []).append(convert_line(comment))
            else:
                self.rest.append(convert_line(comment))

    def take(self, key: KeyPath, inline: bool) -> tuple[list[str], list[str]]:
        """The comments of ``key`` (and of everything under it, when it is written inline)."""
        lead = self.leading.pop(key, [])
        trail = self.trailing.pop(key, [])
        if inline:
            for other in [k for k in self.leading if k[: len(key)] == key]:
                lead += self.leading.pop(other)
            for other in [k for k in self.trailing if k[: len(key)] == key]:
                lead += self.trailing.pop(other)  # a comment inside an inline value: put it above
        return lead, trail


# ----------------------------------------------------------------------------- YAML -> TOML


def yaml_to_toml(text: str, path: str = "<string>", *, drop_default_nulls: bool = False) -> Converted:
    """A YAML trainer config as TOML (see the module docstring)."""
    from trainer_lint.formats.yaml_values import lightningcli_view

    document = _read_yaml(text, path)
    data, _ = lightningcli_view(document.raw if isinstance(document.raw, dict) else {}, keep_nulls=not drop_default_nulls)
    lines, styles = _source_layout(document)

    def comment_line(comment: str) -> str:
        match = _YAML_SCHEMA.match(comment)
        if match is not None:
            return f"#:schema {match.group(1).replace('trainer.yaml.schema.json', 'trainer.schema.json')}"
        return comment

    writer = _TomlWriter(_Comments(document, lines, comment_line), styles, lines)
    try:
        writer.document(data)
    except ConvertError as error:
        if error.key and error.message.endswith("which TOML cannot write") and not drop_default_nulls:
            plain, _ = lightningcli_view(document.raw)
            if not _has(plain, error.key):  # LightningCLI's reading leaves it out: the default
                error.message += " (it is the default: delete the line, or convert with `--drop-default-nulls`)"
        raise
    return Converted(writer.text(), writer.lines)


def _has(data: Any, key: KeyPath) -> bool:
    for part in key:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


class _TomlWriter:
    def __init__(self, comments: _Comments, styles: dict[KeyPath, str], source_lines: dict[KeyPath, int]) -> None:
        self.out: list[str] = []
        self.lines: dict[KeyPath, int] = {}
        self.comments = comments
        self.styles = styles
        self.source_lines = source_lines

    def text(self) -> str:
        body = self.out
        if self.comments.rest:
            body = [*body, *self.comments.rest]
        while body and body[0] == "":
            body = body[1:]
            self.lines = {k: v - 1 for k, v in self.lines.items()}
        return "\n".join(body) + "\n"

    def emit(self, key: KeyPath, line: str, inline: bool) -> None:
        lead, trail = self.comments.take(key, inline)
        self.out.extend(lead)
        self.lines[key] = len(self.out) + 1
        self.out.append(line + ("  " + "  ".join(trail) if trail else ""))

    def value(self, key: KeyPath, item: Any) -> str:
        from trainer_lint.formats import toml_writer

        try:
            return toml_writer.value(item)
        except TypeError as error:
            bad, what = _first_unwritable(key, item)
            raise ConvertError(_refusal(bad, what or str(error), "TOML"), self.source_lines.get(bad), bad) from None

    def document(self, data: dict[str, Any]) -> None:
        # TOML: the top level's plain keys first, then its tables.
        self.table((), data, top=True)

    def is_table(self, key: KeyPath, item: Any, top: bool) -> bool:
        return isinstance(item, dict) and (top or self.styles.get(key) == "block")

    def is_table_array(self, key: KeyPath, item: Any) -> bool:
        return (
            isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item)
            and self.styles.get(key) == "block"
        )

    def table(self, path: KeyPath, table: dict[str, Any], top: bool = False) -> None:
        from trainer_lint.formats.toml_writer import key as toml_key

        plain = [(k, v) for k, v in table.items() if not self.is_table((*path, k), v, top) and not self.is_table_array((*path, k), v)]
        for name, item in plain:
            key = (*path, name)
            self.emit(key, f"{toml_key(str(name))} = {self.value(key, item)}", inline=True)
        for name, item in table.items():
            key = (*path, name)
            if self.is_table(key, item, top):
                self.out.append("")
                self.emit(key, f"[{_dotted(key)}]", inline=False)
                self.table(key, item)
            elif self.is_table_array(key, item):
                for number, element in enumerate(item):
                    self.out.append("")
                    self.lines.setdefault(key, len(self.out) + 1)
                    self.emit((*key, number), f"[[{_dotted(key)}]]", inline=False)
                    self.table((*key, number), element)


def _dotted(key: KeyPath) -> str:
    from trainer_lint.formats.toml_writer import key as toml_key

    return ".".join(toml_key(str(part)) for part in key if not isinstance(part, int))


# ----------------------------------------------------------------------------- TOML -> YAML


def toml_to_yaml(text: str, path: str = "<string>") -> Converted:
    """A TOML trainer config as YAML (see the module docstring)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = parse_document(text, path)
    except DocumentError as error:
        raise ConvertError(f"cannot read the TOML: {error.message}", error.span.line if error.span else None) from None
    lines, styles = _source_layout(document)

    def comment_line(comment: str) -> str:
        match = _TOML_SCHEMA.match(comment)
        if match is not None:
            target = match.group(1).replace("trainer.schema.json", "trainer.yaml.schema.json")
            return f"# yaml-language-server: $schema={target}"
        return comment

    writer = _YamlWriter(_Comments(document, lines, comment_line), styles, lines)
    writer.mapping((), _from_toml(document.data), 0)
    return Converted(writer.text(), writer.lines)


def _from_toml(data: dict[str, Any]) -> dict[str, Any]:
    """TOML data with trainer-lint's ``"none"`` spelling turned back into None."""
    from trainer_lint.formats.yaml_values import toml_nones

    return toml_nones(data)


class _YamlWriter(_TomlWriter):
    def value(self, key: KeyPath, item: Any) -> str:
        from trainer_lint.formats import yaml_writer

        bad, what = _first_unwritable(key, item, _yaml_refuses)
        if what is not None:
            raise ConvertError(_refusal(bad, what, "YAML"), self.source_lines.get(bad))
        return yaml_writer.scalar(item)

    def mapping(self, path: KeyPath, table: dict[str, Any], indent: int, first_prefix: str | None = None) -> None:
        from trainer_lint.formats.yaml_writer import key as yaml_key

        pad = " " * indent
        for number, (name, item) in enumerate(table.items()):
            key = (*path, name)
            prefix = first_prefix if number == 0 and first_prefix is not None else pad
            head = f"{prefix}{yaml_key(str(name))}:"
            if self.is_table(key, item, path == ()) and item:
                if path == () and self.out:
                    self.out.append("")  # a blank line before each top-level table, as in TOML
                self.emit(key, head, inline=False)
                self.mapping(key, item, indent + 2)
            elif self.is_table_array(key, item):
                self.emit(key, head, inline=False)
                for index, element in enumerate(item):
                    item_key = (*key, index)
                    dash = " " * (indent + 2) + "- "
                    if not element:
                        self.emit(item_key, dash + "{}", inline=True)
                        continue
                    lead, trail = self.comments.take(item_key, False)
                    self.out.extend(lead + trail)
                    self.mapping(item_key, element, indent + 4, first_prefix=dash)
                    self.lines.setdefault(item_key, self.lines[(*item_key, next(iter(element)))])
            else:
                self.emit(key, f"{head} {self.value(key, item)}", inline=True)


def _first_unwritable(key: KeyPath, item: Any, why: Any = None) -> tuple[KeyPath, str | None]:
    """The first key path under ``key`` whose value the target cannot write, and why (``why``:
    a leaf's reason or None; default: what :func:`toml_writer.value` refuses)."""
    if isinstance(item, dict):
        pairs: Any = item.items()
    elif isinstance(item, list):
        pairs = enumerate(item)
    else:
        return key, (why or _toml_refuses)(item)
    for name, sub in pairs:
        found = _first_unwritable((*key, name), sub, why)
        if found[1] is not None:
            return found
    return key, None


def _toml_refuses(item: Any) -> str | None:
    from trainer_lint.formats import toml_writer

    try:
        toml_writer.value(item)
    except TypeError as error:
        return str(error)
    return None


def _yaml_refuses(item: Any) -> str | None:
    from datetime import date, time

    if isinstance(item, (date, time)):
        return "a date-time, which LightningCLI's YAML reader would read back as a string"
    return None


def _refusal(key: KeyPath, what: str, target: str) -> str:
    where = f"`{format_key(key)}`" if key else "the file"
    return f"cannot convert {where}: it is {what}"
