"""The table of NVIDIA GPUs a target may name: each model's compute capability and memory.

The data lives in ``gpus.json`` beside this module (one place; edit it there). Names are matched
loosely, as people and ``nvidia-smi`` write them: ``A100``, ``a100``, ``NVIDIA A100-SXM4-80GB``,
``Tesla V100-SXM2-32GB`` and ``RTX 4090`` all find their entry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("gpus.json")

_PREFIXES = ("nvidia", "tesla", "geforce", "quadro")


@dataclass(frozen=True)
class Gpu:
    """One row of the table."""

    name: str
    """The table's spelling (``"A100"``)."""
    capability: tuple[int, int]
    memory_gib: float


def normalize(name: str) -> str:
    """A name without case, spaces, dashes, underscores and vendor prefixes (``"NVIDIA RTX 4090"`` ->
    ``"rtx4090"``)."""
    text = re.sub(r"[\s_\-]+", "", name.lower())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


def parse_capability(text: str) -> tuple[int, int]:
    """``"8.9"`` -> ``(8, 9)``; raises ValueError for anything else."""
    major, _, minor = text.strip().partition(".")
    if not (major.isdigit() and minor.isdigit()):
        raise ValueError(f"not a compute capability: {text!r}")
    return int(major), int(minor)


@lru_cache(maxsize=1)
def table() -> dict[str, Gpu]:
    """Every GPU of the table, by its normalized name and by each normalized alias."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    out: dict[str, Gpu] = {}
    for name, row in data["gpus"].items():
        gpu = Gpu(name, parse_capability(row["capability"]), float(row["memory_gib"]))
        for spelling in (name, *row.get("aliases", ())):
            out[normalize(spelling)] = gpu
    return out


def names() -> list[str]:
    """The table's own spellings, in table order."""
    seen: dict[str, None] = {}
    for gpu in table().values():
        seen.setdefault(gpu.name, None)
    return list(seen)


def lookup(name: str, *, exact: bool = True) -> Gpu | None:
    """The table entry for ``name``: a model name as a user writes it (``exact``: the whole name,
    loosely spelled), or as ``nvidia-smi`` reports it (``exact=False``: the longest table name the
    reported one starts with, since it adds form factor and memory: ``A100-SXM4-80GB``)."""
    rows = table()
    key = normalize(name)
    if key in rows or exact:
        return rows.get(key)
    best = max((k for k in rows if key.startswith(k)), key=len, default=None)
    return rows[best] if best is not None else None


def closest(name: str) -> str | None:
    """The table name closest to a misspelled ``name``, for "did you mean"."""
    import difflib

    spellings = {normalize(n): n for n in names()}
    match = difflib.get_close_matches(normalize(name), list(spellings), n=1, cutoff=0.6)
    return spellings[match[0]] if match else None


def markdown() -> str:
    """The table as Markdown, for ``docs/targets.md`` (``python -m trainer_lint.target.gpus``)."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    lines = ["| GPU | compute capability | memory (GiB) | also written |", "|---|---|---|---|"]
    for name, row in data["gpus"].items():
        aliases = ", ".join(f"`{a}`" for a in row.get("aliases", ()))
        lines.append(f"| `{name}` | {row['capability']} (`sm_{row['capability'].replace('.', '')}`) | {row['memory_gib']:g} | {aliases} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
