"""What LightningCLI hands the Trainer for a YAML config, in the words trainer-lint's rules read.

LightningCLI validates a config with jsonargparse against the Trainer's (and each class's)
type annotations, and on the way it changes some values. Measured with jsonargparse 4.53 and
Lightning 2.6 (``tests/differential/test_yaml_lightningcli.py`` builds the real thing):

* A **string** where the parameter's type is not ``str`` is read again as YAML
  (``basic_json_or_yaml_load``): ``max_epochs: "10"`` reaches the Trainer as ``10``,
  ``enable_progress_bar: "no"`` as ``False``, ``val_check_interval: "0.5"`` as ``0.5``. The
  members of a union are tried in the order the annotation writes them (``None`` last), and the
  first that takes the value wins, so ``devices: "2"`` stays the string (``str`` comes before
  ``int`` there) while ``precision: "16"`` becomes ``16``.
* A **null** is never type-checked (jsonargparse skips None) and reaches the Trainer as None. It
  is right where the annotation is ``Optional`` (the model says which:
  ``x-nullable`` in the schema, ``nullable``/a None default in the class snapshot); where the
  default is None it is the same as leaving the key out, and it is left out here, so rules never
  meet a None they do not expect. ``check_val_every_n_epoch: null`` becomes ``"none"``, trainer-lint's
  TOML spelling of that None. Elsewhere the None stays, and the type rules report it.
* The TOML spelling ``"none"`` itself is an error in YAML (LightningCLI passes the string on):
  ``TL009``, with a fix to ``null``.

Nothing here imports PyYAML until a string has to be read again.
"""

from __future__ import annotations

from typing import Any

from trainer_lint.diagnostic import Edit, Fix, KeyPath, Severity

NONE_IN_YAML = "TL009"

_Finding = tuple[str, Severity, KeyPath, str, int, int, Fix | None]

_MISSING = object()


def lightningcli_view(
    raw: dict[str, Any], schema: dict[str, Any] | None = None, *, keep_nulls: bool = False
) -> tuple[dict[str, Any], list[_Finding]]:
    """``raw`` (YAML data as loaded) as LightningCLI hands it on; and the ``TL009`` findings
    (placed at their key's value by the reader). ``keep_nulls`` keeps the nulls that mean the
    default (``convert`` refuses them rather than drop a line silently)."""
    view = _View(schema if schema is not None else _schema(), keep_nulls)
    data = view.table(raw, view.root, ())
    return data, view.findings


def toml_nones(data: dict[str, Any], schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """TOML ``data`` with trainer-lint's spelling of None (``check_val_every_n_epoch = "none"``)
    turned into None, for writing YAML."""
    schema = schema if schema is not None else _schema()
    trainer = data.get("trainer")
    if not isinstance(trainer, dict):
        return data
    properties = schema["definitions"]["BaseTrainerConfig"]["properties"]
    changed = {
        name: None
        for name, value in trainer.items()
        if isinstance(value, str) and name in properties and properties[name].get("x-nullable")
        and _spelling(properties[name]) == value
    }
    return {**data, "trainer": {**trainer, **changed}} if changed else data


def _schema() -> dict[str, Any]:
    from trainer_lint.schema import load_packaged

    return load_packaged()


_RESOLVED: dict[int, tuple[Any, dict[str, Any]]] = {}
"""Schema nodes with their ``$ref`` resolved, by identity (the schema is loaded once)."""
_MEMBERS: dict[int, tuple[Any, list[dict[str, Any]]]] = {}


class _View:
    def __init__(self, schema: dict[str, Any], keep_nulls: bool = False) -> None:
        self.root = schema
        self.keep_nulls = keep_nulls
        self.findings: list[_Finding] = []

    def resolve(self, node: Any) -> dict[str, Any]:
        hit = _RESOLVED.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        resolved = self._resolve(node)
        if len(_RESOLVED) > 4096:
            _RESOLVED.clear()
        _RESOLVED[id(node)] = (node, resolved)
        return resolved

    def _resolve(self, node: Any) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = {**self.root["definitions"][name], **{k: v for k, v in node.items() if k != "$ref"}}
        if "allOf" in node and len(node) <= 3:
            refs = [sub for sub in node["allOf"] if "$ref" in sub]
            if len(refs) == 1:  # `allOf: [{$ref}]`, how the schema writes a described reference
                base = self.resolve(refs[0])
                node = {**base, **{k: v for k, v in node.items() if k != "allOf"}}
        return node

    # -- tables and their entries

    def table(self, value: dict[Any, Any], node: dict[str, Any], path: KeyPath) -> dict[Any, Any]:
        node = self.resolve(node)
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        out: dict[Any, Any] = {}
        for key, item in value.items():
            sub = properties.get(key) if isinstance(key, str) else None
            if sub is None and isinstance(extra, dict):
                sub = extra
            if sub is None:
                out[key] = item
                continue
            self.entry(out, key, item, self.resolve(sub), (*path, key), nullable=bool(sub.get("x-nullable")),
                       default_none="default" not in sub)
        if isinstance(out.get("class_path"), str) and isinstance(out.get("init_args"), dict) and "class_path" in properties:
            out["init_args"] = self.init_args(out["class_path"], out["init_args"], path)
        return out

    def entry(self, out: dict[Any, Any], key: Any, value: Any, node: dict[str, Any], path: KeyPath, *,
              nullable: bool, default_none: bool) -> None:
        """Set ``out[key]`` to ``value`` as LightningCLI passes it (or leave it out, see the module)."""
        spelled = _spelling(node) if nullable else None
        if isinstance(value, str):
            if spelled is not None and value == spelled:
                self.findings.append((
                    NONE_IN_YAML, Severity.ERROR, path,
                    f"`{spelled}` is trainer-lint's TOML spelling of None; in YAML, LightningCLI passes the "
                    f"string \"{spelled}\" on and fails: write `null`",
                    -1, -1, Fix("write `null`", (Edit(path, "value", "null"),)),
                ))
                out[key] = value
                return
            value = self.string(value, node, nullable)
        if value is None:
            if not nullable:
                out[key] = None  # the type rules report it
            elif spelled is not None:
                out[key] = spelled
            elif not default_none or self.keep_nulls:
                out[key] = None
            return  # None is the default: as if unset
        out[key] = self.value(value, node, path)

    def value(self, value: Any, node: dict[str, Any], path: KeyPath) -> Any:
        if isinstance(value, dict):
            table = self.branch(node, "object")
            return self.table(value, table, path) if table is not None else value
        if isinstance(value, list):
            array = self.branch(node, "array")
            items = array.get("items") if array is not None else None
            if not isinstance(items, dict):
                return value
            items = self.resolve(items)
            out: list[Any] = []
            for number, item in enumerate(value):
                out.append(self.string(item, items, False) if isinstance(item, str) else self.value(item, items, (*path, number)))
            return out
        return value

    def branch(self, node: dict[str, Any], kind: str) -> dict[str, Any] | None:
        """The first member of ``node`` (a union or not) of JSON type ``kind``."""
        for member in self.members(node):
            if member.get("type") == kind or (kind == "object" and "properties" in member):
                return member
        return None

    def members(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        hit = _MEMBERS.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        resolved = self.resolve(node)
        members = [self.resolve(member) for member in resolved["anyOf"]] if "anyOf" in resolved else [resolved]
        if len(_MEMBERS) > 4096:
            _MEMBERS.clear()
        _MEMBERS[id(node)] = (node, members)
        return members

    # -- strings read again

    def string(self, text: str, node: dict[str, Any], nullable: bool) -> Any:
        """What jsonargparse makes of the string ``text`` for a parameter of type ``node``."""
        members = self.members(node)
        if not members or members == [{}]:
            return text  # no annotation known: nothing is checked either
        loaded: Any = _MISSING
        for member in members:
            kind = member.get("type")
            choices = member.get("enum", [member["const"]] if "const" in member else None)
            if choices is not None:
                if text in choices:
                    return text
                if loaded is _MISSING:
                    loaded = _basic_load(text)
                if not isinstance(loaded, str) and any(type(c) is type(loaded) and c == loaded for c in choices):
                    return loaded
                continue
            if kind == "string" or kind is None and "properties" not in member:
                return text
            if loaded is _MISSING:
                loaded = _basic_load(text)
            if kind == "integer" and isinstance(loaded, int) and not isinstance(loaded, bool):
                return loaded
            if kind == "number" and isinstance(loaded, (int, float)) and not isinstance(loaded, bool):
                return float(loaded)
            if kind == "boolean" and isinstance(loaded, bool):
                return loaded
            if kind == "array" and isinstance(loaded, list) or (kind == "object" or "properties" in member) and isinstance(loaded, dict):
                return loaded
        if nullable:
            if loaded is _MISSING:
                loaded = _basic_load(text)
            if loaded is None:
                return None
        return text

    # -- class_path objects

    def init_args(self, class_path: str, args: dict[Any, Any], path: KeyPath) -> dict[Any, Any]:
        """``init_args`` of a Lightning class: each value as its parameter's type makes it."""
        from trainer_lint import classes

        slot = path[1] if len(path) > 1 and path[0] == "trainer" and isinstance(path[1], str) else (path[0] if path else None)
        try:
            found = classes.resolve(class_path, slot if isinstance(slot, str) else None)
        except Exception:  # noqa: BLE001 - a missing or unreadable snapshot: leave the values alone
            found = None
        if found is None:
            return args
        params = found.params
        out: dict[Any, Any] = {}
        for key, item in args.items():
            param = params.get(key) if isinstance(key, str) else None
            if param is None:
                out[key] = item
                continue
            node = param.get("type") or {}
            default_none = "default" in param and param["default"] is None
            self.entry(out, key, item, self.resolve(node), (*path, "init_args", key),
                       nullable=default_none or bool(param.get("nullable")), default_none=default_none)
        return out


def _spelling(node: dict[str, Any]) -> str | None:
    """The string a nullable TOML parameter writes for None (the member the model marks
    ``x-none-spelling``: ``check_val_every_n_epoch = "none"``), or None."""
    for member in node.get("anyOf", ()):
        if isinstance(member, dict) and member.get("x-none-spelling") and isinstance(member.get("const"), str):
            return member["const"]
    return None


def _basic_load(text: str) -> Any:
    from trainer_lint.formats.yaml_loader import basic_load

    return basic_load(text)
