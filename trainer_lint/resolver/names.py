"""Names to classes across modules: the :class:`Resolver`.

It answers "what is ``pkg.models.Net``?" by finding ``pkg/models.py`` on the file system
(:mod:`~trainer_lint.resolver.finder`), parsing it (:mod:`~trainer_lint.resolver.source`) and
following what its top level binds: a class statement, ``from .layers import Net``, ``Net =
other.Net``, ``from .all import *``. Nothing is imported or run. Lightning's own classes are
never read from Lightning's source: they come from the committed snapshot.
"""

from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING, Any

from trainer_lint.resolver import hints
from trainer_lint.resolver.classes import PyClass
from trainer_lint.resolver.finder import Finder, Location, is_stdlib
from trainer_lint.resolver.hints import ANY, Type
from trainer_lint.resolver.refs import (
    BUILTIN_NAMES,
    LIGHTNING_PACKAGES,
    MAX_DEPTH,
    FunctionRef,
    LightningClass,
    ModuleRef,
    Terminal,
    Unresolved,
    unparse,
)
from trainer_lint.resolver.source import ModuleSource, read

if TYPE_CHECKING:
    from trainer_lint.classes import ClassIndex
    from trainer_lint.lightning.releases import Release


class Resolver:
    """Names to classes across the modules under a :class:`~trainer_lint.resolver.finder.Finder`'s roots."""

    def __init__(self, finder: Finder, project_roots: tuple[str, ...] = (), release: Release | None = None) -> None:
        self.finder = finder
        self.project_roots = tuple(os.path.join(os.path.normpath(r), "") for r in project_roots)
        """Folders of the project's own code (source roots, the script's folder); the rest of the
        finder's roots hold installed packages."""
        if release is None:
            from trainer_lint.lightning.releases import newest

            release = newest()
        self.release = release
        """The Lightning release whose classes a name of Lightning's means (the config's:
        ``ctx.lightning``); a class only another release has is unresolved, saying which."""
        self.classes: ClassIndex = release.classes
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
            return self._not_lightning(dotted)
        if is_stdlib(module_name):
            return Terminal(dotted)
        module = self.module(module_name)
        if isinstance(module, Unresolved):
            return module
        return self.name(module, name)

    def lightning(self, dotted: str) -> LightningClass | None:
        """The class of Lightning's that ``dotted`` names in this resolver's release, if any."""
        found = self.classes.resolve(dotted)
        return LightningClass(found) if found is not None else None

    def _not_lightning(self, dotted: str) -> Unresolved:
        """Why a path into Lightning's packages names no class of this release: another release
        has it (``needs Lightning >= 2.6``), or trainer-lint does not know it."""
        elsewhere = self.release.class_elsewhere(dotted)
        if elsewhere is not None:
            return Unresolved(f"`{dotted}` {elsewhere}, and this project uses Lightning {self.release.version}")
        return Unresolved(f"`{dotted}` is not one of the Lightning classes trainer-lint knows")

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
        if name in BUILTIN_NAMES:
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
            return self._not_lightning(f"{module_name}.{name}")
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
            if binding is None and not module.bindings.get(node.id) and node.id in BUILTIN_NAMES:
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
            return Unresolved(f"`{unparse(node)}` is an attribute of a class or value")
        return Unresolved(f"`{unparse(node)}` is computed at run time")

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

