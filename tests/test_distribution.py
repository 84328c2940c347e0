"""Which Lightning distribution reads a config (``lightning`` or ``pytorch_lightning``): the
``lightning-package`` setting, the LightningCLI script (its call, through subclasses; else its
imports), the default; TL540 against the
real Trainers of both (both are installed here); and ``run`` building with the chosen one."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import tomli

from trainer_lint import distribution
from trainer_lint.engine import lint_data
from trainer_lint.options import Options
from trainer_lint.settings import SettingsError, from_table, load, resolve


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _codes(data: dict, options: Options = Options(), path: str | None = None) -> list[str]:
    return [d.code for d in lint_data(data, options=options, path=path)]


# ----------------------------------------------------------------------------- choosing


def test_default_is_lightning():
    assert distribution.choose(Options()) == distribution.DEFAULT
    assert distribution.DEFAULT.package == "lightning"


@pytest.mark.parametrize(("written", "package"), [("lightning", "lightning"), ("pytorch_lightning", "pytorch_lightning"), ("pytorch-lightning", "pytorch_lightning")])
def test_setting_is_read_and_normalised(tmp_path, written, package):
    pyproject = _write(tmp_path / "pyproject.toml", f'[tool.trainer-lint]\nlightning-package = "{written}"\n')
    options = resolve(load(pyproject), cwd=tmp_path).options
    assert options.lightning_package == package
    assert distribution.choose(options).package == package
    assert str(pyproject) in distribution.choose(options).origin


def test_a_bad_setting_is_a_usage_error():
    with pytest.raises(SettingsError, match='must be "lightning" or "pytorch_lightning"'):
        from_table(tomli.loads('lightning-package = "fabric"'))


def test_the_flag_wins_over_the_setting_and_says_so(tmp_path):
    from trainer_lint.settings import Overrides

    pyproject = _write(tmp_path / "pyproject.toml", '[tool.trainer-lint]\nlightning-package = "lightning"\n')
    options = resolve(load(pyproject), Overrides(lightning_package="pytorch-lightning"), cwd=tmp_path).options
    assert distribution.choose(options) == distribution.Choice("pytorch_lightning", "--lightning-package")
    with pytest.raises(SettingsError, match='--lightning-package must be "lightning" or "pytorch_lightning"'):
        resolve(load(pyproject), Overrides(lightning_package="fabric"), cwd=tmp_path)


def test_the_flag_on_the_command_line(tmp_path):
    """End to end through the console script: the same file is clean for ``lightning`` and TL540
    for ``pytorch_lightning``; a bad value is a usage error (exit 2), no traceback."""
    import subprocess
    import sys

    config = _write(tmp_path / "c.toml", '[trainer]\ncallbacks = [{class_path = "lightning.pytorch.callbacks.EarlyStopping", init_args = {monitor = "v"}}]\n')
    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--isolated", str(config), *flags], capture_output=True, text=True)

    assert run().returncode == 0
    flagged = run("--lightning-package", "pytorch_lightning")
    assert flagged.returncode == 1 and "TL540" in flagged.stdout and "(--lightning-package)" in flagged.stdout
    bad = run("--lightning-package", "fabric")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--lightning-package" in bad.stderr


@pytest.mark.parametrize(
    ("script", "package"),
    [
        ("from pytorch_lightning.cli import LightningCLI\nLightningCLI()\n", "pytorch_lightning"),
        ("from lightning.pytorch.cli import LightningCLI\n", "lightning"),
        ("import pytorch_lightning as pl\n\npl.cli.LightningCLI()\n", "pytorch_lightning"),
        # the LightningCLI import decides over another import of the other package
        ("import lightning_fabric\nfrom lightning.pytorch.cli import LightningCLI\n", "lightning"),
        ("from lightning.pytorch import Trainer\nfrom pytorch_lightning import Trainer as T\n", None),
        ("print('no lightning here')\n", None),
        ("this is not python (\n", None),
    ],
)
def test_cli_script_imports_decide(tmp_path, script, package):
    path = _write(tmp_path / "train.py", script)
    found = distribution.from_cli_script(str(path))
    assert (found.package if found else None) == package
    choice = distribution.choose(Options(cli_script=str(path)))
    assert choice.package == (package or "lightning")


@pytest.mark.parametrize("stray", ["", "from lightning.pytorch import Trainer  # noqa: F401 (not what reads the configs)\n"])
def test_a_cli_subclass_in_another_module_decides(tmp_path, stray):
    """The script calls the project's `MyCLI(pytorch_lightning.cli.LightningCLI)`, defined in another
    module: the script itself imports nothing of `pytorch_lightning` (at most a stray `lightning`
    import), so a scan of its imports said `lightning`. The resolver follows the call into the
    subclass and its base."""
    _write(tmp_path / "pyproject.toml", "[project]\nname = 'p'\n")
    _write(tmp_path / "src/proj/__init__.py", "")
    _write(tmp_path / "src/proj/cli.py", "import pytorch_lightning.cli\n\n\nclass MyCLI(pytorch_lightning.cli.LightningCLI):\n    pass\n")
    script = _write(tmp_path / "train.py", f"{stray}from proj.cli import MyCLI\n\n\ndef main():\n    MyCLI()\n")
    options = Options(root=str(tmp_path), cli_script=str(script))
    choice = distribution.choose(options)
    assert choice.package == "pytorch_lightning"
    assert choice.origin == f"the LightningCLI that {script} calls"
    config = str(tmp_path / "c.toml")
    assert [c for c in _codes(LIGHTNING_OBJECTS, options, config) if c == "TL540"] == ["TL540"]
    assert "TL540" not in _codes(STANDALONE_OBJECTS, options, config)
    # such a subclass builds pytorch_lightning's Trainer. (lightning is imported first: typing caches
    # `Union[int, float]` by equality, and pytorch_lightning first would leave its argument order in
    # the annotations that tests/test_releases.py compares with the release data.)
    pytest.importorskip("lightning.pytorch")
    cli = pytest.importorskip("pytorch_lightning.cli")
    import inspect

    assert inspect.signature(cli.LightningCLI).parameters["trainer_class"].default.__module__.startswith("pytorch_lightning.")


def test_setting_wins_over_the_script(tmp_path):
    path = _write(tmp_path / "train.py", "from pytorch_lightning.cli import LightningCLI\n")
    options = Options(cli_script=str(path), lightning_package="lightning", lightning_package_origin="lightning-package in x")
    assert distribution.choose(options).package == "lightning"


def test_script_is_never_imported(tmp_path):
    marker = tmp_path / "ran"
    path = _write(tmp_path / "train.py", f"open({str(marker)!r}, 'w')\nfrom pytorch_lightning.cli import LightningCLI\n")
    assert distribution.from_cli_script(str(path)).package == "pytorch_lightning"
    assert not marker.exists()


# ----------------------------------------------------------------------------- TL540


LIGHTNING_OBJECTS = {"trainer": {"accelerator": "cpu", "strategy": {"class_path": "lightning.pytorch.strategies.DDPStrategy"}}}
STANDALONE_OBJECTS = {"trainer": {"accelerator": "cpu", "strategy": {"class_path": "pytorch_lightning.strategies.DDPStrategy"}}}
PL = Options(lightning_package="pytorch_lightning", lightning_package_origin="lightning-package")


def test_other_package_is_an_error_with_a_safe_fix():
    found = [d for d in lint_data(STANDALONE_OBJECTS) if d.code == "TL540"]
    assert len(found) == 1
    assert "use `lightning.pytorch.strategies.DDPStrategy`" in found[0].message
    assert found[0].fix is not None and found[0].fix.safe
    assert found[0].fix.edits[0].text == '"lightning.pytorch.strategies.DDPStrategy"'
    assert "TL540" not in _codes(STANDALONE_OBJECTS, PL)
    pl_found = [c for c in _codes(LIGHTNING_OBJECTS, PL) if c == "TL540"]
    assert pl_found == ["TL540"]


@pytest.mark.parametrize(("package", "data", "raises"), [
    ("lightning", LIGHTNING_OBJECTS, False),
    ("lightning", STANDALONE_OBJECTS, True),
    ("pytorch_lightning", STANDALONE_OBJECTS, False),
    ("pytorch_lightning", LIGHTNING_OBJECTS, True),
])
def test_both_trainers_agree_with_tl540(package, data, raises):
    """With both distributions installed, each Trainer rejects exactly the other's strategy."""
    pytest.importorskip("lightning")
    pytest.importorskip("pytorch_lightning")
    import importlib

    trainer_cls = importlib.import_module("lightning.pytorch" if package == "lightning" else "pytorch_lightning").Trainer
    path = data["trainer"]["strategy"]["class_path"]
    module, _, name = path.rpartition(".")
    strategy = getattr(importlib.import_module(module), name)()
    try:
        trainer_cls(accelerator="cpu", strategy=strategy, logger=False, enable_checkpointing=False, enable_progress_bar=False)
        raised = False
    except ValueError as error:
        assert "invalid strategy name" in str(error)
        raised = True
    assert raised == raises
    options = Options(lightning_package=package, lightning_package_origin="test")
    assert ("TL540" in _codes(data, options)) == raises


# ------------------------------------------------------------------------------- run


def test_run_builds_with_the_chosen_trainer(tmp_path, capsys):
    """`run` trains a pytorch_lightning config with pytorch_lightning's Trainer (two steps); bare class
    names (`ModelCheckpoint`) resolve in that package too."""
    pytest.importorskip("pytorch_lightning")
    from trainer_lint import launch

    cfg = _write(
        tmp_path / "cfg.toml",
        f"""
        [trainer]
        accelerator = "cpu"
        max_steps = 2
        limit_val_batches = 1
        enable_progress_bar = false
        enable_model_summary = false
        logger = false
        default_root_dir = "{tmp_path}"
        strategy = {{ class_path = "pytorch_lightning.strategies.SingleDeviceStrategy", init_args = {{ device = "cpu" }} }}
        callbacks = ["ModelCheckpoint"]

        [model]
        class_path = "pytorch_lightning.demos.boring_classes.BoringModel"
        """,
    )
    # with the default (lightning), the pytorch_lightning strategy is a lint error and nothing runs
    assert launch.run(str(cfg)) == 1
    assert "TL540" in capsys.readouterr().out
    assert launch.run(str(cfg), options=PL) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "fit finished" in err


def test_run_trains_the_demo_on_the_chosen_package(tmp_path, capsys):
    """Without a `[model]`, `run` trains the bundled demo built on the package whose Trainer it
    builds (a `lightning` LightningModule is refused by `pytorch_lightning.Trainer.fit`)."""
    pytest.importorskip("pytorch_lightning")
    from trainer_lint import launch

    cfg = _write(
        tmp_path / "cfg.toml",
        f"""
        [trainer]
        accelerator = "cpu"
        max_steps = 2
        limit_val_batches = 0
        enable_progress_bar = false
        logger = false
        enable_checkpointing = false
        default_root_dir = "{tmp_path}"
        callbacks = [{{ class_path = "pytorch_lightning.callbacks.EarlyStopping", init_args = {{ monitor = "train_loss" }} }}]
        """,
    )
    assert launch.run(str(cfg), options=PL) == 0, capsys.readouterr().err
    assert "fit finished" in capsys.readouterr().err
