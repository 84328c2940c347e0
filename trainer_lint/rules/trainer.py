"""Trainer-level arguments: ``barebones`` and its conflicts, gradient clipping, ``fast_dev_run``'s
silent overrides, logging cadence and gradient accumulation.

The checks mirror ``Trainer.__init__`` in ``lightning/pytorch/trainer/trainer.py``; the loop,
limit and time arguments are in :mod:`trainer_lint.rules.loops`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key
from trainer_lint.rules.loops.values import (
    LIMITS,
    batch_limit_problem,
    fast_dev_run,
    is_int,
    is_number,
    is_set,
    overfit_on,
    parse_interval,
    value,
)

BAREBONES_CONFLICTS: tuple[tuple[str, str], ...] = (
    # (argument, what barebones turns off), in the order Trainer.__init__ checks them
    ("enable_checkpointing", "checkpointing"),
    ("logger", "logging"),
    ("enable_progress_bar", "the progress bar"),
    ("log_every_n_steps", "logging"),
    ("enable_model_summary", "the model summary"),
    ("num_sanity_val_steps", "the sanity check"),
    ("fast_dev_run", "development runs"),
    ("detect_anomaly", "anomaly detection"),
    ("profiler", "profiling"),
)
"""The nine arguments ``Trainer(barebones=True)`` rejects."""


def barebones_conflict(name: str, raw: object) -> bool:
    """Whether ``Trainer(barebones=True, <name>=raw)`` raises (the exact tests of ``Trainer.__init__``)."""
    if name == "logger":
        return raw is not None and raw is not False
    if name in ("log_every_n_steps", "num_sanity_val_steps"):
        return raw is not None and raw != 0
    if name == "fast_dev_run":
        return raw is not False and raw != 0
    if name == "profiler":
        return raw is not None
    return bool(raw)


class BarebonesConflict(Rule):
    """## What it does
    Flags arguments that `barebones = true` forbids: `enable_checkpointing`,
    `enable_progress_bar`, `enable_model_summary` or `detect_anomaly` set to `true`; `logger` set
    to anything but `false` (an empty array included); `log_every_n_steps` or
    `num_sanity_val_steps` other than `0`; a non-zero `fast_dev_run`; any `profiler`.

    ## Why is this bad?
    Barebones mode measures raw training speed with every costly feature off. `Trainer(...)`
    raises `ValueError: Trainer(barebones=True, logger=True) was passed. Logging can impact raw
    speed so it is disabled in barebones mode.` for each of them.

    ## Example
    ```toml
    [trainer]
    barebones = true
    enable_progress_bar = true
    profiler = "simple"
    ```

    ## Fix
    ```toml
    [trainer]
    barebones = true
    ```

    ## Lightning source
    `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py` (the `if barebones:` block).
    """

    code = "TL200"
    name = "barebones-conflict"
    summary = "An argument that barebones mode turns off"
    triggers = frozenset({"barebones"})

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        if value(ctx, "barebones") is not True:
            return
        for name, feature in BAREBONES_CONFLICTS:
            if not is_set(ctx, name):
                continue
            raw = value(ctx, name)
            if barebones_conflict(name, raw):
                yield self.report(
                    trainer_key(name),
                    f"`barebones = true` turns off {feature}, so `{name} = {show(raw)}` is rejected; "
                    f"remove `{name}` or remove `barebones`",
                )


class ClipAlgorithmWithoutValue(Rule):
    """## What it does
    Flags `gradient_clip_algorithm` without a non-zero `gradient_clip_val`.

    ## Why is this bad?
    The algorithm only says how to clip; `gradient_clip_val` says whether and where. Without it
    (or with `0`) gradients are never clipped and the algorithm is silently ignored.

    ## Example
    ```toml
    [trainer]
    gradient_clip_algorithm = "value"
    ```

    ## Fix
    ```toml
    [trainer]
    gradient_clip_algorithm = "value"
    gradient_clip_val = 0.5
    ```

    ## Lightning source
    `LightningModule.clip_gradients` and `configure_gradient_clipping` in
    `lightning/pytorch/core/module.py` (`gradient_clip_val or 0.0`).
    """

    code = "TL201"
    name = "clip-algorithm-without-value"
    summary = "gradient_clip_algorithm has no effect without gradient_clip_val"
    triggers = frozenset({"gradient_clip_algorithm"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        algo = value(ctx, "gradient_clip_algorithm")
        if is_set(ctx, "gradient_clip_algorithm") and not value(ctx, "gradient_clip_val"):
            clip = " = 0" if is_set(ctx, "gradient_clip_val") else " is not set"
            yield self.report(
                trainer_key("gradient_clip_algorithm"),
                f"`gradient_clip_algorithm = {show(algo)}` has no effect: `gradient_clip_val`{clip}, so gradients are not clipped",
            )


class NegativeClipValue(Rule):
    """## What it does
    Flags a negative `gradient_clip_val`.

    ## Why is this bad?
    The Trainer accepts it, and torch does not check either: clipping by norm with a negative
    maximum scales every gradient by a negative factor (reversing the update), and clipping by
    value to `[1, -1]`-style bounds sets every gradient to the bound.

    ## Example
    ```toml
    [trainer]
    gradient_clip_val = -1.0
    ```

    ## Fix
    ```toml
    [trainer]
    gradient_clip_val = 1.0
    ```

    ## Lightning source
    `Precision.clip_grad_by_norm` / `clip_grad_by_value` in
    `lightning/pytorch/plugins/precision/precision.py`.
    """

    code = "TL202"
    name = "negative-clip-value"
    summary = "gradient_clip_val is negative"
    triggers = frozenset({"gradient_clip_val"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        clip = value(ctx, "gradient_clip_val")
        if is_set(ctx, "gradient_clip_val") and is_number(clip) and clip < 0:
            yield self.report(
                trainer_key("gradient_clip_val"),
                f"`gradient_clip_val = {show(clip)}` is negative; use a positive value, or 0 to turn clipping off",
            )


class FastDevRunOverride(Rule):
    """## What it does
    Flags arguments that a truthy `fast_dev_run` silently replaces: `limit_*_batches`,
    `max_epochs`, `max_steps`, `num_sanity_val_steps`, `val_check_interval`,
    `check_val_every_n_epoch`, and `logger` / `enable_checkpointing` (suppressed). A value equal
    to what `fast_dev_run` sets anyway (`max_epochs = 1`, `num_sanity_val_steps = 0`, a limit of
    N batches for `fast_dev_run = N`) is not flagged.

    ## Why is this bad?
    A fast dev run uses N batches (1 for `true`) for one epoch with no sanity check, validates
    once per epoch, and swaps the loggers for a dummy one. Everything else the config says about
    these is ignored without a warning, which hides mistakes until the flag is removed.

    ## Example
    ```toml
    [trainer]
    fast_dev_run = true
    max_epochs = 10
    ```

    ## Fix
    Remove `fast_dev_run` for a real run, or remove the arguments it overrides while debugging.

    ## Lightning source
    `_init_debugging_flags` in `lightning/pytorch/trainer/setup.py`;
    `ModelCheckpoint._should_skip_saving_checkpoint` in
    `lightning/pytorch/callbacks/model_checkpoint.py`.
    """

    code = "TL203"
    name = "fast-dev-run-override"
    summary = "fast_dev_run silently replaces limits, epochs, steps, validation and logging settings"
    triggers = frozenset({"fast_dev_run"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = fast_dev_run(ctx)
        if not n:
            return
        fdr = f"`fast_dev_run = {show(value(ctx, 'fast_dev_run'))}`"
        batches = f"{n} batch{'es' if n > 1 else ''}"
        overrides = {
            "limit_test_batches": f"it runs {batches}",
            "limit_predict_batches": f"it runs {batches}",
            "max_epochs": "it runs 1 epoch",
            "max_steps": f"it stops after {n} step{'s' if n > 1 else ''}",
            "num_sanity_val_steps": "it skips the sanity check",
            "val_check_interval": "it validates once per epoch",
            "check_val_every_n_epoch": "it validates every epoch",
        }
        if not overfit_on(ctx):
            overrides = {"limit_train_batches": f"it runs {batches}", "limit_val_batches": f"it runs {batches}", **overrides}
        sets: dict[str, Any] = {
            **dict.fromkeys(("limit_train_batches", "limit_val_batches", "limit_test_batches", "limit_predict_batches", "max_steps"), n),
            "max_epochs": 1,
            "num_sanity_val_steps": 0,
            "val_check_interval": 1.0,
            "check_val_every_n_epoch": 1,
        }
        for name, why in overrides.items():
            if not is_set(ctx, name):
                continue
            raw = value(ctx, name)
            same = sets.get(name)
            if raw == same and type(raw) is type(same):
                continue  # the value fast_dev_run sets anyway (an int count is not the float fraction 1.0)
            if name in LIMITS or name == "val_check_interval":
                # invalid values are reported by invalid-batch-limit / invalid-time-interval
                if is_number(raw) and batch_limit_problem(raw) is not None:
                    continue
                if isinstance(raw, (str, dict)) and parse_interval(raw)[1] is not None:
                    continue
            shown = '"none"' if name == "check_val_every_n_epoch" and raw is None else show(raw)
            yield self.report(trainer_key(name), f"`{name} = {shown}` is ignored: {fdr} overrides it ({why})")
        logger = value(ctx, "logger")
        if is_set(ctx, "logger") and logger:
            yield self.report(trainer_key("logger"), f"`logger = {show(logger)}` is replaced by a dummy logger under {fdr}")
        if is_set(ctx, "enable_checkpointing") and value(ctx, "enable_checkpointing"):
            yield self.report(trainer_key("enable_checkpointing"), f"`enable_checkpointing = true` saves nothing under {fdr}")


class NegativeLogInterval(Rule):
    """## What it does
    Flags a negative `log_every_n_steps`.

    ## Why is this bad?
    The Trainer accepts it and logs every `n` steps as if the sign were not there (Python's `%`
    with a negative divisor). `0` turns step logging off; a negative value was probably meant to.

    ## Example
    ```toml
    [trainer]
    log_every_n_steps = -1
    ```

    ## Fix
    ```toml
    [trainer]
    log_every_n_steps = 0   # or a positive interval
    ```

    ## Lightning source
    `_LoggerConnector.should_update_logs` in
    `lightning/pytorch/trainer/connectors/logger_connector/logger_connector.py`.
    """

    code = "TL204"
    name = "negative-log-interval"
    summary = "log_every_n_steps is negative"
    triggers = frozenset({"log_every_n_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "log_every_n_steps")
        if is_set(ctx, "log_every_n_steps") and is_int(n) and n < 0:
            yield self.report(
                trainer_key("log_every_n_steps"),
                f"`log_every_n_steps = {n}` logs every {-n} steps as if it were positive; use 0 to turn step logging off",
            )


class AccumulateBelowOne(Rule):
    """## What it does
    Flags `accumulate_grad_batches` below 1.

    ## Why is this bad?
    The Trainer accepts it, but the training loop divides by it: `0` fails with
    `ZeroDivisionError` at the first training batch, and a negative value never accumulates as
    intended.

    ## Example
    ```toml
    [trainer]
    accumulate_grad_batches = 0
    ```

    ## Fix
    ```toml
    [trainer]
    accumulate_grad_batches = 1
    ```

    ## Lightning source
    `_AutomaticOptimization` in `lightning/pytorch/loops/optimization/automatic.py`;
    `_TrainingEpochLoop._accumulated_batches_reached` in
    `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = "TL205"
    name = "accumulate-below-one"
    summary = "accumulate_grad_batches is zero or negative"
    triggers = frozenset({"accumulate_grad_batches"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "accumulate_grad_batches")
        if is_set(ctx, "accumulate_grad_batches") and is_int(n) and n < 1:
            what = "fails with ZeroDivisionError at the first training batch" if n == 0 else "does not accumulate gradients as intended"
            yield self.report(trainer_key("accumulate_grad_batches"), f"`accumulate_grad_batches = {n}` {what}; use 1 or more")


RULES: tuple[type[Rule], ...] = (
    BarebonesConflict,
    ClipAlgorithmWithoutValue,
    NegativeClipValue,
    FastDevRunOverride,
    NegativeLogInterval,
    AccumulateBelowOne,
)
