"""The editor copy of the JSON Schema: the same language as the lint schema, shaped for Taplo and Tombi.

:func:`trainer_lint.schema.build_schema` writes the schema the way pydantic thinks about the
model: a union is an ``anyOf`` of one branch per Python type. That is what ``check``'s walker
reads, but the two TOML language servers editors run read it badly (measured with the real
servers, ``tests/test_schema_servers.py``):

* Taplo lists a key once per ``anyOf`` branch (104 entries for 41 keys), offers one empty
  ``{ }`` per ``if``/``then`` branch, never completes a value hidden in a ``pattern``, and puts an
  error inside an ``anyOf`` on the enclosing table instead of on the key;
* Tombi completes only ``enum`` values (not a case-insensitive ``pattern``) and never reads
  ``if``/``then``, so it cannot complete a class's ``init_args``.

:func:`build` rewrites the schema into a shape that both servers read well, keeping exactly the
same set of valid documents (``tests/test_schema.py`` checks the two schemas agree, value by
value, on thousands of documents):

* **Unions become one schema.** JSON Schema's type-specific keywords apply only to values of
  their type (``pattern`` to strings, ``minimum`` to numbers, ``properties`` to tables, ``items``
  to arrays), so ``int | str | list[int]`` is one schema with ``"type": [...]``. A key then has
  one completion entry with its docs, and a wrong key inside a table is reported on that key.
* **Completion-only enums.** A case-insensitive name (``strategy = "DDP"`` is valid) cannot be an
  ``enum``, and a class path cannot either. Each such key gets its names as an ``enum`` inside
  ``{"anyOf": [{"enum": [...]}, true]}``, which accepts everything (the ``true`` branch), so
  validation is unchanged, while both servers offer the names.
* **Per-class ``init_args``.** An object slot (``callbacks``, ``logger``, ``strategy``, ...) has
  one ``anyOf`` branch per Lightning class of that slot, keyed by ``class_path``: Tombi narrows to
  the branch the table's ``class_path`` matches and completes and documents exactly that class's
  arguments; Taplo, which does not look at values, offers the arguments of the slot's classes,
  each documented with its class.
* **Hidden from Taplo's key lists.** Taplo lists the branches of ``anyOf``/``oneOf`` as keys but
  never looks inside the ``allOf`` of a schema that has ``properties``; and it drops a schema with
  an ``allOf`` from value lists (its ``allOf`` members stand in for it). So each reshaped key is
  ``{"properties": {}, "allOf": [core, helpers...]}``: listed once, documented by the core, with
  the helpers reachable for values and never listed as keys. Every node carrying ``allOf`` also
  carries ``properties`` (Taplo merges an ``allOf`` without ``properties`` into its parent and
  recurses forever).

Everything here reads the lint schema, the class snapshot and the model's constants; nothing
imports Lightning.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

DOCS_API = "https://lightning.ai/docs/pytorch/stable/api/{path}.html"
"""Lightning's API reference page of a class (its canonical import path)."""

_LINT_ONLY = ("x-choices", "x-pattern-words", "x-not-words", "x-nullable", "x-none-spelling", "x-before")
"""Keywords only ``check``'s walker (and the YAML variant of the schema) read; editors of TOML
ignore them."""

_SCALARS = ("boolean", "integer", "number", "string")


def build(reference: dict[str, Any], index: Any = None, *, nulls: bool = False) -> dict[str, Any]:
    """The editor schema for the reference (lint) schema ``reference``; ``reference`` is not changed.
    ``index``: the class snapshot of the Lightning release it describes (default: the newest).

    ``nulls``: the schema is for YAML (:func:`trainer_lint.schema.for_yaml`), whose reference has
    a ``{"type": "null"}`` branch wherever the Trainer takes None; a class's ``init_args`` then
    take ``null`` where LightningCLI does (an ``Optional`` parameter, or one whose default is
    None: what rule TL540's checks accept)."""
    schema = copy.deepcopy(reference)
    definitions = schema["definitions"]
    classes = _Classes(definitions["ClassPathConfig"], index, nulls=nulls)
    trainer = definitions["BaseTrainerConfig"]["properties"]
    for name in list(trainer):
        trainer[name] = _reshape(trainer[name], name, definitions, classes)
    for name in list(schema["properties"]):
        if name != "trainer":
            schema["properties"][name] = _reshape(schema["properties"][name], name, definitions, classes)
    # `trainer` inline, not `allOf: [$ref]` beside its description: Tombi stops narrowing (and
    # mixes the parents' descriptions into hovers) below an `allOf`.
    trainer_key = schema["properties"]["trainer"]
    schema["properties"]["trainer"] = {**definitions.pop("BaseTrainerConfig"), **{k: v for k, v in trainer_key.items() if k != "allOf"}}
    definitions.pop("ClassPathConfig", None)
    definitions.update(classes.definitions)
    for name in ("TimeDict", "IntervalDict"):  # inlined into their keys
        definitions.pop(name, None)
    _strip(schema)
    return schema


# ------------------------------------------------------------------------------ keys


def _reshape(prop: dict[str, Any], slot: str, definitions: dict[str, Any], classes: "_Classes") -> dict[str, Any]:
    """One key's schema, as one schema (see the module docs)."""
    docs = {k: prop[k] for k in ("description", "x-taplo", "default") if k in prop}
    branches = _branches(prop, definitions)
    if len(branches) == 1 and not _has_class_object(branches) and not _names(branches):
        return {**branches[0], **docs} if "$ref" not in branches[0] else prop
    return _shape(branches, slot, docs, definitions, classes)


def _branches(node: dict[str, Any], definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a key: nested ``anyOf`` flattened, small definitions inlined; a
    ``ClassPathConfig`` reference stays a reference (it becomes the slot's class table)."""
    if "anyOf" in node:
        out: list[dict[str, Any]] = []
        for branch in node["anyOf"]:
            for found in _branches(branch, definitions):
                if found not in out:
                    out.append(found)
        return out
    if set(node) == {"class"}:
        # A Lightning object in a release's own Trainer type (``plugins`` in 2.0, whose type
        # differs from the newest): the class table every object slot takes.
        return [{"$ref": "#/definitions/ClassPathConfig"}]
    if "allOf" in node and list(node) == ["allOf"] and len(node["allOf"]) == 1:
        return _branches(node["allOf"][0], definitions)
    ref = node.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        if name != "ClassPathConfig":
            return _branches(definitions[name], definitions)
    return [{k: v for k, v in node.items() if k not in ("description", "x-taplo", "default", *_LINT_ONLY[1:])}]


def _is_class_object(branch: dict[str, Any]) -> bool:
    return branch.get("$ref", "").endswith("/ClassPathConfig")


def _is_arguments_table(branch: dict[str, Any]) -> bool:
    """The table of a class's arguments given directly (``[model]`` without ``class_path``)."""
    return branch.get("type") == "object" and branch.get("not") == {"required": ["class_path"]}


def _has_class_object(branches: list[dict[str, Any]]) -> bool:
    return any(_is_class_object(b) for b in branches)


def _names(branches: list[dict[str, Any]]) -> list[Any]:
    """Values worth offering that the merged schema cannot list as an ``enum``: case-insensitive
    names (``x-choices``) and string constants beside other strings."""
    names: list[Any] = []
    for b in branches:
        if "x-choices" in b:
            names.extend(b["x-choices"])
    if names or _all_enums(branches):
        return names
    for b in branches:
        if b.get("type") == "string":
            names.extend(b.get("enum", [b["const"]] if "const" in b else []))
    return names


def _all_enums(branches: list[dict[str, Any]]) -> bool:
    """Whether every branch is a closed set (``enum``, ``const``, or ``boolean``)."""
    return all(
        set(b) <= {"type", "enum", "const"} and ("enum" in b or "const" in b or b.get("type") in ("boolean", "null"))
        for b in branches
    )


_CLOSED = {"boolean": [True, False], "null": [None]}
"""The values of a type that is a closed set."""


def _merge(
    branches: list[dict[str, Any]], slot: str, definitions: dict[str, Any], classes: "_Classes"
) -> tuple[dict[str, Any], list[Any]]:
    """Merge the alternatives of a key into one schema, and the names to suggest beside it."""
    if _all_enums(branches):
        values: list[Any] = []
        for b in branches:
            values.extend(b["enum"] if "enum" in b else [b["const"]] if "const" in b else _CLOSED[b["type"]])
        kinds = sorted({_kind(v) for v in values}, key=_type_order)
        return {"type": kinds if len(kinds) > 1 else kinds[0], "enum": values}, []
    by_type: dict[str, list[dict[str, Any]]] = {}
    for b in branches:
        kind = "object" if _is_class_object(b) else b.get("type")
        if not isinstance(kind, str):
            raise ValueError(f"cannot merge a branch without one type: {b}")
        by_type.setdefault(kind, []).append(b)
    if "number" in by_type and "integer" in by_type:  # an integer is a number
        if all(set(b) == {"type"} for b in by_type["number"]):
            del by_type["integer"]
    merged: dict[str, Any] = {}
    for kind, group in by_type.items():
        if kind == "string":
            merged.update(_merge_strings(group))
        elif kind == "null":
            pass  # YAML's null (see for_yaml): the type alone says it
        elif kind in ("integer", "number", "boolean"):
            if len(group) != 1:
                raise ValueError(f"cannot merge {len(group)} {kind} branches")
            merged.update({k: v for k, v in group[0].items() if k != "type"})
        elif kind == "array":
            if len(group) != 1:
                raise ValueError("cannot merge several array branches")
            items = group[0].get("items")
            if items is not None:
                merged["items"] = _item(items, slot, definitions, classes)
        elif kind == "object":
            arguments = [b for b in group if _is_arguments_table(b)]
            others = [b for b in group if not _is_arguments_table(b)]
            if len(others) != 1 or len(arguments) > 1 or arguments and not _is_class_object(others[0]):
                raise ValueError(f"cannot merge table branches {group}")
            if _is_class_object(others[0]):
                merged.update(classes.table(slot, arguments=bool(arguments)))
            else:
                merged.update({k: v for k, v in others[0].items() if k != "type"})
        else:
            raise ValueError(f"unknown type {kind!r}")
    kinds = sorted(by_type, key=_type_order)
    return {"type": kinds if len(kinds) > 1 else kinds[0], **merged}, _names(branches)


def _merge_strings(group: list[dict[str, Any]]) -> dict[str, Any]:
    """String alternatives as one string schema: any plain string wins; else the alternatives'
    patterns (enums and constants as exact patterns) joined with ``|``."""
    if any(set(b) == {"type"} for b in group):
        return {}
    patterns: list[str] = []
    for b in group:
        if set(b) - {"type", "pattern", "enum", "const", "x-choices"}:
            raise ValueError(f"cannot merge string branch {b}")
        if "pattern" in b:
            patterns.append(b["pattern"])
        elif "enum" in b or "const" in b:
            values = b.get("enum", [b.get("const")])
            patterns.append("^(" + "|".join(re.escape(v) for v in values) + ")$")
    if len(patterns) == 1:
        return {"pattern": patterns[0]}
    return {"pattern": "|".join(f"(?:{p})" for p in patterns)}


def _item(items: dict[str, Any], slot: str, definitions: dict[str, Any], classes: "_Classes") -> dict[str, Any]:
    """The element schema of a list of objects (``callbacks = [...]``), reshaped like a key."""
    branches = _branches(items, definitions)
    if len(branches) == 1 and not _has_class_object(branches):
        return branches[0]
    return _shape(branches, slot, {}, definitions, classes)


def _shape(
    branches: list[dict[str, Any]], slot: str, docs: dict[str, Any], definitions: dict[str, Any], classes: "_Classes"
) -> dict[str, Any]:
    """The alternatives of a key merged into one schema, with the helpers that make servers
    complete it.

    A key that can hold an object (``strategy``, ``callbacks``, ...) is three parts: the merged
    schema, hidden from Taplo's lists, which validates; a completion-only table (``class_path`` and
    ``init_args`` with docs, the names as an ``enum``) that both servers list keys and values from;
    and the per-class branches (:meth:`_Classes.narrowing`). The completion-only table's
    ``class_path`` and ``init_args`` are empty ``enum`` s: Taplo offers the value completions of a
    table's keys beside the table's own (``strategy = `` would offer ``""`` and ``{ }`` twice)."""
    core, names = _merge(branches, slot, definitions, classes)
    described = {k: v for k, v in docs.items() if k != "default"}
    # The description lives on the core only: Taplo lists the key with the outer node's x-taplo
    # docs, but hovers show the core's; Tombi shows an outer description in the hover of every
    # key below it.
    outer = {k: v for k, v in docs.items() if k != "description"}
    if not _has_class_object(branches):
        if not names:
            return {**core, **docs}
        core.update(described)
        return {"type": core["type"], **outer, "properties": {}, "allOf": [core, _suggest(names)]}
    core.update(described)
    fields = core["properties"]
    fields["class_path"] = _hidden(fields["class_path"])
    fields["class_path"].pop("examples", None)
    table: dict[str, Any] = {
        "type": core["type"],
        "properties": {name: {"enum": [], "x-taplo": _taplo_docs(field)} for name, field in fields.items()},
    }
    if "x-taplo" in docs:
        table["x-taplo"] = docs["x-taplo"]
    elif "description" in docs:
        table["x-taplo"] = {"docs": {"main": docs["description"]}}
    if names:
        table["enum"] = list(dict.fromkeys(names))
    helpers: list[Any] = [_hidden({"anyOf": [table, True]})]
    helpers.append(classes.narrowing(slot))
    return {"type": core["type"], **outer, "properties": {}, "allOf": [_hidden(core), *helpers]}


def _taplo_docs(node: dict[str, Any]) -> dict[str, Any]:
    if "x-taplo" in node:
        return copy.deepcopy(node["x-taplo"])
    return {"docs": {"main": node.get("description", "")}}


def _suggest(names: list[Any]) -> dict[str, Any]:
    """Values to offer that accept everything: ``anyOf`` an ``enum`` of ``names`` and ``true``."""
    unique = list(dict.fromkeys(names))
    return _hidden({"anyOf": [{"enum": unique}, True]})


def _hidden(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` kept out of Taplo's value lists (an ``allOf`` member it skips) and key lists."""
    return {**node, "properties": node.get("properties", {}), "allOf": [True, *node.get("allOf", [])]}


def or_null(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` that also accepts ``null``, in the flattest shape that says it (a ``"null"`` in
    ``type``, ``None`` in an ``enum``, a branch of an ``anyOf``), so that a server still lists
    the values."""
    out = dict(node)
    if "anyOf" in out:
        out["anyOf"] = [*out["anyOf"], {"type": "null"}]
        return out
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*kinds, "null"] if "null" not in kinds else kinds
    elif "enum" not in out and ("const" in out or "$ref" in out or "allOf" in out):
        return {"anyOf": [out, {"type": "null"}]}
    return out  # no type: null fits already


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


_ORDER = ("boolean", "integer", "number", "string", "array", "object", "null")


def _type_order(kind: str) -> int:
    return _ORDER.index(kind)


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        for key in _LINT_ONLY:
            node.pop(key, None)
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


# --------------------------------------------------------------------------- classes


class _Classes:
    """The class snapshot as editor schema: the table of each object slot, and the per-class
    branches that let a server complete the ``init_args`` of the class a table names."""

    def __init__(self, reference: dict[str, Any], index: Any = None, *, nulls: bool = False) -> None:
        from trainer_lint import classes

        self.nulls = nulls
        """Whether ``init_args`` take YAML's ``null`` where LightningCLI does (see :func:`build`)."""
        self.module = classes
        self.reference = reference
        """The lint schema's ``ClassPathConfig``: the table every object slot shares."""
        self.data: dict[str, dict[str, Any]] = index.classes if index is not None else classes.load()["classes"]
        self.definitions: dict[str, Any] = {}
        """Definitions the reshaped keys refer to: each class's ``init_args``, each slot's branches."""

    def members(self, slot: str) -> list[tuple[str, dict[str, Any]]]:
        """The concrete classes a slot takes, canonical path first."""
        kinds = self.module.SLOT_KINDS.get(slot, frozenset()) - self.module.BASE_KINDS
        return [
            (path, data)
            for path, data in self.data.items()
            if data["kind"] in kinds and not data["abstract"] and not data.get("deprecated")
        ]

    def validated(self) -> list[tuple[str, dict[str, Any]]]:
        """The classes whose ``init_args`` the schema checks, in every slot (as the lint schema's
        :func:`trainer_lint.classes.extend_schema` does)."""
        skipped = {"accelerator", *self.module.BASE_KINDS}
        return [
            (path, data)
            for path, data in self.data.items()
            if not data["abstract"] and not data.get("deprecated") and data["kind"] not in skipped
        ]

    def table(self, slot: str, arguments: bool = False) -> dict[str, Any]:
        """The table form of an object in ``slot``: ``class_path``, ``init_args`` (and
        ``dict_kwargs``), as the lint schema's ``ClassPathConfig`` says.

        With ``arguments``, a table without ``class_path`` is valid too (the class's arguments
        given directly, ``[model]`` in LightningCLI's fixed-class mode): the keys stay listed, with
        their docs, and their rules apply only when ``class_path`` is there (``dependencies``)."""
        table = {k: copy.deepcopy(v) for k, v in self.reference.items() if k not in ("type", "allOf", "description")}
        table["properties"]["class_path"].pop("examples", None)
        if not arguments:
            return table
        typed = table["properties"]
        rules = {name: {k: v for k, v in field.items() if k not in ("description", "x-taplo")} for name, field in typed.items()}
        listed = {name: {k: v for k, v in field.items() if k in ("description", "x-taplo")} for name, field in typed.items()}
        listed["class_path"] = typed["class_path"]
        extra = {k: v for k, v in table.items() if k not in ("properties", "required", "additionalProperties")}
        return {
            **extra,
            "properties": listed,
            "dependencies": {"class_path": {"properties": rules, "additionalProperties": table.get("additionalProperties", True)}},
        }

    def narrowing(self, slot: str) -> dict[str, Any]:
        """A reference to the per-class branches of ``slot`` (see :meth:`branches`); for a slot
        without Lightning classes (``model``, ``data``), to the checks of every class's
        ``init_args`` (a class of another slot named there is still checked, as the lint
        schema does)."""
        if not self.members(slot):
            self.others()
            return {"$ref": "#/definitions/other.classes"}
        name = f"{slot}.classes"
        if name not in self.definitions:
            self.definitions[name] = self.branches(slot)
        return {"$ref": f"#/definitions/{name}"}

    def others(self) -> None:
        """Define ``other.classes``: ``if class_path names class C then init_args is C's`` for
        every class whose arguments are checked."""
        if "other.classes" not in self.definitions:
            self.definitions["other.classes"] = _hidden({"allOf": [self.condition(p, d) for p, d in self.validated()]})

    def branches(self, slot: str) -> dict[str, Any]:
        """One branch per class of the slot (its ``class_path`` spellings, its ``init_args``), one
        for every other class path (checked as the lint schema checks it), one for non-tables."""
        members = self.members(slot)
        mine = [alias for _, data in members for alias in data["aliases"]]
        branches: list[Any] = [_hidden({"not": {"type": "object"}})]
        for path, data in members:
            branches.append(self.branch(path, data))
        self.others()
        # While a class path is being typed it matches no class, so this is the branch Tombi
        # completes it from: hence the examples.
        others = {"not": {"enum": mine}, "examples": [path for path, _ in members]}
        rest = {"properties": {"class_path": others}, "allOf": [True, {"$ref": "#/definitions/other.classes"}]}
        branches.append(rest)
        return _hidden({"anyOf": branches})

    def branch(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        """The branch of one class: its ``class_path`` spellings (documented) and its ``init_args``."""
        doc = self.class_doc(path, data)
        aliases = data["aliases"]
        enum_docs = [doc if alias == path else f"Same class as `{path}`.\n\n{doc}" for alias in aliases]
        return _hidden(
            {
                "properties": {
                    "class_path": {"enum": aliases, "x-taplo": {"docs": {"enumValues": enum_docs}}},
                    "init_args": self.init_args(path, data),
                },
                "required": ["class_path"],
            }
        )

    def condition(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        """``if class_path names this class then init_args is its arguments``."""
        return _hidden(
            {
                "if": {"properties": {"class_path": {"enum": data["aliases"]}}, "required": ["class_path"]},
                "then": {"properties": {"init_args": self.init_args(path, data)}},
            }
        )

    def init_args(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        """A reference to the ``init_args`` table of one class: each parameter's type, default
        and docs (defined once, under the class's canonical path)."""
        name = f"{path}.init_args"
        if name in self.definitions:
            return {"$ref": f"#/definitions/{name}"}
        short = data["name"]
        properties: dict[str, Any] = {}
        for param, info in data["params"].items():
            prop: dict[str, Any] = dict(info.get("type", {}))
            if self.nulls and (info.get("nullable") or "default" in info and info["default"] is None):
                prop = or_null(prop)
            text = info.get("doc") or ""
            if info.get("default") is not None:
                prop["default"] = info["default"]
            default = f"\n\nDefault: `{json.dumps(info['default'])}`" if "default" in info else ""
            if text:
                prop["description"] = text + default
            prop["x-taplo"] = {
                "docs": {"main": f"**{short}** `{param}`: {text or 'no docs'}{default}"},
                "links": {"key": DOCS_API.format(path=path)},
            }
            properties[param] = prop
        out: dict[str, Any] = {"type": "object", "description": f"Keyword arguments of `{path}`.", "properties": properties}
        if not data["kwargs"]:
            out["additionalProperties"] = False
        required = [n for n, p in data["params"].items() if p.get("required")]
        if required:
            out["required"] = required
        self.definitions[name] = out
        return {"$ref": f"#/definitions/{name}"}

    def class_doc(self, path: str, data: dict[str, Any]) -> str:
        """A class's docs: its first line, its ``init_args`` and its page in Lightning's docs."""
        first = (data.get("doc") or "").strip()
        arguments = ", ".join(f"`{name}`" for name in data["params"])
        listed = f"\n\n`init_args`: {arguments}" if arguments else ""
        return f"{first}{listed}\n\n[{data['name']} in Lightning's docs]({DOCS_API.format(path=path)})".strip()


