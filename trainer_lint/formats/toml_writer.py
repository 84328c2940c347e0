"""Write values as TOML text (``run --print-config``, ``convert``)."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time as dtime
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

INT_RANGE = (-(2**63), 2**63 - 1)
"""TOML integers are 64-bit."""


def key(name: str) -> str:
    """A key: bare when TOML allows it, else a basic string."""
    return name if _BARE_KEY.match(name) else string(name)


def string(text: str) -> str:
    """A basic string (JSON escapes are TOML escapes; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def value(item: Any) -> str:
    """A value, with tables and arrays inline. Raises :class:`TypeError` for what TOML cannot write
    (None, bytes, sets, integers beyond 64 bits)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        if not INT_RANGE[0] <= item <= INT_RANGE[1]:
            raise TypeError(f"the integer {item} is beyond TOML's 64-bit integers")
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, list):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, dict):
        if not item:
            return "{}"
        return "{ " + ", ".join(f"{key(str(k))} = {value(v)}" for k, v in item.items()) + " }"
    if isinstance(item, (datetime, date, dtime)):
        return item.isoformat()
    if item is None:
        raise TypeError("null, which TOML cannot write")
    raise TypeError(f"a {type(item).__name__}, which TOML cannot write")


def document(data: dict[str, Any]) -> str:
    """Parsed TOML data as TOML text (``run --print-config``): top-level tables as ``[table]``,
    arrays of tables inside them as ``[[table.key]]``, everything deeper as inline tables and arrays."""
    lines: list[str] = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    for name, item in data.items():
        if name not in tables:
            lines.append(f"{key(name)} = {value(item)}")
    for name, table in tables.items():
        if lines:
            lines.append("")
        lines.append(f"[{key(name)}]")
        arrays = {k: v for k, v in table.items() if _is_table_array(v)}
        for inner, item in table.items():
            if inner not in arrays:
                lines.append(f"{key(inner)} = {value(item)}")
        for inner, items in arrays.items():
            for entry in items:
                lines += ["", f"[[{key(name)}.{key(inner)}]]"]
                lines += [f"{key(k)} = {value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def _is_table_array(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item)
