"""Write values as YAML text that LightningCLI reads back as the same values.

Used by the YAML editor (``--fix``), ``convert`` and messages in YAML words. A string is
written plain only when LightningCLI's loader reads the plain text back as that same string
(``on``, ``1e-3``, ``null``, ``2024-01-02`` are quoted: the first three would not be strings,
and quoting the date keeps it a string for YAML 1.2 readers too); otherwise it is written
double-quoted with JSON escapes, which YAML reads alike. Floats are written so that the
jsonargparse float pattern matches them (``1e-05``, ``.inf``, ``.nan``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_./][A-Za-z0-9_./+-]*\Z")
_DATE = re.compile(r"\d{4}-\d\d?-\d\d?")
_TOML_SNIPPET = re.compile(r"`([A-Za-z_][A-Za-z0-9_.-]*) = ([^`]+)`")


def string(text: str) -> str:
    """``text`` as a YAML scalar that reads back as the string ``text``."""
    if _PLAIN.match(text) and not _DATE.match(text) and _reads_back(text):
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """``text`` double-quoted (JSON escapes are YAML escapes)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\x7f")


def single_quoted(text: str) -> str | None:
    """``text`` single-quoted, or None when it cannot be (line breaks, control characters)."""
    if any(c in text for c in "\n\r\t") or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    return "'" + text.replace("'", "''") + "'"


def _reads_back(text: str) -> bool:
    from trainer_lint.formats.yaml_loader import YAMLError, load

    try:
        return load(text) == text and type(load(text)) is str
    except YAMLError:
        return False


def scalar(value: Any) -> str:
    """A scalar (or a small collection, in flow style) as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if "." in text or "e" in text else text + ".0"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {scalar(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def key(name: Any) -> str:
    """A mapping key as YAML text."""
    return string(name) if isinstance(name, str) else scalar(name)


def words(message: str) -> str:
    """A rule message in YAML words: TOML snippets such as `` `precision = "16-mixed"` ``
    become `` `precision: 16-mixed` ``."""
    if " = " not in message:
        return message
    return _TOML_SNIPPET.sub(_snippet, message)


def _snippet(match: re.Match[str]) -> str:
    name, text = match.group(1), match.group(2)
    try:
        import tomli

        value = tomli.loads(f"v = {text}")["v"]
        return f"`{name}: {scalar(value)}`"
    except Exception:  # noqa: BLE001 - a placeholder such as `devices = N`: keep it as written
        return f"`{name}: {text}`"
