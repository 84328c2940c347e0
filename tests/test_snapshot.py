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
