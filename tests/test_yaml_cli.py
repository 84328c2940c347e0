"""YAML through every front end: ``check`` (files named directly, folder walks, ``-v``), ``run``
and ``check --run``, ``--fix``, ``schema --for yaml``, JSON output; and the promise that a YAML
file is never read as TOML again ("TOML syntax error: Expected '=' after a key" was the answer
to a LightningCLI config before YAML support)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("yaml")

from trainer_lint import launch  # noqa: E402
from trainer_lint.checker import check_paths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIGHTNINGCLI = "# from --print_config\ntrainer:\n  accelerator: cpu\n  max_epochs: 2\n  check_val_every_n_epoch: null\n  logger: null\nmodel: null\n"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "trainer_lint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_yaml_named_directly_is_read_as_yaml(tmp_path):
    for name in ("cfg.yaml", "cfg.yml", "CFG.YAML"):
        (tmp_path / name).write_text("trainer:\n  max_epoch: 3\n", encoding="utf-8")
        run = _cli("check", "--isolated", name, cwd=tmp_path)
        assert run.returncode == 1
        assert run.stdout.startswith(f"{name}:2:3: TL103 error: unknown key `max_epoch`"), run.stdout
        assert "TOML" not in run.stdout + run.stderr


def test_folder_walk_takes_yaml_and_skips_other_yaml_quietly(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "fit.yaml").write_text(LIGHTNINGCLI, encoding="utf-8")
    (tmp_path / "configs" / "bad.yml").write_text("trainer:\n  precision: 16-mix\n", encoding="utf-8")
    (tmp_path / "configs" / "old.toml").write_text("[trainer]\ngpus = 2\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav: [{trainer: trainer.md}]\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text("services: {app: {image: x}}\n", encoding="utf-8")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {trainer: {}}\n", encoding="utf-8")
    run = _cli("check", "--isolated", "-v", "--format", "json", ".", cwd=tmp_path)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["files_checked"] == 3
    assert sorted({d["path"] for d in data["diagnostics"]}) == ["configs/bad.yml", "configs/old.toml"]
    assert "3 checked, 2 skipped" in run.stderr  # mkdocs.yml and compose.yaml; .github is hidden


def test_report_counts_yaml_like_toml(tmp_path):
    (tmp_path / "a.yaml").write_text(LIGHTNINGCLI, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("not: a trainer config\n", encoding="utf-8")
    report = check_paths([str(tmp_path)])
    assert (report.files_checked, report.files_skipped, report.exit_code()) == (1, 1, 0)


def test_fix_and_diff_on_yaml(tmp_path):
    path = tmp_path / "cfg.yaml"
    path.write_text("trainer:\n  precision: 16   # half\n  enable_progress_bar: on\n", encoding="utf-8")
    diff = _cli("check", "--isolated", "--diff", "cfg.yaml", cwd=tmp_path)
    assert diff.returncode == 1 and '+  precision: "16-mixed"   # half' in diff.stdout
    assert path.read_text(encoding="utf-8").startswith("trainer:\n  precision: 16")
    fixed = _cli("check", "--isolated", "--fix", "cfg.yaml", cwd=tmp_path)
    assert "Fixed" in fixed.stderr + fixed.stdout
    assert path.read_text(encoding="utf-8") == 'trainer:\n  precision: "16-mixed"   # half\n  enable_progress_bar: true\n'


def test_schema_for_yaml(tmp_path):
    out = _cli("schema", "--for", "yaml", "--output", "-", cwd=tmp_path)
    assert out.returncode == 0
    assert json.loads(out.stdout)["$id"].endswith("trainer.yaml.schema.json")
    assert out.stdout == (ROOT / "schemas" / "trainer.yaml.schema.json").read_text(encoding="utf-8")
    assert _cli("schema", "--for", "json", cwd=tmp_path).returncode == 2


def test_run_print_config_of_yaml_needs_no_torch(tmp_path):
    (tmp_path / "cfg.yaml").write_text(LIGHTNINGCLI, encoding="utf-8")
    run = _cli("run", "cfg.yaml", "--isolated", "--print-config", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert 'check_val_every_n_epoch = "none"' in run.stdout and "max_epochs = 2" in run.stdout


def test_run_lint_errors_in_yaml_stop_before_torch(tmp_path):
    (tmp_path / "cfg.yaml").write_text("trainer:\n  max_steps: null\n", encoding="utf-8")
    run = _cli("run", "cfg.yaml", "--isolated", cwd=tmp_path)
    assert run.returncode == 1 and "cfg.yaml:2:14: TL100 error:" in run.stdout + run.stderr


def test_demo_yaml_trains(tmp_path, monkeypatch, capsys):
    pytest.importorskip("lightning")
    monkeypatch.chdir(tmp_path)
    code = launch.run(str(ROOT / "examples" / "demo.yaml"), fast_dev_run=True, selection=launch.ALL)
    assert code == 0, capsys.readouterr().err
    assert "fit finished" in capsys.readouterr().err


def test_suppression_comments_in_yaml(tmp_path):
    from trainer_lint.engine import lint_text

    text = (
        "# trainer-lint: file-ignore[TL104]\n"
        "trainer:\n"
        "  max_epoch: 3          # trainer-lint: ignore[TL103]\n"
        "  gpus: 2\n"
        "  precision: '16-mix # trainer-lint: ignore[TL101]'\n"  # inside a string: no comment
        "  devices: 1            # trainer-lint: ignore[TL100]\n"  # suppresses nothing: TL902
        "  benchmark: on         # trainer-lint: ignore[TL006, TL9999]\n"
        "  default_root_dir: |\n"
        "    # trainer-lint: ignore\n"  # inside a block scalar: no comment
    )
    found = sorted((d.code, d.span.line) for d in lint_text(text, "cfg.yaml").diagnostics)
    assert found == [("TL101", 5), ("TL901", 7), ("TL902", 6)]


USER_MODULE = """
from typing import Optional
import lightning.pytorch as pl

class Net(pl.LightningModule):
    def __init__(self, hidden: int = 4, lr: float = 0.1, name: Optional[str] = "x", drop: float = None, flag: bool = False):
        super().__init__()
"""


def test_user_classes_in_yaml_are_read_as_lightningcli_reads_them(tmp_path):
    """The project's own classes (read with ast, never imported): a quoted number, ``1e-3``,
    ``'yes'`` and a null where the default is None or the annotation Optional are what
    LightningCLI accepts (``tests/differential/test_yaml_lightningcli.py`` shows the rules on
    Lightning's classes); a null elsewhere, or text no reading turns into the type, is an error."""
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text(USER_MODULE, encoding="utf-8")
    model = "model:\n  class_path: mypkg.Net\n  init_args:\n"
    (tmp_path / "ok.yaml").write_text("trainer: {max_epochs: 1}\n" + model + "    hidden: '8'\n    lr: 1e-3\n    name: null\n    drop: ~\n    flag: 'yes'\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("trainer: {max_epochs: 1}\n" + model + "    hidden: null\n    lr: abc\n    flag: '1'\n", encoding="utf-8")
    run = _cli("check", "--isolated", "--source-root", ".", "ok.yaml", "bad.yaml", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    lines = [line.split(" error: ")[1] for line in run.stdout.splitlines() if " error: " in line]
    assert lines == [
        "`hidden` of `Net` expects an integer, found null",
        '`lr` of `Net` expects a number, found a string "abc"',
        "`flag` of `Net` expects a boolean, found an integer 1",
    ], run.stdout
    assert all(line.startswith("bad.yaml:") for line in run.stdout.splitlines() if " error: " in line)


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [("  accelerator: !!float 1#x", 24, "`float` value `1#x` cannot be read"), ("  max_epochs: !!int abc", 21, "`int` value `abc` cannot be read")],
)
def test_an_explicit_tag_whose_value_does_not_convert_is_a_syntax_error(tmp_path, line, column, words):
    """jsonargparse's loader raises ValueError on these (LightningCLI cannot load the file): a TL001
    at the value, never a traceback."""
    (tmp_path / "cfg.yaml").write_text(f"trainer:\n{line}\n", encoding="utf-8")
    run = _cli("check", "--isolated", "cfg.yaml", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith(f"cfg.yaml:2:{column}: TL001 error: YAML syntax error: {words}"), run.stdout
    assert "Traceback" not in run.stderr
