"""Find the file of a module by its dotted name, on the file system, without importing anything.

``importlib.import_module`` and ``importlib.util.find_spec("a.b")`` both run ``a/__init__.py``;
this module never does. It looks for ``a/b.py`` or ``a/b/__init__.py`` under each root folder in
order, as Python's path-based finder does:

* a regular package (a folder with ``__init__.py``) or a module file in an earlier root wins;
* folders without ``__init__.py`` are namespace packages, and their portions in every root merge;
* a compiled extension (``b.cpython-311-x86_64-linux-gnu.so``, ``b.pyd``) is found but cannot be
  read: :class:`Location` says so, and the caller reports the class as not checkable;
* editable installs made by setuptools (``__editable___<name>_finder.py`` in site-packages, whose
  ``MAPPING`` names each top-level package's folder) are read with :func:`ast.literal_eval`.

Roots are the project's source roots, the folder of the CLI script (Python puts a script's folder
first on ``sys.path``), then ``sys.path`` of the running interpreter (installed packages).
"""

from __future__ import annotations

import ast
import os
import sys
from functools import lru_cache

class Location:
    """Where a module lives: ``name`` (dotted), ``path`` (the ``.py`` file, a package's
    ``__init__.py``; None for a namespace package), ``package_dirs`` (for a package, the folders
    its submodules are searched in), ``compiled`` (the extension file of a compiled module)."""

    __slots__ = ("name", "path", "package_dirs", "compiled")

    def __init__(self, name: str, path: str | None, package_dirs: tuple[str, ...] = (), compiled: str | None = None) -> None:
        self.name = name
        self.path = path
        self.package_dirs = package_dirs
        self.compiled = compiled

    def __repr__(self) -> str:
        return f"Location({self.name}, {self.path or self.compiled or self.package_dirs})"

    @property
    def is_package(self) -> bool:
        return bool(self.package_dirs)


class Finder:
    """Finds modules under an ordered list of root folders; remembers every answer."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        seen: set[str] = set()
        ordered: list[str] = []
        for root in roots:
            normal = os.path.normpath(os.path.abspath(root)) if root else ""
            if normal and normal not in seen and os.path.isdir(normal):
                seen.add(normal)
                ordered.append(normal)
        self.roots = tuple(ordered)
        self._cache: dict[str, Location | None] = {}
        self._editable: dict[str, str] | None = None

    def find(self, name: str) -> Location | None:
        """The module ``name`` (``"a.b.c"``), or None when no root holds it."""
        try:
            return self._cache[name]
        except KeyError:
            pass
        if not name or any(not part.isidentifier() for part in name.split(".")):
            found = None
        elif "." in name:
            parent_name, _, last = name.rpartition(".")
            parent = self.find(parent_name)
            found = _find_in(name, last, parent.package_dirs) if parent is not None and parent.is_package else None
        else:
            found = self._find_top(name)
        self._cache[name] = found
        return found

    def _find_top(self, name: str) -> Location | None:
        found = _find_in(name, name, self.roots)
        if found is None or (found.path is None and found.compiled is None):
            mapped = self.editable().get(name)
            if mapped and os.path.isdir(mapped):
                init = os.path.join(mapped, "__init__.py")
                return Location(name, init if os.path.isfile(init) else None, (mapped,))
            if mapped and os.path.isfile(mapped):
                return Location(name, mapped)
        return found

    def editable(self) -> dict[str, str]:
        """Top-level package -> folder, from setuptools' editable-install finders on the roots."""
        if self._editable is None:
            mapping: dict[str, str] = {}
            for root in self.roots:
                for entry in _listdir(root):
                    if entry.startswith("__editable__") and entry.endswith("_finder.py"):
                        for key, value in _editable_mapping(os.path.join(root, entry)).items():
                            mapping.setdefault(key, value)
            self._editable = mapping
        return self._editable

    def submodules(self, location: Location) -> list[str]:
        """The dotted names of the modules and packages directly inside a package."""
        names: set[str] = set()
        for folder in location.package_dirs:
            for entry in _listdir(folder):
                full = os.path.join(folder, entry)
                if entry.endswith(".py") and entry != "__init__.py" and entry[:-3].isidentifier():
                    names.add(entry[:-3])
                elif entry.isidentifier() and os.path.isdir(full):
                    names.add(entry)
        return sorted(f"{location.name}.{n}" for n in names)


def _find_in(name: str, last: str, folders: tuple[str, ...]) -> Location | None:
    """Python's path-based search for one name component across ``folders``."""
    namespace: list[str] = []
    for folder in folders:
        entries = _entries(folder)
        if last in entries and os.path.isdir(os.path.join(folder, last)):
            package = os.path.join(folder, last)
            init = os.path.join(package, "__init__.py")
            if os.path.isfile(init):
                return Location(name, init, (package,))
            compiled = _compiled(package, "__init__")
            if compiled:
                return Location(name, None, (package,), compiled=compiled)
            if f"{last}.py" not in entries and _compiled(folder, last, entries) is None:
                namespace.append(package)  # a module file beside the folder wins over a namespace portion
                continue
        if f"{last}.py" in entries:
            return Location(name, os.path.join(folder, f"{last}.py"))
        compiled = _compiled(folder, last, entries)
        if compiled:
            return Location(name, None, compiled=compiled)
    if namespace:
        return Location(name, None, tuple(namespace))
    return None


def _compiled(folder: str, stem: str, entries: frozenset[str] | None = None) -> str | None:
    """The compiled extension module ``stem`` in ``folder`` (``stem.cpython-311-....so``, ``stem.abi3.so``,
    ``stem.so``, ``stem.pyd``), if there is one."""
    names = entries if entries is not None else _entries(folder)
    for suffix in _extension_suffixes():
        if stem + suffix in names:
            return os.path.join(folder, stem + suffix)
    return None


@lru_cache(maxsize=1)
def _extension_suffixes() -> tuple[str, ...]:
    from importlib.machinery import EXTENSION_SUFFIXES as suffixes  # a list of strings; imports nothing else

    return (*suffixes, ".so", ".pyd")


_ENTRIES: dict[str, tuple[float, frozenset[str]]] = {}


def _entries(folder: str) -> frozenset[str]:
    """The names in ``folder`` (cached per process, refreshed when the folder's mtime changes)."""
    try:
        mtime = os.stat(folder).st_mtime
    except OSError:
        return frozenset()
    hit = _ENTRIES.get(folder)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    names = frozenset(_listdir(folder))
    _ENTRIES[folder] = (mtime, names)
    return names


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


@lru_cache(maxsize=64)
def _editable_mapping(path: str) -> dict[str, str]:
    """``MAPPING`` of a setuptools editable finder, read as a literal (the file is never run)."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return {}
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == "MAPPING" and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, SyntaxError):
                return {}
            if isinstance(value, dict):
                return {str(k): str(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
    return {}


def interpreter_path() -> tuple[str, ...]:
    """``sys.path`` of this interpreter without the current-folder entry (the project's roots and
    the script's folder stand in for it): where installed packages are found."""
    return tuple(p for p in sys.path if p and os.path.isdir(p))


def is_stdlib(name: str) -> bool:
    """Whether the top-level module of ``name`` is part of Python's standard library."""
    return name.partition(".")[0] in getattr(sys, "stdlib_module_names", ())
