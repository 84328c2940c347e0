"""The committed JSON Schema is fresh, deterministic and editor-friendly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from trainer_lint import schema

ROOT = Path(__file__).resolve().parents[1]


def _nodes(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, (*path, index))


def test_committed_schema_is_fresh():
    assert schema.stale_paths(ROOT) == [], "run `trainer-lint schema` and commit schemas/"


def test_schema_check_command_passes():
    proc = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_schema_check_fails_on_stale_copy(tmp_path):
    (tmp_path / "schemas").mkdir()
    committed = (ROOT / "schemas" / "trainer.schema.json").read_text()
    (tmp_path / "schemas" / "trainer.schema.json").write_text(committed.replace('"default": -1', '"default": 5', 1))
    proc = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--check"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "schemas/trainer.schema.json is stale" in proc.stderr


def test_generation_is_deterministic():
    assert schema.render() == schema.render()


def test_stamped_draft07():
    data = json.loads((ROOT / "schemas" / "trainer.schema.json").read_text())
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "trainer-lint schema" in data["$comment"]
    assert "$defs" not in data


def test_editor_friendly_shape():
    data = schema.build_schema()
    for path, node in _nodes(data):
        assert node.get("type") != "null" and node.get("default", 0) is not None, path
        if "$ref" in node:
            assert "description" not in node, f"description beside $ref at {path} (Taplo drops it)"
        if node.get("type") == "object" and "properties" in node and path[:1] != ("properties",):
            assert node.get("additionalProperties") is False or "init_args" in path, path
        if "enum" in node:
            assert node["x-taplo"]["docs"]["enumValues"], path


def test_editor_schema_shape():
    """What keeps Taplo and Tombi working on the editor copy (see trainer_lint/editor_schema.py)."""
    data = json.loads((ROOT / schema.REPO_SCHEMA).read_text(encoding="utf-8"))
    for path, node in _nodes(data):
        if "allOf" in node:  # Taplo merges an allOf without properties into its parent, forever
            assert "properties" in node, path
        assert not {"x-choices", "x-pattern-words"} & set(node), path
        if "$ref" in node:
            assert "description" not in node, path
        if node.get("enum"):
            assert len(node["x-taplo"]["docs"]["enumValues"]) == len(node["enum"]), path
    trainer = data["properties"]["trainer"]["properties"]
    assert len(trainer) == 41
    for name, prop in trainer.items():
        assert "anyOf" not in prop and "oneOf" not in prop, f"{name}: Taplo would list it once per branch"
        assert prop["x-taplo"]["docs"]["main"], name


def test_trainer_properties_documented_with_defaults():
    data = schema.build_schema()
    props = data["definitions"]["BaseTrainerConfig"]["properties"]
    assert len(props) == 41
    for name, prop in props.items():
        assert prop["x-taplo"]["docs"]["main"], name
        assert prop["x-taplo"]["links"]["key"].startswith("https://lightning.ai/docs/pytorch/"), name
    assert props["max_steps"]["default"] == -1
    assert props["accelerator"]["default"] == "auto"
    assert "Default: `-1`" in props["max_steps"]["x-taplo"]["docs"]["main"]


# ------------------------------------------------------------- the editor copy agrees


def _candidates() -> list[object]:
    """Values for every key: each type, each closed set and its case variants, the shapes around
    them."""
    from trainer_lint import model

    words = [
        *model.ACCELERATORS, *model.STRATEGIES, *model.PROFILERS, *model.GRADIENT_CLIP_ALGORITHMS,
        *model.PRECISION_STRINGS, *model.PRECISION_ALIASES, "warn", "none",
    ]
    strings = [*words, *(w.upper() for w in words[::2]), *(w.title() for w in words[1::2]), "", " ", "0,1", "1",
               "-1", " 2 ", "1,", "a,b", "00:12:00:00", "1:2:3:4", "12:00:00", "x.Y", "my.module.Class",
               "ModelCheckpoint", "1abc", "lightning.pytorch.strategies.DDPStrategy"]
    tables: list[object] = [{}, {"hours": 1}, {"hours": 1.5}, {"days": "x"}, {"weeks": 1, "minutes": 2}, {"bogus": 1},
                            {"class_path": 3}, {"init_args": {}}, {"class_path": "my.Class", "init_args": {"x": 1}},
                            {"class_path": "Cls"}, {"class_path": "my.Class", "extra": 1}]
    return [True, False, 0, 1, -1, -2, 2, 16, 32, 64, 0.0, 0.5, 1.0, 1.5, -0.5, *strings, *tables,
            [], [0, 1], [-1], ["a"], [True], [{}], ["lightning.pytorch.callbacks.ModelCheckpoint"], tables]


def _class_tables(slot: str) -> list[object]:
    """Tables naming every snapshotted class: those ``slot`` takes with each spelling and right
    and wrong arguments, the others (checked in every slot) with a wrong argument."""
    from trainer_lint import classes

    kinds = classes.SLOT_KINDS.get(slot, frozenset())
    out: list[object] = []
    for data in classes.load()["classes"].values():
        aliases = data["aliases"] if data["kind"] in kinds else data["aliases"][:1]
        for alias in aliases:
            out.append({"class_path": alias, "init_args": {"surely_not_an_argument": 1}})
        if data["kind"] in kinds:
            for name, param in list(data["params"].items())[:2]:
                good = param.get("default") if param.get("default") is not None else "x"
                out.append({"class_path": data["aliases"][0], "init_args": {name: good}})
                out.append({"class_path": data["aliases"][-1], "init_args": {name: [[]]}})
    return out


def _documents(reference: dict[str, object], extra: list[object] = ()) -> list[dict[str, object]]:
    """Documents for every key: the candidates (and ``extra``), class tables for object keys,
    the repository's TOML configs."""
    import tomli

    common = _candidates() + list(extra)
    trainer = reference["definitions"]["BaseTrainerConfig"]["properties"]  # type: ignore[index]
    documents: list[dict[str, object]] = []
    for key, prop in sorted(trainer.items()):
        documents += [{"trainer": {key: value}} for value in common]
        if "ClassPathConfig" in json.dumps(prop):
            tables = _class_tables(key)
            documents += [{"trainer": {key: value}} for value in tables]
            if '"array"' in json.dumps(prop):
                documents += [{"trainer": {key: [value]}} for value in tables[::4]]
    for key in sorted(k for k in reference["properties"] if k != "trainer"):  # type: ignore[union-attr]
        documents += [{key: value} for value in common + _class_tables(key)[::2]]
    for path in sorted(ROOT.glob("tests/**/*.toml")) + sorted(ROOT.glob("examples/*.toml")):
        try:
            documents.append(tomli.loads(path.read_text(encoding="utf-8")))
        except (tomli.TOMLDecodeError, UnicodeDecodeError):
            pass
    return documents


def _agree(reference: dict[str, object], editor: dict[str, object], documents: list[dict[str, object]]) -> None:
    import pytest

    jsonschema = pytest.importorskip("jsonschema")
    ref_ok = jsonschema.Draft7Validator(reference).is_valid
    editor_ok = jsonschema.Draft7Validator(editor).is_valid
    verdicts = [(editor_ok(d), ref_ok(d)) for d in documents]
    disagree = [d for d, (mine, theirs) in zip(documents, verdicts) if mine != theirs]
    accepted = sum(mine for mine, _ in verdicts)
    assert len(documents) > 5_000 and 1_000 < accepted < len(documents) - 1_000
    assert not disagree, f"{len(disagree)} of {len(documents)} documents differ, e.g. {disagree[:3]}"


def test_editor_schema_accepts_exactly_what_the_reference_accepts():
    """The reshaped editor schema (schemas/) and the reference schema agree on every value of
    every key (python-jsonschema, draft 7), so reshaping for editors changed no verdict."""
    reference = schema.build_schema()
    editor = json.loads((ROOT / schema.REPO_SCHEMA).read_text(encoding="utf-8"))
    _agree(reference, editor, _documents(reference))


def test_yaml_schema_accepts_exactly_what_the_yaml_reference_accepts():
    """The YAML schema, in the editor shape, agrees with the reference plus its ``null`` branches
    (where the Trainer takes None; TOML's ``"none"`` spelling dropped) on every value of every
    key, ``null`` included: the editor shape changed no verdict of the YAML variant."""
    import copy

    reference = schema.build_schema()
    yaml_reference = schema._nulls(copy.deepcopy(reference))
    yaml_editor = json.loads((ROOT / schema.REPO_YAML_SCHEMA).read_text(encoding="utf-8"))
    nulls = [None, [None], {"class_path": None}, {"hours": None}]
    documents = _documents(reference, nulls)
    _agree(yaml_reference, yaml_editor, documents)
    assert any(d.get("trainer", {}).get("max_epochs", 0) is None for d in documents)


_SAMPLES = {"integer": 1, "number": 1.0, "boolean": True, "array": [], "string": "x"}


def test_yaml_schema_init_args_take_null_where_lightningcli_does():
    """In the YAML schema a class's ``init_args`` take ``null`` where the snapshot says the
    parameter is ``Optional`` or defaults to None (what TL540 accepts), and nowhere else."""
    import pytest

    jsonschema = pytest.importorskip("jsonschema")
    from trainer_lint import classes

    valid = jsonschema.Draft7Validator(json.loads((ROOT / schema.REPO_YAML_SCHEMA).read_text(encoding="utf-8"))).is_valid
    wrong = []
    checked = {True: 0, False: 0}
    for path, data in classes.load()["classes"].items():
        if data["kind"] != "callback" or data["abstract"] or data.get("deprecated"):
            continue
        for name, param in data["params"].items():
            if not param.get("type") or param.get("type", {}).get("class"):
                continue  # any value (no type the schema can say)
            takes_none = bool(param.get("nullable")) or "default" in param and param["default"] is None
            required = {n: _SAMPLES.get(p.get("type", {}).get("type"), "x") for n, p in data["params"].items() if p.get("required")}
            document = {"trainer": {"callbacks": [{"class_path": path, "init_args": {**required, name: None}}]}}
            checked[takes_none] += 1
            if valid(document) != takes_none:
                wrong.append(f"{path}({name}=None)")
    assert checked[True] > 20 and checked[False] > 20, checked
    assert not wrong, wrong
