"""Hydra / OmegaConf configs: YAML whose ``trainer`` mapping an application passes to
``Trainer(**cfg.trainer)`` itself, rather than LightningCLI reading the whole file.

Many Lightning projects (NeMo, lightning-hydra-template, ...) keep their trainer settings this
way. The rest of such a file is the application's own schema, OmegaConf resolves ``${...}``
interpolations, ``???`` marks a value given at launch, and ``_target_`` tables are objects Hydra
builds. Read as a LightningCLI config, every one of those is a false alarm (unknown top-level
keys, a ``model`` without ``class_path``, "interpolation not resolved", "expects an integer, found
a string"). So a file is read in this dialect when it shows OmegaConf's or Hydra's own syntax
(:func:`is_hydra`), and then (:func:`hydra_view`):

* only the ``trainer`` mapping is checked (it is what reaches the Trainer; a ``_target_`` naming
  the Trainer class itself, as lightning-hydra-template writes it, is left out);
* a ``${...}`` or ``???`` value is one trainer-lint cannot know: its findings are dropped, like an
  interpolation's in a LightningCLI config; no TL007;
* a ``_target_`` table (``strategy: {_target_: ...DDPStrategy, find_unused_parameters: true}``)
  is the object Hydra builds, ``Target(**rest)``: the rules see it as the ``class_path`` table
  LightningCLI would build the same way, so the flags are checked against it, while its own
  arguments are not checked (their findings are dropped: ``_partial_``, ``_args_`` and
  interpolated targets change what gets built);
* everything else in ``trainer`` is checked as usual: a removed or misspelt Trainer argument
  fails ``Trainer(**cfg.trainer)`` just as it fails LightningCLI.
"""

from __future__ import annotations

from typing import Any

from trainer_lint.diagnostic import KeyPath
from trainer_lint.formats import LIGHTNINGCLI_KEYS

MISSING = "???"
"""OmegaConf's mandatory value: it must be given when the application starts (a command-line
override), and reading it earlier raises ``MissingMandatoryValue``."""

TARGET = "_target_"
"""The key of an object Hydra's ``instantiate`` builds."""


def is_hydra(raw: Any, interpolated: bool = False, text: str | None = None) -> bool:
    """Whether a loaded YAML document is written for Hydra / OmegaConf: a top-level ``defaults``
    list or ``hydra`` mapping, a ``_target_`` key or a ``???`` value anywhere, or ``${...}``
    interpolations (``interpolated``) in a file whose top level holds keys LightningCLI does not
    declare (an application's own config: ``name``, ``exp_manager``, ...). ``text``, the file's
    text, lets files without ``_target_`` or ``???`` skip the walk."""
    if not isinstance(raw, dict):
        return False
    if isinstance(raw.get("defaults"), list) or isinstance(raw.get("hydra"), dict):
        return True
    if interpolated and any(key not in LIGHTNINGCLI_KEYS for key in raw):
        return True
    if text is not None and TARGET not in text and MISSING not in text:
        return False  # the file's text says it before the walk would (most files)
    return _has_hydra_syntax(raw, 0)


def _has_hydra_syntax(value: Any, depth: int) -> bool:
    if depth > 64:
        return False
    if isinstance(value, dict):
        return TARGET in value or any(_has_hydra_syntax(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_has_hydra_syntax(v, depth + 1) for v in value)
    return value == MISSING


def hydra_view(data: dict[str, Any]) -> tuple[dict[str, Any], set[KeyPath]]:
    """The part of a Hydra config that trainer-lint checks (the ``trainer`` mapping, its
    ``_target_`` tables written as ``class_path`` tables), and the key paths whose values it
    cannot know (``???``; the arguments of a ``_target_`` table; a ``_target_`` table with
    ``_partial_``, ``_args_`` and the like altogether)."""
    unknown: set[KeyPath] = set()
    view: dict[str, Any] = {}
    if isinstance(data.get("trainer"), dict):
        view["trainer"] = _view(_own_arguments(data["trainer"]), ("trainer",), unknown, 0)
    return view, unknown


def aliases(raw: Any) -> dict[KeyPath, KeyPath]:
    """Where each key of the view is written in the file: ``class_path`` at ``_target_``, an
    ``init_args`` argument at the table's own key (so findings and fixes land on the text)."""
    out: dict[KeyPath, KeyPath] = {}
    if isinstance(raw, dict) and isinstance(raw.get("trainer"), dict):
        _aliases(_own_arguments(raw["trainer"]), ("trainer",), out, 0)
    return out


def _own_arguments(trainer: dict[str, Any]) -> dict[str, Any]:
    """The Trainer's arguments in a ``trainer`` mapping that Hydra may build itself
    (``_target_: lightning.pytorch.Trainer``, as lightning-hydra-template writes it)."""
    if TARGET not in trainer:
        return trainer
    return {k: v for k, v in trainer.items() if not _special(k)}


def _special(key: Any) -> bool:
    return isinstance(key, str) and key.startswith("_") and key.endswith("_") and len(key) > 2


def _mappable(table: dict[str, Any]) -> bool:
    """A ``_target_`` table that means ``Target(**rest)``: a literal target, no other special keys."""
    target = table.get(TARGET)
    return isinstance(target, str) and "${" not in target and not any(_special(k) for k in table if k != TARGET)


def _view(value: Any, path: KeyPath, unknown: set[KeyPath], depth: int) -> Any:
    if depth > 64:
        return value
    if isinstance(value, dict):
        if TARGET in value:
            if not _mappable(value):
                unknown.add(path)
                return value
            unknown.add((*path, "init_args"))
            return {"class_path": value[TARGET], "init_args": {k: v for k, v in value.items() if k != TARGET}}
        return {k: _view(v, (*path, k), unknown, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_view(v, (*path, n), unknown, depth + 1) for n, v in enumerate(value)]
    if value == MISSING:
        unknown.add(path)
    return value


def _aliases(value: Any, path: KeyPath, out: dict[KeyPath, KeyPath], depth: int) -> None:
    if depth > 64:
        return
    if isinstance(value, dict):
        if TARGET in value and _mappable(value):
            out[(*path, "class_path")] = (*path, TARGET)
            out[(*path, "init_args")] = path
            for key in value:
                if key != TARGET:
                    out[(*path, "init_args", key)] = (*path, key)
            return
        for key, item in value.items():
            _aliases(item, (*path, key), out, depth + 1)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _aliases(item, (*path, number), out, depth + 1)
