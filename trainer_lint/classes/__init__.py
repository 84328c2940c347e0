"""Lightning's own classes, as a committed snapshot: lookup at lint time, completion in the schema.

Each release's snapshot lives in the release data (``trainer_lint/lightning/releases.json``,
written by :mod:`trainer_lint.lightning.generate`; :mod:`trainer_lint.classes.generate` describes
one class): every public callback, logger, strategy, profiler, plugin and accelerator class of
Lightning with the import paths that reach it and its ``__init__`` parameters. A
:class:`ClassIndex` answers for one release (rules ask ``ctx.lightning.classes``); the module-level
functions answer for the newest release. Nothing here imports torch, Lightning, or any module a
config names. Loading is lazy, so files without ``class_path`` objects never pay for it.

Lookup accepts every spelling Lightning users write: the re-exported short path
(``lightning.pytorch.callbacks.ModelCheckpoint``), the defining module
(``lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint``), the standalone package names
(``pytorch_lightning.…``, ``lightning_fabric.…``) and, in the slots where LightningCLI resolves
them (callbacks and loggers), the bare class name (``ModelCheckpoint``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    "lr_scheduler": frozenset({"lr_scheduler"}),
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
    "lr_scheduler": "lr_scheduler",
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
    "lr_scheduler": "a learning-rate scheduler",
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


@dataclass(frozen=True)
class ForeignClass:
    """A public Lightning class that the snapshot leaves out because the Trainer cannot take it
    (Lightning Fabric's precisions, loggers, strategies and accelerators; a logger derived from
    Fabric's ``Logger``)."""

    path: str
    """The canonical import path."""
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[1]

    @property
    def base(self) -> str:
        """The public path of the most general Lightning class it derives from (its own path when none)."""
        return str(self.data["base"])

    @property
    def base_name(self) -> str:
        return self.base.rsplit(".", 1)[1]

    @property
    def is_base(self) -> bool:
        """Whether it is itself the most general Lightning class of its line (Fabric's ``Precision``)."""
        return self.base in self.data["aliases"]

    @property
    def in_fabric(self) -> bool:
        """Whether Lightning Fabric defines it (``lightning.fabric.*``)."""
        return self.path.startswith("lightning.fabric.")

    @property
    def base_in_fabric(self) -> bool:
        return self.base.startswith("lightning.fabric.")


class ClassIndex:
    """One release's class snapshot, indexed for lookup by every spelling (read-only)."""

    def __init__(self, classes: dict[str, Any], foreign: Callable[[], dict[str, Any]] | None = None) -> None:
        self.classes = classes
        """``{canonical path: entry}`` as :mod:`trainer_lint.classes.generate` describes each class."""
        self._foreign_source = foreign
        self._foreign: dict[str, ForeignClass] | None = None
        by_alias: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        modules: set[str] = set()
        for canonical, entry in classes.items():
            for alias in entry["aliases"]:
                by_alias[alias] = canonical
                if entry["kind"] not in BASE_KINDS:  # `lightning.pytorch` exports much more than these
                    modules.add(alias.rsplit(".", 1)[0])
            by_name.setdefault(entry["name"], []).append(canonical)
        self._by_alias = by_alias
        self._by_name = by_name
        self._modules = frozenset(modules)
        self._resolved: dict[tuple[str, frozenset[str]], ClassInfo | None] = {}
        self._registered: dict[tuple[str, str], ClassInfo | None] = {}

    def info(self, canonical: str) -> ClassInfo:
        """The snapshot entry of a canonical path."""
        return ClassInfo(canonical, self.classes[canonical])

    def resolve(self, path: str, slot: str | None = None) -> ClassInfo | None:
        """The Lightning class ``path`` names, or None when it names none (or a class outside Lightning).

        A bare class name resolves, as LightningCLI resolves it, to the one class of that name among
        the kinds ``slot`` takes (callers decide whether a bare *string* is a class there: see
        :data:`SHORT_NAME_SLOTS`).
        """
        return self.resolve_kinds(path, SLOT_KINDS.get(slot or "", frozenset()))

    def resolve_kinds(self, path: str, kinds: frozenset[str]) -> ClassInfo | None:
        """:meth:`resolve` for an explicit set of kinds (a nested ``init_args`` object's parameter)."""
        key = (path, kinds)
        if key in self._resolved:
            return self._resolved[key]
        found: ClassInfo | None
        if "." not in path:
            matches = [c for c in self._by_name.get(path, ()) if self.classes[c]["kind"] in kinds]
            found = self.info(matches[0]) if len(matches) == 1 else None
        else:
            canonical = self._by_alias.get(normalize(path))
            found = self.info(canonical) if canonical else None
        if len(self._resolved) > 4096:
            self._resolved.clear()
        self._resolved[key] = found
        return found

    def foreign(self, path: str) -> ForeignClass | None:
        """The Lightning class outside the snapshot that the dotted ``path`` names (one the Trainer
        cannot take), or None. The release's list of them is read on first use only."""
        if "." not in path:
            return None
        return self._foreign_index().get(normalize(path))

    def foreign_classes(self) -> dict[str, ForeignClass]:
        """Every Lightning class of the release outside the snapshot, by canonical path."""
        return {found.path: found for found in self._foreign_index().values()}

    def _foreign_index(self) -> dict[str, ForeignClass]:
        if self._foreign is None:
            entries = self._foreign_source() if self._foreign_source is not None else {}
            self._foreign = {alias: ForeignClass(canonical, data) for canonical, data in entries.items() for alias in data["aliases"]}
        return self._foreign

    def named_in(self, name: str, kinds: frozenset[str], *, concrete: bool = False) -> str | None:
        """The canonical path of the one class called ``name`` among ``kinds`` (``concrete``: only a
        class that can be built and is not deprecated), else None."""
        found = [
            c
            for c in self._by_name.get(name, ())
            if self.classes[c]["kind"] in kinds
            and not (concrete and (self.classes[c]["abstract"] or self.classes[c].get("deprecated") or self.classes[c].get("removed")))
        ]
        return found[0] if len(found) == 1 else None

    def registered(self, kind: str, name: str) -> ClassInfo | None:
        """The class the Trainer builds for the registered name ``name`` of ``kind`` ("strategy",
        "accelerator", "profiler"); names are compared lower-cased, as the Trainer does."""
        key = (kind, name.lower())
        if key not in self._registered:
            self._registered[key] = next(
                (self.info(c) for c, data in self.classes.items() if data["kind"] == kind and key[1] in data.get("registered", {})),
                None,
            )
        return self._registered[key]

    def registered_names(self, kind: str) -> tuple[str, ...]:
        """Every name registered for ``kind`` ("strategy", "accelerator", "profiler"), in snapshot order."""
        return tuple(name for data in self.classes.values() if data["kind"] == kind for name in data.get("registered", {}))

    def class_names(self, kinds: frozenset[str]) -> tuple[str, ...]:
        """The bare names of the concrete, non-deprecated classes of ``kinds`` (for "did you mean")."""
        return tuple(
            sorted({d["name"] for d in self.classes.values() if d["kind"] in kinds and not d["abstract"] and not d.get("deprecated")})
        )

    def named(self, name: str) -> tuple[str, ...]:
        """The canonical paths of the classes called ``name`` (LightningCLI resolves bare names)."""
        return tuple(self._by_name.get(name, ()))

    def in_known_module(self, path: str) -> bool:
        """Whether ``path`` points into a Lightning module the snapshot covers (so a miss is a typo)."""
        module = normalize(path).rsplit(".", 1)[0]
        return module in self._modules

    def suggest(self, path: str, slot: str | None = None, kinds: frozenset[str] | None = None) -> str | None:
        """The closest snapshotted spelling of ``path`` (same module first), for "did you mean"; never
        ``path`` itself."""
        kinds = kinds if kinds is not None else SLOT_KINDS.get(slot or "", frozenset())
        if "." not in path:
            names = [n for n in self.class_names(kinds) if n != path]
            close = difflib.get_close_matches(path, names, n=1, cutoff=0.6)
            return close[0] if close else None
        normal = normalize(path)
        module, _, name = normal.rpartition(".")
        same = [a.rpartition(".")[2] for a in self._by_alias if a.rpartition(".")[0] == module and a.rpartition(".")[2] != name]
        close = difflib.get_close_matches(name, same, n=1, cutoff=0.6)
        if not close:
            return None
        suggestion = f"{module}.{close[0]}"
        for old, new in PACKAGE_ALIASES:
            if path.startswith(old):
                suggestion = old + suggestion[len(new):]
        return suggestion


def newest() -> ClassIndex:
    """The class snapshot of the newest known Lightning release (what the committed schema shows)."""
    from trainer_lint.lightning.releases import newest as newest_release

    return newest_release().classes


def load() -> dict[str, Any]:
    """The newest release's snapshot as ``{"classes": {...}}``."""
    return {"classes": newest().classes}


def normalize(path: str) -> str:
    """``pytorch_lightning.x`` -> ``lightning.pytorch.x``; ``lightning_fabric.x`` -> ``lightning.fabric.x``."""
    for old, new in PACKAGE_ALIASES:
        if path.startswith(old):
            return new + path[len(old):]
    return path


def info(canonical: str) -> ClassInfo:
    """:meth:`ClassIndex.info` of the newest release."""
    return newest().info(canonical)


def resolve(path: str, slot: str | None = None) -> ClassInfo | None:
    """:meth:`ClassIndex.resolve` of the newest release (rules ask ``ctx.lightning.classes``)."""
    return newest().resolve(path, slot)


def resolve_kinds(path: str, kinds: frozenset[str]) -> ClassInfo | None:
    """:meth:`ClassIndex.resolve_kinds` of the newest release."""
    return newest().resolve_kinds(path, kinds)


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


def registered(kind: str, name: str) -> ClassInfo | None:
    """:meth:`ClassIndex.registered` of the newest release."""
    return newest().registered(kind, name)


def registered_names(kind: str) -> tuple[str, ...]:
    """:meth:`ClassIndex.registered_names` of the newest release."""
    return newest().registered_names(kind)


def class_names(kinds: frozenset[str]) -> tuple[str, ...]:
    """:meth:`ClassIndex.class_names` of the newest release."""
    return newest().class_names(kinds)


def named(name: str) -> tuple[str, ...]:
    """:meth:`ClassIndex.named` of the newest release."""
    return newest().named(name)


def in_known_module(path: str) -> bool:
    """:meth:`ClassIndex.in_known_module` of the newest release."""
    return newest().in_known_module(path)


def suggest(path: str, slot: str | None = None, kinds: frozenset[str] | None = None) -> str | None:
    """:meth:`ClassIndex.suggest` of the newest release."""
    return newest().suggest(path, slot, kinds)


def extend_schema(schema: dict[str, Any], index: ClassIndex | None = None) -> None:
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
    for canonical, data in (index or newest()).classes.items():
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
