"""The JSON Schema of a config file for any known release, derived from the newest one's.

The committed schema (``trainer_lint/trainer.schema.json``, generated from
:mod:`trainer_lint.model`) describes the newest release. For an older one, :func:`schema_for`
copies it and applies what the release data says differs, without pydantic:

* ``Trainer`` arguments the release does not take are dropped (the type walk then reports them:
  TL106 names the release that added them), and arguments it takes that the newest does not are
  added with their own annotation's type;
* an argument whose annotation translates to a different TOML type (``val_check_interval``
  before 2.6 takes only numbers) gets that type; where the annotation has no TOML form, any
  value is accepted (an error only when provable);
* defaults are the release's own (``precision`` defaults to ``"32-true"`` in 2.0);
* the closed sets (accelerator, strategy, profiler and precision names) are the release's;
* ``x-before`` declarations (a check a release does not make yet, written next to the type in
  :mod:`trainer_lint.model`) replace keywords for releases before the one named.

The choice lists here are also what :mod:`trainer_lint.model` builds the newest schema from, so
the committed schema and the release data cannot disagree (``tests/test_releases.py`` checks that
patching the newest release changes nothing).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainer_lint.lightning.releases import Release

TRAINER = "BaseTrainerConfig"

EXTRA_ACCELERATORS = ("auto", "gpu", "hpu")
"""Accelerator names the Trainer reads besides its registry: ``auto`` and ``gpu`` (the accelerator
connector accepts both), and ``hpu``, which ``lightning-habana`` registers once imported (rule
TL310 says so, rather than an invalid-choice error)."""

_ACCELERATOR_ORDER = ("auto", "cpu", "gpu", "cuda", "mps", "tpu", "hpu")


def accelerator_choices(release: Release) -> tuple[str, ...]:
    """The accelerator names a config may write for ``release``, in a stable order."""
    names = set(release.accelerators) | set(EXTRA_ACCELERATORS)
    ordered = [n for n in _ACCELERATOR_ORDER if n in names]
    return tuple(ordered + sorted(names - set(ordered)))


def strategy_choices(release: Release) -> tuple[str, ...]:
    """``auto`` and the registered strategy names (Lightning lower-cases a name before looking it up)."""
    return ("auto", *sorted(release.strategies))


def profiler_choices(release: Release) -> tuple[str, ...]:
    return tuple(release.profilers)


def case_insensitive(value: str) -> str:
    """A regular expression matching ``value`` in any case, written without inline flags
    (``(?i)`` is not ECMA-262, the dialect JSON Schema specifies): ``ddp`` -> ``[dD][dD][pP]``."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in value)


def choices_pattern(values: tuple[str, ...]) -> str:
    """The pattern of a case-insensitive closed set of names."""
    return "^(" + "|".join(case_insensitive(v) for v in values) + ")$"


_CACHE: dict[str, dict[str, Any]] = {}


def schema_for(release: Release) -> dict[str, Any]:
    """The schema ``check`` validates against when the config is for ``release`` (cached)."""
    hit = _CACHE.get(release.version)
    if hit is None:
        from trainer_lint.schema import load_packaged

        hit = _CACHE[release.version] = patch(load_packaged(), release)
    return hit


def patch(base: dict[str, Any], release: Release, *, editor: bool = False) -> dict[str, Any]:
    """``base`` (the newest release's schema) made to describe ``release``. Only the trainer
    table's definition is copied; the rest is shared with ``base``. ``editor=True`` also
    rewrites the editor-only parts (hover docs, class completions) for the release."""
    from trainer_lint.lightning.releases import newest

    latest = newest()
    if release.data_set == latest.data_set and not editor:
        return base
    schema = dict(base)
    definitions = dict(base["definitions"])
    schema["definitions"] = definitions
    trainer = definitions[TRAINER] = copy.deepcopy(base["definitions"][TRAINER])
    properties: dict[str, Any] = trainer["properties"]
    for name in list(properties):
        if not release.has(name):
            del properties[name]
    for name, entry in release.parameters.items():
        mine = entry.get("type")
        theirs = latest.parameters.get(name, {}).get("type")
        if name not in properties or name not in latest.parameters or mine != theirs:
            prop = dict(mine) if mine is not None else {}
            old = properties.get(name, {})
            for key in ("description", "x-taplo"):
                if key in old:
                    prop[key] = old[key]
            properties[name] = prop
        prop = properties[name]
        if "default" in entry and entry["default"] is not None:
            prop["default"] = entry["default"]
        else:
            prop.pop("default", None)
    _set_choices(properties, release)
    _apply_before(properties, release)
    if editor:
        from trainer_lint import schema as schema_module

        for name, prop in properties.items():
            docs = prop.get("x-taplo", {}).get("docs")
            if docs is not None:
                docs.pop("main", None)
            schema_module._add_taplo_docs(name, prop)
        schema_module._document_enums(trainer)
        _classes(definitions, release)
        schema["$comment"] = f"{base.get('$comment', '')} Lightning {release.version}."
    return schema


def _set_choices(properties: dict[str, Any], release: Release) -> None:
    """Put the release's closed sets into the properties that have them."""
    if "accelerator" in properties:
        for branch in _branches(properties["accelerator"]):
            if branch.get("type") == "string" and "enum" in branch:
                branch["enum"] = list(accelerator_choices(release))
    for name, values in (("strategy", strategy_choices(release)), ("profiler", profiler_choices(release))):
        if name in properties:
            for branch in _branches(properties[name]):
                if "x-choices" in branch:
                    branch["x-choices"] = list(values)
                    branch["pattern"] = choices_pattern(values)
    if "precision" in properties:
        precisions = release.precisions
        for branch in _branches(properties["precision"]):
            enum = branch.get("enum")
            if not isinstance(enum, list):
                continue
            if branch.get("type") == "integer":
                branch["enum"] = list(precisions["int"])
            elif any(isinstance(v, str) and "-" in v for v in enum):
                branch["enum"] = list(precisions["str"])
            else:
                branch["enum"] = list(precisions["alias"])


def _apply_before(node: Any, release: Release) -> None:
    """Apply ``x-before`` declarations: ``{"x-before": {"2.3": {...}}}`` on a schema node means
    "for releases before 2.3, these keywords instead" (``null``: without that keyword) — a check
    that a signature cannot show, declared next to the type it refines. Older thresholds win
    over newer ones."""
    from trainer_lint.lightning.versions import parse

    if isinstance(node, list):
        for item in node:
            _apply_before(item, release)
        return
    if not isinstance(node, dict):
        return
    before = node.get("x-before")
    if isinstance(before, dict):
        for version in sorted(before, key=parse, reverse=True):
            if release.before(version):
                for key, value in before[version].items():
                    if value is None:  # the keyword does not hold before that release
                        node.pop(key, None)
                    else:
                        node[key] = value
    for key, value in node.items():
        if key != "x-before":
            _apply_before(value, release)


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return prop["anyOf"] if "anyOf" in prop else [prop]


def _classes(definitions: dict[str, Any], release: Release) -> None:
    """Class completions (``init_args`` per ``class_path``) from the release's own snapshot."""
    from trainer_lint.classes import extend_schema

    target = definitions.get("ClassPathConfig")
    if target is None:
        return
    definitions["ClassPathConfig"] = copy.deepcopy(target)
    extend_schema({"definitions": definitions}, release.classes)


def editor_schema(release: Release) -> dict[str, Any]:
    """The schema an editor should use for configs of ``release`` (``trainer-lint schema --lightning-version``)."""
    from trainer_lint.schema import load_packaged

    return patch(load_packaged(), release, editor=True)
