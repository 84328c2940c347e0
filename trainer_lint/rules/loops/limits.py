"""Data limits: ``limit_*_batches``, ``overfit_batches`` and a batch-count ``val_check_interval``
(TL210–TL212, TL218, TL221)."""

from __future__ import annotations

from collections.abc import Iterator

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key
from trainer_lint.rules.loops.values import (
    AMBIGUOUS_BATCH_LIMIT,
    BATCH_ARGUMENTS,
    FLOAT_INTERVAL_WITHOUT_EPOCH,
    INVALID_BATCH_LIMIT,
    LIMITS,
    batch_limit_problem,
    effective_batches,
    fast_dev_run,
    is_int,
    is_number,
    is_set,
    overfit_on,
    value,
)


class InvalidBatchLimit(Rule):
    """## What it does
    Checks `limit_train_batches`, `limit_val_batches`, `limit_test_batches`,
    `limit_predict_batches`, `overfit_batches` and a numeric `val_check_interval`: each must be a
    fraction in `[0.0, 1.0]` or a whole number of batches (`0`, `5`, even `5.0`). Negative values,
    fractions above 1 such as `1.5`, `nan` and `inf` are rejected.

    It is an error when the Trainer reads the value. Under a truthy `fast_dev_run` the Trainer
    does not read the limits or `val_check_interval` (nor `limit_train_batches` and
    `limit_val_batches` while `overfit_batches > 0`), so there it is a warning: the value is
    ignored today and raises as soon as the debug setting goes.

    ## Why is this bad?
    `Trainer(...)` raises `MisconfigurationException: You have passed invalid value 1.5 for
    limit_val_batches, it has to be in [0.0, 1.0] or an int.`

    ## Example
    ```toml
    [trainer]
    limit_val_batches = 1.5
    ```

    ## Fix
    ```toml
    [trainer]
    limit_val_batches = 1.0   # all batches; or an integer count such as 15
    ```

    ## Lightning source
    `_determine_batch_limits` and `_init_debugging_flags` in `lightning/pytorch/trainer/setup.py`.
    """

    code = INVALID_BATCH_LIMIT
    name = "invalid-batch-limit"
    summary = "A batch limit is neither a fraction in [0.0, 1.0] nor a whole number of batches"
    triggers = BATCH_ARGUMENTS

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        fdr = fast_dev_run(ctx)
        overfit = overfit_on(ctx)
        names = ("overfit_batches", *LIMITS, "val_check_interval")
        for name in names:
            raw = value(ctx, name)
            if not is_set(ctx, name) or not is_number(raw):
                continue
            problem = batch_limit_problem(raw)
            if problem is None:
                continue
            message = f"`{name} = {show(raw)}` {problem}; use a fraction in [0.0, 1.0] or a whole number of batches"
            ignored_by = None
            if fdr and name != "overfit_batches":
                ignored_by = f"`fast_dev_run = {show(value(ctx, 'fast_dev_run'))}`"
            elif overfit and name in ("limit_train_batches", "limit_val_batches"):
                ignored_by = f"`overfit_batches = {show(value(ctx, 'overfit_batches'))}`"
            if ignored_by:
                yield self.report(
                    trainer_key(name),
                    f"{message} (ignored while {ignored_by} is set, but the Trainer raises once it is removed)",
                    severity=Severity.WARNING,
                )
            else:
                yield self.report(trainer_key(name), message)


class AmbiguousBatchLimit(Rule):
    """## What it does
    Flags batch limits whose meaning depends on the TOML type: a whole float above 1
    (`limit_train_batches = 2.0`) is read as that many batches, not as 200%; the integer `1`
    means one batch, while the float `1.0` means every batch.

    ## Why is this bad?
    Lightning silently turns `2.0` into `2` batches, and logs `Trainer(limit_val_batches=1) was
    configured so 1 batch will be used` for `1`. A config written as a fraction ends up training
    on one or two batches an epoch.

    ## Example
    ```toml
    [trainer]
    limit_train_batches = 2.0
    limit_val_batches = 1
    ```

    ## Fix
    ```toml
    [trainer]
    limit_train_batches = 2      # two batches (or 1.0 for all of them)
    limit_val_batches = 1.0      # every validation batch
    ```

    ## Lightning source
    `_determine_batch_limits` in `lightning/pytorch/trainer/setup.py`.
    """

    code = AMBIGUOUS_BATCH_LIMIT
    name = "ambiguous-batch-limit"
    summary = "A batch limit whose integer or float spelling changes its meaning"
    triggers = BATCH_ARGUMENTS
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        for name in ("overfit_batches", *LIMITS, "val_check_interval"):
            raw = value(ctx, name)
            if not is_set(ctx, name) or not is_number(raw) or batch_limit_problem(raw) is not None:
                continue
            if isinstance(raw, float) and raw > 1:
                yield self.report(
                    trainer_key(name),
                    f"`{name} = {show(raw)}` is read as {int(raw)} batches, not as a fraction; "
                    f"write `{name} = {int(raw)}`",
                )
            elif is_int(raw) and raw == 1 and name != "overfit_batches":
                what = "validation runs after every training batch" if name == "val_check_interval" else "a single batch is used"
                yield self.report(
                    trainer_key(name),
                    f"`{name} = 1` is an integer, so {what}; write `{name} = 1.0` for the whole epoch",
                    severity=Severity.INFO,
                )


class FloatIntervalWithoutEpoch(Rule):
    """## What it does
    Flags a float `val_check_interval` (a fraction of an epoch) together with
    `check_val_every_n_epoch = "none"` (trainer-lint's spelling of None).

    ## Why is this bad?
    Without epoch-based validation there is no epoch to take a fraction of: `Trainer(...)` raises
    `MisconfigurationException: val_check_interval should be an integer or a time-based duration
    ... when check_val_every_n_epoch=None`. It raises even under `fast_dev_run`.

    ## Example
    ```toml
    [trainer]
    check_val_every_n_epoch = "none"
    val_check_interval = 0.5
    ```

    ## Fix
    ```toml
    [trainer]
    check_val_every_n_epoch = "none"
    val_check_interval = 1000   # every 1000 training batches, across epochs
    ```

    ## Lightning source
    `_DataConnector.on_trainer_init` in `lightning/pytorch/trainer/connectors/data_connector.py`.
    """

    code = FLOAT_INTERVAL_WITHOUT_EPOCH
    name = "float-interval-without-epoch"
    summary = 'A fractional val_check_interval with check_val_every_n_epoch = "none"'
    triggers = frozenset({"check_val_every_n_epoch"})

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        vci = value(ctx, "val_check_interval")
        if is_set(ctx, "check_val_every_n_epoch") and value(ctx, "check_val_every_n_epoch") is None and isinstance(vci, float):
            yield self.report(
                trainer_key("val_check_interval"),
                f'`val_check_interval = {show(vci)}` is a fraction of an epoch, but `check_val_every_n_epoch = "none"` '
                "validates across epochs; use an integer number of batches or a duration such as \"00:00:30:00\"",
            )


class OverfitOverridesLimits(Rule):
    """## What it does
    Flags `limit_train_batches` and `limit_val_batches` set together with `overfit_batches > 0`.

    ## Why is this bad?
    `overfit_batches` replaces both limits (training and validation both use the overfit
    batches from the training set), silently: the limits written in the config are ignored.

    ## Example
    ```toml
    [trainer]
    overfit_batches = 10
    limit_train_batches = 100
    ```

    ## Fix
    ```toml
    [trainer]
    overfit_batches = 10
    ```

    ## Lightning source
    `_init_debugging_flags` in `lightning/pytorch/trainer/setup.py`.
    """

    code = "TL218"
    name = "overfit-overrides-limits"
    summary = "overfit_batches silently replaces limit_train_batches and limit_val_batches"
    triggers = frozenset({"overfit_batches"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        if not overfit_on(ctx):
            return
        ob = value(ctx, "overfit_batches")
        for name in ("limit_train_batches", "limit_val_batches"):
            raw = value(ctx, name)
            if is_set(ctx, name) and batch_limit_problem(raw) is None:
                yield self.report(
                    trainer_key(name),
                    f"`{name} = {show(raw)}` is ignored: `overfit_batches = {show(ob)}` replaces it",
                )


class IntervalExceedsTrainLimit(Rule):
    """## What it does
    Flags an integer `val_check_interval` larger than an integer `limit_train_batches` (or
    `overfit_batches`) while validation is epoch-based and on.

    ## Why is this bad?
    The Trainer builds, but `fit` raises `ValueError: val_check_interval (100) must be less than
    or equal to the number of the training batches (50)` as soon as the training data is loaded.

    ## Example
    ```toml
    [trainer]
    limit_train_batches = 50
    val_check_interval = 100
    ```

    ## Fix
    ```toml
    [trainer]
    limit_train_batches = 50
    val_check_interval = 25
    ```

    ## Lightning source
    `_FitLoop.setup_data` in `lightning/pytorch/loops/fit_loop.py`.
    """

    code = "TL221"
    name = "interval-exceeds-train-limit"
    summary = "val_check_interval is larger than the number of training batches"
    triggers = frozenset({"val_check_interval"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        if fast_dev_run(ctx) or value(ctx, "check_val_every_n_epoch") is None:
            return
        vci = value(ctx, "val_check_interval")
        if not is_set(ctx, "val_check_interval") or not is_number(vci) or batch_limit_problem(vci) is not None:
            return
        vci = effective_batches(vci)
        if not is_int(vci):
            return
        if overfit_on(ctx):
            source = "overfit_batches"
            train = val = effective_batches(value(ctx, "overfit_batches"))
        else:
            source = "limit_train_batches"
            raw_train, raw_val = value(ctx, "limit_train_batches"), value(ctx, "limit_val_batches")
            if batch_limit_problem(raw_train) or batch_limit_problem(raw_val):
                return
            train, val = effective_batches(raw_train), effective_batches(raw_val)
        if is_int(train) and 0 < train < vci and val > 0:
            yield self.report(
                trainer_key("val_check_interval"),
                f"`val_check_interval = {show(value(ctx, 'val_check_interval'))}` is more than the {train} training "
                f"batches that `{source}` allows: `fit` raises when it starts; lower it, or set "
                '`check_val_every_n_epoch = "none"` to count batches across epochs',
            )


RULES: tuple[type[Rule], ...] = (
    InvalidBatchLimit,
    AmbiguousBatchLimit,
    FloatIntervalWithoutEpoch,
    OverfitOverridesLimits,
    IntervalExceedsTrainLimit,
)
