"""The ``class_path`` objects of a file, collected once: where each is written (its slot and key),
its class path and ``init_args``, and the Lightning class it names (from the class snapshot).
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


NAMED_SLOTS = frozenset({"strategy", "accelerator"})
"""Keys whose type tries ``str`` before a class (``Union[str, Strategy]``): a bare string there is a
registered name, so only a dotted string is a class path. ``profiler`` (``Union[Profiler, str]``)
tries the class first: a string is an object unless it is one of the registered profiler names."""


@dataclass(frozen=True)
class Obj:
    """One ``class_path`` object as written: a table, or a class path string."""

    slot: str
    key: KeyPath
    class_path: str
    init_args: dict[str, Any] | None
    is_table: bool
    info: Any  # trainer_lint.classes.ClassInfo | None

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


def objects(ctx: Context) -> list[Obj]:
    """Every well-formed object in the file (computed once per file)."""
    return ctx.cached("objects", lambda: list(_collect(ctx)))


def _collect(ctx: Context) -> Iterator[Obj]:
    bad = ctx.invalid_keys
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
            obj = _object(ctx, slot, item_key, item, bad)
            if obj is not None:
                yield obj


def _object(ctx: Context, slot: str, key: KeyPath, value: Any, bad: frozenset[KeyPath]) -> Obj | None:
    classes = ctx.lightning.classes  # the class snapshot of the release the file is checked against
    if key in bad:
        return None
    if isinstance(value, dict):
        path = value.get("class_path")
        if not isinstance(path, str) or (*key, "class_path") in bad:
            return None
        init_args = value.get("init_args")
        if not isinstance(init_args, dict) or (*key, "init_args") in bad:
            init_args = None if "init_args" in value else {}
        return Obj(slot, key, path, init_args, True, classes.resolve(path, slot))
    if isinstance(value, str) and (slot not in NAMED_SLOTS or "." in value):
        if slot == "profiler" and value.lower() in ctx.lightning.profilers:
            return None
        if slot in TOP_SLOTS and not all(part.isidentifier() for part in value.split(".")):
            return None  # a config file to include
        return Obj(slot, key, value, {}, False, classes.resolve(value, slot))
    return None


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
    """The objects that name a Lightning class of the right kind for their key."""
    return ctx.cached("lightning_objects", lambda: _lightning_objects(ctx))


def _lightning_objects(ctx: Context) -> list[Obj]:
    from trainer_lint.classes import SLOT_KINDS

    return [o for o in objects(ctx) if o.info is not None and o.info.kind in SLOT_KINDS[o.slot] and not o.info.abstract]


def callbacks(ctx: Context) -> list[Obj]:
    return ctx.cached("callbacks", lambda: [o for o in lightning_objects(ctx) if o.slot == "callbacks"])


def is_false(ctx: Context, name: str) -> bool:
    return ctx.is_set(name) and ctx.trainer[name] is False


def barebones_on(ctx: Context) -> bool:
    return ctx.is_set("barebones") and ctx.trainer["barebones"] is True


def quote_key(key: KeyPath) -> str:
    return f"`{format_key(key)}`"
