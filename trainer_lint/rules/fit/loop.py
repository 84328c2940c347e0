"""The run's own settings that fail once ``fit`` starts: ``ckpt_path = "best"``, a zero
``val_check_interval``, a logger that flushes every zero steps (TL601–TL603)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, top_level, trainer_key
from trainer_lint.rules.loops.values import fast_dev_run, is_int, value
from trainer_lint.rules.objects.collect import barebones_on, is_false, lightning_objects


def validation_off(ctx: Context) -> bool:
    """``limit_val_batches`` is 0 (or 0.0): the Trainer never validates."""
    limit = value(ctx, "limit_val_batches")
    return limit is not None and not isinstance(limit, bool) and limit == 0


class CkptPathBest(Rule):
    """## What it does
    Warns about `ckpt_path = "best"` at the top level of a config. It names the best checkpoint of
    *this* Trainer's `ModelCheckpoint`, and a Trainer built from a config has saved none yet.

    ## Why is this bad?
    The Trainer builds, then `fit` (or `validate`, `test`, `predict`) raises as it starts:
    `ValueError: .fit(ckpt_path="best") is set but ModelCheckpoint is not configured to save the
    best model` (or "is not configured" with checkpointing off, or "You cannot execute
    .fit(ckpt_path="best") with fast_dev_run=True").

    ## Example
    ```toml
    ckpt_path = "best"

    [trainer]
    max_epochs = 10
    ```

    ## Fix
    Name the checkpoint file, or resume from the last one:
    ```toml
    ckpt_path = "last"
    ```

    ## Lightning source
    `_CheckpointConnector._parse_ckpt_path` in
    `lightning/pytorch/trainer/connectors/checkpoint_connector.py`.
    """

    code = "TL601"
    name = "ckpt-path-best"
    summary = '`ckpt_path = "best"` fails when the run starts: a new Trainer has no best checkpoint'
    triggers = frozenset({top_level("ckpt_path")})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if ctx.data.get("ckpt_path") != "best":
            return
        if is_false(ctx, "enable_checkpointing") or barebones_on(ctx):
            why = "checkpointing is off, so there is no `ModelCheckpoint` to ask"
        elif fast_dev_run(ctx):
            why = "`fast_dev_run` saves no checkpoint"
        else:
            why = "a Trainer built from this config has no best checkpoint yet"
        yield self.report(
            ("ckpt_path",),
            f'`ckpt_path = "best"` fails when the run starts: {why}. Name a checkpoint file, or use "last"',
        )


class ZeroValCheckInterval(Rule):
    """## What it does
    Warns about `val_check_interval = 0` (the integer) while validation is on.

    ## Why is this bad?
    The Trainer builds, then `fit` fails at the first training batch with `ZeroDivisionError:
    integer modulo by zero`: an integer `val_check_interval` is a number of batches, and Lightning
    checks `(batch + 1) % val_check_interval`.

    ## Example
    ```toml
    [trainer]
    val_check_interval = 0
    ```

    ## Fix
    Turn validation off with `limit_val_batches = 0`, or validate every N batches:
    ```toml
    [trainer]
    val_check_interval = 100
    ```

    ## Lightning source
    `_TrainingEpochLoop._should_check_val_fx` in `lightning/pytorch/loops/training_epoch_loop.py`;
    `_FitLoop.setup_data` in `lightning/pytorch/loops/fit_loop.py`.
    """

    code = "TL602"
    name = "zero-val-check-interval"
    summary = "`val_check_interval = 0` divides by zero at the first batch"
    triggers = frozenset({"val_check_interval"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        interval = value(ctx, "val_check_interval")
        if is_int(interval) and interval == 0 and not validation_off(ctx):
            yield self.report(
                trainer_key("val_check_interval"),
                "`val_check_interval = 0` makes `fit` fail at the first batch (ZeroDivisionError): it counts batches "
                "between validations. Use `limit_val_batches = 0` to turn validation off",
            )


class LoggerZeroFlush(Rule):
    """## What it does
    Warns about a `CSVLogger` with `flush_logs_every_n_steps = 0`.

    ## Why is this bad?
    The logger builds, then the first `log_metrics` call in `fit` raises `ZeroDivisionError:
    integer modulo by zero` (it flushes when `(step + 1) % flush_logs_every_n_steps == 0`).

    ## Example
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.CSVLogger"
    init_args = { save_dir = "logs", flush_logs_every_n_steps = 0 }
    ```

    ## Fix
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.CSVLogger"
    init_args = { save_dir = "logs", flush_logs_every_n_steps = 1 }
    ```

    ## Lightning source
    `CSVLogger.log_metrics` in `lightning/fabric/loggers/csv_logs.py`.
    """

    code = "TL603"
    name = "logger-zero-flush"
    summary = "A CSVLogger that flushes every zero steps divides by zero at the first log"
    triggers = frozenset({"logger"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.slot != "logger" or obj.info.name != "CSVLogger":
                continue
            steps = obj.args().get("flush_logs_every_n_steps")
            if is_int(steps) and steps == 0:
                yield self.report(
                    obj.arg_key("flush_logs_every_n_steps"),
                    "`flush_logs_every_n_steps = 0` makes the first logged metric fail in `fit` (ZeroDivisionError): use 1 or more",
                )


RULES: tuple[type[Rule], ...] = (
    CkptPathBest,
    ZeroValCheckInterval,
    LoggerZeroFlush,
)
