"""The project's own classes of each kind, for ``class_path`` completion: a small adapter over the
resolver (:mod:`trainer_lint.resolver`), which answers for one path or name but does not list.

:func:`classes_of` gives the classes under the project's source roots that a key takes: those
whose bases reach the key's Lightning base (``Callback`` under ``callbacks``, ``LightningModule``
under ``model``, ``LightningDataModule`` under ``data``, ...; with a CLI script, the base class
it gives ``model`` or ``data`` in subclass mode, and none in fixed-class mode, where a
``class_path`` is an error), as far as the resolver can follow them (a class whose bases cannot
be read is left out: completion offers what is known to fit).
Nothing is imported: modules are found by :meth:`Project.name_index
<trainer_lint.resolver.project.Project.name_index>` (a text scan for ``class`` statements, cached
per file by modification time and size) and read with ``ast`` by the resolver.

The first listing for a key reads every module of the roots that defines a class; the answer is
then kept with the :class:`~trainer_lint.resolver.project.Project`. The resolver hands out a new
project when a file it read, a file it scanned or a folder it listed has changed (modification
time, size: :func:`~trainer_lint.resolver.project.project_for`), so a class saved into a new or
edited file is offered at the next completion, and typing in a config never rescans the project.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

_LISTED: weakref.WeakKeyDictionary[Any, dict[str, tuple[Any, ...]]] = weakref.WeakKeyDictionary()
"""Project -> key -> its classes (a project that is replaced takes its lists with it)."""


def classes_of(project: Any, slot: str) -> tuple[Any, ...]:
    """The project's classes (resolver ``PyClass`` es, by dotted path) that ``slot`` takes; empty
    for a key without a Lightning base (``optimizer``, ``lr_scheduler``: torch's classes)."""
    listed = _LISTED.setdefault(project, {})
    found = listed.get(slot)
    if found is None:
        found = listed[slot] = _list(project, slot)
    return found


def _list(project: Any, slot: str) -> tuple[Any, ...]:
    from trainer_lint.resolver.classes import PyClass, Unresolved

    test = project.base_test(slot)
    cli = project.cli()
    if slot in ("model", "data") and cli is not None and cli.known:
        form = getattr(cli, slot)
        if form.mode == "fixed":
            return ()  # the table holds one class's arguments: a class_path there is an error
        if form.base is not None and not isinstance(form.base, Unresolved):
            test = project.base_test(slot, form.base)  # subclass mode of the script's own base class
    if test is None:
        return ()
    out: dict[str, Any] = {}
    for name, places in project.name_index().items():
        if name.startswith("_"):
            continue
        for module_name, path in places:
            try:
                module = project.resolver.module(module_name)
                if isinstance(module, Unresolved) or os.path.abspath(module.path) != os.path.abspath(path):
                    continue
                target = project.resolver.name(module, name)
                if isinstance(target, PyClass) and target.module is module and target.subclass_of(test):
                    out.setdefault(target.path, target)
            except (RecursionError, ValueError, OSError):  # best effort: a module the resolver cannot read is skipped
                continue
    return tuple(out[path] for path in sorted(out))
