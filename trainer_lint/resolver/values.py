"""Whether a TOML value fits a parameter's :class:`~trainer_lint.resolver.hints.Type`, as
jsonargparse (LightningCLI's parser) judges it, with one deliberate difference.

Measured against jsonargparse 4.x through ``LightningCLI(..., run=False)`` (see
``tests/differential/test_lightning_cli.py``): an integer is fine for a float; a float (even
``3.0``) or a boolean is not an integer; a string is not a number, and a number is not a string;
an enum takes a member *name*; a ``Literal`` takes one of its values; a tuple takes exactly its
number of items; a dataclass takes a table of its fields (unknown fields are rejected, fields
without defaults are needed); ``"null"`` (or ``"~"``) is ``None`` where the type allows ``None``
(TOML has no null); a class type takes a ``class_path`` table or a class name.

The difference: jsonargparse reads a *string* as YAML where a number, boolean, list or ``None``
is expected (``lr: "0.1"`` becomes ``0.1``). TOML values are typed, so trainer-lint reports a
string where the parameter takes no string, and says that LightningCLI would convert it
(:attr:`Problem.typed_string`).
"""

from __future__ import annotations

import re
from typing import Any

from trainer_lint.resolver.hints import Type

NULL_SPELLINGS = frozenset({"null", "Null", "NULL", "~"})
"""Strings jsonargparse reads as ``None`` (YAML's null)."""

PATHLIKE = re.compile(r"(/|\\|\.(ya?ml|json|jsonnet)$)")
"""A string that reads as a file path (LightningCLI includes a config file given where a table is expected)."""

_YAML_BOOL = frozenset(
    {"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"}
)
_YAML_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)$")
_YAML_FLOAT = re.compile(r"[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?$")


class Problem:
    """A value that the parameter's type rejects: ``kind`` is ``type`` (wrong type), ``unknown`` (a
    key a dataclass does not take) or ``missing`` (a field it needs); ``key`` is where, relative
    to the value checked; ``typed_string`` marks a string where the type takes no string, which
    jsonargparse would convert."""

    __slots__ = ("kind", "key", "message", "typed_string")

    def __init__(self, kind: str, key: tuple[Any, ...], message: str, typed_string: bool = False) -> None:
        self.kind = kind
        self.key = key
        self.message = message
        self.typed_string = typed_string

    def __repr__(self) -> str:
        return f"Problem({self.kind}, {self.key}, {self.message!r})"


class Nested:
    """A ``class_path`` object inside a value (an injected ``nn.Module``, an optimizer class);
    ``base`` is the class the annotation names (a resolver class), which it must subclass."""

    __slots__ = ("key", "value", "base")

    def __init__(self, key: tuple[Any, ...], value: Any, base: Any) -> None:
        self.key = key
        self.value = value
        self.base = base


def check(value: Any, kind: Type, label: str, owner: str = "") -> tuple[list[Problem], list[Nested]]:
    """The problems of ``value`` against ``kind`` (``label`` names the parameter in messages, of
    the class ``owner``) and the nested objects to check on their own."""
    problems: list[Problem] = []
    nested: list[Nested] = []
    _check(value, kind, f"{label}@{owner}" if owner else label, (), problems, nested, 0)
    return problems, nested


def accepts(value: Any, kind: Type) -> bool:
    """Whether ``value`` fits ``kind`` with no problem at all (nested objects not judged)."""
    problems: list[Problem] = []
    _check(value, kind, "", (), problems, [], 0)
    return not problems


def _check(value: Any, kind: Type, label: str, key: tuple[Any, ...], problems: list[Problem], nested: list[Nested], depth: int) -> None:
    if depth > 50:
        return
    k = kind.kind
    if k in ("any", "unknown"):
        return
    if k == "union":
        _union(value, kind, label, key, problems, nested, depth)
        return
    if isinstance(value, str) and k not in ("str", "path", "enum", "class", "callable", "classtype", "dataclass") and not (
        k == "literal" and any(isinstance(v, str) for v in kind.values)
    ):
        if k == "none" and value in NULL_SPELLINGS:
            return
        problems.append(_wrong(value, kind, label, key, typed=True))
        return
    fits = _fits_scalar(value, kind)
    if fits is False:
        problems.append(_wrong(value, kind, label, key))
        return
    if fits is True:
        return
    if k in ("list", "tuple"):
        if not isinstance(value, list):
            problems.append(_wrong(value, kind, label, key))
            return
        if k == "tuple" and not kind.variadic:
            if len(value) != len(kind.args):
                problems.append(Problem("type", key, f"{_subject(label, key)} expects an array of exactly {len(kind.args)} items ({kind.name}), found {len(value)}"))
                return
            for index, (item, arm) in enumerate(zip(value, kind.args)):
                _check(item, arm, label, (*key, index), problems, nested, depth + 1)
            return
        item_type = kind.args[0] if kind.args else None
        if item_type is not None:
            for index, item in enumerate(value):
                _check(item, item_type, label, (*key, index), problems, nested, depth + 1)
        return
    if k == "dict":
        if not isinstance(value, dict):
            problems.append(_wrong(value, kind, label, key))
            return
        value_type = kind.args[1] if len(kind.args) == 2 else None
        if value_type is not None:
            for name, item in value.items():
                _check(item, value_type, label, (*key, name), problems, nested, depth + 1)
        return
    if k == "dataclass":
        _dataclass(value, kind, label, key, problems, nested, depth)
        return
    if k == "class":
        if isinstance(value, dict):  # with class_path a subclass, without it the class itself
            nested.append(Nested(key, value, kind.ref))
            return
        if isinstance(value, str):
            if "." in value and not PATHLIKE.search(value):
                nested.append(Nested(key, value, kind.ref))
            return
        problems.append(_wrong(value, kind, label, key))
        return
    if k in ("callable", "classtype"):
        if not isinstance(value, (str, dict)):
            problems.append(_wrong(value, kind, label, key))


STRING_KINDS = frozenset({"str", "path", "enum", "class", "callable", "classtype", "dataclass"})
"""Kinds that take a string as it is (jsonargparse does not read it again)."""


def lightningcli_reading(value: Any, kind: Type, depth: int = 0) -> Any:
    """``value`` as LightningCLI hands it on for a parameter of ``kind`` when it comes from a YAML
    config: a string where the type takes no string is read again as YAML (``"0.1"`` -> ``0.1``,
    ``"null"`` -> None), trying the members of a union in order, None last, as jsonargparse does
    (``trainer_lint.formats.yaml_values`` does the same for Lightning's own classes). TOML configs
    are run by ``trainer-lint run``, which reads nothing again; they are checked as written."""
    k = kind.kind
    if depth > 50 or k in ("any", "unknown"):
        return value
    if k == "union":
        for arm in sorted(kind.args, key=lambda a: a.kind == "none"):
            read = lightningcli_reading(value, arm, depth + 1)
            if accepts(read, arm):
                return read
        return value
    if isinstance(value, str):
        if k in STRING_KINDS or k == "literal" and value in kind.values:
            return value
        from trainer_lint.formats.yaml_loader import basic_load

        loaded = basic_load(value)
        return value if isinstance(loaded, str) else lightningcli_reading(loaded, kind, depth + 1)
    if isinstance(value, list) and k in ("list", "tuple") and kind.args:
        arms = kind.args if k == "tuple" and not kind.variadic else [kind.args[0]] * len(value)
        return [lightningcli_reading(v, a, depth + 1) for v, a in zip(value, arms)] + value[len(arms):]
    if isinstance(value, dict) and k == "dict" and len(kind.args) == 2:
        return {n: lightningcli_reading(v, kind.args[1], depth + 1) for n, v in value.items()}
    return value


def _fits_scalar(value: Any, kind: Type) -> bool | None:
    """True/False for scalar types, None for containers and classes (checked by the caller)."""
    k = kind.kind
    if k == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if k == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if k == "bool":
        return isinstance(value, bool)
    if k in ("str", "path"):
        return isinstance(value, str)
    if k == "none":
        return value is None or isinstance(value, str) and value in NULL_SPELLINGS
    if k == "literal":
        return any(value == v and (isinstance(value, bool) == isinstance(v, bool)) for v in kind.values)
    if k == "enum":
        return isinstance(value, str) and value in kind.values
    return None


def _union(value: Any, kind: Type, label: str, key: tuple[Any, ...], problems: list[Problem], nested: list[Nested], depth: int) -> None:
    arms = kind.args
    if any(a.kind in ("any", "unknown") for a in arms):
        return
    shaped: list[list[Problem]] = []
    for arm in arms:
        arm_problems: list[Problem] = []
        arm_nested: list[Nested] = []
        _check(value, arm, label, key, arm_problems, arm_nested, depth + 1)
        if not arm_problems:
            nested.extend(arm_nested)
            return
        if _same_shape(value, arm):
            shaped.append(arm_problems)
    if len(shaped) == 1:  # one arm has the value's shape (a table for a dataclass): its problems say more
        problems.extend(shaped[0])
        return
    typed = isinstance(value, str) and not any(a.kind in ("str", "path") for a in arms)
    problems.append(_wrong(value, kind, label, key, typed=typed))


def _same_shape(value: Any, kind: Type) -> bool:
    if isinstance(value, list):
        return kind.kind in ("list", "tuple")
    if isinstance(value, dict):
        return kind.kind in ("dict", "dataclass")
    return False


def _dataclass(value: Any, kind: Type, label: str, key: tuple[Any, ...], problems: list[Problem], nested: list[Nested], depth: int) -> None:
    if isinstance(value, str):
        return  # a config file to include, or a class name: not judged
    if not isinstance(value, dict):
        problems.append(_wrong(value, kind, label, key))
        return
    if "class_path" in value:
        return
    from trainer_lint.resolver.classes import Signature

    signature = kind.ref.signature()
    if not isinstance(signature, Signature) or signature.open:
        return
    for name, item in value.items():
        param = signature.params.get(name)
        if param is None:
            problems.append(Problem("unknown", (*key, name), f"the dataclass `{kind.name}` ({_subject(label, key)}) has no field `{name}`{_did_you_mean(name, list(signature.params))}"))
            continue
        _check(item, param.type, label, (*key, name), problems, nested, depth + 1)
    for name, param in signature.params.items():
        if param.required and name not in value and not all_defaults(param.type):
            problems.append(Problem("missing", key, f"{_subject(label, key)} needs the field `{name}` of the dataclass `{kind.name}`"))


def all_defaults(kind: Type) -> bool:
    """Whether a value of ``kind`` may be left out although its parameter has no default: a
    dataclass whose fields all have defaults (jsonargparse builds it from them)."""
    if kind.kind != "dataclass":
        return False
    from trainer_lint.resolver.classes import Signature

    signature = kind.ref.signature()
    return isinstance(signature, Signature) and not signature.open and all(not p.required or all_defaults(p.type) for p in signature.params.values())


def _did_you_mean(name: str, known: list[str]) -> str:
    from trainer_lint.rules.base import closest

    close = closest(name, tuple(known), 0.7)
    return f"; did you mean `{close[0]}`?" if close else ""


def _subject(label: str, key: tuple[Any, ...]) -> str:
    name, _, owner = label.partition("@")  # "lr@Net": parameter `lr` of the class `Net`
    tail = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key)
    return f"`{name}{tail}`" + (f" of `{owner}`" if owner else "")


def expected(kind: Type) -> str:
    """What a type takes, in TOML words."""
    k = kind.kind
    if k == "int":
        return "an integer"
    if k == "float":
        return "a number"
    if k == "bool":
        return "a boolean"
    if k == "str":
        return "a string"
    if k == "path":
        return "a path (a string)"
    if k == "none":
        return '"null"'
    if k == "literal":
        return "one of " + ", ".join(_show(v) for v in kind.values)
    if k == "enum":
        return f"a member name of the enum `{kind.name}` (" + ", ".join(f'"{v}"' for v in kind.values) + ")"
    if k in ("list", "tuple"):
        if k == "tuple" and not kind.variadic:
            return f"an array of {len(kind.args)} items"
        inner = kind.args[0] if kind.args else None
        return "an array" + (f" of {_plural(inner)}" if inner is not None and inner.kind not in ("any", "unknown") else "")
    if k in ("dict",):
        return "a table"
    if k == "dataclass":
        return f"a table of the fields of `{kind.name}`"
    if k == "class":
        return f"a `class_path` table or a class name (a subclass of `{kind.name}`)"
    if k in ("callable", "classtype"):
        return "an import path (a string)"
    if k == "union":
        words: list[str] = []
        for arm in kind.args:
            word = expected(arm)
            if word not in words:
                words.append(word)
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return "another value"


def _plural(kind: Type) -> str:
    word = expected(kind)
    return {"an integer": "integers", "a number": "numbers", "a boolean": "booleans", "a string": "strings"}.get(word, f"items that are each {word}")


def _show(value: Any) -> str:
    from trainer_lint.rules.base import show

    return show(value)


def _wrong(value: Any, kind: Type, label: str, key: tuple[Any, ...], typed: bool = False) -> Problem:
    from trainer_lint.rules.base import found_text

    message = f"{_subject(label, key)} expects {expected(kind)}, found {found_text(value)}"
    if typed and isinstance(value, str):  # (a YAML config's caller drops this TOML note: TYPED_NOTE)
        converted = _converted(value)
        if converted is not None:
            message += f"; LightningCLI would convert the string, but TOML values are typed: write `{converted}`"
        else:
            message += " (TOML values are typed: a string is not converted)"
    return Problem("type", key, message, typed_string=typed and isinstance(value, str))


TYPED_NOTE = re.compile(r"(; LightningCLI would convert the string, but TOML values are typed: write `[^`]*`| \(TOML values are typed: a string is not converted\))$")
"""The note a typed-string problem ends with, which says nothing true of a YAML config."""


def _converted(text: str) -> str | None:
    """How ``text`` is written as the TOML value jsonargparse would read it as, if it reads as one."""
    stripped = text.strip()
    if stripped in _YAML_BOOL:
        return "true" if stripped.lower() in ("true", "yes", "on") else "false"
    if _YAML_INT.match(stripped) and any(c.isdigit() for c in stripped):
        return stripped.replace("_", "") if not stripped.lower().startswith(("0x", "0o", "0b")) else stripped
    if _YAML_FLOAT.match(stripped) and any(c.isdigit() for c in stripped):
        return stripped
    if stripped.startswith("[") and stripped.endswith("]"):
        return stripped
    return None
