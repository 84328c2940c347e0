"""What the server knows about the classes a config can name, behind one small interface.

Completion, hover and go-to-definition ask a :class:`Knowledge` three questions: which classes a
slot takes (``callbacks``, ``logger``, ``strategy``, ...), what a class path written under a slot
is (its docs and ``__init__`` parameters), and where its source is. Each question is put to a
list of :class:`ClassProvider` s in turn:

* :class:`LightningClasses` answers from the class snapshot of the Lightning release the document
  is checked against (:mod:`trainer_lint.lightning.selection`: the project's pin, settings or
  installed release, as for ``check``);
* :class:`ProjectClasses` answers for the project's own classes, from the resolver the lint rules
  use (:mod:`trainer_lint.resolver`: the project's source read with ``ast``, bare names resolved
  as LightningCLI resolves them, never importing anything), lists those a key takes
  (:mod:`trainer_lint.server.project_classes`), and finds every class's source, Lightning's
  included (the installed Lightning, found on the file system).
"""

from __future__ import annotations

import ast
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
    annotation: str = ""
    """The annotation as written (project classes), when ``type`` cannot say it."""


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
    """Its documentation page (Lightning's) or its source file (the project's)."""
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

    def source(self, path: str, slot: str | None) -> tuple[str, int, int] | None:
        """``(file, line, column)`` of the class's ``class`` statement (line 1-based), or None."""


class LightningClasses:
    """Lightning's classes, from one release's class snapshot (default: the newest release's)."""

    def __init__(self, release: Any = None) -> None:
        self.release = release
        """The :class:`~trainer_lint.lightning.releases.Release` whose snapshot answers."""

    @property
    def index(self) -> Any:
        from trainer_lint import classes

        return self.release.classes if self.release is not None else classes.newest()

    def classes(self, slot: str) -> list[ClassEntry]:
        from trainer_lint import classes

        kinds = classes.SLOT_KINDS.get(slot, frozenset()) - classes.BASE_KINDS
        return [
            self.entry(path, data)
            for path, data in self.index.classes.items()
            if data["kind"] in kinds and not data["abstract"] and not data.get("deprecated")
        ]

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        found = self.index.resolve(path, slot)
        return self.entry(found.path, found.data) if found is not None else None

    def source(self, path: str, slot: str | None) -> tuple[str, int, int] | None:
        return None  # ProjectClasses finds every class's source, Lightning's included

    @staticmethod
    def entry(path: str, data: dict[str, Any]) -> ClassEntry:
        from trainer_lint.editor_schema import DOCS_API

        parameters = tuple(
            Parameter(name, info.get("doc") or "", info.get("type"), info.get("default"), "default" in info, bool(info.get("required")))
            for name, info in data["params"].items()
        )
        return ClassEntry(
            path, data["name"], (data.get("doc") or "").strip(), data["kind"], parameters, bool(data["kwargs"]),
            DOCS_API.format(path=path), "Lightning", tuple(data["aliases"]),
        )


class ProjectClasses:
    """The project's own classes (and every class's source), through the project's resolver."""

    def __init__(self, options: Options, document_path: str | None, release: Any = None) -> None:
        self.options = options
        self.document_path = document_path
        self.release = release
        """The Lightning release the document is checked against: the project's Lightning bases
        are that release's classes, as for ``check`` (``ctx.lightning``)."""

    @property
    def project(self) -> Any:
        """The project, asked for again each time: the resolver keeps one per root and release and
        replaces it when a file it read or a folder it listed has changed (a few ``stat`` s, no
        rescan). The same project ``check`` uses for this document."""
        from trainer_lint.resolver.project import project_for

        return project_for(self.options, self.document_path, self.release)

    def classes(self, slot: str) -> list[ClassEntry]:
        from trainer_lint.server.project_classes import classes_of

        try:
            found = classes_of(self.project, slot)
        except Exception:  # the resolver is best effort: what it cannot list is not offered
            return []
        return [
            ClassEntry(cls.path, cls.name, _first_paragraph(cls.node), None, (), True, _file_uri(cls.module.path), "project", (cls.path,))
            for cls in found
        ]

    def _resolve(self, path: str, slot: str | None) -> Any:
        try:
            resolution = self.project.resolve(path, slot or "callbacks")
        except Exception:  # the resolver is best effort; a question it cannot answer is unknown
            return None
        return resolution.cls if resolution.status == "resolved" else None

    def lookup(self, path: str, slot: str | None) -> ClassEntry | None:
        from trainer_lint.resolver.classes import PyClass, Unresolved

        cls = self._resolve(path, slot)
        if not isinstance(cls, PyClass):
            return None
        signature = cls.signature()
        parameters: tuple[Parameter, ...] = ()
        takes_kwargs = True
        if not isinstance(signature, Unresolved):
            parameters = tuple(
                Parameter(p.name, type=_schema_of(p.type), required=p.required, annotation=p.type.name)
                for p in signature.params.values()
            )
            takes_kwargs = signature.open
        return ClassEntry(cls.path, cls.name, _first_paragraph(cls.node), None, parameters, takes_kwargs, _file_uri(cls.module.path), "project", (cls.path,))

    def source(self, path: str, slot: str | None) -> tuple[str, int, int] | None:
        from trainer_lint.resolver.classes import LightningClass, PyClass

        cls = self._resolve(path, slot)
        if isinstance(cls, PyClass):
            return cls.module.path, cls.line, cls.node.col_offset
        if isinstance(cls, LightningClass):
            # the defining module first (the longest spelling holds the `class` statement)
            for alias in sorted(cls.info.data["aliases"], key=lambda a: -a.count(".")):
                module = self.project.resolver.module(alias.rpartition(".")[0])
                for node in getattr(getattr(module, "tree", None), "body", ()):
                    if isinstance(node, ast.ClassDef) and node.name == cls.info.name:
                        return module.path, node.lineno, node.col_offset
        return None


class Knowledge:
    """The providers, asked in order: the first answer wins; class lists are merged. ``release``:
    the Lightning release the document is checked against, whose Trainer keys, values and docs
    :attr:`schema` describes (None: the newest)."""

    def __init__(self, providers: list[Any], release: Any = None) -> None:
        self.providers = providers
        self.release = release

    @property
    def schema(self) -> dict[str, Any]:
        """The schema ``check`` walks for :attr:`release`: its Trainer keys, closed sets and defaults."""
        if self.release is not None:
            return self.release.schema  # type: ignore[no-any-return]
        from trainer_lint.schema import load_packaged

        return load_packaged()

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

    def source(self, path: str, slot: str | None = None) -> tuple[str, int, int] | None:
        for provider in self.providers:
            found = provider.source(path, slot)
            if found is not None:
                return found
        return None


def knowledge_for(options: Options, document_path: str | None) -> Knowledge:
    """The knowledge for a document linted with ``options``: the classes and Trainer keys of the
    Lightning release ``check`` would check it against (for a range, its newest end: what is
    there is an error only when both ends lack it), and the project's classes."""
    release = release_for(options, document_path)
    return Knowledge([LightningClasses(release), ProjectClasses(options, document_path, release)], release)


def release_for(options: Options, document_path: str | None) -> Any:
    """The release a document at ``document_path`` is checked against (as ``check`` chooses it)."""
    from trainer_lint.lightning.selection import choose

    return choose(options, document_path).release


def _first_paragraph(node: ast.ClassDef) -> str:
    return (ast.get_docstring(node) or "").strip().split("\n\n")[0]


def _file_uri(path: str) -> str | None:
    from pathlib import Path

    return Path(path).resolve().as_uri() if path else None


_SIMPLE = {"int": {"type": "integer"}, "float": {"type": "number"}, "bool": {"type": "boolean"}, "str": {"type": "string"}, "path": {"type": "string"}}


def _schema_of(hint: Any) -> dict[str, Any] | None:
    """A resolver type as the schema subset completion reads (closed values, booleans), or None."""
    kind = getattr(hint, "kind", None)
    if kind in _SIMPLE:
        return dict(_SIMPLE[kind])
    if kind in ("literal", "enum") and hint.values:
        return {"enum": [v for v in hint.values if isinstance(v, (str, int, float, bool))]}
    if kind == "union":
        branches = [b for b in (_schema_of(a) for a in hint.args) if b is not None]
        return {"anyOf": branches} if branches else None
    return None
