"""What ``init_args`` a class takes: :class:`Signature` (its :class:`Param` s, and whether
``**kwargs`` leave it open), and the snapshot's parameter types as :class:`~trainer_lint.resolver.hints.Type`."""

from __future__ import annotations

from typing import Any

from trainer_lint.resolver import hints
from trainer_lint.resolver.hints import ANY, Type


class Param:
    """One parameter a class takes from a config. Its :attr:`type` is read on first use (an
    annotation may name a class in a large module that a config never needs)."""

    __slots__ = ("name", "required", "owner", "_type", "_read", "none_default")

    def __init__(self, name: str, type: Type | None, required: bool, owner: str, read: Any = None, none_default: bool = False) -> None:
        self.name = name
        self.required = required
        self.owner = owner
        """The class (or function) whose signature declares it, for messages."""
        self._type = type
        self._read = read
        self.none_default = none_default
        """Whether the default is ``None``: then None is right whatever the annotation says (YAML's
        null is passed as it is, and is the default)."""

    @property
    def type(self) -> Type:
        if self._type is None:
            self._type = self._read() if self._read is not None else ANY
            self._read = None
        return self._type

    def with_required(self, required: bool) -> Param:
        return Param(self.name, self._type, required, self.owner, self._read, self.none_default)

    def __repr__(self) -> str:
        return f"Param({self.name}, required={self.required})"


class Signature:
    """The keys a class takes in ``init_args``: ``params``, and ``open`` when ``**kwargs`` may take
    keys that are not among them (``open_reason`` says why)."""

    __slots__ = ("params", "open", "open_reason")

    def __init__(self, params: dict[str, Param] | None = None, open: bool = False, open_reason: str = "") -> None:  # noqa: A002
        self.params: dict[str, Param] = params if params is not None else {}
        self.open = open
        self.open_reason = open_reason

    def __repr__(self) -> str:
        return f"Signature({list(self.params)}, open={self.open})"



def type_from_schema(node: dict[str, Any] | None) -> Type:
    """A snapshot parameter type (the JSON Schema subset of :mod:`trainer_lint.classes`) as a :class:`Type`."""
    if not node:
        return ANY
    if "anyOf" in node:
        return hints.union([type_from_schema(arm) for arm in node["anyOf"]])
    kind = node.get("type")
    if "enum" in node:
        return Type("literal", values=tuple(node["enum"]), name=" | ".join(repr(v) for v in node["enum"]))
    if kind == "integer":
        return hints.INT
    if kind == "number":
        return hints.FLOAT
    if kind == "string":
        return hints.STR
    if kind == "boolean":
        return hints.BOOL
    if kind == "array":
        item = type_from_schema(node.get("items"))
        return Type("list", (item,), name=f"list[{item.name}]")
    if kind == "object":
        return Type("dict", (hints.STR, ANY), name="dict")
    return ANY

