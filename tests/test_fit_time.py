"""Every fit-time rule (TL6xx), reproduced: the config builds, trainer-lint warns, and a two-step fit
of a small model fails (or silently trains otherwise) exactly as the warning says; the fix the
warning names fits cleanly, and trainer-lint is silent about it.

Configs are built by ``trainer-lint run``'s builder (``tests/fit_harness.py``). Checks a CPU cannot
run (a CUDA-only strategy, several processes) are marked and say what they show instead.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("lightning")

from fit_harness import ROOT, build, config, fit, lint_codes  # noqa: E402

LRM = {"class_path": "lightning.pytorch.callbacks.LearningRateMonitor"}
SWA = {"class_path": "lightning.pytorch.callbacks.StochasticWeightAveraging", "init_args": {"swa_lrs": 0.01}}
CSV = {"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": ROOT}}


def _strip(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    trainer = {k: v for k, v in data["trainer"].items() if k not in keys}
    return {**data, "trainer": trainer}


# (id, config, code, text the fit fails with, fixed config)
CASES: list[tuple[str, dict[str, Any], str, str, dict[str, Any]]] = [
    (
        "lr-monitor-logger-false",
        config({"accelerator": "cpu", "logger": False, "callbacks": [LRM]}),
        "TL600",
        "Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger",
        config({"accelerator": "cpu", "logger": CSV, "callbacks": [LRM]}),
    ),
    (
        "lr-monitor-logger-empty",
        config({"accelerator": "cpu", "logger": [], "callbacks": ["LearningRateMonitor"]}),
        "TL600",
        "has no logger",
        config({"accelerator": "cpu", "logger": [CSV], "callbacks": ["LearningRateMonitor"]}),
    ),
    (
        "lr-monitor-barebones",
        _strip(config({"accelerator": "cpu", "barebones": True, "callbacks": [LRM]}), "enable_progress_bar", "enable_model_summary"),
        "TL600",
        "has no logger",
        _strip(config({"accelerator": "cpu", "barebones": True}), "enable_progress_bar", "enable_model_summary"),
    ),
    (
        "device-stats-no-logger",
        config({"accelerator": "cpu", "logger": False, "callbacks": [{"class_path": "DeviceStatsMonitor", "init_args": {"cpu_stats": False}}]}),
        "TL600",
        "Cannot use `DeviceStatsMonitor` callback with `Trainer(logger=False)`",
        config({"accelerator": "cpu", "logger": False}),
    ),
    (
        "ckpt-best",
        config({"accelerator": "cpu", "logger": False}, {"ckpt_path": "best"}),
        "TL601",
        "is not configured to save the best model",
        config({"accelerator": "cpu", "logger": False}, {"ckpt_path": "last"}),
    ),
    (
        "ckpt-best-checkpointing-off",
        config({"accelerator": "cpu", "logger": False, "enable_checkpointing": False}, {"ckpt_path": "best"}),
        "TL601",
        "`ModelCheckpoint` is not configured.",
        config({"accelerator": "cpu", "logger": False, "enable_checkpointing": False}),
    ),
    (
        "ckpt-best-fast-dev-run",
        _strip(config({"accelerator": "cpu", "logger": False, "fast_dev_run": 2}, {"ckpt_path": "best"}), "max_steps", "limit_train_batches", "limit_val_batches"),
        "TL601",
        "with `fast_dev_run=True`",
        _strip(config({"accelerator": "cpu", "logger": False, "fast_dev_run": 2}), "max_steps", "limit_train_batches", "limit_val_batches"),
    ),
    (
        "val-check-interval-zero",
        config({"accelerator": "cpu", "logger": False, "val_check_interval": 0}),
        "TL602",
        "ZeroDivisionError: integer modulo by zero",
        config({"accelerator": "cpu", "logger": False, "val_check_interval": 0, "limit_val_batches": 0}),
    ),
    (
        "csv-flush-zero",
        config({"accelerator": "cpu", "logger": {**CSV, "init_args": {"save_dir": ROOT, "flush_logs_every_n_steps": 0}}, "log_every_n_steps": 1}),
        "TL603",
        "ZeroDivisionError: integer modulo by zero",
        config({"accelerator": "cpu", "logger": {**CSV, "init_args": {"save_dir": ROOT, "flush_logs_every_n_steps": 1}}, "log_every_n_steps": 1}),
    ),
    (
        "batch-size-finder-ddp",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": "ddp", "callbacks": ["BatchSizeFinder"]}),
        "TL604",
        "The Batch size finder is not supported with distributed strategies",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": "ddp"}),
    ),
    (
        "early-stopping-validation-off",
        config({"accelerator": "cpu", "logger": False, "limit_val_batches": 0, "callbacks": [{"class_path": "EarlyStopping", "init_args": {"monitor": "val_loss"}}]}),
        "TL605",
        "Early stopping conditioned on metric `val_loss` which is not available",
        config({"accelerator": "cpu", "logger": False, "limit_val_batches": 0, "callbacks": [{"class_path": "EarlyStopping", "init_args": {"monitor": "train_loss"}}]}),
    ),
    (
        "early-stopping-every-epoch-validation-every-2",
        _strip(
            config(
                {
                    "accelerator": "cpu",
                    "logger": False,
                    "max_epochs": 1,
                    "check_val_every_n_epoch": 2,
                    "callbacks": [{"class_path": "EarlyStopping", "init_args": {"monitor": "val_loss", "check_on_train_epoch_end": True}}],
                }
            ),
            "max_steps",
        ),
        "TL605",
        "Early stopping conditioned on metric `val_loss` which is not available",
        _strip(
            config(
                {
                    "accelerator": "cpu",
                    "logger": False,
                    "max_epochs": 1,
                    "check_val_every_n_epoch": 2,
                    "callbacks": [{"class_path": "EarlyStopping", "init_args": {"monitor": "val_loss"}}],
                }
            ),
            "max_steps",
        ),
    ),
    (
        "nccl-on-cpu",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": {"class_path": "DDPStrategy", "init_args": {"process_group_backend": "nccl"}}}),
        "TL606",
        "Distributed package doesn't have NCCL built in",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": {"class_path": "DDPStrategy", "init_args": {"process_group_backend": "gloo"}}}),
    ),
    (
        "single-device-cuda-on-cpu",
        config({"accelerator": "cpu", "logger": False, "strategy": {"class_path": "SingleDeviceStrategy", "init_args": {"device": "cuda:0"}}}),
        "TL607",
        "Device should be CPU, got cuda:0 instead",
        config({"accelerator": "cpu", "logger": False, "strategy": {"class_path": "SingleDeviceStrategy", "init_args": {"device": "cpu"}}}),
    ),
    (
        "ddp-kwarg-typo",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": {"class_path": "DDPStrategy", "init_args": {"find_unused_parameter": True}}}),
        "TL609",
        "got an unexpected keyword argument 'find_unused_parameter'",
        config({"accelerator": "cpu", "devices": 1, "logger": False, "strategy": {"class_path": "DDPStrategy", "init_args": {"find_unused_parameters": True}}}),
    ),
    (
        "swa-default-start-max-steps",
        config({"accelerator": "cpu", "logger": False, "callbacks": [SWA]}),
        "TL611",
        "SWA with `swa_epoch_start` as a float is not supported when `max_epochs=-1`",
        config({"accelerator": "cpu", "logger": False, "callbacks": [{**SWA, "init_args": {"swa_lrs": 0.01, "swa_epoch_start": 1}}]}),
    ),
    (
        "swa-timer",
        _strip(config({"accelerator": "cpu", "logger": False, "callbacks": ["Timer", SWA]}), "max_steps"),
        "TL611",
        "SWA with `swa_epoch_start` as a float is not supported when `max_epochs=-1`",
        _strip(config({"accelerator": "cpu", "logger": False, "max_epochs": 1, "callbacks": ["Timer", SWA]}), "max_steps"),
    ),
]


def _nccl_built_in() -> bool:
    import torch.distributed

    return torch.distributed.is_available() and torch.distributed.is_nccl_available()


_PARAMS = [
    pytest.param(
        *case,
        id=case[0],
        marks=[pytest.mark.skipif(_nccl_built_in(), reason="this torch has NCCL: the CPU-only failure shown here needs a CPU build")]
        if case[0] == "nccl-on-cpu"
        else [],
    )
    for case in CASES
]


@pytest.mark.parametrize(("name", "data", "code", "text", "fixed"), _PARAMS)
def test_fit_time_failure_is_warned(name, data, code, text, fixed):
    codes = lint_codes(data)
    assert code in codes["warning"], codes
    assert not codes["error"], codes
    outcome = fit(data)
    assert outcome.built, outcome.error
    assert outcome.says(text), f"{name}: fit gave {type(outcome.error).__name__ if outcome.error else 'no error'}: {outcome.error}"
    fixed_codes = lint_codes(fixed)
    assert code not in fixed_codes["warning"] and not fixed_codes["error"], fixed_codes
    clean = fit(fixed)
    assert clean.built and not clean.failed, f"{name} (fixed): {clean.error!r}"


def test_mixed_precision_with_an_accelerator_object_trains_in_float32():
    """TL608: no failure, a silent change: the recorded logits are float32, with the name bfloat16."""
    data = config({"accelerator": {"class_path": "lightning.pytorch.accelerators.CPUAccelerator"}, "precision": "bf16-mixed", "logger": False})
    assert "TL608" in lint_codes(data)["warning"]
    outcome = fit(data)
    assert not outcome.failed, outcome.error
    import torch

    assert outcome.model.step_dtypes == [torch.float32, torch.float32]
    assert any("Disabling autocast" in w for w in outcome.warnings)
    fixed = config({"accelerator": "cpu", "precision": "bf16-mixed", "logger": False})
    assert "TL608" not in lint_codes(fixed)["warning"]
    assert fit(fixed).model.step_dtypes == [torch.bfloat16, torch.bfloat16]


def test_mixed_precision_plugin_for_another_device_trains_in_float32():
    """TL608 (plugin): `MixedPrecision(device="cuda")` on the CPU autocasts nothing."""
    import torch

    plugin = {"class_path": "lightning.pytorch.plugins.MixedPrecision", "init_args": {"precision": "bf16-mixed", "device": "cuda"}}
    data = config({"accelerator": "cpu", "logger": False, "plugins": [plugin]})
    assert "TL608" in lint_codes(data)["warning"]
    outcome = fit(data)
    assert not outcome.failed, outcome.error
    assert outcome.model.step_dtypes == [torch.float32, torch.float32]
    fixed = config({"accelerator": "cpu", "logger": False, "plugins": [{**plugin, "init_args": {"precision": "bf16-mixed", "device": "cpu"}}]})
    assert "TL608" not in lint_codes(fixed)["warning"]
    assert fit(fixed).model.step_dtypes == [torch.bfloat16, torch.bfloat16]


def test_strategy_precision_plugin_overrides_the_flag():
    """TL341: the strategy's plugin wins silently: `precision = "bf16-mixed"` trains in float64."""
    strategy = {
        "class_path": "lightning.pytorch.strategies.SingleDeviceStrategy",
        "init_args": {"device": "cpu", "precision_plugin": {"class_path": "lightning.pytorch.plugins.DoublePrecision"}},
    }
    data = config({"accelerator": "cpu", "precision": "bf16-mixed", "logger": False, "strategy": strategy})
    assert "TL341" in lint_codes(data)["warning"]
    outcome = fit(data)
    assert not outcome.failed, outcome.error
    import torch

    assert outcome.model.step_dtypes == [torch.float64, torch.float64]


# ------------------------------------------------------------------- what a CPU cannot fit


def test_single_device_strategy_on_a_gpu_accelerator_fails_as_fit_sets_up_the_device():
    """TL607 (object) and TL315 (name) on a GPU: CUDA is mocked, so instead of fitting this builds the
    Trainer and calls what `fit` calls first, `accelerator.setup_device(strategy.root_device)`."""
    for strategy, code in (({"class_path": "SingleDeviceStrategy"}, "TL607"), ("single_device", "TL315")):
        data = config({"accelerator": "gpu", "devices": 1, "logger": False, "strategy": strategy})
        assert code in lint_codes(data)["warning"]
        built = build(data, cuda=1)
        assert built.built, built.error
        with pytest.raises(Exception, match="Device should be GPU, got cpu instead"):
            built.trainer.strategy.accelerator.setup_device(built.trainer.strategy.root_device)


def test_swa_with_fsdp_fails_in_setup():
    """TL610: FSDP needs CUDA, mocked; instead of fitting this calls the callback's `setup`, the
    first thing `fit` runs, with the built Trainer."""
    data = config({"accelerator": "gpu", "devices": 1, "logger": False, "strategy": "fsdp", "callbacks": [{**SWA, "init_args": {"swa_lrs": 0.01, "swa_epoch_start": 1}}]})
    assert "TL610" in lint_codes(data)["warning"]
    built = build(data, cuda=1)
    assert built.built, built.error
    swa = next(c for c in built.trainer.callbacks if type(c).__name__ == "StochasticWeightAveraging")
    with pytest.raises(Exception, match="SWA does not currently support sharded models"):
        swa.setup(built.trainer, built.model, "fit")


def test_fsdp_kwarg_typo_reaches_fully_sharded_data_parallel():
    """TL609 for FSDP: FSDP cannot wrap a model on a CPU, so this shows the strategy hands the
    unknown key to `FullyShardedDataParallel`, whose signature refuses it."""
    import inspect

    from torch.distributed.fsdp import FullyShardedDataParallel

    data = config({"accelerator": "gpu", "logger": False, "strategy": {"class_path": "FSDPStrategy", "init_args": {"forward_prefech": True}}})
    assert "TL609" in lint_codes(data)["warning"]
    built = build(data, cuda=1)
    assert built.built, built.error
    kwargs = built.trainer.strategy.kwargs
    assert kwargs.get("forward_prefech") is True
    with pytest.raises(TypeError, match="forward_prefech"):
        inspect.signature(FullyShardedDataParallel).bind(built.model, **kwargs)
