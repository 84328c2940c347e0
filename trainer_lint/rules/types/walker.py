"""The walk of a document against the packaged JSON Schema: every value that breaks its declared type.

One walk over the document against the packaged JSON Schema (generated from
:mod:`trainer_lint.model`) finds every value that breaks its declared type, as diagnostics with
the codes of the TL1xx rules (:mod:`trainer_lint.rules.types`). It runs once per file
(:func:`trainer_lint.rules.types.findings.type_findings`).

The walker understands the subset of JSON Schema that :mod:`trainer_lint.schema` emits:
``type``, ``enum``, ``const``, ``minimum``, ``maximum``, ``pattern``, ``properties``,
``additionalProperties``, ``required``, ``items``, ``anyOf``, ``allOf``, ``$ref``, ``not`` and the
extensions ``x-choices`` (a case-insensitive closed set of strings) and ``x-nullable`` (None fits:
the model says ``Optional``; only YAML can write it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, Severity, format_key
from trainer_lint.rules.base import closest, found_text, show

WRONG_TYPE = "TL100"
INVALID_CHOICE = "TL101"
OUT_OF_RANGE = "TL102"
UNKNOWN_KEY = "TL103"
REMOVED_ARGUMENT = "TL104"
MISSING_KEY = "TL105"
NEWER_ARGUMENT = "TL106"
RELEASE_VALUE = "TL107"

MAX_FINDINGS = 1000
"""At most this many schema findings per file, and :data:`MAX_ARRAY_FINDINGS` per array: a
hostile file (a million bad elements, a million unknown keys) is linted in bounded time. Every
finding is an error, so the cap never changes the exit code."""
MAX_ARRAY_FINDINGS = 100

_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "array": "an array",
    "object": "a table",
}


_WALKED_KEYWORDS = frozenset(
    {"$ref", "allOf", "anyOf", "type", "x-choices", "enum", "const", "minimum", "maximum", "pattern",
     "properties", "additionalProperties", "required", "items", "not"}
)
"""The keywords :class:`Walker` reads; an ``allOf`` entry with none of them cannot yield a finding.
Keep this in step with the walker when it learns a keyword."""


_WALKED_CACHE: dict[int, tuple[list[Any], tuple[dict[str, Any], ...]]] = {}


def _walked(all_of: list[Any]) -> tuple[dict[str, Any], ...]:
    """The entries of an ``allOf`` that the walker can find something in (cached per list: the
    class snapshot adds dozens of ``if``/``then`` entries that it skips)."""
    hit = _WALKED_CACHE.get(id(all_of))
    if hit is None or hit[0] is not all_of:
        hit = (all_of, tuple(sub for sub in all_of if not _WALKED_KEYWORDS.isdisjoint(sub)))
        _WALKED_CACHE[id(all_of)] = hit
    return hit[1]


_CLEAN_CHECKS: dict[int, tuple[dict[str, Any], dict[int, tuple[Any, Callable[[Any], bool]]], dict[int, tuple[Any, Any]]]] = {}
"""Per schema (by identity): each node's compiled "has no findings" test (see :meth:`Walker.clean`)
and each ``$ref`` node resolved (see :meth:`Walker.resolve`)."""


class Walker:
    def __init__(self, root: dict[str, Any], lightning: Any = None, label: str = "") -> None:
        self.root = root
        self.lightning = lightning
        """The release the file is checked against (names the release that added an argument)."""
        self.label = label
        hit = _CLEAN_CHECKS.get(id(root))
        if hit is None or hit[0] is not root:
            hit = _CLEAN_CHECKS[id(root)] = (root, {}, {})
        self._clean = hit[1]
        self._resolved = hit[2]
        self._busy: set[int] = set()

    def clean(self, node: dict[str, Any]) -> Callable[[Any], bool]:
        """A test that is true only for values in which :meth:`walk` finds nothing at ``node``,
        compiled once per schema node. Most values are clean, so the walk first asks this and
        walks (building messages) only where it says no; a false "no" costs time, never output.
        Keep it in step with :meth:`walk`, :meth:`constraints`, :meth:`table` and :meth:`any_of`."""
        hit = self._clean.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        if id(node) in self._busy:  # a recursive schema: compile the inner use lazily
            return lambda value: self.clean(node)(value)
        self._busy.add(id(node))
        try:
            check = self._compile(node)
        finally:
            self._busy.discard(id(node))
        self._clean[id(node)] = (node, check)
        return check

    def _compile(self, raw: dict[str, Any]) -> Callable[[Any], bool]:
        node = self.resolve(raw)
        if node.get("x-nullable"):  # Optional in the model: None (YAML's null) fits
            inner = self._compile({k: v for k, v in node.items() if k != "x-nullable"})
            return lambda value: value is None or inner(value)
        subs = tuple(self.clean(sub) for sub in _walked(node["allOf"])) if "allOf" in node else ()
        if "anyOf" in node:
            branches = tuple(self.clean(b) for b in node["anyOf"])

            def any_of(value: Any) -> bool:
                for sub in subs:
                    if not sub(value):
                        return False
                for branch in branches:
                    if branch(value):
                        return True
                return False

            return any_of
        kind = node.get("type")
        choices = node.get("x-choices")
        has_enum, enum = "enum" in node, node.get("enum")
        has_const, const = "const" in node, node.get("const")
        has_min, minimum = "minimum" in node, node.get("minimum")
        has_max, maximum = "maximum" in node, node.get("maximum")
        pattern = compiled_pattern(node["pattern"]) if "pattern" in node else None
        is_table = "properties" in node or "additionalProperties" in node or "required" in node
        properties: dict[str, Any] = node.get("properties", {})
        required = tuple(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        extra_check = self.clean(extra) if is_table and isinstance(extra, dict) else None
        items = self.clean(node["items"]) if "items" in node else None
        negated = self.clean(node["not"]) if "not" in node else None
        checks: dict[str, Callable[[Any], bool]] = {}

        def check(value: Any) -> bool:
            for sub in subs:
                if not sub(value):
                    return False
            if negated is not None and negated(value):
                return False
            if kind is not None and not accepts(kind, value):
                return False
            if choices is not None and isinstance(value, str):
                return value.lower() in choices
            if has_enum and value not in enum or has_const and value != const:
                return False
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if has_min and value < minimum or has_max and value > maximum:
                    return False
            if pattern is not None and isinstance(value, str) and not pattern.search(value):
                return False
            if isinstance(value, dict) and is_table:
                for name in required:
                    if name not in value:
                        return False
                for name, item in value.items():
                    if name in properties:
                        sub_check = checks.get(name)
                        if sub_check is None:
                            sub_check = checks[name] = self.clean(properties[name])
                        if not sub_check(item):
                            return False
                    elif extra is False:
                        return False
                    elif extra_check is not None and not extra_check(item):
                        return False
            elif isinstance(value, list) and items is not None:
                for item in value:
                    if not items(item):
                        return False
            return True

        return check

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" not in node:
            return node
        hit = self._resolved.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]  # type: ignore[no-any-return]
        original = node
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            node = {**self.root["definitions"][name], **rest}
        self._resolved[id(original)] = (original, node)
        return node

    def walk(self, value: Any, node: dict[str, Any], key: KeyPath) -> Iterator[Diagnostic]:
        node = self.resolve(node)
        if value is None and node.get("x-nullable"):
            return
        if "allOf" in node:
            for sub in _walked(node["allOf"]):
                yield from self.walk(value, sub, key)
        if "anyOf" in node:
            yield from self.any_of(value, node, key)
            return
        if "type" in node and not accepts(node["type"], value):
            yield diag(WRONG_TYPE, key, f"{_name(key)} expects {_TYPE_WORDS[node['type']]}, found {found_text(value)}")
            return
        if "not" in node and self.clean(node["not"])(value):
            yield diag(UNKNOWN_KEY, key, f"{_name(key)}: {node.get('x-not-words', 'this value is not allowed here')}")
            return
        yield from self.constraints(value, node, key)
        if isinstance(value, dict) and ("properties" in node or "additionalProperties" in node or "required" in node):
            yield from self.table(value, node, key)
        elif isinstance(value, list) and "items" in node:
            found = 0
            items = node["items"]
            clean = self.clean(items)
            for index, item in enumerate(value):
                if clean(item):
                    continue
                for diagnostic in self.walk(item, items, (*key, index)):
                    yield diagnostic
                    found += 1
                if found >= MAX_ARRAY_FINDINGS:  # a huge bad array: its first findings suffice
                    return

    def constraints(self, value: Any, node: dict[str, Any], key: KeyPath) -> Iterator[Diagnostic]:
        choices = node.get("x-choices")
        if choices is not None and isinstance(value, str):
            if value.lower() not in choices:
                yield _choice(key, value, choices)
            return
        if "enum" in node and value not in node["enum"] or "const" in node and value != node["const"]:
            allowed = node.get("enum", [node.get("const")])
            yield _choice(key, value, allowed)
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in node and value < node["minimum"]:
                yield diag(OUT_OF_RANGE, key, f"{_name(key)} must be at least {node['minimum']!r}, found {show(value)}")
            if "maximum" in node and value > node["maximum"]:
                yield diag(OUT_OF_RANGE, key, f"{_name(key)} must be at most {node['maximum']!r}, found {show(value)}")
        if isinstance(value, str) and "pattern" in node and not compiled_pattern(node["pattern"]).search(value):
            yield diag(OUT_OF_RANGE, key, f"{_name(key)} {show(value)} is not {_pattern_words(node)}")

    def table(self, value: dict[str, Any], node: dict[str, Any], key: KeyPath) -> Iterator[Diagnostic]:
        properties: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for name in node.get("required", ()):
            if name not in value:
                yield diag(MISSING_KEY, key, f"table {_table(key)} needs the key `{name}`", anchor="key")
        for name, item in value.items():
            if name in properties:
                if not self.clean(properties[name])(item):
                    yield from self.walk(item, properties[name], (*key, name))
            elif extra is False:
                from trainer_lint.rules.types.keys import unknown_key  # keys imports this module

                yield unknown_key(key, name, sorted(properties), value, self.lightning, self.label)
            elif isinstance(extra, dict) and not self.clean(extra)(item):
                yield from self.walk(item, extra, (*key, name))

    def any_of(self, value: Any, node: dict[str, Any], key: KeyPath) -> Iterator[Diagnostic]:
        for b in node["anyOf"]:  # fast path: one clean branch means no findings, so stop at the first
            if self.clean(b)(value):
                return
        branches = [self.resolve(b) for b in node["anyOf"]]
        results = [list(self.walk(value, b, key)) for b in branches]
        if any(not r for r in results):
            return
        typed = [r for b, r in zip(branches, results) if "type" not in b or accepts(b["type"], value)]
        if not typed:
            expected = _join_or(sorted({_TYPE_WORDS[b["type"]] for b in branches if "type" in b}))
            yield diag(WRONG_TYPE, key, f"{_name(key)} expects {expected}, found {found_text(value)}")
            return
        if all(len(r) == 1 and r[0].code == INVALID_CHOICE for r in typed):
            allowed: list[Any] = []
            for b in branches:
                if "type" not in b or accepts(b["type"], value):
                    allowed.extend(b.get("x-choices") or b.get("enum") or ([b["const"]] if "const" in b else []))
            yield _choice(key, value, allowed)
            return
        yield from min(typed, key=len)


def accepts(kind: str, value: Any) -> bool:
    """Whether a parsed TOML value has the JSON Schema ``type`` ``kind`` (strict: a boolean is not
    an integer; an integer is a number)."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return False


@lru_cache(maxsize=None)
def compiled_pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _pattern_words(node: dict[str, Any]) -> str:
    return node.get("x-pattern-words", "in the expected form")


def diag(code: str, key: KeyPath, message: str, fix: Fix | None = None, anchor: str = "value") -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, key, message, fix=fix, anchor=anchor)


def _name(key: KeyPath) -> str:
    return f"`{format_key(key)}`" if key else "the file"


def _table(key: KeyPath) -> str:
    return f"`{format_key(key)}`" if key else "at the top level"


def _join_or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _choice(key: KeyPath, value: Any, allowed: Iterable[Any]) -> Diagnostic:
    allowed = list(dict.fromkeys(allowed))
    rendered = ", ".join(show(a) for a in allowed)
    message = f"{show(value)} is not a valid value for {_name(key)}; expected one of {rendered}"
    fix = None
    if isinstance(value, str):
        strings = [a for a in allowed if isinstance(a, str)]
        close = closest(value.lower(), tuple(strings), 0.6)
        if close:
            message += f"; did you mean {show(close[0])}?"
            fix = Fix(f"Replace with {show(close[0])}", (Edit(key, "value", show(close[0])),), safe=False)
    return diag(INVALID_CHOICE, key, message, fix)
