"""Values a launch script gives, possibly open: ``--nodes=1-2`` is 1 or 2, ``--nnodes=$N`` is
unknown when the script never sets ``N``. Checks report only what holds for every possible value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from trainer_lint.diagnostic import Span

MAX_VALUES = 4096
"""A range wider than this is treated as unknown."""


def display_path(path: str) -> str:
    """``path`` as output shows it: relative to the current folder when it is inside it."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative


@dataclass(frozen=True)
class Source:
    """Where in a script a value was set: the note a diagnostic points at."""

    path: str
    span: Span
    text: str
    """What is written there (``--ntasks-per-node=4``), for messages."""


@dataclass(frozen=True)
class Count:
    """A whole number the script sets: the set of values it may take, or unknown (``values is None``)."""

    values: Optional[frozenset[int]]
    source: Optional[Source] = None
    why: Optional[str] = None
    """For an open value: why it is open, in words."""

    @classmethod
    def exact(cls, value: int, source: Optional[Source] = None) -> "Count":
        return cls(frozenset({value}), source)

    @classmethod
    def between(cls, low: int, high: int, source: Optional[Source] = None) -> "Count":
        if high < low or high - low > MAX_VALUES:
            return cls(None, source, f"{low}-{high}")
        return cls(frozenset(range(low, high + 1)), source)

    @classmethod
    def unknown(cls, why: str, source: Optional[Source] = None) -> "Count":
        return cls(None, source, why)

    @property
    def known(self) -> bool:
        return self.values is not None

    @property
    def value(self) -> Optional[int]:
        """The value when there is exactly one."""
        if self.values is not None and len(self.values) == 1:
            return next(iter(self.values))
        return None

    def never(self, n: int) -> bool:
        """Whether the value differs from ``n`` whatever it turns out to be."""
        return self.values is not None and n not in self.values

    def open_about(self, n: int) -> bool:
        """Whether the value may or may not be ``n`` (the script leaves it open)."""
        return self.values is None or (n in self.values and len(self.values) > 1)

    def times(self, other: "Count", source: Optional[Source] = None) -> "Count":
        """The product of two counts (every combination)."""
        if self.values is None or other.values is None:
            return Count(None, source or self.source or other.source, self.why or other.why)
        products = frozenset(a * b for a in self.values for b in other.values)
        return Count(products, source or self.source or other.source)

    def words(self) -> str:
        """``4``, ``1 or 2``, ``1 to 8``, or ``unknown``, for messages."""
        if self.values is None:
            return "unknown"
        ordered = sorted(self.values)
        if len(ordered) == 1:
            return str(ordered[0])
        if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
            return f"{ordered[0]} to {ordered[-1]}"
        return ", ".join(map(str, ordered[:-1])) + f" or {ordered[-1]}"


def read_count(text: Optional[str], source: Optional[Source] = None, *, what: str = "value") -> Optional[Count]:
    """``"4"`` -> 4; ``"1-2"`` (a SLURM min-max) -> 1 or 2; ``"1:4"`` (torchrun) -> 1 to 4;
    anything else -> unknown. None for None."""
    if text is None:
        return None
    text = text.strip()
    if text.isdigit():
        return Count.exact(int(text), source)
    for separator in ("-", ":"):
        low, sep, high = text.partition(separator)
        if sep and low.strip().isdigit() and high.strip().isdigit():
            return Count.between(int(low), int(high), source)
    return Count.unknown(f"{what} `{text}` is not a number the script fixes", source)
