"""Types, closed choices, ranges and unknown keys: the checks that follow from the schema.

One walk over the document against the packaged JSON Schema (generated from
:mod:`trainer_lint.model`) finds every value that breaks its declared type. The walk runs once
per file (:func:`type_findings`); each rule reports the findings of its own code. By concern:
``walker.py`` (the walk), ``findings.py`` (the file's findings, once), ``values.py`` (TL100-TL102,
TL107) and ``keys.py`` (TL103-TL106: unknown, removed, missing and newer keys).

The walker understands the subset of JSON Schema that :mod:`trainer_lint.schema` emits:
``type``, ``enum``, ``const``, ``minimum``, ``maximum``, ``pattern``, ``properties``,
``additionalProperties``, ``required``, ``items``, ``anyOf``, ``allOf``, ``$ref``, ``not`` and the
extensions ``x-choices`` (a case-insensitive closed set of strings) and ``x-nullable`` (None fits:
the model says ``Optional``; only YAML can write it).
"""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.types import keys, values
from trainer_lint.rules.types.findings import type_findings
from trainer_lint.rules.types.keys import REMOVED_ARGUMENTS
from trainer_lint.rules.types.walker import accepts, compiled_pattern

RULES: tuple[type[Rule], ...] = tuple(sorted((*values.RULES, *keys.RULES), key=lambda rule: rule.code))

__all__ = ["REMOVED_ARGUMENTS", "RULES", "accepts", "compiled_pattern", "type_findings"]
