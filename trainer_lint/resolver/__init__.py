"""Static knowledge of the project's own classes and of its LightningCLI script.

Nothing here imports or runs what it reads. The modules, by concern:

* :mod:`~trainer_lint.resolver.finder`: a dotted module name -> its file, searching the source
  roots and the import path on the file system (never ``import_module``/``find_spec``);
* :mod:`~trainer_lint.resolver.source`: a file -> its ``ast`` and top-level bindings, cached by
  modification time and size;
* :mod:`~trainer_lint.resolver.names`: names -> classes across modules (the ``Resolver``);
  Lightning's own classes come from the release's class snapshot (:mod:`trainer_lint.classes`);
* :mod:`~trainer_lint.resolver.refs`: what a lookup gives back (a module, a function, a
  standard-library class, a Lightning class, or why it cannot be read);
* :mod:`~trainer_lint.resolver.classes`: a class read from source: bases, MRO, and the
  ``__init__`` parameters LightningCLI's parser (jsonargparse) finds
  (:mod:`~trainer_lint.resolver.signature`), following ``**kwargs``
  (:mod:`~trainer_lint.resolver.kwargs`);
* :mod:`~trainer_lint.resolver.hints` and :mod:`~trainer_lint.resolver.values`: annotations as
  types, and whether a TOML value fits one;
* :mod:`~trainer_lint.resolver.entrypoint`: the ``LightningCLI(...)`` call of the CLI script;
* :mod:`~trainer_lint.resolver.project`: a config's project (roots, script) and how a
  ``class_path`` under a key resolves, bare names included;
* :mod:`~trainer_lint.resolver.check`: a config's objects checked against all that.

Rules reach it through :class:`trainer_lint.rules.base.Context` (``ctx.project``,
``ctx.resolve(...)``, ``ctx.class_findings``). This package's ``__init__`` stays light: a config
that names only Lightning's classes imports nothing else from it (:func:`needs_project`).
"""

from __future__ import annotations

import re
from typing import Any

UNKNOWN_CLASS = "TL500"
WRONG_KIND = "TL501"
UNKNOWN_ARG = "TL502"
ARG_TYPE = "TL503"
MISSING_ARG = "TL504"
UNCHECKED = "TL520"
SCRIPT_UNUSABLE = "TL521"
FIXED_CLASS = "TL522"
AMBIGUOUS = "TL523"
"""The codes of the rules that report :func:`trainer_lint.resolver.check.findings`."""

TRAINER_SLOTS = ("callbacks", "logger", "strategy", "profiler", "plugins", "accelerator")
TOP_KEYS = ("model", "data", "optimizer", "lr_scheduler")
_STRING_OBJECTS = frozenset({"callbacks", "logger", "plugins", "profiler"})


def needs_project(data: dict[str, Any], has_script: bool, classes: Any = None) -> bool:
    """Whether a config names anything the project's source must judge: a ``[model]``, ``[data]``,
    ``optimizer`` or ``lr_scheduler``, or a Trainer object that is not one of Lightning's classes
    (those of ``classes``, the release's :class:`~trainer_lint.classes.ClassIndex`; the newest
    release's when None). With a CLI script, any bare class name counts: LightningCLI may see a
    project class of that name."""
    if any(key in data for key in TOP_KEYS):
        return True
    trainer = data.get("trainer")
    if not isinstance(trainer, dict):
        return False
    if classes is None:
        from trainer_lint.classes import newest

        classes = newest()
    for slot in TRAINER_SLOTS:
        value = trainer.get(slot)
        for item in value if isinstance(value, list) else [value]:
            path = item.get("class_path") if isinstance(item, dict) else item if isinstance(item, str) and (slot in _STRING_OBJECTS or "." in item) else None
            if not isinstance(path, str) or slot == "profiler" and not isinstance(item, dict) and re.fullmatch(r"[a-z]+", path):
                continue
            if has_script and "." not in path:
                return True
            if classes.resolve(path, slot) is None and not ("." in path and classes.in_known_module(path)) and classes.foreign(path) is None:
                return True
    return False
