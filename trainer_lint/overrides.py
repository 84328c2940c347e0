"""Command-line overrides: ``--set trainer.max_epochs=3``.

An override is ``KEY=VALUE``. ``KEY`` is a dotted TOML key into the config (``trainer.max_epochs``,
``seed_everything``, ``model.init_args.lr``); quoted parts (``trainer."odd key"``) and array
indices (``trainer.callbacks[0].init_args.monitor``) work too. ``VALUE`` is read as a TOML value:

* ``3`` is an integer, ``0.5`` a float, ``true`` a boolean, ``"x"`` a string, ``[0, 1]`` an
  array and ``{ hours = 1 }`` an inline table;
* anything that does not parse as a TOML value is taken as a bare string, so
  ``--set trainer.accelerator=cpu`` means ``"cpu"``. Quote a string that looks like another type:
  ``--set trainer.devices='"1"'`` is the string ``"1"``, ``--set trainer.devices=1`` the integer.

Overrides are merged into the parsed file before linting, in the order given (a later one wins),
so a bad override gets an ordinary diagnostic. Its location is the override itself
(``--set trainer.max_epochs=three``) instead of a line of the file.

This module parses and merges; it imports neither torch nor lightning.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tomli

from trainer_lint.diagnostic import Diagnostic, KeyPath, format_key


class OverrideError(ValueError):
    """An override that cannot be used: bad syntax, or a key that goes through a non-table. Exit 2."""


@dataclass(frozen=True)
class Override:
    """One ``--set``: where (``key``), what (``value``) and how the user wrote it (``source``)."""

    key: KeyPath
    value: Any
    source: str

    @property
    def location(self) -> str:
        """What diagnostics about this override show in place of ``path:line:col``."""
        return self.source if self.source.startswith("--") else f"--set {self.source}"


_BARE = re.compile(r"[A-Za-z0-9_-]+")
_INDEX = re.compile(r"\[\s*(\d+)\s*\]")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def parse_key(text: str) -> KeyPath:
    """Split a dotted key such as ``trainer.callbacks[0].init_args."odd key"`` into a key path."""
    parts: list[str | int] = []
    pos, n = 0, len(text)
    expect_name = True
    while pos < n:
        if expect_name:
            while pos < n and text[pos] in " \t":
                pos += 1
            quoted = _QUOTED.match(text, pos)
            bare = _BARE.match(text, pos)
            if quoted:
                parts.append(tomli.loads(f"k = {quoted.group(0)}")["k"])
                pos = quoted.end()
            elif bare:
                parts.append(bare.group(0))
                pos = bare.end()
            else:
                raise OverrideError(f"bad key {text!r}: expected a key name at column {pos + 1}")
            expect_name = False
            continue
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            break
        index = _INDEX.match(text, pos)
        if index:
            parts.append(int(index.group(1)))
            pos = index.end()
        elif text[pos] == ".":
            pos += 1
            expect_name = True
        else:
            raise OverrideError(f"bad key {text!r}: unexpected {text[pos]!r} at column {pos + 1}")
    if expect_name:
        raise OverrideError(f"bad key {text!r}: a key cannot be empty or end with '.'")
    return tuple(parts)


def parse_value(text: str) -> Any:
    """Read ``text`` as one TOML value; fall back to the text itself as a string."""
    try:
        parsed = tomli.loads(f"v = {text}")
    except (tomli.TOMLDecodeError, RecursionError):
        return text
    if set(parsed) != {"v"}:  # e.g. "1\nother = 2": more than one value
        return text
    return parsed["v"]


def parse_override(text: str) -> Override:
    """Parse one ``KEY=VALUE``; raise :class:`OverrideError` when there is no ``=`` or the key is bad."""
    key, sep, value = _split(text)
    if not sep:
        raise OverrideError(f"--set {text!r}: expected KEY=VALUE, e.g. --set trainer.max_epochs=3")
    return Override(parse_key(key.strip()), parse_value(value.strip()), text)


def _split(text: str) -> tuple[str, str, str]:
    """Split at the first ``=`` outside a quoted key part."""
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char in "\"'":
            match = _QUOTED.match(text, pos)
            if match is None:
                break
            pos = match.end()
            continue
        if char == "=":
            return text[:pos], "=", text[pos + 1 :]
        pos += 1
    return text, "", ""


def parse_overrides(texts: Iterable[str]) -> list[Override]:
    """Parse every ``--set`` in order."""
    return [parse_override(text) for text in texts]


def apply(data: dict[str, Any], overrides: Sequence[Override]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with every override set at its key (missing tables are created)."""
    merged = copy.deepcopy(data)
    for override in overrides:
        _set(merged, override)
    return merged


def _set(data: dict[str, Any], override: Override) -> None:
    node: Any = data
    key = override.key
    for depth, part in enumerate(key):
        last = depth == len(key) - 1
        where = format_key(key[:depth]) or "the top level"
        if isinstance(part, int):
            if not isinstance(node, list):
                raise OverrideError(f"{override.location}: {where} is not an array")
            if part >= len(node):
                raise OverrideError(f"{override.location}: {where} has {len(node)} element(s); no index {part}")
        elif not isinstance(node, dict):
            raise OverrideError(f"{override.location}: {where} is not a table")
        if last:
            node[part] = copy.deepcopy(override.value)
            return
        if isinstance(part, str) and part not in node:
            node[part] = [] if isinstance(key[depth + 1], int) else {}
        node = node[part]


def owner(key: KeyPath, overrides: Sequence[Override]) -> Override | None:
    """The override that set ``key`` (or a table above it); the last one wins."""
    found = None
    for override in overrides:
        size = len(override.key)
        if tuple(key[:size]) == override.key:
            found = override
    return found


def attribute(diagnostics: Iterable[Diagnostic], overrides: Sequence[Override]) -> list[Diagnostic]:
    """Move diagnostics about overridden keys from the file's lines to the ``--set`` that made them."""
    out = []
    for diagnostic in diagnostics:
        source = owner(diagnostic.key, overrides)
        out.append(diagnostic if source is None else diagnostic.at(source.location, None))
    return out
