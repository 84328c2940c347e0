"""Start-up stays light, and the fast command-line path behaves exactly like typer's.

* ``check`` (clean files, files with errors, ``--format json``) imports nothing heavy: no torch,
  no Lightning, no jsonschema, no rich, no pygls (the language server's), no pydantic (``check`` validates against the packaged
  schema JSON), and not even typer or click (a simple ``check`` call takes the fast path of
  :func:`trainer_lint.cli.main`). Linting TOML only does not import PyYAML either; linting YAML
  imports PyYAML and still none of the rest (nor jsonargparse). This is an import check in a
  fresh interpreter, not a timing: timings live in ``benchmarks/run.py``.
* The same argv, run through the fast path and through the typer app, gives the same stdout,
  stderr and exit code for a set of option combinations.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint import cli, fastpath

FORBIDDEN = (
    "torch",
    "lightning",
    "pytorch_lightning",
    "lightning_fabric",
    "jsonschema",
    "rich",
    "pydantic",
    "pydantic_core",
    "typer",
    "click",
    "tomlkit",
    "numpy",
    "pygls",
    "lsprotocol",
    "cattrs",
)

YAML_MODULES = ("yaml", "_yaml", "jsonargparse")
"""Not imported when only TOML is linted (PyYAML is imported for YAML files alone)."""

CLEAN = '[trainer]\naccelerator = "cpu"\ndevices = 1\nmax_epochs = 3\n'
BAD = (
    '[trainer]\nmax_epoch = 10\nprecision = "16-mix"\ngpus = 2\nlimit_val_batches = 1.5\n'
    '\n[[trainer.callbacks]]\nclass_path = "lightning.pytorch.callbacks.ModelCheckpoint"\n'
    'init_args = { monitor = "val_loss" }\n'
)
WARN = '[trainer]\ngradient_clip_algorithm = "norm"\n'

USER_MODELS = """
import torch
import lightning.pytorch as pl
from torch import nn


class Net(pl.LightningModule):
    def __init__(self, hidden: int = 4, backbone: nn.Module = None, **kwargs):
        super().__init__(**kwargs)


class Data(pl.LightningDataModule):
    def __init__(self, batch_size: int = 2):
        super().__init__()
"""
USER_SCRIPT = "from lightning.pytorch.cli import LightningCLI\nfrom proj.models import Net\nLightningCLI(Net, subclass_mode_model=True)\n"
USER_CONFIG = (
    '[trainer]\nprofiler = "SimpleProfiler"\ncallbacks = ["LearningRateMonitor"]\n\n'
    '[model]\nclass_path = "Net"\ninit_args = { hidden = "8", backbone = { class_path = "torch.nn.Linear", init_args = { in_features = 2 } } }\n\n'
    '[data]\nclass_path = "proj.models.Data"\n\n[optimizer]\nclass_path = "torch.optim.Adam"\ninit_args = { lr = 0.1 }\n'
)
"""A config naming the project's classes, read with its CLI script: the resolver's whole path."""

PROBE = """
import json, sys
forbidden = set(json.loads(sys.argv[2]))
sys.argv = ["trainer-lint", *json.loads(sys.argv[1])]
from trainer_lint.cli import main
try:
    main()
    code = 0
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
heavy = sorted({name.split(".")[0] for name in sys.modules} & forbidden)
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "clean.toml").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "bad.toml").write_text(BAD, encoding="utf-8")
    (tmp_path / "warn.toml").write_text(WARN, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "more.toml").write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "job.sbatch").write_text(
        "#!/bin/bash\n#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\nsrun trainer-lint run clean.toml\n", encoding="utf-8"
    )
    project = tmp_path / "src" / "proj"
    project.mkdir(parents=True)
    (project / "__init__.py").write_text("", encoding="utf-8")
    (project / "models.py").write_text(USER_MODELS, encoding="utf-8")
    (tmp_path / "train.py").write_text(USER_SCRIPT, encoding="utf-8")
    (tmp_path / "user.toml").write_text(USER_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def _probe(args: list[str], cwd: Path, forbidden: tuple[str, ...] = FORBIDDEN) -> tuple[int, list[str], str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(forbidden)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    marker = proc.stderr.rfind("\nPROBE ")
    assert marker >= 0, proc.stderr
    report = json.loads(proc.stderr[marker + len("\nPROBE ") :])
    return report["code"], report["heavy"], proc.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "clean.toml"], 0),
        (["check", "bad.toml"], 1),
        (["check", "--format", "json", "bad.toml", "clean.toml"], 1),
        (["check", "."], 1),
        (["check", "--target", "gpu:8xA100", "bad.toml"], 1),
        (["check", "--target", "local", "--format", "json", "bad.toml"], 1),
        (["check", "job.sbatch"], 0),
        (["check", "--launcher", "job.sbatch", "--target", "gpu:4xH100", "bad.toml"], 1),
        (["check", "--cli-script", "train.py", "user.toml"], 1),
        (["check", "--cli-script", "train.py", "bad.toml"], 1),  # Lightning's objects only: the script says which distribution
    ],
)
def test_check_imports_nothing_heavy(tree: Path, args: list[str], code: int) -> None:
    got, heavy, stdout = _probe(args, tree, (*FORBIDDEN, *YAML_MODULES))
    assert got == code, stdout
    assert heavy == [], f"`trainer-lint {' '.join(args)}` imported {heavy}"
    if "json" in args:
        assert json.loads(stdout)["diagnostics"]


YAML_BAD = "trainer:\n  max_epoch: 10\n  precision: '16-mix'\n  enable_progress_bar: on\n"


@pytest.mark.parametrize(("args", "code"), [(["check", "cfg.yaml"], 1), (["check", "--format", "json", "."], 1)])
def test_check_of_yaml_imports_pyyaml_and_nothing_heavy(tree: Path, args: list[str], code: int) -> None:
    (tree / "cfg.yaml").write_text(YAML_BAD, encoding="utf-8")
    got, heavy, stdout = _probe(args, tree, (*FORBIDDEN, *YAML_MODULES))
    assert got == code, stdout
    assert heavy == ["yaml"], f"`trainer-lint {' '.join(args)}` imported {heavy}"


def test_non_trainer_yaml_is_not_parsed(tree: Path) -> None:
    (tree / "ci.yml").write_text("name: CI\non: push\njobs: {}\n", encoding="utf-8")
    got, heavy, _ = _probe(["check", "ci.yml", "clean.toml"], tree, (*FORBIDDEN, *YAML_MODULES))
    assert got == 0 and heavy == [], "a YAML file without the word `trainer` is skipped unread"


# ----------------------------------------------------------------------------- fast == typer

SAME = [
    ["check", "clean.toml"],
    ["check", "bad.toml"],
    ["check", "bad.toml", "clean.toml", "--format", "json"],
    ["check", "--format=json", "bad.toml"],
    ["check", "--format", "github", "bad.toml"],
    ["check", "bad.toml", "--select", "TL1", "--ignore", "TL103"],
    ["check", "--select", "TL1,TL5", "--select", "TL0", "bad.toml"],
    ["check", "bad.toml", "--extend-ignore", "TL101", "--extend-select", "TL2"],
    ["check", "--strict", "warn.toml"],
    ["check", "--strict", "--no-strict", "warn.toml"],
    ["check", "-v", "."],
    ["check", "--verbose", "--exclude", "sub", "."],
    ["check", "--no-color", "bad.toml"],
    ["check", "--color", "bad.toml"],
    ["check", "--isolated", "bad.toml"],
    ["check", "--config", "pyproject.toml", "bad.toml"],
    ["check", "missing.toml"],
    ["check", "--select", "TL999", "clean.toml"],
    ["check", "--format", "bogus", "clean.toml"],
    ["check", "--target", "cpu", "clean.toml"],
    ["check", "--target", "gpu:8xZ100", "clean.toml"],
    ["check", "--launcher", "job.sbatch", "--format", "json", "clean.toml"],
    ["check", "--launcher", "missing.sbatch", "clean.toml"],
    ["check", "job.sbatch"],
    ["check"],
]


def _run(runner, capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:  # type: ignore[no-untyped-def]
    try:
        runner()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args", SAME, ids=[" ".join(a) for a in SAME])
def test_fast_path_matches_typer(tree: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert fastpath.parse(cli.check, args[1:]) is not None, "this argv should take the fast path"
    fast = _run(lambda: fastpath.dispatch(list(args), {"check": cli.check}), capsys)
    slow = _run(lambda: cli.app.typer()(args=list(args), prog_name="trainer-lint", standalone_mode=True), capsys)
    assert fast == slow
    assert fast[0] in (0, 1, 2)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--bogus", "clean.toml"],
        ["--", "clean.toml"],
        ["-", "clean.toml"],
        ["--format"],
        ["--select", "-x", "clean.toml"],
        ["-vv", "clean.toml"],
        ["--strict=yes", "clean.toml"],
    ],
)
def test_unusual_arguments_go_to_typer(args: list[str]) -> None:
    assert fastpath.parse(cli.check, args) is None
    assert fastpath.dispatch(["check", *args], {"check": cli.check}) is False


def test_fast_parser_reads_every_check_option() -> None:
    parser = fastpath.parser_for(cli.check)
    assert parser is not None, "check has a parameter the fast path cannot parse: every check call goes through typer"
    flags, positional, defaults = parser
    assert positional == "paths"
    command = cli.app.typer().registered_commands
    assert any(c.callback is cli.check for c in command)
    from typer.main import get_command

    click_check = get_command(cli.app.typer()).commands["check"]  # type: ignore[attr-defined]
    typer_flags = {opt for p in click_check.params for opt in (*p.opts, *p.secondary_opts) if opt.startswith("-")}
    assert typer_flags == set(flags)
    assert set(defaults) == {p.name for p in click_check.params}
