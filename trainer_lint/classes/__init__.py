"""Lightning's own classes, as a committed snapshot: lookup at lint time, completion in the schema.

``snapshot.json`` (written by :mod:`trainer_lint.classes.generate`, which imports Lightning at
development time) holds every public callback, logger, strategy, profiler, plugin and accelerator
class of Lightning with the import paths that reach it and its ``__init__`` parameters. This
module reads it with :mod:`json` alone: it never imports torch, Lightning, or any module a config
names. Loading is lazy, so files without ``class_path`` objects never pay for it.

Lookup accepts every spelling Lightning users write: the re-exported short path
(``lightning.pytorch.callbacks.ModelCheckpoint``), the defining module
(``lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint``), the standalone package names
(``pytorch_lightning.…``, ``lightning_fabric.…``) and, in the slots where LightningCLI resolves
them (callbacks and loggers), the bare class name (``ModelCheckpoint``).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("snapshot.json")

PACKAGE_ALIASES = (("pytorch_lightning.", "lightning.pytorch."), ("lightning_fabric.", "lightning.fabric."))
"""Standalone package prefixes and the ``lightning`` names they mirror."""

SLOT_KINDS: dict[str, frozenset[str]] = {
    "callbacks": frozenset({"callback"}),
    "logger": frozenset({"logger"}),
    "strategy": frozenset({"strategy"}),
    "profiler": frozenset({"profiler"}),
    "plugins": frozenset({"precision", "checkpoint_io", "environment", "layer_sync"}),
    "accelerator": frozenset({"accelerator"}),
    "model": frozenset({"module"}),
    "data": frozenset({"datamodule"}),
}
"""Which kinds of Lightning class each object-typed key takes (``model``/``data`` take subclasses of
``LightningModule``/``LightningDataModule``, which the snapshot holds as bases for user classes)."""

BASE_KINDS = frozenset({"module", "datamodule"})
"""Kinds of the bases users subclass (``LightningModule``, ``LightningDataModule``), snapshotted so
that a user class's parameters can be followed into them."""

SHORT_NAME_SLOTS = frozenset(SLOT_KINDS)
"""Slots where LightningCLI resolves a bare class name (``class_path = "DDPStrategy"``): every key
typed with a Lightning base class resolves names among its subclasses. Where a *string* is an
object rather than a registered name is the rules' business (``strategy = "ddp"`` is a name)."""

KIND_SLOTS: dict[str, str] = {
    "callback": "callbacks",
    "logger": "logger",
    "strategy": "strategy",
    "profiler": "profiler",
    "precision": "plugins",
    "checkpoint_io": "plugins",
    "environment": "plugins",
    "layer_sync": "plugins",
    "accelerator": "accelerator",
    "module": "model",
    "datamodule": "data",
}
"""The key each kind of Lightning object goes to."""

FAMILIES = {
    "lightning": ("lightning.pytorch.", "lightning.fabric."),
    "pytorch_lightning": ("pytorch_lightning.", "lightning_fabric."),
}
"""The two distributions of Lightning and the import prefixes of their classes: ``lightning``
(``lightning.pytorch``, ``lightning.fabric``) and the standalone ``pytorch_lightning`` (with
``lightning_fabric``). Their classes are distinct: a Trainer of one rejects the other's objects."""

KIND_WORDS = {
    "module": "a LightningModule",
    "datamodule": "a LightningDataModule",
    "callback": "a callback",
    "logger": "a logger",
    "strategy": "a strategy",
    "profiler": "a profiler",
    "precision": "a precision plugin",
    "checkpoint_io": "a checkpoint IO plugin",
    "environment": "a cluster environment plugin",
    "layer_sync": "a layer sync plugin",
    "accelerator": "an accelerator",
}


@dataclass(frozen=True)
class ClassInfo:
    """One snapshotted class."""

    path: str
    """The canonical import path (the shortest public one)."""
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def params(self) -> dict[str, dict[str, Any]]:
        return self.data["params"]  # type: ignore[no-any-return]

    @property
    def takes_kwargs(self) -> bool:
        return bool(self.data["kwargs"])

    @property
    def abstract(self) -> bool:
        return bool(self.data["abstract"])

    def has(self, tag: str) -> bool:
        return tag in self.data.get("tags", ())

    @property
    def registered(self) -> dict[str, dict[str, Any]]:
        """The names the Trainer resolves to this class, each with the init arguments it implies."""
        return self.data.get("registered", {})  # type: ignore[no-any-return]

    @property
    def requires(self) -> list[list[str]]:
        """Optional packages the class needs: groups of top-level module names, any one per group."""
        return self.data.get("requires", [])  # type: ignore[no-any-return]

    @property
    def removed(self) -> str | None:
        """Lightning's message when the class is kept only to raise (``NeptuneLogger``), else None."""
        return self.data.get("removed")

    @property
    def forwards(self) -> dict[str, Any] | None:
        """For a class whose ``**kwargs`` go to a torch wrapper at ``fit``: ``{"to": path, "params": [...]}``."""
        return self.data.get("forwards")

    def param_kinds(self, name: str) -> frozenset[str]:
        """The kinds of Lightning object parameter ``name`` takes (empty when it takes none)."""
        node = self.params.get(name, {}).get("type", {})
        return frozenset(node.get("class", ()))


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The snapshot as parsed JSON (read once per process)."""
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, list[str]], frozenset[str]]:
    by_alias: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    modules: set[str] = set()
    for canonical, info in load()["classes"].items():
        for alias in info["aliases"]:
            by_alias[alias] = canonical
            if info["kind"] not in BASE_KINDS:  # `lightning.pytorch` exports much more than these
                modules.add(alias.rsplit(".", 1)[0])
        by_name.setdefault(info["name"], []).append(canonical)
    return by_alias, by_name, frozenset(modules)


def normalize(path: str) -> str:
    """``pytorch_lightning.x`` -> ``lightning.pytorch.x``; ``lightning_fabric.x`` -> ``lightning.fabric.x``."""
    for old, new in PACKAGE_ALIASES:
        if path.startswith(old):
            return new + path[len(old):]
    return path


def info(canonical: str) -> ClassInfo:
    """The snapshot entry of a canonical path."""
    return ClassInfo(canonical, load()["classes"][canonical])


def resolve(path: str, slot: str | None = None) -> ClassInfo | None:
    """The Lightning class ``path`` names, or None when it names none (or a class outside Lightning).

    A bare class name resolves, as LightningCLI resolves it, to the one class of that name among
    the kinds ``slot`` takes (callers decide whether a bare *string* is a class there: see
    :data:`SHORT_NAME_SLOTS`).
    """
    return resolve_kinds(path, SLOT_KINDS.get(slot or "", frozenset()))


@lru_cache(maxsize=4096)  # the snapshot is read once per process, so answers never change
def resolve_kinds(path: str, kinds: frozenset[str]) -> ClassInfo | None:
    """:func:`resolve` for an explicit set of kinds (a nested ``init_args`` object's parameter)."""
    by_alias, by_name, _ = _index()
    if "." not in path:
        matches = [c for c in by_name.get(path, ()) if info(c).kind in kinds]
        return info(matches[0]) if len(matches) == 1 else None
    canonical = by_alias.get(normalize(path))
    return info(canonical) if canonical else None


def family(path: str) -> str | None:
    """Which distribution a class path names (``"lightning"`` or ``"pytorch_lightning"``); None for a
    bare name or a path outside Lightning."""
    for name, prefixes in FAMILIES.items():
        if path.startswith(prefixes):
            return name
    return None


def in_family(path: str, target: str) -> str:
    """``path`` spelled in distribution ``target`` (``pytorch_lightning.x`` <-> ``lightning.pytorch.x``)."""
    source = family(path)
    if source is None or source == target:
        return path
    for old, new in zip(FAMILIES[source], FAMILIES[target]):
        if path.startswith(old):
            return new + path[len(old):]
    return path


@lru_cache(maxsize=256)
def registered(kind: str, name: str) -> ClassInfo | None:
    """The class the Trainer builds for the registered name ``name`` of ``kind`` ("strategy",
    "accelerator", "profiler"); names are compared lower-cased, as the Trainer does."""
    wanted = name.lower()
    for canonical, data in load()["classes"].items():
        if data["kind"] == kind and wanted in data.get("registered", {}):
            return info(canonical)
    return None


@lru_cache(maxsize=8)
def registered_names(kind: str) -> tuple[str, ...]:
    """Every name registered for ``kind`` ("strategy", "accelerator", "profiler"), in snapshot order."""
    return tuple(name for data in load()["classes"].values() if data["kind"] == kind for name in data.get("registered", {}))


@lru_cache(maxsize=8)
def class_names(kinds: frozenset[str]) -> tuple[str, ...]:
    """The bare names of the concrete, non-deprecated classes of ``kinds`` (for "did you mean")."""
    return tuple(
        sorted({d["name"] for d in load()["classes"].values() if d["kind"] in kinds and not d["abstract"] and not d.get("deprecated")})
    )


def in_known_module(path: str) -> bool:
    """Whether ``path`` points into a Lightning module the snapshot covers (so a miss is a typo)."""
    module = normalize(path).rsplit(".", 1)[0]
    return module in _index()[2]


def suggest(path: str, slot: str | None = None, kinds: frozenset[str] | None = None) -> str | None:
    """The closest snapshotted spelling of ``path`` (same module first), for "did you mean"; never
    ``path`` itself."""
    by_alias, _, _ = _index()
    kinds = kinds if kinds is not None else SLOT_KINDS.get(slot or "", frozenset())
    if "." not in path:
        names = [n for n in class_names(kinds) if n != path]
        close = difflib.get_close_matches(path, names, n=1, cutoff=0.6)
        return close[0] if close else None
    normal = normalize(path)
    module, _, name = normal.rpartition(".")
    same = [a.rpartition(".")[2] for a in by_alias if a.rpartition(".")[0] == module and a.rpartition(".")[2] != name]
    close = difflib.get_close_matches(name, same, n=1, cutoff=0.6)
    if not close:
        return None
    suggestion = f"{module}.{close[0]}"
    for old, new in PACKAGE_ALIASES:
        if path.startswith(old):
            suggestion = old + suggestion[len(new):]
    return suggestion


def extend_schema(schema: dict[str, Any]) -> None:
    """Add ``init_args`` completion for Lightning's classes to ``ClassPathConfig`` (draft-07 if/then).

    For each concrete class: ``if class_path is one of its spellings then init_args has these
    properties``, with each parameter's type, default and one line of docs. ``additionalProperties:
    false`` only for classes whose ``__init__`` takes no ``**kwargs``. The lint rules do not read
    this (they read the snapshot); it is for editors.
    """
    definitions = schema.get("definitions", {})
    target = definitions.get("ClassPathConfig")
    if target is None:
        return
    branches: list[dict[str, Any]] = []
    examples: list[str] = []
    for canonical, data in load()["classes"].items():
        if data["abstract"] or data.get("deprecated") or data.get("removed") or data["kind"] in ("accelerator", "module", "datamodule"):
            continue
        examples.append(canonical)
        properties: dict[str, Any] = {}
        for name, param in data["params"].items():
            prop: dict[str, Any] = dict(param.get("type", {}))
            if param.get("doc"):
                prop["description"] = param["doc"]
            if param.get("default") is not None:
                prop["default"] = param["default"]
            properties[name] = prop
        init_args: dict[str, Any] = {"type": "object", "properties": properties}
        if not data["kwargs"]:
            init_args["additionalProperties"] = False
        required = [n for n, p in data["params"].items() if p.get("required")]
        if required:
            init_args["required"] = required
        then: dict[str, Any] = {"properties": {"init_args": init_args}}
        if data.get("doc"):
            then["description"] = data["doc"]
        branches.append(
            {
                "if": {"properties": {"class_path": {"enum": data["aliases"]}}, "required": ["class_path"]},
                "then": then,
            }
        )
    target["allOf"] = branches
    target["properties"]["class_path"]["examples"] = examples
