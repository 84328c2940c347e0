"""Release numbers and requirement specifiers, the PEP 440 subset that Lightning requirements use.

No third-party import (``packaging`` is not a dependency of ``check``). :func:`parse` orders
releases (``2.0.9 < 2.0.9.post0 < 2.1.0rc1 < 2.1.0``); :class:`Specifier` reads
``lightning>=2.2,<2.5``, ``~=2.4.0``, ``==2.4.*``, ``!=2.3.1``, ``===2.4.0``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VERSION_TEXT = (
    r"""^\s*v?(?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre>a|alpha|b|beta|c|rc|pre|preview)[-_.]?(?P<pre_n>\d*))?
    (?:(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d*))|-(?P<post_implicit>\d+))?
    (?:[-_.]?dev[-_.]?(?P<dev>\d*))?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$"""
)


@lru_cache(maxsize=1)
def _version() -> re.Pattern[str]:
    return re.compile(_VERSION_TEXT, re.IGNORECASE | re.VERBOSE)  # compiled on first use: not at start-up
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}

Key = tuple[tuple[int, ...], tuple[int, int], int, int]
"""A comparable release: (release numbers padded to three, (pre-release rank, number), post, dev)."""


@lru_cache(maxsize=512)
def parse(text: str) -> Key:
    """A sortable key for a release number; raises ValueError for text that is not one.

    Cached: the rules compare the same few release numbers for every file."""
    match = _version().match(text)
    if not match:
        raise ValueError(f"{text!r} is not a release number")
    numbers = tuple(int(n) for n in match["release"].split("."))
    numbers = numbers + (0,) * (3 - len(numbers)) if len(numbers) < 3 else numbers
    while len(numbers) > 3 and numbers[-1] == 0:
        numbers = numbers[:-1]
    if match["pre"]:
        pre = (_PRE_RANK[match["pre"].lower()], int(match["pre_n"] or 0))
    elif match["dev"] is not None and match["post"] is None and match["post_implicit"] is None:
        pre = (-1, 0)  # 2.4.0.dev1 comes before 2.4.0a1
    else:
        pre = (3, 0)  # a final release
    post_text = match["post"] if match["post"] is not None else match["post_implicit"]
    post = int(post_text or 0) + 1 if post_text is not None else 0
    dev = int(match["dev"] or 0) if match["dev"] is not None else 1 << 30
    return numbers, pre, post, dev


def is_version(text: str) -> bool:
    return _version().match(text) is not None


def release(text: str) -> tuple[int, ...]:
    """The numeric part of a release, without padding: ``2.4`` -> ``(2, 4)``."""
    match = _version().match(text)
    if not match:
        raise ValueError(f"{text!r} is not a release number")
    return tuple(int(n) for n in match["release"].split("."))


def minor(text: str) -> str:
    """``2.4.0`` -> ``2.4``."""
    numbers = release(text)
    return ".".join(str(n) for n in (numbers + (0,))[:2])


def is_final(text: str) -> bool:
    """Whether a release is a final one (no ``a``/``b``/``rc``/``dev``; ``.postN`` is final)."""
    key = parse(text)
    return key[1] == (3, 0) and key[3] == 1 << 30


_SPEC = r"^\s*(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;]+)\s*$"


class Specifier:
    """A version specifier set such as ``>=2.2,<2.5`` (all clauses must hold)."""

    __slots__ = ("clauses", "text")

    def __init__(self, clauses: tuple[tuple[str, str], ...], text: str) -> None:
        self.clauses = clauses
        self.text = text

    def __repr__(self) -> str:
        return f"Specifier({self.text!r})"

    @classmethod
    def parse(cls, text: str) -> Specifier:
        """Raise ValueError for text that is not a specifier set (an empty one allows everything)."""
        clauses: list[tuple[str, str]] = []
        for part in text.split(","):
            if not part.strip():
                continue
            match = re.match(_SPEC, part)
            if not match:
                raise ValueError(f"{part.strip()!r} is not a version specifier")
            op, version = match.groups()
            if op != "===" and not is_version(version.removesuffix(".*")):
                raise ValueError(f"{version!r} is not a release number")
            if version.endswith(".*") and op not in ("==", "!="):
                raise ValueError(f"{op}{version}: a wildcard needs == or !=")
            clauses.append((op, version))
        return cls(tuple(clauses), ",".join(f"{op}{v}" for op, v in clauses))

    @property
    def pinned(self) -> str | None:
        """The release an exact pin names (``==2.4.0``, ``===2.4.0``), else None."""
        if len(self.clauses) == 1 and self.clauses[0][0] in ("==", "===") and not self.clauses[0][1].endswith(".*"):
            return self.clauses[0][1]
        return None

    def contains(self, version: str) -> bool:
        """Whether ``version`` satisfies every clause (pre-releases only where a clause names one)."""
        key = parse(version)
        for op, bound in self.clauses:
            if not _holds(op, bound, version, key):
                return False
        return True


def _holds(op: str, bound: str, version: str, key: Key) -> bool:
    if op == "===":
        return version.strip() == bound
    if bound.endswith(".*"):
        prefix = release(bound[:-2])
        same = release(version)[: len(prefix)] == prefix
        return same if op == "==" else not same
    other = parse(bound)
    if op == "==":
        return _equal(version, bound)
    if op == "!=":
        return not _equal(version, bound)
    if op == ">=":
        return key >= other
    if op == "<=":
        return key <= other or _equal(version, bound)
    if op == ">":
        return key > other and not (key[2] and parse(_base(version)) == other)  # >2.4 excludes 2.4.post1
    if op == "<":
        # <2.5 excludes 2.5.0rc1 (a pre-release of the bound itself)
        return key < other and not (is_final(bound) and not is_final(version) and key[0] == other[0])
    if op == "~=":
        numbers = release(bound)
        if len(numbers) < 2:
            raise ValueError(f"~={bound}: a compatible release needs at least two numbers")
        prefix = numbers[:-1]
        return key >= other and release(version)[: len(prefix)] == prefix
    raise ValueError(op)  # pragma: no cover - _SPEC allows no other


def _base(version: str) -> str:
    return ".".join(str(n) for n in release(version))


def _equal(version: str, bound: str) -> bool:
    """``==2.4`` matches ``2.4.0`` (zero padding); a local label is ignored."""
    return parse(version.split("+")[0]) == parse(bound.split("+")[0])
