"""The committed schema works in editors: the real Taplo CLI accepts every good example and
rejects every bad one at the expected key, through each documented way of linking the schema.

Bad examples carry ``# expect: LINE:COL`` comments: Taplo must report an error at each.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITORS = ROOT / "tests" / "editors"
SCHEMA = ROOT / "schemas" / "trainer.schema.json"
GOOD = sorted((EDITORS / "good").glob("*.toml")) + sorted((ROOT / "examples").glob("*.toml"))
BAD = sorted((EDITORS / "bad").glob("*.toml"))


def _taplo() -> str:
    found = shutil.which("taplo")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("taplo is not installed (pip install taplo); the editor tests must run in CI")
        pytest.skip("taplo is not installed")
    return found


def taplo_check(*files: Path, cwd: Path | None = None, schema: str | None = None) -> tuple[int, str]:
    args = [_taplo(), "check", "--colors=never"]
    if schema:
        args += ["--schema", schema]
    proc = subprocess.run([*args, *map(str, files)], capture_output=True, text=True, cwd=cwd, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def reported(output: str) -> set[str]:
    """``LINE:COL`` of every error Taplo reported."""
    return set(re.findall(r"┌─ .*?:(\d+:\d+)", output))


def expected(path: Path) -> set[str]:
    return set(re.findall(r"^# expect: (\d+:\d+)", path.read_text(), re.M))


def test_examples_link_the_schema():
    for path in GOOD + BAD:
        assert path.read_text().startswith("#:schema "), f"{path} lacks a #:schema first line"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_schema_comment_good(path):
    code, output = taplo_check(path)
    assert code == 0, output


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_schema_comment_bad(path):
    code, output = taplo_check(path)
    assert code == 1, output
    want = expected(path)
    assert want, f"{path} has no '# expect: LINE:COL' comment"
    assert want <= reported(output), output


def test_taplo_toml_rule(tmp_path):
    """The `.taplo.toml` way: a [[rule]] maps configs/**/*.toml to the schema; no #:schema lines."""
    configs = tmp_path / "configs"
    configs.mkdir()
    for path in GOOD[:2] + BAD:
        body = path.read_text().split("\n", 1)[1]  # drop the #:schema line
        (configs / f"{path.parent.name}_{path.name}").write_text("\n" + body)
    (tmp_path / ".taplo.toml").write_text(
        '[[rule]]\ninclude = ["configs/**/*.toml"]\n\n[rule.schema]\n'
        f'path = "{SCHEMA.as_uri()}"\n'
    )
    for path in sorted(configs.glob("good_*.toml")):
        code, output = taplo_check(path.relative_to(tmp_path), cwd=tmp_path)
        assert code == 0, output
    for path in sorted(configs.glob("bad_*.toml")):
        code, output = taplo_check(path.relative_to(tmp_path), cwd=tmp_path)
        assert code == 1, output
        # line numbers are unchanged: the #:schema line became an empty line
        assert expected(EDITORS / "bad" / path.name[4:]) <= reported(output), output


def test_vscode_settings_snippet():
    """The VS Code settings in docs/editors.md map configs to the committed schema.

    Even Better TOML is not scriptable here; this checks the snippet parses, its pattern matches
    a config path and its schema URL names the committed schema file."""
    import json

    text = (ROOT / "docs" / "editors.md").read_text()
    blocks = [b for b in re.findall(r"```jsonc?\n(.*?)```", text, re.S) if "evenBetterToml" in b]
    assert blocks, "docs/editors.md has no VS Code settings block"
    settings = json.loads(textwrap.dedent(blocks[0]))
    associations = settings["evenBetterToml.schema.associations"]
    (pattern, url), = associations.items()
    assert re.search(pattern, "file:///home/me/project/configs/train.toml")
    assert not re.search(pattern, "file:///home/me/project/pyproject.toml")
    assert url.endswith("schemas/trainer.schema.json")
