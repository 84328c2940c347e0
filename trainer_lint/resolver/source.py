"""A Python module read with :mod:`ast`, never run: what its top level binds and imports.

:func:`read` parses a file once per process and keeps the result while the file's modification
time and size stay the same (a language server re-lints without re-reading unchanged files).

What a module binds is what its top-level statements bind, including those inside ``if``,
``try`` and ``with`` blocks (such bindings are marked *uncertain*): classes, functions, imports
(``import a.b``, ``from .m import X as Y``, ``from m import *``) and assignments. A name bound
more than once is ambiguous to a static reader; callers treat it as not resolvable.
"""

from __future__ import annotations

import ast
import os
from typing import Any


class Binding:
    """One top-level statement that binds a name.

    ``kind`` is ``class``, ``function``, ``module`` (``import a.b as x``: ``target`` is ``a.b``),
    ``from`` (``from m import X``: ``target`` is ``m``, ``attr`` is ``X``), ``alias`` (``X = a.b.C``:
    ``node`` is the expression) or ``value`` (any other assignment). ``certain`` is False inside
    ``if``/``try``/``with`` blocks; ``type_checking`` is True under ``if TYPE_CHECKING:`` (never
    bound at run time, but names annotations use).

    (Plain classes, not dataclasses, in this package: they are built on ``check``'s path, where a
    dataclass costs about a millisecond each to define.)
    """

    __slots__ = ("kind", "node", "target", "attr", "certain", "type_checking")

    def __init__(
        self,
        kind: str,
        node: ast.AST | None = None,
        target: str | None = None,
        attr: str | None = None,
        *,
        certain: bool = True,
        type_checking: bool = False,
    ) -> None:
        self.kind = kind
        self.node = node
        self.target = target
        self.attr = attr
        self.certain = certain
        self.type_checking = type_checking

    def __repr__(self) -> str:
        return f"Binding({self.kind}, {self.target!r}, {self.attr!r})"


class Import:
    """A module an ``import`` statement loads; ``certain`` when the statement is at module level,
    outside ``if``/``try``/``with`` and functions (it runs whenever the module is loaded)."""

    __slots__ = ("module", "certain", "line")

    def __init__(self, module: str, certain: bool, line: int = 0) -> None:
        self.module = module
        self.certain = certain
        self.line = line

    def __repr__(self) -> str:
        return f"Import({self.module!r}, certain={self.certain})"


class ModuleSource:
    """A parsed module: ``error`` says why the file could not be read (``tree`` is then None);
    ``stars`` are its ``from m import *`` statements; ``imports`` every module an import statement
    anywhere in the file loads (also inside functions); ``dynamic_getattr`` is set when it defines
    ``__getattr__`` (names it does not bind may still exist) and ``dynamic_imports`` when it calls
    ``importlib.import_module``/``__import__`` (it may load modules no statement names)."""

    def __init__(self, name: str, path: str, is_package: bool, tree: ast.Module | None = None, error: str | None = None) -> None:
        self.name = name
        self.path = path
        self.is_package = is_package
        self.tree = tree
        self.error = error
        self.bindings: dict[str, list[Binding]] = {}
        self.stars: list[Import] = []
        self.dynamic_getattr = False
        self._imports: list[Import] | None = None
        self._dynamic_imports = False
        self.names_loader = False
        """Whether the file's text names a module-loading call (see :data:`_DYNAMIC_LOADERS`)."""

    @property
    def imports(self) -> list[Import]:
        """Every module an import statement anywhere in the file loads (scanned on first use: only
        the CLI script's import closure needs it)."""
        if self._imports is None:
            self._imports = []
            if self.tree is not None:
                _ImportScanner(self).visit(self.tree)
        return self._imports

    @property
    def dynamic_imports(self) -> bool:
        self.imports  # noqa: B018 - the scan sets it
        return self._dynamic_imports

    def binding(self, name: str) -> Binding | None:
        """The one binding of ``name`` at run time, or None when it is unbound or bound more than once."""
        found = [b for b in self.bindings.get(name, ()) if not b.type_checking]
        if len(found) == 1:
            return found[0]
        return None

    def annotation_binding(self, name: str) -> Binding | None:
        """Like :meth:`binding`, counting ``if TYPE_CHECKING:`` imports (annotations may use them)."""
        found = self.bindings.get(name, [])
        if len(found) == 1:
            return found[0]
        runtime = [b for b in found if not b.type_checking]
        return runtime[0] if len(runtime) == 1 else None

    def is_ambiguous(self, name: str) -> bool:
        return len([b for b in self.bindings.get(name, ()) if not b.type_checking]) > 1

    def resolve_relative(self, module: str | None, level: int) -> str | None:
        """The absolute name of ``from <dots><module> import ...`` in this module."""
        if level == 0:
            return module
        parts = self.name.split(".")
        if not self.is_package:
            parts = parts[:-1]
        if level - 1 > len(parts) or (level - 1 == len(parts) and not module):
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, module] if module else base) or None


class FileCache:
    """Values computed from files, each kept while its file's modification time and size stay the
    same (a language server re-lints without re-reading unchanged files)."""

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[int, int, Any]] = {}

    def get(self, path: str, key: Any = None) -> tuple[os.stat_result | None, Any]:
        """(the file's stat, the cached value or None when absent or stale); stat None: unreadable."""
        try:
            stat = os.stat(path)
        except OSError:
            return None, None
        hit = self._entries.get((path, key))
        if hit is not None and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
            return stat, hit[2]
        return stat, None

    def put(self, path: str, stat: os.stat_result, value: Any, key: Any = None) -> None:
        self._entries[(path, key)] = (stat.st_mtime_ns, stat.st_size, value)

    def current(self, path: str, key: Any = None) -> bool:
        """Whether the value cached for ``path`` still matches the file."""
        if (path, key) not in self._entries:
            return False
        return self.get(path, key)[1] is not None


_PARSED = FileCache()


def read(path: str, name: str, is_package: bool) -> ModuleSource:
    """The module at ``path`` named ``name``, parsed once while its mtime and size stay the same."""
    stat, hit = _PARSED.get(path, name)
    if stat is None:
        return ModuleSource(name, path, is_package, error="cannot be read")
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    source = _parse(path, name, is_package)
    _PARSED.put(path, stat, source, name)
    return source


def current(path: str, name: str | None = None) -> bool:
    """Whether the cached parse of ``path`` (as module ``name``) still matches the file."""
    if name is not None:
        return _PARSED.current(path, name)
    return any(_PARSED.current(p, k) for p, k in list(_PARSED._entries) if p == path)


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _parse(path: str, name: str, is_package: bool) -> ModuleSource:
    data = read_bytes(path)
    if data is None:
        return ModuleSource(name, path, is_package, error="cannot be read")
    try:
        tree = _parse_tree(data, path)
    except (SyntaxError, ValueError) as error:
        return ModuleSource(name, path, is_package, error=f"is not valid Python ({error.__class__.__name__}: {error})")
    except (RecursionError, MemoryError):
        return ModuleSource(name, path, is_package, error="is too deeply nested to read")
    module = ModuleSource(name, path, is_package, tree=tree)
    module.names_loader = any(loader.encode() in data for loader in _DYNAMIC_LOADERS)
    _Collector(module).statements(tree.body, certain=True, type_checking=False)
    return module


def _parse_tree(data: bytes, path: str) -> ast.Module:
    """``ast.parse`` with the cyclic garbage collector paused and the new tree moved out of its
    reach. A syntax tree holds no reference cycles, but it is hundreds of thousands of objects:
    left to the collector, every later collection walks all the trees the cache keeps, which
    cost two thirds of the time of a CLI script's import closure on a 240-module project."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        tree = ast.parse(data, path)
    finally:
        if enabled:
            # The cached trees live as long as their files do not change: move them (and what else
            # lives now) out of the collector's reach. Young cyclic garbage is collected first so
            # that a long-running process (the language server) does not freeze it.
            gc.collect(1)
            gc.freeze()
            gc.enable()
    return tree


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


class _Collector:
    """Records what the top-level statements of a module bind."""

    def __init__(self, module: ModuleSource) -> None:
        self.module = module

    def bind(self, name: str, binding: Binding) -> None:
        self.module.bindings.setdefault(name, []).append(binding)

    def statements(self, body: list[ast.stmt], *, certain: bool, type_checking: bool) -> None:
        for node in body:
            self.statement(node, certain=certain, type_checking=type_checking)

    def statement(self, node: ast.stmt, *, certain: bool, type_checking: bool) -> None:
        module = self.module
        if isinstance(node, ast.ClassDef):
            self.bind(node.name, Binding("class", node, certain=certain, type_checking=type_checking))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.bind(node.name, Binding("function", node, certain=certain, type_checking=type_checking))
            if node.name == "__getattr__":
                module.dynamic_getattr = True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.bind(alias.asname, Binding("module", node, alias.name, certain=certain, type_checking=type_checking))
                else:
                    top = alias.name.partition(".")[0]
                    self.bind(top, Binding("module", node, top, certain=certain, type_checking=type_checking))
        elif isinstance(node, ast.ImportFrom):
            target = module.resolve_relative(node.module, node.level)
            for alias in node.names:
                if target is None:
                    continue
                if alias.name == "*":
                    if not type_checking:
                        module.stars.append(Import(target, certain, node.lineno))
                    continue
                self.bind(alias.asname or alias.name, Binding("from", node, target, alias.name, certain=certain, type_checking=type_checking))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(node, ast.AnnAssign) and value is None:
                return
            for target in targets:
                for name in _names(target):
                    simple = isinstance(target, ast.Name) and isinstance(value, (ast.Name, ast.Attribute)) and not isinstance(node, ast.AugAssign)
                    self.bind(name, Binding("alias" if simple else "value", value, certain=certain, type_checking=type_checking))
        elif isinstance(node, ast.If):
            if _is_type_checking(node.test):
                self.statements(node.body, certain=False, type_checking=True)
                self.statements(node.orelse, certain=False, type_checking=type_checking)
            else:
                self.statements(node.body, certain=False, type_checking=type_checking)
                self.statements(node.orelse, certain=False, type_checking=type_checking)
        elif isinstance(node, ast.Try) or (hasattr(ast, "TryStar") and isinstance(node, getattr(ast, "TryStar"))):
            self.statements(node.body, certain=False, type_checking=type_checking)
            for handler in node.handlers:  # type: ignore[attr-defined]
                self.statements(handler.body, certain=False, type_checking=type_checking)
            self.statements(node.orelse, certain=False, type_checking=type_checking)  # type: ignore[attr-defined]
            self.statements(node.finalbody, certain=False, type_checking=type_checking)  # type: ignore[attr-defined]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.statements(node.body, certain=False, type_checking=type_checking)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            for name in _names(node.target) if isinstance(node, (ast.For, ast.AsyncFor)) else ():
                self.bind(name, Binding("value", None, certain=False, type_checking=type_checking))
            self.statements(node.body, certain=False, type_checking=type_checking)
            self.statements(node.orelse, certain=False, type_checking=type_checking)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                for name in _names(target):
                    self.bind(name, Binding("value", None, certain=False, type_checking=type_checking))
        elif hasattr(ast, "Match") and isinstance(node, getattr(ast, "Match")):
            for case in node.cases:  # type: ignore[attr-defined]
                self.statements(case.body, certain=False, type_checking=type_checking)


def _names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


_DYNAMIC_LOADERS = ("import_module", "__import__", "load_module", "exec_module", "run_module", "run_path")
"""Calls that load modules no import statement names."""


class _ImportScanner:
    """Every module an import statement loads, and whether the load is certain.

    Import statements are statements, so only statement bodies are walked (expressions are not:
    on a large project that halves the cost of a CLI script's import closure); the calls of
    :data:`_DYNAMIC_LOADERS` are looked for only in files whose text names one of them.
    """

    def __init__(self, module: ModuleSource) -> None:
        self.module = module
        self.depth = 0  # inside a function, class, if, try or with when > 0
        self.type_checking = 0

    def visit(self, tree: ast.Module) -> None:
        self.body(tree.body)
        if self.module.names_loader:
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
                    if name in _DYNAMIC_LOADERS:
                        self.module._dynamic_imports = True
                        return

    def body(self, statements: list[ast.stmt]) -> None:
        for node in statements:
            self.statement(node)

    def nested(self, *bodies: list[Any]) -> None:
        self.depth += 1
        for body in bodies:
            self.body(body)
        self.depth -= 1

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = self.module.resolve_relative(node.module, node.level)
            if base is None:
                return
            self._add(base, node.lineno)
            for alias in node.names:
                if alias.name != "*":
                    self._add(f"{base}.{alias.name}?", node.lineno)  # a submodule, if there is one
        elif isinstance(node, ast.If):
            main = isinstance(node.test, ast.Compare) and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__"
            if _is_type_checking(node.test):
                self.type_checking += 1
                self.body(node.body)
                self.type_checking -= 1
                self.nested(node.orelse)
            elif main and self.depth == 0:  # `if __name__ == "__main__":` runs when the file is the script
                self.body(node.body)
                self.body(node.orelse)
            else:
                self.nested(node.body, node.orelse)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)):
            self.nested(node.body)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.nested(node.body, node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.nested(node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody)  # type: ignore[attr-defined]
        elif type(node).__name__ == "Match":
            self.nested(*(case.body for case in node.cases))  # type: ignore[attr-defined]

    def _add(self, name: str | None, line: int) -> None:
        if name and not self.type_checking:
            self.module._imports.append(Import(name, self.depth == 0, line))  # type: ignore[union-attr]
