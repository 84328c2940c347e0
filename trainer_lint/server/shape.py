"""What a config may hold at a key path: the keys a table takes, the values a key takes, and the
docs of each, from the schema ``check`` reads for the document's Lightning release
(:attr:`Knowledge.schema <trainer_lint.server.knowledge.Knowledge.schema>`) and the class knowledge.

``("trainer",)`` takes the Trainer's arguments; ``("trainer", "strategy")`` takes a name from a
closed set (case-insensitive) or a class table; a class table (``("trainer", "callbacks", 0)``)
takes ``class_path`` and ``init_args``; its ``init_args`` takes the ``__init__`` parameters of
the class its ``class_path`` names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from trainer_lint.diagnostic import KeyPath
from trainer_lint.server.knowledge import ClassEntry, Knowledge

OBJECT_REF = "#/definitions/ClassPathConfig"


@dataclass(frozen=True)
class Key:
    """A key a table takes."""

    name: str
    doc: str
    detail: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class Value:
    """A value a key takes: its TOML text (also its label: ``"ddp"``, ``16``), docs, and the value
    itself (what a YAML document writes in its own spelling)."""

    toml: str
    label: str
    doc: str = ""
    data: Any = None


Schema = dict[str, Any]


def schema() -> Schema:
    """The newest release's schema (the packaged copy), for callers without a :class:`Knowledge`."""
    from trainer_lint.schema import load_packaged

    return load_packaged()


def _resolve(node: dict[str, Any], root: Schema) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {**root["definitions"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def branches(node: dict[str, Any], root: Schema | None = None) -> list[dict[str, Any]]:
    """The alternatives of a schema node of ``root`` (default: the newest release's schema),
    references resolved and ``anyOf``/``allOf`` flattened (``allOf`` members add to the node;
    every member's keys count)."""
    root = root if root is not None else schema()
    node = _resolve(node, root)
    if "anyOf" in node:
        out: list[dict[str, Any]] = []
        for branch in node["anyOf"]:
            out.extend(branches(branch, root))
        return out
    if "allOf" in node and "properties" not in node and len(node["allOf"]) == 1:
        merged = {**_resolve(node["allOf"][0], root), **{k: v for k, v in node.items() if k != "allOf"}}
        return branches(merged, root)
    return [node]


def _is_class_table(node: dict[str, Any]) -> bool:
    return "class_path" in node.get("properties", {})


def nodes_at(path: KeyPath, root: Schema | None = None) -> list[dict[str, Any]]:
    """The alternatives at ``path`` in ``root`` (default: the newest release's schema; empty when
    the schema says nothing there)."""
    root = root if root is not None else schema()
    current = [root]
    for part in path:
        following: list[dict[str, Any]] = []
        for node in current:
            for branch in branches(node, root):
                if isinstance(part, int):
                    if "items" in branch:
                        following.append(branch["items"])
                elif part in branch.get("properties", {}):
                    following.append(branch["properties"][part])
                elif isinstance(branch.get("additionalProperties"), dict):
                    following.append(branch["additionalProperties"])
        current = following
        if not current:
            return []
    return [b for node in current for b in branches(node, root)]


def slot_of(path: KeyPath) -> str | None:
    """The key that owns a class table at ``path``: ``("trainer", "callbacks", 0)`` -> ``callbacks``."""
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return None
    if names[0] == "trainer" and len(names) >= 2:
        return names[1]
    return names[0]


def is_class_table(path: KeyPath, root: Schema | None = None) -> bool:
    return any(_is_class_table(b) for b in nodes_at(path, root))


def key_doc(node: dict[str, Any]) -> str:
    """A key's docs as Markdown: its description (with the Lightning docs link) and default."""
    description = node.get("description", "")
    text, _, link = description.partition("\n\nLightning docs: ")
    parts = [text.strip()] if text.strip() else []
    if "default" in node:
        parts.append(f"Default: `{json.dumps(node['default'])}`")
    if link:
        parts.append(f"[Lightning docs]({link.strip()})")
    return "\n\n".join(parts)


def keys_at(path: KeyPath, knowledge: Knowledge, class_path: str | None) -> list[Key]:
    """The keys the table at ``path`` takes."""
    root = knowledge.schema
    if path and path[-1] == "init_args" and is_class_table(path[:-1], root):
        entry = knowledge.lookup(class_path, slot_of(path)) if class_path else None
        return [_parameter_key(entry, p) for p in entry.parameters] if entry is not None else []
    out: dict[str, Key] = {}
    for node in nodes_at(path, root):
        for name, prop in node.get("properties", {}).items():
            if name not in out:
                out[name] = Key(name, key_doc(prop), _type_words(prop, root))
    return list(out.values())


def _parameter_key(entry: ClassEntry, parameter: Any) -> Key:
    return Key(parameter.name, parameter_doc(entry, parameter.name), _type_words(parameter.type) or parameter.annotation)


def parameter_doc(entry: ClassEntry, name: str) -> str:
    """Markdown docs of one ``__init__`` parameter of a class."""
    parameter = entry.parameter(name)
    if parameter is None:
        return ""
    written = _type_words(parameter.type) or parameter.annotation
    parts = [f"**{entry.name}** `{name}`" + (f": {written}" if written else "")]
    if parameter.doc:
        parts.append(parameter.doc)
    if parameter.required:
        parts.append("Required.")
    elif parameter.has_default:
        parts.append(f"Default: `{json.dumps(parameter.default)}`")
    if entry.link:
        parts.append(_link(entry))
    return "\n\n".join(parts)


def _link(entry: ClassEntry) -> str:
    where = "its source" if entry.origin == "project" else f"the {entry.origin} docs"
    return f"[{entry.name} in {where}]({entry.link})"


def class_doc(entry: ClassEntry) -> str:
    """Markdown docs of a class: what it is, its docs, its parameters."""
    parts = [f"**{entry.name}** ({entry.origin}{' ' + entry.kind if entry.kind else ''}): `{entry.path}`"]
    if entry.doc:
        parts.append(entry.doc)
    if entry.parameters:
        lines = []
        for p in entry.parameters:
            default = "" if not p.has_default or p.required else f" = `{json.dumps(p.default)}`"
            lines.append(f"- `{p.name}`{default}")
        parts.append("`init_args`:\n" + "\n".join(lines))
    if entry.link:
        parts.append(_link(entry))
    return "\n\n".join(parts)


_WORDS = {"integer": "int", "number": "float", "string": "str", "boolean": "bool", "array": "list", "object": "table"}


def _type_words(node: dict[str, Any] | None, root: Schema | None = None) -> str:
    if not node:
        return ""
    found: list[str] = []
    for branch in branches(node, root) if ("anyOf" in node or "$ref" in node) else [node]:
        if _is_class_table(branch):
            found.append("class")
        kind = branch.get("type")
        for k in kind if isinstance(kind, list) else [kind] if kind else []:
            found.append(_WORDS.get(k, k))
        if "enum" in branch and not kind:
            found.append("choice")
    return " | ".join(dict.fromkeys(found))


def values_at(path: KeyPath, knowledge: Knowledge, class_path: str | None = None) -> list[Value]:
    """The values worth offering at ``path``: closed sets (case-insensitive names in their
    canonical spelling), booleans; for ``class_path``, the classes of the slot."""
    root = knowledge.schema
    if path and path[-1] == "class_path" and is_class_table(path[:-1], root):
        slot = slot_of(path)
        return [Value(_toml(e.path), _toml(e.path), class_doc(e), e.path) for e in knowledge.classes(slot or "")]
    if len(path) >= 2 and path[-2] == "init_args" and is_class_table(path[:-2], root):
        entry = knowledge.lookup(class_path, slot_of(path)) if class_path else None
        parameter = entry.parameter(str(path[-1])) if entry is not None else None
        return _values_of(parameter.type, root) if parameter is not None and parameter.type else []
    out: list[Value] = []
    for node in nodes_at(path, root):
        out.extend(_values_of(node, root))
    return list({v.toml: v for v in out}.values())


def _values_of(node: dict[str, Any], root: Schema | None = None) -> list[Value]:
    out: list[Value] = []
    for branch in branches(node, root):
        docs = (branch.get("x-taplo", {}).get("docs", {}) or {}).get("enumValues") or []
        if "x-choices" in branch:
            out.extend(Value(_toml(v), _toml(v), "Not case-sensitive.", v) for v in branch["x-choices"])
        elif "enum" in branch:
            for i, v in enumerate(branch["enum"]):
                doc = docs[i] if i < len(docs) and docs[i] else ""
                out.append(Value(_toml(v), _toml(v), doc if not doc.startswith("`") else "", v))
        elif "const" in branch:
            out.append(Value(_toml(branch["const"]), _toml(branch["const"]), "", branch["const"]))
        elif branch.get("type") == "boolean":
            out.extend([Value("true", "true", "", True), Value("false", "false", "", False)])
    return out


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def doc_at(path: KeyPath, knowledge: Knowledge, class_path: str | None) -> str:
    """Markdown docs of the key at ``path``."""
    root = knowledge.schema
    if len(path) >= 2 and path[-2] == "init_args" and is_class_table(path[:-2], root):
        entry = knowledge.lookup(class_path, slot_of(path)) if class_path else None
        return parameter_doc(entry, str(path[-1])) if entry is not None else ""
    if not path:
        return ""
    parents = nodes_at(path[:-1], root)
    for node in parents:
        prop = node.get("properties", {}).get(path[-1])
        if prop is not None:
            return key_doc(prop)
    return ""
