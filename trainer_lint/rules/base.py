"""The building blocks of rules: :class:`Rule` and the :class:`Context` a rule reads.

A rule is a small class with a stable ``code`` (``TL…``), a kebab-case ``name``, a one-line
``summary``, a default ``severity`` and a docstring in ruff's shape::

    ## What it does
    ## Why is this bad?
    ## Example
    ## Fix
    ## Lightning source

Its :meth:`Rule.check` reads the parsed config through a :class:`Context` and yields
:class:`~trainer_lint.diagnostic.Diagnostic` objects without path or position; the engine places
them. Rules never import torch or lightning and never import a module a config names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from trainer_lint.diagnostic import Diagnostic, Fix, KeyPath, Severity

T = TypeVar("T")

MISSING: Any = object()
"""Returned by :meth:`Context.get` for a key that is not set and has no default."""

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix", "## Lightning source")
"""Headings every rule docstring has, in this order."""


class Context:
    """What rules read: the parsed TOML data plus facts derived from it once and shared.

    ``get`` hides values that failed the type check, so a rule about combinations never
    reasons about a value that is already reported as the wrong type.
    """

    def __init__(self, data: dict[str, Any], schema: dict[str, Any]) -> None:
        self.data = data
        self.schema = schema
        self._cache: dict[str, Any] = {}

    @property
    def trainer(self) -> dict[str, Any]:
        """The ``[trainer]`` table, or an empty dict when it is missing or not a table."""
        table = self.data.get("trainer")
        return table if isinstance(table, dict) else {}

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """Compute a derived fact once per file and share it between rules."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]  # type: ignore[no-any-return]

    @property
    def invalid_keys(self) -> frozenset[KeyPath]:
        """Key paths whose value breaks its declared type (reported by the type rules)."""
        from trainer_lint.rules.types import type_findings

        return self.cached("invalid_keys", lambda: frozenset(d.key for d in type_findings(self)))

    def is_set(self, name: str) -> bool:
        """Whether the user wrote ``trainer.<name>`` with a value of the right type."""
        return name in self.trainer and ("trainer", name) not in self.invalid_keys

    def get(self, name: str, default: Any = MISSING) -> Any:
        """``trainer.<name>`` as written when it is well-typed, else the Trainer's default.

        The default comes from the schema (itself generated from the model), so it is the
        Trainer's own. Parameters whose Trainer default is None return None.
        """
        if self.is_set(name):
            return self.trainer[name]
        if default is not MISSING:
            return default
        prop = self.trainer_properties.get(name, {})
        return prop.get("default")

    @property
    def trainer_properties(self) -> dict[str, Any]:
        """The schema's ``properties`` of the trainer table."""
        return self.schema["definitions"]["BaseTrainerConfig"]["properties"]  # type: ignore[no-any-return]


class Rule:
    """One check with a stable code. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        """Yield the problems this rule finds in ``ctx``."""
        raise NotImplementedError

    def report(
        self,
        key: KeyPath,
        message: str,
        *,
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> Diagnostic:
        """Make a diagnostic of this rule at ``key``."""
        return Diagnostic(self.code, severity or self.severity, key, message, fix=fix)


def trainer_key(name: str) -> KeyPath:
    """The key path of a Trainer argument."""
    return ("trainer", name)


def first(items: Iterable[T]) -> Iterator[T]:
    """Yield at most the first item (for rules that report one finding per file)."""
    for item in items:
        yield item
        return


def toml_type(value: Any) -> str:
    """The TOML word for a parsed value's type: string, integer, float, boolean, array, table, date-time."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return "date-time"


def show(value: Any) -> str:
    """Render a parsed value the way it would be written in TOML (short, for messages)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value[:5]) + (", ...]" if len(value) > 5 else "]")
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {show(v)}" for k, v in list(value.items())[:4]) + (", ... }" if len(value) > 4 else " }")
    return str(value)
