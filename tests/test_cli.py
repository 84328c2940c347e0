"""The command line, output for output: `check`, `rules`, `rule CODE`, and the exit codes
(0 clean, 1 errors, 2 usage) of `check` and `schema --check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer_lint import docs
from trainer_lint import schema as schema_module
from trainer_lint.cli import app
from trainer_lint.rules import RULES

BAD = '[trainer]\nmax_epochs = "10"\nmax_epoch = 3\n'
TL100 = '`trainer.max_epochs` expects an integer, found a string "10"'
TL103 = "unknown key `max_epoch` in table `trainer`; did you mean `max_epochs`?"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "bad.toml").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.toml").write_text("[trainer]\nmax_epochs = 10\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "warn.toml").write_text("[trainer]\nmax_epochs = 10  # trainer-lint: ignore[TL100]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assumed(tree: Path) -> str:
    """The closing line naming the Lightning release the files were checked against (the
    installed one here, else the newest known: no project file in the tree names Lightning)."""
    from trainer_lint.lightning.selection import choose

    return f"Checked against {choose(None, str(tree / 'x.toml')).describe()}.\n"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def check(*args: str):
    return invoke("check", "--no-color", "--isolated", *args)


# ---------------------------------------------------------------------------------- check


def test_check_errors_text(tree):
    result = check("bad.toml")
    assert result.exit_code == 1
    assert result.stdout == f"bad.toml:2:14: TL100 error: {TL100}\nbad.toml:3:1: TL103 error: {TL103}\nFound 2 errors in 1 file.\n" + assumed(tree)
    assert result.stderr == ""


def test_check_errors_full(tree):
    result = check("bad.toml", "--format", "full")
    assert result.exit_code == 1
    assert result.stdout == (
        f"bad.toml:2:14: TL100 error: {TL100}\n"
        "  |\n"
        '2 | max_epochs = "10"\n'
        "  |              ^^^^ TL100\n"
        "  |\n"
        "\n"
        f"bad.toml:3:1: TL103 error: {TL103}\n"
        "  |\n"
        "3 | max_epoch = 3\n"
        "  | ^^^^^^^^^ TL103\n"
        "  |\n"
        "  = help: Rename `max_epoch` to `max_epochs`\n"
        "\n"
        "Found 2 errors in 1 file.\n"
    ) + assumed(tree)


def test_check_errors_github(tree):
    result = check("bad.toml", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file=bad.toml,line=2,col=14,endLine=2,endColumn=18,title=TL100::{TL100}\n"
        f"::error file=bad.toml,line=3,col=1,endLine=3,endColumn=10,title=TL103::{TL103}\n"
    )


def test_check_clean_and_non_trainer_toml(tree):
    result = check("good.toml", "pyproject.toml", "Cargo.toml")
    assert (result.exit_code, result.stdout) == (0, "All checks passed (1 file checked).\n" + assumed(tree))
    result = check("pyproject.toml", "Cargo.toml", "--verbose")
    assert (result.exit_code, result.stdout) == (0, "All checks passed (0 files checked).\n")
    assert result.stderr == "0 checked, 2 skipped (no [trainer] table).\n"


def test_check_warnings_and_strict(tree):
    line = "warn.toml:2:41: TL902 warning: unused suppression: no `TL100` diagnostic on this line\n"
    result = check("warn.toml")
    assert (result.exit_code, result.stdout) == (0, line + "Found 1 warning in 1 file.\n" + assumed(tree))
    assert check("warn.toml", "--strict").exit_code == 1
    assert check("warn.toml", "--strict", "--ignore", "TL902").exit_code == 0


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (("missing.toml",), "trainer-lint: missing.toml: no such file or directory\n"),
        (("bad.toml", "--select", "TL77"), "trainer-lint: error: --select: unknown rule code(s): TL77; `trainer-lint rules` lists them\n"),
        (("bad.toml", "--ignore", "nope"), "trainer-lint: error: --ignore: unknown rule code(s): NOPE; `trainer-lint rules` lists them\n"),
        (("bad.toml", "--format", "xml"), "trainer-lint: error: unknown format 'xml'; choose from text, json, full, github, sarif\n"),
    ],
)
def test_check_usage_errors_exit_2(tree, args, stderr):
    result = check(*args)
    assert result.exit_code == 2
    assert result.stderr == stderr


def test_check_missing_path_still_reports_the_others(tree):
    result = check("bad.toml", "missing.toml")
    assert result.exit_code == 2, "an unusable path wins over errors"
    assert result.stdout.endswith("Found 2 errors in 1 file. 1 path could not be linted (see above).\n" + assumed(tree))


def test_check_missing_path_is_not_all_clear(tree):
    result = check("good.toml", "missing.toml")
    assert result.exit_code == 2
    assert result.stdout == "No problems found (1 file checked). 1 path could not be linted (see above).\n" + assumed(tree)


# ---------------------------------------------------------------------------------- rules


def test_rules_lists_the_catalogue(tree):
    result = invoke("rules")
    assert result.exit_code == 0
    assert result.stdout == docs.table()
    width = max(len(r.name) for r in RULES)
    assert result.stdout.splitlines()[0] == f"TL001  {'toml-syntax':<{width}}  error    The file is not valid TOML (or YAML, for .yaml files)"
    assert len(result.stdout.splitlines()) == len(RULES)


def test_rules_markdown_is_docs_rules_md(tree):
    result = invoke("rules", "--markdown")
    assert result.exit_code == 0 and result.stdout == docs.markdown()


def test_rule_explains_one_rule(tree):
    result = invoke("rule", "tl001")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "# TL001 toml-syntax\n\nThe file is not valid TOML (or YAML, for .yaml files).\n\nSeverity: error. Fixable: no.\n\n"
        "## What it does\nReports TOML or YAML that does not parse, at the line and column where the parser stopped.\n"
    )
    for heading in ("## Why is this bad?", "## Example", "## Fix", "## Lightning source"):
        assert f"\n{heading}\n" in result.stdout
    assert invoke("rule", "toml-syntax").stdout == result.stdout


def test_rule_unknown_code_exits_2(tree):
    result = invoke("rule", "TL999")
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", "trainer-lint: error: unknown rule 'TL999'; `trainer-lint rules` lists them\n")


# --------------------------------------------------------------------------------- schema


def test_schema_check_exit_codes(tree):
    result = invoke("schema", "--check")
    assert result.exit_code == 1
    assert "schemas/trainer.schema.json is stale; run `trainer-lint schema` to regenerate it" in result.stderr
    (tree / "schemas").mkdir()
    (tree / schema_module.REPO_SCHEMA).write_text(schema_module.render(), encoding="utf-8")
    assert invoke("schema", "--check").exit_code == 1, "the YAML variant is missing"
    (tree / schema_module.REPO_YAML_SCHEMA).write_text(schema_module.render(schema_module.for_yaml()), encoding="utf-8")
    packaged_fresh = schema_module.PACKAGED_SCHEMA.read_text(encoding="utf-8") == schema_module.render_lint()
    assert invoke("schema", "--check").exit_code == (0 if packaged_fresh else 1)
    assert not invoke("schema", "--check").stdout


# ------------------------------------------------------------------------ the real command


def test_python_m_entry_point_exit_codes(tree):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "trainer_lint", *args], capture_output=True, text=True, cwd=tree, timeout=60)

    assert run("check", "--isolated", "good.toml").returncode == 0
    bad = run("check", "--isolated", "bad.toml")
    assert bad.returncode == 1 and bad.stdout.startswith("bad.toml:2:14: TL100 error:")
    assert "\x1b[" not in bad.stdout, "no colour when stdout is not a terminal"
    assert run("check", "--isolated", "--select", "XX").returncode == 2
    assert run("rule", "TL999").returncode == 2
    assert run("rules").stdout == docs.table()
    assert Path(tree, "bad.toml").read_text(encoding="utf-8") == BAD, "check never writes"


# -- which files are trainer configs ----------------------------------------------------------

MODEL_ONLY_TOML = '[model]\nclass_path = "lightning.pytorch.callbacks.ModelCheckpoint"\n'
"""A model table naming a Lightning callback: LightningCLI rejects it (TL501), with no trainer table."""


@pytest.mark.parametrize(
    ("name", "text", "checked"),
    [
        ("model.toml", MODEL_ONLY_TOML, True),
        ("model.yaml", "model:\n  class_path: lightning.pytorch.callbacks.ModelCheckpoint\n", True),
        ("data.yaml", "data:\n  class_path: lightning.pytorch.callbacks.EarlyStopping\n", True),
        ("other.toml", '[model]\nname = "resnet"\n', False),  # a `model` table that is no class_path object
        ("other.yaml", "model: resnet\nclass_path: x\n", False),
        ("ci.yaml", "jobs:\n  test:\n    runs-on: ubuntu-latest\n", False),
    ],
)
def test_a_model_or_data_config_without_trainer_table_is_checked(tmp_path, monkeypatch, name, text, checked):
    """LightningCLI runs are often split over several --config files (trainer.yaml, model.yaml):
    a file with a `model`/`data` class_path table is a config too; other files stay skipped."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = check("-v", name)
    assert ("1 checked, 0 skipped" in result.output) is checked, result.output
    assert (result.exit_code == 1) is checked, result.output
    if checked:
        assert "TL501" in result.output
