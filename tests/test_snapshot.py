"""The class snapshot (in the release data) covers the classes configs name and resolves every
spelling. Its freshness against the installed Lightning is ``tests/test_releases.py``'s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer_lint import classes


def test_snapshot_covers_the_classes_configs_name():
    data = classes.load()
    names = {info["name"] for info in data["classes"].values()}
    for name in (
        "ModelCheckpoint", "EarlyStopping", "LearningRateMonitor", "RichProgressBar", "TQDMProgressBar",
        "StochasticWeightAveraging", "GradientAccumulationScheduler", "Timer", "ModelSummary", "RichModelSummary",
        "DeviceStatsMonitor", "BackboneFinetuning", "BatchSizeFinder", "LearningRateFinder", "OnExceptionCheckpoint",
        "ThroughputMonitor", "CSVLogger", "TensorBoardLogger", "WandbLogger", "MLFlowLogger", "CometLogger",
        "DDPStrategy", "FSDPStrategy", "DeepSpeedStrategy", "SingleDeviceStrategy", "ModelParallelStrategy", "XLAStrategy",
        "SimpleProfiler", "AdvancedProfiler", "PyTorchProfiler", "XLAProfiler", "MixedPrecision", "DoublePrecision",
        "SLURMEnvironment", "TorchCheckpointIO", "TorchSyncBatchNorm",
    ):
        assert name in names, name


@pytest.mark.parametrize(
    "path, slot, expected",
    [
        ("lightning.pytorch.callbacks.ModelCheckpoint", "callbacks", "ModelCheckpoint"),
        ("lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint", "callbacks", "ModelCheckpoint"),
        ("pytorch_lightning.callbacks.ModelCheckpoint", "callbacks", "ModelCheckpoint"),
        ("ModelCheckpoint", "callbacks", "ModelCheckpoint"),
        ("CSVLogger", "logger", "CSVLogger"),
        ("lightning.pytorch.loggers.CSVLogger", "logger", "CSVLogger"),
        ("lightning_fabric.plugins.environments.SLURMEnvironment", "plugins", "SLURMEnvironment"),
        ("DDPStrategy", "strategy", "DDPStrategy"),  # class_path = "DDPStrategy": LightningCLI resolves it
        ("SimpleProfiler", "profiler", "SimpleProfiler"),
        ("LightningEnvironment", "plugins", "LightningEnvironment"),
        ("CPUAccelerator", "accelerator", "CPUAccelerator"),
        ("LightningModule", "model", "LightningModule"),
        ("ModelCheckpoint", "logger", None),
        ("ModelCheckpoint", "strategy", None),
        ("my.Model", "model", None),
    ],
)
def test_resolve(path, slot, expected):
    found = classes.resolve(path, slot)
    assert (found.name if found else None) == expected


def test_schema_completes_init_args():
    """The editor schema carries each class's init_args (from the snapshot); the packaged copy
    that ``check`` walks does not (the TL5xx rules read the snapshot itself)."""
    from trainer_lint.schema import PACKAGED_SCHEMA, REPO_SCHEMA

    root = Path(__file__).resolve().parents[1]
    definitions = json.loads((root / REPO_SCHEMA).read_text(encoding="utf-8"))["definitions"]
    init_args = definitions["lightning.pytorch.callbacks.ModelCheckpoint.init_args"]
    assert init_args["additionalProperties"] is False
    assert init_args["properties"]["save_top_k"]["type"] == "integer"
    wandb = definitions["lightning.pytorch.loggers.WandbLogger.init_args"]
    assert "additionalProperties" not in wandb  # takes **kwargs
    packaged = json.loads(PACKAGED_SCHEMA.read_text(encoding="utf-8"))
    assert "allOf" not in packaged["definitions"]["ClassPathConfig"]


def _params(name):
    data = classes.load()["classes"]
    return next(d for d in data.values() if d["name"] == name)


def test_annotations_are_precise_enough_for_durations_literals_enums_and_objects():
    ddp = _params("DDPStrategy")["params"]
    assert ddp["timeout"]["type"]["x-python"] == "datetime.timedelta"  # Optional[timedelta]
    assert ddp["start_method"]["type"]["enum"] == ["popen", "spawn", "fork", "forkserver"]  # Literal
    assert ddp["precision_plugin"]["type"] == {"class": ["precision"]}  # Optional[Precision]
    assert ddp["accelerator"]["type"] == {"class": ["accelerator"]}  # a ForwardRef inside Optional
    fsdp = _params("FSDPStrategy")["params"]
    # `"_SHARDING_STRATEGY"` is defined under `if TYPE_CHECKING:`: an enum (by member name) or a Literal
    assert set(fsdp["sharding_strategy"]["type"]["enum"]) == {"FULL_SHARD", "SHARD_GRAD_OP", "NO_SHARD", "HYBRID_SHARD", "_HYBRID_SHARD_ZERO2"}
    assert _params("SLURMEnvironment")["params"]["requeue_signal"]["type"]["x-python"] == "signal.Signals"


def test_registries_packages_forwarded_kwargs_and_closed_sets_are_generated():
    assert classes.registered("strategy", "DDP_Spawn").name == "DDPStrategy"
    assert classes.registered("strategy", "fsdp_cpu_offload").registered["fsdp_cpu_offload"] == {"cpu_offload": True}
    assert classes.registered("accelerator", "tpu").name == "XLAAccelerator"
    assert classes.registered("profiler", "xla").requires == [["torch_xla"]]
    assert classes.resolve("lightning.pytorch.loggers.TensorBoardLogger").requires == [["tensorboard", "tensorboardX"]]
    forwards = classes.resolve("lightning.pytorch.strategies.DDPStrategy").forwards
    assert forwards["to"] == "torch.nn.parallel.DistributedDataParallel"
    assert "find_unused_parameters" in forwards["params"] and "device_ids" not in forwards["params"]  # Lightning passes device_ids
    pruning = classes.resolve("lightning.pytorch.callbacks.ModelPruning").params
    assert pruning["pruning_fn"]["choices"]["ignore_case"] is True
    assert "l1_unstructured" in pruning["pruning_fn"]["choices"]["values"]
    assert classes.resolve("LearningRateMonitor", "callbacks").has("needs_logger")
    assert classes.resolve("lightning.pytorch.strategies.DDPStrategy").has("distributed")
    assert not classes.resolve("lightning.pytorch.strategies.SingleDeviceStrategy").has("distributed")


def test_families():
    assert classes.family("pytorch_lightning.callbacks.Timer") == "pytorch_lightning"
    assert classes.family("lightning_fabric.plugins.environments.SLURMEnvironment") == "pytorch_lightning"
    assert classes.family("lightning.fabric.plugins.environments.SLURMEnvironment") == "lightning"
    assert classes.family("Timer") is None and classes.family("my.pkg.X") is None
    assert classes.in_family("lightning_fabric.plugins.io.TorchCheckpointIO", "lightning") == "lightning.fabric.plugins.io.TorchCheckpointIO"
    assert classes.in_family("lightning.pytorch.callbacks.Timer", "pytorch_lightning") == "pytorch_lightning.callbacks.Timer"


def test_suggestions_never_repeat_the_name_written():
    assert classes.suggest("DDPStrategy", "strategy") != "DDPStrategy"
    assert classes.suggest("DDPStrateg", "strategy") == "DDPStrategy"
    assert classes.suggest("lightning.pytorch.strategies.DDPStrategy", "strategy") != "lightning.pytorch.strategies.DDPStrategy"


@pytest.mark.filterwarnings("ignore:LightningCLI's args parameter")
def test_litlogger_is_left_out_because_lightningcli_rejects_it(tmp_path):
    """``LitLogger`` (Lightning 2.6) derives from ``lightning.fabric``'s Logger, not
    ``lightning.pytorch``'s: ``Trainer(logger=LitLogger(...))`` builds, but LightningCLI refuses it
    as a logger (jsonargparse: "does not correspond to a subclass of Logger"), in every spelling.
    The snapshot holds what LightningCLI accepts under ``logger``, so it is left out (the release
    data lists it among the classes the Trainer's keys cannot take) and ``check`` reports it as
    TL501, saying it derives from Fabric's ``Logger``; the day Lightning makes it a ``lightning.pytorch`` Logger, the generator takes it
    (it collects every subclass) and this test says so."""
    litlogger = pytest.importorskip("lightning.pytorch.loggers.litlogger", reason="LitLogger is new in Lightning 2.6")
    import subprocess
    import sys

    from lightning.pytorch import Trainer
    from lightning.pytorch.cli import LightningCLI
    from lightning.pytorch.demos.boring_classes import BoringModel
    from lightning.pytorch.loggers import Logger

    from differential.lightning_cli import run_cli

    LitLogger = litlogger.LitLogger
    trainer = Trainer(logger=LitLogger(root_dir=str(tmp_path), name="run"), enable_progress_bar=False, enable_model_summary=False)
    assert type(trainer.logger) is LitLogger  # the Trainer takes it (it checks no logger's type)
    if issubclass(LitLogger, Logger):
        pytest.fail("LitLogger is now a lightning.pytorch Logger: regenerate the release data (it will be in the snapshot)")
    rejected = []
    for path in ("lightning.pytorch.loggers.LitLogger", "lightning.pytorch.loggers.litlogger.LitLogger", "LitLogger"):
        config = tmp_path / "lit.yaml"
        config.write_text(f"trainer:\n  logger:\n    class_path: {path}\n    init_args:\n      name: run\n", encoding="utf-8")
        verdict, _ = run_cli(lambda: LightningCLI(BoringModel, run=False, args=["--config", str(config)], save_config_callback=None))
        if verdict.stage == "parse":
            rejected.append(path)
    assert len(rejected) == 3, f"LightningCLI accepted a spelling: only {rejected} were rejected"
    assert classes.resolve("lightning.pytorch.loggers.LitLogger", "logger") is None
    config.write_text("trainer:\n  logger:\n    class_path: lightning.pytorch.loggers.LitLogger\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--format", "json", str(config)], capture_output=True, text=True)
    errors = [d for d in json.loads(done.stdout)["diagnostics"] if d["severity"] == "error"]
    assert done.returncode == 1 and errors and errors[0]["line"] == 3, done.stdout
    assert [e["code"] for e in errors] == ["TL501"], errors
    assert "derives from Fabric's `Logger`, not from `lightning.pytorch.loggers.Logger`" in errors[0]["message"]
