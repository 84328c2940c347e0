"""Classes read from source with :mod:`ast`: what a name refers to, bases, and ``__init__`` parameters.

A :class:`Resolver` answers "what is ``pkg.models.Net``?" by finding ``pkg/models.py`` on the file
system (:mod:`~trainer_lint.resolver.finder`), parsing it (:mod:`~trainer_lint.resolver.source`)
and following what its top level binds: a class statement, ``from .layers import Net``, ``Net =
other.Net``, ``from .all import *``. Nothing is imported or run.

Lightning's own classes are never read from Lightning's source: they come from the committed
snapshot (:mod:`trainer_lint.classes`), which also holds ``LightningModule`` and
``LightningDataModule``. A user class that forwards ``**kwargs`` to a Lightning base takes the
base's parameters from there.

The parameters of a class are the ones jsonargparse (which LightningCLI uses) finds: the
``__init__`` signature, and where ``__init__`` takes ``**kwargs``, the parameters of what it
forwards them to (``super().__init__(**kwargs)``, ``Other(**kwargs)``, ``self.helper(**kwargs)``)
and the names it reads (``kwargs.pop("name", default)``, ``kwargs.get("name", default)``), minus
the names it passes itself. ``**kwargs`` used any other way leave the class *open*: any key may be
right, and none is reported as unknown. A class that cannot be read exactly (a factory, a
decorator that may replace ``__init__``, a metaclass, ``__new__``, a base that cannot be found or
is compiled) is :class:`Unresolved`, with the reason in words.
"""

from __future__ import annotations

import ast
import os
from typing import Any

from trainer_lint.resolver import hints
from trainer_lint.resolver.hints import ANY, NONE, Type
from trainer_lint.resolver.finder import Finder, Location, is_stdlib
from trainer_lint.resolver.source import ModuleSource, read

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


ClassLike = Any
"""A :class:`PyClass`, :class:`LightningClass` or :class:`Terminal`."""


class PyClass:
    """A class statement found in a module's source."""

    def __init__(self, resolver: Resolver, module: ModuleSource, node: ast.ClassDef) -> None:
        self.resolver = resolver
        self.module = module
        self.node = node
        self.name = node.name
        self.path = f"{module.name}.{node.name}"
        self._bases: list[Any] | None = None
        self._signature: Signature | Unresolved | None = None
        self._mro: list[Any] | Unresolved | None = None

    def __repr__(self) -> str:
        return f"PyClass({self.path})"

    @property
    def line(self) -> int:
        return self.node.lineno

    # ------------------------------------------------------------------------ bases

    def bases(self) -> list[Any]:
        """Each base resolved: a class, or :class:`Unresolved`."""
        if self._bases is None:
            self._bases = []
            for expr in self.node.bases:
                if isinstance(expr, ast.Subscript):  # Generic[T], Base[int]
                    expr = expr.value
                if isinstance(expr, ast.Starred):
                    self._bases.append(Unresolved("its bases are computed at run time"))
                    continue
                target = self.resolver.expr(self.module, expr)
                self._bases.append(as_class(target, _text(expr)))
            if not self._bases:
                self._bases.append(Terminal("builtins.object"))
        return self._bases

    def mro(self) -> list[Any] | Unresolved:
        """The method resolution order (C3), or why it cannot be known."""
        if self._mro is None:
            self._mro = Unresolved(f"the bases of `{self.name}` refer back to it")  # guards cycles
            self._mro = _mro(self, 0)
        return self._mro

    def subclass_of(self, test: Any, depth: int = 0, seen: set[int] | None = None) -> bool | None:
        """True when a base (transitively) passes ``test``, False when provably none does, None
        when some base cannot be resolved."""
        if test(self):
            return True
        seen = set() if seen is None else seen
        if depth > MAX_DEPTH or id(self) in seen:
            return None
        seen.add(id(self))
        unknown = False
        for base in self.bases():
            result = subclass_of(base, test, depth + 1, seen)
            if result:
                return True
            unknown = unknown or result is None
        return None if unknown else False

    # --------------------------------------------------------------------- features

    def decorators(self) -> list[str]:
        """The qualified names of the class decorators (``dataclasses.dataclass``), '?' when unknown."""
        names = []
        for expr in self.node.decorator_list:
            func = expr.func if isinstance(expr, ast.Call) else expr
            target = self.resolver.expr(self.module, func) if isinstance(func, (ast.Name, ast.Attribute)) else None
            names.append(_qualified(target) or "?")
        return names

    def is_dataclass(self) -> bool:
        return any(d in ("dataclasses.dataclass", "pydantic.dataclasses.dataclass") for d in self.decorators())

    def _maybe_enum(self, depth: int = 0) -> bool:  # noqa: C901
        """False when no base can make this an enum, decided from the import statements alone:
        every base is spelled from a package outside the project other than ``enum`` (``nn.Module``,
        ``pl.LightningModule``), or is a project class that cannot be one either. Saves reading
        large installed modules just to classify an annotation."""
        if depth > MAX_DEPTH:
            return True
        for expr in self.node.bases:
            if isinstance(expr, ast.Subscript):
                expr = expr.value
            spelled = qualified_name(self.module, expr)
            if spelled is None:
                return True
            if spelled.startswith("enum."):
                return True
            if self.resolver.is_external(spelled):
                continue
            target = self.resolver.expr(self.module, expr)
            if not isinstance(target, PyClass) or target._maybe_enum(depth + 1):
                return True
        return False

    def enum_members(self) -> tuple[str, ...] | None:
        """The member names of a plain ``enum.Enum`` subclass (jsonargparse takes enums by name);
        None for other classes and for enums trainer-lint does not judge (mixins, ``IntEnum``, flags)."""
        if not self._maybe_enum():
            return None
        bases = self.bases()
        if not any(isinstance(b, Terminal) and b.is_enum_like or isinstance(b, PyClass) and b.enum_members() is not None for b in bases):
            return None
        if not all(isinstance(b, Terminal) and b.is_enum_root or isinstance(b, PyClass) and b.enum_members() == () for b in bases):
            return None  # a mixin (str, int) or IntEnum/Flag: values may be accepted too
        members: list[str] = []
        for stmt in self.node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and not target.id.startswith("_"):
                        members.append(target.id)
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name) and not stmt.target.id.startswith("_"):
                members.append(stmt.target.id)
        return tuple(members)

    def kind_for_annotation(self) -> str:
        if self.is_dataclass():
            return "dataclass"
        if not self._maybe_enum():
            return "class"
        if self.enum_members() is not None:
            return "enum"
        if any(isinstance(b, Terminal) and b.is_enum_like for b in self.bases()):
            return "unknown"
        return "class"

    def own(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | Unresolved | None:
        """The method ``name`` defined in the class body itself (None when it is not)."""
        found: list[ast.stmt] = []
        for stmt in self.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                found.append(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return Unresolved(f"`{self.name}.{name}` is assigned, not defined")
            elif isinstance(stmt, (ast.If, ast.Try, ast.With)) and _binds_in(stmt, name):
                return Unresolved(f"`{self.name}.{name}` is defined conditionally")
        functions = [f for f in found if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        overloads = [f for f in functions if any(_text(d).endswith("overload") for d in f.decorator_list)]
        functions = [f for f in functions if f not in overloads]
        if len(functions) > 1:
            return Unresolved(f"`{self.name}.{name}` is defined more than once")
        return functions[0] if functions else None

    # ---------------------------------------------------------------------- signature

    def signature(self) -> Signature | Unresolved:
        """What ``init_args`` this class takes (cached)."""
        if self._signature is None:
            self._signature = Unresolved("its signature refers to itself")  # guards cycles
            self._signature = self._compute_signature()
        return self._signature

    def _compute_signature(self) -> Signature | Unresolved:
        for keyword in self.node.keywords:
            if keyword.arg == "metaclass":
                target = _qualified(self.resolver.expr(self.module, keyword.value)) if isinstance(keyword.value, (ast.Name, ast.Attribute)) else None
                if target not in ("abc.ABCMeta", "enum.EnumMeta", "enum.EnumType"):
                    return Unresolved(f"`{self.name}` has a metaclass, which may change how it is built")
        decorators = self.decorators()
        dataclass_like = False
        for decorator in decorators:
            if decorator in ("dataclasses.dataclass", "pydantic.dataclasses.dataclass"):
                dataclass_like = True
            elif decorator not in ("typing.final", "typing_extensions.final", "functools.total_ordering"):
                shown = decorator.rpartition(".")[2] if decorator != "?" else "a decorator"
                return Unresolved(f"`{self.name}` is decorated with @{shown}, which may replace its signature")
        if dataclass_like:
            return self._dataclass_signature()
        new = self.own("__new__")
        if isinstance(new, Unresolved) or new is not None:
            return Unresolved(f"`{self.name}` defines __new__")
        init = self.own("__init__")
        if isinstance(init, Unresolved):
            return init
        if init is None:
            provider = self.next_with_init(0)
            if isinstance(provider, Unresolved):
                return provider
            if isinstance(provider, PyClass) and len(self.node.bases) > 1 and _forwards_through_super(provider):
                # jsonargparse follows `super()` in an inherited __init__ from this class's place in
                # the MRO; with several bases that may be another class than Python's: not judged
                inherited = provider.signature()
                if isinstance(inherited, Signature):
                    return Signature(dict(inherited.params), open=True, open_reason=f"`{self.name}` inherits an `__init__` that forwards **kwargs")
                return inherited
            return signature_of(provider)
        return function_signature(self.resolver, self.module, init, owner=self, label=self.name)

    def next_with_init(self, after: int, start: Any = None) -> Any:
        """The first class after ``start`` (default: this class) in the MRO that defines ``__init__``."""
        order = self.mro()
        if isinstance(order, Unresolved):
            return order
        index = 0 if start is None else next((i for i, c in enumerate(order) if c is start), -1)
        if index < 0:
            return Unresolved(f"`{self.name}` names a class in super() that is not one of its bases")
        for cls in order[index + 1 :]:
            if isinstance(cls, PyClass):
                own = cls.own("__init__")
                if isinstance(own, Unresolved):
                    return own
                if own is not None or cls.is_dataclass() or cls.decorators():
                    return cls
                if cls.own("__new__") is not None:
                    return Unresolved(f"`{cls.name}` defines __new__")
                continue
            if isinstance(cls, LightningClass):
                return cls
            if isinstance(cls, Terminal):
                if cls.is_object:
                    continue
                return Unresolved(f"`{self.name}` inherits `__init__` from `{cls.path}`, which trainer-lint does not read")
        return Terminal("builtins.object")

    def _dataclass_signature(self) -> Signature | Unresolved:
        params: dict[str, Param] = {}
        for base in reversed(self.bases()):
            if isinstance(base, PyClass) and base.is_dataclass():
                inherited = base.signature()
                if isinstance(inherited, Unresolved):
                    return inherited
                params.update(inherited.params)
            elif isinstance(base, Terminal) and base.is_object:
                continue
            elif isinstance(base, PyClass) and base.own("__init__") is None and not base.bases_have_fields():
                continue
            else:
                return Unresolved(f"the dataclass `{self.name}` has a base trainer-lint cannot read")
        for stmt in self.node.body:
            if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                continue
            annotation = stmt.annotation
            text = _text(annotation)
            if "ClassVar" in text:
                continue
            required = stmt.value is None
            if isinstance(stmt.value, ast.Call) and _text(stmt.value.func).endswith("field"):
                keywords = {k.arg: k.value for k in stmt.value.keywords}
                init = keywords.get("init")
                if isinstance(init, ast.Constant) and init.value is False:
                    continue
                required = "default" not in keywords and "default_factory" not in keywords
            name = stmt.target.id
            params[name] = Param(name, None, required, self.name, self.resolver.lazy_annotation(self.module, annotation))
        return Signature(params)

    def bases_have_fields(self) -> bool:
        return any(isinstance(s, ast.AnnAssign) for s in self.node.body)


def signature_of(cls: Any) -> Signature | Unresolved:
    if isinstance(cls, (PyClass, LightningClass)):
        return cls.signature()
    if isinstance(cls, Terminal) and cls.is_object:
        return Signature()
    if isinstance(cls, Unresolved):
        return cls
    return Unresolved(f"`{getattr(cls, 'path', cls)}` is not read by trainer-lint")


def subclass_of(cls: Any, test: Any, depth: int = 0, seen: set[int] | None = None) -> bool | None:
    if isinstance(cls, PyClass):
        return cls.subclass_of(test, depth, seen)
    if isinstance(cls, (LightningClass, Terminal)):
        return bool(test(cls))
    return None


def as_class(target: Any, text: str = "") -> Any:
    """A resolved name as a class, or :class:`Unresolved` saying what it is instead."""
    if isinstance(target, (PyClass, LightningClass, Terminal, Unresolved)):
        return target
    if isinstance(target, ModuleRef):
        return Unresolved(f"`{text or target.name}` is a module, not a class")
    if isinstance(target, FunctionRef):
        return Unresolved(f"`{text or target.path}` is a function (a factory), not a class")
    return Unresolved(f"`{text}` cannot be read")


def _qualified(target: Any) -> str | None:
    if isinstance(target, (PyClass, LightningClass, Terminal)):
        return target.path
    if isinstance(target, FunctionRef):
        return target.path
    if isinstance(target, ModuleRef):
        return target.name
    return None


def _text(node: ast.AST) -> str:
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
            return f"builtins.{node.id}" if node.id in _BUILTIN_NAMES and not module.bindings.get(node.id) else None
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


def _binds_in(stmt: ast.stmt, name: str) -> bool:
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
    return False


def _mro(cls: PyClass, depth: int) -> list[Any] | Unresolved:
    if depth > MAX_DEPTH:
        return Unresolved(f"`{cls.name}` has too deep a class hierarchy")
    sequences: list[list[Any]] = []
    for base in cls.bases():
        if isinstance(base, Unresolved):
            return Unresolved(f"a base of `{cls.name}` cannot be read: {base.reason}")
        if isinstance(base, PyClass):
            inner = base.mro() if depth == 0 else _mro(base, depth + 1)
            if isinstance(inner, Unresolved):
                return inner
            sequences.append(list(inner))
        elif isinstance(base, Terminal) and base.is_object:
            sequences.append([base] if base.path != "builtins.object" else [])
        else:
            sequences.append([base])
    sequences.append([b for b in cls.bases() if not (isinstance(b, Terminal) and b.path == "builtins.object")])
    result: list[Any] = [cls]
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return result
        for seq in sequences:
            head = seq[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:
            return Unresolved(f"the bases of `{cls.name}` have no consistent order")
        result.append(head)
        for seq in sequences:
            if seq and seq[0] is head:
                del seq[0]


def _forwards_through_super(cls: PyClass) -> bool:
    init = cls.own("__init__")
    if not isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef)) or init.args.kwarg is None:
        return False
    name = init.args.kwarg.arg
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and _is_super_call(node) and any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == name for k in node.keywords):
            return True
    return False


def _is_super_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"


# ------------------------------------------------------------------------ functions


def function_signature(
    resolver: Resolver,
    module: ModuleSource,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    *,
    owner: PyClass | None,
    label: str,
    depth: int = 0,
) -> Signature | Unresolved:
    """The parameters of a function (a method when ``owner`` is its class: ``self`` is skipped),
    with ``**kwargs`` followed as jsonargparse follows them."""
    if depth > MAX_DEPTH:
        return Unresolved(f"`{label}` forwards **kwargs too deeply")
    for decorator in func.decorator_list:
        text = _text(decorator)
        if not text.endswith(("override", "no_type_check")):
            return Unresolved(f"`{label}.__init__` is decorated with @{text}, which may replace its signature" if owner else f"`{label}` is decorated with @{text}")
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    if owner is not None:
        if not positional:
            return Unresolved(f"`{label}.__init__` takes no `self`")
        positional = positional[1:]
    if len(args.posonlyargs) > (1 if owner is not None else 0):
        return Unresolved(f"`{label}` has positional-only parameters")
    params: dict[str, Param] = {}
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    # an untyped parameter without a default is not required: LightningCLI adds class arguments
    # with `fail_untyped=False`, which gives it the default None
    for arg, default in zip(positional, defaults):
        params[arg.arg] = Param(arg.arg, None, default is None and arg.annotation is not None, label, resolver.lazy_annotation(module, arg.annotation), _is_none(default))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params[arg.arg] = Param(arg.arg, None, default is None and arg.annotation is not None, label, resolver.lazy_annotation(module, arg.annotation), _is_none(default))
    signature = Signature(params)
    if args.kwarg is not None:
        _follow_kwargs(resolver, module, func, owner, label, signature, depth)
    return signature


def _follow_kwargs(
    resolver: Resolver,
    module: ModuleSource,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: PyClass | None,
    label: str,
    signature: Signature,
    depth: int,
) -> None:
    """Add what ``**kwargs`` reaches to ``signature`` (or mark it open)."""
    assert func.args.kwarg is not None
    name = func.args.kwarg.arg
    self_name = (func.args.posonlyargs + func.args.args)[0].arg if owner is not None and (func.args.posonlyargs + func.args.args) else None
    uses = _kwargs_uses(func, name)
    removed: set[str] = set()
    popped: set[str] = set()
    found: list[dict[str, Param]] = []
    for use, node in uses:
        if use == "pop":
            assert isinstance(node, ast.Call)
            key = node.args[0].value  # type: ignore[attr-defined]
            popped.add(key)
            found.append({key: Param(key, ANY, False, label)})
            continue
        if use != "call":
            signature.open = True
            signature.open_reason = f"`{label}` uses **{name} in a way trainer-lint does not follow"
            continue
        assert isinstance(node, ast.Call)
        target = _call_target(resolver, module, node, owner, self_name)
        if isinstance(target, Unresolved):
            signature.open = True
            signature.open_reason = f"`{label}` forwards **{name} to something trainer-lint cannot read ({target.reason})"
            continue
        inner, skip_first = target
        if isinstance(inner, Unresolved):
            signature.open = True
            signature.open_reason = f"`{label}` forwards **{name} to something trainer-lint cannot read ({inner.reason})"
            continue
        if inner.open:
            signature.open = True
            signature.open_reason = inner.open_reason
        names = list(inner.params)
        given_positions = len([a for a in node.args if not isinstance(a, ast.Starred)])
        given_names = {k.arg for k in node.keywords if k.arg}
        kept = {}
        for index, param_name in enumerate(names):
            if index < given_positions or param_name in given_names:
                removed.add(param_name)
                continue
            kept[param_name] = inner.params[param_name]
        found.append(kept)
    merged: dict[str, Param] = {}
    for part in found:
        for key, param in part.items():
            if key in merged:  # reached twice: jsonargparse makes a union of the types; accept any value
                merged[key] = Param(key, ANY, merged[key].required and param.required, merged[key].owner)
            else:
                merged[key] = param
    if len(found) > 1:  # a name some calls take and others do not: jsonargparse's defaults are conditional
        counts: dict[str, int] = {}
        for part in found:
            for key in part:
                counts[key] = counts.get(key, 0) + 1
        for key, param in list(merged.items()):
            if counts[key] < len(found):
                merged[key] = param.with_required(False)
    for key, param in merged.items():
        if key in removed and key not in popped:
            continue
        signature.params.setdefault(key, param)


def _kwargs_uses(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[tuple[str, ast.AST]]:
    """How ``name`` (the ``**kwargs`` parameter) is used in the body: ``("call", Call)`` for
    ``f(**name)``, ``("pop", Call)`` for ``name.pop("k", d)``/``name.get("k", d)``, ``("other", node)``."""
    uses: list[tuple[str, ast.AST]] = []
    handled: set[int] = set()
    for node in ast.walk(func):
        if node is func:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            for inner in ast.walk(node):  # a closure that captures kwargs: not followed
                if isinstance(inner, ast.Name) and inner.id == name:
                    uses.append(("other", inner))
                    handled.add(id(inner))
            continue
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == name:
                    uses.append(("call", node))
                    handled.add(id(keyword.value))
            func_node = node.func
            if (
                isinstance(func_node, ast.Attribute)
                and isinstance(func_node.value, ast.Name)
                and func_node.value.id == name
                and func_node.attr in ("pop", "get")
                and len(node.args) == 2
                and not node.keywords
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                uses.append(("pop", node))
                handled.add(id(func_node.value))
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == name and id(node) not in handled and not isinstance(node.ctx, ast.Store):
            if any(u is node for _, u in uses):
                continue
            uses.append(("other", node))
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            uses.append(("other", node))
    return uses


def _call_target(
    resolver: Resolver, module: ModuleSource, node: ast.Call, owner: PyClass | None, self_name: str | None
) -> tuple[Signature | Unresolved, bool] | Unresolved:
    """The signature of what a call that forwards ``**kwargs`` calls."""
    func = node.func
    if _is_super_call(node) and owner is not None:
        assert isinstance(func, ast.Attribute)
        if func.attr != "__init__":
            return Unresolved(f"**kwargs go to `super().{func.attr}`")
        super_args = func.value.args  # type: ignore[attr-defined]
        start = None
        if super_args:
            if len(super_args) != 2 or not isinstance(super_args[0], ast.Name):
                return Unresolved("super() is called with unusual arguments")
            start_target = resolver.expr(module, super_args[0])
            if start_target is not owner:
                order = owner.mro()
                if isinstance(order, Unresolved):
                    return order
                start = next((c for c in order if c is start_target), None)
                if start is None:
                    return Unresolved(f"super({_text(super_args[0])}, ...) names a class trainer-lint cannot place")
        provider = owner.next_with_init(0, start)
        if isinstance(provider, Unresolved):
            return provider
        return signature_of(provider), False
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self_name and owner is not None:
        order = owner.mro()
        if isinstance(order, Unresolved):
            return order
        for cls in order:
            if isinstance(cls, PyClass):
                method = cls.own(func.attr)
                if isinstance(method, Unresolved):
                    return method
                if method is not None:
                    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod", "property") for d in method.decorator_list):
                        return Unresolved(f"**kwargs go to `{func.attr}`, a static or class method")
                    return function_signature(resolver, cls.module, method, owner=cls, label=f"{cls.name}.{func.attr}"), True
            else:
                break
        return Unresolved(f"**kwargs go to `self.{func.attr}`, which trainer-lint cannot find")
    if isinstance(func, (ast.Name, ast.Attribute)):
        target = resolver.expr(module, func)
        if isinstance(target, (PyClass, LightningClass)):
            return target.signature(), False
        if isinstance(target, FunctionRef):
            return function_signature(resolver, target.module, target.node, owner=None, label=target.path.rpartition(".")[2]), False
        if isinstance(target, Unresolved):
            return target
        return Unresolved(f"**kwargs go to `{_text(func)}`")
    return Unresolved(f"**kwargs go to `{_text(func)}`")


# ------------------------------------------------------------------------- resolver


class Resolver:
    """Names to classes across the modules under a :class:`~trainer_lint.resolver.finder.Finder`'s roots."""

    def __init__(self, finder: Finder, project_roots: tuple[str, ...] = ()) -> None:
        self.finder = finder
        self.project_roots = tuple(os.path.join(os.path.normpath(r), "") for r in project_roots)
        """Folders of the project's own code (source roots, the script's folder); the rest of the
        finder's roots hold installed packages."""
        self._modules: dict[str, ModuleSource | Unresolved] = {}
        self._classes: dict[int, PyClass] = {}
        self._lookups: dict[str, Any] = {}

    # ------------------------------------------------------------------------ modules

    def module(self, name: str) -> ModuleSource | Unresolved:
        """The parsed module ``name``, or why it cannot be read."""
        hit = self._modules.get(name)
        if hit is not None:
            return hit
        location = self.finder.find(name)
        result = self._read(name, location)
        self._modules[name] = result
        return result

    def _read(self, name: str, location: Location | None) -> ModuleSource | Unresolved:
        if location is None:
            return Unresolved(f"no module `{name}` was found in the source roots or the import path")
        if location.compiled:
            return Unresolved(f"`{name}` is a compiled extension module")
        if location.path is None:
            return ModuleSource(name, "", True, tree=ast.Module(body=[], type_ignores=[]))  # a namespace package
        source = read(location.path, name, location.is_package)
        if source.error:
            return Unresolved(f"`{location.path}` {source.error}")
        return source

    def is_external(self, dotted: str) -> bool:
        """Whether ``dotted`` lives outside the project: the standard library, Lightning, or an
        installed package (found on the import path, not under a source root)."""
        top = dotted.partition(".")[0]
        if top == "builtins" or is_stdlib(top) or top in LIGHTNING_PACKAGES:
            return True
        location = self.finder.find(top)
        if location is None:
            return False  # unknown: may be the project's, unread
        places = (location.path,) if location.path else location.package_dirs
        installed = ("site-packages", "dist-packages")  # a virtualenv inside the project is not its code
        return bool(places) and not any(
            p and p.startswith(self.project_roots) and not any(part in installed for part in p.split(os.sep)) for p in places
        )

    # ------------------------------------------------------------------------ lookups

    def lookup(self, dotted: str) -> Any:
        """What ``dotted`` (``module.Name``) names, as LightningCLI's import would find it."""
        hit = self._lookups.get(dotted)
        if hit is not None:
            return hit
        result = self._lookup(dotted)
        self._lookups[dotted] = result
        return result

    def _lookup(self, dotted: str) -> Any:
        lightning = self.lightning(dotted)
        if lightning is not None:
            return lightning
        module_name, _, name = dotted.rpartition(".")
        if not module_name:
            return Unresolved(f"`{dotted}` is not a dotted path")
        if module_name.partition(".")[0] in LIGHTNING_PACKAGES:
            return Unresolved(f"`{dotted}` is not one of the Lightning classes trainer-lint knows")
        if is_stdlib(module_name):
            return Terminal(dotted)
        module = self.module(module_name)
        if isinstance(module, Unresolved):
            return module
        return self.name(module, name)

    def lightning(self, dotted: str) -> LightningClass | None:
        from trainer_lint import classes

        found = classes.resolve(dotted)
        return LightningClass(found) if found is not None else None

    def name(self, module: ModuleSource, name: str, depth: int = 0) -> Any:
        """What ``name`` is at the top level of ``module``."""
        if depth > MAX_DEPTH:
            return Unresolved(f"`{module.name}.{name}` goes through too many imports")
        lightning = self.lightning(f"{module.name}.{name}")
        if lightning is not None:
            return lightning
        binding = module.binding(name)
        if binding is None:
            if module.is_ambiguous(name):
                return Unresolved(f"`{module.name}.{name}` is bound more than once")
            return self._unbound(module, name, depth)
        if binding.kind == "class":
            return self.pyclass(module, binding.node)  # type: ignore[arg-type]
        if binding.kind == "function":
            return FunctionRef(f"{module.name}.{name}", module, binding.node)  # type: ignore[arg-type]
        if binding.kind == "module":
            return ModuleRef(binding.target or name)
        if binding.kind == "from":
            return self.attribute(binding.target or "", binding.attr or name, depth + 1)
        if binding.kind == "alias":
            return self.expr(module, binding.node, depth + 1)  # type: ignore[arg-type]
        return Unresolved(f"`{module.name}.{name}` is assigned at run time")

    def _unbound(self, module: ModuleSource, name: str, depth: int) -> Any:
        found: list[Any] = []
        for star in module.stars:
            inner = self.module(star.module)
            if isinstance(inner, Unresolved):
                return Unresolved(f"`{module.name}` imports * from a module trainer-lint cannot read ({inner.reason})")
            exported = _all_names(inner)
            if exported is not None and name not in exported:
                continue
            if name.startswith("_") and exported is None:
                continue
            target = self.name(inner, name, depth + 1)
            if not (isinstance(target, Unresolved) and target.missing):
                found.append(target)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return found[-1]
        if module.is_package and self.finder.find(f"{module.name}.{name}") is not None:
            return ModuleRef(f"{module.name}.{name}")
        if name in _BUILTIN_NAMES:
            return Terminal(f"builtins.{name}")
        if module.dynamic_getattr:
            return Unresolved(f"`{module.name}` computes its attributes at run time (__getattr__)")
        return Unresolved(f"`{module.name}` has no `{name}`", missing=True)

    def attribute(self, module_name: str, name: str, depth: int = 0) -> Any:
        """``from module_name import name``: an attribute of the module, else its submodule."""
        lightning = self.lightning(f"{module_name}.{name}")
        if lightning is not None:
            return lightning
        if module_name.partition(".")[0] in LIGHTNING_PACKAGES:
            if self.finder.find(f"{module_name}.{name}") is not None:
                return ModuleRef(f"{module_name}.{name}")
            return Unresolved(f"`{module_name}.{name}` is not one of the Lightning classes trainer-lint knows")
        if is_stdlib(module_name):
            return Terminal(f"{module_name}.{name}")
        if self.finder.find(f"{module_name}.{name}") is not None:
            # a submodule: what `from package import sub` almost always binds (and the package's
            # __init__, often large, need not be read to know it)
            return ModuleRef(f"{module_name}.{name}")
        module = self.module(module_name)
        if isinstance(module, Unresolved):
            return module
        found = self.name(module, name, depth)
        if isinstance(found, Unresolved) and found.missing and self.finder.find(f"{module_name}.{name}") is not None:
            return ModuleRef(f"{module_name}.{name}")
        return found

    def expr(self, module: ModuleSource, node: ast.expr, depth: int = 0) -> Any:
        """What a ``Name`` or ``a.b.C`` expression in ``module`` refers to."""
        if depth > MAX_DEPTH:
            return Unresolved("too many indirections")
        if isinstance(node, ast.Name):
            binding = module.annotation_binding(node.id)
            if binding is None and not module.bindings.get(node.id) and node.id in _BUILTIN_NAMES:
                return Terminal(f"builtins.{node.id}")
            if binding is not None and binding.type_checking:
                return self._binding(module, node.id, binding, depth)
            return self.name(module, node.id, depth + 1)
        if isinstance(node, ast.Attribute):
            base = self.expr(module, node.value, depth + 1)
            if isinstance(base, ModuleRef):
                return self.attribute(base.name, node.attr, depth + 1)
            if isinstance(base, Unresolved):
                return base
            if isinstance(base, Terminal):
                return Terminal(f"{base.path}.{node.attr}")
            return Unresolved(f"`{_text(node)}` is an attribute of a class or value")
        return Unresolved(f"`{_text(node)}` is computed at run time")

    def _binding(self, module: ModuleSource, name: str, binding: Any, depth: int) -> Any:
        if binding.kind == "from":
            return self.attribute(binding.target or "", binding.attr or name, depth + 1)
        if binding.kind == "module":
            return ModuleRef(binding.target or name)
        return self.name(module, name, depth + 1)

    def pyclass(self, module: ModuleSource, node: ast.ClassDef) -> PyClass:
        hit = self._classes.get(id(node))
        if hit is None or hit.node is not node:
            hit = self._classes[id(node)] = PyClass(self, module, node)
        return hit

    # --------------------------------------------------------------------- annotations

    def annotation(self, module: ModuleSource, node: ast.expr | None) -> Type:
        """The :class:`Type` of an annotation written in ``module``; classes are looked up lazily."""
        if node is None:
            return ANY
        return hints.read(node, lambda expr: self._named(module, expr))

    def lazy_annotation(self, module: ModuleSource, node: ast.expr | None) -> Any:
        return lambda: self.annotation(module, node)

    def _named(self, module: ModuleSource, expr: ast.expr) -> hints.Named | None:
        target = self.expr(module, expr)
        if isinstance(target, Terminal):
            return hints.Named(target.path)
        if isinstance(target, PyClass):
            return hints.Named(target.path, target, target.kind_for_annotation())
        if isinstance(target, LightningClass):
            return hints.Named(target.path, target, "class")
        return None


def _all_names(module: ModuleSource) -> set[str] | None:
    """``__all__`` of a module when it is a literal list or tuple of strings."""
    binding = module.binding("__all__")
    if binding is None or binding.kind not in ("value", "alias") or binding.node is None:
        return None
    try:
        value = ast.literal_eval(binding.node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return set(value)
    return None


_BUILTIN_NAMES = frozenset(
    {"object", "int", "float", "bool", "str", "bytes", "list", "dict", "set", "frozenset", "tuple", "type",
     "Exception", "BaseException", "ValueError", "TypeError", "RuntimeError", "complex", "range", "property"}
)


def _is_none(default: Any) -> bool:
    """Whether an AST default is the literal ``None``."""
    return isinstance(default, ast.Constant) and default.value is None
