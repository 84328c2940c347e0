"""What a name in the project's source refers to, short of a class read from source.

A lookup (:class:`~trainer_lint.resolver.names.Resolver`) ends in one of these: a module
(:class:`ModuleRef`), a function (:class:`FunctionRef`), a class of the standard library
(:class:`Terminal`), one of Lightning's classes from the committed snapshot
(:class:`LightningClass`), a class read from source
(:class:`~trainer_lint.resolver.classes.PyClass`), or :class:`Unresolved` with the reason in
words. Also the small helpers that spell a name: :func:`qualified_name` (through a module's own
imports), :func:`qualified`, :func:`unparse`.
"""

from __future__ import annotations

import ast
from typing import Any

from trainer_lint.resolver import hints
from trainer_lint.resolver.hints import NONE
from trainer_lint.resolver.signature import Param, Signature, type_from_schema
from trainer_lint.resolver.source import ModuleSource

LIGHTNING_PACKAGES = frozenset({"lightning", "pytorch_lightning", "lightning_fabric"})
"""Top-level packages whose classes come from the snapshot only (their source is never read)."""

MAX_DEPTH = 40
"""How many names, bases or forwarding calls a lookup follows before giving up (cycles, huge chains)."""


class Unresolved:
    """A name or class that cannot be read statically, and why (in words, for an INFO message);
    ``missing`` when the module was read and provably does not define the name."""

    __slots__ = ("reason", "missing")

    def __init__(self, reason: str, missing: bool = False) -> None:
        self.reason = reason
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unresolved({self.reason!r}, missing={self.missing})"


class ModuleRef:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ModuleRef({self.name})"


class FunctionRef:
    __slots__ = ("path", "module", "node")

    def __init__(self, path: str, module: ModuleSource, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.path = path
        self.module = module
        self.node = node


class Terminal:
    """A class of the standard library or a builtin: never read, only classified."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"Terminal({self.path})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Terminal) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    @property
    def is_object(self) -> bool:
        return self.path in ("builtins.object", "typing.Generic", "typing_extensions.Generic", "abc.ABC")

    @property
    def is_enum_root(self) -> bool:
        return self.path in ("enum.Enum",)

    @property
    def is_enum_like(self) -> bool:
        return self.path.startswith("enum.") and self.path != "enum.auto"


class LightningClass:
    """A class of the committed Lightning snapshot."""

    def __init__(self, info: Any) -> None:
        self.info = info
        self.path: str = info.path
        self.name: str = info.name

    @property
    def kind(self) -> str:
        return str(self.info.kind)

    def signature(self) -> Signature | Unresolved:
        params = {}
        for name, data in self.info.params.items():
            kind = type_from_schema(data.get("type"))
            if "default" in data and data["default"] is None:
                kind = hints.union([kind, NONE])
            params[name] = Param(name, kind, bool(data.get("required")), self.name)
        return Signature(params, open=self.info.takes_kwargs, open_reason=f"`{self.name}` takes **kwargs" if self.info.takes_kwargs else "")

    def __repr__(self) -> str:
        return f"LightningClass({self.path})"



BUILTIN_NAMES = frozenset(
    {"object", "int", "float", "bool", "str", "bytes", "list", "dict", "set", "frozenset", "tuple", "type",
     "Exception", "BaseException", "ValueError", "TypeError", "RuntimeError", "complex", "range", "property"}
)
"""Builtins a base class or an annotation may name without importing them."""


def unparse(node: ast.AST) -> str:
    """An expression as source text, for messages."""
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - only for messages
        return "?"


def qualified_name(module: ModuleSource, node: ast.expr, depth: int = 0) -> str | None:
    """The dotted name an expression spells through the module's own imports (``CLI`` after
    ``from lightning.pytorch.cli import LightningCLI as CLI`` -> ``lightning.pytorch.cli.LightningCLI``),
    without reading other modules."""
    if depth > 10:
        return None
    if isinstance(node, ast.Name):
        binding = module.annotation_binding(node.id)
        if binding is None:
            return f"builtins.{node.id}" if node.id in BUILTIN_NAMES and not module.bindings.get(node.id) else None
        if binding.kind == "from":
            return f"{binding.target}.{binding.attr}"
        if binding.kind == "module":
            return binding.target
        if binding.kind == "alias" and binding.node is not None:
            return qualified_name(module, binding.node, depth + 1)  # type: ignore[arg-type]
        if binding.kind in ("class", "function"):
            return f"{module.name}.{node.id}"
        return None
    if isinstance(node, ast.Attribute):
        base = qualified_name(module, node.value, depth + 1)
        return f"{base}.{node.attr}" if base else None
    return None

