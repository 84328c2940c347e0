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
