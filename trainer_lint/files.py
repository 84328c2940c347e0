"""Find the TOML and YAML files to lint under the paths a user names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from trainer_lint.formats import SUFFIXES

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", "build", "dist", "site-packages", ".eggs"}
)
"""Folders never searched when walking a directory (a file inside one can still be named directly)."""


@dataclass(frozen=True)
class PathProblem:
    """A path that cannot be linted: it does not exist, or cannot be listed. Exit code 2."""

    path: str
    message: str


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    norm = path.replace(os.sep, "/")
    if norm.startswith("./"):
        norm = norm[2:]
    name = os.path.basename(norm)
    return any(fnmatch.fnmatch(norm, p) or fnmatch.fnmatch(name, p) or norm.startswith(p.rstrip("/") + "/") for p in patterns)


def discover(paths: Iterable[str], exclude: tuple[str, ...] = ()) -> Iterator[str | PathProblem]:
    """Yield the files to lint, in a stable order, and a :class:`PathProblem` for each bad path.

    A file named directly is linted whatever its suffix (``.yaml``/``.yml`` as YAML, anything else
    as TOML); a directory is walked for regular ``*.toml``, ``*.yaml`` and ``*.yml`` files (a folder
    named ``x.toml`` is walked too), skipping :data:`SKIP_DIRS`, hidden folders, ``exclude`` globs and symlink loops.
    """
    seen: set[str] = set()
    for path in paths:
        if _excluded(path, exclude) and path not in (".", ""):
            continue
        if os.path.isdir(path):
            yield from _walk(path, exclude, seen)
        elif os.path.lexists(path):
            if path not in seen:
                seen.add(path)
                yield path
        else:
            yield PathProblem(path, "no such file or directory")


def _walk(root: str, exclude: tuple[str, ...], seen: set[str]) -> Iterator[str | PathProblem]:
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as error:
            yield PathProblem(folder, error.strerror or str(error))
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in visited:
            continue
        visited.add(ident)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as error:
            yield PathProblem(folder, error.strerror or str(error))
            continue
        subdirs = []
        for entry in entries:
            full = entry.path if folder != "." else entry.name
            if _excluded(full, exclude):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    subdirs.append(full)
            elif entry.name.lower().endswith(SUFFIXES) and full not in seen and _regular(entry):
                seen.add(full)
                yield full
        stack.extend(reversed(subdirs))


def _regular(entry: os.DirEntry[str]) -> bool:
    """Walks find regular files only (through symlinks): a FIFO, socket or device named
    ``*.toml`` or ``*.yaml`` could block or never end, and a dangling symlink is nothing to lint. Named
    directly, such paths are reported instead (exit 2)."""
    try:
        return entry.is_file()
    except OSError:
        return False
