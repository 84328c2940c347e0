"""Generated configs for the LightningCLI differential suite: for each CLI form of the fixture
project (``tests/fixtures/cliproject``), valid configs and configs with exactly one planted
mistake, covering every construct the resolver reads.

Each entry is ``(name, config)``; the name says what was planted (``ok:`` for valid ones, which
LightningCLI must accept: that is checked too, so a generator mistake cannot pass silently).
"""

from __future__ import annotations

import copy
from typing import Any

TRAINER = {
    "accelerator": "cpu",
    "devices": 1,
    "max_epochs": 1,
    "logger": False,
    "enable_progress_bar": False,
    "enable_model_summary": False,
}

M = "lintproj.models."
D = "lintproj.data."
C = "lintproj.callbacks."
N = "lintproj.nets."

# parameter -> (values LightningCLI accepts, values it rejects); strings where a number or a
# boolean is expected are in the rejected list: trainer-lint rejects them on purpose (typed TOML)
CLASSIFICATION: dict[str, tuple[list[Any], list[Any]]] = {
    "num_classes": ([3, 10], [3.0, True, "x", [3], "3"]),
    "lr": ([1, 0.5], [True, "abc", [1], "0.5", "1e-3"]),
    "activation": (["gelu", "tanh"], ["GELU", 1, "Activation.relu", "swish"]),
    "loss": (["focal"], ["dice", 1, "FOCAL"]),
    "label_smoothing": ([0.1, 0, "null", "~"], ["none", True, "0.1"]),
    "class_names": ([["a", "b"], []], [[1], "a", ["a", 2]]),
    "class_weights": ([{"a": 1.0, "b": 2}], [{"a": "x"}, [1], {"a": True}]),
    "input_size": ([[1, 2]], [[1], [1, 2, 3], [1, 2.5], "1,2"]),
    "checkpoint": (["ckpt/x.ckpt"], [1, True]),
    "schedule": ([{"warmup": 2}, {}, {"decay": 1, "kind": "step"}], [{"warmp": 2}, {"warmup": 1.5}, 3, {"kind": 2}]),
    "head": ([{"classes": 3}, {"classes": 2, "tags": ["a"]}], [{"dropout": 0.1}, {"classes": "x"}, {"clases": 3}, {"classes": 2, "tags": "a"}]),
    "backbone": (
        [
            {"class_path": N + "TinyNet", "init_args": {"width": 8}},
            {"class_path": "TinyNet"},
            N + "TinyNet",
            {"class_path": N + "WideNet", "init_args": {"scale": 1.0, "depth": 2}},
            {"class_path": "torch.nn.Linear", "init_args": {"in_features": 2, "out_features": 3}},
            {"class_path": N + "TinyNet", "dict_kwargs": {"bias": False}},
        ],
        [
            {"class_path": N + "TinyNet", "init_args": {"widht": 8}},
            {"class_path": N + "TinyNet", "init_args": {"width": "8"}},
            {"class_path": N + "WideNet", "init_args": {"dept": 2}},
            {"class_path": N + "WideNet", "init_args": {"scale": True}},
            {"class_path": "torch.nn.Linear"},
            {"class_path": N + "TinyNet", "width": 8},
            5,
            {"class_path": D + "BaseData"},
            {"class_path": N + "NoSuchNet"},
        ],
    ),
    "freeze": ([True, 3], [1.5, "x", [True]]),
    "compile_model": ([True], ["yes", 1]),
}

REGRESSION: dict[str, tuple[list[Any], list[Any]]] = {
    "target": (["z"], [1]),
    "loss": (["mae"], ["l1"]),
    "lr": ([0.1, 2], ["x", False]),
    "weight_decay": ([0.01], ["0.01", [0.1]]),
}

KWARGS: dict[str, tuple[list[Any], list[Any]]] = {
    "hidden": ([16], [1.5, "16"]),
    "dropout": ([0.2, "anything"], []),
    "norm": (["bn", 3], []),
    "width": ([8], ["8", 1.5]),
    "depth": ([2], [True]),
    "bias": ([False], [0]),
}

GENERIC_DATA: dict[str, tuple[list[Any], list[Any]]] = {
    "root": (["data/"], [1, ["a"]]),
    "split": (["val"], [0]),
    "patch_size": ([32], [32.5, "32"]),
    "bands": ([["r", "g"], "null"], ["r", [1]]),
    "batch_size": ([4], [2.5, "4"]),
    "num_workers": ([0], [True]),
}

CHECKPOINT: dict[str, tuple[list[Any], list[Any]]] = {
    "keep_state": ([False], [1, "false"]),
    "monitor": (["val_loss"], [1]),
    "save_top_k": ([1, -1], ["2", 1.5]),
    "dirpath": (["ckpts"], [2]),
}


def _model(path: str, args: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    table: dict[str, Any] = {"class_path": path}
    if args is not None:
        table["init_args"] = args
    table.update(extra)
    return table


def _config(model: Any = None, data: Any = None, *, callbacks: list[Any] | None = None, **top: Any) -> dict[str, Any]:
    trainer = copy.deepcopy(TRAINER)
    if callbacks is not None:
        trainer["callbacks"] = callbacks
    config: dict[str, Any] = {"trainer": trainer}
    if model is not None:
        config["model"] = model
    if data is not None:
        config["data"] = data
    for key, value in top.items():
        if key.startswith("trainer_"):
            trainer[key.removeprefix("trainer_")] = value
        else:
            config[key] = value
    return config


_outer_config = _config


def _params(name: str, path: str, base: dict[str, Any], table: dict[str, tuple[list[Any], list[Any]]], wrap: Any) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for param, (good, bad) in table.items():
        for value in good:
            out.append((f"ok:{name}.{param}={value!r}", wrap({**base, param: value})))
        for value in bad:
            out.append((f"bad:{name}.{param}={value!r}", wrap({**base, param: value})))
    return out


def _trainer_short_names(data: Any = None, model: Any = None) -> list[tuple[str, dict[str, Any]]]:
    """Lightning's classes by short name in every Trainer key where LightningCLI resolves them."""
    model = model if model is not None else _model(M + "NoArgsTask")

    def _config(model: Any, **rest: Any) -> dict[str, Any]:
        return _outer_config(model, data, **rest)

    return [
        ("ok:strategy-short", _config(model, trainer_strategy={"class_path": "SingleDeviceStrategy", "init_args": {"device": "cpu"}})),
        ("ok:profiler-class-name-string", _config(model, trainer_profiler="SimpleProfiler")),
        ("ok:profiler-name", _config(model, trainer_profiler="Simple")),
        ("ok:profiler-short", _config(model, trainer_profiler={"class_path": "SimpleProfiler", "init_args": {"filename": "p"}})),
        ("ok:plugins-string-list", _config(model, trainer_plugins=["LightningEnvironment"])),
        ("ok:plugins-string", _config(model, trainer_plugins="LightningEnvironment")),
        ("ok:plugins-short-table", _config(model, trainer_plugins=[{"class_path": "LightningEnvironment"}])),
        ("ok:accelerator-short", _config(model, trainer_accelerator={"class_path": "CPUAccelerator"})),
        ("ok:callbacks-string-list", _config(model, callbacks=["LearningRateMonitor"])),
        ("ok:callbacks-string", _config(model, trainer_callbacks="LearningRateMonitor")),
        ("ok:callbacks-short-args", _config(model, callbacks=[{"class_path": "LearningRateMonitor", "init_args": {"logging_interval": "epoch"}}])),
        ("ok:logger-short", _config(model, trainer_logger={"class_path": "CSVLogger", "init_args": {"save_dir": "logs"}})),
        ("bad:strategy-class-name-string", _config(model, trainer_strategy="SingleDeviceStrategy")),
        ("bad:accelerator-class-name-string", _config(model, trainer_accelerator="CPUAccelerator")),
        ("bad:profiler-unknown-string", _config(model, trainer_profiler="simpel")),
        ("bad:logger-string-needs-args", _config(model, trainer_logger="CSVLogger")),
    ]


def subclass_configs() -> list[tuple[str, dict[str, Any]]]:
    """For ``train_subclass.py``: ``LightningCLI(BaseTask, BaseData, subclass_mode_model=True, subclass_mode_data=True)``."""
    out: list[tuple[str, dict[str, Any]]] = []
    data = _model(D + "BaseData")
    base = {"num_classes": 3}
    for spelling in ("ClassificationTask", M + "ClassificationTask", "lintproj.ClassificationTask", M + "RenamedTask"):
        out.append((f"ok:model={spelling}", _config(_model(spelling, base), data)))
    out += _params("ClassificationTask", M + "ClassificationTask", base, CLASSIFICATION, lambda a: _config(_model(M + "ClassificationTask", a), data))
    out += [
        ("bad:ClassificationTask.missing-num_classes", _config(_model(M + "ClassificationTask", {}), data)),
        ("bad:ClassificationTask.no-init_args", _config(_model(M + "ClassificationTask"), data)),
        ("bad:ClassificationTask.typo", _config(_model(M + "ClassificationTask", {"num_clases": 3}), data)),
        ("bad:ClassificationTask.unknown", _config(_model(M + "ClassificationTask", {**base, "zz": 1}), data)),
        ("bad:ClassificationTask.beside-class_path", _config(_model(M + "ClassificationTask", base, lr=0.1), data)),
        ("ok:ClassificationTask.dict_kwargs", _config(_model(M + "ClassificationTask", base, dict_kwargs={"lr": 0.5}), data)),
        ("bad:ClassificationTask.dict_kwargs-unknown", _config(_model(M + "ClassificationTask", base, dict_kwargs={"zz": 1}), data)),
        ("ok:model-string-no-args", _config(M + "RegressionTask", data)),
        ("bad:model-string-needs-args", _config(M + "ClassificationTask", data)),
        ("ok:RegressionTask.empty", _config(_model(M + "RegressionTask", {}), data)),
        ("ok:RegressionTask.no-init_args", _config(_model(M + "RegressionTask"), data)),
        ("bad:RegressionTask.unknown", _config(_model(M + "RegressionTask", {"wd": 1}), data)),
        ("ok:PixelwiseRegressionTask.inherited", _config(_model("PixelwiseRegressionTask", {"lr": 0.1, "target": "t"}), data)),
        ("bad:PixelwiseRegressionTask.unknown", _config(_model("PixelwiseRegressionTask", {"lrr": 0.1}), data)),
        ("bad:PixelwiseRegressionTask.type", _config(_model("PixelwiseRegressionTask", {"loss": "huber"}), data)),
        ("ok:NoArgsTask", _config(_model(M + "NoArgsTask"), data)),
        ("bad:NoArgsTask.unknown", _config(_model(M + "NoArgsTask", {"x": 1}), data)),
        ("ok:UntypedTask", _config(_model(M + "UntypedTask", {"alpha": [1, "a"], "gamma": {"k": 1}}), data)),
        ("ok:UntypedTask.any", _config(_model(M + "UntypedTask", {"alpha": "x", "beta": "y"}), data)),
        ("ok:UntypedTask.untyped-needs-no-value", _config(_model(M + "UntypedTask", {"beta": 2}), data)),
        ("ok:DecoratedTask", _config(_model(M + "DecoratedTask", {"size": 2}), data)),
        ("bad:model-not-a-subclass", _config(_model(D + "BaseData"), data)),
        ("bad:model-bare-name-unknown", _config(_model("ClassificationTsk", base), data)),
        ("bad:model-module-has-no-class", _config(_model(M + "ClassificationTsk", base), data)),
        ("bad:model-without-class_path", _config({"num_classes": 3}, data)),
        ("ok:model-base-args-without-class_path", _config({"lr": 0.1}, data)),
        ("ok:model-base-init_args-without-class_path", _config({"init_args": {"weight_decay": 0.1}}, data)),
        ("bad:model-base-type-without-class_path", _config({"lr": "fast"}, data)),
        ("ok:data-without-class_path", _config(_model(M + "NoArgsTask"), {"batch_size": 3})),
        ("bad:data-without-class_path-typo", _config(_model(M + "NoArgsTask"), {"batch_sise": 3})),
        ("ok:base-class-itself", _config(_model(M + "BaseTask", {"lr": 0.1}), data)),
        ("ok:model-include-file", _config("model.yaml", data)),
    ]
    out += _params("KwargsTask", M + "KwargsTask", {}, KWARGS, lambda a: _config(_model(M + "KwargsTask", a), data))
    out.append(("bad:KwargsTask.unknown", _config(_model(M + "KwargsTask", {"widht": 8}), data)))
    out += _params("RegressionTask", M + "RegressionTask", {}, REGRESSION, lambda a: _config(_model(M + "RegressionTask", a), data))
    model = _model(M + "NoArgsTask")
    generic = {"root": "data/"}
    out += _params("GenericData", D + "GenericNonGeoPixelwiseRegressionDataModule", generic, GENERIC_DATA, lambda a: _config(model, _model("GenericNonGeoPixelwiseRegressionDataModule", a)))
    out += [
        ("bad:GenericData.missing-root", _config(model, _model(D + "GenericNonGeoPixelwiseRegressionDataModule", {}))),
        ("bad:GenericData.unknown", _config(model, _model(D + "GenericNonGeoPixelwiseRegressionDataModule", {**generic, "patch": 3}))),
        ("ok:FolderData", _config(model, _model(D + "FolderData", {"folders": ["a"], "extensions": [".jpg", ".png"]}))),
        ("bad:FolderData.string-list", _config(model, _model(D + "FolderData", {"folders": "a"}))),
        ("bad:FolderData.items", _config(model, _model(D + "FolderData", {"folders": ["a"], "extensions": [1]}))),
        ("ok:data.dict_kwargs", _config(model, _model(D + "BaseData", dict_kwargs={"batch_size": 3}))),
        ("bad:data-is-a-model", _config(model, _model(M + "NoArgsTask"))),
    ]
    out += _params("Checkpoint", "StateDictAwareModelCheckpoint", {}, CHECKPOINT, lambda a: _config(model, data, callbacks=[_model("StateDictAwareModelCheckpoint", a)]))
    out += [
        ("ok:callback-full-path", _config(model, data, callbacks=[_model(C + "StateDictAwareModelCheckpoint", {"monitor": "val"})])),
        ("bad:callback-typo", _config(model, data, callbacks=[_model(C + "StateDictAwareModelCheckpoint", {"monitr": "val"})])),
        ("ok:callback-no-init", _config(model, data, callbacks=[_model(C + "PatientEarlyStopping", {"monitor": "x", "patience": 3})])),
        ("bad:callback-no-init-missing", _config(model, data, callbacks=[_model(C + "PatientEarlyStopping")])),
        ("ok:callback-bare-string", _config(model, data, callbacks=["PrintEvery"])),
        ("ok:callback-bare-table", _config(model, data, callbacks=[_model("PrintEvery", {"every": 2})])),
        ("bad:callback-bare-type", _config(model, data, callbacks=[_model("PrintEvery", {"every": "2"})])),
        ("bad:callback-bare-unknown", _config(model, data, callbacks=[_model("PrintEvery", {"evry": 2})])),
        ("bad:callback-not-imported-or-unknown", _config(model, data, callbacks=[_model("PrintEveryStep")])),
        ("bad:callback-not-a-callback", _config(model, data, callbacks=[_model(N + "TinyNet")])),
        ("ok:optimizer-path", _config(_model(M + "ClassificationTask", base), data, optimizer=_model("torch.optim.Adam", {"lr": 0.1}))),
        ("ok:optimizer-name", _config(_model(M + "ClassificationTask", base), data, optimizer="Adam")),
        ("ok:optimizer-short-table", _config(_model(M + "ClassificationTask", base), data, optimizer=_model("SGD", {"lr": 0.1, "momentum": 0.9}))),
        ("bad:optimizer-typo", _config(_model(M + "ClassificationTask", base), data, optimizer=_model("torch.optim.Adam", {"lrr": 0.1}))),
        ("bad:optimizer-type", _config(_model(M + "ClassificationTask", base), data, optimizer=_model("torch.optim.Adam", {"amsgrad": 1}))),
        ("ok:scheduler", _config(_model(M + "ClassificationTask", base), data, optimizer="Adam", lr_scheduler=_model("StepLR", {"step_size": 2}))),
        ("bad:scheduler-missing", _config(_model(M + "ClassificationTask", base), data, optimizer="Adam", lr_scheduler=_model("StepLR"))),
    ]
    out += _trainer_short_names(data)
    return out


def fixed_configs() -> list[tuple[str, dict[str, Any]]]:
    """For ``train_fixed.py``: ``LightningCLI(ClassificationTask, BaseData)``."""
    out: list[tuple[str, dict[str, Any]]] = []
    base = {"num_classes": 3}
    keep = ("num_classes", "lr", "activation", "class_names", "schedule", "head", "backbone", "compile_model")
    table = {k: v for k, v in CLASSIFICATION.items() if k in keep}
    out += _params("fixed", "", base, table, lambda a: _config(a, {"batch_size": 2}))
    out += [
        ("ok:fixed-minimal", _config(base)),
        ("bad:fixed-missing", _config({"lr": 0.1})),
        ("bad:fixed-typo", _config({"num_clases": 3})),
        ("bad:fixed-class_path", _config(_model(M + "ClassificationTask", base))),
        ("bad:fixed-init_args", _config({"init_args": base})),
        ("bad:fixed-dict_kwargs", _config({**base, "dict_kwargs": {"lr": 0.5}})),
        ("ok:fixed-data", _config(base, {"batch_size": 4, "num_workers": 0})),
        ("bad:fixed-data-typo", _config(base, {"batch_sise": 4})),
        ("bad:fixed-data-type", _config(base, {"batch_size": 4.5})),
        ("bad:fixed-data-class_path", _config(base, _model(D + "BaseData"))),
        ("ok:fixed-include-file", _config("fixed_model.yaml")),
    ]
    out += _trainer_short_names(model=base)[:3]
    return out


def bare_configs() -> list[tuple[str, dict[str, Any]]]:
    """For ``train_bare.py``: ``LightningCLI()`` (subclass mode, Lightning's base classes)."""
    base = {"num_classes": 3}
    out = [
        ("ok:bare-short", _config(_model("ClassificationTask", base))),
        ("ok:bare-full", _config(_model(M + "ClassificationTask", base))),
        ("ok:bare-regression-string", _config("RegressionTask")),
        ("ok:bare-data", _config(_model("RegressionTask"), _model("GenericNonGeoPixelwiseRegressionDataModule", {"root": "r"}))),
        ("ok:bare-base", _config(_model("BaseTask"))),
        ("bad:bare-unknown-name", _config(_model("ClassificationTaks", base))),
        ("bad:bare-data-unknown-name", _config(_model("RegressionTask"), _model("FolderDat", {"folders": ["a"]}))),
        ("bad:bare-no-class_path", _config(base)),
        ("ok:bare-empty-model-table", _config({})),
        ("ok:bare-empty-data-table", _config(_model("RegressionTask"), {})),
        ("bad:bare-type", _config(_model("ClassificationTask", {"num_classes": "3"}))),
        ("bad:bare-missing", _config(_model("ClassificationTask", {}))),
        ("bad:bare-data-as-model", _config(_model("BaseData"))),
        ("bad:bare-ambiguous-name", _config(_model("Classifier"))),
        ("ok:bare-ambiguous-name-full-path", _config(_model("lintproj.zoo.text.Classifier", {"vocab": 10}))),
        ("ok:bare-callback-subclass", _config(_model("RegressionTask"), callbacks=[_model("StateDictAwareModelCheckpoint", {"monitor": "x"})])),
        ("bad:bare-callback-subclass-typo", _config(_model("RegressionTask"), callbacks=[_model("StateDictAwareModelCheckpoint", {"keep_stat": False})])),
    ]
    out += _params("bare", "", {}, REGRESSION, lambda a: _config(_model("RegressionTask", a)))
    out += _trainer_short_names()[:6]
    return out


def extra_configs() -> list[tuple[str, dict[str, Any]]]:
    """For ``train_extra.py``: a LightningCLI subclass whose ``add_arguments_to_parser`` adds the
    top-level keys ``out_dir``, ``export-format`` and ``schedule``; and LightningCLI's own
    ``ReduceLROnPlateau``, which a bare scheduler name means."""
    model = _model("ClassificationTask", {"num_classes": 3})
    adamw = {"class_path": "torch.optim.AdamW", "init_args": {"lr": 0.01}}
    return [
        ("ok:extra-none", _config(model)),
        ("ok:extra-out_dir", _config(model, out_dir="runs/")),
        ("ok:extra-dashed-name", _config(model, **{"export-format": "torchscript"})),
        ("ok:extra-class-arguments", _config(model, schedule={"warmup": 2})),
        ("ok:extra-all", _config(model, out_dir="runs/", schedule={}, **{"export-format": "onnx"})),
        ("bad:extra-undeclared", _config(model, output_dir="runs/")),
        ("bad:extra-typo", _config(model, out_dirr="runs/")),
        ("bad:extra-trainer-typo", _config(model, trainr={"max_epochs": 1})),
        ("ok:extra-plateau-monitor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "ReduceLROnPlateau", "init_args": {"monitor": "val_loss"}})),
        ("ok:extra-plateau-monitor-factor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "ReduceLROnPlateau", "init_args": {"monitor": "m", "factor": 0.5}})),
        ("ok:extra-step-lr", _config(model, optimizer=adamw, lr_scheduler={"class_path": "StepLR", "init_args": {"step_size": 2}})),
        ("bad:extra-step-lr-monitor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "StepLR", "init_args": {"step_size": 2, "monitor": "m"}})),
        ("bad:extra-plateau-no-monitor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "ReduceLROnPlateau", "init_args": {"factor": 0.5}})),
        ("bad:extra-plateau-factor-type", _config(model, optimizer=adamw, lr_scheduler={"class_path": "ReduceLROnPlateau", "init_args": {"monitor": "m", "factor": "high"}})),
        ("ok:extra-plateau-full-path", _config(model, optimizer=adamw, lr_scheduler={"class_path": "lightning.pytorch.cli.ReduceLROnPlateau", "init_args": {"monitor": "m"}})),
        ("bad:extra-plateau-full-path-no-monitor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "lightning.pytorch.cli.ReduceLROnPlateau"})),
        ("bad:extra-torch-plateau-monitor", _config(model, optimizer=adamw, lr_scheduler={"class_path": "torch.optim.lr_scheduler.ReduceLROnPlateau", "init_args": {"monitor": "m"}})),
    ]
