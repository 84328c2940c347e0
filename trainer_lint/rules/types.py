"""Types, closed choices, ranges and unknown keys: the checks that follow from the schema.

One walk over the document against the packaged JSON Schema (generated from
:mod:`trainer_lint.model`) finds every value that breaks its declared type. The walk runs once
per file (:func:`type_findings`); each rule below reports the findings of its own code.

The walker understands the subset of JSON Schema that :mod:`trainer_lint.schema` emits:
``type``, ``enum``, ``const``, ``minimum``, ``maximum``, ``pattern``, ``properties``,
``additionalProperties``, ``required``, ``items``, ``anyOf``, ``allOf``, ``$ref``, ``not`` and the
extensions ``x-choices`` (a case-insensitive closed set of strings) and ``x-nullable`` (None fits:
the model says ``Optional``; only YAML can write it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import islice
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, Severity, format_key
from trainer_lint.rules.base import Context, Rule, closest, found_text, show

WRONG_TYPE = "TL100"
INVALID_CHOICE = "TL101"
OUT_OF_RANGE = "TL102"
UNKNOWN_KEY = "TL103"
REMOVED_ARGUMENT = "TL104"
MISSING_KEY = "TL105"
NEWER_ARGUMENT = "TL106"
RELEASE_VALUE = "TL107"

def _removed_arguments() -> dict[str, tuple[str, str | None, str | None]]:
    import json
    from pathlib import Path

    data = json.loads(Path(__file__).parent.parent.joinpath("removed_arguments.json").read_text(encoding="utf-8"))
    return {name: (entry["advice"], entry.get("replacement"), entry["removed_in"]) for name, entry in data["arguments"].items()}


REMOVED_ARGUMENTS: dict[str, tuple[str, str | None, str | None]] = _removed_arguments()
"""Trainer arguments that earlier Lightning releases had and 2.x rejects: name -> (what to do instead,
a one-to-one replacement key or None, the release that removed it or None when no release had it).
The facts live in ``trainer_lint/removed_arguments.json``."""

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


def type_findings(ctx: Context) -> list[Diagnostic]:
    """All schema findings for the file, computed once and shared by the rules of this module."""
    def walk() -> list[Diagnostic]:
        walker = _Walker(ctx.schema, ctx.lightning, ctx.lightning_label)
        found = _objects_accepted(ctx, list(islice(walker.walk(ctx.data, ctx.schema, ()), MAX_FINDINGS)))
        return [_release_value(ctx, d) if d.code == INVALID_CHOICE else d for d in found]

    return ctx.cached("type_findings", walk)


def _release_value(ctx: Context, d: Diagnostic) -> Diagnostic:
    """An invalid choice that another known release takes names that release (TL107)."""
    if len(d.key) != 2 or d.key[0] != "trainer" or d.key[1] not in ctx.trainer:
        return d
    name, value = d.key[1], ctx.trainer[d.key[1]]
    release = ctx.lightning
    since = release.value_since(name, value)
    if since is not None:
        message = f"`{name} = {show(value)}` needs Lightning >= {since}; this project uses {ctx.lightning_label}"
        return _diag(RELEASE_VALUE, d.key, message)
    until = release.value_until(name, value)
    if until is not None:
        message = f"`{name} = {show(value)}` was removed after Lightning {until}; this project uses {ctx.lightning_label}"
        return _diag(RELEASE_VALUE, d.key, message)
    return d


def _objects_accepted(ctx: Context, found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` less what LightningCLI accepts beyond the schema: ``profiler = "SimpleProfiler"``,
    a class name given as a string where the profiler's type tries the class before ``str``."""
    for index, d in enumerate(found):
        if d.code == INVALID_CHOICE and d.key == ("trainer", "profiler"):
            value = ctx.trainer.get("profiler")
            if isinstance(value, str) and _names_profiler_class(ctx, value):
                return found[:index] + found[index + 1 :]
            if isinstance(value, str) and value != value.lower():  # reads as a class name: never rewritten to another
                return [*found[:index], replace(d, fix=None), *found[index + 1 :]]
    return found


def _names_profiler_class(ctx: Context, name: str) -> bool:
    if ctx.lightning.classes.resolve(name, "profiler") is not None:
        return True
    return ctx.resolve(name, "profiler").resolved


def _findings_by_code(ctx: Context) -> dict[str, list[Diagnostic]]:
    """:func:`type_findings` grouped by code, in order (one pass shared by the rules below)."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in type_findings(ctx):
        by_code.setdefault(d.code, []).append(d)
    return by_code


_WALKED_KEYWORDS = frozenset(
    {"$ref", "allOf", "anyOf", "type", "x-choices", "enum", "const", "minimum", "maximum", "pattern",
     "properties", "additionalProperties", "required", "items", "not"}
)
"""The keywords :class:`_Walker` reads; an ``allOf`` entry with none of them cannot yield a finding.
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
"""Per schema (by identity): each node's compiled "has no findings" test (see :meth:`_Walker.clean`)
and each ``$ref`` node resolved (see :meth:`_Walker.resolve`)."""


class _Walker:
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
            yield _diag(WRONG_TYPE, key, f"{_name(key)} expects {_TYPE_WORDS[node['type']]}, found {found_text(value)}")
            return
        if "not" in node and self.clean(node["not"])(value):
            yield _diag(UNKNOWN_KEY, key, f"{_name(key)}: {node.get('x-not-words', 'this value is not allowed here')}")
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
                yield _diag(OUT_OF_RANGE, key, f"{_name(key)} must be at least {node['minimum']!r}, found {show(value)}")
            if "maximum" in node and value > node["maximum"]:
                yield _diag(OUT_OF_RANGE, key, f"{_name(key)} must be at most {node['maximum']!r}, found {show(value)}")
        if isinstance(value, str) and "pattern" in node and not compiled_pattern(node["pattern"]).search(value):
            yield _diag(OUT_OF_RANGE, key, f"{_name(key)} {show(value)} is not {_pattern_words(node)}")

    def table(self, value: dict[str, Any], node: dict[str, Any], key: KeyPath) -> Iterator[Diagnostic]:
        properties: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for name in node.get("required", ()):
            if name not in value:
                yield _diag(MISSING_KEY, key, f"table {_table(key)} needs the key `{name}`", anchor="key")
        for name, item in value.items():
            if name in properties:
                if not self.clean(properties[name])(item):
                    yield from self.walk(item, properties[name], (*key, name))
            elif extra is False:
                yield _unknown(key, name, sorted(properties), value, self.lightning, self.label)
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
            yield _diag(WRONG_TYPE, key, f"{_name(key)} expects {expected}, found {found_text(value)}")
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


def _diag(code: str, key: KeyPath, message: str, fix: Fix | None = None, anchor: str = "value") -> Diagnostic:
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
    return _diag(INVALID_CHOICE, key, message, fix)


DEVICE_ARGUMENTS = {"gpus": "gpu", "tpu_cores": "tpu", "hpus": "hpu", "num_processes": "cpu"}
"""Removed ``NAME = N`` arguments that mean ``accelerator = "ACC"`` plus ``devices = N`` (the
replacement Lightning 1.7's own deprecation messages name)."""


def _toml(value: Any) -> str:
    """``value`` (an int, a string or a list of them) as TOML text, in full."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'
    return str(value)


def _removed_fix(key: KeyPath, value: Any, siblings: dict[str, Any]) -> Fix | None:
    """The safe fix for a removed Trainer argument, when it has exactly one meaning and the
    keys it writes are not already set."""
    name = key[-1]
    replacement = REMOVED_ARGUMENTS[name][1]
    if replacement is not None:
        if replacement in siblings:
            return None
        return Fix(f"Rename `{name}` to `{replacement}`", (Edit(key, "key", replacement),), safe=True)
    if name in DEVICE_ARGUMENTS and "accelerator" not in siblings and "devices" not in siblings:
        counts = value if isinstance(value, list) else [value]
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in counts)
        if ints and value not in (0, []) or isinstance(value, str) and value.strip() not in ("", "0"):
            text = f'accelerator = "{DEVICE_ARGUMENTS[name]}"\ndevices = {_toml(value)}'
            return Fix(f"Replace `{name}` with `accelerator` and `devices`", (Edit(key, "line", text),), safe=True)
    if name == "reload_dataloaders_every_epoch" and isinstance(value, bool) and "reload_dataloaders_every_n_epochs" not in siblings:
        text = f"reload_dataloaders_every_n_epochs = {int(value)}"
        return Fix("Replace with `reload_dataloaders_every_n_epochs`", (Edit(key, "line", text),), safe=True)
    return None


def _minor(release: str) -> str:
    """``1.7.0`` -> ``1.7``: releases remove arguments in minor versions."""
    parts = release.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 and parts[2] == "0" else release


def _unknown(
    table: KeyPath,
    name: str,
    known: list[str],
    siblings: dict[str, Any] | None = None,
    lightning: Any = None,
    label: str = "",
) -> Diagnostic:
    key = (*table, name)
    siblings = siblings if siblings is not None else {}
    if table == ("trainer",) and lightning is not None:
        since = lightning.since(name)
        if since is not None:
            message = f"`{name}` needs Lightning >= {since}; this project uses {label or lightning.version}"
            return _diag(NEWER_ARGUMENT, key, message, anchor="key")
        until = lightning.until(name)
        if until is not None:
            message = f"`{name}` was removed from the Trainer after Lightning {until}; this project uses {label or lightning.version}"
            return _diag(REMOVED_ARGUMENT, key, message, anchor="key")
    if table == ("trainer",) and name in REMOVED_ARGUMENTS:
        advice, _, release = REMOVED_ARGUMENTS[name]
        if release is None:  # no release had it: an unknown key, with the advice
            return _diag(UNKNOWN_KEY, key, f"unknown key `{name}` in table `trainer` (no Lightning release has it): {advice}", anchor="key")
        fix = _removed_fix(key, siblings.get(name), siblings)
        message = f"`{name}` was removed from the Trainer in Lightning {_minor(release)}: {advice}"
        return _diag(REMOVED_ARGUMENT, key, message, fix, anchor="key")
    where = f"in table `{format_key(table)}`" if table else "at the top level"
    message = f"unknown key `{name}` {where}"
    close = closest(name, tuple(known), 0.75)
    fix = None
    if close:
        message += f"; did you mean `{close[0]}`?"
        fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(key, "key", close[0]),), safe=False)
    return _diag(UNKNOWN_KEY, key, message, fix, anchor="key")


class _SchemaRule(Rule):
    """Report the schema walk's findings that carry this rule's code."""

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ctx.cached("type_findings_by_code", lambda: _findings_by_code(ctx)).get(self.code, ())


class WrongType(_SchemaRule):
    """## What it does
    Checks that every value has the type its key takes: `max_epochs = "10"` is a string, not an
    integer. TOML values are typed, so trainer-lint is strict: `true` is not an integer and `"1"`
    is not a number. An integer is fine where a float is expected.

    ## Why is this bad?
    `Trainer` either raises on the wrong type or, worse, accepts it and misbehaves later
    (`"10" < 5` raises deep inside the fit loop, after the job has queued and loaded torch).

    ## Example
    ```toml
    [trainer]
    max_epochs = "10"
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = 10
    ```

    ## Lightning source
    The annotations of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = WRONG_TYPE
    name = "wrong-type"
    summary = "A value has the wrong type for its key"


class InvalidChoice(_SchemaRule):
    """## What it does
    Checks values that must come from a closed set: `precision`, `accelerator`, `strategy`,
    `profiler`, `gradient_clip_algorithm`, `deterministic`. It suggests the closest valid value.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException` or `ValueError` for an unknown name, but only
    after torch has loaded.

    ## Example
    ```toml
    [trainer]
    precision = "16-mix"
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "16-mixed"
    ```

    ## Lightning source
    `_PRECISION_INPUT` in `lightning/fabric/plugins/precision/precision.py`;
    `_check_config_and_set_final_flags` in `trainer/connectors/accelerator_connector.py`;
    `_init_profiler` in `trainer/setup.py`; `GradClipAlgorithmType` in `utilities/enums.py`.
    """

    code = INVALID_CHOICE
    name = "invalid-choice"
    summary = "A value is not one of the choices its key allows"
    fixable = True


class OutOfRange(_SchemaRule):
    """## What it does
    Checks numeric bounds and string forms: `max_epochs >= -1`, `num_nodes >= 1`,
    `limit_*_batches` between 0 and 1 when a float, `max_time` as `"DD:HH:MM:SS"`, a `class_path`
    that is a dotted import path.

    ## Why is this bad?
    `Trainer` raises for these values at construction or at the start of `fit`.

    ## Example
    ```toml
    [trainer]
    limit_val_batches = 1.5
    ```

    ## Fix
    ```toml
    [trainer]
    limit_val_batches = 1.0
    ```

    ## Lightning source
    `_determine_batch_limits` in `trainer/setup.py`; `FitLoop.__init__` in `loops/fit_loop.py`;
    `Timer.__init__` in `callbacks/timer.py`; `_AcceleratorConnector` in
    `trainer/connectors/accelerator_connector.py`.
    """

    code = OUT_OF_RANGE
    name = "out-of-range"
    summary = "A value is outside the range or form its key allows"


class UnknownKey(_SchemaRule):
    """## What it does
    Flags keys the Trainer (or the table they are in) does not take, at every level, with a
    "did you mean" when a known key is close.

    ## Why is this bad?
    `Trainer(max_epoch=3)` raises `TypeError`; in a LightningCLI config an unknown key aborts the
    run. A typo in a key that has a default is worse: it can be silently ignored.

    ## Example
    ```toml
    [trainer]
    max_epoch = 3
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = 3
    ```

    ## Lightning source
    The signature of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = UNKNOWN_KEY
    name = "unknown-key"
    summary = "A key that its table does not take"
    fixable = True


class RemovedArgument(_SchemaRule):
    """## What it does
    Flags Trainer arguments that a Lightning release removed (`gpus`, `tpu_cores`,
    `auto_select_gpus`, `amp_backend`, `resume_from_checkpoint`, `auto_lr_find` in 2.0;
    `flush_logs_every_n_steps`, `weights_summary`, `progress_bar_refresh_rate` in 1.7; ...),
    names the release that removed each and their replacement.

    ## Why is this bad?
    `Trainer` raises `TypeError: __init__() got an unexpected keyword argument 'gpus'`: configs
    written for Lightning 1.x do not run on 2.x.

    ## Example
    ```toml
    [trainer]
    gpus = 2
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 2
    ```

    ## Lightning source
    Lightning's changelog (`src/lightning/pytorch/CHANGELOG.md`) and the signature of
    `Trainer.__init__` in each release (`trainer_lint/removed_arguments.json` holds the facts).
    """

    code = REMOVED_ARGUMENT
    name = "removed-argument"
    summary = "A Trainer argument that a Lightning release removed"
    fixable = True


class MissingKey(_SchemaRule):
    """## What it does
    Flags a table that lacks a key it needs, such as a `class_path` table without `class_path`.

    ## Why is this bad?
    LightningCLI and `trainer-lint run` cannot build an object without knowing its class.

    ## Example
    ```toml
    [[trainer.callbacks]]
    init_args = { monitor = "val_loss" }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_loss" }
    ```

    ## Lightning source
    `lightning/pytorch/cli.py` (`instantiate_class` reads `class_path` and `init_args`).
    """

    code = MISSING_KEY
    name = "missing-key"
    summary = "A table lacks a key it needs"


class NewerArgument(_SchemaRule):
    """## What it does
    Flags a Trainer argument that a newer Lightning release added, when the project's release
    (see `trainer-lint check --lightning-version` and the project's `lightning` requirement) does
    not have it yet, and names the release that added it.

    ## Why is this bad?
    `Trainer` raises `TypeError: __init__() got an unexpected keyword argument 'model_registry'`:
    the config was written for a newer Lightning than the one that will read it.

    ## Example
    ```toml
    # requirements.txt pins lightning==2.4.0
    [trainer]
    model_registry = "my-model"
    ```

    ## Fix
    Upgrade Lightning to the release named in the message (and the pin with it), or remove the
    argument.

    ## Lightning source
    The signature of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`, release by
    release (`trainer_lint/lightning/releases.json`).
    """

    code = NEWER_ARGUMENT
    name = "argument-needs-newer-lightning"
    summary = "A Trainer argument that the project's Lightning release does not have yet"


class ReleaseValue(_SchemaRule):
    """## What it does
    Flags an accelerator, strategy, profiler or precision name that the project's Lightning
    release does not take but another release does, and names that release: `16-true` and
    `bf16-true` need 2.1; `accelerator = "ipu"` was removed after 2.0.

    ## Why is this bad?
    `Trainer` raises `ValueError` for a name its release does not know
    (`Precision '16-true' is invalid`); the config was written for another release.

    ## Example
    ```toml
    # requirements.txt pins lightning==2.0.9
    [trainer]
    precision = "bf16-true"
    ```

    ## Fix
    Use a name of the project's release (`"bf16-mixed"`), or upgrade Lightning to the release the
    message names.

    ## Lightning source
    `_PRECISION_INPUT` in `lightning/fabric/connector.py`; `AcceleratorRegistry` and
    `StrategyRegistry`; `_init_profiler` in `lightning/pytorch/trainer/setup.py`, release by
    release (`trainer_lint/lightning/releases.json`).
    """

    code = RELEASE_VALUE
    name = "value-of-another-lightning-release"
    summary = "A name that another Lightning release takes, but not the project's"


RULES: tuple[type[Rule], ...] = (
    WrongType, InvalidChoice, OutOfRange, UnknownKey, RemovedArgument, MissingKey, NewerArgument, ReleaseValue,
)
