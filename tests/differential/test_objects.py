"""Differential test of the TL5xx rules: build the objects and the Trainer for real, compare verdicts.

Each generated config has callbacks, a logger, a strategy, a profiler and plugins written as
``class_path``/``init_args``. The test instantiates every object with :mod:`importlib` (the way
LightningCLI and ``trainer-lint run`` do), passes them to ``Trainer`` through the harness, and
asserts that trainer-lint reports an error exactly when something raised, or when the config
deliberately breaks a parameter's annotation without Python noticing.
"""

from __future__ import annotations

import importlib
import tempfile
from typing import Any

import pytest

from differential.summary import record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential.harness import Outcome, build, lint

pytest.importorskip("lightning")

_TMP = tempfile.mkdtemp(prefix="trainer-lint-objects-")
COUNTS = {"configs": 0, "agree_error": 0, "agree_clean": 0, "disagree": 0}
ANNOTATION_BREAK = "__annotation_break__"
"""A key the generator adds to init_args it made ill-typed in a way Python accepts silently."""


def _path(module: str, name: str, short: str | None = None) -> st.SearchStrategy[str]:
    forms = [f"lightning.pytorch.{module}.{name}"]
    if short:
        forms.append(f"lightning.pytorch.{module}.{short}.{name}")
    if module in ("callbacks", "loggers"):
        forms.append(name)
    return st.sampled_from(forms)


def _obj(module: str, name: str, args: dict[str, st.SearchStrategy[Any]], short: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    optional = {k: v for k, v in args.items()}
    return st.builds(
        lambda path, init: {"class_path": path, "init_args": init},
        _path(module, name, short),
        st.fixed_dictionaries({}, optional=optional),
    )


def _with_break(base: st.SearchStrategy[dict[str, Any]], key: str, bad: Any) -> st.SearchStrategy[dict[str, Any]]:
    def apply(obj: dict[str, Any]) -> dict[str, Any]:
        obj = {**obj, "init_args": {**obj["init_args"], key: bad, ANNOTATION_BREAK: True}}
        return obj

    return base.map(apply)


checkpoint = _obj(
    "callbacks",
    "ModelCheckpoint",
    {
        "dirpath": st.just(_TMP),
        "monitor": st.sampled_from(["val_loss", "val_acc"]),
        "mode": st.sampled_from(["min", "max", "avg"]),
        "save_top_k": st.sampled_from([-2, -1, 0, 1, 3, "3"]),
        "every_n_epochs": st.sampled_from([-1, 0, 1, 2]),
        "every_n_train_steps": st.sampled_from([-1, 0, 5]),
        "save_last": st.sampled_from([True, False, "link"]),
        "verbsoe": st.just(True),
    },
    "model_checkpoint",
)
early = _obj(
    "callbacks",
    "EarlyStopping",
    {"monitor": st.sampled_from(["val_loss"]), "mode": st.sampled_from(["min", "max", "maximum"]), "patience": st.sampled_from([1, 3])},
    "early_stopping",
)
lr_monitor = _obj("callbacks", "LearningRateMonitor", {"log_momentum": st.booleans()}, "lr_monitor")
timer = _obj(
    "callbacks",
    "Timer",
    {"duration": st.sampled_from(["00:01:00:00", "1:00:00", {"hours": 1}, {"hourz": 1}]), "interval": st.sampled_from(["step", "epoch", "batch"])},
)
swa = _obj("callbacks", "StochasticWeightAveraging", {"swa_lrs": st.sampled_from([0.1, 1, -0.5, [0.1, 0.2]]), "swa_epoch_start": st.sampled_from([0, 2, 0.5, 1.5])})
bars = st.sampled_from(["lightning.pytorch.callbacks.TQDMProgressBar", "lightning.pytorch.callbacks.RichProgressBar", "TQDMProgressBar"])
summaries = st.sampled_from(["lightning.pytorch.callbacks.ModelSummary", "lightning.pytorch.callbacks.RichModelSummary"])
on_exception = _obj("callbacks", "OnExceptionCheckpoint", {"dirpath": st.just(_TMP), "filename": st.sampled_from(["", "crash"])})
finders = st.one_of(
    _obj("callbacks", "BatchSizeFinder", {"mode": st.sampled_from(["power", "binsearch", "linear"])}),
    _obj("callbacks", "LearningRateFinder", {"mode": st.sampled_from(["linear", "exponential", "power"])}),
)
misplaced = st.just({"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": _TMP}})
ill_typed = _with_break(_obj("callbacks", "EarlyStopping", {"monitor": st.just("val_loss")}), "patience", 2.5)

callback = st.one_of(checkpoint, checkpoint, early, lr_monitor, timer, swa, bars, summaries, on_exception, finders, misplaced, ill_typed)

csv = _obj("loggers", "CSVLogger", {"save_dir": st.just(_TMP), "name": st.sampled_from(["run", "x"]), "flush_logs_every_n_step": st.just(10)}, "csv_logs")
logger = st.one_of(st.none(), st.booleans(), csv, st.lists(csv, min_size=1, max_size=2))

strategy = st.one_of(
    st.none(),
    st.just({"class_path": "lightning.pytorch.strategies.DDPStrategy", "init_args": {"start_method": "spawn"}}),
    st.just({"class_path": "lightning.pytorch.strategies.DDPStrategy", "init_args": {"start_method": "thread"}}),
    st.just({"class_path": "lightning.pytorch.strategies.SingleDeviceStrategy", "init_args": {"device": "cpu"}}),
    st.just({"class_path": "lightning.pytorch.strategies.FSDPStrategy"}),
    st.just({"class_path": "lightning.pytorch.callbacks.Timer"}),
)
profiler = st.one_of(st.none(), st.sampled_from(["lightning.pytorch.profilers.SimpleProfiler", "lightning.pytorch.profilers.AdvancedProfiler"]))
plugin = st.sampled_from(
    [
        "lightning.pytorch.plugins.TorchSyncBatchNorm",
        "lightning.pytorch.plugins.environments.LightningEnvironment",
        "lightning.fabric.plugins.environments.LightningEnvironment",
        "lightning.pytorch.plugins.DoublePrecision",
        "lightning.pytorch.plugins.TorchCheckpointIO",
    ]
)

trainer_tables = st.fixed_dictionaries(
    {"accelerator": st.just("cpu")},
    optional={
        "callbacks": st.lists(callback, max_size=3),
        "logger": logger,
        "strategy": strategy,
        "profiler": profiler,
        "plugins": st.lists(plugin, max_size=2),
        "enable_checkpointing": st.booleans(),
        "enable_progress_bar": st.booleans(),
        "enable_model_summary": st.booleans(),
        "barebones": st.just(True),
        "max_time": st.just("00:01:00:00"),
        "precision": st.sampled_from(["32-true", "bf16-mixed"]),
        "sync_batchnorm": st.booleans(),
        "devices": st.sampled_from([1, 2]),
    },
).map(lambda t: {k: v for k, v in t.items() if v is not None})


def _resolve(path: str, slot: str) -> type:
    if "." not in path:
        module = importlib.import_module("lightning.pytorch.callbacks" if slot == "callbacks" else "lightning.pytorch.loggers")
        return getattr(module, path)
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _instantiate(value: Any, slot: str) -> tuple[Any, bool]:
    """Build the objects in ``value`` (returns the built value and whether an annotation was broken)."""
    if isinstance(value, list):
        built = [_instantiate(v, slot) for v in value]
        return [b for b, _ in built], any(flag for _, flag in built)
    if isinstance(value, dict):
        args = dict(value.get("init_args", {}))
        broken = bool(args.pop(ANNOTATION_BREAK, False))
        return _resolve(value["class_path"], slot)(**args), broken
    if isinstance(value, str) and (slot in ("callbacks", "logger") or "." in value):
        return _resolve(value, slot)(), False
    return value, False


def _strip(value: Any) -> Any:
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict) and "init_args" in value:
        return {**value, "init_args": {k: v for k, v in value["init_args"].items() if k != ANNOTATION_BREAK}}
    return value


def _truth(table: dict[str, Any]) -> tuple[Outcome, bool]:
    kwargs: dict[str, Any] = {}
    broken = False
    try:
        for key, value in table.items():
            kwargs[key], flag = _instantiate(value, key) if key in ("callbacks", "logger", "strategy", "profiler", "plugins") else (value, False)
            broken = broken or flag
    except Exception as error:  # noqa: BLE001 - the class's own verdict
        return Outcome(error), broken
    return build(kwargs), broken or not _annotated(kwargs)


def _annotated(kwargs: dict[str, Any]) -> bool:
    """Whether the built objects fit the annotations of ``Trainer.__init__`` (list[Callback], ...):
    the Trainer stores a misplaced object without checking and fails only when it calls it."""
    from lightning.pytorch.callbacks import Callback
    from lightning.pytorch.loggers import Logger
    from lightning.pytorch.profilers import Profiler

    bases = {"callbacks": Callback, "logger": Logger, "profiler": Profiler}
    for key, base in bases.items():
        value = kwargs.get(key)
        items = value if isinstance(value, list) else [value]
        if any(item is not None and not isinstance(item, (bool, str, base)) for item in items):
            return False
    return True


@settings(max_examples=1100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(trainer_tables)
def test_objects_agree_with_lightning(table):
    clean = {k: _strip(v) for k, v in table.items()}
    outcome, broken = _truth(table)
    verdict = lint(clean)
    truth = outcome.raised or broken
    COUNTS["configs"] += 1
    if truth == verdict.has_error:
        COUNTS["agree_error" if truth else "agree_clean"] += 1
        return
    COUNTS["disagree"] += 1
    raised = f"{type(outcome.error).__name__}: {outcome.error}" if outcome.error else ("annotation broken" if broken else "nothing")
    pytest.fail(f"config={clean!r}\n  Lightning: {raised}\n  trainer-lint errors: {verdict.errors}")


def test_report_counts():
    print(f"\nTL5xx differential: {COUNTS}")
    record("objects (TL5xx): " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
    assert COUNTS["configs"] >= 1000 or COUNTS["configs"] == 0
    assert COUNTS["disagree"] == 0
