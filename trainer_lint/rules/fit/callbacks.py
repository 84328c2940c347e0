"""Callbacks that build, then fail in ``fit`` against the Trainer's other settings (TL600,
TL604, TL605, TL610, TL611)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.fit.loop import validation_off
from trainer_lint.rules.hardware.connector import facts
from trainer_lint.rules.loops.values import is_int, overfit_on, value
from trainer_lint.rules.objects.collect import Obj, barebones_on, callbacks
from trainer_lint.rules.objects.init_args import arg_problems_for


def no_logger(ctx: Context) -> str | None:
    """Why the Trainer has no logger (``logger = false``, ``[]``, ``barebones``), or None."""
    if ctx.is_set("logger"):
        logger = ctx.trainer["logger"]
        if logger is False:
            return "`logger = false`"
        if logger == []:
            return "`logger = []`"
        return None
    if barebones_on(ctx):
        return "`barebones = true` (which turns the logger off)"
    return None


class CallbackNeedsLogger(Rule):
    """## What it does
    Warns about a callback that logs through the Trainer's logger (`LearningRateMonitor`,
    `DeviceStatsMonitor`) when the Trainer has none: `logger = false`, `logger = []` or
    `barebones = true`.

    ## Why is this bad?
    The Trainer builds, then `fit` raises as training starts: `MisconfigurationException: Cannot
    use LearningRateMonitor callback with Trainer that has no logger.`

    ## Example
    ```toml
    [trainer]
    logger = false
    callbacks = ["lightning.pytorch.callbacks.LearningRateMonitor"]
    ```

    ## Fix
    Give the Trainer a logger, or remove the callback:
    ```toml
    [trainer]
    logger = { class_path = "lightning.pytorch.loggers.CSVLogger", init_args = { save_dir = "logs" } }
    callbacks = ["lightning.pytorch.callbacks.LearningRateMonitor"]
    ```

    ## Lightning source
    `LearningRateMonitor.on_train_start` in `callbacks/lr_monitor.py`; `DeviceStatsMonitor.setup`
    in `callbacks/device_stats_monitor.py` (the class snapshot tags the callbacks whose source
    raises on `not trainer.loggers`).
    """

    code = "TL600"
    name = "callback-needs-logger"
    summary = "A callback that needs a logger, on a Trainer without one"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        why = no_logger(ctx)
        if why is None:
            return
        for obj in callbacks(ctx):
            if obj.has("needs_logger"):
                yield self.report(obj.class_key, f"`{obj.label}` logs through the Trainer's logger, and {why}: `fit` fails as it starts")


def distributed(ctx: Context) -> str | None:
    """Words for the distributed strategy the Trainer will run, or None when it runs one process."""
    f = facts(ctx)
    if f.strategy_has("distributed"):
        return f.describe_strategy()
    chosen = f.chosen_strategy  # what "auto" picks: "ddp" for several devices or nodes, "xla" on TPUs
    if f.strategy == "auto" and chosen not in (None, "auto"):
        picked = ctx.lightning.classes.registered("strategy", chosen)
        if picked is not None and picked.has("distributed"):
            return f'`strategy = "auto"` with several devices (Lightning picks "{chosen}")'
    return None


class BatchSizeFinderDistributed(Rule):
    """## What it does
    Warns about a `BatchSizeFinder` callback with a distributed strategy (`ddp*`, FSDP, DeepSpeed,
    XLA, model parallel, or `"auto"` with several devices or nodes).

    ## Why is this bad?
    The Trainer builds, then `fit` raises in the callback's `setup`:
    `MisconfigurationException: The Batch size finder is not supported with distributed strategies.`

    ## Example
    ```toml
    [trainer]
    strategy = "ddp"
    callbacks = ["lightning.pytorch.callbacks.BatchSizeFinder"]
    ```

    ## Fix
    Find the batch size in a single-device run, then train with it on several devices.

    ## Lightning source
    `BatchSizeFinder.setup` in `lightning/pytorch/callbacks/batch_size_finder.py`;
    `_AcceleratorConnector.is_distributed` in `trainer/connectors/accelerator_connector.py`.
    """

    code = "TL604"
    name = "batch-size-finder-distributed"
    summary = "BatchSizeFinder with a distributed strategy fails in fit"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        finders = [o for o in callbacks(ctx) if o.has("batch_size_finder")]
        if not finders:
            return
        strategy = distributed(ctx)
        if strategy is None:
            return
        for obj in finders:
            yield self.report(obj.class_key, f"`{obj.label}` does not support distributed training, and {strategy} is: `fit` fails in its setup")


_VALIDATION_METRIC = re.compile(r"val(id(ation)?)?([_/.\-]|$)")


def looks_like_validation(metric: str) -> bool:
    """A metric named like one logged in ``validation_step`` (``val_loss``, ``val/acc``, ``valid_f1``)."""
    return bool(_VALIDATION_METRIC.match(metric.lower()))


class MonitorNeverLogged(Rule):
    """## What it does
    Warns about an `EarlyStopping` or `ModelCheckpoint` that monitors a validation metric
    (`val_loss`, `val/acc`, ...) when no validation runs before it checks: validation is off
    (`limit_val_batches = 0`), or `EarlyStopping(check_on_train_epoch_end = true)` checks after
    every training epoch while `check_val_every_n_epoch` validates less often.

    ## Why is this bad?
    The Trainer builds, then `fit` fails at the end of the first epoch: `RuntimeError: Early
    stopping conditioned on metric val_loss which is not available.` A `ModelCheckpoint` never
    ranks a checkpoint (Lightning warns that it "could not find the monitored key"); an
    `EarlyStopping` with `strict = false` never stops.

    ## Example
    ```toml
    [trainer]
    limit_val_batches = 0

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    init_args = { monitor = "val_loss" }
    ```

    ## Fix
    Monitor a metric logged in training (`train_loss`), or keep validation on.

    ## Lightning source
    `EarlyStopping.setup` (when it checks), `_validate_condition_metric` and
    `_run_early_stopping_check` in `callbacks/early_stopping.py`; `ModelCheckpoint._save_topk_checkpoint`
    in `callbacks/model_checkpoint.py`. The metric names are the model's: a name starting with
    `val` is taken to be logged in validation.
    """

    code = "TL605"
    name = "monitor-never-logged"
    summary = "A callback monitors a validation metric that no validation logs before it checks"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in callbacks(ctx):
            if not (obj.has("early_stopping") or obj.has("model_checkpoint")) or arg_problems_for(ctx, obj):
                continue
            monitor = obj.args().get("monitor")
            if not isinstance(monitor, str) or not looks_like_validation(monitor):
                continue
            message = self._problem(ctx, obj, monitor)
            if message:
                yield self.report(obj.arg_key("monitor"), message)

    def _problem(self, ctx: Context, obj: Obj, monitor: str) -> str | None:
        said = f"`monitor = {show(monitor)}`"
        if validation_off(ctx) and not overfit_on(ctx):
            if obj.has("model_checkpoint"):
                return f"{said} is a validation metric, but `limit_val_batches = 0` turns validation off: no checkpoint is ever ranked by it"
            if obj.args().get("check_on_train_epoch_end") is False or obj.args().get("strict") is False:
                return f"{said} is a validation metric, but `limit_val_batches = 0` turns validation off: early stopping never triggers"
            return f"{said} is a validation metric, but `limit_val_batches = 0` turns validation off: `fit` fails at the end of the first epoch"
        every = value(ctx, "check_val_every_n_epoch")
        if obj.has("early_stopping") and obj.args().get("check_on_train_epoch_end") is True and is_int(every) and every > 1:
            if obj.args().get("strict") is False:
                return None
            return (
                f"{said} is checked after every training epoch (`check_on_train_epoch_end = true`), but validation runs "
                f"every {every} epochs: `fit` fails at the end of the first epoch. Remove `check_on_train_epoch_end`"
            )
        return None


class SwaShardedStrategy(Rule):
    """## What it does
    Warns about a `StochasticWeightAveraging` callback with a sharded strategy (FSDP, DeepSpeed).

    ## Why is this bad?
    The Trainer builds, then `fit` raises in the callback's `setup`: `MisconfigurationException:
    SWA does not currently support sharded models.`

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.StochasticWeightAveraging"
    init_args = { swa_lrs = 0.01 }
    ```

    ## Fix
    Use `strategy = "ddp"`, or drop the callback.

    ## Lightning source
    `StochasticWeightAveraging.setup` in `lightning/pytorch/callbacks/stochastic_weight_avg.py`.
    """

    code = "TL610"
    name = "swa-sharded-strategy"
    summary = "StochasticWeightAveraging with FSDP or DeepSpeed fails in fit"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not (f.strategy_has("fsdp") or f.strategy_has("deepspeed")):
            return
        for obj in callbacks(ctx):
            if obj.has("swa"):
                yield self.report(obj.class_key, f"`{obj.label}` does not support sharded models, and {f.describe_strategy()} shards them: `fit` fails in its setup")


def _max_epochs_unbounded(ctx: Context) -> str | None:
    """Why ``max_epochs`` resolves to -1 (``_parse_loop_limits``), or None."""
    if ctx.is_set("max_epochs"):
        return "`max_epochs = -1`" if ctx.trainer["max_epochs"] == -1 else None
    max_steps = value(ctx, "max_steps")
    if is_int(max_steps) and max_steps != -1:
        return "`max_steps` is set and `max_epochs` is not (so it is -1)"
    if ctx.is_set("max_time") or any(o.has("timer") for o in callbacks(ctx)):
        return "a time limit is set and `max_epochs` is not (so it is -1)"
    return None


class SwaFractionalStart(Rule):
    """## What it does
    Warns about a `StochasticWeightAveraging` whose `swa_epoch_start` is a fraction (the default
    is `0.8`) when the number of epochs is unbounded: `max_epochs = -1`, or `max_epochs` unset with
    `max_steps`, `max_time` or a `Timer` (Lightning then sets `max_epochs = -1`).

    ## Why is this bad?
    The Trainer builds, then `fit` raises as it starts: `MisconfigurationException: SWA with
    swa_epoch_start as a float is not supported when max_epochs=-1.`

    ## Example
    ```toml
    [trainer]
    max_steps = 10000

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.StochasticWeightAveraging"
    init_args = { swa_lrs = 0.01 }
    ```

    ## Fix
    Start SWA at an epoch number, or bound the epochs:
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.StochasticWeightAveraging"
    init_args = { swa_lrs = 0.01, swa_epoch_start = 5 }
    ```

    ## Lightning source
    `StochasticWeightAveraging.on_fit_start` in `callbacks/stochastic_weight_avg.py`;
    `_parse_loop_limits` in `loops/utilities.py`.
    """

    code = "TL611"
    name = "swa-fractional-start"
    summary = "A fractional swa_epoch_start with an unbounded number of epochs fails in fit"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in callbacks(ctx):
            if not obj.has("swa") or arg_problems_for(ctx, obj):
                continue
            start: Any = obj.args().get("swa_epoch_start", obj.info.params.get("swa_epoch_start", {}).get("default"))
            if not isinstance(start, float):
                continue
            why = _max_epochs_unbounded(ctx)
            if why is None:
                continue
            key = obj.arg_key("swa_epoch_start") if "swa_epoch_start" in obj.args() else obj.class_key
            written = "" if "swa_epoch_start" in obj.args() else " (the default)"
            yield self.report(
                key,
                f"`swa_epoch_start = {start}`{written} is a fraction of `max_epochs`, but {why}: `fit` fails as it starts. "
                "Give an epoch number, or set `max_epochs`",
            )


RULES: tuple[type[Rule], ...] = (
    CallbackNeedsLogger,
    BatchSizeFinderDistributed,
    MonitorNeverLogged,
    SwaShardedStrategy,
    SwaFractionalStart,
)

