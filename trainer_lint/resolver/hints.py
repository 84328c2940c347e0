"""Parameter annotations, read statically, as the types jsonargparse (LightningCLI's parser) checks.

:func:`read` turns the ``ast`` of an annotation into a :class:`Type`. Names are looked up in the
module that wrote the annotation (``Optional`` from ``typing``, ``Path`` from ``pathlib``, a
class of the project), through a callback, so this module knows nothing about files.

What jsonargparse understands, and so what a :class:`Type` can be: ``int``, ``float``, ``bool``,
``str``, ``None``, ``pathlib.Path``/``os.PathLike``, ``Literal[...]``, ``Optional``/``Union``/``|``,
``list``/``set``/``Sequence``/``Iterable`` of an item type, ``tuple`` (fixed or ``...``), ``dict``/
``Mapping``, an enum (by member name), a dataclass (a table of its fields), a class (an object:
``class_path`` and ``init_args``, as for ``nn.Module`` injection), ``type[X]`` and ``Callable``
(an import path). Anything else is :data:`UNKNOWN`: no value is wrong for it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any


class Type:
    """A statically known parameter type.

    ``kind``: ``any`` (no annotation or ``Any``), ``unknown`` (an annotation trainer-lint cannot
    judge), ``int``, ``float``, ``bool``, ``str``, ``none``, ``path``, ``literal`` (``values``),
    ``union`` (``args``), ``list`` (``args[0]`` the item), ``tuple`` (``args``; ``variadic``),
    ``dict`` (``args`` key and value), ``enum`` (``values``: member names), ``dataclass``
    (``ref``), ``class`` (``ref``: the base class), ``callable``, ``classtype`` (``type[X]``).
    ``ref`` is the resolved class for ``class``/``dataclass``/``enum``; ``name`` how the
    annotation reads, for messages (``Optional[int]``, ``MyEnum``).
    """

    __slots__ = ("kind", "args", "values", "ref", "variadic", "name")

    def __init__(
        self, kind: str, args: tuple[Type, ...] = (), values: tuple[Any, ...] = (), ref: Any = None, variadic: bool = False, name: str = ""
    ) -> None:
        self.kind = kind
        self.args = args
        self.values = values
        self.ref = ref
        self.variadic = variadic
        self.name = name

    def _key(self) -> tuple[Any, ...]:
        return (self.kind, self.args, self.values, id(self.ref), self.variadic, self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Type) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.kind, self.args, self.name))

    def __repr__(self) -> str:
        return f"Type({self.name or self.kind})"


ANY = Type("any", name="Any")
UNKNOWN = Type("unknown", name="?")
INT = Type("int", name="int")
FLOAT = Type("float", name="float")
BOOL = Type("bool", name="bool")
STR = Type("str", name="str")
NONE = Type("none", name="None")
PATH = Type("path", name="Path")
CALLABLE = Type("callable", name="Callable")

_BUILTINS = {"int": INT, "float": FLOAT, "bool": BOOL, "str": STR, "None": NONE, "object": ANY}
_SEQUENCES = {"list", "set", "frozenset", "List", "Set", "FrozenSet", "Sequence", "MutableSequence",
              "Iterable", "Collection", "AbstractSet", "MutableSet"}
_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "DefaultDict", "defaultdict"}
_TYPING_MODULES = {"typing", "typing_extensions", "collections.abc", "collections", "builtins"}

Resolve = Callable[[ast.expr], "Named | None"]
"""Looks up a ``Name``/``Attribute`` in the annotation's module."""


class Named:
    """What a name in an annotation refers to: ``qualified`` (``typing.Optional``, ``builtins.int``,
    ``pathlib.Path``, or the dotted path of a class), the resolved class when it is one (``ref``),
    and for a class its ``kind``: ``enum``, ``dataclass`` or ``class``."""

    __slots__ = ("qualified", "ref", "kind")

    def __init__(self, qualified: str, ref: Any = None, kind: str = "") -> None:
        self.qualified = qualified
        self.ref = ref
        self.kind = kind


def read(node: ast.expr | None, resolve: Resolve, depth: int = 0) -> Type:
    """The :class:`Type` an annotation describes."""
    if node is None:
        return ANY
    if depth > 20:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        if node.value is None:
            return NONE
        if isinstance(node.value, str):  # a string annotation (a forward reference)
            try:
                inner = ast.parse(node.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return UNKNOWN
            return read(inner, resolve, depth + 1)
        return UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return union([read(node.left, resolve, depth + 1), read(node.right, resolve, depth + 1)])
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _named(node, resolve)
    if isinstance(node, ast.Subscript):
        return _subscript(node, resolve, depth)
    return UNKNOWN


def _named(node: ast.expr, resolve: Resolve) -> Type:
    named = resolve(node)
    if named is None:
        return UNKNOWN
    module, _, name = named.qualified.rpartition(".")
    if module in _TYPING_MODULES:
        if name in _BUILTINS:
            return _BUILTINS[name]
        if name == "Any":
            return ANY
        if name in _SEQUENCES:
            return Type("list", (ANY,), name=name)
        if name in ("tuple", "Tuple"):
            return Type("tuple", (ANY,), variadic=True, name=name)
        if name in _MAPPINGS:
            return Type("dict", (STR, ANY), name=name)
        if name in ("Callable",):
            return CALLABLE
        if name in ("type", "Type"):
            return Type("classtype", name=name)
        return UNKNOWN
    if named.qualified in ("pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "os.PathLike"):
        return PATH
    if named.ref is not None:
        label = named.qualified.rpartition(".")[2]
        if named.kind == "enum":
            members = named.ref.enum_members()
            return Type("enum", values=members, ref=named.ref, name=label) if members is not None else UNKNOWN
        if named.kind == "dataclass":
            return Type("dataclass", ref=named.ref, name=label)
        if named.kind == "class":
            return Type("class", ref=named.ref, name=label)
    return UNKNOWN


def _subscript(node: ast.Subscript, resolve: Resolve, depth: int) -> Type:
    base = resolve(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else None
    if base is None:
        return UNKNOWN
    module, _, name = base.qualified.rpartition(".")
    if module not in _TYPING_MODULES:
        return UNKNOWN  # a generic class, a jsonargparse type (Path_fr, ...): not judged
    elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if name == "Annotated":
        return read(elements[0], resolve, depth + 1)
    if name == "Literal":
        values: list[Any] = []
        for element in elements:
            if isinstance(element, ast.Constant) and isinstance(element.value, (str, int, float, bool)) or (
                isinstance(element, ast.Constant) and element.value is None
            ):
                values.append(element.value)
            elif isinstance(element, ast.UnaryOp) and isinstance(element.op, ast.USub) and isinstance(element.operand, ast.Constant) and isinstance(element.operand.value, (int, float)):
                values.append(-element.operand.value)
            else:
                return UNKNOWN
        return Type("literal", values=tuple(values), name="Literal[" + ", ".join(repr(v) for v in values) + "]")
    args = [read(e, resolve, depth + 1) for e in elements]
    if name == "Optional":
        return union([args[0], NONE])
    if name == "Union":
        return union(args)
    if name in _SEQUENCES:
        return Type("list", (args[0],), name=f"{name}[{args[0].name}]")
    if name in ("tuple", "Tuple"):
        if len(elements) == 2 and isinstance(elements[1], ast.Constant) and elements[1].value is Ellipsis:
            return Type("tuple", (args[0],), variadic=True, name=f"tuple[{args[0].name}, ...]")
        return Type("tuple", tuple(args), name="tuple[" + ", ".join(a.name for a in args) + "]")
    if name in _MAPPINGS:
        if len(args) == 2:
            return Type("dict", (args[0], args[1]), name=f"dict[{args[0].name}, {args[1].name}]")
        return Type("dict", (STR, ANY), name=name)
    if name == "Callable":
        return CALLABLE
    if name in ("type", "Type"):
        return Type("classtype", name=f"type[{args[0].name}]")
    return UNKNOWN


def union(arms: list[Type]) -> Type:
    """``Union[...]`` of ``arms``, flattened; one arm stands for itself."""
    flat: list[Type] = []
    for arm in arms:
        for part in arm.args if arm.kind == "union" else (arm,):
            if part not in flat:
                flat.append(part)
    if len(flat) == 1:
        return flat[0]
    names = [a.name for a in flat if a.kind != "none"]
    label = " | ".join(names) + (" | None" if NONE in flat else "")
    return Type("union", tuple(flat), name=label)
