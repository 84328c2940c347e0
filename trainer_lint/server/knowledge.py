"""What the server knows about the classes a config can name, behind one small interface.

Completion, hover and go-to-definition ask a :class:`Knowledge` three questions: which classes
a slot takes (``callbacks``, ``logger``, ``strategy``, ...), what a class path is (its docs and
``__init__`` parameters), and where its source is. Each question is put to a list of
:class:`ClassProvider` s in turn:

* :class:`LightningClasses` answers from the committed class snapshot
  (:mod:`trainer_lint.classes`), and finds sources in the installed Lightning on the file system;
* :class:`ProjectClasses` finds the sources of the project's own classes (under the source roots
  of ``[tool.trainer-lint]``) by reading files, never importing them.

The user-class resolver (an ``ast``-based reader of the project's classes and their ``__init__``
parameters) plugs in as one more provider in :func:`knowledge_for`, answering ``classes`` and
``lookup`` for the project's classes; nothing else changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Protocol

from trainer_lint.options import Options


@dataclass(frozen=True)
class Parameter:
    """One ``__init__`` parameter of a class."""

    name: str
    doc: str = ""
    type: dict[str, Any] | None = None
    """Its type in the JSON Schema subset the lint rules read; None when it has no TOML form."""
    default: Any = None
    has_default: bool = False
    required: bool = False


@dataclass(frozen=True)
class ClassEntry:
    """A class a config can name."""

    path: str
    """The canonical dotted import path."""
    name: str
    doc: str = ""
    kind: str | None = None
    """``callback``, ``logger``, ``strategy``, ... (None for a project class)."""
    parameters: tuple[Parameter, ...] = ()
    takes_kwargs: bool = False
    link: str | None = None
    """Its documentation page."""
    origin: str = "Lightning"
    aliases: tuple[str, ...] = field(default=())

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


class ClassProvider(Protocol):
    """A source of knowledge about classes (see the module docs)."""

    def classes(self, slot: str) -> list[ClassEntry]:
        """The classes ``slot`` takes that this provider knows, for completion."""

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        """The class ``path`` names (as written in a config, in ``slot``), or None."""

    def source(self, path: str) -> tuple[str, int, int] | None:
        """``(file, line, column)`` of the class's definition (line 1-based), or None."""


class LightningClasses:
    """Lightning's classes, from the committed snapshot; their sources in the installed Lightning."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = roots

    def classes(self, slot: str) -> list[ClassEntry]:
        from trainer_lint import classes

        kinds = classes.SLOT_KINDS.get(slot, frozenset())
        out = []
        for path, data in classes.load()["classes"].items():
            if data["kind"] in kinds and not data["abstract"] and not data.get("deprecated"):
                out.append(self._entry(path, data))
        return out

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        from trainer_lint import classes

        found = classes.resolve(path, slot)
        return self._entry(found.path, found.data) if found is not None else None

    def source(self, path: str) -> tuple[str, int, int] | None:
        from trainer_lint import classes
        from trainer_lint.server.locate import find_class

        candidates = [path]
        found = classes.resolve(path, "callbacks" if "." not in path else None)
        if found is None and "." not in path:
            found = classes.resolve(path, "logger")
        if found is not None:
            # the defining module (the longest spelling) first: it holds the `class` statement
            candidates += sorted(found.data["aliases"], key=lambda a: -a.count("."))
        for candidate in dict.fromkeys(candidates):
            if "." in candidate:
                hit = find_class(candidate, self.roots)
                if hit is not None:
                    return hit
        return None

    @staticmethod
    def _entry(path: str, data: dict[str, Any]) -> ClassEntry:
        from trainer_lint.editor_schema import DOCS_API

        parameters = tuple(
            Parameter(
                name,
                info.get("doc") or "",
                info.get("type"),
                info.get("default"),
                "default" in info,
                bool(info.get("required")),
            )
            for name, info in data["params"].items()
        )
        return ClassEntry(
            path,
            data["name"],
            (data.get("doc") or "").strip(),
            data["kind"],
            parameters,
            bool(data["kwargs"]),
            DOCS_API.format(path=path),
            "Lightning",
            tuple(data["aliases"]),
        )


class ProjectClasses:
    """The project's own classes: their sources, found by reading files under the source roots."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = roots

    def classes(self, slot: str) -> list[ClassEntry]:
        return []

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        return None

    def source(self, path: str) -> tuple[str, int, int] | None:
        from trainer_lint.server.locate import find_class

        return find_class(path, self.roots) if "." in path else None


class Knowledge:
    """The providers, asked in order: the first answer wins; class lists are merged."""

    def __init__(self, providers: list[Any]) -> None:
        self.providers = providers

    def classes(self, slot: str) -> list[ClassEntry]:
        seen: set[str] = set()
        out: list[ClassEntry] = []
        for provider in self.providers:
            for entry in provider.classes(slot):
                if entry.path not in seen:
                    seen.add(entry.path)
                    out.append(entry)
        return out

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        for provider in self.providers:
            found = provider.lookup(path, slot)
            if found is not None:
                return found
        return None

    def source(self, path: str) -> tuple[str, int, int] | None:
        for provider in self.providers:
            found = provider.source(path)
            if found is not None:
                return found
        return None


def knowledge_for(options: Options, document_path: str | None) -> Knowledge:
    """The knowledge for a document linted with ``options``: where its project's classes and
    Lightning's installed sources are."""
    from trainer_lint.server.locate import search_roots

    project = options.root or (os.path.dirname(document_path) if document_path else None)
    roots = search_roots(options.source_roots, project)
    return Knowledge([LightningClasses(roots), ProjectClasses(roots)])
