"""Classes read from source with :mod:`ast`: bases, MRO, and the ``__init__`` parameters.

A :class:`PyClass` is one class statement found by the
:class:`~trainer_lint.resolver.names.Resolver` (which never imports or runs anything). Lightning's
own classes are never read from Lightning's source: they come from the committed snapshot
(:mod:`trainer_lint.classes`), which also holds ``LightningModule`` and ``LightningDataModule``. A
user class that forwards ``**kwargs`` to a Lightning base takes the base's parameters from there.

The parameters of a class are the ones jsonargparse (which LightningCLI uses) finds: the
``__init__`` signature, and where ``__init__`` takes ``**kwargs``, what they reach
(:mod:`~trainer_lint.resolver.kwargs`). A class that cannot be read exactly (a factory, a
decorator that may replace ``__init__``, a metaclass, ``__new__``, a base that cannot be found or
is compiled) is :class:`Unresolved`, with the reason in words.

The rest of the picture lives beside it: :mod:`~trainer_lint.resolver.names` (the
:class:`Resolver`: names to classes across modules), :mod:`~trainer_lint.resolver.refs` (what a
lookup gives back) and :mod:`~trainer_lint.resolver.signature` (:class:`Signature`,
:class:`Param`). Their public names stay importable from here.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from trainer_lint.resolver.kwargs import forwards_through_super, function_signature
from trainer_lint.resolver.refs import (
    LIGHTNING_PACKAGES,
    MAX_DEPTH,
    FunctionRef,
    LightningClass,
    ModuleRef,
    Terminal,
    Unresolved,
    qualified_name,
    unparse,
)
from trainer_lint.resolver.signature import Param, Signature, type_from_schema
from trainer_lint.resolver.source import ModuleSource

if TYPE_CHECKING:
    from trainer_lint.resolver.names import Resolver

__all__ = [
    "LIGHTNING_PACKAGES", "MAX_DEPTH", "ClassLike", "FunctionRef", "LightningClass", "ModuleRef", "Param", "PyClass",
    "Resolver", "Signature", "Terminal", "Unresolved", "as_class", "function_signature", "qualified_name", "signature_of",
    "subclass_of", "type_from_schema",
]


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
                self._bases.append(as_class(target, unparse(expr)))
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
        overloads = [f for f in functions if any(unparse(d).endswith("overload") for d in f.decorator_list)]
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
            if isinstance(provider, PyClass) and len(self.node.bases) > 1 and forwards_through_super(provider):
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
            text = unparse(annotation)
            if "ClassVar" in text:
                continue
            required = stmt.value is None
            if isinstance(stmt.value, ast.Call) and unparse(stmt.value.func).endswith("field"):
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



def __getattr__(name: str) -> Any:
    """``Resolver`` stays importable from here (it lives in :mod:`~trainer_lint.resolver.names`,
    which imports this module)."""
    if name == "Resolver":
        from trainer_lint.resolver.names import Resolver

        return Resolver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
