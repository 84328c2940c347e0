"""LightningCLI's YAML reader, rebuilt: which text becomes which value.

LightningCLI parses configs with jsonargparse, whose YAML loader (``jsonargparse``'s
``get_yaml_default_loader``) is PyYAML's ``SafeLoader`` (the libyaml ``CSafeLoader`` when PyYAML
has it) with two changes to YAML 1.1's implicit types:

* no timestamps: ``2024-01-02`` stays the string ``"2024-01-02"``;
* a float pattern that also takes exponents without a dot: ``1e-3`` is the float ``0.001``
  (plain PyYAML reads it as a string).

Everything else is YAML 1.1 as PyYAML implements it: ``yes``/``no``/``on``/``off`` are booleans,
``~``/``null``/``Null`` are None, ``017`` is octal, ``1:30`` is base 60 (90), ``0x1f`` and
``0b101`` are integers, ``.inf``/``.nan`` are floats; duplicate keys keep the last value;
``<<`` merge keys work. ``tests/test_yaml_loader.py`` checks this module against jsonargparse
itself on generated scalars and documents.

jsonargparse also re-reads *strings* when a parameter's type is not ``str``
(:func:`basic_load`): see :mod:`trainer_lint.formats.yaml_values`.

This module imports PyYAML; import it only when a YAML file is read.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FLOAT = re.compile(
    r"""^(?:
    [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
"""jsonargparse's implicit float pattern (its ``DefaultLoader``)."""


class Loader(_Base):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader with jsonargparse's implicit types (see the module docstring)."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT, list("-+0123456789."))

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
MERGE = "tag:yaml.org,2002:merge"

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError
ScalarNode = yaml.ScalarNode
SequenceNode = yaml.SequenceNode
MappingNode = yaml.MappingNode


def load(text: str) -> Any:
    """``yaml.load(text)`` with :class:`Loader`, as jsonargparse's ``yaml_load`` does it (including
    its rule that text such as ``a:`` or ``{a, b}``, which YAML reads as a table of nulls, stays
    the text)."""
    value = yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
    if isinstance(value, dict) and value and all(v is None for v in value.values()):
        if len(value) == 1 and text.strip() == next(iter(value)) + ":":  # TypeError for `0:`, as there
            return text
        keys = set(text.strip(" {}").replace(" ", "").split(","))
        if keys and keys == set(value):
            return text
    return value


_NOT_LOADED = object()


def _load_simple(text: str) -> Any:
    """jsonargparse's ``load_basic``: the values it reads without YAML."""
    text = text.strip()
    if text == "true":
        return True
    if text == "false":
        return False
    if text == "null":
        return None
    try:
        if text.isdigit() or (text.startswith("-") and text[1:].isdigit()):
            return int(text)
        if text.replace(".", "", 1).replace("e", "", 1).replace("-", "", 2).isdigit() and ("e" in text or "." in text):
            return float(text)
    except ValueError:
        pass
    return _NOT_LOADED


def basic_load(text: str) -> Any:
    """What jsonargparse makes of a *string* value where the parameter's type is not ``str``
    (``basic_json_or_yaml_load``): simple literals, else the string read as YAML; the string
    itself when it is blank or not valid YAML."""
    value = _load_simple(text)
    if value is not _NOT_LOADED:
        return value
    if text.strip() == "":
        return text
    try:
        return load(text)
    except (YAMLError, RecursionError, ValueError, TypeError):
        return text
