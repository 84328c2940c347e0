"""Find the source of a class a config names, on the file system, without importing anything.

``class_path = "lightning.pytorch.callbacks.ModelCheckpoint"``: the module is looked for as a
file (``lightning/pytorch/callbacks.py`` or ``lightning/pytorch/callbacks/__init__.py``) under
each search root in turn, and the file is read with :mod:`ast` to find ``class ModelCheckpoint``
at its top level. Nothing is imported or executed: no ``importlib``, no ``find_spec`` on a dotted
name. A module that only re-exports the class (``from .model_checkpoint import ModelCheckpoint``)
is followed to the module it imports from, as far as relative and absolute ``from`` imports go.

Search roots, in order: the project's source roots (``source-roots``, else the project folder and
its ``src/``), the virtual environments inside the project (``.venv``, ``venv``), and this
interpreter's ``sys.path``.
"""

from __future__ import annotations

import ast
import glob
import os
import sys
from collections.abc import Iterable
from functools import lru_cache

MAX_HOPS = 4
"""Re-exports followed at most (``__init__`` -> submodule -> ...)."""


def search_roots(source_roots: Iterable[str] | None, project: str | None) -> list[str]:
    """Where modules are looked for: the project's roots first, then its virtual environments,
    then this interpreter's import path (only folders that exist, each once)."""
    roots: list[str] = []
    if source_roots:
        roots.extend(source_roots)
    elif project:
        roots.extend([project, os.path.join(project, "src")])
    if project:
        for venv in (".venv", "venv", ".env", "env"):
            roots.extend(sorted(glob.glob(os.path.join(project, venv, "lib", "python3*", "site-packages"))))
            roots.extend(sorted(glob.glob(os.path.join(project, venv, "Lib", "site-packages"))))
    roots.extend(p for p in sys.path if p)
    seen: set[str] = set()
    out: list[str] = []
    for root in roots:
        real = os.path.abspath(root)
        if real not in seen and os.path.isdir(real):
            seen.add(real)
            out.append(real)
    return out


def module_file(module: str, roots: Iterable[str]) -> str | None:
    """The source file of ``module`` (dotted) under the first root that has it."""
    parts = module.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    for root in roots:
        base = os.path.join(root, *parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


def find_class(path: str, roots: list[str]) -> tuple[str, int, int] | None:
    """``(file, line, column)`` (1-based line, 0-based column) of ``class X`` for the dotted
    ``module.X``, or None when it cannot be found without running code."""
    module, _, name = path.rpartition(".")
    if not module or not name.isidentifier():
        return None
    for _ in range(MAX_HOPS + 1):
        file = module_file(module, roots)
        if file is None:
            return None
        found = _definitions(file).get(name)
        if found is None:
            return None
        if found[0] == "class":
            return file, found[1], found[2]
        module, name = _resolve_import(module, file, found[3], found[4])
    return None


@lru_cache(maxsize=256)
def _definitions_cached(file: str, mtime: float) -> dict[str, tuple[str, int, int, str, str]]:
    try:
        with open(file, "rb") as handle:
            tree = ast.parse(handle.read(), file)
    except (OSError, SyntaxError, ValueError):
        return {}
    out: dict[str, tuple[str, int, int, str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = ("class", node.lineno, node.col_offset, "", "")
        elif isinstance(node, ast.ImportFrom):
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                out.setdefault(alias.asname or alias.name, ("import", node.lineno, node.col_offset, source, alias.name))
    return out


def _definitions(file: str) -> dict[str, tuple[str, int, int, str, str]]:
    """Top-level classes and ``from ... import`` names of a source file (parsed, never run)."""
    try:
        mtime = os.stat(file).st_mtime
    except OSError:
        return {}
    return _definitions_cached(file, mtime)


def _resolve_import(module: str, file: str, source: str, name: str) -> tuple[str, str]:
    """The absolute module and name a ``from source import name`` in ``module`` refers to."""
    level = len(source) - len(source.lstrip("."))
    target = source[level:]
    if level:
        package = module if file.endswith("__init__.py") else module.rpartition(".")[0]
        for _ in range(level - 1):
            package = package.rpartition(".")[0]
        target = f"{package}.{target}" if target else package
    return target, name
