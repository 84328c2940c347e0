"""Time: ``max_time`` and a time-based ``val_check_interval`` (TL213–TL215, TL222)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key
from trainer_lint.rules.loops.values import (
    NON_POSITIVE_DURATION,
    TIME_FORMAT,
    TIME_RANGE,
    fast_dev_run,
    is_set,
    parse_interval,
    parse_max_time,
    say_duration,
    value,
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
            _, problem = parse_max_time(mt, ctx)
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
            seconds, _ = parse_max_time(mt, ctx)
            if seconds is not None and seconds <= 0:
                yield self.report(
                    trainer_key("max_time"),
                    f"`max_time = {show(mt)}` is {say_duration(seconds)}: training stops after the first batch",
                )
        vci = value(ctx, "val_check_interval")
        if is_set(ctx, "val_check_interval") and isinstance(vci, (str, dict)) and not fast_dev_run(ctx):
            seconds, _, _ = parse_interval(vci)
            if seconds is not None and seconds <= 0:
                yield self.report(
                    trainer_key("val_check_interval"),
                    f"`val_check_interval = {show(vci)}` is {say_duration(seconds)}: validation runs after every training batch",
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
            found = ctx.lightning.classes.resolve(path, "callbacks") if isinstance(path, str) else None
            if found is not None and found.has("timer"):
                yield self.report(
                    trainer_key("max_time"),
                    f"`max_time = {show(value(ctx, 'max_time'))}` is ignored: the callbacks already include `{path}`",
                )
                return


RULES: tuple[type[Rule], ...] = (
    InvalidTimeInterval,
    DurationOutOfRange,
    NonPositiveDuration,
    MaxTimeIgnoredWithTimer,
)
