"""Loops, data limits, validation scheduling and time: ``max_*``/``min_*``, ``limit_*_batches``,
``overfit_batches``, ``val_check_interval``, ``check_val_every_n_epoch``, ``num_sanity_val_steps``
and ``max_time``.

Lightning checks most of these values only when it reads them, and it does not read them all: a
truthy ``fast_dev_run`` replaces the batch limits and ``val_check_interval`` without validating
them, and ``overfit_batches > 0`` replaces ``limit_train_batches`` and ``limit_val_batches``. The
rules here follow that control flow (``_init_debugging_flags`` in ``trainer/setup.py``): a value
that makes ``Trainer(...)`` raise is an error; the same value while it is ignored is a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key

LIMITS = ("limit_train_batches", "limit_val_batches", "limit_test_batches", "limit_predict_batches")
"""The ``limit_*_batches`` arguments, in the order Lightning reads them."""
BATCH_ARGUMENTS = frozenset({"overfit_batches", *LIMITS, "val_check_interval"})
"""The arguments that take a fraction of an epoch or a number of batches (rule triggers)."""

TIMER_CLASSES = frozenset(
    {
        "lightning.pytorch.callbacks.Timer",
        "lightning.pytorch.callbacks.timer.Timer",
        "pytorch_lightning.callbacks.Timer",
        "pytorch_lightning.callbacks.timer.Timer",
    }
)

_TIMER_PATTERN = re.compile(r"(\d+):(\d\d):(\d\d):(\d\d)")


# -- shared facts -------------------------------------------------------------------------------


def value(ctx: Context, name: str) -> Any:
    """``trainer.<name>`` when it and everything inside it is well-typed, else the Trainer default.

    ``check_val_every_n_epoch = "none"`` comes back as None.
    """
    out = ctx.trainer[name] if ctx.is_clean(name) else ctx.default(name)
    if name == "check_val_every_n_epoch" and out == "none":
        return None
    return out


def is_set(ctx: Context, name: str) -> bool:
    """Whether the user wrote ``trainer.<name>`` and it is well-typed throughout."""
    return ctx.is_clean(name)


def _default(ctx: Context, name: str) -> Any:
    return ctx.default(name)


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def fast_dev_run(ctx: Context) -> int:
    """The number of batches a fast dev run uses; 0 when it is off."""
    fdr = value(ctx, "fast_dev_run")
    if fdr is True:
        return 1
    return fdr if is_int(fdr) and fdr > 0 else 0


def overfit_on(ctx: Context) -> bool:
    """Whether ``overfit_batches`` is a valid positive value (Lightning then replaces train/val limits)."""
    ob = value(ctx, "overfit_batches")
    return is_number(ob) and batch_limit_problem(ob) is None and ob > 0


def batch_limit_problem(batches: Any) -> str | None:
    """Why ``_determine_batch_limits`` raises for ``batches``, or None when it accepts it."""
    if not is_number(batches):
        return None
    if 0 <= batches <= 1:
        return None
    if batches > 1 and batches % 1.0 == 0:
        return None
    if isinstance(batches, float) and math.isnan(batches):
        return "is not a number"
    if batches < 0:
        return "is negative"
    if math.isinf(batches):
        return "is infinite"
    return "is a fraction above 1.0"


def effective_batches(batches: Any) -> Any:
    """What ``_determine_batch_limits`` turns a valid value into (whole floats above 1 become ints)."""
    if batches is None:
        return 1.0
    if isinstance(batches, float) and batches > 1 and batches % 1.0 == 0:
        return int(batches)
    return batches


def parse_interval(raw: Any) -> tuple[float | None, str | None, str]:
    """Parse a ``val_check_interval`` duration as ``_parse_time_interval_seconds`` does.

    Returns ``(seconds, problem, code)``: ``problem`` is None when Lightning accepts the value;
    ``code`` is the rule that reports the problem.
    """
    if isinstance(raw, dict):
        try:
            return timedelta(**raw).total_seconds(), None, ""
        except TypeError:  # unknown key: the schema rules report it
            return None, None, ""
        except (OverflowError, ValueError) as error:
            return None, _overflow_words(error), TIME_RANGE
    parts = raw.split(":")
    if len(parts) != 4:
        return None, f"has {len(parts)} part{'s' if len(parts) != 1 else ''}, not the 4 of \"DD:HH:MM:SS\"", TIME_FORMAT
    try:
        days, hours, minutes, seconds = (int(p) for p in parts)
    except ValueError:
        return None, 'has a part that is not an integer; write "DD:HH:MM:SS"', TIME_FORMAT
    try:
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds(), None, ""
    except OverflowError as error:
        return None, _overflow_words(error), TIME_RANGE


def parse_max_time(raw: Any) -> tuple[float | None, str | None]:
    """Parse ``max_time`` as ``Timer.__init__`` does (the string form is checked by the schema)."""
    try:
        if isinstance(raw, dict):
            return timedelta(**raw).total_seconds(), None
        match = _TIMER_PATTERN.fullmatch(raw.strip())
        if match is None:  # the schema reports the form
            return None, None
        d, h, m, s = (int(g) for g in match.groups())
        return timedelta(days=d, hours=h, minutes=m, seconds=s).total_seconds(), None
    except TypeError:
        return None, None
    except (OverflowError, ValueError) as error:
        return None, _overflow_words(error)


def _overflow_words(error: Exception) -> str:
    text = str(error)
    if "NaN" in text:
        return "contains nan, which is not a duration"
    return "is longer than Python's `timedelta` allows (999999999 days)"


def _dur(seconds: float) -> str:
    return f"{seconds:g} seconds"


# -- rules --------------------------------------------------------------------------------------

INVALID_BATCH_LIMIT = "TL210"
AMBIGUOUS_BATCH_LIMIT = "TL211"
FLOAT_INTERVAL_WITHOUT_EPOCH = "TL212"
TIME_FORMAT = "TL213"
TIME_RANGE = "TL214"
NON_POSITIVE_DURATION = "TL215"


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


class _IntervalRule(Rule):
    """Reports the problems of a duration ``val_check_interval`` (and ``max_time``) that carry this code."""

    def interval_findings(self, ctx: Context) -> Iterator[Diagnostic]:
        vci = value(ctx, "val_check_interval")
        if is_set(ctx, "val_check_interval") and isinstance(vci, (str, dict)):
            _, problem, code = parse_interval(vci)
            if problem and code == self.code:
                message = f"`val_check_interval = {show(vci)}` {problem}"
                fdr = fast_dev_run(ctx)
                if fdr:
                    message += (
                        f" (ignored while `fast_dev_run = {show(value(ctx, 'fast_dev_run'))}` is set, "
                        "but the Trainer raises once it is removed)"
                    )
                    yield self.report(trainer_key("val_check_interval"), message, severity=Severity.WARNING)
                else:
                    yield self.report(trainer_key("val_check_interval"), message)


class InvalidTimeInterval(_IntervalRule):
    """## What it does
    Checks the string form of a time-based `val_check_interval`: four `:`-separated integers,
    `"DD:HH:MM:SS"`. (`max_time`'s stricter form, two digits for hours, minutes and seconds, is
    checked by `out-of-range`, TL102.)

    ## Why is this bad?
    `Trainer(...)` raises `MisconfigurationException: Invalid time format for val_check_interval`.
    Under `fast_dev_run` the Trainer does not read `val_check_interval`, so the mistake is a
    warning there, waiting to raise.

    ## Example
    ```toml
    [trainer]
    val_check_interval = "00:30:00"
    ```

    ## Fix
    ```toml
    [trainer]
    val_check_interval = "00:00:30:00"   # or { minutes = 30 }
    ```

    ## Lightning source
    `_parse_time_interval_seconds` in `lightning/pytorch/trainer/setup.py`.
    """

    code = TIME_FORMAT
    name = "invalid-time-interval"
    summary = 'A time-based val_check_interval that is not "DD:HH:MM:SS"'
    triggers = frozenset({"val_check_interval"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return self.interval_findings(ctx)


class DurationOutOfRange(_IntervalRule):
    """## What it does
    Checks that `max_time` and a time-based `val_check_interval` fit in a Python `timedelta`
    (at most 999999999 days) and contain no `nan`.

    ## Why is this bad?
    `Trainer(...)` raises `OverflowError: days=1000000000; must have magnitude <= 999999999` (or
    `ValueError: cannot convert float NaN to integer`) while building the duration.

    ## Example
    ```toml
    [trainer]
    max_time = { days = 1000000000 }
    ```

    ## Fix
    ```toml
    [trainer]
    max_time = { days = 7 }
    ```

    ## Lightning source
    `Timer.__init__` in `lightning/pytorch/callbacks/timer.py`; `_parse_time_interval_seconds` in
    `lightning/pytorch/trainer/setup.py`.
    """

    code = TIME_RANGE
    name = "duration-out-of-range"
    summary = "A duration too long for a Python timedelta"
    triggers = frozenset({"max_time", "val_check_interval"})

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        mt = value(ctx, "max_time")
        if is_set(ctx, "max_time") and mt is not None:
            _, problem = parse_max_time(mt)
            if problem:
                yield self.report(trainer_key("max_time"), f"`max_time = {show(mt)}` {problem}")
        yield from self.interval_findings(ctx)


class NonPositiveDuration(Rule):
    """## What it does
    Flags a `max_time` of zero or less, and a time-based `val_check_interval` of zero or less.

    ## Why is this bad?
    The Trainer accepts both. A `max_time` of zero stops training after the first batch; a
    negative or zero validation interval has always elapsed, so validation runs after every
    training batch.

    ## Example
    ```toml
    [trainer]
    max_time = "00:00:00:00"
    val_check_interval = { minutes = -30 }
    ```

    ## Fix
    ```toml
    [trainer]
    max_time = "00:12:00:00"
    val_check_interval = { minutes = 30 }
    ```

    ## Lightning source
    `Timer._check_time_remaining` in `lightning/pytorch/callbacks/timer.py`;
    `_TrainingEpochLoop._should_check_val_fx` in `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = NON_POSITIVE_DURATION
    name = "non-positive-duration"
    summary = "A max_time or time-based val_check_interval of zero or less"
    triggers = frozenset({"max_time", "val_check_interval"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        mt = value(ctx, "max_time")
        if is_set(ctx, "max_time") and mt is not None:
            seconds, _ = parse_max_time(mt)
            if seconds is not None and seconds <= 0:
                yield self.report(
                    trainer_key("max_time"),
                    f"`max_time = {show(mt)}` is {_dur(seconds)}: training stops after the first batch",
                )
        vci = value(ctx, "val_check_interval")
        if is_set(ctx, "val_check_interval") and isinstance(vci, (str, dict)) and not fast_dev_run(ctx):
            seconds, _, _ = parse_interval(vci)
            if seconds is not None and seconds <= 0:
                yield self.report(
                    trainer_key("val_check_interval"),
                    f"`val_check_interval = {show(vci)}` is {_dur(seconds)}: validation runs after every training batch",
                )


class MaxEpochsAndMaxSteps(Rule):
    """## What it does
    Flags a config that sets both a finite `max_epochs` and a finite `max_steps`.

    ## Why is this bad?
    Training stops at whichever limit comes first; the other is silently ignored. The Trainer
    does not warn. Configs that set `max_steps` for a learning-rate schedule often stop early on
    a forgotten `max_epochs`.

    ## Example
    ```toml
    [trainer]
    max_epochs = 10
    max_steps = 100000
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = -1      # no epoch limit: max_steps decides
    max_steps = 100000
    ```

    ## Lightning source
    `_FitLoop.done` in `lightning/pytorch/loops/fit_loop.py`; `_TrainingEpochLoop.done` in
    `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = "TL216"
    name = "max-epochs-and-max-steps"
    summary = "Both max_epochs and max_steps are set; whichever comes first stops training"
    triggers = frozenset({"max_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        me, ms = value(ctx, "max_epochs"), value(ctx, "max_steps")
        if is_int(me) and me >= 0 and is_int(ms) and ms >= 0 and is_set(ctx, "max_epochs") and is_set(ctx, "max_steps"):
            yield self.report(
                trainer_key("max_steps"),
                f"both `max_epochs = {me}` and `max_steps = {ms}` are set: training stops at whichever comes "
                "first; set `max_epochs = -1` to stop on steps alone, or drop `max_steps`",
            )


class MinExceedsMax(Rule):
    """## What it does
    Flags `min_epochs` above `max_epochs` and `min_steps` above `max_steps`.

    ## Why is this bad?
    The maximum wins: the fit loop stops at `max_epochs` or `max_steps` without looking at the
    minimum, which only holds back early stopping. The Trainer accepts the pair without a word.

    ## Example
    ```toml
    [trainer]
    min_epochs = 20
    max_epochs = 10
    ```

    ## Fix
    ```toml
    [trainer]
    min_epochs = 10
    max_epochs = 20
    ```

    ## Lightning source
    `_FitLoop.done` in `lightning/pytorch/loops/fit_loop.py`; `_parse_loop_limits` in
    `lightning/pytorch/loops/utilities.py`.
    """

    code = "TL217"
    name = "min-exceeds-max"
    summary = "min_epochs or min_steps is larger than its maximum"
    triggers = frozenset({"min_epochs", "min_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        for unit in ("epochs", "steps"):
            lo, hi = value(ctx, f"min_{unit}"), value(ctx, f"max_{unit}")
            if is_int(lo) and is_int(hi) and hi >= 0 and lo > hi and is_set(ctx, f"max_{unit}"):
                yield self.report(
                    trainer_key(f"min_{unit}"),
                    f"`min_{unit} = {lo}` is larger than `max_{unit} = {hi}`: training stops at `max_{unit}` "
                    f"and `min_{unit}` has no effect",
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


class CheckValBelowOne(Rule):
    """## What it does
    Flags `check_val_every_n_epoch` below 1.

    ## Why is this bad?
    The Trainer accepts it, but `0` divides by zero when the first training epoch decides whether
    to validate, and a negative `-n` validates every `n` epochs as if it were positive.

    ## Example
    ```toml
    [trainer]
    check_val_every_n_epoch = 0
    ```

    ## Fix
    ```toml
    [trainer]
    limit_val_batches = 0   # to turn validation off
    ```

    ## Lightning source
    `_TrainingEpochLoop._should_check_val_epoch` in `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = "TL219"
    name = "check-val-below-one"
    summary = "check_val_every_n_epoch is zero or negative"
    triggers = frozenset({"check_val_every_n_epoch"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "check_val_every_n_epoch")
        if is_set(ctx, "check_val_every_n_epoch") and is_int(n) and n < 1:
            what = (
                "fails with ZeroDivisionError in the first training epoch"
                if n == 0
                else f"validates every {-n} epochs, as if it were {-n}"
            )
            yield self.report(
                trainer_key("check_val_every_n_epoch"),
                f"`check_val_every_n_epoch = {n}` {what}; use a positive integer, or `limit_val_batches = 0` to skip validation",
            )


class NegativeSanitySteps(Rule):
    """## What it does
    Flags `num_sanity_val_steps` below -1.

    ## Why is this bad?
    Only `-1` means "all batches". The Trainer accepts any other negative value and quietly
    runs no sanity check at all.

    ## Example
    ```toml
    [trainer]
    num_sanity_val_steps = -2
    ```

    ## Fix
    ```toml
    [trainer]
    num_sanity_val_steps = -1   # all validation batches; 0 for none
    ```

    ## Lightning source
    `_init_debugging_flags` in `lightning/pytorch/trainer/setup.py`;
    `Trainer._run_sanity_check` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = "TL220"
    name = "negative-sanity-steps"
    summary = "num_sanity_val_steps is below -1 and turns the sanity check off"
    triggers = frozenset({"num_sanity_val_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "num_sanity_val_steps")
        if is_set(ctx, "num_sanity_val_steps") and is_int(n) and n < -1:
            yield self.report(
                trainer_key("num_sanity_val_steps"),
                f"`num_sanity_val_steps = {n}` runs no sanity check; use -1 for all batches or 0 for none",
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


class MaxTimeIgnoredWithTimer(Rule):
    """## What it does
    Flags `max_time` in a config whose `callbacks` already include a `Timer`.

    ## Why is this bad?
    The Trainer keeps the user's `Timer` and ignores `max_time` (it only logs "Ignoring
    `Trainer(max_time=...)`, callbacks list already contains a Timer").

    ## Example
    ```toml
    [trainer]
    max_time = "00:12:00:00"

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.Timer"
    init_args = { duration = "00:06:00:00" }
    ```

    ## Fix
    Keep one of the two: drop `max_time`, or drop the `Timer` callback.

    ## Lightning source
    `_CallbackConnector._configure_timer_callback` in
    `lightning/pytorch/trainer/connectors/callback_connector.py`.
    """

    code = "TL222"
    name = "max-time-ignored-with-timer"
    summary = "max_time is ignored because the callbacks include a Timer"
    triggers = frozenset({"max_time"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        if not is_set(ctx, "max_time"):
            return
        callbacks = ctx.trainer.get("callbacks")
        items = callbacks if isinstance(callbacks, list) else [callbacks]
        for item in items:
            path = item.get("class_path") if isinstance(item, dict) else item
            if isinstance(path, str) and path in TIMER_CLASSES:
                yield self.report(
                    trainer_key("max_time"),
                    f"`max_time = {show(value(ctx, 'max_time'))}` is ignored: the callbacks already include `{path}`",
                )
                return


RULES: tuple[type[Rule], ...] = (
    InvalidBatchLimit,
    AmbiguousBatchLimit,
    FloatIntervalWithoutEpoch,
    InvalidTimeInterval,
    DurationOutOfRange,
    NonPositiveDuration,
    MaxEpochsAndMaxSteps,
    MinExceedsMax,
    OverfitOverridesLimits,
    CheckValBelowOne,
    NegativeSanitySteps,
    IntervalExceedsTrainLimit,
    MaxTimeIgnoredWithTimer,
)
