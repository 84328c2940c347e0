"""The ``class_path`` objects of a file, collected once: where each is written (its slot and key),
its class path and ``init_args``, the Lightning class it names (from the class snapshot), and the
objects nested in its ``init_args`` (a strategy's ``precision_plugin``, ``accelerator``, ...).

What is an object follows LightningCLI: a ``class_path`` table anywhere (with a dotted path or a
bare class name); a string in ``callbacks``, ``logger``, ``plugins``, ``model`` and ``data``; a
string in ``profiler`` unless it is a registered profiler name; never a string in ``strategy`` or
``accelerator``, where the Trainer reads every string as a registered name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trainer_lint.diagnostic import Diagnostic, KeyPath, format_key
from trainer_lint.rules.base import Context, top_level

TRAINER_SLOTS = ("callbacks", "logger", "strategy", "profiler", "plugins", "accelerator")


TOP_SLOTS = ("model", "data")


OBJECT_KEYS = frozenset({*TRAINER_SLOTS, *(top_level(slot) for slot in (*TOP_SLOTS, "optimizer", "lr_scheduler"))})
"""Every key that holds objects (rule triggers): :func:`objects` reads the Trainer's and ``model``/
``data``; the project-aware checks (:attr:`Context.class_findings`) also ``optimizer`` and ``lr_scheduler``."""


LIST_SLOTS = frozenset({"callbacks", "logger", "plugins"})


NAME_SLOTS = frozenset({"strategy", "accelerator"})
"""Keys whose type tries ``str`` before a class (``Union[str, Strategy]``): every string there is a
registered name (a dotted path there is an invalid name: TL344). ``profiler``
(``Union[Profiler, str]``) tries the class first: a string is an object unless it is one of the
registered profiler names."""


@dataclass(frozen=True)
class Obj:
    """One ``class_path`` object as written: a table, or a class path string."""

    slot: str
    """The Trainer argument (or top-level key) it belongs to; for a nested object, the argument
    its kind goes to ("plugins" for a strategy's ``precision_plugin``)."""
    key: KeyPath
    class_path: str
    init_args: dict[str, Any] | None
    is_table: bool
    info: Any  # trainer_lint.classes.ClassInfo | None
    kinds: frozenset[str] = frozenset()
    """The kinds of Lightning class that may stand here."""
    parent: Obj | None = None
    """The object whose ``init_args`` hold this one (None at the top level)."""
    param: str | None = None
    """The parent's parameter this object is the value of."""

    @property
    def class_key(self) -> KeyPath:
        return (*self.key, "class_path") if self.is_table else self.key

    def arg_key(self, name: str) -> KeyPath:
        return (*self.key, "init_args", name)

    def args(self) -> dict[str, Any]:
        return self.init_args or {}

    def has(self, tag: str) -> bool:
        return self.info is not None and self.info.has(tag)

    @property
    def label(self) -> str:
        return self.info.name if self.info is not None else self.class_path.rsplit(".", 1)[-1]

    @property
    def is_lightning(self) -> bool:
        """A concrete Lightning class of a kind this place takes."""
        return self.info is not None and self.info.kind in self.kinds and not self.info.abstract


def objects(ctx: Context) -> list[Obj]:
    """Every well-formed object in the file, nested ones after their parent (computed once per file)."""
    found = ctx._cache.get("objects")
    if found is None:
        found = ctx.cached("objects", lambda: list(_collect(ctx)) if _may_hold_objects(ctx) else [])
    return found  # type: ignore[no-any-return]


def _may_hold_objects(ctx: Context) -> bool:
    """A cheap test before collecting: no object can be written where only names and flags are."""
    trainer = ctx.trainer
    if any(slot in trainer for slot in ("callbacks", "logger", "plugins", "profiler")):
        return True
    if isinstance(trainer.get("strategy"), dict) or isinstance(trainer.get("accelerator"), dict):
        return True
    return any(slot in ctx.data for slot in TOP_SLOTS)


def _collect(ctx: Context) -> Iterator[Obj]:
    from trainer_lint.classes import SLOT_KINDS

    bad = ctx.invalid_keys
    snapshot = ctx.lightning.classes  # the class snapshot of the release the file is checked against
    places: list[tuple[str, KeyPath, Any]] = []
    for slot in TRAINER_SLOTS:
        if slot in ctx.trainer:
            places.append((slot, ("trainer", slot), ctx.trainer[slot]))
    for slot in TOP_SLOTS:
        if slot in ctx.data:
            places.append((slot, (slot,), ctx.data[slot]))
    for slot, key, value in places:
        if key in bad:
            continue
        items = list(enumerate(value)) if isinstance(value, list) and slot in LIST_SLOTS else [(None, value)]
        for index, item in items:
            item_key = key if index is None else (*key, index)
            obj = _object(snapshot, slot, item_key, item, bad, SLOT_KINDS[slot], string_is_object=_string_is_object(snapshot, slot, item))
            if obj is not None:
                yield obj
                yield from _nested(snapshot, obj, bad)


def _string_is_object(index: Any, slot: str, value: Any) -> bool:
    """Whether LightningCLI reads the string ``value`` in ``slot`` as a class."""
    if not isinstance(value, str) or slot in NAME_SLOTS:
        return False
    if slot in TOP_SLOTS and not all(part.isidentifier() for part in value.split(".")):
        return False  # a config file to include
    if slot == "profiler":
        return "." in value or index.registered("profiler", value) is None
    return True


def _object(
    classes: Any,
    slot: str,
    key: KeyPath,
    value: Any,
    bad: frozenset[KeyPath],
    kinds: frozenset[str],
    *,
    string_is_object: bool,
    parent: Obj | None = None,
    param: str | None = None,
) -> Obj | None:
    """The object at ``key``, looked up in ``classes`` (the release's :class:`~trainer_lint.classes.ClassIndex`)."""
    if key in bad:
        return None
    if isinstance(value, dict):
        path = value.get("class_path")
        if not isinstance(path, str) or (*key, "class_path") in bad:
            return None
        init_args = value.get("init_args")
        if not isinstance(init_args, dict) or (*key, "init_args") in bad:
            init_args = None if "init_args" in value else {}
        return Obj(slot, key, path, init_args, True, classes.resolve_kinds(path, kinds), kinds, parent, param)
    if isinstance(value, str) and string_is_object and value:
        return Obj(slot, key, value, {}, False, classes.resolve_kinds(value, kinds), kinds, parent, param)
    return None


def _nested(index: Any, obj: Obj, bad: frozenset[KeyPath]) -> Iterator[Obj]:
    """The Lightning objects in ``obj``'s ``init_args`` (parameters typed as a Lightning class)."""
    from trainer_lint.classes import KIND_SLOTS

    if not obj.is_lightning:
        return
    for name, value in obj.args().items():
        kinds = obj.info.param_kinds(name)
        if not kinds or not isinstance(value, (dict, str)):
            continue
        slot = KIND_SLOTS[next(iter(sorted(kinds)))]
        child = _object(index, slot, obj.arg_key(name), value, bad, kinds, string_is_object=True, parent=obj, param=name)
        if child is not None:
            yield child
            yield from _nested(index, child, bad)


def project_findings(ctx: Context, code: str) -> list[Diagnostic]:
    """The findings of the project-aware checks (:mod:`trainer_lint.resolver.check`) with ``code``:
    the user's classes, bare names and LightningCLI's forms, read from source (never imported)."""
    by_code = ctx.cached("class_findings_by_code", lambda: _by_code(ctx.class_findings))
    return by_code.get(code, [])


def _by_code(found: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    out: dict[str, list[Diagnostic]] = {}
    for d in found:
        out.setdefault(d.code, []).append(d)
    return out


def lightning_objects(ctx: Context) -> list[Obj]:
    """The objects (nested ones too) that name a concrete Lightning class of the right kind for their place."""
    found = ctx._cache.get("lightning_objects")
    if found is None:
        found = ctx.cached("lightning_objects", lambda: [o for o in objects(ctx) if o.is_lightning])
    return found  # type: ignore[no-any-return]


def trainer_objects(ctx: Context, slot: str) -> list[Obj]:
    """The Lightning objects written directly under ``trainer.<slot>`` (not nested in another's init_args)."""
    return [o for o in lightning_objects(ctx) if o.slot == slot and o.parent is None]


def callbacks(ctx: Context) -> list[Obj]:
    """The Lightning callback objects of ``trainer.callbacks`` (also ``facts(ctx).callbacks``)."""
    return ctx.cached("callbacks", lambda: trainer_objects(ctx, "callbacks"))


def is_false(ctx: Context, name: str) -> bool:
    return ctx.is_set(name) and ctx.trainer[name] is False


def barebones_on(ctx: Context) -> bool:
    return ctx.is_set("barebones") and ctx.trainer["barebones"] is True


def quote_key(key: KeyPath) -> str:
    return f"`{format_key(key)}`"
